package store

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// openWithin runs Open and fails the test if it has not returned in limit:
// a guard against a hang, not a timing assertion.
func openWithin(t *testing.T, path string, opts Options, limit time.Duration) (*DB, error) {
	t.Helper()
	type got struct {
		s   *DB
		err error
	}
	ch := make(chan got, 1)
	go func() {
		s, err := Open(path, opts)
		ch <- got{s, err}
	}()
	select {
	case g := <-ch:
		return g.s, g.err
	case <-time.After(limit):
		t.Fatalf("Open(%s) still waiting after %s", path, limit)
		return nil, nil
	}
}

func TestOpenTwiceInOneProcessFails(t *testing.T) {
	tw := newTower(t)
	s2, err := openWithin(t, tw.path, testOptions(tw.clock), 10*time.Second)
	require.Nil(t, s2)
	requireCode(t, err, model.EUNAVAIL)
	want := fmt.Sprintf("database %s is in use by another gridcmd (pid %d?)", tw.path, os.Getpid())
	assert.Equal(t, want, model.ErrorMessage(err))
	assert.NotContains(t, err.Error(), "\n")

	// The first handle is untouched and the pid file goes with it.
	tw.report(t, micro021, tw.worker01.ID, "after the refused open")
	require.NoError(t, tw.s.Close())
	_, statErr := os.Stat(tw.path + ".pid")
	assert.True(t, os.IsNotExist(statErr), "pid file left behind")
	s3, err := Open(tw.path, testOptions(tw.clock))
	require.NoError(t, err)
	require.NoError(t, s3.Close())
}

func TestOpenHeldByAnotherProcessFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gridcmd.db")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), holdEnv+"="+path)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	defer func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "ready\n", line)

	_, err = openWithin(t, path, Options{Timeout: 200 * time.Millisecond}, 10*time.Second)
	requireCode(t, err, model.EUNAVAIL)
	assert.Equal(t, fmt.Sprintf("database %s is in use by another gridcmd (pid %d?)", path, cmd.Process.Pid),
		model.ErrorMessage(err))

	// Once the other process lets go, the file opens.
	require.NoError(t, stdin.Close())
	require.NoError(t, cmd.Wait())
	s, err := Open(path, Options{Timeout: 200 * time.Millisecond})
	require.NoError(t, err)
	require.NoError(t, s.Close())
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "future.db")
	raw, err := bolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, raw.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket(bucketMeta)
		if err != nil {
			return err
		}
		return b.Put(metaSchema, u64(schemaVersion()+7))
	}))
	require.NoError(t, raw.Close())
	before, err := os.ReadFile(path)
	require.NoError(t, err)

	_, err = Open(path, testOptions(newClock()))
	requireCode(t, err, model.EUNAVAIL)
	assert.Equal(t, fmt.Sprintf("database %s was written by a newer gridcmd (schema %d, this binary knows %d)",
		path, schemaVersion()+7, schemaVersion()), model.ErrorMessage(err))
	requireZh(t, err)
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(before, after), "a refused file must not be written")
	_, err = os.Stat(path + ".pid")
	assert.True(t, os.IsNotExist(err))
}

func TestOpenRefusesForeignFiles(t *testing.T) {
	dir := t.TempDir()
	other := filepath.Join(dir, "other.db")
	raw, err := bolt.Open(other, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, raw.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucket([]byte("widgets"))
		return err
	}))
	require.NoError(t, raw.Close())
	_, err = Open(other, testOptions(newClock()))
	requireCode(t, err, model.EINVALID)
	assert.Contains(t, err.Error(), "not a gridcmd database")
	requireZh(t, err)

	junk := filepath.Join(dir, "junk.db")
	require.NoError(t, os.WriteFile(junk, bytes.Repeat([]byte("not bbolt "), 2000), 0o600))
	_, err = Open(junk, testOptions(newClock()))
	requireCode(t, err, model.EINVALID)
	requireZh(t, err)
}

func TestMigrateFromBlankFile(t *testing.T) {
	// Schema 0: a bbolt file with nothing in it.
	path := filepath.Join(t.TempDir(), "blank.db")
	raw, err := bolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, raw.Close())

	s := openAt(t, path, newClock())
	require.NoError(t, s.db.View(func(tx *bolt.Tx) error {
		v, err := fileSchema(tx)
		require.NoError(t, err)
		assert.Equal(t, schemaVersion(), v)
		for _, name := range allBuckets {
			assert.NotNil(t, tx.Bucket(name), "bucket %s", name)
		}
		return nil
	}))
	requireClean(t, s)
}

func TestMigrateRunsOnlyMissingStepsInOneTransaction(t *testing.T) {
	tw := newTower(t)
	inc := tw.report(t, micro021, tw.worker01.ID, "before the upgrade")
	require.NoError(t, tw.s.Close())
	v1 := schemaVersion()

	// A newer binary: one more migration, which this file lacks.
	saved := migrations
	t.Cleanup(func() { migrations = saved })
	ran := 0
	migrations = append(append([]func(*bolt.Tx) error(nil), saved...), func(tx *bolt.Tx) error {
		ran++
		b, err := tx.CreateBucket([]byte("test_v2"))
		if err != nil {
			return err
		}
		return b.Put([]byte("marker"), []byte("ok"))
	})

	s := openAt(t, tw.path, tw.clock)
	assert.Equal(t, 1, ran, "only the missing migration runs")
	require.NoError(t, s.db.View(func(tx *bolt.Tx) error {
		v, _ := fileSchema(tx)
		assert.Equal(t, v1+1, v)
		assert.Equal(t, "ok", string(tx.Bucket([]byte("test_v2")).Get([]byte("marker"))))
		return nil
	}))
	got, err := s.Incident(tw.ctx, inc.ID)
	require.NoError(t, err)
	assert.Equal(t, inc, got)
	require.NoError(t, s.Close())

	// Reopening runs nothing more.
	s = openAt(t, tw.path, tw.clock)
	assert.Equal(t, 1, ran)
	require.NoError(t, s.Close())
}

func TestFailedMigrationLeavesTheFileAsItWas(t *testing.T) {
	tw := newTower(t)
	require.NoError(t, tw.s.Close())
	raw, err := bolt.Open(tw.path, 0o600, nil)
	require.NoError(t, err)
	before := dump(t, &DB{db: raw})
	require.NoError(t, raw.Close())

	saved := migrations
	t.Cleanup(func() { migrations = saved })
	migrations = append(append([]func(*bolt.Tx) error(nil), saved...),
		func(tx *bolt.Tx) error {
			if _, err := tx.CreateBucket([]byte("half_done")); err != nil {
				return err
			}
			return fmt.Errorf("disk on fire")
		})
	_, err = Open(tw.path, testOptions(tw.clock))
	require.Error(t, err)
	assert.Contains(t, err.Error(), fmt.Sprintf("migrating to schema %d", len(saved)+1))

	raw, err = bolt.Open(tw.path, 0o600, nil)
	require.NoError(t, err)
	assert.Equal(t, before, dump(t, &DB{db: raw}))
	require.NoError(t, raw.Close())
}

func TestReopenKeepsEverything(t *testing.T) {
	tw := newTower(t)
	a := tw.report(t, micro021, tw.worker01.ID, "330国道货物散落")
	b := tw.report(t, grid01, tw.leader01.ID, "河道垃圾")
	tw.clock.Advance(30 * time.Second)
	_, err := tw.s.Act(tw.ctx, a.ID, model.Command{Action: model.ActAcknowledge, By: tw.leader02.ID})
	require.NoError(t, err)

	snapshot := func() (nodes []model.Node, people []model.Person, incs []model.Incident, evs []model.Event, st model.Stats) {
		var err error
		nodes, err = tw.s.Nodes(tw.ctx, "")
		require.NoError(t, err)
		people, err = tw.s.People(tw.ctx, model.PeopleFilter{})
		require.NoError(t, err)
		incs, err = tw.s.Incidents(tw.ctx, model.IncidentFilter{})
		require.NoError(t, err)
		evs, err = tw.s.Events(tw.ctx, 0, 1000)
		require.NoError(t, err)
		st, err = tw.s.Stats(tw.ctx)
		require.NoError(t, err)
		return
	}
	n1, p1, i1, e1, s1 := snapshot()
	raw1 := dump(t, tw.s)
	tw.reopen(t)
	n2, p2, i2, e2, s2 := snapshot()
	assert.Equal(t, n1, n2)
	assert.Equal(t, p1, p2)
	assert.Equal(t, i1, i2)
	assert.Equal(t, e1, e2)
	assert.Equal(t, s1, s2)
	assert.Equal(t, raw1, dump(t, tw.s))
	require.Len(t, i2, 2)
	assert.Equal(t, model.StatusAcknowledged, i2[0].Status)

	// Numbering goes on where it stopped.
	c := tw.report(t, micro101, tw.worker01.ID, "after reopening")
	assert.Equal(t, b.Seq+1, c.Seq)
	assert.Equal(t, "HJ-20261129-0003", c.ID)
	requireClean(t, tw.s)
}

func TestClosedStoreRefusesAndDrains(t *testing.T) {
	tw := newTower(t)
	// Many writers, then Close: every write either commits (and survives
	// reopening) or is refused as closed; none is lost or half-done.
	type res struct {
		inc model.Incident
		err error
	}
	out := make(chan res, 200)
	start := make(chan struct{})
	for i := 0; i < 200; i++ {
		go func() {
			<-start
			inc, err := tw.s.Report(tw.ctx, model.Report{Node: micro011, Category: "hazard",
				Severity: model.SeverityIII, Title: "井盖缺失", Reporter: tw.worker01.ID})
			out <- res{inc, err}
		}()
	}
	close(start)
	time.Sleep(time.Millisecond)
	require.NoError(t, tw.s.Close())
	require.NoError(t, tw.s.Close(), "Close twice is fine")
	var ok []model.Incident
	for i := 0; i < 200; i++ {
		r := <-out
		if r.err != nil {
			requireCode(t, r.err, model.EUNAVAIL)
			continue
		}
		ok = append(ok, r.inc)
	}
	_, err := tw.s.Incidents(tw.ctx, model.IncidentFilter{})
	requireCode(t, err, model.EUNAVAIL)
	_, err = tw.s.Check(tw.ctx)
	requireCode(t, err, model.EUNAVAIL)

	tw.s = openAt(t, tw.path, tw.clock)
	all, err := tw.s.Incidents(tw.ctx, model.IncidentFilter{})
	require.NoError(t, err)
	assert.Equal(t, len(ok), len(all))
	requireClean(t, tw.s)
}

func TestBackupOpensWithTheSameStats(t *testing.T) {
	tw := newTower(t)
	for i := 0; i < 20; i++ {
		tw.report(t, micro012, tw.micro.ID, fmt.Sprintf("隐患 %d", i))
	}
	// Writes keep going while the backup runs.
	ctx, cancel := context.WithCancel(tw.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			_, _ = tw.s.Report(tw.ctx, model.Report{Node: micro101, Category: "fire", Severity: model.SeverityI,
				Title: "during backup", Reporter: model.System})
		}
	}()
	dir := t.TempDir()
	var buf bytes.Buffer
	n, err := tw.s.Backup(&buf)
	require.NoError(t, err)
	assert.Equal(t, int64(buf.Len()), n)
	fileBackup := filepath.Join(dir, "backup.db")
	_, err = tw.s.BackupFile(fileBackup)
	require.NoError(t, err)
	cancel()
	<-done

	bufBackup := filepath.Join(dir, "buf.db")
	require.NoError(t, os.WriteFile(bufBackup, buf.Bytes(), 0o600))
	for _, path := range []string{bufBackup, fileBackup} {
		b := openAt(t, path, tw.clock)
		requireClean(t, b)
		st, err := b.Stats(tw.ctx)
		require.NoError(t, err)
		assert.Equal(t, 4, st.MicroGrids)
		assert.Equal(t, 267, st.Households)
		assert.GreaterOrEqual(t, st.Incidents.Total, 20)
		require.NoError(t, b.Close())
	}

	// With writes stopped, the backup's stats are the live file's.
	fileBackup2 := filepath.Join(dir, "quiet.db")
	_, err = tw.s.BackupFile(fileBackup2)
	require.NoError(t, err)
	live, err := tw.s.Stats(tw.ctx)
	require.NoError(t, err)
	b := openAt(t, fileBackup2, tw.clock)
	got, err := b.Stats(tw.ctx)
	require.NoError(t, err)
	assert.Equal(t, live, got)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.False(t, strings.Contains(e.Name(), ".tmp-"), "temp file left: %s", e.Name())
	}
}

func TestCheckFindsACorruptedIndex(t *testing.T) {
	tw := newTower(t)
	a := tw.report(t, micro021, tw.worker01.ID, "one")
	b := tw.report(t, micro011, tw.worker01.ID, "two")
	requireClean(t, tw.s)
	require.NoError(t, tw.s.Close())

	raw, err := bolt.Open(tw.path, 0o600, &bolt.Options{Timeout: time.Second})
	require.NoError(t, err)
	require.NoError(t, raw.Update(func(tx *bolt.Tx) error {
		ka, err := openKey(a)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketIdxOpen).Delete(ka); err != nil {
			return err
		}
		// A stray node entry for b at the wrong node, and an id pointing nowhere.
		if err := tx.Bucket(bucketIdxNode).Put(codeKey(grid10, b.Seq), []byte{}); err != nil {
			return err
		}
		k, _ := idKey("XX-20261129-0001")
		return tx.Bucket(bucketIncidentIDs).Put(k, u64(999))
	}))
	require.NoError(t, raw.Close())

	tw.s = openAt(t, tw.path, tw.clock)
	problems, err := tw.s.Check(tw.ctx)
	require.NoError(t, err)
	joined := strings.Join(problems, "\n")
	assert.Contains(t, joined, "idx_open: incident "+a.ID+" has no entry")
	assert.Contains(t, joined, "idx_node: entry")
	assert.Contains(t, joined, "does not match incident "+b.ID)
	assert.Contains(t, joined, "incident_ids: XX-20261129-0001 points at missing seq 999")
	assert.Len(t, problems, 3, joined)
}

// Schema 4 rewrites idx_node with the block first. A file written before it
// (schema 3, keys code 0x00 seq) is migrated at Open: the node queries and
// Check agree with it afterwards.
func TestMigrateIdxNodeToBlocks(t *testing.T) {
	tw := newTower(t)
	var want []uint64
	for i := 0; i < 600; i++ { // three blocks of 256
		node := micro021
		if i%3 == 0 {
			node = grid10
		}
		inc := tw.report(t, node, tw.worker01.ID, fmt.Sprintf("r%d", i))
		if node == micro021 {
			want = append(want, inc.Seq)
		}
	}
	require.NoError(t, tw.s.Close())

	// Make it a schema-3 file: old idx_node keys, schema 3.
	raw, err := bolt.Open(tw.path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, raw.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketIdxNode)
		var old [][]byte
		require.NoError(t, b.ForEach(func(k, _ []byte) error {
			old = append(old, append([]byte(nil), k[8:]...)) // drop the block
			return nil
		}))
		nb, err := emptyBucket(tx, bucketIdxNode)
		require.NoError(t, err)
		for _, k := range old {
			require.NoError(t, nb.Put(k, []byte{}))
		}
		if err := downgradeIncidentIDs(tx); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(metaSchema, u64(3))
	}))
	require.NoError(t, raw.Close())

	s := openAt(t, tw.path, tw.clock)
	defer s.Close()
	require.NoError(t, s.db.View(func(tx *bolt.Tx) error {
		v, _ := fileSchema(tx)
		assert.Equal(t, schemaVersion(), v)
		return nil
	}))
	got, err := s.Incidents(tw.ctx, model.IncidentFilter{Node: micro021})
	require.NoError(t, err)
	assert.Equal(t, want, seqsOf(got))
	requireClean(t, s)
}

// downgradeIncidentIDs rewrites incident_ids as schema 4 and before kept
// it: the public id string as the key.
func downgradeIncidentIDs(tx *bolt.Tx) error {
	b := tx.Bucket(bucketIncidentIDs)
	old := map[string][]byte{}
	if err := b.ForEach(func(k, v []byte) error {
		old[idOfKey(k)] = append([]byte(nil), v...)
		return nil
	}); err != nil {
		return err
	}
	nb, err := emptyBucket(tx, bucketIncidentIDs)
	if err != nil {
		return err
	}
	for id, v := range old {
		if err := nb.Put([]byte(id), v); err != nil {
			return err
		}
	}
	return nil
}

// TestMigrateIncidentIDs: a schema-4 file keyed incident_ids by the id
// string, which sorts HJ-…-10000 before HJ-…-9999; schema 5 keys it by
// date and number. Ids of two days, past 9999 and of a second town prefix
// still resolve after the migration, numbering goes on from each day's
// counter, and check finds nothing wrong. Old keys that are no id gridcmd
// gives out are set aside, not lost, and do not keep the file from opening.
func TestMigrateIncidentIDs(t *testing.T) {
	tw := newTower(t)
	require.NoError(t, tw.s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(dayKey("20261129"), u64(9997))
	}))
	var ids []string
	title := map[string]string{}
	file := func(s *DB, n int) {
		for i := 0; i < n; i++ {
			inc, err := s.Report(tw.ctx, model.Report{Node: micro021, Category: "traffic", Severity: model.SeverityIII,
				Title: fmt.Sprintf("r%d", len(ids)), Reporter: tw.worker01.ID})
			require.NoError(t, err)
			ids = append(ids, inc.ID)
			title[inc.ID] = inc.Title
		}
	}
	file(tw.s, 4) // 9998 .. 10001
	tw.clock.Advance(24 * time.Hour)
	file(tw.s, 2) // the 30th: 0001, 0002
	require.NoError(t, tw.s.Close())
	opts := testOptions(tw.clock)
	opts.Prefix = "XJ"
	xj, err := Open(tw.path, opts)
	require.NoError(t, err)
	file(xj, 1) // XJ-20261130-0003: the day's counter is the town's, whatever the prefix
	require.NoError(t, xj.Close())
	assert.Equal(t, []string{"HJ-20261129-9998", "HJ-20261129-9999", "HJ-20261129-10000", "HJ-20261129-10001",
		"HJ-20261130-0001", "HJ-20261130-0002", "XJ-20261130-0003"}, ids)

	raw, err := bolt.Open(tw.path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, raw.Update(func(tx *bolt.Tx) error {
		if err := downgradeIncidentIDs(tx); err != nil {
			return err
		}
		b := tx.Bucket(bucketIncidentIDs)
		require.NotNil(t, b.Get([]byte(ids[0])))
		for _, junk := range []string{"junk", "HJ-20261129-0001x", "HJ-2026112x-0001", "HJ-20261129-00001", "hj-20261129-0001", "HJ-20261129-0000"} {
			if err := b.Put([]byte(junk), u64(1)); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(metaSchema, u64(4))
	}))
	require.NoError(t, raw.Close())

	tw.s = openAt(t, tw.path, tw.clock)
	for _, id := range ids {
		inc, err := tw.s.Incident(tw.ctx, id)
		require.NoError(t, err, id)
		assert.Equal(t, title[id], inc.Title, id)
	}
	file(tw.s, 1)
	assert.Equal(t, "HJ-20261130-0004", ids[len(ids)-1])
	problems, err := tw.s.Check(tw.ctx)
	require.NoError(t, err)
	assert.Len(t, problems, 6, strings.Join(problems, "\n"))
	for _, p := range problems {
		assert.Contains(t, p, "incident_ids_v4_unread: ")
	}
	assert.Contains(t, strings.Join(problems, "\n"), `"HJ-20261129-00001"`)
	require.NoError(t, tw.s.db.View(func(tx *bolt.Tx) error {
		assert.Nil(t, tx.Bucket(bucketIncidentIDs).Get([]byte(ids[0])), "old key left")
		return nil
	}))
}

// TestIDsSortByNumberPastTenThousand: the day's ids are in number order in
// incident_ids whatever their width, so a new one is always the last key.
func TestIDsSortByNumberPastTenThousand(t *testing.T) {
	var keys [][]byte
	for _, n := range []uint64{1, 2, 999, 9999, 10000, 10001, 99999, 100000, 1 << 40} {
		k, ok := idKey(incidentID("HJ-20261129-", n))
		require.True(t, ok, n)
		assert.Equal(t, incidentID("HJ-20261129-", n), idOfKey(k))
		keys = append(keys, k)
	}
	assert.True(t, slices.IsSortedFunc(keys, bytes.Compare), "keys out of number order")
	k1, _ := idKey("HJ-20261129-0001")
	k2, _ := idKey("HJ-20261130-0001")
	assert.Negative(t, bytes.Compare(k1, k2), "days in date order")
	for _, bad := range []string{"", "HJ", "HJ-20261129-", "HJ-20261129-001", "HJ-20261129-00001",
		"HJ-2026112x-0001", "HJ-20261129-0000", "-20261129-0001", "HJ-20261129_0001", "HJ-20261129-1e10"} {
		_, ok := idKey(bad)
		assert.False(t, ok, "%q", bad)
	}
}

// TestDayFreeAcrossPrefixes: the day's counter is shared by every prefix a
// file has used, and so is checkDayFree's look past it.
func TestDayFreeAcrossPrefixes(t *testing.T) {
	tw := newTower(t)
	tw.report(t, micro021, tw.worker01.ID, "one") // HJ-20261129-0001
	require.NoError(t, tw.s.db.Update(func(tx *bolt.Tx) error {
		k, _ := idKey("XJ-20261129-0002") // past the counter, under another prefix
		return tx.Bucket(bucketIncidentIDs).Put(k, u64(1))
	}))
	_, err := tw.s.Report(tw.ctx, model.Report{Node: micro021, Category: "traffic", Severity: model.SeverityIII,
		Title: "two", Reporter: tw.worker01.ID})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "day 20261129 has number 2, past its counter")
	tw.clock.Advance(24 * time.Hour) // a new day starts clear
	assert.Equal(t, "HJ-20261130-0001", tw.report(t, micro021, tw.worker01.ID, "next day").ID)
}

// TestDayCounterBehindIsRefused: an id numbered past the day's counter (a
// damaged file) makes a new report fail, instead of overwriting the entry,
// and check names it.
func TestDayCounterBehindIsRefused(t *testing.T) {
	tw := newTower(t)
	a := tw.report(t, micro021, tw.worker01.ID, "one")
	require.NoError(t, tw.s.db.Update(func(tx *bolt.Tx) error {
		k, _ := idKey("HJ-20261129-0002")
		return tx.Bucket(bucketIncidentIDs).Put(k, u64(a.Seq))
	}))
	_, err := tw.s.Report(tw.ctx, model.Report{Node: micro021, Category: "traffic", Severity: model.SeverityIII,
		Title: "two", Reporter: tw.worker01.ID})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "day 20261129 has number 2, past its counter")
	got, err := tw.s.Incidents(tw.ctx, model.IncidentFilter{})
	require.NoError(t, err)
	assert.Len(t, got, 1, "nothing filed")
	problems, err := tw.s.Check(tw.ctx)
	require.NoError(t, err)
	assert.Contains(t, strings.Join(problems, "\n"), "incident_ids: HJ-20261129-0002 is past the day's counter")
}

// A copy that fails half-way, or is not a database, never replaces the
// file at path and leaves no temporary file behind.
func TestWriteBackupFileKeepsNothingBroken(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "copy.db")
	require.NoError(t, os.WriteFile(path, []byte("yesterday's copy"), 0o600))
	for _, tc := range []struct {
		name  string
		write func(w io.Writer) (int64, error)
		want  string
	}{
		{"cut off", func(w io.Writer) (int64, error) {
			n, _ := w.Write(make([]byte, 4096))
			return int64(n), errors.New("unexpected EOF")
		}, "unexpected EOF"},
		{"not a database", func(w io.Writer) (int64, error) {
			n, err := w.Write(make([]byte, 16384))
			return int64(n), err
		}, "does not open"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := WriteBackupFile(path, tc.write)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, "yesterday's copy", string(b))
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			assert.Len(t, entries, 1, "no temporary file left")
		})
	}
}
