package cli_test

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	gossh "golang.org/x/crypto/ssh"
)

// TestDemoQuitSaysTheSSHSeatsClose: q on a demo that serves SSH seats
// (demo --ssh --key) says, while a seat is open, that it closes with the
// console; y quits, and the seat's session ends.
func TestDemoQuitSaysTheSSHSeatsClose(t *testing.T) {
	e := newEnv(t)
	key, pub := e.sshKey("officer")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()

	master, tty, seen := sizedPty(t, 40, 160) // the question on one line
	_, exited := startOnPty(t, tty, []string{"HOME=" + t.TempDir()},
		"--lang", "en", "demo", "--feed=false", "--history=false", "--ssh="+addr, "--key", "P1="+pub)
	require.Eventually(t, func() bool { return bytes.Contains(seen(), []byte("PEACETIME")) }, 30*time.Second, 50*time.Millisecond,
		"the console opens")

	// A seat: the duty officer over SSH, its console drawn.
	var client *gossh.Client
	require.Eventually(t, func() bool {
		client, err = gossh.Dial("tcp", addr, &gossh.ClientConfig{User: "officer", Auth: []gossh.AuthMethod{gossh.PublicKeys(key)},
			HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second})
		return err == nil
	}, 10*time.Second, 50*time.Millisecond, "the seats' server listens")
	defer client.Close()
	sess, err := client.NewSession()
	require.NoError(t, err)
	require.NoError(t, sess.RequestPty("xterm-256color", 40, 120, gossh.TerminalModes{}))
	out, err := sess.StdoutPipe()
	require.NoError(t, err)
	// Its console's first frame (its header names the room) comes once it
	// counts among the open seats.
	drawn := make(chan struct{})
	go func() {
		var got []byte
		buf := make([]byte, 4096)
		for {
			n, err := out.Read(buf)
			got = append(got, buf[:n]...)
			if bytes.Contains(got, []byte("town command room")) {
				close(drawn)
				break
			}
			if err != nil {
				return
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	require.NoError(t, sess.Shell())
	select {
	case <-drawn:
	case <-time.After(60 * time.Second): // its first read of the demo, on a machine busy with the other tests
		t.Fatal("the seat draws no console")
	}
	seatEnded := make(chan error, 1)
	go func() { seatEnded <- sess.Wait() }()

	_, err = master.WriteString("q")
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return bytes.Contains(seen(), []byte("through this console; 1 SSH seat it serves closes with it  y/n"))
	}, 10*time.Second, 50*time.Millisecond, "q says the seat closes")
	answerAndWait(t, master, exited, "y", 15*time.Second, "y did not quit the demo")
	select {
	case <-seatEnded:
	case <-time.After(10 * time.Second):
		t.Fatal("the seat stayed open")
	}
}
