package ui

import "strings"

// idDays counts the queue's rows by their incident id's number and date
// (HJ-20261129-0017: 0017 of 20261129). Numbers start again every day, so
// the narrow id column, which shows the number alone, cannot tell
// yesterday's 0017 from today's: while the queue holds a number of more
// than one day, the column shows every row's day of the month too (28-0017,
// 29-0017, 29-0007: one form down the column, the id's tail as wider
// screens show more of it), and its month too should two of those days
// share a day of the month (1028-0017, 1128-0017).
type idDays struct {
	by      map[string]map[string]int // number -> date -> rows
	twice   int                       // numbers of more than one date
	sameDay int                       // of those, numbers of two dates on the same day of the month
}

// idParts is an incident id's date and number; ok false for an id of
// another form.
func idParts(id string) (date, num string, ok bool) {
	_, rest, ok := strings.Cut(id, "-")
	date, num, ok2 := strings.Cut(rest, "-")
	if !ok || !ok2 || len(date) != 8 || strings.Contains(num, "-") {
		return "", "", false
	}
	return date, num, true
}

// reset forgets every row.
func (d *idDays) reset() { *d = idDays{} }

// add counts a row of id in (n 1) or out (n -1).
func (d *idDays) add(id string, n int) {
	date, num, ok := idParts(id)
	if !ok {
		return
	}
	if d.by == nil {
		d.by = map[string]map[string]int{}
	}
	dates := d.by[num]
	if dates == nil {
		dates = map[string]int{}
		d.by[num] = dates
	}
	before := datesClash(dates)
	if dates[date] += n; dates[date] <= 0 {
		delete(dates, date)
	}
	if len(dates) == 0 {
		delete(d.by, num)
	}
	after := datesClash(dates)
	d.twice += b2i(after >= 1) - b2i(before >= 1)
	d.sameDay += b2i(after == 2) - b2i(before == 2)
}

// datesClash is what a number's dates make of it: 0 one date, 1 more, 2
// two of them on the same day of the month.
func datesClash(dates map[string]int) int {
	if len(dates) < 2 {
		return 0
	}
	// A number has a few dates at most: compare them pairwise rather
	// than build a set on every row counted.
	seen := make([]string, 0, 4)
	for date := range dates {
		for _, d := range seen {
			if d == date[6:] {
				return 2
			}
		}
		seen = append(seen, date[6:])
	}
	return 1
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// form is the narrowest id form that tells the rows apart, from the
// number alone up (idShort, idDay, idMedium).
func (d *idDays) form() (f idForm, width int) {
	switch {
	case d.sameDay > 0:
		return idMedium, 9 // 1128-0017
	case d.twice > 0:
		return idDay, 7 // 28-0017
	}
	return idShort, 4 // 0017
}

// idTowns are the prefixes of the incident ids a room has seen (HJ of
// HJ-20261129-0017): one town's, or several where a room holds more than
// one town (a county's file numbers each town's under its own prefix).
// While it has seen more than one, the short forms of an id in the queue
// and the events keep the prefix (DC-0002, HJ-0001), as the whole id
// does: the number alone would not say which town the incident is in.
// Seen is seen: an incident closed since does not take a prefix away, so
// the columns do not change width as incidents come and go.
type idTowns struct {
	seen  map[string]bool
	width int // the widest prefix seen
}

// idPrefix is an incident id's town prefix; "" for an id of another form.
func idPrefix(id string) string {
	if _, _, ok := idParts(id); !ok {
		return ""
	}
	pre, _, _ := strings.Cut(id, "-")
	return pre
}

// note counts id's prefix in.
func (t *idTowns) note(id string) {
	pre := idPrefix(id)
	if pre == "" || t.seen[pre] {
		return
	}
	if t.seen == nil {
		t.seen = map[string]bool{}
	}
	t.seen[pre] = true
	t.width = max(t.width, len(pre))
}

// extra is what the prefix adds to a short id's width (its letters and a
// dash), 0 while the room has seen one prefix only.
func (t *idTowns) extra() int {
	if len(t.seen) < 2 {
		return 0
	}
	return t.width + 1
}

// idText is id as a column of form shows it, after its town's prefix
// where town is set (idTowns.extra) and the form leaves it out.
func idText(f idForm, town bool, id string) string {
	s := f.format(id)
	if pre := idPrefix(id); town && f != idFull && pre != "" {
		return pre + "-" + s
	}
	return s
}
