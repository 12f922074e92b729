package store

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// newHub opens an empty file for a county's hub, on the tower's clock.
func newHub(t testing.TB, tw *tower) *DB {
	t.Helper()
	return openHub(t, filepath.Join(t.TempDir(), "county.db"), tw, "YK")
}

// openHub opens a county's file at path with its own incident prefix (the
// README's recipe gives the county YK, each town its own).
func openHub(t testing.TB, path string, tw *tower, prefix string) *DB {
	t.Helper()
	opts := testOptions(tw.clock)
	opts.Prefix = prefix
	s, err := Open(path, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// applyAll applies the town's whole outbox to hub.
func applyAll(t testing.TB, tw *tower, hub *DB) {
	t.Helper()
	_, err := hub.FedApply(tw.ctx, pending(t, tw.s, 0))
	require.NoError(t, err)
}

// pending is the town's whole outbox after seq.
func pending(t testing.TB, s *DB, after uint64) []model.FedRecord {
	t.Helper()
	recs, err := s.FedPending(context.Background(), after, 1<<20)
	require.NoError(t, err)
	return recs
}

// busyTown is the tiny tower with a day's work: a report passed on by
// acknowledgement, one escalated twice, one resolved.
func busyTown(t testing.TB) (*tower, []model.Incident) {
	t.Helper()
	tw := newTower(t)
	a := tw.report(t, micro011, tw.worker01.ID, "货车侧翻")
	tw.clock.Advance(40 * time.Second)
	_, err := tw.s.Act(tw.ctx, a.ID, model.Command{Action: model.ActAcknowledge, By: tw.leader01.ID})
	require.NoError(t, err)
	b := tw.report(t, micro012, tw.micro.ID, "井盖缺失")
	tw.clock.Advance(time.Minute)
	_, err = tw.s.Act(tw.ctx, b.ID, model.Command{Action: model.ActEscalate, By: tw.leader01.ID})
	require.NoError(t, err)
	tw.clock.Advance(time.Minute)
	_, err = tw.s.Act(tw.ctx, b.ID, model.Command{Action: model.ActEscalate, By: tw.cadre.ID})
	require.NoError(t, err)
	c := tw.report(t, micro021, tw.leader02.ID, "路灯不亮")
	tw.clock.Advance(time.Minute)
	_, err = tw.s.Act(tw.ctx, c.ID, model.Command{Action: model.ActAcknowledge, By: tw.leader02.ID})
	require.NoError(t, err)
	_, err = tw.s.Act(tw.ctx, c.ID, model.Command{Action: model.ActResolve, By: tw.leader02.ID})
	require.NoError(t, err)
	var incs []model.Incident
	for _, inc := range []model.Incident{a, b, c} {
		x := tw.incident(t, inc.ID)
		incs = append(incs, x)
	}
	return tw, incs
}

// withoutSeq is an incident as another file may number it.
func withoutSeq(i model.Incident) model.Incident { i.Seq, i.Reporter = 0, 0; return i }

func TestFedTownToHubGivesTheCountyTheTown(t *testing.T) {
	tw, incs := busyTown(t)
	hub := newHub(t, tw)
	recs := pending(t, tw.s, 0)
	evs, err := tw.s.Events(tw.ctx, 0, 1000)
	require.NoError(t, err)
	require.Len(t, recs, len(evs), "one record per event")
	for i, r := range recs {
		assert.Equal(t, model.NodeCode(town), r.Town)
		assert.Equal(t, evs[len(evs)-1-i].Seq, r.Seq)
		assert.Less(t, len(r.Data), fedMaxRecord)
	}

	n, err := hub.FedApply(tw.ctx, recs)
	require.NoError(t, err)
	assert.Equal(t, len(recs), n)

	// The county's room: the town with its figures and its incidents.
	want, err := tw.s.Subtree(tw.ctx, town, 3)
	require.NoError(t, err)
	got, err := hub.Subtree(tw.ctx, town, 3)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	wf, err := tw.s.Figures(tw.ctx, town)
	require.NoError(t, err)
	hf, err := hub.Figures(tw.ctx, town)
	require.NoError(t, err)
	assert.Equal(t, wf, hf)
	assert.Equal(t, 2, hf.EscalationsLastHour)
	open, err := hub.Incidents(tw.ctx, model.IncidentFilter{Node: town, Open: true})
	require.NoError(t, err)
	require.Len(t, open, 2)
	for i, inc := range open {
		assert.Equal(t, withoutSeq(incs[i]), withoutSeq(inc))
	}
	ws, err := tw.s.Stats(tw.ctx)
	require.NoError(t, err)
	hs, err := hub.Stats(tw.ctx)
	require.NoError(t, err)
	assert.Equal(t, ws, hs)

	// The log: every event once, naming the town's.
	hevs, err := hub.Events(tw.ctx, 0, 1000)
	require.NoError(t, err)
	require.Len(t, hevs, len(evs))
	for i := range evs {
		assert.Equal(t, model.FedMsgID(town, evs[i].Seq), hevs[i].Fed)
		assert.Equal(t, evs[i].Action, hevs[i].Action)
		assert.Equal(t, evs[i].Incident, hevs[i].Incident)
	}
	tl, err := hub.Timeline(tw.ctx, incs[1].ID)
	require.NoError(t, err)
	assert.Len(t, tl, 3)

	applied, err := hub.FedApplied(tw.ctx, town)
	require.NoError(t, err)
	assert.Equal(t, recs[len(recs)-1].Seq, applied)
	towns, err := hub.FedTowns(tw.ctx)
	require.NoError(t, err)
	require.Len(t, towns, 1)
	assert.Equal(t, model.FedTown{Town: town, Name: "花街镇", Applied: applied, NewestAt: evs[0].At, AppliedAt: tw.clock.Now()}, towns[0])
	requireClean(t, hub)
	requireClean(t, tw.s)
}

func TestFedApplyIsIdempotentByTownAndSeq(t *testing.T) {
	tw, _ := busyTown(t)
	recs := pending(t, tw.s, 0)
	require.Greater(t, len(recs), 8)

	// Once in one go.
	once := newHub(t, tw)
	_, err := once.FedApply(tw.ctx, recs)
	require.NoError(t, err)

	// Twice, in overlapping batches, and after a restart.
	path := filepath.Join(t.TempDir(), "county.db")
	hub := openHub(t, path, tw, "YK")
	n, err := hub.FedApply(tw.ctx, recs[:5])
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	n, err = hub.FedApply(tw.ctx, recs[:5])
	require.NoError(t, err)
	assert.Equal(t, 0, n)
	n, err = hub.FedApply(tw.ctx, recs[3:8])
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	require.NoError(t, hub.Close())
	hub = openHub(t, path, tw, "YK")
	n, err = hub.FedApply(tw.ctx, recs)
	require.NoError(t, err)
	assert.Equal(t, len(recs)-8, n)
	n, err = hub.FedApply(tw.ctx, recs)
	require.NoError(t, err)
	assert.Equal(t, 0, n)

	assert.Equal(t, fedDump(t, once), fedDump(t, hub))
	requireClean(t, hub)
}

// fedDump is what a hub holds, less the clock of its applying.
func fedDump(t testing.TB, s *DB) map[string]string {
	d := dump(t, s)
	for k, v := range d {
		if len(k) > 10 && k[:10] == "fed_towns/" {
			var r fedTownRecord
			require.NoError(t, json.Unmarshal([]byte(v), &r))
			r.AppliedAt = 0
			b, _ := json.Marshal(r)
			d[k] = string(b)
		}
	}
	return d
}

func TestFedApplyRefusesATownWithoutItsStructure(t *testing.T) {
	tw, _ := busyTown(t)
	hub := newHub(t, tw)
	recs := pending(t, tw.s, 3)
	_, err := hub.FedApply(tw.ctx, recs)
	requireCode(t, err, model.EINVALID)
	requireZh(t, err)
	applied, err := hub.FedApplied(tw.ctx, town)
	require.NoError(t, err)
	assert.Zero(t, applied)
}

func TestFedCursorSurvivesARestartAndNeverGoesBack(t *testing.T) {
	tw, _ := busyTown(t)
	c, err := tw.s.FedCursor(tw.ctx)
	require.NoError(t, err)
	assert.Zero(t, c)
	require.NoError(t, tw.s.SetFedCursor(tw.ctx, 7))
	require.NoError(t, tw.s.SetFedCursor(tw.ctx, 5))
	tw.reopen(t)
	c, err = tw.s.FedCursor(tw.ctx)
	require.NoError(t, err)
	assert.Equal(t, uint64(7), c)
	recs := pending(t, tw.s, c)
	require.NotEmpty(t, recs)
	assert.Equal(t, uint64(8), recs[0].Seq)
}

// A cursor past the log (the file restored from a copy older than its
// stream) moves the log's numbering past it: the next event takes no
// number the stream already holds.
func TestFedCursorPastTheLogMovesItsNumbering(t *testing.T) {
	tw, _ := busyTown(t)
	last, err := tw.s.FedLast(tw.ctx)
	require.NoError(t, err)
	require.NotZero(t, last)
	require.NoError(t, tw.s.SetFedCursor(tw.ctx, last))
	tw.report(t, micro011, tw.worker01.ID, "恢复前")
	require.EqualValues(t, last+1, lastEventSeq(t, tw.s), "a cursor within the log moves nothing")

	require.NoError(t, tw.s.SetFedCursor(tw.ctx, last+100))
	tw.report(t, micro011, tw.worker01.ID, "恢复后")
	assert.EqualValues(t, last+101, lastEventSeq(t, tw.s))
	recs := pending(t, tw.s, last+100)
	require.Len(t, recs, 2, "the report, then the duty snapshot the outbox logs on its first run")
	assert.EqualValues(t, last+101, recs[0].Seq)
	requireClean(t, tw.s)
}

// lastEventSeq is FedLast, required to work.
func lastEventSeq(t testing.TB, s *DB) uint64 {
	t.Helper()
	n, err := s.FedLast(context.Background())
	require.NoError(t, err)
	return n
}

// otherTown is a tiny tower of another town of the county (330784115),
// its incident ids also prefixed HJ, on the same clock.
func otherTown(t testing.TB, tw *tower) *DB {
	t.Helper()
	s := openAt(t, filepath.Join(t.TempDir(), "town2.db"), tw.clock)
	re := func(c model.NodeCode) model.NodeCode {
		if c == "" || len(c) < 9 {
			return c
		}
		return "330784115" + c[9:]
	}
	var nodes []model.Node
	for _, n := range tinyNodes() {
		n.Code, n.Parent = re(n.Code), re(n.Parent)
		n.Name = "象珠" + n.Name
		nodes = append(nodes, n)
	}
	var people []model.Person
	for _, p := range tinyPeople() {
		p.Node = re(p.Node)
		people = append(people, p)
	}
	nodes[0].Name = "象珠镇"
	_, err := s.ImportNodes(tw.ctx, nodes, model.System, "")
	require.NoError(t, err)
	got, err := s.ImportPeople(tw.ctx, people, model.System, "")
	require.NoError(t, err)
	_, err = s.Report(tw.ctx, model.Report{Node: re(micro011), Category: "traffic", Severity: model.SeverityII,
		Title: "象珠的事", Reporter: got[4].ID})
	require.NoError(t, err)
	return s
}

func TestFedTwoTownsIncidentIDsDoNotCollide(t *testing.T) {
	tw, incs := busyTown(t)
	two := otherTown(t, tw)
	hub := newHub(t, tw)
	applyAll(t, tw, hub)
	_, err := hub.FedApply(tw.ctx, pending(t, two, 0))
	require.NoError(t, err)

	// Huajie keeps its ids; Xiangzhu's first is HJ-20261129-0001 too at
	// home, and HJB-20261129-0001 here.
	a, err := hub.Incident(tw.ctx, incs[0].ID)
	require.NoError(t, err)
	assert.Equal(t, incs[0].Title, a.Title)
	b, err := hub.Incident(tw.ctx, "HJB-20261129-0001")
	require.NoError(t, err)
	assert.Equal(t, "象珠的事", b.Title)
	assert.Equal(t, model.NodeCode("330784115"), b.Node.Town())

	// The county sees both towns' open incidents; the hub's own next
	// report numbers after them.
	open, err := hub.Incidents(tw.ctx, model.IncidentFilter{Open: true})
	require.NoError(t, err)
	assert.Len(t, open, 3)
	towns, err := hub.FedTowns(tw.ctx)
	require.NoError(t, err)
	require.Len(t, towns, 2)
	assert.Equal(t, "象珠镇", towns[1].Name)
	requireClean(t, hub)
}

func TestFedTownJoinsTheCountyTowerImportedFirst(t *testing.T) {
	tw, _ := busyTown(t)
	hub := newHub(t, tw)
	// The county's list of villages came first, with its own names.
	_, err := hub.ImportNodes(tw.ctx, []model.Node{
		{Code: "330784", Level: model.LevelCounty, Name: "永康市"},
		{Code: town, Level: model.LevelTown, Name: "花街镇（县表）", Parent: "330784"},
		{Code: village, Level: model.LevelVillage, Name: "渎溪村（县表）", Parent: town},
		{Code: "330784115", Level: model.LevelTown, Name: "象珠镇", Parent: "330784"},
	}, model.System, "county list")
	require.NoError(t, err)

	applyAll(t, tw, hub)
	v, err := hub.Node(tw.ctx, village)
	require.NoError(t, err)
	assert.Equal(t, "渎溪村（县表）", v.Name, "a node the hub has stays as it is")
	county, err := hub.Subtree(tw.ctx, "330784", 1)
	require.NoError(t, err)
	require.Len(t, county, 3)
	want, err := tw.s.Subtree(tw.ctx, town, 0)
	require.NoError(t, err)
	assert.Equal(t, want[0].Counts, county[1].Counts, "the town's figures")
	assert.Equal(t, 2, county[0].Counts.Children)
	assert.Equal(t, want[0].Counts.People, county[0].Counts.People, "the county counts the town's people")
	assert.Equal(t, want[0].Counts.Open, county[0].Counts.Open)
	requireClean(t, hub)
}

func TestFedHubRefusesToActOnATownsIncident(t *testing.T) {
	tw, incs := busyTown(t)
	hub := newHub(t, tw)
	applyAll(t, tw, hub)
	_, err := hub.Act(tw.ctx, incs[0].ID, model.Command{Action: model.ActEscalate, By: model.System})
	requireCode(t, err, model.ECONFLICT)
	requireZh(t, err)
}

func TestFedWartimeOfTheTownShowsOnTheHub(t *testing.T) {
	tw, _ := busyTown(t)
	hub := newHub(t, tw)
	_, err := tw.s.Activate(tw.ctx, model.ReasonFlood, []model.NodeCode{town}, false, "", tw.duty.ID)
	require.NoError(t, err)
	applyAll(t, tw, hub)
	want, err := tw.s.WartimeStatus(tw.ctx, town)
	require.NoError(t, err)
	st, err := hub.WartimeStatus(tw.ctx, "330784")
	require.NoError(t, err)
	require.Len(t, st.Towns, 1)
	assert.True(t, st.Active.Active())
	assert.Equal(t, want.Staffed, st.Staffed)
	assert.Equal(t, want.Gaps, st.Gaps)
	assert.Equal(t, len(want.Units), len(st.Units))
	requireClean(t, hub)

	applied, err := hub.FedApplied(tw.ctx, town)
	require.NoError(t, err)
	tw.clock.Advance(time.Hour)
	_, err = tw.s.Deactivate(tw.ctx, "", tw.duty.ID)
	require.NoError(t, err)
	_, err = hub.FedApply(tw.ctx, pending(t, tw.s, applied))
	require.NoError(t, err)
	st, err = hub.WartimeStatus(tw.ctx, "330784")
	require.NoError(t, err)
	assert.Empty(t, st.Towns)
	assert.False(t, st.Last.Active())
	assert.NotZero(t, st.Last.Seq)
	requireClean(t, hub)
}

func TestFedStructureLargerThanARecordGoesInParts(t *testing.T) {
	old := fedPartBudget
	fedPartBudget = 300
	t.Cleanup(func() { fedPartBudget = old })

	tw := newTower(t) // two events: the nodes' import, the people's
	recs := pending(t, tw.s, 0)
	require.Greater(t, len(recs), 2, "markers give the parts records to ride on")
	var parts int
	for _, r := range recs {
		w, err := decodeWire(r)
		require.NoError(t, err)
		if w.Tower != nil {
			parts = w.Tower.Parts
			assert.LessOrEqual(t, len(w.Tower.Gzip), fedPartBudget)
		}
	}
	assert.Greater(t, parts, 2)
	evs, err := tw.s.Events(tw.ctx, 0, 100)
	require.NoError(t, err)
	assert.Equal(t, model.ActFedStructure, evs[0].Action)

	hub := newHub(t, tw)
	_, err = hub.FedApply(tw.ctx, recs)
	require.NoError(t, err)
	want, err := tw.s.Subtree(tw.ctx, town, 5)
	require.NoError(t, err)
	got, err := hub.Subtree(tw.ctx, town, 5)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	people, err := hub.People(tw.ctx, model.PeopleFilter{})
	require.NoError(t, err)
	assert.Len(t, people, len(tinyPeople()))
	requireClean(t, hub)
	requireClean(t, tw.s)

	// Asked again, the town writes no more markers.
	again := pending(t, tw.s, 0)
	assert.Len(t, again, len(recs))
}

func TestFedCheckFindsWhatDrifts(t *testing.T) {
	tw, _ := busyTown(t)
	hub := newHub(t, tw)
	applyAll(t, tw, hub)
	requireClean(t, hub)
	require.NoError(t, hub.db.Update(func(tx *bolt.Tx) error {
		r, _, err := getFedTown(tx, town)
		require.NoError(t, err)
		r.Applied++
		if err := putFedTown(tx, town, r); err != nil {
			return err
		}
		return tx.Bucket(bucketFedIncidents).Put(codeKey(town, 99), u64(12345))
	}))
	problems, err := hub.Check(tw.ctx)
	require.NoError(t, err)
	assert.Contains(t, problems, "fed_towns/330784114: applied seq 12, but the newest of its events the log mirrors is 11")
	assert.Contains(t, problems, "fed_incidents: 330784114/99 points at missing incident 12345")
}

func TestFedApplyFeedsTheHubsSubscribers(t *testing.T) {
	tw, incs := busyTown(t)
	hub := newHub(t, tw)
	sub := hub.Subscribe()
	defer sub.Close()
	recs := pending(t, tw.s, 0)
	_, err := hub.FedApply(tw.ctx, recs)
	require.NoError(t, err)
	select {
	case b := <-sub.C():
		assert.Len(t, b.Events, len(recs))
		require.Len(t, b.Incidents, len(incs))
		for i := range incs {
			assert.Equal(t, incs[i].ID, b.Incidents[i].ID)
			assert.Equal(t, incs[i].Status, b.Incidents[i].Status)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no batch")
	}
}

// hubOwnReport files the county's own report on a town of its own tower
// (象珠镇, imported into the hub's file).
func hubOwnReport(t *testing.T, tw *tower, hub *DB) (model.Incident, error) {
	t.Helper()
	_, err := hub.ImportNodes(tw.ctx, []model.Node{{Code: "330784115", Level: model.LevelTown, Name: "象珠镇"}}, model.System, "")
	require.NoError(t, err)
	ps, err := hub.ImportPeople(tw.ctx, []model.Person{{Name: "象珠值班", Phone: "13900000002", Node: "330784115",
		Roles: []model.Role{model.RoleDutyOfficer}}}, model.System, "")
	require.NoError(t, err)
	return hub.Report(tw.ctx, model.Report{Node: "330784115", Category: "traffic", Severity: model.SeverityIII,
		Title: "县里自己的事", Reporter: ps[0].ID})
}

// hubCountyReport is a report of the county's own at the county's node,
// by its duty officer: its id takes the file's own prefix (idPrefix).
func hubCountyReport(t *testing.T, tw *tower, hub *DB) (model.Incident, error) {
	t.Helper()
	_, err := hub.ImportNodes(tw.ctx, []model.Node{{Code: "330784", Level: model.LevelCounty, Name: "永康市"}}, model.System, "")
	require.NoError(t, err)
	ps, err := hub.ImportPeople(tw.ctx, []model.Person{{Name: "县值班", Phone: "13900000003", Node: "330784",
		Roles: []model.Role{model.RoleDutyOfficer}}}, model.System, "")
	require.NoError(t, err)
	return hub.Report(tw.ctx, model.Report{Node: "330784", Category: "traffic", Severity: model.SeverityIII,
		Title: "县里自己的事", Reporter: ps[0].ID})
}

// requireNextReportApplies files the town's next report and sees the hub
// take it, whole and clean.
func requireNextReportApplies(t *testing.T, tw *tower, hub *DB) {
	t.Helper()
	next := tw.report(t, micro011, tw.worker01.ID, "又一起")
	_, err := hub.FedApply(tw.ctx, pending(t, tw.s, 0))
	require.NoError(t, err, "the town's next report applies")
	got, err := hub.Incident(tw.ctx, next.ID)
	require.NoError(t, err)
	assert.Equal(t, "又一起", got.Title)
	requireClean(t, hub)
}

func TestFedHubsOwnReportsNumberAfterTheTowns(t *testing.T) {
	tw, incs := busyTown(t)
	hub := newHub(t, tw)
	applyAll(t, tw, hub)
	own, err := hubOwnReport(t, tw, hub)
	require.NoError(t, err)
	assert.Equal(t, "XZ-20261129-0004", own.ID, "象珠镇's own prefix in the county's file (idPrefix), after Huajie's HJ-20261129-0003")
	own, err = hubCountyReport(t, tw, hub)
	require.NoError(t, err)
	assert.Equal(t, "YK-20261129-0005", own.ID, "above the towns: the county's town_prefix")
	x, err := hub.Incident(tw.ctx, incs[2].ID)
	require.NoError(t, err)
	assert.Equal(t, incs[2].Title, x.Title)

	// Huajie's next report (HJ-20261129-0004 at home) still comes in.
	requireNextReportApplies(t, tw, hub)
}

// A county's file left on a town's prefix (the default HJ) does not give
// that prefix to a town: its own reports would number in the same days.
func TestFedHubKeepsItsOwnPrefixFromTheTowns(t *testing.T) {
	tw, incs := busyTown(t)
	hub := openHub(t, filepath.Join(t.TempDir(), "county.db"), tw, "HJ")
	applyAll(t, tw, hub)
	got, err := hub.Incident(tw.ctx, "HJB"+incs[0].ID[len("HJ"):])
	require.NoError(t, err)
	assert.Equal(t, incs[0].Title, got.Title)
	own, err := hubCountyReport(t, tw, hub)
	require.NoError(t, err)
	assert.Equal(t, "HJ-20261129-0004", own.ID)
	requireClean(t, hub)
}

// A county's file whose prefix was changed, after a town claimed it here,
// to that town's (town_prefix edited) refuses its own reports under it:
// the town's next id would be the same, and the hub would refuse the town's.
func TestFedHubsOwnReportCannotTakeATownsPrefix(t *testing.T) {
	tw, _ := busyTown(t)
	path := filepath.Join(t.TempDir(), "county.db")
	hub := openHub(t, path, tw, "YK")
	applyAll(t, tw, hub)
	require.NoError(t, hub.Close())
	hub = openHub(t, path, tw, "HJ")
	_, err := hubCountyReport(t, tw, hub)
	requireCode(t, err, model.ECONFLICT, "HJ-", "town_prefix")
	requireZh(t, err, "HJ-", "town_prefix")
	requireNextReportApplies(t, tw, hub)
}

// TestFedWireMatchesMarshal: the records FedPending writes without
// encoding/json are, byte for byte, what json.Marshal writes of the same
// fedWire (events with and without an incident, a title that needs
// escaping, wartime with its units and people, the structure).
func TestFedWireMatchesMarshal(t *testing.T) {
	tw, _ := busyTown(t)
	tw.report(t, micro011, tw.worker01.ID, `"引号" <b>&\ 换行`+"\u2028")
	_, err := tw.s.Activate(tw.ctx, model.ReasonFlood, []model.NodeCode{town}, false, "", tw.duty.ID)
	require.NoError(t, err)
	tw.clock.Advance(time.Hour)
	_, err = tw.s.Deactivate(tw.ctx, "", tw.duty.ID)
	require.NoError(t, err)
	recs := pending(t, tw.s, 0)
	var sawIncident, sawWartime, sawTower bool
	for _, r := range recs {
		w, err := decodeWire(r)
		require.NoError(t, err)
		sawIncident = sawIncident || w.Incident != nil
		sawWartime = sawWartime || len(w.Wartime) > 0
		sawTower = sawTower || w.Tower != nil
		want, err := json.Marshal(w)
		require.NoError(t, err)
		require.Equal(t, string(want), string(r.Data), "record %d", r.Seq)
	}
	require.True(t, sawIncident && sawWartime && sawTower, "the log has every kind of record")
}

// A hub's own report or sensor alert at a federated town's node is
// refused: the town's room files it, and an incident of the hub's own
// there would be moved by the hub's sweep while Act refuses it as a copy.
func TestFedHubRefusesItsOwnReportInATown(t *testing.T) {
	tw, _ := busyTown(t)
	hub := newHub(t, tw)
	applyAll(t, tw, hub)
	_, err := hubOwnReport(t, tw, hub) // the county's own officer, at a town not federated
	require.NoError(t, err)
	ps, err := hub.People(tw.ctx, model.PeopleFilter{Node: "330784115"})
	require.NoError(t, err)
	require.Len(t, ps, 1)
	_, err = hub.Report(tw.ctx, model.Report{Node: micro011, Category: "traffic", Severity: model.SeverityIII,
		Title: "县里在花街看到的事", Reporter: ps[0].ID})
	requireCode(t, err, model.ECONFLICT, string(micro011), "federated town", "own room")
	requireZh(t, err, string(micro011), "联网镇", "指挥室")
	_, err = hub.Alert(tw.ctx, model.Alert{Device: "WL-01", Kind: "water_level", Node: micro011, Text: "水位超警"})
	requireCode(t, err, model.ECONFLICT, "federated town")
	requireNextReportApplies(t, tw, hub)
}

// A town's file restored from a backup goes on numbering after the copy
// that was lost: its records at the county (an incident, a wartime, a
// person) stay as they were, and the restored file's new ones arrive
// beside them, not over them.
func TestRestoredTownNumbersAfterTheLostCopy(t *testing.T) {
	tw, _ := busyTown(t)
	hub := newHub(t, tw)
	applyAll(t, tw, hub)
	backup := filepath.Join(t.TempDir(), "backup.db")
	_, err := tw.s.BackupFile(backup)
	require.NoError(t, err)
	cursor := lastEventSeq(t, tw.s)
	require.NoError(t, tw.s.SetFedCursor(tw.ctx, cursor))

	// The copy that is lost: two reports, a wartime, a person, all at the
	// county.
	lost1 := tw.report(t, micro011, tw.worker01.ID, "备份后 1")
	lost2 := tw.report(t, micro012, tw.worker01.ID, "备份后 2")
	_, err = tw.s.Activate(tw.ctx, model.ReasonFlood, []model.NodeCode{town}, false, "", tw.duty.ID)
	require.NoError(t, err)
	_, err = tw.s.ImportPeople(tw.ctx, []model.Person{{Name: "丢失副本的人", Phone: "13900000011", Node: micro011,
		Roles: []model.Role{model.RoleContactPerson}}}, model.System, "")
	require.NoError(t, err)
	stream := pending(t, tw.s, 0)
	_, err = hub.FedApply(tw.ctx, stream)
	require.NoError(t, err)
	last := stream[len(stream)-1].Seq
	require.NoError(t, tw.s.Close())

	// The backup put back, the node's start: the stream's records after
	// the file's cursor, then the cursor at the stream's last.
	restored := openAt(t, backup, tw.clock)
	lacking, err := restored.FedNumberPast(tw.ctx, stream[cursor:])
	require.NoError(t, err)
	assert.Equal(t, model.FedLost{Incidents: []string{lost1.ID, lost2.ID}}, lacking, "the lost copy's incidents, which the county keeps; nothing clashes")
	require.NoError(t, restored.SetFedCursor(tw.ctx, last))
	again, err := restored.FedNumberPast(tw.ctx, stream[cursor:])
	require.NoError(t, err, "a second start does it again, changing nothing")
	assert.Equal(t, lacking, again)

	tw.s = restored
	after := tw.report(t, micro011, tw.worker01.ID, "恢复后 1")
	assert.Greater(t, after.Seq, lost2.Seq)
	assert.NotEqual(t, lost1.ID, after.ID)
	assert.NotEqual(t, lost2.ID, after.ID)
	tw.clock.Advance(time.Minute)
	act, err := restored.Activate(tw.ctx, model.ReasonTyphoon, []model.NodeCode{town}, false, "", tw.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, "W-0002", act.ID, "after the lost copy's W-0001")
	ps, err := restored.ImportPeople(tw.ctx, []model.Person{{Name: "恢复后的人", Phone: "13900000012", Node: micro011,
		Roles: []model.Role{model.RoleContactPerson}}}, model.System, "")
	require.NoError(t, err)
	requireClean(t, restored)

	_, err = hub.FedApply(tw.ctx, pending(t, restored, last))
	require.NoError(t, err)
	for id, title := range map[string]string{lost1.ID: "备份后 1", lost2.ID: "备份后 2", after.ID: "恢复后 1"} {
		inc, err := hub.Incident(tw.ctx, id)
		require.NoError(t, err, id)
		assert.Equal(t, title, inc.Title, id)
	}
	people, err := hub.People(tw.ctx, model.PeopleFilter{})
	require.NoError(t, err)
	names := map[string]bool{}
	for _, p := range people {
		names[p.Name] = true
	}
	assert.True(t, names["丢失副本的人"], "the lost copy's person stays at the county")
	assert.True(t, names[ps[0].Name])
	acts := activations(t, hub)
	require.Len(t, acts, 2, "the lost copy's wartime and the restored file's, apart")
	assert.Equal(t, model.ReasonFlood, acts[0].Reason)
	assert.Equal(t, act.Since, acts[0].Ended, "the lost copy's ended at the county when the town's next began")
	assert.Equal(t, model.System, acts[0].EndedBy)
	var ends []model.Event
	for _, e := range newest(t, hub, 0) {
		if e.Action == model.ActDeactivate {
			ends = append(ends, e)
		}
	}
	require.Len(t, ends, 1, "the county's log says the lost copy's wartime ended, once")
	assert.Equal(t, model.Event{Seq: ends[0].Seq, At: act.Since, Actor: model.System, ActorName: "system", Action: model.ActDeactivate,
		Node: town, Directive: acts[0].ID,
		Note: acts[0].ID + " ended after 1m00s: 花街镇 " + string(town) + "'s wartime " + acts[1].ID + " began, and " + acts[0].ID +
			"'s end was in a copy of the town's file that was lost (restored from a backup)",
		NoteZh: acts[0].ID + "，历时 1m00s：花街镇 " + string(town) + " 已启动战时 " + acts[1].ID + "，" + acts[0].ID +
			" 的结束记录在该镇丢失的数据库副本中（已从备份恢复）"}, ends[0])
	assert.Equal(t, model.ReasonTyphoon, acts[1].Reason)
	assert.True(t, acts[1].Active())
	requireClean(t, hub)
}

// activations is the file's activations in seq order.
func activations(t testing.TB, s *DB) []model.Activation {
	t.Helper()
	var acts []model.Activation
	require.NoError(t, s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketWtActivations).ForEach(func(k, _ []byte) error {
			a, err := s.getActivation(tx, getU64(k))
			acts = append(acts, a)
			return err
		})
	}))
	return acts
}

// The hub's watchdog leaves a federated town's rooms and gateways to the
// town: its wartime copied here files no silence of the hub's own there,
// and a heartbeat is not watched at the town's nodes.
func TestFedHubWatchdogLeavesTheTownsRooms(t *testing.T) {
	tw, _ := busyTown(t)
	hub, officer := countyHub(t, tw)
	_, err := tw.s.Activate(tw.ctx, model.ReasonFlood, []model.NodeCode{town}, false, "", tw.duty.ID)
	require.NoError(t, err)
	fedSync(t, tw.s, hub)
	tw.clock.Advance(3 * time.Hour)
	evs, err := hub.Sweep(tw.ctx)
	require.NoError(t, err)
	for _, e := range evs {
		assert.NotEqual(t, model.ActReport, e.Action, "the hub filed %s", e.Incident)
	}
	requireClean(t, hub)

	_, err = hub.AddHeartbeat(tw.ctx, model.Heartbeat{Name: "gw-duxi", Node: micro011, Every: time.Minute}, officer.ID)
	requireCode(t, err, model.ECONFLICT, "federated town")
	requireZh(t, err, "联网镇")
}

// A restored file used before its node started (federation off) took the
// lost copy's numbers: the node's start names its events that will not be
// sent and its incidents whose changes go over the county's copies.
func TestRestoredTownNamesWhatClashes(t *testing.T) {
	tw, _ := busyTown(t)
	backup := filepath.Join(t.TempDir(), "backup.db")
	_, err := tw.s.BackupFile(backup)
	require.NoError(t, err)
	cursor := lastEventSeq(t, tw.s)
	lost1 := tw.report(t, micro011, tw.worker01.ID, "备份后 1")
	lost2 := tw.report(t, micro012, tw.worker01.ID, "备份后 2")
	stream := pending(t, tw.s, 0)
	require.NoError(t, tw.s.Close())

	tw.s = openAt(t, backup, tw.clock)
	tw.clock.Advance(time.Minute)
	offline := tw.report(t, micro011, tw.worker01.ID, "离线 1")
	require.Equal(t, lost1.ID, offline.ID, "numbered as the lost copy's first")
	lost, err := tw.s.FedNumberPast(tw.ctx, stream[cursor:])
	require.NoError(t, err)
	assert.Equal(t, model.FedLost{Incidents: []string{lost2.ID}, Events: []uint64{cursor + 1}, Clashing: []string{offline.ID}}, lost)
	next := tw.report(t, micro011, tw.worker01.ID, "恢复后 1")
	assert.Greater(t, next.Seq, lost2.Seq)
	requireClean(t, tw.s)
}
