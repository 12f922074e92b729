package store

import (
	"context"
	"encoding/hex"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/demo"
	"gridcmd/internal/testclock"
	"gridcmd/model"
)

// The wartime tower: Huajie town with two villages, 渎溪村 (A) and 花街村
// (B), two grids each and two micro-grids per grid. The last micro-grid of
// each village's second grid has no worker (the gaps).
const (
	vA   = model.NodeCode("330784114266")
	vB   = model.NodeCode("330784114201")
	a011 = model.NodeCode("330784114266-01-01") // 15 households, on two household units
	a012 = model.NodeCode("330784114266-01-02") // 60
	a021 = model.NodeCode("330784114266-02-01") // 70
	a022 = model.NodeCode("330784114266-02-02") // 50, a gap
	b011 = model.NodeCode("330784114201-01-01") // 55
	b012 = model.NodeCode("330784114201-01-02") // 65
	b021 = model.NodeCode("330784114201-02-01") // 75
	b022 = model.NodeCode("330784114201-02-02") // 80, a gap
)

var allUnits = []model.NodeCode{b011, b012, b021, b022, a011, a012, a021, a022} // code order

func wtNodes() []model.Node {
	nodes := []model.Node{
		{Code: town, Level: model.LevelTown, Name: "花街镇"},
		{Code: vA, Level: model.LevelVillage, Name: "渎溪村", Parent: town},
		{Code: vB, Level: model.LevelVillage, Name: "花街村", Parent: town},
	}
	hh := map[model.NodeCode]int{a012: 60, a021: 70, a022: 50, b011: 55, b012: 65, b021: 75, b022: 80}
	for _, v := range []model.NodeCode{vA, vB} {
		for g := 1; g <= 2; g++ {
			grid := v.Child(g)
			nodes = append(nodes, model.Node{Code: grid, Level: model.LevelGrid, Name: "网格", Parent: v})
			for m := 1; m <= 2; m++ {
				mg := grid.Child(m)
				nodes = append(nodes, model.Node{Code: mg, Level: model.LevelMicroGrid, Name: "微网格", Parent: grid, Households: hh[mg]})
			}
		}
	}
	return append(nodes,
		model.Node{Code: a011.Child(1), Level: model.LevelHousehold, Name: "01包联组", Parent: a011, Households: 8},
		model.Node{Code: a011.Child(2), Level: model.LevelHousehold, Name: "02包联组", Parent: a011, Households: 7},
	)
}

// wtTower is an open store with the wartime tower and its people.
type wtTower struct {
	s     *DB
	path  string
	clock *testclock.Clock
	ctx   context.Context

	duty, cadre, gridWorker, contact model.Person
	workers                          map[model.NodeCode]model.Person // by micro-grid
	reserveA, reserveB, reserveA2    model.Person
}

func newWtTower(t testing.TB) *wtTower {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gridcmd.db")
	w := &wtTower{path: path, clock: newClock(), ctx: context.Background(), workers: map[model.NodeCode]model.Person{}}
	w.s = openAt(t, path, w.clock)
	_, err := w.s.ImportNodes(w.ctx, wtNodes(), model.System, "wartime tower")
	require.NoError(t, err)
	mw := func(name, phone string, node model.NodeCode, on bool) model.Person {
		return model.Person{Name: name, Phone: phone, Node: node, Roles: []model.Role{model.RoleMicroGridWorker}, OnDuty: on}
	}
	people, err := w.s.ImportPeople(w.ctx, []model.Person{
		{Name: "陈值班", Phone: "13800000001", Node: town, Roles: []model.Role{model.RoleDutyOfficer}, OnDuty: true},
		{Name: "胡村干", Phone: "13800000002", Node: vA, Roles: []model.Role{model.RoleVillageCadre}, OnDuty: true},
		{Name: "王网格员", Phone: "13800000003", Node: vA.Child(1), Roles: []model.Role{model.RoleGridWorkerFull}},
		{Name: "包联人", Phone: "13800000004", Node: a011.Child(1), Roles: []model.Role{model.RoleContactPerson}},
		mw("甲一一", "13800000011", a011, false),
		mw("甲一二", "13800000012", a012, true),
		mw("甲二一", "13800000021", a021, false),
		mw("乙一一", "13800000031", b011, false),
		mw("乙一二", "13800000032", b012, false),
		mw("乙二一", "13800000033", b021, false),
		{Name: "吴志愿", Phone: "13800000041", Node: vA.Child(2), Roles: []model.Role{model.RoleReserve}, Reserve: model.ReserveVolunteer},
		{Name: "郑积极", Phone: "13800000042", Node: vB.Child(1), Roles: []model.Role{model.RoleReserve}, Reserve: model.ReserveActivist},
		{Name: "钱热心", Phone: "13800000043", Node: vA.Child(1), Roles: []model.Role{model.RoleReserve}, Reserve: model.ReserveVillager, OnDuty: true},
	}, model.System, "wartime roster")
	require.NoError(t, err)
	w.duty, w.cadre, w.gridWorker, w.contact = people[0], people[1], people[2], people[3]
	for i, c := range []model.NodeCode{a011, a012, a021, b011, b012, b021} {
		w.workers[c] = people[4+i]
	}
	w.reserveA, w.reserveB, w.reserveA2 = people[10], people[11], people[12]
	return w
}

func (w *wtTower) activate(t testing.TB, scope ...model.NodeCode) model.Activation {
	t.Helper()
	a, err := w.s.Activate(w.ctx, model.ReasonTyphoon, scope, false, "", w.duty.ID)
	require.NoError(t, err)
	return a
}

func (w *wtTower) issue(t testing.TB, text string, to ...model.NodeCode) (model.Directive, []model.DirectiveUnit) {
	t.Helper()
	d, units, err := w.s.IssueDirective(w.ctx, text, to, 2*time.Hour, w.duty.ID, false)
	require.NoError(t, err)
	return d, units
}

func (w *wtTower) person(t testing.TB, id model.PersonID) model.Person {
	t.Helper()
	p, err := w.s.Person(w.ctx, id)
	require.NoError(t, err)
	return p
}

// sign has the unit's worker sign for directive id; progress has them
// report its progress (done out of of).
func (w *wtTower) sign(t testing.TB, id string, unit model.NodeCode) {
	t.Helper()
	_, err := w.s.SignDirective(w.ctx, id, unit, w.workers[unit].ID)
	require.NoError(t, err)
}

func (w *wtTower) progress(t testing.TB, id string, unit model.NodeCode, done, of int) {
	t.Helper()
	_, err := w.s.DirectiveProgress(w.ctx, id, unit, done, of, w.workers[unit].ID)
	require.NoError(t, err)
}

func (w *wtTower) unit(t testing.TB, id string, code model.NodeCode) model.DirectiveUnit {
	t.Helper()
	_, units, err := w.s.Directive(w.ctx, id)
	require.NoError(t, err)
	for _, u := range units {
		if u.Unit == code {
			return u
		}
	}
	t.Fatalf("%s has no unit %s", id, code)
	return model.DirectiveUnit{}
}

// newest returns the newest n events, oldest first.
func newest(t testing.TB, s *DB, n int) []model.Event {
	t.Helper()
	evs, err := s.Events(context.Background(), 0, n)
	require.NoError(t, err)
	sort.Slice(evs, func(i, j int) bool { return evs[i].Seq < evs[j].Seq })
	return evs
}

func eventCount(t testing.TB, s *DB) int {
	t.Helper()
	return len(keysIn(t, s, bucketEvents))
}

func TestActivateDeactivateRoundTrip(t *testing.T) {
	w := newWtTower(t)
	st, err := w.s.WartimeStatus(w.ctx, "")
	require.NoError(t, err)
	assert.Equal(t, model.WartimeStatus{}, st, "peacetime: nothing active, no units")

	a, err := w.s.Activate(w.ctx, model.ReasonTyphoon, []model.NodeCode{town}, false, "台风“烟花”", w.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, model.Activation{
		Seq: 1, ID: "W-0001", Reason: model.ReasonTyphoon, Scope: []model.NodeCode{town}, Note: "台风“烟花”",
		Since: t0, By: w.duty.ID, Villages: 2, MicroGrids: 8, Households: 470,
	}, a)
	ev := newest(t, w.s, 1)[0]
	assert.Equal(t, model.ActActivate, ev.Action)
	assert.Equal(t, "W-0001", ev.Directive)
	assert.Equal(t, "陈值班", ev.ActorName)
	assert.Equal(t, "W-0001: typhoon, scope 花街镇 330784114; 2 villages, 8 micro-grids (2 without a worker), 470 households", ev.Note, "the scope by its name")
	assert.Equal(t, "W-0001：防台，范围 花街镇 330784114；2 个村社、8 个微网格（2 个缺员）、470 户", ev.NoteZh)

	st, err = w.s.WartimeStatus(w.ctx, "")
	require.NoError(t, err)
	assert.Equal(t, a, st.Active)
	assert.Equal(t, 6, st.Staffed)
	assert.Equal(t, 2, st.Gaps)
	assert.Empty(t, st.Drafts)
	require.Len(t, st.Units, 8)
	byCode := map[model.NodeCode]model.UnitStatus{}
	for i, u := range st.Units {
		assert.Equal(t, allUnits[i], u.MicroGrid, "units in code order")
		byCode[u.MicroGrid] = u
	}
	assert.Equal(t, model.UnitStatus{MicroGrid: a011, Worker: w.workers[a011].ID, WorkerName: "甲一一",
		Role: model.WartimeVanguard, Households: 15}, byCode[a011], "households summed over the subtree")
	assert.Equal(t, model.UnitStatus{MicroGrid: a012, Worker: w.workers[a012].ID, WorkerName: "甲一二",
		Role: model.WartimeResponder, Households: 60}, byCode[a012])
	assert.Equal(t, model.UnitStatus{MicroGrid: a022, Role: model.WartimeResponder, Households: 50}, byCode[a022], "a gap")

	// Every worker is on duty now; the one who already was stays so.
	for _, p := range w.workers {
		assert.True(t, w.person(t, p.ID).OnDuty, p.Name)
	}
	assert.False(t, w.person(t, w.contact.ID).OnDuty, "a contact person at a household unit is not the micro-grid's worker")

	w.clock.Advance(2*time.Hour + 30*time.Minute)
	// A village's cadre does not end the town's wartime; its duty officer does.
	_, err = w.s.Deactivate(w.ctx, "", w.cadre.ID)
	requireCode(t, err, model.EFORBIDDEN, "may act only within 渎溪村 330784114266; 花街镇 330784114 is outside it")
	x, err := w.s.Deactivate(w.ctx, "", w.duty.ID)
	require.NoError(t, err)
	ended := a
	ended.Ended, ended.EndedBy = t0.Add(150*time.Minute), w.duty.ID
	assert.Equal(t, model.AfterAction{Activation: ended, Duration: 150 * time.Minute}, x)
	ev = newest(t, w.s, 1)[0]
	assert.Equal(t, model.ActDeactivate, ev.Action)
	assert.Equal(t, "W-0001", ev.Directive)
	assert.Equal(t, "W-0001 ended after 2h30m; 0 directives, 0 reserves released", ev.Note)

	// The flags are back as they were.
	for c, p := range w.workers {
		assert.Equal(t, c == a012, w.person(t, p.ID).OnDuty, p.Name)
	}
	st, err = w.s.WartimeStatus(w.ctx, "")
	require.NoError(t, err)
	assert.Equal(t, "W-0001", st.Last.ID, "the latest, ended")
	assert.False(t, st.Last.Active())
	st.Last = model.Activation{}
	assert.Equal(t, model.WartimeStatus{}, st)

	// The summary is stored: the latest, by id, and after a reopen.
	got, err := w.s.AfterAction(w.ctx, "")
	require.NoError(t, err)
	assert.Equal(t, x, got)
	w.reopen(t)
	got, err = w.s.AfterAction(w.ctx, "w-1")
	require.NoError(t, err)
	assert.Equal(t, x, got)
	require.NoError(t, w.s.view(func(tx *bolt.Tx) error {
		assert.Nil(t, tx.Bucket(bucketMeta).Get(activeKey(town)), "peacetime: no wt/active/"+town)
		return nil
	}))

	// A second activation is W-0002, over one village.
	b := w.activate(t, vB)
	assert.Equal(t, "W-0002", b.ID)
	assert.Equal(t, 1, b.Villages)
	assert.Equal(t, 4, b.MicroGrids)
	assert.Equal(t, 275, b.Households)
	assert.False(t, w.person(t, w.workers[a011].ID).OnDuty, "outside the scope")
	assert.True(t, w.person(t, w.workers[b011].ID).OnDuty)
	requireClean(t, w.s)
}

func (w *wtTower) reopen(t testing.TB) {
	t.Helper()
	require.NoError(t, w.s.Close())
	w.s = openAt(t, w.path, w.clock)
}

func TestActivateRefusals(t *testing.T) {
	w := newWtTower(t)
	before := dump(t, w.s)

	_, err := w.s.Activate(w.ctx, model.ReasonFlood, []model.NodeCode{vA, "330784114999"}, false, "", w.duty.ID)
	requireCode(t, err, model.ENOTFOUND)
	requireZh(t, err)
	assert.Contains(t, err.Error(), "330784114999")
	_, err = w.s.Activate(w.ctx, model.ReasonFlood, []model.NodeCode{vA.Child(1)}, false, "", w.duty.ID)
	requireCode(t, err, model.EINVALID)
	requireZh(t, err)
	assert.Contains(t, err.Error(), "covers a town or villages")
	_, err = w.s.Activate(w.ctx, "storm", []model.NodeCode{town}, false, "", w.duty.ID)
	requireCode(t, err, model.EINVALID)
	requireZh(t, err)
	_, err = w.s.Activate(w.ctx, model.ReasonFlood, nil, false, "", w.duty.ID)
	requireCode(t, err, model.EINVALID)
	requireZh(t, err)
	_, err = w.s.Activate(w.ctx, model.ReasonFlood, []model.NodeCode{town}, false, "", 999)
	requireCode(t, err, model.ENOTFOUND)
	requireZh(t, err)
	_, err = w.s.Deactivate(w.ctx, "", w.duty.ID)
	requireCode(t, err, model.ECONFLICT)
	requireZh(t, err)
	assert.Equal(t, "no wartime is active", err.Error())
	_, err = w.s.AfterAction(w.ctx, "")
	requireCode(t, err, model.ENOTFOUND)
	requireZh(t, err)
	assert.Equal(t, before, dump(t, w.s), "refusals change nothing")

	// A drill is recorded as a drill.
	a, err := w.s.Activate(w.ctx, model.ReasonFire, []model.NodeCode{vA, town}, true, "", w.duty.ID)
	require.NoError(t, err)
	assert.True(t, a.Drill)
	assert.Equal(t, "W-0001", a.ID)
	assert.Equal(t, []model.NodeCode{town}, a.Scope, "a village inside the town is dropped")
	assert.Contains(t, newest(t, w.s, 1)[0].Note, "fire (drill)")

	_, err = w.s.Activate(w.ctx, model.ReasonFlood, []model.NodeCode{vB}, false, "", w.duty.ID)
	requireCode(t, err, model.ECONFLICT)
	requireZh(t, err)
	assert.Contains(t, err.Error(), "W-0001 (fire) is already active")

	w.reopen(t)
	st, err := w.s.WartimeStatus(w.ctx, "")
	require.NoError(t, err)
	assert.True(t, st.Active.Drill)
	x, err := w.s.Deactivate(w.ctx, "", w.duty.ID)
	require.NoError(t, err)
	assert.True(t, x.Activation.Drill)
	_, err = w.s.Deactivate(w.ctx, "", w.duty.ID)
	requireCode(t, err, model.ECONFLICT)
	requireZh(t, err)
	_, err = w.s.AfterAction(w.ctx, "W-0007")
	requireCode(t, err, model.ENOTFOUND)
	requireZh(t, err)
	assert.Equal(t, "no wartime W-0007", err.Error())
	_, err = w.s.AfterAction(w.ctx, "X-1")
	requireCode(t, err, model.EINVALID)
	requireZh(t, err)
	requireClean(t, w.s)
}

func TestDirectiveFanOutAndDryRun(t *testing.T) {
	w := newWtTower(t)
	_, _, err := w.s.IssueDirective(w.ctx, "逐户核查", []model.NodeCode{town}, time.Hour, w.duty.ID, false)
	requireCode(t, err, model.ECONFLICT)
	assert.Contains(t, err.Error(), "no wartime is active")
	w.activate(t, vA)

	before := dump(t, w.s)
	d, units, err := w.s.IssueDirective(w.ctx, "逐户核查人员去向", []model.NodeCode{vA}, 2*time.Hour, w.duty.ID, true)
	require.NoError(t, err)
	assert.Equal(t, "D-0001", d.ID)
	assert.Equal(t, 4, d.Units)
	require.Len(t, units, 4)
	assert.Equal(t, []model.NodeCode{a011, a012, a021, a022}, []model.NodeCode{units[0].Unit, units[1].Unit, units[2].Unit, units[3].Unit})
	assert.Equal(t, before, dump(t, w.s), "a dry run stores nothing")
	_, _, err = w.s.Directive(w.ctx, "D-0001")
	requireCode(t, err, model.ENOTFOUND)
	assert.Equal(t, "no directive D-0001", err.Error())
	requireZh(t, err)

	// Refusals: outside the scope, unknown node, no micro-grid, bad input.
	for _, c := range []struct {
		to   []model.NodeCode
		text string
		dl   time.Duration
		code string
		want string
	}{
		{[]model.NodeCode{vB}, "x", time.Hour, model.ECONFLICT, "to: 花街村 330784114201 is outside the wartime scope (渎溪村 330784114266)"},
		{[]model.NodeCode{town}, "x", time.Hour, model.ECONFLICT, "to: 花街镇 330784114 is outside the wartime scope (渎溪村 330784114266)"},
		{[]model.NodeCode{"330784114266-09"}, "x", time.Hour, model.ENOTFOUND, "no node 330784114266-09"},
		{[]model.NodeCode{a011.Child(1)}, "x", time.Hour, model.EINVALID, "to: no micro-grid under 渎溪村 01-01-01 " + string(a011.Child(1))},
		{[]model.NodeCode{vA}, "  ", time.Hour, model.EINVALID, "text"},
		{[]model.NodeCode{vA}, "x", 0, model.EINVALID, "deadline"},
		{nil, "x", time.Hour, model.EINVALID, "no targets"},
		{[]model.NodeCode{"bad"}, "x", time.Hour, model.EINVALID, "node code"},
	} {
		for _, dry := range []bool{true, false} {
			_, _, err := w.s.IssueDirective(w.ctx, c.text, c.to, c.dl, w.duty.ID, dry)
			requireCode(t, err, c.code)
			assert.Contains(t, err.Error(), c.want)
			requireZh(t, err)
		}
	}
	assert.Equal(t, before, dump(t, w.s))

	w.clock.Advance(time.Minute)
	d, units, err = w.s.IssueDirective(w.ctx, "逐户核查人员去向", []model.NodeCode{vA.Child(1), vA}, 2*time.Hour, w.duty.ID, false)
	require.NoError(t, err)
	now := t0.Add(time.Minute)
	assert.Equal(t, model.Directive{Seq: 1, ID: "D-0001", Activation: 1, Text: "逐户核查人员去向", Targets: []model.NodeCode{vA},
		IssuedAt: now, SignBy: now.Add(10 * time.Minute), Deadline: now.Add(2 * time.Hour), By: w.duty.ID, Units: 4}, d)
	require.Len(t, units, 4)
	for _, u := range units {
		assert.Equal(t, model.DirectiveUnit{Directive: 1, Unit: u.Unit, SentAt: now}, u)
	}
	got, gotUnits, err := w.s.Directive(w.ctx, "d-1")
	require.NoError(t, err)
	assert.Equal(t, d, got)
	assert.Equal(t, units, gotUnits)
	evs := newest(t, w.s, 1)
	assert.Equal(t, model.ActDirective, evs[0].Action)
	assert.Equal(t, "D-0001", evs[0].Directive)
	assert.Equal(t, vA, evs[0].Node)
	village, err := w.s.Node(w.ctx, vA)
	require.NoError(t, err)
	name := village.Name
	assert.Contains(t, evs[0].NoteZh, "→ 4 个微网格（"+name+" "+string(vA)+"）", "the targets by name and code")
	assert.Contains(t, evs[0].Note, "to 4 micro-grids ("+name+" "+string(vA)+")")
	assert.Len(t, keysIn(t, w.s, bucketIdxDirDue), 4)
	assert.Len(t, keysIn(t, w.s, bucketIdxUnitDirectives), 4)

	d2, _ := w.issue(t, "清点物资", vA.Child(2))
	assert.Equal(t, 2, d2.Units)
	list, err := w.s.Directives(w.ctx, "")
	require.NoError(t, err)
	assert.Equal(t, []string{"D-0001", "D-0002"}, []string{list[0].ID, list[1].ID})
	ds, us, err := w.s.UnitDirectives(w.ctx, a021)
	require.NoError(t, err)
	require.Len(t, ds, 2)
	assert.Equal(t, a021, us[1].Unit)
	assert.Equal(t, uint64(2), us[1].Directive)
	ds, _, err = w.s.UnitDirectives(w.ctx, a011)
	require.NoError(t, err)
	assert.Len(t, ds, 1)

	// After the end, Directives still lists the latest activation's.
	_, err = w.s.Deactivate(w.ctx, "", w.duty.ID)
	require.NoError(t, err)
	list, err = w.s.Directives(w.ctx, "")
	require.NoError(t, err)
	assert.Len(t, list, 2)
	assert.Empty(t, keysIn(t, w.s, bucketIdxDirDue), "the clocks stop with wartime")
	requireClean(t, w.s)
}

func TestSignProgressComplete(t *testing.T) {
	w := newWtTower(t)
	w.activate(t, town)
	d, _ := w.issue(t, "逐户核查", vA)
	worker := w.workers[a011]

	w.clock.Advance(3 * time.Minute)
	u, err := w.s.SignDirective(w.ctx, d.ID, a011, worker.ID)
	require.NoError(t, err)
	assert.Equal(t, t0.Add(3*time.Minute), u.SignedAt)
	assert.Equal(t, worker.ID, u.SignedBy)
	ev := newest(t, w.s, 1)[0]
	assert.Equal(t, model.ActSign, ev.Action)
	assert.Equal(t, a011, ev.Node)
	assert.Equal(t, "D-0001", ev.Directive)
	assert.Equal(t, "signed for D-0001 after 3m00s", ev.Note)

	// Signing twice: the same unit back, nothing written, no second event.
	before := dump(t, w.s)
	writes := txWrites(w.s)
	w.clock.Advance(time.Minute)
	again, err := w.s.SignDirective(w.ctx, d.ID, a011, w.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, u, again)
	assert.Equal(t, before, dump(t, w.s))
	assert.Equal(t, writes, txWrites(w.s))

	// Refusals. Where the directive went is said only to one whose scope
	// covers the unit; an outsider is refused for the scope first.
	_, err = w.s.SignDirective(w.ctx, d.ID, b011, w.duty.ID)
	requireCode(t, err, model.ENOTFOUND)
	assert.Equal(t, "D-0001 was not sent to 花街村 01-01 330784114201-01-01 (it went to the 4 micro-grids under 渎溪村 330784114266)", err.Error())
	assert.Equal(t, "D-0001 未下达到 花街村 01-01 330784114201-01-01（它下达给 渎溪村 330784114266 下的 4 个微网格）", model.ErrorMessageZh(err))
	for _, progress := range []bool{false, true} {
		if progress {
			_, err = w.s.DirectiveProgress(w.ctx, d.ID, b011, 1, 2, worker.ID)
		} else {
			_, err = w.s.SignDirective(w.ctx, d.ID, b011, worker.ID)
		}
		requireCode(t, err, model.EFORBIDDEN)
		assert.NotContains(t, err.Error(), "was not sent", "progress %v", progress)
	}
	_, err = w.s.SignDirective(w.ctx, "D-0009", a011, worker.ID)
	requireCode(t, err, model.ENOTFOUND)
	assert.Equal(t, "no directive D-0009", err.Error())
	_, err = w.s.SignDirective(w.ctx, d.ID, a012, 999)
	requireCode(t, err, model.ENOTFOUND)
	_, err = w.s.SignDirective(w.ctx, "0009x", a012, worker.ID)
	requireCode(t, err, model.EINVALID)
	_, err = w.s.DirectiveProgress(w.ctx, d.ID, a012, 5, 3, w.workers[a012].ID)
	requireCode(t, err, model.EINVALID)
	assert.Equal(t, before, dump(t, w.s))

	// The system may sign (a unit reached by phone, say).
	sys, err := w.s.SignDirective(w.ctx, d.ID, a022, model.System)
	require.NoError(t, err)
	assert.Equal(t, model.System, sys.SignedBy)
	assert.True(t, sys.Signed())

	// Progress signs for it too, and done == of completes it.
	w.clock.Advance(time.Minute)
	p12 := w.workers[a012]
	u, err = w.s.DirectiveProgress(w.ctx, d.ID, a012, 20, 60, p12.ID)
	require.NoError(t, err)
	assert.Equal(t, t0.Add(5*time.Minute), u.SignedAt)
	assert.Equal(t, 20, u.Done)
	assert.False(t, u.Complete())
	assert.Equal(t, "D-0001: 20/60, signed for", newest(t, w.s, 1)[0].Note)
	assert.Equal(t, "D-0001：20/60，已签收", newest(t, w.s, 1)[0].NoteZh)
	w.clock.Advance(time.Minute)
	u, err = w.s.DirectiveProgress(w.ctx, d.ID, a012, 60, 60, p12.ID)
	require.NoError(t, err)
	assert.Equal(t, t0.Add(6*time.Minute), u.CompletedAt)
	assert.Equal(t, t0.Add(5*time.Minute), u.SignedAt, "the first signature stands")
	assert.Equal(t, "D-0001: 60/60, complete", newest(t, w.s, 1)[0].Note)
	assert.Equal(t, "D-0001：60/60，已完成", newest(t, w.s, 1)[0].NoteZh)
	_, err = w.s.DirectiveProgress(w.ctx, d.ID, a012, 50, 60, p12.ID)
	requireCode(t, err, model.ECONFLICT)

	_, units, err := w.s.Directive(w.ctx, d.ID)
	require.NoError(t, err)
	sum := model.Summarize(d, units, 3)
	assert.Equal(t, 4, sum.Units)
	assert.Equal(t, 3, sum.Signed)
	assert.Equal(t, 1, sum.Done)
	assert.Equal(t, a021, sum.Slowest[0].Unit, "the silent one first")
	assert.Len(t, keysIn(t, w.s, bucketIdxDirDue), 1, "only the silent unit still has a clock")

	// After the end no one signs or reports.
	_, err = w.s.Deactivate(w.ctx, "", w.duty.ID)
	require.NoError(t, err)
	_, err = w.s.SignDirective(w.ctx, d.ID, a021, w.workers[a021].ID)
	requireCode(t, err, model.ECONFLICT)
	assert.Contains(t, err.Error(), "belongs to wartime W-0001, which ended")
	_, err = w.s.DirectiveProgress(w.ctx, d.ID, a011, 1, 15, worker.ID)
	requireCode(t, err, model.ECONFLICT)
	_, err = w.s.SignDirective(w.ctx, d.ID, a011, worker.ID)
	require.NoError(t, err, "signing what is signed is still harmless")
	requireClean(t, w.s)
}

func TestSilentUnitsEscalate(t *testing.T) {
	w := newWtTower(t)
	w.activate(t, town)
	d, _ := w.issue(t, "逐户核查", town)
	require.Equal(t, 8, d.Units)
	w.sign(t, d.ID, a011)
	w.sign(t, d.ID, b012)

	// At SignBy: the silent units climb to their village rooms, one event
	// per village.
	evs := sweepAtDue(t, w.s, w.clock, 10*time.Minute)
	require.Len(t, evs, 2)
	for _, ev := range evs {
		assert.Equal(t, model.ActEscalate, ev.Action)
		assert.Equal(t, model.System, ev.Actor)
		assert.Equal(t, "D-0001", ev.Directive)
		assert.Equal(t, model.State{}, ev.Before)
		assert.Equal(t, model.State{Tier: model.TierVillage}, ev.After)
		assert.NotZero(t, ev.Seq)
		assert.Empty(t, ev.Incident)
	}
	assert.Equal(t, vB, evs[0].Node)
	assert.Equal(t, "D-0001: 花街村: 3 micro-grids silent → village room (01-01, 02-01, 02-02)", evs[0].Note)
	assert.Equal(t, "D-0001：花街村：3 个微网格未签收 → 村指挥室（01-01, 02-01, 02-02）", evs[0].NoteZh)
	assert.Equal(t, vA, evs[1].Node)
	assert.Equal(t, "D-0001: 渎溪村: 3 micro-grids silent → village room (01-02, 02-01, 02-02)", evs[1].Note)
	u := w.unit(t, d.ID, a012)
	assert.Equal(t, model.TierVillage, u.Escalated)
	assert.Equal(t, t0.Add(10*time.Minute), u.EscalatedAt)
	assert.Equal(t, model.Tier(""), w.unit(t, d.ID, a011).Escalated, "signed in time")

	evs = sweep(t, w.s)
	assert.Empty(t, evs, "a second sweep at the same time does nothing")

	// One signs late; the others are still silent one window on: the town.
	w.sign(t, d.ID, a012)
	w.clock.Advance(10 * time.Minute)
	evs = sweep(t, w.s)
	require.Len(t, evs, 2)
	assert.Equal(t, model.State{Tier: model.TierVillage}, evs[0].Before)
	assert.Equal(t, model.State{Tier: model.TierTown}, evs[0].After)
	assert.Equal(t, "D-0001: 花街村: 3 micro-grids silent → town room (01-01, 02-01, 02-02)", evs[0].Note)
	assert.Equal(t, "D-0001: 渎溪村: 2 micro-grids silent → town room (02-01, 02-02)", evs[1].Note)
	assert.Equal(t, model.TierVillage, w.unit(t, d.ID, a012).Escalated, "signed late: stays where it had climbed")
	assert.Equal(t, model.TierTown, w.unit(t, d.ID, a021).Escalated)
	assert.Empty(t, keysIn(t, w.s, bucketIdxDirDue), "nothing above the town room")

	w.clock.Advance(time.Hour)
	evs = sweep(t, w.s)
	assert.Empty(t, evs)

	// A unit found long silent climbs both steps in one sweep: one event.
	d2, _ := w.issue(t, "清点物资", vA.Child(2))
	w.clock.Advance(25 * time.Minute)
	evs = sweep(t, w.s)
	require.Len(t, evs, 1)
	assert.Equal(t, d2.ID, evs[0].Directive)
	assert.Equal(t, model.State{Tier: model.TierTown}, evs[0].After)
	assert.Equal(t, "D-0002: 渎溪村: 2 micro-grids silent → town room (02-01, 02-02)", evs[0].Note)

	sum := model.Summarize(d, mustUnits(t, w, d.ID), 5)
	assert.Equal(t, 6, sum.Escalated)
	requireClean(t, w.s)
}

func mustUnits(t testing.TB, w *wtTower, id string) []model.DirectiveUnit {
	t.Helper()
	_, units, err := w.s.Directive(w.ctx, id)
	require.NoError(t, err)
	return units
}

// A sweep with directives out but nothing due commits nothing.
// A long list of silent units says how many more, in both languages.
func TestListCodesSaysHowManyMore(t *testing.T) {
	codes := []string{"01-01", "01-02", "01-03", "02-01"}
	assert.Equal(t, "01-01, 01-02, 01-03, 02-01", listCodes(codes, 4, " and %d more"))
	assert.Equal(t, "01-01, 01-02 and 2 more", listCodes(codes, 2, " and %d more"))
	assert.Equal(t, "01-01, 01-02 等，另 2 个", listCodes(codes, 2, " 等，另 %d 个"))
}

func TestIdleSweepWithDirectivesDoesNotWrite(t *testing.T) {
	w := newWtTower(t)
	w.activate(t, town)
	w.issue(t, "逐户核查", town)
	writes := txWrites(w.s)
	for i := 0; i < 3; i++ {
		evs := sweep(t, w.s)
		assert.Empty(t, evs)
	}
	assert.Equal(t, writes, txWrites(w.s))
	w.clock.Advance(10 * time.Minute)
	evs := sweep(t, w.s)
	assert.Len(t, evs, 2)
}

func TestResendOnlyToSilentUnits(t *testing.T) {
	w := newWtTower(t)
	w.activate(t, town)
	d, _ := w.issue(t, "逐户核查", vA)
	w.sign(t, d.ID, a011)
	signed := w.unit(t, d.ID, a011)

	w.clock.Advance(5 * time.Minute)
	n, err := w.s.ResendDirective(w.ctx, d.ID, "", w.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	ev := newest(t, w.s, 1)[0]
	assert.Equal(t, model.ActResend, ev.Action)
	assert.Equal(t, "D-0001 resent to 3 micro-grids that have not signed", ev.Note)
	assert.Equal(t, signed, w.unit(t, d.ID, a011), "the signed unit is left alone")
	for _, c := range []model.NodeCode{a012, a021, a022} {
		u := w.unit(t, d.ID, c)
		assert.Equal(t, 1, u.Resends)
		assert.Equal(t, t0.Add(5*time.Minute), u.SentAt)
	}
	w.clock.Advance(time.Minute)
	n, err = w.s.ResendDirective(w.ctx, d.ID, "", w.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.Equal(t, 2, w.unit(t, d.ID, a022).Resends)

	// The sign-for clock still counts from the issue.
	w.clock.Advance(4 * time.Minute)
	evs := sweep(t, w.s)
	assert.Len(t, evs, 1)

	for _, c := range []model.NodeCode{a012, a021, a022} {
		_, err := w.s.SignDirective(w.ctx, d.ID, c, model.System)
		require.NoError(t, err)
	}
	count := eventCount(t, w.s)
	n, err = w.s.ResendDirective(w.ctx, d.ID, "", w.duty.ID)
	require.NoError(t, err)
	assert.Zero(t, n, "all signed: nothing to resend")
	assert.Equal(t, count, eventCount(t, w.s), "and nothing recorded")
	_, err = w.s.ResendDirective(w.ctx, "D-0002", "", w.duty.ID)
	requireCode(t, err, model.ENOTFOUND)
	requireClean(t, w.s)
}

// A village room resends to its own silent micro-grids only (within its
// node): the event names the village and sits on it; resending to them all
// is the room above's, refused to one whose scope does not hold every
// silent unit, as is a node outside its scope. Nothing is written then.
func TestResendWithinAVillage(t *testing.T) {
	w := newWtTower(t)
	w.activate(t, town)
	d, _ := w.issue(t, "逐户核查", town)
	w.sign(t, d.ID, a011)
	w.clock.Advance(5 * time.Minute)

	n, err := w.s.ResendDirective(w.ctx, d.ID, vA, w.cadre.ID)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	ev := newest(t, w.s, 1)[0]
	assert.Equal(t, model.ActResend, ev.Action)
	assert.Equal(t, vA, ev.Node, "the village's own act")
	assert.Equal(t, "D-0001 resent to 3 micro-grids of 渎溪村 330784114266 that have not signed", ev.Note)
	assert.Equal(t, "D-0001 → 渎溪村 330784114266 的 3 个未签收微网格", ev.NoteZh)
	for _, c := range allUnits {
		want := 0
		if vA.Contains(c) && c != a011 {
			want = 1
		}
		assert.Equal(t, want, w.unit(t, d.ID, c).Resends, c)
	}

	before, count := dump(t, w.s), eventCount(t, w.s)
	_, err = w.s.ResendDirective(w.ctx, d.ID, "", w.cadre.ID)
	requireCode(t, err, model.EFORBIDDEN)
	assert.Equal(t, "D-0001: 4 of its silent micro-grids lie outside 渎溪村 330784114266, where P2 (胡村干) may act: resend within it, or from the room above", err.Error())
	assert.Equal(t, "D-0001：其未签收微网格中有 4 个在 渎溪村 330784114266 以外，P2（胡村干）只能在其中操作：请在其范围内重发，或由上级指挥室重发", model.ErrorMessageZh(err))
	_, err = w.s.ResendDirective(w.ctx, d.ID, vB, w.cadre.ID)
	requireCode(t, err, model.EFORBIDDEN)
	assert.Equal(t, "within", model.ErrorField(err))
	_, err = w.s.ResendDirective(w.ctx, d.ID, vA, w.gridWorker.ID)
	requireCode(t, err, model.EFORBIDDEN) // a grid worker's scope is his grid, not the village
	_, err = w.s.ResendDirective(w.ctx, d.ID, "33078411426x", w.duty.ID)
	requireCode(t, err, model.EINVALID)
	assert.Equal(t, before, dump(t, w.s), "refusals write nothing")
	assert.Equal(t, count, eventCount(t, w.s))

	n, err = w.s.ResendDirective(w.ctx, d.ID, vA.Child(1), w.gridWorker.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "a012 alone: a011 has signed")
	assert.Equal(t, "D-0001 resent to 1 micro-grid of 渎溪村 01 330784114266-01 that has not signed", newest(t, w.s, 1)[0].Note)
	n, err = w.s.ResendDirective(w.ctx, d.ID, "", w.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, 7, n, "the town room: every silent unit")
	ev = newest(t, w.s, 1)[0]
	assert.Equal(t, "D-0001 resent to 7 micro-grids that have not signed", ev.Note)
	assert.Equal(t, town, ev.Node)
	requireClean(t, w.s)
}

func TestDraftReserve(t *testing.T) {
	w := newWtTower(t)
	_, err := w.s.DraftReserve(w.ctx, w.reserveA.ID, a022, w.duty.ID)
	requireCode(t, err, model.ECONFLICT)
	assert.Contains(t, err.Error(), "no wartime is active")

	w.activate(t, vA)
	for _, c := range []struct {
		person model.PersonID
		micro  model.NodeCode
		code   string
		want   string
	}{
		{w.gridWorker.ID, a022, model.ECONFLICT, "not in the reserve pool"},
		{w.reserveA.ID, a021, model.ECONFLICT, "渎溪村 02-01 " + string(a021) + " already has a worker"},
		{w.reserveB.ID, a022, model.ECONFLICT, "belongs to 花街村 01 330784114201-01"},
		{w.reserveB.ID, b022, model.ECONFLICT, "花街村 02-02 " + string(b022) + " is outside the wartime scope (渎溪村 330784114266)"},
		{w.reserveA.ID, vA.Child(2), model.EINVALID, "渎溪村 02 " + string(vA.Child(2)) + " is not a micro-grid"},
		{w.reserveA.ID, "330784114266-02-07", model.ENOTFOUND, "no micro-grid 330784114266-02-07"},
		{999, a022, model.ENOTFOUND, "no person P999"},
	} {
		_, err := w.s.DraftReserve(w.ctx, c.person, c.micro, w.duty.ID)
		requireCode(t, err, c.code)
		assert.Contains(t, err.Error(), c.want)
	}

	w.clock.Advance(time.Minute)
	dr, err := w.s.DraftReserve(w.ctx, w.reserveA.ID, a022, w.cadre.ID)
	require.NoError(t, err)
	assert.Equal(t, model.Draft{Activation: 1, Person: w.reserveA.ID, MicroGrid: a022, At: t0.Add(time.Minute), By: w.cadre.ID}, dr)
	ev := newest(t, w.s, 1)[0]
	assert.Equal(t, model.ActDraft, ev.Action)
	assert.Equal(t, "W-0001", ev.Directive)
	assert.Equal(t, "吴志愿 (P11, volunteer) drafted into 渎溪村 02-02 330784114266-02-02 as responder", ev.Note)
	assert.Equal(t, "吴志愿（P11，志愿者）→ 渎溪村 02-02 330784114266-02-02，任战斗员", ev.NoteZh)
	assert.True(t, w.person(t, w.reserveA.ID).OnDuty)

	st, err := w.s.WartimeStatus(w.ctx, "")
	require.NoError(t, err)
	assert.Equal(t, 4, st.Staffed)
	assert.Zero(t, st.Gaps)
	assert.Equal(t, []model.Draft{dr}, st.Drafts)
	assert.Equal(t, model.UnitStatus{MicroGrid: a022, Worker: w.reserveA.ID, WorkerName: "吴志愿", Role: model.WartimeResponder,
		Drafted: true, Households: 50}, st.Units[3])

	_, err = w.s.DraftReserve(w.ctx, w.reserveA.ID, a022, w.duty.ID)
	requireCode(t, err, model.ECONFLICT)
	_, err = w.s.DraftReserve(w.ctx, w.reserveA2.ID, a022, w.duty.ID)
	requireCode(t, err, model.ECONFLICT)
	assert.Contains(t, err.Error(), "already has a worker")

	// Released at the end; flags back as they were.
	w.clock.Advance(time.Hour)
	x, err := w.s.Deactivate(w.ctx, "", w.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, x.ReservesDrafted)
	assert.Equal(t, "W-0001 ended after 1h01m; 0 directives, 1 reserve released", newest(t, w.s, 1)[0].Note)
	assert.False(t, w.person(t, w.reserveA.ID).OnDuty)
	require.NoError(t, w.s.view(func(tx *bolt.Tx) error {
		ds, err := w.s.draftsOf(tx, 1)
		require.NoError(t, err)
		require.Len(t, ds, 1)
		assert.Equal(t, t0.Add(61*time.Minute), ds[0].Released)
		return nil
	}))

	// A reserve already on duty stays on duty after the end.
	w.activate(t, vA)
	_, err = w.s.DraftReserve(w.ctx, w.reserveA2.ID, a022, w.duty.ID)
	require.NoError(t, err)
	_, err = w.s.Deactivate(w.ctx, "", w.duty.ID)
	require.NoError(t, err)
	assert.True(t, w.person(t, w.reserveA2.ID).OnDuty)
	requireClean(t, w.s)
}

// The figures of the after-action summary, worked out by hand.
func TestAfterActionFigures(t *testing.T) {
	w := newWtTower(t)
	// Before wartime: one incident in village A (resolved during wartime).
	old := w.reportAt(t, vA.Child(1), "旧事件")
	_, err := w.s.Act(w.ctx, old.ID, model.Command{Action: model.ActAcknowledge, By: w.duty.ID})
	require.NoError(t, err)
	w.clock.Advance(time.Minute)

	w.activate(t, vA) // t0+1m
	since := t0.Add(time.Minute)
	d1, _ := w.issue(t, "逐户核查", vA) // 4 units, issued at since
	w.clock.Advance(time.Minute)
	in := w.reportAt(t, a011, "积水") // in scope: opened
	w.reportAt(t, b011, "倒树")       // village B: outside the scope
	w.clock.Advance(time.Minute)    // +2m from issue
	w.sign(t, d1.ID, a011)
	w.clock.Advance(time.Minute) // +3m
	w.progress(t, d1.ID, a012, 30, 60)
	w.progress(t, d1.ID, a011, 5, 15)
	w.progress(t, d1.ID, a011, 15, 15)
	w.clock.Advance(time.Minute) // +4m: the duty officer signs for a unit by phone
	_, err = w.s.SignDirective(w.ctx, d1.ID, a021, w.duty.ID)
	require.NoError(t, err)
	w.clock.Advance(time.Minute) // +5m: the system signs for the gap
	_, err = w.s.SignDirective(w.ctx, d1.ID, a022, model.System)
	require.NoError(t, err)
	_, err = w.s.DraftReserve(w.ctx, w.reserveA.ID, a022, w.duty.ID)
	require.NoError(t, err)

	d2, _ := w.issue(t, "清点物资", vA.Child(1)) // 2 units, issued at +5m
	w.clock.Advance(30 * time.Second)
	w.sign(t, d2.ID, a011)

	_, err = w.s.Act(w.ctx, old.ID, model.Command{Action: model.ActResolve, By: w.duty.ID})
	require.NoError(t, err)
	_, err = w.s.Act(w.ctx, in.ID, model.Command{Action: model.ActAcknowledge, By: w.duty.ID})
	require.NoError(t, err)
	_, err = w.s.Act(w.ctx, in.ID, model.Command{Action: model.ActResolve, By: w.duty.ID})
	require.NoError(t, err)

	// The running summary, as of now (not stored).
	w.clock.Advance(54*time.Minute + 30*time.Second) // an hour after activation
	running, err := w.s.AfterAction(w.ctx, "")
	require.NoError(t, err)
	assert.Empty(t, keysIn(t, w.s, bucketWtAfter))
	assert.Equal(t, time.Hour, running.Duration)

	x, err := w.s.Deactivate(w.ctx, "", w.duty.ID)
	require.NoError(t, err)
	running.Activation = x.Activation
	assert.Equal(t, x, running)

	assert.Equal(t, since, x.Activation.Since)
	assert.Equal(t, time.Hour, x.Duration)
	assert.Equal(t, 1, x.IncidentsOpened, "only the report in the scope during wartime")
	assert.Equal(t, 2, x.IncidentsResolved, "the old one and the new one, both in the scope")
	// (甲一一, D1) signs and reports twice: 1; (甲一二, D1): 1; the duty
	// officer on D1: 1; the system: 0; (甲一一, D2): 1.
	assert.Equal(t, 4, x.PersonTimes)
	assert.Equal(t, 1, x.ReservesDrafted)
	require.Len(t, x.Directives, 2)
	s1 := x.Directives[0]
	assert.Equal(t, "D-0001", s1.ID)
	assert.Equal(t, 4, s1.Units)
	assert.Equal(t, 4, s1.Signed)
	assert.Equal(t, 1, s1.Done)
	// The units' own sign-for times are 2m and 3m (the duty officer's at 4m
	// and the system's at 5m are on the units' behalf, 代签, and not
	// counted): the median is the upper middle one.
	assert.Equal(t, 2, s1.OnBehalf)
	assert.Equal(t, 3*time.Minute, s1.SignMedian)
	assert.Equal(t, 3*time.Minute, s1.SignWorst)
	assert.Equal(t, []model.VillageProgress{{Village: vA, Units: 4, Signed: 4, Done: 1}}, s1.Villages)
	require.Len(t, s1.Slowest, 4)
	assert.Equal(t, a022, s1.Slowest[0].Unit)
	s2 := x.Directives[1]
	assert.Equal(t, 2, s2.Units)
	assert.Equal(t, 1, s2.Signed)
	assert.Equal(t, 30*time.Second, s2.SignMedian)
	assert.Equal(t, a012, s2.Slowest[0].Unit, "the silent unit first")

	w.reopen(t)
	got, err := w.s.AfterAction(w.ctx, x.Activation.ID)
	require.NoError(t, err)
	assert.Equal(t, x, got, "stored as computed")
	requireClean(t, w.s)
}

func (w *wtTower) reportAt(t testing.TB, node model.NodeCode, title string) model.Incident {
	t.Helper()
	inc, err := w.s.Report(w.ctx, model.Report{Node: node, Category: "flood", Severity: model.SeverityII,
		Title: title, Reporter: w.gridWorker.ID})
	require.NoError(t, err)
	return inc
}

func TestWartimeFactorScalesNewDeadlines(t *testing.T) {
	w := newWtTower(t)
	peace := w.reportAt(t, a011, "平时")
	assert.Equal(t, t0.Add(2*time.Minute), peace.AckBy)
	assert.Equal(t, t0.Add(time.Hour), peace.DueBy)

	w.activate(t, vA)
	war := w.reportAt(t, a011, "战时")
	assert.Equal(t, t0.Add(time.Minute), war.AckBy, "the grid's 2m halved")
	assert.Equal(t, t0.Add(30*time.Minute), war.DueBy)
	stale, err := w.s.Incident(w.ctx, peace.ID)
	require.NoError(t, err)
	assert.Equal(t, peace, stale, "deadlines already given stand")

	// The sweep's auto-escalation starts the village clock halved too.
	w.clock.Advance(time.Minute)
	evs := sweep(t, w.s)
	require.Len(t, evs, 1)
	got, err := w.s.Incident(w.ctx, war.ID)
	require.NoError(t, err)
	assert.Equal(t, model.TierVillage, got.Tier)
	assert.Equal(t, t0.Add(time.Minute+150*time.Second), got.AckBy)
	// So does an operator's escalation.
	got, err = w.s.Act(w.ctx, peace.ID, model.Command{Action: model.ActEscalate, By: w.duty.ID, To: model.TierTown})
	require.NoError(t, err)
	assert.Equal(t, t0.Add(time.Minute+5*time.Minute), got.AckBy)

	_, err = w.s.Deactivate(w.ctx, "", w.duty.ID)
	require.NoError(t, err)
	after := w.reportAt(t, a011, "战后")
	assert.Equal(t, t0.Add(3*time.Minute), after.AckBy, "peacetime clocks again")
	requireClean(t, w.s)
}

// The writer's people cache must not serve a person wartime has changed.
func TestWriterCacheSeesWartimeChanges(t *testing.T) {
	w := newWtTower(t)
	worker := w.workers[a011]
	cached := func() model.Person {
		var p model.Person
		_, err := w.s.write(w.ctx, func(tx *bolt.Tx, _ time.Time) ([]model.Event, error) {
			var err error
			p, err = w.s.wc.actor(tx, worker.ID)
			return nil, err
		})
		require.NoError(t, err)
		return p
	}
	assert.False(t, cached().OnDuty) // now in the cache
	w.activate(t, vA)
	assert.True(t, cached().OnDuty)
	_, err := w.s.Deactivate(w.ctx, "", w.duty.ID)
	require.NoError(t, err)
	assert.False(t, cached().OnDuty)
}

func TestCheckFindsWartimeProblems(t *testing.T) {
	w := newWtTower(t)
	w.activate(t, town)
	d, _ := w.issue(t, "逐户核查", vA)
	requireClean(t, w.s)
	corrupt := func(fn func(tx *bolt.Tx) error) []string {
		t.Helper()
		require.NoError(t, w.s.Close())
		raw, err := bolt.Open(w.path, 0o600, &bolt.Options{Timeout: time.Second})
		require.NoError(t, err)
		require.NoError(t, raw.Update(fn))
		require.NoError(t, raw.Close())
		w.s = openAt(t, w.path, w.clock)
		problems, err := w.s.Check(w.ctx)
		require.NoError(t, err)
		return problems
	}

	problems := corrupt(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketIdxDirDue).Delete(dirDueKey(d.SignBy, d.Seq, a012)); err != nil {
			return err
		}
		return tx.Bucket(bucketIdxUnitDirectives).Put(unitDirKey(1, b011, d.Seq), []byte{})
	})
	assert.Equal(t, []string{
		"idx_dir_due: directive unit D-0001/330784114266-01-02 has no entry",
		"idx_unit_directives: stray entry " + hex.EncodeToString(unitDirKey(1, b011, d.Seq)),
	}, problems)

	problems = corrupt(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketIdxDirDue).Put(dirDueKey(d.SignBy, d.Seq, a012), []byte{}); err != nil {
			return err
		}
		if err := tx.Bucket(bucketIdxUnitDirectives).Delete(unitDirKey(1, b011, d.Seq)); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(activeKey(town), u64(7))
	})
	joined := strings.Join(problems, "\n")
	assert.Contains(t, joined, "wt_activations: W-0001 has not ended, but meta/wt/active/330784114 does not point at it")
	assert.Contains(t, joined, "meta/wt/active/330784114 points at missing activation seq 7")
	assert.Contains(t, joined, "idx_dir_due: stray entry", "no active activation: its clocks should not run")

	problems = corrupt(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketMeta).Put(activeKey(town), u64(1)); err != nil {
			return err
		}
		return tx.Bucket(bucketDirectiveUnits).Delete(seqCodeKey(d.Seq, a021))
	})
	joined = strings.Join(problems, "\n")
	assert.Contains(t, joined, "directives: D-0001 counts 4 units, directive_units holds 3")
	assert.Contains(t, joined, "idx_dir_due: stray entry")
	assert.Contains(t, joined, "idx_unit_directives: stray entry")
	assert.Len(t, problems, 3, joined)
}

// The Huajie demo: 27 villages, 232 micro-grids, 6 of them without a worker.
func TestWartimeOnHuajieDemo(t *testing.T) {
	clock := newClock()
	s := openAt(t, filepath.Join(t.TempDir(), "demo.db"), clock)
	ctx := context.Background()
	base := time.Date(2026, 11, 29, 3, 10, 0, 0, cst)
	require.NoError(t, demo.Load(ctx, s, clock.Set, 1, base))
	stats, err := s.Stats(ctx)
	require.NoError(t, err)
	people, err := s.People(ctx, model.PeopleFilter{})
	require.NoError(t, err)
	onDuty := map[model.PersonID]bool{}
	for _, p := range people {
		onDuty[p.ID] = p.OnDuty
	}
	op := demo.ID(0)

	clock.Advance(-30 * time.Minute) // 02:40, the typhoon warning
	a, err := s.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{demo.Town}, false, "", op)
	require.NoError(t, err)
	assert.Equal(t, demo.Villages, a.Villages)
	assert.Equal(t, demo.MicroGrids, a.MicroGrids)
	assert.Equal(t, stats.Households, a.Households)

	st, err := s.WartimeStatus(ctx, "")
	require.NoError(t, err)
	require.Len(t, st.Units, demo.MicroGrids)
	assert.Equal(t, demo.GapCount, st.Gaps)
	assert.Equal(t, demo.MicroGrids-demo.GapCount, st.Staffed)
	var gaps []model.NodeCode
	byID := map[model.PersonID]model.Person{}
	for _, p := range people {
		byID[p.ID] = p
	}
	households := 0
	for _, u := range st.Units {
		households += u.Households
		assert.Equal(t, model.RoleFor(u.MicroGrid, model.DefaultPolicy().RoleCycle), u.Role, u.MicroGrid)
		if u.Worker == 0 {
			gaps = append(gaps, u.MicroGrid)
			continue
		}
		p := byID[u.Worker]
		assert.Equal(t, u.MicroGrid, p.Node)
		assert.True(t, p.Has(model.RoleMicroGridWorker))
		assert.Equal(t, p.Name, u.WorkerName)
	}
	assert.Equal(t, demo.Build(1).Gaps, gaps)
	assert.Equal(t, stats.Households, households, "the demo's households all lie under micro-grids")
	roles := map[model.WartimeRole]int{}
	for _, u := range st.Units {
		roles[u.Role]++
	}
	assert.Len(t, roles, 3)

	after, err := s.People(ctx, model.PeopleFilter{Role: model.RoleMicroGridWorker})
	require.NoError(t, err)
	require.Len(t, after, demo.MicroGrids-demo.GapCount)
	was := 0
	for _, p := range after {
		assert.True(t, p.OnDuty, p.Name)
		if onDuty[p.ID] {
			was++
		}
	}
	assert.Less(t, was, len(after), "the demo has workers off duty before wartime")

	// A town-wide directive reaches every micro-grid; its dry run nothing.
	before := dump(t, s)
	_, units, err := s.IssueDirective(ctx, "逐户核查人员去向", []model.NodeCode{demo.Town}, 2*time.Hour, op, true)
	require.NoError(t, err)
	assert.Len(t, units, demo.MicroGrids)
	assert.Equal(t, before, dump(t, s))
	d, units, err := s.IssueDirective(ctx, "逐户核查人员去向", []model.NodeCode{demo.Town}, 2*time.Hour, op, false)
	require.NoError(t, err)
	assert.Equal(t, demo.MicroGrids, d.Units)
	assert.Len(t, units, demo.MicroGrids)
	assert.Len(t, keysIn(t, s, bucketDirectiveUnits), demo.MicroGrids)
	evs, err := s.Events(ctx, 0, 5)
	require.NoError(t, err)
	assert.Equal(t, model.ActDirective, evs[0].Action, "one event for the directive")
	assert.Equal(t, model.ActActivate, evs[1].Action)

	// 02:55: the silent villages climb, one event per village.
	clock.Advance(15 * time.Minute)
	evs, err = s.Sweep(ctx)
	require.NoError(t, err)
	var wt []model.Event
	for _, e := range evs {
		if e.Directive == d.ID {
			wt = append(wt, e)
		}
	}
	assert.Len(t, wt, demo.Villages, "every unit silent: one event per village")

	x, err := s.Deactivate(ctx, "", op)
	require.NoError(t, err)
	assert.Equal(t, 15*time.Minute, x.Duration)
	people2, err := s.People(ctx, model.PeopleFilter{})
	require.NoError(t, err)
	for _, p := range people2 {
		assert.Equal(t, onDuty[p.ID], p.OnDuty, "%s %s back as before", p.ID, p.Name)
	}
	requireClean(t, s)
}

func txWrites(s *DB) int64 {
	st := s.db.Stats()
	return st.TxStats.GetWrite()
}

// nodeHouseholds reads what decodeNode reads, from any record.
func TestNodeHouseholdsMatchesDecodeNode(t *testing.T) {
	k := []byte(a011)
	recs := [][]byte{
		[]byte(`{"name":"x"}`),
		[]byte(`{"name":"x","households":0}`),
		[]byte(`{"name":"x","households":7}`),
		[]byte(`{"name":"x","official":"y","households":1234,"tags":["a"]}`),
		[]byte(`{"name":"x\"households\":9","households":12}`),
		[]byte(`{"name":"households","tags":["\"households\":5"]}`),
		[]byte(`{"households": 31 ,"name":"x"}`),
		[]byte(`{"households":007,"name":"x"}`),
		[]byte(`{"households":12345678901,"name":"x"}`),
		[]byte(`{"households":3.5,"name":"x"}`),
	}
	for _, n := range []model.Node{
		{Code: a011, Name: "微网格", Households: 66},
		{Code: a011, Name: `"households":9 <&>`, Tags: []string{`"households":1`}, Households: 3},
		{Code: a011, Name: "空"},
	} {
		v, err := encodeNode(n)
		require.NoError(t, err)
		recs = append(recs, v)
	}
	for _, v := range recs {
		want, werr := decodeNode(k, v)
		got, gerr := nodeHouseholds(k, v)
		if werr != nil {
			assert.Error(t, gerr, "%s", v)
			continue
		}
		require.NoError(t, gerr, "%s", v)
		assert.Equal(t, want.Households, got, "%s", v)
	}
}

// Every way a report enters scales its clocks in wartime: a plain Report,
// a field report with an idempotency key, and an incident opened by sensor
// alerts alike.
func TestWartimeFactorOnEveryIntakePath(t *testing.T) {
	w := newWtTower(t)
	w.activate(t, town)
	r := model.Report{Node: vA.Child(1), Category: "traffic", Severity: model.SeverityII, Title: "x", Reporter: w.gridWorker.ID}
	plain, err := w.s.Report(w.ctx, r)
	require.NoError(t, err)
	keyed, dup, err := w.s.ReportOnce(w.ctx, w.gridWorker.ID, "k-1", r)
	require.NoError(t, err)
	require.False(t, dup)
	assert.Equal(t, time.Minute, plain.AckBy.Sub(plain.TierSince), "grid sign-for 2m halved")
	assert.Equal(t, plain.AckBy.Sub(plain.TierSince), keyed.AckBy.Sub(keyed.TierSince))
	assert.Equal(t, plain.DueBy.Sub(plain.TierSince), keyed.DueBy.Sub(keyed.TierSince))
}

// Ending wartime names the activation the operator saw: if another one is
// active by the time the answer comes, nothing is ended.
func TestDeactivateNamesTheActivation(t *testing.T) {
	w := newWtTower(t)
	first := w.activate(t, town)
	_, err := w.s.Deactivate(w.ctx, first.ID, w.duty.ID)
	require.NoError(t, err)
	second := w.activate(t, town)
	_, err = w.s.Deactivate(w.ctx, first.ID, w.duty.ID)
	requireCode(t, err, model.ECONFLICT)
	assert.Contains(t, err.Error(), "W-0001 is no longer active (W-0002 is")
	st, err := w.s.WartimeStatus(w.ctx, "")
	require.NoError(t, err)
	assert.Equal(t, second.ID, st.Active.ID, "still active")
	_, err = w.s.Deactivate(w.ctx, "", w.duty.ID)
	require.NoError(t, err, "no id: whichever is active")
}

// scanScope is the store's own walk of a scope (model.CoverNodes over the
// cursor allocates a code string per node, about 30,000 of them for a
// county-wide activation, and measured 8-13% slower in
// BenchmarkActivateCounty); it must count what model.CoverNodes counts.
func TestScanScopeAgreesWithModelCover(t *testing.T) {
	w := newWtTower(t)
	var nodes []model.Node
	require.NoError(t, w.s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketNodes).ForEach(func(k, v []byte) error {
			n, err := decodeNode(k, v)
			nodes = append(nodes, n)
			return err
		})
	}))
	for _, scope := range [][]model.NodeCode{{town}, {vA}, {vB}, {vB, vA}, {vA.Child(1)}} { // normalised, as an activation's
		want := model.CoverNodes(scope, slices.Values(nodes))
		var got scopeFigures
		require.NoError(t, w.s.view(func(tx *bolt.Tx) error {
			var err error
			got, err = scanScope(tx, scope)
			return err
		}))
		assert.Equal(t, want.Villages, got.villages, "%v", scope)
		assert.Equal(t, want.Households, got.households, "%v", scope)
		units := make([]model.CoveredUnit, len(got.units))
		for i, u := range got.units {
			units[i] = model.CoveredUnit{Code: u.code, Households: u.households}
		}
		assert.Equal(t, want.Units, units, "%v", scope)
	}
}

// TestPolicyAtFollowsWartimeInOneTx: in a writer transaction the towns'
// wartime is read once and remembered (activeInTx); beginning or ending it
// later in the same transaction (setActive) is what the next report's
// policy sees.
func TestPolicyAtFollowsWartimeInOneTx(t *testing.T) {
	tw := newTower(t)
	s := tw.s
	tx, err := s.db.Begin(true)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback() }()
	wb, err := writerBuckets(tx)
	require.NoError(t, err)
	s.startTx(wb)
	wartime := func() bool {
		p, err := s.policyAt(tx, micro011)
		require.NoError(t, err)
		return p.Wartime
	}
	require.False(t, wartime())
	require.NoError(t, s.setActive(tx, town, 7))
	require.True(t, wartime())
	seq, err := activeIn(tx, town)
	require.NoError(t, err)
	require.Equal(t, uint64(7), seq)
	require.NoError(t, s.setActive(tx, town, 0))
	require.False(t, wartime())
	seq, err = activeIn(tx, town)
	require.NoError(t, err)
	require.Zero(t, seq)
}

// The store refuses a signature or a progress report by someone whose
// scope does not cover the unit (model.MaySignFor), so every way in (the
// field API, the command line, the console's 代签) gets the same refusal,
// naming the person and the unit; nothing is written, even for a unit
// signed already. A reserve drafted in from another grid signs as the
// unit's worker.
func TestSignRefusesOutsideScope(t *testing.T) {
	w := newWtTower(t)
	w.activate(t, town)
	d, _ := w.issue(t, "逐户核查", vA)
	before := newest(t, w.s, 1)[0]
	other := w.workers[b011] // 花街村's
	// named is a node as the console names it, with its code.
	named := func(c model.NodeCode) string {
		return map[model.NodeCode]string{b011: "花街村 01-01", a011: "渎溪村 01-01", a011.Child(1): "渎溪村 01-01-01", a012: "渎溪村 01-02",
			"330784114201-01": "花街村 01", a022: "渎溪村 02-02"}[c] + " " + string(c)
	}
	for _, c := range []struct {
		p    model.Person
		unit model.NodeCode
	}{{other, a011}, {w.contact, a011}, {w.contact, a012}, {w.reserveB, a022}} {
		_, err := w.s.SignDirective(w.ctx, d.ID, c.unit, c.p.ID)
		require.Error(t, err, c.p.Name)
		assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err))
		assert.Equal(t, c.p.ID.String()+" ("+c.p.Name+") may act only within "+named(c.p.Node)+"; "+named(c.unit)+" is outside it", model.ErrorMessage(err))
		assert.Equal(t, c.p.ID.String()+"（"+c.p.Name+"）只能在 "+named(c.p.Node)+" 内操作；"+named(c.unit)+" 不在其中", model.ErrorMessageZh(err))
		_, err = w.s.DirectiveProgress(w.ctx, d.ID, c.unit, 1, 10, c.p.ID)
		assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err), c.p.Name)
		_, err = w.s.DirectiveProgressNote(w.ctx, d.ID, c.unit, 1, 10, c.p.ID, "代报")
		assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err), c.p.Name)
	}
	assert.Equal(t, before, newest(t, w.s, 1)[0], "nothing written")
	for _, u := range []model.NodeCode{a011, a012, a022} {
		assert.False(t, w.unit(t, d.ID, u).Signed(), u)
	}

	_, err := w.s.SignDirective(w.ctx, d.ID, a011, w.workers[a011].ID)
	require.NoError(t, err)
	_, err = w.s.SignDirective(w.ctx, d.ID, a011, other.ID)
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err), "signed already: still refused, not the copy")

	_, err = w.s.DraftReserve(w.ctx, w.reserveA2.ID, a022, w.duty.ID) // from 渎溪村 01 into 02-02
	require.NoError(t, err)
	u, err := w.s.SignDirective(w.ctx, d.ID, a022, w.reserveA2.ID)
	require.NoError(t, err, "the drafted reserve is the unit's worker")
	assert.False(t, u.OnBehalf)
	u, err = w.s.DirectiveProgress(w.ctx, d.ID, a012, 5, 60, w.cadre.ID) // the village room
	require.NoError(t, err)
	assert.True(t, u.OnBehalf)
	u, err = w.s.SignDirective(w.ctx, d.ID, a021, w.duty.ID) // the town
	require.NoError(t, err)
	assert.True(t, u.OnBehalf)
}

// Starting a wartime, ending one, and issuing a directive need a scope that
// holds every node they reach (model.MayCommand), on every path: a
// micro-grid's worker starts none, a village's cadre starts and ends its
// own village's and issues to its own, not the town's or a neighbour's;
// the town's duty officer does all; a refusal writes nothing.
func TestWartimeCommandsNeedTheScope(t *testing.T) {
	w := newWtTower(t)
	worker := w.workers[a011]
	_, err := w.s.Activate(w.ctx, model.ReasonFlood, []model.NodeCode{town}, false, "", worker.ID)
	requireCode(t, err, model.EFORBIDDEN, "may act only within 渎溪村 01-01 "+string(a011))
	assert.Equal(t, "scope", model.ErrorField(err))
	_, err = w.s.Activate(w.ctx, model.ReasonFlood, []model.NodeCode{vA, vB}, false, "", w.cadre.ID)
	requireCode(t, err, model.EFORBIDDEN, string(vB)+" is outside it")
	st, err := w.s.WartimeStatus(w.ctx, "")
	require.NoError(t, err)
	assert.False(t, st.Active.Active(), "nothing written")

	a, err := w.s.Activate(w.ctx, model.ReasonFlood, []model.NodeCode{vA}, false, "", w.cadre.ID)
	require.NoError(t, err, "a village's cadre, its own village")
	_, _, err = w.s.IssueDirective(w.ctx, "逐户核查", []model.NodeCode{vB}, time.Hour, w.cadre.ID, true)
	requireCode(t, err, model.EFORBIDDEN, string(vB)+" is outside it")
	assert.Equal(t, "to", model.ErrorField(err))
	_, _, err = w.s.IssueDirective(w.ctx, "逐户核查", []model.NodeCode{vA}, time.Hour, worker.ID, false)
	requireCode(t, err, model.EFORBIDDEN, "may act only within 渎溪村 01-01 "+string(a011))
	_, _, err = w.s.IssueDirective(w.ctx, "逐户核查", []model.NodeCode{vA}, time.Hour, w.cadre.ID, false)
	require.NoError(t, err)
	_, err = w.s.Deactivate(w.ctx, a.ID, w.gridWorker.ID)
	requireCode(t, err, model.EFORBIDDEN, string(vA)+" is outside it")
	_, err = w.s.Deactivate(w.ctx, a.ID, w.cadre.ID)
	require.NoError(t, err, "its own village's")

	a, err = w.s.Activate(w.ctx, model.ReasonFlood, []model.NodeCode{town}, false, "", w.duty.ID)
	require.NoError(t, err)
	_, err = w.s.Deactivate(w.ctx, a.ID, w.cadre.ID)
	requireCode(t, err, model.EFORBIDDEN, string(town)+" is outside it")
	_, err = w.s.Deactivate(w.ctx, a.ID, w.duty.ID)
	require.NoError(t, err)
}

// TestWartimeRefusalsNameTheNodes: the store's own wartime refusals name
// the nodes as the console does, name with code: a county with no town
// under it, a reserve drafted out of the micro-grid they serve.
func TestWartimeRefusalsNameTheNodes(t *testing.T) {
	w := newWtTower(t)
	a023 := vA.Child(2).Child(3)
	_, err := w.s.ImportNodes(w.ctx, []model.Node{{Code: "330727", Level: model.LevelCounty, Name: "磐安县"},
		{Code: a023, Level: model.LevelMicroGrid, Name: "微网格", Parent: vA.Child(2), Households: 20}}, model.System, "")
	require.NoError(t, err)
	_, err = w.s.ActivateTowns(w.ctx, model.ReasonTyphoon, []model.NodeCode{"330727"}, false, "", w.duty.ID)
	requireCode(t, err, model.ENOTFOUND, "scope: no town under 磐安县 330727")
	assert.Equal(t, "范围：磐安县 330727 下没有镇", model.ErrorMessageZh(err))

	both, err := w.s.ImportPeople(w.ctx, []model.Person{{Name: "两用人", Phone: "13800000051", Node: a022,
		Roles: []model.Role{model.RoleMicroGridWorker, model.RoleReserve}, Reserve: model.ReserveVolunteer}}, model.System, "")
	require.NoError(t, err)
	w.activate(t, vA)
	_, err = w.s.DraftReserve(w.ctx, both[0].ID, a023, w.duty.ID)
	requireCode(t, err, model.ECONFLICT, "already serves micro-grid 渎溪村 02-02 "+string(a022))
	assert.Contains(t, model.ErrorMessageZh(err), "已在微网格 渎溪村 02-02 "+string(a022)+" 值守")
}

// WartimeUnit is the one unit as WartimeStatus lists it, with the live
// activation's seq: the households counted at activation (not the tower's
// since), a drafted reserve, a unit the widening took in; zero and 0 at
// peace, outside the wartime's reach and once it ends.
func TestWartimeUnitIsTheStatusUnit(t *testing.T) {
	w := newWtTower(t)
	same := func(why string) {
		t.Helper()
		st, err := w.s.WartimeStatus(w.ctx, town)
		require.NoError(t, err)
		listed := map[model.NodeCode]model.UnitStatus{}
		for _, u := range st.Units {
			listed[u.MicroGrid] = u
		}
		for _, code := range allUnits {
			u, seq, err := w.s.WartimeUnit(w.ctx, code)
			require.NoError(t, err)
			want, in := listed[code]
			assert.Equal(t, want, u, "%s: %s", why, code)
			if in {
				assert.Equal(t, st.Active.Seq, seq, "%s: %s", why, code)
			} else {
				assert.Zero(t, seq, "%s: %s", why, code)
			}
		}
	}
	same("peacetime")
	w.activate(t, vB)
	same("花街村 in wartime, 渎溪村 not reached")
	u, seq, err := w.s.WartimeUnit(w.ctx, b011)
	require.NoError(t, err)
	assert.Equal(t, model.UnitStatus{MicroGrid: b011, Worker: w.workers[b011].ID, WorkerName: "乙一一", Role: u.Role, Households: 55}, u)
	assert.Equal(t, uint64(1), seq)

	_, err = w.s.ImportNodes(w.ctx, []model.Node{{Code: b011.Child(1), Level: model.LevelHousehold, Name: "01包联组", Parent: b011, Households: 9}},
		model.System, "later")
	require.NoError(t, err)
	u, _, err = w.s.WartimeUnit(w.ctx, b011)
	require.NoError(t, err)
	assert.Equal(t, 55, u.Households, "the households the activation counted, as progress caps of at")
	same("the tower grew after activation")

	_, err = w.s.DraftReserve(w.ctx, w.reserveB.ID, b022, w.duty.ID)
	require.NoError(t, err)
	same("a reserve drafted into the gap")
	_, err = w.s.Widen(w.ctx, "", []model.NodeCode{town}, w.duty.ID)
	require.NoError(t, err)
	same("widened over the town")
	_, err = w.s.Deactivate(w.ctx, "", w.duty.ID)
	require.NoError(t, err)
	same("ended")
	u, seq, err = w.s.WartimeUnit(w.ctx, a011)
	require.NoError(t, err)
	assert.Equal(t, model.UnitStatus{}, u)
	assert.Zero(t, seq)
}
