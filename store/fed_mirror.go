package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// A town's directives, patrols, findings and patrol areas on the hub. A
// town's record carries, besides its event and incident (fed_outbox.go):
//   - the directive the event is about (issued, signed for, reported on,
//     resent, escalated) as it stands, with its units at or under the
//     event's node (every unit for its issue, the one unit of a signature);
//   - the patrol or finding the event is about (its Ref), as it stands,
//     with the patrol area it is of;
//   - and in its structure (the log's first event and every import, which
//     is how areas change), each village's patrol areas with it.
//
// The hub writes them into its own buckets under its own numbers, as it
// does a town's incidents and activations: fed_directives, fed_patrols and
// fed_findings map the town's seqs to the hub's (D-, X- and F- ids are the
// hub's), fed_areas the town's area codes to the hub's (the town's own
// unless another town or the hub holds it). The events that name them name
// the hub's. A copy is the town's to change: the hub runs none of its
// clocks (no idx_dir_due entry; the sweep passes a town's findings on the
// desk and the watchdog its patrols by), and refuses to act on one. The
// county resends the directives it sent down as a command to the town,
// and not the town's own.

// fedDirective is a directive of the town as it stands, with the units an
// event is about.
type fedDirective struct {
	Seq   uint64          `json:"seq"` // the town's
	Rec   json.RawMessage `json:"rec"` // its directiveRecord
	Units []fedUnit       `json:"units,omitempty"`
}

// fedRef is a patrol or finding of the town as it stands.
type fedRef struct {
	Seq uint64          `json:"seq"` // the town's
	Rec json.RawMessage `json:"rec"` // its patrolRecord or findingRecord
}

// fedArea is a patrol area of the town.
type fedArea struct {
	Code string          `json:"code"` // the town's
	Rec  json.RawMessage `json:"rec"`  // its areaRecord
}

// directiveNamed is the seq of the directive an event is about: its
// issue, a signature, a progress report, a resend, or the escalation of
// its silent units (an escalation without an incident).
func directiveNamed(ev loggedAction) (uint64, bool) {
	switch model.Action(ev.Action) {
	case model.ActDirective, model.ActSign, model.ActProgress, model.ActResend:
	case model.ActEscalate:
		if ev.IncidentSeq != 0 {
			return 0, false
		}
	default:
		return 0, false
	}
	seq, err := parseDirectiveID(ev.Directive)
	return seq, err == nil && seq != 0
}

// mirrors adds to w the directive, patrol or finding event ev is about
// (the patrol a watchdog's report of its silence opened), the area of the
// patrol or finding, and the duty or rotation it is about (dutyMirrors).
func (b *fedBuilder) mirrors(w *fedWire, ev loggedAction) error {
	if seq, ok := directiveNamed(ev); ok {
		d, err := b.directive(seq, model.NodeCode(ev.Node))
		if err != nil {
			return err
		}
		w.Directive = d
	}
	area, ref := "", ev.Ref
	if ref == "" {
		ref = b.silencedPatrol(ev)
	}
	var err error
	switch {
	case strings.HasPrefix(ref, "X-"):
		w.Patrol, area, err = b.ref(bucketPatrols, ref, model.ParsePatrolID)
	case strings.HasPrefix(ref, "F-"):
		w.Finding, area, err = b.ref(bucketFindings, ref, model.ParseFindingID)
	}
	if err == nil {
		err = b.dutyMirrors(w, ev)
	}
	if err != nil {
		return err
	}
	if area == "" {
		return nil
	}
	if v := b.tx.Bucket(bucketPatrolAreas).Get([]byte(area)); v != nil {
		w.Areas = []fedArea{{Code: area, Rec: v}}
	}
	return nil
}

// directive is directive seq as it stands with its units at or under
// node (nil when the file has no such directive: check reports it).
func (b *fedBuilder) directive(seq uint64, node model.NodeCode) (*fedDirective, error) {
	v := b.tx.Bucket(bucketDirectives).Get(u64(seq))
	if v == nil {
		return nil, nil
	}
	d := &fedDirective{Seq: seq, Rec: v}
	prefix := seqCodeKey(seq, node)
	c := b.tx.Bucket(bucketDirectiveUnits).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		d.Units = append(d.Units, fedUnit{Code: string(k[8:]), Rec: v})
	}
	return d, nil
}

// areasByVillage is the town's patrol areas by the village they lie in
// (an area that does not read is left out: check reports it).
func areasByVillage(tx *bolt.Tx, town model.NodeCode) map[string][]fedArea {
	out := map[string][]fedArea{}
	_ = tx.Bucket(bucketPatrolAreas).ForEach(func(k, v []byte) error {
		var r struct {
			Village string `json:"village"`
		}
		if json.Unmarshal(v, &r) == nil && model.NodeCode(r.Village).Town() == town {
			out[r.Village] = append(out[r.Village], fedArea{Code: string(k), Rec: v})
		}
		return nil
	})
	return out
}

// ref is the patrol or finding (bucket b) of id as it stands, and the
// code of its area (nil and "" when the file has none of that id).
func (b *fedBuilder) ref(bucket []byte, id string, parse func(string) (uint64, error)) (*fedRef, string, error) {
	seq, err := parse(id)
	if err != nil {
		return nil, "", nil // not a patrol's or finding's id
	}
	v := b.tx.Bucket(bucket).Get(u64(seq))
	if v == nil {
		return nil, "", nil
	}
	var r struct {
		Area string `json:"area"`
	}
	if err := json.Unmarshal(v, &r); err != nil {
		return nil, "", fmt.Errorf("%s %s: %w", bucket, id, err)
	}
	return &fedRef{Seq: seq, Rec: v}, r.Area, nil
}

// mirrored is what the hub wrote of a record's directive, patrol or
// finding: the hub's ids the event then names.
type mirrored struct {
	directive, ref string
	rotation       uint64 // the hub's seq of the rotation ref names
	// The event's directive or ref named a copy the hub left out
	// (dropCopy): the hub's event names none, not the town's id, which is
	// another copy's or nothing here.
	dropDirective, dropRef bool
}

// mirrors applies the areas, the directive, the patrol, the finding, the
// shifts, the handovers and the rotations a record carries (after its
// incident: a finding names it, a silent patrol its silence's), and marks
// the town's duty snapshot all come on the record that says so.
func (a *fedApplier) mirrors(town model.NodeCode, t *fedTownRecord, w fedWire) (mirrored, error) {
	var m mirrored
	for _, fa := range w.Areas {
		if err := a.area(town, t, fa); err != nil {
			return m, err
		}
	}
	if w.Directive != nil {
		d, err := a.directive(town, *w.Directive)
		if err != nil {
			return m, err
		}
		m.directive = d.ID
	}
	if w.Patrol != nil {
		p, err := a.patrol(town, *w.Patrol)
		if err != nil {
			return m, err
		}
		m.ref = p.ID
	}
	if w.Finding != nil {
		f, err := a.finding(town, t, *w.Finding)
		if err != nil {
			return m, err
		}
		m.ref = f.ID
	}
	if err := a.dutyMirrors(town, w, &m); err != nil {
		return m, err
	}
	if w.DutySynced {
		t.DutySynced = true
	}
	return m, nil
}

// hubSeq is the hub's seq that map bucket b gives the town's seq, a new
// one of bucket records (fresh true) the first time.
func (a *fedApplier) hubSeq(b, records []byte, town model.NodeCode, seq uint64) (hub uint64, fresh bool, err error) {
	maps := a.tx.Bucket(b)
	mk := codeKey(town, seq)
	if v := maps.Get(mk); v != nil {
		if len(v) != 8 {
			return 0, false, fmt.Errorf("%s/%s/%d: %d bytes, want 8", b, town, seq, len(v))
		}
		return getU64(v), false, nil
	}
	if hub, err = a.tx.Bucket(records).NextSequence(); err != nil {
		return 0, false, err
	}
	return hub, true, maps.Put(mk, u64(hub))
}

// mapped is the hub's seq map bucket b gives the town's seq (0: none).
func (a *fedApplier) mapped(b []byte, town model.NodeCode, seq uint64) uint64 {
	if v := a.tx.Bucket(b).Get(codeKey(town, seq)); len(v) == 8 {
		return getU64(v)
	}
	return 0
}

// directive writes a town's directive as the hub's (a new hub seq and id
// the first time), its activation and people mapped, with the units the
// record carries (no idx_dir_due: the town's clocks are the town's).
func (a *fedApplier) directive(town model.NodeCode, fd fedDirective) (model.Directive, error) {
	d, err := decodeDirective(fd.Seq, fd.Rec, a.s.opts.Location)
	if err != nil {
		return d, err
	}
	for _, c := range d.Targets {
		if c.Town() != town {
			return d, fmt.Errorf("directive %s goes to %s, not in town %s", d.ID, c, town)
		}
	}
	act := a.mapped(bucketFedActs, town, d.Activation)
	if act == 0 {
		return d, fmt.Errorf("directive %s belongs to the town's wartime %s, which the hub does not have", d.ID, model.FormatActivationID(d.Activation))
	}
	seq, _, err := a.hubSeq(bucketFedDirectives, bucketDirectives, town, fd.Seq)
	if err != nil {
		return d, err
	}
	d.Fed, d.Seq, d.ID, d.Activation = d.ID, seq, model.FormatDirectiveID(seq), act
	if d.By, err = a.person(town, d.By); err != nil {
		return d, err
	}
	if d.Command != 0 && !a.sentDown(town, d.Command) {
		d.Command = 0 // the town says the county issued it, and the county did not
	}
	if err := putEncoded(a.tx.Bucket(bucketDirectives), u64(seq), d, encodeDirective); err != nil {
		return d, err
	}
	dus, byUnit := a.tx.Bucket(bucketDirectiveUnits), a.tx.Bucket(bucketIdxUnitDirectives)
	for _, fu := range fd.Units {
		code := model.NodeCode(fu.Code)
		if code.Town() != town {
			return d, fmt.Errorf("directive %s: unit %s is not in town %s", d.ID, code, town)
		}
		u, err := decodeDirectiveUnit(seqCodeKey(fd.Seq, code), fu.Rec, a.s.opts.Location)
		if err != nil {
			return d, err
		}
		u.Directive = seq
		if u.SignedBy, err = a.person(town, u.SignedBy); err != nil {
			return d, err
		}
		if err := putEncoded(dus, seqCodeKey(seq, code), u, encodeDirectiveUnit); err != nil {
			return d, err
		}
		if err := byUnit.Put(unitDirKey(act, code, seq), []byte{}); err != nil {
			return d, err
		}
	}
	return d, nil
}

// sentDown reports whether the hub's command cmd was a directive for town.
func (a *fedApplier) sentDown(town model.NodeCode, cmd uint64) bool {
	v := a.tx.Bucket(bucketFedCommands).Get(u64(cmd))
	var w fedCommandWire
	return v != nil && json.Unmarshal(v, &w) == nil && w.Town == string(town) && w.Kind == fedCmdDirective
}

// area writes a town's patrol area as the hub's, under the code fed_areas
// gives it (claimArea the first time), its patroller mapped.
func (a *fedApplier) area(town model.NodeCode, t *fedTownRecord, fa fedArea) error {
	ar, err := decodeArea([]byte(fa.Code), fa.Rec, a.s.opts.Location)
	if err != nil {
		return err
	}
	if ar.Village.Town() != town || !hasNode(a.tx, ar.Village) {
		return fmt.Errorf("patrol area %s: village %s is not a node of town %s here", fa.Code, ar.Village, town)
	}
	maps := a.tx.Bucket(bucketFedAreas)
	mk := append(exactPrefix(town), fa.Code...)
	code := string(maps.Get(mk))
	if code == "" {
		if code, err = a.claimArea(town, t, fa.Code); err != nil {
			return err
		}
		if err := maps.Put(mk, []byte(code)); err != nil {
			return err
		}
	}
	ar.Code = code
	if ar.Patroller, err = a.person(town, ar.Patroller); err != nil {
		return err
	}
	return putEncoded(a.tx.Bucket(bucketPatrolAreas), []byte(code), ar, encodeArea)
}

// claimArea is the hub's code for a town's new patrol area: the town's own
// unless an area of the hub's or another town's holds it; then the code
// and the prefix the hub gives the town's incident ids (P-DX-01-HJ); then
// P-<town>-1, -2, ...
func (a *fedApplier) claimArea(town model.NodeCode, t *fedTownRecord, want string) (string, error) {
	areas := a.tx.Bucket(bucketPatrolAreas)
	free := func(c string) bool {
		_, err := model.ParseAreaCode(c)
		return err == nil && areas.Get([]byte(c)) == nil
	}
	for _, c := range []string{want, want + "-" + t.Prefix} {
		if free(c) {
			return c, nil
		}
	}
	for i := 1; i < 1<<20; i++ {
		if c := fmt.Sprintf("P-%s-%d", town, i); free(c) {
			return c, nil
		}
	}
	return "", fmt.Errorf("patrol area %s of town %s: no free code for it", want, town)
}

// areaCode is the hub's code of a town's area (error when the hub has
// none: the area rides on every record of its patrols and findings).
func (a *fedApplier) areaCode(town model.NodeCode, code string) (string, error) {
	v := a.tx.Bucket(bucketFedAreas).Get(append(exactPrefix(town), code...))
	if v == nil {
		return "", fmt.Errorf("patrol area %s of town %s has not come", code, town)
	}
	return string(v), nil
}

// patrol writes a town's patrol as the hub's (a new hub seq and id the
// first time, when it arrived), its area, patroller and open silence
// mapped (a silence whose incident has not come yet is left out: the
// pane's silence reads the clock).
func (a *fedApplier) patrol(town model.NodeCode, fr fedRef) (model.Patrol, error) {
	p, err := decodePatrol(fr.Seq, fr.Rec, a.s.opts.Location)
	if err != nil {
		return p, err
	}
	if p.Village.Town() != town {
		return p, fmt.Errorf("patrol %s is in %s, not in town %s", p.ID, p.Village, town)
	}
	if p.Area, err = a.areaCode(town, p.Area); err != nil {
		return p, err
	}
	if p.Patroller, err = a.person(town, p.Patroller); err != nil {
		return p, err
	}
	p.SilenceSeq, p.Silence = a.incidentOf(town, p.SilenceSeq)
	seq, fresh, err := a.hubSeq(bucketFedPatrols, bucketPatrols, town, fr.Seq)
	if err != nil {
		return p, err
	}
	p.Seq, p.ID, p.Arrived = seq, model.FormatPatrolID(seq), a.now
	if !fresh {
		old, err := a.s.getPatrol(a.tx, seq)
		if err != nil {
			return p, err
		}
		p.Arrived = old.Arrived
	}
	return p, putPatrol(a.tx, p)
}

// incidentOf is the hub's seq and id of the town's incident seq (0 and ""
// for none, or one that has not come).
func (a *fedApplier) incidentOf(town model.NodeCode, seq uint64) (uint64, string) {
	if seq == 0 {
		return 0, ""
	}
	hub := a.mapped(bucketFedIncidents, town, seq)
	if hub == 0 {
		return 0, ""
	}
	inc, err := a.s.getIncident(a.tx, hub)
	if err != nil {
		return 0, ""
	}
	return hub, inc.ID
}

// finding writes a town's finding as the hub's (a new hub seq and id the
// first time), its area, people and incident mapped; a finding on the
// desk joins idx_findings_waiting, which the hub's sweep passes by.
func (a *fedApplier) finding(town model.NodeCode, t *fedTownRecord, fr fedRef) (model.Finding, error) {
	f, err := decodeFinding(fr.Seq, fr.Rec, a.s.opts.Location)
	if err != nil {
		return f, err
	}
	if f.Village.Town() != town {
		return f, fmt.Errorf("finding %s is in %s, not in town %s", f.ID, f.Village, town)
	}
	if f.Area, err = a.areaCode(town, f.Area); err != nil {
		return f, err
	}
	if f.By, err = a.person(town, f.By); err != nil {
		return f, err
	}
	if f.HandledBy, err = a.person(town, f.HandledBy); err != nil {
		return f, err
	}
	if f.Incident != "" {
		// An incident not come yet (the finding as it stands is newer
		// than the record's event) keeps the id it will have here.
		seq, id := a.incidentOf(town, f.IncidentSeq)
		f.IncidentSeq, f.Incident = seq, cmpOr(id, hubID(f.Incident, t))
	}
	seq, fresh, err := a.hubSeq(bucketFedFindings, bucketFindings, town, fr.Seq)
	if err != nil {
		return f, err
	}
	f.Seq, f.ID, f.Arrived = seq, model.FormatFindingID(seq), a.now
	var old *model.Finding
	if !fresh {
		o, err := decodeFinding(seq, a.tx.Bucket(bucketFindings).Get(u64(seq)), a.s.opts.Location)
		if err != nil {
			return f, err
		}
		f.Arrived, old = o.Arrived, &o
	}
	return f, putFinding(a.tx, f, old)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// The hub refuses to act on a town's copies.

// fedDirectiveCopy refuses to sign for or report on a federated town's
// directive in a hub's file: its units do so in the town.
func fedDirectiveCopy(tx *bolt.Tx, d model.Directive) error {
	if town := directiveNode(d).Town(); isFedTown(tx, town) {
		return model.FedDirectiveCopy(d.ID, d.Fed, nodeName(tx, town))
	}
	return nil
}

// fedDirectiveOwn refuses to resend, in a hub's file, a directive a
// federated town's own room issued: the town's room resends it. One the
// county sent down (Command) it may.
func fedDirectiveOwn(tx *bolt.Tx, d model.Directive) error {
	if town := directiveNode(d).Town(); d.Command == 0 && isFedTown(tx, town) {
		return model.FedResendRefused(d.ID, d.Fed, nodeName(tx, town))
	}
	return nil
}

// queueResend queues, on a hub, the resend of d, a directive the county
// sent down to a federated town, as a command naming the town's own
// directive (queued true); false when d is no federated town's.
func (s *DB) queueResend(tx *bolt.Tx, now time.Time, actor model.Person, q *fedQueue, d model.Directive, within model.NodeCode) (bool, error) {
	*q = fedQueue{}
	town := directiveNode(d).Town()
	if !isFedTown(tx, town) {
		return false, nil
	}
	own, err := parseDirectiveID(d.Fed)
	if err != nil {
		return false, fmt.Errorf("directives: %s is town %s's copy of %q, no directive id", d.ID, town, d.Fed)
	}
	return true, s.queueCommand(tx, now, actor, q, town, fedCommandWire{Kind: fedCmdResend, Directive: own, Within: string(within)})
}

// resendWithin is a resend command's node within ("" for all), checked.
func resendWithin(w fedCommandWire) (model.NodeCode, error) {
	if w.Directive == 0 {
		return "", model.Errorf(model.EINVALID, "federation: command %d resends no directive", w.Seq).
			Zh("联网：下行命令 %d 未指明要重发的指令", w.Seq)
	}
	if w.Within == "" {
		return "", nil
	}
	return model.ParseNodeCode(w.Within)
}

// fedPatrolCopy refuses to act, in a hub's file, on a federated town's
// patrol area, patrol or finding (what and whatZh, its id) in village: the
// town's room and patrollers do, and its next record would undo it.
func fedPatrolCopy(tx *bolt.Tx, what, whatZh, id string, village model.NodeCode) error {
	name, ok := fedTownName(tx, village)
	if !ok {
		return nil
	}
	return model.Errorf(model.ECONFLICT, "%s %s is of %s, a federated town: its own room and patrollers act on it (this file holds a copy)", what, id, name).
		Zh("%s %s 属联网镇%s：由该镇指挥室和巡护员处理（本库只存副本）", whatZh, id, name)
}

// fedTownName is the name of node's town when the hub holds that town as a
// federated town's copy (ok false when it does not).
func fedTownName(tx *bolt.Tx, node model.NodeCode) (name string, ok bool) {
	town := node.Town()
	if !isFedTown(tx, town) {
		return "", false
	}
	return nodeName(tx, town), true
}

// fedCopyOf reports whether a hub holds village as part of a federated
// town (its patrols and findings are copies its clocks pass by).
func fedCopyOf(tx *bolt.Tx, village model.NodeCode) bool { return isFedTown(tx, village.Town()) }

// fedFinding reports whether finding seq is a federated town's copy (false
// at once in a file that federates no town).
func (s *DB) fedFinding(tx *bolt.Tx, seq uint64) bool {
	if k, _ := tx.Bucket(bucketFedTowns).Cursor().First(); k == nil {
		return false
	}
	v := tx.Bucket(bucketFindings).Get(u64(seq))
	if v == nil {
		return false
	}
	f, err := decodeFinding(seq, v, s.opts.Location)
	return err == nil && fedCopyOf(tx, f.Village)
}
