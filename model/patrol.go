package model

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Patrols (巡护): the 13 full-time patrollers who replaced the river, forest
// and field chiefs (河长、林长、田长) patrol areas of hills, forests, farmland,
// villages and reservoirs, check in at each area's checkpoints, and report
// what they find to the liaison (联络员), who passes each finding on to the
// village or a department, merges it into an incident already open there,
// or closes it as needing no action. The town measures the patrol rate and
// the follow-up rate (山水林田湖巡护率、问题跟踪率), both from the records.

// Actions of the patrol flow. Another part of gridcmd (the points of issue
// 14) reads them from the log by name: they are part of the file format.
// A check-in at a checkpoint is ActCheckIn ("checkin", duty.go), the action
// a village room checking in also writes: a patrol's names the patrol in
// Ref (X-0001), a room's has no Ref (IsPatrolCheckIn tells them apart).
const (
	ActPatrolStart     Action = "patrol_start"     // a patroller starts a patrol of an area
	ActPatrolDone      Action = "patrol_done"      // a patrol ended complete
	ActPatrolEnd       Action = "patrol_end"       // a patrol ended incomplete
	ActFinding         Action = "finding"          // a finding reported from an area
	ActFindingPass     Action = "finding_pass"     // the liaison passes a finding on as an incident
	ActFindingMerge    Action = "finding_merge"    // the liaison merges a finding into an open incident
	ActFindingClose    Action = "finding_close"    // the liaison closes a finding as needing no action
	ActRotationPatrol  Action = "rotation_patrol"  // a joint security patrol on rotation (治安巡察)
	ActRotationSweep   Action = "rotation_sweep"   // a building sweep on rotation (清村扫楼)
	ActRotationTraffic Action = "rotation_traffic" // traffic persuasion on rotation (交通劝导)
)

// PatrolActions lists the actions of the patrol flow.
var PatrolActions = []Action{
	ActPatrolStart, ActCheckIn, ActPatrolDone, ActPatrolEnd, ActFinding, ActFindingPass,
	ActFindingMerge, ActFindingClose, ActRotationPatrol, ActRotationSweep, ActRotationTraffic,
}

var patrolActionZh = map[Action]string{
	ActPatrolStart: "开始巡护", ActPatrolDone: "完成巡护", ActPatrolEnd: "结束巡护",
	ActFinding: "巡护发现", ActFindingPass: "发现交办", ActFindingMerge: "发现并入", ActFindingClose: "发现销号",
	ActRotationPatrol: "轮值巡察", ActRotationSweep: "清村扫楼", ActRotationTraffic: "交通劝导",
}

// PatrolCheckInZh is what a patrol's check-in is called in Chinese (a
// room's is 报到, ActCheckIn.Zh()).
const PatrolCheckInZh = "巡护打卡"

// IsPatrolCheckIn reports whether e is a check-in of a patrol at a
// checkpoint, not a village room's check-in (which shares its action).
func IsPatrolCheckIn(e Event) bool { return e.Action == ActCheckIn && e.Ref != "" }

// The catalogues of enums.go and incident.go learn the patrol flow's words
// here, so that its additions stay in this file.
func init() {
	for a, zh := range patrolActionZh {
		actionZh[a] = zh
	}
	fieldZh["area kind"] = "巡护区类型"
	fieldZh["finding status"] = "发现状态"
	fieldZh["activity"] = "轮值活动"
}

// SourcePatrol is the source of an incident passed on from the liaison's
// desk (a patrol finding), as opposed to a patroller's own report
// (SourceEcoPatrol).
const SourcePatrol Source = "patrol"

func init() {
	Sources = append(Sources, SourcePatrol)
	sourceZh[SourcePatrol] = "巡护发现"
}

// AreaKind is what a patrol area is.
type AreaKind string

const (
	KindForest    AreaKind = "forest"    // 山林
	KindFarmland  AreaKind = "farmland"  // 农田
	KindRiver     AreaKind = "river"     // 河道
	KindReservoir AreaKind = "reservoir" // 水库
	KindVillage   AreaKind = "village"   // 村庄
)

// AreaKinds lists the kinds in the order the article names them.
var AreaKinds = []AreaKind{KindForest, KindFarmland, KindRiver, KindReservoir, KindVillage}

var areaKindZh = map[AreaKind]string{
	KindForest: "山林", KindFarmland: "农田", KindRiver: "河道", KindReservoir: "水库", KindVillage: "村庄",
}

func (k AreaKind) Zh() string { return areaKindZh[k] }

// ParseAreaKind accepts a kind's key or its Chinese name.
func ParseAreaKind(s string) (AreaKind, error) {
	return parseEnum("area kind", s, AreaKinds, areaKindZh)
}

// LatLon is a point in WGS 84 degrees.
type LatLon struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Validate checks the point's range (NaN fails).
func (l LatLon) Validate() error {
	if !(l.Lat >= -90 && l.Lat <= 90) {
		return Errorf(EINVALID, "location.lat: want -90 to 90").Zh("位置纬度：应为 -90 到 90").On("location.lat")
	}
	if !(l.Lon >= -180 && l.Lon <= 180) {
		return Errorf(EINVALID, "location.lon: want -180 to 180").Zh("位置经度：应为 -180 到 180").On("location.lon")
	}
	return nil
}

func (l LatLon) String() string { return fmt.Sprintf("%.6f, %.6f", l.Lat, l.Lon) }

// Checkpoint is a place on an area's round where the patroller checks in.
type Checkpoint struct {
	Code string
	Name string
	Loc  *LatLon // nil when not surveyed
}

// PatrolArea is an area a patroller patrols: its checkpoints and how often.
type PatrolArea struct {
	Code        string // P-…
	Name        string
	Kind        AreaKind
	Village     NodeCode // the village it lies in
	Checkpoints []Checkpoint
	// Every is how often it must be patrolled: 24h (daily), 168h (weekly),
	// a whole number of days, or a part of a day that divides it (12h, 8h).
	Every     time.Duration
	Patroller PersonID // assigned to; 0 for none (the liaison's to cover)
	// Since is when it was added: it is due from its first window that
	// starts at or after Since.
	Since time.Time
}

// Limits of a patrol area.
const (
	MaxAreaNameRunes  = 64
	MaxCheckpoints    = 100
	MaxCheckpointCode = 16
	MaxFindingRunes   = 2000
	MaxPhotoRef       = 512
)

var (
	areaCodeRe       = regexp.MustCompile(`^P-[A-Z0-9][A-Z0-9-]{0,30}$`)
	checkpointCodeRe = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_-]{0,15}$`)
)

// ParseAreaCode normalises an area code typed by a person: "p-dx-01" is
// P-DX-01.
func ParseAreaCode(s string) (string, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	if !areaCodeRe.MatchString(t) {
		return "", Errorf(EINVALID, "area %q: want P- followed by letters, digits and dashes, e.g. P-DX-01", s).
			Zh("巡护区 %q：应为 P- 加字母、数字和短横线，如 P-DX-01", s).On("area")
	}
	return t, nil
}

// ParseCheckpointCode normalises a checkpoint code (letters, digits, _ and
// -, up to 16, upper case).
func ParseCheckpointCode(s string) (string, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	if !checkpointCodeRe.MatchString(t) {
		return "", Errorf(EINVALID, "checkpoint %q: want 1-16 letters, digits, _ or -, e.g. C1", s).
			Zh("检查点 %q：应为 1-16 个字母、数字、_ 或 -，如 C1", s).On("checkpoint")
	}
	return t, nil
}

// ParseEvery reads how often an area is patrolled: daily (每日, 每天),
// weekly (每周), a Go duration (12h, 48h) or a number of days (3d, 3天).
func ParseEvery(s string) (time.Duration, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	var d time.Duration
	switch t {
	case "daily", "每日", "每天":
		return 24 * time.Hour, nil
	case "weekly", "每周":
		return 7 * 24 * time.Hour, nil
	}
	bad := func() (time.Duration, error) {
		return 0, Errorf(EINVALID, "every %q: want daily, weekly, a number of days (3d) or hours that divide a day (12h)", s).
			Zh("巡护频次 %q：应为 daily（每日）、weekly（每周）、天数（3d）或能整除一天的小时数（12h）", s).On("every")
	}
	if n, ok := strings.CutSuffix(t, "d"); ok {
		t = n
	} else if n, ok := strings.CutSuffix(t, "天"); ok {
		t = n
	} else {
		var err error
		if d, err = time.ParseDuration(t); err != nil {
			return bad()
		}
		t = ""
	}
	if t != "" {
		n, err := strconv.Atoi(t)
		if err != nil {
			return bad()
		}
		d = time.Duration(n) * 24 * time.Hour
	}
	if err := checkEvery(d); err != nil {
		return bad()
	}
	return d, nil
}

// checkEvery holds a period to whole days (up to 31) or a whole number of
// hours that divides a day.
func checkEvery(d time.Duration) error {
	const day = 24 * time.Hour
	switch {
	case d <= 0, d > 31*day:
	case d >= day && d%day == 0:
		return nil
	case d < day && d%time.Hour == 0 && day%d == 0:
		return nil
	}
	return Errorf(EINVALID, "every %s: want whole days up to 31, or whole hours that divide a day", ShortDuration(d)).
		Zh("巡护频次 %s：应为不超过 31 的整天数，或能整除一天的整小时数", ShortDuration(d)).On("every")
}

// FormatEvery writes a period as ParseEvery reads it: daily, weekly, 3d, 12h.
func FormatEvery(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d == day:
		return "daily"
	case d == 7*day:
		return "weekly"
	case d > day && d%day == 0:
		return strconv.Itoa(int(d/day)) + "d"
	}
	return ShortDuration(d)
}

// FormatEveryZh is FormatEvery in Chinese: 每日, 每周, 每3天, 每12小时.
func FormatEveryZh(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d == day:
		return "每日"
	case d == 7*day:
		return "每周"
	case d > day && d%day == 0:
		return fmt.Sprintf("每%d天", int(d/day))
	case d%time.Hour == 0:
		return fmt.Sprintf("每%d小时", int(d/time.Hour))
	}
	return ShortDuration(d)
}

// Clean checks the area and returns it with its text cleaned and its codes
// in canonical form. The village's existence and the patroller's role are
// the store's to check.
func (a PatrolArea) Clean() (PatrolArea, error) {
	code, err := ParseAreaCode(a.Code)
	if err != nil {
		return a, err
	}
	a.Code = code
	bad := func(field, en, zh string, args ...any) (PatrolArea, error) {
		return a, Errorf(EINVALID, "area %s: "+en, append([]any{code}, args...)...).
			Zh("巡护区 %s："+zh, append([]any{code}, args...)...).On(field)
	}
	name, err := CleanText(a.Name, false)
	if err != nil || name == "" {
		return bad("name", "name is empty or not valid UTF-8", "名称为空或不是有效的 UTF-8")
	}
	if n := utf8.RuneCountInString(name); n > MaxAreaNameRunes {
		return bad("name", "name has %d characters, at most %d", "名称 %d 字，最多 %d 字", n, MaxAreaNameRunes)
	}
	a.Name = name
	if a.Kind, err = ParseAreaKind(string(a.Kind)); err != nil {
		return a, err
	}
	if a.Village, err = ParseNodeCode(string(a.Village)); err != nil {
		return a, err
	}
	if a.Village.Level() != LevelVillage {
		return bad("village", "%s is not a village code (12 digits)", "%s 不是村代码（12 位）", a.Village)
	}
	if err := checkEvery(a.Every); err != nil {
		return a, err
	}
	if len(a.Checkpoints) == 0 {
		return bad("checkpoints", "no checkpoints", "没有检查点")
	}
	if len(a.Checkpoints) > MaxCheckpoints {
		return bad("checkpoints", "%d checkpoints, at most %d", "检查点 %d 个，最多 %d 个", len(a.Checkpoints), MaxCheckpoints)
	}
	seen := map[string]bool{}
	cps := make([]Checkpoint, len(a.Checkpoints))
	for i, c := range a.Checkpoints {
		cc, err := ParseCheckpointCode(c.Code)
		if err != nil {
			return a, err
		}
		if seen[cc] {
			return bad("checkpoint", "checkpoint %s given twice", "检查点 %s 重复", cc)
		}
		seen[cc] = true
		cn, err := CleanText(c.Name, false)
		if err != nil {
			return bad("checkpoint", "checkpoint %s: name is not valid UTF-8", "检查点 %s：名称不是有效的 UTF-8", cc)
		}
		if cn == "" {
			cn = cc
		}
		if n := utf8.RuneCountInString(cn); n > MaxAreaNameRunes {
			return bad("checkpoint", "checkpoint %s: name has %d characters, at most %d", "检查点 %s：名称 %d 字，最多 %d 字", cc, n, MaxAreaNameRunes)
		}
		if c.Loc != nil {
			if err := c.Loc.Validate(); err != nil {
				return bad("checkpoint", "checkpoint %s: %s", "检查点 %s：%s", cc, ErrorMessage(err), ErrorMessageZh(err))
			}
			l := *c.Loc
			c.Loc = &l
		}
		cps[i] = Checkpoint{Code: cc, Name: cn, Loc: c.Loc}
	}
	a.Checkpoints = cps
	return a, nil
}

// Checkpoint finds a checkpoint by its code, in any case.
func (a PatrolArea) Checkpoint(code string) (Checkpoint, bool) {
	t := strings.ToUpper(strings.TrimSpace(code))
	for _, c := range a.Checkpoints {
		if c.Code == t {
			return c, true
		}
	}
	return Checkpoint{}, false
}

// ReplaceRefused says why a may not replace old, the stored area of its
// code, now (running lists the patrols running): a patrol of the area is
// running and a changes its checkpoints. A patrol is judged on the
// checkpoints it started with, so they stay until it ends; a change of
// names, places or anything else is taken. Nil when a may replace old.
func (a PatrolArea) ReplaceRefused(old PatrolArea, running []Patrol) error {
	if sameCheckpoints(a.Checkpoints, old.Checkpoints) {
		return nil
	}
	for _, x := range running {
		if x.Area == old.Code && x.Active() {
			return Errorf(ECONFLICT, "area %s: patrol %s by %s is running on its %s (since %s); end it before changing its checkpoints",
				old.Code, x.ID, x.Patroller, Count(x.Checkpoints, "checkpoint"), x.Started.Format("15:04")).
				Zh("巡护区 %s：%s 的巡护 %s 正按其 %d 个检查点进行（自 %s 起）；请先结束该巡护再更改检查点",
					old.Code, x.Patroller, x.ID, x.Checkpoints, x.Started.Format("15:04")).On("area")
		}
	}
	return nil
}

// sameCheckpoints reports whether x and y have the same checkpoint codes,
// in any order.
func sameCheckpoints(x, y []Checkpoint) bool {
	if len(x) != len(y) {
		return false
	}
	codes := make(map[string]bool, len(x))
	for _, c := range x {
		codes[c.Code] = true
	}
	for _, c := range y {
		if !codes[c.Code] {
			return false
		}
	}
	return true
}

// CheckPatroller is the rule of the patroller an area is assigned to: a
// patroller (the role), of the town the area's village lies in: a town's
// patrollers patrol its own hills and rivers, and their findings become
// that town's incidents. Its refusals name the people and places, by
// names where it knows them (NameNodes).
func (a PatrolArea) CheckPatroller(p Person, names func(NodeCode) string) error {
	if !p.Has(RolePatroller) {
		return Errorf(EINVALID, "area %s: %s (%s) is not a patroller", a.Code, p.ID, p.Name).
			Zh("巡护区 %s：%s（%s）不是巡护员", a.Code, p.ID, p.Name).On("patroller")
	}
	town := a.Village.Town()
	if p.Node.Town() == town {
		return nil
	}
	named := func(c NodeCode) string { return NameNodes([]NodeCode{c}, names, "") }
	own := p.Node.Town()
	if own == "" {
		own = p.Node
	}
	return Errorf(EINVALID, "area %s: %s (%s) is a patroller of %s; the area lies in %s of %s: a patroller patrols the areas of their own town",
		a.Code, p.Name, p.ID, named(own), named(a.Village), named(town)).
		Zh("巡护区 %s：%s（%s）是 %s 的巡护员；该巡护区位于 %s 的 %s：巡护员只能巡护本镇街的巡护区",
			a.Code, p.Name, p.ID, named(own), named(town), named(a.Village)).On("patroller")
}

// ForeignImport is the refusal of by importing (adding or replacing) area
// a, whose village lies in a town not by's (Person.ActsIn): a town's people
// set their own town's areas, staff above the towns those of any town of
// their division. Named as Incident.Foreign: "金建兰 (P1) of 花街镇 330784114
// may not import patrol area P-YD-01 at 园丁社区 330784001001: it is in
// 东城街道 330784001, another town; …".
func (a PatrolArea) ForeignImport(by Person, names func(NodeCode) string) *Error {
	return ForeignAct(by, "import patrol area "+a.Code, "导入巡护区 "+a.Code, a.Village, names).On("village")
}

// MayPatrol reports whether p may patrol area a (start, check in, end,
// report a finding there): the patroller it is assigned to, or a liaison or
// a duty officer of its town, who cover for anyone.
func (a PatrolArea) MayPatrol(p Person) bool {
	switch {
	case p.ID == System:
		return false
	case p.Has(RolePatroller) && p.ID == a.Patroller:
		return true
	}
	return MayTriage(p) && p.Scope().Contains(a.Village)
}

// MayTriage reports whether p sorts the findings on the liaison's desk:
// the liaison, or a duty officer standing in.
func MayTriage(p Person) bool {
	return p.ID != System && (p.Has(RoleLiaison) || p.Has(RoleDutyOfficer))
}

func (a PatrolArea) refuse(p Person) error { return a.RefusePatrol(p, "", nil) }

// RefusePatrol is the refusal of p patrolling a (MayPatrol false: a
// patrol's start, a finding), naming the area by its code and name, where
// it lies by names where names knows them (NameNodes), and its patroller
// by patroller, their name ("" for their id alone): to a person of
// another town (Person.ActsIn), that the area is that town's, both towns
// named; to one of its town, whose area it is. The store gives it named.
func (a PatrolArea) RefusePatrol(p Person, patroller string, names func(NodeCode) string) *Error {
	who, whoZh := patrollerNamed(a.Patroller, patroller)
	area := a.named()
	if !p.ActsIn(a.Village) {
		own, at, where, whereZh := foreignTown(p, a.Village, names)
		return Errorf(EFORBIDDEN, "%s (%s) of %s may not patrol %s at %s: %s; only its patroller, %s, or the liaison or a duty officer of its town may",
			ActorName(p), p.ID, own, area, at, where, who).
			Zh("%s（%s，%s）不能巡护 %s 的 %s：%s；只有其巡护员 %s，或该镇街的联络员、值班员可以", ActorName(p), p.ID, own, at, area, whereZh, whoZh)
	}
	at := NameNodes([]NodeCode{a.Village}, names, "")
	return Errorf(EFORBIDDEN, "%s (%s) may not patrol %s at %s: it is assigned to %s; only its patroller, the liaison or a duty officer may",
		ActorName(p), roleList(p, false), area, at, who).
		Zh("%s（%s）不能巡护 %s 的 %s：该巡护区分配给 %s；只有其巡护员、联络员或值班员可以", ActorName(p), roleList(p, true), at, area, whoZh)
}

// patrollerNamed is patroller id as a refusal names them: by name and id
// where name is known ("徐巡护 (P8)", "徐巡护（P8）"), else by id; "no
// patroller" for none.
func patrollerNamed(id PersonID, name string) (en, zh string) {
	switch {
	case id == 0:
		return "no patroller", "无巡护员"
	case name != "":
		return name + " (" + id.String() + ")", name + "（" + id.String() + "）"
	}
	return id.String(), id.String()
}

// named is the area by code and name ("P-DX-01 渎溪后山林").
func (a PatrolArea) named() string { return strings.TrimSpace(a.Code + " " + a.Name) }

// PatrolNames are the names a patrol's refusals give, looked up as they
// are needed (the store's): a person's ("" for the id alone) and a node's
// (NameNodes). A nil func names by id and code alone.
type PatrolNames struct {
	People func(PersonID) string
	Nodes  func(NodeCode) string
}

// person is id's name, "" when n does not know it.
func (n PatrolNames) person(id PersonID) string {
	if n.People == nil {
		return ""
	}
	return n.People(id)
}

// named is the patrol p of area a as a refusal names it, with its area by
// code and name and where it lies by name: "patrol X-0001 of P-DX-01
// 渎溪后山林 at 渎溪村 330784114266", "渎溪村 330784114266 P-DX-01 渎溪后山林
// 的巡护 X-0001".
func (p Patrol) named(a PatrolArea, n PatrolNames) (en, zh string) {
	at := NameNodes([]NodeCode{p.Village}, n.Nodes, "")
	return fmt.Sprintf("patrol %s of %s at %s", p.ID, a.named(), at), fmt.Sprintf("%s %s 的巡护 %s", at, a.named(), p.ID)
}

// refuseOthers is the refusal of by, not its patroller, checking in on p
// (end false: only its patroller may) or ending it (end true: they, or the
// liaison or a duty officer of its town). To a person of another town
// (Person.ActsIn) it names both towns, as ForeignAct does; to one of its
// town, whose patrol it is.
func (p Patrol) refuseOthers(a PatrolArea, by Person, n PatrolNames, end bool) *Error {
	patrol, patrolZh := p.named(a, n)
	who, whoZh := patrollerNamed(p.Patroller, n.person(p.Patroller))
	act, actZh := "check in on "+patrol, "在 "+patrolZh+" 打卡"
	only, onlyZh := "only its patroller checks in", "只有其巡护员本人可以打卡"
	if end {
		act, actZh = "end "+patrol, "结束 "+patrolZh
		only, onlyZh = "only they, the liaison or a duty officer may", "只有本人、联络员或值班员可以"
	}
	if by.ActsIn(p.Village) {
		return Errorf(EFORBIDDEN, "%s (%s) may not %s: it is %s's patrol; %s", ActorName(by), by.ID, act, who, only).
			Zh("%s（%s）不能%s：这是 %s 的巡护；%s", ActorName(by), by.ID, actZh, whoZh, onlyZh)
	}
	own, _, where, whereZh := foreignTown(by, p.Village, n.Nodes)
	only, onlyZh = "only its patroller, "+who+", checks in", "只有其巡护员 "+whoZh+" 本人可以打卡"
	if end {
		only, onlyZh = "only its patroller, "+who+", or the liaison or a duty officer of its town may", "只有其巡护员 "+whoZh+"，或该镇街的联络员、值班员可以"
	}
	return Errorf(EFORBIDDEN, "%s (%s) of %s may not %s: %s; %s", ActorName(by), by.ID, own, act, where, only).
		Zh("%s（%s，%s）不能%s：%s；%s", ActorName(by), by.ID, own, actZh, whereZh, onlyZh)
}

// CheckIn is one check-in of a patrol at a checkpoint.
type CheckIn struct {
	Checkpoint string
	At         time.Time
	Loc        *LatLon
}

// Patrol is one round of an area by a patroller.
type Patrol struct {
	Seq       uint64
	ID        string // X-0001
	Area      string
	Kind      AreaKind
	Village   NodeCode
	Patroller PersonID
	Started   time.Time
	Ended     time.Time // zero while it runs
	// Completed is when it had checked in at the share of the area's
	// checkpoints that makes it done (Policy.Patrol.CompleteShare); zero
	// while it has not.
	Completed   time.Time
	Checkpoints int // the area's checkpoints when it started
	CheckIns    []CheckIn
	// The incident the patroller's silence opened (the watchdog, source
	// watchdog), while that silence lasts: its seq and id; 0 and "" when
	// none. Their next check-in or the patrol's end resolves it.
	SilenceSeq uint64
	Silence    string
	// Arrived is, on a hub, when its copy of a federated town's patrol
	// first came (it was numbered here then, not when it started: a town
	// cut off for a while sends its patrols late); zero for the file's
	// own, numbered as they start.
	Arrived time.Time
}

// FormatPatrolID and ParsePatrolID name patrols: X-0001 (巡).
func FormatPatrolID(n uint64) string { return fmt.Sprintf("X-%04d", n) }

// ParsePatrolID reads a patrol id (X-0001, x-1) and returns its number.
func ParsePatrolID(s string) (uint64, error) {
	return parseSeqID(s, "X", "patrol", "巡护", "X-0001")
}

// FormatFindingID and ParseFindingID name findings: F-0001.
func FormatFindingID(n uint64) string { return fmt.Sprintf("F-%04d", n) }

// ParseFindingID reads a finding id (F-0001, f-1) and returns its number.
func ParseFindingID(s string) (uint64, error) {
	return parseSeqID(s, "F", "finding", "巡护发现", "F-0001")
}

func parseSeqID(s, letter, what, zh, example string) (uint64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	num, ok := strings.CutPrefix(t, letter+"-")
	n, err := strconv.ParseUint(num, 10, 64)
	if !ok || err != nil || n == 0 || num[0] == '+' {
		return 0, Errorf(EINVALID, "%s id %q: want %s-NNNN, e.g. %s", what, s, letter, example).
			Zh("%s编号 %q：应为 %s-序号，如 %s", zh, s, letter, example).On(what)
	}
	return n, nil
}

// Active reports whether the patrol is still running.
func (p Patrol) Active() bool { return p.Ended.IsZero() }

// Complete reports whether it has checked in at enough checkpoints.
func (p Patrol) Complete() bool { return !p.Completed.IsZero() }

// Checked is how many distinct checkpoints it has checked in at.
func (p Patrol) Checked() int {
	seen := make(map[string]bool, len(p.CheckIns))
	for _, c := range p.CheckIns {
		seen[c.Checkpoint] = true
	}
	return len(seen)
}

// LastSeen is the time of its last check-in, or its start.
func (p Patrol) LastSeen() time.Time {
	if n := len(p.CheckIns); n > 0 {
		return p.CheckIns[n-1].At
	}
	return p.Started
}

// Silent reports whether a running patrol has not been heard from for
// silence (its patroller is red on the patrol pane), or its silence's
// incident is still open (the next check-in ends it).
func (p Patrol) Silent(now time.Time, silence time.Duration) bool {
	return p.Active() && (p.SilenceSeq != 0 || !now.Before(p.SilenceDue(silence)))
}

// SilenceDue is when the patroller of a running patrol falls silent if they
// do not check in: silence after their last check-in, or after the start.
func (p Patrol) SilenceDue(silence time.Duration) time.Time { return p.LastSeen().Add(silence) }

// Watchdog states of a patrol, as `heartbeat list` shows them (those of a
// gateway, HeartbeatOK and HeartbeatSilent).
func (p Patrol) WatchState(now time.Time, silence time.Duration) string {
	if p.Silent(now, silence) {
		return HeartbeatSilent
	}
	return HeartbeatOK
}

// shareMet reports whether checked of total is at least share.
func shareMet(checked, total int, share float64) bool {
	return total > 0 && float64(checked) >= share*float64(total)-1e-9
}

// StartPatrol is the rule of a patrol's start: by may patrol the area, and
// neither by nor the area has a patrol running (active lists the patrols
// running now).
func StartPatrol(a PatrolArea, seq uint64, by Person, active []Patrol, now time.Time) (Patrol, Event, error) {
	if !a.MayPatrol(by) {
		return Patrol{}, Event{}, a.refuse(by)
	}
	for _, x := range active {
		if x.Patroller == by.ID {
			return Patrol{}, Event{}, Errorf(ECONFLICT, "%s (%s) is on patrol %s of %s since %s; end it first",
				ActorName(by), by.ID, x.ID, x.Area, x.Started.Format("15:04")).
				Zh("%s（%s）自 %s 起正在巡护 %s（%s）；请先结束", ActorName(by), by.ID, x.Started.Format("15:04"), x.Area, x.ID)
		}
		if x.Area == a.Code {
			return Patrol{}, Event{}, Errorf(ECONFLICT, "%s is being patrolled (%s by %s since %s)",
				a.Code, x.ID, x.Patroller, x.Started.Format("15:04")).
				Zh("%s 正在巡护中（%s，%s，自 %s 起）", a.Code, x.ID, x.Patroller, x.Started.Format("15:04"))
		}
	}
	p := Patrol{
		Seq: seq, ID: FormatPatrolID(seq), Area: a.Code, Kind: a.Kind, Village: a.Village,
		Patroller: by.ID, Started: now, Checkpoints: len(a.Checkpoints),
	}
	ev := Event{
		At: now, Actor: by.ID, ActorName: ActorName(by), Action: ActPatrolStart, Ref: p.ID, Node: a.Village,
		Note:   fmt.Sprintf("%s %s (%s)", a.Code, a.Name, Count(len(a.Checkpoints), "checkpoint")),
		NoteZh: fmt.Sprintf("%s %s（%d 个检查点）", a.Code, a.Name, len(a.Checkpoints)),
	}
	return p, ev, nil
}

func (p Patrol) ended(a PatrolArea, n PatrolNames) error {
	patrol, patrolZh := p.named(a, n)
	return Errorf(ECONFLICT, "%s ended at %s", patrol, p.Ended.Format("15:04")).
		Zh("%s 已于 %s 结束", patrolZh, p.Ended.Format("15:04"))
}

// CheckIn is the rule of a check-in: the patrol runs, the patroller checks
// in at one of the area's checkpoints. The check-in that brings it to
// share of the checkpoints completes it. A refusal names the patrol's
// area, where it lies and its checkpoints by their names (names).
func (p Patrol) CheckIn(a PatrolArea, checkpoint string, loc *LatLon, by Person, now time.Time, share float64, names PatrolNames) (Patrol, Event, error) {
	if !p.Active() {
		return p, Event{}, p.ended(a, names)
	}
	if by.ID != p.Patroller {
		return p, Event{}, p.refuseOthers(a, by, names, false)
	}
	cp, ok := a.Checkpoint(checkpoint)
	if !ok {
		named := make([]string, len(a.Checkpoints))
		for i, c := range a.Checkpoints {
			named[i] = strings.TrimSpace(c.Code + " " + c.Name)
		}
		at := NameNodes([]NodeCode{p.Village}, names.Nodes, "")
		return p, Event{}, Errorf(EINVALID, "checkpoint %q: the checkpoints of %s at %s are %s", checkpoint, a.named(), at, strings.Join(named, ", ")).
			Zh("检查点 %q：%s %s 的检查点为 %s", checkpoint, at, a.named(), strings.Join(named, "、")).On("checkpoint")
	}
	if loc != nil {
		if err := loc.Validate(); err != nil {
			return p, Event{}, err
		}
		l := *loc
		loc = &l
	}
	p.CheckIns = append(append([]CheckIn(nil), p.CheckIns...), CheckIn{Checkpoint: cp.Code, At: now, Loc: loc})
	n := p.Checked()
	if !p.Complete() && shareMet(n, p.Checkpoints, share) {
		p.Completed = now
	}
	ev := Event{
		At: now, Actor: by.ID, ActorName: ActorName(by), Action: ActCheckIn, Ref: p.ID, Node: p.Village,
		Note:   fmt.Sprintf("%s %s %s (%d/%d)", p.Area, cp.Code, cp.Name, n, p.Checkpoints),
		NoteZh: fmt.Sprintf("%s %s %s（%d/%d）", p.Area, cp.Code, cp.Name, n, p.Checkpoints),
	}
	return p, ev, nil
}

// End is the rule of a patrol's end: by its patroller, or by the liaison or
// a duty officer for one left running. The event says whether it was done,
// and names the patroller as its subject: the patrol is their work,
// whoever ends it (the points' 巡护 pays the subject).
func (p Patrol) End(a PatrolArea, by Person, now time.Time, n PatrolNames) (Patrol, Event, error) {
	if !p.Active() {
		return p, Event{}, p.ended(a, n)
	}
	if by.ID != p.Patroller && !(MayTriage(by) && by.Scope().Contains(p.Village)) {
		return p, Event{}, p.refuseOthers(a, by, n, true)
	}
	p.Ended = now
	act, what, zh := ActPatrolEnd, "incomplete", "未完成"
	if p.Complete() {
		act, what, zh = ActPatrolDone, "complete", "已完成"
	}
	ev := Event{
		At: now, Actor: by.ID, ActorName: ActorName(by), Action: act, Ref: p.ID, Node: p.Village, Subject: p.Patroller,
		Note:   fmt.Sprintf("%s %s: %d/%d checkpoints, %s", p.Area, a.Name, p.Checked(), p.Checkpoints, what),
		NoteZh: fmt.Sprintf("%s %s：检查点 %d/%d，%s", p.Area, a.Name, p.Checked(), p.Checkpoints, zh),
	}
	return p, ev, nil
}

// FindingStatus is where a finding stands on the liaison's desk.
type FindingStatus string

const (
	FindingWaiting   FindingStatus = "waiting"   // 待分拣: on the desk
	FindingPassed    FindingStatus = "passed"    // 已交办: passed on as a new incident
	FindingMerged    FindingStatus = "merged"    // 已并入: merged into an open incident
	FindingClosed    FindingStatus = "closed"    // 已销号: needs no action, with a reason
	FindingEscalated FindingStatus = "escalated" // 已上送: past the triage deadline, to the town room
)

var FindingStatuses = []FindingStatus{FindingWaiting, FindingPassed, FindingMerged, FindingClosed, FindingEscalated}

var findingStatusZh = map[FindingStatus]string{
	FindingWaiting: "待分拣", FindingPassed: "已交办", FindingMerged: "已并入", FindingClosed: "已销号", FindingEscalated: "已上送",
}

func (s FindingStatus) Zh() string { return findingStatusZh[s] }

// ParseFindingStatus accepts a status's key or its Chinese name.
func ParseFindingStatus(s string) (FindingStatus, error) {
	return parseEnum("finding status", s, FindingStatuses, findingStatusZh)
}

// FindingReport is a finding as a patroller sends it.
type FindingReport struct {
	Area       string
	Checkpoint string // optional
	Category   string
	Text       string
	Loc        *LatLon
	Photo      string // a reference to a photo the app uploaded, optional
	By         PersonID
}

// Check validates the report against the area and the policy and returns
// it cleaned: the category as its key, the checkpoint as its code, the text
// and the photo reference through CleanText.
func (r FindingReport) Check(a PatrolArea, p Policy) (FindingReport, error) {
	cat, err := p.Category(strings.TrimSpace(r.Category))
	if err != nil {
		return r, err
	}
	r.Category = string(cat)
	if strings.TrimSpace(r.Checkpoint) != "" {
		cp, ok := a.Checkpoint(r.Checkpoint)
		if !ok {
			return r, Errorf(EINVALID, "checkpoint %q is not one of %s's", r.Checkpoint, a.Code).
				Zh("检查点 %q 不属于 %s", r.Checkpoint, a.Code).On("checkpoint")
		}
		r.Checkpoint = cp.Code
	} else {
		r.Checkpoint = ""
	}
	text, err := cleanField(r.Text, true, MaxFindingRunes, "text", "内容")
	if err != nil {
		return r, err
	}
	if text == "" {
		return r, Errorf(EINVALID, "text: empty; say what was found").Zh("内容：为空；请写明发现了什么").On("text")
	}
	r.Text = text
	if r.Photo != "" {
		photo, err := CleanText(r.Photo, false)
		if err != nil || photo == "" || len(photo) > MaxPhotoRef {
			return r, Errorf(EINVALID, "photo: want a reference of 1 to %d bytes", MaxPhotoRef).
				Zh("照片：应为 1 到 %d 字节的引用", MaxPhotoRef).On("photo")
		}
		r.Photo = photo
	}
	if r.Loc != nil {
		if err := r.Loc.Validate(); err != nil {
			return r, err
		}
		l := *r.Loc
		r.Loc = &l
	}
	return r, nil
}

// Finding is one thing a patroller found (巡护发现) and what the liaison
// made of it.
type Finding struct {
	Seq        uint64
	ID         string // F-0001
	Area       string
	AreaName   string
	Kind       AreaKind
	Village    NodeCode
	Checkpoint string
	Category   Category
	Text       string
	Loc        *LatLon
	Photo      string
	By         PersonID
	FoundAt    time.Time

	Status      FindingStatus
	Incident    string // passed, merged or escalated: the incident that carries it
	IncidentSeq uint64
	HandledBy   PersonID // System when the triage deadline passed it on
	HandledAt   time.Time
	Reason      string // closed: why it needs no action

	// IncidentStatus is the status of Incident when the finding was read
	// (not stored: the store fills it in).
	IncidentStatus Status

	// Arrived is, on a hub, when its copy of a federated town's finding
	// first came (numbered here then, not when it was found); zero for the
	// file's own.
	Arrived time.Time
}

// NewFinding is the rule of a finding: by may patrol the area. r must have
// passed Check against the same area.
func NewFinding(a PatrolArea, seq uint64, r FindingReport, by Person, now time.Time) (Finding, Event, error) {
	if !a.MayPatrol(by) {
		return Finding{}, Event{}, a.refuse(by)
	}
	f := Finding{
		Seq: seq, ID: FormatFindingID(seq), Area: a.Code, AreaName: a.Name, Kind: a.Kind, Village: a.Village,
		Checkpoint: r.Checkpoint, Category: Category(r.Category), Text: r.Text, Loc: r.Loc, Photo: r.Photo,
		By: by.ID, FoundAt: now, Status: FindingWaiting,
	}
	ev := Event{
		At: now, Actor: by.ID, ActorName: ActorName(by), Action: ActFinding, Ref: f.ID, Node: a.Village,
		Note: a.Code + " " + firstLine(f.Text, 80),
	}
	return f, ev, nil
}

// firstLine is s up to its first line break, cut to n characters.
func firstLine(s string, n int) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if utf8.RuneCountInString(s) > n {
		r := []rune(s)
		s = string(r[:n-1]) + "…"
	}
	return s
}

// TriageDue is when the finding climbs to the town room if still waiting.
func (f Finding) TriageDue(p PatrolPolicy) time.Time { return f.FoundAt.Add(p.TriageDeadline) }

// Handled reports whether the liaison (or the clock) has dealt with it.
func (f Finding) Handled() bool { return f.Status != FindingWaiting && f.Status != "" }

// FollowedUp reports whether a finding has been followed to its end: closed
// with a reason, or carried by an incident that is resolved or closed.
func (f Finding) FollowedUp() bool {
	switch f.Status {
	case FindingClosed:
		return f.Reason != ""
	case FindingPassed, FindingMerged, FindingEscalated:
		return f.IncidentStatus == StatusResolved || f.IncidentStatus == StatusClosed
	}
	return false
}

func (f Finding) waiting() error {
	if f.Status == FindingWaiting {
		return nil
	}
	what, zh := string(f.Status), f.Status.Zh()
	if f.Incident != "" {
		what += " (" + f.Incident + ")"
		zh += "（" + f.Incident + "）"
	}
	return Errorf(ECONFLICT, "finding %s is %s already", f.ID, what).Zh("巡护发现 %s 已%s", f.ID, strings.TrimPrefix(zh, "已"))
}

// Foreign is the refusal of by taking the desk's action a (ActFindingPass,
// ActFindingMerge, ActFindingClose) on f, a finding of another town than
// by's (Person.ActsIn its village: the first rule of PassReport, Pass,
// Merge and Close): a town's liaison, or a duty officer standing in,
// sorts their own town's desk; staff above the towns any town's of their
// division. Named as Incident.Foreign: "李联络 (P9) of 花街镇 330784114 may
// not pass on F-0003 at 园丁社区 330784001001: it is in 东城街道 330784001,
// another town; …".
func (f Finding) Foreign(by Person, a Action, names func(NodeCode) string) *Error {
	what, zh := "pass on "+f.ID, "交办 "+f.ID
	switch a {
	case ActFindingMerge:
		what, zh = "merge "+f.ID, "并入 "+f.ID
	case ActFindingClose:
		what, zh = "close "+f.ID, "销号 "+f.ID
	}
	return ForeignAct(by, what, zh, f.Village, names)
}

func refuseTriage(p Person, what, whatZh string) error {
	return Errorf(EFORBIDDEN, "%s (%s) may not %s; only the liaison or a duty officer may",
		ActorName(p), roleList(p, false), what).
		Zh("%s（%s）不能%s；只有联络员或值班员可以", ActorName(p), roleList(p, true), whatZh)
}

// PassReport is the incident a finding is passed on as, to node (the
// area's village or a node beneath it) with the category (the finding's
// when "") and the severity given, with source patrol: the area and the
// finding's text, with where and by whom. Its reporter is the patroller
// who found it (the points' 隐患排查 pays the reporter); the liaison files
// it (PassedReport).
func (f Finding) PassReport(node NodeCode, category string, sev Severity, by Person, finderName string) (Report, error) {
	if !by.ActsIn(f.Village) {
		return Report{}, f.Foreign(by, ActFindingPass, nil)
	}
	if err := f.waiting(); err != nil {
		return Report{}, err
	}
	if !MayTriage(by) {
		return Report{}, refuseTriage(by, "pass findings on", "交办巡护发现")
	}
	if !f.Village.Contains(node) {
		return Report{}, Errorf(EINVALID, "node %s is not in %s, the village of %s", node, f.Village, f.Area).
			Zh("节点 %s 不在 %s（%s 所在村）内", node, f.Village, f.Area).On("node")
	}
	if strings.TrimSpace(category) == "" {
		category = string(f.Category)
	}
	if sev == 0 {
		sev = SeverityIII
	}
	return Report{
		Node: node, Category: category, Severity: sev, Reporter: f.By, Source: SourcePatrol,
		Title: firstLine(f.AreaName+"："+f.Text, MaxTitleRunes), Text: f.incidentText(finderName),
	}, nil
}

// incidentText is the text of the incident that carries the finding.
func (f Finding) incidentText(finderName string) string {
	var b strings.Builder
	b.WriteString(f.Text)
	fmt.Fprintf(&b, "\n\n巡护发现 finding %s · %s %s", f.ID, f.Area, f.AreaName)
	if f.Checkpoint != "" {
		b.WriteString(" · " + f.Checkpoint)
	}
	fmt.Fprintf(&b, " · 巡护员 patroller %s (%s) · %s", finderName, f.By, f.FoundAt.Format("2006-01-02 15:04"))
	if f.Loc != nil {
		b.WriteString("\n位置 location: " + f.Loc.String())
	}
	if f.Photo != "" {
		b.WriteString("\n照片 photo: " + f.Photo)
	}
	s := b.String()
	if len(s) > MaxTextBytes {
		s = truncateUTF8(s, MaxTextBytes)
	}
	return s
}

// PassedReport is the report event of the incident filed from PassReport
// as the liaison by filed it: by is who did it, the finder its subject
// (the points' 信息采集 pays the subject). A finding by filed themselves
// (a liaison or duty officer standing in for a patroller) earns nothing
// when they pass it on: the event is Unearned, the desk's own work.
func (f Finding) PassedReport(report Event, by Person) Event {
	report.Actor, report.ActorName, report.Subject = by.ID, ActorName(by), f.By
	report.Unearned = f.By == by.ID
	return report
}

// Pass records the finding as passed on as inc. The event names the
// finder as its subject.
func (f Finding) Pass(inc Incident, by Person, now time.Time) (Finding, Event, error) {
	if !by.ActsIn(f.Village) {
		return f, Event{}, f.Foreign(by, ActFindingPass, nil)
	}
	if err := f.waiting(); err != nil {
		return f, Event{}, err
	}
	if !MayTriage(by) {
		return f, Event{}, refuseTriage(by, "pass findings on", "交办巡护发现")
	}
	f.Status, f.Incident, f.IncidentSeq, f.HandledBy, f.HandledAt = FindingPassed, inc.ID, inc.Seq, by.ID, now
	f.IncidentStatus = inc.Status
	ev := Event{
		At: now, Actor: by.ID, ActorName: ActorName(by), Action: ActFindingPass, Ref: f.ID, Subject: f.By,
		Incident: inc.ID, IncidentSeq: inc.Seq, Node: inc.Node, After: inc.state(),
		Note:   fmt.Sprintf("%s → %s (%s)", f.ID, inc.ID, inc.Category),
		NoteZh: fmt.Sprintf("%s → %s（%s）", f.ID, inc.ID, inc.Category.Zh()),
	}
	return f, ev, nil
}

// Merge records the finding as merged into inc, an open incident at the
// area's village or beneath it.
func (f Finding) Merge(inc Incident, by Person, now time.Time) (Finding, Event, error) {
	if !by.ActsIn(f.Village) {
		return f, Event{}, f.Foreign(by, ActFindingMerge, nil)
	}
	if err := f.waiting(); err != nil {
		return f, Event{}, err
	}
	if !MayTriage(by) {
		return f, Event{}, refuseTriage(by, "merge findings", "并入巡护发现")
	}
	if !inc.Status.Open() {
		return f, Event{}, Errorf(ECONFLICT, "%s is %s: merge only into an open incident", inc.ID, inc.Status).
			Zh("%s 为「%s」：只能并入在办事件", inc.ID, inc.Status.Zh())
	}
	if !f.Village.Contains(inc.Node) {
		return f, Event{}, Errorf(EINVALID, "%s is at %s, not in %s, the village of %s", inc.ID, inc.Node, f.Village, f.Area).
			Zh("%s 位于 %s，不在 %s（%s 所在村）内", inc.ID, inc.Node, f.Village, f.Area).On("into")
	}
	f.Status, f.Incident, f.IncidentSeq, f.HandledBy, f.HandledAt = FindingMerged, inc.ID, inc.Seq, by.ID, now
	f.IncidentStatus = inc.Status
	ev := Event{
		At: now, Actor: by.ID, ActorName: ActorName(by), Action: ActFindingMerge, Ref: f.ID,
		Incident: inc.ID, IncidentSeq: inc.Seq, Node: inc.Node, Before: inc.state(), After: inc.state(),
		Note: f.ID + ": " + firstLine(f.Text, 120),
	}
	return f, ev, nil
}

// Close records the finding as needing no action, for reason.
func (f Finding) Close(reason string, by Person, now time.Time) (Finding, Event, error) {
	if !by.ActsIn(f.Village) {
		return f, Event{}, f.Foreign(by, ActFindingClose, nil)
	}
	if err := f.waiting(); err != nil {
		return f, Event{}, err
	}
	if !MayTriage(by) {
		return f, Event{}, refuseTriage(by, "close findings", "销号巡护发现")
	}
	r, err := cleanField(reason, false, MaxNoteRunes, "reason", "原因")
	if err != nil {
		return f, Event{}, err
	}
	if r == "" {
		return f, Event{}, Errorf(EINVALID, "%s: closing needs a reason (why it needs no action)", f.ID).
			Zh("%s：销号须写明原因（为何无需处置）", f.ID).On("reason")
	}
	f.Status, f.Reason, f.HandledBy, f.HandledAt = FindingClosed, r, by.ID, now
	ev := Event{
		At: now, Actor: by.ID, ActorName: ActorName(by), Action: ActFindingClose, Ref: f.ID, Node: f.Village,
		Note: f.ID + ": " + r,
	}
	return f, ev, nil
}

// EscalationReport is the incident a finding still waiting at its triage
// deadline becomes: reported by the system, source patrol, at the area's
// village, severity III; EscalateFinding puts it at the town tier.
func (f Finding) EscalationReport(finderName string) Report {
	return Report{
		Node: f.Village, Category: string(f.Category), Severity: SeverityIII, Reporter: System, Source: SourcePatrol,
		Title: firstLine(f.AreaName+"："+f.Text, MaxTitleRunes), Text: f.incidentText(finderName),
	}
}

// EscalateFinding is the triage deadline's rule: a finding still waiting
// at now, past f.TriageDue, climbs to the town room's queue as inc (filed
// from EscalationReport), which it moves to the town tier. It returns the
// finding, the incident at the town tier with its report event, and the
// escalation event; ok false when nothing is due.
func EscalateFinding(f Finding, inc Incident, report Event, now time.Time, p Policy) (Finding, Incident, []Event, bool) {
	due := f.TriageDue(p.Patrol)
	if f.Status != FindingWaiting || now.Before(due) {
		return f, inc, nil, false
	}
	inc = inc.enterTier(TierTown, now, p)
	inc.Escalations++ // it climbed, as the escalation event on its timeline says (and Replay counts)
	report.After = inc.state()
	f.Status, f.Incident, f.IncidentSeq, f.HandledBy, f.HandledAt = FindingEscalated, inc.ID, inc.Seq, System, now
	f.IncidentStatus = inc.Status
	late := ShortDuration(p.Patrol.TriageDeadline)
	// On the incident's timeline too, so that the town room reads why it
	// came to them straight away.
	ev := Event{
		At: now, Actor: System, ActorName: "system", Action: ActEscalate, Ref: f.ID, Node: f.Village,
		Incident: inc.ID, IncidentSeq: inc.Seq, Before: inc.state(), After: inc.state(),
		Note:   fmt.Sprintf("finding %s not triaged within %s: to the town room as %s", f.ID, late, inc.ID),
		NoteZh: fmt.Sprintf("巡护发现 %s %s 内未分拣：转镇指挥室 %s", f.ID, late, inc.ID),
	}
	return f, inc, []Event{report, ev}, true
}

// PatrolPolicy holds the patrol flow's settings (config patrol.*).
type PatrolPolicy struct {
	// CompleteShare is the share of an area's checkpoints a patrol must
	// check in at to count as done (1.0: every one).
	CompleteShare float64
	// TriageDeadline is how long a finding may wait on the liaison's desk
	// before it climbs to the town room's queue.
	TriageDeadline time.Duration
	// Silence is how long a patroller on patrol may go without a check-in
	// before the patrol pane shows them red and the watchdog opens an
	// incident at the area's village (WatchdogRule.PatrolReport).
	Silence time.Duration
}

// DefaultPatrolPolicy is the shipped setting; config.yaml documents it.
func DefaultPatrolPolicy() PatrolPolicy {
	return PatrolPolicy{CompleteShare: 1.0, TriageDeadline: time.Hour, Silence: 2 * time.Hour}
}

// Validate checks the patrol settings, naming the key.
func (p PatrolPolicy) Validate() error {
	if !(p.CompleteShare > 0 && p.CompleteShare <= 1) || math.IsNaN(p.CompleteShare) {
		return Errorf(EINVALID, "patrol.complete_share: want above 0 and at most 1").
			Zh("patrol.complete_share：应大于 0 且不超过 1").On("patrol.complete_share")
	}
	if p.TriageDeadline <= 0 {
		return Errorf(EINVALID, "patrol.triage_deadline: must be a positive duration").
			Zh("patrol.triage_deadline：应为正的时长").On("patrol.triage_deadline")
	}
	if p.Silence <= 0 {
		return Errorf(EINVALID, "patrol.silence: must be a positive duration").
			Zh("patrol.silence：应为正的时长").On("patrol.silence")
	}
	return nil
}

// PatrolFilter selects patrols; zero fields select all.
type PatrolFilter struct {
	Active bool      // only those running
	Since  time.Time // only those started at or after
	Area   string
}

// FindingFilter selects findings; zero fields select all.
type FindingFilter struct {
	Open  bool      // only those waiting on the desk
	Since time.Time // only those found at or after
	// Node is the node's subtree: the findings of areas whose village lies
	// in it (a town's desk, a county room's towns).
	Node NodeCode
}

// PatrolService keeps the patrol areas, the patrols, the findings and the
// liaison's desk, and the joint rotations. Every write takes the person who
// does it; those the field API calls take an Idempotency-Key ("" for none),
// so that a retry is answered with what the first call made (duplicate
// true) and changes nothing. The same key with another request is
// ECONFLICT.
type PatrolService interface {
	// ImportAreas adds the areas not stored yet and replaces the ones
	// stored (their Since stays), all in one transaction: every village
	// must be in the tower and every patroller a patroller on the roster.
	ImportAreas(ctx context.Context, areas []PatrolArea, by PersonID, note string) (added, replaced int, err error)
	// Areas lists the areas in code order.
	Areas(ctx context.Context) ([]PatrolArea, error)
	StartPatrol(ctx context.Context, area string, by PersonID, key string) (Patrol, bool, error)
	PatrolCheckIn(ctx context.Context, patrol, checkpoint string, loc *LatLon, by PersonID, key string) (Patrol, bool, error)
	EndPatrol(ctx context.Context, patrol string, by PersonID, key string) (Patrol, bool, error)
	Patrol(ctx context.Context, id string) (Patrol, error)
	// Patrols lists the patrols f selects, oldest first.
	Patrols(ctx context.Context, f PatrolFilter) ([]Patrol, error)
	// AddFinding puts a finding on the liaison's desk (r.By found it).
	AddFinding(ctx context.Context, r FindingReport, key string) (Finding, bool, error)
	Finding(ctx context.Context, id string) (Finding, error)
	// Findings lists the findings f selects, oldest first, each with its
	// incident's status.
	Findings(ctx context.Context, f FindingFilter) ([]Finding, error)
	// PassFinding files the finding as a new incident (source patrol) at
	// node, with category ("" for the finding's) and severity (0 for III).
	PassFinding(ctx context.Context, id string, node NodeCode, category string, sev Severity, by PersonID) (Finding, Incident, error)
	// MergeFinding puts the finding on the timeline of an open incident at
	// the area's village.
	MergeFinding(ctx context.Context, id, incident string, by PersonID) (Finding, error)
	// CloseFinding closes the finding as needing no action, for reason.
	CloseFinding(ctx context.Context, id, reason string, by PersonID) (Finding, error)
	// PatrolBoard is the day's board: the rates, every area's state, the
	// patrollers, the rotations on duty (day zero: today), of node's
	// subtree ("" the whole file): the areas whose village lies in it with
	// their patrols and findings, the patrollers placed in it or assigned
	// to one of its areas, the rotations over one of its grids (a town's
	// board, a county room's towns). A node not well formed is EINVALID.
	PatrolBoard(ctx context.Context, day time.Time, node NodeCode) (PatrolBoard, error)
	// AddRotation stores a joint rotation.
	AddRotation(ctx context.Context, r JointRotation, by PersonID, note string) (JointRotation, error)
	Rotations(ctx context.Context) ([]JointRotation, error)
	// RotationReport records an activity of the rotation by someone of the
	// group on duty today.
	RotationReport(ctx context.Context, id, text string, by PersonID) (Event, error)
}
