package testkit

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// Fake listens where a stale credential file points and answers as a
// gridcmd server would like to be believed (health ok, a handshake with a
// made-up proof, an empty result to any call: "check: no problems"),
// keeping every request it gets, headers and body.
type Fake struct {
	Addr string // host:port

	mu   sync.Mutex
	seen []string
}

// NewFake serves a Fake on ln until the test ends.
func NewFake(t testing.TB, ln net.Listener) *Fake {
	t.Helper()
	f := &Fake{Addr: ln.Addr().String()}
	hs := &http.Server{Handler: http.HandlerFunc(f.answer)}
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close() })
	return f
}

func (f *Fake) answer(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var sb strings.Builder
	sb.WriteString(r.Method + " " + r.URL.String() + "\n")
	_ = r.Header.Write(&sb)
	sb.Write(b)
	f.mu.Lock()
	f.seen = append(f.seen, sb.String())
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch r.URL.Path {
	case "/healthz":
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	case "/api/v1/local/hello":
		_, _ = io.WriteString(w, `{"proof":"bm90IGEgcHJvb2Y","nonce":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}`)
	default:
		_, _ = io.WriteString(w, `{"result":[]}`)
	}
}

// Requests are the requests the fake got so far, each as its method, URL,
// headers and body.
func (f *Fake) Requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.seen...)
}

// DeadPID is the id of a process that has exited.
func DeadPID(t testing.TB) int {
	t.Helper()
	cmd := exec.Command("true")
	require.NoError(t, cmd.Run())
	return cmd.Process.Pid
}

// SetPID rewrites the pid a local credential file records.
func SetPID(t testing.TB, path string, pid int) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var lf map[string]any
	require.NoError(t, json.Unmarshal(b, &lf))
	lf["pid"] = pid
	b, err = json.Marshal(lf)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, b, 0o600))
}

// Credential is the credential the local credential file at path holds.
func Credential(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var lf struct{ Credential string }
	require.NoError(t, json.Unmarshal(b, &lf))
	require.NotEmpty(t, lf.Credential)
	return lf.Credential
}
