package model

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Handover (交接班): at a shift change the outgoing officer hands the room
// over with a sheet made from the records, and the incoming officer signs
// for it. Until then both are on duty (OnDuty).

// Handover is one shift change's handover and its sheet.
type Handover struct {
	Seq                  uint64
	ID                   string // H-0001
	Room                 NodeCode
	OutShift, InShift    uint64
	Outgoing, Incoming   PersonID
	OutgoingName, InName string
	MadeAt               time.Time
	By                   PersonID // who made it: the outgoing officer, or a duty officer for them
	AcceptedAt           time.Time
	AcceptedBy           PersonID
	Sheet                HandoverSheet
}

// Made reports whether h is a stored handover (not the zero value).
func (h Handover) Made() bool { return h.Seq != 0 }

// Waiting reports whether h is made and not yet signed for.
func (h Handover) Waiting() bool { return h.Seq != 0 && h.AcceptedAt.IsZero() }

// NewHandover makes the handover of the change from shift out to shift in,
// by by (the outgoing officer, or a duty officer of the room's town for
// them), with its sheet, and the event that records it.
func NewHandover(seq uint64, out, in Shift, by Person, sheet HandoverSheet, now time.Time) (Handover, Event, error) {
	if by.ID != out.Person && !(by.Has(RoleDutyOfficer) && by.Node.Town() == out.Room.Town()) {
		return Handover{}, Event{}, Errorf(EFORBIDDEN, "%s may not hand over %s's shift in %s: only the outgoing officer, or a duty officer of the town",
			ActorName(by), nameOf(out), out.Room).
			Zh("%s 不能替 %s 交班（%s）：只有交班人本人或本镇值班员可以", ActorName(by), nameOf(out), out.Room)
	}
	if n := utf8.RuneCountInString(sheet.Note); n > MaxNoteRunes {
		return Handover{}, Event{}, Errorf(EINVALID, "note: %d characters, at most %d", n, MaxNoteRunes).Zh("备注：%d 字，最多 %d 字", n, MaxNoteRunes).On("note")
	}
	sheet.Note = clean(sheet.Note, true)
	h := Handover{
		Seq: seq, ID: FormatHandoverID(seq), Room: out.Room, OutShift: out.Seq, InShift: in.Seq,
		Outgoing: out.Person, Incoming: in.Person, OutgoingName: nameOf(out), InName: nameOf(in),
		MadeAt: now, By: by.ID, Sheet: sheet,
	}
	open, red := 0, 0
	for _, t := range sheet.Open {
		open += t.Open
		red += t.Red
	}
	ev := Event{
		At: now, Actor: by.ID, ActorName: ActorName(by), Action: ActHandover, Node: out.Room, Directive: h.ID,
		Note: fmt.Sprintf("%s: %s hands over to %s: %d open, %d red, %d supervised, %d silent",
			h.ID, h.OutgoingName, h.InName, open, red, len(sheet.Supervisions), len(sheet.Silences)),
		NoteZh: fmt.Sprintf("%s：%s 交班给 %s：在办 %d，超时 %d，督办 %d，静默 %d",
			h.ID, h.OutgoingName, h.InName, open, red, len(sheet.Supervisions), len(sheet.Silences)),
	}
	return h, ev, nil
}

// Accept is the incoming officer signing for the handover. Only they may.
func (h Handover) Accept(by Person, now time.Time) (Handover, Event, error) {
	if !h.AcceptedAt.IsZero() {
		return h, Event{}, Errorf(ECONFLICT, "%s was signed for at %s", h.ID, stamp(h.AcceptedAt)).Zh("%s 已于 %s 签收", h.ID, stamp(h.AcceptedAt))
	}
	if by.ID != h.Incoming {
		return h, Event{}, Errorf(EFORBIDDEN, "%s is for %s to sign for, not %s", h.ID, h.InName, ActorName(by)).
			Zh("%s 应由 %s 签收，不是 %s", h.ID, h.InName, ActorName(by))
	}
	h.AcceptedAt, h.AcceptedBy = now, by.ID
	took := now.Sub(h.MadeAt).Round(time.Second)
	ev := Event{
		At: now, Actor: by.ID, ActorName: ActorName(by), Action: ActHandoverAccept, Node: h.Room, Directive: h.ID,
		Note:   fmt.Sprintf("%s: %s signs for the handover from %s after %s", h.ID, h.InName, h.OutgoingName, FormatWait(took)),
		NoteZh: fmt.Sprintf("%s：%s 签收 %s 的交班，用时 %s", h.ID, h.InName, h.OutgoingName, FormatWait(took)),
	}
	return h, ev, nil
}

// SignsAt refuses signing for h at the seat of p unless it is the
// incoming officer's own, or the outgoing officer's desk, where the
// incoming one signs in person at the change: a console elsewhere may not
// sign in the incoming officer's name.
func (h Handover) SignsAt(p Person) error {
	if p.ID == h.Incoming || p.ID == h.Outgoing {
		return nil
	}
	return Errorf(EFORBIDDEN, "%s is for %s to sign for, at their console or %s's desk, not at %s's", h.ID, h.InName, h.OutgoingName, ActorName(p)).
		Zh("%s 应由 %s 在其本人控制台或 %s 的值班台签收，不能在 %s 的控制台签收", h.ID, h.InName, h.OutgoingName, ActorName(p))
}

// HandoverFilter selects handovers: of a room ("" every room), the last
// one made at or before At (zero: the latest); Limit 0 for one.
type HandoverFilter struct {
	Room  NodeCode  `json:"room,omitempty"`
	At    time.Time `json:"at"`
	Limit int       `json:"limit,omitempty"`
}

// HandoverSheet is what the outgoing officer hands over, made from the
// records at the shift change. Its JSON is what `handover show --json`
// prints and what the store keeps (the field names are the format).
type HandoverSheet struct {
	Room         NodeCode         `json:"room"`
	RoomName     string           `json:"room_name"`
	From         time.Time        `json:"from"` // the outgoing shift's start
	To           time.Time        `json:"to"`   // when the sheet was made
	Open         []SheetTier      `json:"open"` // top tier first
	Supervisions []SheetEvent     `json:"supervisions"`
	Directives   []SheetDirective `json:"directives"`
	Wartime      *SheetWartime    `json:"wartime,omitempty"`
	Silences     []Silence        `json:"silences"`
	Changes      map[Action]int   `json:"changes"` // events during the shift, by action
	Notable      []SheetEvent     `json:"notable"` // newest first
	Note         string           `json:"note,omitempty"`
}

// SheetTier is one tier's open incidents on a sheet.
type SheetTier struct {
	Tier      Tier            `json:"tier"`
	Open      int             `json:"open"`
	Red       int             `json:"red"`
	Incidents []SheetIncident `json:"incidents"` // red first, then least time left; at most SheetIncidentsPerTier
}

// SheetIncident is one open incident on a sheet.
type SheetIncident struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Severity   string   `json:"severity"`
	Status     Status   `json:"status"`
	Node       NodeCode `json:"node"`
	NodeName   string   `json:"node_name"`
	Red        bool     `json:"red"`
	Remaining  int64    `json:"remaining_seconds"`
	Supervised bool     `json:"supervised,omitempty"`
}

// SheetEvent is one event on a sheet, with its names.
type SheetEvent struct {
	At        time.Time `json:"at"`
	Action    Action    `json:"action"`
	Incident  string    `json:"incident,omitempty"`
	Ref       string    `json:"ref,omitempty"` // an activation, directive, shift or handover id
	Node      NodeCode  `json:"node,omitempty"`
	NodeName  string    `json:"node_name,omitempty"`
	ActorName string    `json:"actor_name"`
	Note      string    `json:"note,omitempty"`
	NoteZh    string    `json:"note_zh,omitempty"`
}

// Label is what a sheet names the event by before note (its note, in the
// sheet's language): its incident or reference, or its incident alone
// where the note begins with the reference (a wartime's or a directive's
// does: "W-0002：防台，范围 …"), so the id is not said twice.
func (e SheetEvent) Label(note string) string {
	if e.Ref != "" && strings.HasPrefix(note, e.Ref) {
		return e.Incident
	}
	return e.Incident + e.Ref
}

// SheetDirective is a live directive some units have not signed for.
type SheetDirective struct {
	ID          string     `json:"id"`
	Text        string     `json:"text"`
	Units       int        `json:"units"`
	Signed      int        `json:"signed"`
	Done        int        `json:"done"`
	Silent      int        `json:"silent"`
	Deadline    time.Time  `json:"deadline"`
	SilentUnits []NodeCode `json:"silent_units"` // the first SheetSilentUnits of them
}

// SheetWartime is the wartime state on a sheet.
type SheetWartime struct {
	ID         string    `json:"id"`
	Reason     Reason    `json:"reason"`
	Drill      bool      `json:"drill,omitempty"`
	Since      time.Time `json:"since"`
	MicroGrids int       `json:"micro_grids"`
	Staffed    int       `json:"staffed"`
	Gaps       int       `json:"gaps"`
	// Rooms is who staffs the wartime command rooms; nil when they were
	// not counted.
	Rooms *SheetRooms `json:"rooms,omitempty"`
}

// SheetRooms is who staffs the wartime command rooms on a sheet, as
// RoomsOnDuty counts them: the town room, and how many of the villages the
// sheet's micro-grids lie in have their village room staffed.
type SheetRooms struct {
	Town            bool `json:"town"`
	Villages        int  `json:"villages"`
	VillagesStaffed int  `json:"villages_staffed"`
}

// Text says who staffs the rooms, in English and Chinese: "town room
// staffed, village rooms 3/5" (3 of the 5 village rooms of the sheet's
// micro-grids are staffed).
func (r SheetRooms) Text() (en, zh string) {
	town, townZh := "staffed", "有人在岗"
	if !r.Town {
		town, townZh = "not staffed", "无人在岗"
	}
	return fmt.Sprintf("town room %s, village rooms %d/%d", town, r.VillagesStaffed, r.Villages),
		fmt.Sprintf("%s%s，%s在岗 %d/%d", TierTown.RoomZh(), townZh, TierVillage.RoomZh(), r.VillagesStaffed, r.Villages)
}

// sheetRooms counts the rooms of units' villages that r finds staffed.
func sheetRooms(units []UnitStatus, r RoomsOnDuty) *SheetRooms {
	if !r.Counted {
		return nil
	}
	out := &SheetRooms{Town: r.Town}
	seen := map[NodeCode]bool{}
	for _, u := range units {
		v := u.MicroGrid.Village()
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		out.Villages++
		if slices.Contains(r.Villages, v) {
			out.VillagesStaffed++
		}
	}
	return out
}

// Limits of a sheet: it is read at a desk, not searched.
const (
	SheetIncidentsPerTier = 15
	SheetSilentUnits      = 10
	SheetNotable          = 12
)

// SheetInput is what a sheet is made from, as the store reads it.
type SheetInput struct {
	Room     NodeCode
	RoomName string
	From, To time.Time
	Open     []Incident            // open incidents in the room's scope
	Events   []Event               // the scope's events in [From, To], any order
	Names    func(NodeCode) string // display name of a node
	Wartime  WartimeStatus
	Live     []DirectiveUnits // the active activation's directives, their units in scope
	Silences []Silence
	Note     string
}

// DirectiveUnits is a directive with some of its units.
type DirectiveUnits struct {
	Directive Directive
	Units     []DirectiveUnit
}

// BuildSheet makes a handover sheet from the records: the open incidents
// by tier, top tier first, red ones first within a tier; the supervisions
// during the shift; the directives still unsigned with their silent units;
// the wartime state; the watchdog silences; the shift's events counted by
// action and the notable ones; and the outgoing officer's note.
func BuildSheet(in SheetInput) HandoverSheet {
	name := in.Names
	if name == nil {
		name = func(c NodeCode) string { return string(c) }
	}
	s := HandoverSheet{
		Room: in.Room, RoomName: in.RoomName, From: in.From, To: in.To, Note: in.Note,
		Supervisions: []SheetEvent{}, Directives: []SheetDirective{}, Silences: []Silence{},
		Changes: map[Action]int{}, Notable: []SheetEvent{},
	}
	byTier := map[Tier][]Incident{}
	for _, inc := range in.Open {
		if inc.Status.Open() {
			byTier[inc.Tier] = append(byTier[inc.Tier], inc)
		}
	}
	for i := len(Tiers) - 1; i >= 0; i-- {
		t := Tiers[i]
		list := byTier[t]
		st := SheetTier{Tier: t, Open: len(list), Incidents: []SheetIncident{}}
		sort.SliceStable(list, func(a, b int) bool {
			x, y := list[a], list[b]
			rx, ry := x.Light(in.To) == LightRed, y.Light(in.To) == LightRed
			if rx != ry {
				return rx
			}
			if dx, dy := x.Remaining(in.To), y.Remaining(in.To); dx != dy {
				return dx < dy
			}
			return x.Seq < y.Seq
		})
		for _, inc := range list {
			red := inc.Light(in.To) == LightRed
			if red {
				st.Red++
			}
			if len(st.Incidents) < SheetIncidentsPerTier {
				st.Incidents = append(st.Incidents, SheetIncident{
					ID: inc.ID, Title: inc.Title, Severity: inc.Severity.String(), Status: inc.Status,
					Node: inc.Node, NodeName: name(inc.Node), Red: red,
					Remaining: int64(inc.Remaining(in.To) / time.Second), Supervised: inc.Supervised,
				})
			}
		}
		s.Open = append(s.Open, st)
	}

	evs := make([]Event, 0, len(in.Events))
	for _, e := range in.Events {
		if !e.At.Before(in.From) && !e.At.After(in.To) {
			evs = append(evs, e)
		}
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].Seq > evs[j].Seq })
	sheetEvent := func(e Event) SheetEvent {
		se := SheetEvent{At: e.At, Action: e.Action, Incident: e.Incident, Ref: e.Directive, Node: e.Node,
			ActorName: e.ActorName, Note: e.Note, NoteZh: e.NoteZh}
		if e.Node != "" {
			se.NodeName = name(e.Node)
		}
		return se
	}
	for _, e := range evs {
		if IsPatrolCheckIn(e) {
			continue // it shares the action of a room's check-in, which the sheet counts (报到)
		}
		s.Changes[e.Action]++
		if e.Action == ActSupervise {
			s.Supervisions = append(s.Supervisions, sheetEvent(e))
		} else if notable(e) && len(s.Notable) < SheetNotable {
			s.Notable = append(s.Notable, sheetEvent(e))
		}
	}

	if a := in.Wartime.Active; a.Active() {
		s.Wartime = &SheetWartime{ID: a.ID, Reason: a.Reason, Drill: a.Drill, Since: a.Since,
			MicroGrids: len(in.Wartime.Units), Staffed: in.Wartime.Staffed, Gaps: in.Wartime.Gaps,
			Rooms: sheetRooms(in.Wartime.Units, in.Wartime.Rooms)}
	}
	for _, du := range in.Live {
		sd := SheetDirective{ID: du.Directive.ID, Text: du.Directive.Text, Deadline: du.Directive.Deadline,
			Units: len(du.Units), SilentUnits: []NodeCode{}}
		for _, u := range du.Units {
			switch {
			case u.Complete():
				sd.Signed++
				sd.Done++
			case u.Signed():
				sd.Signed++
			default:
				sd.Silent++
				if len(sd.SilentUnits) < SheetSilentUnits {
					sd.SilentUnits = append(sd.SilentUnits, u.Unit)
				}
			}
		}
		if sd.Silent > 0 {
			sort.Slice(sd.SilentUnits, func(i, j int) bool { return sd.SilentUnits[i] < sd.SilentUnits[j] })
			s.Directives = append(s.Directives, sd)
		}
	}
	s.Silences = append(s.Silences, in.Silences...)
	sort.SliceStable(s.Silences, func(i, j int) bool { return s.Silences[i].Since.Before(s.Silences[j].Since) })
	return s
}

// notable is what a sheet lists of the shift's events besides the counts:
// what climbed to the town room or the task force, what was reopened,
// wartime begun, widened or ended, directives issued, silences raised or ended, and
// shift swaps.
func notable(e Event) bool {
	switch e.Action {
	case ActEscalate:
		return e.Incident != "" && (e.After.Tier == TierTown || e.After.Tier == TierTaskForce)
	case ActReopen, ActActivate, ActWiden, ActDeactivate, ActDirective, ActShiftSwap:
		return true
	case ActReport:
		return e.Actor == System && e.After.Tier != ""
	case ActResolve:
		return e.Actor == System
	}
	return false
}

// Counts are the sheet's open incidents, all tiers: how many, how many red.
func (s HandoverSheet) Counts() (open, red int) {
	for _, t := range s.Open {
		open += t.Open
		red += t.Red
	}
	return open, red
}

// Digest is a fingerprint of what the sheet says as the officer reads it:
// every part of it but the moment it was made (To) and the incidents'
// seconds left, which move with the clock while the sheet says the same
// (a light turning red does change it). A hand-over given from a preview
// carries the preview's digest, and is refused when the sheet made at the
// hand-over says something else: what is filed is what was read.
func (s HandoverSheet) Digest() string {
	s.To = time.Time{}
	open := make([]SheetTier, len(s.Open))
	for i, t := range s.Open {
		incs := make([]SheetIncident, len(t.Incidents))
		for j, inc := range t.Incidents {
			inc.Remaining = 0
			incs[j] = inc
		}
		t.Incidents = incs
		open[i] = t
	}
	s.Open = open
	b, err := json.Marshal(s)
	if err != nil {
		panic(err) // a sheet is plain data: it always encodes
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// ErrSheetMoved is the refusal of a hand-over whose sheet changed since
// the officer read it (Digest).
func ErrSheetMoved() error {
	return Errorf(ECONFLICT, "the handover sheet changed since you read it: read it again").
		Zh("交班单在您阅读后已有变化：请重新阅读").On("seen")
}
