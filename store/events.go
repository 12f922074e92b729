package store

import (
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
			if err != nil {
				return err
			}
			switch n.Level {
			case model.LevelProvince:
				st.Provinces++
			case model.LevelCity:
				st.Cities++
			case model.LevelCounty:
				st.Counties++
			case model.LevelTown:
				st.Towns++
			case model.LevelVillage:
				st.Villages++
			case model.LevelGrid:
				st.Grids++
			case model.LevelMicroGrid:
				st.MicroGrids++
			case model.LevelHousehold:
				st.HouseholdUnits++
			}
			st.Households += n.Households
			return nil
		})
		if err != nil {
			return err
		}
		err = tx.Bucket(bucketPeople).ForEach(func(k, v []byte) error {
			p, err := decodePerson(getU64(k), v)
			if err != nil {
				return err
			}
			ps := &st.People
			ps.Total++
			if p.IsGridStaff() {
				ps.GridStaff++
			}
			if p.Has(model.RoleMicroGridWorker) {
				ps.MicroGridWorkers++
			}
			if p.Has(model.RoleReserve) {
				ps.Reserves++
			}
			if p.Has(model.RolePatroller) {
				ps.Patrollers++
			}
			if p.Has(model.RoleDutyOfficer) {
				ps.DutyOfficers++
			}
			return nil
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
			st.Incidents.Open++
			if inc.Light(now) == model.LightRed {
				st.Incidents.Overdue++
			}
		}
		f, err := figuresAt(tx, now, "", s.opts.Location)
		if err != nil {
			return err
		}
		st.Incidents.EscalationsLastHour = f.EscalationsLastHour
		st.Incidents.PassOnP50Seconds = int64(f.PassOnP50 / time.Second)
		st.Incidents.PassOnReports = f.PassOnReports
		return nil
	})
	return st, err
}
