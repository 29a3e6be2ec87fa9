package web_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"remedy/internal/store"
	"remedy/internal/testutil/stack"
)

// BenchmarkIntakeHTTP measures grievance intake over real HTTP against the
// embedded SQLite store with durable commits (WAL, synchronous=FULL), at 1
// and 50 concurrent clients. It reports throughput and p50/p99 latency:
//
//	go test ./internal/web/ -run '^$' -bench IntakeHTTP -benchtime 400x
func BenchmarkIntakeHTTP(b *testing.B) {
	for _, clients := range []int{1, 50} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			s := stack.New(b, store.SQLite)
			body := []byte(`{"language":"vi","origin_country":"VN","program":"technical_intern",
				"categories":["wages.unpaid","hours.excessive"],"narrative":"Công ty không trả lương tháng 10 và bắt làm thêm giờ.",
				"contact":{"name":"Nguyen","channel":"phone","value":"090-0000-0000"}}`)
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
			latencies := make([]time.Duration, b.N)
			var next atomic.Int64
			var failed atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for c := 0; c < clients; c++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := next.Add(1) - 1
						if i >= int64(b.N) {
							return
						}
						t0 := time.Now()
						resp, err := client.Post(s.URL+"/api/v1/grievances", "application/json", bytes.NewReader(body))
						if err != nil {
							failed.Add(1)
							continue
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != http.StatusCreated {
							failed.Add(1)
						}
						latencies[i] = time.Since(t0)
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			if n := failed.Load(); n > 0 {
				b.Fatalf("%d of %d requests failed", n, b.N)
			}
			sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
			pct := func(p float64) float64 {
				return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			n, err := s.DB.CountCases(b.Context())
			if err != nil || n != b.N {
				b.Fatalf("stored %d cases (%v), want %d", n, err, b.N)
			}
		})
	}
}
