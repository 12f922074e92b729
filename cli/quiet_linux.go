//go:build linux

package cli

import (
	"os"

	"golang.org/x/sys/unix"
)

// quietKeys stops the terminal f echoing what is typed while the demo
// loads (the signals stay: ctrl+c still stops it). The func it returns
// throws away what was typed meanwhile, so that keys pressed blind are
// not acted on once the console opens, gives the echo back, and says
// whether anything was thrown away. f not a terminal: nothing is done.
func quietKeys(f *os.File) (restore func() (dropped bool)) {
	fd := int(f.Fd())
	was, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return func() bool { return false }
	}
	quiet := *was
	quiet.Lflag &^= unix.ECHO | unix.ICANON // unbuffered, so what waits can be counted
	if unix.IoctlSetTermios(fd, unix.TCSETS, &quiet) != nil {
		return func() bool { return false }
	}
	return func() bool {
		n, err := unix.IoctlGetInt(fd, unix.TIOCINQ)
		_ = unix.IoctlSetInt(fd, unix.TCFLSH, unix.TCIFLUSH)
		_ = unix.IoctlSetTermios(fd, unix.TCSETS, was)
		return err == nil && n > 0
	}
}
