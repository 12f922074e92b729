package store

// Patrols (model.PatrolService): patrol areas, patrols and their
// check-ins, findings on the liaison's desk, joint rotations.
//
// The buckets are those of schema 6 (see the package comment), used so:
//
//	patrol_areas          area code ("P-DX-01")       -> areaRecord
//	patrols               u64 patrol seq              -> patrolRecord (check-ins inline)
//	idx_patrols_active    u64 patrol seq              (running patrols only)
//	findings              u64 finding seq             -> findingRecord
//	idx_findings_waiting  u64 Unix nanos found, u64 finding seq   (findings on the desk only)
//	rotations             u64 rotation seq            -> rotationRecord
//	rotation_reports      u64 rotation seq, u64 Unix nanos, u64 n (activity reports; the text is the event's)
//	                      -> u64 the reporter (empty in the entries of before it was kept)
//	patrol_idem           u64 person id, kind byte, Idempotency-Key -> u64 seq, sha256 of the request
//
// Patrol ids are X-NNNN, finding ids F-NNNN and rotation ids R-NNNN, of the
// seq NextSequence gave. Patrols are numbered in order of start, findings
// in order of report: the newest are at the end of their buckets, so the
// board reads a day's back to front. The kind byte of patrol_idem is 'S'
// (start), 'C' (check-in), 'E' (end) or 'F' (finding); the seq is the
// patrol's or the finding's.

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// Bucket names of schema 6.
var (
	bucketPatrolAreas        = []byte("patrol_areas")
	bucketPatrols            = []byte("patrols")
	bucketIdxPatrolsActive   = []byte("idx_patrols_active")
	bucketFindings           = []byte("findings")
	bucketIdxFindingsWaiting = []byte("idx_findings_waiting")
	bucketRotations          = []byte("rotations")
	bucketRotationReports    = []byte("rotation_reports")
	bucketPatrolIdem         = []byte("patrol_idem")
)

// Kinds of patrol_idem entries.
const (
	idemStart   byte = 'S'
	idemCheckIn byte = 'C'
	idemEnd     byte = 'E'
	idemFinding byte = 'F'
)

var _ model.PatrolService = (*DB)(nil)

type latLonRecord struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

func locRecord(l *model.LatLon) *latLonRecord {
	if l == nil {
		return nil
	}
	return &latLonRecord{Lat: l.Lat, Lon: l.Lon}
}

func (r *latLonRecord) model() *model.LatLon {
	if r == nil {
		return nil
	}
	return &model.LatLon{Lat: r.Lat, Lon: r.Lon}
}

type checkpointRecord struct {
	Code string        `json:"code"`
	Name string        `json:"name,omitempty"`
	Loc  *latLonRecord `json:"loc,omitempty"`
}

// areaRecord is the stored form of model.PatrolArea; the key is its code.
type areaRecord struct {
	Name        string             `json:"name"`
	Kind        string             `json:"kind"`
	Village     string             `json:"village"`
	Every       int64              `json:"every"` // nanoseconds
	Patroller   uint64             `json:"patroller,omitempty"`
	Since       int64              `json:"since"`
	Checkpoints []checkpointRecord `json:"checkpoints"`
}

func encodeArea(a model.PatrolArea) ([]byte, error) {
	r := areaRecord{Name: a.Name, Kind: string(a.Kind), Village: string(a.Village), Every: int64(a.Every),
		Patroller: uint64(a.Patroller), Since: nanos(a.Since)}
	for _, c := range a.Checkpoints {
		r.Checkpoints = append(r.Checkpoints, checkpointRecord{Code: c.Code, Name: c.Name, Loc: locRecord(c.Loc)})
	}
	return json.Marshal(r)
}

func decodeArea(code []byte, v []byte, loc *time.Location) (model.PatrolArea, error) {
	var r areaRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return model.PatrolArea{}, fmt.Errorf("patrol area %s: %w", code, err)
	}
	a := model.PatrolArea{Code: string(code), Name: r.Name, Kind: model.AreaKind(r.Kind), Village: model.NodeCode(r.Village),
		Every: time.Duration(r.Every), Patroller: model.PersonID(r.Patroller), Since: fromNanos(r.Since, loc)}
	for _, c := range r.Checkpoints {
		a.Checkpoints = append(a.Checkpoints, model.Checkpoint{Code: c.Code, Name: c.Name, Loc: c.Loc.model()})
	}
	return a, nil
}

type checkInRecord struct {
	Checkpoint string        `json:"cp"`
	At         int64         `json:"at"`
	Loc        *latLonRecord `json:"loc,omitempty"`
}

// patrolRecord is the stored form of model.Patrol; the key is its seq.
type patrolRecord struct {
	Area        string          `json:"area"`
	Kind        string          `json:"kind"`
	Village     string          `json:"village"`
	Patroller   uint64          `json:"patroller"`
	Started     int64           `json:"started"`
	Ended       int64           `json:"ended,omitempty"`
	Completed   int64           `json:"completed,omitempty"`
	Checkpoints int             `json:"checkpoints"`
	CheckIns    []checkInRecord `json:"checkins,omitempty"`
	// The incident the patroller's silence opened (watchdog.go), while it
	// lasts: its seq and its id.
	Silence   uint64 `json:"silence,omitempty"`
	SilenceID string `json:"silence_id,omitempty"`
	Arrived   int64  `json:"arrived,omitempty"` // hub: when a federated town's patrol first came
}

func encodePatrol(p model.Patrol) ([]byte, error) {
	r := patrolRecord{Area: p.Area, Kind: string(p.Kind), Village: string(p.Village), Patroller: uint64(p.Patroller),
		Started: nanos(p.Started), Ended: nanos(p.Ended), Completed: nanos(p.Completed), Checkpoints: p.Checkpoints,
		Silence: p.SilenceSeq, SilenceID: p.Silence, Arrived: nanos(p.Arrived)}
	for _, c := range p.CheckIns {
		r.CheckIns = append(r.CheckIns, checkInRecord{Checkpoint: c.Checkpoint, At: nanos(c.At), Loc: locRecord(c.Loc)})
	}
	return json.Marshal(r)
}

func decodePatrol(seq uint64, v []byte, loc *time.Location) (model.Patrol, error) {
	var r patrolRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return model.Patrol{}, fmt.Errorf("patrol %s: %w", model.FormatPatrolID(seq), err)
	}
	p := model.Patrol{Seq: seq, ID: model.FormatPatrolID(seq), Area: r.Area, Kind: model.AreaKind(r.Kind),
		Village: model.NodeCode(r.Village), Patroller: model.PersonID(r.Patroller), Started: fromNanos(r.Started, loc),
		Ended: fromNanos(r.Ended, loc), Completed: fromNanos(r.Completed, loc), Checkpoints: r.Checkpoints,
		SilenceSeq: r.Silence, Silence: r.SilenceID, Arrived: fromNanos(r.Arrived, loc)}
	for _, c := range r.CheckIns {
		p.CheckIns = append(p.CheckIns, model.CheckIn{Checkpoint: c.Checkpoint, At: fromNanos(c.At, loc), Loc: c.Loc.model()})
	}
	return p, nil
}

// findingRecord is the stored form of model.Finding; the key is its seq.
type findingRecord struct {
	Area        string        `json:"area"`
	AreaName    string        `json:"area_name"`
	Kind        string        `json:"kind"`
	Village     string        `json:"village"`
	Checkpoint  string        `json:"checkpoint,omitempty"`
	Category    string        `json:"category"`
	Text        string        `json:"text"`
	Loc         *latLonRecord `json:"loc,omitempty"`
	Photo       string        `json:"photo,omitempty"`
	By          uint64        `json:"by"`
	FoundAt     int64         `json:"found_at"`
	Status      string        `json:"status"`
	Incident    string        `json:"incident,omitempty"`
	IncidentSeq uint64        `json:"incident_seq,omitempty"`
	HandledBy   uint64        `json:"handled_by,omitempty"`
	HandledAt   int64         `json:"handled_at,omitempty"`
	Reason      string        `json:"reason,omitempty"`
	Arrived     int64         `json:"arrived,omitempty"` // hub: when a federated town's finding first came
}

func encodeFinding(f model.Finding) ([]byte, error) {
	return json.Marshal(findingRecord{
		Area: f.Area, AreaName: f.AreaName, Kind: string(f.Kind), Village: string(f.Village), Checkpoint: f.Checkpoint,
		Category: string(f.Category), Text: f.Text, Loc: locRecord(f.Loc), Photo: f.Photo, By: uint64(f.By),
		FoundAt: nanos(f.FoundAt), Status: string(f.Status), Incident: f.Incident, IncidentSeq: f.IncidentSeq,
		HandledBy: uint64(f.HandledBy), HandledAt: nanos(f.HandledAt), Reason: f.Reason, Arrived: nanos(f.Arrived),
	})
}

func decodeFinding(seq uint64, v []byte, loc *time.Location) (model.Finding, error) {
	var r findingRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return model.Finding{}, fmt.Errorf("finding %s: %w", model.FormatFindingID(seq), err)
	}
	return model.Finding{
		Seq: seq, ID: model.FormatFindingID(seq), Area: r.Area, AreaName: r.AreaName, Kind: model.AreaKind(r.Kind),
		Village: model.NodeCode(r.Village), Checkpoint: r.Checkpoint, Category: model.Category(r.Category), Text: r.Text,
		Loc: r.Loc.model(), Photo: r.Photo, By: model.PersonID(r.By), FoundAt: fromNanos(r.FoundAt, loc),
		Status: model.FindingStatus(r.Status), Incident: r.Incident, IncidentSeq: r.IncidentSeq,
		HandledBy: model.PersonID(r.HandledBy), HandledAt: fromNanos(r.HandledAt, loc), Reason: r.Reason,
		Arrived: fromNanos(r.Arrived, loc),
	}, nil
}

// rotationRecord is the stored form of model.JointRotation; the key is its seq.
type rotationRecord struct {
	Name     string     `json:"name"`
	Activity string     `json:"activity"`
	Groups   [][]string `json:"groups"`
	Start    int64      `json:"start"`
	Every    int        `json:"every"`
}

func encodeRotation(r model.JointRotation) ([]byte, error) {
	rec := rotationRecord{Name: r.Name, Activity: string(r.Activity), Start: nanos(r.Start), Every: r.Every}
	for _, g := range r.Groups {
		rec.Groups = append(rec.Groups, codeStrings(g))
	}
	return json.Marshal(rec)
}

func decodeRotation(seq uint64, v []byte, loc *time.Location) (model.JointRotation, error) {
	var r rotationRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return model.JointRotation{}, fmt.Errorf("rotation %s: %w", model.FormatRotationID(seq), err)
	}
	out := model.JointRotation{Seq: seq, ID: model.FormatRotationID(seq), Name: r.Name, Activity: model.Activity(r.Activity),
		Start: fromNanos(r.Start, loc), Every: r.Every}
	for _, g := range r.Groups {
		var group []model.NodeCode
		for _, c := range g {
			group = append(group, model.NodeCode(c))
		}
		out.Groups = append(out.Groups, group)
	}
	return out, nil
}

// waitingKey is the idx_findings_waiting key of f.
func waitingKey(f model.Finding) []byte { return pairKey(uint64(max(nanos(f.FoundAt), 0)), f.Seq) }

func patrolIdemKey(person model.PersonID, kind byte, key string) []byte {
	return append(append(u64(uint64(person)), kind), key...)
}

// floatField writes a coordinate for a request's hash.
func floatField(l *model.LatLon) string {
	if l == nil {
		return ""
	}
	return strconv.FormatUint(math.Float64bits(l.Lat), 16) + "," + strconv.FormatUint(math.Float64bits(l.Lon), 16)
}

// idemSeen looks up an idempotency entry: the seq it names (0 for none),
// ECONFLICT when the key was used for another request.
func idemSeen(tx *bolt.Tx, k []byte, sum [32]byte, key string) (uint64, error) {
	v := tx.Bucket(bucketPatrolIdem).Get(k)
	if v == nil {
		return 0, nil
	}
	seq, h, ok := splitIdemValue(v)
	if !ok {
		return 0, fmt.Errorf("patrol_idem: malformed entry for key %q", key)
	}
	if !bytes.Equal(h, sum[:]) {
		return 0, model.Errorf(model.ECONFLICT, "Idempotency-Key %q was used for another request", key).
			Zh("Idempotency-Key %q 已用于另一个请求", key).On("Idempotency-Key")
	}
	return seq, nil
}

func getArea(tx *bolt.Tx, code string, loc *time.Location) (model.PatrolArea, error) {
	v := tx.Bucket(bucketPatrolAreas).Get([]byte(code))
	if v == nil {
		return model.PatrolArea{}, model.Errorf(model.ENOTFOUND, "no patrol area %s", code).Zh("没有巡护区 %s", code).On("area")
	}
	return decodeArea([]byte(code), v, loc)
}

func (s *DB) getPatrol(tx *bolt.Tx, seq uint64) (model.Patrol, error) {
	v := tx.Bucket(bucketPatrols).Get(u64(seq))
	if v == nil {
		id := model.FormatPatrolID(seq)
		return model.Patrol{}, model.Errorf(model.ENOTFOUND, "no patrol %s", id).Zh("没有巡护 %s", id).On("patrol")
	}
	return decodePatrol(seq, v, s.opts.Location)
}

func putPatrol(tx *bolt.Tx, p model.Patrol) error {
	if err := putEncoded(tx.Bucket(bucketPatrols), u64(p.Seq), p, encodePatrol); err != nil {
		return err
	}
	idx := tx.Bucket(bucketIdxPatrolsActive)
	if p.Active() {
		return idx.Put(u64(p.Seq), []byte{})
	}
	return idx.Delete(u64(p.Seq))
}

// getFinding reads finding seq with its incident's status.
func (s *DB) getFinding(tx *bolt.Tx, seq uint64) (model.Finding, error) {
	f, err := s.readFinding(tx, seq)
	if err != nil {
		return f, err
	}
	return f, s.withIncidentStatus(tx, &f)
}

// readFinding reads finding seq without its incident's status.
func (s *DB) readFinding(tx *bolt.Tx, seq uint64) (model.Finding, error) {
	v := tx.Bucket(bucketFindings).Get(u64(seq))
	if v == nil {
		id := model.FormatFindingID(seq)
		return model.Finding{}, model.Errorf(model.ENOTFOUND, "no finding %s", id).Zh("没有巡护发现 %s", id).On("finding")
	}
	return decodeFinding(seq, v, s.opts.Location)
}

// withIncidentStatus fills in the status of the incident that carries f.
func (s *DB) withIncidentStatus(tx *bolt.Tx, f *model.Finding) error {
	if f.IncidentSeq == 0 {
		return nil
	}
	inc, err := s.getIncident(tx, f.IncidentSeq)
	if err != nil {
		return fmt.Errorf("finding %s: %w", f.ID, err)
	}
	f.IncidentStatus = inc.Status
	return nil
}

func putFinding(tx *bolt.Tx, f model.Finding, old *model.Finding) error {
	if err := putEncoded(tx.Bucket(bucketFindings), u64(f.Seq), f, encodeFinding); err != nil {
		return err
	}
	idx := tx.Bucket(bucketIdxFindingsWaiting)
	if old != nil && old.Status == model.FindingWaiting && f.Status != model.FindingWaiting {
		if err := idx.Delete(waitingKey(*old)); err != nil {
			return err
		}
	}
	if f.Status == model.FindingWaiting {
		return idx.Put(waitingKey(f), []byte{})
	}
	return nil
}

func (s *DB) getRotation(tx *bolt.Tx, seq uint64) (model.JointRotation, error) {
	v := tx.Bucket(bucketRotations).Get(u64(seq))
	if v == nil {
		id := model.FormatRotationID(seq)
		return model.JointRotation{}, model.Errorf(model.ENOTFOUND, "no rotation %s", id).Zh("没有轮值 %s", id).On("rotation")
	}
	return decodeRotation(seq, v, s.opts.Location)
}

// activePatrols lists the running patrols.
func (s *DB) activePatrols(tx *bolt.Tx) ([]model.Patrol, error) {
	var out []model.Patrol
	err := tx.Bucket(bucketIdxPatrolsActive).ForEach(func(k, _ []byte) error {
		if len(k) != 8 {
			return fmt.Errorf("idx_patrols_active: malformed key %x", k)
		}
		p, err := s.getPatrol(tx, getU64(k))
		if err == nil {
			out = append(out, p)
		}
		return err
	})
	return out, err
}

// ImportAreas adds and replaces patrol areas in one transaction.
func (s *DB) ImportAreas(ctx context.Context, areas []model.PatrolArea, by model.PersonID, note string) (int, int, error) {
	clean := make([]model.PatrolArea, len(areas))
	seen := map[string]bool{}
	for i, a := range areas {
		c, err := a.Clean()
		if err != nil {
			return 0, 0, err
		}
		if seen[c.Code] {
			return 0, 0, model.Errorf(model.EINVALID, "area %s given twice", c.Code).Zh("巡护区 %s 重复", c.Code).On("area")
		}
		seen[c.Code] = true
		clean[i] = c
	}
	note, err := model.CleanText(note, false)
	if err != nil {
		return 0, 0, model.Errorf(model.EINVALID, "note: invalid UTF-8").Zh("备注：不是有效的 UTF-8").On("note")
	}
	var added, replaced int
	_, err = s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		added, replaced = 0, 0
		var at []model.NodeCode // the villages it imports into
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		b := tx.Bucket(bucketPatrolAreas)
		running, err := s.activePatrols(tx)
		if err != nil {
			return nil, err
		}
		for _, a := range clean {
			if !hasNode(tx, a.Village) {
				return nil, model.Errorf(model.ENOTFOUND, "area %s: no village %s in the tower", a.Code, a.Village).
					Zh("巡护区 %s：网格塔中没有村 %s", a.Code, a.Village).On("village")
			}
			if err := fedPatrolCopy(tx, "patrol area", "巡护区", a.Code, a.Village); err != nil {
				return nil, err // a federated town's areas are its own to import
			}
			if !actor.ActsIn(a.Village) {
				return nil, a.ForeignImport(actor, nodeNames(tx))
			}
			if a.Patroller != 0 {
				p, err := getPerson(tx, a.Patroller)
				if err != nil {
					return nil, model.Errorf(model.ENOTFOUND, "area %s: %s", a.Code, model.ErrorMessage(err)).
						Zh("巡护区 %s：%s", a.Code, model.ErrorMessageZh(err)).On("patroller")
				}
				if err := a.CheckPatroller(p, nodeNames(tx)); err != nil {
					return nil, err
				}
			}
			a.Since = now
			if v := b.Get([]byte(a.Code)); v != nil {
				old, err := decodeArea([]byte(a.Code), v, s.opts.Location)
				if err == nil {
					err = fedPatrolCopy(tx, "patrol area", "巡护区", old.Code, old.Village)
				}
				if err == nil && !actor.ActsIn(old.Village) {
					err = old.ForeignImport(actor, nodeNames(tx)) // nor moved out of another town
				}
				if err != nil {
					return nil, err
				}
				if err := a.ReplaceRefused(old, running); err != nil {
					return nil, err
				}
				a.Since = old.Since
				at = append(at, old.Village)
				replaced++
			} else {
				added++
			}
			if err := putEncoded(b, []byte(a.Code), a, encodeArea); err != nil {
				return nil, err
			}
			at = append(at, a.Village)
		}
		if added+replaced == 0 {
			return nil, nil
		}
		what := fmt.Sprintf("patrol areas: %d added, %d replaced", added, replaced)
		whatZh := fmt.Sprintf("巡护区：新增 %d 个，更新 %d 个", added, replaced)
		return []model.Event{{At: now, Actor: actor.ID, ActorName: model.ActorName(actor), Action: model.ActImport, Node: model.Over(at),
			Note: joinNote(note, "; ", what), NoteZh: joinNote(note, "；", whatZh)}}, nil
	})
	if err != nil {
		return 0, 0, err
	}
	return added, replaced, nil
}

// Areas lists the patrol areas in code order.
func (s *DB) Areas(ctx context.Context) ([]model.PatrolArea, error) {
	return viewOf(ctx, s, s.areas)
}

func (s *DB) areas(tx *bolt.Tx) ([]model.PatrolArea, error) {
	return decodeAll(tx.Bucket(bucketPatrolAreas), func(k, v []byte) (model.PatrolArea, error) {
		return decodeArea(k, v, s.opts.Location)
	})
}

// patrolOnce runs a patrol write under an Idempotency-Key: a retry is
// answered with the patrol as it stands (dup true) and changes nothing.
// kind and fields identify the request for the key's hash.
func (s *DB) patrolOnce(ctx context.Context, by model.PersonID, key string, kind byte, fields []string,
	fn func(tx *bolt.Tx, now time.Time) (model.Patrol, []model.Event, error)) (model.Patrol, bool, error) {
	if key != "" {
		if err := model.ValidIdempotencyKey(key); err != nil {
			return model.Patrol{}, false, err
		}
	}
	sum := hashFields(append([]string{string(kind)}, fields...)...)
	ik := patrolIdemKey(by, kind, key)
	var out model.Patrol
	var dup bool
	_, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		out, dup = model.Patrol{}, false
		if key != "" {
			seq, err := idemSeen(tx, ik, sum, key)
			if err != nil {
				return nil, err
			}
			if seq != 0 {
				out, dup = model.Patrol{}, true
				out, err = s.getPatrol(tx, seq)
				return nil, err
			}
		}
		p, evs, err := fn(tx, now)
		if err != nil {
			return nil, err
		}
		if err := putPatrol(tx, p); err != nil {
			return nil, err
		}
		if key != "" {
			if err := tx.Bucket(bucketPatrolIdem).Put(ik, idemValue(p.Seq, sum)); err != nil {
				return nil, err
			}
		}
		out = p
		return evs, nil
	})
	if err != nil {
		return model.Patrol{}, false, err
	}
	return out, dup, nil
}

// StartPatrol starts a patrol of area by by.
func (s *DB) StartPatrol(ctx context.Context, area string, by model.PersonID, key string) (model.Patrol, bool, error) {
	code, err := model.ParseAreaCode(area)
	if err != nil {
		return model.Patrol{}, false, err
	}
	return s.patrolOnce(ctx, by, key, idemStart, []string{code}, func(tx *bolt.Tx, now time.Time) (model.Patrol, []model.Event, error) {
		a, err := getArea(tx, code, s.opts.Location)
		if err == nil {
			err = fedPatrolCopy(tx, "patrol area", "巡护区", a.Code, a.Village)
		}
		if err != nil {
			return model.Patrol{}, nil, err
		}
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return model.Patrol{}, nil, err
		}
		if !a.MayPatrol(actor) {
			return model.Patrol{}, nil, refusePatrol(tx, a, actor)
		}
		active, err := s.activePatrols(tx)
		if err != nil {
			return model.Patrol{}, nil, err
		}
		seq, err := tx.Bucket(bucketPatrols).NextSequence()
		if err != nil {
			return model.Patrol{}, nil, err
		}
		p, ev, err := model.StartPatrol(a, seq, actor, active, now)
		if err != nil {
			return p, nil, err
		}
		// The watchdog looks at the patroller a silence after the start.
		return p, []model.Event{ev}, lowerWatchNext(tx, p.SilenceDue(s.opts.Policy.Patrol.Silence))
	})
}

// patrolNames names the people and places of a patrol's refusals
// (model.PatrolNames), each read from tx as a refusal asks for it.
func patrolNames(tx *bolt.Tx) model.PatrolNames {
	return model.PatrolNames{Nodes: nodeNames(tx), People: func(id model.PersonID) string {
		p, err := getPerson(tx, id)
		if err != nil {
			return ""
		}
		return p.Name
	}}
}

// refusePatrol is the refusal of actor patrolling a (model.PatrolArea.
// RefusePatrol), its patroller and places named: the field API's 403 for
// an area not the token holder's.
func refusePatrol(tx *bolt.Tx, a model.PatrolArea, actor model.Person) error {
	name := ""
	if p, err := getPerson(tx, a.Patroller); err == nil {
		name = p.Name
	}
	return a.RefusePatrol(actor, name, nodeNames(tx))
}

// CheckIn records a check-in of the patrol at a checkpoint.
func (s *DB) PatrolCheckIn(ctx context.Context, patrol, checkpoint string, loc *model.LatLon, by model.PersonID, key string) (model.Patrol, bool, error) {
	return s.onPatrol(ctx, patrol, by, key, idemCheckIn, []string{checkpoint, floatField(loc)}, false,
		func(tx *bolt.Tx, p model.Patrol, a model.PatrolArea, actor model.Person, now time.Time) (model.Patrol, model.Event, error) {
			return p.CheckIn(a, checkpoint, loc, actor, now, s.opts.Policy.Patrol.CompleteShare, patrolNames(tx))
		})
}

// EndPatrol ends the patrol.
func (s *DB) EndPatrol(ctx context.Context, patrol string, by model.PersonID, key string) (model.Patrol, bool, error) {
	return s.onPatrol(ctx, patrol, by, key, idemEnd, nil, true,
		func(tx *bolt.Tx, p model.Patrol, a model.PatrolArea, actor model.Person, now time.Time) (model.Patrol, model.Event, error) {
			return p.End(a, actor, now, patrolNames(tx))
		})
}

// onPatrol runs a step of a running patrol (a check-in, the end) as by,
// under patrolOnce (fields after the patrol's number identify the request):
// it loads the patrol, its area and the actor, applies step, and hears the
// patroller (ends says the step ends the patrol).
func (s *DB) onPatrol(ctx context.Context, patrol string, by model.PersonID, key string, kind byte, fields []string, ends bool,
	step func(tx *bolt.Tx, p model.Patrol, a model.PatrolArea, actor model.Person, now time.Time) (model.Patrol, model.Event, error)) (model.Patrol, bool, error) {
	seq, err := model.ParsePatrolID(patrol)
	if err != nil {
		return model.Patrol{}, false, err
	}
	fields = append([]string{strconv.FormatUint(seq, 10)}, fields...)
	return s.patrolOnce(ctx, by, key, kind, fields, func(tx *bolt.Tx, now time.Time) (model.Patrol, []model.Event, error) {
		p, err := s.getPatrol(tx, seq)
		if err == nil {
			err = fedPatrolCopy(tx, "patrol", "巡护", p.ID, p.Village)
		}
		if err != nil {
			return p, nil, err
		}
		a, err := getArea(tx, p.Area, s.opts.Location)
		if err != nil {
			return p, nil, err
		}
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return p, nil, err
		}
		since := p.LastSeen()
		p, ev, err := step(tx, p, a, actor, now)
		if err != nil {
			return p, nil, err
		}
		evs, err := s.patrolHeard(tx, &p, ends, since, now)
		return p, append([]model.Event{ev}, evs...), err
	})
}

// Patrol returns one patrol.
func (s *DB) Patrol(ctx context.Context, id string) (model.Patrol, error) {
	return viewByID(ctx, s, id, model.ParsePatrolID, s.getPatrol)
}

// Patrols lists the patrols f selects, oldest first.
func (s *DB) Patrols(ctx context.Context, f model.PatrolFilter) ([]model.Patrol, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var err error
	if f.Area, err = parseSet(f.Area, model.ParseAreaCode); err != nil {
		return nil, err
	}
	var out []model.Patrol
	err = s.view(func(tx *bolt.Tx) error {
		var list []model.Patrol
		var err error
		if f.Active {
			list, err = s.activePatrols(tx)
		} else {
			list, err = s.patrolsSince(tx, f.Since)
		}
		for _, p := range list {
			if (f.Area == "" || p.Area == f.Area) && !p.Started.Before(f.Since) {
				out = append(out, p)
			}
		}
		return err
	})
	return out, err
}

// patrolsSince reads the patrols started at or after since, oldest first
// (numberedSince).
func (s *DB) patrolsSince(tx *bolt.Tx, since time.Time) ([]model.Patrol, error) {
	return numberedSince(tx.Bucket(bucketPatrols), since,
		func(k, v []byte) (model.Patrol, error) { return decodePatrol(getU64(k), v, s.opts.Location) },
		func(p model.Patrol) time.Time { return p.Started }, func(p model.Patrol) time.Time { return p.Arrived })
}

// numberedSince reads the records of b (patrols, findings) whose time (at:
// when a patrol started, a finding was found) is at or after since, oldest
// first, from the end of the bucket back: they are numbered in order of
// that time, and on a hub a federated town's copies in order of arrival
// (arrived; zero for the file's own), so the read goes back to the first
// numbered before since and keeps those of since.
func numberedSince[T any](b *bolt.Bucket, since time.Time, decode func(k, v []byte) (T, error), at, arrived func(T) time.Time) ([]T, error) {
	xs, err := newestSince(b, since, decode, func(x T) time.Time {
		if a := arrived(x); !a.IsZero() {
			return a
		}
		return at(x)
	})
	if err != nil {
		return nil, err
	}
	xs = slices.DeleteFunc(xs, func(x T) bool { return at(x).Before(since) })
	slices.SortStableFunc(xs, func(a, b T) int { return at(a).Compare(at(b)) })
	return xs, nil
}

// AddFinding puts a finding on the liaison's desk.
func (s *DB) AddFinding(ctx context.Context, r model.FindingReport, key string) (model.Finding, bool, error) {
	code, err := model.ParseAreaCode(r.Area)
	if err != nil {
		return model.Finding{}, false, err
	}
	r.Area = code
	if key != "" {
		if err := model.ValidIdempotencyKey(key); err != nil {
			return model.Finding{}, false, err
		}
	}
	sum := hashFields(string(idemFinding), code, r.Checkpoint, r.Category, r.Text, floatField(r.Loc), r.Photo)
	ik := patrolIdemKey(r.By, idemFinding, key)
	var out model.Finding
	var dup bool
	_, err = s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		out, dup = model.Finding{}, false
		if key != "" {
			seq, err := idemSeen(tx, ik, sum, key)
			if err != nil {
				return nil, err
			}
			if seq != 0 {
				dup = true
				out, err = s.getFinding(tx, seq)
				return nil, err
			}
		}
		a, err := getArea(tx, code, s.opts.Location)
		if err == nil {
			err = fedPatrolCopy(tx, "patrol area", "巡护区", a.Code, a.Village)
		}
		if err != nil {
			return nil, err
		}
		checked, err := r.Check(a, s.opts.Policy)
		if err != nil {
			return nil, err
		}
		actor, err := s.wc.actor(tx, r.By)
		if err != nil {
			return nil, err
		}
		if !a.MayPatrol(actor) {
			return nil, refusePatrol(tx, a, actor)
		}
		seq, err := tx.Bucket(bucketFindings).NextSequence()
		if err != nil {
			return nil, err
		}
		f, ev, err := model.NewFinding(a, seq, checked, actor, now)
		if err != nil {
			return nil, err
		}
		if err := putFinding(tx, f, nil); err != nil {
			return nil, err
		}
		if key != "" {
			if err := tx.Bucket(bucketPatrolIdem).Put(ik, idemValue(f.Seq, sum)); err != nil {
				return nil, err
			}
		}
		out = f
		return []model.Event{ev}, nil
	})
	if err != nil {
		return model.Finding{}, false, err
	}
	return out, dup, nil
}

// Finding returns one finding with its incident's status.
func (s *DB) Finding(ctx context.Context, id string) (model.Finding, error) {
	return viewByID(ctx, s, id, model.ParseFindingID, s.getFinding)
}

// Findings lists the findings f selects, oldest first: those of f.Node's
// subtree (by their area's village) when it names one.
func (s *DB) Findings(ctx context.Context, f model.FindingFilter) ([]model.Finding, error) {
	return viewIn(ctx, s, f.Node, func(tx *bolt.Tx, root model.NodeCode) ([]model.Finding, error) {
		if f.Open {
			return s.waitingFindings(tx, root)
		}
		return s.findingsSince(tx, f.Since, root)
	})
}

// waitingFindings reads the findings on the desk of root's subtree ("" the
// whole file), oldest first, each with its incident's status (read only
// for those kept).
func (s *DB) waitingFindings(tx *bolt.Tx, root model.NodeCode) ([]model.Finding, error) {
	var out []model.Finding
	err := tx.Bucket(bucketIdxFindingsWaiting).ForEach(func(k, _ []byte) error {
		if len(k) != 16 {
			return fmt.Errorf("idx_findings_waiting: malformed key %x", k)
		}
		f, err := s.readFinding(tx, getU64(k[8:]))
		if err != nil || root != "" && !root.Contains(f.Village) {
			return err
		}
		if err := s.withIncidentStatus(tx, &f); err != nil {
			return err
		}
		out = append(out, f)
		return nil
	})
	return out, err
}

// findingsSince reads the findings of root's subtree ("" the whole file)
// found at or after since, oldest first (numberedSince), each with its
// incident's status (read only for those kept).
func (s *DB) findingsSince(tx *bolt.Tx, since time.Time, root model.NodeCode) ([]model.Finding, error) {
	fs, err := numberedSince(tx.Bucket(bucketFindings), since,
		func(k, v []byte) (model.Finding, error) { return decodeFinding(getU64(k), v, s.opts.Location) },
		func(f model.Finding) time.Time { return f.FoundAt }, func(f model.Finding) time.Time { return f.Arrived })
	if err != nil {
		return nil, err
	}
	fs = inSubtree(fs, root, findingVillage)
	for i := range fs {
		if err := s.withIncidentStatus(tx, &fs[i]); err != nil {
			return nil, err
		}
	}
	return fs, nil
}

// triage runs one of the desk's actions (act) on finding id, as by: a
// finding of another town than by's is refused first, named
// (model.Finding.Foreign).
func (s *DB) triage(ctx context.Context, id string, by model.PersonID, act model.Action,
	fn func(tx *bolt.Tx, now time.Time, f model.Finding, actor model.Person) (model.Finding, []model.Event, error)) (model.Finding, error) {
	seq, err := model.ParseFindingID(id)
	if err != nil {
		return model.Finding{}, err
	}
	var out model.Finding
	_, err = s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		out = model.Finding{}
		f, err := s.getFinding(tx, seq)
		if err == nil {
			err = fedPatrolCopy(tx, "finding", "巡护发现", f.ID, f.Village)
		}
		if err != nil {
			return nil, err
		}
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		if !actor.ActsIn(f.Village) {
			return nil, f.Foreign(actor, act, nodeNames(tx))
		}
		next, evs, err := fn(tx, now, f, actor)
		if err != nil {
			return nil, err
		}
		if err := putFinding(tx, next, &f); err != nil {
			return nil, err
		}
		out = next
		return evs, nil
	})
	if err != nil {
		return model.Finding{}, err
	}
	return out, nil
}

// finderName is the name of who found f, for the incident's text.
func finderName(tx *bolt.Tx, f model.Finding) string {
	p, err := getPerson(tx, f.By)
	if err != nil {
		return f.By.String()
	}
	return p.Name
}

// PassFinding files the finding as a new incident and marks it passed on.
func (s *DB) PassFinding(ctx context.Context, id string, node model.NodeCode, category string, sev model.Severity, by model.PersonID) (model.Finding, model.Incident, error) {
	code, err := model.ParseNodeCode(string(node))
	if err != nil {
		return model.Finding{}, model.Incident{}, err
	}
	if sev != 0 && (sev < model.SeverityI || sev > model.SeverityIV) {
		return model.Finding{}, model.Incident{}, model.Errorf(model.EINVALID, "severity: want I, II, III or IV").
			Zh("等级：应为 I、II、III 或 IV").On("severity")
	}
	var inc model.Incident
	f, err := s.triage(ctx, id, by, model.ActFindingPass, func(tx *bolt.Tx, now time.Time, f model.Finding, actor model.Person) (model.Finding, []model.Event, error) {
		inc = model.Incident{}
		r, err := f.PassReport(code, category, sev, actor, finderName(tx, f))
		if err != nil {
			return f, nil, err
		}
		c, err := r.Check(s.opts.Policy)
		if err != nil {
			return f, nil, err
		}
		filed, rev, err := s.fileReport(tx, now, c, nil)
		if err != nil {
			return f, nil, err
		}
		next, ev, err := f.Pass(filed, actor, now)
		if err != nil {
			return f, nil, err
		}
		inc = filed
		return next, []model.Event{f.PassedReport(rev, actor), ev}, nil
	})
	if err != nil {
		return model.Finding{}, model.Incident{}, err
	}
	return f, inc, nil
}

// MergeFinding puts the finding on the timeline of an open incident.
func (s *DB) MergeFinding(ctx context.Context, id, incident string, by model.PersonID) (model.Finding, error) {
	pid, err := model.ParseIncidentID(incident)
	if err != nil {
		return model.Finding{}, err
	}
	return s.triage(ctx, id, by, model.ActFindingMerge, func(tx *bolt.Tx, now time.Time, f model.Finding, actor model.Person) (model.Finding, []model.Event, error) {
		inc, err := s.incidentByID(tx, pid)
		if err != nil {
			return f, nil, err
		}
		next, ev, err := f.Merge(inc, actor, now)
		return next, []model.Event{ev}, err
	})
}

// CloseFinding closes the finding as needing no action.
func (s *DB) CloseFinding(ctx context.Context, id, reason string, by model.PersonID) (model.Finding, error) {
	return s.triage(ctx, id, by, model.ActFindingClose, func(tx *bolt.Tx, now time.Time, f model.Finding, actor model.Person) (model.Finding, []model.Event, error) {
		next, ev, err := f.Close(reason, actor, now)
		return next, []model.Event{ev}, err
	})
}

// findingsDue reports whether a finding on the desk is past its triage
// deadline at now. On a hub, a federated town's findings on the desk are
// the town's to climb and pass the sweep by (they leave the desk when the
// town's record of their climb comes).
func (s *DB) findingsDue(tx *bolt.Tx, now time.Time) bool {
	b := tx.Bucket(bucketIdxFindingsWaiting)
	if b == nil {
		return false
	}
	limit := now.Add(-s.opts.Policy.Patrol.TriageDeadline).UnixNano()
	c := b.Cursor()
	for k, _ := c.First(); len(k) == 16 && int64(getU64(k)) <= limit; k, _ = c.Next() {
		if !s.fedFinding(tx, getU64(k[8:])) {
			return true
		}
	}
	return false
}

// sweepFindings climbs every finding still on the desk at its triage
// deadline to the town room's queue (model.EscalateFinding): an incident at
// the town tier, reported by the system, source patrol.
func (s *DB) sweepFindings(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
	limit := now.Add(-s.opts.Policy.Patrol.TriageDeadline).UnixNano()
	var due []uint64
	c := tx.Bucket(bucketIdxFindingsWaiting).Cursor()
	for k, _ := c.First(); k != nil && len(k) == 16 && int64(getU64(k)) <= limit; k, _ = c.Next() {
		due = append(due, getU64(k[8:]))
	}
	var evs []model.Event
	for _, seq := range due {
		f, err := s.getFinding(tx, seq)
		if err != nil {
			return nil, err
		}
		if fedCopyOf(tx, f.Village) {
			continue // a federated town's: the town climbs it
		}
		r := f.EscalationReport(finderName(tx, f))
		p, err := s.policyAt(tx, r.Node) // its own town's wartime scales the new incident's clocks
		if err != nil {
			return nil, err
		}
		if _, ok := p.Categories[model.Category(r.Category)]; !ok {
			r.Category = sortedCategory(p) // the category left the config since
		}
		checked, err := r.Check(p)
		if err != nil {
			return nil, err
		}
		iseq, err := s.wt.buckets.incidents.NextSequence()
		if err != nil {
			return nil, err
		}
		prefix, err := s.idPrefix(tx, r.Node)
		if err != nil {
			return nil, err
		}
		id, err := s.wt.nextID(tx, prefix, now.In(s.opts.Location))
		if err != nil {
			return nil, err
		}
		inc, rep, err := checked.Incident(iseq, id, model.Person{ID: model.System}, now, p)
		if err != nil {
			return nil, err
		}
		next, inc, fevs, ok := model.EscalateFinding(f, inc, rep, now, p)
		if !ok {
			return nil, fmt.Errorf("finding %s: due in idx_findings_waiting, not by the rule", f.ID)
		}
		if err := saveIncident(s.wt.buckets, inc, nil, nil); err != nil {
			return nil, err
		}
		if err := putFinding(tx, next, &f); err != nil {
			return nil, err
		}
		evs = append(evs, fevs...)
	}
	return evs, nil
}

// sortedCategory is the policy's first category by name.
func sortedCategory(p model.Policy) string {
	var names []string
	for c := range p.Categories {
		names = append(names, string(c))
	}
	sort.Strings(names)
	return names[0]
}

// AddRotation stores a joint rotation.
func (s *DB) AddRotation(ctx context.Context, r model.JointRotation, by model.PersonID, note string) (model.JointRotation, error) {
	r.Start = r.Start.In(s.opts.Location)
	r, err := r.Clean()
	if err != nil {
		return model.JointRotation{}, err
	}
	note, err = model.CleanText(note, false)
	if err != nil {
		return model.JointRotation{}, model.Errorf(model.EINVALID, "note: invalid UTF-8").Zh("备注：不是有效的 UTF-8").On("note")
	}
	var out model.JointRotation
	_, err = s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		if err := fedRotationCopy(tx, r, r.Name); err != nil {
			return nil, err
		}
		for _, g := range r.Groups {
			for _, c := range g {
				if !hasNode(tx, c) {
					return nil, model.Errorf(model.ENOTFOUND, "rotation %s: no grid %s in the tower", r.Name, c).
						Zh("轮值 %s：网格塔中没有网格 %s", r.Name, c).On("groups")
				}
				if !actor.ActsIn(c) {
					return nil, model.ForeignAct(actor, "set rotation "+r.Name, "安排轮值 "+r.Name, c, nodeNames(tx)).On("groups")
				}
			}
		}
		stored, err := s.rotations(tx)
		if err != nil {
			return nil, err
		}
		if err := r.Duplicates(stored); err != nil {
			return nil, err
		}
		seq, err := tx.Bucket(bucketRotations).NextSequence()
		if err != nil {
			return nil, err
		}
		out = r
		out.Seq, out.ID = seq, model.FormatRotationID(seq)
		if err := putEncoded(tx.Bucket(bucketRotations), u64(seq), out, encodeRotation); err != nil {
			return nil, err
		}
		what := fmt.Sprintf("rotation %s %s: %s, %s from %s", out.ID, out.Name, out.Activity, model.Count(len(out.Groups), "group"), out.Start.Format("2006-01-02"))
		whatZh := fmt.Sprintf("轮值 %s %s：%s，%d 个组，自 %s 起", out.ID, out.Name, out.Activity.Zh(), len(out.Groups), out.Start.Format("2006-01-02"))
		return []model.Event{{At: now, Actor: actor.ID, ActorName: model.ActorName(actor), Action: model.ActImport, Ref: out.ID,
			Node: model.Over(slices.Concat(out.Groups...)), Note: joinNote(note, "; ", what), NoteZh: joinNote(note, "；", whatZh)}}, nil
	})
	if err != nil {
		return model.JointRotation{}, err
	}
	return out, nil
}

// Rotations lists the rotations in order of creation.
func (s *DB) Rotations(ctx context.Context) ([]model.JointRotation, error) {
	return viewOf(ctx, s, s.rotations)
}

func (s *DB) rotations(tx *bolt.Tx) ([]model.JointRotation, error) {
	return decodeAll(tx.Bucket(bucketRotations), func(k, v []byte) (model.JointRotation, error) {
		return decodeRotation(getU64(k), v, s.opts.Location)
	})
}

// RotationReport records an activity report of the rotation's group on
// duty.
func (s *DB) RotationReport(ctx context.Context, id, text string, by model.PersonID) (model.Event, error) {
	seq, err := model.ParseRotationID(id)
	if err != nil {
		return model.Event{}, err
	}
	evs, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		r, err := s.getRotation(tx, seq)
		if err != nil {
			return nil, err
		}
		if err := fedRotationCopy(tx, r, r.ID); err != nil {
			return nil, err
		}
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		ev, err := r.Report(text, actor, now)
		if err != nil {
			return nil, err
		}
		b := tx.Bucket(bucketRotationReports)
		day, _ := r.ReportDay(now)
		if err := r.Repeated(actor, s.reportedSince(b, seq, actor.ID, day)); err != nil {
			return nil, err
		}
		n, err := b.NextSequence()
		if err != nil {
			return nil, err
		}
		k := binary.BigEndian.AppendUint64(pairKey(seq, uint64(max(now.UnixNano(), 0))), n)
		if err := b.Put(k, u64(uint64(actor.ID))); err != nil {
			return nil, err
		}
		return []model.Event{ev}, nil
	})
	if err != nil {
		return model.Event{}, err
	}
	return evs[0], nil
}

// reportedSince is when person last reported the rotation seq at or after
// from, zero if they did not (an entry written before the reporter was
// kept, an empty value, names nobody).
func (s *DB) reportedSince(b *bolt.Bucket, seq uint64, person model.PersonID, from time.Time) time.Time {
	var last time.Time
	prefix := u64(seq)
	c := b.Cursor()
	for k, v := c.Seek(pairKey(seq, uint64(max(from.UnixNano(), 0)))); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(k) == 24 && len(v) == 8 && model.PersonID(getU64(v)) == person {
			last = fromNanos(int64(getU64(k[8:16])), s.opts.Location)
		}
	}
	return last
}

// rotationReports counts each rotation's activity reports in [from, to).
func rotationReports(tx *bolt.Tx, rs []model.JointRotation, from, to time.Time) map[string]int {
	out := map[string]int{}
	c := tx.Bucket(bucketRotationReports).Cursor()
	for _, r := range rs {
		lo, hi := pairKey(r.Seq, uint64(max(from.UnixNano(), 0))), pairKey(r.Seq, uint64(max(to.UnixNano(), 0)))
		for k, _ := c.Seek(lo); k != nil && bytes.Compare(k, hi) < 0; k, _ = c.Next() {
			out[r.ID]++
		}
	}
	return out
}

// patrollers lists the patrollers on the roster in root's subtree ("" the
// whole file): those at each of its towns' nodes, and any one of areas is
// assigned to.
func patrollers(tx *bolt.Tx, root model.NodeCode, areas []model.PatrolArea) ([]model.Person, error) {
	ids := map[uint64]bool{}
	c := tx.Bucket(bucketNodes).Cursor()
	for k, _ := c.Seek([]byte(root)); k != nil && bytes.HasPrefix(k, []byte(root)); {
		if len(k) < 9 { // a county's (or city's, province's) node: its towns follow
			k, _ = c.Next()
			continue
		}
		town := model.NodeCode(k[:9])
		if len(k) == 9 {
			for _, id := range peopleIn(tx, town, true) {
				ids[id] = true
			}
		}
		k, _ = c.Seek(append([]byte(town), 0xff)) // past the town's subtree
	}
	for _, a := range areas {
		if a.Patroller != 0 {
			ids[uint64(a.Patroller)] = true
		}
	}
	var out []model.Person
	for id := range ids {
		p, err := getPerson(tx, model.PersonID(id))
		if err != nil {
			return nil, err
		}
		if p.Has(model.RolePatroller) {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// inSubtree keeps the xs whose node (at) lies in root's subtree; all of them
// for root "".
func inSubtree[T any](xs []T, root model.NodeCode, at func(T) model.NodeCode) []T {
	if root == "" {
		return xs
	}
	return slices.DeleteFunc(xs, func(x T) bool { return !root.Contains(at(x)) })
}

// PatrolBoard is the day's board at the store's clock, of node's subtree
// ("" the whole file).
func (s *DB) PatrolBoard(ctx context.Context, day time.Time, node model.NodeCode) (model.PatrolBoard, error) {
	asOf := s.clock()
	if day.IsZero() {
		day = asOf
	}
	day = day.In(s.opts.Location)
	y, m, d := day.Date()
	d0 := time.Date(y, m, d, 0, 0, 0, 0, s.opts.Location)
	return viewIn(ctx, s, node, func(tx *bolt.Tx, root model.NodeCode) (model.PatrolBoard, error) {
		in, err := s.boardInput(tx, d0, asOf, root)
		if err != nil {
			return model.PatrolBoard{}, err
		}
		return model.BuildBoard(in, s.opts.Policy.Patrol), nil
	})
}

// boardInput reads the records of the board of day d0 at asOf, of root's
// subtree: the areas whose village lies in it, their patrols and findings,
// its patrollers (patrollers) and the rotations over one of its grids.
func (s *DB) boardInput(tx *bolt.Tx, d0, asOf time.Time, root model.NodeCode) (model.BoardInput, error) {
	in := model.BoardInput{Day: d0, AsOf: asOf}
	areas, err := s.areas(tx)
	if err != nil {
		return in, err
	}
	in.Areas = inSubtree(areas, root, func(a model.PatrolArea) model.NodeCode { return a.Village })
	// Patrols that may complete in a window ending on the day, or in the
	// one before it (whether the area is behind): two of the longest
	// period back, and a day more for a patrol that began before its
	// window.
	longest := 24 * time.Hour
	for _, a := range in.Areas {
		longest = max(longest, a.Every)
	}
	patrols, err := s.patrolsSince(tx, d0.Add(-2*longest-24*time.Hour))
	if err != nil {
		return in, err
	}
	in.Patrols = inSubtree(patrols, root, func(p model.Patrol) model.NodeCode { return p.Village })
	if in.Findings, err = s.boardFindings(tx, d0, root); err != nil {
		return in, err
	}
	if in.Patrollers, err = patrollers(tx, root, in.Areas); err != nil {
		return in, err
	}
	rotations, err := s.rotations(tx)
	if err != nil {
		return in, err
	}
	in.Rotations = slices.DeleteFunc(rotations, func(r model.JointRotation) bool {
		return root != "" && !slices.ContainsFunc(slices.Concat(r.Groups...), root.Contains)
	})
	in.Reports = rotationReports(tx, in.Rotations, d0, d0.AddDate(0, 0, 1))
	return in, nil
}

func findingVillage(f model.Finding) model.NodeCode { return f.Village }

// boardFindings are the findings of root's subtree a board of day d0
// reads: those found from 14 days before it on, and every one still
// waiting.
func (s *DB) boardFindings(tx *bolt.Tx, d0 time.Time, root model.NodeCode) ([]model.Finding, error) {
	fs, err := s.findingsSince(tx, d0.AddDate(0, 0, -14), root)
	if err != nil {
		return nil, err
	}
	waiting, err := s.waitingFindings(tx, root)
	if err != nil {
		return nil, err
	}
	have := map[uint64]bool{}
	for _, f := range fs {
		have[f.Seq] = true
	}
	for _, f := range waiting {
		if !have[f.Seq] {
			fs = append(fs, f)
		}
	}
	return fs, nil
}
