package model_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/internal/testkit"
	"gridcmd/model"
)

func TestIncidentIDs(t *testing.T) {
	assert.Equal(t, "HJ-20261129-0001", testkit.IncidentID("HJ", t0, 1))
	assert.Equal(t, "HJ-20261129-0420", testkit.IncidentID("HJ", t0, 420))
	assert.Equal(t, "HJ-20261129-12345", testkit.IncidentID("HJ", t0, 12345))
	// The day is formatted in its own zone: the caller passes local time.
	// 03:10 in Huajie is still 28 November in UTC.
	assert.Equal(t, "HJ-20261128-0001", testkit.IncidentID("HJ", t0.UTC(), 1))

	parses(t, model.ParseIncidentID, []parsed[string]{
		{"HJ-20261129-0001", "HJ-20261129-0001"},
		{"hj-20261129-0001", "HJ-20261129-0001"},
		{"Hj-20261129-0001", "HJ-20261129-0001"},
		{"  HJ-20261129-0001\n", "HJ-20261129-0001"},
		{"HJ-20261129-12345", "HJ-20261129-12345"},
		{"A-20261129-0001", "A-20261129-0001"},
		{"ABCDEFGH-20261129-0001", "ABCDEFGH-20261129-0001"},
	})
	for _, bad := range []string{
		"", "HJ", "HJ-20261129", "HJ-2026112-0001", "HJ-202611290-0001", "HJ-20261129-001",
		"HJ20261129-0001", "HJ-20261129_0001", "HJ-20261129-00a1", "H1-20261129-0001",
		"ABCDEFGHI-20261129-0001", "-20261129-0001", "HJ-20261129-0001-1", "花街-20261129-0001",
		"HJ -20261129-0001", "HJ-20261129-0001\x1b[2J", "1",
	} {
		t.Run("bad "+bad, func(t *testing.T) {
			_, err := model.ParseIncidentID(bad)
			requireCode(t, err, model.EINVALID, "incident id", "PREFIX-YYYYMMDD-NNNN")
			requireZh(t, err, "事件编号")
		})
	}
	for n := uint64(1); n < 100000; n *= 7 {
		id := testkit.IncidentID("HJ", t0, n)
		got, err := model.ParseIncidentID(strings.ToLower(id))
		require.NoError(t, err)
		assert.Equal(t, id, got)
	}

	for _, ok := range []string{"HJ", "A", "ABCDEFGH"} {
		assert.NoError(t, model.ValidPrefix(ok), ok)
	}
	for _, bad := range []string{"", "hj", "Hj", "ABCDEFGHI", "H J", "H1", "H-J", "花街", " HJ", "HJ\n"} {
		requireCode(t, model.ValidPrefix(bad), model.EINVALID, "town_prefix", "1-8 capital letters")
		requireZh(t, model.ValidPrefix(bad), "大写字母")
		assert.Equal(t, "town_prefix", model.ErrorField(model.ValidPrefix(bad)))
	}
}

func TestNewIncident(t *testing.T) {
	p := model.DefaultPolicy()
	tests := []struct {
		name     string
		edit     func(*model.Report)
		reporter model.Person
		tier     model.Tier
		platform model.Platform
		source   model.Source
	}{
		{"grid", func(*model.Report) {}, gridWorker, model.TierGrid, model.PlatformSafety, model.SourceGridPatrol},
		{"micro-grid", func(r *model.Report) { r.Node = duxiG02M3 }, microWorker, model.TierGrid, model.PlatformSafety, model.SourceGridPatrol},
		{"household unit", func(r *model.Report) { r.Node = duxiUnit }, contactPerson, model.TierGrid, model.PlatformSafety, model.SourceGridPatrol},
		{"village", func(r *model.Report) { r.Node = duxi }, villageCadre, model.TierVillage, model.PlatformSafety, model.SourceGridPatrol},
		{"town", func(r *model.Report) { r.Node = town }, dutyOfficer, model.TierTown, model.PlatformSafety, model.SourceHotline},
		{"sensor", func(r *model.Report) { r.Category = "migrant" }, system, model.TierGrid, model.PlatformSafety, model.SourceSensor},
		{"patroller", func(r *model.Report) { r.Category = "ecology" }, patroller, model.TierGrid, model.PlatformEcology, model.SourceEcoPatrol},
		{"liaison", func(r *model.Report) { r.Category = "flood" }, liaison, model.TierGrid, model.PlatformEcology, model.SourceEcoPatrol},
		{"category by Chinese name", func(r *model.Report) { r.Category = "卫生" }, gridLeader, model.TierGrid, model.PlatformService, model.SourceGridPatrol},
		{"party", func(r *model.Report) { r.Category = "party" }, gridLeader, model.TierGrid, model.PlatformParty, model.SourceGridPatrol},
		{"explicit platform and source", func(r *model.Report) {
			r.Platform, r.Source = model.PlatformService, model.SourceCitizen
		}, dutyOfficer, model.TierGrid, model.PlatformService, model.SourceCitizen},
		{"platform and source by other spellings", func(r *model.Report) {
			r.Platform, r.Source = "公共服务", "Hotline"
		}, gridWorker, model.TierGrid, model.PlatformService, model.SourceHotline},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := report()
			tt.edit(&r)
			r.Reporter = tt.reporter.ID
			inc, ev, err := fileReport(7, "HJ-20261129-0007", r, tt.reporter, t0, p)
			require.NoError(t, err)
			cat, _ := p.Category(r.Category)
			want := model.Incident{
				Seq: 7, ID: "HJ-20261129-0007", Title: r.Title, Text: r.Text, Category: cat,
				Platform: tt.platform, Severity: model.SeverityII, Node: r.Node, Reporter: tt.reporter.ID,
				Source: tt.source, Tier: tt.tier, Status: model.StatusReported,
				ReportedAt: t0, TierSince: t0,
				AckBy: t0.Add(p.AckWindow(tt.tier)), DueBy: t0.Add(p.ResolveWindow(tt.tier, model.SeverityII)),
			}
			assert.Equal(t, want, inc)
			assert.Equal(t, tt.tier, model.StartTier(r.Node))
			name := tt.reporter.Name
			if tt.reporter.ID == model.System {
				name = "system"
			}
			assert.Equal(t, model.Event{
				At: t0, Actor: tt.reporter.ID, ActorName: name, Action: model.ActReport,
				Incident: "HJ-20261129-0007", IncidentSeq: 7, Node: r.Node,
				After: model.State{Tier: tt.tier, Status: model.StatusReported}, Note: r.Title,
			}, ev)
		})
	}

	t.Run("grid clocks", func(t *testing.T) {
		inc := newIncident(t)
		assert.Equal(t, t0.Add(2*time.Minute), inc.AckBy) // the article's two minutes
		assert.Equal(t, t0.Add(time.Hour), inc.DueBy)     // severity II at the grid
		assert.Equal(t, inc.AckBy, inc.Deadline())
		assert.Equal(t, inc.AckBy, inc.NextCheck())
	})
	t.Run("wartime halves the clocks", func(t *testing.T) {
		w := model.DefaultPolicy()
		w.Wartime = true
		inc, _, err := fileReport(1, "HJ-20261129-0001", report(), gridWorker, t0, w)
		require.NoError(t, err)
		assert.Equal(t, t0.Add(time.Minute), inc.AckBy)
		assert.Equal(t, t0.Add(30*time.Minute), inc.DueBy)
	})
	t.Run("trims title and text", func(t *testing.T) {
		r := report()
		r.Title, r.Text = "  货物散落 \n", "\n 详情 \n"
		inc, ev, err := fileReport(1, "HJ-20261129-0001", r, gridWorker, t0, p)
		require.NoError(t, err)
		assert.Equal(t, "货物散落", inc.Title)
		assert.Equal(t, "详情", inc.Text)
		assert.Equal(t, "货物散落", ev.Note)
	})
	t.Run("custom category", func(t *testing.T) {
		q := model.DefaultPolicy()
		q.Categories["drone"] = model.PlatformEcology
		r := report()
		r.Category = "drone"
		inc, _, err := fileReport(1, "HJ-20261129-0001", r, gridWorker, t0, q)
		require.NoError(t, err)
		assert.Equal(t, model.Category("drone"), inc.Category)
		assert.Equal(t, model.PlatformEcology, inc.Platform)
	})
	t.Run("limits are inclusive", func(t *testing.T) {
		r := report()
		r.Title = strings.Repeat("路", model.MaxTitleRunes)
		r.Text = strings.Repeat("a", model.MaxTextBytes)
		_, _, err := fileReport(1, "HJ-20261129-0001", r, gridWorker, t0, p)
		require.NoError(t, err)
		for _, s := range model.Severities {
			r := report()
			r.Severity = s
			_, _, err := fileReport(1, "HJ-20261129-0001", r, gridWorker, t0, p)
			require.NoError(t, err, s)
		}
	})
}

func TestNewIncidentRefusals(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*model.Report)
		msg   string
		field string // the input the refusal is about, for a form or the field API
		zh    string
	}{
		{"empty title", func(r *model.Report) { r.Title = "" }, "title: empty", "title", "标题：为空"},
		{"blank title", func(r *model.Report) { r.Title = " \t\n" }, "title: empty", "title", "标题：为空"},
		{"title of controls only", func(r *model.Report) { r.Title = "\x1b[2J\x07" }, "title: empty", "title", "标题：为空"},
		{"201-rune title", func(r *model.Report) { r.Title = strings.Repeat("路", 201) }, "title: 201 characters, at most 200", "title", "标题：201 字，最多 200 字"},
		{"8 KiB + 1 text", func(r *model.Report) { r.Text = strings.Repeat("a", 8<<10+1) }, "text: 8193 bytes, at most 8192", "text", "内容：8193 字节"},
		{"unknown category", func(r *model.Report) { r.Category = "drone" }, `category "drone"`, "category", `类别 "drone"`},
		{"empty category", func(r *model.Report) { r.Category = "" }, `category ""`, "category", `类别 ""`},
		{"severity 0", func(r *model.Report) { r.Severity = 0 }, "severity", "severity", "等级"},
		{"severity 5", func(r *model.Report) { r.Severity = 5 }, "severity", "severity", "等级"},
		{"severity -1", func(r *model.Report) { r.Severity = -1 }, "severity", "severity", "等级"},
		{"invalid UTF-8 title", func(r *model.Report) { r.Title = "货物\xff散落" }, "invalid UTF-8", "title", "UTF-8"},
		{"invalid UTF-8 text", func(r *model.Report) { r.Text = "\xc3\x28" }, "invalid UTF-8", "text", "UTF-8"},
		{"bad node", func(r *model.Report) { r.Node = "330784114266-2" }, "node code", "node", "节点代码"},
		{"empty node", func(r *model.Report) { r.Node = "" }, "empty", "node", "为空"},
		{"bad source", func(r *model.Report) { r.Source = "radio" }, `source "radio"`, "source", `来源 "radio"`},
		{"bad platform", func(r *model.Report) { r.Platform = "police" }, `platform "police"`, "platform", `平台 "police"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := report()
			tt.edit(&r)
			requireCode(t, r.Validate(model.DefaultPolicy()), model.EINVALID, tt.msg)
			inc, ev, err := fileReport(1, "HJ-20261129-0001", r, gridWorker, t0, model.DefaultPolicy())
			requireCode(t, err, model.EINVALID, tt.msg)
			requireZh(t, err, tt.zh)
			assert.Equal(t, tt.field, model.ErrorField(err))
			assert.Zero(t, inc)
			assert.Zero(t, ev)
		})
	}

	// The limits hold for what is kept: a title that cleaning brings to
	// the limit passes, one still over it after cleaning is refused with
	// the cleaned length (as the field API counts it).
	r := report()
	r.Title = "\x1b[1m" + strings.Repeat("路", model.MaxTitleRunes) + "\x1b[0m"
	r.Text = "\x07" + strings.Repeat("a", model.MaxTextBytes)
	c, err := r.Check(model.DefaultPolicy())
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("路", model.MaxTitleRunes), c.Report().Title)
	r.Title = "\x1b[1m" + strings.Repeat("路", model.MaxTitleRunes+1)
	_, err = r.Check(model.DefaultPolicy())
	requireCode(t, err, model.EINVALID, "title: 201 characters, at most 200")
}

// TestCheckedReport: Check does the refusals and the cleaning once, so
// that the store's writer only finishes the incident; the two steps give
// what filing the raw report gives, and a CheckedReport that Check did not
// make is refused.
func TestCheckedReport(t *testing.T) {
	p := model.DefaultPolicy()
	r := report()
	r.Reporter = patroller.ID
	r.Title = "  \x1b[31m330国道\u202e货物散落\t "
	r.Text = "第一行\r\n第二行\x07"
	r.Category, r.Platform = "卫生", ""
	c, err := r.Check(p)
	require.NoError(t, err)
	got := c.Report()
	assert.Equal(t, "330国道货物散落", got.Title)
	assert.Equal(t, "第一行\n第二行", got.Text)
	assert.Equal(t, "health", got.Category, "the key, not the Chinese name")
	assert.Equal(t, model.PlatformService, got.Platform, "the category's platform")

	inc, ev, err := c.Incident(9, "HJ-20261129-0009", patroller, t0, p)
	require.NoError(t, err)
	inc2, ev2, err := fileReport(9, "HJ-20261129-0009", r, patroller, t0, p)
	require.NoError(t, err)
	assert.Equal(t, inc2, inc)
	assert.Equal(t, ev2, ev)
	assert.Equal(t, model.SourceEcoPatrol, inc.Source, "the source from the reporter, as filing a report does")

	inc, ev, err = model.CheckedReport{}.Incident(9, "HJ-20261129-0009", patroller, t0, p)
	requireCode(t, err, model.EINVALID, "not checked")
	requireZh(t, err, "未经检查")
	assert.Zero(t, inc)
	assert.Zero(t, ev)
}

// TestApplyStatuses takes every action from every status, by the duty
// officer (who holds every tier), at the grid tier: each is either a
// transition or a conflict whose message says why.
func TestApplyStatuses(t *testing.T) {
	const (
		reported = model.StatusReported
		acked    = model.StatusAcknowledged
		disp     = model.StatusDispatched
		resolved = model.StatusResolved
		closed   = model.StatusClosed
	)
	cmd := map[model.Action]model.Command{
		model.ActAcknowledge: {Action: model.ActAcknowledge, By: dutyOfficer.ID},
		model.ActEscalate:    {Action: model.ActEscalate, By: dutyOfficer.ID},
		model.ActDispatch:    {Action: model.ActDispatch, By: dutyOfficer.ID, Department: "交警中队"},
		model.ActResolve:     {Action: model.ActResolve, By: dutyOfficer.ID},
		model.ActClose:       {Action: model.ActClose, By: dutyOfficer.ID},
		model.ActReopen:      {Action: model.ActReopen, By: dutyOfficer.ID, Note: "群众再次反映"},
	}
	tests := []struct {
		action model.Action
		from   model.Status
		to     model.State // the state after, for a transition
		hint   string      // the conflict's hint; "-" for a conflict without one
	}{
		{model.ActAcknowledge, reported, model.State{Tier: model.TierGrid, Status: acked}, ""},
		{model.ActAcknowledge, acked, model.State{}, "(already signed for)"},
		{model.ActAcknowledge, disp, model.State{}, "(it is dispatched: dispatching took it in hand)"},
		{model.ActAcknowledge, resolved, model.State{}, "(it is resolved)"},
		{model.ActAcknowledge, closed, model.State{}, "(it is closed and archived)"},

		{model.ActEscalate, reported, model.State{Tier: model.TierVillage, Status: reported}, ""},
		{model.ActEscalate, acked, model.State{Tier: model.TierVillage, Status: reported}, ""},
		{model.ActEscalate, disp, model.State{Tier: model.TierVillage, Status: reported}, ""},
		{model.ActEscalate, resolved, model.State{}, "-"},
		{model.ActEscalate, closed, model.State{}, "-"},

		{model.ActDispatch, reported, model.State{Tier: model.TierGrid, Status: disp}, ""},
		{model.ActDispatch, acked, model.State{Tier: model.TierGrid, Status: disp}, ""},
		{model.ActDispatch, disp, model.State{Tier: model.TierGrid, Status: disp}, ""},
		{model.ActDispatch, resolved, model.State{}, "-"},
		{model.ActDispatch, closed, model.State{}, "-"},

		{model.ActResolve, reported, model.State{}, "(acknowledge it first)"},
		{model.ActResolve, acked, model.State{Tier: model.TierGrid, Status: resolved}, ""},
		{model.ActResolve, disp, model.State{Tier: model.TierGrid, Status: resolved}, ""},
		{model.ActResolve, resolved, model.State{}, "-"},
		{model.ActResolve, closed, model.State{}, "-"},

		{model.ActClose, reported, model.State{}, "(resolve it first)"},
		{model.ActClose, acked, model.State{}, "(resolve it first)"},
		{model.ActClose, disp, model.State{}, "(resolve it first)"},
		{model.ActClose, resolved, model.State{Tier: model.TierGrid, Status: closed}, ""},
		{model.ActClose, closed, model.State{}, "-"},

		{model.ActReopen, reported, model.State{}, "(it is still open)"},
		{model.ActReopen, acked, model.State{}, "(it is still open)"},
		{model.ActReopen, disp, model.State{}, "(it is still open)"},
		{model.ActReopen, resolved, model.State{Tier: model.TierGrid, Status: reported}, ""},
		{model.ActReopen, closed, model.State{}, "(closed incidents are archived; file a new report)"},
	}
	notes := map[model.Action]string{ // what each transition's event says
		model.ActEscalate: "grid→village", model.ActDispatch: "safety / 交警中队", model.ActReopen: "群众再次反映",
	}
	now := t0.Add(time.Minute)
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s from %s", tt.action, tt.from), func(t *testing.T) {
			inc := at(t, model.TierGrid, tt.from)
			out, ev, err := inc.Apply(cmd[tt.action], dutyOfficer, now, model.DefaultPolicy())
			if tt.hint != "" {
				msg := fmt.Sprintf("HJ-20261129-0001: cannot %s an incident that is %s", tt.action, tt.from)
				if tt.hint != "-" {
					msg += " " + tt.hint
				}
				requireCode(t, err, model.ECONFLICT)
				assert.Equal(t, msg, model.ErrorMessage(err))
				assert.Equal(t, inc, out, "a refusal changes nothing")
				assert.Zero(t, ev)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.to, model.State{Tier: out.Tier, Status: out.Status})
			assert.Equal(t, model.State{Tier: model.TierGrid, Status: tt.from}, ev.Before)
			assert.Equal(t, tt.to, ev.After)
			assert.Equal(t, tt.action, ev.Action)
			assert.Equal(t, notes[tt.action], ev.Note)
			assert.Equal(t, dutyOfficer.ID, ev.Actor)
			assert.Equal(t, dutyOfficer.Name, ev.ActorName)
			assert.Equal(t, now, ev.At)
			assert.Equal(t, inc.ID, ev.Incident)
			assert.Equal(t, inc.Seq, ev.IncidentSeq)
			assert.Equal(t, inc.Node, ev.Node)
		})
	}
}

// TestApplyRoles takes every action, at every tier, by every kind of actor,
// from a status it starts from: the rule table says who may.
func TestApplyRoles(t *testing.T) {
	actors := []model.Person{
		gridLeader, otherLeader, gridWorker, partWorker, leaderAndWorker, villageCadre, otherCadre,
		dutyOfficer, microWorker, reservist, patroller, liaison, contactPerson, system,
	}
	from := map[model.Action]model.Status{
		model.ActAcknowledge: model.StatusReported, model.ActEscalate: model.StatusReported,
		model.ActDispatch: model.StatusReported, model.ActResolve: model.StatusAcknowledged,
		model.ActClose: model.StatusResolved, model.ActReopen: model.StatusResolved,
	}
	holders := map[model.Tier][]model.Person{ // holdsTier for an incident on grid 2 of Duxi
		model.TierGrid:      {gridLeader, gridWorker, partWorker, leaderAndWorker, dutyOfficer},
		model.TierVillage:   {villageCadre, dutyOfficer},
		model.TierTown:      {dutyOfficer},
		model.TierTaskForce: {dutyOfficer},
	}
	may := map[model.Action]map[model.Tier][]model.Person{
		model.ActAcknowledge: holders,
		model.ActEscalate: {
			model.TierGrid:    {gridLeader, leaderAndWorker, dutyOfficer, system},
			model.TierVillage: {villageCadre, dutyOfficer, system},
			model.TierTown:    {dutyOfficer, system},
			// at the task force nobody may: the top tier is a conflict
		},
		model.ActDispatch: {
			model.TierGrid:      {dutyOfficer},
			model.TierVillage:   {villageCadre, dutyOfficer},
			model.TierTown:      {dutyOfficer},
			model.TierTaskForce: {dutyOfficer},
		},
		model.ActResolve: holders,
		model.ActClose: {
			model.TierGrid: {dutyOfficer}, model.TierVillage: {dutyOfficer},
			model.TierTown: {dutyOfficer}, model.TierTaskForce: {dutyOfficer},
		},
		model.ActReopen: holders,
	}
	who := map[model.Action]string{
		model.ActAcknowledge: "the tier's holder (grid leader or worker, village cadre, duty officer)",
		model.ActEscalate:    "the grid leader (grid tier), a village cadre (village tier) or a duty officer",
		model.ActDispatch:    "a duty officer, or a village cadre at the village tier",
		model.ActResolve:     "the tier's holder",
		model.ActClose:       "a duty officer",
		model.ActReopen:      "the tier's holder",
	}
	contains := func(list []model.Person, p model.Person) bool {
		for _, x := range list {
			if x.ID == p.ID {
				return true
			}
		}
		return false
	}
	now := t0.Add(time.Minute)
	for _, action := range []model.Action{model.ActAcknowledge, model.ActEscalate, model.ActDispatch, model.ActResolve, model.ActClose, model.ActReopen} {
		for _, tier := range model.Tiers {
			for _, actor := range actors {
				name := actor.Name
				if actor.ID == model.System {
					name = "system"
				}
				t.Run(fmt.Sprintf("%s at %s by %s", action, tier, name), func(t *testing.T) {
					inc := at(t, tier, from[action])
					c := model.Command{Action: action, By: actor.ID, Department: "交警中队", Note: "核实"}
					out, ev, err := inc.Apply(c, actor, now, model.DefaultPolicy())
					allowed := contains(may[action][tier], actor)
					topTier := action == model.ActEscalate && tier == model.TierTaskForce &&
						(actor.ID == model.System || actor.Has(model.RoleDutyOfficer))
					switch {
					case topTier:
						requireCode(t, err, model.ECONFLICT, "already at the task force, the top tier")
						requireZh(t, err, "HJ-20261129-0001：已在专班")
						assert.Equal(t, inc, out)
					case allowed:
						require.NoError(t, err)
						assert.Equal(t, actor.ID, ev.Actor)
						assert.Equal(t, name, ev.ActorName)
						assert.Equal(t, action, ev.Action)
						assert.Equal(t, model.State{Tier: tier, Status: from[action]}, ev.Before)
						assert.Equal(t, model.State{Tier: out.Tier, Status: out.Status}, ev.After)
					default:
						requireCode(t, err, model.EFORBIDDEN,
							fmt.Sprintf("HJ-20261129-0001: %s (", name),
							fmt.Sprintf(") may not %s at the %s tier; only %s may", action, tier, who[action]))
						requireZh(t, err, "HJ-20261129-0001：", "不能在"+tier.Zh()+"层级"+action.Zh())
						assert.Equal(t, inc, out)
						assert.Zero(t, ev)
					}
				})
			}
		}
	}

	t.Run("forbidden message names the roles", func(t *testing.T) {
		inc := at(t, model.TierGrid, model.StatusReported)
		_, _, err := inc.Apply(model.Command{Action: model.ActAcknowledge, By: otherLeader.ID}, otherLeader, now, model.DefaultPolicy())
		requireCode(t, err, model.EFORBIDDEN, "网格长乙 (grid_leader) may not acknowledge at the grid tier")
		_, _, err = inc.Apply(model.Command{Action: model.ActResolve, By: model.System}, system, now, model.DefaultPolicy())
		requireCode(t, err, model.ECONFLICT) // status first
		_, _, err = inc.Apply(model.Command{Action: model.ActAcknowledge, By: model.System}, system, now, model.DefaultPolicy())
		requireCode(t, err, model.EFORBIDDEN, "system (system) may not acknowledge")
		nobody := model.Person{ID: 99, Name: "无名", Node: duxiG01} // of the town: one of another is refused as such first (TestApplyOutsideTheTown)
		_, _, err = inc.Apply(model.Command{Action: model.ActAcknowledge, By: 99}, nobody, now, model.DefaultPolicy())
		requireCode(t, err, model.EFORBIDDEN, "无名 (no role) may not acknowledge")
		multi := leaderAndWorker
		multi.Node = duxiG01
		_, _, err = inc.Apply(model.Command{Action: model.ActAcknowledge, By: multi.ID}, multi, now, model.DefaultPolicy())
		requireCode(t, err, model.EFORBIDDEN, "双岗 (grid_worker_ft, grid_leader) may not")
	})
}

// TestApply checks each transition's effect on the incident and its event,
// and each refusal that depends on the command rather than on status or role.
func TestApply(t *testing.T) {
	p := model.DefaultPolicy()
	now := t0.Add(90 * time.Second)
	type check func(t *testing.T, before, after model.Incident)
	tests := []struct {
		name   string
		inc    func(t *testing.T) model.Incident
		actor  model.Person
		cmd    model.Command
		code   string   // "" for success
		msg    []string // parts of the error message
		after  model.State
		note   string
		noteZh string
		checks check
	}{
		{
			name: "grid leader acknowledges in under two minutes", actor: gridLeader,
			inc:   newIncident,
			cmd:   model.Command{Action: model.ActAcknowledge, By: gridLeader.ID},
			after: model.State{Tier: model.TierGrid, Status: model.StatusAcknowledged},
			checks: func(t *testing.T, b, a model.Incident) {
				assert.Equal(t, now, a.AckedAt)
				assert.Equal(t, b.TierSince, a.TierSince)
				assert.Equal(t, b.AckBy, a.AckBy)
				assert.Equal(t, b.DueBy, a.DueBy)
				assert.Equal(t, a.DueBy, a.Deadline()) // the resolution clock runs now
			},
		},
		{
			name: "acknowledge keeps a trimmed note", actor: gridWorker,
			inc:   newIncident,
			cmd:   model.Command{Action: model.ActAcknowledge, By: gridWorker.ID, Note: "  收到，马上到  "},
			after: model.State{Tier: model.TierGrid, Status: model.StatusAcknowledged}, note: "收到，马上到",
		},
		{
			name: "acknowledge lifts supervision of the sign-for clock", actor: dutyOfficer,
			inc:    incidentAt(model.TierTaskForce, model.StatusReported, supervised),
			cmd:    model.Command{Action: model.ActAcknowledge, By: dutyOfficer.ID},
			after:  model.State{Tier: model.TierTaskForce, Status: model.StatusAcknowledged},
			checks: func(t *testing.T, b, a model.Incident) { assert.False(t, a.Supervised) },
		},
		{
			name: "grid leader escalates to the village", actor: gridLeader,
			inc:   newIncident,
			cmd:   model.Command{Action: model.ActEscalate, By: gridLeader.ID},
			after: model.State{Tier: model.TierVillage, Status: model.StatusReported}, note: "grid→village", noteZh: "网格→村社",
			checks: func(t *testing.T, b, a model.Incident) {
				assert.Equal(t, 1, a.Escalations)
				assert.Equal(t, now, a.TierSince)
				assert.Equal(t, now.Add(5*time.Minute), a.AckBy)
				assert.Equal(t, now.Add(2*time.Hour), a.DueBy)
				assert.Equal(t, b.ReportedAt, a.ReportedAt)
			},
		},
		{
			name: "escalating an acknowledged incident restarts its clocks", actor: villageCadre,
			inc:   incidentAt(model.TierVillage, model.StatusAcknowledged, escalatedOnce, supervised),
			cmd:   model.Command{Action: model.ActEscalate, By: villageCadre.ID, Note: "需镇里协调"},
			after: model.State{Tier: model.TierTown, Status: model.StatusReported}, note: "需镇里协调",
			checks: func(t *testing.T, b, a model.Incident) {
				assert.Equal(t, 2, a.Escalations)
				assert.True(t, a.AckedAt.IsZero(), "the new tier has not signed for it")
				assert.False(t, a.Supervised)
				assert.Equal(t, now, a.TierSince)
				assert.Equal(t, now.Add(10*time.Minute), a.AckBy)
				assert.Equal(t, now.Add(4*time.Hour), a.DueBy)
			},
		},
		{
			name: "escalating a dispatched incident brings it back to reported", actor: dutyOfficer,
			inc:   incidentAt(model.TierTown, model.StatusDispatched),
			cmd:   model.Command{Action: model.ActEscalate, By: dutyOfficer.ID},
			after: model.State{Tier: model.TierTaskForce, Status: model.StatusReported}, note: "town→taskforce", noteZh: "镇指挥室→专班",
			checks: func(t *testing.T, b, a model.Incident) {
				assert.Equal(t, now.Add(30*time.Minute), a.AckBy)
				assert.Equal(t, 1, a.Escalations)
			},
		},
		{
			name: "escalate to a named tier skips tiers", actor: gridLeader,
			inc:   newIncident,
			cmd:   model.Command{Action: model.ActEscalate, By: gridLeader.ID, To: model.TierTown},
			after: model.State{Tier: model.TierTown, Status: model.StatusReported}, note: "grid→town", noteZh: "网格→镇指挥室",
			checks: func(t *testing.T, b, a model.Incident) {
				assert.Equal(t, 1, a.Escalations)
				assert.Equal(t, now.Add(10*time.Minute), a.AckBy)
			},
		},
		{
			name: "escalate straight to the task force", actor: dutyOfficer,
			inc:   newIncident,
			cmd:   model.Command{Action: model.ActEscalate, By: dutyOfficer.ID, To: model.TierTaskForce, Note: "跨平台"},
			after: model.State{Tier: model.TierTaskForce, Status: model.StatusReported}, note: "跨平台",
		},
		{
			name: "escalate at the task force", actor: dutyOfficer,
			inc:  incidentAt(model.TierTaskForce, model.StatusAcknowledged),
			cmd:  model.Command{Action: model.ActEscalate, By: dutyOfficer.ID},
			code: model.ECONFLICT, msg: []string{"already at the task force, the top tier"},
		},
		{
			name: "escalate downward", actor: dutyOfficer,
			inc:  incidentAt(model.TierTown, model.StatusReported),
			cmd:  model.Command{Action: model.ActEscalate, By: dutyOfficer.ID, To: model.TierVillage},
			code: model.ECONFLICT, msg: []string{"cannot escalate from town to village; escalation only climbs"},
		},
		{
			name: "escalate to the same tier", actor: villageCadre,
			inc:  incidentAt(model.TierVillage, model.StatusReported),
			cmd:  model.Command{Action: model.ActEscalate, By: villageCadre.ID, To: model.TierVillage},
			code: model.ECONFLICT, msg: []string{"cannot escalate from village to village"},
		},
		{
			name: "escalate to the task force when there", actor: dutyOfficer,
			inc:  incidentAt(model.TierTaskForce, model.StatusReported),
			cmd:  model.Command{Action: model.ActEscalate, By: dutyOfficer.ID, To: model.TierTaskForce},
			code: model.ECONFLICT, msg: []string{"escalation only climbs"},
		},
		{
			name: "escalate to no such tier", actor: dutyOfficer,
			inc:  newIncident,
			cmd:  model.Command{Action: model.ActEscalate, By: dutyOfficer.ID, To: "county"},
			code: model.EINVALID, msg: []string{`cannot escalate to "county": not a tier`},
		},
		{
			name: "dispatch from reported signs for it", actor: dutyOfficer,
			inc:   incidentAt(model.TierTaskForce, model.StatusReported, supervised), // the sign-for clock ran out at the top tier
			cmd:   model.Command{Action: model.ActDispatch, By: dutyOfficer.ID, Department: " 交警中队 "},
			after: model.State{Tier: model.TierTaskForce, Status: model.StatusDispatched}, note: "safety / 交警中队", noteZh: "平安法治 / 交警中队",
			checks: func(t *testing.T, b, a model.Incident) {
				assert.Equal(t, now, a.AckedAt)
				assert.Equal(t, now, a.DispatchedAt)
				assert.Equal(t, "交警中队", a.Department)
				assert.False(t, a.Supervised, "the resolution clock is a new clock")
				assert.Equal(t, b.DueBy, a.DueBy)
				assert.Equal(t, b.TierSince, a.TierSince)
				assert.Equal(t, model.PlatformSafety, a.Platform)
			},
		},
		{
			name: "village cadre dispatches at the village tier with a note", actor: villageCadre,
			inc:   incidentAt(model.TierVillage, model.StatusAcknowledged),
			cmd:   model.Command{Action: model.ActDispatch, By: villageCadre.ID, Department: "村调解委员会", Note: "邻里纠纷"},
			after: model.State{Tier: model.TierVillage, Status: model.StatusDispatched}, note: "safety / 村调解委员会: 邻里纠纷", noteZh: "平安法治 / 村调解委员会：邻里纠纷",
			checks: func(t *testing.T, b, a model.Incident) {
				assert.Equal(t, t0, a.AckedAt, "already signed for: kept")
				assert.Equal(t, now, a.DispatchedAt)
			},
		},
		{
			name: "dispatch to another platform", actor: dutyOfficer,
			inc:   incidentAt(model.TierTown, model.StatusAcknowledged),
			cmd:   model.Command{Action: model.ActDispatch, By: dutyOfficer.ID, Department: "环保所", Platform: model.PlatformEcology},
			after: model.State{Tier: model.TierTown, Status: model.StatusDispatched}, note: "ecology / 环保所", noteZh: "经济生态 / 环保所",
			checks: func(t *testing.T, b, a model.Incident) { assert.Equal(t, model.PlatformEcology, a.Platform) },
		},
		{
			name: "dispatch to a platform by its Chinese name", actor: dutyOfficer,
			inc:   incidentAt(model.TierTown, model.StatusAcknowledged),
			cmd:   model.Command{Action: model.ActDispatch, By: dutyOfficer.ID, Department: "民政办", Platform: "公共服务"},
			after: model.State{Tier: model.TierTown, Status: model.StatusDispatched}, note: "service / 民政办", noteZh: "公共服务 / 民政办",
			checks: func(t *testing.T, b, a model.Incident) { assert.Equal(t, model.PlatformService, a.Platform) },
		},
		{
			name: "redispatch to another department", actor: dutyOfficer,
			inc:   incidentAt(model.TierTown, model.StatusDispatched, supervised), // the resolution clock ran out: still the same clock
			cmd:   model.Command{Action: model.ActDispatch, By: dutyOfficer.ID, Department: "应急管理站"},
			after: model.State{Tier: model.TierTown, Status: model.StatusDispatched}, note: "safety / 应急管理站", noteZh: "平安法治 / 应急管理站",
			checks: func(t *testing.T, b, a model.Incident) {
				assert.Equal(t, "应急管理站", a.Department)
				assert.Equal(t, now, a.DispatchedAt)
				assert.Equal(t, t0, a.AckedAt)
				assert.True(t, a.Supervised, "redispatch does not reset the running clock's supervision")
			},
		},
		{
			name: "dispatch needs a department", actor: dutyOfficer,
			inc:  newIncident,
			cmd:  model.Command{Action: model.ActDispatch, By: dutyOfficer.ID},
			code: model.EINVALID, msg: []string{"dispatch needs a department"},
		},
		{
			name: "dispatch to a blank department", actor: dutyOfficer,
			inc:  newIncident,
			cmd:  model.Command{Action: model.ActDispatch, By: dutyOfficer.ID, Department: " \t "},
			code: model.EINVALID, msg: []string{"dispatch needs a department"},
		},
		{
			name: "dispatch to a 65-character department", actor: dutyOfficer,
			inc:  newIncident,
			cmd:  model.Command{Action: model.ActDispatch, By: dutyOfficer.ID, Department: strings.Repeat("部", 65)},
			code: model.EINVALID, msg: []string{"department: at most 64 characters"},
		},
		{
			name: "dispatch to a 64-character department", actor: dutyOfficer,
			inc:   newIncident,
			cmd:   model.Command{Action: model.ActDispatch, By: dutyOfficer.ID, Department: strings.Repeat("部", 64)},
			after: model.State{Tier: model.TierGrid, Status: model.StatusDispatched}, note: "safety / " + strings.Repeat("部", 64), noteZh: "平安法治 / " + strings.Repeat("部", 64),
		},
		{
			name: "dispatch to no such platform", actor: dutyOfficer,
			inc:  newIncident,
			cmd:  model.Command{Action: model.ActDispatch, By: dutyOfficer.ID, Department: "派出所", Platform: "police"},
			code: model.EINVALID, msg: []string{`platform "police"`},
		},
		{
			name: "grid worker resolves", actor: gridWorker,
			inc:   incidentAt(model.TierGrid, model.StatusAcknowledged),
			cmd:   model.Command{Action: model.ActResolve, By: gridWorker.ID, Note: "已清理"},
			after: model.State{Tier: model.TierGrid, Status: model.StatusResolved}, note: "已清理",
			checks: func(t *testing.T, b, a model.Incident) {
				assert.Equal(t, now, a.ResolvedAt)
				assert.True(t, a.Deadline().IsZero())
				assert.True(t, a.NextCheck().IsZero())
			},
		},
		{
			name: "resolve after dispatch", actor: dutyOfficer,
			inc:    incidentAt(model.TierTown, model.StatusDispatched),
			cmd:    model.Command{Action: model.ActResolve, By: dutyOfficer.ID},
			after:  model.State{Tier: model.TierTown, Status: model.StatusResolved},
			checks: func(t *testing.T, b, a model.Incident) { assert.Equal(t, "交警中队", a.Department) },
		},
		{
			name: "duty officer closes after follow-up", actor: dutyOfficer,
			inc:   incidentAt(model.TierGrid, model.StatusResolved),
			cmd:   model.Command{Action: model.ActClose, By: dutyOfficer.ID, Note: "回访满意"},
			after: model.State{Tier: model.TierGrid, Status: model.StatusClosed}, note: "回访满意",
			checks: func(t *testing.T, b, a model.Incident) { assert.Equal(t, now, a.ClosedAt) },
		},
		{
			name: "reopen needs a note", actor: gridLeader,
			inc:  incidentAt(model.TierGrid, model.StatusResolved),
			cmd:  model.Command{Action: model.ActReopen, By: gridLeader.ID},
			code: model.EINVALID, msg: []string{"reopening needs a note"},
		},
		{
			name: "reopen with a blank note", actor: gridLeader,
			inc:  incidentAt(model.TierGrid, model.StatusResolved),
			cmd:  model.Command{Action: model.ActReopen, By: gridLeader.ID, Note: "   "},
			code: model.EINVALID, msg: []string{"reopening needs a note"},
		},
		{
			name: "reopen goes back to reported at the same tier", actor: villageCadre,
			inc:   incidentAt(model.TierVillage, model.StatusResolved, escalatedOnce, supervised),
			cmd:   model.Command{Action: model.ActReopen, By: villageCadre.ID, Note: "又有货物散落"},
			after: model.State{Tier: model.TierVillage, Status: model.StatusReported}, note: "又有货物散落",
			checks: func(t *testing.T, b, a model.Incident) {
				assert.Equal(t, 1, a.Escalations, "reopening is no escalation")
				assert.Equal(t, now, a.TierSince)
				assert.Equal(t, now.Add(5*time.Minute), a.AckBy)
				assert.Equal(t, now.Add(2*time.Hour), a.DueBy)
				assert.True(t, a.AckedAt.IsZero())
				assert.True(t, a.ResolvedAt.IsZero())
				assert.False(t, a.Supervised)
				assert.Equal(t, a.AckBy, a.NextCheck())
			},
		},
		{
			name: "a 500-character note", actor: gridLeader,
			inc:   newIncident,
			cmd:   model.Command{Action: model.ActAcknowledge, By: gridLeader.ID, Note: strings.Repeat("注", model.MaxNoteRunes)},
			after: model.State{Tier: model.TierGrid, Status: model.StatusAcknowledged}, note: strings.Repeat("注", 500),
		},
		{
			name: "a 501-character note", actor: gridLeader,
			inc:  newIncident,
			cmd:  model.Command{Action: model.ActAcknowledge, By: gridLeader.ID, Note: strings.Repeat("注", 501)},
			code: model.EINVALID, msg: []string{"note: 501 characters, at most 500"},
		},
		{
			name: "supervise is the clock's, not an operator's", actor: dutyOfficer,
			inc:  newIncident,
			cmd:  model.Command{Action: model.ActSupervise, By: dutyOfficer.ID},
			code: model.EINVALID, msg: []string{"supervise: not an action on an incident"},
		},
		{
			name: "report is no action on an incident", actor: dutyOfficer,
			inc:  newIncident,
			cmd:  model.Command{Action: model.ActReport, By: dutyOfficer.ID},
			code: model.EINVALID, msg: []string{"not an action on an incident"},
		},
		{
			name: "empty action", actor: dutyOfficer,
			inc:  newIncident,
			cmd:  model.Command{By: dutyOfficer.ID},
			code: model.EINVALID, msg: []string{"not an action on an incident"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.inc(t)
			after, ev, err := before.Apply(tt.cmd, tt.actor, now, p)
			if tt.code != "" {
				requireCode(t, err, tt.code, tt.msg...)
				requireZh(t, err)
				assert.Equal(t, before, after, "a refusal changes nothing")
				assert.Zero(t, ev)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.after, model.State{Tier: after.Tier, Status: after.Status})
			name := tt.actor.Name
			if tt.actor.ID == model.System {
				name = "system"
			}
			assert.Equal(t, model.Event{
				At: now, Actor: tt.actor.ID, ActorName: name, Action: tt.cmd.Action,
				Incident: before.ID, IncidentSeq: before.Seq, Node: before.Node,
				Before: model.State{Tier: before.Tier, Status: before.Status}, After: tt.after, Note: tt.note, NoteZh: tt.noteZh,
				Due: before.Deadline(), // the clock the act answered
			}, ev)
			// Fields no rule touches stay as they were.
			assert.Equal(t, before.ID, after.ID)
			assert.Equal(t, before.Title, after.Title)
			assert.Equal(t, before.Severity, after.Severity)
			assert.Equal(t, before.Node, after.Node)
			assert.Equal(t, before.Reporter, after.Reporter)
			assert.Equal(t, before.ReportedAt, after.ReportedAt)
			if tt.checks != nil {
				tt.checks(t, before, after)
			}
		})
	}
}

// TestApplyFlow walks the article's example end to end.
func TestApplyFlow(t *testing.T) {
	p := model.DefaultPolicy()
	inc := newIncident(t)
	steps := []struct {
		actor model.Person
		cmd   model.Command
		after model.State
	}{
		{gridLeader, model.Command{Action: model.ActAcknowledge}, model.State{Tier: model.TierGrid, Status: model.StatusAcknowledged}},
		{gridLeader, model.Command{Action: model.ActEscalate, To: model.TierTown}, model.State{Tier: model.TierTown, Status: model.StatusReported}},
		{dutyOfficer, model.Command{Action: model.ActDispatch, Department: "交警中队"}, model.State{Tier: model.TierTown, Status: model.StatusDispatched}},
		{dutyOfficer, model.Command{Action: model.ActResolve}, model.State{Tier: model.TierTown, Status: model.StatusResolved}},
		{dutyOfficer, model.Command{Action: model.ActReopen, Note: "仍有散落物"}, model.State{Tier: model.TierTown, Status: model.StatusReported}},
		{dutyOfficer, model.Command{Action: model.ActAcknowledge}, model.State{Tier: model.TierTown, Status: model.StatusAcknowledged}},
		{dutyOfficer, model.Command{Action: model.ActResolve}, model.State{Tier: model.TierTown, Status: model.StatusResolved}},
		{dutyOfficer, model.Command{Action: model.ActClose}, model.State{Tier: model.TierTown, Status: model.StatusClosed}},
	}
	now := t0
	for i, s := range steps {
		now = now.Add(time.Minute)
		s.cmd.By = s.actor.ID
		prev := model.State{Tier: inc.Tier, Status: inc.Status}
		next, ev, err := inc.Apply(s.cmd, s.actor, now, p)
		require.NoError(t, err, "step %d", i)
		assert.Equal(t, prev, ev.Before, "step %d", i)
		assert.Equal(t, s.after, ev.After, "step %d", i)
		inc = next
	}
	assert.Equal(t, 1, inc.Escalations)
	assert.Equal(t, model.LightNone, inc.Light(now))
}

func TestSweep(t *testing.T) {
	p := model.DefaultPolicy()
	wartime := model.DefaultPolicy()
	wartime.Wartime = true
	inWartime := func(t *testing.T) model.Incident {
		i, _, err := fileReport(1, "HJ-20261129-0001", report(), gridWorker, t0, wartime)
		require.NoError(t, err)
		return i
	}
	tests := []struct {
		name   string
		inc    func(t *testing.T) model.Incident
		policy model.Policy
		now    time.Time
		act    model.Action // "" when nothing happens
		after  model.State
		note   string
		noteZh string
		checks func(t *testing.T, a model.Incident)
	}{
		{
			name: "grid before its deadline", policy: p, now: t0.Add(2*time.Minute - time.Second),
			inc: newIncident,
		},
		{
			name: "grid at its deadline climbs to the village", policy: p, now: t0.Add(2 * time.Minute),
			inc: newIncident,
			act: model.ActEscalate, after: model.State{Tier: model.TierVillage, Status: model.StatusReported},
			note: "grid→village: not signed for within 2m0s", noteZh: "网格→村社：2m00s 内未签收",
			checks: func(t *testing.T, a model.Incident) {
				assert.Equal(t, 1, a.Escalations)
				assert.Equal(t, t0.Add(2*time.Minute), a.TierSince)
				assert.Equal(t, t0.Add(7*time.Minute), a.AckBy)
				assert.False(t, a.Supervised)
			},
		},
		{
			name: "a late sweep names the real delay", policy: p, now: t0.Add(7*time.Minute + 300*time.Millisecond),
			inc: newIncident,
			act: model.ActEscalate, after: model.State{Tier: model.TierVillage, Status: model.StatusReported},
			note: "grid→village: not signed for within 7m0s", noteZh: "网格→村社：7m00s 内未签收",
		},
		{
			name: "village climbs to the town", policy: p, now: t0.Add(5 * time.Minute),
			inc: incidentAt(model.TierVillage, model.StatusReported),
			act: model.ActEscalate, after: model.State{Tier: model.TierTown, Status: model.StatusReported},
			note: "village→town: not signed for within 5m0s", noteZh: "村社→镇指挥室：5m00s 内未签收",
		},
		{
			name: "town climbs to the task force", policy: p, now: t0.Add(10 * time.Minute),
			inc: incidentAt(model.TierTown, model.StatusReported),
			act: model.ActEscalate, after: model.State{Tier: model.TierTaskForce, Status: model.StatusReported},
			note: "town→taskforce: not signed for within 10m0s", noteZh: "镇指挥室→专班：10m00s 内未签收",
		},
		{
			name: "task force before its deadline", policy: p, now: t0.Add(29 * time.Minute),
			inc: incidentAt(model.TierTaskForce, model.StatusReported),
		},
		{
			name: "task force not signed for is supervised", policy: p, now: t0.Add(31 * time.Minute),
			inc: incidentAt(model.TierTaskForce, model.StatusReported),
			act: model.ActSupervise, after: model.State{Tier: model.TierTaskForce, Status: model.StatusReported},
			note: "not signed for at the taskforce tier by 03:40", noteZh: "专班层级 03:40 前未签收",
			checks: func(t *testing.T, a model.Incident) {
				assert.True(t, a.Supervised)
				assert.Equal(t, 0, a.Escalations)
				assert.Equal(t, 1, a.Supervisions)
				// The task force is supervised again every deadlines.resupervise while red.
				assert.Equal(t, t0.Add(31*time.Minute+time.Hour), a.NextCheck())
			},
		},
		{
			name: "supervised task force: nothing more", policy: p, now: t0.Add(48 * time.Hour),
			inc: incidentAt(model.TierTaskForce, model.StatusReported, supervised),
		},
		{
			name: "acknowledged before its resolution deadline", policy: p, now: t0.Add(59 * time.Minute),
			inc: incidentAt(model.TierGrid, model.StatusAcknowledged),
		},
		{
			name: "acknowledged past its resolution deadline is supervised", policy: p, now: t0.Add(time.Hour),
			inc: incidentAt(model.TierGrid, model.StatusAcknowledged),
			act: model.ActSupervise, after: model.State{Tier: model.TierGrid, Status: model.StatusAcknowledged},
			note: "not resolved at the grid tier by 04:10", noteZh: "网格层级 04:10 前未办结",
			checks: func(t *testing.T, a model.Incident) {
				assert.True(t, a.Supervised)
				assert.Equal(t, model.TierGrid, a.Tier, "supervision does not climb")
			},
		},
		{
			name: "dispatched past its resolution deadline is supervised", policy: p, now: t0.Add(5 * time.Hour),
			inc: incidentAt(model.TierTown, model.StatusDispatched),
			act: model.ActSupervise, after: model.State{Tier: model.TierTown, Status: model.StatusDispatched},
			note: "not resolved at the town tier by 07:10", noteZh: "镇指挥室层级 07:10 前未办结",
		},
		{
			name: "supervised acknowledged: nothing more", policy: p, now: t0.Add(48 * time.Hour),
			inc: incidentAt(model.TierGrid, model.StatusAcknowledged, supervised),
		},
		{
			name: "resolved: nothing", policy: p, now: t0.Add(365 * 24 * time.Hour),
			inc: incidentAt(model.TierGrid, model.StatusResolved),
		},
		{
			name: "closed: nothing", policy: p, now: t0.Add(365 * 24 * time.Hour),
			inc: incidentAt(model.TierGrid, model.StatusClosed),
		},
		{
			name: "wartime: before the halved deadline", policy: wartime, now: t0.Add(59 * time.Second),
			inc: inWartime,
		},
		{
			name: "wartime: the grid has one minute", policy: wartime, now: t0.Add(time.Minute),
			inc: inWartime,
			act: model.ActEscalate, after: model.State{Tier: model.TierVillage, Status: model.StatusReported},
			note: "grid→village: not signed for within 1m0s", noteZh: "网格→村社：1m00s 内未签收",
			checks: func(t *testing.T, a model.Incident) {
				assert.Equal(t, t0.Add(time.Minute+150*time.Second), a.AckBy, "village: 5m halved")
				assert.Equal(t, t0.Add(time.Minute+time.Hour), a.DueBy, "village II: 2h halved")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.inc(t)
			after, ev, did := before.Sweep(tt.now, tt.policy)
			if tt.act == "" {
				assert.False(t, did)
				assert.Equal(t, before, after)
				assert.Zero(t, ev)
				return
			}
			require.True(t, did)
			assert.Equal(t, model.Event{
				At: tt.now, Actor: model.System, ActorName: "system", Action: tt.act,
				Incident: before.ID, IncidentSeq: before.Seq, Node: before.Node,
				Before: model.State{Tier: before.Tier, Status: before.Status}, After: tt.after, Note: tt.note, NoteZh: tt.noteZh,
				Due: before.Deadline(), // the clock the act answered
			}, ev)
			assert.Equal(t, tt.after, model.State{Tier: after.Tier, Status: after.Status})
			if tt.checks != nil {
				tt.checks(t, after)
			}
			if tt.act == model.ActSupervise && after.Tier != model.TierTaskForce {
				// Below the task force, supervised once on a clock: a second
				// sweep, however late, does nothing.
				again, ev2, did2 := after.Sweep(tt.now.Add(24*time.Hour), tt.policy)
				assert.False(t, did2)
				assert.Equal(t, after, again)
				assert.Zero(t, ev2)
			}
		})
	}
}

// TestSweepChain lets nobody sign for a report: it climbs tier by tier on
// each deadline, then is supervised at the task force, and again every
// hour (deadlines.resupervise) while it stays red.
func TestSweepChain(t *testing.T) {
	p := model.DefaultPolicy()
	inc := newIncident(t)
	var got []string
	for now := t0; now.Before(t0.Add(3 * time.Hour)); now = now.Add(15 * time.Second) {
		next, ev, did := inc.Sweep(now, p)
		if did {
			got = append(got, fmt.Sprintf("%s %s %s", now.Format("15:04:05"), ev.Action, ev.Note))
		}
		inc = next
	}
	assert.Equal(t, []string{
		"03:12:00 escalate grid→village: not signed for within 2m0s",
		"03:17:00 escalate village→town: not signed for within 5m0s",
		"03:27:00 escalate town→taskforce: not signed for within 10m0s",
		"03:57:00 supervise not signed for at the taskforce tier by 03:57",
		"04:57:00 supervise supervised again (2nd time): still not signed for at the taskforce tier, 1h00m past 03:57",
		"05:57:00 supervise supervised again (3rd time): still not signed for at the taskforce tier, 2h00m past 03:57",
	}, got)
	assert.Equal(t, 3, inc.Escalations)
	assert.True(t, inc.Supervised)
	assert.Equal(t, 3, inc.Supervisions)
}

func TestLight(t *testing.T) {
	reported := at(t, model.TierGrid, model.StatusReported)     // 2m to sign for
	acked := at(t, model.TierGrid, model.StatusAcknowledged)    // 1h to resolve
	dispatched := at(t, model.TierTown, model.StatusDispatched) // 4h to resolve
	resolved := at(t, model.TierGrid, model.StatusResolved)     // no clock
	closed := at(t, model.TierGrid, model.StatusClosed)         // no clock
	skew := at(t, model.TierGrid, model.StatusReported)         // a clock with no length
	skew.TierSince = skew.AckBy
	tests := []struct {
		name      string
		inc       model.Incident
		after     time.Duration
		light     model.Light
		remaining time.Duration
	}{
		{"reported at arrival", reported, 0, model.LightGreen, 2 * time.Minute},
		{"reported at 79%", reported, 95 * time.Second, model.LightGreen, 25 * time.Second},
		{"reported at 80%", reported, 96 * time.Second, model.LightYellow, 24 * time.Second},
		{"reported just before", reported, 2*time.Minute - time.Nanosecond, model.LightYellow, time.Nanosecond},
		{"reported at the deadline", reported, 2 * time.Minute, model.LightRed, 0},
		{"reported past it", reported, 3 * time.Minute, model.LightRed, -time.Minute},
		{"before arrival (clock skew)", reported, -time.Minute, model.LightGreen, 3 * time.Minute},
		{"acknowledged at 79%", acked, 47*time.Minute + 59*time.Second, model.LightGreen, 12*time.Minute + time.Second},
		{"acknowledged at 80%", acked, 48 * time.Minute, model.LightYellow, 12 * time.Minute},
		{"acknowledged at the deadline", acked, time.Hour, model.LightRed, 0},
		{"acknowledged an hour late", acked, 2 * time.Hour, model.LightRed, -time.Hour},
		{"dispatched at half time", dispatched, 2 * time.Hour, model.LightGreen, 2 * time.Hour},
		{"dispatched at 90%", dispatched, 216 * time.Minute, model.LightYellow, 24 * time.Minute},
		{"dispatched past it", dispatched, 5 * time.Hour, model.LightRed, -time.Hour},
		{"resolved", resolved, 0, model.LightNone, 0},
		{"resolved long after", resolved, 100 * time.Hour, model.LightNone, 0},
		{"closed", closed, 100 * time.Hour, model.LightNone, 0},
		{"zero-length clock", skew, 0, model.LightYellow, 2 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := t0.Add(tt.after)
			assert.Equal(t, tt.light, tt.inc.Light(now))
			assert.Equal(t, tt.remaining, tt.inc.Remaining(now))
		})
	}
}

func TestDeadlineAndNextCheck(t *testing.T) {
	tests := []struct {
		status       model.Status
		supervised   bool
		deadline     time.Time
		nextCheckSet bool
	}{
		{model.StatusReported, false, t0.Add(2 * time.Minute), true},
		{model.StatusReported, true, t0.Add(2 * time.Minute), false},
		{model.StatusAcknowledged, false, t0.Add(time.Hour), true},
		{model.StatusAcknowledged, true, t0.Add(time.Hour), false},
		{model.StatusDispatched, false, t0.Add(time.Hour), true},
		{model.StatusResolved, false, time.Time{}, false},
		{model.StatusClosed, false, time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s supervised=%v", tt.status, tt.supervised), func(t *testing.T) {
			i := at(t, model.TierGrid, tt.status)
			i.Supervised = tt.supervised
			assert.Equal(t, tt.deadline, i.Deadline())
			if tt.nextCheckSet {
				assert.Equal(t, tt.deadline, i.NextCheck())
			} else {
				assert.True(t, i.NextCheck().IsZero())
			}
		})
	}
}

func TestSortQueue(t *testing.T) {
	now := t0.Add(time.Minute)
	mk := func(seq uint64, st model.Status, sev model.Severity, ackIn time.Duration) model.Incident {
		i := at(t, model.TierGrid, st)
		i.Seq = seq
		i.ID = testkit.IncidentID("HJ", t0, seq)
		i.Severity = sev
		i.AckBy = t0.Add(ackIn)
		i.DueBy = t0.Add(ackIn)
		return i
	}
	list := []model.Incident{
		mk(1, model.StatusClosed, model.SeverityI, time.Minute),
		mk(2, model.StatusReported, model.SeverityIII, time.Minute),
		mk(3, model.StatusAcknowledged, model.SeverityI, time.Hour),
		mk(4, model.StatusReported, model.SeverityI, 2*time.Minute),
		mk(5, model.StatusResolved, model.SeverityIV, time.Minute),
		mk(6, model.StatusDispatched, model.SeverityI, -time.Hour),  // overdue: least time left
		mk(7, model.StatusReported, model.SeverityI, 2*time.Minute), // ties with 4: older first
		mk(8, model.StatusResolved, model.SeverityII, time.Minute),
		mk(9, model.StatusReported, model.SeverityII, 30*time.Minute),
	}
	model.SortQueue(list, now)
	var got []uint64
	for _, i := range list {
		got = append(got, i.Seq)
	}
	assert.Equal(t, []uint64{6, 4, 7, 3, 9, 2, 1, 8, 5}, got)

	model.SortQueue(nil, now) // no panic on an empty queue
}

func TestNextLightChange(t *testing.T) {
	p := model.DefaultPolicy()
	now := time.Date(2026, 11, 29, 3, 10, 0, 0, time.UTC)
	inc, _, err := fileReport(1, "HJ-20261129-0001", model.Report{Node: "330784114266-02", Category: "traffic",
		Severity: model.SeverityII, Title: "x"}, model.Person{}, now, p)
	require.NoError(t, err)
	// Grid sign-for window 2m: yellow from 96s, red at 120s.
	yellow := inc.NextLightChange(now)
	assert.Equal(t, now.Add(96*time.Second), yellow)
	assert.Equal(t, model.LightGreen, inc.Light(yellow.Add(-time.Nanosecond)))
	assert.Equal(t, model.LightYellow, inc.Light(yellow))
	red := inc.NextLightChange(yellow)
	assert.Equal(t, inc.AckBy, red)
	assert.Equal(t, model.LightRed, inc.Light(red))
	assert.True(t, inc.NextLightChange(red).IsZero(), "red stays red")
	inc.Status = model.StatusResolved
	assert.True(t, inc.NextLightChange(now).IsZero(), "no clock, no change")
}

func TestFormatWait(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"}, {45 * time.Second, "45s"}, {6*time.Minute + 2*time.Second, "6m02s"},
		{2*time.Hour + 10*time.Minute + 59*time.Second, "2h10m"}, {47*time.Hour + 59*time.Minute, "47h59m"},
		{3*24*time.Hour + 4*time.Hour + 30*time.Minute, "3d4h"}, {-90 * time.Second, "-1m30s"},
	} {
		assert.Equal(t, tt.want, model.FormatWait(tt.d), "%v", tt.d)
	}
}

// The refusals of an operator's input name the field they are about, so
// that a form shows the reason at the field instead of checking again.
func TestApplyRefusalFields(t *testing.T) {
	p := model.DefaultPolicy()
	now := t0.Add(time.Minute)
	tests := []struct {
		name  string
		inc   model.Incident
		cmd   model.Command
		field string
		zh    string
	}{
		{"note too long", at(t, model.TierGrid, model.StatusReported),
			model.Command{Action: model.ActAcknowledge, Note: strings.Repeat("注", model.MaxNoteRunes+1)}, "note", "备注：501 字"},
		{"note not UTF-8", at(t, model.TierGrid, model.StatusReported),
			model.Command{Action: model.ActAcknowledge, Note: "\xff"}, "note", "UTF-8"},
		{"department not UTF-8", at(t, model.TierGrid, model.StatusReported),
			model.Command{Action: model.ActDispatch, Department: "\xff"}, "department", "UTF-8"},
		{"no department", at(t, model.TierGrid, model.StatusReported),
			model.Command{Action: model.ActDispatch, Department: " \x07 "}, "department", "交办须填写承办部门"},
		{"department too long", at(t, model.TierGrid, model.StatusReported),
			model.Command{Action: model.ActDispatch, Department: strings.Repeat("部", model.MaxDeptRunes+1)}, "department", "承办部门：最多 64 字"},
		{"dispatch to no platform", at(t, model.TierGrid, model.StatusReported),
			model.Command{Action: model.ActDispatch, Department: "交警中队", Platform: "police"}, "platform", `平台 "police"`},
		{"escalate to no tier", at(t, model.TierGrid, model.StatusReported),
			model.Command{Action: model.ActEscalate, To: "county"}, "to", `不能升级到 "county"`},
		{"reopen without a note", at(t, model.TierGrid, model.StatusResolved),
			model.Command{Action: model.ActReopen}, "note", "重新办理须写明新情况"},
		{"a refusal of the state names no field", at(t, model.TierTaskForce, model.StatusReported),
			model.Command{Action: model.ActEscalate}, "", "已在专班"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cmd.By = dutyOfficer.ID
			_, _, err := tt.inc.Apply(tt.cmd, dutyOfficer, now, p)
			require.Error(t, err)
			requireZh(t, err, tt.zh)
			assert.Equal(t, tt.field, model.ErrorField(err))
		})
	}
}

func TestIDEndsIn(t *testing.T) {
	id := "HJ-20261207-0032"
	for _, short := range []string{"0032", "07-0032", "1207-0032", "20261207-0032", "HJ-0032", "hj-07-0032", "HJ-1207-0032"} {
		assert.True(t, model.IDEndsIn(id, short), short)
	}
	for _, short := range []string{"032", "2", "1206-0032", "0033", "12070032", "7-0032", "08-0032", "207-0032", "61207-0032", "1207-", "-0032", "12a7-0032",
		"DC-0032", "H-0032", "HJ-", "HJ-032", "HJ-HJ-0032", "12a7-HJ-0032"} {
		assert.False(t, model.IDEndsIn(id, short), short)
	}
}

// The short forms the console reads (:show) are those the command line
// takes (show, ack…): one test of the forms for both.
func TestShortIncidentID(t *testing.T) {
	for _, s := range []string{"0032", "10032", "07-0032", "1207-0032", "20261207-0032", "HJ-0032", "dc-1207-0032"} {
		assert.True(t, model.ShortIncidentID(s), s)
	}
	for _, s := range []string{"", "032", "7-0032", "207-0032", "61207-0032", "1207-", "-0032", "12a7-0032", "07-032", "07-0032-1", " 0032",
		"HJ-", "HJ-032", "HJ-HJ-0032", "ABCDEFGHI-0032"} {
		assert.False(t, model.ShortIncidentID(s), s)
	}
}
