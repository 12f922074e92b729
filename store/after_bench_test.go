package store

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// BenchmarkAfterActionLog is the running after-action summary of a town-wide
// activation whose log holds 20,000 events since it began: an incident's
// life (report, acknowledge, escalate, resolve) and a signature on the
// directive by one of 50 people, in turn. One op is one AfterAction, which
// reads the log back to the activation's own event.
func BenchmarkAfterActionLog(b *testing.B) {
	const events = 20000
	w := newWtTower(b)
	w.activate(b, town)
	d, _ := w.issue(b, "逐户核查人员去向", town)
	require.NoError(b, w.s.db.Update(func(tx *bolt.Tx) error {
		bs, err := bucketsOfTx(tx)
		if err != nil {
			return err
		}
		evs := make([]model.Event, 0, events)
		for i := 0; i < events; i++ {
			inc := uint64(i/5 + 1)
			ev := model.Event{At: t0, Actor: w.gridWorker.ID, ActorName: w.gridWorker.Name, Node: a011,
				Incident: fmt.Sprintf("HJ-20261129-%04d", inc), IncidentSeq: inc,
				Note:   fmt.Sprintf("330国道渎溪村段货物散落 #%d：巡查发现货车散落货物约二十米，占用一条车道", i),
				NoteZh: fmt.Sprintf("330国道渎溪村段货物散落 #%d：巡查发现货车散落货物约二十米，占用一条车道", i)}
			switch i % 5 {
			case 0:
				ev.Action = model.ActReport
			case 1:
				ev.Action = model.ActAcknowledge
			case 2:
				ev.Action = model.ActEscalate
			case 3:
				ev.Action = model.ActResolve
			case 4:
				ev = model.Event{At: t0, Actor: model.PersonID(i/5%50 + 1), ActorName: "甲一一", Action: model.ActSign,
					Node: a011, Directive: d.ID, Note: "signed for " + d.ID + " after 2m0s", NoteZh: d.ID + "，用时 2分"}
			}
			evs = append(evs, ev)
		}
		return putEvents(bs, evs)
	}))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x, err := w.s.AfterAction(w.ctx, "")
		if err != nil {
			b.Fatal(err)
		}
		if x.IncidentsOpened != events/5 || x.IncidentsResolved != events/5 || x.PersonTimes != 50 {
			b.Fatalf("opened %d, resolved %d, person-times %d", x.IncidentsOpened, x.IncidentsResolved, x.PersonTimes)
		}
	}
	b.ReportMetric(events, "events")
}
