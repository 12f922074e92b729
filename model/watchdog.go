package model

import (
	"fmt"
	"time"
)

// Watchdogs: things that must speak regularly raise an incident themselves
// when they fall silent, and the next sign of life resolves it. Three kinds
// are watched: the sensor gateways (a heartbeat post or an alert every so
// often), in wartime the village rooms (an action or a check-in by the
// room within WatchdogRule.RoomSilence), and the patrollers on a patrol (a
// check-in within PatrolPolicy.Silence, see Patrol.SilenceDue).

// SourceWatchdog is the source of the incidents a silence opens.
const SourceWatchdog Source = "watchdog"

// Silence kinds.
const (
	SilenceGateway = "gateway"
	SilenceRoom    = "room"
	SilencePatrol  = "patrol"
)

// Heartbeat is a sensor gateway that must post a heartbeat (or an alert)
// at least once every Every.
type Heartbeat struct {
	Name   string
	Node   NodeCode // where the gateway is; alerts from devices beneath it count as its heartbeats
	Every  time.Duration
	Since  time.Time // when it was added
	LastAt time.Time // its last heartbeat or alert; zero: none yet
	By     PersonID
	// The incident its silence opened, while that is open; "" and 0 when none.
	Incident    string
	IncidentSeq uint64
}

// Heartbeat limits.
const (
	MinHeartbeatEvery = 30 * time.Second
	MaxHeartbeatEvery = 7 * 24 * time.Hour
	MaxHeartbeatName  = 64
)

// Heartbeat states, as `heartbeat list` shows them.
const (
	HeartbeatOK      = "ok"      // heard within its interval
	HeartbeatWaiting = "waiting" // added, not heard yet, not due yet
	HeartbeatSilent  = "silent"  // due and not heard
)

// CheckHeartbeatName refuses a name that is not 1-64 ASCII letters, digits, '.',
// '_' or '-', starting with a letter or digit: it is the last part of a
// URL (POST /api/v1/heartbeats/{name}).
func CheckHeartbeatName(s string) error {
	bad := len(s) == 0 || len(s) > MaxHeartbeatName
	for i := 0; i < len(s) && !bad; i++ {
		c := s[i]
		alnum := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		bad = !alnum && (i == 0 || c != '.' && c != '_' && c != '-')
	}
	if bad {
		return Errorf(EINVALID, "heartbeat name %q: want 1 to %d ASCII letters (a-z, A-Z), digits, '.', '_' or '-', starting with a letter or digit", s, MaxHeartbeatName).
			Zh("心跳名称 %q：应为 1 到 %d 个 ASCII 英文字母（a-z、A-Z）、数字、'.'、'_' 或 '-'，以字母或数字开头（不能用汉字）", s, MaxHeartbeatName).On("name")
	}
	return nil
}

// Check refuses a heartbeat that cannot be watched.
func (h Heartbeat) Check() error {
	if err := CheckHeartbeatName(h.Name); err != nil {
		return err
	}
	l, err := h.Node.level()
	if err != nil {
		return err
	}
	if l < LevelTown {
		// A gateway is a device in a place: a town, a village, a grid.
		return Errorf(EINVALID, "heartbeat node %s is a %s: a gateway sits in a town or beneath one", h.Node, l).
			Zh("心跳节点 %s 是%s：网关应位于镇街或其下", h.Node, l.Zh()).On("node")
	}
	if h.Every < MinHeartbeatEvery || h.Every > MaxHeartbeatEvery {
		return Errorf(EINVALID, "every %s: want %s to %s", ShortDuration(h.Every), ShortDuration(MinHeartbeatEvery), ShortDuration(MaxHeartbeatEvery)).
			Zh("间隔 %s：应为 %s 到 %s", ShortDuration(h.Every), ShortDuration(MinHeartbeatEvery), ShortDuration(MaxHeartbeatEvery)).On("every")
	}
	return nil
}

// Due is when the heartbeat falls silent if nothing is heard: its interval
// after the last heartbeat, or after it was added.
func (h Heartbeat) Due() time.Time {
	if h.LastAt.IsZero() {
		return h.Since.Add(h.Every)
	}
	return h.LastAt.Add(h.Every)
}

// State is the heartbeat's state at now.
func (h Heartbeat) State(now time.Time) string {
	switch {
	case h.IncidentSeq != 0 || !now.Before(h.Due()):
		return HeartbeatSilent
	case h.LastAt.IsZero():
		return HeartbeatWaiting
	}
	return HeartbeatOK
}

// AddedEvent records a heartbeat added (or, removed, taken away).
func (h Heartbeat) AddedEvent(by Person, now time.Time, removed bool) Event {
	ev := Event{At: now, Actor: by.ID, ActorName: ActorName(by), Action: ActHeartbeat, Node: h.Node, Directive: h.Name,
		Note:   fmt.Sprintf("gateway %s at %s: a heartbeat every %s", h.Name, h.Node, ShortDuration(h.Every)),
		NoteZh: fmt.Sprintf("网关 %s（%s）：每 %s 一次心跳", h.Name, h.Node, ShortDuration(h.Every))}
	if removed {
		ev.Note, ev.NoteZh = fmt.Sprintf("gateway %s at %s: no longer watched", h.Name, h.Node), fmt.Sprintf("网关 %s（%s）：不再监测", h.Name, h.Node)
	}
	return ev
}

// Silence is one watchdog silence: what fell silent, where, since when it
// has not been heard, and the incident it opened.
type Silence struct {
	Kind     string    `json:"kind"` // gateway or room
	Name     string    `json:"name"`
	Node     NodeCode  `json:"node"`
	NodeName string    `json:"node_name,omitempty"`
	Since    time.Time `json:"since"` // last heard (or watched from)
	Incident string    `json:"incident,omitempty"`
}

// WatchdogRule is the policy of the watchdogs.
type WatchdogRule struct {
	// RoomSilence is how long a village room may go without an action or a
	// check-in in wartime before its silence opens an incident (at the
	// town tier). Peacetime does not watch the rooms.
	RoomSilence time.Duration
	Severity    Severity // of the incidents silences open
	Category    Category // of the incidents silences open
}

// DefaultWatchdogRule is the shipped rule; config.yaml documents the same.
func DefaultWatchdogRule() WatchdogRule {
	return WatchdogRule{RoomSilence: 2 * time.Hour, Severity: SeverityII, Category: "hazard"}
}

// Validate checks the rule against the policy's categories.
func (r WatchdogRule) Validate(cats map[Category]Platform) error {
	if r.RoomSilence <= 0 {
		return Errorf(EINVALID, "watchdog.room_silence: must be a positive duration").Zh("watchdog.room_silence：应为正的时长").On("watchdog.room_silence")
	}
	if r.Severity < SeverityI || r.Severity > SeverityIV {
		return Errorf(EINVALID, "watchdog.severity: want I, II, III or IV").Zh("watchdog.severity：应为 I、II、III 或 IV").On("watchdog.severity")
	}
	if _, ok := cats[r.Category]; !ok {
		return Errorf(EINVALID, "watchdog.category: category %q: want one of %s", r.Category, joinCategories(cats, ", ")).
			Zh("watchdog.category：类别 %q：应为 %s 之一", r.Category, joinCategories(cats, "、")).On("watchdog.category")
	}
	return nil
}

// GatewayReport is the report a gateway's silence files, at the gateway's
// node (and tier, StartTier).
func (r WatchdogRule) GatewayReport(h Heartbeat, now time.Time, loc *time.Location) Report {
	last := "从未收到心跳"
	if !h.LastAt.IsZero() {
		last = "最后一次 " + h.LastAt.In(loc).Format("01-02 15:04:05")
	}
	return Report{
		Node: h.Node, Category: string(r.Category), Severity: r.Severity, Source: SourceWatchdog, Reporter: System,
		Title: fmt.Sprintf("感知网关 %s 静默（超过 %s 无心跳）", h.Name, ShortDuration(h.Every)),
		Text:  fmt.Sprintf("网关 %s 应每 %s 发送一次心跳或告警；%s。心跳恢复后本事件自动办结。", h.Name, ShortDuration(h.Every), last),
	}
}

// RoomReport is the report a village room's silence files, at the village
// (and, by WatchdogTier, at the town tier: the room itself is silent).
func (r WatchdogRule) RoomReport(village NodeCode, villageName string, last, now time.Time, loc *time.Location) Report {
	return Report{
		Node: village, Category: string(r.Category), Severity: r.Severity, Source: SourceWatchdog, Reporter: System,
		Title: fmt.Sprintf("%s村指挥室静默（战时超过 %s 无操作或报到）", villageName, ShortDuration(r.RoomSilence)),
		Text: fmt.Sprintf("%s村指挥室自 %s 起没有任何操作或报到。请电话联系该村值班人员；该村再有操作或报到（gridcmd duty checkin）时本事件自动办结。",
			villageName, last.In(loc).Format("01-02 15:04:05")),
	}
}

// PatrolReport is the report a patroller's silence on patrol p files, at
// the area's village (and, by WatchdogTier, at the village tier, as a
// gateway's there: the village room rings the patroller). area and
// patroller are the names the report gives; silence is patrol.silence.
func (r WatchdogRule) PatrolReport(p Patrol, area, patroller string, silence time.Duration, loc *time.Location) Report {
	since := "开始巡护于"
	if len(p.CheckIns) > 0 {
		since = "最后一次打卡于"
	}
	return Report{
		Node: p.Village, Category: string(r.Category), Severity: r.Severity, Source: SourceWatchdog, Reporter: System,
		Title: fmt.Sprintf("巡护员 %s 巡护中静默（%s 超过 %s 未打卡）", patroller, p.ID, ShortDuration(silence)),
		Text: fmt.Sprintf("巡护员 %s 正在巡护 %s %s（%s，%s 起）；%s %s，此后超过 %s 没有打卡。请电话联系巡护员；其下一次打卡或本次巡护结束时本事件自动办结。",
			patroller, p.Area, area, p.ID, p.Started.In(loc).Format("01-02 15:04"), since, p.LastSeen().In(loc).Format("01-02 15:04:05"), ShortDuration(silence)),
	}
}

// WatchdogTier is the tier a silence's incident starts at: a room's at the
// town tier (the room that fell silent cannot chase itself), a gateway's
// and a patroller's at its node's own tier (a patroller's node is the
// area's village).
func WatchdogTier(kind string, node NodeCode) Tier {
	if kind == SilenceRoom {
		return TierTown
	}
	return StartTier(node)
}

// RoomSilenceDue is when a village room falls silent: the silence after its
// last action or check-in, or after wartime began if that was later.
func RoomSilenceDue(last, since time.Time, silence time.Duration) time.Time {
	if last.Before(since) {
		last = since
	}
	return last.Add(silence)
}

// SilenceEnds resolves a silence's incident by itself (the system) when
// what it watched is heard again: what names it for the note ("gateway
// gw-01", in Chinese whatZh), silent since it was last heard.
func (i Incident) SilenceEnds(what, whatZh string, silentSince, now time.Time) (Incident, Event, error) {
	return i.silenceEnds(silentSince, now, func(took string) (string, string) {
		return fmt.Sprintf("%s heard again after %s of silence: resolved by itself", what, took),
			fmt.Sprintf("%s 已恢复（静默 %s 后）：自动办结", whatZh, took)
	})
}

// PatrolSilenceEnds resolves the incident of a patroller's silence on
// patrol p by itself: the patroller checked in again, or (ended) the
// patrol ended, silentSince being the last they were heard (p.LastSeen
// before the check-in). patroller names them.
func (i Incident) PatrolSilenceEnds(p Patrol, patroller string, ended bool, silentSince, now time.Time) (Incident, Event, error) {
	return i.silenceEnds(silentSince, now, func(took string) (string, string) {
		if ended {
			return fmt.Sprintf("patrol %s of %s ended after %s of silence: resolved by itself", p.ID, patroller, took),
				fmt.Sprintf("巡护员 %s 的巡护 %s 已结束（静默 %s）：自动办结", patroller, p.ID, took)
		}
		return fmt.Sprintf("patroller %s checked in again on %s after %s of silence: resolved by itself", patroller, p.ID, took),
			fmt.Sprintf("巡护员 %s 已在 %s 重新打卡（静默 %s 后）：自动办结", patroller, p.ID, took)
	})
}

// silenceEnds resolves the silence's incident with the note note makes of
// how long it was silent.
func (i Incident) silenceEnds(silentSince, now time.Time, note func(took string) (string, string)) (Incident, Event, error) {
	if i.Source != SourceWatchdog || !i.Status.Open() {
		return i, Event{}, Errorf(ECONFLICT, "%s: not an open watchdog incident", i.ID).Zh("%s：不是在办的静默监测事件", i.ID)
	}
	before := i.state()
	i.Status, i.ResolvedAt, i.Supervised, i.NextSupervision = StatusResolved, now, false, time.Time{}
	if silentSince.IsZero() || silentSince.After(i.ReportedAt) {
		silentSince = i.ReportedAt
	}
	en, zh := note(FormatWait(now.Sub(silentSince).Round(time.Second)))
	ev := Event{
		At: now, Actor: System, ActorName: "system", Action: ActResolve, Incident: i.ID, IncidentSeq: i.Seq, Node: i.Node,
		Before: before, After: i.state(), Note: en, NoteZh: zh,
	}
	return i, ev, nil
}
