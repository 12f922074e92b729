package store

import (
	"bytes"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// duty checks the duty schedule, the handovers and the watchdogs (schema
// 6): each shift and handover has its room index entry and the indexes
// hold nothing else; no two shifts of a room overlap; a handover's shifts
// are stored (0: one a hub never had, or removed); every silence
// (heartbeats, room_watch) points at a stored incident.
func (c *checker) duty(tx *bolt.Tx) error {
	want := map[string]bool{}
	err := eachSeq(c, tx, bucketShifts, decodeShift, func(_ []byte, sh model.Shift) error {
		want[string(shiftRoomKey(sh.Room, sh.From, sh.Seq))] = true
		if tx.Bucket(bucketIdxShiftRoom).Get(shiftRoomKey(sh.Room, sh.From, sh.Seq)) == nil {
			c.add("idx_shift_room: %s (%s %s) has no entry", sh.ID, sh.Room, stampOf(sh.From))
		}
		return nil
	})
	if err != nil {
		return err
	}
	var prev model.Shift
	err = tx.Bucket(bucketIdxShiftRoom).ForEach(func(k, _ []byte) error {
		if !want[string(k)] {
			c.add("idx_shift_room: stray entry %q", k)
			return nil
		}
		_, seq, _ := splitShiftRoomKey(k)
		sh, err := c.s.getShift(tx, seq)
		if err != nil {
			return err
		}
		if prev.Room == sh.Room && prev.Overlaps(sh) {
			c.add("duty_shifts: %s and %s overlap in %s", prev.ID, sh.ID, sh.Room)
		}
		prev = sh
		return nil
	})
	if err != nil {
		return err
	}
	clear(want)
	err = eachSeq(c, tx, bucketHandovers, decodeHandover, func(_ []byte, h model.Handover) error {
		key := codeKey(h.Room, h.Seq)
		want[string(key)] = true
		if tx.Bucket(bucketIdxHandoverRoom).Get(key) == nil {
			c.add("idx_handover_room: %s has no entry", h.ID)
		}
		for _, seq := range []uint64{h.OutShift, h.InShift} {
			if seq != 0 && tx.Bucket(bucketShifts).Get(u64(seq)) == nil {
				c.add("handovers: %s is between shifts %s and %s, and %s is missing", h.ID,
					model.FormatShiftID(h.OutShift), model.FormatShiftID(h.InShift), model.FormatShiftID(seq))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketIdxHandoverRoom).ForEach(func(k, _ []byte) error {
		if !want[string(k)] {
			c.add("idx_handover_room: stray entry %q", k)
		}
		return nil
	}); err != nil {
		return err
	}
	incidents := tx.Bucket(bucketIncidents)
	if err := tx.Bucket(bucketHeartbeats).ForEach(func(k, v []byte) error {
		h, err := decodeHeartbeat(string(k), v, c.s.opts.Location)
		switch {
		case err != nil:
			c.add("heartbeats: %v", err)
		case h.IncidentSeq != 0 && incidents.Get(u64(h.IncidentSeq)) == nil:
			c.add("heartbeats: %s points at missing incident seq %d", h.Name, h.IncidentSeq)
		}
		return nil
	}); err != nil {
		return err
	}
	return tx.Bucket(bucketRoomWatch).ForEach(func(k, v []byte) error {
		r, err := getRoomWatch(tx.Bucket(bucketRoomWatch), model.NodeCode(k))
		switch {
		case err != nil:
			c.add("room_watch: %v", err)
		case r.Incident != 0 && incidents.Get(u64(r.Incident)) == nil:
			c.add("room_watch: %s points at missing incident seq %d", k, r.Incident)
		case bytes.IndexByte(k, '-') >= 0 || len(k) != 12:
			c.add("room_watch: %q is not a village code", k)
		}
		return nil
	})
}
