package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/api"
	"gridcmd/internal/testkit"
)

// TestJSONKeysAreExact: a body whose object gives a key twice (encoding/json
// would keep the last) or names a field in another case ("NODE"; it would
// take it for "node") is refused with 400 naming the key, on every route
// that reads JSON: the reports, the alerts, a directive's ack and the
// local RPC. Nothing is filed.
func TestJSONKeysAreExact(t *testing.T) {
	e := newEnv(t)
	const rest = `"category":"traffic","severity":"II","title":"标题"`
	for _, c := range []struct {
		name, path, body, field, want string
	}{
		{"report: node twice", "/api/v1/reports", `{"node":"330784114266-01","node":"330784114266-02",` + rest + `}`, "node", "given twice"},
		{"report: title twice, the same", "/api/v1/reports", `{"node":"330784114266-01",` + rest + `,"title":"标题"}`, "title", "given twice"},
		{"report: NODE", "/api/v1/reports", `{"NODE":"330784114266-01",` + rest + `}`, "NODE", `want "node"`},
		{"report: Title", "/api/v1/reports", `{"node":"330784114266-01","category":"traffic","severity":"II","Title":"标题"}`, "Title", "case-sensitive"},
		{"report: location.lat twice", "/api/v1/reports", `{"node":"330784114266-01",` + rest + `,"location":{"lat":30,"lon":120,"lat":31}}`, "location.lat", "given twice"},
		{"report: location.LON", "/api/v1/reports", `{"node":"330784114266-01",` + rest + `,"location":{"lat":30,"LON":120}}`, "location.LON", `want "lon"`},
		{"alert: kind twice", "/api/v1/alerts", `{"device":"X","kind":"smoke","node":"330784114266-01-01","kind":"door"}`, "kind", "given twice"},
		{"alert: Device", "/api/v1/alerts", `{"Device":"X","kind":"smoke","node":"330784114266-01-01"}`, "Device", `want "device"`},
		{"ack: unit twice", "/api/v1/directives/D-0001/ack", `{"unit":"330784114266-01-01","unit":"330784114266-01-02"}`, "unit", "given twice"},
		{"progress: DONE", "/api/v1/directives/D-0001/progress", `{"unit":"330784114266-01-01","DONE":1,"of":2}`, "DONE", `want "done"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := e.post(c.path, e.worker, "", c.body)
			require.Equal(t, http.StatusBadRequest, a.status, "%s", a.body)
			m := a.json(t)
			assert.Equal(t, c.field, m["field"], "%s", a.body)
			assert.Contains(t, m["error"], c.want)
		})
	}
	assert.Empty(t, e.incidentsTitled("标题"), "nothing filed")

	// The local RPC, through its credential.
	le := newLocalEnv(t)
	cred := testkit.Credential(t, api.LocalPath(le.path))
	auth := map[string]string{"Authorization": "Local " + cred}
	for _, c := range []struct{ method, body, field string }{
		{"Node", `{"code":"330784114266-01","code":"330784114266-02"}`, "code"},
		{"Node", `{"CODE":"330784114266-01"}`, "CODE"},
		{"ReportOnce", `{"person":2,"key":"k","report":{"Node":"330784114266-01","Title":"t","Title":"u"}}`, "report.Title"},
		{"ReportOnce", `{"person":2,"key":"k","report":{"node":"330784114266-01"}}`, "report.node"},
	} {
		a := le.do(http.MethodPost, "/api/v1/local/"+c.method, []byte(c.body), auth)
		require.Equal(t, http.StatusBadRequest, a.status, "%s %s: %s", c.method, c.body, a.body)
		assert.Equal(t, c.field, a.json(t)["field"], "%s", a.body)
	}
	// The exact names still decode.
	a := le.do(http.MethodPost, "/api/v1/local/Node", []byte(`{"code":"330784114266-01"}`), auth)
	assert.Equal(t, http.StatusOK, a.status, "%s", a.body)
}

// TestTwoAuthorizationHeaders: which of two Authorization headers counts
// is anyone's guess (the server's, a proxy's, a log's); both the field
// routes and the local RPC refuse the request with 400.
func TestTwoAuthorizationHeaders(t *testing.T) {
	le := newLocalEnv(t)
	cred := testkit.Credential(t, api.LocalPath(le.path))
	tok, err := le.db.IssueToken(le.ctx, le.worker.ID)
	require.NoError(t, err)
	for _, c := range []struct {
		path  string
		auths []string
		body  string
	}{
		{"/api/v1/reports", []string{"Bearer " + tok, "Bearer " + tok}, reportJSON(grid01, "两个凭据")},
		{"/api/v1/reports", []string{"Bearer " + tok, "Bearer gc_other"}, reportJSON(grid01, "两个凭据")},
		{"/api/v1/local/Stats", []string{"Local " + cred, "Local " + cred}, `{}`},
		{"/api/v1/local/Stats", []string{"Local nonsense", "Local " + cred}, `{}`},
	} {
		req, err := http.NewRequest(http.MethodPost, le.url+c.path, bytes.NewReader([]byte(c.body)))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		for _, v := range c.auths {
			req.Header.Add("Authorization", v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s %v: %s", c.path, c.auths, body)
		var m map[string]any
		require.NoError(t, json.Unmarshal(body, &m))
		assert.Equal(t, "Authorization", m["field"])
		assert.Contains(t, m["error"], "give it once")
	}
	assert.Empty(t, le.incidentsTitled("两个凭据"))
}
