package api_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/api"
	"gridcmd/model"
)

// recorder is a fake server at the address a stale credential file names:
// it answers everything as a gridcmd server would like to be believed
// (health ok, a handshake with a made-up proof, "check: no problems") and
// keeps every request it gets, headers and body.
type recorder struct {
	mu   sync.Mutex
	seen []string
	ts   *httptest.Server
}

func newRecorder(t *testing.T) *recorder {
	rec := &recorder{}
	rec.ts = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var sb strings.Builder
		sb.WriteString(r.Method + " " + r.URL.String() + "\n")
		_ = r.Header.Write(&sb)
		sb.Write(b)
		rec.mu.Lock()
		rec.seen = append(rec.seen, sb.String())
		rec.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/healthz":
			_, _ = io.WriteString(w, `{"status":"ok"}`)
		case "/api/v1/local/hello":
			_, _ = io.WriteString(w, `{"proof":"bm90IGEgcHJvb2Y","nonce":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}`)
		default:
			_, _ = io.WriteString(w, `{"result":[]}`)
		}
	}))
	t.Cleanup(rec.ts.Close)
	return rec
}

func (r *recorder) addr() string { return strings.TrimPrefix(r.ts.URL, "http://") }

func (r *recorder) requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen...)
}

// deadPID is the id of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	require.NoError(t, cmd.Run())
	return cmd.Process.Pid
}

// setPID rewrites the pid a local credential file records.
func setPID(t *testing.T, path string, pid int) {
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

// TestDialLocalDistrustsAStaleFile: a credential file whose port another
// program holds now (a fake that would answer "ok" to anything, or another
// database's gridcmd) is refused, naming the file, and what listens there
// gets a random nonce and nothing else: never the credential, never a
// call. A file whose process is gone is refused before anything is sent.
func TestDialLocalDistrustsAStaleFile(t *testing.T) {
	_, path, _ := openStore(t, storeOptions())
	local := api.LocalPath(path)
	fake := newRecorder(t)
	cred, cleanup, err := api.WriteLocal(path, fake.addr())
	require.NoError(t, err)
	defer cleanup()

	_, err = api.DialLocal(path)
	require.Error(t, err)
	assert.Equal(t, model.EUNAVAIL, model.ErrorCode(err))
	assert.Contains(t, err.Error(), local+" may be stale")
	assert.Contains(t, err.Error(), "did not prove it holds the local credential")
	assert.Contains(t, model.ErrorMessageZh(err), "未能证明其持有本地凭据")
	seen := fake.requests()
	require.Len(t, seen, 1, "the handshake only: %q", seen)
	assert.True(t, strings.HasPrefix(seen[0], "POST /api/v1/local/hello"), "%s", seen[0])
	assert.NotContains(t, seen[0], "Authorization")
	for _, part := range []string{cred, strings.TrimPrefix(cred, "gcl_")} {
		assert.NotContains(t, seen[0], part, "the credential never reaches the fake")
	}

	// Another database's gridcmd on that port: it proves it holds its own
	// credential, not this one.
	other, _, _ := openStore(t, storeOptions())
	_, otherURL := serveService(t, other, other, api.Options{LocalCredential: "gcl_another"})
	_, cleanup2, err := api.WriteLocal(path, strings.TrimPrefix(otherURL, "http://"))
	require.NoError(t, err)
	defer cleanup2()
	_, err = api.DialLocal(path)
	require.Error(t, err)
	assert.Equal(t, model.EUNAVAIL, model.ErrorCode(err))
	assert.Contains(t, err.Error(), "did not prove")

	// The process that wrote the file is gone: nothing is sent at all.
	_, cleanup3, err := api.WriteLocal(path, fake.addr())
	require.NoError(t, err)
	defer cleanup3()
	setPID(t, local, deadPID(t))
	_, err = api.DialLocal(path)
	require.Error(t, err)
	assert.Equal(t, model.EUNAVAIL, model.ErrorCode(err))
	assert.Contains(t, err.Error(), local+" is stale")
	assert.Contains(t, err.Error(), "is not running")
	assert.Len(t, fake.requests(), 1, "nothing more reached the fake")
}

// TestHandshakeTokens: the token a client gets from the handshake opens
// the local route of that server only; a token made up from a nonce the
// server did not give, or one for another credential, does not.
func TestHandshakeTokens(t *testing.T) {
	le := newLocalEnv(t)
	_, err := le.c.Stats(context.Background()) // the client's calls carry its token
	require.NoError(t, err)
	for _, v := range []string{
		"Local v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"Local v1.",
		"Local v1.x.y",
	} {
		a := le.do(http.MethodPost, "/api/v1/local/Stats", []byte(`{}`), map[string]string{"Authorization": v})
		assert.Equal(t, http.StatusUnauthorized, a.status, "%s: %s", v, a.body)
	}
	auth := api.LocalAuthorization(le.c)
	assert.True(t, strings.HasPrefix(auth, "Local v1."), "a handshake token, not the credential: %s", auth)
	a := le.do(http.MethodPost, "/api/v1/local/Stats", []byte(`{}`), map[string]string{"Authorization": auth})
	assert.Equal(t, http.StatusOK, a.status, "%s", a.body)
	// Another server, with its own credential, does not take it.
	other, otherPath, _ := openStore(t, storeOptions())
	ls := serveLocal(t, other, otherPath)
	req, err := http.NewRequest(http.MethodPost, ls.url+"/api/v1/local/Stats", strings.NewReader(`{}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	// The handshake wants a nonce of 32 bytes.
	a = le.do(http.MethodPost, "/api/v1/local/hello", []byte(`{"nonce":"c2hvcnQ"}`), nil)
	assert.Equal(t, http.StatusBadRequest, a.status, "%s", a.body)
	assert.Equal(t, "nonce", a.json(t)["field"])
}
