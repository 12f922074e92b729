package model

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The duty schedule (值班表): the shifts of the town room and of each
// village room, the weekly rotations that generate them, and who is on
// duty in a room at a given time.

// Actions of the duty schedule, handovers and watchdogs.
const (
	ActShift          Action = "shift"           // shifts scheduled: added, imported or made by a rotation
	ActShiftSwap      Action = "shift_swap"      // one officer takes another's shift
	ActHandover       Action = "handover"        // the outgoing officer hands over: the sheet
	ActHandoverAccept Action = "handover_accept" // the incoming officer signs for the sheet
	ActCheckIn        Action = "checkin"         // a village room says it is there
	ActHeartbeat      Action = "heartbeat"       // a gateway's heartbeat added or removed
)

// MaxShift is the longest shift the schedule takes: a rotation may hand
// over once a week, nothing holds a room for longer than a month.
const MaxShift = 31 * 24 * time.Hour

// Shift is one officer's time on duty in one room: the town room (Room is
// the town's code) or a village room (the village's code).
type Shift struct {
	Seq      uint64
	ID       string // S-0001
	Room     NodeCode
	Person   PersonID
	From, To time.Time
	By       PersonID // who scheduled it
	// Swapped is whose shift it was before the last swap (0: never swapped).
	Swapped PersonID
	// Swaps are its changes of hands, oldest first, each with whose it was
	// before (the last one's is Swapped); a shift swapped before they were
	// kept has Swapped without them.
	Swaps []ShiftSwap
	// Name and Phone are the person's, from the roster, when read (not stored).
	Name, Phone string
}

// ShiftSwap is one change of hands of a shift: when, and whose it was
// before.
type ShiftSwap struct {
	At   time.Time
	From PersonID
}

// HeldAt is the shift as it stood at t: the swaps made after t undone, so
// that its officer is the one who held it then (the duty at a past time: a
// replay's header, duty now --at). Name and Phone, the roster's for its
// officer, are cleared when it changes hands back.
func (s Shift) HeldAt(t time.Time) Shift {
	n := len(s.Swaps)
	for n > 0 && s.Swaps[n-1].At.After(t) {
		n--
		s.Person, s.Name, s.Phone = s.Swaps[n].From, "", ""
	}
	if n == len(s.Swaps) {
		return s
	}
	s.Swaps, s.Swapped = s.Swaps[:n:n], 0
	if n > 0 {
		s.Swapped = s.Swaps[n-1].From
	}
	return s
}

// FormatShiftID makes the public id of the n-th shift.
func FormatShiftID(n uint64) string { return fmt.Sprintf("S-%04d", n) }

// FormatHandoverID makes the public id of the n-th handover.
func FormatHandoverID(n uint64) string { return fmt.Sprintf("H-%04d", n) }

// ParseRoom reads a room as an officer gives it: "town" (or 全镇, 镇) for
// town, a town code, or a village code.
func ParseRoom(s string, town NodeCode) (NodeCode, error) {
	t := strings.TrimSpace(s)
	if WholeTown(t) || t == "镇" {
		if town == "" {
			return "", Errorf(EINVALID, "room %q: no town to mean; give its code", s).Zh("值班室 %q：不知是哪个镇，请给出镇代码", s).On("room")
		}
		return town, nil
	}
	c, err := ParseNodeCode(t)
	if err != nil {
		return "", Errorf(EINVALID, "room: %s", ErrorMessage(err)).Zh("值班室：%s", ErrorMessageZh(err)).On("room")
	}
	if err := CheckRoom(c); err != nil {
		return "", err
	}
	return c, nil
}

// CheckRoom refuses a code that is not a room's: rooms are towns and villages.
func CheckRoom(c NodeCode) error {
	if l := c.Level(); l != LevelTown && l != LevelVillage {
		if l == 0 {
			_, err := c.level()
			return Errorf(EINVALID, "room: %s", ErrorMessage(err)).Zh("值班室：%s", ErrorMessageZh(err)).On("room")
		}
		return Errorf(EINVALID, "room %s is a %s; the rooms are the town room and the village rooms", c, l).
			Zh("值班室 %s 是%s；值班室只有镇指挥室和村指挥室", c, l.Zh()).On("room")
	}
	return nil
}

// RoomTier is the tier of the command chain a room holds: the town room
// the town tier, a village room the village tier.
func RoomTier(room NodeCode) Tier {
	if room.Level() == LevelVillage {
		return TierVillage
	}
	return TierTown
}

// RoomName names a room: "花街镇 镇指挥室", or in English "花街镇 town room".
func RoomName(room NodeCode, nodeName string, zh bool) string {
	if nodeName == "" {
		nodeName = string(room)
	}
	if zh {
		return nodeName + " " + RoomTier(room).RoomZh()
	}
	return nodeName + " " + string(RoomTier(room)) + " room"
}

// BatchShift is how a refusal of shifts scheduled together (AddShifts)
// names the n-th of them (1-based; Error.Other), in English and in
// Chinese: a caller that knows the batch by other names (a file's lines)
// finds it in the message by this text and puts its own in its place.
func BatchShift(n int) (en, zh string) {
	return fmt.Sprintf("shift %d of this batch", n), fmt.Sprintf("本批第 %d 个班次", n)
}

// MayStaff reports whether p may hold a shift in room: a duty officer of
// the room's town in any of its rooms, a village cadre in their own
// village's room.
func MayStaff(p Person, room NodeCode) bool {
	if p.Has(RoleDutyOfficer) && p.Node.Town() == room.Town() {
		return true
	}
	return room.Level() == LevelVillage && p.Has(RoleVillageCadre) && p.Node.Village() == room
}

// MaySchedule reports whether p may schedule (add, import, rotate)
// shifts in room: whoever may staff it (MayStaff: the town's duty
// officers, the village's cadres for its room), or a duty officer placed
// above the towns (a county, city or province room) whose division holds
// the room, who schedules its towns' officers without staffing their
// rooms.
func MaySchedule(p Person, room NodeCode) bool {
	if p.Has(RoleDutyOfficer) && p.Node.Level().AboveTown() && p.Node.Contains(room) {
		return true
	}
	return MayStaff(p, room)
}

// RefuseSchedule is the refusal of p scheduling in room (MaySchedule),
// which names the room (roomName: "渎溪村 330784114266", NameNodes) and,
// for a room of another town than p's, that town and p's by names where it
// knows them (NameNodes).
func RefuseSchedule(p Person, room NodeCode, roomName string, names func(NodeCode) string) *Error {
	named := func(c NodeCode) string { return NameNodes([]NodeCode{c}, names, "") }
	own := p.Node.Town()
	if own == "" || own == room.Town() {
		return Errorf(EFORBIDDEN, "%s may not schedule shifts in %s: only a duty officer of its town or above it, or a cadre of the village for its room",
			p.Name, roomName).
			Zh("%s 不能为 %s 排班：只有本镇（或上级）值班员，或（村指挥室）本村村干部可以", p.Name, roomName)
	}
	return Errorf(EFORBIDDEN, "%s of %s may not schedule shifts in %s: it is a room of %s, another town; only its own town's duty officers, or a county officer over it, may",
		p.Name, named(own), roomName, named(room.Town())).
		Zh("%s（%s）不能为 %s 排班：该值班室属 %s，不是其所在镇街；只有该镇街值班员或上级（县市）值班员可以",
			p.Name, named(own), roomName, named(room.Town())).On("room")
}

// CheckShift checks a shift before it is scheduled: a room, a span of
// time of at most MaxShift, and a person who may staff the room. Its
// refusals name the room by its name where names knows it, with its code
// (NameNodes: "渎溪村 330784114266").
func CheckShift(s Shift, p Person, names func(NodeCode) string) error {
	if err := CheckRoom(s.Room); err != nil {
		return err
	}
	room := NameNodes([]NodeCode{s.Room}, names, "")
	if s.From.IsZero() || s.To.IsZero() || !s.From.Before(s.To) {
		return Errorf(EINVALID, "shift in %s: from %s to %s: it must end after it begins", room, stamp(s.From), stamp(s.To)).
			Zh("%s 的班次：%s 至 %s：结束须晚于开始", room, stamp(s.From), stamp(s.To)).On("to")
	}
	if s.To.Sub(s.From) > MaxShift {
		return Errorf(EINVALID, "shift in %s: %s long, at most %s", room, FormatWait(s.To.Sub(s.From)), FormatWait(MaxShift)).
			Zh("%s 的班次：长 %s，最长 %s", room, FormatWait(s.To.Sub(s.From)), FormatWait(MaxShift)).On("to")
	}
	if !MayStaff(p, s.Room) {
		return Errorf(EFORBIDDEN, "%s (%s) may not hold a shift in %s: only a duty officer of its town, or a village cadre of the village for a village room",
			p.Name, roleList(p, false), room).
			Zh("%s（%s）不能在 %s 值班：只有本镇值班员，或（村指挥室）本村村干部可以", p.Name, roleList(p, true), room).On("person")
	}
	return nil
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format("2006-01-02 15:04")
}

// Overlaps reports whether two shifts share some time.
func (s Shift) Overlaps(o Shift) bool { return s.From.Before(o.To) && o.From.Before(s.To) }

// Covers reports whether the shift runs at t.
func (s Shift) Covers(t time.Time) bool { return !t.Before(s.From) && t.Before(s.To) }

// Scheduled reports whether s is a stored shift (not the zero value).
func (s Shift) Scheduled() bool { return s.Seq != 0 }

// Swap gives the shift to person to, who must be able to staff its room;
// a shift already over cannot change hands.
func (s Shift) Swap(to Person, by Person, now time.Time) (Shift, Event, error) {
	officer := by.Has(RoleDutyOfficer) && (by.Node.Town() == s.Room.Town() || by.Node.Level().AboveTown() && by.Node.Contains(s.Room))
	if by.ID != System && by.ID != s.Person && by.ID != to.ID && !officer {
		return s, Event{}, Errorf(EFORBIDDEN, "%s may not swap %s: only its officer, the one who takes it, or a duty officer of the town or above it", ActorName(by), s.ID).
			Zh("%s 不能调换 %s：只有本班值班人、接班人或本镇（或上级）值班员可以", ActorName(by), s.ID)
	}
	if !now.Before(s.To) {
		return s, Event{}, Errorf(ECONFLICT, "%s is over (it ended %s); only a shift to come or running can be swapped", s.ID, stamp(s.To)).
			Zh("%s 已结束（%s）；只能换尚未结束的班", s.ID, stamp(s.To))
	}
	if to.ID == s.Person {
		return s, Event{}, Errorf(ECONFLICT, "%s is already %s's shift", s.ID, to.Name).Zh("%s 本就是 %s 的班", s.ID, to.Name).On("person")
	}
	if !MayStaff(to, s.Room) {
		return s, Event{}, Errorf(EFORBIDDEN, "%s (%s) may not hold a shift in %s", to.Name, roleList(to, false), s.Room).
			Zh("%s（%s）不能在 %s 值班", to.Name, roleList(to, true), s.Room).On("person")
	}
	from := s.Name
	if from == "" {
		from = s.Person.String()
	}
	out := s
	out.Swapped, out.Person, out.Name, out.Phone = s.Person, to.ID, to.Name, to.Phone
	out.Swaps = append(slices.Clip(s.Swaps), ShiftSwap{At: now, From: s.Person})
	ev := Event{
		At: now, Actor: by.ID, ActorName: ActorName(by), Action: ActShiftSwap, Node: s.Room, Directive: s.ID,
		Note:   fmt.Sprintf("%s %s–%s: %s → %s", s.ID, s.From.Format("01-02 15:04"), s.To.Format("01-02 15:04"), from, to.Name),
		NoteZh: fmt.Sprintf("%s %s–%s：%s → %s", s.ID, s.From.Format("01-02 15:04"), s.To.Format("01-02 15:04"), from, to.Name),
	}
	return out, ev, nil
}

// ShiftFilter selects shifts; zero fields select all.
type ShiftFilter struct {
	Room NodeCode  `json:"room,omitempty"`
	From time.Time `json:"from"` // shifts that overlap [From, To); zero: unbounded
	To   time.Time `json:"to"`
}

// Rotation is a rule that generates shifts, as GoAlert's rotations do: the
// people take turns in the room, each for one shift of Length, handing over
// at Handoff (a wall-clock time in the room's zone) and every Length after.
type Rotation struct {
	Room    NodeCode
	People  []PersonID
	Length  time.Duration // a whole number of hours that divides a day, or whole days
	Handoff string        // "08:00"
}

// ParseClock reads a wall-clock time "08:00" (or "8:00", "0800") into
// minutes after midnight.
func ParseClock(s string) (int, error) {
	t := strings.TrimSpace(s)
	h, m, ok := strings.Cut(t, ":")
	if !ok && len(t) == 4 {
		h, m, ok = t[:2], t[2:], true
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 || len(m) != 2 {
		return 0, Errorf(EINVALID, "handoff %q: want a time of day such as 08:00", s).Zh("交接时间 %q：应为一天中的时刻，如 08:00", s).On("handoff")
	}
	return hh*60 + mm, nil
}

// ParseShiftLength reads a rotation's shift length as an officer gives it:
// hours (12h, 8h30m is read and then refused by Check) or whole days (1d,
// 7d, 2天). Whether the length is one a rotation takes is Check's.
func ParseShiftLength(s string) (time.Duration, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	days, ok := strings.CutSuffix(t, "d")
	if !ok {
		days, ok = strings.CutSuffix(t, "天")
	}
	if ok {
		if n, err := strconv.Atoi(strings.TrimSpace(days)); err == nil && n >= 1 && n <= 366 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(t); err == nil {
		return d, nil
	}
	return 0, Errorf(EINVALID, "shift length %q: want hours such as 8h, 12h, 24h or whole days such as 1d, 7d", s).
		Zh("班长 %q：应为小时数（如 8h、12h、24h）或整天数（如 1d、7d）", s).On("length")
}

// Check refuses a rotation that cannot generate a schedule.
func (r Rotation) Check() error {
	if err := CheckRoom(r.Room); err != nil {
		return err
	}
	if len(r.People) == 0 {
		return Errorf(EINVALID, "rotation: no people").Zh("轮值：没有人员").On("people")
	}
	if _, err := ParseClock(r.Handoff); err != nil {
		return err
	}
	h := r.Length / time.Hour
	if r.Length%time.Hour != 0 || h < 1 || h < 24 && 24%h != 0 || h > 24 && h%24 != 0 || r.Length > MaxShift {
		return Errorf(EINVALID, "shift length %s: want whole hours that divide a day (1h, 2h, 3h, 4h, 6h, 8h, 12h) or whole days (24h, 48h, 168h, ...)", r.Length).
			Zh("班长 %s：应为能整除一天的整小时（1h、2h、3h、4h、6h、8h、12h）或整天（24h、48h、168h……）", r.Length).On("length")
	}
	return nil
}

// Shifts generates the rotation's shifts from the first handoff on day
// (the local date of first, in loc) for the given number of days: the
// handoffs fall at the handoff time and every Length after it, counted on
// the wall clock of loc, so they stay at the same times of day across
// midnight and across a change of daylight time (the shift that spans the
// change is an hour shorter or longer). A handoff at a time the change
// skips (02:30 when clocks go from 02:00 to 03:00) falls as much later
// (03:30); one at a time that happens twice falls at the first. The people
// take the shifts in turn, the first person the first shift.
func (r Rotation) Shifts(first time.Time, days int, loc *time.Location) ([]Shift, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	if days < 1 || days > 366 {
		return nil, Errorf(EINVALID, "rotation: %d days; want 1 to 366", days).Zh("轮值：%d 天；应为 1 到 366", days).On("weeks")
	}
	start, _ := ParseClock(r.Handoff)
	step := int(r.Length / time.Minute)
	y, mo, d := first.In(loc).Date()
	end := start + days*24*60
	var hand []time.Time
	for m := start; m <= end; m += step {
		hand = append(hand, WallClock(loc, y, mo, d, m))
	}
	out := make([]Shift, 0, len(hand)-1)
	for i := 0; i+1 < len(hand); i++ {
		out = append(out, Shift{Room: r.Room, Person: r.People[i%len(r.People)], From: hand[i], To: hand[i+1]})
	}
	return out, nil
}

// WallClock is the instant loc's wall clock shows minutes after midnight
// of the given date (minutes may run past a day: 1500 is 01:00 the day
// after). A time that a change of daylight time skips is read with the
// offset before the change, so it falls as much later as the change
// skips; a time that happens twice is the first of the two.
func WallClock(loc *time.Location, y int, mo time.Month, d, minutes int) time.Time {
	day := time.Date(y, mo, d+minutes/(24*60), 0, 0, 0, 0, time.UTC)
	m := minutes % (24 * 60)
	wall := day.Add(time.Duration(m) * time.Minute) // the wall clock, as if in UTC
	// Every offset loc uses near that day: try each; the instants whose
	// wall clock in loc is the one wanted are the candidates.
	var best time.Time
	for _, probe := range []time.Duration{-36 * time.Hour, -12 * time.Hour, 0, 12 * time.Hour, 36 * time.Hour} {
		_, off := wall.Add(probe).In(loc).Zone()
		t := wall.Add(-time.Duration(off) * time.Second)
		if l := t.In(loc); l.Hour()*60+l.Minute() == m && l.Day() == wall.Day() && (best.IsZero() || t.Before(best)) {
			best = t
		}
	}
	if !best.IsZero() {
		return best.In(loc)
	}
	// Skipped: read it with the offset in force just before.
	_, off := wall.Add(-24 * time.Hour).In(loc).Zone()
	return wall.Add(-time.Duration(off) * time.Second).In(loc)
}

// RoomDuty is who is on duty in a room at a time: the officer whose shift
// runs, the outgoing one still on duty until they have handed over and the
// incoming officer has signed for it, and who comes next. A handover made
// early (within HandoverLead before the change) hands the room over when
// it is made: from then the incoming officer is Current and the outgoing
// one Outgoing until it is signed for, then Current alone (Early), though
// the clock has not reached the change.
type RoomDuty struct {
	Room     NodeCode
	RoomName string // the town's or the village's name (RoomName makes the room's)
	Current  Shift  // zero when nobody is scheduled
	Outgoing Shift  // the shift before Current, not yet handed over and signed for; zero when none
	Next     Shift  // the shift after Current (or the next one, when nobody is on now)
	// Ended is, while no shift runs, the last one that ended by t (the
	// schedule has run out, or has a gap before Next): the room has a
	// schedule and nobody on it now. Zero while one runs, or when none
	// ended.
	Ended   Shift
	Pending Handover
	// Early is the handover signed for before the change that put Current
	// on duty ahead of its shift; zero when none.
	Early Handover
}

// OnDuty works out a room's duty at t from its shifts (any order) and its
// handovers: the shift running at t; the one just before it, if it ended
// where the current one began, with another officer, and the handover
// between them has not been signed for by t; the next shift; and the
// handover made by t that is still waiting to be signed for. A handover
// of the running shift to the next one made by t moves the room on to the
// next one early (RoomDuty).
func OnDuty(room NodeCode, shifts []Shift, handovers []Handover, t time.Time) RoomDuty {
	sort.Slice(shifts, func(i, j int) bool { return shifts[i].From.Before(shifts[j].From) })
	rd := RoomDuty{Room: room}
	cur := -1
	var ended Shift
	for i, s := range shifts {
		if s.Covers(t) {
			cur = i
		}
		if s.From.After(t) && !rd.Next.Scheduled() {
			rd.Next = s
		}
		if !s.To.After(t) && !s.To.Before(ended.To) {
			ended = s
		}
	}
	for _, h := range handovers {
		if h.Room == room && !h.MadeAt.After(t) && (h.AcceptedAt.IsZero() || h.AcceptedAt.After(t)) {
			rd.Pending = h
			rd.Pending.AcceptedAt, rd.Pending.AcceptedBy = time.Time{}, 0
		}
	}
	if cur < 0 {
		rd.Ended = ended
		return rd
	}
	rd.Current = shifts[cur]
	if cur+1 < len(shifts) {
		if in := shifts[cur+1]; in.From.Equal(rd.Current.To) {
			if h, ok := handedEarly(handovers, rd.Current, in, t); ok {
				return rd.movedOn(shifts[cur+2:], in, h, t)
			}
		}
	}
	if cur > 0 {
		prev := shifts[cur-1]
		if prev.To.Equal(rd.Current.From) && prev.Person != rd.Current.Person && !HandedOver(handovers, prev, rd.Current, t) {
			rd.Outgoing = prev
		}
	}
	return rd
}

// handedEarly is the handover from the running shift out to the next one
// in made by t, if there is one.
func handedEarly(handovers []Handover, out, in Shift, t time.Time) (Handover, bool) {
	for _, h := range handovers {
		if h.OutShift == out.Seq && h.InShift == in.Seq && !h.MadeAt.After(t) {
			return h, true
		}
	}
	return Handover{}, false
}

// movedOn is rd once the running shift has been handed over early (h) to
// in: in's officer on duty, with the outgoing one until h is signed for
// by t, and the next shift the first of after (the shifts after in, in
// time order).
func (rd RoomDuty) movedOn(after []Shift, in Shift, h Handover, t time.Time) RoomDuty {
	out := rd.Current
	rd.Current, rd.Next = in, Shift{}
	if len(after) > 0 {
		rd.Next = after[0]
	}
	if !h.AcceptedAt.IsZero() && !h.AcceptedAt.After(t) {
		rd.Early = h
		return rd
	}
	rd.Outgoing = out
	return rd
}

// HandedOver reports whether the handover from shift out to shift in was
// signed for by t.
func HandedOver(handovers []Handover, out, in Shift, t time.Time) bool {
	for _, h := range handovers {
		if h.OutShift == out.Seq && h.InShift == in.Seq && !h.AcceptedAt.IsZero() && !h.AcceptedAt.After(t) {
			return true
		}
	}
	return false
}

// HandoverLead is how long before the end of a shift the outgoing officer
// may hand over.
const HandoverLead = time.Hour

// ShiftChange is the change a handover at now is for: the outgoing shift
// and the incoming one. After the change, while the outgoing officer is
// still on duty (not yet signed for), it is Outgoing to Current; within
// HandoverLead before the end of the running shift, Current to Next. A
// preview (a sheet shown, nothing stored) is Current to Next at any time
// in the shift.
func (rd RoomDuty) ShiftChange(now time.Time, preview bool) (out, in Shift, err error) {
	room, roomZh := rd.roomWords()
	switch {
	case rd.Outgoing.Scheduled():
		return rd.Outgoing, rd.Current, nil
	case !rd.Current.Scheduled():
		return Shift{}, Shift{}, Errorf(ECONFLICT, "nobody is on duty in %s now: there is no shift to hand over", room).
			Zh("%s 现在无人值班：没有可交接的班", roomZh)
	case !preview && rd.Early.Made() && now.Before(rd.Current.To.Add(-HandoverLead)):
		e := rd.Early
		return Shift{}, Shift{}, Errorf(ECONFLICT, "%s handed over to %s early (%s, signed for at %s): %s is off duty; %s's shift in %s ends at %s: hand over from %s on",
			e.OutgoingName, e.InName, e.ID, stamp(e.AcceptedAt), e.OutgoingName, nameOf(rd.Current), room, stamp(rd.Current.To), rd.Current.To.Add(-HandoverLead).Format("15:04")).
			Zh("%s 已提前交班给 %s（%s，%s 签收），已下班；%s 在 %s 的班 %s 结束：%s 起方可交班",
				e.OutgoingName, e.InName, e.ID, stamp(e.AcceptedAt), nameOf(rd.Current), roomZh, stamp(rd.Current.To), rd.Current.To.Add(-HandoverLead).Format("15:04"))
	case !rd.Next.Scheduled() || !rd.Next.From.Equal(rd.Current.To):
		return Shift{}, Shift{}, Errorf(ECONFLICT, "nobody is scheduled in %s after %s's shift ends at %s: schedule the next shift first (gridcmd duty add)",
			room, nameOf(rd.Current), stamp(rd.Current.To)).
			Zh("%s 在 %s 的班（%s 结束）之后没有排班：请先排下一班（gridcmd duty add）", roomZh, nameOf(rd.Current), stamp(rd.Current.To))
	case rd.Next.Person == rd.Current.Person:
		return Shift{}, Shift{}, Errorf(ECONFLICT, "%s also holds the next shift in %s: nothing to hand over", nameOf(rd.Current), room).
			Zh("%s 在 %s 也值下一班：无需交接", nameOf(rd.Current), roomZh)
	case !preview && now.Before(rd.Current.To.Add(-HandoverLead)):
		return Shift{}, Shift{}, Errorf(ECONFLICT, "%s's shift in %s ends at %s: hand over from %s on",
			nameOf(rd.Current), room, stamp(rd.Current.To), rd.Current.To.Add(-HandoverLead).Format("15:04")).
			Zh("%s 在 %s 的班 %s 结束：%s 起方可交班", nameOf(rd.Current), roomZh, stamp(rd.Current.To), rd.Current.To.Add(-HandoverLead).Format("15:04"))
	}
	return rd.Current, rd.Next, nil
}

// HandoverWindow is the shift change a handover is for, as a preview
// shows it: the outgoing shift's end, and from when it may be handed over
// (HandoverLead before that end; zero when at once: the change has passed
// and the outgoing officer is still on duty). Both zero when nobody is on
// duty.
func (rd RoomDuty) HandoverWindow() (ends, opens time.Time) {
	switch {
	case rd.Outgoing.Scheduled():
		return rd.Outgoing.To, time.Time{}
	case rd.Current.Scheduled():
		return rd.Current.To, rd.Current.To.Add(-HandoverLead)
	}
	return time.Time{}, time.Time{}
}

// roomWords names rd's room in a refusal: "渎溪村 村指挥室" / "渎溪村
// village room", its code only when its name is not known.
func (rd RoomDuty) roomWords() (en, zh string) {
	return RoomName(rd.Room, rd.RoomName, false), RoomName(rd.Room, rd.RoomName, true)
}

func nameOf(s Shift) string {
	if s.Name != "" {
		return s.Name
	}
	return s.Person.String()
}
