package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// At 80 columns the queue's id column shows the number alone (0007). The
// demo's night holds 0017 of two days (a QA saw two 0017s, 28 November's
// and 29 November's): while it does, the column shows every row's day of
// the month too, in one form down the column (28-0017, 29-0017, 29-0007),
// the title keeping its room, and :show takes the form it shows. Once one
// of them leaves the queue, the number alone tells the rows apart again.
func TestQueueTellsTheSameNumberOfTwoDaysApart(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, lang := range []string{"zh", "en"} {
		m := f.model(t, lang, 80, 24)
		view := m.View()
		for _, id := range []string{"28-0017", "29-0017", "29-0007"} {
			assert.Contains(t, view, " "+id+" ", lang)
		}
		assert.NotContains(t, view, " 0017 ", lang)
		assert.NotContains(t, view, " 0007 ", lang)
		head := map[string]string{"zh": `级 +编号 +层级 +状态 +时限 +标题`, "en": `sev +id +tier +status +SLA +title`}[lang]
		assert.Regexp(t, head, view, "%s: the title keeps its room", lang)
		checkScreen(t, m, 80, 24, false)
		m = runLine(t, m, "show 28-0017")
		require.Equal(t, overlayDetail, m.overlay, m.flash.text)
		assert.Contains(t, m.View(), "HJ-20261128-0017")
	}

	m := f.model(t, "en", 80, 24)
	sub := f.db.Subscribe()
	defer sub.Close()
	before := m.queue.ids.twice
	for _, a := range []model.Action{model.ActResolve, model.ActClose} { // closed, it leaves the queue
		_, err := f.db.Act(ctx, "HJ-20261128-0017", model.Command{Action: a, By: f.operator(t), Note: "paid"})
		require.NoError(t, err)
		m = pump(t, m, sub, f.db)
	}
	assert.NotContains(t, m.View(), "28-0017")
	assert.Equal(t, before-1, m.queue.ids.twice, "the live feed's change counted out: 0017 is one day's now")
	checkScreen(t, m, 80, 24, false)
	// The demo's queue holds other numbers of both days: leave 0017 of one
	// day alone, and the number is enough.
	m = typeText(t, m, "/0017")
	m = update(t, m, keyMsg("enter"))
	require.Len(t, m.queue.rows, 1)
	view := m.View()
	assert.Contains(t, view, " 0017 ")
	assert.NotContains(t, view, "29-0017")
	assert.Contains(t, strings.Split(view, "\n")[2], "│ sev id   tier status    SLA       title")
	checkScreen(t, m, 80, 24, false)
}

// A number of two dates on the same day of the month (a month apart) needs
// the month too; the form is the narrowest that tells the rows apart.
func TestIDDaysForm(t *testing.T) {
	var d idDays
	f, w := d.form()
	assert.Equal(t, []any{idShort, 4}, []any{f, w})
	d.add("HJ-20261129-0017", 1)
	d.add("HJ-20261129-0018", 1)
	f, _ = d.form()
	assert.Equal(t, idShort, f, "one date a number")
	d.add("HJ-20261128-0017", 1)
	f, w = d.form()
	assert.Equal(t, []any{idDay, 7}, []any{f, w})
	assert.Equal(t, "28-0017", f.format("HJ-20261128-0017"))
	d.add("HJ-20261028-0017", 1)
	f, w = d.form()
	assert.Equal(t, []any{idMedium, 9}, []any{f, w}, "28 October's and 28 November's 0017")
	assert.Equal(t, 1, d.twice)
	d.add("HJ-20261028-0017", -1)
	f, _ = d.form()
	assert.Equal(t, idDay, f)
	d.add("HJ-20261128-0017", -1)
	f, _ = d.form()
	assert.Equal(t, idShort, f)
	assert.Zero(t, d.twice)
	assert.Zero(t, d.sameDay)
	d.add("no id of ours", 1)
	assert.Len(t, d.by, 2)
}
