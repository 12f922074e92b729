package model_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// TestLookbackWindow: one reading of a looking-back window for the
// console's :replay and the command line's replay and timeline export. A
// bare time is the last such time at or before now; a bare end after a
// start is the first such time after it, or now while that is still to
// come; a reversed window is refused in the console's words, never
// stretched into the future (a QA: at 00:51, "05:00 02:00" was refused in
// the console and played 12-07 05:00 to 12-08 02:00 on the command line).
func TestLookbackWindow(t *testing.T) {
	now := time.Date(2026, 12, 8, 0, 51, 30, 0, loc)
	at := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, loc) }
	l := model.Lookback{What: "replay", WhatZh: "回放", Now: now, Loc: loc,
		Dated: func(end, s string) (time.Time, error) {
			t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
			if err != nil {
				return t, model.Errorf(model.EINVALID, "--%s %q", end, s).Zh("--%s %q", end, s)
			}
			return t, nil
		}}
	for _, c := range []struct {
		from, to string
		f, t     time.Time
	}{
		{"23:00", "00:30", at(7, 23, 0), at(8, 0, 30)},
		{"21：30", "", at(7, 21, 30), time.Time{}},
		{"00:51", "", at(8, 0, 51), time.Time{}},
		{"", "00:10", time.Time{}, at(8, 0, 10)},
		{"", "", time.Time{}, time.Time{}},
		{"22:00", "23:00", at(7, 22, 0), at(7, 23, 0)},
		{"2026-12-03 09:00", "10:00", at(3, 9, 0), at(3, 10, 0)},
		{"2026-12-03 23:00", "01:00", at(3, 23, 0), at(4, 1, 0)},
		{"2026-12-07 22:00", "00:30", at(7, 22, 0), at(8, 0, 30)},
		{"2026-12-07 22:00", "2026-12-07 23:00", at(7, 22, 0), at(7, 23, 0)},
		// A bare end still to come after the start is now: the window
		// the officer meant, not a refusal naming a day nobody typed (a
		// review), nor the future.
		{"05:00", "02:00", at(7, 5, 0), now},
		{"23:30", "01:00", at(7, 23, 30), now},
		{"2026-12-08 00:10", "02:00", at(8, 0, 10), now},
	} {
		f, to, err := l.Window(c.from, c.to)
		require.NoError(t, err, "%s %s", c.from, c.to)
		assert.True(t, c.f.Equal(f), "%s %s: from %s, want %s", c.from, c.to, f, c.f)
		assert.True(t, c.t.Equal(to), "%s %s: to %s, want %s", c.from, c.to, to, c.t)
	}
	for _, c := range []struct{ from, to, en, zh string }{
		{"2026-12-09 00:10", "02:00", "replay from 12-09 00:10 to 12-08 00:51: the end must come after the start", "回放 12-09 00:10 至 12-08 00:51：结束须晚于开始"},
		{"2026-11-29 03:00", "2026-11-29 02:00", "replay from 11-29 03:00 to 11-29 02:00: the end must come after the start", "回放 11-29 03:00 至 11-29 02:00：结束须晚于开始"},
	} {
		_, _, err := l.Window(c.from, c.to)
		require.Error(t, err, "%s %s", c.from, c.to)
		assert.Equal(t, model.EINVALID, model.ErrorCode(err))
		assert.Equal(t, c.en, model.ErrorMessage(err))
		assert.Equal(t, c.zh, model.ErrorMessageZh(err))
	}
	_, _, err := l.Window("25:00", "")
	assert.Equal(t, `--from "25:00"`, model.ErrorMessage(err), "not a bare time: the caller's reader refuses it")
	_, _, err = model.Lookback{Now: now, Loc: loc}.Window("", "yesterday")
	assert.Equal(t, `to: "yesterday" is not a time: want 21:30`, model.ErrorMessage(err))
	assert.Equal(t, `结束："yesterday" 不是时刻：应如 21:30`, model.ErrorMessageZh(err))
}

// Near midnight and within the hour, a bare end still to come is now (a
// review found "23:30 00:10" at 00:05 and "21:00 21:30" at 21:15 refused
// with a day nobody typed).
func TestLookbackEndStillToCome(t *testing.T) {
	at := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, loc) }
	for _, c := range []struct {
		now      time.Time
		from, to string
		f        time.Time
	}{
		{at(8, 0, 5), "23:30", "00:10", at(7, 23, 30)},
		{at(8, 21, 15), "21:00", "21:30", at(8, 21, 0)},
	} {
		f, to, err := model.Lookback{What: "replay", WhatZh: "回放", Now: c.now, Loc: loc}.Window(c.from, c.to)
		require.NoError(t, err, "%s %s", c.from, c.to)
		assert.True(t, c.f.Equal(f), "%s: from %s", c.from, f)
		assert.True(t, c.now.Equal(to), "%s: to %s, want now", c.to, to)
	}
}
