package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// The stored forms of the duty schedule, the handovers and the watchdogs
// (schema 6). Private structs with explicit tags, times as Unix
// nanoseconds, like the other records; the handover's sheet is kept as the
// JSON of model.HandoverSheet, whose field tags are its format.

// Buckets of schema 6.
var (
	bucketShifts          = []byte("duty_shifts")
	bucketIdxShiftRoom    = []byte("idx_shift_room")
	bucketHandovers       = []byte("handovers")
	bucketIdxHandoverRoom = []byte("idx_handover_room")
	bucketHeartbeats      = []byte("heartbeats")
	bucketRoomWatch       = []byte("room_watch")
)

// metaWatchNext is the earliest time a watchdog may find something silent
// (u64 Unix nanos); absent when nothing is watched. It may be early (a
// heartbeat heard since moves the real time later), never late.
var metaWatchNext = []byte("watch/next")

// shiftRecord is the stored form of model.Shift (duty_shifts, key its seq).
type shiftRecord struct {
	Room    string `json:"room"`
	Person  uint64 `json:"person"`
	From    int64  `json:"from"`
	To      int64  `json:"to"`
	By      uint64 `json:"by"`
	Swapped uint64 `json:"swapped,omitempty"`
	// Swaps are the shift's changes of hands (model.Shift.Swaps); a shift
	// swapped before they were kept has swapped alone.
	Swaps []swapRecord `json:"swaps,omitempty"`
}

// swapRecord is the stored form of model.ShiftSwap.
type swapRecord struct {
	At   int64  `json:"at"`
	From uint64 `json:"from"`
}

func encodeShift(s model.Shift) ([]byte, error) {
	r := shiftRecord{Room: string(s.Room), Person: uint64(s.Person), From: nanos(s.From), To: nanos(s.To),
		By: uint64(s.By), Swapped: uint64(s.Swapped)}
	for _, w := range s.Swaps {
		r.Swaps = append(r.Swaps, swapRecord{At: nanos(w.At), From: uint64(w.From)})
	}
	return json.Marshal(r)
}

func decodeShift(seq uint64, v []byte, loc *time.Location) (model.Shift, error) {
	var r shiftRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return model.Shift{}, fmt.Errorf("shift seq %d: %w", seq, err)
	}
	sh := model.Shift{Seq: seq, ID: model.FormatShiftID(seq), Room: model.NodeCode(r.Room), Person: model.PersonID(r.Person),
		From: fromNanos(r.From, loc), To: fromNanos(r.To, loc), By: model.PersonID(r.By), Swapped: model.PersonID(r.Swapped)}
	for _, w := range r.Swaps {
		sh.Swaps = append(sh.Swaps, model.ShiftSwap{At: fromNanos(w.At, loc), From: model.PersonID(w.From)})
	}
	return sh, nil
}

// shiftRoomKey is the idx_shift_room key: room 0x00 u64 from u64 seq, so a
// room's shifts are in time order (they never overlap).
func shiftRoomKey(room model.NodeCode, from time.Time, seq uint64) []byte {
	k := append(append(make([]byte, 0, len(room)+17), room...), 0)
	k = binary.BigEndian.AppendUint64(k, uint64(max(nanos(from), 0)))
	return binary.BigEndian.AppendUint64(k, seq)
}

// splitShiftRoomKey returns the room and the seq of an idx_shift_room key.
func splitShiftRoomKey(k []byte) (model.NodeCode, uint64, bool) {
	if len(k) < 17 || k[len(k)-17] != 0 {
		return "", 0, false
	}
	return model.NodeCode(k[:len(k)-17]), getU64(k[len(k)-8:]), true
}

// handoverRecord is the stored form of model.Handover (handovers, key its seq).
type handoverRecord struct {
	Room         string          `json:"room"`
	OutShift     uint64          `json:"out_shift"`
	InShift      uint64          `json:"in_shift"`
	Outgoing     uint64          `json:"outgoing"`
	Incoming     uint64          `json:"incoming"`
	OutgoingName string          `json:"outgoing_name"`
	IncomingName string          `json:"incoming_name"`
	MadeAt       int64           `json:"made_at"`
	By           uint64          `json:"by"`
	AcceptedAt   int64           `json:"accepted_at,omitempty"`
	AcceptedBy   uint64          `json:"accepted_by,omitempty"`
	Sheet        json.RawMessage `json:"sheet"`
}

func encodeHandover(h model.Handover) ([]byte, error) {
	sheet, err := json.Marshal(h.Sheet)
	if err != nil {
		return nil, err
	}
	return json.Marshal(handoverRecord{
		Room: string(h.Room), OutShift: h.OutShift, InShift: h.InShift, Outgoing: uint64(h.Outgoing), Incoming: uint64(h.Incoming),
		OutgoingName: h.OutgoingName, IncomingName: h.InName, MadeAt: nanos(h.MadeAt), By: uint64(h.By),
		AcceptedAt: nanos(h.AcceptedAt), AcceptedBy: uint64(h.AcceptedBy), Sheet: sheet,
	})
}

func decodeHandover(seq uint64, v []byte, loc *time.Location) (model.Handover, error) {
	var r handoverRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return model.Handover{}, fmt.Errorf("handover seq %d: %w", seq, err)
	}
	h := model.Handover{
		Seq: seq, ID: model.FormatHandoverID(seq), Room: model.NodeCode(r.Room), OutShift: r.OutShift, InShift: r.InShift,
		Outgoing: model.PersonID(r.Outgoing), Incoming: model.PersonID(r.Incoming), OutgoingName: r.OutgoingName, InName: r.IncomingName,
		MadeAt: fromNanos(r.MadeAt, loc), By: model.PersonID(r.By), AcceptedAt: fromNanos(r.AcceptedAt, loc), AcceptedBy: model.PersonID(r.AcceptedBy),
	}
	if err := json.Unmarshal(r.Sheet, &h.Sheet); err != nil {
		return model.Handover{}, fmt.Errorf("handover seq %d: sheet: %w", seq, err)
	}
	h.Sheet = sheetIn(h.Sheet, loc)
	return h, nil
}

// sheetIn puts the sheet's times in loc, as the other records read back.
func sheetIn(s model.HandoverSheet, loc *time.Location) model.HandoverSheet {
	in := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		return t.In(loc)
	}
	s.From, s.To = in(s.From), in(s.To)
	for i := range s.Supervisions {
		s.Supervisions[i].At = in(s.Supervisions[i].At)
	}
	for i := range s.Notable {
		s.Notable[i].At = in(s.Notable[i].At)
	}
	for i := range s.Directives {
		s.Directives[i].Deadline = in(s.Directives[i].Deadline)
	}
	for i := range s.Silences {
		s.Silences[i].Since = in(s.Silences[i].Since)
	}
	if s.Wartime != nil {
		s.Wartime.Since = in(s.Wartime.Since)
	}
	return s
}

// heartbeatRecord is the stored form of model.Heartbeat (heartbeats, key its name).
type heartbeatRecord struct {
	Node     string `json:"node"`
	Every    int64  `json:"every"` // nanoseconds
	Since    int64  `json:"since"`
	LastAt   int64  `json:"last_at,omitempty"`
	By       uint64 `json:"by"`
	Incident uint64 `json:"incident,omitempty"` // the silence's incident seq, while it is one
}

func encodeHeartbeat(h model.Heartbeat) ([]byte, error) {
	return json.Marshal(heartbeatRecord{Node: string(h.Node), Every: int64(h.Every), Since: nanos(h.Since), LastAt: nanos(h.LastAt),
		By: uint64(h.By), Incident: h.IncidentSeq})
}

func decodeHeartbeat(name string, v []byte, loc *time.Location) (model.Heartbeat, error) {
	var r heartbeatRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return model.Heartbeat{}, fmt.Errorf("heartbeat %s: %w", name, err)
	}
	return model.Heartbeat{Name: name, Node: model.NodeCode(r.Node), Every: time.Duration(r.Every), Since: fromNanos(r.Since, loc),
		LastAt: fromNanos(r.LastAt, loc), By: model.PersonID(r.By), IncidentSeq: r.Incident}, nil
}

// roomWatchRecord is a village room's watch (room_watch, key the village
// code): its last action or check-in, and the incident its silence opened
// while that is one.
type roomWatchRecord struct {
	Last     int64  `json:"last,omitempty"`
	Incident uint64 `json:"incident,omitempty"`
}

func getRoomWatch(b *bolt.Bucket, village model.NodeCode) (roomWatchRecord, error) {
	var r roomWatchRecord
	v := b.Get([]byte(village))
	if v == nil {
		return r, nil
	}
	return decodeRecord[roomWatchRecord](v, "room_watch %s", village)
}

func putRoomWatch(b *bolt.Bucket, village model.NodeCode, r roomWatchRecord) error {
	return putRecord(b, []byte(village), r)
}

func parseShiftID(s string) (uint64, error)    { return parseSeqID("shift", 'S', s) }
func parseHandoverID(s string) (uint64, error) { return parseSeqID("handover", 'H', s) }
