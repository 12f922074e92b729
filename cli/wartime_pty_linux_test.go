package cli_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/cli"
)

// sizedPty is a new pseudo-terminal of rows and cols, and what has been
// drawn on it so far (screen): the console under test draws there.
func sizedPty(t *testing.T, rows, cols uint16) (master, tty *os.File, screen func() []byte) {
	t.Helper()
	master, tty = openPty(t)
	ws := [4]uint16{rows, cols, 0, 0}
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, tty.Fd(), syscall.TIOCSWINSZ, uintptr(unsafe.Pointer(&ws))); errno != 0 {
		t.Skipf("cannot size the pseudo-terminal: %v", errno)
	}
	var mu sync.Mutex
	var drawn bytes.Buffer
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			mu.Lock()
			drawn.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return master, tty, func() []byte { mu.Lock(); defer mu.Unlock(); return bytes.Clone(drawn.Bytes()) }
}

// startOnPty starts gridcmd with args on tty (a colour terminal, UTF-8,
// env added) and kills it when the test ends if it has not exited; exited
// says how it ended.
func startOnPty(t *testing.T, tty *os.File, env []string, args ...string) (cmd *exec.Cmd, exited chan error) {
	t.Helper()
	cmd = exec.Command(binary, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.Env = append(append(os.Environ(), "TERM=xterm-256color", "LANG=C.UTF-8"), env...)
	require.NoError(t, cmd.Start())
	exited = make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	return cmd, exited
}

// answerAndWait types answer on master and waits within for gridcmd to
// exit cleanly (why: what did not happen otherwise).
func answerAndWait(t *testing.T, master *os.File, exited chan error, answer string, within time.Duration, why string) {
	t.Helper()
	_, err := master.WriteString(answer)
	require.NoError(t, err)
	select {
	case err := <-exited:
		require.NoError(t, err)
	case <-time.After(within):
		t.Fatal(why)
	}
}

// openPty opens a new pseudo-terminal: its master end and its terminal
// end, both closed when the test ends. It skips the test where no pty can
// be had.
func openPty(t *testing.T) (master, tty *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Skipf("no pseudo-terminal: %v", e)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Skipf("no pseudo-terminal: %v", e)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { tty.Close() })
	return master, tty
}

// ptyStdin makes the process's stdin the terminal end of a new
// pseudo-terminal for the rest of the test, with answer already typed on
// it. It skips the test where no pty can be had.
func ptyStdin(t *testing.T, answer string) {
	t.Helper()
	master, tty := openPty(t)
	_, err := master.WriteString(answer)
	require.NoError(t, err)
	old := os.Stdin
	os.Stdin = tty
	t.Cleanup(func() { os.Stdin = old })
}

func TestWartimeConfirmsAtATerminal(t *testing.T) {
	e := demoEnv(t)

	ptyStdin(t, "n\n")
	r := e.run("--lang", "en", "wartime", "on", "--reason", "typhoon", "--scope", "town")
	assert.Equal(t, cli.ExitUsage, r.code, "%s", r)
	assert.Contains(t, r.out, "typhoon wartime over 花街镇 330784114 would cover 27 villages, 232 micro-grids (6 without a worker)")
	assert.Contains(t, r.out, "Activate wartime? [y/N]")
	assert.Equal(t, "gridcmd: wartime on: not confirmed; nothing was done\n", r.err)
	assert.False(t, e.wartimeStatus().Active)

	ptyStdin(t, "n\n")
	r = e.run("--lang", "zh", "wartime", "on", "--reason", "typhoon", "--scope", "town")
	assert.Equal(t, cli.ExitUsage, r.code, "%s", r)
	assert.Contains(t, r.out, "启动防台战时：花街镇 330784114 将覆盖 27 个村、232 个微网格（6 个没有网格员）")
	assert.Contains(t, r.out, "确认启动战时？ [y/N]")
	assert.Equal(t, "gridcmd: wartime on: 未确认，未做任何操作\n", r.err)
	assert.False(t, e.wartimeStatus().Active)

	ptyStdin(t, "y\n")
	r = e.run("wartime", "on", "--reason", "typhoon", "--scope", "town")
	require.Equal(t, cli.ExitOK, r.code, "%s", r)
	assert.Contains(t, r.out, "W-0001 wartime typhoon active since")
	assert.True(t, e.wartimeStatus().Active)

	ptyStdin(t, "yes\n")
	r = e.run("--lang", "en", "wartime", "off")
	require.Equal(t, cli.ExitOK, r.code, "%s", r)
	assert.Contains(t, r.out, "would end W-0001")
	assert.Contains(t, r.out, "End wartime? [y/N]")
	assert.False(t, e.wartimeStatus().Active)
}
