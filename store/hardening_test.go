package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// specialFiles makes, in dir, one of each thing at a path that is not a
// regular file, with what a refusal must call it; the character device
// only when the test runs as root (mknod needs it).
func specialFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	kinds := map[string]string{}
	fifo := filepath.Join(dir, "fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	kinds[fifo] = "a FIFO (named pipe)"
	target := filepath.Join(dir, "target.txt")
	require.NoError(t, os.WriteFile(target, []byte("the link's target"), 0o600))
	link := filepath.Join(dir, "link")
	require.NoError(t, os.Symlink(target, link))
	kinds[link] = "a symbolic link"
	sub := filepath.Join(dir, "folder")
	require.NoError(t, os.Mkdir(sub, 0o700))
	kinds[sub] = "a directory"
	if os.Geteuid() == 0 {
		null := filepath.Join(dir, "null")
		// The same device as /dev/null (major 1, minor 3).
		require.NoError(t, syscall.Mknod(null, syscall.S_IFCHR|0o666, int(1<<8|3)))
		kinds[null] = "a character device"
	} else {
		t.Log("not root: no character device made")
	}
	return kinds
}

// lstatOf is what a test compares before and after: the mode, size and
// the file's identity (a replaced file gets a new inode).
func lstatOf(t *testing.T, path string) [3]uint64 {
	t.Helper()
	fi, err := os.Lstat(path)
	require.NoError(t, err)
	st := fi.Sys().(*syscall.Stat_t)
	return [3]uint64{uint64(fi.Mode()), uint64(fi.Size()), st.Ino}
}

// A backup replaces only a regular file: a device, a FIFO, a link or a
// directory at the target is refused naming what it is, and left as it was.
func TestBackupFileReplacesOnlyARegularFile(t *testing.T) {
	tw := newTower(t)
	dir := t.TempDir()
	for path, kind := range specialFiles(t, dir) {
		before := lstatOf(t, path)
		_, err := tw.s.BackupFile(path)
		require.Error(t, err, path)
		requireCode(t, err, model.EINVALID)
		requireZh(t, err)
		assert.Equal(t, path+" is "+kind+"; backup writes only to a regular file", model.ErrorMessage(err))
		assert.Equal(t, "file", model.ErrorField(err))
		assert.Equal(t, before, lstatOf(t, path), "%s changed", path)
		// The server's backup path (a copy from a stream) is refused alike.
		_, err = WriteBackupFile(path, tw.s.Backup)
		requireCode(t, err, model.EINVALID)
		assert.Equal(t, before, lstatOf(t, path), "%s changed", path)
	}
	b, err := os.ReadFile(filepath.Join(dir, "target.txt"))
	require.NoError(t, err)
	assert.Equal(t, "the link's target", string(b), "the link was not followed")
	left, err := filepath.Glob(filepath.Join(dir, ".*tmp-*"))
	require.NoError(t, err)
	assert.Empty(t, left, "no temporary file is left behind")

	// A regular file is replaced.
	regular := filepath.Join(dir, "old.db")
	require.NoError(t, os.WriteFile(regular, []byte("old"), 0o600))
	var buf bytes.Buffer
	n, err := tw.s.BackupFile(regular)
	require.NoError(t, err)
	_, err = tw.s.Backup(&buf)
	require.NoError(t, err)
	assert.Equal(t, int64(buf.Len()), n)
}

// filledFile is a closed database of the tiny tower with enough reports
// that it has well over 100 pages, and its size and the size its meta page
// says its pages need (bbolt's Tx.Size: the high-water mark times the page
// size).
func filledFile(t *testing.T) (path string, need int64) {
	t.Helper()
	tw := newTower(t)
	inParallel(16, 100, func(w, i int) {
		_, err := tw.s.Report(tw.ctx, model.Report{
			Node: micro021, Category: "traffic", Severity: model.SeverityII,
			Title: fmt.Sprintf("货物散落 %d-%d", w, i), Text: strings.Repeat("货车散落货物，占用一条车道。", 20), Reporter: tw.worker01.ID,
		})
		assert.NoError(t, err)
	})
	require.NoError(t, tw.s.Close())
	raw, err := bolt.Open(tw.path, 0o600, &bolt.Options{ReadOnly: true})
	require.NoError(t, err)
	require.NoError(t, raw.View(func(tx *bolt.Tx) error { need = tx.Size(); return nil }))
	require.NoError(t, raw.Close())
	require.Greater(t, need, int64(100*os.Getpagesize()), "the file has over 100 pages")
	return tw.path, need
}

// A truncated file is refused before bbolt reads it, in one line naming its
// size and what its pages need, read-write or read-only, and is not
// written; bbolt would panic on it ("invalid freelist page") or fault.
func TestOpenRefusesATruncatedFile(t *testing.T) {
	path, need := filledFile(t)
	for _, size := range []int64{100000, need - 1, 5000} {
		require.NoError(t, os.Truncate(path, size))
		before, err := os.ReadFile(path)
		require.NoError(t, err)
		for _, opts := range []Options{testOptions(newClock()), {ReadOnly: true, Timeout: time.Second}} {
			_, err := Open(path, opts)
			requireCode(t, err, model.EINVALID)
			assert.Equal(t, fmt.Sprintf("database %s is truncated: %d bytes, its pages need %d", path, size, need), model.ErrorMessage(err))
			requireZh(t, err)
			after, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.True(t, bytes.Equal(before, after), "a refused file is not written")
			assert.NoFileExists(t, path+".pid")
		}
	}
}

// A panic of bbolt on a damaged page becomes an error at the store's edge:
// at Open (a freelist page zeroed) and in a read (the pages of the
// buckets zeroed; the file's size is right, so checkFile lets it through).
func TestDamagedPagesAreAnErrorNotAPanic(t *testing.T) {
	path, need := filledFile(t)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	require.NoError(t, err)
	m, ok := fileMeta(f)
	require.True(t, ok)
	ps := int64(m.pageSize)
	zero := make([]byte, ps)
	// The freelist page: Open reads it.
	var b [8]byte
	_, err = f.ReadAt(b[:], int64(m.txid%2)*ps+boltPageHeader+32)
	require.NoError(t, err)
	freelist := int64(binary.NativeEndian.Uint64(b[:]))
	require.Less(t, freelist*ps, need)
	saved := make([]byte, ps)
	_, err = f.ReadAt(saved, freelist*ps)
	require.NoError(t, err)
	_, err = f.WriteAt(zero, freelist*ps)
	require.NoError(t, err)
	_, err = Open(path, testOptions(newClock()))
	requireCode(t, err, model.EINVALID)
	assert.Contains(t, model.ErrorMessage(err), "database "+path+" is damaged and cannot be read (invalid freelist page")
	requireZh(t, err)

	// The root page of the incidents bucket: Open and the schema read pass,
	// a read of the incidents fails.
	_, err = f.WriteAt(saved, freelist*ps)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	raw, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	require.NoError(t, err)
	var root int64
	require.NoError(t, raw.View(func(tx *bolt.Tx) error {
		root = int64(tx.Bucket(bucketIncidents).Root())
		return nil
	}))
	require.NoError(t, raw.Close())
	require.NotZero(t, root, "the incidents bucket has pages of its own")
	require.NoError(t, writeAt(path, zero, root*ps))
	for _, opts := range []Options{testOptions(newClock()), {ReadOnly: true, Timeout: time.Second}} {
		s, err := Open(path, opts)
		require.NoError(t, err)
		_, err = s.Stats(context.Background())
		requireCode(t, err, model.EINVALID)
		assert.Contains(t, model.ErrorMessage(err), "database "+path+" is damaged and cannot be read (")
		requireZh(t, err)
		problems, err := s.Check(context.Background())
		if err != nil {
			requireCode(t, err, model.EINVALID)
			assert.Contains(t, model.ErrorMessage(err), "is damaged and cannot be read")
		} else {
			assert.NotEmpty(t, problems)
		}
		require.NoError(t, s.Close())
	}
}

func writeAt(path string, b []byte, off int64) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteAt(b, off); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Only an open that may create makes a database: with MustExist (and
// read-only), nothing there, an empty file and a bbolt file without the
// schema are refused as "no database", and left exactly as they were.
func TestOpenMustExistMakesNothing(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	empty := filepath.Join(dir, "empty.db")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	blank := filepath.Join(dir, "blank.db")
	raw, err := bolt.Open(blank, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, raw.Close())
	blankBytes, err := os.ReadFile(blank)
	require.NoError(t, err)
	for _, opts := range []Options{{MustExist: true, Timeout: time.Second}, {ReadOnly: true, Timeout: time.Second}} {
		for _, path := range []string{missing, empty, blank} {
			_, err := Open(path, opts)
			requireCode(t, err, model.ENOTFOUND)
			assert.Equal(t, "no database at "+path+"; run gridcmd init", model.ErrorMessage(err))
			requireZh(t, err)
			assert.NoFileExists(t, path+".pid")
		}
		assert.NoFileExists(t, missing)
		fi, err := os.Stat(empty)
		require.NoError(t, err)
		assert.Zero(t, fi.Size(), "the empty file stays empty")
		b, err := os.ReadFile(blank)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(blankBytes, b), "the blank file is not filled")
	}
	// A directory is not a database either.
	_, err = Open(dir, Options{MustExist: true, Timeout: time.Second})
	requireCode(t, err, model.EINVALID)
	assert.Equal(t, "database "+dir+" is a directory, not a database file", model.ErrorMessage(err))

	// Without MustExist, Open makes the database, as before.
	s, err := Open(missing, testOptions(newClock()))
	require.NoError(t, err)
	require.NoError(t, s.Close())
	s, err = Open(missing, Options{MustExist: true, Timeout: time.Second})
	require.NoError(t, err)
	require.NoError(t, s.Close())
}

// A read-only open reads everything, takes bbolt's shared lock (two at
// once, a writer neither way), refuses every write with EUNAVAIL, writes
// no pid file and leaves the file's bytes and mtime as they were. (Tests
// run as root, which file modes do not stop, so the file is made 0400 to
// show the open needs no more, not to prove it.)
func TestOpenReadOnly(t *testing.T) {
	tw := newTower(t)
	inc := tw.report(t, micro021, tw.worker01.ID, "330国道货物散落")
	want, err := tw.s.Stats(tw.ctx)
	require.NoError(t, err)
	require.NoError(t, tw.s.Close())
	require.NoError(t, os.Chmod(tw.path, 0o400))
	before, err := os.ReadFile(tw.path)
	require.NoError(t, err)
	fi0, err := os.Stat(tw.path)
	require.NoError(t, err)

	ro := Options{ReadOnly: true, Timeout: 200 * time.Millisecond, Now: tw.clock.Now, Location: cst}
	a, err := Open(tw.path, ro)
	require.NoError(t, err)
	b, err := Open(tw.path, ro) // the lock is shared
	require.NoError(t, err)
	assert.True(t, a.ReadOnly())
	for _, s := range []*DB{a, b} {
		st, err := s.Stats(tw.ctx)
		require.NoError(t, err)
		assert.Equal(t, want, st)
		got, err := s.Incident(tw.ctx, inc.ID)
		require.NoError(t, err)
		assert.Equal(t, inc.Title, got.Title)
		requireClean(t, s)
	}
	_, err = a.Report(tw.ctx, model.Report{Node: micro021, Category: "traffic", Severity: model.SeverityII, Title: "又一处", Reporter: tw.worker01.ID})
	requireCode(t, err, model.EUNAVAIL)
	assert.Equal(t, "database "+tw.path+" is open read-only: this command cannot change it", model.ErrorMessage(err))
	requireZh(t, err)
	tw.clock.Advance(24 * time.Hour) // the report's clocks have run out: a sweep would write
	_, err = a.Sweep(tw.ctx)
	requireCode(t, err, model.EUNAVAIL)
	assert.NoFileExists(t, tw.path+".pid")

	// No writer while readers hold it.
	_, err = Open(tw.path, testOptions(tw.clock))
	requireCode(t, err, model.EUNAVAIL)
	assert.True(t, InUse(err), "%v", err)
	require.NoError(t, a.Close())
	require.NoError(t, b.Close())

	after, err := os.ReadFile(tw.path)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(before, after), "a read-only open changed the file")
	fi1, err := os.Stat(tw.path)
	require.NoError(t, err)
	assert.Equal(t, fi0.ModTime(), fi1.ModTime())

	// And no reader while a writer holds it.
	require.NoError(t, os.Chmod(tw.path, 0o600))
	w := openAt(t, tw.path, tw.clock)
	_, err = Open(tw.path, ro)
	requireCode(t, err, model.EUNAVAIL)
	assert.True(t, InUse(err))
	require.NoError(t, w.Close())
}

// A read-only open migrates nothing: a file of an older schema is refused
// with what to do, and not written.
func TestOpenReadOnlyRefusesAnOlderSchema(t *testing.T) {
	tw := newTower(t)
	require.NoError(t, tw.s.Close())
	before, err := os.ReadFile(tw.path)
	require.NoError(t, err)
	saved := migrations
	t.Cleanup(func() { migrations = saved })
	migrations = append(append([]func(*bolt.Tx) error(nil), saved...), func(tx *bolt.Tx) error {
		_, err := tx.CreateBucket([]byte("next"))
		return err
	})
	_, err = Open(tw.path, Options{ReadOnly: true, Timeout: time.Second})
	requireCode(t, err, model.EUNAVAIL)
	assert.Equal(t, fmt.Sprintf("database %s has schema %d and this gridcmd reads schema %d: a command that only looks cannot upgrade it; run one that changes it once (e.g. gridcmd console), or use the gridcmd that wrote it",
		tw.path, len(saved), len(saved)+1), model.ErrorMessage(err))
	requireZh(t, err)
	after, err := os.ReadFile(tw.path)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(before, after))
}

// Progress is bounded by the unit's households as the activation counted
// them, and done goes down only with a note, which the event keeps; each
// refusal writes nothing.
func TestDirectiveProgressBounds(t *testing.T) {
	w := newWtTower(t)
	w.activate(t, town)
	d, _ := w.issue(t, "逐户核查", vA)
	worker := w.workers[a012] // 60 households
	before := dump(t, w.s)
	for _, c := range []struct {
		done, of    int
		code, field string
	}{
		{9223372036854775806, 9223372036854775806, model.EINVALID, "of"},
		{1, 61, model.EINVALID, "of"},
		{61, 60, model.EINVALID, "done"},
		{-1, 60, model.EINVALID, "done"},
	} {
		_, err := w.s.DirectiveProgress(w.ctx, d.ID, a012, c.done, c.of, worker.ID)
		requireCode(t, err, c.code)
		requireZh(t, err)
		assert.Equal(t, c.field, model.ErrorField(err), "%d/%d", c.done, c.of)
	}
	assert.Equal(t, before, dump(t, w.s), "a refused report writes nothing")

	_, err := w.s.DirectiveProgress(w.ctx, d.ID, a012, 40, 60, worker.ID)
	require.NoError(t, err)
	before = dump(t, w.s)
	_, err = w.s.DirectiveProgress(w.ctx, d.ID, a012, 30, 60, worker.ID)
	requireCode(t, err, model.ECONFLICT)
	requireZh(t, err)
	assert.Equal(t, "done", model.ErrorField(err))
	assert.Equal(t, "progress 30/60: 渎溪村 01-02 330784114266-01-02 already reported 40 done; a lower figure needs a note saying why", model.ErrorMessage(err))
	assert.Equal(t, "进展 30/60：渎溪村 01-02 330784114266-01-02 已报告完成 40；报低需附备注说明原因", model.ErrorMessageZh(err), "the unit named as the console names it")
	assert.Equal(t, before, dump(t, w.s))

	u, err := w.s.DirectiveProgressNote(w.ctx, d.ID, a012, 30, 60, worker.ID, "复核：10 户重复登记")
	require.NoError(t, err)
	assert.Equal(t, 30, u.Done)
	ev := newest(t, w.s, 1)[0]
	assert.Equal(t, "D-0001: 30/60 (down from 40): 复核：10 户重复登记", ev.Note)
	assert.Equal(t, "D-0001：30/60（原为 40）：复核：10 户重复登记", ev.NoteZh)
	assert.Equal(t, 30, w.unit(t, d.ID, a012).Done)
}

// A village cadre or grid worker may sign for a micro-grid under them (by
// phone), but it is recorded as on the unit's behalf (代签, by whom), said
// so in the event, kept across a reopen, and left out of the median.
func TestSignOnBehalfIsRecordedApart(t *testing.T) {
	w := newWtTower(t)
	w.activate(t, town)
	d, _ := w.issue(t, "逐户核查", vA)
	w.clock.Advance(time.Minute)
	u, err := w.s.SignDirective(w.ctx, d.ID, a021, w.cadre.ID) // the village room for a silent unit
	require.NoError(t, err)
	assert.True(t, u.OnBehalf)
	assert.Equal(t, w.cadre.ID, u.SignedBy)
	ev := newest(t, w.s, 1)[0]
	assert.Equal(t, "signed for D-0001 after 1m00s (signed on behalf of 渎溪村 02-01 330784114266-02-01 by "+model.ActorName(w.cadre)+")", ev.Note)
	assert.Contains(t, ev.NoteZh, "代 渎溪村 02-01 330784114266-02-01 签收")

	w.clock.Advance(time.Minute)
	u, err = w.s.DirectiveProgress(w.ctx, d.ID, a012, 3, 60, w.gridWorker.ID) // the grid above (01), by phone
	require.NoError(t, err)
	assert.True(t, u.OnBehalf)
	assert.Contains(t, newest(t, w.s, 1)[0].Note, "signed for (signed on behalf of 渎溪村 01-02 330784114266-01-02 by ")

	w.clock.Advance(8 * time.Minute)
	u, err = w.s.SignDirective(w.ctx, d.ID, a011, w.workers[a011].ID) // the unit itself
	require.NoError(t, err)
	assert.False(t, u.OnBehalf)
	assert.Equal(t, "signed for D-0001 after 10m00s", newest(t, w.s, 1)[0].Note)
	u, err = w.s.DirectiveProgress(w.ctx, d.ID, a022, 0, 50, w.reserveA.ID) // a reserve not drafted there
	require.NoError(t, err)
	assert.True(t, u.OnBehalf)

	w.reopen(t)
	got, units, err := w.s.Directive(w.ctx, d.ID)
	require.NoError(t, err)
	behalf := map[model.NodeCode]bool{}
	for _, u := range units {
		behalf[u.Unit] = u.OnBehalf
	}
	assert.Equal(t, map[model.NodeCode]bool{a011: false, a012: true, a021: true, a022: true}, behalf)
	s := model.Summarize(got, units, 0)
	assert.Equal(t, 4, s.Signed)
	assert.Equal(t, 3, s.OnBehalf)
	assert.Equal(t, 10*time.Minute, s.SignMedian, "only the unit's own signature counts")

	// A record from before 代签 (no on_behalf) reads as the unit's own.
	old := directiveUnitRecord{SentAt: t0.UnixNano(), SignedAt: t0.UnixNano(), SignedBy: 7}
	v, err := json.Marshal(old)
	require.NoError(t, err)
	assert.NotContains(t, string(v), "on_behalf")
	ou, err := decodeDirectiveUnit(seqCodeKey(1, a011), v, cst)
	require.NoError(t, err)
	assert.False(t, ou.OnBehalf)
	assert.True(t, ou.Signed())
}

// Check reports, under the bucket's name, a key of a seq-keyed bucket that
// is not 8 bytes and a record there that does not decode, and goes on.
func TestCheckSeqBucketsReportBadKeysAndRecords(t *testing.T) {
	tw := newTower(t)
	require.NoError(t, tw.s.Close())
	raw, err := bolt.Open(tw.path, 0o600, &bolt.Options{Timeout: time.Second})
	require.NoError(t, err)
	buckets := [][]byte{bucketWtActivations, bucketDirectives, bucketShifts, bucketHandovers}
	require.NoError(t, raw.Update(func(tx *bolt.Tx) error {
		for _, b := range buckets {
			if err := tx.Bucket(b).Put([]byte{1, 2}, []byte("{}")); err != nil {
				return err
			}
			if err := tx.Bucket(b).Put(u64(99), []byte("{")); err != nil {
				return err
			}
		}
		return nil
	}))
	require.NoError(t, raw.Close())
	tw.s = openAt(t, tw.path, tw.clock)
	problems, err := tw.s.Check(tw.ctx)
	require.NoError(t, err)
	joined := strings.Join(problems, "\n")
	for _, want := range []string{
		"wt_activations: malformed key 0102", "wt_activations: wartime activation seq 99: unexpected end of JSON input",
		"directives: malformed key 0102", "directives: directive seq 99: unexpected end of JSON input",
		"duty_shifts: malformed key 0102", "duty_shifts: shift seq 99: unexpected end of JSON input",
		"handovers: malformed key 0102", "handovers: handover seq 99: unexpected end of JSON input",
	} {
		assert.Contains(t, joined, want)
	}
}
