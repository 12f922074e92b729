package store

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// A town's file restored from a backup older than its stream: the stream,
// and the hub, hold records of the copy that was lost, numbered after the
// backup. The hub keeps a town's incidents, activations and people by the
// town's own numbers (fed_incidents, fed_acts, fed_people), so a restored
// file that numbered its next incident as the lost copy did would replace
// the county's copy of the lost one. FedNumberPast moves the file's own
// numbering past every number the lost records carry, as SetFedCursor
// moves the log's.

// FedNumberPast moves this file's numbering of incidents (their seqs and
// each day's numbers), activations and people past every one that recs,
// records of this town's stream, carry: the next of each is numbered
// after them. It only raises; a record this file already has changes
// nothing. It returns the ids of the incidents recs carry that this file
// has not (the lost copy's, which the county keeps).
func (s *DB) FedNumberPast(ctx context.Context, recs []model.FedRecord) ([]string, error) {
	var lacking []string
	_, err := s.write(ctx, func(tx *bolt.Tx, _ time.Time) ([]model.Event, error) {
		lacking = lacking[:0]
		town, err := fileTown(tx, s.path)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			if r.Town != town {
				return nil, fmt.Errorf("federation: record %s is not of this file's town %s", model.FedMsgID(r.Town, r.Seq), town)
			}
			w, err := decodeWire(r)
			if err != nil {
				return nil, err
			}
			id, err := s.numberPast(tx, w)
			if err != nil {
				return nil, fmt.Errorf("federation: record %s: %w", model.FedMsgID(r.Town, r.Seq), err)
			}
			if id != "" {
				lacking = append(lacking, id)
			}
		}
		return nil, nil
	})
	return lacking, err
}

// numberPast raises the numbering past what record w carries; the id of
// its incident when this file has none of that id.
func (s *DB) numberPast(tx *bolt.Tx, w fedWire) (lacking string, err error) {
	for _, fa := range w.Wartime {
		if err := raiseSequence(tx.Bucket(bucketWtActivations), fa.Seq); err != nil {
			return "", err
		}
	}
	people := w.People
	if w.Tower != nil {
		t, err := readFedPart(w.Tower)
		if err != nil {
			return "", err
		}
		people = append(people, t.People...)
	}
	for _, fp := range people {
		if err := raiseSequence(tx.Bucket(bucketPeople), fp.ID); err != nil {
			return "", err
		}
	}
	if w.Incident == nil {
		return "", nil
	}
	inc, err := decodeIncident(w.Incident.Seq, w.Incident.Rec, s.opts.Location)
	if err != nil {
		return "", err
	}
	if err := raiseSequence(tx.Bucket(bucketIncidents), inc.Seq); err != nil {
		return "", err
	}
	k, ok := idKey(inc.ID)
	if !ok {
		return "", fmt.Errorf("incident id %q: not an id gridcmd gives out", inc.ID)
	}
	if err := s.raiseDay(tx, string(k[:8]), getU64(k[8:16])); err != nil {
		return "", err
	}
	if tx.Bucket(bucketIncidentIDs).Get(k) != nil {
		return "", nil
	}
	return inc.ID, nil
}

// raiseSequence raises b's sequence to n (never lowers it).
func raiseSequence(b *bolt.Bucket, n uint64) error {
	if n <= b.Sequence() {
		return nil
	}
	return b.SetSequence(n)
}
