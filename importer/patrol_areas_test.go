package importer

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

func TestParsePatrolAreas(t *testing.T) {
	in := "编码,名称,类型,所在村,频次,巡护员,检查点,检查点名称,纬度,经度,备注\n" +
		"p-dx-01,渎溪后山林,山林,渎溪村,每日,P7,C1,山脚,28.931,120.081,\n" +
		"P-DX-01,,,,,,C2,防火道,,,x\n" +
		"P-DX-01,渎溪后山林,forest,,,,C3,,,,\n" +
		"P-DX-02,渎溪水库,reservoir,330784114266,weekly,,D1,大坝,,,\n"
	res := Resolver{Village: func(s string) (model.NodeCode, error) {
		if s == "渎溪村" {
			return "330784114266", nil
		}
		return model.ParseNodeCode(s)
	}}
	areas, err := ParsePatrolAreas("areas.csv", strings.NewReader(in), res)
	require.NoError(t, err)
	require.Len(t, areas, 2)
	a := areas[0]
	assert.Equal(t, "P-DX-01", a.Code)
	assert.Equal(t, model.KindForest, a.Kind)
	assert.Equal(t, model.NodeCode("330784114266"), a.Village)
	assert.Equal(t, 24*time.Hour, a.Every)
	assert.Equal(t, model.PersonID(7), a.Patroller)
	require.Len(t, a.Checkpoints, 3)
	assert.Equal(t, &model.LatLon{Lat: 28.931, Lon: 120.081}, a.Checkpoints[0].Loc)
	assert.Equal(t, "C3", a.Checkpoints[2].Name, "an unnamed checkpoint is called by its code")
	assert.Equal(t, model.PersonID(0), areas[1].Patroller)
	assert.Equal(t, 7*24*time.Hour, areas[1].Every)

	for body, want := range map[string]string{"x,name\n": `a.csv:1: missing column "area"`, "area,checkpoint\n": "a.csv: no areas"} {
		_, err := ParsePatrolAreas("a.csv", strings.NewReader(body), Resolver{})
		require.Error(t, err, body)
		assert.Contains(t, err.Error(), want, body)
	}
	head := "area,name,kind,village,every,patroller,checkpoint,lat,lon\n"
	for _, tc := range []struct{ body, want string }{
		{"DX,山,forest,330784114266,daily,,C1,,\n", "a.csv:2: area \"DX\""},
		{"P-A,,forest,330784114266,daily,,C1,,\n", "a.csv:2: area P-A: name is empty"},
		{"P-A,山,desert,330784114266,daily,,C1,,\n", "a.csv:2: area P-A: area kind \"desert\""},
		{"P-A,山,forest,3307841142,daily,,C1,,\n", "a.csv:2: area P-A: node code"},
		{"P-A,山,forest,330784114266,hourly,,C1,,\n", "a.csv:2: area P-A: every \"hourly\""},
		{"P-A,山,forest,330784114266,daily,boss,C1,,\n", "a.csv:2: area P-A: person id \"boss\""},
		{"P-A,山,forest,330784114266,daily,,,,\n", "a.csv:2: area P-A: checkpoint is empty"},
		{"P-A,山,forest,330784114266,daily,,C1,28.9,\n", "a.csv:2: area P-A, checkpoint C1: give lat and lon both"},
		{"P-A,山,forest,330784114266,daily,,C1,north,120\n", "want decimal degrees"},
		{"P-A,山,forest,330784114266,daily,,C1,,\nP-A,水,,,,,C2,,\n", "a.csv:3: area P-A: name \"水\" differs from \"山\" on line 2"},
		{"P-A,山,forest,330784114266,daily,,C1,,\nP-A,,,,,,c1,,\n", "a.csv:3: area P-A: checkpoint C1 given twice (first on line 2)"},
		{"P-A,山,forest,330784114266,daily,,C1,95,120\n", "a.csv:2: area P-A: checkpoint C1: location.lat"},
	} {
		_, err := ParsePatrolAreas("a.csv", strings.NewReader(head+tc.body), Resolver{})
		require.Error(t, err, tc.body)
		assert.Contains(t, err.Error(), tc.want, tc.body)
	}
}

func TestParseRotations(t *testing.T) {
	in := "轮值名称,活动,组,网格,开始日期,每组天数\n" +
		"东片联合扫楼,清村扫楼,2,330784114266-03,2026-11-27,1\n" +
		"东片联合扫楼,清村扫楼,1,\"330784114266-01;330784114200-01\",2026-11-27,1\n" +
		"国道交通劝导,traffic,1,330784114266-02,2026-12-01,\n" +
		"国道交通劝导,traffic,2,330784114200-02、330784114201-01,2026-12-01,\n"
	loc := time.FixedZone("CST", 8*3600)
	rs, err := ParseRotations("r.csv", strings.NewReader(in), loc)
	require.NoError(t, err)
	require.Len(t, rs, 2)
	assert.Equal(t, "东片联合扫楼", rs[0].Name)
	assert.Equal(t, model.ActivitySweep, rs[0].Activity)
	assert.Equal(t, [][]model.NodeCode{{"330784114266-01", "330784114200-01"}, {"330784114266-03"}}, rs[0].Groups, "groups by their number")
	assert.Equal(t, time.Date(2026, 11, 27, 0, 0, 0, 0, loc), rs[0].Start)
	assert.Equal(t, 1, rs[1].Every)
	assert.Len(t, rs[1].Groups[1], 2)

	head := "rotation,activity,group,grids,start,every\n"
	for _, tc := range []struct{ body, want string }{
		{"x,dance,1,330784114266-01,2026-11-27,\n", "r.csv:2: rotation x: activity \"dance\""},
		{"x,sweep,1,330784114266-01,27/11/2026,\n", "r.csv:2: rotation x: start \"27/11/2026\""},
		{"x,sweep,0,330784114266-01,2026-11-27,\n", "r.csv:2: rotation x: group \"0\""},
		{"x,sweep,1,,2026-11-27,\n", "r.csv:2: rotation x, group 1: no grids"},
		{"x,sweep,1,330784114266-01,2026-11-27,\nx,sweep,3,330784114266-02,2026-11-27,\n", "r.csv:2: rotation x: group 2 is missing"},
		{"x,sweep,1,330784114266-01,2026-11-27,\nx,sweep,1,330784114266-02,2026-11-27,\n", "r.csv:3: rotation x: group 1 given twice"},
		{"x,sweep,1,330784114266-01,2026-11-27,\nx,traffic,2,330784114266-02,2026-11-27,\n", "r.csv:3: rotation x: activity \"traffic\" differs"},
		{"x,sweep,1,330784114266-01,2026-11-27,\n", "r.csv:2: rotation x: 1 group;"},
		{"x,sweep,1,330784114266,2026-11-27,\nx,sweep,2,330784114266-02,2026-11-27,\n", "is not a grid"},
	} {
		_, err := ParseRotations("r.csv", strings.NewReader(head+tc.body), loc)
		require.Error(t, err, tc.body)
		assert.Contains(t, err.Error(), tc.want, tc.body)
	}
}
