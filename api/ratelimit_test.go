package api

import (
	"testing"
	"time"
)

func TestLimiterTokenBucket(t *testing.T) {
	l := newLimiter(2, 3) // 2/s, bursts of 3
	t0 := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	a, b := [32]byte{1}, [32]byte{2}
	for i := range 3 {
		if ok, _ := l.allow(a, t0); !ok {
			t.Fatalf("burst: request %d refused", i)
		}
	}
	ok, wait := l.allow(a, t0)
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("fourth at once: ok %v, wait %v; want refused, 500ms", ok, wait)
	}
	if ok, _ := l.allow(b, t0); !ok {
		t.Fatal("another key has its own bucket")
	}
	if ok, _ := l.allow(a, t0.Add(499*time.Millisecond)); ok {
		t.Fatal("refilled too soon")
	}
	if ok, _ := l.allow(a, t0.Add(500*time.Millisecond)); !ok {
		t.Fatal("one token back after 500ms")
	}
	// A long pause refills to the burst, not beyond.
	later := t0.Add(time.Hour)
	for i := range 3 {
		if ok, _ := l.allow(a, later); !ok {
			t.Fatalf("after a pause: request %d refused", i)
		}
	}
	if ok, _ := l.allow(a, later); ok {
		t.Fatal("the bucket holds no more than the burst")
	}
}

func TestLimiterForgetsFullBuckets(t *testing.T) {
	l := newLimiter(100, 1)
	t0 := time.Date(2026, 11, 29, 9, 0, 0, 0, time.UTC)
	for i := range maxIdleBuckets + 10 {
		var k [32]byte
		k[0], k[1], k[2] = byte(i), byte(i>>8), byte(i>>16)
		l.allow(k, t0.Add(time.Duration(i)*time.Millisecond))
	}
	if n := len(l.buckets); n > maxIdleBuckets {
		t.Fatalf("%d buckets kept, want at most %d", n, maxIdleBuckets)
	}
}
