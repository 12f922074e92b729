package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/demo"
	"gridcmd/internal/testclock"
	"gridcmd/model"
	"gridcmd/store"
)

// night is the demo's night played into a store while a console follows
// the feed, as the command room saw it: the clocks swept before every step
// (a console sweeps every second), and the console's screen taken at the
// given times.
type night struct {
	db    *store.DB
	clock *testclock.Clock
	live  map[time.Time]string // the live screen at each point
}

func playNight(t *testing.T, lang string, w, h int, points []time.Time) night {
	t.Helper()
	clock := testclock.New(base)
	db, err := store.Open(filepath.Join(t.TempDir(), "night.db"), store.Options{
		Timeout: time.Second, Now: clock.Now, Policy: model.DefaultPolicy(), Prefix: "HJ", Location: shanghai,
	})
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	n := night{db: db, clock: clock, live: map[time.Time]string{}}
	sub := db.Subscribe()
	defer sub.Close()
	var m Model
	started := false
	next := 0
	// look sweeps at t and takes the live console's screen there.
	look := func(at time.Time) {
		clock.Set(at)
		_, err := db.Sweep(context.Background())
		require.NoError(t, err)
		for len(sub.C()) > 0 {
			m = pump(t, m, sub, db)
		}
		m = update(t, m, tickMsg(at))
		n.live[at] = m.View()
	}
	err = demo.Play(context.Background(), db, clock.Set, 1, base, func(at time.Time) error {
		if !started {
			started = true
			people, err := db.People(context.Background(), model.PeopleFilter{Role: model.RoleDutyOfficer})
			require.NoError(t, err)
			m = New(db, nil, Options{Lang: lang, Seat: model.SeatOf(people[0]), Location: shanghai, Now: clock.Now, NoSweep: true})
			m = update(t, m, tea.WindowSizeMsg{Width: w, Height: h})
			m = update(t, m, loadSnapshot(db, m.scope, m.reach)())
		}
		for next < len(points) && points[next].Before(at) {
			look(points[next])
			next++
		}
		clock.Set(at)
		_, err := db.Sweep(context.Background())
		return err
	})
	require.NoError(t, err)
	for ; next < len(points); next++ {
		look(points[next])
	}
	return n
}

// body is a screen without its header and footer.
func body(view string) string {
	lines := strings.Split(view, "\n")
	return strings.Join(lines[1:len(lines)-1], "\n")
}

// replayTo builds a replaying console on db from from to to at speed and
// plays it (one tick a second of the replay's own) until at.
func replayConsole(t *testing.T, db *store.DB, lang string, w, h int, from, to time.Time, speed float64) Model {
	t.Helper()
	people, err := db.People(context.Background(), model.PeopleFilter{Role: model.RoleDutyOfficer})
	require.NoError(t, err)
	m := New(db, nil, Options{Lang: lang, Seat: model.SeatOf(people[0]), Location: shanghai, Now: db.Now, NoSweep: true,
		Replay: &ReplayOptions{From: from, To: to, Speed: speed}})
	m = update(t, m, tea.WindowSizeMsg{Width: w, Height: h})
	m = update(t, m, loadHistory(db, "", lang)())
	require.NotNil(t, m.rp, "the replay began")
	return m
}

func playUntil(t *testing.T, m Model, at time.Time) Model {
	t.Helper()
	for m.rp.at.Before(at) {
		m = update(t, m, tickMsg(m.rp.at))
	}
	require.True(t, m.rp.at.Equal(at), "the replay lands on %s, not %s", at, m.rp.at)
	return m
}

// TestReplayShowsWhatTheConsoleShowedLive plays the demo's night with a
// console following it, takes the screen at two points (02:30 and 03:10,
// the goldens), then replays the log at 60x from three hours before the
// first point: at each point the replay's screen is the live one, but for
// the replay's own header mode and footer. Scrubbing back to a point gives
// it again, and nothing is written meanwhile.
func TestReplayShowsWhatTheConsoleShowedLive(t *testing.T) {
	t1, t2 := base.Add(-40*time.Minute), base
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			n := playNight(t, lang, 120, 40, []time.Time{t1, t2})
			for _, at := range []time.Time{t1, t2} {
				t.Run(at.Format("1504"), func(t *testing.T) {
					golden.RequireEqual(t, []byte(n.live[at]))
				})
			}
			n.clock.Set(t2.Add(6 * time.Hour)) // the review, the morning after
			newest, err := n.db.Events(context.Background(), 0, 1)
			require.NoError(t, err)

			m := replayConsole(t, n.db, lang, 120, 40, t1.Add(-3*time.Hour), t2, 60)
			for _, at := range []time.Time{t1, t2} {
				m = playUntil(t, m, at)
				// The queue's cursor stays on the incident it was on as rows
				// come and go; the live console's began on an empty queue, at
				// the top. Put the replay's there too.
				m = keys(t, m, "g")
				view := m.View()
				clock := at.In(shanghai).Format("2006-01-02 15:04:05")
				live := strings.Split(n.live[at], "\n")
				got := strings.Split(view, "\n")
				assert.Equal(t, live[0], got[0], "the header at %s", clock)
				assert.Equal(t, body(n.live[at]), body(view), "the panes at %s", clock)
				assert.Contains(t, got[len(got)-1], m.say("REPLAY", "回放"), "the scrub line says it is a replay")
				checkScreen(t, m, 120, 40, false)
			}
			assert.True(t, m.rp.paused, "the replay stops at its end")
			assert.Contains(t, m.View(), t2.In(shanghai).Format("01-02 15:04")+"  space", "the scrub line")

			// Scrub back forty minutes: the first point again.
			m = keys(t, m, "[", "[", "[", "[")
			require.True(t, m.rp.at.Equal(t1))
			m = keys(t, m, "g") // the queue's cursor back to the top, where the live console had it
			assert.Equal(t, body(n.live[t1]), body(m.View()), "scrubbed back to %s", t1)

			// A replay writes nothing: every key that would act is refused.
			m = keys(t, m, "tab", "tab", "a", "e", "r", "n", "W", "d")
			assert.Contains(t, m.View(), m.say("a replay is read-only", "回放为只读"))
			after, err := n.db.Events(context.Background(), 0, 1)
			require.NoError(t, err)
			assert.Equal(t, newest[0].Seq, after[0].Seq, "no event was written")

			// esc in gridcmd replay quits.
			_, cmd := m.Update(keyMsg("esc"))
			require.NotNil(t, cmd)
			assert.IsType(t, tea.QuitMsg{}, cmd())
		})
	}
}

// :replay in the live console plays from the given time, then esc goes
// back to the live console, read afresh.
func TestReplayCommandAndBack(t *testing.T) {
	m := demoConsole(t, "en", 120, 40)
	live := m.View()
	m = typeText(t, m, ":replay 02:30 03:00 120x")
	m = update(t, m, keyMsg("enter"))
	// The command asked for the log; the harness ran it.
	require.NotNil(t, m.rp)
	assert.Equal(t, 120.0, m.rp.speed)
	assert.Equal(t, time.Date(2026, 11, 29, 2, 30, 0, 0, shanghai), m.rp.at)
	assert.Contains(t, m.View(), "2026-11-29 02:30:00")
	view := strings.Split(m.View(), "\n")
	assert.Contains(t, view[len(view)-1], "REPLAY")
	assert.Contains(t, view[len(view)-1], "space pause")
	m = keys(t, m, " ")
	assert.True(t, m.rp.paused)
	view = strings.Split(m.View(), "\n")
	assert.Contains(t, view[len(view)-1], "space play", "paused, space plays on")
	m = keys(t, m, "right", "]")
	assert.Equal(t, time.Date(2026, 11, 29, 2, 41, 0, 0, shanghai), m.rp.at)
	m = keys(t, m, "esc")
	require.Nil(t, m.rp)
	assert.Equal(t, body(live), body(m.View()), "back to the live console")

	for _, bad := range []string{":replay yesterday", ":replay 02:00 03:00 04:00", ":replay 0x"} {
		m = typeText(t, m, bad)
		m = update(t, m, keyMsg("enter"))
		assert.Nil(t, m.rp, bad)
		assert.Contains(t, m.View(), ":replay", bad)
	}
	m = typeText(t, m, ":replay 2026-11-29 03:00 2026-11-29 02:00")
	m = update(t, m, keyMsg("enter"))
	assert.Nil(t, m.rp)
	assert.Contains(t, m.View(), "replay from 11-29 03:00 to 11-29 02:00: the end must come after the start")

	// A bare end whose first time after the start is still to come is
	// now: the window the officer meant (a review found it refused).
	m = typeText(t, m, ":replay 03:00 02:00")
	m = update(t, m, keyMsg("enter"))
	require.NotNil(t, m.rp, m.View())
	assert.Equal(t, time.Date(2026, 11, 29, 3, 10, 0, 0, shanghai), m.rp.to, "up to now")
	// The patrols and the desk are not replayed: they say so rather than
	// show what had not happened yet under the replay's clock (a QA).
	for _, line := range []string{":patrols", ":desk"} {
		m = typeText(t, m, line)
		m = update(t, m, keyMsg("enter"))
		assert.Equal(t, overlayNone, m.overlay, line)
		assert.Contains(t, m.flash.text, "are not replayed, they show now", line)
	}
	m = update(t, m, keyMsg("esc"))
	require.Nil(t, m.rp)

	// A bare end after a dated start is the first such time after it, as
	// on the command line (model.Lookback), not today's a day later.
	m = typeText(t, m, ":replay 2026-11-28 01:00 02:00")
	m = update(t, m, keyMsg("enter"))
	require.NotNil(t, m.rp, m.View())
	assert.Equal(t, time.Date(2026, 11, 28, 2, 0, 0, 0, shanghai), m.rp.to)
}

// The header shows the officer on duty in the seat's room and the next
// one; after a handoff both, until the handover is signed for; the
// console shows the outgoing officer the sheet by itself, and y signs for
// it as the incoming one.
func TestShiftChangeInTheConsole(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	shifts, err := f.db.Shifts(ctx, model.ShiftFilter{Room: demo.Town})
	require.NoError(t, err)
	cur, nxt := shifts[0], shifts[1]
	o := f.options(t, "zh")
	o.Seat = f.seatOf(t, cur.Person)
	m := New(f.db, nil, o)
	m = update(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	m = update(t, m, loadSnapshot(f.db, m.scope, m.reach)())
	head := strings.Split(m.View(), "\n")[0]
	assert.Contains(t, head, "值班 "+cur.Name)
	assert.Contains(t, head, fmt.Sprintf("下一班 %s %s", nxt.Name, model.FormatWait(nxt.From.Sub(base))))

	// Early in the shift, :handover shows a preview that says when the
	// shift may be handed over; enter hands nothing over.
	m = typeText(t, m, ":handover 夜里平稳")
	m = update(t, m, keyMsg("enter"))
	require.Equal(t, overlayHandover, m.overlay, "a preview at any time in the shift")
	opens := cur.To.Add(-model.HandoverLead).In(shanghai).Format("01-02 15:04")
	assert.Contains(t, m.View(), "预览："+opens+" 起方可交班")
	assert.NotContains(t, m.View(), "enter 交班")
	m = keys(t, m, "enter")
	hs, err := f.db.Handovers(ctx, model.HandoverFilter{})
	require.NoError(t, err)
	assert.Empty(t, hs, "nothing handed over before the hour before the change")
	m = keys(t, m, "esc")

	// The clock passes the handoff: the outgoing officer gets the sheet.
	f.clock.Set(cur.To.Add(time.Second))
	m = update(t, m, tickMsg(f.clock.Now()))
	require.Equal(t, overlayHandover, m.overlay, "the sheet shows by itself")
	view := m.View()
	assert.Contains(t, view, "交接班（预览）")
	assert.Contains(t, view, "在办事件")
	assert.Contains(t, strings.Split(view, "\n")[0], nxt.Name+"+"+cur.Name+"（交接中）")
	sheet := strings.Join(m.handover.lines(), "\n")
	assert.Contains(t, sheet, "平时：未启动战时", "the sheet states the mode in peacetime too")
	assert.Contains(t, sheet, "静默 0")
	checkScreen(t, m, 120, 40, false)

	m = keys(t, m, "enter") // hand over
	assert.Contains(t, m.View(), "交接班 H-0001")
	assert.Contains(t, m.View(), "等待 "+nxt.Name+" 签收")
	hs, err = f.db.Handovers(ctx, model.HandoverFilter{})
	require.NoError(t, err)
	require.Len(t, hs, 1)
	assert.True(t, hs[0].Waiting())

	m = keys(t, m, "y") // the incoming officer signs, at the desk
	assert.Contains(t, m.View(), "已于")
	head = strings.Split(m.View(), "\n")[0]
	assert.Contains(t, head, "值班 "+nxt.Name)
	assert.NotContains(t, head, "交接中")
	hs, err = f.db.Handovers(ctx, model.HandoverFilter{})
	require.NoError(t, err)
	assert.Equal(t, nxt.Person, hs[0].AcceptedBy)
	m = update(t, m, tea.WindowSizeMsg{Width: 80, Height: 24})
	checkScreen(t, m, 80, 24, false)
}

// The scrub line and the handover sheet fit every screen, in both
// languages, with ambiguous glyphs narrow or wide.
func TestReplayAndHandoverFitTheScreen(t *testing.T) {
	f := newFixture(t)
	shifts, err := f.db.Shifts(context.Background(), model.ShiftFilter{Room: demo.Town})
	require.NoError(t, err)
	for _, lang := range []string{"zh", "en"} {
		for _, wide := range []bool{false, true} {
			for _, sz := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
				o := f.options(t, lang)
				o.AmbiguousWide = wide
				o.Replay = &ReplayOptions{Speed: 60}
				m := New(f.db, nil, o)
				m = update(t, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
				m = update(t, m, loadHistory(f.db, "", lang)())
				require.NotNil(t, m.rp)
				m = keys(t, m, "]", "]", " ")
				checkScreen(t, m, sz[0], sz[1], wide)

				o = f.options(t, lang)
				o.AmbiguousWide = wide
				o.Seat = f.seatOf(t, shifts[0].Person)
				m = New(f.db, nil, o)
				m = update(t, m, tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
				m = update(t, m, loadSnapshot(f.db, m.scope, m.reach)())
				f.clock.Set(shifts[0].To.Add(-30 * time.Minute))
				m = typeText(t, m, ":handover 330国道货车抛锚，已通知交警")
				m = update(t, m, keyMsg("enter"))
				require.Equal(t, overlayHandover, m.overlay, "%s %v", lang, sz)
				assert.Contains(t, m.View(), "330国道货车抛锚")
				checkScreen(t, m, sz[0], sz[1], wide)
				f.clock.Set(base)
			}
		}
	}
}
