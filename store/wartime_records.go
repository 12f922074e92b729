package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// The stored forms of wartime (schema 2). Like the other records they are
// private structs with explicit tags, times as Unix nanoseconds (0 for a
// zero time), so a rename in model cannot change the file format.

// activationRecord is the stored form of model.Activation; the key is its
// Seq (wt_activations).
type activationRecord struct {
	ID         string   `json:"id"`
	Reason     string   `json:"reason"`
	Scope      []string `json:"scope"`
	Drill      bool     `json:"drill,omitempty"`
	Note       string   `json:"note,omitempty"`
	Since      int64    `json:"since"`
	Ended      int64    `json:"ended,omitempty"`
	By         uint64   `json:"by"`
	EndedBy    uint64   `json:"ended_by,omitempty"`
	Villages   int      `json:"villages"`
	MicroGrids int      `json:"micro_grids"`
	Households int      `json:"households"`
	// Widened: the widenings of its scope (model.Widening), oldest first;
	// absent for one never widened (every record written before them).
	Widened []wideningRecord `json:"widened,omitempty"`
}

// wideningRecord is the stored form of model.Widening.
type wideningRecord struct {
	At         int64    `json:"at"`
	By         uint64   `json:"by"`
	From       []string `json:"from"`
	Villages   int      `json:"villages"`
	MicroGrids int      `json:"micro_grids"`
	Households int      `json:"households"`
}

func encodeActivation(a model.Activation) ([]byte, error) {
	r := activationRecord{
		ID: a.ID, Reason: string(a.Reason), Scope: codeStrings(a.Scope), Drill: a.Drill, Note: a.Note,
		Since: nanos(a.Since), Ended: nanos(a.Ended), By: uint64(a.By), EndedBy: uint64(a.EndedBy),
		Villages: a.Villages, MicroGrids: a.MicroGrids, Households: a.Households,
	}
	for _, w := range a.Widened {
		r.Widened = append(r.Widened, wideningRecord{At: nanos(w.At), By: uint64(w.By), From: codeStrings(w.From),
			Villages: w.Villages, MicroGrids: w.MicroGrids, Households: w.Households})
	}
	return json.Marshal(r)
}

func decodeActivation(seq uint64, v []byte, loc *time.Location) (model.Activation, error) {
	var r activationRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return model.Activation{}, fmt.Errorf("wartime activation seq %d: %w", seq, err)
	}
	a := model.Activation{
		Seq: seq, ID: r.ID, Reason: model.Reason(r.Reason), Scope: nodeCodes(r.Scope), Drill: r.Drill,
		Note: r.Note, Since: fromNanos(r.Since, loc), Ended: fromNanos(r.Ended, loc),
		By: model.PersonID(r.By), EndedBy: model.PersonID(r.EndedBy),
		Villages: r.Villages, MicroGrids: r.MicroGrids, Households: r.Households,
	}
	for _, w := range r.Widened {
		a.Widened = append(a.Widened, model.Widening{At: fromNanos(w.At, loc), By: model.PersonID(w.By), From: nodeCodes(w.From),
			Villages: w.Villages, MicroGrids: w.MicroGrids, Households: w.Households})
	}
	return a, nil
}

// wtUnitRecord is one micro-grid of an activation (wt_units, key activation
// seq and code): who serves it, in what role, and what to put back when
// wartime ends. The worker's name is kept as it was at activation (or at the
// draft), so the status reads no roster.
type wtUnitRecord struct {
	Worker     uint64 `json:"worker,omitempty"` // 0: a gap
	WorkerName string `json:"worker_name,omitempty"`
	Role       string `json:"role"`
	Drafted    bool   `json:"drafted,omitempty"`
	// PrevOnDuty is the worker's on-duty flag before wartime put them on
	// duty; Deactivate restores it.
	PrevOnDuty bool `json:"prev_on_duty,omitempty"`
	Households int  `json:"households"`
}

func (r wtUnitRecord) status(code model.NodeCode) model.UnitStatus {
	return model.UnitStatus{
		MicroGrid: code, Worker: model.PersonID(r.Worker), WorkerName: r.WorkerName,
		Role: model.WartimeRole(r.Role), Drafted: r.Drafted, Households: r.Households,
	}
}

func decodeUnitRecord(k, v []byte) (wtUnitRecord, error) {
	return decodeRecord[wtUnitRecord](v, "wt_units %s", k[8:])
}

// putUnitRecord writes r at k in wt_units (b).
func putUnitRecord(b *bolt.Bucket, k []byte, r wtUnitRecord) error {
	return putRecord(b, k, r)
}

// draftRecord is a reserve drafted into a micro-grid (wt_drafts, key
// activation seq and person id).
type draftRecord struct {
	MicroGrid  string `json:"micro_grid"`
	At         int64  `json:"at"`
	By         uint64 `json:"by"`
	Released   int64  `json:"released,omitempty"`
	PrevOnDuty bool   `json:"prev_on_duty,omitempty"`
}

func decodeDraftRecord(k, v []byte) (draftRecord, error) {
	return decodeRecord[draftRecord](v, "wt_drafts %x", k)
}

func (r draftRecord) draft(act uint64, person uint64, loc *time.Location) model.Draft {
	return model.Draft{
		Activation: act, Person: model.PersonID(person), MicroGrid: model.NodeCode(r.MicroGrid),
		At: fromNanos(r.At, loc), By: model.PersonID(r.By), Released: fromNanos(r.Released, loc),
	}
}

// directiveRecord is the stored form of model.Directive; the key is its Seq
// (directives).
type directiveRecord struct {
	ID         string   `json:"id"`
	Activation uint64   `json:"activation"`
	Text       string   `json:"text"`
	Targets    []string `json:"targets"`
	IssuedAt   int64    `json:"issued_at"`
	SignBy     int64    `json:"sign_by"`
	Deadline   int64    `json:"deadline"`
	By         uint64   `json:"by"`
	Units      int      `json:"units"`
	Command    uint64   `json:"command,omitempty"` // the county's command that issued it (federation)
	Fed        string   `json:"fed,omitempty"`     // hub: the town's own id of the copy
}

func encodeDirective(d model.Directive) ([]byte, error) {
	return json.Marshal(directiveRecord{
		ID: d.ID, Activation: d.Activation, Text: d.Text, Targets: codeStrings(d.Targets),
		IssuedAt: nanos(d.IssuedAt), SignBy: nanos(d.SignBy), Deadline: nanos(d.Deadline),
		By: uint64(d.By), Units: d.Units, Command: d.Command, Fed: d.Fed,
	})
}

func decodeDirective(seq uint64, v []byte, loc *time.Location) (model.Directive, error) {
	var r directiveRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return model.Directive{}, fmt.Errorf("directive seq %d: %w", seq, err)
	}
	return model.Directive{
		Seq: seq, ID: r.ID, Activation: r.Activation, Text: r.Text, Targets: nodeCodes(r.Targets),
		IssuedAt: fromNanos(r.IssuedAt, loc), SignBy: fromNanos(r.SignBy, loc),
		Deadline: fromNanos(r.Deadline, loc), By: model.PersonID(r.By), Units: r.Units,
		Command: r.Command, Fed: r.Fed,
	}, nil
}

// directiveUnitRecord is the stored form of model.DirectiveUnit
// (directive_units, key directive seq and micro-grid code).
type directiveUnitRecord struct {
	SentAt      int64  `json:"sent_at"`
	Resends     int    `json:"resends,omitempty"`
	SignedAt    int64  `json:"signed_at,omitempty"`
	SignedBy    uint64 `json:"signed_by,omitempty"`
	OnBehalf    bool   `json:"on_behalf,omitempty"` // added with 代签: a file from before reads false
	Done        int    `json:"done,omitempty"`
	Of          int    `json:"of,omitempty"`
	CompletedAt int64  `json:"completed_at,omitempty"`
	Escalated   string `json:"escalated,omitempty"`
	EscalatedAt int64  `json:"escalated_at,omitempty"`
}

func unitRecordOf(u model.DirectiveUnit) directiveUnitRecord {
	return directiveUnitRecord{
		SentAt: nanos(u.SentAt), Resends: u.Resends, SignedAt: nanos(u.SignedAt), SignedBy: uint64(u.SignedBy),
		OnBehalf: u.OnBehalf, Done: u.Done, Of: u.Of, CompletedAt: nanos(u.CompletedAt), Escalated: string(u.Escalated),
		EscalatedAt: nanos(u.EscalatedAt),
	}
}

func (r directiveUnitRecord) unit(dir uint64, code model.NodeCode, loc *time.Location) model.DirectiveUnit {
	return model.DirectiveUnit{
		Directive: dir, Unit: code, SentAt: fromNanos(r.SentAt, loc), Resends: r.Resends,
		SignedAt: fromNanos(r.SignedAt, loc), SignedBy: model.PersonID(r.SignedBy), OnBehalf: r.OnBehalf, Done: r.Done, Of: r.Of,
		CompletedAt: fromNanos(r.CompletedAt, loc), Escalated: model.Tier(r.Escalated),
		EscalatedAt: fromNanos(r.EscalatedAt, loc),
	}
}

func encodeDirectiveUnit(u model.DirectiveUnit) ([]byte, error) { return json.Marshal(unitRecordOf(u)) }

func decodeDirectiveUnit(k, v []byte, loc *time.Location) (model.DirectiveUnit, error) {
	if len(k) <= 8 {
		return model.DirectiveUnit{}, fmt.Errorf("directive_units: malformed key %x", k)
	}
	var r directiveUnitRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return model.DirectiveUnit{}, fmt.Errorf("directive_units %d/%s: %w", getU64(k), k[8:], err)
	}
	return r.unit(getU64(k), model.NodeCode(k[8:]), loc), nil
}

// afterActionRecord is the stored after-action summary (wt_after, key the
// activation seq); the activation itself is read from wt_activations.
type afterActionRecord struct {
	Duration          int64           `json:"duration"` // nanoseconds
	Directives        []summaryRecord `json:"directives"`
	IncidentsOpened   int             `json:"incidents_opened"`
	IncidentsResolved int             `json:"incidents_resolved"`
	PersonTimes       int             `json:"person_times"`
	ReservesDrafted   int             `json:"reserves_drafted"`
}

type summaryRecord struct {
	ID         string           `json:"id"`
	Text       string           `json:"text"`
	Units      int              `json:"units"`
	Signed     int              `json:"signed"`
	Done       int              `json:"done"`
	OnBehalf   int              `json:"on_behalf,omitempty"` // added with 代签
	SignMedian int64            `json:"sign_median"`         // nanoseconds, of the units' own signatures
	SignWorst  int64            `json:"sign_worst"`
	Escalated  int              `json:"escalated"`
	Villages   []villageRecord  `json:"villages"`
	Slowest    []slowUnitRecord `json:"slowest"`
}

type villageRecord struct {
	Village   string `json:"village"`
	Units     int    `json:"units"`
	Signed    int    `json:"signed"`
	Done      int    `json:"done"`
	Escalated string `json:"escalated,omitempty"`
}

type slowUnitRecord struct {
	Directive uint64 `json:"directive"`
	Unit      string `json:"unit"`
	directiveUnitRecord
}

func encodeAfterAction(x model.AfterAction) ([]byte, error) {
	r := afterActionRecord{
		Duration: int64(x.Duration), Directives: make([]summaryRecord, len(x.Directives)),
		IncidentsOpened: x.IncidentsOpened, IncidentsResolved: x.IncidentsResolved,
		PersonTimes: x.PersonTimes, ReservesDrafted: x.ReservesDrafted,
	}
	for i, d := range x.Directives {
		s := summaryRecord{
			ID: d.ID, Text: d.Text, Units: d.Units, Signed: d.Signed, Done: d.Done, OnBehalf: d.OnBehalf,
			SignMedian: int64(d.SignMedian), SignWorst: int64(d.SignWorst), Escalated: d.Escalated,
			Villages: make([]villageRecord, len(d.Villages)), Slowest: make([]slowUnitRecord, len(d.Slowest)),
		}
		for j, v := range d.Villages {
			s.Villages[j] = villageRecord{Village: string(v.Village), Units: v.Units, Signed: v.Signed, Done: v.Done, Escalated: string(v.Escalated)}
		}
		for j, u := range d.Slowest {
			s.Slowest[j] = slowUnitRecord{Directive: u.Directive, Unit: string(u.Unit), directiveUnitRecord: unitRecordOf(u)}
		}
		r.Directives[i] = s
	}
	return json.Marshal(r)
}

func decodeAfterAction(a model.Activation, v []byte, loc *time.Location) (model.AfterAction, error) {
	var r afterActionRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return model.AfterAction{}, fmt.Errorf("after-action of %s: %w", a.ID, err)
	}
	x := model.AfterAction{
		Activation: a, Duration: time.Duration(r.Duration), IncidentsOpened: r.IncidentsOpened,
		IncidentsResolved: r.IncidentsResolved, PersonTimes: r.PersonTimes, ReservesDrafted: r.ReservesDrafted,
	}
	for _, s := range r.Directives {
		d := model.DirectiveSummary{
			ID: s.ID, Text: s.Text, Units: s.Units, Signed: s.Signed, Done: s.Done, OnBehalf: s.OnBehalf,
			SignMedian: time.Duration(s.SignMedian), SignWorst: time.Duration(s.SignWorst), Escalated: s.Escalated,
		}
		for _, v := range s.Villages {
			d.Villages = append(d.Villages, model.VillageProgress{Village: model.NodeCode(v.Village), Units: v.Units,
				Signed: v.Signed, Done: v.Done, Escalated: model.Tier(v.Escalated)})
		}
		for _, u := range s.Slowest {
			d.Slowest = append(d.Slowest, u.directiveUnitRecord.unit(u.Directive, model.NodeCode(u.Unit), loc))
		}
		x.Directives = append(x.Directives, d)
	}
	return x, nil
}

// Keys.

// seqCodeKey is a u64 followed by a node code: the key of wt_units (the
// activation's seq) and directive_units (the directive's seq). The code
// comes last, so a subtree of one activation or directive is a prefix.
func seqCodeKey(seq uint64, code model.NodeCode) []byte {
	return append(binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(code)), seq), code...)
}

// dirDueKey is the idx_dir_due key of a directive unit checked at t.
func dirDueKey(t time.Time, dir uint64, code model.NodeCode) []byte {
	n := t.UnixNano()
	if n < 0 {
		n = 0
	}
	b := make([]byte, 0, 16+len(code))
	b = binary.BigEndian.AppendUint64(b, uint64(n))
	b = binary.BigEndian.AppendUint64(b, dir)
	return append(b, code...)
}

// unitDirKey is the idx_unit_directives key of directive dir's unit at
// code, in activation act. The activation comes first so that a directive
// fanned out to thousands of micro-grids touches only its own activation's
// part of the index: with the code first, every issue rewrote every page
// of it, all activations' entries included (measured on Yongkang county:
// 5 ms a directive beside the rest of the fan-out, growing by about 0.6 ms
// for every county-wide directive already stored).
func unitDirKey(act uint64, code model.NodeCode, dir uint64) []byte {
	return appendCodeKey(binary.BigEndian.AppendUint64(make([]byte, 0, 17+len(code)), act), code, dir)
}

// unitDueKey is a directive unit's idx_dir_due key, nil when no check is
// due (signed, or already climbed to the town room).
func unitDueKey(d model.Directive, u model.DirectiveUnit) []byte {
	t := u.NextUnitCheck(d)
	if t.IsZero() {
		return nil
	}
	return dirDueKey(t, d.Seq, u.Unit)
}

// Ids.

// parseSeqID reads a public id "D-0009" (or "d-9", "9") with the given
// prefix letter and returns the number.
func parseSeqID(kind string, prefix byte, s string) (uint64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	if len(t) > 0 && t[0] == prefix {
		t = strings.TrimPrefix(t[1:], "-")
	}
	n, err := strconv.ParseUint(t, 10, 64)
	if err != nil || n == 0 {
		return 0, model.Errorf(model.EINVALID, "%s id %q: want %c-NNNN, e.g. %c-0001", kind, s, prefix, prefix).
			Zh("%s编号 %q：应为 %c-NNNN，如 %c-0001", kindZh[kind], s, prefix, prefix)
	}
	return n, nil
}

var kindZh = map[string]string{"directive": "指令", "wartime": "战时", "shift": "班次", "handover": "交接"}

func parseDirectiveID(s string) (uint64, error)  { return parseSeqID("directive", 'D', s) }
func parseActivationID(s string) (uint64, error) { return parseSeqID("wartime", 'W', s) }

// parseActivationOrLatest reads an activation id that may be left blank:
// 0 then, for the latest activation.
func parseActivationOrLatest(s string) (uint64, error) {
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
	return parseActivationID(s)
}

// Node records, read fast.

var householdsField = []byte(`"households":`)

// nodeHouseholds reads the households of a stored node record without
// decoding it: activation sums them over a whole county. encodeNode writes
// the field as `"households":N` (omitted when 0), and the byte string cannot
// occur inside a JSON string value (its quotes would be escaped). Anything
// else goes through decodeNode.
func nodeHouseholds(k, v []byte) (int, error) {
	i := bytes.Index(v, householdsField)
	if i < 0 {
		if !bytes.Contains(v, []byte("households")) {
			return 0, nil
		}
	} else {
		j := i + len(householdsField)
		n, end := 0, j
		for end < len(v) && end-j < 10 && '0' <= v[end] && v[end] <= '9' {
			n = n*10 + int(v[end]-'0')
			end++
		}
		if end > j && end < len(v) && (v[end] == ',' || v[end] == '}') && (v[j] != '0' || end == j+1) {
			return n, nil
		}
	}
	n, err := decodeNode(k, v)
	return n.Households, err
}

func codeStrings(cs []model.NodeCode) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

func nodeCodes(ss []string) []model.NodeCode {
	out := make([]model.NodeCode, len(ss))
	for i, s := range ss {
		out[i] = model.NodeCode(s)
	}
	return out
}
