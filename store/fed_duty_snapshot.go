package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// A town's duty snapshot. A shift, a handover or a joint rotation reaches
// the hub with an event that names it (fed_duty.go); what the town had
// scheduled before it federated them (a four-week schedule imported
// before the upgrade, a batch of more than shiftsPerEvent shifts logged
// as one event, whose record carries its first ones) no event will name.
// So the first time a town's FedPending runs, the town logs its schedule
// as it stands in marker events (model.ActFedDuty), in the same write as
// meta fed/duty_sent, after which it is never logged again:
//   - its parts, each naming in Directive what its record carries
//     (S-0031–S-0056, H-0003, R-0001): ranges of the shifts duty now
//     reads from now on (in each room the one running, or the last that
//     ended, the one before it, and all to come; a range no longer than
//     shiftsPerEvent, as a shift event's), the handovers still open (not
//     signed for, or into one of those shifts), and the joint rotations,
//     cut so that a record stays under fedDutyBudget;
//   - then the last, naming nothing, whose record says that the schedule
//     has all gone up (DutySynced).
//
// The records are built as every record is, from the file as it stands.
// The hub counts a federated town's rooms by its copies of the schedule
// only from the last marker on (dutyScheduled); a town that never sends
// one (an older gridcmd) is counted by the on-duty flags, as it was.

// fedDutyBudget is about the most bytes of stored records one part of a
// snapshot carries (handovers with their sheets, shifts, rotations),
// under fedMaxRecord. A variable so that the tests can cut a small
// snapshot into parts.
var fedDutyBudget = 600 << 10

// fedDutyItems bounds what one part names, so its event's Directive stays
// short.
const fedDutyItems = 64

// dutyItem is one thing a part of the snapshot names.
type dutyItem struct {
	id   string // S-0001–S-0500, H-0003, R-0001
	kind byte   // 'S', 'H', 'R'
	n    int    // the shifts of dutyShifts a range names; 1 for a handover or rotation
	size int    // about the bytes its record carries for it
}

// fedDutySnapshot logs the town's duty snapshot, unless fed/duty_sent says
// it is logged. It sets fed/duty_sent or fails.
func (s *DB) fedDutySnapshot(ctx context.Context) error {
	_, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		meta := tx.Bucket(bucketMeta)
		if meta.Get(metaFedDutySent) != nil {
			return nil, nil
		}
		town, err := fileTown(tx, s.path)
		if err != nil {
			return nil, err
		}
		items, err := dutyItems(tx, town, now)
		if err != nil {
			return nil, err
		}
		return dutyMarkers(items, town, now), meta.Put(metaFedDutySent, u64(uint64(max(nanos(now), 0))))
	})
	return err
}

// dutyItems is what town's snapshot names at now: the ranges of the
// shifts duty now reads from now on (dutyShifts), its open handovers, its
// rotations.
func dutyItems(tx *bolt.Tx, town model.NodeCode, now time.Time) ([]dutyItem, error) {
	seqs, err := dutyShifts(tx, town, now)
	if err != nil {
		return nil, err
	}
	stored := tx.Bucket(bucketShifts)
	size := func(seq uint64) int { return len(stored.Get(u64(seq))) + 32 }
	var items []dutyItem
	for i := 0; i < len(seqs); {
		j := i + 1
		for j < len(seqs) && seqs[j]-seqs[i] < shiftsPerEvent {
			j++
		}
		first, last := seqs[i], seqs[j-1]
		it := dutyItem{id: model.FormatShiftID(first), kind: 'S', n: j - i}
		if last != first {
			it.id += "–" + model.FormatShiftID(last)
		}
		for seq := first; seq <= last; seq++ {
			if stored.Get(u64(seq)) != nil {
				it.size += size(seq)
			}
		}
		items = append(items, it)
		i = j
	}
	carried := map[uint64]bool{}
	for _, seq := range seqs {
		carried[seq] = true
	}
	items = append(items, openHandovers(tx, town, carried, size)...)
	err = tx.Bucket(bucketRotations).ForEach(func(k, v []byte) error {
		items = append(items, dutyItem{id: model.FormatRotationID(getU64(k)), kind: 'R', n: 1, size: len(v) + 32})
		return nil
	})
	return items, err
}

// dutyShifts are the seqs of the shifts of town's rooms that duty now
// reads from now on, in order: in each room (its shifts never overlap)
// the last two begun by now (the one running, or the last that ended, and
// the one before it, whose officer may still be handing over) and all to
// come.
func dutyShifts(tx *bolt.Tx, town model.NodeCode, now time.Time) ([]uint64, error) {
	var out []uint64
	c := tx.Bucket(bucketIdxShiftRoom).Cursor()
	k, _ := c.Seek([]byte(town))
	for k != nil && bytes.HasPrefix(k, []byte(town)) {
		room, _, ok := splitShiftRoomKey(k)
		if !ok {
			return nil, fmt.Errorf("idx_shift_room: malformed key %q", k)
		}
		prefix := append([]byte(room), 0)
		start := shiftRoomKey(room, now.Add(time.Nanosecond), 0)
		begun, _ := c.Seek(start)
		if begun == nil {
			begun, _ = c.Last()
		} else {
			begun, _ = c.Prev()
		}
		for i := 0; i < 2 && begun != nil && bytes.HasPrefix(begun, prefix); i++ {
			_, seq, _ := splitShiftRoomKey(begun)
			out = append(out, seq)
			begun, _ = c.Prev()
		}
		for k, _ = c.Seek(start); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			_, seq, _ := splitShiftRoomKey(k)
			out = append(out, seq)
		}
	}
	slices.Sort(out)
	return out, nil
}

// openHandovers are the handovers of town's rooms still open: not signed
// for, or into a shift the snapshot carries (the running one handed over
// early, or signed for by its officer from the one before), which duty
// now reads. size is a shift's.
func openHandovers(tx *bolt.Tx, town model.NodeCode, carried map[uint64]bool, size func(uint64) int) []dutyItem {
	var out []dutyItem
	stored := tx.Bucket(bucketHandovers)
	c := tx.Bucket(bucketIdxHandoverRoom).Cursor()
	for k, _ := c.Seek([]byte(town)); k != nil && bytes.HasPrefix(k, []byte(town)); k, _ = c.Next() {
		_, seq, ok := splitCodeKey(k)
		v := stored.Get(u64(seq))
		var r struct {
			OutShift   uint64 `json:"out_shift"`
			InShift    uint64 `json:"in_shift"`
			AcceptedAt int64  `json:"accepted_at"`
		} // of handoverRecord
		if !ok || v == nil || json.Unmarshal(v, &r) != nil || r.AcceptedAt != 0 && !carried[r.InShift] {
			continue // what does not read is check's to report
		}
		it := dutyItem{id: model.FormatHandoverID(seq), kind: 'H', n: 1, size: len(v) + size(r.OutShift) + size(r.InShift)}
		if len(v) > fedHandoverBudget {
			it.size -= len(v) - 1<<10 // it goes up without its sheet
		}
		out = append(out, it)
	}
	return out
}

// dutyMarkers are the snapshot's events: its parts, cut at fedDutyBudget
// and fedDutyItems, then the last, naming nothing.
func dutyMarkers(items []dutyItem, town model.NodeCode, now time.Time) []model.Event {
	var parts [][]dutyItem
	size := 0
	for _, it := range items {
		if n := len(parts); n == 0 || len(parts[n-1]) == fedDutyItems || len(parts[n-1]) > 0 && size+it.size > fedDutyBudget {
			parts, size = append(parts, nil), 0
		}
		parts[len(parts)-1] = append(parts[len(parts)-1], it)
		size += it.size
	}
	marker := func(ids []string, en, zh string) model.Event {
		return model.Event{At: now, Actor: model.System, ActorName: model.ActorName(model.Person{ID: model.System}),
			Action: model.ActFedDuty, Node: town, Directive: strings.Join(ids, ", "), Note: en, NoteZh: zh}
	}
	var evs []model.Event
	var all [3]int
	for i, part := range parts {
		var ids []string
		var n [3]int
		for _, it := range part {
			ids = append(ids, it.id)
			n[strings.IndexByte("SHR", it.kind)] += it.n
		}
		for j := range all {
			all[j] += n[j]
		}
		evs = append(evs, marker(ids,
			fmt.Sprintf("duty schedule for the county, part %d of %d: %s, %s, %s", i+1, len(parts),
				model.Count(n[0], "shift"), model.Count(n[1], "handover"), model.Count(n[2], "joint rotation")),
			fmt.Sprintf("向上级报送排班，第 %d/%d 部分：班次 %d 个，交接 %d 个，轮值 %d 个", i+1, len(parts), n[0], n[1], n[2])))
	}
	return append(evs, marker(nil,
		fmt.Sprintf("duty schedule for the county sent: %s (each room's from the one before its current), %s, %s",
			model.Count(all[0], "shift"), model.Count(all[1], "open handover"), model.Count(all[2], "joint rotation")),
		fmt.Sprintf("排班已报送上级：班次 %d 个（各值班室自当前班的上一班起），未了交接 %d 个，轮值 %d 个", all[0], all[1], all[2])))
}

// dutyPart adds to w what a snapshot's marker names (ids, its Directive):
// the stored shifts of each range, each handover with its two shifts, each
// rotation, as they stand; the last marker, naming nothing, says that the
// schedule has all gone up.
func (b *fedBuilder) dutyPart(w *fedWire, ids string) error {
	if ids == "" {
		w.DutySynced = true
		return nil
	}
	seen := map[uint64]bool{}
	addShifts := func(list []fedRef) {
		for _, fr := range list {
			if !seen[fr.Seq] {
				seen[fr.Seq] = true
				w.Shifts = append(w.Shifts, fr)
			}
		}
	}
	for _, id := range strings.FieldsFunc(ids, func(r rune) bool { return r == ',' || r == ' ' }) {
		switch {
		case strings.HasPrefix(id, "S-"):
			if first, last, ok := shiftRange(id); ok {
				addShifts(b.shifts(first, last))
			}
		case strings.HasPrefix(id, "H-"):
			h, shifts, err := b.handover(id)
			if err != nil {
				return err
			}
			if h != nil {
				w.Handovers = append(w.Handovers, *h)
				addShifts(shifts)
			}
		case strings.HasPrefix(id, "R-"):
			seq, err := model.ParseRotationID(id)
			if err != nil {
				continue
			}
			if v := b.tx.Bucket(bucketRotations).Get(u64(seq)); v != nil {
				w.Rotations = append(w.Rotations, fedRef{Seq: seq, Rec: v})
			}
		}
	}
	return nil
}

// dutyScheduled reports whether town's rooms are counted by the duty
// schedule this file holds: a town of its own, or a federated town whose
// snapshot has all come (DutySynced). Before it has, the file holds copies
// of what the town's later events named, not its schedule: a room with a
// copy of one shift swapped in its third week is not unstaffed the rest of
// the time.
func dutyScheduled(tx *bolt.Tx, town model.NodeCode) bool {
	if !isFedTown(tx, town) {
		return true
	}
	r, _, err := getFedTown(tx, town)
	return err == nil && r.DutySynced
}
