package model_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// facts answers PointFacts by hand.
type facts struct {
	reporter model.PersonID
	cat      model.Category
	incident bool
	first    bool
	holder   model.PersonID
}

func (f facts) Incident() (model.PersonID, model.Category, bool) {
	return f.reporter, f.cat, f.incident
}
func (f facts) First() bool            { return f.first }
func (f facts) Holder() model.PersonID { return f.holder }

func nothing(model.PersonID, string, string) int { return 0 }

var defaultRules = model.PointRules{model.DefaultPoints().Set()}

// TestEveryIndicatorEarns walks the ten shipped indicators: what earns each,
// for whom, and what does not.
func TestEveryIndicatorEarns(t *testing.T) {
	ev := func(a model.Action, by model.PersonID) model.Event {
		return model.Event{At: t0, Actor: by, Action: a, IncidentSeq: 7, Incident: "HJ-20261129-0007", Node: duxiG02}
	}
	with := func(e model.Event, f func(*model.Event)) model.Event { f(&e); return e }
	hazard := facts{reporter: gridWorker.ID, cat: "hazard", incident: true, first: true}
	dispute := facts{reporter: gridWorker.ID, cat: "dispute", incident: true, first: true}
	atTier := func(t model.Tier) func(*model.Event) {
		return func(e *model.Event) { e.Before = model.State{Tier: t, Status: model.StatusAcknowledged} }
	}
	type entry struct {
		who model.PersonID
		key string
		pts int
	}
	for _, tt := range []struct {
		name string
		ev   model.Event
		f    model.PointFacts
		want []entry
	}{
		{"信息采集: a report earns its reporter 1", ev(model.ActReport, gridWorker.ID), model.NoFacts{}, []entry{{gridWorker.ID, "report", 1}}},
		{"信息采集: the sensors' reports earn nobody", ev(model.ActReport, model.System), model.NoFacts{}, nil},
		{"信息采集: a finding the liaison passed on earns its finder, not the liaison",
			with(ev(model.ActReport, liaison.ID), func(e *model.Event) { e.Subject = patroller.ID }), model.NoFacts{},
			[]entry{{patroller.ID, "report", 1}}},
		{"隐患排查: a passed-on hazard resolved earns its finder, the incident's reporter", with(ev(model.ActResolve, gridLeader.ID), atTier(model.TierGrid)),
			facts{reporter: patroller.ID, cat: "hazard", incident: true, first: true}, []entry{{patroller.ID, "hazard", 3}}},
		{"a finding passed on earns nobody by itself", with(ev(model.ActFindingPass, liaison.ID), func(e *model.Event) { e.Subject = patroller.ID }),
			model.NoFacts{}, nil},
		{"隐患排查: a hazard resolved earns its reporter 3", with(ev(model.ActResolve, gridLeader.ID), atTier(model.TierGrid)), hazard,
			[]entry{{gridWorker.ID, "hazard", 3}}},
		{"隐患排查: resolved again after a reopen earns nothing", with(ev(model.ActResolve, gridLeader.ID), atTier(model.TierGrid)),
			facts{reporter: gridWorker.ID, cat: "hazard", incident: true}, nil},
		{"隐患排查: another category earns nothing", with(ev(model.ActResolve, gridLeader.ID), atTier(model.TierTown)),
			facts{reporter: gridWorker.ID, cat: "traffic", incident: true, first: true}, nil},
		{"隐患排查: a hazard the sensors reported earns nobody", with(ev(model.ActResolve, dutyOfficer.ID), atTier(model.TierTown)),
			facts{reporter: model.System, cat: "hazard", incident: true, first: true}, nil},
		{"按时签收: signed for by the deadline", with(with(ev(model.ActAcknowledge, gridLeader.ID), atTier(model.TierGrid)), func(e *model.Event) { e.Due = t0 }), model.NoFacts{},
			[]entry{{gridLeader.ID, "sign_on_time", 1}}},
		{"按时签收: at the village too", with(with(ev(model.ActAcknowledge, villageCadre.ID), atTier(model.TierVillage)), func(e *model.Event) { e.Due = t0 }), model.NoFacts{},
			[]entry{{villageCadre.ID, "sign_on_time", 1}}},
		{"按时签收: the town room's duty officer is not a grid team", with(with(ev(model.ActAcknowledge, dutyOfficer.ID), atTier(model.TierTown)), func(e *model.Event) { e.Due = t0 }), model.NoFacts{}, nil},
		{"按时签收: a second late earns nothing", with(with(ev(model.ActAcknowledge, gridLeader.ID), atTier(model.TierGrid)), func(e *model.Event) { e.Due = t0.Add(-time.Second) }), model.NoFacts{}, nil},
		{"按时签收: no deadline recorded earns nothing", with(ev(model.ActAcknowledge, gridLeader.ID), atTier(model.TierGrid)), model.NoFacts{}, nil},
		{"矛盾调处: a dispute resolved at the grid", with(ev(model.ActResolve, gridLeader.ID), atTier(model.TierGrid)), dispute,
			[]entry{{gridLeader.ID, "mediation", 3}}},
		{"矛盾调处: a dispute resolved at the village", with(ev(model.ActResolve, villageCadre.ID), atTier(model.TierVillage)), dispute,
			[]entry{{villageCadre.ID, "mediation", 3}}},
		{"矛盾调处: resolved by the town earns nothing", with(ev(model.ActResolve, dutyOfficer.ID), atTier(model.TierTown)), dispute, nil},
		{"巡护: a patrol done earns its patroller 2", model.Event{At: t0, Actor: patroller.ID, Action: model.Action("patrol_done")}, model.NoFacts{},
			[]entry{{patroller.ID, "patrol", 2}}},
		{"巡护: a patrol the liaison ended earns its patroller, not the liaison",
			model.Event{At: t0, Actor: liaison.ID, Action: model.ActPatrolDone, Subject: patroller.ID}, model.NoFacts{},
			[]entry{{patroller.ID, "patrol", 2}}},
		{"巡护: a patrol ended incomplete earns nothing, whoever ended it",
			model.Event{At: t0, Actor: liaison.ID, Action: model.ActPatrolEnd, Subject: patroller.ID}, model.NoFacts{}, nil},
		{"巡护: a patrol started earns nothing", model.Event{At: t0, Actor: patroller.ID, Action: model.Action("patrol_start")}, model.NoFacts{}, nil},
		{"战时签收: a unit's own signature within sign_for", model.Event{At: t0, Actor: microWorker.ID, Action: model.ActSign, Due: t0.Add(time.Minute)},
			facts{}, []entry{{microWorker.ID, "wartime_sign", 2}}},
		{"战时签收: late earns nothing", model.Event{At: t0, Actor: microWorker.ID, Action: model.ActSign, Due: t0.Add(-time.Minute)}, facts{}, nil},
		{"战时签收: signed on the unit's behalf (代签) earns nothing", model.Event{At: t0, Actor: villageCadre.ID, Action: model.ActSign, Due: t0, OnBehalf: true},
			facts{}, nil},
		{"战时进度: the progress that completes a unit", model.Event{At: t0, Actor: microWorker.ID, Action: model.ActProgress, Completed: true},
			facts{}, []entry{{microWorker.ID, "wartime_done", 3}}},
		{"战时进度: progress short of done earns nothing", model.Event{At: t0, Actor: microWorker.ID, Action: model.ActProgress}, facts{}, nil},
		{"清村扫楼: a building sweep", model.Event{At: t0, Actor: gridWorker.ID, Action: model.Action("rotation_sweep")}, model.NoFacts{},
			[]entry{{gridWorker.ID, "sweep", 2}}},
		{"志愿服务: the reserve drafted earns, not the officer", model.Event{At: t0, Actor: dutyOfficer.ID, Action: model.ActDraft, Subject: reservist.ID},
			model.NoFacts{}, []entry{{reservist.ID, "volunteer", 5}}},
		{"督办扣分: whoever signed for it at that tier loses 3", with(model.Event{At: t0, Actor: model.System, Action: model.ActSupervise, IncidentSeq: 7},
			atTier(model.TierGrid)), facts{holder: gridLeader.ID}, []entry{{gridLeader.ID, "supervision", -3}}},
		{"督办扣分: nobody signed for it, nobody loses", with(model.Event{At: t0, Actor: model.System, Action: model.ActSupervise, IncidentSeq: 7},
			atTier(model.TierTaskForce)), facts{holder: model.System}, nil},
		{"an escalation earns nothing", ev(model.ActEscalate, gridLeader.ID), model.NoFacts{}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := defaultRules.Earn(tt.ev, loc, tt.f, nothing)
			var want []model.PointEntry
			for _, w := range tt.want {
				want = append(want, model.PointEntry{Person: w.who, Day: "20261129", Indicator: w.key, Points: w.pts})
			}
			assert.Equal(t, want, got)
		})
	}
	// Every shipped indicator is walked above.
	assert.Len(t, model.DefaultPoints().Indicators, 10)
}

// TestCapsHold fills every capped indicator past its cap in one month: the
// last entry is cut to what is left, the ones after it earn nothing, and a
// new month starts again; a deduction's cap bounds what it takes.
func TestCapsHold(t *testing.T) {
	for _, in := range model.DefaultPoints().Indicators {
		t.Run(in.Key, func(t *testing.T) {
			require.Positive(t, in.Cap, "every shipped indicator has a cap")
			l := model.NewLedger()
			who := gridWorker.ID
			ev := model.Event{At: t0, Actor: who, Action: in.Actions[0], Subject: who, Due: t0, IncidentSeq: 3,
				Before: model.State{Tier: model.TierGrid}, Completed: true}
			f := facts{reporter: who, cat: "x", incident: true, first: true, holder: who}
			if len(in.Categories) > 0 {
				f.cat = in.Categories[0]
			}
			sum := 0
			for i := 0; i < 200; i++ {
				for _, e := range l.Apply(defaultRules, ev, loc, f) {
					sum += e.Points
				}
			}
			if in.Points > 0 {
				assert.Equal(t, in.Cap, sum)
			} else {
				assert.Equal(t, -in.Cap, sum)
			}
			assert.Equal(t, sum, l.Month[model.LedgerKey{Period: "202611", Person: who, Indicator: in.Key}])
			assert.Equal(t, sum, l.Day[model.LedgerKey{Period: "20261129", Person: who, Indicator: in.Key}])
			next := ev
			next.At = time.Date(2026, 12, 1, 0, 0, 0, 0, loc)
			next.Due = next.At
			assert.Equal(t, []model.PointEntry{{Person: who, Day: "20261201", Indicator: in.Key, Points: in.Points}}, l.Apply(defaultRules, next, loc, f))
		})
	}

	// A cap not a multiple of the points cuts the last entry.
	rules := model.PointRules{{Indicators: []model.Indicator{{Key: "report", Zh: "信息采集", En: "reports", Actions: []model.Action{model.ActReport}, Points: 3, Cap: 7}}}}
	l := model.NewLedger()
	var got []int
	for i := 0; i < 4; i++ {
		for _, e := range l.Apply(rules, model.Event{At: t0, Actor: gridWorker.ID, Action: model.ActReport}, loc, model.NoFacts{}) {
			got = append(got, e.Points)
		}
	}
	assert.Equal(t, []int{3, 3, 1}, got)
	// Manual entries are not capped, and bring a capped total back down.
	l.Apply(rules, model.Event{At: t0, Actor: dutyOfficer.ID, Action: model.ActPointsDeduct, Subject: gridWorker.ID, Points: -5}, loc, model.NoFacts{})
	assert.Equal(t, -5, l.Month[model.LedgerKey{Period: "202611", Person: gridWorker.ID, Indicator: model.ManualKey}])
	assert.Equal(t, 7, l.Month[model.LedgerKey{Period: "202611", Person: gridWorker.ID, Indicator: "report"}])
}

// TestTheDayIsLocal books an event by the command room's day and month:
// 00:30 on 1 December in Huajie is still November in UTC.
func TestTheDayIsLocal(t *testing.T) {
	at := time.Date(2026, 12, 1, 0, 30, 0, 0, loc)
	es := defaultRules.Earn(model.Event{At: at.UTC(), Actor: gridWorker.ID, Action: model.ActReport}, loc, model.NoFacts{}, nothing)
	require.Len(t, es, 1)
	assert.Equal(t, "20261201", es[0].Day)
	assert.Equal(t, "202612", es[0].Month())
}

func TestManualEntriesAndRedemptions(t *testing.T) {
	grant, err := model.Grant(dutyOfficer, gridWorker, 5, "网格协商周 议事记录整理", t0)
	require.NoError(t, err)
	assert.Equal(t, model.ActPointsGrant, grant.Action)
	assert.Equal(t, dutyOfficer.ID, grant.Actor)
	assert.Equal(t, gridWorker.ID, grant.Subject)
	assert.Equal(t, 5, grant.Points)
	assert.Contains(t, grant.Note, "网格协商周")
	assert.Equal(t, []model.PointEntry{{Person: gridWorker.ID, Day: "20261129", Indicator: model.ManualKey, Points: 5}},
		defaultRules.Earn(grant, loc, model.NoFacts{}, nothing))

	deduct, err := model.Grant(villageCadre, gridWorker, -2, "台账未按时更新", t0)
	require.NoError(t, err)
	assert.Equal(t, model.ActPointsDeduct, deduct.Action)
	assert.Equal(t, -2, defaultRules.Earn(deduct, loc, model.NoFacts{}, nothing)[0].Points)

	// Who may: a duty officer anyone, a cadre their own village, nobody themselves.
	for _, tt := range []struct {
		by, to model.Person
		ok     bool
	}{
		{dutyOfficer, reservist, true}, {villageCadre, microWorker, true}, {villageCadre, reservist, true},
		{otherCadre, gridWorker, false}, {gridLeader, gridWorker, false}, {gridWorker, gridWorker, false},
		{dutyOfficer, dutyOfficer, false}, {system, gridWorker, false}, {villageCadre, patroller, false},
	} {
		assert.Equal(t, tt.ok, model.MayGrant(tt.by, tt.to), "%s for %s", tt.by.Name, tt.to.Name)
	}
	_, err = model.Grant(gridLeader, gridWorker, 5, "x", t0)
	requireCode(t, err, model.EFORBIDDEN, "only a duty officer")
	requireZh(t, err, "值班员")
	_, err = model.Grant(gridWorker, gridWorker, 5, "x", t0)
	requireCode(t, err, model.EFORBIDDEN, "their own points")
	requireZh(t, err, "自己")
	for _, pts := range []int{0, 101, -101} {
		_, err = model.Grant(dutyOfficer, gridWorker, pts, "x", t0)
		requireCode(t, err, model.EINVALID, "points")
		requireZh(t, err, "积分")
	}
	for _, why := range []string{"", "  ", "\x1b[2J", string(make([]rune, 501))} {
		_, err = model.Grant(dutyOfficer, gridWorker, 5, why, t0)
		requireCode(t, err, model.EINVALID, "reason")
	}
	_, err = model.Grant(dutyOfficer, gridWorker, 5, "\xff", t0)
	requireCode(t, err, model.EINVALID, "UTF-8")

	// A redemption consumes the threshold, and never below zero.
	dining, err := model.DefaultPoints().Benefit("助餐")
	require.NoError(t, err)
	assert.Equal(t, "dining", dining.Key)
	red, err := model.Redeem(villageCadre, gridWorker, dining, 25, t0)
	require.NoError(t, err)
	assert.Equal(t, model.ActPointsRedeem, red.Action)
	assert.Equal(t, -20, red.Points)
	assert.Equal(t, []model.PointEntry{{Person: gridWorker.ID, Day: "20261129", Indicator: model.RedeemKey, Points: -20}},
		defaultRules.Earn(red, loc, model.NoFacts{}, nothing))
	_, err = model.Redeem(villageCadre, gridWorker, dining, 19, t0)
	requireCode(t, err, model.ECONFLICT, "holds 19 points; dining needs 20")
	requireZh(t, err, "19", "20")
	_, err = model.Redeem(otherCadre, gridWorker, dining, 100, t0)
	requireCode(t, err, model.EFORBIDDEN)
	_, err = model.DefaultPoints().Benefit("spa")
	requireCode(t, err, model.EINVALID, "benefit", "dining")
	requireZh(t, err, "福利")

	names := func(bs []model.Benefit) []string {
		var s []string
		for _, b := range bs {
			s = append(s, b.Key)
		}
		return s
	}
	assert.Empty(t, model.DefaultPoints().Eligible(19))
	assert.Equal(t, []string{"dining", "culture", "transport"}, names(model.DefaultPoints().Eligible(30)))
	assert.Len(t, model.DefaultPoints().Eligible(80), 6)
}

// TestChangesApplyFromTheirDate: a change of indicators applies from its
// stated date, and never from inside a month already issued.
func TestChangesApplyFromTheirDate(t *testing.T) {
	dec := time.Date(2026, 12, 1, 0, 0, 0, 0, loc)
	jan := time.Date(2027, 1, 1, 0, 0, 0, 0, loc)
	first := model.DefaultPoints().Set()
	rules, changed, err := model.PointRules(nil).Install(first, dec)
	require.NoError(t, err)
	assert.True(t, changed)

	same := first
	same.From = dec.AddDate(0, 0, 5)
	_, changed, err = rules.Install(same, dec)
	require.NoError(t, err)
	assert.False(t, changed, "the same indicators from another day change nothing")

	double := model.DefaultPoints()
	double.Indicators[0].Points = 2
	double.From = time.Date(2026, 11, 15, 0, 0, 0, 0, loc)
	_, _, err = rules.Install(double.Set(), dec)
	requireCode(t, err, model.EINVALID, "points.from 2026-11-15", "already issued", "2026-12")
	requireZh(t, err, "已发放")
	assert.Equal(t, "points.from", model.ErrorField(err))

	double.From = dec.AddDate(0, 0, 14) // 15 December, the month not yet issued
	rules2, changed, err := rules.Install(double.Set(), dec)
	require.NoError(t, err)
	require.True(t, changed)
	require.Len(t, rules2, 2)
	report := func(at time.Time) int {
		es := rules2.Earn(model.Event{At: at, Actor: gridWorker.ID, Action: model.ActReport}, loc, model.NoFacts{}, nothing)
		return es[0].Points
	}
	assert.Equal(t, 1, report(dec.AddDate(0, 0, 13)), "before the change")
	assert.Equal(t, 2, report(dec.AddDate(0, 0, 14)), "from its day")

	// Changed again within December from an earlier day: it replaces the
	// December set (which applied only to a month not yet issued).
	triple := double
	triple.Indicators = slices.Clone(double.Indicators)
	triple.Indicators[0].Points = 3
	triple.From = dec.AddDate(0, 0, 9)
	rules3, changed, err := rules2.Install(triple.Set(), dec)
	require.NoError(t, err)
	assert.True(t, changed)
	require.Len(t, rules3, 2)
	assert.Equal(t, 3, rules3[1].Indicators[0].Points)
	assert.Equal(t, dec.AddDate(0, 0, 9), rules3[1].From)
	// ... and once December is issued, the December set stays as it is.
	triple.Indicators = slices.Clone(triple.Indicators)
	triple.Indicators[0].Points = 4
	triple.From = dec.AddDate(0, 0, 25)
	_, _, err = rules3.Install(triple.Set(), jan)
	requireCode(t, err, model.EINVALID, "already issued")
	triple.From = jan
	rules4, _, err := rules3.Install(triple.Set(), jan)
	require.NoError(t, err)
	require.Len(t, rules4, 3)
	assert.Len(t, rules3, 2, "Install leaves the rules it was given")

	// The indicators of a month are every set's in force in it.
	drop := model.PointRuleSet{From: jan, Indicators: model.DefaultPoints().Indicators[:1]}
	rules5, _, err := rules3.Install(drop, jan)
	require.NoError(t, err)
	assert.Len(t, rules5.Indicators(dec, jan), 10)
	assert.Len(t, rules5.Indicators(jan, jan.AddDate(0, 1, 0)), 1)

	// Before the first set nothing earns.
	late := model.PointRules{{From: dec, Indicators: first.Indicators}}
	assert.Empty(t, late.Earn(model.Event{At: t0, Actor: gridWorker.ID, Action: model.ActReport}, loc, model.NoFacts{}, nothing))
}

func TestPointsPolicyValidate(t *testing.T) {
	require.NoError(t, model.DefaultPoints().Validate())
	require.NoError(t, model.DefaultPolicy().Validate())
	for _, tt := range []struct {
		name  string
		edit  func(p *model.PointsPolicy)
		field string
	}{
		{"bad key", func(p *model.PointsPolicy) { p.Indicators[1].Key = "Hazard Found" }, "points.indicators[1].key"},
		{"reserved key", func(p *model.PointsPolicy) { p.Indicators[1].Key = "manual" }, "points.indicators[1].key"},
		{"twice", func(p *model.PointsPolicy) { p.Indicators[1].Key = "report" }, "points.indicators[1].key"},
		{"no zh", func(p *model.PointsPolicy) { p.Indicators[0].Zh = "" }, "points.indicators[0]"},
		{"no actions", func(p *model.PointsPolicy) { p.Indicators[0].Actions = nil }, "points.indicators[0].actions"},
		{"bad action", func(p *model.PointsPolicy) { p.Indicators[0].Actions = []model.Action{"Report!"} }, "points.indicators[0].actions"},
		{"own action", func(p *model.PointsPolicy) { p.Indicators[0].Actions = []model.Action{model.ActPointsGrant} }, "points.indicators[0].actions"},
		{"zero points", func(p *model.PointsPolicy) { p.Indicators[0].Points = 0 }, "points.indicators[0].points"},
		{"huge points", func(p *model.PointsPolicy) { p.Indicators[0].Points = 1000 }, "points.indicators[0].points"},
		{"negative cap", func(p *model.PointsPolicy) { p.Indicators[0].Cap = -1 }, "points.indicators[0].cap"},
		{"bad earner", func(p *model.PointsPolicy) { p.Indicators[0].To = "boss" }, "points.indicators[0].to"},
		{"bad tier", func(p *model.PointsPolicy) { p.Indicators[0].Tiers = []model.Tier{"county"} }, "points.indicators[0].tiers"},
		{"bad condition", func(p *model.PointsPolicy) { p.Indicators[0].When = []model.Condition{"soon"} }, "points.indicators[0].when"},
		{"benefit threshold", func(p *model.PointsPolicy) { p.Benefits[0].Threshold = 0 }, "points.benefits.dining.threshold"},
		{"benefit zh", func(p *model.PointsPolicy) { p.Benefits[0].Zh = "" }, "points.benefits.dining.zh"},
		{"benefit twice", func(p *model.PointsPolicy) { p.Benefits[1].Key = "dining" }, "points.benefits.dining"},
		{"grades", func(p *model.PointsPolicy) { p.Grades.Good = 95 }, "points.grades"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := model.DefaultPoints()
			tt.edit(&p)
			err := p.Validate()
			requireCode(t, err, model.EINVALID, tt.field)
			assert.Equal(t, tt.field, model.ErrorField(err))
			requireZh(t, err, tt.field)
		})
	}
}

// A month before the first the ledger keeps and one still to come are
// refused alike, in both languages (a QA: 'points --month 2000-01' named
// 1999-12, a month nobody typed; 2027-05 was written as posted).
func TestMonthHeld(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, loc)
	for _, ok := range []string{"2000-01", "2026-11", "2026-12"} {
		m, err := model.ParseMonth(ok)
		require.NoError(t, err)
		assert.NoError(t, m.Held(now, loc), ok)
	}
	assert.NoError(t, model.Month{}.Held(now, loc), "the zero month is the current one")
	for _, bad := range []string{"1999-12", "2027-01", "2027-05"} {
		m, err := model.ParseMonth(bad)
		require.NoError(t, err, "a month, if not one the ledger holds")
		err = m.Held(now, loc)
		requireCode(t, err, model.EINVALID, bad, "2000-01 to this month, 2026-12")
		requireZh(t, err, "2000-01 至本月（2026-12）")
	}
}

func TestMonths(t *testing.T) {
	m, err := model.ParseMonth("2026-12")
	require.NoError(t, err)
	assert.Equal(t, model.Month{Year: 2026, Mon: time.December}, m)
	assert.Equal(t, "2026-12", m.String())
	assert.Equal(t, "202612", m.Key())
	assert.Equal(t, "2027-01", m.Next().String())
	assert.Equal(t, "2026-11", m.Prev().String())
	assert.Equal(t, "2025-12", model.Month{Year: 2026, Mon: time.January}.Prev().String())
	assert.Equal(t, time.Date(2026, 12, 1, 0, 0, 0, 0, loc), m.Start(loc))
	assert.Equal(t, time.Date(2027, 1, 1, 0, 0, 0, 0, loc), m.End(loc))
	assert.Equal(t, model.Month{Year: 2026, Mon: time.November}, model.MonthOf(t0.UTC(), loc))
	m2, err := model.ParseMonth("202612")
	require.NoError(t, err)
	assert.Equal(t, m, m2)
	for _, bad := range []string{"", "2026", "2026-13", "2026-00", "26-12", "2026/12", "0999-12", "十二月"} {
		_, err := model.ParseMonth(bad)
		requireCode(t, err, model.EINVALID, "month", "YYYY-MM")
		requireZh(t, err, "月份")
	}
	b, err := m.MarshalText()
	require.NoError(t, err)
	var back model.Month
	require.NoError(t, back.UnmarshalText(b))
	assert.Equal(t, m, back)
}

// TestTeams rolls a month up to grid teams with the leader's share (the
// article's "网格员在做、网格长在看"), micro-grids and villages, with the
// trend against the month before.
func TestTeams(t *testing.T) {
	pp := func(p model.Person, total int) model.PersonPoints {
		return model.PersonPoints{Person: p.ID, Name: p.Name, Node: p.Node, Roles: p.Roles, Total: total}
	}
	month := []model.PersonPoints{
		pp(gridLeader, 6), pp(gridWorker, 10), pp(partWorker, 4), pp(microWorker, 5), pp(reservist, 5),
		pp(otherLeader, 2), pp(villageCadre, 3), pp(dutyOfficer, 9), pp(contactPerson, 1),
	}
	before := []model.PersonPoints{pp(gridLeader, 10), pp(gridWorker, 5), pp(otherLeader, 4)}

	grids := model.Teams(model.LevelGrid, month, before)
	require.Len(t, grids, 2)
	g := grids[0]
	assert.Equal(t, duxiG02, g.Node)
	assert.Equal(t, 31, g.Total) // leader 6 + workers 10 + 4 + micro 5 + reserve 5 + contact 1
	assert.Equal(t, 6, g.Leader)
	assert.Equal(t, 25, g.Workers)
	assert.Equal(t, 6, g.People)
	assert.InDelta(t, 6.0/31, g.LeaderShare(), 1e-9)
	assert.Equal(t, 15, g.Previous)
	assert.Equal(t, 16, g.Trend())
	assert.Equal(t, model.TeamPoints{Node: duxiG01, People: 1, Total: 2, Leader: 2, Previous: 4}, grids[1])
	assert.Equal(t, -2, grids[1].Trend())

	micro := model.Teams(model.LevelMicroGrid, month, before)
	require.Len(t, micro, 1)
	assert.Equal(t, model.TeamPoints{Node: duxiG02M3, People: 2, Total: 6, Workers: 6}, micro[0])

	villages := model.Teams(model.LevelVillage, month, before)
	require.Len(t, villages, 1)
	assert.Equal(t, 36, villages[0].Total, "the village holds its grids and its cadres; the town's officer is above it")
	assert.Equal(t, 19, villages[0].Previous)
	assert.Zero(t, model.TeamPoints{}.LeaderShare())

	// A leader deducted more than they earned earned none of the team's
	// points; the share stays within 0-1 either way.
	assert.Zero(t, model.TeamPoints{Total: 1, Leader: -4, Workers: 5}.LeaderShare())
	assert.Equal(t, 1.0, model.TeamPoints{Total: 2, Leader: 3, Workers: -1}.LeaderShare())
	assert.Zero(t, model.TeamPoints{Total: -3, Leader: -1, Workers: -2}.LeaderShare())
}

func TestMonthTotalsAndRanking(t *testing.T) {
	p := model.MonthTotals(gridWorker, map[string]int{"report": 4, "hazard": 3, model.ManualKey: -2, model.RedeemKey: -20}, 15)
	assert.Equal(t, 5, p.Total)
	assert.Equal(t, 20, p.Redeemed)
	assert.Equal(t, 15, p.Balance)
	assert.Equal(t, map[string]int{"report": 4, "hazard": 3, model.ManualKey: -2}, p.By)
	list := []model.PersonPoints{{Person: 3, Total: 5}, {Person: 1, Total: 9}, {Person: 2, Total: 5, Balance: 7}, {Person: 4, Total: 5}}
	model.RankPeople(list)
	var ids []model.PersonID
	for _, x := range list {
		ids = append(ids, x.Person)
	}
	assert.Equal(t, []model.PersonID{1, 2, 3, 4}, ids)
	assert.True(t, model.Scored(reservist))
	assert.True(t, model.Scored(villageCadre))
	assert.False(t, model.Scored(contactPerson))
	assert.False(t, model.Scored(dutyOfficer))
}

// TestRebuildEqualsIncremental is the property the store relies on: over
// random histories (reports, signatures on time and late, resolutions,
// supervisions, drafts, wartime, patrols, grants, redemptions, across a
// change of rules and a month's end), the ledger booked event by event, as
// the store does inside each commit, equals a rebuild from the whole log,
// and both equal a plain reading of the rules written apart from Earn.
func TestRebuildEqualsIncremental(t *testing.T) {
	for seed := uint64(1); seed <= 60; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 14))
			rules, log, fx := randomHistory(r)

			// Incremental: commits of random size, each booking its
			// events against the totals the commits before left.
			inc := model.NewLedger()
			for i := 0; i < len(log); {
				n := 1 + r.IntN(8)
				for _, ev := range log[i:min(i+n, len(log))] {
					inc.Apply(rules, ev, loc, fx[ev.Seq])
				}
				i += n
			}
			rebuilt := model.BuildLedger(rules, log, loc, func(ev model.Event) model.PointFacts { return fx[ev.Seq] })
			assert.Equal(t, rebuilt, inc)

			want := plainLedger(rules, log, fx)
			assert.Equal(t, want, rebuilt.Month)
			days := map[model.LedgerKey]int{}
			for k, v := range rebuilt.Day {
				days[model.LedgerKey{Period: k.Period[:6], Person: k.Person, Indicator: k.Indicator}] += v
			}
			for k, v := range days {
				if v == 0 {
					delete(days, k)
				}
			}
			assert.Equal(t, rebuilt.Month, days, "the days add up to the months")
		})
	}
}

// randomHistory makes a log over November and December 2026 with the
// default rules, and a second set from 10 December that doubles reports and
// drops the patrols.
func randomHistory(r *rand.Rand) (model.PointRules, []model.Event, map[uint64]facts) {
	dec10 := time.Date(2026, 12, 10, 0, 0, 0, 0, loc)
	second := model.DefaultPoints()
	second.Indicators = slices.Clone(second.Indicators)
	second.Indicators[0].Points = 2
	second.Indicators = slices.DeleteFunc(second.Indicators, func(in model.Indicator) bool { return in.Key == "patrol" })
	second.From = dec10
	rules := model.PointRules{model.DefaultPoints().Set(), second.Set()}

	people := []model.PersonID{11, 12, 13, 14, 15}
	actions := []model.Action{model.ActReport, model.ActAcknowledge, model.ActResolve, model.ActSupervise, model.ActEscalate,
		model.ActDraft, model.ActSign, model.ActProgress, "patrol_done", "rotation_sweep", model.ActPointsGrant, model.ActPointsRedeem}
	cats := []model.Category{"hazard", "dispute", "traffic"}
	tiers := model.Tiers
	at := time.Date(2026, 11, 20, 8, 0, 0, 0, loc)
	var log []model.Event
	fx := map[uint64]facts{}
	for i := 0; i < 400+r.IntN(400); i++ {
		at = at.Add(time.Duration(r.IntN(4*3600)) * time.Second)
		who := people[r.IntN(len(people))]
		if r.IntN(10) == 0 {
			who = model.System
		}
		ev := model.Event{Seq: uint64(i + 1), At: at, Actor: who, Action: actions[r.IntN(len(actions))],
			IncidentSeq: uint64(1 + r.IntN(30)), Before: model.State{Tier: tiers[r.IntN(len(tiers))]}}
		if r.IntN(3) > 0 {
			ev.Due = at.Add(time.Duration(r.IntN(120)-60) * time.Second)
		}
		switch ev.Action {
		case model.ActDraft:
			ev.Subject = people[r.IntN(len(people))]
		case model.ActPointsGrant:
			ev.Subject, ev.Points = people[r.IntN(len(people))], r.IntN(21)-10
		case model.ActPointsRedeem:
			ev.Subject, ev.Points = people[r.IntN(len(people))], -20
		case model.ActSign, model.ActProgress:
			ev.Completed, ev.OnBehalf = r.IntN(2) == 0, r.IntN(3) == 0
		case model.ActReport, "patrol_done":
			// a finding the liaison passed on, a patrol they ended
			if r.IntN(3) == 0 {
				ev.Subject = people[r.IntN(len(people))]
			}
		}
		log = append(log, ev)
		fx[ev.Seq] = facts{
			reporter: people[r.IntN(len(people))], cat: cats[r.IntN(len(cats))], incident: r.IntN(5) > 0,
			first: r.IntN(2) == 0, holder: []model.PersonID{model.System, 11, 12}[r.IntN(3)],
		}
	}
	return rules, log, fx
}

// plainLedger reads the rules directly: every event's uncapped points by
// indicator and person, then each (month, person, indicator) series cut
// at its cap in log order.
func plainLedger(rules model.PointRules, log []model.Event, fx map[uint64]facts) map[model.LedgerKey]int {
	out := map[model.LedgerKey]int{}
	for _, ev := range log {
		f := fx[ev.Seq]
		month := ev.At.In(loc).Format("200601")
		switch ev.Action {
		case model.ActPointsGrant, model.ActPointsRedeem:
			key := model.ManualKey
			if ev.Action == model.ActPointsRedeem {
				key = model.RedeemKey
			}
			if ev.Subject != model.System && ev.Points != 0 {
				out[model.LedgerKey{Period: month, Person: ev.Subject, Indicator: key}] += ev.Points
			}
			continue
		}
		set := rules[0]
		if !ev.At.Before(rules[1].From) {
			set = rules[1]
		}
		for _, in := range set.Indicators {
			if !slices.Contains(in.Actions, ev.Action) {
				continue
			}
			tier := ev.Before.Tier
			if len(in.Tiers) > 0 && !slices.Contains(in.Tiers, tier) {
				continue
			}
			if len(in.Categories) > 0 && (!f.incident || !slices.Contains(in.Categories, f.cat)) {
				continue
			}
			ok := true
			for _, c := range in.When {
				switch c {
				case model.WhenOnTime:
					ok = ok && !ev.Due.IsZero() && !ev.At.After(ev.Due)
				case model.WhenFirst:
					ok = ok && f.first
				case model.WhenCompletes:
					ok = ok && ev.Completed
				case model.WhenOwn:
					ok = ok && !ev.OnBehalf
				}
			}
			if !ok {
				continue
			}
			who := ev.Actor
			switch in.To {
			case model.EarnReporter:
				who = model.System
				if f.incident {
					who = f.reporter
				}
			case model.EarnSubject:
				who = ev.Subject
				if who == model.System {
					who = ev.Actor // an event naming nobody else is about its actor
				}
			case model.EarnHolder:
				who = f.holder
			}
			if who == model.System {
				continue
			}
			k := model.LedgerKey{Period: month, Person: who, Indicator: in.Key}
			sum := out[k] + in.Points
			if in.Cap > 0 {
				sum = max(-in.Cap, min(in.Cap, sum))
			}
			out[k] = sum
		}
	}
	for k, v := range out {
		if v == 0 {
			delete(out, k)
		}
	}
	return out
}
