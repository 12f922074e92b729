package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// A town's duty schedule and joint rotations on the hub. A town's record
// carries, besides what fed_mirror.go adds:
//   - the shifts a shift event names (scheduled: S-0001–S-0040; swapped:
//     the one), as they stand, with their swaps;
//   - the handover a handover event names (made, signed for), as it
//     stands, its sheet as the town made it, with its two shifts;
//   - the joint rotation an event is about (its Ref: the rotation's
//     import, an activity report on it), as it stands;
//   - and, once, the schedule as it stands (fed_duty_snapshot.go): the
//     shifts duty now reads (from the one before each room's current),
//     the open handovers and the joint rotations, which no event after
//     the town's upgrade may name.
//
// The hub writes them under its own numbers (fed_shifts, fed_handovers,
// fed_rotations map the town's seqs to the hub's S-, H- and R- ids; the
// events that name them name the hub's), and the activity reports into
// rotation_reports. Once the snapshot has all come (fedTownRecord's
// DutySynced), the hub's wartime status counts a federated town's rooms
// by the town's own schedule, as the town does, and duty now reads it;
// before, it counts them by the on-duty flags, as a room without a
// schedule (a copy of one shift swapped is not the schedule). Duty and
// rotation lists show the town's copies. A copy is the town's to change:
// the hub refuses to schedule, swap or hand over in a federated town's
// room, and to set or report on a rotation over its grids. A copy the hub
// cannot keep (its room, or a grid of its rotation, no node of the town
// in the hub's file) is left out with an event of the hub's own saying so
// (ActFedDropped), and the rest of the record applies: one bad copy must
// not stall the county's sync.

// shiftsPerEvent bounds the shifts one shift event names (AddShifts logs
// a larger batch in several): its record carries them all up, and a
// record must stay under NATS's 1 MB whatever else rides on it (a
// structure's part: 800 kB). 500 shift records are about 65 kB.
const shiftsPerEvent = 500

// fedHandoverBudget is the most bytes of a handover a record carries with
// its sheet; a larger one (a shift of thousands of supervisions) goes up
// without it. A variable so that the tests can make a sheet too large.
var fedHandoverBudget = 256 << 10

// dutyMirrors adds to w the shifts, the handover or the joint rotation ev
// is about, or the part of the duty snapshot an ActFedDuty marker names.
func (b *fedBuilder) dutyMirrors(w *fedWire, ev loggedAction) error {
	switch model.Action(ev.Action) {
	case model.ActShift, model.ActShiftSwap:
		if first, last, ok := shiftRange(ev.Directive); ok {
			w.Shifts = b.shifts(first, last)
		}
	case model.ActHandover, model.ActHandoverAccept:
		h, shifts, err := b.handover(ev.Directive)
		if err != nil {
			return err
		}
		w.Handover, w.Shifts = h, shifts
	case model.ActFedDuty:
		return b.dutyPart(w, ev.Directive)
	}
	if !strings.HasPrefix(ev.Ref, "R-") {
		return nil
	}
	seq, err := model.ParseRotationID(ev.Ref)
	if err != nil {
		return nil // not a rotation's id
	}
	if v := b.tx.Bucket(bucketRotations).Get(u64(seq)); v != nil {
		w.Rotation = &fedRef{Seq: seq, Rec: v}
	}
	return nil
}

// shiftRange reads the shifts a shift event names: S-0001, or
// S-0001–S-0040 for a batch.
func shiftRange(ids string) (first, last uint64, ok bool) {
	a, z, ranged := strings.Cut(ids, "–")
	first, err := parseShiftID(a)
	if err != nil {
		return 0, 0, false
	}
	last = first
	if ranged {
		if last, err = parseShiftID(z); err != nil || last < first {
			return 0, 0, false
		}
	}
	return first, last, true
}

// shifts are the stored shifts first to last, at most shiftsPerEvent (a
// batch logged before events were cut at that many goes up in part).
func (b *fedBuilder) shifts(first, last uint64) []fedRef {
	var out []fedRef
	stored := b.tx.Bucket(bucketShifts)
	for seq := first; seq <= last && seq-first < shiftsPerEvent; seq++ {
		if v := stored.Get(u64(seq)); v != nil {
			out = append(out, fedRef{Seq: seq, Rec: v})
		}
	}
	return out
}

// handover is handover id as it stands (without its sheet past
// fedHandoverBudget) and the two shifts it is between (nil when the file
// has no such handover).
func (b *fedBuilder) handover(id string) (*fedRef, []fedRef, error) {
	seq, err := parseHandoverID(id)
	if err != nil {
		return nil, nil, nil
	}
	v := b.tx.Bucket(bucketHandovers).Get(u64(seq))
	if v == nil {
		return nil, nil, nil
	}
	var r handoverRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return nil, nil, fmt.Errorf("handover %s: %w", id, err)
	}
	if len(v) > fedHandoverBudget {
		r.Sheet = json.RawMessage("null")
		if v, err = json.Marshal(r); err != nil {
			return nil, nil, err
		}
	}
	return &fedRef{Seq: seq, Rec: v}, append(b.shifts(r.OutShift, r.OutShift), b.shifts(r.InShift, r.InShift)...), nil
}

// silencedPatrol is the id of the running patrol whose silence the
// watchdog's report ev opened ("" when ev is none such): the report names
// no patrol, and its record carries the patrol so that the hub's copy is
// silent too.
func (b *fedBuilder) silencedPatrol(ev loggedAction) string {
	if model.Action(ev.Action) != model.ActReport || ev.Actor != uint64(model.System) || ev.IncidentSeq == 0 || ev.Ref != "" {
		return ""
	}
	patrols := b.tx.Bucket(bucketPatrols)
	c := b.tx.Bucket(bucketIdxPatrolsActive).Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		var r struct {
			Silence uint64 `json:"silence"`
		}
		if v := patrols.Get(k); v != nil && json.Unmarshal(v, &r) == nil && r.Silence == ev.IncidentSeq {
			return model.FormatPatrolID(getU64(k))
		}
	}
	return ""
}

// dutyMirrors applies the shifts, the handovers and the rotations a
// record carries, and names in m the hub's ids the event then names: a
// handover event its handover, a rotation's its rotation (Ref), others
// the shifts (nameShifts), and a snapshot's part all it carried. A copy
// left out (dropCopy) is named by none: the event then names what was
// kept, or nothing.
func (a *fedApplier) dutyMirrors(town model.NodeCode, w fedWire, m *mirrored) error {
	var shifts []uint64
	for _, fr := range w.Shifts {
		sh, kept, err := a.shift(town, w.Seq, fr)
		if err != nil {
			return err
		}
		if kept {
			shifts = append(shifts, sh.Seq)
		}
	}
	var named []string
	if ids := nameShifts(shifts); ids != "" {
		named = append(named, ids)
	}
	if w.Handover != nil {
		named = nil // a handover event names its handover, not its shifts
	}
	for _, fr := range append(optional(w.Handover), w.Handovers...) {
		h, kept, err := a.handover(town, w.Seq, fr)
		if err != nil {
			return err
		}
		if kept {
			named = append(named, h.ID)
		}
	}
	for _, fr := range w.Rotations {
		r, kept, err := a.rotation(town, w.Seq, fr)
		if err != nil {
			return err
		}
		if kept {
			named = append(named, r.ID)
		}
	}
	switch {
	case len(named) > 0:
		m.directive = strings.Join(named, ", ")
	case len(w.Shifts) > 0 || w.Handover != nil || len(w.Handovers) > 0 || len(w.Rotations) > 0:
		m.dropDirective = true // all it carried left out
	}
	if w.Rotation != nil {
		r, kept, err := a.rotation(town, w.Seq, *w.Rotation)
		if err != nil {
			return err
		}
		if !kept {
			m.dropRef = true
			return nil
		}
		m.ref, m.rotation = r.ID, r.Seq
	}
	return nil
}

// optional is r as a list of none or one.
func optional(r *fedRef) []fedRef {
	if r == nil {
		return nil
	}
	return []fedRef{*r}
}

// nameShifts names hub shifts seqs as an event does: one id, a range
// (S-0004–S-0006) when they follow one another, else their runs
// (S-0004–S-0006, S-0011) up to three, or the first and the last with
// how many, which no range is taken for (S-0004 … S-0930 (40)): a town's
// batch is numbered here in the order it comes, among other towns'
// shifts and around those mapped before.
func nameShifts(seqs []uint64) string {
	seqs = slices.Clone(seqs)
	slices.Sort(seqs)
	seqs = slices.Compact(seqs)
	var runs []string
	for i := 0; i < len(seqs); {
		j := i + 1
		for j < len(seqs) && seqs[j] == seqs[j-1]+1 {
			j++
		}
		run := model.FormatShiftID(seqs[i])
		if j-1 > i {
			run += "–" + model.FormatShiftID(seqs[j-1])
		}
		runs = append(runs, run)
		i = j
	}
	if len(runs) > 3 {
		return fmt.Sprintf("%s … %s (%d)", model.FormatShiftID(seqs[0]), model.FormatShiftID(seqs[len(seqs)-1]), len(seqs))
	}
	return strings.Join(runs, ", ")
}

// ofTown reports whether node (a copy's room, or a grid of its rotation)
// is a node of town in the hub's file.
func (a *fedApplier) ofTown(town, node model.NodeCode) bool {
	return node.Town() == town && hasNode(a.tx, node)
}

// dropCopy logs, as the hub's own event before the record's, that the
// copy what (whatZh) of town's record seq is left out because node is no
// node of the town here: a town's file may hold a neighbour's nodes, and
// the system schedules (and a rotation is set) with no check of the room's
// town; the rest of the record applies.
func (a *fedApplier) dropCopy(town model.NodeCode, seq uint64, what, whatZh string, node model.NodeCode) {
	name := model.NameNodes([]model.NodeCode{town}, nodeNames(a.tx), "")
	id := model.FedMsgID(town, seq)
	a.own = append(a.own, model.Event{At: a.now, Actor: model.System, ActorName: model.ActorName(model.Person{ID: model.System}),
		Action: model.ActFedDropped, Node: town,
		Note: fmt.Sprintf("record %s of %s: %s is at %s, no node of the town here; left out (the rest of the record applied)",
			id, name, what, node),
		NoteZh: fmt.Sprintf("%s 的记录 %s：%s 位于 %s，本库中不是该镇的节点；未收录（记录其余部分已收录）",
			name, id, whatZh, node)})
}

// people maps each of ps, a town's person ids, to the hub's (a.person).
func (a *fedApplier) people(town model.NodeCode, ps ...*model.PersonID) error {
	for _, p := range ps {
		var err error
		if *p, err = a.person(town, *p); err != nil {
			return err
		}
	}
	return nil
}

// shift writes a town's shift, carried by its record seq, as the hub's (a
// new hub seq and id the first time), its people mapped; kept false when
// its room is no node of the town here (dropCopy).
func (a *fedApplier) shift(town model.NodeCode, seq uint64, fr fedRef) (sh model.Shift, kept bool, err error) {
	sh, err = decodeShift(fr.Seq, fr.Rec, a.s.opts.Location)
	if err != nil {
		return sh, false, err
	}
	if !a.ofTown(town, sh.Room) {
		a.dropCopy(town, seq, "shift "+sh.ID, "班次 "+sh.ID, sh.Room)
		return sh, false, nil
	}
	ps := []*model.PersonID{&sh.Person, &sh.By, &sh.Swapped}
	for i := range sh.Swaps {
		ps = append(ps, &sh.Swaps[i].From)
	}
	if err := a.people(town, ps...); err != nil {
		return sh, false, err
	}
	hub, fresh, err := a.hubSeq(bucketFedShifts, bucketShifts, town, fr.Seq)
	if err != nil {
		return sh, false, err
	}
	sh.Seq, sh.ID = hub, model.FormatShiftID(hub)
	if err := a.dropOverlapping(town, sh); err != nil {
		return sh, false, err
	}
	var old *model.Shift
	if !fresh {
		o, err := decodeShift(hub, a.tx.Bucket(bucketShifts).Get(u64(hub)), a.s.opts.Location)
		if err != nil {
			return sh, false, err
		}
		old = &o
	}
	return sh, true, putShift(a.tx, sh, old)
}

// dropOverlapping removes the shifts of sh's room that overlap sh, a
// town's shift as the hub numbers it: a town's shifts never overlap, so
// such a one is of a copy of its file that was lost (restored from a
// backup, then the room scheduled again), and the room's schedule is the
// town's. The room's shifts here overlap none another, so those sh
// overlaps are the ones that begin before it ends, back to the first that
// does not. The room's handovers lose their link to a shift removed (0,
// as a handover's shift the hub never had): the shift is gone, and check
// finds every handover's shifts.
func (a *fedApplier) dropOverlapping(town model.NodeCode, sh model.Shift) error {
	prefix := append([]byte(sh.Room), 0)
	idx, stored := a.tx.Bucket(bucketIdxShiftRoom), a.tx.Bucket(bucketShifts)
	var drop []model.Shift
	c := idx.Cursor()
	k, _ := c.Seek(shiftRoomKey(sh.Room, sh.To, 0))
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Prev() {
		_, seq, ok := splitShiftRoomKey(k)
		if !ok || seq == sh.Seq {
			continue
		}
		other, err := decodeShift(seq, stored.Get(u64(seq)), a.s.opts.Location)
		if err != nil || !other.Overlaps(sh) {
			break // check reports one that does not read
		}
		drop = append(drop, other)
	}
	gone := map[uint64]bool{}
	for _, o := range drop {
		if err := errors.Join(stored.Delete(u64(o.Seq)), idx.Delete(shiftRoomKey(o.Room, o.From, o.Seq)), a.unmap(bucketFedShifts, town, o.Seq)); err != nil {
			return err
		}
		gone[o.Seq] = true
	}
	return a.unlinkShifts(sh.Room, gone)
}

// unlinkShifts sets to 0 the shifts of room's handovers that are gone.
func (a *fedApplier) unlinkShifts(room model.NodeCode, gone map[uint64]bool) error {
	if len(gone) == 0 {
		return nil
	}
	prefix := exactPrefix(room)
	var changed []model.Handover
	c := a.tx.Bucket(bucketIdxHandoverRoom).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		_, seq, ok := splitCodeKey(k)
		if !ok {
			continue // check reports it
		}
		h, err := a.s.getHandover(a.tx, seq)
		if err != nil {
			return err
		}
		if !gone[h.OutShift] && !gone[h.InShift] {
			continue
		}
		for _, s := range []*uint64{&h.OutShift, &h.InShift} {
			if gone[*s] {
				*s = 0
			}
		}
		changed = append(changed, h)
	}
	for _, h := range changed {
		if err := putHandover(a.tx, h, false); err != nil {
			return err
		}
	}
	return nil
}

// unmap deletes the entry of map bucket b of town that gives hub seq seq.
func (a *fedApplier) unmap(b []byte, town model.NodeCode, seq uint64) error {
	prefix := exactPrefix(town)
	c := a.tx.Bucket(b).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(v) == 8 && getU64(v) == seq {
			return c.Delete()
		}
	}
	return nil
}

// handover writes a town's handover, carried by its record seq, as the
// hub's (a new hub seq and id the first time), its shifts and people
// mapped (a shift the hub does not have is 0); its sheet is the town's as
// it made it, the ids in it the town's. Kept false when its room is no
// node of the town here (dropCopy).
func (a *fedApplier) handover(town model.NodeCode, seq uint64, fr fedRef) (h model.Handover, kept bool, err error) {
	h, err = decodeHandover(fr.Seq, fr.Rec, a.s.opts.Location)
	if err != nil {
		return h, false, err
	}
	if !a.ofTown(town, h.Room) {
		a.dropCopy(town, seq, "handover "+h.ID, "交接 "+h.ID, h.Room)
		return h, false, nil
	}
	h.OutShift, h.InShift = a.mapped(bucketFedShifts, town, h.OutShift), a.mapped(bucketFedShifts, town, h.InShift)
	if err := a.people(town, &h.Outgoing, &h.Incoming, &h.By, &h.AcceptedBy); err != nil {
		return h, false, err
	}
	hub, fresh, err := a.hubSeq(bucketFedHandovers, bucketHandovers, town, fr.Seq)
	if err != nil {
		return h, false, err
	}
	h.Seq, h.ID = hub, model.FormatHandoverID(hub)
	return h, true, putHandover(a.tx, h, fresh)
}

// rotation writes a town's joint rotation, carried by its record seq, as
// the hub's (a new hub seq and id the first time). Kept false when a grid
// of it is no node of the town here (dropCopy).
func (a *fedApplier) rotation(town model.NodeCode, seq uint64, fr fedRef) (r model.JointRotation, kept bool, err error) {
	r, err = decodeRotation(fr.Seq, fr.Rec, a.s.opts.Location)
	if err != nil {
		return r, false, err
	}
	for _, g := range r.Groups {
		for _, c := range g {
			if !a.ofTown(town, c) {
				a.dropCopy(town, seq, fmt.Sprintf("joint rotation %s (%s)", r.ID, r.Name), fmt.Sprintf("轮值 %s（%s）", r.ID, r.Name), c)
				return r, false, nil
			}
		}
	}
	hub, _, err := a.hubSeq(bucketFedRotations, bucketRotations, town, fr.Seq)
	if err != nil {
		return r, false, err
	}
	r.Seq, r.ID = hub, model.FormatRotationID(hub)
	return r, true, putEncoded(a.tx.Bucket(bucketRotations), u64(hub), r, encodeRotation)
}

// rotationReported writes ev, an activity report on the hub's rotation
// seq (its people mapped), into rotation_reports, as RotationReport does:
// the board counts the town's reports.
func (a *fedApplier) rotationReported(seq uint64, ev model.Event) error {
	switch ev.Action {
	case model.ActRotationPatrol, model.ActRotationSweep, model.ActRotationTraffic:
	default:
		return nil
	}
	b := a.tx.Bucket(bucketRotationReports)
	n, err := b.NextSequence()
	if err != nil {
		return err
	}
	k := binary.BigEndian.AppendUint64(pairKey(seq, uint64(max(ev.At.UnixNano(), 0))), n)
	return b.Put(k, u64(uint64(ev.Actor)))
}

// The hub refuses to act on a town's duty and rotations.

// fedDutyCopy refuses to act, in a hub's file, on the duty of room, a
// federated town's: id (a shift's, a handover's, or the room named) is a
// kind (kindZh) of the town, whose own room schedules, swaps and hands
// over, and whose next record would undo a change made to the copy.
func fedDutyCopy(tx *bolt.Tx, room model.NodeCode, id, kind, kindZh string) error {
	name, ok := fedTownName(tx, room)
	if !ok {
		return nil
	}
	return model.Errorf(model.ECONFLICT, "%s is a %s of %s, a federated town: its own room schedules, swaps and hands over its shifts (this file holds a copy)", id, kind, name).
		Zh("%s 是联网镇%s的%s：由该镇指挥室排班、换班和交接（本库只存副本）", id, name, kindZh)
}

// fedRoomCopy is fedDutyCopy of room itself, named by its name and code.
func fedRoomCopy(tx *bolt.Tx, room model.NodeCode) error {
	return fedDutyCopy(tx, room, model.NameNodes([]model.NodeCode{room}, nodeNames(tx), ""), "room", "值班室")
}

// fedRotationCopy refuses, in a hub's file, to report on rotation r, or to
// set it (id its name), when a grid of it is a federated town's: the
// town's grids report on it in the town's own file.
func fedRotationCopy(tx *bolt.Tx, r model.JointRotation, id string) error {
	for _, g := range r.Groups {
		for _, c := range g {
			name, ok := fedTownName(tx, c)
			if !ok {
				continue
			}
			return model.Errorf(model.ECONFLICT, "rotation %s is over grids of %s, a federated town: it is set and reported on in %s's own file (this file holds a copy of the town)", id, name, name).
				Zh("轮值 %s 涉及联网镇%s的网格：由该镇在本镇设置和上报（本库只存该镇副本）", id, name)
		}
	}
	return nil
}
