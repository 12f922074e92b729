package store

import (
	"bytes"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// patrols checks the patrol buckets (schema 6) against each other and the
// records they point at: every area's village is in the tower and its
// record reads; every patrol's area exists and idx_patrols_active holds
// exactly the patrols still running; a patrol's open silence (the
// watchdog's) is a running patrol's and points at a stored incident of that
// id; idx_findings_waiting holds exactly the
// findings on the desk, keyed by when they were found; every handled
// finding's incident exists; every patrol_idem entry points at its patrol
// or finding; every rotation reads and its report entries belong to one.
func (c *checker) patrols(tx *bolt.Tx) error {
	areas := map[string]bool{}
	err := tx.Bucket(bucketPatrolAreas).ForEach(func(k, v []byte) error {
		a, err := decodeArea(k, v, c.s.opts.Location)
		if err != nil {
			c.add("patrol_areas: %v", err)
			return nil
		}
		areas[a.Code] = true
		if !hasNode(tx, a.Village) {
			c.add("patrol_areas: %s lies in missing village %s", a.Code, a.Village)
		}
		return nil
	})
	if err != nil {
		return err
	}
	active := tx.Bucket(bucketIdxPatrolsActive)
	err = c.each(tx.Bucket(bucketPatrols), func(k, v []byte) error {
		p, err := decodePatrol(getU64(k), v, c.s.opts.Location)
		if err != nil {
			c.add("patrols: %v", err)
			return nil
		}
		if !areas[p.Area] {
			c.add("patrols: %s is of missing area %s", p.ID, p.Area)
		}
		if p.Active() != (active.Get(k) != nil) {
			c.add("idx_patrols_active: %s running %t, entry %t", p.ID, p.Active(), active.Get(k) != nil)
		}
		if p.SilenceSeq != 0 {
			if !p.Active() {
				c.add("patrols: %s ended with its silence %s open", p.ID, p.Silence)
			}
			if inc, err := c.s.getIncident(tx, p.SilenceSeq); err != nil || inc.ID != p.Silence {
				c.add("patrols: %s's silence points at incident seq %d (%s), not found as such", p.ID, p.SilenceSeq, p.Silence)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	patrols := tx.Bucket(bucketPatrols)
	err = active.ForEach(func(k, _ []byte) error {
		if len(k) != 8 || patrols.Get(k) == nil {
			c.add("idx_patrols_active: entry %x points at no patrol", k)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := c.findings(tx); err != nil {
		return err
	}
	return c.rotationsAndKeys(tx)
}

func (c *checker) findings(tx *bolt.Tx) error {
	waiting := tx.Bucket(bucketIdxFindingsWaiting)
	incs := tx.Bucket(bucketIncidents)
	want := map[string]bool{}
	err := c.each(tx.Bucket(bucketFindings), func(k, v []byte) error {
		f, err := decodeFinding(getU64(k), v, c.s.opts.Location)
		if err != nil {
			c.add("findings: %v", err)
			return nil
		}
		if f.Status == model.FindingWaiting {
			wk := waitingKey(f)
			want[string(wk)] = true
			if waiting.Get(wk) == nil {
				c.add("idx_findings_waiting: %s is waiting and has no entry", f.ID)
			}
		}
		if f.IncidentSeq != 0 && incs.Get(u64(f.IncidentSeq)) == nil {
			c.add("findings: %s is carried by missing incident %s (seq %d)", f.ID, f.Incident, f.IncidentSeq)
		}
		if (f.Status == model.FindingPassed || f.Status == model.FindingMerged || f.Status == model.FindingEscalated) && f.IncidentSeq == 0 {
			c.add("findings: %s is %s but names no incident", f.ID, f.Status)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return waiting.ForEach(func(k, _ []byte) error {
		if !want[string(k)] {
			c.add("idx_findings_waiting: entry %x is no finding on the desk", k)
		}
		return nil
	})
}

func (c *checker) rotationsAndKeys(tx *bolt.Tx) error {
	rots := tx.Bucket(bucketRotations)
	err := rots.ForEach(func(k, v []byte) error {
		if _, err := decodeRotation(getU64(k), v, c.s.opts.Location); err != nil {
			c.add("rotations: %v", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = tx.Bucket(bucketRotationReports).ForEach(func(k, v []byte) error {
		if len(k) != 24 || rots.Get(k[:8]) == nil {
			c.add("rotation_reports: entry %x belongs to no rotation", k)
		}
		if len(v) != 0 && len(v) != 8 {
			c.add("rotation_reports: entry %x holds %d bytes, want a reporter's id (8) or nothing", k, len(v))
		}
		return nil
	})
	if err != nil {
		return err
	}
	patrols, findings := tx.Bucket(bucketPatrols), tx.Bucket(bucketFindings)
	return tx.Bucket(bucketPatrolIdem).ForEach(func(k, v []byte) error {
		seq, _, ok := splitIdemValue(v)
		if len(k) < 10 || !ok {
			c.add("patrol_idem: malformed entry %x", k)
			return nil
		}
		var what string
		var b *bolt.Bucket
		switch k[8] {
		case idemStart, idemCheckIn, idemEnd:
			what, b = model.FormatPatrolID(seq), patrols
		case idemFinding:
			what, b = model.FormatFindingID(seq), findings
		default:
			c.add("patrol_idem: entry %x of unknown kind %q", k, k[8])
			return nil
		}
		if b.Get(u64(seq)) == nil {
			c.add("patrol_idem: key %q of P%d points at missing %s", bytes.ToValidUTF8(k[9:], []byte("?")), getU64(k), what)
		}
		return nil
	})
}
