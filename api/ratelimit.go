package api

import (
	"math"
	"sync"
	"time"
)

// limiter is a token bucket per bearer token: rate requests a second on
// average, bursts of up to burst.
type limiter struct {
	rate  float64
	burst float64

	mu      sync.Mutex
	buckets map[[32]byte]*bucket
	sweep   time.Time // when idle buckets were last dropped
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxIdleBuckets is how many buckets the limiter keeps before it drops the
// full ones (a full bucket is the same as none).
const maxIdleBuckets = 4096

func newLimiter(rate float64, burst int) *limiter {
	return &limiter{rate: rate, burst: float64(burst), buckets: map[[32]byte]*bucket{}}
}

// allow takes one token from key's bucket at now, or says how long until
// one is there.
func (l *limiter) allow(key [32]byte, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxIdleBuckets {
			l.dropFull(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	if el := now.Sub(b.last); el > 0 {
		b.tokens = math.Min(l.burst, b.tokens+el.Seconds()*l.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	return false, wait
}

// dropFull forgets the buckets that have refilled; at most once a second.
func (l *limiter) dropFull(now time.Time) {
	if now.Sub(l.sweep) < time.Second {
		return
	}
	l.sweep = now
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}
