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

// dongchengArea adds the county, its town 东城街道 with 园丁社区, a
// patroller of 东城街道 (the people returned) and their area P-YD-01 to
// e's file of 花街镇.
func dongchengArea(t *testing.T, e *patrolEnv) []model.Person {
	t.Helper()
	_, err := e.db.ImportNodes(e.ctx, []model.Node{
		{Code: "330784", Level: model.LevelCounty, Name: "永康市"},
		{Code: "330784001", Level: model.LevelTown, Name: "东城街道", Parent: "330784"},
		{Code: "330784001001", Level: model.LevelVillage, Name: "园丁社区", Parent: "330784001"},
	}, model.System, "county")
	require.NoError(t, err)
	ps, err := e.db.ImportPeople(e.ctx, []model.Person{
		{Name: "东城巡护", Phone: "13900000001", Node: "330784001", Roles: []model.Role{model.RolePatroller}},
	}, model.System, "county roster")
	require.NoError(t, err)
	_, _, err = e.db.ImportAreas(e.ctx, []model.PatrolArea{{Code: "P-YD-01", Name: "园丁巡查", Kind: model.KindVillage, Village: "330784001001",
		Every: 24 * time.Hour, Patroller: ps[0].ID, Checkpoints: []model.Checkpoint{{Code: "A"}}}}, model.System, "")
	require.NoError(t, err)
	return ps
}

// TestPatrolBoardOfATownOverLocalRPC: the board's node goes over the local
// RPC: the command line's client reads a town's board (its areas, its
// patrollers) as the store gives it, and the whole file's without one.
func TestPatrolBoardOfATownOverLocalRPC(t *testing.T) {
	e := newPatrolEnv(t)
	dongchengArea(t, e)
	_, url := serveService(t, e.db, e.db, api.Options{LocalCredential: "gcl_test"})
	c, err := api.NewLocalClient(strings.TrimPrefix(url, "http://"), "gcl_test")
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	codes := func(b model.PatrolBoard) (out []string) {
		for _, a := range b.Areas {
			out = append(out, a.Area.Code)
		}
		for _, p := range b.Patrollers {
			out = append(out, p.Person.Name)
		}
		return out
	}
	for node, want := range map[model.NodeCode][]string{
		"330784001": {"P-YD-01", "东城巡护"},
		town:        {"P-DX-01", "P-DX-02", "徐巡护", "金巡护"},
		"":          {"P-DX-01", "P-DX-02", "P-YD-01", "徐巡护", "金巡护", "东城巡护"},
	} {
		b, err := c.PatrolBoard(e.ctx, time.Time{}, node)
		require.NoError(t, err)
		assert.Equal(t, want, codes(b), "%q", node)
		direct, err := e.db.PatrolBoard(e.ctx, time.Time{}, node)
		require.NoError(t, err)
		assert.Equal(t, codes(direct), codes(b), "%q: the board over the wire is the store's", node)
	}
	_, err = c.PatrolBoard(e.ctx, time.Time{}, "33078x")
	assert.Equal(t, model.EINVALID, model.ErrorCode(err))
}

// TestPatrolOutOfAreaNamesThePlaces: the field API's 403 for an area not
// the token holder's names the area, where it lies and whose it is, not
// their codes alone (a QA: "may not patrol P-YD-01: it is assigned to
// P8"); to 花街镇's liaison, whose town's areas her token reaches, an area
// of 东城街道 is said to be that town's.
func TestPatrolOutOfAreaNamesThePlaces(t *testing.T) {
	e := newPatrolEnv(t)
	ps := dongchengArea(t, e)

	foreign := e.liaison.Name + " (" + e.liaison.ID.String() + ") of 花街镇 330784114 may not patrol P-YD-01 园丁巡查 at 园丁社区 330784001001: " +
		"it is in 东城街道 330784001, another town; only its patroller, 东城巡护 (" + ps[0].ID.String() + "), or the liaison or a duty officer of its town may"
	for _, a := range []answer{
		e.post("/api/v1/patrols", e.liaison, "", `{"area":"P-YD-01"}`),
		e.post("/api/v1/findings", e.liaison, "", `{"area":"P-YD-01","category":"fire","text":"冒烟"}`),
	} {
		require.Equal(t, http.StatusForbidden, a.status, "%s", a.body)
		assert.Equal(t, foreign, a.json(t)["error"])
		assert.Contains(t, a.json(t)["error_zh"], "不能巡护 园丁社区 330784001001 的 P-YD-01 园丁巡查：该处属 东城街道 330784001，不是其所在镇街")
	}
	a := e.post("/api/v1/patrols", e.pat2, "", `{"area":"P-DX-01"}`)
	require.Equal(t, http.StatusForbidden, a.status, "%s", a.body)
	assert.Equal(t, "金巡护 (patroller) may not patrol P-DX-01 渎溪后山林 at 渎溪村 330784114266: it is assigned to 徐巡护 ("+e.pat.ID.String()+
		"); only its patroller, the liaison or a duty officer may", a.json(t)["error"])
}
