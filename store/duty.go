package store

import (
	"bytes"
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// The duty schedule and the handovers (model.DutyService; the watchdogs
// are in watchdog.go). A room's shifts never overlap, so idx_shift_room
// keeps them in time order and who is on duty at t is found by one seek.

// AddShifts schedules shifts, all or none, in one write. A refusal of
// one of them says which (model.Error.Item, from 1) and names its room by
// its node's name with its code; an overlap with an earlier shift of the
// batch names that one by its place in the batch (model.BatchShift), as
// it has no id until the batch is stored.
func (s *DB) AddShifts(ctx context.Context, shifts []model.Shift, by model.PersonID, note string) ([]model.Shift, error) {
	if len(shifts) == 0 {
		return nil, model.Errorf(model.EINVALID, "no shifts to schedule").Zh("没有要排的班次")
	}
	for i, sh := range shifts {
		if err := model.CheckRoom(sh.Room); err != nil {
			return nil, model.ItemError(err, i+1)
		}
	}
	note, err := model.CleanText(note, false)
	if err != nil {
		return nil, model.Errorf(model.EINVALID, "note: invalid UTF-8").Zh("备注：不是有效的 UTF-8").On("note")
	}
	var out []model.Shift
	_, err = s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		out = out[:0]
		places := map[uint64]int{} // each stored shift's place in the batch, from 1
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		for i, sh := range shifts {
			p, err := s.vetShift(tx, actor, sh, places)
			if err != nil {
				return nil, model.ItemError(err, i+1)
			}
			seq, err := tx.Bucket(bucketShifts).NextSequence()
			if err != nil {
				return nil, err
			}
			sh.Seq, sh.ID, sh.By, sh.Swapped, sh.Swaps, sh.Name, sh.Phone = seq, model.FormatShiftID(seq), actor.ID, 0, nil, p.Name, p.Phone
			sh.From, sh.To = sh.From.In(s.opts.Location), sh.To.In(s.opts.Location)
			if err := putShift(tx, sh, nil); err != nil {
				return nil, err
			}
			out = append(out, sh)
			places[sh.Seq] = i + 1
		}
		return shiftsEvents(tx, out, actor, note, now), nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// vetShift is the officer of sh if actor may schedule it after the shifts
// of its batch put in this write (places: each one's place in the batch,
// from 1, by its Seq), or the refusal: actor may not schedule in the room,
// no such room, model.CheckShift, or an overlap with a stored shift of the
// room, named by its id, or one of the batch, named by its place in it
// (model.BatchShift, model.Error.Other).
func (s *DB) vetShift(tx *bolt.Tx, actor model.Person, sh model.Shift, places map[uint64]int) (model.Person, error) {
	if err := fedRoomCopy(tx, sh.Room); err != nil {
		return model.Person{}, err
	}
	names := nodeNames(tx)
	room := model.NameNodes([]model.NodeCode{sh.Room}, names, "")
	if actor.ID != model.System && !model.MaySchedule(actor, sh.Room) {
		return model.Person{}, model.RefuseSchedule(actor, sh.Room, room, names)
	}
	if !s.wc.hasNode(tx, sh.Room) {
		return model.Person{}, model.Errorf(model.ENOTFOUND, "no node %s in the tower", sh.Room).Zh("网格塔中没有节点 %s", sh.Room).On("room")
	}
	p, err := s.wc.actor(tx, sh.Person)
	if err != nil {
		return model.Person{}, err
	}
	if err := model.CheckShift(sh, p, names); err != nil {
		return model.Person{}, err
	}
	clash, err := s.overlapping(tx, sh)
	if err != nil || !clash.Scheduled() {
		return p, err
	}
	// Chinese spaces an id off (与 S-0001) but runs on into words (与本批第 2 个班次).
	other, otherZh, n := clash.ID, " "+clash.ID, places[clash.Seq]
	if n != 0 {
		other, otherZh = model.BatchShift(n)
	}
	return model.Person{}, model.Errorf(model.ECONFLICT, "%s %s–%s in %s overlaps %s (%s, %s–%s)",
		p.Name, stampOf(sh.From), stampOf(sh.To), room, other, clash.Name, stampOf(clash.From), stampOf(clash.To)).
		Zh("%s %s–%s 在 %s 的班与%s（%s，%s–%s）重叠", p.Name, stampOf(sh.From), stampOf(sh.To), room, otherZh, clash.Name, stampOf(clash.From), stampOf(clash.To)).
		On("from").Naming(n)
}

func stampOf(t time.Time) string { return t.Format("01-02 15:04") }

// shiftsEvents are the events of shifts scheduled together: one for each
// shiftsPerEvent of them (a town's record of the event carries its shifts
// up to the county, fed_duty.go).
func shiftsEvents(tx *bolt.Tx, list []model.Shift, actor model.Person, note string, now time.Time) []model.Event {
	evs := make([]model.Event, 0, (len(list)+shiftsPerEvent-1)/shiftsPerEvent)
	for i := 0; i < len(list); i += shiftsPerEvent {
		part := list[i:min(i+shiftsPerEvent, len(list))]
		evs = append(evs, shiftsEvent(part, nodeName(tx, roomOf(part)), actor, note, now))
	}
	return evs
}

// shiftsRoom is the room of shifts scheduled together, or their town
// (and many) when they are in more than one room.
func shiftsRoom(list []model.Shift) (room model.NodeCode, many bool) {
	room = list[0].Room
	for _, sh := range list {
		if sh.Room != room {
			return room.Town(), true
		}
	}
	return room, false
}

// roomOf is shiftsRoom's room.
func roomOf(list []model.Shift) model.NodeCode {
	room, _ := shiftsRoom(list)
	return room
}

// shiftsEvent records shifts scheduled together, naming their room (by
// roomName, its node's name) as the console and the timeline show it.
func shiftsEvent(list []model.Shift, roomName string, by model.Person, note string, now time.Time) model.Event {
	first, last := list[0], list[len(list)-1]
	room, many := shiftsRoom(list)
	en, zh := model.RoomName(room, roomName, false), model.RoomName(room, roomName, true)
	if many {
		en, zh = "the rooms of "+roomName, roomName+" 各指挥室"
	}
	from, to := first.From, first.To
	for _, sh := range list {
		if sh.From.Before(from) {
			from = sh.From
		}
		if sh.To.After(to) {
			to = sh.To
		}
	}
	ids := first.ID
	if len(list) > 1 {
		ids += "–" + last.ID
	}
	enRoom, zhRoom := en, zh
	en = fmt.Sprintf("%d shifts in %s, %s to %s", len(list), enRoom, stampOf(from), stampOf(to))
	zh = fmt.Sprintf("%s 排班 %d 个，%s 至 %s", zhRoom, len(list), stampOf(from), stampOf(to))
	if len(list) == 1 {
		en = fmt.Sprintf("%s on duty in %s, %s to %s", first.Name, enRoom, stampOf(from), stampOf(to))
		zh = fmt.Sprintf("%s 在 %s 值班，%s 至 %s", first.Name, zhRoom, stampOf(from), stampOf(to))
	}
	if note != "" {
		en, zh = en+": "+note, zh+"："+note
	}
	return model.Event{At: now, Actor: by.ID, ActorName: model.ActorName(by), Action: model.ActShift, Node: room, Directive: ids, Note: en, NoteZh: zh}
}

// overlapping is a stored shift of sh's room that overlaps sh (the zero
// Shift when none): the last one that begins before sh ends.
func (s *DB) overlapping(tx *bolt.Tx, sh model.Shift) (model.Shift, error) {
	prefix := append([]byte(sh.Room), 0)
	c := tx.Bucket(bucketIdxShiftRoom).Cursor()
	k, _ := c.Seek(shiftRoomKey(sh.Room, sh.To, 0))
	if k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	if k == nil || !bytes.HasPrefix(k, prefix) {
		return model.Shift{}, nil
	}
	_, seq, ok := splitShiftRoomKey(k)
	if !ok {
		return model.Shift{}, fmt.Errorf("idx_shift_room: malformed key %q", k)
	}
	other, err := s.getShift(tx, seq)
	if err != nil || !other.Overlaps(sh) {
		return model.Shift{}, err
	}
	return other, nil
}

// putShift writes a shift and its index entry (old: the stored version,
// whose entry is replaced).
func putShift(tx *bolt.Tx, sh model.Shift, old *model.Shift) error {
	if err := putEncoded(tx.Bucket(bucketShifts), u64(sh.Seq), sh, encodeShift); err != nil {
		return err
	}
	idx := tx.Bucket(bucketIdxShiftRoom)
	if old != nil {
		if err := idx.Delete(shiftRoomKey(old.Room, old.From, old.Seq)); err != nil {
			return err
		}
	}
	return idx.Put(shiftRoomKey(sh.Room, sh.From, sh.Seq), []byte{})
}

// getShift reads a shift with its officer's name and phone.
func (s *DB) getShift(tx *bolt.Tx, seq uint64) (model.Shift, error) {
	v := tx.Bucket(bucketShifts).Get(u64(seq))
	if v == nil {
		return model.Shift{}, model.Errorf(model.ENOTFOUND, "no shift %s", model.FormatShiftID(seq)).Zh("没有班次 %s", model.FormatShiftID(seq))
	}
	sh, err := decodeShift(seq, v, s.opts.Location)
	if err != nil {
		return sh, err
	}
	return sh, s.nameShift(tx, &sh)
}

func (s *DB) nameShift(tx *bolt.Tx, sh *model.Shift) error {
	if v := tx.Bucket(bucketPeople).Get(u64(uint64(sh.Person))); v != nil {
		p, err := decodePerson(uint64(sh.Person), v)
		if err != nil {
			return err
		}
		sh.Name, sh.Phone = p.Name, p.Phone
	}
	return nil
}

// Shifts lists the shifts f selects, by room then in time order.
func (s *DB) Shifts(ctx context.Context, f model.ShiftFilter) ([]model.Shift, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []model.Shift
	err := s.view(func(tx *bolt.Tx) error {
		var prefix []byte
		if f.Room != "" {
			prefix = append([]byte(f.Room), 0)
		}
		c := tx.Bucket(bucketIdxShiftRoom).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			_, seq, ok := splitShiftRoomKey(k)
			if !ok {
				return fmt.Errorf("idx_shift_room: malformed key %q", k)
			}
			sh, err := s.getShift(tx, seq)
			if err != nil {
				return err
			}
			if !f.From.IsZero() && !sh.To.After(f.From) || !f.To.IsZero() && !sh.From.Before(f.To) {
				continue
			}
			out = append(out, sh)
		}
		return nil
	})
	return out, err
}

// SwapShift gives shift id to person to.
func (s *DB) SwapShift(ctx context.Context, id string, to, by model.PersonID) (model.Shift, error) {
	seq, err := parseShiftID(id)
	if err != nil {
		return model.Shift{}, err
	}
	var out model.Shift
	_, err = s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		sh, err := s.getShift(tx, seq)
		if err != nil {
			return nil, err
		}
		if err := fedDutyCopy(tx, sh.Room, sh.ID, "shift", "班次"); err != nil {
			return nil, err
		}
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		p, err := s.wc.actor(tx, to)
		if err != nil {
			return nil, err
		}
		next, ev, err := sh.Swap(p, actor, now)
		if err != nil {
			return nil, err
		}
		if err := putShift(tx, next, &sh); err != nil {
			return nil, err
		}
		out = next
		return []model.Event{ev}, nil
	})
	return out, err
}

// Duty is who is on duty in room ("" for every room) at at (zero: now).
func (s *DB) Duty(ctx context.Context, room model.NodeCode, at time.Time) ([]model.RoomDuty, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if room != "" {
		if err := model.CheckRoom(room); err != nil {
			return nil, err
		}
	}
	if at.IsZero() {
		at = s.clock()
	}
	return viewOf(ctx, s, func(tx *bolt.Tx) ([]model.RoomDuty, error) {
		if room == "" {
			return s.roomsDuty(tx, roomsUnder(tx, ""), at)
		}
		if !hasNode(tx, room) {
			return nil, model.Errorf(model.ENOTFOUND, "no node %s in the tower", room).Zh("网格塔中没有节点 %s", room).On("room")
		}
		return s.roomsDuty(tx, []model.NodeCode{room}, at)
	})
}

// DutyUnder is who is on duty at at (zero: now) in each town and village
// room of root's subtree ("" the whole file), in code order: it reads
// those rooms only, not every room of a county's file.
func (s *DB) DutyUnder(ctx context.Context, root model.NodeCode, at time.Time) ([]model.RoomDuty, error) {
	if at.IsZero() {
		at = s.clock()
	}
	return viewIn(ctx, s, root, func(tx *bolt.Tx, root model.NodeCode) ([]model.RoomDuty, error) {
		return s.roomsDuty(tx, roomsUnder(tx, root), at)
	})
}

// roomsDuty is roomDuty of each of rooms.
func (s *DB) roomsDuty(tx *bolt.Tx, rooms []model.NodeCode, at time.Time) ([]model.RoomDuty, error) {
	var out []model.RoomDuty
	for _, r := range rooms {
		rd, err := s.roomDuty(tx, r, at)
		if err != nil {
			return nil, err
		}
		out = append(out, rd)
	}
	return out, nil
}

// roomsUnder is every town and village code of root's subtree ("" the
// whole file), root's own if it is a room, in code order. It skips the
// grids and micro-grids under each village, the most of a tower.
func roomsUnder(tx *bolt.Tx, root model.NodeCode) []model.NodeCode {
	var out []model.NodeCode
	c := tx.Bucket(bucketNodes).Cursor()
	for k, _ := c.Seek([]byte(root)); k != nil && bytes.HasPrefix(k, []byte(root)); {
		switch model.NodeCode(k).Level() {
		case model.LevelTown:
			out = append(out, model.NodeCode(k))
		case model.LevelVillage:
			out = append(out, model.NodeCode(k))
			k, _ = c.Seek(append(bytes.Clone(k), 0xff)) // past the village's grids
			continue
		}
		k, _ = c.Next()
	}
	return out
}

// roomDuty is model.OnDuty over the room's shifts around at (the one
// running, the one before and the two after: the one after the next is
// next once the running one is handed over early), each held by whoever
// held it at at (Shift.HeldAt), and its latest handovers made by at. A
// room of a federated town whose schedule has not all come has none
// (dutyScheduled): the console says who is on duty by the flags, as the
// wartime chain counts it.
func (s *DB) roomDuty(tx *bolt.Tx, room model.NodeCode, at time.Time) (model.RoomDuty, error) {
	if !dutyScheduled(tx, room.Town()) {
		rd := model.RoomDuty{Room: room}
		if n, err := getNode(tx, room); err == nil {
			rd.RoomName = n.Name
		}
		return rd, nil
	}
	prefix := append([]byte(room), 0)
	c := tx.Bucket(bucketIdxShiftRoom).Cursor()
	var seqs []uint64
	start := shiftRoomKey(room, at.Add(time.Nanosecond), 0)
	k, _ := c.Seek(start)
	for i := 0; i < 2 && k != nil && bytes.HasPrefix(k, prefix); i++ {
		if _, seq, ok := splitShiftRoomKey(k); ok {
			seqs = append(seqs, seq) // the next, and the one after it
		}
		k, _ = c.Next()
	}
	if k, _ = c.Seek(start); k == nil {
		k, _ = c.Last()
	} else {
		k, _ = c.Prev()
	}
	for i := 0; i < 2 && k != nil && bytes.HasPrefix(k, prefix); i++ {
		if _, seq, ok := splitShiftRoomKey(k); ok {
			seqs = append(seqs, seq) // the one running (or the last before at), and the one before it
		}
		k, _ = c.Prev()
	}
	shifts := make([]model.Shift, 0, len(seqs))
	for _, seq := range seqs {
		sh, err := s.getShift(tx, seq)
		if err != nil {
			return model.RoomDuty{}, err
		}
		if held := sh.HeldAt(at); held.Person != sh.Person {
			if err := s.nameShift(tx, &held); err != nil {
				return model.RoomDuty{}, err
			}
			sh = held
		}
		shifts = append(shifts, sh)
	}
	hs, err := s.roomHandovers(tx, room, 4, at)
	if err != nil {
		return model.RoomDuty{}, err
	}
	rd := model.OnDuty(room, shifts, hs, at)
	if n, err := getNode(tx, room); err == nil {
		rd.RoomName = n.Name
	}
	return rd, nil
}

// roomHandovers are the room's latest n handovers made by at (zero: any
// time), newest first: those made after a past at would push out the ones
// that stood then.
func (s *DB) roomHandovers(tx *bolt.Tx, room model.NodeCode, n int, at time.Time) ([]model.Handover, error) {
	prefix := append([]byte(room), 0)
	c := tx.Bucket(bucketIdxHandoverRoom).Cursor()
	k, _ := c.Seek(codeKey(room, ^uint64(0)))
	if k == nil {
		k, _ = c.Last()
	} else if !bytes.Equal(k, codeKey(room, ^uint64(0))) {
		k, _ = c.Prev()
	}
	var out []model.Handover
	for ; k != nil && bytes.HasPrefix(k, prefix) && len(out) < n; k, _ = c.Prev() {
		_, seq, ok := splitCodeKey(k)
		if !ok {
			return nil, fmt.Errorf("idx_handover_room: malformed key %q", k)
		}
		h, err := s.getHandover(tx, seq)
		if err != nil {
			return nil, err
		}
		if at.IsZero() || !h.MadeAt.After(at) {
			out = append(out, h)
		}
	}
	return out, nil
}

func (s *DB) getHandover(tx *bolt.Tx, seq uint64) (model.Handover, error) {
	v := tx.Bucket(bucketHandovers).Get(u64(seq))
	if v == nil {
		return model.Handover{}, model.Errorf(model.ENOTFOUND, "no handover %s", model.FormatHandoverID(seq)).Zh("没有交接 %s", model.FormatHandoverID(seq))
	}
	return decodeHandover(seq, v, s.opts.Location)
}

func putHandover(tx *bolt.Tx, h model.Handover, isNew bool) error {
	if err := putEncoded(tx.Bucket(bucketHandovers), u64(h.Seq), h, encodeHandover); err != nil {
		return err
	}
	if !isNew {
		return nil
	}
	return tx.Bucket(bucketIdxHandoverRoom).Put(codeKey(h.Room, h.Seq), []byte{})
}

// Handover hands room over at its shift change, with the sheet made from
// the records at the writer's clock; with seen, only if that sheet says
// what the one the officer read did (model.HandoverSheet.Digest), in the
// same write.
func (s *DB) Handover(ctx context.Context, room model.NodeCode, note string, by model.PersonID, dryRun bool, seen string) (model.Handover, error) {
	if err := model.CheckRoom(room); err != nil {
		return model.Handover{}, err
	}
	if _, err := model.CleanText(note, true); err != nil {
		return model.Handover{}, model.Errorf(model.EINVALID, "note: invalid UTF-8").Zh("备注：不是有效的 UTF-8").On("note")
	}
	if dryRun {
		var out model.Handover
		err := s.view(func(tx *bolt.Tx) error {
			actor, err := actorOf(tx, by)
			if err != nil {
				return err
			}
			out, _, err = s.makeHandover(tx, room, note, actor, 0, s.clock(), true)
			return err
		})
		out.Seq, out.ID = 0, ""
		return out, err
	}
	var out model.Handover
	_, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		seq, err := tx.Bucket(bucketHandovers).NextSequence()
		if err != nil {
			return nil, err
		}
		h, ev, err := s.makeHandover(tx, room, note, actor, seq, now, false)
		if err != nil {
			return nil, err
		}
		if seen != "" && h.Sheet.Digest() != seen {
			return nil, model.ErrSheetMoved()
		}
		if err := putHandover(tx, h, true); err != nil {
			return nil, err
		}
		out = h
		return []model.Event{ev}, nil
	})
	return out, err
}

// makeHandover is the handover of room's shift change at now, by actor,
// numbered seq: the change (RoomDuty.ShiftChange; a preview's at any time
// in the shift), refused when it has been handed over already, and the
// sheet from the records.
func (s *DB) makeHandover(tx *bolt.Tx, room model.NodeCode, note string, actor model.Person, seq uint64, now time.Time, preview bool) (model.Handover, model.Event, error) {
	if !hasNode(tx, room) {
		return model.Handover{}, model.Event{}, model.Errorf(model.ENOTFOUND, "no node %s in the tower", room).Zh("网格塔中没有节点 %s", room).On("room")
	}
	if err := fedRoomCopy(tx, room); err != nil {
		return model.Handover{}, model.Event{}, err
	}
	rd, err := s.roomDuty(tx, room, now)
	if err != nil {
		return model.Handover{}, model.Event{}, err
	}
	out, in, err := rd.ShiftChange(now, preview)
	if err != nil {
		return model.Handover{}, model.Event{}, err
	}
	if p := rd.Pending; p.Made() && p.OutShift == out.Seq && p.InShift == in.Seq {
		return model.Handover{}, model.Event{}, model.Errorf(model.ECONFLICT, "%s handed over at %s (%s); it waits for %s to sign for it",
			out.Name, stampOf(p.MadeAt), p.ID, in.Name).
			Zh("%s 已于 %s 交班（%s），等待 %s 签收", out.Name, stampOf(p.MadeAt), p.ID, in.Name)
	}
	in2, err := s.sheetInput(tx, room, rd.RoomName, out.From, now)
	if err != nil {
		return model.Handover{}, model.Event{}, err
	}
	in2.Note = note
	if seq == 0 {
		seq = 1 // a dry run's number is never shown
	}
	return model.NewHandover(seq, out, in, actor, model.BuildSheet(in2), now)
}

// sheetInput reads what a sheet is made from: room's scope (the town's
// subtree for the town room, the village's for a village room) from from
// to now.
func (s *DB) sheetInput(tx *bolt.Tx, room model.NodeCode, name string, from, now time.Time) (model.SheetInput, error) {
	in := model.SheetInput{Room: room, RoomName: name, From: from, To: now}
	names := nodeNames(tx)
	in.Names = func(c model.NodeCode) string {
		if n := names(c); n != "" {
			return n
		}
		return string(c)
	}
	if err := s.scanIncidents(tx, model.IncidentFilter{Open: true, Node: room}, &in.Open); err != nil {
		return in, err
	}
	c := tx.Bucket(bucketEvents).Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		ev, err := decodeEvent(getU64(k), v, s.opts.Location)
		if err != nil {
			return in, err
		}
		if ev.At.Before(from) {
			break
		}
		if ev.At.After(now) || !inRoom(room, ev.Node) {
			continue
		}
		in.Events = append(in.Events, ev)
	}
	wt, err := s.wartimeStatus(tx, room)
	if err != nil {
		return in, err
	}
	if wt.Active.Active() {
		in.Wartime = scopedWartime(wt, room)
		ds, err := s.activationDirectives(tx, wt.Active.Seq)
		if err != nil {
			return in, err
		}
		for _, d := range ds {
			units, err := s.directiveUnits(tx, d.Seq)
			if err != nil {
				return in, err
			}
			mine := units[:0:0]
			for _, u := range units {
				if room.Contains(u.Unit) {
					mine = append(mine, u)
				}
			}
			if len(mine) > 0 {
				in.Live = append(in.Live, model.DirectiveUnits{Directive: d, Units: mine})
			}
		}
	}
	in.Silences, err = s.silences(tx, room)
	return in, err
}

// inRoom reports whether an event at node belongs to room's sheet: the
// room's subtree, and for a town room also what names no node.
func inRoom(room, node model.NodeCode) bool {
	if node == "" {
		return room.Level() == model.LevelTown
	}
	return room.Contains(node)
}

// scopedWartime is the wartime status counted over room's micro-grids.
func scopedWartime(st model.WartimeStatus, room model.NodeCode) model.WartimeStatus {
	out := model.WartimeStatus{Active: st.Active, Rooms: st.Rooms} // the sheet counts the rooms of the room's villages
	for _, u := range st.Units {
		if !room.Contains(u.MicroGrid) {
			continue
		}
		out.Units = append(out.Units, u)
		if u.Worker != 0 {
			out.Staffed++
		} else {
			out.Gaps++
		}
	}
	return out
}

// AcceptHandover is the incoming officer signing for a handover.
func (s *DB) AcceptHandover(ctx context.Context, id string, room model.NodeCode, by model.PersonID) (model.Handover, error) {
	var seq uint64
	if id != "" {
		var err error
		if seq, err = parseHandoverID(id); err != nil {
			return model.Handover{}, err
		}
	} else if err := model.CheckRoom(room); err != nil {
		return model.Handover{}, err
	}
	var out model.Handover
	_, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		var h model.Handover
		if seq != 0 {
			var err error
			if h, err = s.getHandover(tx, seq); err != nil {
				return nil, err
			}
		} else {
			hs, err := s.roomHandovers(tx, room, 1, time.Time{})
			if err != nil {
				return nil, err
			}
			if len(hs) == 0 || !hs[0].Waiting() {
				return nil, model.Errorf(model.ECONFLICT, "no handover waits to be signed for in %s", room).Zh("%s 没有待签收的交接", room)
			}
			h = hs[0]
		}
		if err := fedDutyCopy(tx, h.Room, h.ID, "handover", "交接"); err != nil {
			return nil, err
		}
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		next, ev, err := h.Accept(actor, now)
		if err != nil {
			return nil, err
		}
		if err := putHandover(tx, next, false); err != nil {
			return nil, err
		}
		out = next
		return []model.Event{ev}, nil
	})
	return out, err
}

// Handovers lists handovers, newest first: of f.Room ("" every room), made
// at or before f.At (zero: any), at most f.Limit (0: one).
func (s *DB) Handovers(ctx context.Context, f model.HandoverFilter) ([]model.Handover, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1
	}
	var out []model.Handover
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketHandovers).Cursor()
		for k, _ := c.Last(); k != nil && len(out) < limit; k, _ = c.Prev() {
			h, err := s.getHandover(tx, getU64(k))
			if err != nil {
				return err
			}
			if f.Room != "" && h.Room != f.Room || !f.At.IsZero() && h.MadeAt.After(f.At) {
				continue
			}
			out = append(out, h)
		}
		return nil
	})
	return out, err
}
