package model_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

func TestWellFormedToken(t *testing.T) {
	good := "gc_" + strings.Repeat("aZ0-_", 8) + "abc"
	require.Len(t, good, 46)
	assert.True(t, model.WellFormedToken(good))
	for _, bad := range []string{"", "gc_", good + "a", good[:45], "gx_" + good[3:], good[:45] + "=", good[:45] + " ", "Bearer " + good} {
		assert.False(t, model.WellFormedToken(bad), "%q", bad)
	}
}

func TestValidIdempotencyKey(t *testing.T) {
	for _, k := range []string{"a", "550e8400-e29b-41d4-a716-446655440000", strings.Repeat("k", 255), "x:y/z~!"} {
		assert.NoError(t, model.ValidIdempotencyKey(k), k)
	}
	for _, k := range []string{"", strings.Repeat("k", 256), "a b", "tab\t", "é", "nul\x00", "\x7f"} {
		requireCode(t, model.ValidIdempotencyKey(k), model.EINVALID)
		requireZh(t, model.ValidIdempotencyKey(k), "Idempotency-Key：")
	}
}

func TestScope(t *testing.T) {
	cases := []struct {
		p     model.Person
		node  model.NodeCode
		may   bool
		scope model.NodeCode
	}{
		{gridWorker, duxiG02, true, duxiG02},
		{gridWorker, duxiUnit, true, duxiG02},
		{gridWorker, duxiG01, false, duxiG02},
		{gridWorker, duxi, false, duxiG02},
		{microWorker, duxiG02M3, true, duxiG02M3},
		{microWorker, duxiG02, false, duxiG02M3},
		{villageCadre, duxiUnit, true, duxi},
		{villageCadre, otherGrid, false, duxi},
		{dutyOfficer, otherGrid, true, town},
		{dutyOfficer, "330784115", false, town},
		{patroller, duxiG10, true, town},
		{contactPerson, duxiUnit, true, duxiUnit},
		{system, duxiG02, false, ""},
	}
	for _, c := range cases {
		assert.Equal(t, c.scope, c.p.Scope(), "%s", c.p.Name)
		assert.Equal(t, c.may, c.p.MayReportAt(c.node), "%s at %s", c.p.Name, c.node)
	}
}

func TestAlertClean(t *testing.T) {
	a, err := model.Alert{Device: " S-01\x1b[2J ", Kind: " Smoke ", Node: duxiUnit, Text: "烟\u202e雾\r\n", Key: "k1"}.Clean()
	require.NoError(t, err)
	assert.Equal(t, model.Alert{Device: "S-01", Kind: "smoke", Node: duxiUnit, Text: "烟雾", Key: "k1"}, a)
	for _, bad := range []struct {
		a     model.Alert
		field string // the body field the refusal names ("" for the Idempotency-Key header)
	}{
		{model.Alert{Device: "S", Kind: "smoke", Node: "x"}, "node"},
		{model.Alert{Device: "", Kind: "smoke", Node: duxiUnit}, "device"},
		{model.Alert{Device: "\x07", Kind: "smoke", Node: duxiUnit}, "device"},
		{model.Alert{Device: strings.Repeat("d", 65), Kind: "smoke", Node: duxiUnit}, "device"},
		{model.Alert{Device: "S", Kind: "", Node: duxiUnit}, "kind"},
		{model.Alert{Device: "S", Kind: "烟感", Node: duxiUnit}, "kind"},
		{model.Alert{Device: "S", Kind: strings.Repeat("k", 33), Node: duxiUnit}, "kind"},
		{model.Alert{Device: "S", Kind: "smoke", Node: duxiUnit, Text: "\xff"}, "text"},
		{model.Alert{Device: "S", Kind: "smoke", Node: duxiUnit, Text: strings.Repeat("长", 501)}, "text"},
		{model.Alert{Device: "S", Kind: "smoke", Node: duxiUnit, Key: "a key"}, ""},
		{model.Alert{Device: "\xff", Kind: "smoke", Node: duxiUnit}, "device"},
	} {
		_, err := bad.a.Clean()
		requireCode(t, err, model.EINVALID)
		requireZh(t, err)
		assert.Equal(t, bad.field, model.ErrorField(err), "%+v", bad.a)
	}
}

func TestAlertRule(t *testing.T) {
	r := model.DefaultAlertRule()
	require.NoError(t, r.Validate())
	assert.Equal(t, 3, r.Count)
	assert.Equal(t, 10*time.Minute, r.Window)
	for kind, cat := range map[string]model.Category{"door": "migrant", "lock": "migrant", "smoke": "fire", "camera": "security", "charger": "fire", "radar": "hazard"} {
		assert.Equal(t, cat, r.CategoryFor(kind), kind)
	}
	cases := []struct {
		pending int
		open    bool
		want    model.AlertOutcome
	}{
		{1, false, model.AlertRecorded}, {2, false, model.AlertRecorded}, {3, false, model.AlertOpens},
		{7, false, model.AlertOpens}, {1, true, model.AlertJoins}, {3, true, model.AlertJoins},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, r.Decide(c.pending, c.open), "%d pending, open %v", c.pending, c.open)
	}
	for _, bad := range []func(*model.AlertRule){
		func(r *model.AlertRule) { r.Count = 0 },
		func(r *model.AlertRule) { r.Count = 1001 },
		func(r *model.AlertRule) { r.Window = 0 },
		func(r *model.AlertRule) { r.Severity = 5 },
		func(r *model.AlertRule) { r.Categories = map[string]model.Category{"smoke": "fire"} },
	} {
		x := model.DefaultAlertRule()
		bad(&x)
		requireCode(t, x.Validate(), model.EINVALID)
		requireZh(t, x.Validate(), "alerts.")
	}
	p := model.DefaultPolicy()
	p.Alerts.Categories = map[string]model.Category{"smoke": "arson", "other": "hazard"}
	err := p.Validate()
	requireCode(t, err, model.EINVALID)
	assert.Contains(t, err.Error(), `alerts.categories.smoke: category "arson"`)
	requireZh(t, err, `alerts.categories.smoke：类别 "arson"`)
	assert.Equal(t, "alerts.categories.smoke", model.ErrorField(err))
}

func TestAlertReportAndEvent(t *testing.T) {
	r := model.DefaultAlertRule()
	alerts := []model.Alert{
		{Device: "S-1", Kind: "smoke", Node: duxiUnit, Text: "烟雾浓度高"},
		{Device: "S-2", Kind: "smoke", Node: duxiUnit},
		{Device: "P-1", Kind: "charger", Node: duxiUnit},
	}
	at := []time.Time{t0, t0.Add(2 * time.Minute), t0.Add(9 * time.Minute)}
	rep := r.AlertReport(duxiUnit, alerts, at, loc)
	assert.Equal(t, model.Report{
		Node: duxiUnit, Category: "fire", Severity: model.SeverityII, Title: "感知设备告警3次（10m内，烟感等）",
		Text:     "03:10:00 smoke S-1: 烟雾浓度高\n03:12:00 smoke S-2\n03:19:00 charger P-1",
		Reporter: model.System, Source: model.SourceSensor,
	}, rep)
	require.NoError(t, rep.Validate(model.DefaultPolicy()))
	one := r.AlertReport(duxiUnit, alerts[:2], at[:2], loc)
	assert.Equal(t, "烟感告警2次（10m内）", one.Title)

	inc, _, err := fileReport(7, "HJ-20261129-0007", rep, system, t0, model.DefaultPolicy())
	require.NoError(t, err)
	assert.Equal(t, model.SourceSensor, inc.Source)
	ev := model.AlertEvent(model.Alert{Device: "D-1", Kind: "door", Node: duxiUnit, Text: strings.Repeat("开", 600)}, inc, t0.Add(time.Hour))
	assert.Equal(t, model.ActAlert, ev.Action)
	assert.Equal(t, inc.ID, ev.Incident)
	assert.Equal(t, uint64(7), ev.IncidentSeq)
	assert.Equal(t, ev.Before, ev.After, "joining changes no state")
	assert.Equal(t, model.MaxNoteRunes, len([]rune(ev.Note)))
	assert.Equal(t, "告警", model.ActAlert.Zh())
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		10 * time.Minute: "10m", time.Hour: "1h", 90 * time.Minute: "1h30m", 90 * time.Second: "1m30s", 45 * time.Second: "45s",
	} {
		assert.Equal(t, want, model.ShortDuration(d))
	}
}

// TestReportsIn: a reporter belongs to the town of what they report,
// whatever their node in it; staff above the towns report within their
// division; the system anywhere.
func TestReportsIn(t *testing.T) {
	const huajie, duxiGrid, yuanding = model.NodeCode("330784114"), model.NodeCode("330784114266-02"), model.NodeCode("330784001001")
	person := func(node model.NodeCode, r model.Role) model.Person {
		return model.Person{ID: 9, Name: "某人", Node: node, Roles: []model.Role{r}}
	}
	for _, tc := range []struct {
		p    model.Person
		node model.NodeCode
		ok   bool
	}{
		{model.Person{ID: model.System}, yuanding, true},
		{person(huajie, model.RoleDutyOfficer), duxiGrid, true},
		{person(huajie, model.RoleLiaison), duxiGrid, true},
		{person("330784114223-01", model.RoleGridWorkerFull), duxiGrid, true}, // another grid of the town: the API's token scope is narrower
		{person(huajie, model.RoleDutyOfficer), yuanding, false},
		{person(duxiGrid, model.RoleGridLeader), "330784001", false},
		{person(huajie, model.RoleDutyOfficer), "330784", false},
		{person("330784", model.RoleDutyOfficer), yuanding, true},
		{person("330784", model.RoleDutyOfficer), "330784", true},
		{person("3307", model.RoleDutyOfficer), duxiGrid, true},
		{person("330782", model.RoleDutyOfficer), yuanding, false}, // another county
	} {
		assert.Equal(t, tc.ok, tc.p.ReportsIn(tc.node), "%s at %s", tc.p.Node, tc.node)
	}
	err := model.ForeignReport(person("330782", model.RoleDutyOfficer), yuanding, nil)
	assert.Equal(t, "某人 (P9) of 330782 may not report at 330784001001: it is outside 330782; a report is filed by a person of its town, or by county staff over it", err.Message)
	assert.NotEmpty(t, err.MessageZh)
}
