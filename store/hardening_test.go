package store

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
