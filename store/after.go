package store

import (
	"bytes"
	"context"
	"fmt"
	"time"
	"unicode/utf8"

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

// loggedAction is what afterAction reads of a logged event: the typed
// fields of its eventRecord that the figures count by. Decoding into it
// skips the notes and the times.
type loggedAction struct {
	Actor       uint64 `json:"actor"`
	Action      string `json:"action"`
	IncidentSeq uint64 `json:"incident_seq"`
	Node        string `json:"node"`
	Directive   string `json:"directive"`
	Ref         string `json:"ref"` // the patrol or finding it is about (a town's record carries it)
}

func decodeLoggedAction(seq uint64, v []byte) (loggedAction, error) {
	if r, ok := parseLoggedAction(v); ok {
		return r, nil
	}
	return decodeRecord[loggedAction](v, "event %d", seq)
}

// parseLoggedAction is the fast path of decodeLoggedAction, as parseIncident
// is decodeIncident's: it reads the JSON eventRecord.appendJSON writes (the
// record's own keys; strings without escapes; integers without fraction or
// exponent; before and after as objects of such strings; no space; nothing
// after the object) and declines anything else (ok false), which
// encoding/json then reads. What it accepts it reads as json.Unmarshal does
// (TestParseLoggedActionMatchesEncodingJSON, FuzzParseLoggedAction).
func parseLoggedAction(v []byte) (r loggedAction, ok bool) {
	if !utf8.Valid(v) {
		return r, false // encoding/json replaces bad bytes with U+FFFD
	}
	p := jsonParser{s: string(v)}
	ok = p.object(func(key string) bool {
		ok := false
		switch key {
		case "actor":
			r.Actor, ok = p.digits()
		case "action":
			r.Action, ok = p.str()
		case "incident_seq":
			r.IncidentSeq, ok = p.digits()
		case "node":
			r.Node, ok = p.str()
		case "directive":
			r.Directive, ok = p.str()
		case "at", "due", "points":
			_, ok = p.int()
		case "subject":
			_, ok = p.digits()
		case "on_behalf", "completed":
			_, ok = p.bool()
		case "ref":
			r.Ref, ok = p.str()
		case "actor_name", "incident", "note", "note_zh":
			_, ok = p.str()
		case "before", "after":
			ok = p.stringObject()
		}
		return ok
	})
	return r, ok
}

// afterAction computes the summary of activation a as of end:
//
//   - every directive of the activation, summarised by model.Summarize;
//   - incidents opened: distinct incidents reported, at a node in the
//     scope, after the activation (the log from its activate event on);
//     the scope as it stood then: a village a widening took in counts
//     from the widening (its widen event) on;
//   - incidents resolved: distinct incidents in the scope resolved in the
//     same window (whenever they were reported), the scope as it stood;
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
	if x.IncidentsOpened, x.IncidentsResolved, x.PersonTimes, err = countSince(tx, a, mine); err != nil {
		return x, err
	}
	prefix := u64(a.Seq)
	dc := tx.Bucket(bucketWtDrafts).Cursor()
	for k, _ := dc.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = dc.Next() {
		x.ReservesDrafted++
	}
	return x, nil
}

// countSince reads the log from its end back to activation a's activate
// event and counts, by each event's action, node, incident, directive and
// actor, the incidents opened and resolved in a's scope as it stood at
// each (going back past a widen event of a, the scope before it) and the
// person-times on the directives in mine (see afterAction).
func countSince(tx *bolt.Tx, a model.Activation, mine map[string]bool) (opened, resolved, personTimes int, err error) {
	reported, closed := map[uint64]bool{}, map[uint64]bool{}
	pairs := map[personDirective]bool{}
	scope, widened := a, len(a.Widened)
	c := tx.Bucket(bucketEvents).Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		ev, err := decodeLoggedAction(getU64(k), v)
		if err != nil {
			return 0, 0, 0, err
		}
		switch model.Action(ev.Action) {
		case model.ActActivate:
			if ev.Directive == a.ID {
				return len(reported), len(closed), len(pairs), nil
			}
		case model.ActWiden:
			if ev.Directive == a.ID && widened > 0 {
				widened--
				scope.Scope = a.Widened[widened].From
			}
		case model.ActReport:
			if scope.Covers(model.NodeCode(ev.Node)) {
				reported[ev.IncidentSeq] = true
			}
		case model.ActResolve:
			if scope.Covers(model.NodeCode(ev.Node)) {
				closed[ev.IncidentSeq] = true
			}
		case model.ActSign, model.ActProgress:
			if who := model.PersonID(ev.Actor); mine[ev.Directive] && who != model.System {
				pairs[personDirective{who, ev.Directive}] = true
			}
		}
	}
	return len(reported), len(closed), len(pairs), nil
}

// AfterAction returns the summary of the activation with the public id
// ("" for the latest): the stored one for an ended activation, or, for the
// running one, the summary as of now (not stored).
func (s *DB) AfterAction(ctx context.Context, id string) (model.AfterAction, error) {
	if err := ctx.Err(); err != nil {
		return model.AfterAction{}, err
	}
	seq, err := parseActivationOrLatest(id)
	if err != nil {
		return model.AfterAction{}, err
	}
	var out model.AfterAction
	err = s.view(func(tx *bolt.Tx) error {
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
