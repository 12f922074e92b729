package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// A seat's clock may step once a minute, each seat at its own second, and
// then shows no seconds.
func TestClockStep(t *testing.T) {
	at := base.Add(20*time.Second + 300*time.Millisecond) // 03:10:20.3
	assert.Equal(t, base.Add(21*time.Second), nextTick(at, 0, 0))
	assert.Equal(t, base.Add(time.Minute), nextTick(at, time.Minute, 0))
	assert.Equal(t, base.Add(67*time.Second), nextTick(at, time.Minute, 7*time.Second))
	assert.Equal(t, base.Add(67*time.Second), nextTick(base.Add(7*time.Second), time.Minute, 7*time.Second))

	f := newFixture(t)
	opt := f.options(t, "en")
	opt.Tick = time.Minute
	m := loaded(t, f.db, opt, 120, 40)
	header := strings.Split(m.View(), "\n")[0]
	assert.Contains(t, header, "2026-11-29 03:10 ")
	assert.NotContains(t, header, "03:10:00")
}
