//go:build linux

package cli

import (
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// quietKeys stops the terminal f echoing what is typed while the demo
// loads (ctrl+c still stops it; ctrl+\, whose core dump would leave the
// terminal quiet, does nothing meanwhile). The func it returns throws away
// what was typed meanwhile, so that keys pressed blind are not acted on
// once the console opens, gives the terminal back as it was, and says
// whether anything was thrown away; called again, it does nothing. f not a
// terminal: nothing is done.
func quietKeys(f *os.File) (restore func() (dropped bool)) {
	fd := int(f.Fd())
	was, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return func() bool { return false }
	}
	quiet := *was
	quiet.Lflag &^= unix.ECHO | unix.ICANON // unbuffered, so what waits can be counted
	quiet.Cc[unix.VQUIT] = 0                // _POSIX_VDISABLE
	if unix.IoctlSetTermios(fd, unix.TCSETS, &quiet) != nil {
		return func() bool { return false }
	}
	var once sync.Once
	return func() (dropped bool) {
		once.Do(func() {
			n, err := unix.IoctlGetInt(fd, unix.TIOCINQ)
			_ = unix.IoctlSetInt(fd, unix.TCFLSH, unix.TCIFLUSH)
			_ = unix.IoctlSetTermios(fd, unix.TCSETS, was)
			dropped = err == nil && n > 0
		})
		return dropped
	}
}
