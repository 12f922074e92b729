package cli_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/cli"
)

// backup FILE --force replaces only a regular file: a FIFO, a link, a
// directory or (as root) a device node at FILE is refused, with or without
// --force, naming what it is, and stays as it was.
func TestBackupRefusesWhatIsNotARegularFile(t *testing.T) {
	e := newEnv(t)
	e.initDemo(1)
	kinds := map[string]string{}
	fifo := e.path("fifo")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	kinds[fifo] = "is a FIFO (named pipe)"
	target := e.write("target.txt", "keep me")
	link := e.path("link.db")
	require.NoError(t, os.Symlink(target, link))
	kinds[link] = "is a symbolic link"
	dir := e.path("folder")
	require.NoError(t, os.Mkdir(dir, 0o700))
	kinds[dir] = "is a directory"
	if os.Geteuid() == 0 {
		null := e.path("null")
		require.NoError(t, syscall.Mknod(null, syscall.S_IFCHR|0o666, int(1<<8|3)))
		kinds[null] = "is a character device"
	} else {
		t.Log("not root: no character device made")
	}
	for path, kind := range kinds {
		before, err := os.Lstat(path)
		require.NoError(t, err)
		for _, args := range [][]string{{"backup", path, "--force"}, {"backup", path}} {
			fails(t, e.run(args...), cli.ExitUsage, path+" "+kind+"; backup writes only to a regular file")
			after, err := os.Lstat(path)
			require.NoError(t, err)
			assert.Equal(t, before.Mode(), after.Mode(), path)
			assert.True(t, os.SameFile(before, after), "%s was replaced", path)
		}
	}
	b, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "keep me", string(b), "the link was not followed")
	left, err := filepath.Glob(e.path(".*tmp-*"))
	require.NoError(t, err)
	assert.Empty(t, left)
}
