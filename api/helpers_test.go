package api_test

// The tests run the API on 127.0.0.1:0 over a real store in t.TempDir().
// They import store (the package itself never does: it speaks model).

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"gridcmd/api"
	"gridcmd/internal/testclock"
	"gridcmd/internal/testkit"
	"gridcmd/model"
	"gridcmd/store"
)

var cst = testkit.CST

// t0 is 09:00 on 29 November 2026 in Huajie.
var t0 = testkit.Morning

// Codes of the API's tiny tower.
const (
	town, village      = testkit.Town, testkit.Village
	grid01, grid02     = testkit.Grid01, testkit.Grid02
	micro011, micro012 = testkit.Micro011, testkit.Micro012
	micro021, unit0111 = testkit.Micro021, testkit.Unit0111
)

func nodes() []model.Node {
	return []model.Node{
		{Code: town, Level: model.LevelTown, Name: "花街镇"},
		{Code: village, Level: model.LevelVillage, Name: "渎溪村", Parent: town},
		{Code: grid01, Level: model.LevelGrid, Name: "渎溪第1网格", Parent: village},
		{Code: grid02, Level: model.LevelGrid, Name: "渎溪第2网格", Parent: village},
		{Code: micro011, Level: model.LevelMicroGrid, Name: "渎溪1-1微网格", Parent: grid01, Households: 60},
		{Code: micro012, Level: model.LevelMicroGrid, Name: "渎溪1-2微网格", Parent: grid01, Households: 70},
		{Code: micro021, Level: model.LevelMicroGrid, Name: "渎溪2-1微网格", Parent: grid02, Households: 55},
		{Code: unit0111, Level: model.LevelHousehold, Name: "1-1-1包联户", Parent: micro011, Households: 8},
	}
}

func people() []model.Person {
	return []model.Person{
		{Name: "陈值班", Phone: "13800000001", Node: town, Roles: []model.Role{model.RoleDutyOfficer}, OnDuty: true},
		{Name: "王网格员", Phone: "13800000002", Node: grid01, Roles: []model.Role{model.RoleGridWorkerFull}},
		{Name: "应网格长", Phone: "13800000003", Node: grid02, Roles: []model.Role{model.RoleGridLeader}},
		{Name: "周微网格", Phone: "13800000004", Node: micro012, Roles: []model.Role{model.RoleMicroGridWorker}},
		{Name: "胡村干", Phone: "13800000005", Node: village, Roles: []model.Role{model.RoleVillageCadre}},
	}
}

// env is a store with the tiny tower, tokens for its people and a server
// on loopback.
type env struct {
	t    *testing.T
	db   *store.DB
	path string
	srv  *api.Server
	url  string
	ctx  context.Context

	duty, worker, leader, micro, cadre model.Person
	tok                                map[model.PersonID]string
}

type envOption func(*api.Options, *store.Options)

func withRate(rate float64, burst int) envOption {
	return func(o *api.Options, _ *store.Options) { o.Rate, o.Burst = rate, burst }
}

func withBodyLimit(n int64) envOption {
	return func(o *api.Options, _ *store.Options) { o.BodyLimit = n }
}

func withLocal(cred string) envOption {
	return func(o *api.Options, _ *store.Options) { o.LocalCredential = cred }
}

func withClock(c *testclock.Clock) envOption {
	return func(_ *api.Options, so *store.Options) { so.Now = c.Now }
}

// openStore makes a store with the tiny tower.
func openStore(t *testing.T, so store.Options) (*store.DB, string, []model.Person) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gridcmd.db")
	db, err := store.Open(path, so)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db, path, testkit.LoadTower(t, db, nodes(), people())
}

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	ao := api.Options{}
	so := store.Options{Timeout: time.Second, Location: cst}
	for _, o := range opts {
		o(&ao, &so)
	}
	db, path, ps := openStore(t, so)
	e := &env{t: t, db: db, path: path, ctx: context.Background(), tok: map[model.PersonID]string{}}
	e.duty, e.worker, e.leader, e.micro, e.cadre = ps[0], ps[1], ps[2], ps[3], ps[4]
	for _, p := range ps {
		tok, err := db.IssueToken(e.ctx, p.ID)
		require.NoError(t, err)
		e.tok[p.ID] = tok
	}
	e.srv, e.url = serve(t, db, ao)
	return e
}

// serve runs a server over db on 127.0.0.1:0 until the test ends.
func serve(t *testing.T, db *store.DB, ao api.Options) (*api.Server, string) {
	return serveService(t, db, db, ao)
}

// serveService is serve for any service.
func serveService(t testing.TB, svc model.Service, in model.IntakeService, ao api.Options) (*api.Server, string) {
	t.Helper()
	ln := testkit.Listen(t, "127.0.0.1:0")
	srv := api.New(svc, in, ao)
	testkit.Serve(t, srv, ln)
	return srv, "http://" + ln.Addr().String()
}

// floodWartime activates a flood wartime over the village, as the duty
// officer.
func (e *env) floodWartime() {
	e.t.Helper()
	_, err := e.db.Activate(e.ctx, model.ReasonFlood, []model.NodeCode{village}, false, "", e.duty.ID)
	require.NoError(e.t, err)
}

// directive is a directive to the village, due in two hours, issued by
// the duty officer.
func (e *env) directive(text string) model.Directive {
	e.t.Helper()
	d, _, err := e.db.IssueDirective(e.ctx, text, []model.NodeCode{village}, 2*time.Hour, e.duty.ID, false)
	require.NoError(e.t, err)
	return d
}

// newDirectiveEnv is an env in a flood wartime over the village with one
// directive, text, issued by the duty officer.
func newDirectiveEnv(t *testing.T, text string) (*env, model.Directive) {
	t.Helper()
	e := newEnv(t)
	e.floodWartime()
	return e, e.directive(text)
}

// draftedReserve is a reserve of grid 02, with a token, drafted by the
// duty officer into micro-grid 01-01 of the wartime: outside its own
// node, the unit's wartime worker.
func (e *env) draftedReserve() model.Person {
	e.t.Helper()
	more, err := e.db.ImportPeople(e.ctx, []model.Person{{Name: "吴志愿", Phone: "13800000009", Node: grid02,
		Roles: []model.Role{model.RoleReserve}, Reserve: model.ReserveVolunteer}}, model.System, "reserve")
	require.NoError(e.t, err)
	reserve := more[0]
	tok, err := e.db.IssueToken(e.ctx, reserve.ID)
	require.NoError(e.t, err)
	e.tok[reserve.ID] = tok
	_, err = e.db.DraftReserve(e.ctx, reserve.ID, micro011, e.duty.ID)
	require.NoError(e.t, err)
	return reserve
}

// answer is an HTTP answer, read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(a.body, &m), "%s", a.body)
	return m
}

// do sends a request with the given headers (Authorization among them,
// when wanted).
func (e *env) do(method, path string, body []byte, headers map[string]string) answer {
	e.t.Helper()
	req, err := http.NewRequest(method, e.url+path, bytes.NewReader(body))
	require.NoError(e.t, err)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		if v == "" {
			req.Header.Del(k)
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

func bearer(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

// post posts body as p with an optional Idempotency-Key.
func (e *env) post(path string, p model.Person, key string, body string) answer {
	e.t.Helper()
	h := bearer(e.tok[p.ID])
	if key != "" {
		h["Idempotency-Key"] = key
	}
	return e.do(http.MethodPost, path, []byte(body), h)
}

// reportJSON is a valid report body at node with the given title.
func reportJSON(node model.NodeCode, title string) string {
	b, _ := json.Marshal(map[string]any{
		"node": node, "category": "traffic", "severity": "II", "title": title, "text": "货车散落货物，占用一条车道",
	})
	return string(b)
}

// chargerAlert posts, as the grid worker, a charger's overheating alert
// (过温) from device dev at the household unit 1-1-1 with Idempotency-Key
// key.
func (e *env) chargerAlert(dev, key string) answer {
	b, _ := json.Marshal(map[string]any{"device": dev, "kind": "charger", "node": unit0111, "text": "过温"})
	return e.post("/api/v1/alerts", e.worker, key, string(b))
}

// incidentsTitled lists the stored incidents whose title contains s.
func (e *env) incidentsTitled(s string) []model.Incident {
	e.t.Helper()
	all, err := e.db.Incidents(e.ctx, model.IncidentFilter{})
	require.NoError(e.t, err)
	var out []model.Incident
	for _, inc := range all {
		if strings.Contains(inc.Title, s) {
			out = append(out, inc)
		}
	}
	return out
}

func (e *env) requireClean() {
	e.t.Helper()
	problems, err := e.db.Check(e.ctx)
	require.NoError(e.t, err)
	require.Empty(e.t, problems)
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// requireEnds waits for sub's channel to close.
func requireEnds(t *testing.T, sub model.Subscription, why string) {
	t.Helper()
	require.Eventually(t, func() bool {
		select {
		case _, ok := <-sub.C():
			return !ok
		default:
			return false
		}
	}, 5*time.Second, 10*time.Millisecond, why)
}
