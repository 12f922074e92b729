package model_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/internal/testkit"
	"gridcmd/model"
)

// live is a night played through the rules, as the store plays them: every
// event logged with a sequence number, and each incident as it stood
// after every step, to compare the replay with.
type live struct {
	t      *testing.T
	p      model.Policy
	seq    uint64
	events []model.Event
	incs   map[uint64]model.Incident
	states []snapshotAt
}

type snapshotAt struct {
	at   time.Time
	incs map[uint64]model.Incident
}

func (l *live) log(ev model.Event, inc *model.Incident) {
	l.seq++
	ev.Seq = l.seq
	l.events = append(l.events, ev)
	if inc != nil {
		l.incs[inc.Seq] = *inc
	}
	copied := make(map[uint64]model.Incident, len(l.incs))
	for k, v := range l.incs {
		copied[k] = v
	}
	l.states = append(l.states, snapshotAt{ev.At, copied})
}

func (l *live) report(seq uint64, r model.Report, by model.Person, now time.Time) {
	inc, ev, err := fileReport(seq, testkit.IncidentID("HJ", now, seq), r, by, now, l.p)
	require.NoError(l.t, err)
	l.log(ev, &inc)
}

func (l *live) act(seq uint64, c model.Command, by model.Person, now time.Time) {
	inc, ev, err := l.incs[seq].Apply(c, by, now, l.p)
	require.NoError(l.t, err)
	l.log(ev, &inc)
}

func (l *live) sweep(now time.Time) {
	for seq := uint64(1); seq <= uint64(len(l.incs)); seq++ {
		if inc, ev, did := l.incs[seq].Sweep(now, l.p); did {
			l.log(ev, &inc)
		}
	}
}

// TestReplayFoldsTheLogIntoWhatStoodLive plays a night through the rules
// (reports, sign-fors, escalations by hand and by the clock, supervisions
// repeated at the task force, dispatch, resolve, close, reopen, wartime
// scaling the clocks) and checks that the history folded from the log
// alone gives every incident as it stood live, after every event.
func TestReplayFoldsTheLogIntoWhatStoodLive(t *testing.T) {
	l := &live{t: t, p: model.DefaultPolicy(), incs: map[uint64]model.Incident{}}
	r2 := report()
	r2.Node, r2.Severity, r2.Title, r2.Category = duxi, model.SeverityI, "山林火情", "fire"
	r3 := report()
	r3.Title = "邻里纠纷"

	l.report(1, report(), gridWorker, t0)
	l.report(2, r2, villageCadre, t0.Add(time.Minute))
	l.act(1, model.Command{Action: model.ActAcknowledge, By: gridLeader.ID}, gridLeader, t0.Add(90*time.Second))
	l.act(1, model.Command{Action: model.ActEscalate, By: gridLeader.ID, To: model.TierTown, Note: "情况紧急"}, gridLeader, t0.Add(2*time.Minute))
	for now := t0.Add(2 * time.Minute); now.Before(t0.Add(40 * time.Minute)); now = now.Add(30 * time.Second) {
		l.sweep(now) // 2 climbs village → town → task force
	}
	l.act(1, model.Command{Action: model.ActDispatch, By: dutyOfficer.ID, Platform: model.PlatformSafety, Department: "交警中队", Note: "已派车"}, dutyOfficer, t0.Add(41*time.Minute))
	act, aev, err := model.Activate(model.Activation{}, 1, model.ReasonTyphoon, []model.NodeCode{town}, true, "", dutyOfficer.ID, t0.Add(45*time.Minute), nil)
	require.NoError(t, err)
	_ = act
	l.log(aev, nil)
	l.p.Wartime = true
	l.report(3, r3, gridWorker, t0.Add(46*time.Minute))
	for now := t0.Add(46 * time.Minute); now.Before(t0.Add(5 * time.Hour)); now = now.Add(time.Minute) {
		l.sweep(now) // 3 climbs on halved clocks; 2 is supervised at the task force, again and again
	}
	l.act(1, model.Command{Action: model.ActResolve, By: dutyOfficer.ID}, dutyOfficer, t0.Add(5*time.Hour))
	l.act(1, model.Command{Action: model.ActReopen, By: dutyOfficer.ID, Note: "货物未清完"}, dutyOfficer, t0.Add(5*time.Hour+time.Minute))
	l.act(3, model.Command{Action: model.ActAcknowledge, By: dutyOfficer.ID}, dutyOfficer, t0.Add(5*time.Hour+2*time.Minute))
	l.act(3, model.Command{Action: model.ActResolve, By: dutyOfficer.ID}, dutyOfficer, t0.Add(5*time.Hour+3*time.Minute))
	l.act(3, model.Command{Action: model.ActClose, By: dutyOfficer.ID}, dutyOfficer, t0.Add(5*time.Hour+4*time.Minute))
	// 2, supervised at the task force all along, turns out a false alarm.
	l.act(2, model.Command{Action: model.ActInvalid, By: dutyOfficer.ID, Note: "误报"}, dutyOfficer, t0.Add(5*time.Hour+5*time.Minute))

	supervisions := 0
	for _, e := range l.events {
		if e.Action == model.ActSupervise {
			supervisions++
		}
	}
	require.Greater(t, supervisions, 2, "the night must repeat a supervision")

	// The incidents as they are stored now: the history reads their fixed fields only.
	var now []model.Incident
	for _, inc := range l.incs {
		now = append(now, inc)
	}
	h := model.NewHistory(now, l.events, model.DefaultPolicy())
	first, last := h.Span()
	assert.Equal(t, t0, first)
	assert.Equal(t, t0.Add(5*time.Hour+5*time.Minute), last)
	for i, st := range l.states {
		if i+1 < len(l.states) && l.states[i+1].at.Equal(st.at) {
			continue // several events at one instant: compare after the last
		}
		r, incs, evs := h.State(st.at, 0)
		require.Len(t, incs, len(st.incs), "at %s", st.at)
		for _, inc := range incs {
			require.Equal(t, st.incs[inc.Seq], inc, "incident %d at %s (after event %d)", inc.Seq, st.at.Format("15:04:05"), i+1)
		}
		assert.Equal(t, i+1, r.Next)
		assert.Len(t, evs, i+1)
		assert.Equal(t, uint64(i+1), evs[0].Seq, "newest first")
	}

	// Stepping forward in pieces gives the same as folding at once.
	r := h.Start()
	var changed int
	for at := t0; !at.After(last); at = at.Add(7 * time.Minute) {
		_, incs := h.Step(&r, at)
		changed += len(incs)
	}
	h.Step(&r, last)
	_, all, _ := h.State(last, 0)
	for _, inc := range all {
		assert.Equal(t, inc, r.Incidents[inc.Seq])
	}
	assert.Positive(t, changed)
	_, _, newest := h.State(last, 5)
	assert.Len(t, newest, 5)
}
