package model

import (
	"cmp"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Field limits for text that enters from outside.
const (
	MaxTitleRunes = 200
	MaxTextBytes  = 8 << 10
	MaxNoteRunes  = 500
	MaxDeptRunes  = 64
)

// Incident is one report from the field and everything done with it since.
type Incident struct {
	Seq        uint64 // the store's key, in order of creation
	ID         string // HJ-20261129-0001: town prefix, local date, daily number
	Title      string
	Text       string
	Category   Category
	Platform   Platform
	Severity   Severity
	Node       NodeCode
	Reporter   PersonID
	Source     Source
	Tier       Tier
	Status     Status
	Department string // who it was dispatched to

	ReportedAt   time.Time
	TierSince    time.Time // when it reached its current tier (or was reopened)
	AckBy        time.Time // the tier's sign-for deadline
	DueBy        time.Time // the tier's resolution deadline
	AckedAt      time.Time
	DispatchedAt time.Time
	ResolvedAt   time.Time
	ClosedAt     time.Time
	Supervised   bool // supervised (督办) on the current clock
	Escalations  int
	// Supervisions counts the supervisions on the current clock; a task
	// force incident that stays red is supervised again at NextSupervision
	// (every Policy.Resupervise), zero when it will not be.
	Supervisions    int
	NextSupervision time.Time
}

var incidentIDRe = regexp.MustCompile(`^[A-Z]{1,8}-[0-9]{8}-[0-9]{4,}$`)

// ParseIncidentID normalises an id typed by a person (case, spaces).
func ParseIncidentID(s string) (string, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	if !incidentIDRe.MatchString(t) {
		return "", Errorf(EINVALID, "incident id %q: want PREFIX-YYYYMMDD-NNNN, e.g. HJ-20261129-0001", s).
			Zh("事件编号 %q：应为 前缀-年月日-序号，如 HJ-20261129-0001", s)
	}
	return t, nil
}

// IDEndsIn reports whether incident id ends in short, a shorter form of it
// as the console shows and reads ids (:show; ShortIncidentID): its number
// (0012, of HJ-20261203-0012), its day of the month and number (03-0012,
// the narrow queue's while it holds a number of two days), its month, day
// and number (1203-0012) or its whole date and number (20261203-0012); any
// of them after its town's prefix (DC-0012, DC-1203-0012: a room of
// several towns keeps it), the id's own.
func IDEndsIn(id, short string) bool {
	if pre, rest, ok := strings.Cut(short, "-"); ok && pre != "" && !digits(pre) {
		return strings.HasPrefix(id, strings.ToUpper(pre)+"-") && endsIn(id, rest)
	}
	return endsIn(id, short)
}

// endsIn is IDEndsIn of a short form without the town's prefix.
func endsIn(id, short string) bool {
	if !shortForm(short) {
		return false
	}
	if !strings.Contains(short, "-") { // 0012: not the end of 10012
		return strings.HasSuffix(id, "-"+short)
	}
	return strings.HasSuffix(id, short) // the date's end, its dash and the whole number
}

// ShortIncidentID reports whether s is an incident id in one of the short
// forms IDEndsIn reads: a number of 4 digits or more (0012), alone or after
// the date's day (03-), month and day (1203-) or whole date (20261203-),
// and any of them after a town's prefix (DC-0012).
func ShortIncidentID(s string) bool {
	if pre, rest, ok := strings.Cut(s, "-"); ok && pre != "" && !digits(pre) {
		return ValidPrefix(strings.ToUpper(pre)) == nil && shortForm(rest)
	}
	return shortForm(s)
}

// shortForm is ShortIncidentID without the prefix. A 7-0012 or 203-0012 is
// no part of an id as the console shows it.
func shortForm(s string) bool {
	day, num, dated := strings.Cut(s, "-")
	if !dated {
		day, num = "", day
	}
	if len(num) < 4 || !digits(num) {
		return false
	}
	switch len(day) {
	case 0:
		return !dated
	case 2, 4, 8:
		return digits(day)
	}
	return false
}

// digits reports whether s is ASCII digits throughout.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ValidPrefix checks a town prefix for incident ids.
func ValidPrefix(s string) error {
	if ok, _ := regexp.MatchString(`^[A-Z]{1,8}$`, s); !ok {
		return Errorf(EINVALID, "town_prefix %q: want 1-8 capital letters, e.g. HJ", s).
			Zh("town_prefix %q：应为 1-8 个大写字母，如 HJ", s).On("town_prefix")
	}
	return nil
}

// Deadline is the deadline of the clock that runs now: the sign-for deadline
// while reported, the resolution deadline while acknowledged or dispatched,
// zero when no clock runs.
func (i Incident) Deadline() time.Time {
	switch i.Status {
	case StatusReported:
		return i.AckBy
	case StatusAcknowledged, StatusDispatched:
		return i.DueBy
	}
	return time.Time{}
}

// Remaining is the time left on the running clock; negative when overdue.
func (i Incident) Remaining(now time.Time) time.Duration {
	d := i.Deadline()
	if d.IsZero() {
		return 0
	}
	return d.Sub(now)
}

// FormatWait shows a wait or a time left the way the command room reads
// it, compactly: 45s, 6m02s, 2h10m, 3d4h; a negative one (overdue) with a
// minus sign. The console and the command line both show durations so.
func FormatWait(d time.Duration) string {
	neg := d < 0
	if neg {
		d = -d
	}
	var s string
	switch {
	case d < time.Minute:
		s = fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		s = fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	case d < 48*time.Hour:
		s = fmt.Sprintf("%dh%02dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	default:
		s = fmt.Sprintf("%dd%dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
	}
	if neg {
		return "-" + s
	}
	return s
}

// Light is the SLA light at now: green under 80% of the running clock,
// yellow from 80% to 100%, red past the deadline.
func (i Incident) Light(now time.Time) Light {
	d := i.Deadline()
	if d.IsZero() {
		return LightNone
	}
	if !now.Before(d) {
		return LightRed
	}
	start := i.TierSince // both clocks count from arrival at the tier
	window := d.Sub(start)
	if window <= 0 || now.Sub(start)*5 >= window*4 {
		return LightYellow
	}
	return LightGreen
}

// NextLightChange is when the SLA light next changes after now (green to
// yellow, or yellow to red), or zero if it will not while the incident
// stays as it is. The console redraws the tower's colours only then.
func (i Incident) NextLightChange(now time.Time) time.Time {
	d := i.Deadline()
	if d.IsZero() || !now.Before(d) {
		return time.Time{}
	}
	if i.Light(now) == LightGreen {
		window := d.Sub(i.TierSince)
		return i.TierSince.Add((window*4 + 4) / 5) // the first instant of yellow
	}
	return d
}

// NextCheck is when Sweep must next look at the incident, zero if never.
func (i Incident) NextCheck() time.Time {
	switch {
	case !i.Status.Open():
		return time.Time{}
	case i.Supervised:
		return i.NextSupervision
	}
	return i.Deadline()
}

// unsupervise starts the incident's supervision afresh: a new clock runs.
func (i Incident) unsupervise() Incident {
	i.Supervised, i.Supervisions, i.NextSupervision = false, 0, time.Time{}
	return i
}

// State is the part of an incident an event records before and after.
type State struct {
	Tier   Tier   `json:",omitempty"`
	Status Status `json:",omitempty"`
}

func (i Incident) state() State { return State{Tier: i.Tier, Status: i.Status} }

// Action names what an event records.
type Action string

const (
	ActReport      Action = "report"
	ActAcknowledge Action = "acknowledge"
	ActEscalate    Action = "escalate"
	ActSupervise   Action = "supervise"
	ActDispatch    Action = "dispatch"
	ActResolve     Action = "resolve"
	ActClose       Action = "close"
	ActReopen      Action = "reopen"
	ActInvalid     Action = "invalid" // closed as invalid (作废): no case, a duplicate, a false alarm
	ActImport      Action = "import"  // nodes or people added
	ActNote        Action = "note"    // a note on an incident's timeline, nothing else changed

	// Wartime.
	ActActivate   Action = "activate"   // wartime begins
	ActDeactivate Action = "deactivate" // wartime ends
	ActDraft      Action = "draft"      // a reserve drafted into a micro-grid
	ActDirective  Action = "directive"  // a directive issued
	ActSign       Action = "sign"       // a unit signs for a directive
	ActProgress   Action = "progress"   // a unit reports progress
	ActResend     Action = "resend"     // a directive resent to silent units
	ActRelease    Action = "release"    // a drafted reserve released before wartime ends
	ActWiden      Action = "widen"      // a running wartime's scope widened (Activation.Widen)
)

var actionZh = map[Action]string{
	ActReport: "上报", ActAcknowledge: "签收", ActEscalate: "升级", ActSupervise: "督办",
	ActDispatch: "交办", ActResolve: "办结", ActClose: "归档", ActReopen: "重新办理", ActInvalid: "作废", ActImport: "导入", ActNote: "备注",
	ActActivate: "启动战时", ActDeactivate: "结束战时", ActDraft: "征调", ActDirective: "下达指令",
	ActSign: "签收指令", ActProgress: "进展", ActResend: "重发", ActRelease: "解除征调", ActWiden: "扩大战时范围",
	ActAlert: "告警", ActToken: "令牌", ActKey: "密钥", ActSeat: "席位",
	ActPointsGrant: "积分奖励", ActPointsDeduct: "积分扣减", ActPointsRedeem: "积分兑换",
	ActShift: "排班", ActShiftSwap: "换班", ActHandover: "交班", ActHandoverAccept: "接班",
	ActCheckIn: "报到", ActHeartbeat: "心跳监测",
}

func (a Action) Zh() string { return actionZh[a] }

// Event is one line of the append-only log: every change to the store is one.
type Event struct {
	Seq         uint64
	At          time.Time
	Actor       PersonID
	ActorName   string
	Action      Action
	Incident    string // the incident's public id, if any
	IncidentSeq uint64
	Directive   string // the id of what it is about besides an incident: an activation, directive, shift or handover, or a heartbeat's name
	Node        NodeCode
	Before      State
	After       State
	Note        string
	// NoteZh is the note in Chinese, where the system wrote the note (a
	// dispatch, a wartime step, a clock's action); "" where Note is the
	// operator's own words or the title.
	NoteZh string
	// Due is the deadline the act answered, where it had one: the running
	// clock of the incident when the act was done (the sign-for deadline
	// of a report, the resolution deadline after it), a directive's
	// sign-for deadline for a signature, its deadline for progress. The
	// points (积分) and scorecards (考核) read "on time" from it.
	Due time.Time
	// Subject is the person the event is about when it is not the actor:
	// the reserve drafted, the person whose points are granted, deducted or
	// redeemed, the patroller of a patrol's end (patrol_done, patrol_end),
	// the finder of a finding passed on (its finding_pass, and the report
	// of the incident it became, which the liaison filed). The points'
	// subject earner pays them (model.EarnSubject).
	Subject PersonID
	// Points is what a manual grant (+), deduction (-) or redemption (-)
	// moves.
	Points int
	// OnBehalf marks a directive signature (or the progress report that
	// signed) made on the unit's behalf (代签).
	OnBehalf bool
	// Completed marks the progress report that completed its unit.
	Completed bool
	// Ref is the patrol (X-0001), finding (F-0001) or rotation (R-0001) an
	// event of the patrol flow is about, if any.
	Ref string
	// Fed, in a hub's file, names the town event this one mirrors, as
	// FedMsgID(town, the town's seq); "" for the file's own events.
	Fed string
	// Unearned marks an event that earns no indicator's points, whatever
	// the indicators say (PointRules.Earn): the report of a finding passed
	// on by the one who found it, a liaison or duty officer standing in
	// for a patroller (desk work: Finding.PassedReport). Events written
	// before it existed read false and keep what they earned.
	Unearned bool
}

// Report is a new incident as it arrives.
type Report struct {
	Node     NodeCode
	Category string
	Severity Severity
	Title    string
	Text     string
	Reporter PersonID
	Source   Source // "" picks one from the reporter's role
	Platform Platform
}

// Validate checks the report's own fields against the policy (the node's
// existence is the store's to check).
func (r Report) Validate(p Policy) error {
	_, err := r.Check(p)
	return err
}

// CheckedReport is a report that passed Validate, with its title and text
// cleaned and its category, platform and source turned into their keys: all
// of filing an incident that needs neither the store nor the clock, done
// once, by the caller, before the store's writer finishes it with
// CheckedReport.Incident. Only Report.Check makes one.
type CheckedReport struct {
	r   Report
	cat Category
	ok  bool
}

// Check validates r against the policy and returns it checked.
func (r Report) Check(p Policy) (CheckedReport, error) {
	if _, err := r.Node.level(); err != nil {
		return CheckedReport{}, err
	}
	cat, err := p.Category(r.Category)
	if err != nil {
		return CheckedReport{}, err
	}
	if r.Severity < SeverityI || r.Severity > SeverityIV {
		return CheckedReport{}, Errorf(EINVALID, "severity: want I, II, III or IV").Zh("等级：应为 I、II、III 或 IV").On("severity")
	}
	title, err := CleanText(r.Title, false)
	if err != nil {
		return CheckedReport{}, Errorf(EINVALID, "title/text: invalid UTF-8").Zh("标题/内容：不是有效的 UTF-8").On("title")
	}
	text, err := CleanText(r.Text, true)
	if err != nil {
		return CheckedReport{}, Errorf(EINVALID, "title/text: invalid UTF-8").Zh("标题/内容：不是有效的 UTF-8").On("text")
	}
	// The limits hold for what is kept: the cleaned title and text.
	if title == "" {
		return CheckedReport{}, Errorf(EINVALID, "title: empty (or nothing but control characters)").Zh("标题：为空").On("title")
	}
	if n := utf8.RuneCountInString(title); n > MaxTitleRunes {
		return CheckedReport{}, Errorf(EINVALID, "title: %d characters, at most %d", n, MaxTitleRunes).Zh("标题：%d 字，最多 %d 字", n, MaxTitleRunes).On("title")
	}
	if len(text) > MaxTextBytes {
		return CheckedReport{}, Errorf(EINVALID, "text: %d bytes, at most %d", len(text), MaxTextBytes).Zh("内容：%d 字节，最多 %d 字节", len(text), MaxTextBytes).On("text")
	}
	src := r.Source
	if src != "" {
		if src, err = ParseSource(string(src)); err != nil {
			return CheckedReport{}, err
		}
	}
	// Check accepts keys case-insensitively or by their Chinese names; the
	// incident keeps the keys, which is what filters and indexes compare.
	plat := r.Platform
	if plat != "" {
		if plat, err = ParsePlatform(string(plat)); err != nil {
			return CheckedReport{}, err
		}
	} else {
		plat = p.Categories[cat]
		if pl, err := ParsePlatform(string(plat)); err == nil {
			plat = pl
		}
	}
	r.Category, r.Title, r.Text, r.Source, r.Platform = string(cat), title, text, src, plat
	return CheckedReport{r: r, cat: cat, ok: true}, nil
}

// Report is the checked report: its fields cleaned and turned into keys.
func (c CheckedReport) Report() Report { return c.r }

// StartTier is the tier a report on node starts at: the grid for a grid or
// anything below it, the village for a village, the town for a town (and
// for a county, city or province: there is no tier above the town's
// rooms; a county room hands work to a town by dispatching it).
func StartTier(node NodeCode) Tier {
	switch node.Level() {
	case LevelTown, LevelCounty, LevelCity, LevelProvince:
		return TierTown
	case LevelVillage:
		return TierVillage
	}
	return TierGrid
}

// defaultSource guesses a report's source from its reporter.
func defaultSource(reporter Person) Source {
	switch {
	case reporter.ID == System:
		return SourceSensor
	case reporter.Has(RolePatroller) || reporter.Has(RoleLiaison):
		return SourceEcoPatrol
	case reporter.Has(RoleDutyOfficer):
		return SourceHotline
	}
	return SourceGridPatrol
}

// Incident applies the report rule to a checked report: the incident at the
// tier its node starts at, with the policy's clocks from now, and the event
// that records it. A CheckedReport not made by Check is refused.
func (c CheckedReport) Incident(seq uint64, id string, reporter Person, now time.Time, p Policy) (Incident, Event, error) {
	return c.IncidentAt(StartTier(c.r.Node), seq, id, reporter, now, p)
}

// IncidentAt is Incident at tier t instead of the tier the node starts at
// (a watchdog's silence of a village room opens at the town tier,
// WatchdogTier).
func (c CheckedReport) IncidentAt(t Tier, seq uint64, id string, reporter Person, now time.Time, p Policy) (Incident, Event, error) {
	if t.Rank() < 0 {
		return Incident{}, Event{}, Errorf(EINVALID, "report: tier %q: not a tier", t).Zh("上报：%q 不是层级", t)
	}
	if !c.ok {
		return Incident{}, Event{}, Errorf(EINVALID, "report: not checked").Zh("上报：未经检查")
	}
	r := c.r
	src := r.Source
	if src == "" {
		src = defaultSource(reporter)
	}
	inc := Incident{
		Seq: seq, ID: id, Title: r.Title, Text: r.Text,
		Category: c.cat, Platform: r.Platform, Severity: r.Severity, Node: r.Node,
		Reporter: reporter.ID, Source: src, Status: StatusReported, ReportedAt: now,
	}
	inc = inc.enterTier(t, now, p)
	ev := Event{
		At: now, Actor: reporter.ID, ActorName: ActorName(reporter), Action: ActReport,
		Incident: id, IncidentSeq: seq, Node: r.Node, After: inc.state(), Note: inc.Title,
	}
	return inc, ev, nil
}

// enterTier puts i at tier t, waiting to be signed for, with fresh clocks.
func (i Incident) enterTier(t Tier, now time.Time, p Policy) Incident {
	i.Tier = t
	i.Status = StatusReported
	i.TierSince = now
	i.AckBy = now.Add(p.AckWindow(t))
	i.DueBy = now.Add(p.ResolveWindow(t, i.Severity))
	i.AckedAt = time.Time{}
	return i.unsupervise()
}

// ActorName is the name an event records for who acted: "system" for the
// system itself.
func ActorName(p Person) string {
	if p.ID == System {
		return "system"
	}
	return p.Name
}

// Command is an action an operator (or the system) takes on an incident.
type Command struct {
	Action     Action
	By         PersonID
	To         Tier     // escalate: a named higher tier; "" for the next one
	Platform   Platform // dispatch: "" keeps the incident's platform
	Department string   // dispatch: who takes the work
	Note       string
	// From (escalate) is the tier the operator saw the incident at when
	// the question was asked; an incident that has left it since (another
	// seat escalated it first) is refused, nothing done (Moved). "" takes
	// it from wherever it is.
	From Tier
}

// holdsTier reports whether actor may act for tier t on an incident at node:
// the duty officer anywhere in their town (Apply checks the town first:
// Person.ActsIn); village cadres for the village tier of their
// village; grid leaders and grid workers for the grid tier of their grid.
func holdsTier(actor Person, t Tier, node NodeCode) bool {
	if actor.Has(RoleDutyOfficer) {
		return true
	}
	switch t {
	case TierVillage:
		return actor.Has(RoleVillageCadre) && actor.Node.Contains(node)
	case TierGrid:
		return (actor.Has(RoleGridLeader) || actor.Has(RoleGridWorkerFull) || actor.Has(RoleGridWorkerPart)) &&
			actor.Node.Contains(node)
	}
	return false
}

// allowed is the rule table: which statuses an action starts from, and who
// may take it.
var allowed = map[Action]struct {
	from  []Status
	may   func(actor Person, i Incident) bool
	who   string
	whoZh string
}{
	ActAcknowledge: {[]Status{StatusReported}, func(a Person, i Incident) bool { return holdsTier(a, i.Tier, i.Node) },
		"the tier's holder (grid leader or worker, village cadre, duty officer)", "本层级的承办人（网格长或网格员、村干部、值班员）"},
	ActEscalate: {[]Status{StatusReported, StatusAcknowledged, StatusDispatched}, func(a Person, i Incident) bool {
		if a.ID == System || a.Has(RoleDutyOfficer) {
			return true
		}
		switch i.Tier {
		case TierGrid:
			return a.Has(RoleGridLeader) && a.Node.Contains(i.Node)
		case TierVillage:
			return a.Has(RoleVillageCadre) && a.Node.Contains(i.Node)
		}
		return false
	}, "the grid leader (grid tier), a village cadre (village tier) or a duty officer", "网格长（网格层级）、村干部（村社层级）或值班员"},
	ActDispatch: {[]Status{StatusReported, StatusAcknowledged, StatusDispatched}, func(a Person, i Incident) bool {
		return a.Has(RoleDutyOfficer) || (i.Tier == TierVillage && holdsTier(a, i.Tier, i.Node))
	}, "a duty officer, or a village cadre at the village tier", "值班员，或村社层级的村干部"},
	ActResolve: {[]Status{StatusAcknowledged, StatusDispatched}, func(a Person, i Incident) bool { return holdsTier(a, i.Tier, i.Node) },
		"the tier's holder", "本层级的承办人"},
	ActClose: {[]Status{StatusResolved}, func(a Person, i Incident) bool { return a.Has(RoleDutyOfficer) },
		"a duty officer", "值班员"},
	ActReopen: {[]Status{StatusResolved}, func(a Person, i Incident) bool { return holdsTier(a, i.Tier, i.Node) },
		"the tier's holder", "本层级的承办人"},
	// Closing as invalid (作废) ends an open report that needs no work: the
	// tier's holder or a duty officer judges it, with a note. The points
	// and scorecards count it against the report (valid-report rate).
	ActInvalid: {[]Status{StatusReported, StatusAcknowledged, StatusDispatched}, func(a Person, i Incident) bool { return holdsTier(a, i.Tier, i.Node) },
		"the tier's holder or a duty officer", "本层级的承办人或值班员"},
}

// Apply is the rule for every operator action: it checks the actor's town
// (Person.ActsIn: a town's duty officer acts on its own incidents, not on
// another town's of the same file; Foreign), the status and the actor's
// part, and returns the changed incident and the event that records it.
// actor is the roster entry of c.By (System for the system itself).
func (i Incident) Apply(c Command, actor Person, now time.Time, p Policy) (Incident, Event, error) {
	rule, ok := allowed[c.Action]
	if !ok {
		return i, Event{}, Errorf(EINVALID, "%s: not an action on an incident", c.Action).
			Zh("%q 不是对事件的操作", cmp.Or(c.Action.Zh(), string(c.Action)))
	}
	if !actor.ActsIn(i.Node) {
		return i, Event{}, i.Foreign(actor, c.Action, nil)
	}
	if !statusIn(i.Status, rule.from) {
		en, zh := hint(c.Action, i.Status)
		return i, Event{}, Errorf(ECONFLICT, "%s: cannot %s an incident that is %s%s", i.ID, c.Action, i.Status, en).
			Zh("%s：事件为「%s」，不能%s%s", i.ID, i.Status.Zh(), c.Action.Zh(), zh)
	}
	if err := i.Moved(c, Mover{}); err != nil {
		return i, Event{}, err
	}
	if actor.ID != System && !rule.may(actor, i) || actor.ID == System && c.Action != ActEscalate {
		who := actor.Name
		if actor.ID == System {
			who = "系统"
		}
		return i, Event{}, Errorf(EFORBIDDEN, "%s: %s (%s) may not %s at the %s tier; only %s may",
			i.ID, ActorName(actor), roleList(actor, false), c.Action, i.Tier, rule.who).
			Zh("%s：%s（%s）不能在%s层级%s；只有%s可以", i.ID, who, roleList(actor, true), i.Tier.Zh(), c.Action.Zh(), rule.whoZh)
	}
	for _, f := range [...]struct{ name, v string }{{"note", c.Note}, {"department", c.Department}} {
		if !utf8.ValidString(f.v) {
			return i, Event{}, Errorf(EINVALID, "note/department: invalid UTF-8").Zh("备注/承办部门：不是有效的 UTF-8").On(f.name)
		}
	}
	if n := utf8.RuneCountInString(c.Note); n > MaxNoteRunes {
		return i, Event{}, Errorf(EINVALID, "note: %d characters, at most %d", n, MaxNoteRunes).Zh("备注：%d 字，最多 %d 字", n, MaxNoteRunes).On("note")
	}
	before := i.state()
	due := i.Deadline()
	note := clean(c.Note, false)
	noteZh := ""
	switch c.Action {
	case ActAcknowledge:
		i.Status = StatusAcknowledged
		i.AckedAt = now
		i = i.unsupervise()
	case ActEscalate:
		to := c.To
		if to != "" && to.Rank() < 0 {
			return i, Event{}, Errorf(EINVALID, "%s: cannot escalate to %q: not a tier (grid, village, town, taskforce)", i.ID, to).
				Zh("%s：不能升级到 %q：不是层级（网格、村社、镇指挥室、专班）", i.ID, to).On("to")
		}
		if to == "" {
			to = i.Tier.Next()
		}
		if to == "" {
			return i, Event{}, Errorf(ECONFLICT, "%s: already at the task force, the top tier", i.ID).Zh("%s：已在专班（最高层级），无法再升级", i.ID)
		}
		if to.Rank() <= i.Tier.Rank() {
			return i, Event{}, Errorf(ECONFLICT, "%s: cannot escalate from %s to %s; escalation only climbs", i.ID, i.Tier, to).
				Zh("%s：不能从%s升级到%s；升级只能向上", i.ID, i.Tier.Zh(), to.Zh())
		}
		i = i.enterTier(to, now, p)
		i.Escalations++
		if note == "" {
			note, noteZh = EscalationNote(before.Tier, to), before.Tier.Zh()+"→"+to.Zh()
		}
	case ActDispatch:
		dept := clean(c.Department, false)
		if dept == "" {
			return i, Event{}, Errorf(EINVALID, "%s: dispatch needs a department", i.ID).Zh("%s：交办须填写承办部门", i.ID).On("department")
		}
		if utf8.RuneCountInString(dept) > MaxDeptRunes {
			return i, Event{}, Errorf(EINVALID, "department: at most %d characters", MaxDeptRunes).Zh("承办部门：最多 %d 字", MaxDeptRunes).On("department")
		}
		if c.Platform != "" {
			pl, err := ParsePlatform(string(c.Platform))
			if err != nil {
				return i, Event{}, err
			}
			i.Platform = pl
		}
		if i.AckedAt.IsZero() {
			i.AckedAt = now // dispatching signs for it
		}
		if i.Status == StatusReported {
			i = i.unsupervise()
		}
		i.Status = StatusDispatched
		i.Department = dept
		i.DispatchedAt = now
		if note == "" {
			note, noteZh = fmt.Sprintf("%s / %s", i.Platform, dept), i.Platform.Zh()+" / "+dept
		} else {
			note, noteZh = fmt.Sprintf("%s / %s: %s", i.Platform, dept, note), i.Platform.Zh()+" / "+dept+"："+note
		}
	case ActResolve:
		i.Status = StatusResolved
		i.ResolvedAt = now
	case ActClose:
		i.Status = StatusClosed
		i.ClosedAt = now
	case ActReopen:
		if note == "" {
			return i, Event{}, Errorf(EINVALID, "%s: reopening needs a note saying what new information arrived", i.ID).Zh("%s：重新办理须写明新情况", i.ID).On("note")
		}
		i = i.enterTier(i.Tier, now, p)
		i.ResolvedAt = time.Time{}
	case ActInvalid:
		if note == "" {
			return i, Event{}, Errorf(EINVALID, "%s: closing as invalid needs a note saying why (a duplicate, a false alarm, no case)", i.ID).
				Zh("%s：作废须写明原因（重复上报、误报、不属实）", i.ID).On("note")
		}
		i.Status = StatusClosed
		i.ClosedAt = now
		i.Supervised, i.NextSupervision = false, time.Time{}
	}
	ev := Event{
		At: now, Actor: actor.ID, ActorName: ActorName(actor), Action: c.Action,
		Incident: i.ID, IncidentSeq: i.Seq, Node: i.Node, Before: before, After: i.state(), Note: note, NoteZh: noteZh,
		Due: due,
	}
	return i, ev, nil
}

// AddNote is the rule for a note on an incident's timeline: the operator's
// own words ("called the traffic police, ETA 20 min"), at any status (a
// closed incident's follow-up too), with nothing else changed. A duty
// officer may note any incident of their town (Person.ActsIn; one above
// the towns, any of their division's); a village cadre or grid staff one
// at or beneath their node; whoever reported it, their own report. The event's
// Before and After are the incident's state as it stays.
func (i Incident) AddNote(actor Person, text string, now time.Time) (Event, error) {
	if !actor.ActsIn(i.Node) {
		return Event{}, i.Foreign(actor, ActNote, nil)
	}
	note, err := cleanField(text, false, MaxNoteRunes, "note", "备注")
	if err != nil {
		return Event{}, err
	}
	if Blank(note) {
		return Event{}, Errorf(EINVALID, "%s: the note is empty; say what happened", i.ID).Zh("%s：备注为空，请写明情况", i.ID).On("note")
	}
	near := (actor.Has(RoleVillageCadre) || actor.IsGridStaff()) && actor.Node.Contains(i.Node)
	if actor.ID == System || !(actor.Has(RoleDutyOfficer) || near || actor.ID == i.Reporter) {
		return Event{}, Errorf(EFORBIDDEN, "%s: %s (%s) may not add a note here; only a duty officer, the village's cadres, the grid's staff or the reporter may",
			i.ID, ActorName(actor), roleList(actor, false)).
			Zh("%s：%s（%s）不能为此事件添加备注；只有值班员、本村干部、本网格人员或上报人可以", i.ID, ActorName(actor), roleList(actor, true))
	}
	return Event{
		At: now, Actor: actor.ID, ActorName: ActorName(actor), Action: ActNote,
		Incident: i.ID, IncidentSeq: i.Seq, Node: i.Node, Before: i.state(), After: i.state(), Note: note,
	}, nil
}

// Foreign is the refusal of actor taking action a (ActNote for a note) on
// i, an incident of a town not actor's (Person.ActsIn: the first rule of
// Apply and AddNote), naming actor, their town, i's node and its town by
// names where names knows them: "金建兰 (P1) of 花街镇 330784114 may not
// acknowledge HJ-20261207-0001 at 园丁社区 330784001001: it is in 东城街道
// 330784001, another town; …". The store gives it named before it applies
// the rule.
func (i Incident) Foreign(actor Person, a Action, names func(NodeCode) string) *Error {
	what, zh := string(a)+" "+i.ID, a.Zh()+" "+i.ID
	switch a {
	case ActInvalid:
		what = "close " + i.ID + " as invalid"
	case ActNote:
		what, zh = "add a note to "+i.ID, "为 "+i.ID+" 添加备注"
	}
	return ForeignAct(actor, what, zh, i.Node, names)
}

// Mover is who moved an incident to its tier, and when, for Moved's
// refusal: an escalation's actor (System: the clock), or nobody known.
type Mover struct {
	By   PersonID
	Name string
	At   time.Time
}

// Moved refuses c, an escalation confirmed at tier c.From, when i has
// left that tier since (two seats confirming one escalation would
// otherwise move it two tiers): it names where i is now and, when m is
// known, who moved it and when. nil for any other command, one without
// From, or an incident no longer open (the status refusal says that).
func (i Incident) Moved(c Command, m Mover) error {
	if c.Action != ActEscalate || c.From == "" || c.From == i.Tier || !i.Status.Open() {
		return nil
	}
	if c.From.Rank() < 0 {
		return Errorf(EINVALID, "%s: %q is not a tier to escalate from (grid, village, town, taskforce)", i.ID, c.From).
			Zh("%s：%q 不是层级（网格、村社、镇指挥室、专班）", i.ID, c.From).On("from")
	}
	how, howZh := "", ""
	switch {
	case m.At.IsZero():
	case m.By == System:
		how, howZh = fmt.Sprintf(" (escalated by the clock at %s)", m.At.Format("15:04")), fmt.Sprintf("（%s 超时自动升级）", m.At.Format("15:04"))
	default:
		how, howZh = fmt.Sprintf(" (escalated by %s at %s)", m.Name, m.At.Format("15:04")), fmt.Sprintf("（%s %s 升级）", m.Name, m.At.Format("15:04"))
	}
	return Errorf(ECONFLICT, "%s is now at the %s tier%s, no longer at the %s tier you confirmed from; nothing done", i.ID, i.Tier, how, c.From).
		Zh("%s 已在%s层级%s，不再是确认时的%s层级；未作任何操作", i.ID, i.Tier.Zh(), howZh, c.From.Zh())
}

// EscalationNote is the note of an escalation the officer wrote nothing
// for: "grid→village".
func EscalationNote(from, to Tier) string { return string(from) + "→" + string(to) }

// hint says what to do instead, in English and in Chinese.
func hint(a Action, s Status) (en, zh string) {
	switch {
	case a == ActResolve && s == StatusReported:
		return " (acknowledge it first)", "（请先签收）"
	case a == ActClose && s.Open():
		return " (resolve it first)", "（请先办结）"
	case a == ActReopen && s == StatusClosed:
		return " (closed incidents are archived; file a new report)", "（请新建上报）"
	case a == ActReopen && s.Open():
		return " (it is still open)", "（事件仍在办）"
	case a == ActAcknowledge && s == StatusAcknowledged:
		return " (already signed for)", "（已签收过）"
	case a == ActAcknowledge && s == StatusDispatched:
		return " (it is dispatched: dispatching took it in hand)", "（已交办，交办即视为签收）"
	case a == ActAcknowledge && s == StatusResolved:
		return " (it is resolved)", "（已办结）"
	case a == ActAcknowledge && s == StatusClosed:
		return " (it is closed and archived)", "（已归档）"
	case a == ActInvalid && s == StatusResolved:
		return " (it was resolved; close it instead)", "（已办结，请归档）"
	}
	return "", ""
}

func statusIn(s Status, set []Status) bool {
	for _, x := range set {
		if x == s {
			return true
		}
	}
	return false
}

// roleList names the actor's roles, in Chinese when zh.
func roleList(p Person, zh bool) string {
	switch {
	case p.ID == System && zh:
		return "系统"
	case p.ID == System:
		return "system"
	case len(p.Roles) == 0 && zh:
		return "无角色"
	case len(p.Roles) == 0:
		return "no role"
	}
	s := make([]string, len(p.Roles))
	for i, r := range p.Roles {
		s[i] = string(r)
		if zh {
			s[i] = r.Zh()
		}
	}
	if zh {
		return strings.Join(s, "、")
	}
	return strings.Join(s, ", ")
}

// Sweep applies the clocks at now: a report not signed for by its tier's
// deadline climbs one tier by itself (the system escalates it); one past its
// deadline at the top tier, or acknowledged and past its resolution deadline,
// is supervised (督办) once on that clock. It returns the incident, the event
// and whether anything happened.
func (i Incident) Sweep(now time.Time, p Policy) (Incident, Event, bool) {
	due := i.NextCheck()
	if due.IsZero() || now.Before(due) {
		return i, Event{}, false
	}
	sys := Person{ID: System}
	if i.Status == StatusReported && i.Tier.Next() != "" {
		late := now.Sub(i.TierSince).Round(time.Second)
		out, ev, err := i.Apply(Command{Action: ActEscalate, By: System}, sys, now, p)
		if err != nil {
			return i, Event{}, false
		}
		ev.Note = fmt.Sprintf("%s: not signed for within %s", EscalationNote(i.Tier, out.Tier), late)
		ev.NoteZh = fmt.Sprintf("%s→%s：%s 内未签收", i.Tier.Zh(), out.Tier.Zh(), FormatWait(late))
		return out, ev, true
	}
	before := i.state()
	again := i.Supervised
	i.Supervised = true
	i.Supervisions++
	i.NextSupervision = time.Time{}
	if w := p.ResuperviseWindow(); i.Tier == TierTaskForce && w > 0 {
		i.NextSupervision = now.Add(w)
	}
	what, whatZh := "not resolved", "未办结"
	if i.Status == StatusReported {
		what, whatZh = "not signed for", "未签收"
	}
	dl := i.Deadline()
	ev := Event{
		At: now, Actor: System, ActorName: "system", Action: ActSupervise, Incident: i.ID,
		IncidentSeq: i.Seq, Node: i.Node, Before: before, After: i.state(), Due: dl,
		Note:   fmt.Sprintf("%s at the %s tier by %s", what, i.Tier, dl.Format("15:04")),
		NoteZh: fmt.Sprintf("%s层级 %s 前%s", i.Tier.Zh(), dl.Format("15:04"), whatZh),
	}
	if again {
		late := FormatWait(now.Sub(dl).Round(time.Minute))
		ev.Note = fmt.Sprintf("supervised again (%s time): still %s at the %s tier, %s past %s", ordinal(i.Supervisions), what, i.Tier, late, dl.Format("15:04"))
		ev.NoteZh = fmt.Sprintf("第 %d 次督办：%s层级仍%s，已超过 %s 截止 %s", i.Supervisions, i.Tier.Zh(), whatZh, dl.Format("15:04"), late)
	}
	return i, ev, true
}

// ordinal writes n as 2nd, 3rd, 11th.
func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// SortQueue orders incidents as the duty officer reads them: open before
// closed, gravest first, then least time left, then oldest.
func SortQueue(list []Incident, now time.Time) {
	sort.SliceStable(list, func(a, b int) bool {
		x, y := list[a], list[b]
		if x.Status.Open() != y.Status.Open() {
			return x.Status.Open()
		}
		if x.Severity != y.Severity {
			return x.Severity < y.Severity
		}
		rx, ry := x.Remaining(now), y.Remaining(now)
		if rx != ry {
			return rx < ry
		}
		return x.Seq < y.Seq
	})
}

func sortStrings(s []string) { sort.Strings(s) }

// clean is CleanText for text the rules store: whoever called them, nothing
// that moves a terminal's cursor reaches the file. Invalid UTF-8 has been
// refused before this point, so the error cannot happen.
func clean(s string, multiline bool) string {
	out, err := CleanText(s, multiline)
	if err != nil {
		return ""
	}
	return out
}
