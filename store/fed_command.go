package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// Down the chain: on a hub, a county room's directive or wartime
// activation for a federated town is not applied to the town's copy: it is
// queued in fed_commands (one sequence for every town) and the caller gets
// model.FedQueued. The transport publishes the commands
// (model.FedCommandOutbox); the town applies each one with FedCommand
// through the same writes its own room's calls make, once (meta
// fed/cmd_applied is written in the same transaction), and a refusal of
// its rules becomes a model.ActFedRefused event of its log, which flows
// back up.

// fedCommandVersion is the version of the commands the hub writes.
const fedCommandVersion = 1

// fedCommandWire is a command for a town: fed_commands' record and the
// published record's Data.
type fedCommandWire struct {
	V      int    `json:"v"`
	Town   string `json:"town"`
	Seq    uint64 `json:"seq"`
	Kind   string `json:"kind"` // fedCmdActivate, fedCmdDeactivate, fedCmdWiden, fedCmdDirective or fedCmdResend
	At     int64  `json:"at"`   // when the hub queued it, Unix nanos
	By     uint64 `json:"by"`   // the hub's person who gave it
	ByName string `json:"by_name"`
	// A directive.
	Text    string   `json:"text,omitempty"`
	Targets []string `json:"targets,omitempty"`
	// DeadlineAt is when the directive is due, Unix nanos: the town keeps
	// it as given, however long the command took to reach it. Deadline,
	// the time from the command's queueing, is what commands carried
	// before DeadlineAt (nanoseconds; from the town's clock then); it is
	// written too, for a town that does not read DeadlineAt yet.
	Deadline   int64 `json:"deadline,omitempty"`
	DeadlineAt int64 `json:"deadline_at,omitempty"`
	// A wartime activation (a widening: its scope to take in too).
	Reason string   `json:"reason,omitempty"`
	Scope  []string `json:"scope,omitempty"`
	Drill  bool     `json:"drill,omitempty"`
	Note   string   `json:"note,omitempty"`
	// The end or the widening of a wartime: the town's own activation seq.
	Activation uint64 `json:"activation,omitempty"`
	// A resend: the town's own directive seq, and the node within which
	// ("" every silent unit).
	Directive uint64 `json:"directive,omitempty"`
	Within    string `json:"within,omitempty"`
}

// The kinds of command.
const (
	fedCmdActivate   = "activate"
	fedCmdDeactivate = "deactivate"
	fedCmdWiden      = "widen" // a wartime's scope widened (Widen)
	fedCmdDirective  = "directive"
	fedCmdResend     = "resend" // a directive the county sent down, to its silent units again
)

// fedQueue is what a hub's write queued instead of applying: the last
// command's seq (0: nothing queued) and the towns' names.
type fedQueue struct {
	seq   uint64
	towns []string
}

func (q *fedQueue) err() error { return model.FedQueued(q.seq, q.towns...) }

// queueActivation queues an activation over the towns of order (each its
// parts) when they are federated (queued true); false when none is; a
// scope mixing federated towns with the file's own is refused.
func (s *DB) queueActivation(tx *bolt.Tx, now time.Time, actor model.Person, q *fedQueue, order []model.NodeCode, parts map[model.NodeCode][]model.NodeCode, r model.Reason, drill bool, note string) (bool, error) {
	*q = fedQueue{}
	var fed, own []model.NodeCode
	for _, t := range order {
		if isFedTown(tx, t) {
			fed = append(fed, t)
		} else {
			own = append(own, t)
		}
	}
	switch {
	case len(fed) == 0:
		return false, nil
	case len(own) > 0:
		return false, model.Errorf(model.EINVALID, "scope: %s are federated towns, which get the activation as a command, and %s are this file's own: activate them apart", joinCodes(fed), joinCodes(own)).
			Zh("范围：%s 为联网镇（以下行命令发出），%s 为本库的镇：请分开启动", joinCodes(fed), joinCodes(own)).On("scope")
	}
	for _, t := range fed {
		c := fedCommandWire{Kind: fedCmdActivate, Reason: string(r), Scope: codeStrings(parts[t]), Drill: drill, Note: note}
		if err := s.queueCommand(tx, now, actor, q, t, c); err != nil {
			return false, err
		}
	}
	return true, nil
}

// queueDeactivation queues the end of a, the hub's copy of a federated
// town's wartime, as a command naming the town's own activation (queued
// true); false when a is no federated town's.
func (s *DB) queueDeactivation(tx *bolt.Tx, now time.Time, actor model.Person, q *fedQueue, a model.Activation) (bool, error) {
	return s.queueActivationCommand(tx, now, actor, q, a, fedCommandWire{Kind: fedCmdDeactivate})
}

// queueActivationCommand queues cmd about a, the hub's copy of a federated
// town's wartime, naming the town's own activation (queued true); false
// when a is no federated town's.
func (s *DB) queueActivationCommand(tx *bolt.Tx, now time.Time, actor model.Person, q *fedQueue, a model.Activation, cmd fedCommandWire) (bool, error) {
	*q = fedQueue{}
	if len(a.Scope) == 0 || !isFedTown(tx, a.Scope[0].Town()) {
		return false, nil
	}
	town := a.Scope[0].Town()
	own, ok := townActivation(tx, town, a.Seq)
	if !ok {
		return false, fmt.Errorf("fed_acts: %s has no activation of town %s", a.ID, town)
	}
	cmd.Activation = own
	return true, s.queueCommand(tx, now, actor, q, town, cmd)
}

// queueWiden queues the widening of a, the hub's copy of a federated
// town's wartime, over codes too, as a command naming the town's own
// activation (queued true); false when a is no federated town's.
func (s *DB) queueWiden(tx *bolt.Tx, now time.Time, actor model.Person, q *fedQueue, a model.Activation, codes []model.NodeCode) (bool, error) {
	return s.queueActivationCommand(tx, now, actor, q, a, fedCommandWire{Kind: fedCmdWiden, Scope: codeStrings(codes)})
}

// townActivation is the town's own seq of the hub's activation seq (the
// reverse of fed_acts).
func townActivation(tx *bolt.Tx, town model.NodeCode, seq uint64) (uint64, bool) {
	prefix := exactPrefix(town)
	c := tx.Bucket(bucketFedActs).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(v) == 8 && getU64(v) == seq {
			_, own, ok := splitCodeKey(k)
			return own, ok
		}
	}
	return 0, false
}

// queueDirective queues a directive to codes, due deadline after now,
// when their town is federated (queued true).
func (s *DB) queueDirective(tx *bolt.Tx, now time.Time, actor model.Person, q *fedQueue, text string, codes []model.NodeCode, deadline time.Duration) (bool, error) {
	*q = fedQueue{}
	if len(codes) == 0 {
		return false, nil
	}
	town, err := model.OneTown(codes, "to", nil)
	if err != nil || !isFedTown(tx, town) {
		return false, nil // the directive's own checks refuse what is wrong
	}
	c := fedCommandWire{Kind: fedCmdDirective, Text: text, Targets: codeStrings(codes), Deadline: int64(deadline),
		DeadlineAt: nanos(now.Add(deadline))}
	return true, s.queueCommand(tx, now, actor, q, town, c)
}

// queueCommand writes c for town as the hub's next command.
func (s *DB) queueCommand(tx *bolt.Tx, now time.Time, actor model.Person, q *fedQueue, town model.NodeCode, c fedCommandWire) error {
	b := tx.Bucket(bucketFedCommands)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	c.V, c.Town, c.Seq, c.At, c.By, c.ByName = fedCommandVersion, string(town), seq, nanos(now), uint64(actor.ID), model.ActorName(actor)
	v, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if err := b.Put(u64(seq), v); err != nil {
		return err
	}
	q.seq = seq
	q.towns = append(q.towns, nodeName(tx, town))
	return nil
}

// FedCommandsPending returns up to limit of the hub's commands after seq,
// in order (each with its town).
func (s *DB) FedCommandsPending(ctx context.Context, after uint64, limit int) ([]model.FedRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []model.FedRecord
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketFedCommands).Cursor()
		for k, v := c.Seek(u64(after + 1)); k != nil && len(out) < limit; k, v = c.Next() {
			var w fedCommandWire
			if err := json.Unmarshal(v, &w); err != nil {
				return fmt.Errorf("fed_commands/%d: %w", getU64(k), err)
			}
			out = append(out, model.FedRecord{Town: model.NodeCode(w.Town), Seq: getU64(k), Data: append([]byte(nil), v...)})
		}
		return nil
	})
	return out, err
}

// FedCommandCursor is the last command the hub's stream has (meta
// fed/cmd_cursor; 0 for none).
func (s *DB) FedCommandCursor(ctx context.Context) (uint64, error) {
	return s.metaNumber(ctx, metaFedCmdCursor)
}

// SetFedCommandCursor records that the hub's stream has every command up
// to seq (advanceCursor: it never goes back, and past the commands'
// numbering moves it past seq; the towns skip a command numbered at or
// below the last they applied, so a new one must never take a lost
// copy's number).
func (s *DB) SetFedCommandCursor(ctx context.Context, seq uint64) error {
	return s.advanceCursor(ctx, metaFedCmdCursor, bucketFedCommands, seq)
}

// FedCommandsLast is the number of the file's newest command (0: none).
func (s *DB) FedCommandsLast(ctx context.Context) (uint64, error) {
	return s.lastKey(ctx, bucketFedCommands)
}

// FedCommand applies a command of the hub, once: a command at or below
// meta fed/cmd_applied was applied (or refused) before and is skipped. It
// runs the write the town room's own call runs (ActivateTowns',
// IssueDirective's), as the system on the county officer's behalf, with
// fed/cmd_applied in the same transaction. A refusal of the rules (a
// domain error: the town in wartime already, a directive outside its
// scope...) is recorded as an ActFedRefused event naming the command, in a
// transaction of its own with fed/cmd_applied; any other error is returned
// and the command should come again.
func (s *DB) FedCommand(ctx context.Context, cmd model.FedRecord) error {
	var w fedCommandWire
	if err := json.Unmarshal(cmd.Data, &w); err != nil {
		return model.Errorf(model.EINVALID, "federation: command %s is not a command (%v)", model.FedMsgID(cmd.Town, cmd.Seq), err).
			Zh("联网：下行命令 %s 无法解读（%v）", model.FedMsgID(cmd.Town, cmd.Seq), err)
	}
	if w.V != fedCommandVersion || model.NodeCode(w.Town) != cmd.Town || w.Seq != cmd.Seq {
		return model.Errorf(model.EINVALID, "federation: command %s is of version %d and says it is %s; this gridcmd reads version %d",
			model.FedMsgID(cmd.Town, cmd.Seq), w.V, model.FedMsgID(model.NodeCode(w.Town), w.Seq), fedCommandVersion).
			Zh("联网：下行命令 %s 的版本为 %d，自称 %s；本程序只能读取版本 %d",
				model.FedMsgID(cmd.Town, cmd.Seq), w.V, model.FedMsgID(model.NodeCode(w.Town), w.Seq), fedCommandVersion)
	}
	fn, err := s.commandFn(w)
	if err == nil {
		_, err = s.write(ctx, s.onceFn(w, fn))
	}
	if err == nil || !refusal(err) {
		return err
	}
	_, err = s.write(ctx, s.onceFn(w, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		return []model.Event{refusedEvent(w, err, now)}, nil
	}))
	return err
}

// refusal: a domain error of the rules or the input, which delivering the
// command again would not change.
func refusal(err error) bool {
	switch model.ErrorCode(err) {
	case model.ECONFLICT, model.EFORBIDDEN, model.EINVALID, model.ENOTFOUND:
		return true
	}
	return false
}

// commandFn is the write of command w on this town: its checks before the
// writer (those the service methods make), then their write.
func (s *DB) commandFn(w fedCommandWire) (writeFn, error) {
	switch w.Kind {
	case fedCmdActivate:
		r, err := model.ParseReason(w.Reason)
		if err != nil {
			return nil, err
		}
		codes, err := parseScope(nodeCodes(w.Scope))
		if err != nil {
			return nil, err
		}
		if _, err := model.OneTown(codes, "scope", nil); err != nil {
			return nil, err
		}
		var out []model.Activation
		return s.activateFn(r, codes, w.Drill, w.Note, model.System, &out, nil), nil
	case fedCmdDeactivate:
		if w.Activation == 0 {
			return nil, model.Errorf(model.EINVALID, "federation: command %d ends no wartime", w.Seq).
				Zh("联网：下行命令 %d 未指明要结束的战时", w.Seq)
		}
		var out model.AfterAction
		return s.deactivateFn(w.Activation, model.FormatActivationID(w.Activation), model.System, &out, nil), nil
	case fedCmdWiden:
		if w.Activation == 0 {
			return nil, model.Errorf(model.EINVALID, "federation: command %d widens no wartime", w.Seq).
				Zh("联网：下行命令 %d 未指明要扩大的战时", w.Seq)
		}
		codes, err := parseScope(nodeCodes(w.Scope))
		if err != nil {
			return nil, err
		}
		var out model.Activation
		return s.widenFn(w.Activation, codes, model.System, &out, nil), nil
	case fedCmdDirective:
		codes := make([]model.NodeCode, 0, len(w.Targets))
		for _, t := range w.Targets {
			c, err := model.ParseNodeCode(t)
			if err != nil {
				return nil, model.Errorf(model.EINVALID, "to: %s", model.ErrorMessage(err)).Zh("下达范围：%s", model.ErrorMessageZh(err))
			}
			codes = append(codes, c)
		}
		var d model.Directive
		var units []model.DirectiveUnit
		return s.directiveFn(w.Text, codes, w.due(s.opts.Location), model.System, w.Seq, &d, &units, nil), nil
	case fedCmdResend:
		within, err := resendWithin(w)
		if err != nil {
			return nil, err
		}
		var n int
		return s.resendFn(w.Directive, within, model.System, &n, nil), nil
	}
	return nil, model.Errorf(model.EINVALID, "federation: command %d is of a kind this gridcmd does not know (%q)", w.Seq, w.Kind).
		Zh("联网：下行命令 %d 的类型本程序不认识（%q）", w.Seq, w.Kind)
}

// due is directive command w's deadline: the time it carries, kept as
// IssueDirectiveAt keeps the county form's (one that passed on the way is
// refused, and the refusal flows back up); a command of before that time
// was carried gives the duration it carries from the town's clock.
func (w fedCommandWire) due(loc *time.Location) dueFn {
	if w.DeadlineAt == 0 {
		return within(time.Duration(w.Deadline))
	}
	at := fromNanos(w.DeadlineAt, loc)
	return func(now time.Time) (time.Duration, error) {
		return at.Sub(now), model.DirectiveDue(at, now)
	}
}

// onceFn runs fn unless command w was applied before, checks that it is
// for this file's town, marks its events as the county's command and
// writes fed/cmd_applied.
func (s *DB) onceFn(w fedCommandWire, fn writeFn) writeFn {
	return func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		done, err := metaU64(tx, metaFedCmdApplied)
		if err != nil || w.Seq <= done {
			return nil, err
		}
		town, err := fileTown(tx, s.path)
		if err != nil {
			return nil, err
		}
		if string(town) != w.Town {
			return nil, fmt.Errorf("federation: command %d is for town %s; this file is town %s's", w.Seq, w.Town, town)
		}
		evs, err := fn(tx, now)
		if err != nil {
			return nil, err
		}
		for i := range evs {
			evs[i].ActorName = w.ByName
			if evs[i].Action == model.ActFedRefused {
				continue
			}
			evs[i].Note += fmt.Sprintf(" (command %d from the county, by %s)", w.Seq, w.ByName)
			if evs[i].NoteZh != "" {
				evs[i].NoteZh += fmt.Sprintf("（上级下行命令 %d，%s 下达）", w.Seq, w.ByName)
			}
		}
		return evs, tx.Bucket(bucketMeta).Put(metaFedCmdApplied, u64(w.Seq))
	}
}

// refusedEvent is the event of a command the town's rules refused.
func refusedEvent(w fedCommandWire, err error, now time.Time) model.Event {
	what, whatZh, where := "", "", ""
	switch w.Kind {
	case fedCmdActivate:
		r := model.Reason(w.Reason)
		what, whatZh, where = fmt.Sprintf("wartime activation (%s) over %s", r, strings.Join(w.Scope, ",")),
			fmt.Sprintf("战时启动（%s），范围 %s", r.Zh(), strings.Join(w.Scope, ",")), firstOf(w.Scope)
	case fedCmdDeactivate:
		id := model.FormatActivationID(w.Activation)
		what, whatZh = "the end of wartime "+id, "结束战时 "+id
	case fedCmdWiden:
		id := model.FormatActivationID(w.Activation)
		what, whatZh, where = fmt.Sprintf("the widening of wartime %s to %s", id, strings.Join(w.Scope, ",")),
			fmt.Sprintf("扩大战时 %s 范围至 %s", id, strings.Join(w.Scope, ",")), firstOf(w.Scope)
	case fedCmdDirective:
		what, whatZh, where = fmt.Sprintf("directive to %s: %s", strings.Join(w.Targets, ","), w.Text),
			fmt.Sprintf("指令 → %s：%s", strings.Join(w.Targets, ","), w.Text), firstOf(w.Targets)
	case fedCmdResend:
		id := model.FormatDirectiveID(w.Directive)
		what, whatZh, where = "the resend of directive "+id, "重发指令 "+id, w.Within
	default:
		what, whatZh = "a command of kind "+w.Kind, "类型为 "+w.Kind+" 的命令"
	}
	if !strings.HasPrefix(where, w.Town) {
		where = w.Town
	}
	return model.Event{
		At: now, Actor: model.System, ActorName: w.ByName, Action: model.ActFedRefused,
		Node: model.NodeCode(where), Directive: model.FedMsgID(model.NodeCode(w.Town), w.Seq),
		Note:   fmt.Sprintf("command %d from the county (%s, by %s) refused: %s", w.Seq, what, w.ByName, model.ErrorMessage(err)),
		NoteZh: fmt.Sprintf("上级下行命令 %d（%s，%s 下达）被拒绝：%s", w.Seq, whatZh, w.ByName, model.ErrorMessageZh(err)),
	}
}

func firstOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}
