package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// The command room's figures (model.Figures) over the real window. The
// writer keeps two indexes as it saves incidents, in the same transaction:
// every escalation (model.Escalated) and every report's pass-on
// (model.PassOn), each keyed by when it happened. Figures reads the last
// hour of the one and the last day of the other, however many other events
// (a wartime night's signatures) the log holds meanwhile.

// escKey is idx_escalations' key: when, the incident, and its escalation
// count after this one (two escalations of one incident in one commit
// share a time).
func escKey(at time.Time, seq uint64, n int) []byte {
	k := appendDueKey(make([]byte, 0, 24), at, seq)
	return binary.BigEndian.AppendUint64(k, uint64(n))
}

// passOnValue is idx_pass_on's value: the pass-on in nanoseconds, then the
// incident's node code.
func passOnValue(d time.Duration, node model.NodeCode) []byte {
	return append(binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(node)), uint64(d)), node...)
}

// noteFigures writes the index entries of the change from old to inc.
func noteFigures(b txBuckets, old, inc model.Incident) error {
	if at, ok := model.Escalated(old, inc); ok {
		if err := b.escalations.Put(escKey(at, inc.Seq, inc.Escalations), []byte(inc.Node)); err != nil {
			return err
		}
	}
	if at, d, ok := model.PassOn(old, inc); ok {
		if err := b.passOn.Put(appendDueKey(make([]byte, 0, 16), at, inc.Seq), passOnValue(d, inc.Node)); err != nil {
			return err
		}
	}
	return nil
}

// Figures are the escalations of the last hour and the median pass-on of
// the last day at the store's clock, over scope's subtree ("" for all).
func (s *DB) Figures(ctx context.Context, scope model.NodeCode) (model.Figures, error) {
	now := s.clock()
	return viewIn(ctx, s, scope, func(tx *bolt.Tx, scope model.NodeCode) (model.Figures, error) {
		return figuresAt(tx, now, scope, s.opts.Location)
	})
}

// figuresAt reads the figures at now from the indexes.
func figuresAt(tx *bolt.Tx, now time.Time, scope model.NodeCode, loc *time.Location) (model.Figures, error) {
	f := model.Figures{At: now}
	next := func(t time.Time) {
		if f.NextChange.IsZero() || t.Before(f.NextChange) {
			f.NextChange = t
		}
	}
	// In (now-window, now]: from the first key past the window's start.
	from := func(window time.Duration) []byte { return appendDueKey(nil, now.Add(-window).Add(time.Nanosecond), 0) }
	limit := now.UnixNano()
	c := tx.Bucket(bucketIdxEscalations).Cursor()
	for k, v := c.Seek(from(model.EscalationWindow)); k != nil; k, v = c.Next() {
		if len(k) != 24 {
			return f, fmt.Errorf("idx_escalations: malformed key %x", k)
		}
		at := int64(getU64(k))
		if at > limit {
			break
		}
		if scope == "" || scope.Contains(model.NodeCode(v)) {
			f.EscalationsLastHour++
			next(fromNanos(at, loc).Add(model.EscalationWindow))
		}
	}
	var waits []time.Duration
	c = tx.Bucket(bucketIdxPassOn).Cursor()
	for k, v := c.Seek(from(model.PassOnWindow)); k != nil; k, v = c.Next() {
		if len(k) != 16 || len(v) < 8 {
			return f, fmt.Errorf("idx_pass_on: malformed entry %x", k)
		}
		at := int64(getU64(k))
		if at > limit {
			break
		}
		if scope == "" || scope.Contains(model.NodeCode(v[8:])) {
			waits = append(waits, time.Duration(getU64(v)))
			next(fromNanos(at, loc).Add(model.PassOnWindow))
		}
	}
	f.PassOnReports = len(waits)
	f.PassOnP50 = model.MedianWait(waits)
	return f, nil
}

// figureEntries rebuilds idx_escalations and idx_pass_on from the event
// log, as check compares them: an escalation event of an incident is an
// entry at its time, numbered in the incident's order; a report filed at
// the grid tier has its pass-on at the first event that moves it on, if
// that is an acknowledgement, escalation or dispatch from waiting at the
// grid tier. onEvent sees every event as it is read, in log order.
func figureEntries(tx *bolt.Tx, loc *time.Location, onEvent func(seq uint64, ev model.Event)) (esc, pass map[string][]byte, err error) {
	esc, pass = map[string][]byte{}, map[string][]byte{}
	escalations := map[uint64]int{}
	reported := map[uint64]time.Time{} // reports at the grid tier not yet moved on
	err = tx.Bucket(bucketEvents).ForEach(func(k, v []byte) error {
		ev, err := decodeEvent(getU64(k), v, loc)
		if err != nil {
			return nil // check reports undecodable events itself
		}
		if onEvent != nil {
			onEvent(getU64(k), ev)
		}
		if ev.IncidentSeq == 0 {
			return nil
		}
		seq := ev.IncidentSeq
		if ev.Action == model.ActEscalate {
			escalations[seq]++
			esc[string(escKey(ev.At, seq, escalations[seq]))] = []byte(ev.Node)
		}
		if ev.Action == model.ActReport || ev.Action == model.ActFindingPass { // a finding passed on is filed as a report
			if ev.After.Tier == model.TierGrid {
				reported[seq] = ev.At
			}
			return nil
		}
		at0, waiting := reported[seq]
		if !waiting || ev.Before == ev.After {
			return nil
		}
		delete(reported, seq)
		grid := model.State{Tier: model.TierGrid, Status: model.StatusReported}
		switch ev.Action {
		case model.ActAcknowledge, model.ActEscalate, model.ActDispatch:
			if ev.Before == grid {
				pass[string(appendDueKey(nil, ev.At, seq))] = passOnValue(ev.At.Sub(at0), ev.Node)
			}
		}
		return nil
	})
	return esc, pass, err
}

// figures compares idx_escalations and idx_pass_on with what the log says
// they hold.
func (c *checker) figures(tx *bolt.Tx) error {
	esc, pass, err := figureEntries(tx, c.s.opts.Location, nil)
	if err != nil {
		return err
	}
	for _, x := range []struct {
		name string
		want map[string][]byte
	}{{"idx_escalations", esc}, {"idx_pass_on", pass}} {
		err := c.each(tx.Bucket([]byte(x.name)), func(k, v []byte) error {
			want, ok := x.want[string(k)]
			switch {
			case !ok:
				c.add("%s: entry %x has no event in the log", x.name, k)
			case !bytes.Equal(want, v):
				c.add("%s: entry %x holds %x, the log says %x", x.name, k, v, want)
			}
			delete(x.want, string(k))
			return nil
		})
		if err != nil {
			return err
		}
		for k := range x.want {
			c.add("%s: missing the entry %x the log has", x.name, k)
		}
	}
	return nil
}
