package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/api"
	"gridcmd/model"
)

// patrolEnv is the API's env with two patrollers and the liaison (with
// tokens) and two areas of Duxi: P-DX-01 (three checkpoints) of the first
// patroller, P-DX-02 of the second.
type patrolEnv struct {
	*env
	pat, pat2, liaison model.Person
}

func newPatrolEnv(t *testing.T, opts ...envOption) *patrolEnv {
	t.Helper()
	e := &patrolEnv{env: newEnv(t, opts...)}
	ps, err := e.db.ImportPeople(e.ctx, []model.Person{
		{Name: "徐巡护", Phone: "13800000011", Node: town, Roles: []model.Role{model.RolePatroller}},
		{Name: "金巡护", Phone: "13800000012", Node: town, Roles: []model.Role{model.RolePatroller}},
		{Name: "楼联络", Phone: "13800000013", Node: town, Roles: []model.Role{model.RoleLiaison}},
	}, model.System, "patrol roster")
	require.NoError(t, err)
	e.pat, e.pat2, e.liaison = ps[0], ps[1], ps[2]
	for _, p := range ps {
		tok, err := e.db.IssueToken(e.ctx, p.ID)
		require.NoError(t, err)
		e.tok[p.ID] = tok
	}
	_, _, err = e.db.ImportAreas(e.ctx, []model.PatrolArea{
		{Code: "P-DX-01", Name: "渎溪后山林", Kind: model.KindForest, Village: village, Every: 24 * time.Hour, Patroller: e.pat.ID,
			Checkpoints: []model.Checkpoint{{Code: "C1"}, {Code: "C2"}, {Code: "C3"}}},
		{Code: "P-DX-02", Name: "渎溪水库", Kind: model.KindReservoir, Village: village, Every: 24 * time.Hour, Patroller: e.pat2.ID,
			Checkpoints: []model.Checkpoint{{Code: "D1"}}},
	}, model.System, "")
	require.NoError(t, err)
	return e
}

func TestPatrolEndpoints(t *testing.T) {
	e := newPatrolEnv(t)

	// Start: 201, a retry 200, the key with another body 422.
	a := e.post("/api/v1/patrols", e.pat, "start-1", `{"area":"p-dx-01"}`)
	require.Equal(t, http.StatusCreated, a.status, "%s", a.body)
	m := a.json(t)
	assert.Equal(t, "X-0001", m["id"])
	assert.Equal(t, "P-DX-01", m["area"])
	assert.Equal(t, e.pat.ID.String(), m["patroller"])
	assert.Equal(t, 3.0, m["checkpoints"])
	assert.Equal(t, false, m["duplicate"])
	a = e.post("/api/v1/patrols", e.pat, "start-1", `{"area":"P-DX-01"}`)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	assert.Equal(t, true, a.json(t)["duplicate"])
	assert.Equal(t, "X-0001", a.json(t)["id"])
	a = e.post("/api/v1/patrols", e.pat, "start-1", `{"area":"P-DX-02"}`)
	assert.Equal(t, http.StatusUnprocessableEntity, a.status, "%s", a.body)
	assert.Equal(t, "Idempotency-Key", a.json(t)["field"])

	// Scope: the second patroller's token does not reach P-DX-01, nor does
	// a grid worker's; the liaison's reaches the town's areas.
	a = e.post("/api/v1/patrols", e.pat2, "", `{"area":"P-DX-01"}`)
	assert.Equal(t, http.StatusForbidden, a.status, "%s", a.body)
	assert.NotEmpty(t, a.json(t)["error_zh"])
	a = e.post("/api/v1/patrols", e.worker, "", `{"area":"P-DX-02"}`)
	assert.Equal(t, http.StatusForbidden, a.status, "%s", a.body)
	a = e.post("/api/v1/patrols", e.pat, "", `{"area":"P-DX-02"}`)
	assert.Equal(t, http.StatusForbidden, a.status, "assigned to another")
	a = e.post("/api/v1/patrols", e.liaison, "", `{"area":"P-DX-01"}`)
	assert.Equal(t, http.StatusConflict, a.status, "the area is being patrolled: %s", a.body)

	// Bad requests.
	for _, tc := range []struct {
		body   string
		status int
		field  string
	}{
		{`{"area":"P-DX-99"}`, http.StatusUnprocessableEntity, "area"},
		{`{"area":"DX-01"}`, http.StatusUnprocessableEntity, "area"},
		{`{"area":" "}`, http.StatusUnprocessableEntity, "area"},
		{`{}`, http.StatusUnprocessableEntity, "area"},
		{`{"area":"P-DX-02","x":1}`, http.StatusBadRequest, "x"},
		{`{"area":"P-DX-02","AREA":"P-DX-02"}`, http.StatusBadRequest, "AREA"},
		{`{"area":7}`, http.StatusBadRequest, "area"},
		{`[`, http.StatusBadRequest, ""},
	} {
		a = e.post("/api/v1/patrols", e.pat2, "", tc.body)
		assert.Equal(t, tc.status, a.status, "%s: %s", tc.body, a.body)
		if tc.field != "" {
			assert.Equal(t, tc.field, a.json(t)["field"], tc.body)
		}
	}
	a = e.do(http.MethodPost, "/api/v1/patrols", []byte(`{"area":"P-DX-02"}`), nil)
	assert.Equal(t, http.StatusUnauthorized, a.status)
	h := bearer(e.tok[e.pat2.ID])
	h["Content-Type"] = "text/plain"
	a = e.do(http.MethodPost, "/api/v1/patrols", []byte(`{"area":"P-DX-02"}`), h)
	assert.Equal(t, http.StatusUnsupportedMediaType, a.status)
	a = e.post("/api/v1/patrols", e.pat2, "", `{"area":"P-DX-02","pad":"`+strings.Repeat("x", api.DefaultBodyLimit)+`"}`)
	assert.Equal(t, http.StatusRequestEntityTooLarge, a.status)
	a = e.post("/api/v1/patrols", e.pat2, "bad key", `{"area":"P-DX-02"}`)
	assert.Equal(t, http.StatusBadRequest, a.status)

	// Check-ins: 201, a retry 200; the checkpoint and the place checked.
	ci := "/api/v1/patrols/X-0001/checkins"
	a = e.post(ci, e.pat, "ci-1", `{"checkpoint":"c1","location":{"lat":28.93,"lon":120.08}}`)
	require.Equal(t, http.StatusCreated, a.status, "%s", a.body)
	assert.Equal(t, 1.0, a.json(t)["checked"])
	a = e.post(ci, e.pat, "ci-1", `{"checkpoint":"c1","location":{"lat":28.93,"lon":120.08}}`)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	assert.Equal(t, true, a.json(t)["duplicate"])
	assert.Equal(t, 1.0, a.json(t)["checked"])
	for _, tc := range []struct {
		path, body string
		who        model.Person
		status     int
		field      string
	}{
		{ci, `{"checkpoint":"C9"}`, e.pat, http.StatusUnprocessableEntity, "checkpoint"},
		{ci, `{}`, e.pat, http.StatusUnprocessableEntity, "checkpoint"},
		{ci, `{"checkpoint":"C2","location":{"lat":95,"lon":120}}`, e.pat, http.StatusUnprocessableEntity, "location.lat"},
		{ci, `{"checkpoint":"C2","location":{"lat":"n","lon":120}}`, e.pat, http.StatusBadRequest, "location.lat"},
		{ci, `{"checkpoint":"C2"}`, e.pat2, http.StatusForbidden, ""},
		{ci, `{"checkpoint":"C2"}`, e.liaison, http.StatusForbidden, ""},
		{"/api/v1/patrols/X-0099/checkins", `{"checkpoint":"C2"}`, e.pat, http.StatusNotFound, ""},
		{"/api/v1/patrols/nope/checkins", `{"checkpoint":"C2"}`, e.pat, http.StatusUnprocessableEntity, "patrol"},
	} {
		a = e.post(tc.path, tc.who, "", tc.body)
		assert.Equal(t, tc.status, a.status, "%s %s: %s", tc.path, tc.body, a.body)
		if tc.field != "" {
			assert.Equal(t, tc.field, a.json(t)["field"], tc.body)
		}
	}
	for _, cp := range []string{"C2", "C3"} {
		a = e.post(ci, e.pat, "", `{"checkpoint":"`+cp+`"}`)
		require.Equal(t, http.StatusCreated, a.status, "%s", a.body)
	}
	assert.Equal(t, true, a.json(t)["complete"])
	assert.NotNil(t, a.json(t)["completed_at"])

	// End: 200; a retry 200 duplicate; again without the key 409.
	end := "/api/v1/patrols/X-0001/end"
	a = e.post(end, e.pat2, "", ``)
	assert.Equal(t, http.StatusForbidden, a.status, "%s", a.body)
	a = e.post(end, e.pat, "end-1", ``)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	assert.NotNil(t, a.json(t)["ended_at"])
	assert.Equal(t, false, a.json(t)["duplicate"])
	a = e.post(end, e.pat, "end-1", `{}`)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	assert.Equal(t, true, a.json(t)["duplicate"])
	a = e.post(end, e.pat, "", ``)
	assert.Equal(t, http.StatusConflict, a.status, "%s", a.body)
	assert.NotEmpty(t, a.json(t)["error_zh"])
	a = e.post(ci, e.pat, "", `{"checkpoint":"C1"}`)
	assert.Equal(t, http.StatusConflict, a.status, "a check-in after the end")
	a = e.post(end, e.pat, "", `{"x":1}`)
	assert.Equal(t, http.StatusBadRequest, a.status)

	// The liaison covers the other area.
	a = e.post("/api/v1/patrols", e.liaison, "", `{"area":"P-DX-02"}`)
	require.Equal(t, http.StatusCreated, a.status, "%s", a.body)
	assert.Equal(t, e.liaison.ID.String(), a.json(t)["patroller"])

	ps, err := e.db.Patrols(e.ctx, model.PatrolFilter{})
	require.NoError(t, err)
	require.Len(t, ps, 2)
	assert.Len(t, ps[0].CheckIns, 3, "the retried check-in landed once")
	assert.Equal(t, &model.LatLon{Lat: 28.93, Lon: 120.08}, ps[0].CheckIns[0].Loc)
	e.requireClean()
}

func TestFindingEndpoint(t *testing.T) {
	e := newPatrolEnv(t)
	a := e.post("/api/v1/findings", e.pat, "f-1",
		`{"area":"P-DX-01","checkpoint":"c2","category":"生态","text":"防火道旁\u001b[2J有人焚烧垃圾\u202e","location":{"lat":28.9,"lon":120.1},"photo":"img/0001.jpg"}`)
	require.Equal(t, http.StatusCreated, a.status, "%s", a.body)
	m := a.json(t)
	assert.Equal(t, "F-0001", m["id"])
	assert.Equal(t, "waiting", m["status"])
	a = e.post("/api/v1/findings", e.pat, "f-1",
		`{"area":"P-DX-01","checkpoint":"c2","category":"生态","text":"防火道旁\u001b[2J有人焚烧垃圾\u202e","location":{"lat":28.9,"lon":120.1},"photo":"img/0001.jpg"}`)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	assert.Equal(t, true, a.json(t)["duplicate"])
	f, err := e.db.Finding(e.ctx, "F-0001")
	require.NoError(t, err)
	assert.Equal(t, "防火道旁有人焚烧垃圾", f.Text, "the sanitiser ran")
	assert.Equal(t, model.Category("ecology"), f.Category)
	assert.Equal(t, "C2", f.Checkpoint)
	assert.Equal(t, "img/0001.jpg", f.Photo)

	for _, tc := range []struct {
		who    model.Person
		body   string
		status int
		field  string
	}{
		{e.pat2, `{"area":"P-DX-01","category":"fire","text":"x"}`, http.StatusForbidden, ""},
		{e.worker, `{"area":"P-DX-01","category":"fire","text":"x"}`, http.StatusForbidden, ""},
		{e.pat, `{"area":"P-DX-09","category":"fire","text":"x"}`, http.StatusUnprocessableEntity, "area"},
		{e.pat, `{"area":"P-DX-01","category":"weather","text":"x"}`, http.StatusUnprocessableEntity, "category"},
		{e.pat, `{"area":"P-DX-01","category":"fire","text":"x","checkpoint":"Z"}`, http.StatusUnprocessableEntity, "checkpoint"},
		{e.pat, `{"area":"P-DX-01","category":"fire"}`, http.StatusUnprocessableEntity, "text"},
		{e.pat, `{"area":"P-DX-01","category":"fire","text":"\u001b[31m"}`, http.StatusUnprocessableEntity, "text"},
		{e.pat, `{"area":"P-DX-01","category":"fire","text":"` + strings.Repeat("林", 2001) + `"}`, http.StatusUnprocessableEntity, "text"},
		{e.pat, `{"area":"P-DX-01","category":"fire","text":"x","photo":"` + strings.Repeat("p", 600) + `"}`, http.StatusUnprocessableEntity, "photo"},
		{e.pat, `{"area":"P-DX-01","category":"fire","text":"x","location":{"lat":0,"lon":200}}`, http.StatusUnprocessableEntity, "location.lon"},
		{e.pat, `{"area":"P-DX-01","category":"fire","text":"\ud800"}`, http.StatusUnprocessableEntity, "text"},
		{e.pat, `{"area":"P-DX-01","category":"fire","text":"x","severity":"I"}`, http.StatusBadRequest, "severity"},
	} {
		a = e.post("/api/v1/findings", tc.who, "", tc.body)
		assert.Equal(t, tc.status, a.status, "%.80s: %s", tc.body, a.body)
		if tc.field != "" {
			assert.Equal(t, tc.field, a.json(t)["field"], "%.80s", tc.body)
		}
	}
	a = e.post("/api/v1/findings", e.liaison, "", `{"area":"P-DX-02","category":"flood","text":"水位上涨"}`)
	assert.Equal(t, http.StatusCreated, a.status, "the liaison's token reaches the town's areas: %s", a.body)
	open, err := e.db.Findings(e.ctx, model.FindingFilter{Open: true})
	require.NoError(t, err)
	assert.Len(t, open, 2)
	e.requireClean()
}

func TestPatrolRateLimit(t *testing.T) {
	e := newPatrolEnv(t, withRate(1, 1))
	a := e.post("/api/v1/findings", e.pat, "", `{"area":"P-DX-01","category":"fire","text":"烟"}`)
	require.Equal(t, http.StatusCreated, a.status, "%s", a.body)
	a = e.post("/api/v1/findings", e.pat, "", `{"area":"P-DX-01","category":"fire","text":"烟"}`)
	assert.Equal(t, http.StatusTooManyRequests, a.status)
	assert.NotEmpty(t, a.header.Get("Retry-After"))
}

// TestPatrolsOverLocalRPC: the command line's client does the whole flow
// while a server holds the database.
func TestPatrolsOverLocalRPC(t *testing.T) {
	e := newPatrolEnv(t)
	_, url := serveService(t, e.db, e.db, api.Options{LocalCredential: "gcl_test"})
	c, err := api.NewLocalClient(strings.TrimPrefix(url, "http://"), "gcl_test")
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	var svc model.PatrolService = c

	areas, err := svc.Areas(e.ctx)
	require.NoError(t, err)
	require.Len(t, areas, 2)
	p, dup, err := svc.StartPatrol(e.ctx, "P-DX-01", e.pat.ID, "k1")
	require.NoError(t, err)
	assert.False(t, dup)
	_, dup, err = svc.StartPatrol(e.ctx, "P-DX-01", e.pat.ID, "k1")
	require.NoError(t, err)
	assert.True(t, dup)
	p, _, err = svc.PatrolCheckIn(e.ctx, p.ID, "C1", &model.LatLon{Lat: 1, Lon: 2}, e.pat.ID, "")
	require.NoError(t, err)
	assert.Equal(t, &model.LatLon{Lat: 1, Lon: 2}, p.CheckIns[0].Loc)
	_, _, err = svc.PatrolCheckIn(e.ctx, p.ID, "C1", nil, e.pat2.ID, "")
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err))
	assert.NotEqual(t, model.ErrorMessage(err), model.ErrorMessageZh(err), "the refusal keeps its Chinese")
	_, _, err = svc.EndPatrol(e.ctx, p.ID, e.pat.ID, "")
	require.NoError(t, err)
	got, err := svc.Patrols(e.ctx, model.PatrolFilter{Area: "p-dx-01"})
	require.NoError(t, err)
	require.Len(t, got, 1)

	f, _, err := svc.AddFinding(e.ctx, model.FindingReport{Area: "P-DX-01", Category: "fire", Text: "烟点", By: e.pat.ID}, "")
	require.NoError(t, err)
	f, inc, err := svc.PassFinding(e.ctx, f.ID, grid01, "", 0, e.liaison.ID)
	require.NoError(t, err)
	assert.Equal(t, model.FindingPassed, f.Status)
	assert.Equal(t, model.SourcePatrol, inc.Source)
	f2, _, err := svc.AddFinding(e.ctx, model.FindingReport{Area: "P-DX-01", Category: "fire", Text: "又见烟点", By: e.pat.ID}, "")
	require.NoError(t, err)
	_, err = svc.MergeFinding(e.ctx, f2.ID, inc.ID, e.liaison.ID)
	require.NoError(t, err)
	f3, _, err := svc.AddFinding(e.ctx, model.FindingReport{Area: "P-DX-01", Category: "fire", Text: "误报", By: e.pat.ID}, "")
	require.NoError(t, err)
	_, err = svc.CloseFinding(e.ctx, f3.ID, "烧秸秆，已劝离", e.liaison.ID)
	require.NoError(t, err)
	all, err := svc.Findings(e.ctx, model.FindingFilter{})
	require.NoError(t, err)
	assert.Len(t, all, 3)
	one, err := svc.Finding(e.ctx, f2.ID)
	require.NoError(t, err)
	assert.Equal(t, model.FindingMerged, one.Status)
	assert.Equal(t, model.StatusReported, one.IncidentStatus)

	b, err := svc.PatrolBoard(e.ctx, time.Time{}, "")
	require.NoError(t, err)
	direct, err := e.db.PatrolBoard(e.ctx, time.Time{}, "")
	require.NoError(t, err)
	assert.Equal(t, direct.Rates.KindRate, b.Rates.KindRate, "the board over the wire is the board")
	assert.Len(t, b.Patrollers, 2)

	r, err := svc.AddRotation(e.ctx, model.JointRotation{Name: "渎溪扫楼", Activity: model.ActivitySweep,
		Groups: [][]model.NodeCode{{grid01}, {grid02}}, Start: time.Now().AddDate(0, 0, -1)}, e.duty.ID, "")
	require.NoError(t, err)
	rs, err := svc.Rotations(e.ctx)
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, r.ID, rs[0].ID)
	on := e.worker
	if r.GroupOn(time.Now()) == 1 {
		on = e.leader
	}
	ev, err := svc.RotationReport(e.ctx, r.ID, "清查", on.ID)
	require.NoError(t, err)
	assert.Equal(t, model.ActRotationSweep, ev.Action)
	n, m, err := svc.ImportAreas(e.ctx, areas[:1], e.duty.ID, "again")
	require.NoError(t, err)
	assert.Equal(t, [2]int{0, 1}, [2]int{n, m})
	e.requireClean()
}
