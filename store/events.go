package store

import (
	"context"
	"slices"

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

// Stats counts the tower, the roster and the incidents (overdue: open and
// past the running deadline at Now), with the figures at Now (Figures).
func (s *DB) Stats(ctx context.Context) (model.Stats, error) {
	if err := ctx.Err(); err != nil {
		return model.Stats{}, err
	}
	now := s.clock()
	var st model.Stats
	err := s.view(func(tx *bolt.Tx) error {
		err := tx.Bucket(bucketNodes).ForEach(func(k, v []byte) error {
			n, err := decodeNode(k, v)
			if err == nil {
				st.CountNode(n)
			}
			return err
		})
		if err != nil {
			return err
		}
		err = tx.Bucket(bucketPeople).ForEach(func(k, v []byte) error {
			p, err := decodePerson(getU64(k), v)
			if err == nil {
				st.CountPerson(p)
			}
			return err
		})
		if err != nil {
			return err
		}
		st.Incidents.Total = tx.Bucket(bucketIncidents).Stats().KeyN
		seqs := openSeqs(tx, "", "")
		slices.Sort(seqs)
		rd := s.newSeqReader(tx)
		for i := len(seqs) - 1; i >= 0; i-- {
			inc, err := rd.get(seqs[i])
			if err != nil {
				return err
			}
			st.CountOpen(inc, now)
		}
		f, err := figuresAt(tx, now, "", s.opts.Location)
		if err != nil {
			return err
		}
		st.SetFigures(f)
		return nil
	})
	return st, err
}
