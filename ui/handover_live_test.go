package ui

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/demo"
	"gridcmd/model"
)

// countingSheets is a service that counts the sheets it makes without
// storing them (the preview's reads).
type countingSheets struct {
	model.Service
	previews atomic.Int32
}

func (c *countingSheets) Handover(ctx context.Context, room model.NodeCode, note string, by model.PersonID, dryRun bool, seen string) (model.Handover, error) {
	if dryRun {
		c.previews.Add(1)
	}
	return c.Service.Handover(ctx, room, note, by, dryRun, seen)
}

// handoverDesk is the outgoing officer of the demo's first town shift,
// half an hour before its end, with the preview of the sheet on screen
// and the feed of the store running.
type handoverDesk struct {
	f   fixture
	svc *countingSheets
	sub model.Subscription
	m   Model
}

func newHandoverDesk(t *testing.T, lang string, w, h int) handoverDesk {
	t.Helper()
	f := newFixture(t)
	shifts, err := f.db.Shifts(context.Background(), model.ShiftFilter{Room: demo.Town})
	require.NoError(t, err)
	f.clock.Set(shifts[0].To.Add(-30 * time.Minute))
	svc := &countingSheets{Service: f.db}
	sub := f.db.Subscribe()
	t.Cleanup(sub.Close)
	o := f.options(t, lang)
	o.Seat = f.seatOf(t, shifts[0].Person)
	m := loaded(t, svc, o, w, h)
	m = runLine(t, m, "handover")
	require.Equal(t, overlayHandover, m.overlay, m.View())
	return handoverDesk{f: f, svc: svc, sub: sub, m: m}
}

// fire files a severity I fire in the town (not through the console).
func (d handoverDesk) fire(t *testing.T, i int) {
	t.Helper()
	_, err := d.f.db.Report(context.Background(), model.Report{Node: "330784114266-02", Category: "fire",
		Severity: model.SeverityI, Title: fmt.Sprintf("fire %d", i), Reporter: model.System})
	require.NoError(t, err)
}

// feed takes the feed's batches into the console until it holds open
// incidents.
func (d *handoverDesk) feed(t *testing.T, open int) {
	t.Helper()
	for d.m.w.inc.open < open {
		d.m = pump(t, d.m, d.sub, d.f.db)
	}
}

// settle lets the preview's settling wait run out, as its timer would.
func (d *handoverDesk) settle(t *testing.T) {
	t.Helper()
	require.True(t, d.m.handover.follow.armed, "a wait is running")
	d.m = update(t, d.m, sheetDueMsg{gen: d.m.handover.follow.gen})
}

func sheetOf(m Model) string { return strings.Join(m.handover.lines(), "\n") }

// The preview follows the record: three reports filed elsewhere are one
// new sheet once the burst settles (one read, not three; the old sheet
// stays on screen meanwhile), which says what the header says.
func TestHandoverPreviewFollowsTheFeed(t *testing.T) {
	d := newHandoverDesk(t, "zh", 120, 40)
	open0, red0 := d.m.handover.h.Sheet.Counts()
	require.Equal(t, d.m.w.inc.open, open0)
	before := d.svc.previews.Load()
	for i := 1; i <= 3; i++ {
		d.fire(t, i)
	}
	d.feed(t, open0+3)
	assert.Contains(t, d.m.View(), fmt.Sprintf("在办事件 %d，超时 %d", open0, red0), "the sheet changes once, when the burst has settled")
	d.settle(t)
	assert.Equal(t, before+1, d.svc.previews.Load(), "one read for the burst")
	assert.False(t, d.m.handover.follow.armed || d.m.handover.follow.pending)
	view := d.m.View()
	head := strings.Split(view, "\n")[0]
	assert.Contains(t, head, fmt.Sprintf("在办 %d", open0+3))
	assert.Contains(t, view, fmt.Sprintf("在办事件 %d，超时 %d", open0+3, red0), "the header's figures")
	sheet := sheetOf(d.m)
	for i := 1; i <= 3; i++ {
		assert.Contains(t, sheet, fmt.Sprintf("fire %d", i))
	}
	checkScreen(t, d.m, 120, 40, false)
}

// Scrolled down the sheet, the officer stays where they were when it is
// made again.
func TestHandoverPreviewKeepsItsPlace(t *testing.T) {
	d := newHandoverDesk(t, "en", 80, 24)
	d.m = keys(t, d.m, "j", "j", "j")
	require.Equal(t, 3, d.m.handover.offset)
	open0, _ := d.m.handover.h.Sheet.Counts()
	d.fire(t, 1)
	d.feed(t, open0+1)
	d.settle(t)
	assert.Equal(t, 3, d.m.handover.offset)
	assert.Contains(t, sheetOf(d.m), "fire 1")
	checkScreen(t, d.m, 80, 24, false)
}

// The clock turning a listed incident red makes the sheet again, though
// no event says so.
func TestHandoverPreviewFollowsTheClock(t *testing.T) {
	d := newHandoverDesk(t, "zh", 120, 40)
	s := d.m.handover.h.Sheet
	var due time.Time
	for _, tier := range s.Open {
		for _, i := range tier.Incidents {
			if at := s.To.Add(time.Duration(i.Remaining) * time.Second); !i.Red && i.Remaining > 0 && (due.IsZero() || at.Before(due)) {
				due = at
			}
		}
	}
	require.False(t, due.IsZero(), "an incident on the sheet runs out later")
	_, red0 := s.Counts()
	d.f.clock.Set(due.Add(-time.Second))
	d.m = update(t, d.m, tickMsg(d.f.clock.Now()))
	assert.False(t, d.m.handover.follow.armed, "nothing ran out yet")
	d.f.clock.Set(due.Add(time.Second))
	d.m = update(t, d.m, tickMsg(d.f.clock.Now()))
	d.settle(t)
	_, red := d.m.handover.h.Sheet.Counts()
	assert.Greater(t, red, red0)
}

// enter files the sheet on screen or nothing: when the record moved since
// it was read, the hand-over is refused, the console says why and shows
// the sheet as it is now; enter then files that one.
func TestHandoverFilesTheSheetOnScreen(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			d := newHandoverDesk(t, lang, 120, 40)
			open0, _ := d.m.handover.h.Sheet.Counts()
			d.fire(t, 1) // the feed has not brought it yet
			d.m = keys(t, d.m, "enter")
			hs, err := d.f.db.Handovers(context.Background(), model.HandoverFilter{})
			require.NoError(t, err)
			assert.Empty(t, hs, "nothing filed")
			assert.Contains(t, d.m.View(), map[string]string{
				"zh": "交班单在您阅读后已有变化：请重新阅读", "en": "the handover sheet changed since you read it: read it again"}[lang])
			open, _ := d.m.handover.h.Sheet.Counts()
			assert.Equal(t, open0+1, open, "the sheet as it is now")
			assert.Contains(t, sheetOf(d.m), "fire 1")

			shown := d.m.handover.h.Sheet
			d.m = keys(t, d.m, "enter")
			hs, err = d.f.db.Handovers(context.Background(), model.HandoverFilter{})
			require.NoError(t, err)
			require.Len(t, hs, 1)
			assert.Equal(t, shown.Digest(), hs[0].Sheet.Digest(), "what was filed is what was read")
			assert.Contains(t, d.m.View(), "H-0001")
			assert.False(t, d.m.handover.follow.live, "a sheet filed is kept as it was made")

			// The hand-over's own event does not make the filed sheet again.
			d.m = pump(t, d.m, d.sub, d.f.db)
			assert.False(t, d.m.handover.follow.armed)
		})
	}
}

// A preview made again for an older one (the officer ran :handover with a
// note meanwhile) is dropped; so is a settling wait of an older preview.
func TestHandoverPreviewDropsOldReads(t *testing.T) {
	d := newHandoverDesk(t, "en", 120, 40)
	open0, _ := d.m.handover.h.Sheet.Counts()
	d.fire(t, 1)
	d.feed(t, open0+1)
	old := d.m.handover.follow.gen
	stale := remakeHandover(d.svc, d.m.handover.h.Room, "", d.m.seat.Person.ID, old)()
	d.m = runLine(t, d.m, "handover 夜里平稳")
	assert.Contains(t, sheetOf(d.m), "夜里平稳")
	d.m = update(t, d.m, sheetDueMsg{gen: old})
	d.m = update(t, d.m, stale)
	assert.Contains(t, sheetOf(d.m), "夜里平稳", "the old read is dropped")
	assert.False(t, d.m.handover.follow.pending)
}

// Not on screen, the preview does not read the record; back on screen it
// catches up.
func TestHandoverPreviewCatchesUpWhenBack(t *testing.T) {
	d := newHandoverDesk(t, "zh", 120, 40)
	open0, _ := d.m.handover.h.Sheet.Counts()
	d.m = keys(t, d.m, "?")
	require.Equal(t, overlayHelp, d.m.overlay)
	d.fire(t, 1)
	d.feed(t, open0+1)
	assert.False(t, d.m.handover.follow.armed, "not on screen: nothing read")
	d.m = keys(t, d.m, "esc")
	require.Equal(t, overlayHandover, d.m.overlay)
	d.settle(t)
	assert.Contains(t, sheetOf(d.m), "fire 1")
}

// At 80 columns the preview's line on what enter does is whole: wrapped,
// not cut.
func TestHandoverPreviewSaysWholeWhatEnterDoes(t *testing.T) {
	for _, c := range []struct{ lang, want string }{
		{"en", "(the sheet is recorded)"},
		{"zh", "（交班单将存档）"},
	} {
		d := newHandoverDesk(t, c.lang, 80, 24)
		assert.Contains(t, strings.Join(strings.Fields(sheetOf(d.m)), ""), strings.Join(strings.Fields(c.want), ""), c.lang)
		checkScreen(t, d.m, 80, 24, false)
	}
}

// Under a steady feed the preview is made again at most every sheetEvery;
// after a quiet while, a burst settles for sheetSettle only.
func TestHandoverPreviewIsThrottled(t *testing.T) {
	assert.Equal(t, sheetEvery, sheetWait(0))
	assert.Equal(t, sheetEvery-500*time.Millisecond, sheetWait(500*time.Millisecond))
	assert.Equal(t, sheetSettle, sheetWait(sheetEvery-100*time.Millisecond))
	assert.Equal(t, sheetSettle, sheetWait(time.Minute))
	assert.Equal(t, sheetSettle, sheetWait(-time.Second), "a clock set back waits no longer")
}

// In wartime the sheet says who staffs the wartime rooms: the town room
// and how many of the town's 27 village rooms have a cadre on duty.
func TestHandoverPreviewSaysWhoStaffsTheRooms(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	shifts, err := f.db.Shifts(ctx, model.ShiftFilter{Room: demo.Town})
	require.NoError(t, err)
	f.clock.Set(shifts[0].To.Add(-30 * time.Minute))
	_, err = f.db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{demo.Town}, true, "", shifts[0].Person)
	require.NoError(t, err)
	st, err := f.db.WartimeStatus(ctx, demo.Town)
	require.NoError(t, err)
	require.True(t, st.Rooms.Counted)
	for _, lang := range []string{"zh", "en"} {
		o := f.options(t, lang)
		o.Seat = f.seatOf(t, shifts[0].Person)
		m := runLine(t, loaded(t, f.db, o, 120, 40), "handover")
		require.Equal(t, overlayHandover, m.overlay, m.View())
		town, townEn := "有人在岗", "staffed"
		if !st.Rooms.Town {
			town, townEn = "无人在岗", "not staffed"
		}
		want := fmt.Sprintf("镇指挥室%s，村指挥室在岗 %d/27", town, len(st.Rooms.Villages))
		if lang == "en" {
			want = fmt.Sprintf("town room %s, village rooms %d/27", townEn, len(st.Rooms.Villages))
		}
		assert.Contains(t, strings.Join(m.handover.lines(), "\n"), want, lang)
	}
}

// TestHandoverSheetColumnsLineUp: the sheet's open incidents are in
// columns by display width, so every title starts in the same column
// whatever the place's name (八字墙村 03 and 杨杭村 03 take 11 and 9
// columns; a review saw the titles drift), in either language.
func TestHandoverSheetColumnsLineUp(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		d := newHandoverDesk(t, lang, 120, 40)
		lines := d.m.handover.lines()
		cols, names := map[int]bool{}, map[int]bool{}
		for _, tier := range d.m.handover.h.Sheet.Open {
			for _, i := range tier.Incidents {
				found := false
				for _, l := range lines {
					if strings.Contains(l, fmt.Sprintf(" %-3s %s ", i.Severity, shortID(i.ID))) {
						cols[d.m.p.w.Of(l[:strings.Index(l, i.Title)])] = true
						names[d.m.p.w.Of(i.NodeName)] = true
						found = true
					}
				}
				require.True(t, found, "%s: %s on the sheet", lang, i.ID)
			}
		}
		require.Greater(t, len(names), 1, "%s: places of different widths", lang)
		assert.Len(t, cols, 1, "%s: one column for the titles: %v", lang, cols)
	}
}
