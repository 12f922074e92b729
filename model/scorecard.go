package model

import (
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// Scorecards (考核): every role scored the same way over a month, as the
// urban-management platforms do (reporting, valid reports, on-time
// sign-for, missed reports, pass-on within the grid's two minutes,
// resolution within deadline, supervisions), with a combined index and a
// grade. They are read from the log and the roster (Scorecards).

// ScoreRole is who a scorecard scores.
type ScoreRole string

const (
	ScoreGridWorker ScoreRole = "grid_worker" // each grid worker (full- or part-time)
	ScoreGridLeader ScoreRole = "grid_leader" // each grid leader
	ScoreVillage    ScoreRole = "village"     // each village's command room
)

// ScoreRoles lists them.
var ScoreRoles = []ScoreRole{ScoreGridWorker, ScoreGridLeader, ScoreVillage}

var scoreRoleZh = map[ScoreRole]string{ScoreGridWorker: "网格员", ScoreGridLeader: "网格长", ScoreVillage: "村社"}

func (r ScoreRole) Zh() string { return scoreRoleZh[r] }

// ParseScoreRole accepts a scorecard role's key or Chinese name.
func ParseScoreRole(s string) (ScoreRole, error) {
	t := strings.TrimSpace(s)
	for _, r := range ScoreRoles {
		if t == string(r) || t == r.Zh() {
			return r, nil
		}
	}
	return "", Errorf(EINVALID, "role %q: want grid_worker, grid_leader or village", s).
		Zh("考核对象 %q：应为 grid_worker（网格员）、grid_leader（网格长）或 village（村社）", s).On("role")
}

// Grade is a scorecard's grade.
type Grade string

const (
	GradeExcellent Grade = "excellent" // 优秀
	GradeGood      Grade = "good"      // 良好
	GradePass      Grade = "pass"      // 合格
	GradeFail      Grade = "fail"      // 不合格
)

var gradeZh = map[Grade]string{GradeExcellent: "优秀", GradeGood: "良好", GradePass: "合格", GradeFail: "不合格"}

func (g Grade) Zh() string { return gradeZh[g] }

// Grade is the grade of a combined index.
func (g Grades) Grade(index float64) Grade {
	switch {
	case index >= g.Excellent:
		return GradeExcellent
	case index >= g.Good:
		return GradeGood
	case index >= g.Pass:
		return GradePass
	}
	return GradeFail
}

// Rate is one rated part of a scorecard: N of Of, with its weight in the
// combined index. A part with Of == 0 is not rated and weighs nothing.
type Rate struct {
	Key    string  `json:"key"`
	N      int     `json:"n"`
	Of     int     `json:"of"`
	Weight float64 `json:"weight"`
}

// Value is N/Of; ok false when Of is 0.
func (r Rate) Value() (float64, bool) {
	if r.Of <= 0 {
		return 0, false
	}
	return float64(r.N) / float64(r.Of), true
}

// The keys of the counts and rates of each role's scorecard.
const (
	// grid worker
	ScoreFiled    = "filed"     // reports filed
	ScoreInvalid  = "invalid"   // of them, closed as invalid (作废)
	ScoreSignFors = "sign_fors" // reports signed for (with a deadline)
	ScoreOnTime   = "on_time"   // of them, by the deadline
	ScoreMissed   = "missed"    // incidents in the grid first reported by someone not of the grid
	RateValid     = "valid_rate"
	RateOnTime    = "on_time_rate"
	RateCoverage  = "coverage_rate" // filed / (filed + missed)
	// grid leader
	ScoreArrived = "arrived"        // reports that arrived at the grid tier
	ScorePending = "pending"        // of them, not yet passed on nor late
	ScorePassed  = "passed_on_time" // passed on (signed for, escalated, dispatched) by a person within the grid's sign-for deadline
	ScoreRed     = "red"            // incidents that went red at the grid tier (climbed by the clock, or supervised)
	RatePassOn   = "pass_on_rate"
	RateNotRed   = "not_red_rate"
	// village
	ScoreResolved       = "resolved"         // resolved at the village tier
	ScoreResolvedOnTime = "resolved_on_time" // of them, within the deadline (the resolve rate's N, over handled)
	ScoreHandled        = "handled"          // incidents at the village tier in the month
	ScoreSupervised     = "supervised"       // of them, supervised (督办) at the village tier
	RateResolve         = "resolve_rate"
	RateUnsupervised    = "unsupervised_rate"
)

// Scorecard is one person's (or one village's) month.
type Scorecard struct {
	Role   ScoreRole      `json:"role"`
	Person PersonID       `json:"person,omitempty"` // 0 for a village
	Name   string         `json:"name"`
	Node   NodeCode       `json:"node"`
	Counts map[string]int `json:"counts"`
	Rates  []Rate         `json:"rates"`
	Index  float64        `json:"index"` // 0-100, one decimal; 0 when not Rated
	Rated  bool           `json:"rated"` // some rate has a denominator
	Grade  Grade          `json:"grade,omitempty"`
}

// Rate finds one of the card's rates.
func (c Scorecard) Rate(key string) Rate {
	for _, r := range c.Rates {
		if r.Key == key {
			return r
		}
	}
	return Rate{Key: key}
}

// ScoreCounts are the keys of a role's counts, and ScoreRates of its
// rates, in the order they are shown.
func ScoreCounts(role ScoreRole) []string {
	switch role {
	case ScoreGridWorker:
		return []string{ScoreFiled, ScoreInvalid, ScoreSignFors, ScoreOnTime, ScoreMissed}
	case ScoreGridLeader:
		return []string{ScoreArrived, ScorePending, ScorePassed, ScoreRed}
	}
	return []string{ScoreHandled, ScoreResolved, ScoreResolvedOnTime, ScoreSupervised}
}

// finish computes the combined index (the weighted mean of the rated
// parts, 0-100) and the grade.
func (c *Scorecard) finish(g Grades) {
	var sum, w float64
	for _, r := range c.Rates {
		if v, ok := r.Value(); ok {
			sum += r.Weight * v
			w += r.Weight
		}
	}
	if w == 0 {
		return
	}
	c.Rated = true
	c.Index = math.Round(sum/w*1000) / 10
	c.Grade = g.Grade(c.Index)
}

// The weights of the parts of each role's combined index.
const (
	weightValid, weightOnTime, weightCoverage = 35, 35, 30
	weightPassOn, weightNotRed                = 60, 40
	weightResolve, weightUnsupervised         = 60, 40
)

// passOn are the acts that pass a report on at the grid tier.
var passOn = []Action{ActAcknowledge, ActEscalate, ActDispatch, ActInvalid}

// Scorecards scores role over month for the people (or villages) of node's
// subtree ("" for all). events are the log from the month's start on, in
// order: acts of the month count, and later ones settle what a month's
// report became (closed as invalid, passed on). people is the roster, for
// who is scored and whose team a reporter is of; names names the villages.
//
//   - grid worker: filed (reports by them), valid rate = filed not closed as
//     invalid / filed, on-time sign-for rate = signed for by the deadline /
//     signed for, coverage rate = filed / (filed + missed), missed =
//     reports at a node of their grid by anyone not of the grid (a citizen,
//     a sensor, a patroller, another grid). Index weights 35, 35, 30.
//   - grid leader: of the reports that arrived at the grid tier in their
//     grid, the pass-on rate (the first act on it at the grid tier, by a
//     person, by the sign-for deadline: the article's two minutes; reports
//     still waiting within the deadline are left out) and the not-red rate
//     (1 - those that went red at the grid tier / arrived). Weights 60, 40.
//   - village: the resolve rate (resolved at the village tier within the
//     deadline / incidents handled there: one that climbed on or still
//     waits counts as not resolved, so a village that handled two and
//     resolved none scores 0 on it) and the unsupervised rate (1 -
//     incidents supervised at the village tier / incidents handled there).
//     Weights 60, 40. A village that handled nothing is not rated.
//
// Cards are ranked by index (the unrated last), then by node and person.
func Scorecards(role ScoreRole, month Month, loc *time.Location, events []Event, people []Person, names map[NodeCode]string, node NodeCode, g Grades) []Scorecard {
	start, end := month.Start(loc), month.End(loc)
	in := func(ev Event) bool { return !ev.At.Before(start) && ev.At.Before(end) }
	inScope := func(c NodeCode) bool { return node == "" || node.Contains(c) }

	// What each incident's story says, read once.
	type story struct {
		node     NodeCode
		reporter PersonID
		invalid  bool
		reported bool // reported in the month, at the grid tier
		passed   int  // 0 not yet; 1 by a person on time; -1 late or by the clock
	}
	stories := map[uint64]*story{}
	get := func(ev Event) *story {
		s := stories[ev.IncidentSeq]
		if s == nil {
			s = &story{node: ev.Node}
			stories[ev.IncidentSeq] = s
		}
		return s
	}
	var out []Scorecard
	switch role {
	case ScoreGridWorker, ScoreGridLeader:
		team := map[PersonID]NodeCode{} // person -> grid
		for _, p := range people {
			team[p.ID] = p.Node.Grid()
		}
		filed := map[PersonID][]uint64{}
		signs, onTime := map[PersonID]int{}, map[PersonID]int{}
		missed := map[NodeCode]int{}          // grid -> reports by others
		red := map[NodeCode]map[uint64]bool{} // grid -> incidents red at the grid tier
		arrived := map[NodeCode][]uint64{}    // grid -> reports arrived at the grid tier
		for _, ev := range events {
			if ev.IncidentSeq == 0 {
				continue
			}
			s := get(ev)
			grid := ev.Node.Grid()
			switch {
			case ev.Action == ActInvalid:
				s.invalid = true
			case ev.Action == ActReport && in(ev):
				s.reporter = ev.Actor
				if ev.Actor != System {
					filed[ev.Actor] = append(filed[ev.Actor], ev.IncidentSeq)
				}
				if grid != "" && (ev.Actor == System || team[ev.Actor] != grid) {
					missed[grid]++
				}
				if grid != "" && ev.After.Tier == TierGrid {
					s.reported = true
					arrived[grid] = append(arrived[grid], ev.IncidentSeq)
				}
			}
			if ev.Action == ActAcknowledge && in(ev) && ev.Actor != System && !ev.Due.IsZero() {
				signs[ev.Actor]++
				if !ev.At.After(ev.Due) {
					onTime[ev.Actor]++
				}
			}
			if s.reported && s.passed == 0 && ev.Before.Tier == TierGrid && slices.Contains(passOn, ev.Action) {
				s.passed = -1
				if ev.Actor != System && !ev.Due.IsZero() && !ev.At.After(ev.Due) {
					s.passed = 1
				}
			}
			if in(ev) && grid != "" && ev.Actor == System && ev.Before.Tier == TierGrid &&
				(ev.Action == ActEscalate || ev.Action == ActSupervise) {
				if red[grid] == nil {
					red[grid] = map[uint64]bool{}
				}
				red[grid][ev.IncidentSeq] = true
			}
		}
		for _, p := range people {
			grid := p.Node.Grid()
			if grid == "" || !inScope(p.Node) {
				continue
			}
			c := Scorecard{Role: role, Person: p.ID, Name: p.Name, Node: p.Node, Counts: map[string]int{}}
			switch {
			case role == ScoreGridWorker && (p.Has(RoleGridWorkerFull) || p.Has(RoleGridWorkerPart)):
				n := len(filed[p.ID])
				bad := 0
				for _, seq := range filed[p.ID] {
					if stories[seq].invalid {
						bad++
					}
				}
				c.Counts[ScoreFiled], c.Counts[ScoreInvalid] = n, bad
				c.Counts[ScoreSignFors], c.Counts[ScoreOnTime] = signs[p.ID], onTime[p.ID]
				c.Counts[ScoreMissed] = missed[grid]
				c.Rates = []Rate{
					{RateValid, n - bad, n, weightValid},
					{RateOnTime, onTime[p.ID], signs[p.ID], weightOnTime},
					{RateCoverage, n, n + missed[grid], weightCoverage},
				}
			case role == ScoreGridLeader && p.Has(RoleGridLeader):
				var pending, passed int
				for _, seq := range arrived[grid] {
					switch stories[seq].passed {
					case 0:
						pending++
					case 1:
						passed++
					}
				}
				n := len(arrived[grid])
				r := len(red[grid])
				c.Counts[ScoreArrived], c.Counts[ScorePending], c.Counts[ScorePassed], c.Counts[ScoreRed] = n, pending, passed, r
				c.Rates = []Rate{
					{RatePassOn, passed, n - pending, weightPassOn},
					{RateNotRed, max(0, n-r), n, weightNotRed},
				}
			default:
				continue
			}
			c.finish(g)
			out = append(out, c)
		}
	case ScoreVillage:
		type tally struct {
			resolved, onTime    int
			handled, supervised map[uint64]bool
		}
		villages := map[NodeCode]*tally{}
		at := func(v NodeCode) *tally {
			t := villages[v]
			if t == nil {
				t = &tally{handled: map[uint64]bool{}, supervised: map[uint64]bool{}}
				villages[v] = t
			}
			return t
		}
		for _, ev := range events {
			v := ev.Node.Village()
			if ev.IncidentSeq == 0 || v == "" || !in(ev) {
				continue
			}
			if ev.Before.Tier != TierVillage && ev.After.Tier != TierVillage {
				continue
			}
			t := at(v)
			t.handled[ev.IncidentSeq] = true
			switch {
			case ev.Action == ActResolve && ev.Before.Tier == TierVillage:
				t.resolved++
				if !ev.Due.IsZero() && !ev.At.After(ev.Due) {
					t.onTime++
				}
			case ev.Action == ActSupervise && ev.Before.Tier == TierVillage:
				t.supervised[ev.IncidentSeq] = true
			}
		}
		var codes []NodeCode
		for c := range names {
			if c.Level() == LevelVillage && inScope(c) {
				codes = append(codes, c)
			}
		}
		slices.Sort(codes)
		for _, v := range codes {
			t := at(v)
			c := Scorecard{Role: role, Name: names[v], Node: v, Counts: map[string]int{
				ScoreHandled: len(t.handled), ScoreResolved: t.resolved, ScoreResolvedOnTime: t.onTime, ScoreSupervised: len(t.supervised),
			}}
			c.Rates = []Rate{
				{RateResolve, t.onTime, len(t.handled), weightResolve},
				{RateUnsupervised, len(t.handled) - len(t.supervised), len(t.handled), weightUnsupervised},
			}
			c.finish(g)
			out = append(out, c)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Rated != b.Rated {
			return a.Rated
		}
		if a.Index != b.Index {
			return a.Index > b.Index
		}
		if a.Node != b.Node {
			return a.Node < b.Node
		}
		return a.Person < b.Person
	})
	return out
}

// GradeName is a grade in lang, "-" for none.
func GradeName(g Grade, lang string) string {
	switch {
	case g == "":
		return "-"
	case lang == "zh":
		return g.Zh()
	}
	return strings.ReplaceAll(string(g), "_", " ")
}
