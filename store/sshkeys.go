package store

// SSH keys of the seats (model.KeyService), in the buckets of schema 8:
//
//	ssh_keys            fingerprint -> sshKeyRecord
//	ssh_keys_by_person  u64 person id, fingerprint -> empty
//
// A fingerprint is "SHA256:" and 43 characters of base64, so every
// ssh_keys_by_person key has the same length and a person's entries are
// the keys with their id as prefix.

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

var _ model.KeyService = (*DB)(nil)

// sshKeyRecord is the stored form of an SSH key; the key is its fingerprint.
type sshKeyRecord struct {
	Person   uint64 `json:"person"`
	Type     string `json:"type"`
	Blob     []byte `json:"blob"`
	Name     string `json:"name,omitempty"`
	Added    int64  `json:"added"`
	LastUsed int64  `json:"last_used,omitempty"`
}

func (r sshKeyRecord) key(fp string, loc *time.Location) model.SSHKey {
	return model.SSHKey{
		Fingerprint: fp, Type: r.Type, Blob: r.Blob, Person: model.PersonID(r.Person), Name: r.Name,
		Added: fromNanos(r.Added, loc), LastUsed: fromNanos(r.LastUsed, loc),
	}
}

func decodeSSHKey(k, v []byte) (sshKeyRecord, error) {
	return decodeRecord[sshKeyRecord](v, "ssh key %s", k)
}

func putSSHKey(tx *bolt.Tx, fp string, r sshKeyRecord) error {
	return putRecord(tx.Bucket(bucketSSHKeys), []byte(fp), r)
}

func sshKeyByPersonKey(person uint64, fp string) []byte { return append(u64(person), fp...) }

// keyEvent is a key's event; the console puts the action's name (ssh key,
// SSH 密钥) before its note.
func keyEvent(now time.Time, p model.Person, note, noteZh string) model.Event {
	return model.Event{At: now, Actor: model.System, ActorName: "system", Action: model.ActKey, Node: p.Node, Note: note, NoteZh: noteZh}
}

// validFingerprint: "SHA256:" and 43 characters of unpadded base64.
func validFingerprint(fp string) bool {
	const pre = "SHA256:"
	if len(fp) != len(pre)+43 || !strings.HasPrefix(fp, pre) {
		return false
	}
	for _, c := range fp[len(pre):] {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return false
		}
	}
	return true
}

func badFingerprint(fp string) error {
	if len(fp) > 60 {
		fp = fp[:60] + "..."
	}
	return model.Errorf(model.EINVALID, "fingerprint %q: want SHA256: and 43 characters, as 'gridcmd key list' shows it", fp).
		Zh("指纹 %q：应为 SHA256: 加 43 个字符，如 'gridcmd key list' 所示", fp).On("fingerprint")
}

// AddKey stores key for person after checking its wire format again (a
// key from the local API has not been through ParseAuthorizedKey here).
func (s *DB) AddKey(ctx context.Context, person model.PersonID, key model.SSHKey) (model.SSHKey, error) {
	if person == model.System {
		return model.SSHKey{}, model.Errorf(model.EINVALID, "SSH keys are added for people on the roster, not for the system").
			Zh("SSH 密钥只为名册中的人员添加，不为系统添加")
	}
	parsed, err := model.ParseAuthorizedKey(key.Type + " " + base64Std(key.Blob))
	if err != nil {
		return model.SSHKey{}, err
	}
	fp := parsed.Fingerprint
	name := model.CleanName(key.Name)
	var out model.SSHKey
	_, err = s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		p, err := getPerson(tx, person)
		if err != nil {
			return nil, err
		}
		if v := tx.Bucket(bucketSSHKeys).Get([]byte(fp)); v != nil {
			holder := "someone"
			if r, err := decodeSSHKey([]byte(fp), v); err == nil {
				holder = model.PersonID(r.Person).String()
			}
			return nil, model.Errorf(model.ECONFLICT, "key %s is already added (for %s); one key, one person", fp, holder).
				Zh("密钥 %s 已添加（属于 %s）；一把密钥只属于一人", fp, holder)
		}
		r := sshKeyRecord{Person: uint64(person), Type: parsed.Type, Blob: parsed.Blob, Name: name, Added: nanos(now)}
		if err := putSSHKey(tx, fp, r); err != nil {
			return nil, err
		}
		if err := tx.Bucket(bucketSSHKeysByPerson).Put(sshKeyByPersonKey(uint64(person), fp), []byte{}); err != nil {
			return nil, err
		}
		out = r.key(fp, s.opts.Location)
		return []model.Event{keyEvent(now, p, fmt.Sprintf("added for %s (%s), %s", p.ID, p.Name, fp),
			fmt.Sprintf("已为 %s（%s）添加，%s", p.ID, p.Name, fp))}, nil
	})
	if err != nil {
		return model.SSHKey{}, err
	}
	return out, nil
}

// Keys lists person's keys (everyone's for System), oldest first.
func (s *DB) Keys(ctx context.Context, person model.PersonID) ([]model.SSHKey, error) {
	out, err := viewOf(ctx, s, func(tx *bolt.Tx) ([]model.SSHKey, error) {
		return heldBy(tx, bucketSSHKeys, bucketSSHKeysByPerson, person, func(fp, v []byte) (model.SSHKey, error) {
			r, err := decodeSSHKey(fp, v)
			return r.key(string(fp), s.opts.Location), err
		}, func(fp []byte) error { return fmt.Errorf("ssh_keys_by_person: %s's key %s is missing", person, fp) })
	})
	oldestFirst(out, func(k model.SSHKey) (time.Time, string) { return k.Added, k.Fingerprint })
	return out, err
}

// deleteSSHKey removes the key fp from both buckets and returns it.
func deleteSSHKey(tx *bolt.Tx, fp string) (sshKeyRecord, error) {
	v := tx.Bucket(bucketSSHKeys).Get([]byte(fp))
	if v == nil {
		return sshKeyRecord{}, model.Errorf(model.ENOTFOUND, "no SSH key %s", fp).Zh("没有 SSH 密钥 %s", fp)
	}
	r, err := decodeSSHKey([]byte(fp), v)
	if err != nil {
		return r, err
	}
	if err := tx.Bucket(bucketSSHKeys).Delete([]byte(fp)); err != nil {
		return r, err
	}
	return r, tx.Bucket(bucketSSHKeysByPerson).Delete(sshKeyByPersonKey(r.Person, fp))
}

// RevokeKey removes the key with this fingerprint.
func (s *DB) RevokeKey(ctx context.Context, fingerprint string) (model.SSHKey, error) {
	fp := strings.TrimSpace(fingerprint)
	if !validFingerprint(fp) {
		return model.SSHKey{}, badFingerprint(fingerprint)
	}
	var out model.SSHKey
	_, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		r, err := deleteSSHKey(tx, fp)
		if err != nil {
			return nil, err
		}
		out = r.key(fp, s.opts.Location)
		p, err := actorOf(tx, model.PersonID(r.Person))
		if err != nil {
			p = model.Person{ID: model.PersonID(r.Person)}
		}
		return []model.Event{keyEvent(now, p, fmt.Sprintf("revoked for %s, %s", p.ID, fp),
			fmt.Sprintf("已吊销（%s），%s", p.ID, fp))}, nil
	})
	if err != nil {
		return model.SSHKey{}, err
	}
	return out, nil
}

// RevokeKeys removes every key of person.
func (s *DB) RevokeKeys(ctx context.Context, person model.PersonID) ([]model.SSHKey, error) {
	var out []model.SSHKey
	_, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		out = nil
		p, err := getPerson(tx, person)
		if err != nil {
			return nil, err
		}
		pk := u64(uint64(person))
		var fps []string
		c := tx.Bucket(bucketSSHKeysByPerson).Cursor()
		for k, _ := c.Seek(pk); k != nil && bytes.HasPrefix(k, pk); k, _ = c.Next() {
			fps = append(fps, string(k[8:]))
		}
		for _, fp := range fps {
			r, err := deleteSSHKey(tx, fp)
			if err != nil {
				return nil, err
			}
			out = append(out, r.key(fp, s.opts.Location))
		}
		if len(fps) == 0 {
			return nil, nil
		}
		return []model.Event{keyEvent(now, p, fmt.Sprintf("revoked for %s (all): %s", p.ID, strings.Join(fps, ", ")),
			fmt.Sprintf("已吊销（%s 的全部）：%s", p.ID, strings.Join(fps, "，")))}, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// KeyHolder is the key fp and its holder.
func (s *DB) KeyHolder(ctx context.Context, fingerprint string) (model.SSHKey, model.Person, error) {
	if err := ctx.Err(); err != nil {
		return model.SSHKey{}, model.Person{}, err
	}
	unknown := model.Errorf(model.EUNAUTHORIZED, "unknown SSH key").Zh("未知的 SSH 密钥")
	if !validFingerprint(fingerprint) {
		return model.SSHKey{}, model.Person{}, unknown
	}
	var key model.SSHKey
	var p model.Person
	err := s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketSSHKeys).Get([]byte(fingerprint))
		if v == nil {
			return unknown
		}
		r, err := decodeSSHKey([]byte(fingerprint), v)
		if err != nil {
			return err
		}
		key = r.key(fingerprint, s.opts.Location)
		if p, err = getPerson(tx, model.PersonID(r.Person)); model.ErrorCode(err) == model.ENOTFOUND {
			return model.Errorf(model.EUNAUTHORIZED, "the holder of SSH key %s has left the roster", fingerprint).
				Zh("SSH 密钥 %s 的持有人已不在名册中", fingerprint)
		}
		return err
	})
	return key, p, err
}

// RecordSeat logs a seat opening or closing, and marks the key used.
func (s *DB) RecordSeat(ctx context.Context, sr model.SeatRecord) error {
	_, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		p, err := getPerson(tx, sr.Person)
		if err != nil {
			return nil, err
		}
		if sr.Open && validFingerprint(sr.Fingerprint) {
			if v := tx.Bucket(bucketSSHKeys).Get([]byte(sr.Fingerprint)); v != nil {
				r, err := decodeSSHKey([]byte(sr.Fingerprint), v)
				if err != nil {
					return nil, err
				}
				r.LastUsed = nanos(now)
				if err := putSSHKey(tx, sr.Fingerprint, r); err != nil {
					return nil, err
				}
			}
		}
		sr.Command = seatCommand(sr.Command)
		en, zh := seatNotes(sr)
		return []model.Event{{At: now, Actor: p.ID, ActorName: model.ActorName(p), Action: model.ActSeat,
			Node: cmpNode(sr.Room, p.Node), Note: en, NoteZh: zh}}, nil
	})
	return err
}

func cmpNode(a, b model.NodeCode) model.NodeCode {
	if a != "" {
		return a
	}
	return b
}

// seatCommand is a command run over SSH as its event notes it: the text
// from the client cleaned as every text from outside is (model.CleanText,
// so no escape sequence reaches the consoles that show the event), cut at
// model.MaxNoteRunes.
func seatCommand(cmd string) string {
	c, _ := model.CleanText(strings.ToValidUTF8(cmd, "\uFFFD"), false)
	if r := []rune(c); len(r) > model.MaxNoteRunes {
		c = string(r[:model.MaxNoteRunes]) + "…"
	}
	return c
}

// seatNotes are the event's notes: what happened, the key, where from.
func seatNotes(sr model.SeatRecord) (string, string) {
	// The console puts the action's name (seat, 席位) before the note.
	what, whatZh := "opened", "已打开"
	switch {
	case sr.Command != "":
		what, whatZh = "ran '"+sr.Command+"' over SSH", "经 SSH 执行「"+sr.Command+"」"
	case !sr.Open:
		what, whatZh = "closed ("+sr.Reason+")", "已关闭（"+seatReasonZh(sr.Reason)+"）"
	}
	return fmt.Sprintf("%s, key %s, from %s", what, sr.Fingerprint, sr.Remote),
		fmt.Sprintf("%s，密钥 %s，来自 %s", whatZh, sr.Fingerprint, sr.Remote)
}

var seatReasonsZh = map[string]string{
	"quit": "退出", "revoked": "密钥已吊销", "idle": "空闲超时", "stalled": "客户端停止读取",
	"disconnected": "连接断开", "shutdown": "服务停止", "left roster": "已不在名册",
}

func seatReasonZh(r string) string {
	if zh, ok := seatReasonsZh[r]; ok {
		return zh
	}
	return r
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// sshKeys checks ssh_keys and ssh_keys_by_person against each other and
// the roster: each key's fingerprint is its blob's, its holder is on the
// roster and has its index entry, and each index entry points at a key of
// the same person.
func (c *checker) sshKeys(tx *bolt.Tx) error {
	byPerson := tx.Bucket(bucketSSHKeysByPerson)
	people := tx.Bucket(bucketPeople)
	keys := tx.Bucket(bucketSSHKeys)
	if err := c.each(keys, func(k, v []byte) error {
		r, err := decodeSSHKey(k, v)
		if err != nil {
			c.add("ssh_keys: %v", err)
			return nil
		}
		if model.KeyFingerprint(r.Blob) != string(k) {
			c.add("ssh_keys: key %s: its data has fingerprint %s", k, model.KeyFingerprint(r.Blob))
		}
		if people.Get(u64(r.Person)) == nil {
			c.add("ssh_keys: key %s belongs to missing person P%d", k, r.Person)
		}
		if byPerson.Get(sshKeyByPersonKey(r.Person, string(k))) == nil {
			c.add("ssh_keys_by_person: key %s of P%d has no entry", k, r.Person)
		}
		return nil
	}); err != nil {
		return err
	}
	return byPerson.ForEach(func(k, _ []byte) error {
		if len(k) <= 8 {
			c.add("ssh_keys_by_person: malformed key %x", k)
			return nil
		}
		v := keys.Get(k[8:])
		if v == nil {
			c.add("ssh_keys_by_person: entry of P%d points at missing key %s", getU64(k), k[8:])
			return nil
		}
		if r, err := decodeSSHKey(k[8:], v); err == nil && r.Person != getU64(k) {
			c.add("ssh_keys_by_person: entry of P%d, but key %s belongs to P%d", getU64(k), k[8:], r.Person)
		}
		return nil
	})
}
