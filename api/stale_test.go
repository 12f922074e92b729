package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/api"
	"gridcmd/internal/testkit"
	"gridcmd/model"
)

// TestDialLocalDistrustsAStaleFile: a credential file whose port another
// program holds now (a fake that would answer "ok" to anything, or another
// database's gridcmd) is refused, naming the file, and what listens there
// gets a random nonce and nothing else: never the credential, never a
// call. A file whose process is gone is refused before anything is sent.
func TestDialLocalDistrustsAStaleFile(t *testing.T) {
	_, path, _ := openStore(t, storeOptions())
	local := api.LocalPath(path)
	fake := testkit.NewFake(t, testkit.Listen(t, "127.0.0.1:0"))
	cred, cleanup, err := api.WriteLocal(path, fake.Addr)
	require.NoError(t, err)
	defer cleanup()

	_, err = api.DialLocal(path)
	require.Error(t, err)
	assert.Equal(t, model.EUNAVAIL, model.ErrorCode(err))
	assert.Contains(t, err.Error(), local+" may be stale")
	assert.Contains(t, err.Error(), "did not prove it holds the local credential")
	assert.Contains(t, model.ErrorMessageZh(err), "未能证明其持有本地凭据")
	seen := fake.Requests()
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
	_, cleanup3, err := api.WriteLocal(path, fake.Addr)
	require.NoError(t, err)
	defer cleanup3()
	testkit.SetPID(t, local, testkit.DeadPID(t))
	_, err = api.DialLocal(path)
	require.Error(t, err)
	assert.Equal(t, model.EUNAVAIL, model.ErrorCode(err))
	assert.Contains(t, err.Error(), local+" is stale")
	assert.Contains(t, err.Error(), "is not running")
	assert.Len(t, fake.Requests(), 1, "nothing more reached the fake")
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
	req, err := http.NewRequest(http.MethodPost, ls.URL+"/api/v1/local/Stats", strings.NewReader(`{}`))
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
