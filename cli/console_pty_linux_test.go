package cli_test

import (
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/demo"
)

// TestConsoleServesTheLocalAPI: a console that holds the database serves
// the local API (DB.api beside it, mode 0600) without api.enabled, so the
// other commands, looking and acting, go through it instead of failing on
// the lock; the field API stays off. q asks before the console lets go of
// the file, and y quits.
func TestConsoleServesTheLocalAPI(t *testing.T) {
	e := demoEnv(t)
	master, tty, _ := sizedPty(t, 40, 120) // the console's usual size
	_, exited := startOnPty(t, tty, nil, "--config", e.config, "--db", e.db, "console")

	apiFile := e.db + ".api"
	require.Eventually(t, func() bool { _, err := os.Stat(apiFile); return err == nil }, 10*time.Second, 50*time.Millisecond,
		"the console writes its local API file")
	fi, err := os.Stat(apiFile)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	assert.Equal(t, 1, e.stats().Towns, "stats through the console")
	var inc incidentJSON
	e.okJSON(&inc, "report", "--node", string(demo.ArticleGrid), "--category", "traffic", "--severity", "II", "--title", "货物撒落", "--json")
	e.ok("note", inc.ID, "已联系交警")
	assert.Equal(t, "note", e.show(inc.ID).Timeline[1].Action)

	var lf struct {
		Addr string `json:"addr"`
	}
	b, err := os.ReadFile(apiFile)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &lf))
	for _, path := range []string{"/metrics", "/api/v1/units/" + string(demo.ArticleGrid) + "-01/directives"} {
		resp, err := http.Get("http://" + lf.Addr + path)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, "%s: the field API is off", path)
	}

	_, err = master.WriteString("q")
	require.NoError(t, err)
	select {
	case err := <-exited:
		t.Fatalf("q quit without asking: %v", err)
	case <-time.After(500 * time.Millisecond):
	}
	answerAndWait(t, master, exited, "y", 10*time.Second, "y did not quit")
	_, err = os.Stat(apiFile)
	assert.True(t, os.IsNotExist(err), "the local API file goes with the console")
}
