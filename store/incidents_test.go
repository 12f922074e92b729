package store

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

func TestReportRoundTrip(t *testing.T) {
	tw := newTower(t)
	inc, err := tw.s.Report(tw.ctx, model.Report{
		Node: micro021, Category: "交通", Severity: model.SeverityII, Title: "  330国道货物散落  ",
		Text: "占用一条车道", Reporter: tw.worker01.ID,
	})
	require.NoError(t, err)
	assert.Equal(t, model.Incident{
		Seq: 1, ID: "HJ-20261129-0001", Title: "330国道货物散落", Text: "占用一条车道",
		Category: "traffic", Platform: model.PlatformSafety, Severity: model.SeverityII, Node: micro021,
		Reporter: tw.worker01.ID, Source: model.SourceGridPatrol, Tier: model.TierGrid,
		Status: model.StatusReported, ReportedAt: t0, TierSince: t0,
		AckBy: t0.Add(2 * time.Minute), DueBy: t0.Add(time.Hour),
	}, inc)

	got := tw.incident(t, " hj-20261129-0001 ")
	assert.Equal(t, inc, got)

	tl := tw.timeline(t, inc.ID)
	require.Len(t, tl, 1)
	assert.Equal(t, model.ActReport, tl[0].Action)
	assert.Equal(t, "王网格员", tl[0].ActorName)
	assert.Equal(t, t0, tl[0].At)
	assert.NotZero(t, tl[0].Seq)

	// The system may report (a sensor); the day's numbers go on, and start
	// again on the next local day (after midnight CST, not UTC).
	sys := tw.report(t, micro101, model.System, "门锁告警")
	assert.Equal(t, "HJ-20261129-0002", sys.ID)
	assert.Equal(t, model.SourceSensor, sys.Source)
	tw.clock.Advance(14*time.Hour + 59*time.Minute) // 23:59 CST
	assert.Equal(t, "HJ-20261129-0003", tw.report(t, grid02, tw.leader02.ID, "x").ID)
	tw.clock.Advance(time.Minute) // 00:00 CST on the 30th, still the 29th in UTC
	next := tw.report(t, village, tw.cadre.ID, "y")
	assert.Equal(t, "HJ-20261130-0001", next.ID)
	assert.Equal(t, model.TierVillage, next.Tier)
	assert.Equal(t, uint64(4), next.Seq)

	// Refusals.
	_, err = tw.s.Report(tw.ctx, model.Report{Node: "330784114266-05", Category: "traffic", Severity: 2, Title: "x", Reporter: tw.worker01.ID})
	requireCode(t, err, model.ENOTFOUND)
	assert.Contains(t, err.Error(), "330784114266-05")
	_, err = tw.s.Report(tw.ctx, model.Report{Node: grid01, Category: "traffic", Severity: 2, Title: "x", Reporter: 77})
	requireCode(t, err, model.ENOTFOUND)
	_, err = tw.s.Report(tw.ctx, model.Report{Node: grid01, Category: "weather", Severity: 2, Title: "x", Reporter: tw.worker01.ID})
	requireCode(t, err, model.EINVALID)
	_, err = tw.s.Incident(tw.ctx, "HJ-20261129-0404")
	requireCode(t, err, model.ENOTFOUND)
	assert.Equal(t, "no incident HJ-20261129-0404", err.Error())
	assert.Equal(t, "没有事件 HJ-20261129-0404", model.ErrorMessageZh(err))
	_, err = tw.s.Incident(tw.ctx, "nope")
	requireCode(t, err, model.EINVALID)
	requireClean(t, tw.s)
}

func TestIncidentsFilters(t *testing.T) {
	tw := newTower(t)
	a := tw.report(t, micro021, tw.worker01.ID, "a")
	b := tw.report(t, grid01, tw.worker01.ID, "b")
	c := tw.report(t, village, tw.cadre.ID, "c")
	d := tw.report(t, micro101, tw.worker01.ID, "d")
	act := func(id string, cmd model.Command) {
		_, err := tw.s.Act(tw.ctx, id, cmd)
		require.NoError(t, err)
	}
	act(a.ID, model.Command{Action: model.ActAcknowledge, By: tw.leader02.ID})
	act(b.ID, model.Command{Action: model.ActAcknowledge, By: tw.leader01.ID})
	act(b.ID, model.Command{Action: model.ActResolve, By: tw.leader01.ID})
	act(d.ID, model.Command{Action: model.ActEscalate, By: tw.duty.ID, To: model.TierTown})

	list := func(f model.IncidentFilter) []uint64 { return tw.seqs(t, f) }
	assert.Equal(t, []uint64{a.Seq, b.Seq, c.Seq, d.Seq}, list(model.IncidentFilter{}))
	assert.Equal(t, []uint64{a.Seq, c.Seq, d.Seq}, list(model.IncidentFilter{Open: true}))
	assert.Equal(t, []uint64{c.Seq, d.Seq}, list(model.IncidentFilter{Status: model.StatusReported}))
	assert.Equal(t, []uint64{a.Seq}, list(model.IncidentFilter{Status: model.StatusAcknowledged}))
	assert.Equal(t, []uint64{b.Seq}, list(model.IncidentFilter{Status: model.StatusResolved}))
	assert.Empty(t, list(model.IncidentFilter{Status: model.StatusResolved, Open: true}))
	assert.Equal(t, []uint64{d.Seq}, list(model.IncidentFilter{Open: true, Tier: model.TierTown}))
	assert.Equal(t, []uint64{c.Seq}, list(model.IncidentFilter{Tier: model.TierVillage, Status: model.StatusReported}))
	assert.Equal(t, []uint64{a.Seq}, list(model.IncidentFilter{Tier: model.TierGrid, Open: true}))
	assert.Equal(t, []uint64{a.Seq, b.Seq, c.Seq, d.Seq}, list(model.IncidentFilter{Node: village}))
	assert.Equal(t, []uint64{a.Seq, c.Seq, d.Seq}, list(model.IncidentFilter{Node: village, Open: true}))
	assert.Equal(t, []uint64{c.Seq, d.Seq}, list(model.IncidentFilter{Limit: 2}))
	assert.Equal(t, []uint64{c.Seq, d.Seq}, list(model.IncidentFilter{Open: true, Limit: 2}))
	assert.Equal(t, []uint64{a.Seq, b.Seq, c.Seq, d.Seq}, list(model.IncidentFilter{Status: "", Tier: ""}))
	_, err := tw.s.Incidents(tw.ctx, model.IncidentFilter{Status: "lost"})
	requireCode(t, err, model.EINVALID)
}

// TestOrderPastByteBoundaries: big-endian keys keep creation order past 255,
// 65,535 and 2^32, in the bucket, in every index and in every listing.
func TestOrderPastByteBoundaries(t *testing.T) {
	tw := newTower(t)
	inParallel(10, 30, func(_, _ int) { tw.report(t, micro021, tw.worker01.ID, "three hundred") })
	for _, seq := range []uint64{65530, 1<<32 - 4} {
		require.NoError(t, tw.s.db.Update(func(tx *bolt.Tx) error {
			return tx.Bucket(bucketIncidents).SetSequence(seq)
		}))
		for i := 0; i < 10; i++ {
			tw.report(t, micro021, tw.worker01.ID, "jump")
		}
	}
	all, err := tw.s.Incidents(tw.ctx, model.IncidentFilter{})
	require.NoError(t, err)
	require.Len(t, all, 320)
	seqs := seqsOf(all)
	assert.Equal(t, sortedCopy(seqs), seqs)
	assert.Equal(t, uint64(300), seqs[299])
	assert.Equal(t, []uint64{65531, 65536, 65540}, []uint64{seqs[300], seqs[305], seqs[309]})
	assert.Equal(t, uint64(1<<32+6), seqs[319])
	// Daily numbers are 1..320 whatever the seqs did.
	assert.Equal(t, "HJ-20261129-0320", all[319].ID)

	for _, f := range []model.IncidentFilter{{Open: true}, {Node: micro021}, {Status: model.StatusReported}} {
		assert.Equal(t, seqs, tw.seqs(t, f), "filter %+v", f)
	}
	// The index keys themselves are in seq order.
	for _, b := range [][]byte{bucketIdxOpen, bucketIdxNode, bucketIdxDue, bucketIncidents} {
		keys := keysIn(t, tw.s, b)
		require.Len(t, keys, 320, "%s", b)
		var got []uint64
		for _, k := range keys {
			got = append(got, getU64(k[len(k)-8:]))
		}
		assert.Equal(t, seqs, got, "%s", b)
	}
	// Events: newest first, paging by seq.
	evs, err := tw.s.Events(tw.ctx, 0, 400)
	require.NoError(t, err)
	require.Len(t, evs, 322) // two imports, 320 reports
	for i := 1; i < len(evs); i++ {
		require.Greater(t, evs[i-1].Seq, evs[i].Seq)
	}
	page, err := tw.s.Events(tw.ctx, evs[9].Seq, 5)
	require.NoError(t, err)
	assert.Equal(t, evs[10:15], page)
	page, err = tw.s.Events(tw.ctx, 1, 5)
	require.NoError(t, err)
	assert.Empty(t, page)
	page, err = tw.s.Events(tw.ctx, 1<<40, 2)
	require.NoError(t, err)
	assert.Equal(t, evs[:2], page)
	requireClean(t, tw.s)
}

// TestIncidentNodePrefixCase: grid 01, its micro-grid 01-02 and grid 10 are
// told apart, as exact nodes and as subtrees.
func TestIncidentNodePrefixCase(t *testing.T) {
	tw := newTower(t)
	at01 := tw.report(t, grid01, tw.worker01.ID, "at grid 01")
	at0102 := tw.report(t, micro012, tw.micro.ID, "at micro-grid 01-02")
	at10 := tw.report(t, grid10, tw.duty.ID, "at grid 10")
	at1001 := tw.report(t, micro101, tw.duty.ID, "at micro-grid 10-01")
	list := func(node model.NodeCode) []uint64 { return tw.seqs(t, model.IncidentFilter{Node: node}) }
	assert.Equal(t, []uint64{at01.Seq, at0102.Seq}, list(grid01))
	assert.Equal(t, []uint64{at0102.Seq}, list(micro012))
	assert.Equal(t, []uint64{at10.Seq, at1001.Seq}, list(grid10))
	assert.Empty(t, list(micro011))
	require.NoError(t, tw.s.db.View(func(tx *bolt.Tx) error {
		assert.Equal(t, []uint64{at01.Seq}, nodeScan(tx, grid01, true))
		assert.Equal(t, []uint64{at01.Seq, at0102.Seq}, nodeScan(tx, grid01, false))
		assert.Equal(t, []uint64{at10.Seq}, nodeScan(tx, grid10, true))
		assert.Empty(t, nodeScan(tx, village, true))
		assert.Len(t, nodeScan(tx, village, false), 4)
		assert.Len(t, nodeScan(tx, town, false), 4)
		return nil
	}))
}

// TestActPaths walks one incident through every action and refusal; every
// refusal leaves every byte of the file as it was.
func TestActPaths(t *testing.T) {
	tw := newTower(t)
	inc := tw.report(t, micro021, tw.worker01.ID, "330国道货物散落")
	id := inc.ID

	type step struct {
		name string
		cmd  model.Command
		code string // "" for success
		tier model.Tier
		st   model.Status
	}
	steps := []step{
		{"resolve before signing", model.Command{Action: model.ActResolve, By: tw.leader02.ID}, model.ECONFLICT, "", ""},
		{"grid 01's leader may not sign for grid 02", model.Command{Action: model.ActAcknowledge, By: tw.leader01.ID}, model.EFORBIDDEN, "", ""},
		{"a micro-grid worker may not sign", model.Command{Action: model.ActAcknowledge, By: tw.micro.ID}, model.EFORBIDDEN, "", ""},
		{"the system may not sign", model.Command{Action: model.ActAcknowledge, By: model.System}, model.EFORBIDDEN, "", ""},
		{"unknown person", model.Command{Action: model.ActAcknowledge, By: 404}, model.ENOTFOUND, "", ""},
		{"not an action", model.Command{Action: model.ActImport, By: tw.duty.ID}, model.EINVALID, "", ""},
		{"grid 02's leader signs", model.Command{Action: model.ActAcknowledge, By: tw.leader02.ID}, "", model.TierGrid, model.StatusAcknowledged},
		{"signing twice", model.Command{Action: model.ActAcknowledge, By: tw.leader02.ID}, model.ECONFLICT, "", ""},
		{"a grid leader may not dispatch", model.Command{Action: model.ActDispatch, By: tw.leader02.ID, Department: "交警"}, model.EFORBIDDEN, "", ""},
		{"dispatch needs a department", model.Command{Action: model.ActDispatch, By: tw.duty.ID}, model.EINVALID, "", ""},
		{"a cadre may not escalate from the grid", model.Command{Action: model.ActEscalate, By: tw.cadre.ID}, model.EFORBIDDEN, "", ""},
		{"the grid leader escalates", model.Command{Action: model.ActEscalate, By: tw.leader02.ID}, "", model.TierVillage, model.StatusReported},
		{"no escalating down", model.Command{Action: model.ActEscalate, By: tw.duty.ID, To: model.TierGrid}, model.ECONFLICT, "", ""},
		{"the cadre signs at the village", model.Command{Action: model.ActAcknowledge, By: tw.cadre.ID}, "", model.TierVillage, model.StatusAcknowledged},
		{"the cadre dispatches", model.Command{Action: model.ActDispatch, By: tw.cadre.ID, Department: "永康交警大队"}, "", model.TierVillage, model.StatusDispatched},
		{"the cadre resolves", model.Command{Action: model.ActResolve, By: tw.cadre.ID}, "", model.TierVillage, model.StatusResolved},
		{"a cadre may not close", model.Command{Action: model.ActClose, By: tw.cadre.ID}, model.EFORBIDDEN, "", ""},
		{"reopening needs a note", model.Command{Action: model.ActReopen, By: tw.cadre.ID}, model.EINVALID, "", ""},
		{"the cadre reopens", model.Command{Action: model.ActReopen, By: tw.cadre.ID, Note: "货物再次散落"}, "", model.TierVillage, model.StatusReported},
		{"the duty officer takes it to the town", model.Command{Action: model.ActEscalate, By: tw.duty.ID, To: model.TierTown}, "", model.TierTown, model.StatusReported},
		{"a cadre may not sign at the town", model.Command{Action: model.ActAcknowledge, By: tw.cadre.ID}, model.EFORBIDDEN, "", ""},
		{"the duty officer signs", model.Command{Action: model.ActAcknowledge, By: tw.duty.ID}, "", model.TierTown, model.StatusAcknowledged},
		{"the duty officer resolves", model.Command{Action: model.ActResolve, By: tw.duty.ID}, "", model.TierTown, model.StatusResolved},
		{"the duty officer closes", model.Command{Action: model.ActClose, By: tw.duty.ID}, "", model.TierTown, model.StatusClosed},
		{"a closed incident stays closed", model.Command{Action: model.ActReopen, By: tw.duty.ID, Note: "again"}, model.ECONFLICT, "", ""},
		{"nor climbs", model.Command{Action: model.ActEscalate, By: tw.duty.ID}, model.ECONFLICT, "", ""},
	}
	wantActions := []model.Action{model.ActReport}
	for _, s := range steps {
		tw.clock.Advance(10 * time.Second)
		before := dump(t, tw.s)
		prev := tw.incident(t, id)
		got, err := tw.s.Act(tw.ctx, id, s.cmd)
		if s.code != "" {
			requireCode(t, err, s.code)
			assert.Equal(t, before, dump(t, tw.s), "%s: a refusal changed the file", s.name)
			continue
		}
		require.NoError(t, err, s.name)
		wantActions = append(wantActions, s.cmd.Action)
		assert.Equal(t, s.tier, got.Tier, s.name)
		assert.Equal(t, s.st, got.Status, s.name)
		stored := tw.incident(t, id)
		assert.Equal(t, got, stored, s.name)
		after := dump(t, tw.s)
		assert.NotEqual(t, before, after)
		// The indexes moved with the record.
		okOld, _ := keysOf(prev)
		okNew, _ := keysOf(got)
		if okOld.open != nil && string(okOld.open) != string(okNew.open) {
			assert.NotContains(t, after, "idx_open/"+fmt.Sprintf("%x", okOld.open), s.name)
		}
		if okNew.open != nil {
			assert.Contains(t, after, "idx_open/"+fmt.Sprintf("%x", okNew.open), s.name)
		}
		if okNew.due != nil {
			assert.Contains(t, after, "idx_due/"+fmt.Sprintf("%x", okNew.due), s.name)
		}
		requireClean(t, tw.s)
	}
	_, err := tw.s.Act(tw.ctx, "HJ-20261129-0404", model.Command{Action: model.ActAcknowledge, By: tw.duty.ID})
	requireCode(t, err, model.ENOTFOUND)
	_, err = tw.s.Act(tw.ctx, "rubbish", model.Command{Action: model.ActAcknowledge, By: tw.duty.ID})
	requireCode(t, err, model.EINVALID)

	tl := tw.timeline(t, id)
	var actions []model.Action
	for i, ev := range tl {
		actions = append(actions, ev.Action)
		assert.Equal(t, id, ev.Incident)
		if i > 0 {
			assert.Equal(t, tl[i-1].After, ev.Before, "event %d continues from the one before", i)
		}
	}
	assert.Equal(t, wantActions, actions)
	assert.Equal(t, "safety / 永康交警大队", tl[4].Note)
	closed, err := tw.s.Incidents(tw.ctx, model.IncidentFilter{Open: true})
	require.NoError(t, err)
	assert.Empty(t, closed)
	assert.Empty(t, keysIn(t, tw.s, bucketIdxDue))
}

func TestSweep(t *testing.T) {
	tw := newTower(t)
	late := tw.report(t, micro021, tw.worker01.ID, "nobody signs")
	signed := tw.report(t, grid01, tw.worker01.ID, "signed, never resolved")
	_, err := tw.s.Act(tw.ctx, signed.ID, model.Command{Action: model.ActAcknowledge, By: tw.leader01.ID})
	require.NoError(t, err)

	evs := sweepAtDue(t, tw.s, tw.clock, 2*time.Minute)
	require.Len(t, evs, 1)
	ev := evs[0]
	assert.Equal(t, model.ActEscalate, ev.Action)
	assert.Equal(t, model.System, ev.Actor)
	assert.Equal(t, late.ID, ev.Incident)
	assert.Equal(t, model.State{Tier: model.TierGrid, Status: model.StatusReported}, ev.Before)
	assert.Equal(t, model.State{Tier: model.TierVillage, Status: model.StatusReported}, ev.After)
	assert.Equal(t, "grid→village: not signed for within 2m0s", ev.Note)
	assert.NotZero(t, ev.Seq)
	got := tw.incident(t, late.ID)
	assert.Equal(t, model.TierVillage, got.Tier)
	assert.Equal(t, 1, got.Escalations)
	assert.Equal(t, t0.Add(2*time.Minute+5*time.Minute), got.AckBy)

	evs = sweep(t, tw.s)
	assert.Empty(t, evs, "a second sweep at the same time does nothing")

	// An hour on: the village has not signed either (-> town), and the
	// signed grid incident is past its resolution deadline (-> supervised).
	tw.clock.Advance(time.Hour)
	evs = sweep(t, tw.s)
	require.Len(t, evs, 2)
	bySeq := map[uint64]model.Event{}
	for _, e := range evs {
		bySeq[e.IncidentSeq] = e
	}
	assert.Equal(t, model.ActSupervise, bySeq[signed.Seq].Action)
	assert.Equal(t, model.ActEscalate, bySeq[late.Seq].Action)
	sup := tw.incident(t, signed.ID)
	assert.True(t, sup.Supervised)
	assert.Equal(t, model.StatusAcknowledged, sup.Status)

	st, err := tw.s.Stats(tw.ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, st.Incidents.Open)
	assert.Equal(t, 1, st.Incidents.Overdue, "the supervised one is red, the escalated one has a fresh clock")

	// Supervised once: later sweeps leave it alone.
	for i := 0; i < 3; i++ {
		tw.clock.Advance(3 * time.Hour)
		evs = sweep(t, tw.s)
		for _, e := range evs {
			assert.NotEqual(t, signed.Seq, e.IncidentSeq)
		}
	}
	tl := tw.timeline(t, signed.ID)
	var sups int
	for _, e := range tl {
		if e.Action == model.ActSupervise {
			sups++
		}
	}
	assert.Equal(t, 1, sups)
	requireClean(t, tw.s)
}

func TestStats(t *testing.T) {
	tw := newTower(t)
	a := tw.report(t, micro021, tw.worker01.ID, "a")
	tw.report(t, grid01, tw.worker01.ID, "b")
	_, err := tw.s.Act(tw.ctx, a.ID, model.Command{Action: model.ActAcknowledge, By: tw.leader02.ID})
	require.NoError(t, err)
	_, err = tw.s.Act(tw.ctx, a.ID, model.Command{Action: model.ActResolve, By: tw.leader02.ID})
	require.NoError(t, err)
	tw.clock.Advance(3 * time.Minute) // b is past its sign-for deadline, not yet swept
	st, err := tw.s.Stats(tw.ctx)
	require.NoError(t, err)
	assert.Equal(t, model.Stats{
		Towns: 1, Villages: 1, Grids: 3, MicroGrids: 4, Households: 267,
		People: model.PeopleStats{Total: 8, GridStaff: 3, MicroGridWorkers: 1, Reserves: 1,
			Patrollers: 1, DutyOfficers: 1},
		Incidents: model.IncStats{Total: 2, Open: 1, Overdue: 1, PassOnReports: 1}, // a signed for at once: 0 s
	}, st)
}

// An idle sweep (nothing due) must not commit: the console sweeps every
// second, and an empty commit still writes and fsyncs the meta page.
func TestIdleSweepDoesNotWrite(t *testing.T) {
	tw := newTower(t)
	tw.report(t, grid01, tw.worker01.ID, "a")
	writes := func() int64 { st := tw.s.db.Stats(); return st.TxStats.GetWrite() }
	before := writes()
	for i := 0; i < 5; i++ {
		evs := sweep(t, tw.s)
		assert.Empty(t, evs)
	}
	assert.Equal(t, before, writes(), "nothing due, nothing written")
	tw.clock.Advance(2 * time.Minute)
	evs := sweep(t, tw.s)
	require.Len(t, evs, 1)
	assert.Greater(t, writes(), before)
}

// seqReader steps back through near seqs and searches for far ones; a seq
// that is not there is an error, and the reader goes on after it.
func TestSeqReader(t *testing.T) {
	tw := newTower(t)
	var seqs []uint64
	for i := 0; i < 60; i++ {
		if i == 20 || i == 40 { // gaps in the seqs
			require.NoError(t, tw.s.db.Update(func(tx *bolt.Tx) error {
				b := tx.Bucket(bucketIncidents)
				return b.SetSequence(b.Sequence() + uint64(i)*100)
			}))
		}
		seqs = append(seqs, tw.report(t, micro021, tw.worker01.ID, fmt.Sprint(i)).Seq)
	}
	missing := seqs[40] - 1
	require.NoError(t, tw.s.db.View(func(tx *bolt.Tx) error {
		// Newest first: every seq, every third, across the gaps and with a
		// missing one.
		for _, list := range [][]uint64{
			seqs,
			{seqs[3], seqs[12], seqs[30], seqs[56], seqs[59]},
			{seqs[0], seqs[39], missing, seqs[40], seqs[45], seqs[59]},
		} {
			rd := tw.s.newSeqReader(tx)
			for i := len(list) - 1; i >= 0; i-- {
				inc, err := rd.get(list[i])
				if list[i] == missing {
					require.ErrorContains(t, err, "is missing")
					continue
				}
				require.NoError(t, err)
				assert.Equal(t, list[i], inc.Seq)
			}
		}
		rd := tw.s.newSeqReader(tx)
		_, err := rd.get(seqs[59] + 1)
		require.ErrorContains(t, err, "is missing")
		for _, seq := range []uint64{seqs[0], seqs[59], seqs[58]} { // any order works
			inc, err := rd.get(seq)
			require.NoError(t, err)
			assert.Equal(t, seq, inc.Seq)
		}
		return nil
	}))
}

// nextID keeps each prefix's id head for the transaction, but a write
// that crosses midnight (or files a report of another day) numbers the
// next ids under the new day, each prefix's head made anew.
func TestNextIDHeadFollowsTheDay(t *testing.T) {
	tw := newTower(t)
	tx, err := tw.s.db.Begin(true)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback() }()
	var st txState
	day := time.Date(2025, 7, 14, 23, 59, 0, 0, cst)
	var ids []string
	for _, c := range []struct {
		prefix string
		at     time.Time
	}{{"HJ", day}, {"DC", day}, {"HJ", day}, {"HJ", day.Add(2 * time.Minute)}, {"DC", day.Add(2 * time.Minute)}} {
		id, err := st.nextID(tx, c.prefix, c.at)
		require.NoError(t, err)
		ids = append(ids, id)
	}
	assert.Equal(t, []string{"HJ-20250714-0001", "DC-20250714-0002", "HJ-20250714-0003", "HJ-20250715-0001", "DC-20250715-0002"}, ids)
}
