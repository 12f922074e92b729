package model

import (
	"context"
	"time"
)

// TowerService keeps the nodes of the tower.
type TowerService interface {
	// Node returns one node; ENOTFOUND if there is none.
	Node(ctx context.Context, code NodeCode) (Node, error)
	// Nodes returns root and its subtree ("" for every tower), in code order.
	Nodes(ctx context.Context, root NodeCode) ([]Node, error)
	// Subtree returns root and the nodes beneath it down to depth levels
	// below (0: root alone), each with its stored figures, in code order,
	// reading nothing deeper: what a console shows of a room, and the
	// children of a node it opens. root "" is every root of the file.
	Subtree(ctx context.Context, root NodeCode, depth int) ([]CountedNode, error)
	// ImportNodes adds the nodes that are not stored yet, all in one
	// transaction; nodes already stored are left as they are. Every node's
	// parent must be stored or among nodes. It returns how many were added.
	// note goes before the summary in both the event's Note and NoteZh:
	// words of no language (a file's name), not an English sentence.
	ImportNodes(ctx context.Context, nodes []Node, by PersonID, note string) (int, error)
}

// PeopleFilter selects roster entries; zero fields select everyone.
type PeopleFilter struct {
	Node NodeCode // the node's subtree
	Role Role
}

// RosterService keeps the people of the tower.
type RosterService interface {
	Person(ctx context.Context, id PersonID) (Person, error)
	People(ctx context.Context, f PeopleFilter) ([]Person, error)
	// PeopleOf is Person for each of ids in one call: their entries in id
	// order, each once; ENOTFOUND for an id the roster does not hold.
	PeopleOf(ctx context.Context, ids []PersonID) ([]Person, error)
	// ImportPeople adds people in one transaction, all or none. An entry
	// with the same name, phone and node as a stored one is skipped. Each
	// node must exist. It returns the people added, with their ids. note
	// is as ImportNodes's.
	ImportPeople(ctx context.Context, people []Person, by PersonID, note string) ([]Person, error)
	// ImportRoster is the import of a roster file's rows (file order; a
	// row's ID the entry it names, or 0): it matches them to the roster
	// (PlanRoster) and adds the new entries and, with opts.Update,
	// changes the entries the rows change, in one transaction, all or
	// none; with opts.DryRun it writes nothing and refuses no row. A row
	// the import cannot take (RosterRefusal: a clash, an ambiguous,
	// unknown or taken row, a change without Update) refuses the import,
	// naming it (Error.Item). It returns the plan, the entries added with
	// their ids.
	ImportRoster(ctx context.Context, rows []Person, opts RosterImport, by PersonID, note string) ([]RosterRow, error)
}

// IncidentFilter selects incidents; zero fields select all.
type IncidentFilter struct {
	Status Status
	Tier   Tier
	Node   NodeCode // the node's subtree
	Open   bool     // only reported, acknowledged or dispatched
	Limit  int
}

// IncidentService files incidents and moves them through the rules.
type IncidentService interface {
	Report(ctx context.Context, r Report) (Incident, error)
	Incident(ctx context.Context, id string) (Incident, error)
	Incidents(ctx context.Context, f IncidentFilter) ([]Incident, error)
	// Act applies c to the incident; the refusals are the rules' errors.
	Act(ctx context.Context, id string, c Command) (Incident, error)
	Timeline(ctx context.Context, id string) ([]Event, error)
	// Sweep applies the clocks to every incident whose deadline has passed.
	Sweep(ctx context.Context) ([]Event, error)
	// Note adds a note to the incident's timeline without changing it
	// (Incident.AddNote), any status, closed included.
	Note(ctx context.Context, id string, text string, by PersonID) (Incident, error)
	// Figures are the escalations of the last hour and the pass-on median
	// of the last day, at now, over scope's subtree ("" for all).
	Figures(ctx context.Context, scope NodeCode) (Figures, error)
}

// EventService reads the event log and follows it live.
type EventService interface {
	// Events returns up to limit events, newest first, older than before
	// (0 for the newest).
	Events(ctx context.Context, before uint64, limit int) ([]Event, error)
	// Subscribe delivers every committed batch of events, in commit order.
	Subscribe() Subscription
}

// Subscription is a live feed of committed batches. If the reader falls
// behind, batches are dropped and Lost reports it (once: it reports the
// losses since the last call), so the reader reloads.
type Subscription interface {
	C() <-chan Batch
	Lost() bool
	Close()
}

// Batch is what one commit wrote: its events in log order, and the
// incidents they name (those it changed, and any an event names without
// changing, such as an alert joining one), each once, as they stand after
// the commit. A reader applies them as they are instead of reading each one
// again.
type Batch struct {
	Events    []Event
	Incidents []Incident
}

// Stats are the counts `gridcmd stats` prints.
type Stats struct {
	Provinces      int         `json:"provinces"`
	Cities         int         `json:"cities"`
	Counties       int         `json:"counties"`
	Towns          int         `json:"towns"`
	Villages       int         `json:"villages"`
	Grids          int         `json:"grids"`
	MicroGrids     int         `json:"micro_grids"`
	HouseholdUnits int         `json:"household_units"`
	Households     int         `json:"households"`
	People         PeopleStats `json:"people"`
	Incidents      IncStats    `json:"incidents"`
}

type PeopleStats struct {
	Total            int `json:"total"`
	GridStaff        int `json:"grid_staff"`
	MicroGridWorkers int `json:"micro_grid_workers"`
	Reserves         int `json:"reserves"`
	Patrollers       int `json:"patrollers"`
	DutyOfficers     int `json:"duty_officers"`
}

type IncStats struct {
	Total   int `json:"total"`
	Open    int `json:"open"`
	Overdue int `json:"overdue"`
	// The command room's measures (Figures), as the console's header shows
	// them: pass_on_p50_seconds is whole seconds, 0 when pass_on_reports
	// is 0.
	EscalationsLastHour int   `json:"escalations_last_hour"`
	PassOnP50Seconds    int64 `json:"pass_on_p50_seconds"`
	PassOnReports       int   `json:"pass_on_reports"`
}

// CountNode counts n: one more of its level, and its households.
func (st *Stats) CountNode(n Node) {
	switch n.Level {
	case LevelProvince:
		st.Provinces++
	case LevelCity:
		st.Cities++
	case LevelCounty:
		st.Counties++
	case LevelTown:
		st.Towns++
	case LevelVillage:
		st.Villages++
	case LevelGrid:
		st.Grids++
	case LevelMicroGrid:
		st.MicroGrids++
	case LevelHousehold:
		st.HouseholdUnits++
	}
	st.Households += n.Households
}

// CountPerson counts p under each of p's roles that Stats names.
func (st *Stats) CountPerson(p Person) {
	ps := &st.People
	ps.Total++
	if p.IsGridStaff() {
		ps.GridStaff++
	}
	if p.Has(RoleMicroGridWorker) {
		ps.MicroGridWorkers++
	}
	if p.Has(RoleReserve) {
		ps.Reserves++
	}
	if p.Has(RolePatroller) {
		ps.Patrollers++
	}
	if p.Has(RoleDutyOfficer) {
		ps.DutyOfficers++
	}
}

// CountOpen counts inc, an open incident, and whether it is overdue (red)
// at now. Total is counted apart: it holds the closed ones too.
func (st *Stats) CountOpen(inc Incident, now time.Time) {
	st.Incidents.Open++
	if inc.Light(now) == LightRed {
		st.Incidents.Overdue++
	}
}

// SetFigures puts f, the figures of the same scope, in the counts.
func (st *Stats) SetFigures(f Figures) {
	st.Incidents.EscalationsLastHour = f.EscalationsLastHour
	st.Incidents.PassOnP50Seconds = int64(f.PassOnP50 / time.Second)
	st.Incidents.PassOnReports = f.PassOnReports
}

// Service is everything the console and the command line need.
type Service interface {
	TowerService
	RosterService
	IncidentService
	EventService
	WartimeService
	PointsService
	PatrolService
	DutyService
	// Stats counts the whole file (StatsIn of ""); StatsIn the subtree of
	// scope, a node of the tower.
	Stats(ctx context.Context) (Stats, error)
	StatsIn(ctx context.Context, scope NodeCode) (Stats, error)
	Policy() Policy
	Now() time.Time
}

// WartimeStatus is the state of wartime now over a scope. Wartime is per
// town: Towns is every activation active in the scope, in town order (a
// county room's view). Active is the one activation when exactly one is
// (always so for a scope within a town), with every micro-grid of its
// scope, its worker and wartime role, and the gaps; zero otherwise.
type WartimeStatus struct {
	Active  Activation // zero Seq when peacetime
	Units   []UnitStatus
	Staffed int
	Gaps    int
	Drafts  []Draft
	// Rooms is who staffs Active's town and village wartime rooms, counted
	// by the store from the people the file holds (a hub's copy of a
	// federated town: the town's people as the town sent them).
	Rooms RoomsOnDuty
	Towns []Activation
	// Last is the latest activation that reached into the scope, active or
	// ended (zero Seq if none): the one whose after-action summary the
	// room reads.
	Last Activation
}

// UnitStatus is one micro-grid in the wartime scope.
type UnitStatus struct {
	MicroGrid  NodeCode
	Worker     PersonID // 0: a gap
	WorkerName string
	Role       WartimeRole
	Drafted    bool // the worker is a drafted reserve
	Households int
}

// WartimeService switches the town to wartime and runs its directives.
type WartimeService interface {
	// WartimeStatus is the wartime of scope's towns ("" the whole file).
	WartimeStatus(ctx context.Context, scope NodeCode) (WartimeStatus, error)
	// WartimeUnit is micro-grid unit as the wartime live in its town has
	// it (its worker, wartime role and the households counted at
	// activation: a UnitStatus of WartimeStatus), and that activation's
	// seq; zero and 0 when none is live there or it does not reach unit.
	// It reads that one unit, however large the town.
	WartimeUnit(ctx context.Context, unit NodeCode) (UnitStatus, uint64, error)
	// Activate puts one town into wartime over scope (the town, or
	// villages of it: EINVALID for a scope across towns); every micro-grid
	// worker in scope goes on duty with a wartime role. ECONFLICT while
	// the town is in wartime.
	Activate(ctx context.Context, reason Reason, scope []NodeCode, drill bool, note string, by PersonID) (Activation, error)
	// ActivateTowns is Activate for a scope across towns (towns, villages,
	// or a county, city or province for every town beneath it): one
	// activation per town, all in one transaction, in town order. ECONFLICT,
	// naming the town, if any of them is in wartime.
	ActivateTowns(ctx context.Context, reason Reason, scope []NodeCode, drill bool, note string, by PersonID) ([]Activation, error)
	// Deactivate ends an activation, releases its drafted reserves and
	// writes the after-action summary. id names the activation the caller
	// means to end ("" for the one that is active: ECONFLICT when none is,
	// or several towns are): ECONFLICT if it is no longer active.
	Deactivate(ctx context.Context, id string, by PersonID) (AfterAction, error)
	// Widen takes the running wartime id ("" the one active in scope's
	// town) over scope too (Activation.Widen): its directives, signatures,
	// drafted reserves and clocks carry on, and the micro-grids it takes in
	// are staffed as at activation. MayCommand on the new scope says who
	// may. ECONFLICT when it is not active or covers scope already.
	Widen(ctx context.Context, id string, scope []NodeCode, by PersonID) (Activation, error)
	// AfterAction is the summary of an ended (or the running) activation;
	// "" for the latest.
	AfterAction(ctx context.Context, id string) (AfterAction, error)
	// DraftReserve puts a reserve into a micro-grid gap (model.CanDraft).
	DraftReserve(ctx context.Context, person PersonID, micro NodeCode, by PersonID) (Draft, error)
	// ReleaseReserve sends a drafted reserve home before wartime ends
	// (CanRelease): the micro-grid is a gap again, the reserve's duty as it
	// was, and the reserve may be drafted again.
	ReleaseReserve(ctx context.Context, person PersonID, by PersonID) (Draft, error)
	// IssueDirective fans a directive out to every micro-grid under the
	// targets. With dryRun nothing is stored and the units are returned.
	IssueDirective(ctx context.Context, text string, targets []NodeCode, deadline time.Duration, by PersonID, dryRun bool) (Directive, []DirectiveUnit, error)
	// IssueDirectiveAt is IssueDirective with the deadline a time (the one a
	// question named, ParseDue), kept exactly however long the question
	// waited; one that has passed is refused (DirectiveDue).
	IssueDirectiveAt(ctx context.Context, text string, targets []NodeCode, due time.Time, by PersonID, dryRun bool) (Directive, []DirectiveUnit, error)
	Directive(ctx context.Context, id string) (Directive, []DirectiveUnit, error)
	// Directives lists the directives of the activations active in scope
	// ("" the whole file), else of the latest one that reached into it, in
	// seq order.
	Directives(ctx context.Context, scope NodeCode) ([]Directive, error)
	// UnitDirectives lists the directives sent to one micro-grid, with its copy.
	UnitDirectives(ctx context.Context, unit NodeCode) ([]Directive, []DirectiveUnit, error)
	SignDirective(ctx context.Context, id string, unit NodeCode, by PersonID) (DirectiveUnit, error)
	DirectiveProgress(ctx context.Context, id string, unit NodeCode, done, of int, by PersonID) (DirectiveUnit, error)
	// DirectiveProgressNote is DirectiveProgress with a note saying why, the
	// one way done may go down.
	DirectiveProgressNote(ctx context.Context, id string, unit NodeCode, done, of int, by PersonID, note string) (DirectiveUnit, error)
	// ResendDirective sends the directive again to the units that have not
	// signed, and returns how many: those within node within (a village
	// room's own), or all of them when within is "" (the room above);
	// MayResend says who may.
	ResendDirective(ctx context.Context, id string, within NodeCode, by PersonID) (int, error)
}

// DutyService keeps the duty schedule (值班表), the handovers (交接班) and
// the watchdogs (heartbeats and the village rooms' silences).
type DutyService interface {
	// AddShifts schedules shifts, all or none: each passes CheckShift and
	// overlaps no other shift of its room, stored or given. One event
	// records them, with note. A refusal of one of them says which
	// (Error.Item) and, for an overlap with an earlier one of shifts, that
	// one (Error.Other, named in the message by BatchShift).
	AddShifts(ctx context.Context, shifts []Shift, by PersonID, note string) ([]Shift, error)
	// Shifts lists the shifts f selects, by room, then in time order.
	Shifts(ctx context.Context, f ShiftFilter) ([]Shift, error)
	// SwapShift gives shift id to person to (Shift.Swap).
	SwapShift(ctx context.Context, id string, to, by PersonID) (Shift, error)
	// Duty is who is on duty in room ("" for every town and village room)
	// at at (zero: now), by OnDuty.
	Duty(ctx context.Context, room NodeCode, at time.Time) ([]RoomDuty, error)
	// DutyUnder is Duty of every town and village room in root's subtree
	// ("" the whole file), reading those rooms only.
	DutyUnder(ctx context.Context, root NodeCode, at time.Time) ([]RoomDuty, error)
	// Handover hands room over at the shift change RoomDuty.ShiftChange
	// names, with the sheet made from the records (BuildSheet) and note.
	// With dryRun nothing is stored: the handover comes back unsaved (no
	// id), for the outgoing officer to read first. ECONFLICT when that
	// change was handed over already. seen, when not "", is the Digest of
	// the sheet the officer read (a preview's): the hand-over is refused
	// with ErrSheetMoved when the sheet made now says something else.
	Handover(ctx context.Context, room NodeCode, note string, by PersonID, dryRun bool, seen string) (Handover, error)
	// AcceptHandover is the incoming officer signing for handover id, or,
	// with id "", for the one waiting in room.
	AcceptHandover(ctx context.Context, id string, room NodeCode, by PersonID) (Handover, error)
	// Handovers lists handovers, newest first (HandoverFilter).
	Handovers(ctx context.Context, f HandoverFilter) ([]Handover, error)
	// CheckIn records that a village room is there: its silence clock
	// starts again.
	CheckIn(ctx context.Context, room NodeCode, by PersonID) error
	// AddHeartbeat watches a gateway (Heartbeat.Check); ECONFLICT when the
	// name is taken.
	AddHeartbeat(ctx context.Context, h Heartbeat, by PersonID) (Heartbeat, error)
	// RemoveHeartbeat stops watching a gateway; ENOTFOUND for no such name.
	RemoveHeartbeat(ctx context.Context, name string, by PersonID) error
	// Heartbeats lists the watched gateways by name.
	Heartbeats(ctx context.Context) ([]Heartbeat, error)
	// Beat is a heartbeat of gateway name posted by by, who must be allowed
	// at its node (Person.MayReportAt): it is heard now, and the silence it
	// ended, if any, is resolved by itself (Incident.SilenceEnds).
	Beat(ctx context.Context, name string, by PersonID) (Heartbeat, error)
}
