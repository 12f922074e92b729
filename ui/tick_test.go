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

// A clock that steps by the minute shows its countdowns in whole minutes,
// "<1m" under one: never seconds that stand still for the step and then
// jump. A clock of a second keeps them to the second.
func TestCountdownsAtTheClockStep(t *testing.T) {
	for _, c := range []struct {
		d, step time.Duration
		want    string
	}{
		{48 * time.Second, 0, "48s"}, {48 * time.Second, time.Second, "48s"},
		{48 * time.Second, time.Minute, "<1m"}, {-48 * time.Second, time.Minute, "-<1m"},
		{4*time.Minute + 48*time.Second, time.Minute, "4m"}, {-32 * time.Minute, time.Minute, "-32m"},
		{time.Hour + 5*time.Minute + 30*time.Second, time.Minute, "1h05m"},
		{50 * 24 * time.Hour, time.Minute, "50d0h"},
		{48 * time.Second, 10 * time.Second, "40s"}, {8 * time.Second, 10 * time.Second, "<10s"},
		{7 * time.Minute, 5 * time.Minute, "5m"}, {3 * time.Minute, 5 * time.Minute, "<5m"},
		{40 * time.Minute, time.Hour, "<1h"},
	} {
		assert.Equal(t, c.want, stepWait(c.d, c.step), "%s at a step of %s", c.d, c.step)
	}

	f := newFixture(t)
	for _, lang := range []string{"en", "zh"} {
		for _, sz := range [][2]int{{80, 24}, {120, 40}} {
			opt := f.options(t, lang)
			opt.Tick = time.Minute
			m := loaded(t, f.db, opt, sz[0], sz[1])
			q := m.queue.View()
			assert.Regexp(t, `● -?\d+(h\d\dm|m)\s`, q, "%s %dx%d", lang, sz[0], sz[1])
			assert.NotRegexp(t, `● -?(\d+m)?\d+s\b`, q, "%s %dx%d: no seconds", lang, sz[0], sz[1])
			assert.NotRegexp(t, `\d+m\d\ds\b`, m.chain.View(), "the chain's oldest waits too")
		}
	}

	// 1129-0019 has 2m46s left at 03:10: at 03:12, 46 s.
	f.clock.Advance(2 * time.Minute)
	defer f.clock.Set(base)
	opt := f.options(t, "zh")
	opt.Tick = time.Minute
	seat := loaded(t, f.db, opt, 120, 40)
	seat = update(t, seat, tickMsg(f.clock.Now()))
	local := f.model(t, "zh", 120, 40)
	assert.Regexp(t, `● <1m +山后胡村 03 +土地流转租金纠纷`, seat.queue.View())
	assert.Regexp(t, `● 46s +山后胡村 03 +土地流转租金纠纷`, local.queue.View(), "a console of a second's clock counts the seconds")
}
