package store

import (
	"bytes"
	"context"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// DefaultEventLimit is how many events Events returns when limit <= 0.
const DefaultEventLimit = 100

// Events returns up to limit events older than before (0: from the newest),
// newest first.
func (s *DB) Events(ctx context.Context, before uint64, limit int) ([]model.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = DefaultEventLimit
	}
	var out []model.Event
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketEvents).Cursor()
		var k, v []byte
		if before == 0 {
			k, v = c.Last()
		} else {
			// Seek finds the first key >= before (or none); step back once.
			if k, _ = c.Seek(u64(before)); k == nil {
				k, v = c.Last()
			} else {
				k, v = c.Prev()
			}
		}
		for ; k != nil && len(out) < limit; k, v = c.Prev() {
			ev, err := decodeEvent(getU64(k), v, s.opts.Location)
			if err != nil {
				return err
			}
			out = append(out, ev)
		}
		return nil
	})
	return out, err
}

// Stats counts the whole file: StatsIn of "".
func (s *DB) Stats(ctx context.Context) (model.Stats, error) { return s.StatsIn(ctx, "") }

// StatsIn counts scope's subtree ("" the whole file): its nodes by level
// and their households, the people placed in it, its incidents (all of
// them; the open ones, and the overdue: open and past the running deadline
// at Now), with its figures at Now (Figures of scope). A scope the tower
// does not hold is not found.
func (s *DB) StatsIn(ctx context.Context, scope model.NodeCode) (model.Stats, error) {
	now := s.clock()
	return viewIn(ctx, s, scope, func(tx *bolt.Tx, scope model.NodeCode) (model.Stats, error) {
		var st model.Stats
		if scope != "" {
			if _, err := getNode(tx, scope); err != nil {
				return st, err
			}
		}
		if err := countNodes(tx, scope, &st); err != nil {
			return st, err
		}
		if err := countPeople(tx, scope, &st); err != nil {
			return st, err
		}
		if err := s.countIncidents(tx, scope, now, &st); err != nil {
			return st, err
		}
		f, err := figuresAt(tx, now, scope, s.opts.Location)
		if err != nil {
			return st, err
		}
		st.SetFigures(f)
		return st, nil
	})
}

// countNodes counts the nodes of scope's subtree ("" every node): a run of
// keys from scope's own.
func countNodes(tx *bolt.Tx, scope model.NodeCode, st *model.Stats) error {
	prefix := []byte(scope)
	c := tx.Bucket(bucketNodes).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		n, err := decodeNode(k, v)
		if err != nil {
			return err
		}
		st.CountNode(n)
	}
	return nil
}

// countPeople counts the people placed in scope's subtree (people_by_node),
// or, for "", every person of the file.
func countPeople(tx *bolt.Tx, scope model.NodeCode, st *model.Stats) error {
	if scope == "" {
		return tx.Bucket(bucketPeople).ForEach(func(k, v []byte) error {
			p, err := decodePerson(getU64(k), v)
			if err == nil {
				st.CountPerson(p)
			}
			return err
		})
	}
	for _, id := range peopleIn(tx, scope, false) {
		p, err := getPerson(tx, model.PersonID(id))
		if err != nil {
			return err
		}
		st.CountPerson(p)
	}
	return nil
}

// countIncidents counts the incidents of scope's subtree ("" all) from the
// indexes, closed ones included, and reads only its open ones (idx_open
// meeting idx_node) to count the overdue at now.
func (s *DB) countIncidents(tx *bolt.Tx, scope model.NodeCode, now time.Time, st *model.Stats) error {
	open := openSeqs(tx, "", "")
	if scope == "" {
		st.Incidents.Total = tx.Bucket(bucketIncidents).Stats().KeyN
	} else {
		in := nodeScan(tx, scope, false)
		st.Incidents.Total = len(in)
		open = meeting(open, in)
	}
	slices.Sort(open)
	rd := s.newSeqReader(tx)
	for i := len(open) - 1; i >= 0; i-- {
		inc, err := rd.get(open[i])
		if err != nil {
			return err
		}
		st.CountOpen(inc, now)
	}
	return nil
}

// meeting is the seqs of few that many has too (few a set, many a run).
func meeting(few, many []uint64) []uint64 {
	in := make(map[uint64]bool, len(few))
	for _, seq := range few {
		in[seq] = true
	}
	var out []uint64
	for _, seq := range many {
		if in[seq] {
			out = append(out, seq)
		}
	}
	return out
}
