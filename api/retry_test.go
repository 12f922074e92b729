package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/internal/testclock"
)

// asRetry is a first answer as its retry must read, byte for byte: the
// same, but for the flag that says it is one.
func asRetry(t *testing.T, first []byte) string {
	t.Helper()
	require.Equal(t, 1, strings.Count(string(first), `"duplicate":false`), "%s", first)
	return strings.Replace(string(first), `"duplicate":false`, `"duplicate":true`, 1)
}

// TestRetriesAnswerAsTheFirstTime: a retry under the same Idempotency-Key
// gets the first answer again (200, marked duplicate), whatever happened
// at the node since: the alert's count, whether it opened or joined an
// incident, and which (an alert left pending that has become part of an
// incident since names it too). A directive's ack, however the path spells the
// directive, names it by its own id, and signing again answers the same.
func TestRetriesAnswerAsTheFirstTime(t *testing.T) {
	clock := testclock.New(t0)
	e := newEnv(t, withClock(clock))
	alert := e.chargerAlert
	first := alert("P-1", "a1") // pending: count 1
	require.Equal(t, http.StatusCreated, first.status, "%s", first.body)
	assert.Contains(t, string(first.body), `"count":1`)
	again := alert("P-1", "a1")
	require.Equal(t, http.StatusOK, again.status)
	assert.Equal(t, asRetry(t, first.body), string(again.body), "a pending alert's retry, byte for byte")

	clock.Advance(time.Minute)
	second := alert("P-2", "a2")
	require.Equal(t, http.StatusCreated, second.status)
	clock.Advance(time.Minute)
	opens := alert("P-3", "a3") // the third in the window opens the incident
	require.Equal(t, http.StatusCreated, opens.status)
	require.Contains(t, string(opens.body), `"opened":true`)
	clock.Advance(time.Minute)
	joins := alert("P-4", "a4")
	require.Contains(t, string(joins.body), `"attached":true`)

	for _, c := range []struct {
		dev, key string
		first    answer
		what     string
	}{
		{"P-3", "a3", opens, "the one that opened the incident"},
		{"P-4", "a4", joins, "one that joined it"},
	} {
		again := alert(c.dev, c.key)
		require.Equal(t, http.StatusOK, again.status, "%s: %s", c.what, again.body)
		assert.Equal(t, asRetry(t, c.first.body), string(again.body), c.what)
	}
	// An alert that was pending when answered and is part of the incident
	// now: its retry says what the first answer said, and names the
	// incident it has become part of since (as the store's retry does).
	id := opens.json(t)["incident"]
	for _, c := range []struct {
		dev, key string
		first    answer
	}{{"P-1", "a1", first}, {"P-2", "a2", second}} {
		again := alert(c.dev, c.key)
		require.Equal(t, http.StatusOK, again.status, "%s", again.body)
		want := c.first.json(t)
		want["duplicate"], want["incident"] = true, id
		assert.Equal(t, want, again.json(t), "%s", c.key)
	}

	rep := e.post("/api/v1/reports", e.worker, "r1", reportJSON(grid01, "重试一致"))
	require.Equal(t, http.StatusCreated, rep.status)
	rep2 := e.post("/api/v1/reports", e.worker, "r1", reportJSON(grid01, "重试一致"))
	require.Equal(t, http.StatusOK, rep2.status)
	assert.Equal(t, asRetry(t, rep.body), string(rep2.body))

	// A directive's ack.
	e.floodWartime()
	d := e.directive("转移低洼住户")
	require.Equal(t, "D-0001", d.ID)
	ack := e.post("/api/v1/directives/d-0001/ack", e.micro, "", ``)
	require.Equal(t, http.StatusOK, ack.status, "%s", ack.body)
	assert.Equal(t, "D-0001", ack.json(t)["directive"], "the directive's own id, not the path's spelling")
	clock.Advance(time.Minute)
	for _, path := range []string{"/api/v1/directives/d-0001/ack", "/api/v1/directives/D-0001/ack"} {
		again := e.post(path, e.micro, "", ``)
		require.Equal(t, http.StatusOK, again.status, "%s", again.body)
		assert.Equal(t, string(ack.body), string(again.body), "%s: signing again answers as the first time", path)
	}
	prog := e.post("/api/v1/directives/d-0001/progress", e.micro, "", `{"done":10,"of":70}`)
	require.Equal(t, http.StatusOK, prog.status, "%s", prog.body)
	assert.Equal(t, "D-0001", prog.json(t)["directive"])
	e.requireClean()
}
