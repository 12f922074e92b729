package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"gridcmd/model"
)

// errRollback ends a transaction that only read.
var errRollback = errors.New("store: rollback")

// maxProblems caps what Check reports.
const maxProblems = 1000

// Check verifies the file: bbolt's own page checks, then every index against
// the records (each incident has exactly its idx_open, idx_due, idx_node and
// incident_ids entries and no entry points at a missing or different record;
// the same for people_by_node and idx_incident_events; every node's parent
// is stored; meta wt/active points at the one activation that has not
// ended; every directive unit has its idx_unit_directives entry and, while
// its activation is active and a check is due, its idx_dir_due entry, and
// those indexes hold nothing else; every shift and handover has its room
// index entry and nothing else is in those indexes, no two shifts of a
// room overlap, and every silence points at a stored incident;
// idx_escalations and idx_pass_on are what the event log says). It returns
// the problems found, none for
// a sound file.
//
// It runs in a write transaction that it rolls back: bbolt's Tx.Check is
// safe beside other writers only in one, and holding the writer's place
// also gives it a still picture. Writes wait while it runs. Opened
// read-only, it runs in a read transaction: no process can write the file
// then. A panic of bbolt on a damaged page is returned as an error.
func (s *DB) Check(ctx context.Context) (problems []string, err error) {
	defer s.guard(&err)()
	c := &checker{s: s, ctx: ctx}
	txn := s.db.Update
	if s.opts.ReadOnly {
		txn = s.db.View
	}
	err = txn(func(tx *bolt.Tx) error {
		if err := c.run(tx); err != nil {
			return err
		}
		return errRollback
	})
	if errors.Is(err, errRollback) {
		err = nil
	}
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return nil, s.closedErr()
	}
	if err != nil {
		return c.problems, err
	}
	if c.more > 0 {
		c.problems = append(c.problems, fmt.Sprintf("... and %d more problems", c.more))
	}
	return c.problems, nil
}

type checker struct {
	s        *DB
	mirror   fedMirror // what the file holds as copies of federated towns
	ctx      context.Context
	problems []string
	more     int
	n        int
}

func (c *checker) add(format string, args ...any) {
	if len(c.problems) >= maxProblems {
		c.more++
		return
	}
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// tick checks the context every few thousand records.
func (c *checker) tick() error {
	c.n++
	if c.n%4096 == 0 {
		return c.ctx.Err()
	}
	return nil
}

// each walks b's entries as ForEach does, ticking before each one so that
// a long check stops when its context ends.
func (c *checker) each(b *bolt.Bucket, fn func(k, v []byte) error) error {
	return b.ForEach(func(k, v []byte) error {
		if err := c.tick(); err != nil {
			return err
		}
		return fn(k, v)
	})
}

// eachSeq walks, with each, the bucket name keyed by seq, decoding every
// record: a key that is not 8 bytes or a record that does not decode is
// reported under name and passed over; fn sees the others.
func eachSeq[T any](c *checker, tx *bolt.Tx, name []byte, decode func(uint64, []byte, *time.Location) (T, error), fn func(k []byte, x T) error) error {
	return c.each(tx.Bucket(name), func(k, v []byte) error {
		if len(k) != 8 {
			c.add("%s: malformed key %x", name, k)
			return nil
		}
		x, err := decode(getU64(k), v, c.s.opts.Location)
		if err != nil {
			c.add("%s: %v", name, err)
			return nil
		}
		return fn(k, x)
	})
}

func (c *checker) run(tx *bolt.Tx) error {
	if err := c.ctx.Err(); err != nil {
		return err
	}
	if err := walkPages(tx); err != nil {
		return err
	}
	for err := range tx.Check() {
		c.add("bbolt: %v", err)
	}
	missing := false
	for _, name := range allBuckets {
		if tx.Bucket(name) == nil {
			c.add("bucket %s is missing", name)
			missing = true
		}
	}
	if missing {
		return nil
	}
	if v, err := fileSchema(tx); err != nil || v != schemaVersion() {
		c.add("meta/schema is %d (%v), want %d", v, err, schemaVersion())
	}
	var err error
	if c.mirror, err = readFedMirror(tx); err != nil {
		return err
	}
	for _, step := range []func(*bolt.Tx) error{c.nodes, c.people, c.incidents, c.events, c.wartime, c.intake, c.duty, c.patrols, c.sshKeys, c.counts, c.points, c.figures, c.fed} {
		if err := step(tx); err != nil {
			return err
		}
	}
	return nil
}

// walkPages reads every page of every bucket, in this goroutine, before
// bbolt's Tx.Check does: Tx.Check walks the pages in a goroutine of its
// own, where bbolt's panic on a damaged page cannot be recovered and would
// end the process. Here the same panic comes first, and Check's guard makes
// it an error.
func walkPages(tx *bolt.Tx) error {
	return tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
		walkBucket(b)
		return nil
	})
}

func walkBucket(b *bolt.Bucket) {
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if v == nil {
			if nb := b.Bucket(k); nb != nil {
				walkBucket(nb)
			}
		}
	}
}

func (c *checker) nodes(tx *bolt.Tx) error {
	b := tx.Bucket(bucketNodes)
	return c.each(b, func(k, v []byte) error {
		n, err := decodeNode(k, v)
		if err != nil {
			c.add("nodes: %v", err)
			return nil
		}
		if err := n.Validate(); err != nil {
			c.add("nodes: %s", model.ErrorMessage(err))
		}
		if n.Parent != "" && n.Level > model.LevelTown && b.Get([]byte(n.Parent)) == nil {
			c.add("nodes: %s has no parent %s", n.Code, n.Parent)
		}
		return nil
	})
}

func (c *checker) people(tx *bolt.Tx) error {
	people := tx.Bucket(bucketPeople)
	byNode := tx.Bucket(bucketPeopleByNode)
	nodes := tx.Bucket(bucketNodes)
	err := c.each(people, func(k, v []byte) error {
		p, err := decodePerson(getU64(k), v)
		if err != nil {
			c.add("people: %v", err)
			return nil
		}
		if nodes.Get([]byte(p.Node)) == nil {
			c.add("people: %s (%s) is at %s, which is not in the tower", p.ID, p.Name, p.Node)
		}
		if byNode.Get(codeKey(p.Node, uint64(p.ID))) == nil {
			c.add("people_by_node: %s (%s) has no entry at %s", p.ID, p.Name, p.Node)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return byNode.ForEach(func(k, _ []byte) error {
		code, id, ok := splitCodeKey(k)
		if !ok {
			c.add("people_by_node: malformed key %x", k)
			return nil
		}
		v := people.Get(u64(id))
		if v == nil {
			c.add("people_by_node: entry %s/P%d points at a missing person", code, id)
			return nil
		}
		if p, err := decodePerson(id, v); err == nil && p.Node != code {
			c.add("people_by_node: entry %s/P%d, but the person is at %s", code, id, p.Node)
		}
		return nil
	})
}

// incidents rebuilds the indexes from the records and compares them with
// the stored ones, entry by entry.
func (c *checker) incidents(tx *bolt.Tx) error {
	want, err := c.incidentRecords(tx)
	if err != nil {
		return err
	}
	for _, name := range [][]byte{bucketIdxOpen, bucketIdxDue, bucketIdxNode} {
		w := want[string(name)]
		stray := func(k []byte) string { return c.strayEntry(tx, name, k) }
		if err := c.consumeIndex(tx, name, w, stray); err != nil {
			return err
		}
		for _, id := range w {
			c.add("%s: incident %s has no entry", name, id)
		}
	}
	if unread := tx.Bucket(bucketIncidentIDsUnread); unread != nil {
		if err := unread.ForEach(func(k, v []byte) error {
			c.add("%s: %q (-> %x): an old incident_ids entry the schema 5 migration could not read or place", bucketIncidentIDsUnread, k, v)
			return nil
		}); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketIncidentIDs).ForEach(func(k, v []byte) error {
		c.incidentID(tx, k, v)
		return nil
	})
}

// incidentRecords checks each incident's incident_ids entry and returns
// the idx_open, idx_due and idx_node entries the records ask for: bucket ->
// key -> incident id.
func (c *checker) incidentRecords(tx *bolt.Tx) (map[string]map[string]string, error) {
	ids := tx.Bucket(bucketIncidentIDs)
	want := map[string]map[string]string{
		string(bucketIdxOpen): {}, string(bucketIdxDue): {}, string(bucketIdxNode): {},
	}
	err := c.each(tx.Bucket(bucketIncidents), func(k, v []byte) error {
		seq := getU64(k)
		inc, err := decodeIncident(seq, v, c.s.opts.Location)
		if err != nil {
			c.add("incidents: %v", err)
			return nil
		}
		var got []byte
		if k, ok := idKey(inc.ID); ok {
			got = ids.Get(k)
		}
		if got == nil || len(got) != 8 || getU64(got) != seq {
			c.add("incident_ids: %s (seq %d) has no entry or a wrong one", inc.ID, seq)
		}
		keys, err := keysOf(inc)
		if err != nil {
			c.add("incidents: %v", err)
			return nil
		}
		if keys.open != nil {
			want[string(bucketIdxOpen)][string(keys.open)] = inc.ID
		}
		if keys.due != nil && !c.mirror.towns[inc.Node.Town()] { // a federated town's clocks are the town's
			want[string(bucketIdxDue)][string(keys.due)] = inc.ID
		}
		want[string(bucketIdxNode)][string(keys.node)] = inc.ID
		return nil
	})
	return want, err
}

// incidentID checks one incident_ids entry: well formed, within its day's
// counter, pointing at the incident with that id.
func (c *checker) incidentID(tx *bolt.Tx, k, v []byte) {
	name := idOfKey(k)
	if len(v) != 8 {
		c.add("incident_ids: %s: malformed value", name)
		return
	}
	if !wellFormedIDKey(k) {
		c.add("incident_ids: %s", name)
		return
	}
	date, n := string(k[:8]), getU64(k[8:16])
	if last, err := metaU64(tx, dayKey(date)); err != nil {
		c.add("incident_ids: %s: %v", name, err)
	} else if last < n {
		c.add("incident_ids: %s is past the day's counter meta/%s = %d", name, dayKey(date), last)
	}
	seq := getU64(v)
	rv := tx.Bucket(bucketIncidents).Get(v)
	if rv == nil {
		c.add("incident_ids: %s points at missing seq %d", name, seq)
		return
	}
	if inc, err := decodeIncident(seq, rv, c.s.opts.Location); err == nil {
		if want, ok := idKey(inc.ID); !ok || !bytes.Equal(want, k) {
			c.add("incident_ids: %s points at seq %d, which is %s", name, seq, inc.ID)
		}
	}
}

// consumeIndex walks index bucket name, taking out of want each key it
// holds and reporting every other entry as stray(k) says; what is left in
// want has no entry.
func (c *checker) consumeIndex(tx *bolt.Tx, name []byte, want map[string]string, stray func(k []byte) string) error {
	return c.each(tx.Bucket(name), func(k, _ []byte) error {
		if _, ok := want[string(k)]; ok {
			delete(want, string(k))
			return nil
		}
		c.add("%s: %s", name, stray(k))
		return nil
	})
}

// strayEntry describes an index entry that no record asks for.
func (c *checker) strayEntry(tx *bolt.Tx, name, k []byte) string {
	var seq uint64
	switch string(name) {
	case string(bucketIdxOpen):
		if len(k) != 10 {
			return fmt.Sprintf("malformed key %x", k)
		}
		seq = getU64(k[2:])
	case string(bucketIdxDue):
		if len(k) != 16 {
			return fmt.Sprintf("malformed key %x", k)
		}
		seq = getU64(k[8:])
	default:
		_, id, ok := splitCodeKey(k)
		if !ok {
			return fmt.Sprintf("malformed key %x", k)
		}
		seq = id
	}
	inc, err := c.s.getIncident(tx, seq)
	if err != nil {
		return fmt.Sprintf("entry %x points at missing seq %d", k, seq)
	}
	return fmt.Sprintf("entry %x does not match incident %s (seq %d: %s, %s, %s, next check %s)",
		k, inc.ID, seq, inc.Tier, inc.Status, inc.Node, inc.NextCheck().Format("2006-01-02 15:04:05"))
}

func (c *checker) events(tx *bolt.Tx) error {
	events := tx.Bucket(bucketEvents)
	idx := tx.Bucket(bucketIncidentEvents)
	incs := tx.Bucket(bucketIncidents)
	err := c.each(events, func(k, v []byte) error {
		seq := getU64(k)
		ev, err := decodeEvent(seq, v, c.s.opts.Location)
		if err != nil {
			c.add("events: %v", err)
			return nil
		}
		if ev.IncidentSeq == 0 {
			return nil
		}
		if incs.Get(u64(ev.IncidentSeq)) == nil {
			c.add("events: event %d is about missing incident seq %d", seq, ev.IncidentSeq)
		}
		if idx.Get(pairKey(ev.IncidentSeq, seq)) == nil {
			c.add("idx_incident_events: event %d of %s has no entry", seq, ev.Incident)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return c.each(idx, func(k, _ []byte) error {
		if len(k) != 16 {
			c.add("idx_incident_events: malformed key %x", k)
			return nil
		}
		inc, seq := getU64(k), getU64(k[8:])
		v := events.Get(k[8:])
		if v == nil {
			c.add("idx_incident_events: entry %d/%d points at a missing event", inc, seq)
			return nil
		}
		if ev, err := decodeEvent(seq, v, c.s.opts.Location); err == nil && ev.IncidentSeq != inc {
			c.add("idx_incident_events: entry %d/%d, but event %d is about seq %d", inc, seq, seq, ev.IncidentSeq)
		}
		return nil
	})
}

// wartime checks meta wt/active against the activations, and rebuilds
// idx_dir_due and idx_unit_directives from directive_units and compares
// them with the stored ones.
func (c *checker) wartime(tx *bolt.Tx) error {
	towns, err := activeTowns(tx)
	if err != nil {
		c.add("meta: %v", err)
	}
	active := map[uint64]bool{}
	for _, t := range towns {
		active[t.seq] = true
	}
	acts, err := c.activations(tx, towns)
	if err != nil {
		return err
	}
	for _, b := range [][]byte{bucketWtUnits, bucketWtDrafts, bucketWtAfter} {
		err := tx.Bucket(b).ForEach(func(k, _ []byte) error {
			if len(k) < 8 {
				c.add("%s: malformed key %x", b, k)
			} else if _, ok := acts[getU64(k)]; !ok {
				c.add("%s: entry %x of missing activation seq %d", b, k, getU64(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	dirs, err := c.directives(tx, acts)
	if err != nil {
		return err
	}
	wantDue, wantByUnit, err := c.directiveUnits(tx, dirs, active)
	if err != nil {
		return err
	}
	stray := func(k []byte) string { return fmt.Sprintf("stray entry %x", k) }
	for _, x := range []struct {
		name []byte
		want map[string]string
	}{{bucketIdxDirDue, wantDue}, {bucketIdxUnitDirectives, wantByUnit}} {
		if err := c.consumeIndex(tx, x.name, x.want, stray); err != nil {
			return err
		}
		missing := make([]string, 0, len(x.want))
		for _, what := range x.want {
			missing = append(missing, what)
		}
		sort.Strings(missing)
		for _, what := range missing {
			c.add("%s: directive unit %s has no entry", x.name, what)
		}
	}
	return nil
}

// activations reads wt_activations, checking each against meta wt/active
// (active) and wt_after, and meta wt/active against them.
func (c *checker) activations(tx *bolt.Tx, towns []townActive) (map[uint64]model.Activation, error) {
	pointed := map[uint64][]model.NodeCode{}
	for _, t := range towns {
		pointed[t.seq] = append(pointed[t.seq], t.town)
	}
	acts := map[uint64]model.Activation{}
	err := eachSeq(c, tx, bucketWtActivations, decodeActivation, func(k []byte, a model.Activation) error {
		acts[a.Seq] = a
		if a.Active() {
			for _, s := range a.Scope {
				if !slices.Contains(pointed[a.Seq], s.Town()) {
					c.add("wt_activations: %s has not ended, but meta/wt/active/%s does not point at it", a.ID, s.Town())
				}
			}
		}
		if !a.Active() && tx.Bucket(bucketWtAfter).Get(k) == nil && !c.mirror.acts[a.Seq] { // a town's summary stays in the town
			c.add("wt_after: %s ended but has no after-action summary", a.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, t := range towns {
		a, ok := acts[t.seq]
		switch {
		case !ok:
			c.add("meta/wt/active/%s points at missing activation seq %d", t.town, t.seq)
		case !a.Active():
			c.add("meta/wt/active/%s points at %s, which ended", t.town, a.ID)
		case !a.Covers(t.town) && !slices.ContainsFunc(a.Scope, func(s model.NodeCode) bool { return s.Town() == t.town }):
			c.add("meta/wt/active/%s points at %s, which does not reach that town", t.town, a.ID)
		}
	}
	return acts, nil
}

// directives reads the directives, checking that each one's activation is
// stored.
func (c *checker) directives(tx *bolt.Tx, acts map[uint64]model.Activation) (map[uint64]model.Directive, error) {
	dirs := map[uint64]model.Directive{}
	err := eachSeq(c, tx, bucketDirectives, decodeDirective, func(_ []byte, d model.Directive) error {
		if _, ok := acts[d.Activation]; !ok {
			c.add("directives: %s belongs to missing activation seq %d", d.ID, d.Activation)
		}
		dirs[d.Seq] = d
		return nil
	})
	return dirs, err
}

// directiveUnits reads directive_units, checking each unit's directive and
// each directive's count of units, and returns the idx_dir_due and
// idx_unit_directives entries the units ask for (key -> directive/unit).
func (c *checker) directiveUnits(tx *bolt.Tx, dirs map[uint64]model.Directive, active map[uint64]bool) (wantDue, wantByUnit map[string]string, err error) {
	wantDue, wantByUnit = map[string]string{}, map[string]string{}
	count := map[uint64]int{}
	err = c.each(tx.Bucket(bucketDirectiveUnits), func(k, v []byte) error {
		u, err := decodeDirectiveUnit(k, v, c.s.opts.Location)
		if err != nil {
			c.add("directive_units: %v", err)
			return nil
		}
		d, ok := dirs[u.Directive]
		if !ok {
			c.add("directive_units: %s of missing directive seq %d", u.Unit, u.Directive)
			return nil
		}
		count[d.Seq]++
		what := d.ID + "/" + string(u.Unit)
		wantByUnit[string(unitDirKey(d.Activation, u.Unit, d.Seq))] = what
		if active[d.Activation] && !c.mirror.acts[d.Activation] { // a town's copy: its clocks are the town's
			if k := unitDueKey(d, u); k != nil {
				wantDue[string(k)] = what
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	for seq, d := range dirs {
		if count[seq] != d.Units {
			c.add("directives: %s counts %d units, directive_units holds %d", d.ID, d.Units, count[seq])
		}
	}
	return wantDue, wantByUnit, nil
}

// intake checks the intake buckets against each other and the records they
// point at: tokens and tokens_by_person agree, every idempotency entry
// points at a stored incident or alert, alerts and idx_alert_source agree,
// and every alert's incident and every node's alert incident exist.
func (c *checker) intake(tx *bolt.Tx) error {
	for _, step := range []func(*bolt.Tx) error{c.tokens, c.tokensByPerson, c.idempotency, c.alerts, c.alertSources} {
		if err := step(tx); err != nil {
			return err
		}
	}
	c.alertMeta(tx)
	return nil
}

func (c *checker) tokens(tx *bolt.Tx) error {
	byPerson := tx.Bucket(bucketTokensByPerson)
	people := tx.Bucket(bucketPeople)
	return c.each(tx.Bucket(bucketTokens), func(k, v []byte) error {
		r, err := decodeToken(k, v)
		if err != nil {
			c.add("tokens: %v", err)
			return nil
		}
		if len(k) != sha256.Size {
			c.add("tokens: malformed key %x", k)
		}
		if people.Get(u64(r.Person)) == nil {
			c.add("tokens: token %s… belongs to missing person P%d", r.Prefix, r.Person)
		}
		if byPerson.Get(append(u64(r.Person), k...)) == nil {
			c.add("tokens_by_person: token %s… of P%d has no entry", r.Prefix, r.Person)
		}
		return nil
	})
}

func (c *checker) tokensByPerson(tx *bolt.Tx) error {
	tokens := tx.Bucket(bucketTokens)
	return tx.Bucket(bucketTokensByPerson).ForEach(func(k, _ []byte) error {
		if len(k) != 8+sha256.Size {
			c.add("tokens_by_person: malformed key %x", k)
			return nil
		}
		v := tokens.Get(k[8:])
		if v == nil {
			c.add("tokens_by_person: entry of P%d points at a missing token", getU64(k))
			return nil
		}
		if r, err := decodeToken(k[8:], v); err == nil && r.Person != getU64(k) {
			c.add("tokens_by_person: entry of P%d, but token %s… belongs to P%d", getU64(k), r.Prefix, r.Person)
		}
		return nil
	})
}

func (c *checker) idempotency(tx *bolt.Tx) error {
	incs := tx.Bucket(bucketIncidents)
	alerts := tx.Bucket(bucketAlerts)
	return c.each(tx.Bucket(bucketIdempotency), func(k, v []byte) error {
		seq, _, ok := splitIdemValue(v)
		if len(k) < 9 || !ok {
			c.add("idempotency: malformed entry %x", k)
			return nil
		}
		if k[8] == 0 {
			if alerts.Get(u64(seq)) == nil {
				c.add("idempotency: alert key %q of P%d points at missing alert %d", k[9:], getU64(k), seq)
			}
		} else if incs.Get(u64(seq)) == nil {
			c.add("idempotency: key %q of P%d points at missing incident seq %d", k[8:], getU64(k), seq)
		}
		return nil
	})
}

func (c *checker) alerts(tx *bolt.Tx) error {
	incs := tx.Bucket(bucketIncidents)
	idx := tx.Bucket(bucketIdxAlertSource)
	return c.each(tx.Bucket(bucketAlerts), func(k, v []byte) error {
		seq := getU64(k)
		r, err := decodeAlert(seq, v)
		if err != nil {
			c.add("alerts: %v", err)
			return nil
		}
		if idx.Get(alertSourceKey(model.NodeCode(r.Node), r.At, seq)) == nil {
			c.add("idx_alert_source: alert %d at %s has no entry", seq, r.Node)
		}
		if r.Incident != 0 && incs.Get(u64(r.Incident)) == nil {
			c.add("alerts: alert %d is part of missing incident seq %d", seq, r.Incident)
		}
		return nil
	})
}

func (c *checker) alertSources(tx *bolt.Tx) error {
	alerts := tx.Bucket(bucketAlerts)
	return c.each(tx.Bucket(bucketIdxAlertSource), func(k, _ []byte) error {
		code, at, seq, ok := splitAlertSourceKey(k)
		if !ok {
			c.add("idx_alert_source: malformed key %x", k)
			return nil
		}
		v := alerts.Get(u64(seq))
		if v == nil {
			c.add("idx_alert_source: entry %s/%d points at missing alert %d", code, at, seq)
			return nil
		}
		if r, err := decodeAlert(seq, v); err == nil && (r.Node != string(code) || r.At != at) {
			c.add("idx_alert_source: entry %s/%d, but alert %d is at %s/%d", code, at, seq, r.Node, r.At)
		}
		return nil
	})
}

// alertMeta checks that each node's alert incident (meta alert/<code>) exists.
func (c *checker) alertMeta(tx *bolt.Tx) {
	incs := tx.Bucket(bucketIncidents)
	prefix := []byte(metaAlertPrefix)
	mc := tx.Bucket(bucketMeta).Cursor()
	for k, v := mc.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = mc.Next() {
		if len(v) != 8 {
			c.add("meta/%s: malformed value", k)
			continue
		}
		if incs.Get(v) == nil {
			c.add("meta/%s points at missing incident seq %d", k, getU64(v))
		}
	}
}
