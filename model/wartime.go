package model

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Reason is why the town went to wartime (战时).
type Reason string

const (
	ReasonFlood    Reason = "flood"    // 防汛
	ReasonTyphoon  Reason = "typhoon"  // 防台
	ReasonEpidemic Reason = "epidemic" // 疫情
	ReasonFire     Reason = "fire"     // 火灾
	ReasonOther    Reason = "other"
)

var Reasons = []Reason{ReasonFlood, ReasonTyphoon, ReasonEpidemic, ReasonFire, ReasonOther}

var reasonZh = map[Reason]string{
	ReasonFlood: "防汛", ReasonTyphoon: "防台", ReasonEpidemic: "疫情", ReasonFire: "火灾", ReasonOther: "其他",
}

func (r Reason) Zh() string { return reasonZh[r] }

func ParseReason(s string) (Reason, error) { return parseEnum("reason", s, Reasons, reasonZh) }

// WartimeRole is the part a micro-grid worker plays in wartime.
type WartimeRole string

const (
	WartimeVanguard   WartimeRole = "vanguard"   // 冲锋员
	WartimeResponder  WartimeRole = "responder"  // 战斗员
	WartimeSpecialist WartimeRole = "specialist" // 攻坚员
)

var WartimeRoles = []WartimeRole{WartimeVanguard, WartimeResponder, WartimeSpecialist}

var wartimeRoleZh = map[WartimeRole]string{
	WartimeVanguard: "冲锋员", WartimeResponder: "战斗员", WartimeSpecialist: "攻坚员",
}

func (r WartimeRole) Zh() string { return wartimeRoleZh[r] }

func ParseWartimeRole(s string) (WartimeRole, error) {
	return parseEnum("wartime role", s, WartimeRoles, wartimeRoleZh)
}

// RoleFor is the configurable rule that gives a micro-grid's worker a
// wartime role: the cycle is walked by the micro-grid's own number, so
// micro-grid 01 takes cycle[0], 02 cycle[1], and so on round.
func RoleFor(micro NodeCode, cycle []WartimeRole) WartimeRole {
	if len(cycle) == 0 {
		cycle = WartimeRoles
	}
	s := string(micro)
	n, err := strconv.Atoi(s[strings.LastIndexByte(s, '-')+1:])
	if err != nil || n < 1 {
		n = 1
	}
	return cycle[(n-1)%len(cycle)]
}

// Activation is one period of wartime: from activation to its end.
type Activation struct {
	Seq     uint64
	ID      string // W-0001
	Reason  Reason
	Scope   []NodeCode // the town, or villages
	Drill   bool
	Note    string
	Since   time.Time
	Ended   time.Time
	By      PersonID
	EndedBy PersonID
	// What the scope holds: at activation, and again at each widening
	// (Widened), for the confirmation and the after-action summary.
	Villages, MicroGrids, Households int
	// Widened lists the widenings of the scope (Widen), oldest first.
	Widened []Widening
}

// Active reports whether the activation has not ended.
func (a Activation) Active() bool { return a.Seq != 0 && a.Ended.IsZero() }

// StillActive is where an activation's span ends while it runs ("since
// 12-08 03:38 → now (still active)"), in the after-action summary of the
// console and of gridcmd wartime report alike; StillActiveZh in Chinese.
const (
	StillActive   = "now (still active)"
	StillActiveZh = "至今（仍在战时）"
)

// Covers reports whether node c lies in the activation's scope.
func (a Activation) Covers(c NodeCode) bool {
	for _, s := range a.Scope {
		if s.Contains(c) {
			return true
		}
	}
	return false
}

// RoomsOnDuty is who staffs the wartime command rooms above an
// activation's micro-grids: the town's wartime room (Town) and the village
// wartime rooms (Villages: the scope's villages, in code order, whose room
// is staffed), as CountRoomsOnDuty counts them. Counted is false when
// nobody counted them (a replay's earlier activation, whose on-duty flags
// are gone): the console then says it does not know (—) rather than 0.
// Changes is when the duty schedule next begins or ends a shift in one of
// the rooms (zero: none ahead): the count may change then, with no event.
type RoomsOnDuty struct {
	Counted  bool
	Town     bool
	Villages []NodeCode
	Changes  time.Time
}

// StaffsTownRoom reports whether p keeps town's room staffed by the
// flags, as a room with no duty schedule is counted: one of the town's
// duty officers on duty, wherever in the town they are placed (their seat
// is the town room, SeatOf). CountRoomsOnDuty counts by it, and the
// console names them in the header of a room looking into the town.
func (p Person) StaffsTownRoom(town NodeCode) bool {
	return p.OnDuty && p.Has(RoleDutyOfficer) && town.Contains(p.Node)
}

// CountRoomsOnDuty counts the rooms of a's scope that are staffed. A room
// with a duty schedule (a key of scheduled, which says whether one of its
// shifts runs now) is staffed while a shift runs, as duty now and the
// header say, whatever its people's on-duty flags; a room with none by the
// flags: the town room while one of the town's duty officers is on duty
// (wherever in the town they are placed: their seat is the town room,
// SeatOf), a village room while one of its cadres is. people may hold
// others (they are passed over).
func CountRoomsOnDuty(a Activation, people []Person, scheduled map[NodeCode]bool) RoomsOnDuty {
	r := RoomsOnDuty{Counted: true}
	if len(a.Scope) == 0 {
		return r
	}
	town := a.Scope[0].Town()
	for _, p := range people {
		if p.StaffsTownRoom(town) {
			r.Town = true
		}
		if v := p.Node.Village(); p.OnDuty && p.Has(RoleVillageCadre) && v != "" && a.Covers(v) {
			if _, byShift := scheduled[v]; !byShift {
				r.Villages = append(r.Villages, v)
			}
		}
	}
	if running, byShift := scheduled[town]; byShift {
		r.Town = running
	}
	for room, running := range scheduled {
		if running && room.Level() == LevelVillage && a.Covers(room) {
			r.Villages = append(r.Villages, room)
		}
	}
	slices.Sort(r.Villages)
	r.Villages = slices.Compact(r.Villages)
	return r
}

// FormatActivationID makes the public id of the n-th activation.
func FormatActivationID(n uint64) string { return fmt.Sprintf("W-%04d", n) }

// FormatDirectiveID makes the public id of the n-th directive.
func FormatDirectiveID(n uint64) string { return fmt.Sprintf("D-%04d", n) }

// SplitCodes splits a list of codes as an officer types it: separated by
// commas, spaces, semicolons or 、, ASCII or full-width.
func SplitCodes(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		switch r {
		case ',', ';', '，', '；', '、', '\u3000':
			return true
		}
		return unicode.IsSpace(r)
	})
}

// WholeTown reports whether a scope word means the whole town: "town", or
// "全镇" as the console in Chinese offers it.
func WholeTown(s string) bool { return strings.EqualFold(s, "town") || s == "全镇" }

// ParseScopeCode checks one code of a wartime scope: a town or a village,
// or a county, city or province standing for its towns.
func ParseScopeCode(s string) (NodeCode, error) {
	c, err := ParseNodeCode(s)
	if err != nil {
		return "", Errorf(EINVALID, "scope: %s", ErrorMessage(err)).Zh("范围：%s", ErrorMessageZh(err)).On("scope")
	}
	if l := c.Level(); l > LevelVillage {
		return "", Errorf(EINVALID, "scope: %s is a %s; wartime covers a town or villages (or the towns of a county)", c, l).Zh("范围：%s 是%s；战时只覆盖镇或村社（或县市下的各镇）", c, l.Zh()).On("scope")
	}
	return c, nil
}

// ParseScope reads "town" or "全镇" (the whole town of the given code) or village and
// town codes, and returns the codes in order without overlaps.
func ParseScope(args []string, town NodeCode) ([]NodeCode, error) {
	var out []NodeCode
	for _, a := range args {
		for _, f := range SplitCodes(a) {
			if WholeTown(f) {
				if town == "" {
					return nil, Errorf(EINVALID, "scope: town: no town in the database, or none chosen; give town or village codes").Zh("范围：全镇：数据库中没有镇，或尚未选定镇；请给出镇或村社代码").On("scope")
				}
				out = append(out, town)
				continue
			}
			c, err := ParseScopeCode(f)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return nil, Errorf(EINVALID, "scope: empty; give town or village codes").Zh("范围：为空；请给出镇或村社代码").On("scope")
	}
	return normalizeScope(out), nil
}

// ScopeTowns splits a scope (ParseScope's codes, each a town or beneath
// one) by town: one activation per town. The towns come in code order.
func ScopeTowns(scope []NodeCode) (towns []NodeCode, parts map[NodeCode][]NodeCode) {
	parts = map[NodeCode][]NodeCode{}
	for _, c := range normalizeScope(append([]NodeCode(nil), scope...)) {
		t := c.Town()
		if _, ok := parts[t]; !ok {
			towns = append(towns, t)
		}
		parts[t] = append(parts[t], c)
	}
	return towns, parts
}

// OneTown is the town every code of a scope or a directive's targets lies
// in: wartime is per town, so one activation and its directives never
// reach past it. EINVALID (on field) naming the towns otherwise, by names
// where names knows them (NameNodes).
func OneTown(codes []NodeCode, field string, names func(NodeCode) string) (NodeCode, error) {
	towns, _ := ScopeTowns(codes)
	switch {
	case len(towns) == 1 && towns[0] != "":
		return towns[0], nil
	case len(towns) == 0:
		return "", Errorf(EINVALID, "%s: empty", field).Zh("%s：为空", field).On(field)
	case slices.Contains(towns, ""):
		return "", Errorf(EINVALID, "%s: wartime is per town; give town or village codes, not a county", field).
			Zh("%s：战时按镇启动；请给出镇或村社代码，而不是县市代码", field).On(field)
	}
	return "", Errorf(EINVALID, "%s: spans %d towns (%s); wartime is per town: one activation, and its directives, per town", field, len(towns), NameNodes(towns, names, ", ")).
		Zh("%s：跨 %d 个镇（%s）；战时按镇启动：每镇一次启动，指令也按镇下达", field, len(towns), NameNodes(towns, names, "、")).On(field)
}

// normalizeScope sorts codes and drops those inside another.
func normalizeScope(in []NodeCode) []NodeCode {
	sort.Slice(in, func(i, j int) bool { return in[i] < in[j] })
	return topmost(in)
}

// Activate is the rule for going to wartime: refused while another
// activation is active. Its event's note names the scope by names (the
// nodes' display names, nil or "" for a code: the code).
func Activate(current Activation, seq uint64, reason Reason, scope []NodeCode, drill bool, note string, by PersonID, now time.Time, names func(NodeCode) string) (Activation, Event, error) {
	if current.Active() {
		return Activation{}, Event{}, activeAlready(current, scope, names)
	}
	if _, err := ParseReason(string(reason)); err != nil {
		return Activation{}, Event{}, err
	}
	if len(scope) == 0 {
		return Activation{}, Event{}, Errorf(EINVALID, "scope: empty; give town or village codes").Zh("范围：为空；请给出镇或村社代码").On("scope")
	}
	if utf8.RuneCountInString(note) > MaxNoteRunes {
		return Activation{}, Event{}, Errorf(EINVALID, "note: at most %d characters", MaxNoteRunes).Zh("备注：最多 %d 字", MaxNoteRunes).On("note")
	}
	a := Activation{Seq: seq, ID: FormatActivationID(seq), Reason: reason, Scope: normalizeScope(append([]NodeCode(nil), scope...)),
		Drill: drill, Note: clean(note, false), Since: now, By: by}
	what, whatZh := string(reason), reason.Zh()
	if drill {
		what, whatZh = what+" (drill)", whatZh+"（演练）"
	}
	ev := Event{At: now, Actor: by, Action: ActActivate, Node: a.Scope[0], Directive: a.ID,
		Note:   fmt.Sprintf("%s: %s, scope %s", a.ID, what, NameNodes(a.Scope, names, ", ")),
		NoteZh: fmt.Sprintf("%s：%s，范围 %s", a.ID, whatZh, NameNodes(a.Scope, names, "、"))}
	return a, ev, nil
}

// activeAlready refuses to activate over scope while current runs in its
// town. Where scope would take in more of the town than current covers
// (the town while a village's wartime runs), it gives the choice: widen
// current, which keeps all it runs, or end it first.
func activeAlready(current Activation, scope []NodeCode, names func(NodeCode) string) error {
	since := current.Since.Format("2006-01-02 15:04")
	var more []NodeCode
	for _, c := range normalizeScope(slices.Clone(scope)) {
		if !current.Covers(c) && len(current.Scope) > 0 && c.Town() == current.Scope[0].Town() {
			more = append(more, c)
		}
	}
	if len(more) == 0 {
		return Errorf(ECONFLICT, "wartime %s (%s) is already active since %s; end it first", current.ID, current.Reason, since).
			Zh("战时 %s（%s）自 %s 起已在运行；请先结束", current.ID, current.Reason.Zh(), since)
	}
	return Errorf(ECONFLICT, "wartime %s (%s) is already active over %s since %s: widen it to take in %s, its directives, signatures and drafted reserves carrying on (gridcmd wartime widen; W in the town room), or end it first",
		current.ID, current.Reason, NameNodes(current.Scope, names, ", "), since, NameNodes(more, names, ", ")).
		Zh("战时 %s（%s）自 %s 起已在运行，范围 %s：可扩大其范围纳入 %s，指令、签收和征调储备照常运行（gridcmd wartime widen；镇指挥室按 W），或先结束它",
			current.ID, current.Reason.Zh(), since, NameNodes(current.Scope, names, "、"), NameNodes(more, names, "、"))
}

// NameNodes is cs for an event's note, joined by sep: each node's display
// name followed by its code ("花街镇 330784114"), so that a reader of the
// log finds the codes too; a node names does not name (or names nil) is
// its code alone.
func NameNodes(cs []NodeCode, names func(NodeCode) string, sep string) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
		if names != nil {
			if n := names(c); n != "" {
				s[i] = n + " " + string(c)
			}
		}
	}
	return strings.Join(s, sep)
}

// End is the rule for leaving wartime: refused when nothing is active.
func (a Activation) End(by PersonID, now time.Time) (Activation, Event, error) {
	if !a.Active() {
		return a, Event{}, Errorf(ECONFLICT, "no wartime is active").Zh("当前没有战时状态")
	}
	a.Ended, a.EndedBy = now, by
	lasted := now.Sub(a.Since).Round(time.Second)
	ev := Event{At: now, Actor: by, Action: ActDeactivate, Node: a.Scope[0], Directive: a.ID,
		Note:   fmt.Sprintf("%s ended after %s", a.ID, FormatWait(lasted)),
		NoteZh: fmt.Sprintf("%s，历时 %s", a.ID, FormatWait(lasted))}
	return a, ev, nil
}

func joinCodes(cs []NodeCode) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, ",")
}

// Draft is a reserve drafted into a micro-grid that has no worker.
type Draft struct {
	Activation uint64
	Person     PersonID
	MicroGrid  NodeCode
	At         time.Time
	By         PersonID
	Released   time.Time
}

// CanDraft checks the draft rule: the person is a reserve, the micro-grid
// is in scope and has nobody, and the reserve comes from the same grid or,
// failing that, the same village. Its refusals name the nodes by names
// where it knows them (NameNodes: "渎溪村 02-03 330784114266-02-03").
func CanDraft(a Activation, reserve Person, micro NodeCode, staffed bool, alreadyDrafted bool, names func(NodeCode) string) error {
	name := func(c NodeCode) string { return NameNodes([]NodeCode{c}, names, "") }
	if !a.Active() {
		return Errorf(ECONFLICT, "no wartime is active: reserves are drafted in wartime only").Zh("当前没有战时状态：储备力量只在战时征调")
	}
	if micro.Level() != LevelMicroGrid {
		return Errorf(EINVALID, "%s is not a micro-grid", name(micro)).Zh("%s 不是微网格", name(micro))
	}
	if !a.Covers(micro) {
		return Errorf(ECONFLICT, "%s is outside the wartime scope (%s)", name(micro), NameNodes(a.Scope, names, ", ")).
			Zh("%s 不在战时范围内（%s）", name(micro), NameNodes(a.Scope, names, "、"))
	}
	if !reserve.Has(RoleReserve) {
		return Errorf(ECONFLICT, "%s (%s) is not in the reserve pool", reserve.Name, reserve.ID).Zh("%s（%s）不在储备池中", reserve.Name, reserve.ID)
	}
	if alreadyDrafted {
		return Errorf(ECONFLICT, "%s (%s) is already drafted", reserve.Name, reserve.ID).Zh("%s（%s）已被征调", reserve.Name, reserve.ID)
	}
	if staffed {
		return Errorf(ECONFLICT, "%s already has a worker; draft reserves into the gaps", name(micro)).Zh("%s 已有微网格员；储备力量只补空缺", name(micro))
	}
	if reserve.Node.Village() != micro.Village() {
		return Errorf(ECONFLICT, "%s (%s) belongs to %s; draft from the same grid, else the same village", reserve.Name, reserve.ID, name(reserve.Node)).
			Zh("%s（%s）属于 %s；请从同一网格、其次同一村社征调", reserve.Name, reserve.ID, name(reserve.Node))
	}
	return nil
}

// CanRelease checks the rule for releasing a drafted reserve before
// wartime ends: wartime is active and d, the person's draft in it (found
// false when there is none), has not been released. Releasing makes the
// micro-grid a gap again; the reserve may be drafted again.
func CanRelease(a Activation, reserve Person, d Draft, found bool) error {
	if !a.Active() {
		return Errorf(ECONFLICT, "no wartime is active: drafted reserves were released when it ended").Zh("当前没有战时状态：战时结束时已释放全部储备力量")
	}
	if !found || d.Activation != a.Seq || !d.Released.IsZero() {
		return Errorf(ECONFLICT, "%s (%s) is not drafted now", reserve.Name, reserve.ID).Zh("%s（%s）当前未被征调", reserve.Name, reserve.ID)
	}
	return nil
}

// Drafted is the set of people serving in a draft now: drafts not
// released.
func Drafted(drafts []Draft) map[PersonID]bool {
	out := map[PersonID]bool{}
	for _, d := range drafts {
		if d.Released.IsZero() {
			out[d.Person] = true
		}
	}
	return out
}

// ReserveCandidates ranks the reserves who may be drafted into the
// micro-grid micro, as CanDraft allows: reserves not drafted now, from the
// micro-grid's village; those of its own grid first, then the rest of the
// village, each in the order of people. Only a micro-grid has candidates.
func ReserveCandidates(micro NodeCode, people []Person, drafted map[PersonID]bool) []Person {
	if micro.Level() != LevelMicroGrid {
		return nil
	}
	var same, village []Person
	for _, p := range people {
		if !p.Has(RoleReserve) || drafted[p.ID] || p.Node.Village() != micro.Village() {
			continue
		}
		if p.Node.Grid() == micro.Grid() {
			same = append(same, p)
		} else {
			village = append(village, p)
		}
	}
	return append(same, village...)
}

// Directive is an order that goes down the chain to every micro-grid under
// its targets (指令一触即达) and is signed for by each.
type Directive struct {
	Seq        uint64
	ID         string // D-0001
	Activation uint64
	Text       string
	Targets    []NodeCode
	IssuedAt   time.Time
	SignBy     time.Time // units not signed by then climb to their village room
	Deadline   time.Time // to be done by
	By         PersonID
	Units      int
	// Command is the number of the county's command (the hub's
	// fed_commands) this directive was issued by, where a county room's
	// directive went down to a federated town as a command and the town
	// issued it: so on the town's file and on the hub's copy of it. 0 for
	// a directive the file's own room issued.
	Command uint64
	// Fed is, on a hub, the town's own id of the federated town's
	// directive this is the copy of (its D-0001); "" for the file's own.
	Fed string
}

// DirectiveUnit is one micro-grid's copy of a directive.
type DirectiveUnit struct {
	Directive   uint64
	Unit        NodeCode
	SentAt      time.Time
	Resends     int
	SignedAt    time.Time
	SignedBy    PersonID
	OnBehalf    bool // SignedBy signed on the unit's behalf (代签): not one of its own (SignsOnBehalf)
	Done, Of    int
	CompletedAt time.Time
	Escalated   Tier // "" , village or town: where its silence has climbed
	EscalatedAt time.Time
}

// Signed reports whether the unit has signed for the directive.
func (u DirectiveUnit) Signed() bool { return !u.SignedAt.IsZero() }

// Complete reports whether the unit has finished the work.
func (u DirectiveUnit) Complete() bool { return !u.CompletedAt.IsZero() }

// NewDirective checks a directive before it fans out; a target outside
// the wartime's scope is refused naming it and the scope by names where
// names knows them (NameNodes: "大屋村 330784114223").
func NewDirective(a Activation, seq uint64, text string, targets []NodeCode, deadline, signWindow time.Duration, by PersonID, now time.Time, names func(NodeCode) string) (Directive, error) {
	if !a.Active() {
		return Directive{}, Errorf(ECONFLICT, "no wartime is active: directives go out in wartime").Zh("当前没有战时状态：指令只在战时下达")
	}
	t := clean(text, false)
	if t == "" {
		return Directive{}, Errorf(EINVALID, "text: empty").Zh("指令内容：为空").On("text")
	}
	if utf8.RuneCountInString(t) > MaxTitleRunes {
		return Directive{}, Errorf(EINVALID, "text: at most %d characters", MaxTitleRunes).Zh("指令内容：最多 %d 字", MaxTitleRunes).On("text")
	}
	if err := DirectiveDeadline(deadline, now); err != nil {
		return Directive{}, err
	}
	if len(targets) == 0 {
		return Directive{}, Errorf(EINVALID, "to: no targets; give town or village codes").Zh("下达范围：为空；请给出镇或村社代码").On("to")
	}
	if err := CheckTargets(a, targets, func(cs []NodeCode, sep string) string { return NameNodes(cs, names, sep) }); err != nil {
		return Directive{}, err
	}
	return Directive{Seq: seq, ID: FormatDirectiveID(seq), Activation: a.Seq, Text: t,
		Targets: normalizeScope(append([]NodeCode(nil), targets...)), IssuedAt: now,
		SignBy: now.Add(signWindow), Deadline: now.Add(deadline), By: by}, nil
}

// CheckTargets is nil when a's scope covers every one of a directive's
// targets (NewDirective's check), else the refusal of the first it does
// not cover, on "to": that target and a's scope named by places (codes
// joined by sep; NewDirective names them by NameNodes, the console as it
// names places on screen).
func CheckTargets(a Activation, targets []NodeCode, places func(cs []NodeCode, sep string) string) error {
	for _, c := range targets {
		if !a.Covers(c) {
			place := places([]NodeCode{c}, "")
			return Errorf(ECONFLICT, "to: %s is outside the wartime scope (%s)", place, places(a.Scope, ", ")).
				Zh("下达范围：%s 不在战时范围内（%s）", place, places(a.Scope, "、")).On("to")
		}
	}
	return nil
}

// DirectiveDue refuses a directive's deadline given as a time that is not
// after now: the time a question named passed while it waited.
func DirectiveDue(due, now time.Time) error {
	if due.After(now) {
		return nil
	}
	return Errorf(EINVALID, "deadline: %s has passed (it is %s now); give a later one", due.Format("01-02 15:04"), now.In(due.Location()).Format("15:04:05")).
		Zh("完成时限：%s 已过（现在 %s）；请给出更晚的时限", due.Format("01-02 15:04"), now.In(due.Location()).Format("15:04:05")).On("deadline")
}

// MaxDirectiveDeadline is how far ahead a directive's deadline may lie: a
// directive is wartime's order of the hours ahead (check every household
// by dawn), not a standing task; 9999h typed for 99h would otherwise
// stand for 416 days.
const MaxDirectiveDeadline = 7 * 24 * time.Hour

// DirectiveDeadline is nil when deadline, from now, is one a directive
// may have: positive and within MaxDirectiveDeadline (DirectiveWithin).
// A hub checks it before it queues a directive for a federated town, so
// the county's officer is refused at once, not by the town minutes later.
func DirectiveDeadline(deadline time.Duration, now time.Time) error {
	if deadline <= 0 {
		return Errorf(EINVALID, "deadline: want a positive duration, e.g. 2h").Zh("时限：应为正的时长，如 2h").On("deadline")
	}
	return DirectiveWithin(now.Add(deadline), now)
}

// DirectiveWithin is nil when a directive due at due, issued at now, is
// due within MaxDirectiveDeadline; else the refusal on "deadline", naming
// the limit and the time asked for (in due's location).
func DirectiveWithin(due, now time.Time) error {
	if !due.After(now.Add(MaxDirectiveDeadline)) {
		return nil
	}
	days := int(MaxDirectiveDeadline / (24 * time.Hour))
	at := due.Format("2006-01-02 15:04")
	return Errorf(EINVALID, "deadline: %s is past the limit of %d days (%s) from issue; give one within it", at, days, FormatHours(MaxDirectiveDeadline)).
		Zh("完成时限：%s 超出下达后 %d 天（%s）的上限；请给出此限内的时限", at, days, FormatHours(MaxDirectiveDeadline)).On("deadline")
}

// FormatHours is d in whole hours as a deadline is typed: "168h".
func FormatHours(d time.Duration) string { return fmt.Sprintf("%dh", int(d/time.Hour)) }

// DueClock is when t is due as a screen or a line says it: its clock time
// (15:04) on ref's day, else with its date (12-09 04:40), both in t's
// location: a deadline of tomorrow morning does not read as this
// morning's.
func DueClock(t, ref time.Time) string {
	r := ref.In(t.Location())
	if t.Year() == r.Year() && t.YearDay() == r.YearDay() {
		return t.Format("15:04")
	}
	return t.Format("01-02 15:04")
}

// MayDirect is nil when p may issue or resend directives at all: the
// system, or one placed above the micro-grids (a grid, a village, a town,
// a room above the towns; MayCommand and MayResend then say where). A
// micro-grid is the unit directives go down to (指令一触即达): its worker,
// or a household contact under it, signs for them and reports on them;
// the room above issues and resends them. Refused naming p and their node.
func MayDirect(p Person, names func(NodeCode) string) error {
	if p.ID == System || p.Node.Level() < LevelMicroGrid {
		return nil
	}
	at := NameNodes([]NodeCode{p.Node}, names, "")
	return Errorf(EFORBIDDEN, "%s (%s) is placed at %s: a micro-grid signs for directives and reports on them; the village room or the town room issues and resends them", p.ID, p.Name, at).
		Zh("%s（%s）位于 %s：微网格签收并反馈指令；指令由村指挥室或镇指挥室下达、重发", p.ID, p.Name, at)
}

// SignsOnBehalf reports whether p, signing for micro-grid unit (or
// reporting its progress, which signs too), signs on the unit's behalf
// (代签): p is neither on the unit's own roster (stored at the micro-grid or
// a household unit under it) nor its wartime worker (worker: its micro-grid
// worker or the reserve drafted into it; 0 for a gap). A village room may
// sign for a unit by phone; its signature counts as the unit's copy being
// signed, not as the unit answering (Summarize). The system signs on
// behalf too.
func SignsOnBehalf(p Person, unit NodeCode, worker PersonID) bool {
	switch {
	case p.ID == System:
		return true
	case worker != 0 && p.ID == worker:
		return false
	}
	return !unit.Contains(p.Node)
}

// MaySignFor is nil when p may sign for micro-grid unit or report its
// progress (worker: its wartime worker, as for SignsOnBehalf): the system,
// the unit's wartime worker (even a reserve drafted in from another
// micro-grid), or anyone whose scope covers it (MayReportAt: the unit's own
// worker, a grid leader or cadre of its village, the town's duty officers,
// a room above the towns). Anyone else, a household contact under the unit
// too, is refused as the field API refuses them (OutOfScope), whichever way
// they come: the field API, the command line, the console's 代签. The
// refusal names the nodes by names where it knows them (OutOfScopeNamed).
func MaySignFor(p Person, unit NodeCode, worker PersonID, names func(NodeCode) string) error {
	switch {
	case p.ID == System, worker != 0 && p.ID == worker, p.MayReportAt(unit):
		return nil
	}
	return OutOfScopeNamed(p, unit, names).On("unit")
}

// MayCommand is nil when p may put nodes on a war footing, end a wartime
// over them, or issue a directive to them: the system (a county's command
// applied in a town), or one whose scope holds every one of them (a
// village room its own village, the town room its town, a room above the
// towns its towns). Anyone else is refused as the field API refuses
// (OutOfScope), naming field: a village cadre does not end the town's
// wartime, nor a micro-grid worker start one.
func MayCommand(p Person, nodes []NodeCode, field string, names func(NodeCode) string) error {
	if p.ID == System {
		return nil
	}
	for _, c := range nodes {
		if !p.MayReportAt(c) {
			return OutOfScopeNamed(p, c, names).On(field)
		}
	}
	return nil
}

// MayResend is nil when p may resend directive id to its silent units
// within node within ("" all of them), beyond of the units resent to
// lying outside p's scope: the system, or one whose scope holds within and
// every unit resent to. A village room resends to its own (within its
// node); to them all, the room above; a micro-grid resends none
// (MayDirect). Refused as the field API refuses (OutOfScope), or naming
// how many lie outside.
func MayResend(p Person, id string, within NodeCode, beyond int, names func(NodeCode) string) error {
	switch {
	case p.ID == System:
		return nil
	case within != "" && !p.MayReportAt(within):
		return OutOfScopeNamed(p, within, names).On("within")
	case MayDirect(p, names) != nil:
		return MayDirect(p, names)
	case beyond > 0:
		scope := NameNodes([]NodeCode{p.Scope()}, names, "")
		return Errorf(EFORBIDDEN, "%s: %d of its silent micro-grids lie outside %s, where %s (%s) may act: resend within it, or from the room above",
			id, beyond, scope, p.ID, p.Name).
			Zh("%s：其未签收微网格中有 %d 个在 %s 以外，%s（%s）只能在其中操作：请在其范围内重发，或由上级指挥室重发", id, beyond, scope, p.ID, p.Name)
	}
	return nil
}

// Sign records a unit's signature, by one of its own or on its behalf
// (SignsOnBehalf); signing twice changes nothing (changed is false).
func (u DirectiveUnit) Sign(by PersonID, onBehalf bool, now time.Time) (out DirectiveUnit, changed bool) {
	if u.Signed() {
		return u, false
	}
	u.SignedAt, u.SignedBy, u.OnBehalf = now, by, onBehalf
	return u, true
}

// MaxProgressOf bounds a progress report's Of where the unit's households
// are not known.
const MaxProgressOf = 10000

// ProgressReport is one report of how much of a directive's work a unit
// has done (e.g. households checked).
type ProgressReport struct {
	Done, Of   int
	Households int      // the unit's households, which Of may not pass; 0: not known (MaxProgressOf)
	Note       string   // why Done is lower than the unit reported before; needed then
	By         PersonID // who reports
	OnBehalf   bool     // By reports (and so signs) on the unit's behalf (SignsOnBehalf)
	UnitName   string   // the unit as a refusal names it (NameNodes: "渎溪村 01-02 330784114266-01-02"); "": its code
}

// Progress records how much of the work a unit has done; Done == Of
// completes it. A progress report signs for it too. Of is at most the
// unit's households (MaxProgressOf where they are not known), and Done
// never goes down without a note saying why (a recount, a household
// counted twice); once complete it stays complete.
func (u DirectiveUnit) Progress(r ProgressReport, now time.Time) (DirectiveUnit, error) {
	done, of := r.Done, r.Of
	unit := r.UnitName
	if unit == "" {
		unit = string(u.Unit)
	}
	switch {
	case of <= 0:
		return u, Errorf(EINVALID, "progress %d/%d: of must be more than 0", done, of).Zh("进展 %d/%d：总数应大于 0", done, of).On("of")
	case done < 0 || done > of:
		return u, Errorf(EINVALID, "progress %d/%d: done must be between 0 and %d", done, of, of).Zh("进展 %d/%d：已完成应在 0 到 %d 之间", done, of, of).On("done")
	case r.Households > 0 && of > r.Households:
		return u, Errorf(EINVALID, "progress %d/%d: %s has %d households; of may not be more", done, of, unit, r.Households).
			Zh("进展 %d/%d：%s 共 %d 户，总数不能超过户数", done, of, unit, r.Households).On("of")
	case r.Households <= 0 && of > MaxProgressOf:
		return u, Errorf(EINVALID, "progress %d/%d: of may be at most %d", done, of, MaxProgressOf).
			Zh("进展 %d/%d：总数最多 %d", done, of, MaxProgressOf).On("of")
	case u.Complete() && done < of:
		return u, Errorf(ECONFLICT, "%s already completed the directive", unit).Zh("%s 已完成该指令", unit)
	}
	note, err := CleanText(r.Note, false)
	if err != nil {
		return u, Errorf(EINVALID, "note: %s", ErrorMessage(err)).Zh("备注：编码无效（不是 UTF-8）").On("note")
	}
	if n := utf8.RuneCountInString(note); n > MaxNoteRunes {
		return u, Errorf(EINVALID, "note: %d characters, at most %d", n, MaxNoteRunes).Zh("备注：%d 字，最多 %d 字", n, MaxNoteRunes).On("note")
	}
	if done < u.Done && note == "" {
		return u, Errorf(ECONFLICT, "progress %d/%d: %s already reported %d done; a lower figure needs a note saying why", done, of, unit, u.Done).
			Zh("进展 %d/%d：%s 已报告完成 %d；报低需附备注说明原因", done, of, unit, u.Done).On("done")
	}
	u, _ = u.Sign(r.By, r.OnBehalf, now)
	u.Done, u.Of = done, of
	if done == of && !u.Complete() {
		u.CompletedAt = now
	}
	return u, nil
}

// SweepUnit applies the sign-for clock: a unit still silent at the
// directive's SignBy climbs to its village wartime room; still silent one
// window later, to the town room.
func (u DirectiveUnit) SweepUnit(d Directive, now time.Time) (DirectiveUnit, bool) {
	if u.Signed() {
		return u, false
	}
	window := d.SignBy.Sub(d.IssuedAt)
	switch {
	case u.Escalated == "" && !now.Before(d.SignBy):
		u.Escalated, u.EscalatedAt = TierVillage, now
		return u, true
	case u.Escalated == TierVillage && !now.Before(d.SignBy.Add(window)):
		u.Escalated, u.EscalatedAt = TierTown, now
		return u, true
	}
	return u, false
}

// NextUnitCheck is when SweepUnit must next look at the unit, zero if never.
func (u DirectiveUnit) NextUnitCheck(d Directive) time.Time {
	if u.Signed() {
		return time.Time{}
	}
	switch u.Escalated {
	case "":
		return d.SignBy
	case TierVillage:
		return d.SignBy.Add(d.SignBy.Sub(d.IssuedAt))
	}
	return time.Time{}
}

// DirectiveSummary is a directive's figures: signatures and completion.
type DirectiveSummary struct {
	ID, Text              string
	Units, Signed, Done   int
	OnBehalf              int           // of Signed, signed on the unit's behalf (代签)
	SignMedian, SignWorst time.Duration // of the units' own signatures
	Escalated             int
	Villages              []VillageProgress
	Slowest               []DirectiveUnit // the unsigned or latest-signed units, slowest first
}

// VillageProgress is a directive's roll-up for one village.
type VillageProgress struct {
	Village             NodeCode
	Units, Signed, Done int
	Escalated           Tier // the highest escalation among its units
}

// Summarize rolls a directive's units up, by village, with the sign-for
// times (median and worst) from issue to signature. The times are of the
// units' own signatures: one made on a unit's behalf (代签) counts as signed
// (and in OnBehalf) but not in the times, so a room signing for its silent
// units cannot make them look quick.
func Summarize(d Directive, units []DirectiveUnit, slowest int) DirectiveSummary {
	s := DirectiveSummary{ID: d.ID, Text: d.Text, Units: len(units)}
	byVillage := map[NodeCode]*VillageProgress{}
	var times []time.Duration
	for _, u := range units {
		v := byVillage[u.Unit.Village()]
		if v == nil {
			v = &VillageProgress{Village: u.Unit.Village()}
			byVillage[v.Village] = v
		}
		v.Units++
		if u.Signed() {
			s.Signed++
			v.Signed++
			if u.OnBehalf {
				s.OnBehalf++
			} else {
				times = append(times, u.SignedAt.Sub(d.IssuedAt))
			}
		}
		if u.Complete() {
			s.Done++
			v.Done++
		}
		if u.Escalated != "" {
			s.Escalated++
			if u.Escalated.Rank() > v.Escalated.Rank() {
				v.Escalated = u.Escalated
			}
		}
	}
	if len(times) > 0 {
		sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
		s.SignMedian = times[len(times)/2]
		s.SignWorst = times[len(times)-1]
	}
	for _, v := range byVillage {
		s.Villages = append(s.Villages, *v)
	}
	sort.Slice(s.Villages, func(i, j int) bool { return s.Villages[i].Village < s.Villages[j].Village })
	slow := append([]DirectiveUnit(nil), units...)
	sort.SliceStable(slow, func(i, j int) bool {
		a, b := slow[i], slow[j]
		if a.Signed() != b.Signed() {
			return !a.Signed()
		}
		if !a.Signed() {
			return a.Unit < b.Unit
		}
		return a.SignedAt.After(b.SignedAt)
	})
	if len(slow) > slowest {
		slow = slow[:slowest]
	}
	s.Slowest = slow
	return s
}

// AfterAction is the summary written when wartime ends.
type AfterAction struct {
	Activation        Activation
	Duration          time.Duration
	Directives        []DirectiveSummary
	IncidentsOpened   int
	IncidentsResolved int
	PersonTimes       int // signatures and progress reports by distinct people, per directive
	ReservesDrafted   int
}
