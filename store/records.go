package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gridcmd/model"
)

// bucketIncidentIDsUnread holds old incident_ids entries migration 5 could
// not read or place; absent if there were none.
var bucketIncidentIDsUnread = []byte("incident_ids_v4_unread")

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

	// Wartime (schema 2).
	bucketWtActivations     = []byte("wt_activations")
	bucketWtUnits           = []byte("wt_units")
	bucketWtDrafts          = []byte("wt_drafts")
	bucketWtAfter           = []byte("wt_after")
	bucketDirectives        = []byte("directives")
	bucketDirectiveUnits    = []byte("directive_units")
	bucketIdxDirDue         = []byte("idx_dir_due")
	bucketIdxUnitDirectives = []byte("idx_unit_directives")

	// Field intake (schema 3).
	bucketTokens         = []byte("tokens")
	bucketTokensByPerson = []byte("tokens_by_person")
	bucketIdempotency    = []byte("idempotency")
	bucketAlerts         = []byte("alerts")
	bucketIdxAlertSource = []byte("idx_alert_source")

	// SSH seats (schema 8).
	bucketSSHKeys         = []byte("ssh_keys")
	bucketSSHKeysByPerson = []byte("ssh_keys_by_person")

	// The command room's figures (schema 13).
	bucketIdxEscalations = []byte("idx_escalations")
	bucketIdxPassOn      = []byte("idx_pass_on")
)

// Keys in meta.
var (
	metaSchema    = []byte("schema")
	metaDayPrefix = "day/"
	// metaWtActivePrefix and a town's code: u64 seq of the town's active
	// wartime activation, absent in peacetime (schema 10; before, one key
	// "wt/active" for the file).
	metaWtActivePrefix = "wt/active/"
	// metaRosterRev: u64 bumped by every write of a person (putPerson,
	// savePerson), so that an import planned on a read of the roster
	// writes only while it stands (ImportRoster); absent, 0.
	metaRosterRev = []byte("roster/rev")
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

func appendOpenKey(b []byte, inc model.Incident) ([]byte, error) {
	t, ok := tierCodes[inc.Tier]
	if !ok {
		return nil, fmt.Errorf("incident %s: unknown tier %q", inc.ID, inc.Tier)
	}
	s, ok := statusCodes[inc.Status]
	if !ok {
		return nil, fmt.Errorf("incident %s: unknown status %q", inc.ID, inc.Status)
	}
	return binary.BigEndian.AppendUint64(append(b, t, s), inc.Seq), nil
}

// dueKey is the idx_due key for a check at t (clamped at the epoch).
func dueKey(t time.Time, seq uint64) []byte {
	return appendDueKey(make([]byte, 0, 16), t, seq)
}

func appendDueKey(b []byte, t time.Time, seq uint64) []byte {
	n := t.UnixNano()
	if n < 0 {
		n = 0
	}
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(b, uint64(n)), seq)
}

// codeKey is code 0x00 u64: the key of idx_node and people_by_node.
func codeKey(code model.NodeCode, id uint64) []byte {
	return appendCodeKey(make([]byte, 0, len(code)+9), code, id)
}

func appendCodeKey(b []byte, code model.NodeCode, id uint64) []byte {
	return binary.BigEndian.AppendUint64(append(append(b, code...), 0), id)
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

// nodeBlockShift groups idx_node keys by blocks of 256 incident seqs.
// Part of the file format since schema 4.
const nodeBlockShift = 8

// appendNodeKey appends an idx_node key: u64 block (seq >> 8), code, 0x00,
// u64 seq. New incidents' entries then share the last block's few leaf
// pages, whatever node they are at, instead of landing on one page per
// node (a commit of reports from thirty micro-grids wrote thirty leaves);
// a node's incidents are found with one seek per block.
func appendNodeKey(b []byte, code model.NodeCode, seq uint64) []byte {
	b = binary.BigEndian.AppendUint64(b, seq>>nodeBlockShift)
	return appendCodeKey(b, code, seq)
}

// idKey is the incident_ids key of a public id "HJ-20261129-0001": the
// local date (8 ASCII digits), the daily number (u64) and the prefix, so
// that a day's ids sort by number (…-10000 after …-9999) and every new one
// goes at the end of the bucket. ok is false for anything but an id as
// incidentID writes it (no extra leading zeros).
func idKey(id string) (key []byte, ok bool) {
	dash := strings.IndexByte(id, '-')
	if dash < 1 || len(id) < dash+1+8+1+4 || id[dash+9] != '-' {
		return nil, false
	}
	prefix, date, num := id[:dash], id[dash+1:dash+9], id[dash+10:]
	n, err := strconv.ParseUint(num, 10, 64)
	// As incidentID writes it: four digits, or more with no leading zero.
	if err != nil || n == 0 || len(num) > 4 && num[0] == '0' {
		return nil, false
	}
	for i := 0; i < len(date); i++ {
		if date[i] < '0' || date[i] > '9' {
			return nil, false
		}
	}
	return appendIDKey(make([]byte, 0, 16+len(prefix)), date, n, prefix), true
}

// appendIDKey appends the incident_ids key of (date, n, prefix); with an
// empty prefix it is the first key of number n that day.
func appendIDKey(b []byte, date string, n uint64, prefix string) []byte {
	b = append(b, date...)
	b = binary.BigEndian.AppendUint64(b, n)
	return append(b, prefix...)
}

// idOfKey is the public id an incident_ids key stands for, for messages.
func idOfKey(k []byte) string {
	if !wellFormedIDKey(k) {
		return fmt.Sprintf("malformed key %q", k)
	}
	return incidentID(string(k[16:])+"-"+string(k[:8])+"-", getU64(k[8:16]))
}

// wellFormedIDKey: eight digits, a number, a prefix.
func wellFormedIDKey(k []byte) bool {
	if len(k) < 17 {
		return false
	}
	for _, c := range k[:8] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
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
	// Schema 6 (repeated supervision): absent in older records.
	Supervisions    int   `json:"supervisions,omitempty"`
	NextSupervision int64 `json:"next_supervision,omitempty"`

	// Title and Text as JSON, when the caller escaped them (not stored).
	titleJSON, textJSON []byte
}

// textJSON is a report's title and text as JSON strings, escaped by the
// caller so that the writer only copies them into the record.
type textJSON struct{ title, text []byte }

func newTextJSON(c model.CheckedReport) textJSON {
	r := c.Report()
	return textJSON{title: appendJSONString(nil, r.Title), text: appendJSONString(nil, r.Text)}
}

// encodeIncidentText encodes an incident record, with the title and text
// already escaped (text nil: escape them here). The incident must carry the
// very title and text text was made from.
func encodeIncidentText(i model.Incident, text *textJSON) ([]byte, error) {
	r := incidentRecord{
		ID: i.ID, Title: i.Title, Text: i.Text, Category: string(i.Category),
		Platform: string(i.Platform), Severity: int(i.Severity), Node: string(i.Node),
		Reporter: uint64(i.Reporter), Source: string(i.Source), Tier: string(i.Tier),
		Status: string(i.Status), Department: i.Department,
		ReportedAt: nanos(i.ReportedAt), TierSince: nanos(i.TierSince), AckBy: nanos(i.AckBy),
		DueBy: nanos(i.DueBy), AckedAt: nanos(i.AckedAt), DispatchedAt: nanos(i.DispatchedAt),
		ResolvedAt: nanos(i.ResolvedAt), ClosedAt: nanos(i.ClosedAt),
		Supervised: i.Supervised, Escalations: i.Escalations,
		Supervisions: i.Supervisions, NextSupervision: nanos(i.NextSupervision),
	}
	if text != nil {
		r.titleJSON, r.textJSON = text.title, text.text
	}
	return r.appendJSON(make([]byte, 0, r.sizeHint())), nil
}

// sizeHint is a capacity for appendJSON that the usual record fits.
func (r *incidentRecord) sizeHint() int {
	return 400 + len(r.ID) + len(r.Title) + len(r.Text) + len(r.Department)
}

// appendJSON appends exactly what json.Marshal(r) returns (the file format
// is that JSON; TestRecordJSONMatchesEncodingJSON holds the two together),
// without reflection: this runs for every report the writer commits.
func (r *incidentRecord) appendJSON(b []byte) []byte {
	b = appendStringField(b, `{"id":`, r.ID)
	if r.titleJSON != nil {
		b = append(append(b, `,"title":`...), r.titleJSON...)
	} else {
		b = appendStringField(b, `,"title":`, r.Title)
	}
	if r.Text != "" {
		if r.textJSON != nil {
			b = append(append(b, `,"text":`...), r.textJSON...)
		} else {
			b = appendStringField(b, `,"text":`, r.Text)
		}
	}
	b = appendStringField(b, `,"category":`, r.Category)
	b = appendStringField(b, `,"platform":`, r.Platform)
	b = strconv.AppendInt(append(b, `,"severity":`...), int64(r.Severity), 10)
	b = appendStringField(b, `,"node":`, r.Node)
	b = strconv.AppendUint(append(b, `,"reporter":`...), r.Reporter, 10)
	b = appendStringField(b, `,"source":`, r.Source)
	b = appendStringField(b, `,"tier":`, r.Tier)
	b = appendStringField(b, `,"status":`, r.Status)
	if r.Department != "" {
		b = appendStringField(b, `,"department":`, r.Department)
	}
	b = strconv.AppendInt(append(b, `,"reported_at":`...), r.ReportedAt, 10)
	b = strconv.AppendInt(append(b, `,"tier_since":`...), r.TierSince, 10)
	b = appendIntField(b, `,"ack_by":`, r.AckBy)
	b = appendIntField(b, `,"due_by":`, r.DueBy)
	b = appendIntField(b, `,"acked_at":`, r.AckedAt)
	b = appendIntField(b, `,"dispatched_at":`, r.DispatchedAt)
	b = appendIntField(b, `,"resolved_at":`, r.ResolvedAt)
	b = appendIntField(b, `,"closed_at":`, r.ClosedAt)
	if r.Supervised {
		b = append(b, `,"supervised":true`...)
	}
	b = appendIntField(b, `,"escalations":`, int64(r.Escalations))
	b = appendIntField(b, `,"supervisions":`, int64(r.Supervisions))
	b = appendIntField(b, `,"next_supervision":`, r.NextSupervision)
	return append(b, '}')
}

func decodeIncident(seq uint64, v []byte, loc *time.Location) (model.Incident, error) {
	r, ok := parseIncident(v)
	if !ok {
		r = incidentRecord{}
		if err := json.Unmarshal(v, &r); err != nil {
			return model.Incident{}, fmt.Errorf("incident seq %d: %w", seq, err)
		}
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
		Supervisions: r.Supervisions, NextSupervision: fromNanos(r.NextSupervision, loc),
	}, nil
}

// parseIncident is the fast path of decodeIncident, for the console's lists
// of thousands: it reads the JSON appendJSON writes (the record's own keys,
// each once; strings without escapes; integers without fraction or
// exponent; no space; nothing after the object), into strings that share
// one copy of v, and declines anything else (ok false), which
// encoding/json then reads. What it accepts it reads as json.Unmarshal does
// (TestParseIncidentMatchesEncodingJSON, FuzzParseIncident).
func parseIncident(v []byte) (r incidentRecord, ok bool) {
	if !utf8.Valid(v) {
		return r, false // encoding/json replaces bad bytes with U+FFFD
	}
	p := jsonParser{s: string(v)}
	var seen uint32
	ok = p.object(func(key string) bool {
		var bit uint32
		ok := false
		switch key {
		case "id":
			bit = 1
			r.ID, ok = p.str()
		case "title":
			bit = 1 << 1
			r.Title, ok = p.str()
		case "text":
			bit = 1 << 2
			r.Text, ok = p.str()
		case "category":
			bit = 1 << 3
			r.Category, ok = p.str()
		case "platform":
			bit = 1 << 4
			r.Platform, ok = p.str()
		case "severity":
			bit = 1 << 5
			r.Severity, ok = p.goInt()
		case "node":
			bit = 1 << 6
			r.Node, ok = p.str()
		case "reporter":
			bit = 1 << 7
			r.Reporter, ok = p.digits()
		case "source":
			bit = 1 << 8
			r.Source, ok = p.str()
		case "tier":
			bit = 1 << 9
			r.Tier, ok = p.str()
		case "status":
			bit = 1 << 10
			r.Status, ok = p.str()
		case "department":
			bit = 1 << 11
			r.Department, ok = p.str()
		case "reported_at":
			bit = 1 << 12
			r.ReportedAt, ok = p.int()
		case "tier_since":
			bit = 1 << 13
			r.TierSince, ok = p.int()
		case "ack_by":
			bit = 1 << 14
			r.AckBy, ok = p.int()
		case "due_by":
			bit = 1 << 15
			r.DueBy, ok = p.int()
		case "acked_at":
			bit = 1 << 16
			r.AckedAt, ok = p.int()
		case "dispatched_at":
			bit = 1 << 17
			r.DispatchedAt, ok = p.int()
		case "resolved_at":
			bit = 1 << 18
			r.ResolvedAt, ok = p.int()
		case "closed_at":
			bit = 1 << 19
			r.ClosedAt, ok = p.int()
		case "supervised":
			bit = 1 << 20
			r.Supervised, ok = p.bool()
		case "escalations":
			bit = 1 << 21
			r.Escalations, ok = p.goInt()
		case "supervisions":
			bit = 1 << 22
			r.Supervisions, ok = p.goInt()
		case "next_supervision":
			bit = 1 << 23
			r.NextSupervision, ok = p.int()
		default:
			return false
		}
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	})
	return r, ok
}

// jsonParser reads the narrow JSON parseIncident accepts from s.
type jsonParser struct {
	s string
	i int
}

// next consumes c if it comes next.
func (p *jsonParser) next(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// object reads an object and nothing after it, handing each key to field,
// which reads the value; false when field declines or the JSON is not of
// the narrow kind.
func (p *jsonParser) object(field func(key string) bool) bool {
	if !p.next('{') {
		return false
	}
	if p.next('}') {
		return p.i == len(p.s)
	}
	for {
		key, ok := p.str()
		if !ok || !p.next(':') || !field(key) {
			return false
		}
		if p.next('}') {
			return p.i == len(p.s)
		}
		if !p.next(',') {
			return false
		}
	}
}

// str reads a string without escapes or control characters.
func (p *jsonParser) str() (string, bool) {
	if !p.next('"') {
		return "", false
	}
	for j := p.i; j < len(p.s); j++ {
		switch c := p.s[j]; {
		case c == '"':
			v := p.s[p.i:j]
			p.i = j + 1
			return v, true
		case c == '\\' || c < 0x20:
			return "", false
		}
	}
	return "", false
}

// digits reads a JSON integer's digits (no leading zero but "0" itself) as
// a uint64, refusing overflow and a fraction or exponent after them.
func (p *jsonParser) digits() (uint64, bool) {
	start := p.i
	var n uint64
	for ; p.i < len(p.s) && '0' <= p.s[p.i] && p.s[p.i] <= '9'; p.i++ {
		d := uint64(p.s[p.i] - '0')
		if n > (1<<64-1-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	switch {
	case p.i == start, p.s[start] == '0' && p.i > start+1:
		return 0, false
	case p.i < len(p.s) && (p.s[p.i] == '.' || p.s[p.i] == 'e' || p.s[p.i] == 'E'):
		return 0, false
	}
	return n, true
}

func (p *jsonParser) int() (int64, bool) {
	neg := p.next('-')
	n, ok := p.digits()
	switch {
	case !ok:
		return 0, false
	case neg && n <= 1<<63:
		return -int64(n), true
	case !neg && n < 1<<63:
		return int64(n), true
	}
	return 0, false
}

// goInt reads an int64 that fits Go's int, as encoding/json refuses one
// that does not.
func (p *jsonParser) goInt() (int, bool) {
	n, ok := p.int()
	return int(n), ok && int64(int(n)) == n
}

// stringObject reads past an object of string values (a stateRecord).
func (p *jsonParser) stringObject() bool {
	if !p.next('{') {
		return false
	}
	if p.next('}') {
		return true
	}
	for {
		if _, ok := p.str(); !ok || !p.next(':') {
			return false
		}
		if _, ok := p.str(); !ok {
			return false
		}
		if p.next('}') {
			return true
		}
		if !p.next(',') {
			return false
		}
	}
}

func (p *jsonParser) bool() (bool, bool) {
	switch {
	case strings.HasPrefix(p.s[p.i:], "true"):
		p.i += 4
		return true, true
	case strings.HasPrefix(p.s[p.i:], "false"):
		p.i += 5
		return false, true
	}
	return false, false
}

// nodeRecord is the stored form of model.Node; the key is its code, and its
// level and parent follow from the code.
type nodeRecord struct {
	Name       string   `json:"name"`
	Official   string   `json:"official,omitempty"`
	Households int      `json:"households,omitempty"`
	Tags       []string `json:"tags,omitempty"`
}

// encodeNode writes exactly what json.Marshal of the nodeRecord writes
// (TestNodeRecordJSONMatchesEncodingJSON), without reflection: an import
// writes a province's two million.
func encodeNode(n model.Node) ([]byte, error) {
	b := make([]byte, 0, 24+len(n.Name)+len(n.Official)+16*len(n.Tags))
	b = appendStringField(b, `{"name":`, n.Name)
	if n.Official != "" {
		b = appendStringField(b, `,"official":`, n.Official)
	}
	b = appendIntField(b, `,"households":`, int64(n.Households))
	if len(n.Tags) > 0 {
		b = append(b, `,"tags":[`...)
		for i, t := range n.Tags {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, t)
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
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
	Lang    string   `json:"lang,omitempty"` // the seat's language; "" the config's
}

func encodePerson(p model.Person) ([]byte, error) {
	roles := make([]string, len(p.Roles))
	for i, r := range p.Roles {
		roles[i] = string(r)
	}
	return json.Marshal(personRecord{
		Name: p.Name, Phone: p.Phone, Node: string(p.Node), Roles: roles,
		Reserve: string(p.Reserve), OnDuty: p.OnDuty, Lang: p.Lang,
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
		Roles: roles, Reserve: model.ReserveKind(r.Reserve), OnDuty: r.OnDuty, Lang: r.Lang,
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
	Directive   string      `json:"directive,omitempty"`
	NoteZh      string      `json:"note_zh,omitempty"`
	Due         int64       `json:"due,omitempty"`       // schema 11: Event.Due
	Subject     uint64      `json:"subject,omitempty"`   // schema 11: Event.Subject
	Points      int64       `json:"points,omitempty"`    // schema 11: Event.Points
	OnBehalf    bool        `json:"on_behalf,omitempty"` // schema 11: Event.OnBehalf
	Completed   bool        `json:"completed,omitempty"` // schema 11: Event.Completed
	Ref         string      `json:"ref,omitempty"`
	Fed         string      `json:"fed,omitempty"`      // schema 14: Event.Fed (a hub's mirrored events)
	Unearned    bool        `json:"unearned,omitempty"` // Event.Unearned; absent (false) in events written before it
}

func encodeEvent(e model.Event) ([]byte, error) {
	r := eventRecord{
		At: nanos(e.At), Actor: uint64(e.Actor), ActorName: e.ActorName, Action: string(e.Action),
		Incident: e.Incident, IncidentSeq: e.IncidentSeq, Node: string(e.Node),
		Before:    stateRecord{Tier: string(e.Before.Tier), Status: string(e.Before.Status)},
		After:     stateRecord{Tier: string(e.After.Tier), Status: string(e.After.Status)},
		Note:      e.Note,
		Directive: e.Directive,
		NoteZh:    e.NoteZh,
		Due:       nanos(e.Due),
		Subject:   uint64(e.Subject),
		Points:    int64(e.Points),
		OnBehalf:  e.OnBehalf,
		Completed: e.Completed,
		Ref:       e.Ref,
		Fed:       e.Fed,
		Unearned:  e.Unearned,
	}
	return r.appendJSON(make([]byte, 0, r.sizeHint())), nil
}

// sizeHint is a capacity for appendJSON that the usual record fits.
func (r *eventRecord) sizeHint() int {
	return 220 + len(r.ActorName) + len(r.Incident) + len(r.Node) + len(r.Note) + len(r.Directive) + len(r.NoteZh) + len(r.Ref) + len(r.Fed)
}

// appendJSON appends exactly what json.Marshal(r) returns (see
// incidentRecord.appendJSON).
func (r *eventRecord) appendJSON(b []byte) []byte {
	b = strconv.AppendInt(append(b, `{"at":`...), r.At, 10)
	b = strconv.AppendUint(append(b, `,"actor":`...), r.Actor, 10)
	if r.ActorName != "" {
		b = appendStringField(b, `,"actor_name":`, r.ActorName)
	}
	b = appendStringField(b, `,"action":`, r.Action)
	if r.Incident != "" {
		b = appendStringField(b, `,"incident":`, r.Incident)
	}
	if r.IncidentSeq != 0 {
		b = strconv.AppendUint(append(b, `,"incident_seq":`...), r.IncidentSeq, 10)
	}
	if r.Node != "" {
		b = appendStringField(b, `,"node":`, r.Node)
	}
	b = r.Before.appendJSON(append(b, `,"before":`...))
	b = r.After.appendJSON(append(b, `,"after":`...))
	if r.Note != "" {
		b = appendStringField(b, `,"note":`, r.Note)
	}
	if r.Directive != "" {
		b = appendStringField(b, `,"directive":`, r.Directive)
	}
	if r.NoteZh != "" {
		b = appendStringField(b, `,"note_zh":`, r.NoteZh)
	}
	b = appendIntField(b, `,"due":`, r.Due)
	if r.Subject != 0 {
		b = strconv.AppendUint(append(b, `,"subject":`...), r.Subject, 10)
	}
	b = appendIntField(b, `,"points":`, r.Points)
	if r.OnBehalf {
		b = append(b, `,"on_behalf":true`...)
	}
	if r.Completed {
		b = append(b, `,"completed":true`...)
	}
	if r.Ref != "" {
		b = appendStringField(b, `,"ref":`, r.Ref)
	}
	if r.Fed != "" {
		b = appendStringField(b, `,"fed":`, r.Fed)
	}
	if r.Unearned {
		b = append(b, `,"unearned":true`...)
	}
	return append(b, '}')
}

func (r *stateRecord) appendJSON(b []byte) []byte {
	b = append(b, '{')
	if r.Tier != "" {
		b = appendStringField(b, `"tier":`, r.Tier)
	}
	if r.Status != "" {
		if r.Tier != "" {
			b = append(b, ',')
		}
		b = appendStringField(b, `"status":`, r.Status)
	}
	return append(b, '}')
}

// appendIntField appends name and v, unless v is 0 (omitempty).
func appendIntField(b []byte, name string, v int64) []byte {
	if v == 0 {
		return b
	}
	return strconv.AppendInt(append(b, name...), v, 10)
}

func appendStringField(b []byte, name, v string) []byte {
	return appendJSONString(append(b, name...), v)
}

// appendJSONString appends s as json.Marshal writes a string. Text that
// needs no escaping (valid UTF-8 without control characters, quotes,
// backslashes, the HTML characters <, > and & or U+2028/U+2029; what
// model.CleanText lets through is nearly always so) is copied as it is;
// anything else goes through encoding/json itself, so the two cannot differ.
func appendJSONString(b []byte, s string) []byte {
	if plainJSON(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	q, err := json.Marshal(s)
	if err != nil { // cannot happen for a string
		panic(err)
	}
	return append(b, q...)
}

// plainJSON reports whether json.Marshal would write s between quotes
// unchanged.
func plainJSON(s string) bool {
	var all byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		all |= c
		if !jsonPlainByte[c] {
			if c != 0xe2 {
				return false
			}
			if i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xa8 || s[i+2] == 0xa9) {
				return false // U+2028, U+2029
			}
		}
	}
	return all < 0x80 || utf8.ValidString(s)
}

// jsonPlainByte marks the bytes json.Marshal copies as they are, leaving out
// 0xe2, the first byte of U+2028 and U+2029 (and of much else).
var jsonPlainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x100; c++ {
		t[c] = true
	}
	for _, c := range []byte{'"', '\\', '<', '>', '&', 0xe2} {
		t[c] = false
	}
	return t
}()

func decodeEvent(seq uint64, v []byte, loc *time.Location) (model.Event, error) {
	var r eventRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return model.Event{}, fmt.Errorf("event %d: %w", seq, err)
	}
	return model.Event{
		Seq: seq, At: fromNanos(r.At, loc), Actor: model.PersonID(r.Actor), ActorName: r.ActorName,
		Action: model.Action(r.Action), Incident: r.Incident, IncidentSeq: r.IncidentSeq,
		Node:      model.NodeCode(r.Node),
		Before:    model.State{Tier: model.Tier(r.Before.Tier), Status: model.Status(r.Before.Status)},
		After:     model.State{Tier: model.Tier(r.After.Tier), Status: model.Status(r.After.Status)},
		Note:      r.Note,
		Directive: r.Directive,
		NoteZh:    r.NoteZh,
		Due:       fromNanos(r.Due, loc),
		Subject:   model.PersonID(r.Subject),
		Points:    int(r.Points),
		OnBehalf:  r.OnBehalf,
		Completed: r.Completed,
		Ref:       r.Ref,
		Fed:       r.Fed,
		Unearned:  r.Unearned,
	}, nil
}
