package vault

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestArgonSemaphoreCapacity(t *testing.T) {
	t.Parallel()
	k, err := NewKeyring(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cap(k.argonSem), 2*runtime.NumCPU(); got != want {
		t.Fatalf("semaphore capacity = %d, want %d", got, want)
	}
}

func TestArgonSemaphoreBoundsConcurrency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		capacity int
		workers  int
	}{
		{"one slot", 1, 8},
		{"three slots", 3, 12},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			k, err := NewKeyring(make([]byte, 32))
			if err != nil {
				t.Fatal(err)
			}
			k.argonSem = make(chan struct{}, tc.capacity)
			var running, peak atomic.Int32
			var wg sync.WaitGroup
			for range tc.workers {
				wg.Go(func() {
					k.withArgon(func() []byte {
						n := running.Add(1)
						for {
							p := peak.Load()
							if n <= p || peak.CompareAndSwap(p, n) {
								break
							}
						}
						time.Sleep(2 * time.Millisecond)
						running.Add(-1)
						return nil
					})
				})
			}
			wg.Wait()
			if p := peak.Load(); p > int32(tc.capacity) {
				t.Fatalf("peak concurrency %d exceeds capacity %d", p, tc.capacity)
			}
			if len(k.argonSem) != 0 {
				t.Fatalf("semaphore not released: %d slots held", len(k.argonSem))
			}
		})
	}
}
