package store

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// The after-action summary (战后总结) of an activation: computed and stored
// when it ends (Deactivate), computed as of now while it runs.

// slowestKept is how many of the slowest units a stored directive summary
// keeps.
const slowestKept = 5

// personDirective is one person's part in one directive: the unit of
// person-times.
type personDirective struct {
	person    model.PersonID
	directive string
}

// eventsCounted are the actions afterAction reads from the log; the others
// it skips without decoding.
var eventsCounted = [][]byte{
	[]byte(`"action":"report"`), []byte(`"action":"resolve"`), []byte(`"action":"sign"`),
	[]byte(`"action":"progress"`), []byte(`"action":"activate"`),
}

// afterAction computes the summary of activation a as of end:
//
//   - every directive of the activation, summarised by model.Summarize;
//   - incidents opened: distinct incidents reported, at a node in the
//     scope, after the activation (the log from its activate event on);
//   - incidents resolved: distinct incidents in the scope resolved in the
//     same window (whenever they were reported);
//   - person-times (人次): the number of distinct (person, directive) pairs
//     among the signatures and progress reports of the activation's
//     directives. A person who signs for a directive and then reports
//     progress on it three times counts once for it; the same person on two
//     directives counts twice. What the system did (model.System) is no
//     person's time and is not counted;
//   - reserves drafted: the drafts of the activation.
//
// It reads the log backwards from its end down to the activation's own
// event, so it costs what happened during the activation.
func (s *DB) afterAction(tx *bolt.Tx, a model.Activation, end time.Time) (model.AfterAction, error) {
	x := model.AfterAction{Activation: a, Duration: end.Sub(a.Since)}
	ds, err := s.activationDirectives(tx, a.Seq)
	if err != nil {
		return x, err
	}
	mine := make(map[string]bool, len(ds))
	for _, d := range ds {
		units, err := s.directiveUnits(tx, d.Seq)
		if err != nil {
			return x, err
		}
		x.Directives = append(x.Directives, model.Summarize(d, units, slowestKept))
		mine[d.ID] = true
	}
	opened, resolved := map[uint64]bool{}, map[uint64]bool{}
	pairs := map[personDirective]bool{}
	c := tx.Bucket(bucketEvents).Cursor()
scan:
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		counted := false
		for _, pat := range eventsCounted {
			if bytes.Contains(v, pat) {
				counted = true
				break
			}
		}
		if !counted {
			continue
		}
		ev, err := decodeEvent(getU64(k), v, s.opts.Location)
		if err != nil {
			return x, err
		}
		switch ev.Action {
		case model.ActActivate:
			if ev.Directive == a.ID {
				break scan
			}
		case model.ActReport:
			if a.Covers(ev.Node) {
				opened[ev.IncidentSeq] = true
			}
		case model.ActResolve:
			if a.Covers(ev.Node) {
				resolved[ev.IncidentSeq] = true
			}
		case model.ActSign, model.ActProgress:
			if mine[ev.Directive] && ev.Actor != model.System {
				pairs[personDirective{ev.Actor, ev.Directive}] = true
			}
		}
	}
	x.IncidentsOpened, x.IncidentsResolved, x.PersonTimes = len(opened), len(resolved), len(pairs)
	prefix := u64(a.Seq)
	dc := tx.Bucket(bucketWtDrafts).Cursor()
	for k, _ := dc.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = dc.Next() {
		x.ReservesDrafted++
	}
	return x, nil
}

// AfterAction returns the summary of the activation with the public id
// ("" for the latest): the stored one for an ended activation, or, for the
// running one, the summary as of now (not stored).
func (s *DB) AfterAction(ctx context.Context, id string) (model.AfterAction, error) {
	if err := ctx.Err(); err != nil {
		return model.AfterAction{}, err
	}
	var seq uint64
	if strings.TrimSpace(id) != "" {
		n, err := parseActivationID(id)
		if err != nil {
			return model.AfterAction{}, err
		}
		seq = n
	}
	var out model.AfterAction
	err := s.view(func(tx *bolt.Tx) error {
		if seq == 0 {
			n, err := latestActivationSeq(tx)
			if err != nil {
				return err
			}
			if n == 0 {
				return model.Errorf(model.ENOTFOUND, "no wartime has been activated yet").Zh("尚未启动过战时")
			}
			seq = n
		}
		a, err := s.getActivation(tx, seq)
		if err != nil {
			return err
		}
		if a.Active() {
			out, err = s.afterAction(tx, a, s.clock())
			return err
		}
		v := tx.Bucket(bucketWtAfter).Get(u64(seq))
		if v == nil {
			return fmt.Errorf("wt_after: %s ended but has no after-action summary", a.ID)
		}
		out, err = decodeAfterAction(a, v, s.opts.Location)
		return err
	})
	return out, err
}
