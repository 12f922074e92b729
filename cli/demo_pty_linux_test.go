package cli_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestDemoDropsKeysTypedWhileLoading: keys pressed while the demo loads are
// neither echoed on the loading line nor acted on blind once the console
// opens, which says they were not (ctrl+\ among them does not kill it);
// the terminal echoes again after.
func TestDemoDropsKeysTypedWhileLoading(t *testing.T) {
	master, tty, screen := sizedPty(t, 40, 120)
	seen := func() string { return string(screen()) }
	_, exited := startOnPty(t, tty, []string{"HOME=" + t.TempDir()}, "--lang", "en", "demo", "--feed=false")

	require.Eventually(t, func() bool { return bytes.Contains([]byte(seen()), []byte("loading the Huajie demo")) },
		10*time.Second, 10*time.Millisecond, "the loading line")
	_, err := master.WriteString("qqq\x1c") // and ctrl+\, which would dump core and leave the terminal quiet
	require.NoError(t, err)
	require.Eventually(t, func() bool { return bytes.Contains([]byte(seen()), []byte("not acted on")) },
		30*time.Second, 50*time.Millisecond, "the console says the keys were dropped")
	assert.NotContains(t, seen(), "qqq", "nothing echoed on the loading line")
	time.Sleep(300 * time.Millisecond)
	assert.NotContains(t, seen(), "quit gridcmd?", "a q typed while loading is not acted on")

	_, err = master.WriteString("q")
	require.NoError(t, err)
	require.Eventually(t, func() bool { return bytes.Contains([]byte(seen()), []byte("quit gridcmd?")) },
		10*time.Second, 50*time.Millisecond, "a q typed on the console asks")
	answerAndWait(t, master, exited, "y", 10*time.Second, "q y did not quit the demo")
	tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	require.NoError(t, err)
	assert.NotZero(t, tio.Lflag&unix.ECHO, "the terminal echoes again")
}
