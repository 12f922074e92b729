package store

// Field intake (model.IntakeService): bearer tokens, reports that land once
// per Idempotency-Key, and sensor alerts under the alert rule.
//
// The buckets are those of schema 3 (see the package comment), used so:
//
//	tokens            sha256(token) -> tokenRecord (holder, prefix, issued, revoked)
//	tokens_by_person  u64 person id, sha256(token) -> empty
//	idempotency       u64 person id, key       -> u64 incident seq, sha256 of the report
//	                  u64 person id, 0x00, key -> u64 alert seq, sha256 of the alert
//	alerts            u64 alert seq -> alertRecord (incident: the incident it is part of, 0 for none)
//	idx_alert_source  node code 0x00 u64 Unix nanos, u64 alert seq
//	meta              "alert/<node code>" -> u64 seq of the incident the node's alerts last opened
//
// An Idempotency-Key is visible ASCII, so a report's key never starts with
// 0x00 and the two kinds of idempotency entry cannot meet. The sha256 beside
// the seq makes the same key with a different request a refusal instead of
// a silent duplicate. Idempotency entries are kept as long as what they
// point at.

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

var _ model.IntakeService = (*DB)(nil)

// metaAlertPrefix starts the meta keys naming each node's alert incident.
const metaAlertPrefix = "alert/"

// tokenRecord is the stored form of a bearer token; the key is its sha256.
type tokenRecord struct {
	Person  uint64 `json:"person"`
	Prefix  string `json:"prefix"`
	Issued  int64  `json:"issued"`
	Revoked int64  `json:"revoked,omitempty"`
}

func (r tokenRecord) info(loc *time.Location) model.TokenInfo {
	return model.TokenInfo{
		Prefix: r.Prefix, Person: model.PersonID(r.Person),
		Issued: fromNanos(r.Issued, loc), Revoked: fromNanos(r.Revoked, loc),
	}
}

func decodeToken(k, v []byte) (tokenRecord, error) {
	return decodeRecord[tokenRecord](v, "token %x", k)
}

// alertRecord is the stored form of a sensor alert; the key is its seq.
type alertRecord struct {
	Device   string `json:"device"`
	Kind     string `json:"kind"`
	Node     string `json:"node"`
	Text     string `json:"text,omitempty"`
	At       int64  `json:"at"`
	By       uint64 `json:"by,omitempty"`
	Incident uint64 `json:"incident,omitempty"`
	// What the alert's answer said, so that a retry answers the same (a
	// record from before they were kept has none: its retry says count 0).
	Count    int  `json:"count,omitempty"`
	Opened   bool `json:"opened,omitempty"`
	Attached bool `json:"attached,omitempty"`
}

func decodeAlert(seq uint64, v []byte) (alertRecord, error) {
	return decodeRecord[alertRecord](v, "alert %d", seq)
}

func putAlert(tx *bolt.Tx, seq uint64, r alertRecord) error {
	return putRecord(tx.Bucket(bucketAlerts), u64(seq), r)
}

// alertSourceKey is the idx_alert_source key: code 0x00 u64 nanos u64 seq.
func alertSourceKey(code model.NodeCode, at int64, seq uint64) []byte {
	b := make([]byte, 0, len(code)+17)
	b = append(append(b, code...), 0)
	b = binary.BigEndian.AppendUint64(b, uint64(max(at, 0)))
	return binary.BigEndian.AppendUint64(b, seq)
}

// splitAlertSourceKey returns the code, nanos and seq of an idx_alert_source key.
func splitAlertSourceKey(k []byte) (model.NodeCode, int64, uint64, bool) {
	if len(k) < 17 || k[len(k)-17] != 0 {
		return "", 0, 0, false
	}
	n := len(k)
	return model.NodeCode(k[:n-17]), int64(getU64(k[n-16 : n-8])), getU64(k[n-8:]), true
}

func alertMetaKey(code model.NodeCode) []byte { return []byte(metaAlertPrefix + string(code)) }

// reportIdemKey and alertIdemKey are the idempotency keys of a person's
// report and alert.
func reportIdemKey(person model.PersonID, key string) []byte {
	return append(u64(uint64(person)), key...)
}

func alertIdemKey(person model.PersonID, key string) []byte {
	return append(append(u64(uint64(person)), 0), key...)
}

// idemValue is seq followed by the request's sha256.
func idemValue(seq uint64, sum [32]byte) []byte { return append(u64(seq), sum[:]...) }

func splitIdemValue(v []byte) (uint64, []byte, bool) {
	if len(v) != 8+sha256.Size {
		return 0, nil, false
	}
	return getU64(v), v[8:], true
}

// hashFields is the sha256 of fields, each ended by 0x00.
func hashFields(fields ...string) [32]byte {
	h := sha256.New()
	for _, f := range fields {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

func reportHash(r model.Report) [32]byte {
	return hashFields(string(r.Node), r.Category, strconv.Itoa(int(r.Severity)), r.Title, r.Text,
		string(r.Source), string(r.Platform))
}

func alertHash(a model.Alert) [32]byte {
	return hashFields(a.Device, a.Kind, string(a.Node), a.Text)
}

func tokenHash(token string) [32]byte { return sha256.Sum256([]byte(token)) }

// newToken makes a bearer token from 32 random bytes.
func newToken() (string, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	return model.TokenScheme + base64.RawURLEncoding.EncodeToString(raw[:]), nil
}

// IssueToken makes a bearer token for person, stores its sha256 and returns
// it: the only time the token itself is seen.
func (s *DB) IssueToken(ctx context.Context, person model.PersonID) (string, error) {
	if person == model.System {
		return "", model.Errorf(model.EINVALID, "tokens are issued to people on the roster, not to the system").
			Zh("令牌只发给名册中的人员，不发给系统")
	}
	tok, err := newToken()
	if err != nil {
		return "", err
	}
	sum := tokenHash(tok)
	prefix := tok[:model.TokenPrefixLen]
	_, err = s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		p, err := getPerson(tx, person)
		if err != nil {
			return nil, err
		}
		b := tx.Bucket(bucketTokens)
		if b.Get(sum[:]) != nil { // 256 random bits: cannot happen
			return nil, fmt.Errorf("token: hash collision")
		}
		v, err := json.Marshal(tokenRecord{Person: uint64(person), Prefix: prefix, Issued: nanos(now)})
		if err != nil {
			return nil, err
		}
		if err := b.Put(sum[:], v); err != nil {
			return nil, err
		}
		if err := tx.Bucket(bucketTokensByPerson).Put(append(u64(uint64(person)), sum[:]...), []byte{}); err != nil {
			return nil, err
		}
		return []model.Event{tokenEvent(now, p, fmt.Sprintf("token %s… issued to %s (%s)", prefix, p.ID, p.Name),
			fmt.Sprintf("令牌 %s… 已发给 %s（%s）", prefix, p.ID, p.Name))}, nil
	})
	if err != nil {
		return "", err
	}
	return tok, nil
}

func tokenEvent(now time.Time, p model.Person, note, noteZh string) model.Event {
	return model.Event{At: now, Actor: model.System, ActorName: "system", Action: model.ActToken, Node: p.Node, Note: note, NoteZh: noteZh}
}

// RevokeTokens revokes every live token of person.
func (s *DB) RevokeTokens(ctx context.Context, person model.PersonID) (int, error) {
	var n int
	_, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		n = 0
		p, err := getPerson(tx, person)
		if err != nil {
			return nil, err
		}
		var prefixes []string
		tokens := tx.Bucket(bucketTokens)
		pk := u64(uint64(person))
		c := tx.Bucket(bucketTokensByPerson).Cursor()
		for k, _ := c.Seek(pk); k != nil && bytes.HasPrefix(k, pk); k, _ = c.Next() {
			h := k[8:]
			v := tokens.Get(h)
			if v == nil {
				return nil, fmt.Errorf("tokens_by_person: %s's token %x is missing", p.ID, h)
			}
			r, err := decodeToken(h, v)
			if err != nil {
				return nil, err
			}
			if r.Revoked != 0 {
				continue
			}
			r.Revoked = nanos(now)
			if err := putToken(tx, h, r); err != nil {
				return nil, err
			}
			prefixes = append(prefixes, r.Prefix+"…")
		}
		n = len(prefixes)
		if n == 0 {
			return nil, nil
		}
		return []model.Event{tokenEvent(now, p, fmt.Sprintf("revoked %s's tokens: %s", p.ID, strings.Join(prefixes, ", ")),
			fmt.Sprintf("已吊销 %s 的令牌：%s", p.ID, strings.Join(prefixes, ", ")))}, nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

func putToken(tx *bolt.Tx, h []byte, r tokenRecord) error {
	// bbolt keeps keys only as long as the transaction: copy the one we got
	// from a cursor.
	return putRecord(tx.Bucket(bucketTokens), append([]byte(nil), h...), r)
}

// minRevokePrefix is the shortest start of a token RevokeToken accepts.
const minRevokePrefix = len(model.TokenScheme) + 4

// RevokeToken revokes the one token that starts with prefix (or is it).
func (s *DB) RevokeToken(ctx context.Context, prefix string) (model.TokenInfo, error) {
	prefix = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(prefix), "…"))
	if !strings.HasPrefix(prefix, model.TokenScheme) || len(prefix) < minRevokePrefix {
		return model.TokenInfo{}, model.Errorf(model.EINVALID,
			"token prefix %q: want the start of a token as 'gridcmd token list' shows it, e.g. gc_AbCdEfGh", prefix).
			Zh("令牌前缀 %q：应为 'gridcmd token list' 显示的令牌开头，如 gc_AbCdEfGh", prefix)
	}
	var out model.TokenInfo
	_, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		out = model.TokenInfo{}
		hash, rec, err := findToken(tx.Bucket(bucketTokens), prefix)
		if err != nil {
			return nil, err
		}
		if rec.Revoked != 0 {
			out = rec.info(s.opts.Location)
			return nil, nil // revoked already: nothing changes
		}
		p, err := getPerson(tx, model.PersonID(rec.Person))
		if err != nil {
			return nil, err
		}
		rec.Revoked = nanos(now)
		if err := putToken(tx, hash, rec); err != nil {
			return nil, err
		}
		out = rec.info(s.opts.Location)
		return []model.Event{tokenEvent(now, p, fmt.Sprintf("token %s… of %s revoked", rec.Prefix, p.ID),
			fmt.Sprintf("%s 的令牌 %s… 已吊销", p.ID, rec.Prefix))}, nil
	})
	if err != nil {
		return model.TokenInfo{}, err
	}
	return out, nil
}

// findToken is the token prefix names: the token itself when prefix is a
// whole token, else the one live token that starts so (or, with none
// live, a revoked one); ECONFLICT when several live ones do.
func findToken(tokens *bolt.Bucket, prefix string) ([]byte, tokenRecord, error) {
	if model.WellFormedToken(prefix) {
		sum := tokenHash(prefix)
		v := tokens.Get(sum[:])
		if v == nil {
			return nil, tokenRecord{}, model.Errorf(model.ENOTFOUND, "no such token").Zh("没有该令牌")
		}
		r, err := decodeToken(sum[:], v)
		return sum[:], r, err
	}
	var live, dead []tokenRecord
	var liveH, deadH [][]byte
	err := tokens.ForEach(func(k, v []byte) error {
		r, err := decodeToken(k, v)
		if err != nil {
			return err
		}
		if !strings.HasPrefix(r.Prefix, prefix) && !strings.HasPrefix(prefix, r.Prefix) {
			return nil
		}
		if r.Revoked == 0 {
			live, liveH = append(live, r), append(liveH, k)
		} else {
			dead, deadH = append(dead, r), append(deadH, k)
		}
		return nil
	})
	switch {
	case err != nil:
		return nil, tokenRecord{}, err
	case len(live) > 1:
		return nil, tokenRecord{}, model.Errorf(model.ECONFLICT, "%d live tokens start with %s; give more of it", len(live), prefix).
			Zh("有 %d 个有效令牌以 %s 开头；请给出更长的前缀", len(live), prefix)
	case len(live) == 1:
		return liveH[0], live[0], nil
	case len(dead) > 0:
		return deadH[0], dead[0], nil
	}
	return nil, tokenRecord{}, model.Errorf(model.ENOTFOUND, "no token starts with %s", prefix).Zh("没有以 %s 开头的令牌", prefix)
}

// Tokens lists person's tokens (everyone's for System) in order of issue.
func (s *DB) Tokens(ctx context.Context, person model.PersonID) ([]model.TokenInfo, error) {
	out, err := viewOf(ctx, s, func(tx *bolt.Tx) ([]model.TokenInfo, error) {
		return heldBy(tx, bucketTokens, bucketTokensByPerson, person, func(k, v []byte) (model.TokenInfo, error) {
			r, err := decodeToken(k, v)
			return r.info(s.opts.Location), err
		}, func(k []byte) error { return fmt.Errorf("tokens_by_person: %s's token %x is missing", person, k) })
	})
	oldestFirst(out, func(t model.TokenInfo) (time.Time, string) { return t.Issued, t.Prefix })
	return out, err
}

// Authenticate returns the live token's holder.
func (s *DB) Authenticate(ctx context.Context, token string) (model.Person, error) {
	if err := ctx.Err(); err != nil {
		return model.Person{}, err
	}
	if !model.WellFormedToken(token) {
		return model.Person{}, model.Errorf(model.EUNAUTHORIZED, "malformed bearer token").Zh("令牌格式不正确")
	}
	sum := tokenHash(token)
	var p model.Person
	err := s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketTokens).Get(sum[:])
		if v == nil {
			return model.Errorf(model.EUNAUTHORIZED, "unknown bearer token").Zh("未知的令牌")
		}
		r, err := decodeToken(sum[:], v)
		if err != nil {
			return err
		}
		if r.Revoked != 0 {
			return model.Errorf(model.EUNAUTHORIZED, "token %s… was revoked", r.Prefix).Zh("令牌 %s… 已吊销", r.Prefix)
		}
		p, err = getPerson(tx, model.PersonID(r.Person))
		if model.ErrorCode(err) == model.ENOTFOUND {
			return model.Errorf(model.EUNAUTHORIZED, "token %s…: its holder is not on the roster", r.Prefix).
				Zh("令牌 %s…：持有人不在名册中", r.Prefix)
		}
		return err
	})
	return p, err
}

// ReportOnce files r, reported by person, once per key: the idempotency
// entry and the incident are written by one request of the writer, so they
// commit together or not at all.
func (s *DB) ReportOnce(ctx context.Context, person model.PersonID, key string, r model.Report) (model.Incident, bool, error) {
	r.Reporter = person
	if key == "" {
		inc, err := s.Report(ctx, r)
		return inc, false, err
	}
	if err := model.ValidIdempotencyKey(key); err != nil {
		return model.Incident{}, false, err
	}
	c, err := r.Check(s.opts.Policy)
	if err != nil {
		return model.Incident{}, false, err
	}
	sum := reportHash(r)
	ik := reportIdemKey(person, key)

	// A retry of a committed report needs no write: look first.
	var inc model.Incident
	found := false
	err = s.view(func(tx *bolt.Tx) error {
		var err error
		inc, found, err = s.idempotentReport(tx, ik, key, sum)
		return err
	})
	if err != nil || found {
		return inc, found, err
	}
	text := newTextJSON(c) // a new report: escape its text outside the writer
	var dup bool
	_, err = s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		inc, dup = model.Incident{}, false
		prev, found, err := s.idempotentReport(tx, ik, key, sum)
		if err != nil {
			return nil, err
		}
		if found {
			inc, dup = prev, true
			return nil, nil
		}
		out, ev, err := s.fileReport(tx, now, c, &text)
		if err != nil {
			return nil, err
		}
		if err := tx.Bucket(bucketIdempotency).Put(ik, idemValue(out.Seq, sum)); err != nil {
			return nil, err
		}
		inc = out
		return []model.Event{ev}, nil
	})
	if err != nil {
		return model.Incident{}, false, err
	}
	return inc, dup, nil
}

// idempotentReport looks up a report's idempotency entry: the incident it
// filed, ECONFLICT if the key filed a different report.
func (s *DB) idempotentReport(tx *bolt.Tx, ik []byte, key string, sum [32]byte) (model.Incident, bool, error) {
	v := tx.Bucket(bucketIdempotency).Get(ik)
	if v == nil {
		return model.Incident{}, false, nil
	}
	seq, h, ok := splitIdemValue(v)
	if !ok {
		return model.Incident{}, false, fmt.Errorf("idempotency %x: malformed value", ik)
	}
	inc, err := s.getIncident(tx, seq)
	if err != nil {
		return model.Incident{}, false, err
	}
	if !bytes.Equal(h, sum[:]) {
		return model.Incident{}, false, model.Errorf(model.ECONFLICT,
			"Idempotency-Key %q was used for a different report (%s)", key, inc.ID).
			Zh("Idempotency-Key %q 已用于另一份上报（%s）", key, inc.ID)
	}
	return inc, true, nil
}

// fileReport is the body of Report, for the writer's requests that file
// reports: the reporter on the roster (or the system), the node in the
// tower, the next seq and daily number, the rule, the record and indexes.
// text, if not nil, is c's title and text as JSON (newTextJSON), made by
// the caller outside the writer.
func (s *DB) fileReport(tx *bolt.Tx, now time.Time, c model.CheckedReport, text *textJSON) (model.Incident, model.Event, error) {
	if err := notFedTown(tx, c.Report().Node); err != nil {
		return model.Incident{}, model.Event{}, err
	}
	return s.fileReportAt(tx, now, c, text, model.StartTier(c.Report().Node))
}

// fileReportAt is fileReport with the incident starting at tier t.
func (s *DB) fileReportAt(tx *bolt.Tx, now time.Time, c model.CheckedReport, text *textJSON, t model.Tier) (model.Incident, model.Event, error) {
	r := c.Report()
	reporter, err := s.wc.actor(tx, r.Reporter)
	if err != nil {
		return model.Incident{}, model.Event{}, err
	}
	if !s.wc.hasNode(tx, r.Node) {
		return model.Incident{}, model.Event{}, model.Errorf(model.ENOTFOUND, "no node %s in the tower", r.Node).Zh("网格塔中没有节点 %s", r.Node)
	}
	if !reporter.ReportsIn(r.Node) {
		return model.Incident{}, model.Event{}, model.ForeignReport(reporter, r.Node, nodeNames(tx))
	}
	seq, err := s.wt.buckets.incidents.NextSequence()
	if err != nil {
		return model.Incident{}, model.Event{}, err
	}
	prefix, err := s.idPrefix(tx, r.Node)
	if err != nil {
		return model.Incident{}, model.Event{}, err
	}
	id, err := s.wt.nextID(tx, prefix, now.In(s.opts.Location))
	if err != nil {
		return model.Incident{}, model.Event{}, err
	}
	p, err := s.policyAt(tx, r.Node) // the town's wartime scales the clocks
	if err != nil {
		return model.Incident{}, model.Event{}, err
	}
	inc, ev, err := c.IncidentAt(t, seq, id, reporter, now, p)
	if err != nil {
		return model.Incident{}, model.Event{}, err
	}
	if err := saveIncident(s.wt.buckets, inc, nil, text); err != nil {
		return model.Incident{}, model.Event{}, err
	}
	return inc, ev, nil
}

// pendingAlert is an alert within the window not yet part of an incident.
type pendingAlert struct {
	seq uint64
	rec alertRecord
}

// Alert stores a sensor alert and applies the policy's alert rule at the
// writer's clock: it joins the open incident the node's alerts opened, or,
// with enough alerts pending in the window, opens one (and makes them part
// of it), or is recorded for later.
func (s *DB) Alert(ctx context.Context, a model.Alert) (model.AlertResult, error) {
	a, err := a.Clean()
	if err != nil {
		return model.AlertResult{}, err
	}
	rule := s.opts.Policy.Alerts
	sum := alertHash(a)
	var res model.AlertResult
	_, err = s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		res = model.AlertResult{}
		if !s.wc.hasNode(tx, a.Node) {
			return nil, model.Errorf(model.ENOTFOUND, "no node %s in the tower", a.Node).Zh("网格塔中没有节点 %s", a.Node)
		}
		if err := notFedTown(tx, a.Node); err != nil {
			return nil, err
		}
		if _, err := s.wc.actor(tx, a.By); err != nil {
			return nil, err
		}
		var ik []byte
		if a.Key != "" {
			ik = alertIdemKey(a.By, a.Key)
			if v := tx.Bucket(bucketIdempotency).Get(ik); v != nil {
				prev, err := s.idempotentAlert(tx, v, a.Key, sum)
				if err != nil {
					return nil, err
				}
				res = prev
				return nil, nil
			}
		}
		seq, err := tx.Bucket(bucketAlerts).NextSequence()
		if err != nil {
			return nil, err
		}
		rec := alertRecord{Device: a.Device, Kind: a.Kind, Node: string(a.Node), Text: a.Text, At: nanos(now), By: uint64(a.By)}
		open, err := s.alertIncident(tx, a.Node)
		if err != nil {
			return nil, err
		}
		var pending []pendingAlert
		if open == nil {
			if pending, err = pendingAlerts(tx, a.Node, now.Add(-rule.Window)); err != nil {
				return nil, err
			}
		}
		res.Seq, res.Count = seq, len(pending)+1
		var evs []model.Event
		switch rule.Decide(len(pending)+1, open != nil) {
		case model.AlertJoins:
			rec.Incident = open.Seq
			res.Incident, res.Attached = open.ID, true
			evs = append(evs, model.AlertEvent(a, *open, now))
		case model.AlertOpens:
			inc, ev, err := s.openAlertIncident(tx, now, a, pending)
			if err != nil {
				return nil, err
			}
			rec.Incident = inc.Seq
			res.Incident, res.Opened = inc.ID, true
			evs = append(evs, ev)
		}
		rec.Count, rec.Opened, rec.Attached = res.Count, res.Opened, res.Attached
		if err := putNewAlert(tx, seq, rec, ik, sum); err != nil {
			return nil, err
		}
		// An alert is a sign of life of the gateways over its node.
		bevs, err := s.alertBeats(tx, a.Node, now)
		if err != nil {
			return nil, err
		}
		return append(evs, bevs...), nil
	})
	if err != nil {
		return model.AlertResult{}, err
	}
	return res, nil
}

// alertIncident is the open incident node's alerts last opened (meta
// alert/<code>), nil if there is none or it is no longer open.
func (s *DB) alertIncident(tx *bolt.Tx, node model.NodeCode) (*model.Incident, error) {
	v := tx.Bucket(bucketMeta).Get(alertMetaKey(node))
	if v == nil {
		return nil, nil
	}
	if len(v) != 8 {
		return nil, fmt.Errorf("meta/%s%s: %d bytes, want 8", metaAlertPrefix, node, len(v))
	}
	inc, err := s.getIncident(tx, getU64(v))
	if err != nil || !inc.Status.Open() {
		return nil, err
	}
	return &inc, nil
}

// openAlertIncident files the incident the rule opens for alert a and the
// pending alerts before it (the rule's report over them all), makes the
// pending ones part of it and names it the node's alert incident.
func (s *DB) openAlertIncident(tx *bolt.Tx, now time.Time, a model.Alert, pending []pendingAlert) (model.Incident, model.Event, error) {
	rule := s.opts.Policy.Alerts
	list := make([]model.Alert, 0, len(pending)+1)
	at := make([]time.Time, 0, len(pending)+1)
	for _, p := range pending {
		list = append(list, model.Alert{Device: p.rec.Device, Kind: p.rec.Kind, Node: a.Node, Text: p.rec.Text})
		at = append(at, fromNanos(p.rec.At, s.opts.Location))
	}
	list, at = append(list, a), append(at, now)
	c, err := rule.AlertReport(a.Node, list, at, s.opts.Location).Check(s.opts.Policy)
	if err != nil {
		return model.Incident{}, model.Event{}, err
	}
	inc, ev, err := s.fileReport(tx, now, c, nil)
	if err != nil {
		return model.Incident{}, model.Event{}, err
	}
	for _, p := range pending {
		p.rec.Incident = inc.Seq
		if err := putAlert(tx, p.seq, p.rec); err != nil {
			return model.Incident{}, model.Event{}, err
		}
	}
	if err := tx.Bucket(bucketMeta).Put(alertMetaKey(a.Node), u64(inc.Seq)); err != nil {
		return model.Incident{}, model.Event{}, err
	}
	return inc, ev, nil
}

// putNewAlert writes a new alert: its record, its idx_alert_source entry
// and, with an idempotency key ik, the entry that answers its retries.
func putNewAlert(tx *bolt.Tx, seq uint64, rec alertRecord, ik []byte, sum [32]byte) error {
	if err := putAlert(tx, seq, rec); err != nil {
		return err
	}
	if err := tx.Bucket(bucketIdxAlertSource).Put(alertSourceKey(model.NodeCode(rec.Node), rec.At, seq), []byte{}); err != nil {
		return err
	}
	if ik == nil {
		return nil
	}
	return tx.Bucket(bucketIdempotency).Put(ik, idemValue(seq, sum))
}

// idempotentAlert answers a retried alert from what the first one stored.
func (s *DB) idempotentAlert(tx *bolt.Tx, v []byte, key string, sum [32]byte) (model.AlertResult, error) {
	seq, h, ok := splitIdemValue(v)
	if !ok {
		return model.AlertResult{}, fmt.Errorf("idempotency: alert key %q: malformed value", key)
	}
	if !bytes.Equal(h, sum[:]) {
		return model.AlertResult{}, model.Errorf(model.ECONFLICT, "Idempotency-Key %q was used for a different alert", key).
			Zh("Idempotency-Key %q 已用于另一条告警", key)
	}
	av := tx.Bucket(bucketAlerts).Get(u64(seq))
	if av == nil {
		return model.AlertResult{}, fmt.Errorf("idempotency: alert key %q points at missing alert %d", key, seq)
	}
	rec, err := decodeAlert(seq, av)
	if err != nil {
		return model.AlertResult{}, err
	}
	res := model.AlertResult{Seq: seq, Count: rec.Count, Opened: rec.Opened, Attached: rec.Attached, Duplicate: true}
	if rec.Incident != 0 { // the one it opened or joined, or became part of since
		inc, err := s.getIncident(tx, rec.Incident)
		if err != nil {
			return model.AlertResult{}, err
		}
		res.Incident = inc.ID
	}
	return res, nil
}

// pendingAlerts lists the node's alerts since from that are not part of an
// incident, oldest first.
func pendingAlerts(tx *bolt.Tx, node model.NodeCode, from time.Time) ([]pendingAlert, error) {
	alerts := tx.Bucket(bucketAlerts)
	prefix := exactPrefix(node)
	var out []pendingAlert
	c := tx.Bucket(bucketIdxAlertSource).Cursor()
	for k, _ := c.Seek(alertSourceKey(node, nanos(from), 0)); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		_, _, seq, ok := splitAlertSourceKey(k)
		if !ok {
			return nil, fmt.Errorf("idx_alert_source: malformed key %x", k)
		}
		v := alerts.Get(u64(seq))
		if v == nil {
			return nil, fmt.Errorf("idx_alert_source: alert %d is missing", seq)
		}
		r, err := decodeAlert(seq, v)
		if err != nil {
			return nil, err
		}
		if r.Incident == 0 {
			out = append(out, pendingAlert{seq: seq, rec: r})
		}
	}
	return out, nil
}
