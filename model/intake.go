package model

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// EUNAUTHORIZED is the code of a missing, unknown or revoked bearer token.
const EUNAUTHORIZED = "unauthorized"

// Actions of field intake.
const (
	ActAlert Action = "alert" // a sensor alert joined an open incident
	ActToken Action = "token" // a bearer token issued or revoked
)

// IntakeService is what the field API needs beyond Service: per-person
// bearer tokens, reports that land once however often they are retried, and
// sensor alerts judged by the alert rule.
type IntakeService interface {
	// IssueToken makes a new bearer token for person and returns it; only
	// its SHA-256 is stored, so this is the one time it can be read.
	// ENOTFOUND for a person not on the roster.
	IssueToken(ctx context.Context, person PersonID) (string, error)
	// RevokeTokens revokes every live token of person and returns how many.
	RevokeTokens(ctx context.Context, person PersonID) (int, error)
	// RevokeToken revokes the one token whose prefix (TokenInfo.Prefix, or
	// any longer start of the token) is given. ENOTFOUND if none matches,
	// ECONFLICT if several do.
	RevokeToken(ctx context.Context, prefix string) (TokenInfo, error)
	// Tokens lists the tokens of person (System for everyone's), revoked
	// ones too, in order of issue.
	Tokens(ctx context.Context, person PersonID) ([]TokenInfo, error)
	// Authenticate returns the holder of token: EUNAUTHORIZED when the
	// token is malformed, unknown or revoked, or its holder has left the
	// roster.
	Authenticate(ctx context.Context, token string) (Person, error)
	// ReportOnce files r as reported by person, once per idempotency key:
	// the key's record and the incident are written in one transaction, so
	// a retry finds the original (duplicate true) however the first attempt
	// ended. The same key with a different report is ECONFLICT. An empty
	// key files the report as Report does.
	ReportOnce(ctx context.Context, person PersonID, key string, r Report) (Incident, bool, error)
	// Alert stores a sensor alert and applies the alert rule (AlertRule):
	// enough alerts at one node open an incident, and later ones join it
	// while it stays open.
	Alert(ctx context.Context, a Alert) (AlertResult, error)
}

// TokenInfo is what may be shown of a bearer token: never the token itself.
type TokenInfo struct {
	Prefix  string // the token's first TokenPrefixLen characters
	Person  PersonID
	Issued  time.Time
	Revoked time.Time // zero while the token is live
}

// Bearer tokens are TokenScheme followed by TokenRandomLen characters of
// unpadded base64url (32 random bytes).
const (
	TokenScheme    = "gc_"
	TokenRandomLen = 43
	TokenPrefixLen = len(TokenScheme) + 8
)

// WellFormedToken reports whether s has the shape of a bearer token, so
// that garbage is refused before it is hashed and looked up.
func WellFormedToken(s string) bool {
	if len(s) != len(TokenScheme)+TokenRandomLen || !strings.HasPrefix(s, TokenScheme) {
		return false
	}
	for i := len(TokenScheme); i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// MaxIdempotencyKey is the longest Idempotency-Key accepted (PagerDuty's
// dedup key limit).
const MaxIdempotencyKey = 255

// ValidIdempotencyKey checks an Idempotency-Key: 1-255 visible ASCII
// characters.
func ValidIdempotencyKey(k string) error {
	if k == "" || len(k) > MaxIdempotencyKey {
		return Errorf(EINVALID, "Idempotency-Key: want 1 to %d characters, got %d", MaxIdempotencyKey, len(k)).
			Zh("Idempotency-Key：应为 1 到 %d 个字符，实为 %d 个", MaxIdempotencyKey, len(k))
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return Errorf(EINVALID, "Idempotency-Key: only visible ASCII characters (no spaces or controls)").
				Zh("Idempotency-Key：只能是可见的 ASCII 字符（不含空格和控制字符）")
		}
	}
	return nil
}

// Scope is the subtree a person may report into and the room they sit in
// (SeatOf): a duty officer's is the whole town, or the whole county, city
// or province for one placed there; anyone else's their own node and what
// lies beneath it.
func (p Person) Scope() NodeCode {
	if p.Has(RoleDutyOfficer) && p.Node.Level() > LevelTown {
		return p.Node.Town()
	}
	return p.Node
}

// MayReportAt reports whether p may report or raise alerts at node.
func (p Person) MayReportAt(node NodeCode) bool {
	return p.ID != System && p.Scope().Contains(node)
}

// OutOfScope is the refusal of p acting at node, outside their scope
// (MayReportAt), naming both.
func OutOfScope(p Person, node NodeCode) *Error { return OutOfScopeNamed(p, node, nil) }

// OutOfScopeNamed is OutOfScope with p's scope and node named by names
// where it knows them (NameNodes: "渎溪村 330784114266").
func OutOfScopeNamed(p Person, node NodeCode, names func(NodeCode) string) *Error {
	scope, at := NameNodes([]NodeCode{p.Scope()}, names, ""), NameNodes([]NodeCode{node}, names, "")
	return Errorf(EFORBIDDEN, "%s (%s) may act only within %s; %s is outside it", p.ID, p.Name, scope, at).
		Zh("%s（%s）只能在 %s 内操作；%s 不在其中", p.ID, p.Name, scope, at)
}

// ReportsIn reports whether p may be the reporter of an incident at node:
// whoever acts in node's town (ActsIn), whatever their node in it (a duty
// officer files for the town, a liaison passes a patroller's finding on).
// A person of one town never reports into another's: the incident would
// be that town's to handle and its points and scorecards this person's.
// It is the store's rule for every report (the field API's token scope,
// MayReportAt, is narrower still).
func (p Person) ReportsIn(node NodeCode) bool { return p.ActsIn(node) }

// ActsIn reports whether p may act on the work of node's town at all: the
// system; anyone of that town, whatever their node in it; or staff placed
// above the towns (a county, city or province officer) whose division
// holds node. What of the town's work is theirs is each action's own rule
// (a duty officer acts on any incident of the town, a grid worker on their
// grid's); a person of one town never acts on another's work (its
// incidents, its findings on the desk, its patrol areas), on a file of
// several towns either: it is that town's to handle, and to answer for.
func (p Person) ActsIn(node NodeCode) bool {
	switch {
	case p.ID == System:
		return true
	case p.Node.Level().AboveTown():
		return p.Node.Contains(node)
	}
	return p.Node.Town() != "" && p.Node.Town() == node.Town()
}

// foreignTown is what a refusal of p at node (ActsIn false) says of where
// each lies: p's own town (the division, for staff above the towns), node,
// and why it is not p's, in English and in Chinese, by names where names
// knows them (NameNodes: "东城街道 330784001").
func foreignTown(p Person, node NodeCode, names func(NodeCode) string) (own, at, where, whereZh string) {
	named := func(c NodeCode) string { return NameNodes([]NodeCode{c}, names, "") }
	town := p.Node.Town()
	if town == "" {
		town = p.Node
	}
	own, at = named(town), named(node)
	where, whereZh = "it is outside "+own, "该处不在 "+own+" 内"
	if t := node.Town(); t != "" && t != node && !p.Node.Level().AboveTown() {
		where, whereZh = "it is in "+named(t)+", another town", "该处属 "+named(t)+"，不是其所在镇街"
	}
	return own, at, where, whereZh
}

// ForeignReport is the refusal of p as the reporter of an incident at node
// (ReportsIn), naming p, the town p belongs to (the division, for staff
// above the towns) and where node lies, by names where it knows them
// (NameNodes: "东城街道 330784001").
func ForeignReport(p Person, node NodeCode, names func(NodeCode) string) *Error {
	own, at, where, whereZh := foreignTown(p, node, names)
	return Errorf(EFORBIDDEN, "%s (%s) of %s may not report at %s: %s; a report is filed by a person of its town, or by county staff over it",
		p.Name, p.ID, own, at, where).
		Zh("%s（%s，%s）不能在 %s 上报：%s；只有该镇街的人员或上级（县市）工作人员可以上报",
			p.Name, p.ID, own, at, whereZh).On("node")
}

// ForeignAct is the refusal of p doing what (whatZh: "acknowledge
// HJ-20261207-0001", "签收 HJ-20261207-0001") at node, which lies outside
// p's town (ActsIn), naming p, p's town and where node lies as
// ForeignReport does: "金建兰 (P1) of 花街镇 330784114 may not acknowledge
// HJ-… at 园丁社区 330784001001: it is in 东城街道 330784001, another town;
// …".
func ForeignAct(p Person, what, whatZh string, node NodeCode, names func(NodeCode) string) *Error {
	own, at, where, whereZh := foreignTown(p, node, names)
	return Errorf(EFORBIDDEN, "%s (%s) of %s may not %s at %s: %s; only the people of its town, or county staff over it, may",
		ActorName(p), p.ID, own, what, at, where).
		Zh("%s（%s，%s）不能在 %s %s：%s；只有该处所在镇街的人员或上级（县市）工作人员可以",
			ActorName(p), p.ID, own, at, whatZh, whereZh)
}

// Alert is one alert from a sensor (door lock, camera, smoke detector,
// charging post), as a gateway sends it.
type Alert struct {
	Device string   // the device's id, as the gateway names it
	Kind   string   // door, lock, smoke, camera, charger, ...: a key of AlertRule.Categories
	Node   NodeCode // where the device is: a building or household unit, usually
	Text   string   // what the device said, if anything
	By     PersonID // the token holder who sent it
	Key    string   // optional Idempotency-Key: a retried alert counts once
}

// Field limits of an alert.
const (
	MaxDeviceLen = 64
	MaxKindLen   = 32
)

// Clean checks the alert's fields and returns it with its text fields run
// through CleanText and its kind lowercased.
func (a Alert) Clean() (Alert, error) {
	if _, err := a.Node.level(); err != nil {
		return a, err
	}
	dev, err := CleanText(a.Device, false)
	if err != nil {
		return a, Errorf(EINVALID, "device: %s", ErrorMessage(err)).Zh("设备：%s", ErrorMessageZh(err)).On("device")
	}
	if dev == "" || len(dev) > MaxDeviceLen {
		return a, Errorf(EINVALID, "device: want 1 to %d bytes", MaxDeviceLen).Zh("设备：应为 1 到 %d 字节", MaxDeviceLen).On("device")
	}
	a.Device = dev
	kind := strings.ToLower(strings.TrimSpace(a.Kind))
	if kind == "" || len(kind) > MaxKindLen {
		return a, Errorf(EINVALID, "kind: want 1 to %d characters, e.g. door, smoke, camera, charger", MaxKindLen).
			Zh("告警类型：应为 1 到 %d 个字符，如 door、smoke、camera、charger", MaxKindLen).On("kind")
	}
	for i := 0; i < len(kind); i++ {
		if c := kind[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return a, Errorf(EINVALID, "kind %q: letters, digits, _ and - only", a.Kind).
				Zh("告警类型 %q：只能含字母、数字、_ 和 -", a.Kind).On("kind")
		}
	}
	a.Kind = kind
	if !utf8.ValidString(a.Text) {
		return a, Errorf(EINVALID, "text: invalid UTF-8").Zh("内容：不是有效的 UTF-8").On("text")
	}
	if n := utf8.RuneCountInString(a.Text); n > MaxNoteRunes {
		return a, Errorf(EINVALID, "text: %d characters, at most %d", n, MaxNoteRunes).Zh("内容：%d 字，最多 %d 字", n, MaxNoteRunes).On("text")
	}
	a.Text = clean(a.Text, false)
	if a.Key != "" {
		if err := ValidIdempotencyKey(a.Key); err != nil {
			return a, err
		}
	}
	return a, nil
}

// AlertResult is what became of an alert.
type AlertResult struct {
	Seq       uint64 // the stored alert
	Incident  string // the incident it opened or joined; "" if none (yet)
	Opened    bool   // this alert opened the incident
	Attached  bool   // this alert joined an incident already open
	Count     int    // alerts at the node within the window not yet part of an incident, this one included
	Duplicate bool   // a retry of an alert already stored (same key): nothing changed
}

// AlertRule is the configurable rule for sensor alerts: Count alerts from
// one node within Window open one incident (reported by the system, source
// sensor, category from the alert's kind); while it stays open, later
// alerts at that node join it as events on its timeline.
type AlertRule struct {
	Count    int
	Window   time.Duration
	Severity Severity
	// Categories maps a sensor kind to the incident category; the entry
	// "other" serves every kind not listed.
	Categories map[string]Category
}

// AlertOther is the AlertRule.Categories entry for kinds not listed.
const AlertOther = "other"

// DefaultAlertRule is the shipped rule; config.yaml documents the same.
func DefaultAlertRule() AlertRule {
	return AlertRule{
		Count: 3, Window: 10 * time.Minute, Severity: SeverityII,
		Categories: map[string]Category{
			"door": "migrant", "lock": "migrant", "smoke": "fire", "camera": "security",
			"charger": "fire", AlertOther: "hazard",
		},
	}
}

// Validate checks the rule's figures; its categories are checked against
// the policy's by Policy.Validate.
func (r AlertRule) Validate() error {
	if r.Count < 1 || r.Count > 1000 {
		return Errorf(EINVALID, "alerts.count: want 1 to 1000").Zh("alerts.count：应为 1 到 1000").On("alerts.count")
	}
	if r.Window <= 0 {
		return Errorf(EINVALID, "alerts.window: must be a positive duration").Zh("alerts.window：应为正的时长").On("alerts.window")
	}
	if r.Severity < SeverityI || r.Severity > SeverityIV {
		return Errorf(EINVALID, "alerts.severity: want I, II, III or IV").Zh("alerts.severity：应为 I、II、III 或 IV").On("alerts.severity")
	}
	if _, ok := r.Categories[AlertOther]; !ok {
		key := "alerts.categories." + AlertOther
		return Errorf(EINVALID, "%s: missing; it is the category of kinds not listed", key).
			Zh("%s：缺失；未列出的告警类型归入此类别", key).On(key)
	}
	return nil
}

// CategoryFor is the incident category of an alert of kind.
func (r AlertRule) CategoryFor(kind string) Category {
	if c, ok := r.Categories[kind]; ok {
		return c
	}
	return r.Categories[AlertOther]
}

// AlertOutcome is what the rule does with one alert.
type AlertOutcome int

const (
	AlertRecorded AlertOutcome = iota // stored, below the threshold
	AlertOpens                        // it makes Count: open an incident
	AlertJoins                        // an incident from this node's alerts is open: join it
)

// Decide is the rule: pending is the number of alerts at the node within
// the window that are not part of an incident, this one included; open
// says whether the incident the node's alerts last opened is still open.
func (r AlertRule) Decide(pending int, open bool) AlertOutcome {
	switch {
	case open:
		return AlertJoins
	case pending >= r.Count:
		return AlertOpens
	}
	return AlertRecorded
}

var alertKindZh = map[string]string{
	"door": "门磁", "lock": "智能门锁", "smoke": "烟感", "camera": "摄像头", "charger": "充电桩",
}

// AlertKindZh is the Chinese name of a sensor kind, or the kind itself.
func AlertKindZh(kind string) string {
	if z, ok := alertKindZh[kind]; ok {
		return z
	}
	return kind
}

// AlertReport is the report an incident opened by alerts is filed as: by
// the system, from the sensors, at the node, listing the alerts (oldest
// first, each with its time in loc).
func (r AlertRule) AlertReport(node NodeCode, alerts []Alert, at []time.Time, loc *time.Location) Report {
	kinds := map[string]int{}
	for _, a := range alerts {
		kinds[a.Kind]++
	}
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Slice(names, func(i, j int) bool {
		if kinds[names[i]] != kinds[names[j]] {
			return kinds[names[i]] > kinds[names[j]]
		}
		return names[i] < names[j]
	})
	main := names[0]
	title := fmt.Sprintf("%s告警%d次（%s内）", AlertKindZh(main), len(alerts), ShortDuration(r.Window))
	if len(names) > 1 {
		title = fmt.Sprintf("感知设备告警%d次（%s内，%s等）", len(alerts), ShortDuration(r.Window), AlertKindZh(main))
	}
	var b strings.Builder
	for i, a := range alerts {
		if i > 0 {
			b.WriteByte('\n')
		}
		line := fmt.Sprintf("%s %s %s", at[i].In(loc).Format("15:04:05"), a.Kind, a.Device)
		if a.Text != "" {
			line += ": " + a.Text
		}
		b.WriteString(line)
	}
	text := b.String()
	if len(text) > MaxTextBytes {
		text = truncateUTF8(text, MaxTextBytes)
	}
	return Report{
		Node: node, Category: string(r.CategoryFor(main)), Severity: r.Severity,
		Title: title, Text: text, Reporter: System, Source: SourceSensor,
	}
}

// AlertEvent is the event of an alert joining an open incident.
func AlertEvent(a Alert, inc Incident, now time.Time) Event {
	note := fmt.Sprintf("%s %s", a.Kind, a.Device)
	if a.Text != "" {
		note += ": " + a.Text
	}
	if utf8.RuneCountInString(note) > MaxNoteRunes {
		note = string([]rune(note)[:MaxNoteRunes])
	}
	st := inc.state()
	return Event{
		At: now, Actor: System, ActorName: "system", Action: ActAlert, Incident: inc.ID,
		IncidentSeq: inc.Seq, Node: a.Node, Before: st, After: st, Note: note,
	}
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// ShortDuration writes d as time.Duration does, without the zero units at
// its end: 10m, 1h30m, 90s.
func ShortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
