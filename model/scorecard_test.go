package model_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// nov is a time in November 2026, day d at hh:mm.
func nov(d, hh, mm int) time.Time { return time.Date(2026, 11, d, hh, mm, 0, 0, loc) }

// scoreLog is a hand-made month in Duxi village; the comments give what
// each card must count.
func scoreLog() []model.Event {
	var log []model.Event
	add := func(seq uint64, at time.Time, by model.PersonID, a model.Action, node model.NodeCode, before, after model.Tier, due time.Time) {
		log = append(log, model.Event{Seq: uint64(len(log) + 1), At: at, Actor: by, Action: a, IncidentSeq: seq, Node: node,
			Before: model.State{Tier: before}, After: model.State{Tier: after}, Due: due})
	}
	w, p, l := gridWorker.ID, partWorker.ID, gridLeader.ID
	// 1: reported by the worker, signed for by the leader in time, resolved.
	add(1, nov(3, 10, 0), w, model.ActReport, duxiG02, "", model.TierGrid, time.Time{})
	add(1, nov(3, 10, 1), l, model.ActAcknowledge, duxiG02, model.TierGrid, model.TierGrid, nov(3, 10, 2))
	add(1, nov(3, 11, 0), l, model.ActResolve, duxiG02, model.TierGrid, model.TierGrid, nov(3, 14, 0))
	// 2: reported by the worker at a micro-grid, signed for in time, closed as invalid the next month.
	add(2, nov(4, 9, 0), w, model.ActReport, duxiG02M3, "", model.TierGrid, time.Time{})
	add(2, nov(4, 9, 1), l, model.ActAcknowledge, duxiG02M3, model.TierGrid, model.TierGrid, nov(4, 9, 2))
	// 3: reported by the part-timer, left unsigned: the clock climbs it (red, not passed on).
	add(3, nov(5, 8, 0), p, model.ActReport, duxiG02, "", model.TierGrid, time.Time{})
	add(3, nov(5, 8, 2), model.System, model.ActEscalate, duxiG02, model.TierGrid, model.TierVillage, nov(5, 8, 2))
	// 4: a sensor reported it (missed), the worker signed for it a minute late.
	add(4, nov(6, 10, 0), model.System, model.ActReport, duxiG02, "", model.TierGrid, time.Time{})
	add(4, nov(6, 10, 3), w, model.ActAcknowledge, duxiG02, model.TierGrid, model.TierGrid, nov(6, 10, 2))
	// 5: a patroller reported it (missed); still waiting (pending).
	add(5, nov(7, 10, 0), patroller.ID, model.ActReport, duxiG02, "", model.TierGrid, time.Time{})
	// 6: reported in October, signed for in time in November by the worker.
	add(6, nov(1, 0, 1), w, model.ActAcknowledge, duxiG02, model.TierGrid, model.TierGrid, nov(1, 0, 2))
	// 7: another grid's report, signed for exactly at the deadline.
	add(7, nov(7, 12, 0), 99, model.ActReport, duxiG01, "", model.TierGrid, time.Time{})
	add(7, nov(7, 12, 2), otherLeader.ID, model.ActAcknowledge, duxiG01, model.TierGrid, model.TierGrid, nov(7, 12, 2))
	// 8: reported by the worker, signed for in time, then supervised at the grid (red).
	add(8, nov(8, 9, 0), w, model.ActReport, duxiG02, "", model.TierGrid, time.Time{})
	add(8, nov(8, 9, 1), l, model.ActAcknowledge, duxiG02, model.TierGrid, model.TierGrid, nov(8, 9, 2))
	add(8, nov(8, 13, 0), model.System, model.ActSupervise, duxiG02, model.TierGrid, model.TierGrid, nov(8, 13, 0))
	// 9: at the village, resolved in time.
	add(9, nov(10, 9, 0), villageCadre.ID, model.ActReport, duxi, "", model.TierVillage, time.Time{})
	add(9, nov(10, 9, 2), villageCadre.ID, model.ActAcknowledge, duxi, model.TierVillage, model.TierVillage, nov(10, 9, 5))
	add(9, nov(10, 12, 0), villageCadre.ID, model.ActResolve, duxi, model.TierVillage, model.TierVillage, nov(10, 17, 0))
	// 10: climbed from grid 01 to the village, resolved late.
	add(10, nov(11, 9, 0), 99, model.ActReport, duxiG01, "", model.TierGrid, time.Time{})
	add(10, nov(11, 9, 1), otherLeader.ID, model.ActEscalate, duxiG01, model.TierGrid, model.TierVillage, nov(11, 9, 2))
	add(10, nov(11, 20, 0), villageCadre.ID, model.ActResolve, duxiG01, model.TierVillage, model.TierVillage, nov(11, 17, 1))
	// 11: supervised at the village, then resolved late.
	add(11, nov(12, 9, 0), villageCadre.ID, model.ActReport, duxi, "", model.TierVillage, time.Time{})
	add(11, nov(12, 18, 0), model.System, model.ActSupervise, duxi, model.TierVillage, model.TierVillage, nov(12, 17, 0))
	add(11, nov(12, 19, 0), villageCadre.ID, model.ActResolve, duxi, model.TierVillage, model.TierVillage, nov(12, 17, 0))
	// December: incident 2 closed as invalid; a report that is not November's.
	add(2, time.Date(2026, 12, 2, 9, 0, 0, 0, loc), l, model.ActInvalid, duxiG02M3, model.TierGrid, model.TierGrid, time.Time{})
	add(12, time.Date(2026, 12, 2, 10, 0, 0, 0, loc), w, model.ActReport, duxiG02, "", model.TierGrid, time.Time{})
	return log
}

var scorePeople = []model.Person{gridLeader, otherLeader, gridWorker, partWorker, villageCadre, patroller, microWorker, reservist}

var villageNames = map[model.NodeCode]string{duxi: "渎溪村", otherVil: "倪宅村", duxiG02: "网格 02"}

func card(t *testing.T, cards []model.Scorecard, node model.NodeCode, who model.PersonID) model.Scorecard {
	t.Helper()
	for _, c := range cards {
		if c.Node == node && c.Person == who {
			return c
		}
	}
	t.Fatalf("no card for %s %s", node, who)
	return model.Scorecard{}
}

func rate(t *testing.T, c model.Scorecard, key string) float64 {
	t.Helper()
	v, ok := c.Rate(key).Value()
	require.True(t, ok, "%s is not rated", key)
	return v
}

func TestGridWorkerScorecards(t *testing.T) {
	m := model.Month{Year: 2026, Mon: time.November}
	g := model.DefaultPoints().Grades
	cards := model.Scorecards(model.ScoreGridWorker, m, loc, scoreLog(), scorePeople, villageNames, "", g)
	require.Len(t, cards, 2, "the two grid workers, nobody else")

	w := card(t, cards, duxiG02, gridWorker.ID)
	// Filed 1, 2, 8 (12 is December's; 6 was October's); 2 closed as invalid later.
	assert.Equal(t, map[string]int{"filed": 3, "invalid": 1, "sign_fors": 2, "on_time": 1, "missed": 2}, w.Counts)
	assert.InDelta(t, 2.0/3, rate(t, w, model.RateValid), 1e-9)
	assert.InDelta(t, 0.5, rate(t, w, model.RateOnTime), 1e-9) // 6 in time, 4 late
	assert.InDelta(t, 0.6, rate(t, w, model.RateCoverage), 1e-9)
	// (35 x 2/3 + 35 x 1/2 + 30 x 0.6) / 100 = 58.83
	assert.Equal(t, 58.8, w.Index)
	assert.Equal(t, model.GradeFail, w.Grade)

	p := card(t, cards, duxiG02, partWorker.ID)
	assert.Equal(t, 1, p.Counts["filed"])
	_, ok := p.Rate(model.RateOnTime).Value()
	assert.False(t, ok, "never signed for: the part is left out")
	// (35 x 1 + 30 x 1/3) / 65 = 69.23
	assert.Equal(t, 69.2, p.Index)
	assert.Equal(t, model.GradePass, p.Grade)
	assert.Equal(t, "合格", p.Grade.Zh())

	// Ranked by index; --node keeps a subtree.
	assert.Equal(t, partWorker.ID, cards[0].Person)
	assert.Empty(t, model.Scorecards(model.ScoreGridWorker, m, loc, scoreLog(), scorePeople, villageNames, duxiG01, g))
}

func TestGridLeaderScorecards(t *testing.T) {
	m := model.Month{Year: 2026, Mon: time.November}
	cards := model.Scorecards(model.ScoreGridLeader, m, loc, scoreLog(), scorePeople, villageNames, "", model.DefaultPoints().Grades)
	require.Len(t, cards, 2)

	l := card(t, cards, duxiG02, gridLeader.ID)
	// Arrived 1, 2, 3, 4, 5, 8; 5 still waits; passed on in time 1, 2, 8;
	// 3 climbed by the clock, 4 signed for late; red 3 and 8.
	assert.Equal(t, map[string]int{"arrived": 6, "pending": 1, "passed_on_time": 3, "red": 2}, l.Counts)
	assert.InDelta(t, 0.6, rate(t, l, model.RatePassOn), 1e-9)
	assert.InDelta(t, 4.0/6, rate(t, l, model.RateNotRed), 1e-9)
	// 60 x 0.6 + 40 x 2/3 = 62.67
	assert.Equal(t, 62.7, l.Index)
	assert.Equal(t, model.GradePass, l.Grade)

	o := card(t, cards, duxiG01, otherLeader.ID)
	// 7 signed for at the deadline exactly (in time); 10 escalated in time.
	assert.Equal(t, map[string]int{"arrived": 2, "pending": 0, "passed_on_time": 2, "red": 0}, o.Counts)
	assert.Equal(t, 100.0, o.Index)
	assert.Equal(t, model.GradeExcellent, o.Grade)
	assert.Equal(t, otherLeader.ID, cards[0].Person, "the better card first")
}

func TestVillageScorecards(t *testing.T) {
	m := model.Month{Year: 2026, Mon: time.November}
	cards := model.Scorecards(model.ScoreVillage, m, loc, scoreLog(), scorePeople, villageNames, "", model.DefaultPoints().Grades)
	require.Len(t, cards, 2, "every village of the names, grids left out")

	d := card(t, cards, duxi, 0)
	assert.Equal(t, "渎溪村", d.Name)
	// Handled 3 (climbed), 9, 10, 11; resolved 9 in time, 10 and 11 late; 11 supervised.
	assert.Equal(t, map[string]int{"handled": 4, "resolved": 3, "resolved_on_time": 1, "supervised": 1}, d.Counts)
	// Resolved in time 9 of the 4 handled (3 still waits there).
	assert.InDelta(t, 1.0/4, rate(t, d, model.RateResolve), 1e-9)
	assert.InDelta(t, 0.75, rate(t, d, model.RateUnsupervised), 1e-9)
	// 60 x 1/4 + 40 x 3/4 = 45
	assert.Equal(t, 45.0, d.Index)
	assert.Equal(t, model.GradeFail, d.Grade)
	assert.Equal(t, "不合格", d.Grade.Zh())

	n := card(t, cards, otherVil, 0)
	assert.False(t, n.Rated, "nothing happened there")
	assert.Equal(t, model.Grade(""), n.Grade)
	assert.Equal(t, "-", model.GradeName(n.Grade, "zh"))
	assert.Equal(t, duxi, cards[0].Node, "the rated first")
}

// A village that handled incidents and resolved none scores 0 on the
// resolve part, not 优秀 as if the part had nothing to rate (a QA: 渎溪村
// handled 2, resolved 0, graded 优秀 100).
func TestVillageThatResolvesNothingIsNotExcellent(t *testing.T) {
	m := model.Month{Year: 2026, Mon: time.November}
	var log []model.Event
	for i, seq := range []uint64{1, 2} {
		log = append(log, model.Event{Seq: uint64(i + 1), At: nov(3+i, 9, 0), Actor: villageCadre.ID, Action: model.ActReport,
			IncidentSeq: seq, Node: duxi, After: model.State{Tier: model.TierVillage}})
	}
	cards := model.Scorecards(model.ScoreVillage, m, loc, log, scorePeople, villageNames, "", model.DefaultPoints().Grades)
	d := card(t, cards, duxi, 0)
	assert.Equal(t, map[string]int{"handled": 2, "resolved": 0, "resolved_on_time": 0, "supervised": 0}, d.Counts)
	assert.Equal(t, 0.0, rate(t, d, model.RateResolve))
	// 60 x 0 + 40 x 1 = 40
	assert.Equal(t, 40.0, d.Index)
	assert.Equal(t, model.GradeFail, d.Grade)

	n := card(t, cards, otherVil, 0)
	assert.False(t, n.Rated, "handled nothing: not rated")
	assert.Equal(t, "-", model.GradeName(n.Grade, "zh"))
}

func TestGrades(t *testing.T) {
	g := model.DefaultPoints().Grades
	for _, tt := range []struct {
		index float64
		want  model.Grade
	}{{100, model.GradeExcellent}, {90, model.GradeExcellent}, {89.9, model.GradeGood}, {80, model.GradeGood},
		{79.9, model.GradePass}, {60, model.GradePass}, {59.9, model.GradeFail}, {0, model.GradeFail}} {
		assert.Equal(t, tt.want, g.Grade(tt.index), "%v", tt.index)
	}
	for _, r := range model.ScoreRoles {
		got, err := model.ParseScoreRole(r.Zh())
		require.NoError(t, err)
		assert.Equal(t, r, got)
	}
	_, err := model.ParseScoreRole("mayor")
	requireCode(t, err, model.EINVALID, "grid_worker, grid_leader or village")
	requireZh(t, err, "考核对象")
}

func TestInvalidClosesAnOpenReport(t *testing.T) {
	p := model.DefaultPolicy()
	inc := newIncident(t)
	_, _, err := inc.Apply(model.Command{Action: model.ActInvalid, By: gridLeader.ID}, gridLeader, t0.Add(time.Minute), p)
	requireCode(t, err, model.EINVALID, "needs a note")
	requireZh(t, err, "作废")
	out, ev, err := inc.Apply(model.Command{Action: model.ActInvalid, By: gridLeader.ID, Note: "重复上报"}, gridLeader, t0.Add(time.Minute), p)
	require.NoError(t, err)
	assert.Equal(t, model.StatusClosed, out.Status)
	assert.True(t, out.ResolvedAt.IsZero())
	assert.Equal(t, t0.Add(time.Minute), out.ClosedAt)
	assert.Equal(t, inc.AckBy, ev.Due, "the act answered the sign-for clock")
	_, _, err = out.Apply(model.Command{Action: model.ActReopen, By: gridLeader.ID, Note: "x"}, gridLeader, t0, p)
	requireCode(t, err, model.ECONFLICT)
	_, _, err = inc.Apply(model.Command{Action: model.ActInvalid, By: otherLeader.ID, Note: "x"}, otherLeader, t0, p)
	requireCode(t, err, model.EFORBIDDEN)
	resolved := at(t, model.TierGrid, model.StatusResolved)
	_, _, err = resolved.Apply(model.Command{Action: model.ActInvalid, By: dutyOfficer.ID, Note: "x"}, dutyOfficer, t0, p)
	requireCode(t, err, model.ECONFLICT, "close it instead")
	requireZh(t, err, "请归档")

	// Every act records the deadline it answered.
	acked, ev, err := inc.Apply(model.Command{Action: model.ActAcknowledge, By: gridLeader.ID}, gridLeader, t0.Add(time.Minute), p)
	require.NoError(t, err)
	assert.Equal(t, inc.AckBy, ev.Due)
	_, ev, err = acked.Apply(model.Command{Action: model.ActResolve, By: gridLeader.ID}, gridLeader, t0.Add(time.Hour), p)
	require.NoError(t, err)
	assert.Equal(t, acked.DueBy, ev.Due)
	late := acked
	_, ev, ok := late.Sweep(acked.DueBy.Add(time.Second), p)
	require.True(t, ok)
	assert.Equal(t, model.ActSupervise, ev.Action)
	assert.Equal(t, acked.DueBy, ev.Due)
}
