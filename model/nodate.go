package model

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// datePart is a date as an officer writes one, at the start of a time:
// 2026-02-30, 2026/2/30, 2026-02-30 08:00.
var datePart = regexp.MustCompile(`^([0-9]{4})[-/]([0-9]{1,2})[-/]([0-9]{1,2})(?:$|[ T])`)

// NoSuchDate refuses s, a date (or a date and time) written as a date is
// but naming no day of the calendar, saying which part does not exist
// ("2026-02-30": February 2026 has no 30th); nil for any other s, one
// that is a day or one not written as a date at all.
func NoSuchDate(s string) *Error {
	m := datePart.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return nil
	}
	year, _ := strconv.Atoi(m[1])
	month, _ := strconv.Atoi(m[2])
	day, _ := strconv.Atoi(m[3])
	if month < 1 || month > 12 {
		return Errorf(EINVALID, "%q: no such date: there is no month %d", s, month).
			Zh("%q：没有这一天：没有 %d 月", s, month)
	}
	days := time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	switch {
	case day < 1:
		return Errorf(EINVALID, "%q: no such date: the days of a month start at 1", s).
			Zh("%q：没有这一天：每月从 1 日起", s)
	case day > days:
		return Errorf(EINVALID, "%q: no such date: %s %d has no %s (%d days)", s, time.Month(month), year, ordinal(day), days).
			Zh("%q：没有这一天：%d 年 %d 月没有 %d 日（只有 %d 天）", s, year, month, day, days)
	}
	return nil
}
