package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	"gridcmd/model"
)

// Bucket names (see the package comment for their keys).
var (
	bucketMeta           = []byte("meta")
	bucketNodes          = []byte("nodes")
	bucketPeople         = []byte("people")
	bucketPeopleByNode   = []byte("people_by_node")
	bucketIncidents      = []byte("incidents")
	bucketIncidentIDs    = []byte("incident_ids")
	bucketIdxOpen        = []byte("idx_open")
	bucketIdxDue         = []byte("idx_due")
	bucketIdxNode        = []byte("idx_node")
	bucketEvents         = []byte("events")
	bucketIncidentEvents = []byte("idx_incident_events")
)

// Keys in meta.
var (
	metaSchema    = []byte("schema")
	metaDayPrefix = "day/"
)

// tierCodes and statusCodes are the bytes of idx_open keys. They are part of
// the file format: append, never renumber.
var (
	tierCodes = map[model.Tier]byte{
		model.TierGrid: 0, model.TierVillage: 1, model.TierTown: 2, model.TierTaskForce: 3,
	}
	statusCodes = map[model.Status]byte{
		model.StatusReported: 1, model.StatusAcknowledged: 2, model.StatusDispatched: 3,
		model.StatusResolved: 4, model.StatusClosed: 5,
	}
)

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func getU64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

// nanos and fromNanos store times as Unix nanoseconds, 0 for a zero time.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64, loc *time.Location) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).In(loc)
}

// openKey is an open incident's idx_open key.
func openKey(inc model.Incident) ([]byte, error) {
	t, ok := tierCodes[inc.Tier]
	if !ok {
		return nil, fmt.Errorf("incident %s: unknown tier %q", inc.ID, inc.Tier)
	}
	s, ok := statusCodes[inc.Status]
	if !ok {
		return nil, fmt.Errorf("incident %s: unknown status %q", inc.ID, inc.Status)
	}
	k := make([]byte, 10)
	k[0], k[1] = t, s
	binary.BigEndian.PutUint64(k[2:], inc.Seq)
	return k, nil
}

// dueKey is the idx_due key for a check at t (clamped at the epoch).
func dueKey(t time.Time, seq uint64) []byte {
	k := make([]byte, 16)
	n := t.UnixNano()
	if n < 0 {
		n = 0
	}
	binary.BigEndian.PutUint64(k, uint64(n))
	binary.BigEndian.PutUint64(k[8:], seq)
	return k
}

// codeKey is code 0x00 u64: the key of idx_node and people_by_node.
func codeKey(code model.NodeCode, id uint64) []byte {
	k := make([]byte, len(code)+9)
	copy(k, code)
	k[len(code)] = 0
	binary.BigEndian.PutUint64(k[len(code)+1:], id)
	return k
}

// exactPrefix is the prefix of the codeKey entries of code itself.
func exactPrefix(code model.NodeCode) []byte {
	return append([]byte(code), 0)
}

// splitCodeKey returns the code and the id of a codeKey.
func splitCodeKey(k []byte) (model.NodeCode, uint64, bool) {
	if len(k) < 9 || k[len(k)-9] != 0 {
		return "", 0, false
	}
	return model.NodeCode(k[:len(k)-9]), getU64(k[len(k)-8:]), true
}

func pairKey(a, b uint64) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, a)
	binary.BigEndian.PutUint64(k[8:], b)
	return k
}

// incidentRecord is the stored form of model.Incident; the key is its Seq.
type incidentRecord struct {
	ID           string `json:"id"`
	Title        string `json:"title"`
	Text         string `json:"text,omitempty"`
	Category     string `json:"category"`
	Platform     string `json:"platform"`
	Severity     int    `json:"severity"`
	Node         string `json:"node"`
	Reporter     uint64 `json:"reporter"`
	Source       string `json:"source"`
	Tier         string `json:"tier"`
	Status       string `json:"status"`
	Department   string `json:"department,omitempty"`
	ReportedAt   int64  `json:"reported_at"`
	TierSince    int64  `json:"tier_since"`
	AckBy        int64  `json:"ack_by,omitempty"`
	DueBy        int64  `json:"due_by,omitempty"`
	AckedAt      int64  `json:"acked_at,omitempty"`
	DispatchedAt int64  `json:"dispatched_at,omitempty"`
	ResolvedAt   int64  `json:"resolved_at,omitempty"`
	ClosedAt     int64  `json:"closed_at,omitempty"`
	Supervised   bool   `json:"supervised,omitempty"`
	Escalations  int    `json:"escalations,omitempty"`
}

func encodeIncident(i model.Incident) ([]byte, error) {
	return json.Marshal(incidentRecord{
		ID: i.ID, Title: i.Title, Text: i.Text, Category: string(i.Category),
		Platform: string(i.Platform), Severity: int(i.Severity), Node: string(i.Node),
		Reporter: uint64(i.Reporter), Source: string(i.Source), Tier: string(i.Tier),
		Status: string(i.Status), Department: i.Department,
		ReportedAt: nanos(i.ReportedAt), TierSince: nanos(i.TierSince), AckBy: nanos(i.AckBy),
		DueBy: nanos(i.DueBy), AckedAt: nanos(i.AckedAt), DispatchedAt: nanos(i.DispatchedAt),
		ResolvedAt: nanos(i.ResolvedAt), ClosedAt: nanos(i.ClosedAt),
		Supervised: i.Supervised, Escalations: i.Escalations,
	})
}

func decodeIncident(seq uint64, v []byte, loc *time.Location) (model.Incident, error) {
	var r incidentRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return model.Incident{}, fmt.Errorf("incident seq %d: %w", seq, err)
	}
	return model.Incident{
		Seq: seq, ID: r.ID, Title: r.Title, Text: r.Text, Category: model.Category(r.Category),
		Platform: model.Platform(r.Platform), Severity: model.Severity(r.Severity),
		Node: model.NodeCode(r.Node), Reporter: model.PersonID(r.Reporter),
		Source: model.Source(r.Source), Tier: model.Tier(r.Tier), Status: model.Status(r.Status),
		Department: r.Department,
		ReportedAt: fromNanos(r.ReportedAt, loc), TierSince: fromNanos(r.TierSince, loc),
		AckBy: fromNanos(r.AckBy, loc), DueBy: fromNanos(r.DueBy, loc),
		AckedAt: fromNanos(r.AckedAt, loc), DispatchedAt: fromNanos(r.DispatchedAt, loc),
		ResolvedAt: fromNanos(r.ResolvedAt, loc), ClosedAt: fromNanos(r.ClosedAt, loc),
		Supervised: r.Supervised, Escalations: r.Escalations,
	}, nil
}

// nodeRecord is the stored form of model.Node; the key is its code, and its
// level and parent follow from the code.
type nodeRecord struct {
	Name       string   `json:"name"`
	Official   string   `json:"official,omitempty"`
	Households int      `json:"households,omitempty"`
	Tags       []string `json:"tags,omitempty"`
}

func encodeNode(n model.Node) ([]byte, error) {
	return json.Marshal(nodeRecord{Name: n.Name, Official: n.Official, Households: n.Households, Tags: n.Tags})
}

func decodeNode(code []byte, v []byte) (model.Node, error) {
	var r nodeRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return model.Node{}, fmt.Errorf("node %s: %w", code, err)
	}
	c := model.NodeCode(code)
	return model.Node{
		Code: c, Level: c.Level(), Name: r.Name, Official: r.Official, Parent: c.Parent(),
		Households: r.Households, Tags: r.Tags,
	}, nil
}

// personRecord is the stored form of model.Person; the key is its ID.
type personRecord struct {
	Name    string   `json:"name"`
	Phone   string   `json:"phone"`
	Node    string   `json:"node"`
	Roles   []string `json:"roles"`
	Reserve string   `json:"reserve,omitempty"`
	OnDuty  bool     `json:"on_duty,omitempty"`
}

func encodePerson(p model.Person) ([]byte, error) {
	roles := make([]string, len(p.Roles))
	for i, r := range p.Roles {
		roles[i] = string(r)
	}
	return json.Marshal(personRecord{
		Name: p.Name, Phone: p.Phone, Node: string(p.Node), Roles: roles,
		Reserve: string(p.Reserve), OnDuty: p.OnDuty,
	})
}

func decodePerson(id uint64, v []byte) (model.Person, error) {
	var r personRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return model.Person{}, fmt.Errorf("person P%d: %w", id, err)
	}
	roles := make([]model.Role, len(r.Roles))
	for i, s := range r.Roles {
		roles[i] = model.Role(s)
	}
	return model.Person{
		ID: model.PersonID(id), Name: r.Name, Phone: r.Phone, Node: model.NodeCode(r.Node),
		Roles: roles, Reserve: model.ReserveKind(r.Reserve), OnDuty: r.OnDuty,
	}, nil
}

// stateRecord is the stored form of model.State.
type stateRecord struct {
	Tier   string `json:"tier,omitempty"`
	Status string `json:"status,omitempty"`
}

// eventRecord is the stored form of model.Event; the key is its Seq.
type eventRecord struct {
	At          int64       `json:"at"`
	Actor       uint64      `json:"actor"`
	ActorName   string      `json:"actor_name,omitempty"`
	Action      string      `json:"action"`
	Incident    string      `json:"incident,omitempty"`
	IncidentSeq uint64      `json:"incident_seq,omitempty"`
	Node        string      `json:"node,omitempty"`
	Before      stateRecord `json:"before"`
	After       stateRecord `json:"after"`
	Note        string      `json:"note,omitempty"`
}

func encodeEvent(e model.Event) ([]byte, error) {
	return json.Marshal(eventRecord{
		At: nanos(e.At), Actor: uint64(e.Actor), ActorName: e.ActorName, Action: string(e.Action),
		Incident: e.Incident, IncidentSeq: e.IncidentSeq, Node: string(e.Node),
		Before: stateRecord{Tier: string(e.Before.Tier), Status: string(e.Before.Status)},
		After:  stateRecord{Tier: string(e.After.Tier), Status: string(e.After.Status)},
		Note:   e.Note,
	})
}

func decodeEvent(seq uint64, v []byte, loc *time.Location) (model.Event, error) {
	var r eventRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return model.Event{}, fmt.Errorf("event %d: %w", seq, err)
	}
	return model.Event{
		Seq: seq, At: fromNanos(r.At, loc), Actor: model.PersonID(r.Actor), ActorName: r.ActorName,
		Action: model.Action(r.Action), Incident: r.Incident, IncidentSeq: r.IncidentSeq,
		Node:   model.NodeCode(r.Node),
		Before: model.State{Tier: model.Tier(r.Before.Tier), Status: model.Status(r.Before.Status)},
		After:  model.State{Tier: model.Tier(r.After.Tier), Status: model.Status(r.After.Status)},
		Note:   r.Note,
	}, nil
}
