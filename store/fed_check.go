package store

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// fedCheck is what check verifies of the federation: every town the hub
// holds is in the tower, its applied seq is the newest of its events the
// log mirrors and its count of records the number of them, no town event
// is mirrored twice, and the maps from a town's numbers point at records
// the hub has (people, incidents of that town, activations).
func (c *checker) fed(tx *bolt.Tx) error {
	mirrored, err := c.mirroredEvents(tx)
	if err != nil {
		return err
	}
	if err := c.fedTowns(tx, mirrored); err != nil {
		return err
	}
	return c.fedMaps(tx)
}

// fedSeen is what the log mirrors of a town: its newest event's seq, how
// many.
type fedSeen struct {
	max, n uint64
}

// mirroredEvents reads the events a hub's log mirrors, by town, reporting
// one mirrored twice or naming no town's event.
func (c *checker) mirroredEvents(tx *bolt.Tx) (map[model.NodeCode]*fedSeen, error) {
	mirrored := map[model.NodeCode]*fedSeen{}
	once := map[string]uint64{}
	err := c.each(tx.Bucket(bucketEvents), func(k, v []byte) error {
		if !bytes.Contains(v, []byte(`"fed":`)) {
			return nil
		}
		var r struct {
			Fed string `json:"fed"`
		}
		if json.Unmarshal(v, &r) != nil || r.Fed == "" {
			return nil // c.events reports what does not decode
		}
		town, seq, ok := splitFedID(r.Fed)
		if !ok {
			c.add("events: event %d mirrors %q, which is no town's event", getU64(k), r.Fed)
			return nil
		}
		if prev, dup := once[r.Fed]; dup {
			c.add("events: events %d and %d both mirror %s", prev, getU64(k), r.Fed)
		}
		once[r.Fed] = getU64(k)
		m := mirrored[town]
		if m == nil {
			m = &fedSeen{}
			mirrored[town] = m
		}
		m.n++
		m.max = max(m.max, seq)
		return nil
	})
	return mirrored, err
}

// fedTowns compares each fed_towns record with what the log mirrors.
func (c *checker) fedTowns(tx *bolt.Tx, mirrored map[model.NodeCode]*fedSeen) error {
	err := tx.Bucket(bucketFedTowns).ForEach(func(k, v []byte) error {
		town := model.NodeCode(k)
		var r fedTownRecord
		if err := json.Unmarshal(v, &r); err != nil {
			c.add("fed_towns/%s: %v", k, err)
			return nil
		}
		if !hasNode(tx, town) {
			c.add("fed_towns/%s: no such town in the tower", k)
		}
		m := mirrored[town]
		delete(mirrored, town)
		if m == nil {
			m = &fedSeen{}
		}
		if m.max != r.Applied {
			c.add("fed_towns/%s: applied seq %d, but the newest of its events the log mirrors is %d", k, r.Applied, m.max)
		}
		if m.n != r.Records {
			c.add("fed_towns/%s: %d records applied, but the log mirrors %d of its events", k, r.Records, m.n)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for town := range mirrored {
		c.add("events: the log mirrors events of town %s, which fed_towns does not hold", town)
	}
	return nil
}

// fedMaps checks that the maps from a town's numbers point at records the
// hub has, of that town.
func (c *checker) fedMaps(tx *bolt.Tx) error {
	for _, x := range []struct {
		name   []byte
		target *bolt.Bucket
		what   string
	}{
		{bucketFedPeople, tx.Bucket(bucketPeople), "person"},
		{bucketFedIncidents, tx.Bucket(bucketIncidents), "incident"},
		{bucketFedActs, tx.Bucket(bucketWtActivations), "activation"},
		{bucketFedDirectives, tx.Bucket(bucketDirectives), "directive"},
		{bucketFedPatrols, tx.Bucket(bucketPatrols), "patrol"},
		{bucketFedFindings, tx.Bucket(bucketFindings), "finding"},
		{bucketFedShifts, tx.Bucket(bucketShifts), "shift"},
		{bucketFedHandovers, tx.Bucket(bucketHandovers), "handover"},
		{bucketFedRotations, tx.Bucket(bucketRotations), "rotation"},
	} {
		err := c.each(tx.Bucket(x.name), func(k, v []byte) error {
			town, id, ok := splitCodeKey(k)
			switch {
			case !ok || len(v) != 8:
				c.add("%s: malformed entry %x", x.name, k)
			case !isFedTown(tx, town):
				c.add("%s: entry %s/%d of town %s, which fed_towns does not hold", x.name, town, id, town)
			case x.target.Get(v) == nil:
				c.add("%s: %s/%d points at missing %s %d", x.name, town, id, x.what, getU64(v))
			case x.what == "incident":
				if inc, err := decodeIncident(getU64(v), x.target.Get(v), c.s.opts.Location); err == nil && inc.Node.Town() != town {
					c.add("%s: %s/%d points at %s, which is at %s", x.name, town, id, inc.ID, inc.Node)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return c.fedAreas(tx)
}

// fedAreas checks that fed_areas maps each town's area code to an area the
// hub has, in that town.
func (c *checker) fedAreas(tx *bolt.Tx) error {
	areas := tx.Bucket(bucketPatrolAreas)
	return c.each(tx.Bucket(bucketFedAreas), func(k, v []byte) error {
		i := bytes.IndexByte(k, 0)
		if i < 0 {
			c.add("fed_areas: malformed entry %x", k)
			return nil
		}
		town, code := model.NodeCode(k[:i]), string(k[i+1:])
		switch rec := areas.Get(v); {
		case !isFedTown(tx, town):
			c.add("fed_areas: entry %s/%s of town %s, which fed_towns does not hold", town, code, town)
		case rec == nil:
			c.add("fed_areas: %s/%s points at missing patrol area %s", town, code, v)
		default:
			if a, err := decodeArea(v, rec, c.s.opts.Location); err == nil && a.Village.Town() != town {
				c.add("fed_areas: %s/%s points at %s, which is in %s", town, code, v, a.Village)
			}
		}
		return nil
	})
}

// splitFedID reads FedMsgID(town, seq).
func splitFedID(id string) (model.NodeCode, uint64, bool) {
	i := strings.LastIndexByte(id, '-')
	if i < 0 {
		return "", 0, false
	}
	seq, err := strconv.ParseUint(id[i+1:], 10, 64)
	if err != nil || seq == 0 {
		return "", 0, false
	}
	return model.NodeCode(id[:i]), seq, true
}

// fedMirror is the set of what a hub's file holds as copies: the towns it
// federates, and the activations it mirrors (their hub seqs).
type fedMirror struct {
	towns map[model.NodeCode]bool
	acts  map[uint64]bool
}

func readFedMirror(tx *bolt.Tx) (fedMirror, error) {
	m := fedMirror{towns: map[model.NodeCode]bool{}, acts: map[uint64]bool{}}
	if b := tx.Bucket(bucketFedTowns); b != nil {
		if err := b.ForEach(func(k, _ []byte) error {
			m.towns[model.NodeCode(k)] = true
			return nil
		}); err != nil {
			return m, err
		}
	}
	if b := tx.Bucket(bucketFedActs); b != nil {
		if err := b.ForEach(func(_, v []byte) error {
			if len(v) == 8 {
				m.acts[getU64(v)] = true
			}
			return nil
		}); err != nil {
			return m, err
		}
	}
	return m, nil
}
