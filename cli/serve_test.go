package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/api"
	"gridcmd/cli"
	"gridcmd/internal/testkit"
)

// server is a 'gridcmd serve' child process.
type server struct {
	cmd  *exec.Cmd
	addr string
	out  *strings.Builder // its stdout after the first line, and its stderr
	mu   *sync.Mutex      // guards out
	done chan struct{}
}

// waitFor waits up to 10 s for a line of the server's output that re
// matches, and returns the match.
func (s *server) waitFor(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.mu.Lock()
		text := s.out.String()
		s.mu.Unlock()
		if m := re.FindStringSubmatch(text); m != nil {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q in the server's output within 10s:\n%s", re, text)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var servingRe = regexp.MustCompile(`serving the field API on http://(\S+) `)

// startServer runs 'gridcmd serve --addr 127.0.0.1:0' on the test's
// database and waits for its address. env adds to the environment.
func (e *env) startServer(env ...string) *server {
	e.t.Helper()
	return e.startServerAt("127.0.0.1:0", env...)
}

// startServerAt is startServer listening on listen.
func (e *env) startServerAt(listen string, env ...string) *server {
	e.t.Helper()
	cmd := exec.Command(binary, "--config", e.config, "--db", e.db, "serve", "--addr", listen)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(e.t, err)
	out := &strings.Builder{}
	var mu sync.Mutex
	cmd.Stderr = writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return out.Write(p)
	})
	require.NoError(e.t, cmd.Start())
	s := &server{cmd: cmd, out: out, mu: &mu, done: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := servingRe.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
			mu.Lock()
			out.WriteString(sc.Text() + "\n")
			mu.Unlock()
		}
		_ = cmd.Wait()
		close(s.done)
	}()
	select {
	case s.addr = <-addr:
	case <-s.done:
		e.t.Fatalf("gridcmd serve exited before serving:\n%s", out.String())
	case <-time.After(15 * time.Second):
		_ = cmd.Process.Kill()
		e.t.Fatalf("gridcmd serve did not start within 15s:\n%s", out.String())
	}
	e.t.Cleanup(func() { s.kill() })
	return s
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// kill sends SIGKILL and waits for the process to be gone.
func (s *server) kill() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// stop sends SIGTERM and waits up to limit for a clean exit.
func (s *server) stop(t *testing.T, limit time.Duration) int {
	t.Helper()
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-s.done:
	case <-time.After(limit):
		t.Fatalf("gridcmd serve did not stop within %s after SIGTERM", limit)
	}
	return s.cmd.ProcessState.ExitCode()
}

// issueTokens issues a token to each of the first n full-time grid workers.
func (e *env) issueTokens(n int) []crashReporter {
	e.t.Helper()
	ws := e.people("--role", "grid_worker_ft")
	require.GreaterOrEqual(e.t, len(ws), n)
	out := make([]crashReporter, n)
	for i := range n {
		tok := strings.TrimSpace(e.ok("token", "issue", "--person", ws[i].ID))
		out[i] = crashReporter{person: ws[i].ID, node: ws[i].Node, token: tok}
	}
	return out
}

type crashReporter struct {
	person, node, token string
}

func TestTokenCommands(t *testing.T) {
	e := demoEnv(t)
	id := e.personAt("330784114266-02", "grid_leader")
	tok := strings.TrimSpace(e.ok("token", "issue", "--person", id))
	assert.Regexp(t, `^gc_[A-Za-z0-9_-]{43}$`, tok)
	var issued map[string]string
	e.okJSON(&issued, "token", "issue", "--person", id, "--json")
	assert.Equal(t, id, issued["person"])
	assert.Equal(t, issued["token"][:11], issued["prefix"])

	var list []map[string]any
	e.okJSON(&list, "token", "list", "--json")
	require.Len(t, list, 2)
	assert.Equal(t, id, list[0]["person"])
	assert.Equal(t, true, list[0]["live"])
	assert.NotContains(t, e.ok("token", "list"), tok[11:], "a listing never shows the token")
	assert.Contains(t, e.ok("token", "list"), tok[:11]+"…")

	assert.Equal(t, fmt.Sprintf("revoked %s… of %s\n", tok[:11], id), e.ok("token", "revoke", tok[:11]))
	assert.Equal(t, "revoked 1 token of "+id+"\n", e.ok("token", "revoke", "--person", id))
	e.okJSON(&list, "token", "list", "--person", id, "--json")
	for _, x := range list {
		assert.Equal(t, false, x["live"])
		assert.NotEmpty(t, x["revoked"])
	}

	fails(t, e.run("token", "issue", "--person", "P999999"), cli.ExitRefused, "no person P999999")
	fails(t, e.run("token", "issue", "--person", "boss"), cli.ExitUsage, "--person")
	fails(t, e.run("token", "revoke"), cli.ExitUsage, "a token prefix or --person")
	fails(t, e.run("token", "revoke", "gc_zzzzzzzz"), cli.ExitRefused, "no token starts with gc_zzzzzzzz")
	fails(t, e.run("token", "bogus"), cli.ExitUsage, "unknown command")
}

// TestServeTokensAndGracefulStop runs 'gridcmd serve' as its own process:
// the token commands reach the database through it, a report lands, and
// SIGTERM stops it cleanly, removing the local credential file.
func TestServeTokensAndGracefulStop(t *testing.T) {
	testkit.SkipShort(t, "starts a server process")
	e := demoEnv(t)
	id := e.personAt("330784114266-02", "grid_leader")
	srv := e.startServer()
	fi, err := os.Stat(e.db + ".api")
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	tok := strings.TrimSpace(e.ok("token", "issue", "--person", id)) // through the server
	fc := api.NewFieldClient("http://"+srv.addr, tok, nil)
	out, status, err := fc.Report(context.Background(), "k1", api.ReportRequest{
		Node: "330784114266-02", Category: "traffic", Severity: "II", Title: "330国道货物散落（接口）",
	})
	require.NoError(t, err)
	assert.Equal(t, 201, status)
	resp, err := http.Get("http://" + srv.addr + "/metrics")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(b), "gridcmd_api_reports_total 1\n")

	assert.Equal(t, 0, srv.stop(t, 10*time.Second), "%s", srv.out)
	assert.Contains(t, srv.out.String(), "stopped;")
	_, err = os.Stat(e.db + ".api")
	assert.ErrorIs(t, err, os.ErrNotExist, "the local credential file goes on a clean stop")
	inc := e.show(out.ID)
	assert.Equal(t, "330国道货物散落（接口）", inc.Title)
	assert.Equal(t, id, inc.Reporter)
	e.ok("check")
}

// TestCrashRecovery is the crash test: 'gridcmd serve' as a child process
// takes reports from several clients (each with its own token, every
// report with an Idempotency-Key, retried until answered), and is killed
// with SIGKILL at random moments, then restarted, round after round. In
// the end every report that got a 201 (or a 200 duplicate) is stored
// exactly once, under the id it was answered with, nothing is stored twice,
// and 'gridcmd check' passes.
func TestCrashRecovery(t *testing.T) {
	testkit.SkipShort(t, "kills and restarts server processes for about 20 seconds")
	const (
		rounds  = 10
		clients = 6
	)
	e := demoEnv(t)
	reps := e.issueTokens(clients)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 5))

	type state struct {
		rep     crashReporter
		next    int    // the number of its next new report
		pending string // a key sent but not answered yet: retried with the same key
	}
	clientsState := make([]*state, clients)
	for i := range clients {
		clientsState[i] = &state{rep: reps[i]}
	}
	var mu sync.Mutex
	acked := map[string]string{} // Idempotency-Key -> incident id
	status := map[int]int{}
	transportErrors := 0

	// send posts one report until it is answered or the round ends.
	send := func(ctx context.Context, hc *http.Client, addr string, st *state) bool {
		key := st.pending
		if key == "" {
			key = fmt.Sprintf("crash-%s-%d", st.rep.person, st.next)
			st.next++
			st.pending = key
		}
		fc := api.NewFieldClient("http://"+addr, st.rep.token, hc)
		out, code, err := fc.Report(ctx, key, api.ReportRequest{
			Node: st.rep.node, Category: "hazard", Severity: "III", Title: key, Text: "crash test report",
		})
		mu.Lock()
		defer mu.Unlock()
		if code == 0 {
			transportErrors++
			return false // the server is gone: keep the key for the next round
		}
		status[code]++
		switch code {
		case 200, 201:
			_, again := acked[key]
			assert.False(t, again, "key %s answered twice", key)
			acked[key] = out.ID
			st.pending = ""
			return true
		}
		assert.Contains(t, []int{429, 503}, code, "key %s: %v", key, err)
		return false
	}

	kills := 0
	for round := range rounds {
		srv := e.startServer("GRIDCMD_API_RATE=off")
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for _, st := range clientsState {
			wg.Go(func() {
				hc := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
				defer hc.CloseIdleConnections()
				for ctx.Err() == nil {
					if !send(ctx, hc, srv.addr, st) {
						time.Sleep(5 * time.Millisecond)
					}
				}
			})
		}
		time.Sleep(time.Duration(rng.IntN(1500)) * time.Millisecond) // from at once to 1.5s after it serves
		srv.kill()
		kills++
		cancel()
		wg.Wait()
		t.Logf("round %d: killed; %d reports answered so far", round+1, len(acked))
	}

	// Last round: every client settles its pending report, then a clean
	// stop.
	srv := e.startServer("GRIDCMD_API_RATE=off")
	hc := &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
	for _, st := range clientsState {
		for st.pending != "" {
			if !send(context.Background(), hc, srv.addr, st) {
				time.Sleep(10 * time.Millisecond)
			}
		}
	}
	hc.CloseIdleConnections()
	require.Equal(t, 0, srv.stop(t, 10*time.Second), "%s", srv.out)

	// Every answered report is stored once, under its id; nothing twice.
	stored := map[string][]string{} // title (= key) -> ids
	for _, inc := range e.incidents() {
		if strings.HasPrefix(inc.Title, "crash-") {
			stored[inc.Title] = append(stored[inc.Title], inc.ID)
		}
	}
	for key, id := range acked {
		assert.Equal(t, []string{id}, stored[key], "report %s", key)
	}
	for title, ids := range stored {
		assert.Len(t, ids, 1, "%s stored %d times", title, len(ids))
		_, ok := acked[title]
		assert.True(t, ok, "%s stored but never answered (every client settled its last report)", title)
	}
	assert.Len(t, stored, len(acked))
	e.ok("check")
	t.Logf("crash test: %d rounds, %d SIGKILLs, %d reports answered, %d of them 200 duplicates (committed before a kill, answered on the retry), status %v, %d transport errors",
		rounds, kills, len(acked), status[200], status, transportErrors)
	require.Greater(t, len(acked), 100, "too few reports to mean anything")
}

// While 'gridcmd serve' holds the database, the command line reaches it
// through the server's local API instead of failing: reads, incident
// actions and the wartime commands alike, and backup and check, which the
// server does on its own file while it goes on writing.
func TestCommandsGoThroughARunningServer(t *testing.T) {
	testkit.SkipShort(t, "starts a server process")
	e := demoEnv(t)
	srv := e.startServer()

	st := e.stats()
	assert.Equal(t, 232, st.MicroGrids)
	id := strings.TrimSpace(e.ok("report", "--node", "330784114266-02", "--category", "traffic",
		"--severity", "II", "--title", "货车侧翻（经服务）"))
	e.ok("ack", id)
	e.ok("escalate", id, "--to", "town")
	inc := e.show(id)
	assert.Equal(t, "town", inc.Tier)
	assert.Equal(t, "货车侧翻（经服务）", inc.Title)
	fails(t, e.run("resolve", "HJ-20991231-0001"), cli.ExitRefused, "no incident")

	e.ok("wartime", "on", "--reason", "flood", "--scope", "town", "--yes")
	out := e.ok("directive", "issue", "--to", "town", "--text", "转移低洼地带群众", "--deadline", "1h")
	assert.Contains(t, out, "D-0001")
	var ws map[string]any
	e.okJSON(&ws, "wartime", "status", "--json")
	assert.Equal(t, true, ws["active"])

	assert.Equal(t, e.db+": ok\n", e.ok("check"))
	copyPath := e.path("copy.db")
	out = e.ok("backup", copyPath)
	assert.Contains(t, out, "by the gridcmd at http://127.0.0.1:")
	fails(t, e.run("backup", copyPath), cli.ExitUsage, "exists", "--force")

	assert.Equal(t, 0, srv.stop(t, 10*time.Second), "%s", srv.out)
	// With the server gone the same commands open the file.
	assert.Equal(t, "town", e.show(id).Tier)
	e.ok("check")
	// The copy the server wrote is the database as it was: check passes and
	// the incident is there, escalated.
	r := e.raw("--config", e.config, "--db", copyPath, "check")
	require.Equal(t, 0, r.code, "%s", r)
	r = e.raw("--config", e.config, "--db", copyPath, "show", id, "--json")
	require.Equal(t, 0, r.code, "%s", r)
	var copied incidentJSON
	require.NoError(t, json.Unmarshal([]byte(r.out), &copied))
	assert.Equal(t, "town", copied.Tier)
}
