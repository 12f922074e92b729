package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// Points (积分): the ledger is a view of the event log (model's
// PointRules.Earn over each event and its facts). The writer books what
// each event earns in the transaction that appends it (earn, called where
// the writer appends events), so the totals are never behind the log;
// RebuildPoints and Check derive them again from the log.
//
// Buckets (schema 11; points_month's days and no points_day from the
// migration migratePointsDaysInMonth):
//
//	points_rules  u64 Unix nanos the set applies from (0: the beginning) -> pointRuleSetRecord
//	points_month  "202611" (6 bytes), u64 person id, key -> the month's total as i64 (8 bytes,
//	              big-endian two's complement), then one pair per day of the month whose
//	              total is not zero, in day order: the day (one byte, 1-31), its total as a
//	              signed varint (encoding/binary's AppendVarint)
//
// The key is an indicator's key, "manual" or "redeem"; a total of zero is
// not kept (a day's pair), and an entry whose month total is zero and has
// no day left goes. The month leads the key, so a month of everyone is one
// prefix scan; the key comes last, so a person's totals of a month are the
// prefix month + person. A report books its points with one read (the
// cap's, the total it adds to) and one write; the day totals (a month so
// far, through a day) are summed from the pairs. Until that migration the
// day totals were a bucket of their own, points_day ("20261129", person,
// key -> i64), written beside the month's with every report.

var (
	bucketPointsRules = []byte("points_rules")
	bucketPointsMonth = []byte("points_month")
)

// migratePoints is migration 11: the points' buckets. The names are
// spelled out: what a migration does must not change after its release.
func migratePoints(tx *bolt.Tx) error {
	for _, name := range [][]byte{[]byte("points_rules"), []byte("points_day"), []byte("points_month")} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// pointsState is the rules the store books by, read (and installed) at
// Open and not changed after: the writer and the readers share it.
type pointsState struct {
	rules model.PointRules
	names map[model.Action]bool // the actions that can earn anything
}

func newPointsState(r model.PointRules) pointsState {
	st := pointsState{rules: r, names: map[model.Action]bool{
		model.ActPointsGrant: true, model.ActPointsDeduct: true, model.ActPointsRedeem: true,
	}}
	for _, s := range r {
		for _, in := range s.Indicators {
			for _, a := range in.Actions {
				st.names[a] = true
			}
		}
	}
	return st
}

// pointRuleSetRecord is the stored form of model.PointRuleSet.
type pointRuleSetRecord struct {
	From       int64             `json:"from"`
	Indicators []indicatorRecord `json:"indicators"`
}

type indicatorRecord struct {
	Key        string   `json:"key"`
	Zh         string   `json:"zh"`
	En         string   `json:"en"`
	Actions    []string `json:"actions"`
	To         string   `json:"to,omitempty"`
	Categories []string `json:"categories,omitempty"`
	Tiers      []string `json:"tiers,omitempty"`
	When       []string `json:"when,omitempty"`
	Points     int      `json:"points"`
	Cap        int      `json:"cap,omitempty"`
}

func encodeRuleSet(s model.PointRuleSet) ([]byte, error) {
	r := pointRuleSetRecord{From: nanos(s.From)}
	for _, in := range s.Indicators {
		r.Indicators = append(r.Indicators, indicatorRecord{
			Key: in.Key, Zh: in.Zh, En: in.En, Actions: model.Strings(in.Actions), To: string(in.To),
			Categories: model.Strings(in.Categories), Tiers: model.Strings(in.Tiers), When: model.Strings(in.When), Points: in.Points, Cap: in.Cap,
		})
	}
	return json.Marshal(r)
}

func decodeRuleSet(v []byte, loc *time.Location) (model.PointRuleSet, error) {
	var r pointRuleSetRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return model.PointRuleSet{}, fmt.Errorf("points_rules: %w", err)
	}
	s := model.PointRuleSet{From: fromNanos(r.From, loc)}
	for _, in := range r.Indicators {
		s.Indicators = append(s.Indicators, model.Indicator{
			Key: in.Key, Zh: in.Zh, En: in.En, Actions: model.Typed[model.Action](in.Actions), To: model.Earner(in.To),
			Categories: model.Typed[model.Category](in.Categories), Tiers: model.Typed[model.Tier](in.Tiers),
			When: model.Typed[model.Condition](in.When), Points: in.Points, Cap: in.Cap,
		})
	}
	return s, nil
}

// readRules reads the stored rule sets in order.
func (s *DB) readRules(tx *bolt.Tx) (model.PointRules, error) {
	b := tx.Bucket(bucketPointsRules)
	if b == nil {
		return nil, fmt.Errorf("bucket %s is missing (run gridcmd check)", bucketPointsRules)
	}
	var out model.PointRules
	err := b.ForEach(func(k, v []byte) error {
		set, err := decodeRuleSet(v, s.opts.Location)
		if err != nil {
			return err
		}
		if len(k) != 8 || getU64(k) != uint64(nanos(set.From)) {
			return fmt.Errorf("points_rules: key %x does not match the set's day %s", k, set.From)
		}
		out = append(out, set)
		return nil
	})
	return out, err
}

// loadPoints reads the rules, and unless read-only installs the policy's
// indicators (model.PointRules.Install: from points.from, never into a month
// already issued, that is one before the clock's), recomputing the totals
// when they change. A policy without indicators keeps the stored rules (a
// file without any takes model.DefaultPoints').
func (s *DB) loadPoints(db *bolt.DB) (err error) {
	defer guardFile(s.path, &err)()
	if pp := &s.opts.Policy.Points; pp.Benefits == nil && pp.Grades == (model.Grades{}) {
		d := model.DefaultPoints()
		pp.Benefits, pp.Grades = d.Benefits, d.Grades
	}
	set := s.opts.Policy.Points.Set()
	if s.opts.ReadOnly {
		return db.View(func(tx *bolt.Tx) error {
			r, err := s.readRules(tx)
			if err != nil {
				return err
			}
			if len(r) == 0 {
				r = model.PointRules{set}
			}
			s.pts = newPointsState(r)
			return nil
		})
	}
	return db.Update(func(tx *bolt.Tx) error {
		r, err := s.readRules(tx)
		if err != nil {
			return err
		}
		if set.Indicators == nil {
			if len(r) > 0 {
				s.pts = newPointsState(r)
				return nil
			}
			set = model.DefaultPoints().Set()
		}
		issued := model.MonthOf(s.clock(), s.opts.Location).Start(s.opts.Location)
		next, changed, err := r.Install(set, issued)
		if err != nil {
			return err
		}
		s.pts = newPointsState(next)
		if !changed {
			return nil
		}
		b, err := emptyBucket(tx, bucketPointsRules)
		if err != nil {
			return err
		}
		for _, set := range next {
			if err := putEncoded(b, u64(uint64(nanos(set.From))), set, encodeRuleSet); err != nil {
				return err
			}
		}
		_, err = s.rebuild(tx)
		return err
	})
}

// pointsKey is period (a month "202611"; a day "20261129" in the
// points_day of before), the person, the key.
func pointsKey(period string, p model.PersonID, key string) []byte {
	b := make([]byte, 0, len(period)+8+len(key))
	b = append(b, period...)
	b = binary.BigEndian.AppendUint64(b, uint64(p))
	return append(b, key...)
}

// isPointsKey reports whether k is pointsKey(period, p, key).
func isPointsKey(k []byte, period string, p model.PersonID, key string) bool {
	return len(k) == len(period)+8+len(key) && string(k[:len(period)]) == period &&
		getU64(k[len(period):len(period)+8]) == uint64(p) && string(k[len(period)+8:]) == key
}

// splitPointsKey reads a key of a bucket whose periods are n bytes long.
func splitPointsKey(k []byte, n int) (period string, p model.PersonID, key string, ok bool) {
	if len(k) <= n+8 {
		return "", 0, "", false
	}
	return string(k[:n]), model.PersonID(getU64(k[n : n+8])), string(k[n+8:]), true
}

// monthTotal is the month's total of a points_month value.
func monthTotal(v []byte) int {
	if len(v) < 8 {
		return 0
	}
	return int(int64(getU64(v)))
}

// dayPoints is one day's pair of a points_month value.
type dayPoints struct {
	day    int // 1-31
	points int
}

// monthDays reads the day pairs of a points_month value, checking that
// each is a day 1-31 after the one before, with a total that is not zero.
func monthDays(v []byte) ([]dayPoints, error) {
	if len(v) < 8 {
		return nil, fmt.Errorf("%d bytes, want a total of 8 and the days", len(v))
	}
	var out []dayPoints
	for rest, last := v[8:], 0; len(rest) > 0; {
		day := int(rest[0])
		pts, n := binary.Varint(rest[1:])
		switch {
		case day < 1 || day > 31 || day <= last:
			return out, fmt.Errorf("day %d after day %d", day, last)
		case n <= 0:
			return out, fmt.Errorf("day %d: bad varint", day)
		case pts == 0:
			return out, fmt.Errorf("day %d: a total of 0 kept", day)
		}
		out = append(out, dayPoints{day, int(pts)})
		rest, last = rest[1+n:], day
	}
	return out, nil
}

// throughDay sums the day pairs of a points_month value up to day through
// (a value it cannot read counts nothing past where it went wrong).
func throughDay(v []byte, through int) int {
	days, _ := monthDays(v)
	sum := 0
	for _, d := range days {
		if d.day > through {
			break
		}
		sum += d.points
	}
	return sum
}

// encodeMonth is a points_month value: the total, then the days that are
// not zero (in day order).
func encodeMonth(total int, days []dayPoints) []byte {
	v := make([]byte, 8, 8+3*len(days))
	binary.BigEndian.PutUint64(v, uint64(int64(total)))
	for _, d := range days {
		if d.points != 0 {
			v = append(v, byte(d.day))
			v = binary.AppendVarint(v, int64(d.points))
		}
	}
	return v
}

// addPoints is the points_month value v with pts added to the month's
// total and to day's (1-31), keeping the days in order; nil when nothing
// is left (the total and every day zero). It copies v once, reading its
// days in place. A day pair it cannot read is dropped from there on:
// gridcmd check names what the log gives instead.
func addPoints(v []byte, day, pts int) []byte {
	total, rest := pts, []byte(nil)
	if len(v) >= 8 {
		total, rest = total+monthTotal(v), v[8:]
	}
	out := make([]byte, 8, len(v)+2+binary.MaxVarintLen64)
	binary.BigEndian.PutUint64(out, uint64(int64(total)))
	put := func(d int, p int64) {
		if p != 0 {
			out = append(out, byte(d))
			out = binary.AppendVarint(out, p)
		}
	}
	done := false
	for last := 0; len(rest) > 0; {
		d := int(rest[0])
		p, n := binary.Varint(rest[1:])
		if n <= 0 || d <= last || d > 31 {
			break
		}
		rest, last = rest[1+n:], d
		if !done && d == day {
			put(d, p+int64(pts))
			done = true
			continue
		}
		if !done && d > day {
			put(day, int64(pts))
			done = true
		}
		put(d, p)
	}
	if !done {
		put(day, int64(pts))
	}
	if total == 0 && len(out) == 8 {
		return nil
	}
	return out
}

// dayOf is the day of the month of a day "20261129" (29), 0 if it is not
// one.
func dayOf(day string) int {
	if len(day) != 8 || day[6] < '0' || day[6] > '3' || day[7] < '0' || day[7] > '9' {
		return 0
	}
	return int(day[6]-'0')*10 + int(day[7]-'0')
}

// earn books what evs (just appended to the log in tx) earn: the writer
// calls it for every request's events, in the transaction that appends
// them. Each entry is one read of its person's month entry (which the cap
// has just read, if the indicator has one) and one write of it.
func (s *DB) earn(tx *bolt.Tx, evs []model.Event) error {
	var month *bolt.Bucket
	var readKey, readVal []byte // the entry the cap read last, until a write
	for _, ev := range evs {
		if !s.pts.names[ev.Action] {
			continue
		}
		if month == nil {
			if month = tx.Bucket(bucketPointsMonth); month == nil {
				return fmt.Errorf("bucket %s is missing (run gridcmd check)", bucketPointsMonth)
			}
			// Every commit of a busy day touches most of a month's leaf
			// pages (each worker's total) and writes each one it touched:
			// fuller pages are fewer pages written.
			month.FillPercent = appendFill
		}
		// One txFacts for the writer's transaction, set afresh for each
		// event: a report books its points without allocating one.
		f := &s.wt.facts
		*f = txFacts{s: s, tx: tx, ev: ev}
		es := s.pts.rules.Earn(ev, s.opts.Location, f, func(p model.PersonID, m, key string) int {
			readKey = pointsKey(m, p, key)
			readVal = month.Get(readKey)
			return monthTotal(readVal)
		})
		for _, e := range es {
			day := dayOf(e.Day)
			if day == 0 {
				return fmt.Errorf("points: %q is not a day", e.Day)
			}
			k, v := readKey, readVal
			if !isPointsKey(k, e.Month(), e.Person, e.Indicator) {
				k = pointsKey(e.Month(), e.Person, e.Indicator)
				v = month.Get(k)
			}
			readKey, readVal = nil, nil
			var err error
			if nv := addPoints(v, day, e.Points); nv == nil {
				err = month.Delete(k)
			} else {
				err = month.Put(k, nv)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// txFacts answers model.PointFacts for one event from the records and the
// log before it, in tx. What it reads never changes once the event is
// written (an incident's reporter and category, the events before it), so
// the writer, booking the event as it is appended, and a rebuild long
// after get the same answers.
type txFacts struct {
	s  *DB
	tx *bolt.Tx
	ev model.Event

	inc    *model.Incident
	timeln []model.Event
	read   bool
}

func (f *txFacts) incident() *model.Incident {
	if f.inc == nil && f.ev.IncidentSeq != 0 {
		if inc, err := f.s.getIncident(f.tx, f.ev.IncidentSeq); err == nil {
			f.inc = &inc
		}
	}
	return f.inc
}

func (f *txFacts) Incident() (model.PersonID, model.Category, bool) {
	inc := f.incident()
	if inc == nil {
		return model.System, "", false
	}
	return inc.Reporter, inc.Category, true
}

// before is the incident's events before ev, in order.
func (f *txFacts) before() []model.Event {
	if f.read || f.ev.IncidentSeq == 0 {
		return f.timeln
	}
	f.read = true
	prefix := u64(f.ev.IncidentSeq)
	events := f.tx.Bucket(bucketEvents)
	c := f.tx.Bucket(bucketIncidentEvents).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) != 16 || getU64(k[8:]) >= f.ev.Seq {
			break
		}
		v := events.Get(k[8:])
		if v == nil {
			continue
		}
		if ev, err := decodeEvent(getU64(k[8:]), v, f.s.opts.Location); err == nil {
			f.timeln = append(f.timeln, ev)
		}
	}
	return f.timeln
}

func (f *txFacts) First() bool { return model.FirstOf(f.ev, f.before()) }

// Holder is the actor of the last acknowledgement (or dispatch of a report
// not yet signed for, which signs for it) at the tier ev happened at.
func (f *txFacts) Holder() model.PersonID { return model.HolderOf(f.ev, f.before()) }

// derive computes the ledger from the whole log in tx, as the writer booked
// it event by event, and counts the events read and the entries they
// earned.
func (s *DB) derive(ctx context.Context, tx *bolt.Tx) (l model.Ledger, n, entries int, err error) {
	l = model.NewLedger()
	c := tx.Bucket(bucketEvents).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		n++
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return l, n, entries, err
			}
		}
		la, err := decodeLoggedAction(getU64(k), v)
		if err != nil {
			return l, n, entries, err
		}
		if !s.pts.names[model.Action(la.Action)] {
			continue
		}
		ev, err := decodeEvent(getU64(k), v, s.opts.Location)
		if err != nil {
			return l, n, entries, err
		}
		entries += len(l.Apply(s.pts.rules, ev, s.opts.Location, &txFacts{s: s, tx: tx, ev: ev}))
	}
	return l, n, entries, nil
}

// storedLedger reads the totals the writer kept: the months' and their
// days'.
func storedLedger(tx *bolt.Tx) (model.Ledger, []string) {
	l := model.NewLedger()
	var bad []string
	_ = tx.Bucket(bucketPointsMonth).ForEach(func(k, v []byte) error {
		month, p, key, ok := splitPointsKey(k, 6)
		if !ok {
			bad = append(bad, fmt.Sprintf("%s: malformed entry %q", bucketPointsMonth, k))
			return nil
		}
		days, err := monthDays(v)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s: malformed entry %q: %v", bucketPointsMonth, k, err))
		}
		if t := monthTotal(v); t != 0 {
			l.Month[model.LedgerKey{Period: month, Person: p, Indicator: key}] = t
		}
		for _, d := range days {
			l.Day[model.LedgerKey{Period: fmt.Sprintf("%s%02d", month, d.day), Person: p, Indicator: key}] = d.points
		}
		return nil
	})
	return l, bad
}

// rebuild recomputes every total from the log and writes them in place of
// the kept ones.
func (s *DB) rebuild(tx *bolt.Tx) (model.Rebuilt, error) {
	l, n, entries, err := s.derive(context.Background(), tx)
	if err != nil {
		return model.Rebuilt{}, err
	}
	old, _ := storedLedger(tx)
	out := model.Rebuilt{Events: n, Entries: entries, Days: len(l.Day), Months: len(l.Month)}
	out.Changed = len(diffLedger(old.Day, l.Day)) + len(diffLedger(old.Month, l.Month))
	// A month's entry: its total and its days, gathered by month key.
	type entry struct {
		total int
		days  []dayPoints
	}
	months := map[model.LedgerKey]*entry{}
	at := func(k model.LedgerKey) *entry {
		e := months[k]
		if e == nil {
			e = &entry{}
			months[k] = e
		}
		return e
	}
	for k, v := range l.Month {
		at(k).total = v
	}
	for k, v := range l.Day {
		e := at(model.LedgerKey{Period: k.Period[:6], Person: k.Person, Indicator: k.Indicator})
		e.days = append(e.days, dayPoints{dayOf(k.Period), v})
	}
	b, err := emptyBucket(tx, bucketPointsMonth)
	if err != nil {
		return out, err
	}
	keys := make([][]byte, 0, len(months))
	vals := make(map[string][]byte, len(months))
	for k, e := range months {
		kk := pointsKey(k.Period, k.Person, k.Indicator)
		slices.SortFunc(e.days, func(a, b dayPoints) int { return a.day - b.day })
		keys = append(keys, kk)
		vals[string(kk)] = encodeMonth(e.total, e.days)
	}
	slices.SortFunc(keys, bytes.Compare)
	b.FillPercent = appendFill
	for _, k := range keys {
		if err := b.Put(k, vals[string(k)]); err != nil {
			return out, err
		}
	}
	return out, nil
}

// diffLedger names the totals where kept and derived differ.
func diffLedger(kept, derived map[model.LedgerKey]int) []model.LedgerKey {
	var out []model.LedgerKey
	for k, v := range derived {
		if kept[k] != v {
			out = append(out, k)
		}
	}
	for k, v := range kept {
		if _, ok := derived[k]; !ok && v != 0 {
			out = append(out, k)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Period != b.Period {
			return a.Period < b.Period
		}
		if a.Person != b.Person {
			return a.Person < b.Person
		}
		return a.Indicator < b.Indicator
	})
	return out
}

// points checks the kept totals against the log: what a rebuild would
// write, total by total.
func (c *checker) points(tx *bolt.Tx) error {
	r, err := c.s.readRules(tx)
	if err != nil {
		c.add("points_rules: %v", err)
		return nil
	}
	if len(r) == 0 {
		c.add("points_rules: no rules stored")
	}
	kept, bad := storedLedger(tx)
	for _, b := range bad {
		c.add("%s", b)
	}
	derived, _, _, err := c.s.derive(c.ctx, tx)
	if err != nil {
		return err
	}
	for _, x := range []struct {
		name          string
		kept, derived map[model.LedgerKey]int
	}{{"points_day", kept.Day, derived.Day}, {"points_month", kept.Month, derived.Month}} { // a day's total, a month's
		for _, k := range diffLedger(x.kept, x.derived) {
			c.add("%s %s %s %s: kept %d, the log gives %d (run gridcmd points rebuild)", x.name, k.Period, k.Person, k.Indicator,
				x.kept[k], x.derived[k])
		}
	}
	return nil
}

// RebuildPoints recomputes every total from the log, in the writer's turn.
func (s *DB) RebuildPoints(ctx context.Context) (model.Rebuilt, error) {
	var out model.Rebuilt
	_, err := s.write(ctx, func(tx *bolt.Tx, _ time.Time) ([]model.Event, error) {
		var err error
		out, err = s.rebuild(tx)
		return nil, err
	})
	return out, err
}

// PointRules are the stored rule sets.
func (s *DB) PointRules(ctx context.Context) (model.PointRules, error) {
	return viewOf(ctx, s, s.readRules)
}

// monthTotals reads everyone's totals of q's month, through its day
// q.Through (0: the whole month): person -> key -> points.
func monthTotals(tx *bolt.Tx, q model.PointsQuery) map[model.PersonID]map[string]int {
	out := map[model.PersonID]map[string]int{}
	prefix := []byte(q.Month.Key())
	c := tx.Bucket(bucketPointsMonth).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		_, p, key, ok := splitPointsKey(k, 6)
		if !ok {
			continue
		}
		pts := monthTotal(v)
		if q.Through > 0 {
			pts = throughDay(v, q.Through)
		}
		if pts == 0 {
			continue
		}
		if out[p] == nil {
			out[p] = map[string]int{}
		}
		out[p][key] += pts
	}
	return out
}

// balances sums everyone's totals up to q's month (through q.Through):
// what they earned less what they spent. A zero month sums everything.
func balances(tx *bolt.Tx, q model.PointsQuery) map[model.PersonID]int {
	out := map[model.PersonID]int{}
	if q.Month.IsZero() {
		_ = tx.Bucket(bucketPointsMonth).ForEach(func(k, v []byte) error {
			if _, p, _, ok := splitPointsKey(k, 6); ok {
				out[p] += monthTotal(v)
			}
			return nil
		})
		return out
	}
	this := q.Month.Key()
	_ = tx.Bucket(bucketPointsMonth).ForEach(func(k, v []byte) error {
		period, p, _, ok := splitPointsKey(k, 6)
		if ok && (period < this || period == this && q.Through == 0) {
			out[p] += monthTotal(v)
		}
		return nil
	})
	if q.Through > 0 {
		for p, by := range monthTotals(tx, q) {
			for _, v := range by {
				out[p] += v
			}
		}
	}
	return out
}

// Points is q's month's ledger for the people of its node's subtree.
func (s *DB) Points(ctx context.Context, q model.PointsQuery) (model.PointsMonth, error) {
	if err := ctx.Err(); err != nil {
		return model.PointsMonth{}, err
	}
	node, err := parseRoot(q.Node)
	if err != nil {
		return model.PointsMonth{}, err
	}
	if q.Month.IsZero() {
		q.Month = model.MonthOf(s.clock(), s.opts.Location)
	}
	if q.Through < 0 || q.Through > q.Month.Days() {
		return model.PointsMonth{}, model.Errorf(model.EINVALID, "through %d: %s has days 1 to %d", q.Through, q.Month, q.Month.Days()).
			Zh("截至 %d 日：%s 只有 1 到 %d 日", q.Through, q.Month, q.Month.Days()).On("through")
	}
	if q.Through == q.Month.Days() {
		q.Through = 0
	}
	loc := s.opts.Location
	out := model.PointsMonth{Month: q.Month, Through: q.Through, Node: node, Benefits: s.opts.Policy.Points.Benefits,
		Indicators: s.pts.rules.Indicators(q.Month.Start(loc), q.Month.End(loc))}
	err = s.view(func(tx *bolt.Tx) error {
		if node != "" && !hasNode(tx, node) {
			return model.Errorf(model.ENOTFOUND, "no node %s in the tower", node).Zh("网格塔中没有节点 %s", node).On("node")
		}
		totals := monthTotals(tx, q)
		bal := balances(tx, q)
		return tx.Bucket(bucketPeople).ForEach(func(k, v []byte) error {
			p, err := decodePerson(getU64(k), v)
			if err != nil {
				return err
			}
			by, b := totals[p.ID], bal[p.ID]
			if node != "" && !node.Contains(p.Node) || len(by) == 0 && b == 0 && !model.Scored(p) {
				return nil
			}
			out.People = append(out.People, model.MonthTotals(p, by, b))
			return nil
		})
	})
	model.RankPeople(out.People)
	return out, err
}

// GrantPoints records a manual grant or deduction (model.Grant).
func (s *DB) GrantPoints(ctx context.Context, person model.PersonID, points int, reason string, by model.PersonID) (model.Event, error) {
	var out model.Event
	evs, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		actor, to, err := s.wc.actorOn(tx, by, person)
		if err != nil {
			return nil, err
		}
		ev, err := model.Grant(actor, to, points, reason, now)
		if err != nil {
			return nil, err
		}
		return []model.Event{ev}, nil
	})
	if err != nil {
		return out, err
	}
	return evs[0], nil
}

// RedeemBenefit redeems a benefit for person (model.Redeem) against the
// balance the ledger holds in the same transaction.
func (s *DB) RedeemBenefit(ctx context.Context, person model.PersonID, benefit string, by model.PersonID) (model.Redemption, error) {
	b, err := s.opts.Policy.Points.Benefit(benefit)
	if err != nil {
		return model.Redemption{}, err
	}
	var out model.Redemption
	_, err = s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		actor, to, err := s.wc.actorOn(tx, by, person)
		if err != nil {
			return nil, err
		}
		have := balances(tx, model.PointsQuery{})[person]
		ev, err := model.Redeem(actor, to, b, have, now)
		if err != nil {
			return nil, err
		}
		out = model.Redemption{Event: ev, Benefit: b, Balance: have - b.Threshold}
		return []model.Event{ev}, nil
	})
	if err != nil {
		return model.Redemption{}, err
	}
	return out, nil
}

// Scorecards reads the log from month's start and the roster, and scores
// role (model.Scorecards).
func (s *DB) Scorecards(ctx context.Context, role model.ScoreRole, m model.Month, node model.NodeCode) ([]model.Scorecard, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r, err := model.ParseScoreRole(string(role))
	if err != nil {
		return nil, err
	}
	if node, err = parseRoot(node); err != nil {
		return nil, err
	}
	if m.IsZero() {
		m = model.MonthOf(s.clock(), s.opts.Location)
	}
	start := m.Start(s.opts.Location).UnixNano()
	var (
		events []model.Event
		people []model.Person
		names  = map[model.NodeCode]string{}
	)
	err = s.view(func(tx *bolt.Tx) error {
		if node != "" && !hasNode(tx, node) {
			return model.Errorf(model.ENOTFOUND, "no node %s in the tower", node).Zh("网格塔中没有节点 %s", node).On("node")
		}
		c := tx.Bucket(bucketEvents).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			ev, err := decodeEvent(getU64(k), v, s.opts.Location)
			if err != nil {
				return err
			}
			if ev.At.UnixNano() >= start {
				events = append(events, ev)
			}
		}
		if err := tx.Bucket(bucketPeople).ForEach(func(k, v []byte) error {
			p, err := decodePerson(getU64(k), v)
			if err == nil {
				people = append(people, p)
			}
			return err
		}); err != nil {
			return err
		}
		return tx.Bucket(bucketNodes).ForEach(func(k, v []byte) error {
			if len(k) != 12 {
				return nil
			}
			n, err := decodeNode(k, v)
			if err == nil {
				names[n.Code] = n.Name
			}
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	return model.Scorecards(r, m, s.opts.Location, events, people, names, node, s.opts.Policy.Points.Grades), nil
}

// migratePointsSubject12 is migration 12. From this schema on, the report
// of an incident a finding became names its finder as the event's subject
// (the liaison filed it) and a patrol's end names its patroller (whoever
// ended it), and the shipped 信息采集 and 巡护 pay the subject
// (model.EarnSubject: the subject, or the actor when the event names
// none). Every stored rule set's indicator that earns on report alone or
// on patrol_done alone and pays the actor ("" or "actor") is made to pay
// the subject instead. No report or patrol_done event written before this
// schema names a subject, so on every one of them the subject is the
// actor: no total changes, no issued month is rewritten, and a rebuild
// equals what was kept. A file whose stored rules are the shipped ones
// then opens under the shipped config.yaml without a points.from.
// Spelled out on the stored JSON: what a migration does must not change
// after its release.
func migratePointsSubject12(tx *bolt.Tx) error {
	b := tx.Bucket([]byte("points_rules"))
	if b == nil {
		return nil
	}
	type rewrite struct{ k, v []byte }
	var out []rewrite
	err := b.ForEach(func(k, v []byte) error {
		var set map[string]json.RawMessage
		if err := json.Unmarshal(v, &set); err != nil {
			return fmt.Errorf("points_rules/%x: %w", k, err)
		}
		var ins []map[string]json.RawMessage
		if raw, ok := set["indicators"]; ok {
			if err := json.Unmarshal(raw, &ins); err != nil {
				return fmt.Errorf("points_rules/%x: indicators: %w", k, err)
			}
		}
		changed := false
		for _, in := range ins {
			var actions []string
			var to string
			if raw, ok := in["actions"]; ok {
				if err := json.Unmarshal(raw, &actions); err != nil {
					return fmt.Errorf("points_rules/%x: actions: %w", k, err)
				}
			}
			if raw, ok := in["to"]; ok {
				if err := json.Unmarshal(raw, &to); err != nil {
					return fmt.Errorf("points_rules/%x: to: %w", k, err)
				}
			}
			if len(actions) == 1 && (actions[0] == "report" || actions[0] == "patrol_done") && (to == "" || to == "actor") {
				in["to"] = json.RawMessage(`"subject"`)
				changed = true
			}
		}
		if !changed {
			return nil
		}
		raw, err := json.Marshal(ins)
		if err != nil {
			return err
		}
		set["indicators"] = raw
		nv, err := json.Marshal(set)
		if err != nil {
			return err
		}
		out = append(out, rewrite{append([]byte(nil), k...), nv})
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range out {
		if err := b.Put(r.k, r.v); err != nil {
			return err
		}
	}
	return nil
}

// migratePointsDaysInMonth is migration 15 (appended to
// migrations): the day totals move into points_month, each month entry
// followed by its days (see the top of this file), and points_day goes, so
// that a report writes one total, not two. Every points_day entry becomes
// a pair of its month's entry (one with a month total of 0 where the
// month's total was zero: its days still count for a month so far). An
// entry of either bucket that is not 8 bytes is left out (check then names
// what the log gives there; points rebuild writes it). Spelled out on the
// stored bytes: what a migration does must not change after its release.
// Run again on a file it has run on (points_day gone, or empty and
// points_month's entries longer than 8 bytes), it changes nothing.
func migratePointsDaysInMonth(tx *bolt.Tx) error {
	day, month := tx.Bucket([]byte("points_day")), tx.Bucket([]byte("points_month"))
	if month == nil {
		return fmt.Errorf("points_month: missing (run gridcmd check)")
	}
	if day == nil {
		return nil // moved already
	}
	vals := map[string][]byte{}
	var keys []string
	err := month.ForEach(func(k, v []byte) error {
		if len(v) == 8 {
			vals[string(k)] = append(make([]byte, 0, 16), v...)
			keys = append(keys, string(k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	// points_day's keys are the day "20261129", the person (8 bytes),
	// the key, in byte order: a month entry's days come in day order.
	err = day.ForEach(func(k, v []byte) error {
		if len(k) <= 16 || len(v) != 8 || int64(binary.BigEndian.Uint64(v)) == 0 || k[6] < '0' || k[6] > '3' || k[7] < '0' || k[7] > '9' {
			return nil
		}
		mk := string(k[:6]) + string(k[8:])
		mv, ok := vals[mk]
		if !ok {
			mv = make([]byte, 8, 16)
			keys = append(keys, mk)
		}
		mv = append(mv, (k[6]-'0')*10+(k[7]-'0'))
		vals[mk] = binary.AppendVarint(mv, int64(binary.BigEndian.Uint64(v)))
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := month.Put([]byte(k), vals[k]); err != nil {
			return err
		}
	}
	return tx.DeleteBucket([]byte("points_day"))
}
