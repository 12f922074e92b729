package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/api"
	"gridcmd/internal/testkit"
	"gridcmd/model"
	"gridcmd/store"
)

// sameJSON requires a and b to encode alike: the client's values come
// back through JSON, so times carry their offset, not their *Location.
func sameJSON(t *testing.T, want, got any, what string) {
	t.Helper()
	wb, err := json.Marshal(want)
	require.NoError(t, err)
	gb, err := json.Marshal(got)
	require.NoError(t, err)
	require.JSONEq(t, string(wb), string(gb), what)
}

// both is what the client and the store both serve.
type both interface {
	model.Service
	model.IntakeService
}

// sameAnswer makes call through the client and then on the store,
// requires both to succeed and their answers to encode alike, and returns
// the client's.
func sameAnswer[T any](t *testing.T, le *localEnv, what string, call func(both) (T, error)) T {
	t.Helper()
	got, err := call(le.c)
	require.NoError(t, err)
	want, err := call(le.db)
	require.NoError(t, err)
	sameJSON(t, want, got, what)
	return got
}

// localEnv is a real store with a server holding it and a local
// credential file, and a client dialled through that file.
type localEnv struct {
	*env
	c       *api.Client
	cleanup func()
}

func newLocalEnv(t *testing.T) *localEnv {
	t.Helper()
	db, path, ps := openStore(t, storeOptions())
	ctx := context.Background()
	// A reserve for the wartime draft, in grid 01 whose micro-grid 01-01
	// has no worker.
	more, err := db.ImportPeople(ctx, []model.Person{{Name: "吴志愿", Phone: "13800000009", Node: grid01,
		Roles: []model.Role{model.RoleReserve}, Reserve: model.ReserveVolunteer}}, model.System, "reserve")
	require.NoError(t, err)
	ps = append(ps, more...)
	ls := serveLocal(t, db, path)
	c, err := api.DialLocal(path)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	e := &env{t: t, db: db, path: path, srv: ls.Server, url: ls.URL, ctx: ctx, tok: map[model.PersonID]string{}}
	e.duty, e.worker, e.leader, e.micro, e.cadre = ps[0], ps[1], ps[2], ps[3], ps[4]
	return &localEnv{env: e, c: c, cleanup: ls.RemoveFile}
}

// serveLocal serves db as its holder does (testkit.ServeLocal) on
// 127.0.0.1:0; it stops when the test ends, if not before.
func serveLocal(t *testing.T, db *store.DB, path string) testkit.Local {
	t.Helper()
	return testkit.ServeLocal(t, db, db, path, "127.0.0.1:0")
}

func TestLocalCredentialFile(t *testing.T) {
	le := newLocalEnv(t)
	fi, err := os.Stat(api.LocalPath(le.path))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	b, err := os.ReadFile(api.LocalPath(le.path))
	require.NoError(t, err)
	var lf map[string]any
	require.NoError(t, json.Unmarshal(b, &lf))
	assert.Equal(t, strings.TrimPrefix(le.url, "http://"), lf["addr"])
	assert.Equal(t, float64(os.Getpid()), lf["pid"])
	cred := lf["credential"].(string)
	assert.True(t, strings.HasPrefix(cred, "gcl_"))

	// A readable-by-others file is refused.
	require.NoError(t, os.Chmod(api.LocalPath(le.path), 0o644))
	_, err = api.DialLocal(le.path)
	require.Error(t, err)
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err))
	assert.Contains(t, err.Error(), "0644")
	require.NoError(t, os.Chmod(api.LocalPath(le.path), 0o600))

	// The local route wants the credential; a person's token is not it.
	tok, err := le.db.IssueToken(le.ctx, le.duty.ID)
	require.NoError(t, err)
	for _, h := range []map[string]string{
		nil, bearer(tok), {"Authorization": "Local " + tok}, {"Authorization": "Local " + cred + "x"},
	} {
		a := le.do(http.MethodPost, "/api/v1/local/Stats", []byte("[]"), h)
		assert.Equal(t, http.StatusUnauthorized, a.status, "%v: %s", h, a.body)
	}
	a := le.do(http.MethodPost, "/api/v1/local/Stats", []byte("{}"), map[string]string{"Authorization": "Local " + cred})
	assert.Equal(t, http.StatusOK, a.status, "%s", a.body)
	a = le.do(http.MethodPost, "/api/v1/local/NoSuch", []byte("[]"), map[string]string{"Authorization": "Local " + cred})
	assert.Equal(t, http.StatusNotFound, a.status)
	a = le.do(http.MethodPost, "/api/v1/local/Node", []byte(`[1,2]`), map[string]string{"Authorization": "Local " + cred})
	assert.Equal(t, http.StatusUnprocessableEntity, a.status, "%s", a.body)

	// The cleanup removes the file, unless another server has replaced it.
	le.cleanup()
	_, err = os.Stat(api.LocalPath(le.path))
	assert.ErrorIs(t, err, os.ErrNotExist)
	_, err = api.DialLocal(le.path)
	assert.Equal(t, model.ENOTFOUND, model.ErrorCode(err))

	_, cleanup2, err := api.WriteLocal(le.path, "127.0.0.1:1")
	require.NoError(t, err)
	le.cleanup() // the old one's cleanup: not its file any more
	_, err = os.Stat(api.LocalPath(le.path))
	assert.NoError(t, err)
	// A stale file (nobody listens at its address) is EUNAVAIL.
	_, err = api.DialLocal(le.path)
	assert.Equal(t, model.EUNAVAIL, model.ErrorCode(err))
	cleanup2()
	_, err = os.Stat(api.LocalPath(le.path))
	assert.ErrorIs(t, err, os.ErrNotExist)

	_, err = api.NewLocalClient("192.0.2.1:7420", cred)
	assert.Equal(t, model.EINVALID, model.ErrorCode(err), "the credential never leaves loopback")
}

// TestLocalRequestsAreStrict: a call's body is its method's request, a
// JSON object; what does not fit it is refused, never half read. No body
// is a method's zero request.
func TestLocalRequestsAreStrict(t *testing.T) {
	le := newLocalEnv(t)
	cred := testkit.Credential(t, api.LocalPath(le.path))
	auth := map[string]string{"Authorization": "Local " + cred}
	for _, tt := range []struct {
		method, body string
		status       int
	}{
		{"Stats", "", http.StatusOK},
		{"Node", `{"code":"` + string(grid01) + `"}`, http.StatusOK},
		{"Node", `{"code":"` + string(grid01) + `","by":1}`, http.StatusUnprocessableEntity}, // a field Node does not take
		{"Node", `{"code":1}`, http.StatusUnprocessableEntity},
		{"Stats", `[]`, http.StatusUnprocessableEntity},
		{"Node", `{"code":`, http.StatusBadRequest},
		{"Node", `{"code":"` + string(grid01) + `"} {}`, http.StatusBadRequest},
	} {
		a := le.do(http.MethodPost, "/api/v1/local/"+tt.method, []byte(tt.body), auth)
		require.Equal(t, tt.status, a.status, "%s %s: %s", tt.method, tt.body, a.body)
		if tt.status == http.StatusUnprocessableEntity {
			var lr struct {
				Code    string `json:"code"`
				ErrorZh string `json:"error_zh"`
			}
			require.NoError(t, json.Unmarshal(a.body, &lr))
			assert.Equal(t, model.EINVALID, lr.Code, "%s", a.body)
			assert.Contains(t, lr.ErrorZh, "本地调用 "+tt.method, "%s", a.body)
		}
	}
}

// TestLocalClientRoundTrips calls every method of model.Service (wartime
// included) and model.IntakeService through the client, over loopback, against the real store, and checks
// each answer against the store's own.
func TestLocalClientRoundTrips(t *testing.T) {
	le := newLocalEnv(t)
	c, db, ctx := le.c, le.db, le.ctx

	// Subscribe first, to see the events of what follows.
	sub := c.Subscribe()
	defer sub.Close()

	// TowerService.
	sameAnswer(t, le, "Node", func(s both) (model.Node, error) { return s.Node(ctx, grid01) })
	_, err := c.Node(ctx, "330784114266-09")
	assert.Equal(t, model.ENOTFOUND, model.ErrorCode(err), "the domain code survives the trip")
	assert.Contains(t, err.Error(), "no node 330784114266-09")
	assert.Equal(t, "网格塔中没有节点 330784114266-09", model.ErrorMessageZh(err), "and so does its Chinese")
	_, err = c.Node(ctx, "nonsense")
	assert.Equal(t, model.EINVALID, model.ErrorCode(err))
	sameAnswer(t, le, "Nodes", func(s both) ([]model.Node, error) { return s.Nodes(ctx, village) })
	added, err := c.ImportNodes(ctx, []model.Node{{Code: "330784114266-03", Level: model.LevelGrid, Name: "渎溪第3网格", Parent: village}}, le.duty.ID, "via the client")
	require.NoError(t, err)
	assert.Equal(t, 1, added)
	_, err = db.Node(ctx, "330784114266-03")
	require.NoError(t, err)

	// RosterService.
	p, err := c.Person(ctx, le.worker.ID)
	require.NoError(t, err)
	sameJSON(t, le.worker, p, "Person")
	sameAnswer(t, le, "People", func(s both) ([]model.Person, error) { return s.People(ctx, model.PeopleFilter{Node: grid01}) })
	newPs, err := c.ImportPeople(ctx, []model.Person{{Name: "新网格员", Phone: "13800000010", Node: "330784114266-03",
		Roles: []model.Role{model.RoleGridWorkerPart}}}, le.duty.ID, "via the client")
	require.NoError(t, err)
	require.Len(t, newPs, 1)
	got, err := db.Person(ctx, newPs[0].ID)
	require.NoError(t, err)
	sameJSON(t, got, newPs[0], "ImportPeople")
	sameAnswer(t, le, "PeopleOf", func(s both) ([]model.Person, error) {
		return s.PeopleOf(ctx, []model.PersonID{newPs[0].ID, le.worker.ID, le.duty.ID})
	})
	// A roster file's import: its plan, then its refusal naming the row,
	// then the change written.
	moved := got
	moved.ID, moved.Roles = 0, []model.Role{model.RoleGridWorkerFull}
	plan, err := c.ImportRoster(ctx, []model.Person{moved}, model.RosterImport{DryRun: true}, le.duty.ID, "via the client")
	require.NoError(t, err)
	require.Len(t, plan, 1)
	assert.Equal(t, model.RosterChange, plan[0].Action)
	assert.Equal(t, got, plan[0].Was)
	_, err = c.ImportRoster(ctx, []model.Person{moved}, model.RosterImport{}, le.duty.ID, "via the client")
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err))
	item, _ := model.ErrorItem(err)
	assert.Equal(t, 1, item)
	plan, err = c.ImportRoster(ctx, []model.Person{moved}, model.RosterImport{Update: true}, le.duty.ID, "via the client")
	require.NoError(t, err)
	assert.Equal(t, []string{"roles"}, plan[0].Diff)
	got, err = db.Person(ctx, newPs[0].ID)
	require.NoError(t, err)
	assert.Equal(t, []model.Role{model.RoleGridWorkerFull}, got.Roles)

	// IncidentService.
	inc, err := c.Report(ctx, model.Report{Node: grid01, Category: "traffic", Severity: model.SeverityII,
		Title: "客户端上报", Text: "经本地接口", Reporter: le.worker.ID})
	require.NoError(t, err)
	stored, err := db.Incident(ctx, inc.ID)
	require.NoError(t, err)
	sameJSON(t, stored, inc, "Report")
	gotInc, err := c.Incident(ctx, inc.ID)
	require.NoError(t, err)
	sameJSON(t, stored, gotInc, "Incident")
	sameAnswer(t, le, "Incidents", func(s both) ([]model.Incident, error) { return s.Incidents(ctx, model.IncidentFilter{Open: true}) })
	acted, err := c.Act(ctx, inc.ID, model.Command{Action: model.ActAcknowledge, By: le.worker.ID})
	require.NoError(t, err)
	assert.Equal(t, model.StatusAcknowledged, acted.Status)
	_, err = c.Act(ctx, inc.ID, model.Command{Action: model.ActClose, By: le.worker.ID})
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err))
	assert.Contains(t, model.ErrorMessageZh(err), "不能归档（请先办结）")
	noted, err := c.Note(ctx, inc.ID, "已联系交警", le.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, acted.Status, noted.Status)
	_, err = c.Note(ctx, inc.ID, " ", le.duty.ID)
	assert.Equal(t, model.EINVALID, model.ErrorCode(err))
	fig, err := c.Figures(ctx, "")
	require.NoError(t, err)
	wantFig, err := db.Figures(ctx, "")
	require.NoError(t, err)
	wantFig.At = fig.At // the store's clock runs: the two calls read it apart
	sameJSON(t, wantFig, fig, "Figures")
	assert.Equal(t, 1, fig.PassOnReports)
	sameAnswer(t, le, "Timeline", func(s both) ([]model.Event, error) { return s.Timeline(ctx, inc.ID) })
	swept, err := c.Sweep(ctx)
	require.NoError(t, err)
	assert.Empty(t, swept)

	// EventService and the rest.
	sameAnswer(t, le, "Events", func(s both) ([]model.Event, error) { return s.Events(ctx, 0, 5) })
	st, err := c.Stats(ctx)
	require.NoError(t, err)
	wantSt, err := db.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, wantSt, st)
	gridSt := sameAnswer(t, le, "StatsIn", func(s both) (model.Stats, error) { return s.StatsIn(ctx, grid01) })
	assert.Equal(t, 1, gridSt.Incidents.Total, "grid 01's one report")
	assert.Less(t, gridSt.Households, st.Households)
	_, err = c.StatsIn(ctx, "330784114299")
	assert.Equal(t, model.ENOTFOUND, model.ErrorCode(err))
	sameJSON(t, db.Policy(), c.Policy(), "Policy")
	assert.Equal(t, model.DefaultPolicy(), c.Policy(), "the policy survives JSON whole")
	assert.WithinDuration(t, db.Now(), c.Now(), 2*time.Second)

	// IntakeService.
	tok, err := c.IssueToken(ctx, le.micro.ID)
	require.NoError(t, err)
	holder, err := c.Authenticate(ctx, tok)
	require.NoError(t, err)
	assert.Equal(t, le.micro.ID, holder.ID)
	_, err = c.Authenticate(ctx, "gc_nope")
	assert.Equal(t, model.EUNAUTHORIZED, model.ErrorCode(err))
	toks := sameAnswer(t, le, "Tokens", func(s both) ([]model.TokenInfo, error) { return s.Tokens(ctx, le.micro.ID) })
	ti, err := c.RevokeToken(ctx, toks[0].Prefix)
	require.NoError(t, err)
	assert.False(t, ti.Revoked.IsZero())
	_, err = c.IssueToken(ctx, le.micro.ID)
	require.NoError(t, err)
	nrev, err := c.RevokeTokens(ctx, le.micro.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, nrev)
	once, dup, err := c.ReportOnce(ctx, le.worker.ID, "client-key", model.Report{Node: grid01, Category: "hazard", Severity: model.SeverityIII, Title: "一次"})
	require.NoError(t, err)
	assert.False(t, dup)
	again, dup, err := c.ReportOnce(ctx, le.worker.ID, "client-key", model.Report{Node: grid01, Category: "hazard", Severity: model.SeverityIII, Title: "一次"})
	require.NoError(t, err)
	assert.True(t, dup)
	assert.Equal(t, once.ID, again.ID)
	ar, err := c.Alert(ctx, model.Alert{Device: "S-1", Kind: "smoke", Node: micro011, By: le.worker.ID})
	require.NoError(t, err)
	assert.Equal(t, 1, ar.Count)

	// The subscription saw the writes, in commit order.
	var seen []model.Action
	deadline := time.After(5 * time.Second)
	for len(seen) < 5 {
		select {
		case batch, ok := <-sub.C():
			require.True(t, ok)
			for _, ev := range batch.Events {
				seen = append(seen, ev.Action)
			}
		case <-deadline:
			t.Fatalf("events seen: %v", seen)
		}
	}
	assert.Equal(t, []model.Action{model.ActImport, model.ActImport, model.ActImport, model.ActReport, model.ActAcknowledge}, seen[:5], "the nodes, the people, the roster's change")
	assert.False(t, sub.Lost())

	le.wartimeRoundTrips(t)

	sub.Close()
	requireEnds(t, sub, "Close ends the channel")
	le.requireClean()
}

// wartimeRoundTrips runs the wartime service through the client.
func (le *localEnv) wartimeRoundTrips(t *testing.T) {
	wt := le.db
	c, ctx := le.c, le.ctx
	act, err := c.Activate(ctx, model.ReasonFlood, []model.NodeCode{village}, true, "演练", le.duty.ID)
	require.NoError(t, err)
	assert.True(t, act.Active())
	sameAnswer(t, le, "WartimeStatus", func(s both) (model.WartimeStatus, error) { return s.WartimeStatus(ctx, "") })
	wu := sameAnswer(t, le, "WartimeUnit", func(s both) ([2]any, error) {
		u, seq, err := s.WartimeUnit(ctx, micro012)
		return [2]any{u, seq}, err
	})
	assert.Equal(t, [2]any{model.UnitStatus{MicroGrid: micro012, Worker: le.micro.ID, WorkerName: le.micro.Name, Role: wu[0].(model.UnitStatus).Role,
		Households: 70}, act.Seq}, wu)
	reserve := model.PersonID(6)
	draft, err := c.DraftReserve(ctx, reserve, micro011, le.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, micro011, draft.MicroGrid)
	released, err := c.ReleaseReserve(ctx, reserve, le.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, micro011, released.MicroGrid)
	assert.False(t, released.Released.IsZero())
	_, err = c.ReleaseReserve(ctx, reserve, le.duty.ID)
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err))
	assert.Contains(t, model.ErrorMessageZh(err), "当前未被征调", "the refusal in Chinese crosses the wire")
	_, err = c.DraftReserve(ctx, reserve, micro011, le.duty.ID)
	require.NoError(t, err, "drafted again")
	d, units, err := c.IssueDirective(ctx, "排查低洼住户", []model.NodeCode{village}, 2*time.Hour, le.duty.ID, false)
	require.NoError(t, err)
	require.NotEmpty(t, units)
	wd, wunits, err := wt.Directive(ctx, d.ID)
	require.NoError(t, err)
	gd, gunits, err := c.Directive(ctx, d.ID)
	require.NoError(t, err)
	sameJSON(t, wd, gd, "Directive")
	sameJSON(t, wunits, gunits, "Directive units")
	sameAnswer(t, le, "Directives", func(s both) ([]model.Directive, error) { return s.Directives(ctx, "") })
	uds, uus, err := c.UnitDirectives(ctx, micro012)
	require.NoError(t, err)
	wuds, wuus, err := wt.UnitDirectives(ctx, micro012)
	require.NoError(t, err)
	sameJSON(t, wuds, uds, "UnitDirectives")
	sameJSON(t, wuus, uus, "UnitDirectives units")
	u, err := c.SignDirective(ctx, d.ID, micro012, le.micro.ID)
	require.NoError(t, err)
	assert.True(t, u.Signed())
	u, err = c.DirectiveProgress(ctx, d.ID, micro012, 70, 70, le.micro.ID)
	require.NoError(t, err)
	assert.True(t, u.Complete())
	n, err := c.ResendDirective(ctx, d.ID, grid02, le.leader.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "a grid leader resends within the grid: its one silent unit")
	_, err = c.ResendDirective(ctx, d.ID, "", le.leader.ID)
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err), "to every silent unit: the room above's")
	assert.Contains(t, model.ErrorMessageZh(err), "由上级指挥室重发", "the refusal in Chinese crosses the wire")
	_, err = c.ResendDirective(ctx, d.ID, grid01, le.leader.ID)
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err), "within a grid not the leader's")
	assert.Equal(t, "within", model.ErrorField(err), "the field refused crosses the wire, as the store says it")
	n, err = c.ResendDirective(ctx, d.ID, "", le.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, 2, n, "the town's duty officer: every silent unit")
	aa, err := c.Deactivate(ctx, act.ID, le.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, act.ID, aa.Activation.ID)
	sameAnswer(t, le, "AfterAction", func(s both) (model.AfterAction, error) { return s.AfterAction(ctx, "") })
}

func TestDialLocalWhileDraining(t *testing.T) {
	db, path, _ := openStore(t, storeOptions())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	cred, cleanup, err := api.WriteLocal(path, ln.Addr().String())
	require.NoError(t, err)
	defer cleanup()
	srv := api.New(db, db, api.Options{LocalCredential: cred})
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	c, err := api.DialLocal(path)
	require.NoError(t, err)
	sub := c.Subscribe()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, srv.Shutdown(ctx), "an open event stream does not hold up the shutdown")
	require.NoError(t, <-done)
	_, err = c.Stats(context.Background())
	assert.Equal(t, model.EUNAVAIL, model.ErrorCode(err))
	requireEnds(t, sub, "the stream ends with the server")
	require.NoError(t, db.Close())
}

// TestLocalTableCoversTheServices keeps the local RPC complete: every
// method of model.Service and model.IntakeService has its entry
// (Subscribe is the event stream), and Check, model.KeyService's and
// OpenSeats for a service that is the database file (the store); the
// Client has them all
// (by the compiler: var _ model.Service = (*Client)(nil)).
func TestLocalTableCoversTheServices(t *testing.T) {
	db, _, _ := openStore(t, storeOptions())
	srv := api.New(db, db, api.Options{LocalCredential: "x"})
	methods := func(types ...reflect.Type) []string {
		var names []string
		for _, it := range types {
			for i := range it.NumMethod() {
				if name := it.Method(i).Name; name != "Subscribe" {
					names = append(names, name)
				}
			}
		}
		return names
	}
	want := methods(reflect.TypeFor[model.Service](), reflect.TypeFor[model.IntakeService]())
	keys := methods(reflect.TypeFor[model.KeyService]())
	require.NotEmpty(t, keys)
	assert.ElementsMatch(t, append(append(keys, want...), "Check", "OpenSeats"), api.LocalMethodNames(srv))
	// A service that is not a database file has no Check and no keys.
	plain := api.New(struct{ model.Service }{db}, db, api.Options{LocalCredential: "x"})
	assert.ElementsMatch(t, want, api.LocalMethodNames(plain))
}

// TestLocalBackup: the server that holds the database writes a consistent
// copy of it through its local API while reports go on being filed; the
// copy opens as a gridcmd database holding every report answered before
// the backup began. Check runs in the server too.
func TestLocalBackup(t *testing.T) {
	le := newLocalEnv(t)
	file := func(title string) model.Incident {
		inc, err := le.c.Report(le.ctx, model.Report{Node: micro021, Category: "traffic", Severity: model.SeverityIII,
			Title: title, Reporter: le.worker.ID})
		require.NoError(t, err)
		return inc
	}
	before := file("before the backup")
	stop := make(chan struct{})
	filed := make(chan int)
	go func() {
		n := 0
		defer func() { filed <- n }()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := le.c.Report(le.ctx, model.Report{Node: micro021, Category: "traffic", Severity: model.SeverityIII,
				Title: "during the backup", Reporter: le.worker.ID}); err != nil {
				t.Error(err)
				return
			}
			n++
		}
	}()
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	f, err := os.Create(copyPath)
	require.NoError(t, err)
	n, err := le.c.Backup(le.ctx, slowWriter{f}) // a slow disk: the copy takes a while
	require.NoError(t, err)
	require.NoError(t, f.Close())
	close(stop)
	during := <-filed
	t.Logf("%d reports filed while the copy was written", during)
	assert.Positive(t, during, "the writes went on")
	fi, err := os.Stat(copyPath)
	require.NoError(t, err)
	assert.Equal(t, n, fi.Size())

	problems, err := le.c.Check(le.ctx)
	require.NoError(t, err)
	assert.Empty(t, problems)

	cp, err := store.Open(copyPath, storeOptions())
	require.NoError(t, err)
	defer cp.Close()
	got, err := cp.Incident(le.ctx, before.ID)
	require.NoError(t, err)
	assert.Equal(t, "before the backup", got.Title)
	problems, err = cp.Check(le.ctx)
	require.NoError(t, err)
	assert.Empty(t, problems)
}

// slowWriter takes 10 ms over every write.
type slowWriter struct{ w io.Writer }

func (s slowWriter) Write(p []byte) (int, error) {
	time.Sleep(10 * time.Millisecond)
	return s.w.Write(p)
}

// cutShort is the store with a Backup that fails part way, or says it
// wrote more than it did.
type cutShort struct {
	*store.DB
	lie bool
}

func (c cutShort) Backup(w io.Writer) (int64, error) {
	n, err := w.Write(make([]byte, 4096))
	if c.lie {
		return int64(n) + 4096, err
	}
	return int64(n), errors.Join(err, errors.New("disk read error"))
}

// TestLocalBackupRefusals: a copy cut short is an error, never a smaller
// file that looks whole; the route wants the local credential; a service
// that is not a database file says so.
func TestLocalBackupRefusals(t *testing.T) {
	db, _, _ := openStore(t, storeOptions())
	serve := func(svc model.Service) *api.Client {
		_, url := serveService(t, svc, db, api.Options{LocalCredential: "gcl_test"})
		c, err := api.NewLocalClient(strings.TrimPrefix(url, "http://"), "gcl_test")
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		return c
	}
	ctx := context.Background()
	var buf bytes.Buffer
	_, err := serve(cutShort{DB: db}).Backup(ctx, &buf)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "disk read error")
	assert.Contains(t, model.ErrorMessageZh(err), "复制数据库失败：", "said in Chinese too")

	_, err = serve(cutShort{DB: db, lie: true}).Backup(ctx, &buf)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "sent 4096 of 8192 bytes")

	_, err = serve(struct{ model.Service }{db}).Backup(ctx, &buf)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot copy its database")
	assert.Contains(t, model.ErrorMessageZh(err), "此服务无法复制其数据库", "said in Chinese too")

	c := serve(db)
	req, err := http.NewRequest(http.MethodGet, c.Addr()+"/api/v1/local/backup", nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}

// dyingAct is a store whose server dies while it acts: the connection is
// cut before any answer, as when the process is killed mid-call.
type dyingAct struct{ *store.DB }

func (dyingAct) Act(context.Context, string, model.Command) (model.Incident, error) {
	panic(http.ErrAbortHandler)
}

// TestGoneServerIsOnePlainSentence: a call to a server that has stopped,
// or that dies before it answers, is refused with one plain sentence
// naming the server's address, in both languages, never the HTTP client's
// `Post "http://…": dial tcp …` text.
func TestGoneServerIsOnePlainSentence(t *testing.T) {
	db, path, ps := openStore(t, storeOptions())
	ctx := context.Background()
	inc, err := db.Report(ctx, model.Report{Node: micro021, Category: "traffic", Severity: model.SeverityIII,
		Title: "无人应答", Reporter: ps[1].ID})
	require.NoError(t, err)
	ack := model.Command{Action: model.ActAcknowledge, By: ps[0].ID}
	plain := func(t *testing.T, err error, addr string) {
		t.Helper()
		require.Error(t, err)
		assert.Equal(t, model.EUNAVAIL, model.ErrorCode(err))
		for _, msg := range []string{model.ErrorMessage(err), model.ErrorMessageZh(err)} {
			assert.Contains(t, msg, addr, "names the address")
			for _, raw := range []string{"dial", "tcp", "Post", "http://", "/api/v1", "refused", "EOF", ": "} {
				assert.NotContains(t, msg, raw, "the HTTP client's text")
			}
		}
	}

	t.Run("stopped", func(t *testing.T) {
		ls := serveLocal(t, db, path)
		c, err := api.DialLocal(path)
		require.NoError(t, err)
		defer c.Close()
		addr := strings.TrimPrefix(c.Addr(), "http://")
		ls.Stop()
		// The connection the dial kept alive may not be known closed yet
		// (a loaded machine): a call on it breaks after it was written,
		// and says, rightly, that it may have been done. This case is a
		// server that is not there when the call is made.
		require.NoError(t, c.Close())
		_, err = c.Act(ctx, inc.ID, ack)
		plain(t, err, addr)
		assert.Equal(t, "the gridcmd server at "+addr+" is not running (nothing answers there); start gridcmd again (serve, hub, or a console on the file)",
			model.ErrorMessage(err))
		assert.Equal(t, addr+" 的 gridcmd 服务未在运行（该地址无应答），请重新启动 gridcmd（serve、hub 或持有数据库的控制台）", model.ErrorMessageZh(err))
		assert.False(t, model.MaybeDone(err), "nothing answered: nothing was done")
		plain(t, c.Health(ctx), addr)
	})
	t.Run("died before it answered", func(t *testing.T) {
		ls := testkit.ServeLocal(t, dyingAct{db}, db, path, "127.0.0.1:0")
		defer ls.Stop()
		c, err := api.DialLocal(path)
		require.NoError(t, err)
		defer c.Close()
		addr := strings.TrimPrefix(c.Addr(), "http://")
		_, err = c.Act(ctx, inc.ID, ack)
		plain(t, err, addr)
		assert.Contains(t, model.ErrorMessage(err), "may have been done, so look before you try again")
		assert.Contains(t, model.ErrorMessageZh(err), "可能已办理，请先查看再重试")
		assert.True(t, model.MaybeDone(err), "the console says it may have been filed, not that it was not")
	})
}

// TestClientFindsARestartedServer: a client dialled through the database's
// local file outlives the server it found. When that server stops and the
// next one holds the database (another port, a new credential, a new file),
// calls and the event stream reach the new one, and a call that never
// reached the old one is not lost.
func TestClientFindsARestartedServer(t *testing.T) {
	db, path, ps := openStore(t, storeOptions())
	stopFirst := serveLocal(t, db, path).Stop
	c, err := api.DialLocal(path)
	require.NoError(t, err)
	defer c.Close()
	first := c.Addr()
	ctx := context.Background()
	_, err = c.Stats(ctx)
	require.NoError(t, err)
	sub := c.Subscribe()
	require.False(t, sub.Lost())

	stopFirst()
	_, err = c.Stats(ctx)
	require.Error(t, err, "nobody holds the database")
	assert.Equal(t, model.EUNAVAIL, model.ErrorCode(err))
	assert.Contains(t, model.ErrorMessageZh(err), "的 gridcmd 服务未在运行", "said in Chinese too")
	requireEnds(t, sub, "the old stream ends")

	secondServer := serveLocal(t, db, path)
	inc, err := c.Report(ctx, model.Report{Node: micro021, Category: "traffic", Severity: model.SeverityIII,
		Title: "重启之后", Reporter: ps[1].ID})
	require.NoError(t, err, "the call goes to the new server")
	assert.NotEqual(t, first, c.Addr())
	got, err := db.Incident(ctx, inc.ID)
	require.NoError(t, err)
	assert.Equal(t, "重启之后", got.Title)

	sub2 := c.Subscribe()
	defer sub2.Close()
	require.False(t, sub2.Lost(), "the new server's stream")
	_, err = c.Report(ctx, model.Report{Node: micro021, Category: "traffic", Severity: model.SeverityIII,
		Title: "流上可见", Reporter: ps[1].ID})
	require.NoError(t, err)
	select {
	case b := <-sub2.C():
		evs := b.Events
		require.NotEmpty(t, evs)
		assert.Equal(t, "流上可见", evs[0].Note)
	case <-time.After(5 * time.Second):
		t.Fatal("no event on the new stream")
	}

	// The next restart comes back on the same port with a new credential:
	// the old one is refused before anything is done, and the stream (the
	// first thing asked for here) and the calls take the new one.
	second := c.Addr()
	secondServer.Stop()
	requireEnds(t, sub2, "the second stream ends")
	testkit.ServeLocal(t, db, db, path, strings.TrimPrefix(second, "http://"))
	sub3 := c.Subscribe()
	defer sub3.Close()
	require.False(t, sub3.Lost(), "the third server's stream")
	assert.Equal(t, second, c.Addr(), "same address")
	st, err := c.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, st.Incidents.Total)
}

// TestClientBackupChecksTheTrailers: whatever a server sends, the client
// keeps a copy only when the trailers say it is whole and it got every
// byte of it.
func TestClientBackupChecksTheTrailers(t *testing.T) {
	for _, tt := range []struct {
		name    string
		trailer map[string]string
		drop    bool // the connection drops in the middle of the body
		want    string
	}{
		{"whole", map[string]string{"Gridcmd-Backup-Bytes": "4096"}, false, ""},
		{"no trailer", nil, false, `the server says it wrote ""`},
		{"fewer bytes than it says", map[string]string{"Gridcmd-Backup-Bytes": "8192"}, false, `got 4096 bytes, the server says it wrote "8192"`},
		{"cut short", map[string]string{"Gridcmd-Backup-Bytes": "4096", "Gridcmd-Backup-Error": "the server is shutting down"}, false, "the server is shutting down"},
		{"dropped mid-body", map[string]string{"Gridcmd-Backup-Bytes": "4096"}, true, "unexpected EOF"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
			mux.HandleFunc("POST /api/v1/local/hello", api.AnswerHello("gcl_test"))
			mux.HandleFunc("POST /api/v1/local/Policy", func(w http.ResponseWriter, _ *http.Request) {
				_, _ = io.WriteString(w, `{"result":{}}`)
			})
			mux.HandleFunc("GET /api/v1/local/backup", func(w http.ResponseWriter, _ *http.Request) {
				for k := range tt.trailer {
					w.Header().Add("Trailer", k)
				}
				_, _ = w.Write(make([]byte, 4096))
				if tt.drop {
					w.(http.Flusher).Flush()
					if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
						conn.Close()
					}
					return
				}
				for k, v := range tt.trailer {
					w.Header().Set(k, v)
				}
			})
			ts := httptest.NewServer(mux)
			defer ts.Close()
			c, err := api.NewLocalClient(strings.TrimPrefix(ts.URL, "http://"), "gcl_test")
			require.NoError(t, err)
			defer c.Close()
			var buf bytes.Buffer
			n, err := c.Backup(context.Background(), &buf)
			if tt.want == "" {
				require.NoError(t, err)
				assert.Equal(t, int64(4096), n)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// TestBackupStreamStopsWhenTheServerDrains: a reader that stops reading
// holds neither the database nor the server's shutdown; the copy it gets
// is cut short, never whole.
func TestBackupStreamStopsWhenTheServerDrains(t *testing.T) {
	db, path, ps := openStore(t, storeOptions())
	// Enough records that the copy outgrows the socket's buffers.
	for i := 0; i < 3000; i++ {
		_, err := db.Report(context.Background(), model.Report{Node: micro021, Category: "traffic", Severity: model.SeverityIII,
			Title: fmt.Sprintf("第%d条", i), Text: strings.Repeat("散落货物", 40), Reporter: ps[1].ID})
		require.NoError(t, err)
	}
	ls := serveLocal(t, db, path)
	c, err := api.DialLocal(path)
	require.NoError(t, err)
	defer c.Close()
	pr, pw := io.Pipe()
	got := make(chan error, 1)
	go func() {
		_, err := c.Backup(context.Background(), pw)
		got <- err
	}()
	// Read a little, then stall.
	_, err = io.ReadFull(pr, make([]byte, 64<<10))
	require.NoError(t, err)

	// Writes go on meanwhile.
	_, err = db.Report(context.Background(), model.Report{Node: micro021, Category: "traffic", Severity: model.SeverityIII,
		Title: "备份中的上报", Reporter: ps[1].ID})
	require.NoError(t, err)

	stopped := make(chan struct{})
	go func() {
		ls.Stop()
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("a stalled backup reader held up the shutdown")
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }() // let the client finish reading
	select {
	case err := <-got:
		require.Error(t, err, "the copy is not whole")
	case <-time.After(10 * time.Second):
		t.Fatal("the client never ended")
	}
}

// TestClientNeverResendsWhatReachedTheServer: a server that took a call
// and died before answering may have done it; the client says the server
// is gone and does not send the call again, even though another server
// holds the database by then. The next call goes to that one.
func TestClientNeverResendsWhatReachedTheServer(t *testing.T) {
	db, path, ps := openStore(t, storeOptions())
	ctx := context.Background()

	// The first server passes calls to a real one, until a report comes:
	// it takes that, a second server takes the database over, and the
	// first dies without answering.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	cred, cleanup, err := api.WriteLocal(path, ln.Addr().String())
	require.NoError(t, err)
	defer cleanup()
	realLn, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	real := api.New(db, db, api.Options{LocalCredential: cred})
	go real.Serve(realLn)
	defer real.Shutdown(context.Background())
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: realLn.Addr().String()})
	var took atomic.Int32
	front := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/Report") {
			proxy.ServeHTTP(w, r)
			return
		}
		took.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		serveLocal(t, db, path) // the database's new holder, in the credential file
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close() // no answer
		}
	})}
	go front.Serve(ln)
	defer front.Close()
	c, err := api.DialLocal(path)
	require.NoError(t, err)
	defer c.Close()

	_, err = c.Report(ctx, model.Report{Node: micro021, Category: "traffic", Severity: model.SeverityIII,
		Title: "可能已受理", Reporter: ps[1].ID})
	require.Error(t, err)
	assert.Equal(t, model.EUNAVAIL, model.ErrorCode(err), "the server is gone; whether it filed the report is unknown")
	assert.Equal(t, int32(1), took.Load())
	st, err := db.Stats(ctx)
	require.NoError(t, err)
	assert.Zero(t, st.Incidents.Total, "not sent again to the server that took over")

	// The next call is a new call: it goes to the server that holds the
	// database now.
	_, err = c.Report(ctx, model.Report{Node: micro021, Category: "traffic", Severity: model.SeverityIII,
		Title: "下一次上报", Reporter: ps[1].ID})
	require.NoError(t, err)
	st, err = db.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, st.Incidents.Total)
	assert.Equal(t, int32(1), took.Load())
}
