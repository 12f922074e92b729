package model

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Points (积分): grid teams and the reserve pool earn points for what the
// log records them doing (网格团队积分制), by indicators the town
// configures; the points buy benefits. The points are a view of the event
// log: Earn says what one event earns, and the store keeps the totals.

// The actions of the points' own events.
const (
	ActPointsGrant  Action = "points_grant"  // a cadre grants points by hand, with a reason
	ActPointsDeduct Action = "points_deduct" // a cadre deducts points by hand, with a reason
	ActPointsRedeem Action = "points_redeem" // a person redeems a benefit, which consumes points
)

// The ledger's keys besides the indicators': manual entries and
// redemptions.
const (
	ManualKey = "manual" // 人工调整: grants and deductions
	RedeemKey = "redeem" // 兑换: points spent on benefits
)

// Earner names whom an indicator credits.
type Earner string

const (
	EarnActor    Earner = "actor"    // who did it (the default)
	EarnReporter Earner = "reporter" // the reporter of the incident the event names
	EarnSubject  Earner = "subject"  // the person the event is about (Event.Subject), or who did it when it names none
	EarnHolder   Earner = "holder"   // who signed for the incident at the tier the event happened at
)

var earners = []Earner{EarnActor, EarnReporter, EarnSubject, EarnHolder}

// Condition is a test an event must pass to earn an indicator.
type Condition string

const (
	WhenOnTime    Condition = "on_time"   // done by its deadline (Event.Due)
	WhenFirst     Condition = "first"     // the first event of its action on its incident
	WhenCompletes Condition = "completes" // a progress report that completed its unit (Event.Completed)
	WhenOwn       Condition = "own"       // not made on a unit's behalf (代签, Event.OnBehalf)
)

var conditions = []Condition{WhenOnTime, WhenFirst, WhenCompletes, WhenOwn}

// Indicator is one way to earn (or, with negative Points, lose) points: the
// events that earn it, for whom, on which conditions, and how much, at
// most Cap a month for one person (0: no cap). A deduction's cap bounds
// what it takes.
type Indicator struct {
	Key        string      `json:"key"`
	Zh         string      `json:"zh"`
	En         string      `json:"en"`
	Actions    []Action    `json:"actions"`
	To         Earner      `json:"to,omitempty"`
	Categories []Category  `json:"categories,omitempty"` // only incidents of these categories
	Tiers      []Tier      `json:"tiers,omitempty"`      // only acts at these tiers
	When       []Condition `json:"when,omitempty"`
	Points     int         `json:"points"`
	Cap        int         `json:"cap,omitempty"`
}

// Name is the indicator's name in lang (zh or en).
func (in Indicator) Name(lang string) string { return inLang(lang, in.Zh, in.En) }

// inLang is zh where lang is zh, else en.
func inLang(lang, zh, en string) string {
	if lang == "zh" {
		return zh
	}
	return en
}

// PointRuleSet is a set of indicators and the day it applies from (zero:
// from the beginning).
type PointRuleSet struct {
	From       time.Time   `json:"from"`
	Indicators []Indicator `json:"indicators"`
}

// PointRules are the rule sets in the order they came into force: each
// applies from its From until the next one's. A change never rewrites a
// month already issued (Install).
type PointRules []PointRuleSet

// Benefit is one of the benefits points buy (dining, medical, ...): a
// person holding Threshold points is eligible, and redeeming it consumes
// Threshold points.
type Benefit struct {
	Key       string `json:"key"`
	Zh        string `json:"zh"`
	En        string `json:"en"`
	Threshold int    `json:"threshold"`
}

// Name is the benefit's name in lang (zh or en).
func (b Benefit) Name(lang string) string { return inLang(lang, b.Zh, b.En) }

// Grades are the lowest combined index of each grade of a scorecard.
type Grades struct {
	Excellent float64 `json:"excellent"` // 优秀
	Good      float64 `json:"good"`      // 良好
	Pass      float64 `json:"pass"`      // 合格; below it 不合格
}

// PointsPolicy is the points part of the policy: the indicators and the
// day they apply from, the benefits and the scorecards' grades.
type PointsPolicy struct {
	From       time.Time   `json:"from"`
	Indicators []Indicator `json:"indicators"`
	Benefits   []Benefit   `json:"benefits"`
	Grades     Grades      `json:"grades"`
}

// Set is the policy's indicators as a rule set.
func (p PointsPolicy) Set() PointRuleSet {
	return PointRuleSet{From: p.From, Indicators: p.Indicators}
}

// Benefit finds a benefit by its key or its Chinese name.
func (p PointsPolicy) Benefit(s string) (Benefit, error) {
	t := strings.TrimSpace(s)
	for _, b := range p.Benefits {
		if strings.EqualFold(t, b.Key) || t == b.Zh {
			return b, nil
		}
	}
	keys := make([]string, len(p.Benefits))
	for i, b := range p.Benefits {
		keys[i] = b.Key
	}
	return Benefit{}, Errorf(EINVALID, "benefit %q: want one of %s", s, strings.Join(keys, ", ")).
		Zh("福利 %q：应为 %s 之一", s, strings.Join(keys, "、")).On("benefit")
}

// Eligible are the benefits a balance reaches, cheapest first.
func (p PointsPolicy) Eligible(balance int) []Benefit {
	var out []Benefit
	for _, b := range p.Benefits {
		if balance >= b.Threshold {
			out = append(out, b)
		}
	}
	return out
}

// DefaultPoints is the shipped points policy: the ten indicators of the
// micro-grid points index, six benefits and the grades. config.yaml
// documents the same.
func DefaultPoints() PointsPolicy {
	return PointsPolicy{
		Indicators: []Indicator{
			{Key: "report", Zh: "信息采集", En: "information collection", Actions: []Action{ActReport}, To: EarnSubject, Points: 1, Cap: 60},
			{Key: "hazard", Zh: "隐患排查", En: "hazard confirmed", Actions: []Action{ActResolve}, To: EarnReporter,
				Categories: []Category{"hazard"}, When: []Condition{WhenFirst}, Points: 3, Cap: 30},
			{Key: "sign_on_time", Zh: "按时签收", En: "signed for on time", Actions: []Action{ActAcknowledge},
				Tiers: []Tier{TierGrid, TierVillage}, When: []Condition{WhenOnTime}, Points: 1, Cap: 60},
			{Key: "mediation", Zh: "矛盾调处", En: "dispute resolved", Actions: []Action{ActResolve},
				Categories: []Category{"dispute"}, Tiers: []Tier{TierGrid, TierVillage}, When: []Condition{WhenFirst}, Points: 3, Cap: 30},
			{Key: "patrol", Zh: "巡护", En: "patrol completed", Actions: []Action{ActPatrolDone}, To: EarnSubject, Points: 2, Cap: 60},
			{Key: "wartime_sign", Zh: "战时签收", En: "directive signed in time", Actions: []Action{ActSign},
				When: []Condition{WhenOnTime, WhenOwn}, Points: 2, Cap: 40},
			{Key: "wartime_done", Zh: "战时进度", En: "directive unit completed", Actions: []Action{ActProgress},
				When: []Condition{WhenCompletes}, Points: 3, Cap: 45},
			{Key: "sweep", Zh: "清村扫楼", En: "building sweep", Actions: []Action{ActRotationSweep}, Points: 2, Cap: 40},
			{Key: "volunteer", Zh: "志愿服务", En: "reserve drafted to serve", Actions: []Action{ActDraft}, To: EarnSubject, Points: 5, Cap: 20},
			{Key: "supervision", Zh: "督办扣分", En: "supervised (deduction)", Actions: []Action{ActSupervise}, To: EarnHolder, Points: -3, Cap: 30},
		},
		Benefits: []Benefit{
			{Key: "dining", Zh: "助餐", En: "dining", Threshold: 20},
			{Key: "culture", Zh: "文娱", En: "culture", Threshold: 30},
			{Key: "transport", Zh: "出行", En: "transport", Threshold: 30},
			{Key: "shopping", Zh: "购物", En: "shopping", Threshold: 40},
			{Key: "medical", Zh: "就医", En: "medical", Threshold: 60},
			{Key: "education", Zh: "助学", En: "education", Threshold: 80},
		},
		Grades: Grades{Excellent: 90, Good: 80, Pass: 60},
	}
}

var (
	pointKeyRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
	actionRe   = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
)

// MaxIndicatorPoints bounds an indicator's points per event and its cap.
const (
	MaxIndicatorPoints = 100
	MaxIndicatorCap    = 10000
)

// Validate checks the points policy, naming the key of the first bad value
// (points.indicators[2].cap, points.benefits.dining.threshold, ...).
func (p PointsPolicy) Validate() error {
	bad := func(key, en, zh string, args ...any) error {
		return Errorf(EINVALID, "%s: %s", key, fmt.Sprintf(en, args...)).Zh("%s：%s", key, fmt.Sprintf(zh, args...)).On(key)
	}
	seen := map[string]bool{ManualKey: true, RedeemKey: true}
	for i, in := range p.Indicators {
		key := fmt.Sprintf("points.indicators[%d]", i)
		switch {
		case !pointKeyRe.MatchString(in.Key):
			return bad(key+".key", "%q: want a lower-case word of letters, digits and _ (at most 32)", "%q：应为小写字母、数字和 _ 组成的词（最多 32 个）", in.Key)
		case seen[in.Key]:
			return bad(key+".key", "%q: taken (by another indicator, or reserved: manual, redeem)", "%q：已被占用（其他指标，或保留字 manual、redeem）", in.Key)
		case Blank(in.Zh) || Blank(in.En):
			return bad(key, "%s: needs a zh and an en name", "%s：需要中文名（zh）和英文名（en）", in.Key)
		case utf8.RuneCountInString(in.Zh) > 16 || utf8.RuneCountInString(in.En) > 40:
			return bad(key, "%s: names at most 16 (zh) and 40 (en) characters", "%s：名称最多 16 字（中文）和 40 字符（英文）", in.Key)
		case len(in.Actions) == 0:
			return bad(key+".actions", "%s: name the events that earn it (report, resolve, ...)", "%s：请列出计分的事件（report、resolve 等）", in.Key)
		case in.Points == 0 || in.Points > MaxIndicatorPoints || in.Points < -MaxIndicatorPoints:
			return bad(key+".points", "%s: %d: want a whole number from -%d to %d, not 0", "%s：%d：应为 -%d 到 %d 的整数，不能为 0", in.Key, in.Points, MaxIndicatorPoints, MaxIndicatorPoints)
		case in.Cap < 0 || in.Cap > MaxIndicatorCap:
			return bad(key+".cap", "%s: %d: want 0 (none) to %d", "%s：%d：应为 0（不设上限）到 %d", in.Key, in.Cap, MaxIndicatorCap)
		}
		seen[in.Key] = true
		for _, a := range in.Actions {
			if !actionRe.MatchString(string(a)) {
				return bad(key+".actions", "%s: action %q: want an event's action, e.g. report, resolve, patrol_done", "%s：事件 %q：应为事件的动作名，如 report、resolve、patrol_done", in.Key, a)
			}
			if a == ActPointsGrant || a == ActPointsDeduct || a == ActPointsRedeem {
				return bad(key+".actions", "%s: %s is the points' own event", "%s：%s 是积分自身的事件", in.Key, a)
			}
		}
		if in.To != "" && !slices.Contains(earners, in.To) {
			return bad(key+".to", "%s: %q: want actor, reporter, subject or holder", "%s：%q：应为 actor、reporter、subject 或 holder", in.Key, in.To)
		}
		for _, t := range in.Tiers {
			if t.Rank() < 0 {
				return bad(key+".tiers", "%s: %q: want grid, village, town or taskforce", "%s：%q：应为 grid、village、town 或 taskforce", in.Key, t)
			}
		}
		for _, c := range in.When {
			if !slices.Contains(conditions, c) {
				return bad(key+".when", "%s: %q: want on_time, first, completes or own", "%s：%q：应为 on_time、first、completes 或 own", in.Key, c)
			}
		}
		for _, c := range in.Categories {
			if c == "" {
				return bad(key+".categories", "%s: an empty category", "%s：类别为空", in.Key)
			}
		}
	}
	bseen := map[string]bool{}
	for _, b := range p.Benefits {
		key := "points.benefits." + b.Key
		switch {
		case !pointKeyRe.MatchString(b.Key):
			return bad("points.benefits", "%q: want a lower-case word of letters, digits and _", "%q：应为小写字母、数字和 _ 组成的词", b.Key)
		case bseen[b.Key]:
			return bad(key, "given twice", "重复")
		case Blank(b.Zh):
			return bad(key+".zh", "needs a Chinese name", "需要中文名")
		case b.Threshold <= 0 || b.Threshold > 1000000:
			return bad(key+".threshold", "%d: want a number of points from 1 to 1000000", "%d：应为 1 到 1000000 的积分", b.Threshold)
		}
		bseen[b.Key] = true
	}
	g := p.Grades
	if !(g.Pass >= 0 && g.Pass <= g.Good && g.Good <= g.Excellent && g.Excellent <= 100) {
		return bad("points.grades", "want 0 <= pass <= good <= excellent <= 100", "应满足 0 <= pass <= good <= excellent <= 100")
	}
	return nil
}

// canonical is a set's indicators in a form two equal sets share.
func (s PointRuleSet) canonical() string {
	var b strings.Builder
	for _, in := range s.Indicators {
		fmt.Fprintf(&b, "%s|%s|%s|%v|%s|%v|%v|%v|%d|%d\n", in.Key, in.Zh, in.En, in.Actions, cmp.Or(in.To, EarnActor),
			in.Categories, in.Tiers, in.When, in.Points, in.Cap)
	}
	return b.String()
}

// Same reports whether two sets hold the same indicators.
func (s PointRuleSet) Same(o PointRuleSet) bool { return s.canonical() == o.canonical() }

// InForce is the set in force at t: the last whose From is not after t;
// ok false before the first.
func (r PointRules) InForce(t time.Time) (PointRuleSet, bool) {
	i := sort.Search(len(r), func(i int) bool { return r[i].From.After(t) })
	if i == 0 {
		return PointRuleSet{}, false
	}
	return r[i-1], true
}

// Indicators lists every indicator of the sets in force at some time
// between from and to (to excluded), each key once, the latest version of
// it, in the order of the latest set, then the keys it dropped.
func (r PointRules) Indicators(from, to time.Time) []Indicator {
	var out []Indicator
	seen := map[string]bool{}
	for i := len(r) - 1; i >= 0; i-- {
		s := r[i]
		if !s.From.Before(to) {
			continue
		}
		if i+1 < len(r) && !r[i+1].From.After(from) {
			break // replaced before the period began
		}
		for _, in := range s.Indicators {
			if !seen[in.Key] {
				seen[in.Key] = true
				out = append(out, in)
			}
		}
	}
	return out
}

// Install is the rule for a change of indicators: set applies from its
// From, and a month already issued (one that began before issuedBefore, the
// start of the current month) is never rewritten. The same indicators as
// the set in force change nothing; a set the rules are empty of is the
// first one. Otherwise set's From must lie in a month not yet issued, and
// after the From of every set but the latest; when it is not after the
// latest's From, it replaces the latest (a set that itself applies only
// from a month not yet issued). changed reports whether r changed; the
// store then recomputes the totals.
func (r PointRules) Install(set PointRuleSet, issuedBefore time.Time) (out PointRules, changed bool, err error) {
	if len(r) == 0 {
		return PointRules{set}, true, nil
	}
	last := r[len(r)-1]
	if last.Same(set) {
		return r, false, nil
	}
	if set.From.Before(issuedBefore) {
		return r, false, Errorf(EINVALID, "points.indicators changed, and points.from %s lies in a month already issued (before %s): give the day the change applies from, in %s or later",
			fmtDay(set.From), issuedBefore.Format("2006-01"), issuedBefore.Format("2006-01")).
			Zh("points.indicators 已修改，但 points.from %s 落在已发放的月份（%s 之前）：请给出修改生效的日期（%s 或以后）",
				fmtDay(set.From), issuedBefore.Format("2006-01"), issuedBefore.Format("2006-01")).On("points.from")
	}
	if set.From.After(last.From) {
		return append(slices.Clip(r), set), true, nil
	}
	if last.From.Before(issuedBefore) || len(r) > 1 && !set.From.After(r[len(r)-2].From) {
		return r, false, Errorf(EINVALID, "points.indicators changed, but points.from %s is not after the rules in force since %s: give the day the change applies from",
			fmtDay(set.From), fmtDay(last.From)).
			Zh("points.indicators 已修改，但 points.from %s 不晚于 %s 起施行的规则：请给出修改生效的日期", fmtDay(set.From), fmtDay(last.From)).On("points.from")
	}
	out = append(slices.Clone(r[:len(r)-1]), set)
	return out, true, nil
}

func fmtDay(t time.Time) string {
	if t.IsZero() {
		return "(the beginning)"
	}
	return t.Format("2006-01-02")
}

// PointFacts answers what an event does not say itself and an indicator
// may ask: facts about the incident or directive unit it names that never
// change once recorded, and about the events before it in the log. The
// store reads them from its records; a test gives them by hand. Earn asks
// only what an indicator needs.
type PointFacts interface {
	// Incident is the reporter and category of the incident ev names; ok
	// false when it names none.
	Incident() (reporter PersonID, cat Category, ok bool)
	// First reports whether no event before ev has its action on its
	// incident.
	First() bool
	// Holder is who signed for ev's incident at the tier ev happened at
	// (the actor of its last acknowledgement there, or of a dispatch that
	// signed for it), System if nobody did.
	Holder() PersonID
}

// NoFacts answers every question of PointFacts with nothing.
type NoFacts struct{}

func (NoFacts) Incident() (PersonID, Category, bool) { return System, "", false }
func (NoFacts) First() bool                          { return false }
func (NoFacts) Holder() PersonID                     { return System }

// PointEntry is what one event earns one person under one key (an
// indicator's, ManualKey or RedeemKey) on one local day ("20261129").
type PointEntry struct {
	Person    PersonID `json:"person"`
	Day       string   `json:"day"`
	Indicator string   `json:"indicator"`
	Points    int      `json:"points"`
}

// Month is the entry's month, "202611".
func (e PointEntry) Month() string { return e.Day[:6] }

// Sofar gives what person holds of key in the month ("202611") so far.
type Sofar func(person PersonID, month, key string) int

// Names reports whether some set of r names action a, or a is one of the
// points' own events: whether an event of a can earn anything.
func (r PointRules) Names(a Action) bool {
	if a == ActPointsGrant || a == ActPointsDeduct || a == ActPointsRedeem {
		return true
	}
	for _, s := range r {
		for _, in := range s.Indicators {
			if slices.Contains(in.Actions, a) {
				return true
			}
		}
	}
	return false
}

// Earn is what ev earns under the set in force at its time: for each
// indicator whose actions include ev's and whose conditions hold, one entry
// for the person it names (never the system), on ev's local day, capped so
// that the person's points of the indicator that month stay within its cap
// (sofar is what they hold already); an entry capped to nothing is left
// out. A grant or deduction moves its Points for its Subject under
// ManualKey, a redemption under RedeemKey, uncapped. An event marked
// Unearned earns nothing.
func (r PointRules) Earn(ev Event, loc *time.Location, f PointFacts, sofar Sofar) []PointEntry {
	day := ev.At.In(loc).Format("20060102")
	switch ev.Action {
	case ActPointsGrant, ActPointsDeduct, ActPointsRedeem:
		if ev.Subject == System || ev.Points == 0 {
			return nil
		}
		key := ManualKey
		if ev.Action == ActPointsRedeem {
			key = RedeemKey
		}
		return []PointEntry{{Person: ev.Subject, Day: day, Indicator: key, Points: ev.Points}}
	}
	set, ok := r.InForce(ev.At)
	if !ok || ev.Unearned {
		return nil
	}
	var out []PointEntry
	for _, in := range set.Indicators {
		if !slices.Contains(in.Actions, ev.Action) || !in.holds(ev, f) {
			continue
		}
		who := in.earner(ev, f)
		if who == System {
			continue
		}
		pts := in.Points
		if in.Cap > 0 {
			pts = capped(pts, in.Cap, sofar(who, day[:6], in.Key))
		}
		if pts != 0 {
			out = append(out, PointEntry{Person: who, Day: day, Indicator: in.Key, Points: pts})
		}
	}
	return out
}

// capped is pts within what is left of the cap after held: a gain up to
// cap - held, a deduction down to -cap - held, never past zero the other
// way.
func capped(pts, limit, held int) int {
	if pts > 0 {
		return max(0, min(pts, limit-held))
	}
	return min(0, max(pts, -limit-held))
}

// actTier is the tier an event happened at: the one it left, or for a
// report the one it arrived at.
func actTier(ev Event) Tier {
	if ev.Before.Tier != "" {
		return ev.Before.Tier
	}
	return ev.After.Tier
}

func (in Indicator) holds(ev Event, f PointFacts) bool {
	if len(in.Tiers) > 0 && !slices.Contains(in.Tiers, actTier(ev)) {
		return false
	}
	if len(in.Categories) > 0 {
		_, cat, ok := f.Incident()
		if !ok || !slices.Contains(in.Categories, cat) {
			return false
		}
	}
	for _, c := range in.When {
		switch c {
		case WhenOnTime:
			if ev.Due.IsZero() || ev.At.After(ev.Due) {
				return false
			}
		case WhenFirst:
			if !f.First() {
				return false
			}
		case WhenCompletes:
			if !ev.Completed {
				return false
			}
		case WhenOwn:
			if ev.OnBehalf {
				return false
			}
		}
	}
	return true
}

func (in Indicator) earner(ev Event, f PointFacts) PersonID {
	switch in.To {
	case EarnReporter:
		r, _, ok := f.Incident()
		if !ok {
			return System
		}
		return r
	case EarnSubject:
		// An event names its subject when it is about someone other
		// than who did it (Event.Subject): the reserve drafted, the
		// patroller whose patrol the liaison ended, the finder of a
		// finding the liaison passed on. One that names none is about
		// its actor, so that an indicator earned by the subject still
		// pays who did it where nobody else's work is recorded (a
		// patroller ending their own patrol, a grid worker's report).
		if ev.Subject == System {
			return ev.Actor
		}
		return ev.Subject
	case EarnHolder:
		return f.Holder()
	}
	return ev.Actor
}

// LedgerKey is one total of the ledger: a person's points of one key in one
// period (a day "20261129" or a month "202611").
type LedgerKey struct {
	Period    string
	Person    PersonID
	Indicator string
}

// Ledger is the points totals: by day and by month, per person and key.
// Zero totals are not kept.
type Ledger struct {
	Day   map[LedgerKey]int
	Month map[LedgerKey]int
}

// NewLedger is an empty ledger.
func NewLedger() Ledger {
	return Ledger{Day: map[LedgerKey]int{}, Month: map[LedgerKey]int{}}
}

// Add books one entry.
func (l Ledger) Add(e PointEntry) {
	bump(l.Day, LedgerKey{e.Day, e.Person, e.Indicator}, e.Points)
	bump(l.Month, LedgerKey{e.Month(), e.Person, e.Indicator}, e.Points)
}

func bump(m map[LedgerKey]int, k LedgerKey, d int) {
	if v := m[k] + d; v != 0 {
		m[k] = v
	} else {
		delete(m, k)
	}
}

// Apply books what ev earns (Earn, capped by the ledger's own month
// totals) and returns the entries.
func (l Ledger) Apply(r PointRules, ev Event, loc *time.Location, f PointFacts) []PointEntry {
	es := r.Earn(ev, loc, f, func(p PersonID, month, key string) int { return l.Month[LedgerKey{month, p, key}] })
	for _, e := range es {
		l.Add(e)
	}
	return es
}

// BuildLedger derives the ledger from a log, in order: what `gridcmd
// points rebuild` recomputes. facts gives each event's facts.
func BuildLedger(r PointRules, events []Event, loc *time.Location, facts func(Event) PointFacts) Ledger {
	l := NewLedger()
	for _, ev := range events {
		if r.Names(ev.Action) {
			l.Apply(r, ev, loc, facts(ev))
		}
	}
	return l
}

// Month is a calendar month of the command room's local time.
type Month struct {
	Year int
	Mon  time.Month
}

// MonthOf is the local month of t.
func MonthOf(t time.Time, loc *time.Location) Month {
	t = t.In(loc)
	return Month{t.Year(), t.Month()}
}

var monthRe = regexp.MustCompile(`^([0-9]{4})-?([0-9]{2})$`)

// ParseMonth reads "2026-12" (or "202612"): any month of a four-digit
// year; which of them a ledger holds is Month.Held's.
func ParseMonth(s string) (Month, error) {
	m := monthRe.FindStringSubmatch(strings.TrimSpace(s))
	if m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		if y >= 1000 && mo >= 1 && mo <= 12 {
			return Month{y, time.Month(mo)}, nil
		}
	}
	return Month{}, Errorf(EINVALID, "month %q: want YYYY-MM, e.g. 2026-12", s).Zh("月份 %q：应为 年-月，如 2026-12", s).On("month")
}

func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Mon)) }

// FirstMonth is the first month the ledger keeps.
var FirstMonth = Month{2000, time.January}

// Before reports whether m comes before o.
func (m Month) Before(o Month) bool {
	return m.Year < o.Year || m.Year == o.Year && m.Mon < o.Mon
}

// Held refuses a month the ledger cannot hold at now: one before
// FirstMonth, or one still to come. The zero month (the current one)
// passes.
func (m Month) Held(now time.Time, loc *time.Location) error {
	cur := MonthOf(now, loc)
	if m.IsZero() || !m.Before(FirstMonth) && !cur.Before(m) {
		return nil
	}
	return Errorf(EINVALID, "month %s: the points run from %s to this month, %s", m, FirstMonth, cur).
		Zh("月份 %s：积分只有 %s 至本月（%s）", m, FirstMonth, cur).On("month")
}

// Key is the month as the ledger keys it: "202612".
func (m Month) Key() string { return fmt.Sprintf("%04d%02d", m.Year, int(m.Mon)) }

// IsZero reports whether m is no month.
func (m Month) IsZero() bool { return m.Year == 0 }

// Start is the month's first instant in loc.
func (m Month) Start(loc *time.Location) time.Time {
	return time.Date(m.Year, m.Mon, 1, 0, 0, 0, 0, loc)
}

// End is the first instant of the next month in loc.
func (m Month) End(loc *time.Location) time.Time { return m.Next().Start(loc) }

// Prev is the month before.
func (m Month) Prev() Month {
	if m.Mon == time.January {
		return Month{m.Year - 1, time.December}
	}
	return Month{m.Year, m.Mon - 1}
}

// Next is the month after.
func (m Month) Next() Month {
	if m.Mon == time.December {
		return Month{m.Year + 1, time.January}
	}
	return Month{m.Year, m.Mon + 1}
}

func (m Month) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

func (m *Month) UnmarshalText(b []byte) error {
	v, err := ParseMonth(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// PersonPoints is one person's line of a month's ledger.
type PersonPoints struct {
	Person   PersonID       `json:"person"`
	Name     string         `json:"name"`
	Node     NodeCode       `json:"node"`
	Roles    []Role         `json:"roles"`
	By       map[string]int `json:"by"`       // points this month by indicator key (and ManualKey)
	Total    int            `json:"total"`    // earned this month: the indicators and manual entries
	Redeemed int            `json:"redeemed"` // spent on benefits this month (a positive number)
	Balance  int            `json:"balance"`  // everything earned less everything spent, to the month's end (or its Through)
}

// PointsQuery asks for a month's ledger.
type PointsQuery struct {
	Month Month    `json:"month"` // zero: the current month
	Node  NodeCode `json:"node,omitempty"`
	// Through is the last day of the month counted (1-31); 0 counts the
	// whole month. It lets a month so far be compared with the month
	// before to the same day (Previous).
	Through int `json:"through,omitempty"`
}

// SoFar is the query for month m as it stands at now: through today when
// m is now's month, else the whole month.
func SoFar(m Month, node NodeCode, now time.Time, loc *time.Location) PointsQuery {
	q := PointsQuery{Month: m, Node: node}
	if t := now.In(loc); MonthOf(t, loc) == m {
		q.Through = t.Day()
	}
	return q
}

// Previous is the month before q's, to the same day of the month when q
// counts only part of its month (the whole month when it is shorter).
func (q PointsQuery) Previous() PointsQuery {
	p := PointsQuery{Month: q.Month.Prev(), Node: q.Node, Through: q.Through}
	if days := p.Month.Days(); p.Through >= days {
		p.Through = 0
	}
	return p
}

// Days is how many days the month has.
func (m Month) Days() int { return time.Date(m.Year, m.Mon+1, 0, 0, 0, 0, 0, time.UTC).Day() }

// PointsMonth is a month's ledger for the people of a subtree.
type PointsMonth struct {
	Month      Month          `json:"month"`
	Through    int            `json:"through,omitempty"` // the last day counted; 0 the whole month
	Node       NodeCode       `json:"node,omitempty"`
	Indicators []Indicator    `json:"indicators"` // in force in the month
	Benefits   []Benefit      `json:"benefits"`
	People     []PersonPoints `json:"people"` // ranked (RankPeople)
}

// Scored reports whether p takes part in the points: the grid teams
// (leaders, grid and micro-grid workers), village cadres, reserves and
// patrollers. Others appear in a month's ledger only with points.
func Scored(p Person) bool {
	return p.IsStaff() || p.Has(RoleVillageCadre) || p.Has(RoleReserve) || p.Has(RolePatroller)
}

// RankPeople orders a month's lines: most points first, then the higher
// balance, then by id.
func RankPeople(pp []PersonPoints) {
	sort.SliceStable(pp, func(i, j int) bool {
		a, b := pp[i], pp[j]
		if a.Total != b.Total {
			return a.Total > b.Total
		}
		if a.Balance != b.Balance {
			return a.Balance > b.Balance
		}
		return a.Person < b.Person
	})
}

// MonthTotals turns a month's totals (key -> points) into a person's line:
// By holds the indicators and ManualKey, Redeemed what RedeemKey took.
func MonthTotals(p Person, by map[string]int, balance int) PersonPoints {
	out := PersonPoints{Person: p.ID, Name: p.Name, Node: p.Node, Roles: p.Roles, By: map[string]int{}, Balance: balance}
	for k, v := range by {
		if k == RedeemKey {
			out.Redeemed = -v
			continue
		}
		out.By[k] = v
		out.Total += v
	}
	return out
}

// TeamPoints is a team's month: the people of a grid, a micro-grid or a
// village together, and for a grid the share its leader earned against its
// workers (the article's point: who does the work).
type TeamPoints struct {
	Node     NodeCode `json:"node"`
	People   int      `json:"people"`
	Total    int      `json:"total"`
	Leader   int      `json:"leader"`   // of Total, the grid leader's (grids only)
	Workers  int      `json:"workers"`  // of Total, everyone else's
	Previous int      `json:"previous"` // the team's total the month before
}

// LeaderShare is the leader's part of what the team earned, 0-1: a side
// whose deductions outweigh its gains counts as having earned nothing, so
// the share never leaves 0-1 (0 when neither side earned anything).
func (t TeamPoints) LeaderShare() float64 {
	l, w := max(t.Leader, 0), max(t.Workers, 0)
	if l+w == 0 {
		return 0
	}
	return float64(l) / float64(l+w)
}

// Trend is the total against the month before.
func (t TeamPoints) Trend() int { return t.Total - t.Previous }

// Teams rolls a month's lines up to the teams at level (grid, micro-grid
// or village): each person counts in the team of the node above or at
// their own at that level; people above it belong to none. previous is the
// month before, for Previous. Ranked by total, then code.
func Teams(level Level, month, previous []PersonPoints) []TeamPoints {
	at := func(c NodeCode) NodeCode {
		if c.Level() < level {
			return ""
		}
		switch level {
		case LevelVillage:
			return c.Village()
		case LevelGrid:
			return c.Grid()
		case LevelMicroGrid:
			if c.Level() >= LevelMicroGrid {
				return c[:18]
			}
		}
		return ""
	}
	teams := map[NodeCode]*TeamPoints{}
	team := func(c NodeCode) *TeamPoints {
		t := teams[c]
		if t == nil {
			t = &TeamPoints{Node: c}
			teams[c] = t
		}
		return t
	}
	for _, p := range month {
		c := at(p.Node)
		if c == "" {
			continue
		}
		t := team(c)
		t.People++
		t.Total += p.Total
		if level == LevelGrid && slices.Contains(p.Roles, RoleGridLeader) {
			t.Leader += p.Total
		} else {
			t.Workers += p.Total
		}
	}
	for _, p := range previous {
		if c := at(p.Node); c != "" {
			if t := teams[c]; t != nil {
				t.Previous += p.Total
			}
		}
	}
	out := make([]TeamPoints, 0, len(teams))
	for _, t := range teams {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Total != out[j].Total {
			return out[i].Total > out[j].Total
		}
		return out[i].Node < out[j].Node
	})
	return out
}

// MaxGrant bounds one manual grant or deduction.
const MaxGrant = 100

// MayGrant reports whether by may grant, deduct or redeem points for to: a
// duty officer for the people their room's scope holds (MayReportAt: a
// town's officer their town's, a county's its towns'), a village cadre for
// the people of their village; nobody for themselves.
func MayGrant(by, to Person) bool {
	if by.ID == System || by.ID == to.ID {
		return false
	}
	return by.Has(RoleDutyOfficer) && by.MayReportAt(to.Node) ||
		by.Has(RoleVillageCadre) && by.Node.Village() != "" && by.Node.Village().Contains(to.Node)
}

func forbidGrant(by, to Person) error {
	if by.ID == to.ID {
		return Errorf(EFORBIDDEN, "%s (%s) may not move their own points", by.Name, by.ID).Zh("%s（%s）不能调整自己的积分", by.Name, by.ID)
	}
	return Errorf(EFORBIDDEN, "%s (%s, %s) may not move the points of %s (%s, %s): only a duty officer whose room holds the person's node, or a village cadre of the person's village, may",
		ActorName(by), by.ID, roleList(by, false), to.Name, to.ID, to.Node).
		Zh("%s（%s，%s）不能调整 %s（%s，%s）的积分：只有所辖范围含其节点的值班员或其所在村社的村干部可以",
			ActorName(by), by.ID, roleList(by, true), to.Name, to.ID, to.Node)
}

// Grant is the rule for a manual entry (网格协商周 deliberation done
// offline, say): by grants (points > 0) or deducts (points < 0) to's
// points, with a reason, if MayGrant. The event records it: by as the
// actor, to as the subject, the points and the reason.
func Grant(by, to Person, points int, reason string, now time.Time) (Event, error) {
	if !MayGrant(by, to) {
		return Event{}, forbidGrant(by, to)
	}
	if points == 0 || points > MaxGrant || points < -MaxGrant {
		return Event{}, Errorf(EINVALID, "points %d: want 1 to %d (a deduction: -1 to -%d)", points, MaxGrant, MaxGrant).
			Zh("积分 %d：应为 1 到 %d（扣减为 -1 到 -%d）", points, MaxGrant, MaxGrant).On("points")
	}
	why, err := cleanField(reason, false, MaxNoteRunes, "reason", "原因")
	if err != nil {
		return Event{}, err
	}
	if why == "" {
		return Event{}, Errorf(EINVALID, "reason: empty; say what the points are for").Zh("原因：为空；请写明积分事由").On("reason")
	}
	act := ActPointsGrant
	if points < 0 {
		act = ActPointsDeduct
	}
	return Event{
		At: now, Actor: by.ID, ActorName: ActorName(by), Action: act, Node: to.Node, Subject: to.ID, Points: points,
		Note:   fmt.Sprintf("%s %s %+d: %s", to.ID, to.Name, points, why),
		NoteZh: fmt.Sprintf("%s %s %+d：%s", to.ID, to.Name, points, why),
	}, nil
}

// Redeem is the rule for redeeming a benefit: to holds balance points and
// must hold at least the benefit's threshold, which it consumes, so a
// balance never goes below zero by a redemption. by records it, if
// MayGrant.
func Redeem(by, to Person, b Benefit, balance int, now time.Time) (Event, error) {
	if !MayGrant(by, to) {
		return Event{}, forbidGrant(by, to)
	}
	if balance < b.Threshold {
		return Event{}, Errorf(ECONFLICT, "%s (%s) holds %d points; %s needs %d", to.Name, to.ID, balance, b.Key, b.Threshold).
			Zh("%s（%s）现有 %d 分；兑换%s需 %d 分", to.Name, to.ID, balance, b.Zh, b.Threshold)
	}
	return Event{
		At: now, Actor: by.ID, ActorName: ActorName(by), Action: ActPointsRedeem, Node: to.Node, Subject: to.ID, Points: -b.Threshold,
		Note:   fmt.Sprintf("%s %s redeemed %s: -%d, %d left", to.ID, to.Name, b.Key, b.Threshold, balance-b.Threshold),
		NoteZh: fmt.Sprintf("%s %s 兑换%s：-%d，余 %d", to.ID, to.Name, b.Zh, b.Threshold, balance-b.Threshold),
	}, nil
}

// Redemption is a benefit redeemed: the event and the balance left.
type Redemption struct {
	Event   Event   `json:"event"`
	Benefit Benefit `json:"benefit"`
	Balance int     `json:"balance"`
}

// Rebuilt is what a rebuild of the totals from the log did.
type Rebuilt struct {
	Events  int `json:"events"`  // events read
	Entries int `json:"entries"` // ledger entries they earned
	Days    int `json:"days"`    // day totals kept
	Months  int `json:"months"`  // month totals kept
	Changed int `json:"changed"` // totals that differ from what was kept before
}

// PointsService keeps the points and scorecards.
type PointsService interface {
	// Points is a month's ledger (q) for the people of a subtree: each
	// person's points by indicator, total, redemptions and balance, for
	// everyone Scored and anyone else with points, ranked (RankPeople).
	Points(ctx context.Context, q PointsQuery) (PointsMonth, error)
	// GrantPoints records a manual grant (points > 0) or deduction (< 0)
	// for person by by (Grant); the event is returned.
	GrantPoints(ctx context.Context, person PersonID, points int, reason string, by PersonID) (Event, error)
	// RedeemBenefit redeems a benefit (a key of the policy's benefits) for
	// person (Redeem).
	RedeemBenefit(ctx context.Context, person PersonID, benefit string, by PersonID) (Redemption, error)
	// RebuildPoints recomputes every total from the log.
	RebuildPoints(ctx context.Context) (Rebuilt, error)
	// PointRules are the indicator sets stored, in the order they came
	// into force.
	PointRules(ctx context.Context) (PointRules, error)
	// Scorecards are month's scorecards of role for node's subtree.
	Scorecards(ctx context.Context, role ScoreRole, month Month, node NodeCode) ([]Scorecard, error)
}
