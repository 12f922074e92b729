package model_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"gridcmd/model"
)

// ledgerMonth reads a ledger as the store's Points reads its totals: month
// m through day through (0: whole), for people (those Scored, and anyone
// else with points or a balance), ranked.
func ledgerMonth(l model.Ledger, rules model.PointRules, m model.Month, through int, people []model.Person) model.PointsMonth {
	if through == m.Days() {
		through = 0
	}
	out := model.PointsMonth{Month: m, Through: through, Indicators: rules.Indicators(m.Start(loc), m.End(loc))}
	by := map[model.PersonID]map[string]int{}
	bal := map[model.PersonID]int{}
	add := func(p model.PersonID, key string, v int) {
		if by[p] == nil {
			by[p] = map[string]int{}
		}
		by[p][key] += v
	}
	for k, v := range l.Month {
		switch {
		case k.Period < m.Key():
			bal[k.Person] += v
		case k.Period == m.Key() && through == 0:
			bal[k.Person] += v
			add(k.Person, k.Indicator, v)
		}
	}
	if through > 0 {
		for k, v := range l.Day {
			if k.Period[:6] == m.Key() && k.Period[6:] <= fmt.Sprintf("%02d", through) {
				bal[k.Person] += v
				add(k.Person, k.Indicator, v)
			}
		}
	}
	for _, p := range people {
		for k, v := range by[p.ID] {
			if v == 0 {
				delete(by[p.ID], k)
			}
		}
		if len(by[p.ID]) > 0 || bal[p.ID] != 0 || model.Scored(p) {
			out.People = append(out.People, model.MonthTotals(p, by[p.ID], bal[p.ID]))
		}
	}
	model.RankPeople(out.People)
	return out
}

// TestPointsAtEqualsTheLedgerThen: over random histories (across a change
// of rules and month ends), the month as it stood at a moment t, made from
// the ledger as it stood when t's day began (the month through the day
// before, or on the 1st the month before) moved on by the day's events up
// to t, equals the ledger of the log up to t read the same way: what a
// replay's :points shows at t is what the live console showed at t.
func TestPointsAtEqualsTheLedgerThen(t *testing.T) {
	people := []model.Person{
		{ID: 11, Roles: []model.Role{model.RoleGridLeader}}, {ID: 12, Roles: []model.Role{model.RoleGridWorkerFull}},
		{ID: 13, Roles: []model.Role{model.RoleVillageCadre}},
		{ID: 14, Roles: []model.Role{model.RoleDutyOfficer}}, {ID: 15}, // not scored: listed only with points
	}
	for seed := uint64(1); seed <= 30; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 22))
			rules, log, fx := randomHistory(r)
			facts := func(ev model.Event) model.PointFacts { return fx[ev.Seq] }
			h := model.NewHistory(nil, log, model.DefaultPolicy())
			moments := []time.Time{time.Date(2026, 12, 1, 0, 40, 0, 0, loc), time.Date(2026, 12, 31, 23, 0, 0, 0, loc)}
			for i := 0; i < 12; i++ {
				ev := log[r.IntN(len(log))]
				moments = append(moments, ev.At, ev.At.Add(-time.Second), ev.At.Add(time.Duration(r.IntN(7200))*time.Second))
			}
			for _, at := range moments {
				lt := at.In(loc)
				dayStart := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)
				var upTo, beforeDay []model.Event
				for _, ev := range log {
					if !ev.At.After(at) {
						upTo = append(upTo, ev)
					}
					if ev.At.Before(dayStart) {
						beforeDay = append(beforeDay, ev)
					}
				}
				m := model.MonthOf(at, loc)
				then := model.BuildLedger(rules, beforeDay, loc, facts)
				before := ledgerMonth(then, rules, m, lt.Day()-1, people)
				if lt.Day() == 1 {
					before = ledgerMonth(then, rules, m.Prev(), 0, people)
				}
				day := h.DayOf(at, loc)
				assert.Equal(t, len(upTo)-len(beforeDay), len(day), "the day's events up to %s", at)
				got := model.PointsAt(before, at, loc, rules, day, facts, people)
				want := ledgerMonth(model.BuildLedger(rules, upTo, loc, facts), rules, m, lt.Day(), people)
				assert.Equal(t, want, got, "at %s", at)
			}
		})
	}
}
