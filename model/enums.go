package model

import (
	"strconv"
	"strings"
)

// enum is the shape of the small string-valued domain types below.
type enum interface {
	~string
}

// fieldZh names parseEnum's fields in Chinese.
var fieldZh = map[string]string{
	"platform": "平台", "reason": "原因", "source": "来源", "status": "状态", "tier": "层级", "wartime role": "战时角色",
}

// parseEnum accepts a value's key or its Chinese name, case-insensitively,
// and names the field and the choices when it fails.
func parseEnum[T enum](field, s string, all []T, zh map[T]string) (T, error) {
	t := strings.TrimSpace(s)
	for _, v := range all {
		if strings.EqualFold(t, string(v)) || (zh != nil && t == zh[v]) {
			return v, nil
		}
	}
	keys := make([]string, len(all))
	for i, v := range all {
		keys[i] = string(v)
	}
	var zero T
	return zero, Errorf(EINVALID, "%s %q: want one of %s", field, s, strings.Join(keys, ", ")).
		Zh("%s %q：应为 %s 之一", fieldZh[field], s, strings.Join(keys, "、")).
		On(strings.ReplaceAll(field, " ", "_"))
}

// ZhNames maps each of all to its Chinese name: the catalogue a console
// in Chinese labels tiers, statuses, levels, roles, reasons and wartime
// roles with (ZhNames(Tiers), ZhNames(Roles), ...).
func ZhNames[T interface {
	comparable
	Zh() string
}](all []T) map[T]string {
	m := make(map[T]string, len(all))
	for _, v := range all {
		m[v] = v.Zh()
	}
	return m
}

// Tier is the level of the command chain an incident sits at.
type Tier string

const (
	TierGrid      Tier = "grid"      // the grid leader
	TierVillage   Tier = "village"   // the village command room
	TierTown      Tier = "town"      // the town command room
	TierTaskForce Tier = "taskforce" // 专班, cross-platform key work
)

// Tiers lists the tiers bottom-up.
var Tiers = []Tier{TierGrid, TierVillage, TierTown, TierTaskForce}

var tierZh = map[Tier]string{TierGrid: "网格", TierVillage: "村社", TierTown: "镇指挥室", TierTaskForce: "专班"}

func (t Tier) Zh() string { return tierZh[t] }

var roomZh = map[Tier]string{TierVillage: "村指挥室", TierTown: "镇指挥室"}

// RoomZh is the Chinese name of the wartime command room that holds tier t:
// the village rooms (村指挥室) and the town room (镇指挥室), where silent
// units climb; "" for the tiers that have no room.
func (t Tier) RoomZh() string { return roomZh[t] }

// Rank is the tier's height: 0 for grid up to 3 for task force, -1 if unknown.
func (t Tier) Rank() int {
	for i, x := range Tiers {
		if x == t {
			return i
		}
	}
	return -1
}

// Next returns the tier above t, or "" at the top.
func (t Tier) Next() Tier {
	r := t.Rank()
	if r < 0 || r+1 >= len(Tiers) {
		return ""
	}
	return Tiers[r+1]
}

func ParseTier(s string) (Tier, error) { return parseEnum("tier", s, Tiers, tierZh) }

// Status is where an incident stands in its flow.
type Status string

const (
	StatusReported     Status = "reported"     // 上报: waiting to be signed for at its tier
	StatusAcknowledged Status = "acknowledged" // 签收
	StatusDispatched   Status = "dispatched"   // 研判·交办: passed to a department
	StatusResolved     Status = "resolved"     // 办结
	StatusClosed       Status = "closed"       // 归档, after follow-up
)

var Statuses = []Status{StatusReported, StatusAcknowledged, StatusDispatched, StatusResolved, StatusClosed}

var statusZh = map[Status]string{
	StatusReported: "上报", StatusAcknowledged: "签收", StatusDispatched: "交办",
	StatusResolved: "办结", StatusClosed: "归档",
}

func (s Status) Zh() string { return statusZh[s] }

// Open reports whether work on the incident is still pending.
func (s Status) Open() bool {
	return s == StatusReported || s == StatusAcknowledged || s == StatusDispatched
}

func ParseStatus(s string) (Status, error) { return parseEnum("status", s, Statuses, statusZh) }

// Severity grades an incident, I the gravest.
type Severity int

const (
	SeverityI   Severity = 1
	SeverityII  Severity = 2
	SeverityIII Severity = 3
	SeverityIV  Severity = 4
)

var Severities = []Severity{SeverityI, SeverityII, SeverityIII, SeverityIV}

var severityNames = []string{"", "I", "II", "III", "IV"}

func (s Severity) String() string {
	if s >= SeverityI && s <= SeverityIV {
		return severityNames[s]
	}
	return "?"
}

// ParseSeverity accepts I..IV (or 1..4).
func ParseSeverity(s string) (Severity, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	for i, n := range severityNames {
		if i > 0 && (t == n || t == string(rune('0'+i))) {
			return Severity(i), nil
		}
	}
	return 0, Errorf(EINVALID, "severity %q: want I, II, III or IV (I the gravest)", s).
		Zh("等级 %q：应为 I、II、III 或 IV（I 最重）", s).On("severity")
}

// Category is the kind of an incident. The valid set comes from the policy
// (config), DefaultCategories being the shipped one.
type Category string

// DefaultCategories maps each shipped category to the platform that owns it.
var DefaultCategories = map[Category]Platform{
	"traffic": PlatformSafety, "security": PlatformSafety, "dispute": PlatformSafety,
	"hazard": PlatformSafety, "fire": PlatformSafety, "flood": PlatformEcology,
	"ecology": PlatformEcology, "health": PlatformService, "migrant": PlatformSafety,
	"service": PlatformService, "party": PlatformParty,
}

var categoryZh = map[Category]string{
	"traffic": "交通", "security": "治安", "dispute": "纠纷", "hazard": "隐患", "fire": "消防",
	"flood": "防汛", "ecology": "生态", "health": "卫生", "migrant": "流动人口",
	"service": "民生", "party": "党建",
}

// Zh returns the category's Chinese name, or its key for a custom category.
func (c Category) Zh() string {
	if z, ok := categoryZh[c]; ok {
		return z
	}
	return string(c)
}

// Platform is one of the four governance platforms (基层治理四平台).
type Platform string

const (
	PlatformParty   Platform = "party"   // 党建统领
	PlatformEcology Platform = "ecology" // 经济生态
	PlatformSafety  Platform = "safety"  // 平安法治
	PlatformService Platform = "service" // 公共服务
)

var Platforms = []Platform{PlatformParty, PlatformEcology, PlatformSafety, PlatformService}

var platformZh = map[Platform]string{
	PlatformParty: "党建统领", PlatformEcology: "经济生态", PlatformSafety: "平安法治", PlatformService: "公共服务",
}

func (p Platform) Zh() string { return platformZh[p] }

func ParsePlatform(s string) (Platform, error) {
	return parseEnum("platform", s, Platforms, platformZh)
}

// Source is where a report came from.
type Source string

const (
	SourceGridPatrol Source = "grid_patrol" // a grid worker's handheld app
	SourceEcoPatrol  Source = "eco_patrol"  // a patroller (巡护员)
	SourceSensor     Source = "sensor"      // door locks, cameras, chargers
	SourceHotline    Source = "hotline"     // the command room's phone
	SourceCitizen    Source = "citizen"
)

var Sources = []Source{SourceGridPatrol, SourceEcoPatrol, SourceSensor, SourceHotline, SourceCitizen, SourceWatchdog}

var sourceZh = map[Source]string{
	SourceGridPatrol: "网格巡查", SourceEcoPatrol: "巡护", SourceSensor: "感知设备",
	SourceHotline: "热线", SourceCitizen: "群众", SourceWatchdog: "静默监测",
}

func (s Source) Zh() string { return sourceZh[s] }

func ParseSource(s string) (Source, error) { return parseEnum("source", s, Sources, sourceZh) }

// Light is an incident's SLA light; the order is by gravity.
type Light int

const (
	LightNone   Light = iota // resolved or closed: no clock runs
	LightGreen               // under 80% of the clock used
	LightYellow              // 80-100%
	LightRed                 // past the deadline
)

func (l Light) String() string {
	if l < LightNone || l > LightRed {
		return "light(" + strconv.Itoa(int(l)) + ")" // never panic in a String method
	}
	return [...]string{"none", "green", "yellow", "red"}[l]
}
