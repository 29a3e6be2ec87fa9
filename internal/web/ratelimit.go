package web

import (
	"sync"
	"time"
)

// failureLimiter counts failed tries per client over a sliding window and
// refuses further tries once the limit is reached, so that receipts cannot
// be guessed. Clients are keyed by a MAC of their address, never the
// address itself. Counts live in this process's memory: behind several
// processes each keeps its own count, which still bounds guessing to a
// handful of tries per process per window.
type failureLimiter struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	fails  map[string][]time.Time
	sweep  time.Time
}

func newFailureLimiter(limit int, window time.Duration) *failureLimiter {
	return &failureLimiter{limit: limit, window: window, fails: map[string][]time.Time{}}
}

// blocked reports whether client must wait, and for how long.
func (l *failureLimiter) blocked(client string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.prune(client, now)
	if len(recent) < l.limit {
		return false, 0
	}
	return true, recent[0].Add(l.window).Sub(now)
}

// fail records a failed try by client.
func (l *failureLimiter) fail(client string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fails[client] = append(l.prune(client, now), now)
	if now.Sub(l.sweep) > l.window {
		l.sweep = now
		for c := range l.fails {
			if len(l.prune(c, now)) == 0 {
				delete(l.fails, c)
			}
		}
	}
}

func (l *failureLimiter) prune(client string, now time.Time) []time.Time {
	list := l.fails[client]
	i := 0
	for i < len(list) && now.Sub(list[i]) >= l.window {
		i++
	}
	list = list[i:]
	l.fails[client] = list
	return list
}
