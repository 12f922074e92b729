package cli

import (
	"time"

	"gridcmd/model"
)

// The --json shapes of the wartime commands. Like the others they are
// stable: fields are only ever added. Times are RFC 3339 in the configured
// zone (absent times omitted), durations whole seconds, people "P12",
// node codes as stored.
//
//	wartime on --json        activationJSON
//	wartime status --json    wartimeStatusJSON (active false, zero counts and
//	                         empty lists in peacetime; towns lists every
//	                         activation, the rest is the one when only one)
//	wartime on --json        over several towns: a list of activationJSON
//	wartime widen --json     activationJSON (widened: its widenings)
//	wartime off --json,
//	wartime report --json    afterActionJSON
//	reserve draft --json     draftJSON
//	directive issue --json   directiveJSON with unit_list (every receiving
//	                         unit), nobody_on_duty and, for --dry-run,
//	                         dry_run true (nothing stored)
//	directive show --json    directiveJSON with unit_list
//	directive ack --json,
//	directive progress --json unitJSON

type activationJSON struct {
	ID         string   `json:"id"`
	Reason     string   `json:"reason"`
	Scope      []string `json:"scope"`
	Drill      bool     `json:"drill"`
	Note       string   `json:"note,omitempty"`
	Since      string   `json:"since"`
	Ended      string   `json:"ended,omitempty"`
	By         string   `json:"by"`
	Villages   int      `json:"villages"`
	MicroGrids int      `json:"micro_grids"`
	Households int      `json:"households"`
	// Widened lists the widenings of its scope, oldest first (absent:
	// never widened): each with the scope before and what it took in.
	Widened []wideningJSON `json:"widened,omitempty"`
}

type wideningJSON struct {
	At         string   `json:"at"`
	By         string   `json:"by"`
	From       []string `json:"from"`
	Villages   int      `json:"villages"`
	MicroGrids int      `json:"micro_grids"`
	Households int      `json:"households"`
}

type wartimeStatusJSON struct {
	Active     bool            `json:"active"`
	Activation *activationJSON `json:"activation,omitempty"`
	MicroGrids int             `json:"micro_grids"`
	Staffed    int             `json:"staffed"`
	Gaps       int             `json:"gaps"`
	GapUnits   []string        `json:"gap_units"`
	Drafted    []draftJSON     `json:"drafted_reserves"`
	Reason     string          `json:"reason,omitempty"`
	Scope      []string        `json:"scope,omitempty"`
	Since      string          `json:"since,omitempty"`
	Roles      map[string]int  `json:"roles"` // wartime role -> staffed micro-grids
	// Towns is every activation active (wartime is per town); activation
	// and the figures above are the one when there is exactly one.
	Towns []activationJSON `json:"towns"`
}

type draftJSON struct {
	Person    string `json:"person"`
	Name      string `json:"name,omitempty"`
	MicroGrid string `json:"micro_grid"`
	At        string `json:"at"`
	By        string `json:"by"`
	Released  string `json:"released,omitempty"`
}

type unitJSON struct {
	Unit        string `json:"unit"`
	Name        string `json:"name,omitempty"`        // the micro-grid's display name
	Worker      string `json:"worker,omitempty"`      // who serves it in wartime, absent for a gap
	WorkerName  string `json:"worker_name,omitempty"` //
	SentAt      string `json:"sent_at,omitempty"`
	SignedAt    string `json:"signed_at,omitempty"`
	SignedBy    string `json:"signed_by,omitempty"`
	OnBehalf    bool   `json:"on_behalf"` // signed_by signed on the unit's behalf (代签), not one of its own
	Done        int    `json:"done"`
	Of          int    `json:"of"`
	CompletedAt string `json:"completed_at,omitempty"`
	Escalated   string `json:"escalated,omitempty"`
	Resends     int    `json:"resends"`
}

type villageJSON struct {
	Village   string `json:"village"`
	Name      string `json:"name,omitempty"`
	Units     int    `json:"units"`
	Signed    int    `json:"signed"`
	Done      int    `json:"done"`
	Escalated string `json:"escalated,omitempty"`
}

type directiveJSON struct {
	ID                string        `json:"id"`
	Text              string        `json:"text"`
	Targets           []string      `json:"targets"`
	IssuedAt          string        `json:"issued_at"`
	SignBy            string        `json:"sign_by"`
	Deadline          string        `json:"deadline"`
	Units             int           `json:"units"`
	Signed            int           `json:"signed"`
	Done              int           `json:"done"`
	Escalated         int           `json:"escalated"`
	OnBehalf          int           `json:"on_behalf"`           // of signed, signed on the unit's behalf (代签)
	SignMedianSeconds int64         `json:"sign_median_seconds"` // of the units' own signatures
	SignWorstSeconds  int64         `json:"sign_worst_seconds"`
	Villages          []villageJSON `json:"villages"`
	Slowest           []unitJSON    `json:"slowest"`
	UnitList          []unitJSON    `json:"unit_list,omitempty"`
	NobodyOnDuty      []string      `json:"nobody_on_duty,omitempty"`
	DryRun            bool          `json:"dry_run,omitempty"`
	// On a hub, a federated town's directive: the town's own id of it, and
	// the county's command that issued it (absent: the town's own room).
	TownID  string `json:"town_id,omitempty"`
	Command uint64 `json:"command,omitempty"`
}

type afterActionJSON struct {
	Activation        activationJSON  `json:"activation"`
	Running           bool            `json:"running"` // not ended: the figures as of now
	DurationSeconds   int64           `json:"duration_seconds"`
	Directives        []directiveJSON `json:"directives"`
	IncidentsOpened   int             `json:"incidents_opened"`
	IncidentsResolved int             `json:"incidents_resolved"`
	PersonTimes       int             `json:"person_times"`
	ReservesDrafted   int             `json:"reserves_drafted"`
}

func (a *app) activationJSON(x model.Activation) activationJSON {
	j := activationJSON{ID: x.ID, Reason: string(x.Reason), Scope: model.Strings(x.Scope), Drill: x.Drill, Note: x.Note,
		Since: a.ts(x.Since), Ended: a.ts(x.Ended), By: x.By.String(), Villages: x.Villages,
		MicroGrids: x.MicroGrids, Households: x.Households}
	for _, w := range x.Widened {
		j.Widened = append(j.Widened, wideningJSON{At: a.ts(w.At), By: w.By.String(), From: model.Strings(w.From),
			Villages: w.Villages, MicroGrids: w.MicroGrids, Households: w.Households})
	}
	return j
}

// wartimeStatusJSON is the state of wartime as status --json prints it;
// drafted names the drafted reserves.
func (a *app) wartimeStatusJSON(st model.WartimeStatus, drafted map[model.PersonID]string) wartimeStatusJSON {
	j := wartimeStatusJSON{GapUnits: []string{}, Drafted: []draftJSON{}, Roles: map[string]int{}, Towns: []activationJSON{}}
	for _, t := range st.Towns {
		j.Towns = append(j.Towns, a.activationJSON(t))
	}
	j.Active = len(st.Towns) > 0
	if !st.Active.Active() {
		return j
	}
	act := a.activationJSON(st.Active)
	j.Active, j.Activation = true, &act
	j.Reason, j.Scope, j.Since = act.Reason, act.Scope, act.Since
	j.MicroGrids, j.Staffed, j.Gaps = len(st.Units), st.Staffed, st.Gaps
	for _, u := range st.Units {
		if u.Worker == 0 {
			j.GapUnits = append(j.GapUnits, string(u.MicroGrid))
		} else {
			j.Roles[string(u.Role)]++
		}
	}
	for _, d := range st.Drafts {
		j.Drafted = append(j.Drafted, a.draftJSON(d, drafted[d.Person]))
	}
	return j
}

func (a *app) unitJSON(u model.DirectiveUnit, n wtNames) unitJSON {
	j := unitJSON{Unit: string(u.Unit), Name: n.nodes[u.Unit], SentAt: a.ts(u.SentAt), SignedAt: a.ts(u.SignedAt),
		Done: u.Done, Of: u.Of, CompletedAt: a.ts(u.CompletedAt), Escalated: string(u.Escalated), Resends: u.Resends}
	if u.Signed() {
		j.SignedBy, j.OnBehalf = u.SignedBy.String(), u.OnBehalf
	}
	if w, ok := n.workers[u.Unit]; ok && w.Worker != 0 {
		j.Worker, j.WorkerName = w.Worker.String(), w.WorkerName
	}
	return j
}

func (a *app) directiveJSON(d model.Directive, s model.DirectiveSummary, n wtNames) directiveJSON {
	j := directiveJSON{ID: s.ID, Text: s.Text, Targets: model.Strings(d.Targets), IssuedAt: a.ts(d.IssuedAt),
		SignBy: a.ts(d.SignBy), Deadline: a.ts(d.Deadline), Units: s.Units, Signed: s.Signed, Done: s.Done,
		Escalated: s.Escalated, OnBehalf: s.OnBehalf, SignMedianSeconds: int64(s.SignMedian / time.Second),
		SignWorstSeconds: int64(s.SignWorst / time.Second), Villages: []villageJSON{}, Slowest: []unitJSON{},
		TownID: d.Fed, Command: d.Command}
	if j.Targets == nil {
		j.Targets = []string{}
	}
	for _, v := range s.Villages {
		j.Villages = append(j.Villages, villageJSON{Village: string(v.Village), Name: n.nodes[v.Village], Units: v.Units,
			Signed: v.Signed, Done: v.Done, Escalated: string(v.Escalated)})
	}
	for _, u := range s.Slowest {
		j.Slowest = append(j.Slowest, a.unitJSON(u, n))
	}
	return j
}

// unitList is every unit of a directive, for unit_list.
func (a *app) unitList(units []model.DirectiveUnit, n wtNames) []unitJSON {
	return jsonList(units, func(u model.DirectiveUnit) unitJSON { return a.unitJSON(u, n) })
}

func (a *app) afterActionJSON(x model.AfterAction, ds map[string]model.Directive, n wtNames) afterActionJSON {
	j := afterActionJSON{Activation: a.activationJSON(x.Activation), Running: x.Activation.Active(),
		DurationSeconds: int64(x.Duration / time.Second), Directives: []directiveJSON{},
		IncidentsOpened: x.IncidentsOpened, IncidentsResolved: x.IncidentsResolved,
		PersonTimes: x.PersonTimes, ReservesDrafted: x.ReservesDrafted}
	for _, s := range x.Directives {
		j.Directives = append(j.Directives, a.directiveJSON(ds[s.ID], s, n))
	}
	return j
}

func (a *app) draftJSON(d model.Draft, name string) draftJSON {
	return draftJSON{Person: d.Person.String(), Name: name, MicroGrid: string(d.MicroGrid), At: a.ts(d.At),
		By: d.By.String(), Released: a.ts(d.Released)}
}
