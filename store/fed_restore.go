package store

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// A town's file restored from a backup older than its stream: the stream,
// and the hub, hold records of the copy that was lost, numbered after the
// backup. The hub keeps a town's incidents, activations, people,
// directives, patrols, findings, shifts, handovers and rotations by the
// town's own numbers (fed_incidents, fed_acts, fed_people, fed_directives,
// fed_patrols, fed_findings, fed_shifts, fed_handovers, fed_rotations), so
// a restored file that numbered its next incident as the lost copy did
// would replace the county's copy of the lost one. FedNumberPast moves the
// file's own numbering past every number the lost records carry, as
// SetFedCursor moves the log's, and says what already clashes.

// lostNumbers is what one record of the stream carries that the file's
// numbering must pass: read before the writer's transaction.
type lostNumbers struct {
	seq        uint64
	event      []byte // the record's event as stored
	acts       []uint64
	people     []uint64
	others     map[string]uint64 // bucket -> the seq of a directive, patrol, finding, handover or rotation it carries, or its last shift's (the highest of several)
	incident   uint64            // its seq (0: none)
	id         string
	idKey      []byte
	reportedAt time.Time
}

// FedNumberPast moves this file's numbering of incidents (their seqs and
// each day's numbers), activations, people, directives, patrols,
// findings, shifts, handovers and rotations past every one that recs,
// records of this town's stream, carry: the next of each is numbered
// after them. It only raises; a record this file already has changes
// nothing. It says which of the lost copy's incidents the file has not,
// which of the file's events hold a number the stream has for another,
// and which of the file's incidents hold a lost one's number.
func (s *DB) FedNumberPast(ctx context.Context, recs []model.FedRecord) (model.FedLost, error) {
	lost := make([]lostNumbers, 0, len(recs))
	for _, r := range recs {
		n, err := s.lostNumbersOf(r)
		if err != nil {
			return model.FedLost{}, fmt.Errorf("federation: record %s: %w", model.FedMsgID(r.Town, r.Seq), err)
		}
		lost = append(lost, n)
	}
	var out model.FedLost
	_, err := s.write(ctx, func(tx *bolt.Tx, _ time.Time) ([]model.Event, error) {
		out = model.FedLost{}
		town, err := fileTown(tx, s.path)
		if err != nil {
			return nil, err
		}
		for i, n := range lost {
			if recs[i].Town != town {
				return nil, fmt.Errorf("federation: record %s is not of this file's town %s", model.FedMsgID(recs[i].Town, n.seq), town)
			}
			if err := s.numberPast(tx, n, &out); err != nil {
				return nil, fmt.Errorf("federation: record %s: %w", model.FedMsgID(recs[i].Town, n.seq), err)
			}
		}
		return nil, nil
	})
	return out, err
}

// lostNumbersOf reads what record r carries.
func (s *DB) lostNumbersOf(r model.FedRecord) (lostNumbers, error) {
	w, err := decodeWire(r)
	if err != nil {
		return lostNumbers{}, err
	}
	n := lostNumbers{seq: w.Seq, event: w.Event}
	for _, fa := range w.Wartime {
		n.acts = append(n.acts, fa.Seq)
	}
	people := w.People
	if w.Tower != nil {
		t, err := readFedPart(w.Tower)
		if err != nil {
			return n, err
		}
		people = append(people, t.People...)
	}
	for _, fp := range people {
		n.people = append(n.people, fp.ID)
	}
	n.others = map[string]uint64{}
	if w.Directive != nil {
		n.others[string(bucketDirectives)] = w.Directive.Seq
	}
	if w.Patrol != nil {
		n.others[string(bucketPatrols)] = w.Patrol.Seq
	}
	if w.Finding != nil {
		n.others[string(bucketFindings)] = w.Finding.Seq
	}
	for _, fr := range w.Shifts {
		n.others[string(bucketShifts)] = max(n.others[string(bucketShifts)], fr.Seq)
	}
	if w.Handover != nil {
		n.others[string(bucketHandovers)] = w.Handover.Seq
	}
	for _, fr := range w.Handovers {
		n.others[string(bucketHandovers)] = max(n.others[string(bucketHandovers)], fr.Seq)
	}
	if w.Rotation != nil {
		n.others[string(bucketRotations)] = w.Rotation.Seq
	}
	for _, fr := range w.Rotations {
		n.others[string(bucketRotations)] = max(n.others[string(bucketRotations)], fr.Seq)
	}
	if w.Incident == nil {
		return n, nil
	}
	inc, err := decodeIncident(w.Incident.Seq, w.Incident.Rec, s.opts.Location)
	if err != nil {
		return n, err
	}
	k, ok := idKey(inc.ID)
	if !ok {
		return n, fmt.Errorf("incident id %q: not an id gridcmd gives out", inc.ID)
	}
	n.incident, n.id, n.idKey, n.reportedAt = inc.Seq, inc.ID, k, inc.ReportedAt
	return n, nil
}

// numberPast raises the numbering past what n carries and notes in out
// what clashes with the file.
func (s *DB) numberPast(tx *bolt.Tx, n lostNumbers, out *model.FedLost) error {
	if v := tx.Bucket(bucketEvents).Get(u64(n.seq)); v != nil && !bytes.Equal(v, n.event) {
		out.Events = append(out.Events, n.seq)
	}
	for _, seq := range n.acts {
		if err := raiseSequence(tx.Bucket(bucketWtActivations), seq); err != nil {
			return err
		}
	}
	for _, id := range n.people {
		if err := raiseSequence(tx.Bucket(bucketPeople), id); err != nil {
			return err
		}
	}
	for b, seq := range n.others {
		if err := raiseSequence(tx.Bucket([]byte(b)), seq); err != nil {
			return err
		}
	}
	if n.incident == 0 {
		return nil
	}
	if err := raiseSequence(tx.Bucket(bucketIncidents), n.incident); err != nil {
		return err
	}
	if err := s.raiseDay(tx, string(n.idKey[:8]), getU64(n.idKey[8:16])); err != nil {
		return err
	}
	if tx.Bucket(bucketIncidentIDs).Get(n.idKey) == nil && !slices.Contains(out.Incidents, n.id) {
		out.Incidents = append(out.Incidents, n.id)
	}
	if tx.Bucket(bucketIncidents).Get(u64(n.incident)) == nil {
		return nil
	}
	mine, err := s.getIncident(tx, n.incident)
	if err != nil {
		return err
	}
	if !mine.ReportedAt.Equal(n.reportedAt) && !slices.Contains(out.Clashing, mine.ID) {
		out.Clashing = append(out.Clashing, mine.ID)
	}
	return nil
}

// raiseSequence raises b's sequence to n (never lowers it).
func raiseSequence(b *bolt.Bucket, n uint64) error {
	if n <= b.Sequence() {
		return nil
	}
	return b.SetSequence(n)
}
