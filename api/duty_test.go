package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/api"
	"gridcmd/internal/testclock"
	"gridcmd/model"
)

// A refusal of one shift of a batch says which over the local RPC as the
// store says it: the shift refused and the earlier one of the batch it
// overlaps (model.Error.Item, Other), with its Chinese.
func TestLocalAddShiftsNamesTheShiftRefused(t *testing.T) {
	le := newLocalEnv(t)
	now := le.db.Now()
	batch := []model.Shift{
		{Room: town, Person: le.duty.ID, From: now, To: now.Add(8 * time.Hour)},
		{Room: village, Person: le.cadre.ID, From: now, To: now.Add(8 * time.Hour)},
		{Room: village, Person: le.cadre.ID, From: now.Add(7 * time.Hour), To: now.Add(9 * time.Hour)},
	}
	_, want := le.db.AddShifts(le.ctx, batch, le.duty.ID, "")
	_, got := le.c.AddShifts(le.ctx, batch, le.duty.ID, "")
	require.Error(t, want)
	require.Error(t, got)
	item, other := model.ErrorItem(got)
	assert.Equal(t, []int{3, 2}, []int{item, other}, "the third shift, overlapping the second")
	wi, wo := model.ErrorItem(want)
	assert.Equal(t, []int{wi, wo}, []int{item, other}, "as the store says")
	assert.Equal(t, model.ErrorCode(want), model.ErrorCode(got))
	assert.Equal(t, model.ErrorMessage(want), model.ErrorMessage(got))
	assert.Equal(t, model.ErrorMessageZh(want), model.ErrorMessageZh(got))
	assert.Contains(t, model.ErrorMessage(got), "shift 2 of this batch")

	_, got = le.c.AddShifts(le.ctx, []model.Shift{batch[0], {Room: "330784114299", Person: le.duty.ID, From: now, To: now.Add(time.Hour)}}, le.duty.ID, "")
	assert.Equal(t, model.ENOTFOUND, model.ErrorCode(got))
	item, other = model.ErrorItem(got)
	assert.Equal(t, []int{2, 0}, []int{item, other}, "a refusal naming no other shift")
}

// TestLocalDutyRoundTrips calls every method of model.DutyService through
// the local client against the real store, and checks each answer against
// the store's own, refusals with their Chinese included.
func TestLocalDutyRoundTrips(t *testing.T) {
	le := newLocalEnv(t)
	c, db, ctx := le.c, le.db, le.ctx
	more, err := db.ImportPeople(ctx, []model.Person{{Name: "林值班", Phone: "13800000051", Node: town, Roles: []model.Role{model.RoleDutyOfficer}}}, model.System, "")
	require.NoError(t, err)
	second := more[0]
	now := db.Now()
	change := now.Add(30 * time.Minute)

	added, err := c.AddShifts(ctx, []model.Shift{
		{Room: town, Person: le.duty.ID, From: now.Add(-8 * time.Hour), To: change},
		{Room: town, Person: second.ID, From: change, To: change.Add(12 * time.Hour)},
		{Room: village, Person: le.cadre.ID, From: now.Add(-time.Hour), To: now.Add(23 * time.Hour)},
	}, le.duty.ID, "via the client")
	require.NoError(t, err)
	require.Len(t, added, 3)
	_, err = c.AddShifts(ctx, []model.Shift{{Room: village, Person: le.cadre.ID, From: now, To: now.Add(time.Hour)}}, le.duty.ID, "")
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err))
	assert.Contains(t, model.ErrorMessageZh(err), "重叠")

	got, err := c.Shifts(ctx, model.ShiftFilter{Room: town})
	require.NoError(t, err)
	want, err := db.Shifts(ctx, model.ShiftFilter{Room: town})
	require.NoError(t, err)
	sameJSON(t, want, got, "Shifts")

	gd, err := c.Duty(ctx, "", time.Time{})
	require.NoError(t, err)
	wd, err := db.Duty(ctx, "", time.Time{})
	require.NoError(t, err)
	sameJSON(t, wd, gd, "Duty")
	require.Len(t, gd, 2)
	gu, err := c.DutyUnder(ctx, village, time.Time{})
	require.NoError(t, err)
	wu, err := db.DutyUnder(ctx, village, time.Time{})
	require.NoError(t, err)
	sameJSON(t, wu, gu, "DutyUnder")
	require.Len(t, gu, 1)
	assert.Equal(t, le.cadre.ID, gu[0].Current.Person)
	assert.Equal(t, le.duty.ID, gd[0].Current.Person)

	preview, err := c.Handover(ctx, town, "一切正常", le.duty.ID, true, "")
	require.NoError(t, err)
	assert.Empty(t, preview.ID)
	// Over the local RPC too, a hand-over files the sheet read or nothing.
	_, err = c.Handover(ctx, town, "一切正常", le.duty.ID, false, "not-the-sheet-read")
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err))
	assert.Contains(t, model.ErrorMessageZh(err), "交班单在您阅读后已有变化")
	h, err := c.Handover(ctx, town, "一切正常", le.duty.ID, false, preview.Sheet.Digest())
	require.NoError(t, err)
	assert.Equal(t, "H-0001", h.ID)
	_, err = c.AcceptHandover(ctx, "", town, le.duty.ID)
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err))
	acc, err := c.AcceptHandover(ctx, "H-0001", "", second.ID)
	require.NoError(t, err)
	assert.False(t, acc.Waiting())
	gh, err := c.Handovers(ctx, model.HandoverFilter{Room: town, Limit: 5})
	require.NoError(t, err)
	wh, err := db.Handovers(ctx, model.HandoverFilter{Room: town, Limit: 5})
	require.NoError(t, err)
	sameJSON(t, wh, gh, "Handovers")
	assert.Equal(t, "一切正常", gh[0].Sheet.Note)

	sw, err := c.SwapShift(ctx, added[1].ID, le.duty.ID, second.ID)
	require.NoError(t, err)
	assert.Equal(t, le.duty.ID, sw.Person)

	require.NoError(t, c.CheckIn(ctx, village, le.cadre.ID))
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(c.CheckIn(ctx, village, le.worker.ID)))

	hb, err := c.AddHeartbeat(ctx, model.Heartbeat{Name: "gw-1", Node: grid01, Every: 10 * time.Minute}, le.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, "gw-1", hb.Name)
	beat, err := c.Beat(ctx, "gw-1", le.worker.ID)
	require.NoError(t, err)
	assert.False(t, beat.LastAt.IsZero())
	gl, err := c.Heartbeats(ctx)
	require.NoError(t, err)
	wl, err := db.Heartbeats(ctx)
	require.NoError(t, err)
	sameJSON(t, wl, gl, "Heartbeats")
	require.NoError(t, c.RemoveHeartbeat(ctx, "gw-1", le.duty.ID))
	assert.Equal(t, model.ENOTFOUND, model.ErrorCode(c.RemoveHeartbeat(ctx, "gw-1", le.duty.ID)))
	le.requireClean()
}

// TestHeartbeatEndpoint: POST /api/v1/heartbeats/{name} with a token; a
// gateway that falls silent opens one incident (source watchdog), and its
// next heartbeat resolves it by itself.
func TestHeartbeatEndpoint(t *testing.T) {
	clock := testclock.New(t0)
	e := newEnv(t, withClock(clock))
	_, err := e.db.AddHeartbeat(e.ctx, model.Heartbeat{Name: "gw-duxi", Node: grid01, Every: 10 * time.Minute}, e.duty.ID)
	require.NoError(t, err)

	a := e.post("/api/v1/heartbeats/gw-duxi", e.worker, "", "")
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	var r api.HeartbeatResponse
	require.NoError(t, jsonUnmarshal(a.body, &r))
	assert.Equal(t, api.HeartbeatResponse{Name: "gw-duxi", Node: string(grid01), Every: "10m", LastAt: t0, State: model.HeartbeatOK},
		api.HeartbeatResponse{Name: r.Name, Node: r.Node, Every: r.Every, LastAt: r.LastAt.In(cst), State: r.State})
	assert.Equal(t, http.StatusOK, e.post("/api/v1/heartbeats/gw-duxi", e.worker, "", "{}").status, "{} is a heartbeat too")

	for _, tt := range []struct {
		name   string
		path   string
		p      model.Person
		body   string
		status int
		field  string
	}{
		{"another grid's worker", "/api/v1/heartbeats/gw-duxi", e.leader, "", http.StatusForbidden, ""},
		{"nobody added it", "/api/v1/heartbeats/gw-none", e.worker, "", http.StatusNotFound, "name"},
		{"a bad name", "/api/v1/heartbeats/-gw", e.worker, "", http.StatusUnprocessableEntity, "name"},
		{"a field it does not read", "/api/v1/heartbeats/gw-duxi", e.worker, `{"battery": 80}`, http.StatusBadRequest, "battery"},
		{"not JSON", "/api/v1/heartbeats/gw-duxi", e.worker, `beat`, http.StatusBadRequest, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := e.post(tt.path, tt.p, "", tt.body)
			require.Equal(t, tt.status, a.status, "%s", a.body)
			if tt.field != "" {
				assert.Equal(t, tt.field, a.json(t)["field"], "%s", a.body)
			}
		})
	}
	a = e.do(http.MethodPost, "/api/v1/heartbeats/gw-duxi", nil, nil)
	assert.Equal(t, http.StatusUnauthorized, a.status)

	// Silent past its interval: one incident, from the watchdog.
	clock.Advance(10 * time.Minute)
	evs, err := e.db.Sweep(e.ctx)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	inc, err := e.db.Incident(e.ctx, evs[0].Incident)
	require.NoError(t, err)
	assert.Equal(t, model.SourceWatchdog, inc.Source)
	clock.Advance(10 * time.Minute)
	evs, err = e.db.Sweep(e.ctx)
	require.NoError(t, err)
	for _, ev := range evs {
		assert.NotEqual(t, model.ActReport, ev.Action)
	}

	a = e.post("/api/v1/heartbeats/gw-duxi", e.worker, "", "")
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	inc, err = e.db.Incident(e.ctx, inc.ID)
	require.NoError(t, err)
	assert.Equal(t, model.StatusResolved, inc.Status)
	tl, err := e.db.Timeline(e.ctx, inc.ID)
	require.NoError(t, err)
	last := tl[len(tl)-1]
	assert.Equal(t, model.ActResolve, last.Action)
	assert.Equal(t, model.System, last.Actor)
	e.requireClean()
}
