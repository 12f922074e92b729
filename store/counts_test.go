package store

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// schemaBefore is the schema of a file that the migration m has not run on
// yet: its index in migrations (found by the function itself, so that
// renumbering at a merge changes nothing here).
func schemaBefore(t testing.TB, m func(*bolt.Tx) error) uint64 {
	t.Helper()
	for i, x := range migrations {
		if reflect.ValueOf(x).Pointer() == reflect.ValueOf(m).Pointer() {
			return uint64(i)
		}
	}
	t.Fatal("no such migration")
	return 0
}

// storedCounts reads every node_counts entry.
func storedCounts(t testing.TB, s *DB) map[model.NodeCode]model.Counts {
	t.Helper()
	out := map[model.NodeCode]model.Counts{}
	require.NoError(t, s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketNodeCounts).ForEach(func(k, v []byte) error {
			c, err := decodeCounts(k, v)
			out[model.NodeCode(k)] = c
			return err
		})
	}))
	return out
}

// recountOf is model.RecountTower over everything the file holds.
func recountOf(t testing.TB, s *DB) map[model.NodeCode]model.Counts {
	t.Helper()
	ctx := t.Context()
	nodes, err := s.Nodes(ctx, "")
	require.NoError(t, err)
	people, err := s.People(ctx, model.PeopleFilter{})
	require.NoError(t, err)
	incs, err := s.Incidents(ctx, model.IncidentFilter{})
	require.NoError(t, err)
	return model.RecountTower(nodes, people, incs)
}

// TestCountsFollowEveryChange: the counters equal a recount after each
// kind of change (nodes, people, reports, escalations, resolving,
// reopening, closing), also when a group commit carries several changes
// to the same nodes, and check finds them sound.
func TestCountsFollowEveryChange(t *testing.T) {
	tw := newTower(t)
	want := func(what string) {
		t.Helper()
		require.Equal(t, recountOf(t, tw.s), storedCounts(t, tw.s), what)
		requireClean(t, tw.s)
	}
	want("the tiny tower and roster")
	c := storedCounts(t, tw.s)
	assert.Equal(t, model.Counts{Children: 1, Households: 267, People: 8, Staff: 4, Villages: 1, MicroGrids: 4}, c[town])
	assert.Equal(t, model.Counts{Children: 2, Households: 132, People: 3, Staff: 3, MicroGrids: 2}, c[grid01])
	assert.Equal(t, model.Counts{Households: 60, MicroGrids: 1}, c[micro011])

	a := tw.report(t, micro011, tw.worker01.ID, "a")
	b := tw.report(t, village, tw.cadre.ID, "b")
	want("two reports")
	c = storedCounts(t, tw.s)
	assert.Equal(t, [model.TierCount]int{1, 1, 0, 0}, c[town].Open)
	assert.Equal(t, [model.TierCount]int{1, 0, 0, 0}, c[grid01].Open)

	_, err := tw.s.Act(tw.ctx, a.ID, model.Command{Action: model.ActEscalate, By: tw.duty.ID, To: model.TierTown})
	require.NoError(t, err)
	want("an escalation moves the count to the town tier")
	assert.Equal(t, [model.TierCount]int{0, 1, 1, 0}, storedCounts(t, tw.s)[village].Open)

	for _, act := range []model.Action{model.ActAcknowledge, model.ActResolve} {
		_, err = tw.s.Act(tw.ctx, b.ID, model.Command{Action: act, By: tw.duty.ID})
		require.NoError(t, err)
	}
	want("resolved: no longer open")
	_, err = tw.s.Act(tw.ctx, b.ID, model.Command{Action: model.ActReopen, By: tw.duty.ID, Note: "又有人反映"})
	require.NoError(t, err)
	want("reopened")
	for _, act := range []model.Action{model.ActAcknowledge, model.ActResolve, model.ActClose} {
		_, err = tw.s.Act(tw.ctx, b.ID, model.Command{Action: act, By: tw.duty.ID, Note: "已回访"})
		require.NoError(t, err)
	}
	want("closed")

	// Many writers at once: group commits with several reports on the
	// same nodes.
	done := make(chan error, 40)
	for i := range 40 {
		go func() {
			_, err := tw.s.Report(tw.ctx, model.Report{Node: []model.NodeCode{micro012, micro021, grid10}[i%3],
				Category: "traffic", Severity: model.SeverityIII, Title: fmt.Sprint("r", i), Reporter: tw.duty.ID})
			done <- err
		}()
	}
	for range 40 {
		require.NoError(t, <-done)
	}
	want("forty reports from concurrent writers")

	// The clock: reports not signed for climb by themselves.
	tw.clock.Advance(time.Hour)
	evs := sweep(t, tw.s)
	require.NotEmpty(t, evs)
	want("the sweep's escalations")

	// More nodes and people under what is there.
	_, err = tw.s.ImportNodes(tw.ctx, []model.Node{
		{Code: "330784114266-03", Level: model.LevelGrid, Name: "03网格", Parent: village},
		{Code: "330784114266-03-01", Level: model.LevelMicroGrid, Name: "01微网格", Parent: "330784114266-03", Households: 9},
		{Code: "330784", Level: model.LevelCounty, Name: "永康市"},
	}, model.System, "")
	require.NoError(t, err)
	_, err = tw.s.ImportPeople(tw.ctx, []model.Person{{Name: "新微网格", Phone: "13800000099", Node: "330784114266-03-01",
		Roles: []model.Role{model.RoleMicroGridWorker}}}, model.System, "")
	require.NoError(t, err)
	want("a new grid, a county above the town, a new worker")
	c = storedCounts(t, tw.s)
	assert.Equal(t, 1, c["330784"].Children, "the town, stored before its county, is its child")
	assert.Equal(t, c[town].Households, c["330784"].Households)
	assert.Equal(t, 4, c[village].Children)
}

// TestCountsMigration: a file written before the counters (schema 5)
// gets them on opening, equal to a recount, and check verifies them; a
// counter set wrong is reported by check, naming the node and both
// figures.
func TestCountsMigration(t *testing.T) {
	tw := newTower(t)
	tw.report(t, micro011, tw.worker01.ID, "a")
	inc := tw.report(t, grid02, tw.leader02.ID, "b")
	_, err := tw.s.Act(tw.ctx, inc.ID, model.Command{Action: model.ActEscalate, By: tw.leader02.ID})
	require.NoError(t, err)
	want := storedCounts(t, tw.s)
	require.NoError(t, tw.s.Close())

	// Make it a file of the schema before: no node_counts.
	raw, err := bolt.Open(tw.path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, raw.Update(func(tx *bolt.Tx) error {
		require.NoError(t, tx.DeleteBucket(bucketNodeCounts))
		return tx.Bucket(bucketMeta).Put(metaSchema, u64(schemaBefore(t, migrateCounts9)))
	}))
	require.NoError(t, raw.Close())

	s := openAt(t, tw.path, tw.clock)
	assert.Equal(t, want, storedCounts(t, s))
	assert.Equal(t, recountOf(t, s), storedCounts(t, s))
	requireClean(t, s)

	// A counter out of step is a problem check names.
	require.NoError(t, s.db.Update(func(tx *bolt.Tx) error {
		c := want[village]
		c.Staff++
		return tx.Bucket(bucketNodeCounts).Put([]byte(village), encodeCounts(c))
	}))
	problems, err := s.Check(tw.ctx)
	require.NoError(t, err)
	require.Len(t, problems, 1)
	assert.Contains(t, problems[0], "node_counts: 330784114266 holds children 3, households 267, people 7, staff 5")
	assert.Contains(t, problems[0], "a recount gives children 3, households 267, people 7, staff 4")
	require.NoError(t, s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketNodeCounts).Delete([]byte(grid10))
	}))
	problems, err = s.Check(tw.ctx)
	require.NoError(t, err)
	assert.Contains(t, problems, "node_counts: 330784114266-10 has no entry")
}

func TestCountsEncoding(t *testing.T) {
	for _, c := range []model.Counts{{}, {Households: 8}, {Children: 14, Households: 15000, People: 1261, Staff: 1035,
		Villages: 27, MicroGrids: 232, Open: [model.TierCount]int{6, 5, 7, 4}}, {Open: [model.TierCount]int{0, 0, 0, 1}}} {
		got, err := decodeCounts([]byte("x"), encodeCounts(c))
		require.NoError(t, err)
		assert.Equal(t, c, got)
	}
	assert.Equal(t, []byte{countsVersion, 0, 16}, encodeCounts(model.Counts{Households: 8}), "trailing zeros left out")
	for _, bad := range [][]byte{nil, {2}, {countsVersion, 0x80}, append(encodeCounts(model.Counts{Open: [4]int{0, 0, 0, 1}}), 0)} {
		_, err := decodeCounts([]byte("x"), bad)
		assert.Error(t, err, "%x", bad)
	}
}

// TestSubtree: a node and its children to a depth, with their counters,
// read by seeking past each child's subtree; "" is every root.
func TestSubtree(t *testing.T) {
	tw := newTower(t)
	got, err := tw.s.Subtree(tw.ctx, village, 1)
	require.NoError(t, err)
	var codes []model.NodeCode
	for _, n := range got {
		codes = append(codes, n.Code)
	}
	assert.Equal(t, []model.NodeCode{village, grid01, grid02, grid10}, codes)
	assert.Equal(t, 2, got[1].Counts.Children)
	assert.Equal(t, 132, got[1].Counts.Households)

	got, err = tw.s.Subtree(tw.ctx, "", 1)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, town, got[0].Code)
	assert.Equal(t, 267, got[0].Counts.Households)

	got, err = tw.s.Subtree(tw.ctx, grid01, 0)
	require.NoError(t, err)
	require.Len(t, got, 1)
	got, err = tw.s.Subtree(tw.ctx, town, 9)
	require.NoError(t, err)
	assert.Len(t, got, len(tinyNodes()))

	_, err = tw.s.Subtree(tw.ctx, "330784114267", 1)
	requireCode(t, err, model.ENOTFOUND)
	_, err = tw.s.Subtree(tw.ctx, "33078411426", 1)
	requireCode(t, err, model.EINVALID)
	_, err = tw.s.Subtree(tw.ctx, town, -1)
	requireCode(t, err, model.EINVALID)
}

// TestNodeRecordJSONMatchesEncodingJSON: the hand-written encoder of node
// records writes what encoding/json writes.
func TestNodeRecordJSONMatchesEncodingJSON(t *testing.T) {
	for _, n := range append(tinyNodes(),
		model.Node{Code: "33", Name: "浙江省"},
		model.Node{Code: town, Name: `a "quoted" <b> & \ name`, Official: "x\u2028y", Tags: []string{"社区", "<x>"}},
		model.Node{Code: village, Name: "n", Households: -3, Tags: []string{}},
	) {
		got, err := encodeNode(n)
		require.NoError(t, err)
		var tags []string
		if len(n.Tags) > 0 {
			tags = n.Tags
		}
		want, err := json.Marshal(nodeRecord{Name: n.Name, Official: n.Official, Households: n.Households, Tags: tags})
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
	}
}
