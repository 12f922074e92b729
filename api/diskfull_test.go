package api_test

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/api"
	"gridcmd/model"
	"gridcmd/store"
)

// fullDisk is the store with a disk that may be full: while full is set,
// every write fails as bbolt's commit does on a full disk (ENOSPC, wrapped
// as the store wraps it), and nothing is stored.
type fullDisk struct {
	*store.DB
	full atomic.Bool
}

func (d *fullDisk) enospc() error {
	return fmt.Errorf("commit to %s: %w", "gridcmd.db", &fs.PathError{Op: "write", Path: "gridcmd.db", Err: syscall.ENOSPC})
}

func (d *fullDisk) ReportOnce(ctx context.Context, person model.PersonID, key string, r model.Report) (model.Incident, bool, error) {
	if d.full.Load() {
		return model.Incident{}, false, d.enospc()
	}
	return d.DB.ReportOnce(ctx, person, key, r)
}

func (d *fullDisk) Report(ctx context.Context, r model.Report) (model.Incident, error) {
	if d.full.Load() {
		return model.Incident{}, d.enospc()
	}
	return d.DB.Report(ctx, r)
}

// TestDiskFull: a write refused for a full disk is a 503 with Retry-After,
// said in English and Chinese, not a bare 500; /healthz says degraded
// until a write succeeds again; the retry (same Idempotency-Key) then files
// the report, once. The local RPC says the same (EUNAVAIL).
func TestDiskFull(t *testing.T) {
	db, path, ps := openStore(t, storeOptions())
	worker := ps[1]
	tok, err := db.IssueToken(context.Background(), worker.ID)
	require.NoError(t, err)
	d := &fullDisk{DB: db}
	cred, cleanup, err := api.WriteLocal(path, "127.0.0.1:1") // the file only carries the credential here
	require.NoError(t, err)
	defer cleanup()
	_, url := serveService(t, d, d, api.Options{LocalCredential: cred})
	e := &env{t: t, db: db, url: url, ctx: context.Background(), tok: map[model.PersonID]string{worker.ID: tok}}

	health := func() answer { return e.do(http.MethodGet, "/healthz", nil, nil) }
	h := health()
	require.Equal(t, http.StatusOK, h.status)

	d.full.Store(true)
	a := e.post("/api/v1/reports", worker, "full-1", reportJSON(grid01, "磁盘满时"))
	require.Equal(t, http.StatusServiceUnavailable, a.status, "%s", a.body)
	assert.NotEmpty(t, a.header.Get("Retry-After"))
	m := a.json(t)
	assert.Contains(t, m["error"], "disk is full")
	assert.NotContains(t, m["error"], "internal error")
	assert.Contains(t, m["error_zh"], "磁盘已满")

	h = health()
	require.Equal(t, http.StatusServiceUnavailable, h.status, "%s", h.body)
	assert.JSONEq(t, `{"status":"degraded","reason":"disk full"}`, string(h.body))
	assert.NotEmpty(t, h.header.Get("Retry-After"))

	// The local RPC: the same refusal, with its code, and still degraded.
	auth := map[string]string{"Authorization": "Local " + cred}
	body := fmt.Sprintf(`{"Node":%q,"Category":"traffic","Severity":2,"Title":"本地磁盘满","Reporter":%d}`, grid01, worker.ID)
	a = e.do(http.MethodPost, "/api/v1/local/Report", []byte(body), auth)
	require.Equal(t, http.StatusServiceUnavailable, a.status, "%s", a.body)
	assert.NotEmpty(t, a.header.Get("Retry-After"))
	m = a.json(t)
	assert.Equal(t, model.EUNAVAIL, m["code"])
	assert.Contains(t, m["error_zh"], "磁盘已满")
	// A read that succeeds says nothing about the disk.
	a = e.do(http.MethodPost, "/api/v1/local/Stats", []byte(`{}`), auth)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	assert.Equal(t, http.StatusServiceUnavailable, health().status, "still degraded after a read")

	// Room again: the retry files the report, and /healthz is ok.
	d.full.Store(false)
	a = e.post("/api/v1/reports", worker, "full-1", reportJSON(grid01, "磁盘满时"))
	require.Equal(t, http.StatusCreated, a.status, "%s", a.body)
	h = health()
	require.Equal(t, http.StatusOK, h.status, "%s", h.body)
	assert.JSONEq(t, `{"status":"ok"}`, string(h.body))
	assert.Len(t, e.incidentsTitled("磁盘满时"), 1, "filed once")

	// A local write that succeeds clears it too.
	d.full.Store(true)
	a = e.do(http.MethodPost, "/api/v1/local/Report", []byte(body), auth)
	require.Equal(t, http.StatusServiceUnavailable, a.status)
	require.Equal(t, http.StatusServiceUnavailable, health().status)
	d.full.Store(false)
	a = e.do(http.MethodPost, "/api/v1/local/Report", []byte(body), auth)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	assert.Equal(t, http.StatusOK, health().status)
	assert.Len(t, e.incidentsTitled("本地磁盘满"), 1)
	assert.False(t, strings.Contains(string(h.body), "degraded"))
	e.requireClean()
}
