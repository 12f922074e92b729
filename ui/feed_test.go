package ui

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// burst commits n events through svc, one write each: the acknowledgement
// and the escalation of the report waiting at the town (named twice), and
// reports.
func burst(t *testing.T, f fixture, svc model.Service, n int) {
	t.Helper()
	ctx := context.Background()
	waiting, err := f.db.Incidents(ctx, model.IncidentFilter{Tier: model.TierTown, Status: model.StatusReported})
	require.NoError(t, err)
	require.NotEmpty(t, waiting)
	by := f.operator(t)
	_, err = svc.Act(ctx, waiting[0].ID, model.Command{Action: model.ActAcknowledge, By: by})
	require.NoError(t, err)
	_, err = svc.Act(ctx, waiting[0].ID, model.Command{Action: model.ActEscalate, By: by, Note: "跨平台重点事项"})
	require.NoError(t, err)
	for i := 2; i < n; i++ {
		_, err := svc.Report(ctx, model.Report{Node: "330784114266-02-01", Category: "traffic",
			Severity: model.SeverityII, Title: fmt.Sprintf("货物撒落 %d", i), Reporter: model.System})
		require.NoError(t, err)
	}
}

// reread is what the console did with a burst before the batches carried
// the incidents: read each one the events name, in the order first named
// (the events arrive in commit order), after the burst.
func reread(t *testing.T, svc model.Service, evs []model.Event) []model.Incident {
	t.Helper()
	inOrder := slices.Clone(evs)
	slices.SortFunc(inOrder, func(a, b model.Event) int { return cmp.Compare(a.Seq, b.Seq) })
	var out []model.Incident
	seen := map[string]bool{}
	for _, e := range inOrder {
		if e.Incident == "" || seen[e.Incident] {
			continue
		}
		seen[e.Incident] = true
		inc, err := svc.Incident(context.Background(), e.Incident)
		require.NoError(t, err)
		out = append(out, inc)
	}
	return out
}

// burstOn files a burst of n events through into and reads it off sub
// as the console's feed does (through svc): one batch, not lost.
func burstOn(t *testing.T, f fixture, into model.Service, sub model.Subscription, svc model.Service, n int) eventsMsg {
	t.Helper()
	burst(t, f, into, n)
	msg, ok := waitEvents(sub, svc, "", nil)().(eventsMsg)
	require.True(t, ok)
	require.False(t, msg.lost)
	require.Len(t, msg.events, n, "one burst")
	return msg
}

// TestFeedCarriesTheIncidents: a burst of events reaches the console with
// the incidents it changed, and the console reads none of them again; its
// screen is the one it showed when it read each one.
func TestFeedCarriesTheIncidents(t *testing.T) {
	const n = 12
	f := newFixture(t)
	svc, sub := counted(t, f.db)
	m := loaded(t, svc, f.options(t, "en"), 120, 40)
	before := f.model(t, "en", 120, 40)

	msg := burstOn(t, f, f.db, sub, svc, n)
	assert.Zero(t, svc.incidentCalls.Load(), "no incident read again")
	want := reread(t, f.db, msg.events)
	require.Len(t, want, n-1)
	assert.Equal(t, want, msg.changed)

	m = update(t, m, msg)
	before = update(t, before, eventsMsg{events: msg.events, changed: want})
	assert.Equal(t, before.View(), m.View(), "the screen as when each incident was read again")
	assert.Contains(t, m.View(), fmt.Sprintf("货物撒落 %d", n-1))
	assert.Zero(t, svc.incidentCalls.Load())
}

// TestAttachedFeedCarriesTheIncidents: over the local API the burst comes
// with its incidents too, so the attached console makes no call per event.
func TestAttachedFeedCarriesTheIncidents(t *testing.T) {
	const n = 12
	f := newFixture(t)
	c := attach(t, f)
	svc, sub := counted(t, c)
	m := loaded(t, svc, f.options(t, "en"), 120, 40)
	direct := f.model(t, "en", 120, 40)

	msg := burstOn(t, f, c, sub, svc, n)
	assert.Zero(t, svc.incidentCalls.Load(), "no round trip per event")
	assert.Equal(t, reread(t, c, msg.events), msg.changed, "what a round trip would have brought")

	m = update(t, m, msg)
	direct = update(t, direct, eventsMsg{events: msg.events, changed: reread(t, f.db, msg.events)})
	assert.Equal(t, direct.View(), m.View(), "the same screen as the console holding the file")
	assert.Zero(t, svc.incidentCalls.Load())
}

// bareSub passes on a subscription's batches without their incidents, as
// a server from before the batches carried them sends them.
type bareSub struct {
	model.Subscription
	ch chan model.Batch
}

func newBareSub(sub model.Subscription) *bareSub {
	x := &bareSub{Subscription: sub, ch: make(chan model.Batch, 256)}
	go func() {
		defer close(x.ch)
		for b := range sub.C() {
			x.ch <- model.Batch{Events: b.Events}
		}
	}()
	return x
}

func (x *bareSub) C() <-chan model.Batch { return x.ch }

// TestFeedReadsWhatABatchLacks: a batch without the incidents its events
// name has them read, once each, and the console shows the same.
func TestFeedReadsWhatABatchLacks(t *testing.T) {
	const n = 12
	f := newFixture(t)
	svc, sub := counted(t, f.db)
	bare := newBareSub(sub)

	msg := burstOn(t, f, f.db, bare, svc, n)
	assert.Equal(t, int64(n-1), svc.incidentCalls.Load(), "each incident named, once")
	assert.Equal(t, reread(t, f.db, msg.events), msg.changed)
}

// serverDown is the store seen through a server that is down for its next
// few subscriptions: each of those is lost from the start, as the local
// API client's is when the server does not answer.
type serverDown struct {
	model.Service
	down int
}

func (s *serverDown) Subscribe() model.Subscription {
	if s.down > 0 {
		s.down--
		return &deadSub{}
	}
	return s.Service.Subscribe()
}

// deadSub is a subscription that never opened.
type deadSub struct{ closed bool }

func (d *deadSub) C() <-chan model.Batch {
	ch := make(chan model.Batch)
	close(ch)
	return ch
}
func (d *deadSub) Lost() bool { return true }
func (d *deadSub) Close()     { d.closed = true }

// TestFeedReconnects: an attached console whose feed ends says so in the
// header and the status line, subscribes again, waiting longer each time
// the server is not back, and, once it is, reloads what it missed and goes
// on live.
func TestFeedReconnects(t *testing.T) {
	f := newFixture(t)
	svc := &serverDown{Service: f.db, down: 2}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, lang := range []string{"zh", "en"} {
			for _, wide := range []bool{false, true} {
				opt := f.options(t, lang)
				opt.Reconnect, opt.AmbiguousWide = true, wide
				m := loaded(t, svc, opt, size[0], size[1])
				m = update(t, m, eventsMsg{closed: true})
				require.True(t, m.feedDown)
				view := m.View()
				assert.Contains(t, view, m.p.lab.FeedDown)
				assert.Contains(t, view, m.say("clocks are stopped", "时限暂停"), "the status line says so")
				header, _, _ := strings.Cut(view, "\n")
				assert.Contains(t, header, m.now.In(shanghai).Format("15:04:05"), "the time stays whole")
				assert.Contains(t, header, fmt.Sprintf("%s %d  %s %d", m.p.lab.Open, m.w.inc.open, m.p.lab.Red, m.w.inc.red),
					"open and red stay before the date does")
				checkScreen(t, m, size[0], size[1], wide)
			}
		}
	}

	opt := f.options(t, "en")
	opt.Reconnect = true
	m := loaded(t, svc, opt, 120, 40)
	m = update(t, m, eventsMsg{closed: true})
	assert.Equal(t, firstRetry, m.retry)
	svc.down = 2
	m = update(t, m, resubscribeMsg{})
	assert.True(t, m.feedDown, "the server is not back")
	assert.Equal(t, 2*firstRetry, m.retry, "the next wait is longer")
	m = update(t, m, resubscribeMsg{})
	assert.Equal(t, 4*firstRetry, m.retry)

	// Meanwhile another process files a report the console cannot see.
	inc, err := f.db.Report(context.Background(), model.Report{Node: "330784114266-02-01", Category: "traffic",
		Severity: model.SeverityI, Title: "断线期间的上报", Reporter: model.System})
	require.NoError(t, err)
	assert.NotContains(t, m.View(), inc.Title)

	// The server is back.
	m = update(t, m, resubscribeMsg{})
	require.False(t, m.feedDown)
	require.True(t, m.ownSub)
	defer m.Close()
	view := m.View()
	assert.Contains(t, view, "live feed back")
	assert.NotContains(t, view, "FEED LOST")
	assert.Contains(t, view, inc.Title, "what happened meanwhile is reloaded")

	// The feed the console now waits on is the server's new one.
	_, dead := m.sub.(*deadSub)
	assert.False(t, dead)
	assert.NotNil(t, m.sub)
}

// TestFeedLostOnTheFile: a console on the file itself (its feed ends only
// with the program) does not try again; it says to restart.
func TestFeedLostOnTheFile(t *testing.T) {
	m := demoConsole(t, "en", 120, 40)
	next, cmd := m.Update(eventsMsg{closed: true})
	m = next.(Model)
	assert.Nil(t, cmd)
	assert.Contains(t, m.View(), "restart gridcmd")
	assert.Equal(t, time.Duration(0), m.retry)
}

// TestFeedBeforeTheFirstSnapshot: a batch of the feed that comes before
// the console's first snapshot (the store busy, reports flowing) is kept
// and applied on it, for the snapshot may have been read before the batch's
// commits; the console neither fails on a world not there yet (a QA saw a
// panic at start) nor loses the batch's incidents.
func TestFeedBeforeTheFirstSnapshot(t *testing.T) {
	const n = 4
	f := newFixture(t)
	svc, sub := counted(t, f.db)
	m := New(svc, nil, f.options(t, "en"))
	m = update(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	snap := loadSnapshot(svc, m.scope, m.reach)() // read before the burst
	msg := burstOn(t, f, f.db, sub, svc, n)

	m = update(t, m, msg)
	assert.False(t, m.w.loaded, "still waiting for the snapshot")
	assert.Contains(t, m.View(), "reading the records", "not empty panes saying nothing is open")
	assert.NotContains(t, m.View(), "no open incidents")
	m = update(t, m, snap)
	assert.Empty(t, m.heard, "applied once")
	assert.Equal(t, f.model(t, "en", 120, 40).View(), m.View(), "as a console that read everything after the burst")
	assert.Contains(t, m.View(), fmt.Sprintf("货物撒落 %d", n-1))
}
