// Package store implements model.Service on one bbolt file.
//
// # Buckets and keys
//
// All numeric keys are big-endian uint64 ("u64" below), so bbolt's byte order
// is numeric order and ids past 255 or 65,535 still sort by creation. Record
// values are JSON of store-private structs (incidentRecord, nodeRecord,
// personRecord, eventRecord) with explicit field tags, so renaming a model
// field cannot silently change the file format. Times are int64 Unix
// nanoseconds (0 for a zero time). Index values are empty unless noted.
//
//	meta                 "schema"        -> u64 schema version (len(migrations))
//	                     "day/20261129"  -> u64 last daily number used that local day (the file's,
//	                     over all its towns and prefixes)
//	                     "prefix/<town code>" -> the town's incident id prefix, "DC", in a file of
//	                     several towns, from its first report on (store/prefixes.go); under
//	                     the code of a node above the towns, that node's own, "YK", when
//	                     town_prefix is the default (store/prefix_above.go)
//	nodes                node code       -> nodeRecord
//	people               u64 person id   -> personRecord (ids from NextSequence)
//	people_by_node       code 0x00 u64 person id
//	incidents            u64 incident seq -> incidentRecord (seqs from NextSequence)
//	incident_ids         date "20261129", u64 daily number, prefix "HJ" -> u64 incident seq
//	                     (schema 5; before: the public id "HJ-20261129-0001")
//	incident_ids_v4_unread  an old public id -> u64 seq that migration 5 could not read or
//	                     place (only if there was one; gridcmd check reports each)
//	idx_open             tier byte, status byte, u64 seq       (open incidents only)
//	idx_due              u64 Unix nanos of Incident.NextCheck, u64 seq (non-zero only)
//	idx_node             u64 seq>>8 (the block), code 0x00 u64 seq   (schema 4; before: code 0x00 u64 seq)
//	events               u64 event seq   -> eventRecord (append-only log)
//	idx_incident_events  u64 incident seq, u64 event seq
//
// Wartime (schema 2):
//
//	meta                 "wt/active/" town code -> u64 seq of the town's active activation (absent in
//	                     peacetime; wartime is per town since schema 10, "wt/active" before)
//	wt_activations       u64 activation seq -> activationRecord
//	wt_units             u64 activation seq, micro-grid code -> wtUnitRecord (worker, role, drafted,
//	                     on-duty flag to restore, households)
//	wt_drafts            u64 activation seq, u64 person id -> draftRecord
//	wt_after             u64 activation seq -> afterActionRecord (written when it ends)
//	directives           u64 directive seq -> directiveRecord
//	directive_units      u64 directive seq, micro-grid code -> directiveUnitRecord
//	idx_dir_due          u64 Unix nanos of the unit's next check, u64 directive seq, code
//	                     (DirectiveUnit.NextUnitCheck, non-zero only, while its activation is active)
//	idx_unit_directives  u64 activation seq, micro-grid code 0x00 u64 directive seq
//
// The activation leads idx_unit_directives' key so that a directive fanned
// out to thousands of micro-grids touches only its own activation's part of
// the index (see unitDirKey).
//
// Field intake (schema 3):
//
//	tokens               sha256 of a bearer token -> tokenRecord (person, prefix, issued, revoked)
//	tokens_by_person     u64 person id, sha256 -> empty
//	idempotency          u64 person id, Idempotency-Key -> u64 incident seq, sha256 of the report
//	                     u64 person id, 0x00, Idempotency-Key -> u64 alert seq, sha256 of the alert
//	alerts               u64 alert seq -> alertRecord (incident seq it is part of, 0 for none)
//	idx_alert_source     node code 0x00 u64 Unix nanos, u64 alert seq
//	meta                 "alert/<node code>" -> u64 seq of the incident the node's alerts last opened
//
// See store/intake.go for how the alert rule reads them.
//
// Points (schema 11; see store/points.go):
//
//	points_rules         u64 Unix nanos a rule set applies from (0: the beginning) -> pointRuleSetRecord
//	points_month         "202611", u64 person id, indicator key -> i64 the month's total (8 bytes),
//	                     then per day of the month whose total is not 0, in day order: the day
//	                     (1 byte, 1-31) and its total (signed varint)   (schema 15; before:
//	                     the i64 alone, and the days in points_day "20261129", u64 person id,
//	                     indicator key -> i64)
//
// The writer books what each event earns (model.PointRules.Earn) in the
// transaction that appends it: one read of the person's month entry (the
// cap's) and one write of it; a month so far (through a day) sums the
// entries' days. An entry goes when its total and all its days are 0; a
// day of 0 is not kept. gridcmd check derives the month and day totals
// again from the log and names every one that differs ("points_month
// 202611 ..." for a month's, "points_day 20261129 ..." for a day's),
// gridcmd points rebuild rewrites them. Migration 15 moved points_day's
// totals into their month entries and removed points_day. Events record, from schema 11, the deadline their act
// answered (due), their subject, points, on_behalf and completed. From
// schema 12 the report of an incident a finding became names its finder as
// subject (the liaison is its actor), and patrol_done/patrol_end name the
// patroller; migration 12 made the stored rule sets' report-only and
// patrol_done-only indicators that paid the actor pay the subject
// (identical on every event written before: none of those named one).
// The report of a finding passed on by its own finder (a liaison standing
// in for a patroller) records unearned: it earns nothing (model.Event.
// Unearned); an event without the field, any written before it, earns as
// it always did, so no total kept before moves and no schema change was
// needed.
// Duty, handovers and watchdogs (schema 6):
//
//	duty_shifts          u64 shift seq -> shiftRecord (room, person, from, to, by, swapped)
//	idx_shift_room       room code 0x00 u64 from (Unix nanos) u64 shift seq   (a room's shifts in time order)
//	handovers            u64 handover seq -> handoverRecord (the change, who, when, and the sheet as the
//	                     JSON of model.HandoverSheet, whose field tags are its format)
//	idx_handover_room    room code 0x00 u64 handover seq
//	heartbeats           gateway name -> heartbeatRecord (node, every, since, last_at, the silence's incident seq)
//	room_watch           village code -> roomWatchRecord (its last action or check-in, the silence's incident seq)
//	meta                 "watch/next" -> u64 Unix nanos: the earliest a silence may be due (absent when
//	                     nothing is watched); it may be early, never late
//	meta                 "roster/rev" -> u64 bumped by every write of a person (absent: 0): a roster
//	                     import plans on a read and writes only if it has not moved since
//
// A room's shifts never overlap, so the shift running at t is the last one
// of idx_shift_room that begins at or before t (one seek). The writer notes
// a village room's actions (events by the village's cadres) and check-ins
// in room_watch as it commits each request (noteActivity, watchdog.go).
// Incident records gain "supervisions" and "next_supervision" (repeated
// supervision), absent in older records.
//
// Patrols (schema 7):
//
//	patrol_areas          area code ("P-DX-01") -> areaRecord (name, kind, village, period,
//	                      patroller, since, checkpoints with their places)
//	patrols               u64 patrol seq -> patrolRecord (area, patroller, started, ended,
//	                      completed, the area's checkpoints then, the check-ins inline)
//	idx_patrols_active    u64 patrol seq                       (running patrols only)
//	findings              u64 finding seq -> findingRecord (area, checkpoint, category, text,
//	                      place, photo, finder, found; status, incident seq, handled by/at, reason)
//	idx_findings_waiting  u64 Unix nanos found, u64 finding seq  (findings on the desk only)
//	rotations             u64 rotation seq -> rotationRecord (name, activity, groups of grids,
//	                      start, days a turn)
//	rotation_reports      u64 rotation seq, u64 Unix nanos, u64 n  (one per activity report)
//	                      -> u64 the reporter's person id (empty in entries written before the
//	                      reporter was kept: they name nobody, and no schema change was needed)
//	patrol_idem           u64 person id, kind byte ('S' start, 'C' check-in, 'E' end,
//	                      'F' finding), Idempotency-Key -> u64 patrol or finding seq, sha256
//
// Patrols are numbered in order of start and findings in order of report,
// so the day's board reads them from the end of their buckets back. The
// sweep reads idx_findings_waiting from its start: a finding found before
// now minus patrol.triage_deadline climbs to the town room (sweepFindings).
// Events of the patrol flow name their patrol, finding or rotation in the
// event record's "ref". See store/patrols.go.
//
// SSH seats (schema 8):
//
//	ssh_keys             fingerprint "SHA256:..." -> sshKeyRecord (person, type, wire-format key,
//	                     name, added, last used)
//	ssh_keys_by_person   u64 person id, fingerprint -> empty
//
// A revoked key is deleted from both; the log keeps the ActKey event.
//
// Per-node counters (schema 9):
//
//	node_counts          node code -> a version byte (1), then signed varints: children,
//	                     households, people, staff, villages, micro-grids, and the open
//	                     incidents at each tier (grid, village, town, task force); trailing
//	                     zeros left out
//
// Every node has an entry holding the figures of its subtree (model.Counts),
// so that a room above the towns reads a county's or a province's roll-ups
// from the entries of the nodes it shows, never by walking the million
// nodes beneath. Each is changed in the same transaction as what changes
// it: importing nodes (households, villages, micro-grids, the parent's
// children), importing people (people, staff), and saving an incident
// whose tier or openness changed (saveIncident). The writer gathers the
// changes of a transaction by node and writes each touched entry once
// before the commit (txState.finish). How many open incidents are red
// depends on the clock, not the file, so it is not a counter: a room counts
// it from the open incidents it loads. Migration 9 builds the entries from
// a full recount (store/counts.go, recount), and gridcmd check recounts and
// compares.
//
// The command room's figures (schema 13), written by saveIncident with the
// change they record (model.Escalated, model.PassOn) and read by Figures:
//
//	idx_escalations      u64 Unix nanos of the escalation, u64 incident seq, u64 its escalation
//	                     count after it -> node code
//	idx_pass_on          u64 Unix nanos of the report's first move, u64 incident seq
//	                     -> u64 pass-on nanos, node code
//
// Migration 13 fills them from the event log, and check compares them with
// what the log says.
//
// Federation (schema 14; see store/fed_outbox.go, fed_apply.go,
// fed_command.go): a town publishes its log to the county's hub, the hub
// keeps a read model of every town in its ordinary buckets, and the hub's
// commands for a town go down.
//
//	meta                 "fed/cursor"      -> u64 (town) the last record the local stream has
//	                     "fed/cmd_applied" -> u64 (town) the last hub command applied or refused
//	                     "fed/cmd_cursor"  -> u64 (hub) the last command the hub's stream has
//	                     "fed/duty_sent"   -> u64 Unix nanos (town) when its duty snapshot was logged
//	fed_towns            town code -> fedTownRecord (hub: applied seq, newest event's time,
//	                     when last applied, the prefix of its incident ids here, records applied,
//	                     whether its duty snapshot has all come)
//	fed_people           town code 0x00 u64 the town's person id -> u64 the hub's person id
//	fed_incidents        town code 0x00 u64 the town's incident seq -> u64 the hub's incident seq
//	fed_acts             town code 0x00 u64 the town's activation seq -> u64 the hub's activation seq
//	fed_commands         u64 command seq -> the command's record as published (fedCommandWire)
//	fed_directives       town code 0x00 u64 the town's directive seq -> u64 the hub's directive seq (schema 16)
//	fed_patrols          town code 0x00 u64 the town's patrol seq -> u64 the hub's patrol seq (schema 16)
//	fed_findings         town code 0x00 u64 the town's finding seq -> u64 the hub's finding seq (schema 16)
//	fed_areas            town code 0x00 the town's area code -> the hub's area code (schema 16)
//	fed_shifts           town code 0x00 u64 the town's shift seq -> u64 the hub's shift seq (schema 17)
//	fed_handovers        town code 0x00 u64 the town's handover seq -> u64 the hub's handover seq (schema 17)
//	fed_rotations        town code 0x00 u64 the town's rotation seq -> u64 the hub's rotation seq (schema 17)
//
// A town's record is one per event of its log (its seq the event's): the
// event, the incident it names, the activation of a wartime event, the
// directive, patrol or finding it is about (fed_mirror.go), the shifts,
// handover or joint rotation it is about (fed_duty.go) and the
// structure (with the patrol areas) on the first event and on those that
// change it, all as the town's own stored records (fedWire). The hub
// writes a town's directives, patrols, findings, areas, shifts, handovers
// and rotations under its own numbers and codes (the maps above; a directive's record keeps the
// town's id in "fed" and the county's command that issued it in
// "command"; a patrol's and a finding's "arrived" is when the copy first
// came, the order they are numbered in), with no idx_dir_due entry; its
// sweep and watchdog pass a town's findings and patrols by. The hub writes them into nodes,
// people, incidents (and incident_ids, idx_open, idx_node, node_counts,
// idx_escalations, idx_pass_on), wt_activations, wt_units, meta
// wt/active/<town> and the events log (each event with "fed": the town's
// code, a dash, the town's seq), and the town's fed_towns record, in one
// writer transaction. A federated town's incidents have no idx_due entry
// (the hub never runs a town's clocks) and their ids keep the town's date
// and number under the prefix fed_towns gives it; the day's counter (meta
// day/...) is raised to the highest number mirrored. gridcmd check
// compares each fed_towns record with the events the log mirrors and the
// maps with the records they point at.
//
// A town's log gains three actions of the federation: fed_structure (a
// marker that gives the parts of a structure too large for one record more
// records to ride on), fed_duty (the markers of its duty snapshot, logged
// once, naming in "directive" what each part's record carries; the last
// names nothing: store/fed_duty_snapshot.go) and command_refused (a hub's
// command its rules refused, naming it as town-seq in the event's
// "directive"). A hub logs fed_dropped of its own when a town's record
// carries a copy that is no node of the town in its file. On a hub, a
// county room's directive or activation for a federated town writes only
// its fed_commands record (no event): the town's events about it come back
// up.
//
// The tier and status bytes of idx_open come from tables private to this
// package (tierCodes, statusCodes), not from the order of model.Tiers, for the
// same reason the records are private structs.
//
// # Subtrees are prefix scans
//
// A node code is a division code: 2 digits for a province (33), 4 for a
// city (3307), 6 for a county (330784), 9 for a town (330784114), 12 for a
// village (330784114266), each starting with the code of the division
// above it; then "-GG", "-GG-MM", "-GG-MM-UU", every segment exactly two
// digits. Each level's code has one fixed length, so no valid code can be
// extended into a sibling: after 2 digits only 2 more can follow (a city),
// after 4 only 2 (a county), after 6 only 3 (a town), after 9 only 3 (a
// village), after 12 digits or a segment only "-" and two more digits. So
// the codes that start with a node's code are exactly that node and its
// subtree, and a cursor Seek plus bytes.HasPrefix lists a subtree in code
// order, in nodes and node_counts and (with the bare code as prefix) in
// people_by_node, and block by block in idx_node. The next sibling's
// subtree starts at the code with its last byte one higher (pastSubtree):
// Subtree lists a node's children by seeking from one to the next, past
// each child's subtree, without reading it.
//
// idx_node puts a block number (seq >> 8) before the code, so the entries of
// new incidents share the last block's few pages whatever node they are at
// (a commit of reports from thirty micro-grids used to rewrite thirty
// leaves); listing a node's incidents seeks once per block of 256.
//
// In the composite keys the 0x00 after the variable-length code keeps exact
// lookups exact: the entries of node 330784114266-01 are those with the
// prefix "330784114266-01\x00", which 330784114266-01-02's entries
// ("330784114266-01-02\x00...") do not have. 0x00 sorts before '-', so a
// node's own entries come before its children's.
//
// # Writes
//
// One writer goroutine owns every write. Callers enqueue a request (a
// function of the write transaction and the batch's clock); the writer runs
// each one in an open db.Update as soon as it has it and takes in whatever
// queues up meanwhile (up to maxBatch, letting the callers it has just
// answered send their next request), so one fsync pair serves the lot
// (group commit); then it publishes the batch's events to subscribers and
// answers each caller. A request that fails aborts the transaction;
// its caller gets the error and the others are run again in a fresh one, so
// a bad request never half-writes or spoils the rest. Each request does its
// reads and the model rule first and writes last; its events are appended to
// the log in the same transaction as the change they record. The requests
// of a transaction share the day's number (meta "day/..."), read once and
// written back once before the commit.
//
// # Schema
//
// meta/schema is the number of migrations applied. Open runs the missing
// ones from the append-only migrations list in one transaction and refuses a
// file whose schema is newer than this binary knows.
package store
