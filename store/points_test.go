package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

var nov = model.Month{Year: 2026, Mon: time.November}

// pointsOf is one person's line of a month.
func pointsOf(t testing.TB, s *DB, m model.Month, p model.PersonID) model.PersonPoints {
	t.Helper()
	pm, err := s.Points(context.Background(), model.PointsQuery{Month: m})
	require.NoError(t, err)
	for _, x := range pm.People {
		if x.Person == p {
			return x
		}
	}
	return model.PersonPoints{Person: p}
}

// TestPointsEarnedAsTheLogGrows walks the shipped indicators through the
// store: each act books its points in the commit that records it.
func TestPointsEarnedAsTheLogGrows(t *testing.T) {
	tw := newTower(t)
	ctx := tw.ctx
	act := func(id string, c model.Command) model.Incident {
		t.Helper()
		inc, err := tw.s.Act(ctx, id, c)
		require.NoError(t, err)
		return inc
	}

	// A hazard the grid worker found: 信息采集 +1 on filing.
	inc, err := tw.s.Report(ctx, model.Report{Node: grid01, Category: "hazard", Severity: model.SeverityIII,
		Title: "老旧民房外墙开裂", Reporter: tw.worker01.ID})
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"report": 1}, pointsOf(t, tw.s, nov, tw.worker01.ID).By)

	// The leader signs for it within two minutes: 按时签收 +1.
	tw.clock.Advance(90 * time.Second)
	act(inc.ID, model.Command{Action: model.ActAcknowledge, By: tw.leader01.ID})
	assert.Equal(t, map[string]int{"sign_on_time": 1}, pointsOf(t, tw.s, nov, tw.leader01.ID).By)

	// Resolved: the reporter's 隐患排查 +3; resolved again after a reopen, nothing more.
	tw.clock.Advance(time.Hour)
	act(inc.ID, model.Command{Action: model.ActResolve, By: tw.leader01.ID})
	act(inc.ID, model.Command{Action: model.ActReopen, By: tw.leader01.ID, Note: "裂缝扩大"})
	tw.clock.Advance(time.Minute)
	act(inc.ID, model.Command{Action: model.ActAcknowledge, By: tw.worker01.ID})
	act(inc.ID, model.Command{Action: model.ActResolve, By: tw.worker01.ID})
	w := pointsOf(t, tw.s, nov, tw.worker01.ID)
	assert.Equal(t, map[string]int{"report": 1, "hazard": 3, "sign_on_time": 1}, w.By)
	assert.Equal(t, 5, w.Total)

	// A report signed for late earns nothing; supervised after the leader
	// signed for it: 督办扣分 -3 to the leader who held it.
	late := tw.report(t, grid02, tw.worker01.ID, "村道路面塌陷")
	tw.clock.Advance(119 * time.Second)
	act(late.ID, model.Command{Action: model.ActAcknowledge, By: tw.leader02.ID})
	tw.clock.Advance(5 * time.Hour)
	evs, err := tw.s.Sweep(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, evs)
	l02 := pointsOf(t, tw.s, nov, tw.leader02.ID)
	assert.Equal(t, map[string]int{"sign_on_time": 1, "supervision": -3}, l02.By)
	assert.Equal(t, -2, l02.Total)

	// A dispute mediated at the village.
	d, err := tw.s.Report(ctx, model.Report{Node: village, Category: "dispute", Severity: model.SeverityIII,
		Title: "宅基地纠纷", Reporter: tw.cadre.ID})
	require.NoError(t, err)
	act(d.ID, model.Command{Action: model.ActAcknowledge, By: tw.cadre.ID})
	act(d.ID, model.Command{Action: model.ActResolve, By: tw.cadre.ID})
	assert.Equal(t, map[string]int{"report": 1, "sign_on_time": 1, "mediation": 3}, pointsOf(t, tw.s, nov, tw.cadre.ID).By)

	// Closed as invalid: filed, but no hazard points ever.
	bad, err := tw.s.Report(ctx, model.Report{Node: grid01, Category: "hazard", Severity: model.SeverityIV,
		Title: "误报", Reporter: tw.worker01.ID})
	require.NoError(t, err)
	act(bad.ID, model.Command{Action: model.ActInvalid, By: tw.leader01.ID, Note: "重复上报"})
	assert.Equal(t, 3, pointsOf(t, tw.s, nov, tw.worker01.ID).By["report"], "the hazard, the road, the false alarm")

	// Manual entries, by a person with the right, in the log.
	ev, err := tw.s.GrantPoints(ctx, tw.reserve.ID, 8, "网格协商周 议事记录整理", tw.cadre.ID)
	require.NoError(t, err)
	assert.Equal(t, model.ActPointsGrant, ev.Action)
	assert.Positive(t, ev.Seq)
	_, err = tw.s.GrantPoints(ctx, tw.reserve.ID, 8, "x", tw.leader01.ID)
	requireCode(t, err, model.EFORBIDDEN)
	requireZh(t, err)
	_, err = tw.s.GrantPoints(ctx, tw.reserve.ID, -3, "值守缺勤", tw.duty.ID)
	require.NoError(t, err)
	r := pointsOf(t, tw.s, nov, tw.reserve.ID)
	assert.Equal(t, map[string]int{model.ManualKey: 5}, r.By)
	log, err := tw.s.Events(ctx, 0, 2)
	require.NoError(t, err)
	assert.Equal(t, model.ActPointsDeduct, log[0].Action)
	assert.Equal(t, tw.reserve.ID, log[0].Subject)
	assert.Equal(t, -3, log[0].Points)
	assert.Equal(t, tw.duty.ID, log[0].Actor)
	assert.Contains(t, log[0].Note, "值守缺勤")

	requireClean(t, tw.s)
	rb, err := tw.s.RebuildPoints(ctx)
	require.NoError(t, err)
	assert.Zero(t, rb.Changed)
	assert.Positive(t, rb.Entries)

	// The totals survive a reopen.
	tw.reopen(t)
	assert.Equal(t, 5, pointsOf(t, tw.s, nov, tw.reserve.ID).Total)
	requireClean(t, tw.s)
}

// TestWartimePoints: a unit's own signature within sign_for, the progress
// that completes it, a reserve drafted; signing on behalf earns nothing.
func TestWartimePoints(t *testing.T) {
	w := newWtTower(t)
	w.activate(t, vA)
	_, err := w.s.DraftReserve(w.ctx, w.reserveA.ID, a022, w.duty.ID)
	require.NoError(t, err)
	d, _ := w.issue(t, "逐户核查", vA)
	w.clock.Advance(time.Minute)
	w.sign(t, d.ID, a011)
	_, err = w.s.SignDirective(w.ctx, d.ID, a021, w.cadre.ID) // on behalf (代签)
	require.NoError(t, err)
	w.clock.Advance(time.Hour) // after sign_for
	w.sign(t, d.ID, a012)
	// Two reports in one second, the second completing the unit, then a
	// repeat of the full count: one completion.
	w.progress(t, d.ID, a011, 3, 10)
	w.progress(t, d.ID, a011, 10, 10)
	w.progress(t, d.ID, a011, 10, 10)

	assert.Equal(t, map[string]int{"wartime_sign": 2, "wartime_done": 3}, pointsOf(t, w.s, nov, w.workers[a011].ID).By)
	assert.Empty(t, pointsOf(t, w.s, nov, w.workers[a012].ID).By, "signed after sign_for")
	assert.Empty(t, pointsOf(t, w.s, nov, w.cadre.ID).By, "signed on the unit's behalf")
	assert.Equal(t, map[string]int{"volunteer": 5}, pointsOf(t, w.s, nov, w.reserveA.ID).By)
	requireClean(t, w.s)
}

// TestRedeemNeverBelowZero: a redemption consumes the threshold, is
// refused short of it, and two at once for one balance cannot both pass.
func TestRedeemNeverBelowZero(t *testing.T) {
	tw := newTower(t)
	_, err := tw.s.GrantPoints(tw.ctx, tw.worker01.ID, 30, "防汛值守", tw.duty.ID)
	require.NoError(t, err)
	_, err = tw.s.RedeemBenefit(tw.ctx, tw.worker01.ID, "spa", tw.duty.ID)
	requireCode(t, err, model.EINVALID)

	errs := make([]error, 4)
	inParallel(len(errs), 1, func(i, _ int) {
		_, errs[i] = tw.s.RedeemBenefit(tw.ctx, tw.worker01.ID, "dining", tw.duty.ID)
	})
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else {
			requireCode(t, err, model.ECONFLICT)
			requireZh(t, err)
		}
	}
	assert.Equal(t, 1, ok, "30 points buy one dining (20)")
	p := pointsOf(t, tw.s, nov, tw.worker01.ID)
	assert.Equal(t, 10, p.Balance)
	assert.Equal(t, 20, p.Redeemed)
	assert.Equal(t, 30, p.Total, "what was earned this month, redemptions apart")

	red, err := tw.s.RedeemBenefit(tw.ctx, tw.worker01.ID, "dining", tw.duty.ID)
	requireCode(t, err, model.ECONFLICT)
	assert.Zero(t, red)
	requireClean(t, tw.s)
}

// TestPointsRebuildEqualsIncremental is the property over random histories
// through the store: reports, acts of every kind, the clocks' escalations
// and supervisions, grants and redemptions, the patrols' events, across a
// month's end. The totals the writer kept equal a rebuild from the log,
// and the ledger model.BuildLedger derives from the log read back.
func TestPointsRebuildEqualsIncremental(t *testing.T) {
	earned := map[string]bool{} // the keys the histories reached, all seeds
	t.Cleanup(func() {
		for _, k := range []string{"report", "hazard", "sign_on_time", "mediation", "supervision", "patrol", "sweep", model.ManualKey, model.RedeemKey} {
			assert.True(t, earned[k], "no history earned %s", k)
		}
	})
	for seed := uint64(1); seed <= 6; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 14))
			pr := rand.New(rand.NewPCG(seed, 13))
			tw := newTower(t)
			tw.clock.Set(time.Date(2026, 11, 30, 20, 0, 0, 0, cst))
			ctx := tw.ctx
			people := []model.Person{tw.duty, tw.cadre, tw.leader02, tw.leader01, tw.worker01, tw.micro, tw.reserve, tw.patroller}
			nodes := []model.NodeCode{village, grid01, grid02, micro011, micro012, micro021}
			cats := []string{"hazard", "dispute", "traffic"}
			var open []string
			for i := 0; i < 150; i++ {
				tw.clock.Advance(time.Duration(r.IntN(300)) * time.Second)
				who := people[r.IntN(len(people))]
				switch k := r.IntN(10); {
				case k < 3 || len(open) == 0:
					inc, err := tw.s.Report(ctx, model.Report{Node: nodes[r.IntN(len(nodes))], Category: cats[r.IntN(len(cats))],
						Severity: model.Severity(1 + r.IntN(4)), Title: fmt.Sprintf("r%d", i), Reporter: who.ID})
					require.NoError(t, err)
					open = append(open, inc.ID)
				case k < 8:
					acts := []model.Action{model.ActAcknowledge, model.ActAcknowledge, model.ActResolve, model.ActResolve,
						model.ActEscalate, model.ActReopen, model.ActInvalid, model.ActClose}
					if r.IntN(3) > 0 {
						who = people[r.IntN(4)] // the duty officer, the cadre and the leaders: mostly allowed
					}
					_, _ = tw.s.Act(ctx, open[r.IntN(len(open))], model.Command{Action: acts[r.IntN(len(acts))], By: who.ID, Note: "n"})
				case k < 9:
					_, _ = tw.s.Sweep(ctx)
				default:
					if r.IntN(2) == 0 {
						_, _ = tw.s.GrantPoints(ctx, people[r.IntN(len(people))].ID, r.IntN(41)-10, "x", people[r.IntN(2)].ID)
					} else {
						_, _ = tw.s.RedeemBenefit(ctx, people[r.IntN(len(people))].ID, "dining", people[r.IntN(2)].ID)
					}
				}
				// The patrols' events, as issue 13's service writes them,
				// drawn apart so r's histories stay as they were.
				if pr.IntN(6) == 0 {
					a := []model.Action{"patrol_start", "checkin", "patrol_done", "patrol_end", "finding", "rotation_sweep", "rotation_patrol"}[pr.IntN(7)]
					by := people[pr.IntN(len(people))]
					_, err := tw.s.write(ctx, func(_ *bolt.Tx, now time.Time) ([]model.Event, error) {
						return []model.Event{{At: now, Actor: by.ID, ActorName: by.Name, Action: a, Node: village}}, nil
					})
					require.NoError(t, err)
				}
			}
			requireClean(t, tw.s)
			kept := storedTotals(t, tw.s)
			rb, err := tw.s.RebuildPoints(ctx)
			require.NoError(t, err)
			assert.Zero(t, rb.Changed)
			assert.Equal(t, kept, storedTotals(t, tw.s))

			// The model's own rebuild over the log read back.
			var log []model.Event
			for before := uint64(0); ; {
				page, err := tw.s.Events(ctx, before, 100)
				require.NoError(t, err)
				if len(page) == 0 {
					break
				}
				for _, ev := range page {
					log = append([]model.Event{ev}, log...)
				}
				before = page[len(page)-1].Seq
			}
			rules, err := tw.s.PointRules(ctx)
			require.NoError(t, err)
			var l model.Ledger
			require.NoError(t, tw.s.db.View(func(tx *bolt.Tx) error {
				l = model.BuildLedger(rules, log, cst, func(ev model.Event) model.PointFacts { return &txFacts{s: tw.s, tx: tx, ev: ev} })
				return nil
			}))
			assert.Equal(t, kept, l)
			assert.NotEmpty(t, l.Month)
			months := map[string]bool{}
			for k := range l.Month {
				months[k.Period] = true
				earned[k.Indicator] = true
			}
			assert.Len(t, months, 2, "the history crosses into December")
		})
	}
}

func storedTotals(t testing.TB, s *DB) model.Ledger {
	t.Helper()
	var l model.Ledger
	require.NoError(t, s.db.View(func(tx *bolt.Tx) error {
		var bad []string
		l, bad = storedLedger(tx)
		require.Empty(t, bad)
		return nil
	}))
	return l
}

// TestCheckFindsTotalsThatDrifted: a total changed behind the writer's back
// is named by check, and rebuild puts it right.
func TestCheckFindsTotalsThatDrifted(t *testing.T) {
	tw := newTower(t)
	tw.report(t, grid01, tw.worker01.ID, "a")
	tw.report(t, grid01, tw.worker01.ID, "b")
	require.NoError(t, tw.s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPointsMonth)
		k := pointsKey("202611", tw.worker01.ID, "report")
		days, err := monthDays(b.Get(k))
		require.NoError(t, err)
		require.NoError(t, b.Put(k, encodeMonth(7, days)))
		return b.Put(pointsKey("202611", tw.leader01.ID, "report"), encodeMonth(0, []dayPoints{{day: 1, points: 1}}))
	}))
	problems, err := tw.s.Check(tw.ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{
		fmt.Sprintf("points_day 20261101 %s report: kept 1, the log gives 0 (run gridcmd points rebuild)", tw.leader01.ID),
		fmt.Sprintf("points_month 202611 %s report: kept 7, the log gives 2 (run gridcmd points rebuild)", tw.worker01.ID),
	}, problems)
	rb, err := tw.s.RebuildPoints(tw.ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, rb.Changed)
	assert.Equal(t, 2, pointsOf(t, tw.s, nov, tw.worker01.ID).Total)
	requireClean(t, tw.s)
}

// TestIndicatorChangeAppliesFromItsDate: a config that changes the
// indicators takes effect from its stated day, recomputes only from then,
// and is refused when the day lies in a month already issued.
func TestIndicatorChangeAppliesFromItsDate(t *testing.T) {
	tw := newTower(t)
	tw.report(t, grid01, tw.worker01.ID, "十一月") // 29 November
	tw.clock.Set(time.Date(2026, 12, 3, 9, 0, 0, 0, cst))
	tw.report(t, grid01, tw.worker01.ID, "十二月初")
	tw.clock.Set(time.Date(2026, 12, 12, 9, 0, 0, 0, cst))
	tw.report(t, grid01, tw.worker01.ID, "十二月中")
	require.NoError(t, tw.s.Close())

	open := func(from time.Time, pts int) (*DB, error) {
		o := testOptions(tw.clock)
		o.Policy = model.DefaultPolicy()
		o.Policy.Points.From = from
		o.Policy.Points.Indicators[0].Points = pts
		return Open(tw.path, o)
	}
	// November is issued by now (the clock is in December).
	_, err := open(time.Date(2026, 11, 1, 0, 0, 0, 0, cst), 2)
	requireCode(t, err, model.EINVALID)
	assert.Contains(t, model.ErrorMessage(err), "points.from 2026-11-01")
	requireZh(t, err)

	s, err := open(time.Date(2026, 12, 10, 0, 0, 0, 0, cst), 2)
	require.NoError(t, err)
	dec := model.Month{Year: 2026, Mon: time.December}
	assert.Equal(t, 1, pointsOf(t, s, nov, tw.worker01.ID).By["report"], "November as it was")
	assert.Equal(t, 3, pointsOf(t, s, dec, tw.worker01.ID).By["report"], "1 on the 3rd, 2 on the 12th")
	rules, err := s.PointRules(tw.ctx)
	require.NoError(t, err)
	require.Len(t, rules, 2)
	requireClean(t, s)
	require.NoError(t, s.Close())

	// The same config again changes nothing; the default one from before
	// the stored change is refused, not silently undone.
	s, err = open(time.Date(2026, 12, 10, 0, 0, 0, 0, cst), 2)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	_, err = open(time.Time{}, 1)
	requireCode(t, err, model.EINVALID)
	// A policy without indicators (a caller that configures none) keeps
	// what is stored.
	o := testOptions(tw.clock)
	o.Policy = model.DefaultPolicy()
	o.Policy.Points = model.PointsPolicy{}
	s, err = Open(tw.path, o)
	require.NoError(t, err)
	defer s.Close()
	assert.Equal(t, 3, pointsOf(t, s, dec, tw.worker01.ID).By["report"])
	assert.Len(t, s.Policy().Points.Benefits, 6, "the shipped benefits")
}

// TestPointsMigrateFromAnOlderFile: a file from before the points gets
// them from its whole log when it is opened.
func TestPointsMigrateFromAnOlderFile(t *testing.T) {
	tw := newTower(t)
	tw.report(t, grid01, tw.worker01.ID, "a")
	_, err := tw.s.GrantPoints(tw.ctx, tw.worker01.ID, 4, "x", tw.duty.ID)
	require.NoError(t, err)
	require.NoError(t, tw.s.Close())

	raw, err := bolt.Open(tw.path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, raw.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketPointsRules, bucketPointsMonth} {
			require.NoError(t, tx.DeleteBucket(b))
		}
		return tx.Bucket(bucketMeta).Put(metaSchema, u64(schemaBefore(t, migratePoints)))
	}))
	require.NoError(t, raw.Close())

	s := openAt(t, tw.path, tw.clock)
	assert.Equal(t, 5, pointsOf(t, s, nov, tw.worker01.ID).Total)
	requireClean(t, s)
}

func TestPointsOfASubtree(t *testing.T) {
	tw := newTower(t)
	tw.report(t, grid01, tw.worker01.ID, "a")
	pm, err := tw.s.Points(tw.ctx, model.PointsQuery{Month: nov, Node: grid01})
	require.NoError(t, err)
	var ids []model.PersonID
	for _, p := range pm.People {
		ids = append(ids, p.Person)
	}
	// The grid's worker first (1 point), then its leader and micro-grid worker.
	assert.Equal(t, []model.PersonID{tw.worker01.ID, tw.leader01.ID, tw.micro.ID}, ids)
	assert.Len(t, pm.Indicators, 10)
	assert.Len(t, pm.Benefits, 6)
	assert.Equal(t, nov, pm.Month)
	_, err = tw.s.Points(tw.ctx, model.PointsQuery{Month: nov, Node: "330784114266-09"})
	requireCode(t, err, model.ENOTFOUND)

	cards, err := tw.s.Scorecards(tw.ctx, model.ScoreGridWorker, nov, "")
	require.NoError(t, err)
	require.Len(t, cards, 1)
	assert.Equal(t, 1, cards[0].Counts[model.ScoreFiled])
	vc, err := tw.s.Scorecards(tw.ctx, model.ScoreVillage, model.Month{}, "")
	require.NoError(t, err)
	require.Len(t, vc, 1)
	assert.Equal(t, "渎溪村", vc[0].Name)
}

// BenchmarkPointsRebuild is `gridcmd points rebuild` over a log of 2,000
// reports.
func BenchmarkPointsRebuild(b *testing.B) {
	tw := newTower(b)
	for i := 0; i < 2000; i++ {
		tw.report(b, grid01, tw.worker01.ID, fmt.Sprintf("r%d", i))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := tw.s.RebuildPoints(tw.ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// TestMonthSoFar: a month so far is compared with the month before to the
// same day, from the day totals; the balance stops at that day too.
func TestMonthSoFar(t *testing.T) {
	tw := newTower(t)
	for _, at := range []time.Time{
		time.Date(2026, 11, 3, 9, 0, 0, 0, cst), time.Date(2026, 11, 5, 23, 0, 0, 0, cst),
		time.Date(2026, 11, 6, 0, 30, 0, 0, cst), time.Date(2026, 11, 20, 9, 0, 0, 0, cst),
		time.Date(2026, 12, 2, 9, 0, 0, 0, cst),
	} {
		tw.clock.Set(at)
		tw.report(t, grid01, tw.worker01.ID, at.Format("0102"))
	}
	dec := model.Month{Year: 2026, Mon: time.December}
	q := model.SoFar(dec, "", time.Date(2026, 12, 5, 10, 0, 0, 0, cst), cst)
	assert.Equal(t, 5, q.Through)
	assert.Equal(t, model.PointsQuery{Month: nov, Through: 5}, q.Previous())
	assert.Equal(t, model.PointsQuery{Month: dec}, model.SoFar(dec, "", time.Date(2027, 1, 2, 0, 0, 0, 0, cst), cst), "a month gone by is whole")
	assert.Equal(t, 0, model.PointsQuery{Month: model.Month{Year: 2027, Mon: time.March}, Through: 30}.Previous().Through,
		"February is shorter: all of it")

	get := func(q model.PointsQuery) model.PersonPoints {
		pm, err := tw.s.Points(tw.ctx, q)
		require.NoError(t, err)
		for _, p := range pm.People {
			if p.Person == tw.worker01.ID {
				return p
			}
		}
		return model.PersonPoints{}
	}
	cur, prev := get(q), get(q.Previous())
	assert.Equal(t, 1, cur.Total)
	assert.Equal(t, 5, cur.Balance)
	assert.Equal(t, 2, prev.Total, "the 3rd and the 5th, not the 6th or the 20th")
	assert.Equal(t, 2, prev.Balance)
	assert.Equal(t, 4, get(model.PointsQuery{Month: nov}).Total)
	pm, err := tw.s.Points(tw.ctx, model.PointsQuery{Month: nov, Through: 30})
	require.NoError(t, err)
	assert.Zero(t, pm.Through, "through the last day is the whole month")
	_, err = tw.s.Points(tw.ctx, model.PointsQuery{Month: nov, Through: 31})
	requireCode(t, err, model.EINVALID)
	requireZh(t, err)
}

// TestPatrolEventsEarn: the patrols' events (issue 13's actions, written
// here straight into the log as the patrol service will write them) earn
// by the shipped indicators as they are committed: 巡护 for a patrol done,
// up to its cap; 清村扫楼 for a building sweep on rotation; nothing for the
// rest of the patrol flow. check and a rebuild agree, and the totals
// survive a reopen.
func TestPatrolEventsEarn(t *testing.T) {
	tw := newTower(t)
	tw.clock.Set(time.Date(2026, 11, 1, 7, 0, 0, 0, cst))
	put := func(by model.Person, acts ...model.Action) {
		t.Helper()
		_, err := tw.s.write(tw.ctx, func(_ *bolt.Tx, now time.Time) ([]model.Event, error) {
			evs := make([]model.Event, len(acts))
			for i, a := range acts {
				evs[i] = model.Event{At: now, Actor: by.ID, ActorName: by.Name, Action: a, Node: village, Note: string(a)}
			}
			return evs, nil
		})
		require.NoError(t, err)
	}
	flow := []model.Action{"patrol_start", "checkin", "checkin", "finding", "finding_pass", "finding_merge",
		"finding_close", "patrol_end", "rotation_patrol", "rotation_traffic"}
	put(tw.patroller, flow...)
	put(tw.worker01, flow...)
	assert.Empty(t, pointsOf(t, tw.s, nov, tw.patroller.ID).By, "starting, checking in, finding, ending incomplete, patrol and traffic rotations earn nothing")

	put(tw.patroller, "patrol_start", "checkin", "patrol_done")
	put(tw.worker01, "rotation_sweep")
	assert.Equal(t, map[string]int{"patrol": 2}, pointsOf(t, tw.s, nov, tw.patroller.ID).By)
	assert.Equal(t, map[string]int{"sweep": 2}, pointsOf(t, tw.s, nov, tw.worker01.ID).By)

	// A month of patrols, two a day: the cap (60) holds; the sweeps' (40) too.
	for range 40 {
		tw.clock.Advance(12 * time.Hour)
		if tw.clock.Now().Month() != time.November {
			break
		}
		put(tw.patroller, "patrol_done")
		put(tw.worker01, "rotation_sweep", "rotation_sweep")
	}
	p := pointsOf(t, tw.s, nov, tw.patroller.ID)
	assert.Equal(t, map[string]int{"patrol": 60}, p.By)
	assert.Equal(t, map[string]int{"sweep": 40}, pointsOf(t, tw.s, nov, tw.worker01.ID).By)

	requireClean(t, tw.s)
	rb, err := tw.s.RebuildPoints(tw.ctx)
	require.NoError(t, err)
	assert.Zero(t, rb.Changed)
	tw.reopen(t)
	assert.Equal(t, p, pointsOf(t, tw.s, nov, tw.patroller.ID))
	requireClean(t, tw.s)
}

// BenchmarkEarnInTx is what the points add to the writer's work per report
// (compare BenchmarkReportInTx): booking a report's 信息采集 in the
// transaction that appends it. Each report is by another person, so every
// one reads its cap and writes its month entry afresh (the worst
// case; a person past a cap costs one read). The transaction is set up and
// finished as the writer does (startTx, finish).
func BenchmarkEarnInTx(b *testing.B) {
	tw := newTower(b)
	s := tw.s
	now := tw.clock.Now()
	const batch = 128
	b.ReportAllocs()
	b.ResetTimer()
	inRolledBackTx(b, s, batch, func(tx *bolt.Tx, _, n int) {
		ev := model.Event{At: now, Actor: model.PersonID(100000 + n%50000), Action: model.ActReport, Node: grid01,
			IncidentSeq: uint64(n + 1), Incident: "HJ-x", After: model.State{Tier: model.TierGrid, Status: model.StatusReported}}
		require.NoError(b, s.earn(tx, []model.Event{ev}))
	}, s.wc.reset)
}

// TestPointsOfOneCommit: within one commit, the cap, a redemption's balance
// and a rebuild see what the commit's earlier requests earned, once.
// Held behind a blocker, 70 reports by one worker (信息采集 caps at 60 a
// month), a redemption of 20 that only those points pay for, a rebuild and
// five more reports all go in one commit.
func TestPointsOfOneCommit(t *testing.T) {
	tw := newTower(t)
	sub := tw.s.Subscribe()
	defer sub.Close()
	release, blocker := holdWriter(tw)
	var wg sync.WaitGroup
	queued := 0
	enqueue := func(f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, f())
		}()
		queued++
		deadline := time.Now().Add(10 * time.Second)
		for len(tw.s.queue) < queued {
			require.True(t, time.Now().Before(deadline), "request not queued")
			time.Sleep(time.Millisecond)
		}
	}
	report := func(i int) func() error {
		return func() error {
			_, err := tw.s.Report(tw.ctx, model.Report{Node: micro011, Category: "hazard", Severity: model.SeverityIII,
				Title: fmt.Sprintf("积水 %d", i), Reporter: tw.worker01.ID})
			return err
		}
	}
	for i := 0; i < 70; i++ {
		enqueue(report(i))
	}
	var red model.Redemption
	enqueue(func() (err error) {
		red, err = tw.s.RedeemBenefit(tw.ctx, tw.worker01.ID, "dining", tw.duty.ID)
		return err
	})
	var rb model.Rebuilt
	enqueue(func() (err error) {
		rb, err = tw.s.RebuildPoints(tw.ctx)
		return err
	})
	for i := 70; i < 75; i++ {
		enqueue(report(i))
	}
	commits := tw.s.commits.Load()
	close(release)
	require.NoError(t, <-blocker)
	wg.Wait()
	require.Equal(t, commits+1, tw.s.commits.Load(), "one commit")

	assert.Equal(t, 40, red.Balance, "the redemption saw the 60 points of its commit")
	assert.Zero(t, rb.Changed, "the rebuild found the commit's points kept so far")
	p := pointsOf(t, tw.s, nov, tw.worker01.ID)
	assert.Equal(t, 60, p.By["report"], "capped within the commit")
	assert.Equal(t, 20, p.Redeemed)
	assert.Equal(t, 40, p.Balance)
	requireClean(t, tw.s)

	// One report a commit, with a rebuild between: each commit adds to the
	// totals the one before wrote.
	for i := 0; i < 5; i++ {
		if i == 3 {
			rb, err := tw.s.RebuildPoints(tw.ctx)
			require.NoError(t, err)
			assert.Zero(t, rb.Changed)
		}
		_, err := tw.s.Report(tw.ctx, model.Report{Node: micro012, Category: "hazard", Severity: model.SeverityIII,
			Title: fmt.Sprintf("倒树 %d", i), Reporter: tw.micro.ID})
		require.NoError(t, err)
	}
	assert.Equal(t, 5, pointsOf(t, tw.s, nov, tw.micro.ID).By["report"])
	requireClean(t, tw.s)
	tw.reopen(t)
	assert.Equal(t, p, pointsOf(t, tw.s, nov, tw.worker01.ID))
}
