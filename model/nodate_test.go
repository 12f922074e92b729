package model_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"gridcmd/model"
)

// A date written as one but naming no day says which part does not
// exist, in both languages; a real day, and what is no date at all, are
// not its to refuse.
func TestNoSuchDate(t *testing.T) {
	for _, tc := range []struct{ s, en, zh string }{
		{"2026-02-30", `"2026-02-30": no such date: February 2026 has no 30th (28 days)`, `"2026-02-30"：没有这一天：2026 年 2 月没有 30 日（只有 28 天）`},
		{"2026-02-29 08:00", `February 2026 has no 29th (28 days)`, `2026 年 2 月没有 29 日（只有 28 天）`},
		{"2026-04-31T08:00", `April 2026 has no 31st (30 days)`, `2026 年 4 月没有 31 日（只有 30 天）`},
		{"2026/11/32", `November 2026 has no 32nd (30 days)`, `2026 年 11 月没有 32 日`},
		{"2026-13-45", `"2026-13-45": no such date: there is no month 13`, `"2026-13-45"：没有这一天：没有 13 月`},
		{"2026-00-10", `there is no month 0`, `没有 0 月`},
		{"2026-02-00", `the days of a month start at 1`, `每月从 1 日起`},
	} {
		err := model.NoSuchDate(tc.s)
		if assert.NotNil(t, err, tc.s) {
			assert.Contains(t, err.Message, tc.en, tc.s)
			assert.Contains(t, err.MessageZh, tc.zh, tc.s)
			assert.Equal(t, model.EINVALID, err.Code)
		}
	}
	for _, s := range []string{"2028-02-29", "2026-12-31 23:59", "2026-1-5", "21:30", "tomorrow", "", "20260230", "2026-02-3012"} {
		assert.Nil(t, model.NoSuchDate(s), s)
	}
}
