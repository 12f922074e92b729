package model

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Federation (联邦): every town's log flows up to the county's hub, and the
// county's commands for a town flow down, on NATS JetStream (package
// federation). The transport carries records it does not read: what a
// record says is the store's to write and to apply. These interfaces are
// the seam between the two: the store implements them, the federation
// package moves their bytes.

// FedRecord is one record of a town's outbound log, or one command for a
// town. Town and Seq identify it exactly once: the message id on the wire
// is FedMsgID(Town, Seq), and a reader that has applied (Town, Seq)
// applies it no more. Data is opaque to the transport.
type FedRecord struct {
	Town NodeCode
	Seq  uint64
	Data []byte
}

// FedMsgID is the Nats-Msg-Id of the record (town, seq): the town's code, a
// dash, the sequence in decimal.
func FedMsgID(town NodeCode, seq uint64) string {
	return string(town) + "-" + strconv.FormatUint(seq, 10)
}

// FedOutbox is a town's side of the uplink: the committed log as records to
// publish, and the durable cursor of what the local stream has taken.
type FedOutbox interface {
	// FedPending returns up to limit records of the town's log after seq,
	// in order (none when the log has nothing after it).
	FedPending(ctx context.Context, after uint64, limit int) ([]FedRecord, error)
	// FedCursor is the seq of the last record the local stream acknowledged
	// (0: none yet). It survives a restart, so records between it and the
	// log's end are published again; their ids make the second copy a
	// duplicate the stream drops.
	FedCursor(ctx context.Context) (uint64, error)
	// SetFedCursor records that the local stream has every record up to
	// seq. When the log ends before seq (a file older than its stream,
	// restored from a backup) it also moves the log's numbering past seq,
	// so that no new record takes a number the stream already holds.
	SetFedCursor(ctx context.Context, seq uint64) error
	// FedLast is the seq of the log's newest record (0: none).
	FedLast(ctx context.Context) (uint64, error)
	// FedNumberPast moves the numbering of incidents, activations and
	// people past every number recs carry: records of this town's stream
	// that the file lacks, a copy's that was lost (the file restored from
	// a backup), whose numbers the hub already holds. It says what of the
	// lost copy the file has not, and what of the file already clashes.
	FedNumberPast(ctx context.Context, recs []FedRecord) (FedLost, error)
}

// FedLost is what a town's file restored from a backup learns from the
// records of its stream past its cursor: the copy that was lost.
type FedLost struct {
	// Incidents are the ids of the lost copy's incidents the file has
	// not: the county keeps them.
	Incidents []string
	// Events are the seqs of the file's events (taken before its node
	// started) that the stream holds for other events: never sent.
	Events []uint64
	// Clashing are the ids of the file's incidents whose numbers a lost
	// one holds: a change to one of them goes over the county's copy of
	// the lost one.
	Clashing []string
}

// FedReadModel is the hub's side: it applies the towns' records to the
// county's file, each (town, seq) once.
type FedReadModel interface {
	// FedApply applies recs (of one town or several, each town's in seq
	// order) in one transaction and returns how many were new; a record at
	// or below its town's applied seq is skipped.
	FedApply(ctx context.Context, recs []FedRecord) (applied int, err error)
	// FedApplied is the last seq applied of town (0: none).
	FedApplied(ctx context.Context, town NodeCode) (uint64, error)
}

// FedCommander is a town's side of the downlink: it applies a command the
// hub sent (FedRecord.Town the town, Seq the command's number in the hub's
// command stream for the town), once, through the town's own rules. A
// refusal is not an error here: the town records it as an event of its
// log, which flows back up. An error means the command was not applied and
// should be delivered again.
type FedCommander interface {
	FedCommand(ctx context.Context, cmd FedRecord) error
}

// FedCommandOutbox is the hub's side of the downlink: the commands its
// rooms gave for towns that are federated (a county room's directive or
// wartime activation for a town is queued as a command for that town,
// not applied to the hub's copy), as records to publish on
// gridcmd.<town>.commands, in the order given. Seq is the hub's command
// number, one sequence for all towns, so each town sees its commands'
// numbers rise.
type FedCommandOutbox interface {
	FedCommandsPending(ctx context.Context, after uint64, limit int) ([]FedRecord, error)
	FedCommandCursor(ctx context.Context) (uint64, error)
	// SetFedCommandCursor records that the stream has every command up to
	// seq; past the file's numbering (a hub's file older than its stream,
	// restored from a backup) it moves the numbering past seq, so that no
	// new command takes a number the towns already applied.
	SetFedCommandCursor(ctx context.Context, seq uint64) error
	// FedCommandsLast is the number of the file's newest command (0: none).
	FedCommandsLast(ctx context.Context) (uint64, error)
}

// FedLink is the state of a link of the federation: a town's uplink as the
// town sees it (Role "town"), or one town as the hub sees it (Role "hub",
// one per town). The JSON is `gridcmd federation status --json`'s.
type FedLink struct {
	Role      string   `json:"role"` // "town" or "hub"
	Town      NodeCode `json:"town"`
	Hub       string   `json:"hub,omitempty"` // the hub's URL (town side)
	Connected bool     `json:"connected"`
	// Pending is how many events of the town the hub does not have yet:
	// on a town, those its stream holds past what the hub acknowledged;
	// on the hub, those it knows the town's stream holds past what it
	// applied.
	Pending    uint64 `json:"pending"`
	LastAckSeq uint64 `json:"last_ack_seq"` // the town's last event the hub has
	// LagSeconds is the age of the town's newest event the hub has, at the
	// time of asking (how stale the county's picture of the town is).
	LagSeconds float64 `json:"lag_seconds"`
	// CutSince is when the link was last seen down; zero while it is up.
	CutSince time.Time `json:"cut_since,omitzero"`
	// NodeDown: the node that carries the link (the hub, the town's serve)
	// is not running, so the link reads cut for that reason (not in the
	// JSON: federation status says it in its own line).
	NodeDown bool `json:"-"`
	// Linking: the link is not up yet, but its node started under
	// FedLinkGrace ago and has not seen it up since: it is being made (a
	// town reconnects every second), not known to be cut.
	Linking bool `json:"linking,omitempty"`
}

// FedLinkGrace is how long after its node starts a link that has not come
// up reads as being made (FedLink.Linking) rather than cut.
const FedLinkGrace = 10 * time.Second

// EQUEUED is the code of FedQueued: the command was not applied to this
// file, it was queued for the federated town it is for. Not a refusal: the
// town's room applies it (or refuses it, which comes back up as an event
// of the town's log).
const EQUEUED = "queued"

// FedQueued is what a hub's directive or wartime activation for a
// federated town returns instead of its result: the command went into the
// hub's command outbox (number seq) for towns (their names, as the tower
// has them), and waits for them to act. The console shows its message as
// it is: "sent to 花街镇, waiting for it to act" / "已发往花街镇，待其执行".
func FedQueued(seq uint64, towns ...string) *Error {
	en, zh := towns[0], towns[0]
	if len(towns) > 1 {
		en, zh = joinEn(towns), joinZh(towns)
	}
	them, it := "them", "it"
	if len(towns) == 1 {
		them = it
	}
	return Errorf(EQUEUED, "sent to %s, waiting for %s to act (command %d)", en, them, seq).
		Zh("已发往%s，待其执行（下行命令 %d）", zh, seq)
}

func joinEn(s []string) string {
	out := s[0]
	for i, x := range s[1:] {
		if i == len(s)-2 {
			out += " and " + x
		} else {
			out += ", " + x
		}
	}
	return out
}

func joinZh(s []string) string {
	out := s[0]
	for _, x := range s[1:] {
		out += "、" + x
	}
	return out
}

// IsFedQueued reports whether err is FedQueued: the command is on its way
// to a federated town, not refused.
func IsFedQueued(err error) bool { return ErrorCode(err) == EQUEUED }

// FedQueuedTowns is the names of the towns a FedQueued error says the
// command went to, read back from its message (nil for another error), so
// that a reader matches whole names, not a name within another's.
func FedQueuedTowns(err error) []string {
	if !IsFedQueued(err) {
		return nil
	}
	list, ok := strings.CutPrefix(ErrorMessage(err), "sent to ")
	if list, _, ok = strings.Cut(list, ", waiting for "); !ok || list == "" {
		return nil
	}
	last := strings.LastIndex(list, " and ")
	if last < 0 {
		return []string{list}
	}
	return append(strings.Split(list[:last], ", "), list[last+len(" and "):])
}

// ActFedRefused is the event a town writes when it refuses a command its
// hub sent (a directive or wartime activation its rules do not allow now):
// Directive names the command as FedMsgID(town, command seq), Note and
// NoteZh say what was asked and why it was refused. Like every event it
// flows back up to the hub.
const ActFedRefused Action = "command_refused"

// ActFedStructure is a marker a town writes in its log when the parts of
// a structure too large for one record need more records to ride on than
// its log has after it (the store's outbox writes it; nothing changes).
const ActFedStructure Action = "fed_structure"

// ActFedDuty is a marker a town writes in its log once, the first time
// its outbox runs: its records carry the town's duty schedule as it
// stands (each room's shifts from the one before its current one, the
// handovers still open, the joint rotations) to the hub, which knew only
// what later events carry.
// Directive names what a part carries (S-0001–S-0500, H-0003, R-0001); the
// last names nothing and says the schedule is all sent (nothing changes).
const ActFedDuty Action = "fed_duty"

// ActFedDropped is an event a hub writes of its own when a town's record
// carries a copy it cannot keep (a shift or handover in a room, a joint
// rotation over grids, that are no nodes of the town in the hub's file):
// Node is the town, Note and NoteZh name the record and what was dropped.
// The rest of the record is applied.
const ActFedDropped Action = "fed_dropped"

// The catalogue learns the federation's actions here, with its words.
func init() {
	actionZh[ActFedRefused] = "下行命令被拒"
	actionZh[ActFedStructure] = "结构报送"
	actionZh[ActFedDuty] = "排班报送"
	actionZh[ActFedDropped] = "副本未收录"
}

// FedTown is what a hub holds of one federated town: the last record it
// applied (Applied, the town's event seq), the time of the town's newest
// event it has (NewestAt: the age of the county's picture of the town is
// now minus NewestAt), and when it last applied one (AppliedAt, the hub's
// clock). The transport builds FedLink values from it.
type FedTown struct {
	Town      NodeCode  `json:"town"`
	Name      string    `json:"name"`
	Applied   uint64    `json:"applied"`
	NewestAt  time.Time `json:"newest_at,omitzero"`
	AppliedAt time.Time `json:"applied_at,omitzero"`
}

// FedHubTowns is the hub's list of the towns it holds records of, in code
// order (the store's; package federation reads it for FedLink).
type FedHubTowns interface {
	FedTowns(ctx context.Context) ([]FedTown, error)
}

// FedDirectiveCopy is the refusal, in a hub's file, of signing for or
// reporting on directive id, the hub's copy of town's directive fed (its
// id there): the town's units do so in the town's own room.
func FedDirectiveCopy(id, fed, town string) *Error {
	return Errorf(ECONFLICT, "%s is a directive of %s, a federated town (its %s): its units sign for it and report on it in %s's own room (this file holds a copy)", id, town, fed, town).
		Zh("%s 是联网镇%s的指令（该镇编号 %s）：由该镇各单元在本镇签收和报告进度（本库只存副本）", id, town, fed)
}

// FedResendRefused is the refusal, in a hub's file, of resending
// directive id, the hub's copy of a directive town's own room issued (fed,
// its id there): that room resends it. The county resends the directives
// it sent down (Directive.Command), as a command to the town.
func FedResendRefused(id, fed, town string) *Error {
	return Errorf(ECONFLICT, "%s was issued by %s's own room (its %s), a federated town: that room resends it; the county resends only the directives it sent down", id, town, fed).
		Zh("%s 由联网镇%s自行下达（该镇编号 %s）：由该镇指挥室重发；本级只能重发本级下达的指令", id, town, fed)
}
