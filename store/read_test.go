package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestOldestFirst: by time (the same instant in another zone ties), then
// by name, ties keeping their order.
func TestOldestFirst(t *testing.T) {
	type held struct {
		at   time.Time
		name string
		n    int
	}
	xs := []held{
		{t0.Add(time.Minute), "a", 0},
		{t0, "b", 1},
		{t0, "a", 2},
		{t0.UTC(), "a", 3},
		{t0.Add(-time.Minute), "z", 4},
	}
	oldestFirst(xs, func(h held) (time.Time, string) { return h.at, h.name })
	var got []int
	for _, x := range xs {
		got = append(got, x.n)
	}
	assert.Equal(t, []int{4, 2, 3, 1, 0}, got)
}
