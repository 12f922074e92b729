package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"gridcmd/model"
)

// Options configure Open. Zero fields take the defaults noted.
type Options struct {
	Timeout  time.Duration    // how long to wait for the file lock; default 2s
	Now      func() time.Time // the clock; default time.Now
	Policy   model.Policy     // the rules' clocks and categories; zero means model.DefaultPolicy()
	Prefix   string           // town prefix of incident ids; default "HJ"
	Location *time.Location   // the local day of incident ids; default time.Local

	// MustExist refuses a path that holds no database (nothing there, an
	// empty file, or a bbolt file without gridcmd's schema) with ENOTFOUND
	// "no database at F; run gridcmd init", and leaves it as it was.
	// Without it Open makes the database: the cli sets it for every
	// command but the ones that create (init, import villages, demo).
	MustExist bool
	// ReadOnly opens the file read-only under bbolt's shared lock: other
	// read-only opens (by any user who may read the file) run at the same
	// time, a writer cannot. It migrates nothing (a file of an older schema
	// is refused: a read-write open upgrades it), writes no pid file, and
	// every write is refused with EUNAVAIL. It implies MustExist.
	ReadOnly bool
}

// DefaultTimeout is how long Open waits for another process's lock.
const DefaultTimeout = 2 * time.Second

// DB is model.Service on one bbolt file. Its methods are safe for concurrent
// use.
type DB struct {
	db      *bolt.DB
	path    string
	pidPath string
	opts    Options

	mu      sync.RWMutex // guards closed; held (read) while enqueueing
	closed  bool
	queue   chan *request
	stopped chan struct{} // closed when the writer has drained and exited

	// The writer goroutine's alone:
	wc        writerCache  // people and nodes, across transactions
	wt        txState      // what the requests of one transaction share
	batch     []*request   // the requests of the current transaction
	commits   atomic.Int64 // transactions committed by the writer
	committed atomic.Int64 // requests they carried
	opened    time.Time    // when Open made s: the base of lastBurst, with the monotonic reading
	lastBurst atomic.Int64 // when the writer last committed a burst's transaction, ns after opened (0: none yet)

	pts pointsState // the points' rules, set at Open (loadPoints)

	// watchLook makes the first sweep look at the watchdogs whatever meta
	// watch/next says, when something was watched as the file opened: the
	// silences configured now may be shorter than those it was set by.
	watchLook atomic.Bool

	// fedParts remembers the parts of the latest structure FedPending built
	// (fed_outbox.go).
	fedParts atomic.Pointer[fedPartsSeen]

	subMu     sync.Mutex
	subs      map[*subscription]struct{}
	subBuffer int // batches a subscriber may fall behind (subBuffer; tests lower it)
}

var _ model.Service = (*DB)(nil)

// migrations bring a file from schema i to i+1. Append only: a released
// entry never changes, because files in the field were written by it.
var migrations = []func(tx *bolt.Tx) error{
	// 1: the buckets. The names are spelled out, not taken from the bucket
	// variables: what a migration does must not change after its release.
	createBuckets(
		"meta", "nodes", "people", "people_by_node", "incidents", "incident_ids", "idx_open", "idx_due",
		"idx_node", "events", "idx_incident_events",
	),
	// 2: wartime (activations, their units and drafts, directives and their
	// units, the after-action summaries).
	createBuckets(
		"wt_activations", "wt_units", "wt_drafts", "wt_after", "directives", "directive_units",
		"idx_dir_due", "idx_unit_directives",
	),
	// 3: field intake (bearer tokens, idempotency keys, sensor alerts).
	createBuckets("tokens", "tokens_by_person", "idempotency", "alerts", "idx_alert_source"),
	// 4: idx_node keyed by block first (u64 seq>>8, code, 0x00, u64 seq):
	// the old keys (code, 0x00, u64 seq) are rewritten.
	func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("idx_node"))
		var keys [][]byte
		if err := b.ForEach(func(k, _ []byte) error {
			if len(k) < 9 || k[len(k)-9] != 0 {
				return fmt.Errorf("idx_node: malformed key %q", k)
			}
			seq := binary.BigEndian.Uint64(k[len(k)-8:])
			nk := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(k)), seq>>8)
			keys = append(keys, append(nk, k...))
			return nil
		}); err != nil {
			return err
		}
		if err := tx.DeleteBucket([]byte("idx_node")); err != nil {
			return err
		}
		nb, err := tx.CreateBucket([]byte("idx_node"))
		if err != nil {
			return err
		}
		for _, k := range keys {
			if err := nb.Put(k, []byte{}); err != nil {
				return err
			}
		}
		return nil
	},
	// 5: incident_ids keyed by date, u64 daily number, prefix instead of
	// the id string, so that a day's ids sort by number past 9999 and a new
	// one goes at the end; the old keys "HJ-20261129-0001" are rewritten. An
	// old key that is not an id gridcmd gives out, or that would land on a
	// key already taken, is kept as it was in incident_ids_v4_unread
	// (gridcmd check reports it), never dropped and never a reason to refuse
	// the file.
	func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("incident_ids"))
		type entry struct{ k, v []byte }
		var entries []entry
		if err := b.ForEach(func(k, v []byte) error {
			entries = append(entries, entry{append([]byte(nil), k...), append([]byte(nil), v...)})
			return nil
		}); err != nil {
			return err
		}
		if err := tx.DeleteBucket([]byte("incident_ids")); err != nil {
			return err
		}
		nb, err := tx.CreateBucket([]byte("incident_ids"))
		if err != nil {
			return err
		}
		var unread *bolt.Bucket
		for _, e := range entries {
			nk, ok := migrateIDKey5(string(e.k))
			if ok && nb.Get(nk) == nil {
				if err := nb.Put(nk, e.v); err != nil {
					return err
				}
				continue
			}
			if unread == nil {
				if unread, err = tx.CreateBucketIfNotExists([]byte("incident_ids_v4_unread")); err != nil {
					return err
				}
			}
			if err := unread.Put(e.k, e.v); err != nil {
				return err
			}
		}
		return nil
	},
	// 6: the duty schedule, handovers and watchdogs (shifts and their room
	// index, handovers and theirs, gateway heartbeats, village room watches).
	// Incident records gain supervisions and next_supervision, absent in
	// older ones (read as zero), so nothing is rewritten.
	createBuckets("duty_shifts", "idx_shift_room", "handovers", "idx_handover_room", "heartbeats", "room_watch"),
	// 7: patrols (patrol areas, patrols, findings and the liaison's desk,
	// joint rotations and their reports, the field API's idempotency keys
	// for them).
	createBuckets(
		"patrol_areas", "patrols", "idx_patrols_active", "findings", "idx_findings_waiting", "rotations",
		"rotation_reports", "patrol_idem",
	),
	// 8: SSH keys of the seats (ssh_keys by fingerprint, and by person).
	createBuckets("ssh_keys", "ssh_keys_by_person"),
	// 9: node_counts, the per-node counters (model.Counts), built from a
	// full recount of the file's nodes, people and open incidents.
	migrateCounts9,
	// 10: wartime per town.
	migrateWartimePerTown10,
	// 11: the points (积分): their rule sets, and the totals by day and by
	// month (store/points.go).
	migratePoints,
	// 12: the points' report and patrol indicators pay the event's subject
	// (the finder of a finding passed on, the patroller of a patrol ended).
	migratePointsSubject12,
	// 13: the command room's figures: idx_escalations and idx_pass_on,
	// filled from the event log.
	migrateFigures13,
	// 14: federation (issue 16): the hub's record of each town
	// (fed_towns), its maps from a town's person ids, incident seqs and
	// activation seqs to the hub's (fed_people, fed_incidents, fed_acts),
	// and its command outbox (fed_commands). Event records gain "fed",
	// absent in older ones.
	func(tx *bolt.Tx) error {
		for _, name := range [][]byte{
			[]byte("fed_towns"), []byte("fed_people"), []byte("fed_incidents"), []byte("fed_acts"), []byte("fed_commands"),
		} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	},
	// 15: the points' day totals kept in their month's entry of
	// points_month; points_day goes (store/points.go).
	migratePointsDaysInMonth,
	// 16: federation: the hub's maps from a town's directive, patrol and
	// finding seqs to the hub's, and from its patrol area codes to the
	// hub's (fed_directives, fed_patrols, fed_findings, fed_areas).
	createBuckets("fed_directives", "fed_patrols", "fed_findings", "fed_areas"),
	// 17: federation: the hub's maps from a town's shift, handover and
	// joint rotation seqs to the hub's (fed_shifts, fed_handovers,
	// fed_rotations).
	createBuckets("fed_shifts", "fed_handovers", "fed_rotations"),
}

// createBuckets is the migration that creates the buckets names. Released
// migrations call it: what it does must not change.
func createBuckets(names ...string) func(tx *bolt.Tx) error {
	return func(tx *bolt.Tx) error {
		for _, name := range names {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return err
			}
		}
		return nil
	}
}

// migrateCounts9 creates node_counts and fills it from a full recount.
func migrateCounts9(tx *bolt.Tx) error {
	if _, err := tx.CreateBucketIfNotExists([]byte("node_counts")); err != nil {
		return err
	}
	return buildCounts(tx)
}

// migrateWartimePerTown10: meta "wt/active" (the file's one active
// activation) becomes "wt/active/" and the code of each town its scope
// reaches, all pointing at it.
func migrateWartimePerTown10(tx *bolt.Tx) error {
	meta := tx.Bucket([]byte("meta"))
	v := meta.Get([]byte("wt/active"))
	if v == nil {
		return nil
	}
	if len(v) != 8 {
		return fmt.Errorf("meta/wt/active: %d bytes, want 8", len(v))
	}
	rec := tx.Bucket([]byte("wt_activations")).Get(v)
	if rec == nil {
		return fmt.Errorf("meta/wt/active points at missing activation seq %d", getU64(v))
	}
	var a struct {
		Scope []string `json:"scope"`
	}
	if err := json.Unmarshal(rec, &a); err != nil {
		return fmt.Errorf("wt_activations/%d: %w", getU64(v), err)
	}
	seq := append([]byte(nil), v...)
	for _, c := range a.Scope {
		if len(c) < 9 {
			continue
		}
		if err := meta.Put([]byte("wt/active/"+c[:9]), seq); err != nil {
			return err
		}
	}
	return meta.Delete([]byte("wt/active"))
}

// migrateFigures13 creates idx_escalations and idx_pass_on and fills them
// from the event log.
func migrateFigures13(tx *bolt.Tx) error {
	esc, err := tx.CreateBucketIfNotExists([]byte("idx_escalations"))
	if err != nil {
		return err
	}
	pass, err := tx.CreateBucketIfNotExists([]byte("idx_pass_on"))
	if err != nil {
		return err
	}
	return backfillFigures13(tx, esc, pass)
}

// backfillFigures13 is migration 13's filling of idx_escalations and
// idx_pass_on from the event log (what the writer has written for each
// change since): an escalation event of an incident is an entry at its
// time, numbered in the incident's order; a report filed at the grid tier
// has its pass-on at the first event that moves it on, if that is an
// acknowledgement, escalation or dispatch from waiting there. Written out
// here, not shared: what a migration does must not change after its
// release. An event it cannot read is left out (gridcmd check reports it).
func backfillFigures13(tx *bolt.Tx, esc, pass *bolt.Bucket) error {
	type state struct {
		Tier   string `json:"tier"`
		Status string `json:"status"`
	}
	type event struct {
		At          int64  `json:"at"`
		Action      string `json:"action"`
		IncidentSeq uint64 `json:"incident_seq"`
		Node        string `json:"node"`
		Before      state  `json:"before"`
		After       state  `json:"after"`
	}
	key := func(at int64, seq uint64) []byte {
		return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, uint64(max(at, 0))), seq)
	}
	n := map[uint64]uint64{}
	reported := map[uint64]int64{}
	return tx.Bucket([]byte("events")).ForEach(func(_, v []byte) error {
		var ev event
		if json.Unmarshal(v, &ev) != nil || ev.IncidentSeq == 0 {
			return nil
		}
		seq := ev.IncidentSeq
		if ev.Action == "escalate" {
			n[seq]++
			if err := esc.Put(binary.BigEndian.AppendUint64(key(ev.At, seq), n[seq]), []byte(ev.Node)); err != nil {
				return err
			}
		}
		if ev.Action == "report" || ev.Action == "finding_pass" {
			if ev.After.Tier == "grid" {
				reported[seq] = ev.At
			}
			return nil
		}
		at0, waiting := reported[seq]
		if !waiting || ev.Before == ev.After {
			return nil
		}
		delete(reported, seq)
		switch ev.Action {
		case "acknowledge", "escalate", "dispatch":
			if ev.Before == (state{Tier: "grid", Status: "reported"}) {
				d := binary.BigEndian.AppendUint64(nil, uint64(ev.At-at0))
				return pass.Put(key(ev.At, seq), append(d, ev.Node...))
			}
		}
		return nil
	})
}

// migrateIDKey5 is migration 5's reading of a schema-4 incident_ids key:
// "PREFIX-YYYYMMDD-NNNN" (1-8 capitals, 8 digits, a number of at least four
// digits with no extra leading zero, not 0) to date, u64 number, prefix.
// Written out here, not shared with idKey: what a migration does must not
// change after its release.
func migrateIDKey5(id string) ([]byte, bool) {
	dash := strings.IndexByte(id, '-')
	if dash < 1 || dash > 8 || len(id) < dash+14 || id[dash+9] != '-' {
		return nil, false
	}
	for i := 0; i < dash; i++ {
		if id[i] < 'A' || id[i] > 'Z' {
			return nil, false
		}
	}
	date, num := id[dash+1:dash+9], id[dash+10:]
	for i := 0; i < len(date); i++ {
		if date[i] < '0' || date[i] > '9' {
			return nil, false
		}
	}
	n, err := strconv.ParseUint(num, 10, 64)
	if err != nil || n == 0 || fmt.Sprintf("%04d", n) != num {
		return nil, false
	}
	k := binary.BigEndian.AppendUint64([]byte(date), n)
	return append(k, id[:dash]...), true
}

// allBuckets are the buckets the current schema has.
var allBuckets = [][]byte{
	bucketMeta, bucketNodes, bucketPeople, bucketPeopleByNode, bucketIncidents, bucketIncidentIDs,
	bucketIdxOpen, bucketIdxDue, bucketIdxNode, bucketEvents, bucketIncidentEvents,
	bucketWtActivations, bucketWtUnits, bucketWtDrafts, bucketWtAfter,
	bucketDirectives, bucketDirectiveUnits, bucketIdxDirDue, bucketIdxUnitDirectives,
	bucketTokens, bucketTokensByPerson, bucketIdempotency, bucketAlerts, bucketIdxAlertSource,
	bucketPointsRules, bucketPointsMonth,
	bucketShifts, bucketIdxShiftRoom, bucketHandovers, bucketIdxHandoverRoom, bucketHeartbeats, bucketRoomWatch,
	bucketPatrolAreas, bucketPatrols, bucketIdxPatrolsActive, bucketFindings, bucketIdxFindingsWaiting,
	bucketRotations, bucketRotationReports, bucketPatrolIdem,
	bucketSSHKeys, bucketSSHKeysByPerson,
	bucketNodeCounts,
	bucketIdxEscalations, bucketIdxPassOn,
	bucketFedTowns, bucketFedPeople, bucketFedIncidents, bucketFedActs, bucketFedCommands,
	bucketFedDirectives, bucketFedPatrols, bucketFedFindings, bucketFedAreas,
	bucketFedShifts, bucketFedHandovers, bucketFedRotations,
}

// Open opens (creating if need be, unless opts.MustExist) the database at
// path, brings its schema up to date and starts the writer. Another process
// (or another Open in this one) holding the file makes it fail after
// opts.Timeout with EUNAVAIL. A file shorter than its pages (truncated) is
// refused before bbolt reads it (checkFile), and a panic of bbolt on a file
// it cannot read becomes an EINVALID error, never a crash.
func Open(path string, opts Options) (*DB, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if opts.Prefix == "" {
		opts.Prefix = defaultPrefix
	}
	if err := model.ValidPrefix(opts.Prefix); err != nil {
		return nil, err
	}
	if opts.Policy.Ack == nil && opts.Policy.Resolve == nil && opts.Policy.Categories == nil {
		opts.Policy = model.DefaultPolicy()
	}
	if err := opts.Policy.Validate(); err != nil {
		return nil, err
	}

	if opts.ReadOnly {
		opts.MustExist = true
	}
	if err := checkFile(path, opts.MustExist); err != nil {
		return nil, err
	}
	bdb, err := openBolt(path, &bolt.Options{Timeout: opts.Timeout, FreelistType: bolt.FreelistMapType, ReadOnly: opts.ReadOnly})
	if err != nil {
		switch {
		case errors.Is(err, berrors.ErrTimeout):
			return nil, inUse(path)
		case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch),
			errors.Is(err, berrors.ErrChecksum):
			return nil, model.Errorf(model.EINVALID, "database %s is not a gridcmd database (%v)", path, err).
				Zh("数据库 %s 不是 gridcmd 数据库（%v）", path, err)
		}
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if opts.ReadOnly {
		err = readableSchema(bdb, path)
	} else {
		err = migrate(bdb, path, opts.MustExist)
	}
	if err != nil {
		_ = bdb.Close()
		return nil, err
	}
	s := &DB{
		db: bdb, path: path, pidPath: path + ".pid", opts: opts,
		queue:     make(chan *request, maxBatch),
		stopped:   make(chan struct{}),
		subs:      map[*subscription]struct{}{},
		subBuffer: subBuffer,
		opened:    time.Now(),
	}
	if err := s.loadPoints(bdb); err != nil {
		_ = bdb.Close()
		return nil, err
	}
	if opts.ReadOnly {
		go s.refuseWrites()
		return s, nil
	}
	if err := bdb.View(func(tx *bolt.Tx) error {
		s.watchLook.Store(!watchNext(tx).IsZero())
		return nil
	}); err != nil {
		_ = bdb.Close()
		return nil, err
	}
	// Best effort: the pid only makes the "in use" message more helpful.
	_ = os.WriteFile(s.pidPath, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o600)
	go s.run()
	return s, nil
}

// openBolt is bolt.Open with bbolt's panics on a file it cannot read
// (a freelist page that is not one, say) turned into an error, and faults
// on the mapped file into such panics (debug.SetPanicOnFault). After a
// panic the file bbolt opened is unlocked and closed, so that a later Open
// is not refused as "in use" (a mapping bbolt made of it stays: it holds
// the file, and with it a lock that is not explicitly released).
func openBolt(path string, o *bolt.Options) (db *bolt.DB, err error) {
	var f *os.File
	o.OpenFile = func(name string, flag int, perm os.FileMode) (*os.File, error) {
		var err error
		f, err = os.OpenFile(name, flag, perm)
		return f, err
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			if f != nil {
				_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				_ = f.Close()
			}
			db, err = nil, damaged(path, p)
		}
	}()
	return bolt.Open(path, 0o600, o)
}

// damaged is the error for a file bbolt panicked on.
func damaged(path string, p any) error {
	return model.Errorf(model.EINVALID, "database %s is damaged and cannot be read (%v); restore it from a backup", path, p).
		Zh("数据库 %s 已损坏，无法读取（%v）；请从备份恢复", path, p)
}

// noDatabase is the error for a path with no database where one must be.
func noDatabase(path string) error {
	return model.Errorf(model.ENOTFOUND, "no database at %s; run gridcmd init", path).
		Zh("%s 处没有数据库；请先运行 gridcmd init", path)
}

// refuseWrites stands in for the writer of a read-only DB: it answers every
// write with EUNAVAIL until Close.
func (s *DB) refuseWrites() {
	defer close(s.stopped)
	for req := range s.queue {
		req.done <- result{err: s.readOnlyErr()}
	}
}

func (s *DB) readOnlyErr() error {
	return model.Errorf(model.EUNAVAIL, "database %s is open read-only: this command cannot change it", s.path).
		Zh("数据库 %s 以只读方式打开：此命令不能修改它", s.path)
}

// ReadOnly reports whether the file was opened read-only.
func (s *DB) ReadOnly() bool { return s.opts.ReadOnly }

// inUse is the error for a file another gridcmd holds, naming its pid when
// the sidecar file tells it (it may be stale, hence the question mark).
func inUse(path string) error {
	msg := fmt.Sprintf("database %s is in use by another gridcmd", path)
	zh := fmt.Sprintf("数据库 %s 正被另一个 gridcmd 使用", path)
	if b, err := os.ReadFile(path + ".pid"); err == nil {
		if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
			msg += fmt.Sprintf(" (pid %d?)", pid)
			zh += fmt.Sprintf("（pid %d？）", pid)
		}
	}
	return &inUseError{model.Errorf(model.EUNAVAIL, "%s", msg).Zh("%s", zh)}
}

// inUseError is inUse's EUNAVAIL, told apart by InUse.
type inUseError struct{ err *model.Error }

func (e *inUseError) Error() string { return e.err.Error() }
func (e *inUseError) Unwrap() error { return e.err }

// InUse reports whether Open failed because another process holds the
// file (its lock), as opposed to any other EUNAVAIL.
func InUse(err error) bool {
	var e *inUseError
	return errors.As(err, &e)
}

// schemaVersion is the schema this binary writes.
func schemaVersion() uint64 { return uint64(len(migrations)) }

// fileSchema reads the schema version of the file, 0 for a blank file.
func fileSchema(tx *bolt.Tx) (uint64, error) {
	b := tx.Bucket(bucketMeta)
	if b == nil {
		return 0, nil
	}
	v := b.Get(metaSchema)
	if v == nil {
		return 0, nil
	}
	if len(v) != 8 {
		return 0, fmt.Errorf("meta/schema: %d bytes, want 8", len(v))
	}
	return getU64(v), nil
}

// readSchema is the file's schema version, refusing an unreadable one and
// one newer than this binary's.
func readSchema(tx *bolt.Tx, path string) (uint64, error) {
	v, err := fileSchema(tx)
	if err != nil {
		return 0, model.Errorf(model.EINVALID, "database %s: %v", path, err).Zh("数据库 %s：%v", path, err)
	}
	if known := schemaVersion(); v > known {
		return 0, model.Errorf(model.EUNAVAIL,
			"database %s was written by a newer gridcmd (schema %d, this binary knows %d)", path, v, known).
			Zh("数据库 %s 由更新版本的 gridcmd 写入（模式版本 %d，本程序只支持到 %d）", path, v, known)
	}
	return v, nil
}

// readableSchema accepts, for a read-only open, only a file of this
// binary's schema: an older one is read as the migrations would leave it,
// which a read-only open cannot do.
func readableSchema(db *bolt.DB, path string) (err error) {
	defer guardFile(path, &err)()
	return db.View(func(tx *bolt.Tx) error {
		v, err := readSchema(tx, path)
		switch {
		case err != nil:
			return err
		case v == 0:
			return noDatabase(path)
		case v < schemaVersion():
			return model.Errorf(model.EUNAVAIL,
				"database %s has schema %d and this gridcmd reads schema %d: a command that only looks cannot upgrade it; run one that changes it once (e.g. gridcmd console), or use the gridcmd that wrote it", path, v, schemaVersion()).
				Zh("数据库 %s 的模式版本为 %d，本程序读取版本 %d：只读命令不能升级它；请先运行一次会修改它的命令（如 gridcmd console），或使用写入它的 gridcmd", path, v, schemaVersion())
		}
		return nil
	})
}

// migrate runs the migrations the file lacks, all in one transaction. A
// blank file (no schema) is filled unless mustExist.
func migrate(db *bolt.DB, path string, mustExist bool) (err error) {
	defer guardFile(path, &err)()
	known := schemaVersion()
	return db.Update(func(tx *bolt.Tx) error {
		v, err := readSchema(tx, path)
		if err != nil {
			return err
		}
		if v == 0 && mustExist {
			return noDatabase(path)
		}
		if v == 0 {
			// A blank file is ours to fill; a bbolt file of another program is not.
			err := tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
				for _, b := range allBuckets {
					if bytes.Equal(b, name) {
						return nil
					}
				}
				return model.Errorf(model.EINVALID, "database %s is not a gridcmd database (it has a bucket %q)", path, name).
					Zh("数据库 %s 不是 gridcmd 数据库（其中有 bucket %q）", path, name)
			})
			if err != nil {
				return err
			}
		}
		for i := v; i < known; i++ {
			if err := migrations[i](tx); err != nil {
				return fmt.Errorf("database %s: migrating to schema %d: %w", path, i+1, err)
			}
		}
		if v == known {
			return nil
		}
		return tx.Bucket(bucketMeta).Put(metaSchema, u64(known))
	})
}

// Close waits for the queued writes to commit, stops the writer, ends the
// subscriptions and closes the file. Later calls return nil.
func (s *DB) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.queue)
	s.mu.Unlock()
	<-s.stopped

	s.subMu.Lock()
	for sub := range s.subs {
		delete(s.subs, sub)
		close(sub.ch)
	}
	s.subMu.Unlock()

	// Remove the pid file while we still hold the lock, so we never remove
	// the next owner's. A read-only DB wrote none (and may not remove the
	// writer's, should one come after).
	if !s.opts.ReadOnly {
		_ = os.Remove(s.pidPath)
	}
	return s.db.Close()
}

// Path is the database file's path.
func (s *DB) Path() string { return s.path }

// Policy returns the policy the rules run with.
func (s *DB) Policy() model.Policy { return s.opts.Policy }

// Now returns the store's clock.
func (s *DB) Now() time.Time { return s.clock() }

// clock reads opts.Now as a stored time reads back: in opts.Location, to the
// nanosecond, without a monotonic reading. Every write of a batch uses one
// such reading, so what a write returns equals what a later read returns.
func (s *DB) clock() time.Time {
	return time.Unix(0, s.opts.Now().UnixNano()).In(s.opts.Location)
}

func (s *DB) closedErr() error {
	return model.Errorf(model.EUNAVAIL, "database %s is closed", s.path).Zh("数据库 %s 已关闭", s.path)
}

// view runs fn in a read transaction, a panic of bbolt on a damaged page
// (or a fault on the mapped file) returned as an error (guard).
func (s *DB) view(fn func(tx *bolt.Tx) error) (err error) {
	defer s.guard(&err)()
	err = s.db.View(fn)
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return s.closedErr()
	}
	return err
}

// guard is guardFile for s's file.
func (s *DB) guard(err *error) func() { return guardFile(s.path, err) }

// guardFile makes a fault on the mapped file a panic
// (debug.SetPanicOnFault) until the function it is deferred in returns, and
// turns a panic there (bbolt's, on a page it cannot make sense of) into the
// damaged error in *err: defer guardFile(path, &err)().
func guardFile(path string, err *error) func() {
	old := debug.SetPanicOnFault(true)
	return func() {
		debug.SetPanicOnFault(old)
		if p := recover(); p != nil {
			*err = damaged(path, p)
		}
	}
}
