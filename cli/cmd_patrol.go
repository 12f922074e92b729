package cli

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gridcmd/importer"
	"gridcmd/model"
)

// The patrol flow's commands: patrol, finding, rotation, and the imports
// of patrol areas and rotations.
//
// The --json shapes, stable like the others (fields are only added):
//
//	patrol areas --json     [areaJSON]
//	patrol start|checkin|end --json, patrol list --json    patrolJSON, [patrolJSON]
//	patrol rates --json     ratesJSON: {"day","areas_due","areas_done","patrol_rate",
//	                        "findings","findings_followed","follow_up_rate","by_kind":{...}}
//	finding add|pass|merge|close --json, finding list --json   findingJSON, [findingJSON]
//	rotation add --json, rotation list --json                  rotationJSON, [rotationJSON]

// whereJSON is where a checkpoint stands or a check-in was made: absent
// when unknown.
type whereJSON struct {
	Lat *float64 `json:"lat,omitempty"`
	Lon *float64 `json:"lon,omitempty"`
}

type checkpointJSON struct {
	Code string `json:"code"`
	Name string `json:"name"`
	whereJSON
}

type areaDayJSON struct {
	Day  string `json:"day"` // the day asked (--day, else today)
	Due  int    `json:"due"`
	Done int    `json:"done"`
	Late int    `json:"late"`
	Now  string `json:"now"` // pending, done or late: the window that runs now
}

type areaJSON struct {
	Code          string           `json:"code"`
	Name          string           `json:"name"`
	Kind          string           `json:"kind"`
	Village       string           `json:"village"`
	VillageName   string           `json:"village_name,omitempty"`
	Every         string           `json:"every"`
	Patroller     string           `json:"patroller,omitempty"`
	PatrollerName string           `json:"patroller_name,omitempty"`
	Since         string           `json:"since"`
	Checkpoints   []checkpointJSON `json:"checkpoints"`
	Today         areaDayJSON      `json:"today"`
	LastDone      string           `json:"last_done,omitempty"`
}

type checkInJSON struct {
	Checkpoint string `json:"checkpoint"`
	At         string `json:"at"`
	whereJSON
}

type patrolJSON struct {
	ID          string        `json:"id"`
	Area        string        `json:"area"`
	Kind        string        `json:"kind"`
	Village     string        `json:"village"`
	Patroller   string        `json:"patroller"`
	StartedAt   string        `json:"started_at"`
	EndedAt     string        `json:"ended_at,omitempty"`
	CompletedAt string        `json:"completed_at,omitempty"`
	Checkpoints int           `json:"checkpoints"`
	Checked     int           `json:"checked"`
	Complete    bool          `json:"complete"`
	CheckIns    []checkInJSON `json:"checkins"`
	// Silence is the incident the patroller's silence opened (the
	// watchdog), while it is open.
	Silence string `json:"silence,omitempty"`
}

// areaRateJSON is the patrol rate of a day's areas, all of them or those
// of a kind: areas due, done, and the rate (null when none was due).
type areaRateJSON struct {
	AreasDue   int      `json:"areas_due"`
	AreasDone  int      `json:"areas_done"`
	PatrolRate *float64 `json:"patrol_rate"`
}

func areaRate(due, done int) areaRateJSON {
	return areaRateJSON{AreasDue: due, AreasDone: done, PatrolRate: rate(done, due)}
}

// ratesJSON is patrol rates --json: exactly the fields of issue 13. A rate
// is null when nothing was due (no area, or no finding past its triage
// deadline).
type ratesJSON struct {
	Day string `json:"day"`
	areaRateJSON
	Findings         int                     `json:"findings"`
	FindingsFollowed int                     `json:"findings_followed"`
	FollowUpRate     *float64                `json:"follow_up_rate"`
	ByKind           map[string]areaRateJSON `json:"by_kind"`
}

type findingJSON struct {
	ID             string        `json:"id"`
	Area           string        `json:"area"`
	AreaName       string        `json:"area_name"`
	Kind           string        `json:"kind"`
	Village        string        `json:"village"`
	Checkpoint     string        `json:"checkpoint,omitempty"`
	Category       string        `json:"category"`
	Text           string        `json:"text"`
	Location       *model.LatLon `json:"location,omitempty"` // {"lat","lon"}, as the field API takes it
	Photo          string        `json:"photo,omitempty"`
	By             string        `json:"by"`
	FoundAt        string        `json:"found_at"`
	TriageDue      string        `json:"triage_due"`
	Status         string        `json:"status"`
	Incident       string        `json:"incident,omitempty"`
	IncidentStatus string        `json:"incident_status,omitempty"`
	HandledBy      string        `json:"handled_by,omitempty"`
	HandledAt      string        `json:"handled_at,omitempty"`
	Reason         string        `json:"reason,omitempty"`
	FollowedUp     bool          `json:"followed_up"`
}

type rotationTodayJSON struct {
	Group   int      `json:"group"` // 1-based; 0 before the rotation starts
	Grids   []string `json:"grids"`
	Reports int      `json:"reports"`
}

type rotationJSON struct {
	ID       string             `json:"id"`
	Name     string             `json:"name"`
	Activity string             `json:"activity"`
	Groups   [][]string         `json:"groups"`
	Start    string             `json:"start"`
	Every    int                `json:"every"`
	Day      *rotationTodayJSON `json:"day,omitempty"`
}

func rate(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	r := float64(n) / float64(d)
	return &r
}

func ratesOf(r model.PatrolRates) ratesJSON {
	out := ratesJSON{
		Day: r.Day.Format("2006-01-02"), areaRateJSON: areaRate(r.Due, r.Done),
		Findings: r.Findings, FindingsFollowed: r.Followed, FollowUpRate: rate(r.Followed, r.Findings),
		ByKind: map[string]areaRateJSON{},
	}
	for k, x := range r.ByKind {
		out.ByKind[string(k)] = areaRate(x.Due, x.Done)
	}
	return out
}

func whereOf(l *model.LatLon) whereJSON {
	if l == nil {
		return whereJSON{}
	}
	lat, lon := l.Lat, l.Lon
	return whereJSON{Lat: &lat, Lon: &lon}
}

func (a *app) patrolJSON(p model.Patrol) patrolJSON {
	j := patrolJSON{ID: p.ID, Area: p.Area, Kind: string(p.Kind), Village: string(p.Village), Patroller: p.Patroller.String(),
		StartedAt: a.ts(p.Started), EndedAt: a.ts(p.Ended), CompletedAt: a.ts(p.Completed),
		Checkpoints: p.Checkpoints, Checked: p.Checked(), Complete: p.Complete(), CheckIns: []checkInJSON{}, Silence: p.Silence}
	for _, c := range p.CheckIns {
		j.CheckIns = append(j.CheckIns, checkInJSON{Checkpoint: c.Checkpoint, At: a.ts(c.At), whereJSON: whereOf(c.Loc)})
	}
	return j
}

func (a *app) findingJSON(f model.Finding, p model.PatrolPolicy) findingJSON {
	j := findingJSON{ID: f.ID, Area: f.Area, AreaName: f.AreaName, Kind: string(f.Kind), Village: string(f.Village),
		Checkpoint: f.Checkpoint, Category: string(f.Category), Text: f.Text, Photo: f.Photo, By: f.By.String(),
		FoundAt: a.ts(f.FoundAt), TriageDue: a.ts(f.TriageDue(p)), Status: string(f.Status), Incident: f.Incident,
		IncidentStatus: string(f.IncidentStatus), HandledAt: a.ts(f.HandledAt), Reason: f.Reason, FollowedUp: f.FollowedUp()}
	if f.Loc != nil {
		l := *f.Loc
		j.Location = &l
	}
	if f.Handled() {
		j.HandledBy = f.HandledBy.String()
	}
	return j
}

func (a *app) rotationJSON(r model.JointRotation, rd *model.RotationDay) rotationJSON {
	j := rotationJSON{ID: r.ID, Name: r.Name, Activity: string(r.Activity), Start: a.local(r.Start, "2006-01-02"), Every: r.Every}
	for _, g := range r.Groups {
		j.Groups = append(j.Groups, model.Strings(g))
	}
	if rd != nil {
		j.Day = &rotationTodayJSON{Group: rd.Group + 1, Grids: model.Strings(rd.Grids), Reports: rd.Reports}
		if j.Day.Grids == nil {
			j.Day.Grids = []string{}
		}
	}
	return j
}

// pct writes a rate as a percentage, "-" when there is none.
func pct(n, d int) string {
	if d == 0 {
		return "-"
	}
	return strconv.FormatFloat(100*float64(n)/float64(d), 'f', 1, 64) + "%"
}

// parseDay reads --day (YYYY-MM-DD in the configured zone); "" is today
// (the zero time).
func (a *app) parseDay(s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), a.cfg.Location)
	if err != nil {
		return time.Time{}, badDate("--day", s, badValue("--day", s, "a date, YYYY-MM-DD", "日期，YYYY-MM-DD"))
	}
	return d, nil
}

// location reads --lat and --lon, both or neither.
func location(cmd *cobra.Command, lat, lon float64) (*model.LatLon, error) {
	f := cmd.Flags()
	switch hasLat, hasLon := f.Changed("lat"), f.Changed("lon"); {
	case !hasLat && !hasLon:
		return nil, nil
	case hasLat != hasLon:
		return nil, usageError{model.Errorf(model.EINVALID, "%sgive --lat and --lon both, or neither", where(cmd)).
			Zh("%s--lat 与 --lon 要么都给，要么都不给", where(cmd))}
	}
	l := &model.LatLon{Lat: lat, Lon: lon}
	if err := l.Validate(); err != nil {
		return nil, usageError{model.Errorf(model.EINVALID, "%s%s", where(cmd), model.ErrorMessage(err)).
			Zh("%s%s", where(cmd), model.ErrorMessageZh(err))}
	}
	return l, nil
}

func (a *app) patrolCmd() *cobra.Command {
	return group(&cobra.Command{
		Use:   "patrol",
		Short: "Patrols (巡护): the areas, a patrol's start, check-ins and end, the day's rates",
	}, a.patrolAreasCmd(), a.patrolStartCmd(), a.patrolCheckInCmd(), a.patrolEndCmd(),
		a.patrolListCmd(), a.patrolRatesCmd())
}

func (a *app) patrolAreasCmd() *cobra.Command {
	var fl boardFlags
	var late bool
	cmd := &cobra.Command{
		Use:   "areas [--day YYYY-MM-DD] [--node CODE|NAME] [--late] [--json]",
		Short: "The patrol areas, their checkpoints and a day's state (default today): due, done, late",
		Long: `The patrol areas, their checkpoints and a day's state (default today): the
windows of the area due that day, done and late (over without a completed
patrol, or running while the area's previous window was missed), as the
records stand now. --late keeps the areas late on the day: the missed ones.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withBoard(cmd.Context(), fl, func(ctx context.Context, db backend, b model.PatrolBoard) error {
				return a.patrolAreas(ctx, db, b, late, fl.asJSON)
			})
		},
	}
	fl.add(cmd)
	cmd.Flags().BoolVar(&late, "late", false, "only the areas late on the day")
	return cmd
}

// boardFlags are the flags of a command that shows the patrol board:
// --day, --node and --json.
type boardFlags struct {
	day, node string
	asJSON    bool
}

func (fl *boardFlags) add(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&fl.day, "day", "", "the day, YYYY-MM-DD (default today)")
	fl.scope(cmd)
	f.BoolVar(&fl.asJSON, "json", false, "print JSON")
}

// scope adds --node, the subtree a command reads (a.scopeArg).
func (fl *boardFlags) scope(cmd *cobra.Command) {
	cmd.Flags().StringVar(&fl.node, "node", "", "only this node's subtree, a code or its name as the console shows it (东城街道, 渎溪村); "+
		"default the operator's room: a town officer's town, a county officer's county")
}

// withBoard runs show on the patrol board of fl's day (--day: "" is
// today) and subtree (a.scopeArg), as the records stand now.
func (a *app) withBoard(ctx context.Context, fl boardFlags, show func(ctx context.Context, db backend, b model.PatrolBoard) error) error {
	d, err := a.parseDay(fl.day)
	if err != nil {
		return err
	}
	return withFound(a, ctx, looking, func(ctx context.Context, db backend) (model.PatrolBoard, error) {
		scope, err := a.scopeArg(ctx, db, fl.node)
		if err != nil {
			return model.PatrolBoard{}, err
		}
		b, err := db.PatrolBoard(ctx, d, scope)
		return b, refused(err)
	}, show)
}

// scopeArg is the subtree a patrol command that looks reads: the node
// typed for --node (a.nodeArg; one not stored is refused, not read as an
// empty subtree), else the operator's room as their console shows it
// (a.seat: a town officer's town, a county officer's county, the file's
// one root with no operator).
func (a *app) scopeArg(ctx context.Context, db backend, node string) (model.NodeCode, error) {
	if blank(node) {
		seat, err := a.seat(ctx, db)
		return seat.Scope(), err
	}
	code, err := a.nodeArg(ctx, db, "--node", node, 0)
	if err != nil {
		return "", err
	}
	if _, err := db.Node(ctx, code); err != nil {
		return flagged("--node")(code, err)
	}
	return code, nil
}

func (a *app) patrolAreas(ctx context.Context, db backend, b model.PatrolBoard, lateOnly, asJSON bool) error {
	if lateOnly {
		b.Areas = lateAreas(b.Areas)
	}
	dayText := a.local(b.Rates.Day, "2006-01-02")
	names, err := nodeNames(ctx, db)
	if err != nil {
		return err
	}
	who := map[model.PersonID]string{}
	for _, p := range b.Patrollers {
		who[p.Person.ID] = p.Person.Name
	}
	out := jsonList(b.Areas, func(ad model.AreaDay) areaJSON { return a.areaJSON(ad, dayText, names, who) })
	switch {
	case asJSON:
		return writeJSON(a.out, out)
	case len(out) == 0 && lateOnly:
		fmt.Fprintf(a.out, "no area late on %s\n", dayText)
	case len(out) == 0:
		fmt.Fprintln(a.out, "no patrol areas; import them with 'gridcmd import patrol-areas FILE.csv'")
	default:
		a.printAreas(b, out, dayText)
	}
	return nil
}

// lateAreas keeps the areas late on the day.
func lateAreas(areas []model.AreaDay) []model.AreaDay {
	kept := areas[:0]
	for _, ad := range areas {
		if ad.Late > 0 {
			kept = append(kept, ad)
		}
	}
	return kept
}

// areaJSON is an area of patrol areas --json with its day (dayText).
func (a *app) areaJSON(ad model.AreaDay, dayText string, names map[model.NodeCode]string, who map[model.PersonID]string) areaJSON {
	x := ad.Area
	j := areaJSON{Code: x.Code, Name: x.Name, Kind: string(x.Kind), Village: string(x.Village), VillageName: names[x.Village],
		Every: model.FormatEvery(x.Every), Since: a.ts(x.Since), LastDone: a.ts(ad.LastDone),
		Today: areaDayJSON{Day: dayText, Due: ad.Due, Done: ad.Done, Late: ad.Late, Now: ad.Now.String()}}
	if x.Patroller != 0 {
		j.Patroller, j.PatrollerName = x.Patroller.String(), who[x.Patroller]
	}
	for _, c := range x.Checkpoints {
		j.Checkpoints = append(j.Checkpoints, checkpointJSON{Code: c.Code, Name: c.Name, whereJSON: whereOf(c.Loc)})
	}
	return j
}

// printAreas is patrol areas' table: an area a row (out, of b.Areas).
func (a *app) printAreas(b model.PatrolBoard, out []areaJSON, dayText string) {
	rows := make([][]string, len(out))
	for i, j := range out {
		last := "-"
		if ad := b.Areas[i]; !ad.LastDone.IsZero() {
			last = a.minute(ad.LastDone)
		}
		rows[i] = []string{j.Code, j.Name, j.Kind, j.VillageName, j.Every, strings.TrimSpace(j.PatrollerName + " " + j.Patroller),
			itoa(len(j.Checkpoints)), itoa(j.Today.Due), itoa(j.Today.Done), itoa(j.Today.Late), j.Today.Now, last}
	}
	fmt.Fprintf(a.out, "%s, as of %s\n", dayText, a.minute(b.Rates.AsOf))
	table(a.out, []string{"area", "name", "kind", "village", "every", "patroller", "checkpoints", "due", "done", "late", "now", "last done"}, rows)
}

// patrolActor is who acts on a patrol: --by, else --as, else the patrol's
// patroller (else the operator, for a patrol not started yet: "").
func (a *app) patrolActor(ctx context.Context, db backend, by, patrol string) (model.PersonID, error) {
	if by == "" && a.asFlag == "" && patrol != "" {
		p, err := db.Patrol(ctx, patrol)
		if err != nil {
			return 0, refused(err)
		}
		return p.Patroller, nil
	}
	return a.actor(ctx, db, by)
}

// printPatrol says what actor did to the patrol; one covering for the
// patroller (the liaison, a duty officer) is named with whom it was for.
func (a *app) printPatrol(p model.Patrol, asJSON bool, what string, actor model.PersonID) error {
	done := ""
	if p.Complete() {
		done = ", done"
	}
	who := p.Patroller.String()
	if actor != 0 && actor != p.Patroller {
		who = actor.String() + " for " + who
	}
	return a.reply(asJSON, a.patrolJSON(p), "%s %s %s by %s: %d/%d checkpoints%s\n", p.ID, p.Area, what, who, p.Checked(), p.Checkpoints, done)
}

// onPatrol makes a step of a patrol (its start, a check-in, its end) as
// who acts and prints the patrol with what was done. Who acts is --by,
// else --as, else the operator for a start (patrol ""), and the patrol's
// patroller for a step of a running patrol. The store's refusals read as
// refused() reads them.
func (a *app) onPatrol(ctx context.Context, fl actFlags, patrol, what string, step func(ctx context.Context, db backend, actor model.PersonID) (model.Patrol, bool, error)) error {
	return withFound(a, ctx, acting, func(ctx context.Context, db backend) (model.PersonID, error) {
		return a.patrolActor(ctx, db, fl.by, patrol)
	}, func(ctx context.Context, db backend, actor model.PersonID) error {
		p, _, err := step(ctx, db, actor)
		if err != nil {
			return refused(err)
		}
		return a.printPatrol(p, fl.asJSON, what, actor)
	})
}

func (a *app) patrolStartCmd() *cobra.Command {
	var fl actFlags
	cmd := &cobra.Command{
		Use:   "start AREA --by PERSON [--json]",
		Short: "Start a patrol of an area (by its patroller, or the liaison or a duty officer covering)",
		Args:  exactArgs(1, "one patrol area (e.g. P-DX-01)", "一个巡护区（如 P-DX-01）"),
		RunE: func(cmd *cobra.Command, args []string) error {
			area, err := model.ParseAreaCode(args[0])
			if err != nil {
				return usageError{err}
			}
			return a.onPatrol(cmd.Context(), fl, "", "started", func(ctx context.Context, db backend, actor model.PersonID) (model.Patrol, bool, error) {
				return db.StartPatrol(ctx, area, actor, "")
			})
		},
	}
	fl.add(cmd.Flags(), "the patroller (person id); default --as, else the operator", "print the patrol as JSON")
	return cmd
}

func (a *app) patrolCheckInCmd() *cobra.Command {
	var fl actFlags
	var checkpoint string
	var lat, lon float64
	cmd := &cobra.Command{
		Use:   "checkin PATROL --checkpoint C [--lat L --lon L] [--by PERSON] [--json]",
		Short: "Check in at a checkpoint of the patrol's area",
		Args:  exactArgs(1, "one patrol id (e.g. X-0001)", "一个巡护编号（如 X-0001）"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if blank(checkpoint) {
				return usageError{model.Errorf(model.EINVALID, "patrol checkin: missing --checkpoint").Zh("patrol checkin：缺少 --checkpoint")}
			}
			loc, err := location(cmd, lat, lon)
			if err != nil {
				return err
			}
			what := "checked in at " + strings.ToUpper(strings.TrimSpace(checkpoint))
			return a.onPatrol(cmd.Context(), fl, args[0], what, func(ctx context.Context, db backend, actor model.PersonID) (model.Patrol, bool, error) {
				return db.PatrolCheckIn(ctx, args[0], checkpoint, loc, actor, "")
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&checkpoint, "checkpoint", "", "the checkpoint's code (required), e.g. C2")
	f.Float64Var(&lat, "lat", 0, "where, latitude (with --lon)")
	f.Float64Var(&lon, "lon", 0, "where, longitude (with --lat)")
	fl.add(cmd.Flags(), "who checks in (person id); default the patrol's patroller", "print the patrol as JSON")
	return cmd
}

func (a *app) patrolEndCmd() *cobra.Command {
	var fl actFlags
	cmd := &cobra.Command{
		Use:   "end PATROL [--by PERSON] [--json]",
		Short: "End a patrol; it counts as done if it checked in at patrol.complete_share of the checkpoints",
		Args:  exactArgs(1, "one patrol id (e.g. X-0001)", "一个巡护编号（如 X-0001）"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.onPatrol(cmd.Context(), fl, args[0], "ended", func(ctx context.Context, db backend, actor model.PersonID) (model.Patrol, bool, error) {
				return db.EndPatrol(ctx, args[0], actor, "")
			})
		},
	}
	fl.add(cmd.Flags(), "who ends it (person id); default the patrol's patroller", "print the patrol as JSON")
	return cmd
}

func (a *app) patrolListCmd() *cobra.Command {
	var active, asJSON bool
	var day, area string
	cmd := &cobra.Command{
		Use:   "list [--active] [--day YYYY-MM-DD] [--area A] [--json]",
		Short: "Patrols: those running, or those started on a day (default today)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			d, err := a.parseDay(day)
			if err != nil {
				return err
			}
			return a.withDB(cmd.Context(), looking, func(ctx context.Context, db backend) error {
				ps, err := a.patrolsOn(ctx, db, d, active, area)
				if err != nil {
					return err
				}
				return a.answer(asJSON, jsonList(ps, a.patrolJSON), func() { a.printPatrols(ps) })
			})
		},
	}
	f := cmd.Flags()
	f.BoolVar(&active, "active", false, "only the patrols running now")
	f.StringVar(&day, "day", "", "the day they started, YYYY-MM-DD (default today)")
	f.StringVar(&area, "area", "", "only this area's")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// patrolsOn are the patrols running (active), or those started on day
// (zero: today), of area ("": every area).
func (a *app) patrolsOn(ctx context.Context, db backend, day time.Time, active bool, area string) ([]model.Patrol, error) {
	if day.IsZero() {
		day = db.Now().In(a.cfg.Location)
	}
	y, m, dd := day.Date()
	since := time.Date(y, m, dd, 0, 0, 0, 0, a.cfg.Location)
	f := model.PatrolFilter{Active: active, Area: area}
	if !active {
		f.Since = since
	}
	ps, err := db.Patrols(ctx, f)
	if err != nil {
		return nil, refused(err)
	}
	if active {
		return ps, nil
	}
	kept := ps[:0]
	for _, p := range ps {
		if p.Started.Before(since.AddDate(0, 0, 1)) {
			kept = append(kept, p)
		}
	}
	return kept, nil
}

// printPatrols is patrol list's table: how far each patrol got, and
// whether it runs, fell silent or ended.
func (a *app) printPatrols(ps []model.Patrol) {
	tableOf(a.out, []string{"patrol", "area", "kind", "patroller", "started", "ended", "checked", "done"}, ps, func(p model.Patrol) []string {
		ended := "running"
		if p.Silence != "" {
			ended = "silent " + p.Silence
		}
		if !p.Active() {
			ended = a.local(p.Ended, "15:04")
		}
		done := "no"
		if p.Complete() {
			done = "yes"
		}
		return []string{p.ID, p.Area, string(p.Kind), p.Patroller.String(), a.local(p.Started, "15:04"), ended,
			fmt.Sprintf("%d/%d", p.Checked(), p.Checkpoints), done}
	})
}

func (a *app) patrolRatesCmd() *cobra.Command {
	var fl boardFlags
	cmd := &cobra.Command{
		Use:   "rates [--day YYYY-MM-DD] [--node CODE|NAME] [--json]",
		Short: "The day's patrol rate and follow-up rate, from the records",
		Long: `The patrol rate is the areas patrolled on time over the areas due that day
(an area is due once per window of its period: the day for a daily area, Monday
to Sunday for a weekly one, due on the day its window ends; it is done when a
patrol completed in the window). The follow-up rate is the day's findings past
their triage deadline that were closed with a reason or whose incident is
resolved, over all of them. Both as the records stand now; a rate with nothing
due is "-" (null in JSON).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withBoard(cmd.Context(), fl, func(_ context.Context, _ backend, b model.PatrolBoard) error {
				return a.answer(fl.asJSON, ratesOf(b.Rates), func() { a.printRates(b.Rates) })
			})
		},
	}
	fl.add(cmd)
	return cmd
}

func (a *app) printRates(r model.PatrolRates) {
	fmt.Fprintf(a.out, "%s, as of %s\n", r.Day.Format("2006-01-02"), a.minute(r.AsOf))
	table(a.out, []string{"rate", "of", "percent", "late"}, [][]string{
		{"patrol rate", fmt.Sprintf("%d/%d", r.Done, r.Due), pct(r.Done, r.Due), itoa(r.Late)},
		{"follow-up rate", fmt.Sprintf("%d/%d", r.Followed, r.Findings), pct(r.Followed, r.Findings), ""},
	})
	ratio := "-"
	if r.PrevWeek > 0 {
		ratio = strconv.FormatFloat(float64(r.Week)/float64(r.PrevWeek), 'f', 1, 64) + "x"
	}
	end := r.Day.AddDate(0, 0, 1)
	if r.AsOf.Before(end) {
		end = r.AsOf
	}
	fmt.Fprintf(a.out, "findings: %d in the 7 days to %s, %d in the 7 before (%s)\n", r.Week, a.minute(end), r.PrevWeek, ratio)
	var rows [][]string
	for _, k := range model.AreaKinds {
		x, ok := r.ByKind[k]
		if !ok {
			continue
		}
		rows = append(rows, []string{string(k), itoa(x.Due), itoa(x.Done), itoa(x.Late), pct(x.Done, x.Due)})
	}
	if len(rows) > 0 {
		table(a.out, []string{"kind", "due", "done", "late", "rate"}, rows)
	}
}

func (a *app) findingCmd() *cobra.Command {
	return group(&cobra.Command{
		Use:   "finding",
		Short: "Findings (巡护发现) and the liaison's desk: add, list, pass on, merge, close",
	}, a.findingAddCmd(), a.findingListCmd(), a.findingPassCmd(), a.findingMergeCmd(), a.findingCloseCmd())
}

// printFinding prints a finding as JSON or as one line.
func (a *app) printFinding(f model.Finding, p model.Policy, asJSON bool) error {
	line := fmt.Sprintf("%s %s (%s, %s)", f.ID, f.Status, f.Area, f.Category)
	switch {
	case f.Incident != "":
		line += fmt.Sprintf(": %s, %s", f.Incident, f.IncidentStatus)
	case f.Reason != "":
		line += ": " + f.Reason
	}
	return a.reply(asJSON, a.findingJSON(f, p.Patrol), "%s\n", line)
}

func (a *app) findingAddCmd() *cobra.Command {
	var area, checkpoint, category, text, photo, by string
	var lat, lon float64
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add --area A [--checkpoint C] --category C --text X [--lat L --lon L] [--photo REF] [--by PERSON] [--json]",
		Short: "Put a finding on the liaison's desk",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := missing("finding add", required{"--area", blank(area)}, required{"--category", blank(category)},
				required{"--text", blank(text)}); err != nil {
				return usageError{err}
			}
			loc, err := location(cmd, lat, lon)
			if err != nil {
				return err
			}
			return a.withActor(cmd.Context(), by, func(ctx context.Context, db backend, actor model.PersonID) error {
				f, _, err := db.AddFinding(ctx, model.FindingReport{Area: area, Checkpoint: checkpoint, Category: category,
					Text: text, Loc: loc, Photo: photo, By: actor}, "")
				if err != nil {
					return refused(err)
				}
				return a.printFinding(f, db.Policy(), asJSON)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&area, "area", "", "the patrol area (required), e.g. P-DX-01")
	f.StringVar(&checkpoint, "checkpoint", "", "the checkpoint it was found at")
	f.StringVar(&category, "category", "", "category (required), as for reports: fire, ecology, flood, hazard, ...")
	f.StringVar(&text, "text", "", "what was found (required)")
	f.Float64Var(&lat, "lat", 0, "where, latitude (with --lon)")
	f.Float64Var(&lon, "lon", 0, "where, longitude (with --lat)")
	f.StringVar(&photo, "photo", "", "a reference to a photo")
	f.StringVar(&by, "by", "", "who found it (person id); default --as, else the operator")
	f.BoolVar(&asJSON, "json", false, "print the finding as JSON")
	return cmd
}

func (a *app) findingListCmd() *cobra.Command {
	var open bool
	var fl boardFlags
	cmd := &cobra.Command{
		Use:   "list [--open] [--node CODE|NAME] [--json]",
		Short: "The findings: waiting on the desk first, oldest first, then the handled ones",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withFound(a, cmd.Context(), looking, func(ctx context.Context, db backend) (model.NodeCode, error) {
				return a.scopeArg(ctx, db, fl.node)
			}, func(ctx context.Context, db backend, scope model.NodeCode) error {
				fs, err := db.Findings(ctx, model.FindingFilter{Open: open, Node: scope})
				if err != nil {
					return refused(err)
				}
				return a.printFindings(db, fs, fl.asJSON)
			})
		},
	}
	cmd.Flags().BoolVar(&open, "open", false, "only the findings waiting on the desk")
	fl.scope(cmd)
	cmd.Flags().BoolVar(&fl.asJSON, "json", false, "print JSON")
	return cmd
}

// printFindings is finding list's answer: the findings as the desk orders
// them (model.SortDesk).
func (a *app) printFindings(db backend, fs []model.Finding, asJSON bool) error {
	model.SortDesk(fs)
	p := db.Policy()
	now := db.Now()
	return printList(a, asJSON, fs, func(f model.Finding) findingJSON { return a.findingJSON(f, p.Patrol) },
		[]string{"finding", "found", "area", "category", "by", "text", "status"}, func(f model.Finding) []string {
			what := string(f.Status)
			switch {
			case f.Incident != "":
				what += " " + f.Incident + " (" + string(f.IncidentStatus) + ")"
			case f.Status == model.FindingWaiting && !now.Before(f.TriageDue(p.Patrol)):
				what += " (past the triage deadline)"
			}
			return []string{f.ID, a.minute(f.FoundAt), f.Area, string(f.Category), f.By.String(), cut(f.Text, 30), what}
		})
}

// cut shortens s to n characters with an ellipsis, on one line.
func cut(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// findingArg is what the finding commands take as their argument, and
// findingArgZh says it in Chinese.
const (
	findingArg   = "one finding id (e.g. F-0001)"
	findingArgZh = "一个巡护发现编号（如 F-0001）"
)

func (a *app) findingPassCmd() *cobra.Command {
	var node, category, severity, by string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "pass F --node CODE|NAME [--category C] [--severity I..IV] [--by PERSON] [--json]",
		Short: "Pass a finding on as an incident (source patrol) at the area's village or a node in it",
		Args:  exactArgs(1, findingArg, findingArgZh),
		RunE: func(cmd *cobra.Command, args []string) error {
			if blank(node) {
				return usageError{model.Errorf(model.EINVALID, "finding pass: missing --node (the area's village or a grid in it)").
					Zh("finding pass：缺少 --node（巡护区所在村或村中的网格）")}
			}
			var sev model.Severity
			if !blank(severity) {
				var err error
				if sev, err = model.ParseSeverity(severity); err != nil {
					return usageError{err}
				}
			}
			return a.withActor(cmd.Context(), by, func(ctx context.Context, db backend, actor model.PersonID) error {
				code, err := a.nodeArg(ctx, db, "--node", node, actor)
				if err != nil {
					return err
				}
				f, inc, err := db.PassFinding(ctx, args[0], code, category, sev, actor)
				if err != nil {
					return refused(err)
				}
				return a.reply(asJSON, a.findingJSON(f, db.Policy().Patrol), "%s passed on as %s (%s, %s, %s, %s)\n",
					f.ID, inc.ID, inc.Node, inc.Category, inc.Severity, inc.Tier)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&node, "node", "", "where the incident is (required): the area's village or a grid in it, a code or its name as the console shows it (渎溪村 02)")
	f.StringVar(&category, "category", "", "the incident's category; default the finding's")
	f.StringVar(&severity, "severity", "", "I, II, III or IV; default III")
	f.StringVar(&by, "by", "", "who passes it on (person id): the liaison or a duty officer; default the operator")
	f.BoolVar(&asJSON, "json", false, "print the finding as JSON")
	return cmd
}

func (a *app) findingMergeCmd() *cobra.Command {
	return a.findingDecisionCmd(findingDecision{
		use:       "merge F --into ID [--by PERSON] [--json]",
		short:     "Merge a finding into an open incident at the area's village",
		flag:      "into",
		usage:     "the open incident (required): its whole id (HJ-20261129-0007) or its end (0007), as show takes it",
		missing:   "finding merge: missing --into (an open incident's id)",
		missingZh: "finding merge：缺少 --into（一个未结事件的编号）",
		by:        "who merges it (person id): the liaison or a duty officer; default the operator",
		decide:    backend.MergeFinding,
		resolve:   incidentID,
	})
}

func (a *app) findingCloseCmd() *cobra.Command {
	return a.findingDecisionCmd(findingDecision{
		use:       "close F --reason X [--by PERSON] [--json]",
		short:     "Close a finding as needing no action, saying why",
		flag:      "reason",
		usage:     "why it needs no action (required)",
		missing:   "finding close: missing --reason (why it needs no action)",
		missingZh: "finding close：缺少 --reason（为何无需处置）",
		by:        "who closes it (person id): the liaison or a duty officer; default the operator",
		decide:    backend.CloseFinding,
	})
}

// findingDecision is a decision of the desk on one finding that takes one
// required flag (merge --into, close --reason): its command's words, the
// service call that makes it and, if the flag names something, how it is
// read (merge's incident, whole or by its end).
type findingDecision struct {
	use, short, flag, usage, missing, missingZh, by string
	decide                                          func(db backend, ctx context.Context, id, flag string, by model.PersonID) (model.Finding, error)
	resolve                                         func(ctx context.Context, svc model.Service, arg string) (string, error)
}

// findingDecisionCmd is the command of such a decision: it checks the flag,
// makes the decision as --by and prints the finding.
func (a *app) findingDecisionCmd(d findingDecision) *cobra.Command {
	var value, by string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   d.use,
		Short: d.short,
		Args:  exactArgs(1, findingArg, findingArgZh),
		RunE: func(cmd *cobra.Command, args []string) error {
			if blank(value) {
				return usageError{model.Errorf(model.EINVALID, "%s", d.missing).Zh("%s", d.missingZh)}
			}
			return a.withActor(cmd.Context(), by, func(ctx context.Context, db backend, actor model.PersonID) error {
				v := value
				if d.resolve != nil {
					var err error
					if v, err = d.resolve(ctx, db, value); err != nil {
						return refused(err)
					}
				}
				f, err := d.decide(db, ctx, args[0], v, actor)
				if err != nil {
					return refused(err)
				}
				return a.printFinding(f, db.Policy(), asJSON)
			})
		},
	}
	cmd.Flags().StringVar(&value, d.flag, "", d.usage)
	cmd.Flags().StringVar(&by, "by", "", d.by)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the finding as JSON")
	return cmd
}

// groupsArg reads rotation add's --groups: groups separated by semicolons,
// the grids of a group by commas (or 、), each a code or a name as the
// console shows it ("渎溪村 01", model.SplitTargets), resolved in actor's
// seat as report reads its --node.
func (a *app) groupsArg(ctx context.Context, db backend, s string, actor model.PersonID) ([][]model.NodeCode, error) {
	var out [][]model.NodeCode
	for _, g := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' }) {
		var group []model.NodeCode
		for _, w := range model.SplitTargets(g) {
			c, err := a.nodeArg(ctx, db, "--groups", w, actor, model.LevelGrid)
			if err != nil {
				return nil, err
			}
			group = append(group, c)
		}
		if len(group) > 0 {
			out = append(out, group)
		}
	}
	return out, nil
}

func (a *app) rotationCmd() *cobra.Command {
	return group(&cobra.Command{
		Use:   "rotation",
		Short: "Joint rotations (组团轮值): groups of grids take turns at patrols, building sweeps, traffic persuasion",
	}, a.rotationAddCmd(), a.rotationListCmd(), a.rotationReportCmd())
}

func (a *app) rotationAddCmd() *cobra.Command {
	var name, activity, groups, start string
	var every int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add --name N --activity patrol|sweep|traffic --groups \"G,G;G,G\" --start YYYY-MM-DD [--every DAYS] [--json]",
		Short: "Add a joint rotation: its groups of grids take turns, a group a day (or every --every days)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := missing("rotation add", required{"--name", blank(name)}, required{"--activity", blank(activity)},
				required{"--groups", blank(groups)}, required{"--start", blank(start)}); err != nil {
				return usageError{err}
			}
			act, err := model.ParseActivity(activity)
			if err != nil {
				return usageError{err}
			}
			if every < 1 || every > 31 {
				return usageError{model.Errorf(model.EINVALID, "rotation add: --every %d: want the days a turn lasts, 1 to 31", every).
					Zh("rotation add：--every %d：应为每班的天数，1 到 31", every)}
			}
			st, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(start), a.cfg.Location)
			if err != nil {
				return badDate("--start", start, badValue("--start", start, "a date, YYYY-MM-DD", "日期，YYYY-MM-DD"))
			}
			return a.withActor(cmd.Context(), "", func(ctx context.Context, db backend, actor model.PersonID) error {
				gs, err := a.groupsArg(ctx, db, groups, actor)
				if err != nil {
					return err
				}
				r, err := db.AddRotation(ctx, model.JointRotation{Name: name, Activity: act, Groups: gs, Start: st, Every: every}, actor, "rotation add")
				if err != nil {
					return refused(err)
				}
				return a.reply(asJSON, a.rotationJSON(r, nil), "%s %s: %s, %s taking turns from %s\n", r.ID, r.Name, r.Activity, model.Count(len(r.Groups), "group"), a.local(r.Start, "2006-01-02"))
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&name, "name", "", "the rotation's name (required)")
	f.StringVar(&activity, "activity", "", "patrol (治安巡察), sweep (清村扫楼) or traffic (交通劝导) (required)")
	f.StringVar(&groups, "groups", "", "the groups in turn (required): grids (codes, or names as the console shows them, 渎溪村 01) separated by commas, groups by semicolons")
	f.StringVar(&start, "start", "", "the first group's first day, YYYY-MM-DD (required)")
	f.IntVar(&every, "every", 1, "days each group's turn lasts")
	f.BoolVar(&asJSON, "json", false, "print the rotation as JSON")
	return cmd
}

func (a *app) rotationListCmd() *cobra.Command {
	var fl boardFlags
	cmd := &cobra.Command{
		Use:   "list [--day YYYY-MM-DD] [--node CODE|NAME] [--json]",
		Short: "The rotations and the group on duty on the day (default today), with its activity reports",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withBoard(cmd.Context(), fl, func(_ context.Context, _ backend, b model.PatrolBoard) error {
				return a.printRotations(b.Rotations, fl.asJSON)
			})
		},
	}
	fl.add(cmd)
	return cmd
}

// printRotations are the rotations of the day, each with its group on
// duty.
func (a *app) printRotations(rds []model.RotationDay, asJSON bool) error {
	return printList(a, asJSON, rds, func(rd model.RotationDay) rotationJSON { return a.rotationJSON(rd.Rotation, &rd) },
		[]string{"rotation", "name", "activity", "on duty", "reports"}, func(rd model.RotationDay) []string {
			group := "-"
			if rd.Group >= 0 {
				group = fmt.Sprintf("%d of %d: %s", rd.Group+1, len(rd.Rotation.Groups), strings.Join(model.Strings(rd.Grids), ","))
			}
			return []string{rd.Rotation.ID, rd.Rotation.Name, string(rd.Rotation.Activity), group, itoa(rd.Reports)}
		})
}

func (a *app) rotationReportCmd() *cobra.Command {
	var text, by string
	cmd := &cobra.Command{
		Use:   "report R [--text X] [--by PERSON]",
		Short: "Report an activity of the group on duty (it counts like a patrol check-in)",
		Args:  exactArgs(1, "one rotation id (e.g. R-0001)", "一个轮值编号（如 R-0001）"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withActor(cmd.Context(), by, func(ctx context.Context, db backend, actor model.PersonID) error {
				ev, err := db.RotationReport(ctx, args[0], text, actor)
				if err != nil {
					return refused(err)
				}
				fmt.Fprintf(a.out, "%s by %s: %s\n", ev.Action, ev.Actor, ev.Note)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&text, "text", "", "what was done")
	cmd.Flags().StringVar(&by, "by", "", "who reports (person id): someone of the group on duty")
	return cmd
}

// importAreasCmd and importRotationsCmd are subcommands of import.
func (a *app) importAreasCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "patrol-areas FILE.csv",
		Short: "Import patrol areas and their checkpoints (one row per checkpoint)",
		Long: `Import patrol areas from a CSV with a header row and one row per checkpoint.
Columns (English or Chinese, any order):
  area 编码 (required, P-…), name 名称, kind 类型 (forest 山林, farmland 农田,
  river 河道, reservoir 水库, village 村庄), village 村 (code or name),
  every 频次 (daily 每日, weekly 每周, 3d, 12h), patroller 巡护员 (P12 or a name),
  checkpoint 检查点 (required), checkpoint_name 检查点名称, lat 纬度, lon 经度.
An area's own columns are given on its first row; its later rows leave them
empty or repeat them. An area already stored is replaced (it keeps the day it
was first added). A bad row names the file and line, and nothing is imported.`,
		Args: exactArgs(1, "one CSV file", "一个 CSV 文件"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDB(cmd.Context(), acting, func(ctx context.Context, db backend) error {
				return a.importAreas(ctx, db, args[0])
			})
		},
	}
}

func (a *app) importAreas(ctx context.Context, db backend, file string) error {
	raw, err := readInput(file)
	if err != nil {
		return err
	}
	res, err := areaResolver(ctx, db)
	if err != nil {
		return err
	}
	areas, err := importer.ParsePatrolAreas(file, bytes.NewReader(raw), res)
	if err != nil {
		return usageError{err}
	}
	by, err := a.looker(ctx, db) // the system on a roster with no duty officer, but never for an --as not on it
	if err != nil {
		return err
	}
	added, replaced, err := db.ImportAreas(ctx, areas, by, file)
	if err != nil {
		return err
	}
	n := 0
	for _, x := range areas {
		n += len(x.Checkpoints)
	}
	fmt.Fprintf(a.out, "%s: %s read (%s); %d added, %d replaced\n", file, model.Count(len(areas), "area"), model.Count(n, "checkpoint"), added, replaced)
	return nil
}

// areaResolver reads the village and the patroller of a patrol area's
// row, each by code or by a name that is not ambiguous.
func areaResolver(ctx context.Context, db backend) (importer.Resolver, error) {
	nodes, err := db.Nodes(ctx, "")
	if err != nil {
		return importer.Resolver{}, err
	}
	people, err := db.People(ctx, model.PeopleFilter{Role: model.RolePatroller})
	if err != nil {
		return importer.Resolver{}, err
	}
	return importer.Resolver{Village: villageByName(nodes), Patroller: patrollerByName(people)}, nil
}

// villageByName finds a village by its code or its name.
func villageByName(nodes []model.Node) func(string) (model.NodeCode, error) {
	villages := map[string][]model.NodeCode{}
	for _, n := range nodes {
		if n.Level == model.LevelVillage {
			villages[string(n.Code)] = append(villages[string(n.Code)], n.Code)
			villages[n.Name] = append(villages[n.Name], n.Code)
		}
	}
	return func(s string) (model.NodeCode, error) {
		switch cs := villages[s]; len(cs) {
		case 1:
			return cs[0], nil
		case 0:
			return "", model.Errorf(model.EINVALID, "village %q: not in the tower (give its 12-digit code or its name)", s).Zh("村 %q：不在网格塔中", s)
		}
		return "", model.Errorf(model.EINVALID, "village %q: several villages have this name; give its code", s).Zh("村 %q：重名，请给出村代码", s)
	}
}

// patrollerByName finds a patroller by id or by name.
func patrollerByName(people []model.Person) func(string) (model.PersonID, error) {
	return func(s string) (model.PersonID, error) {
		if id, err := model.ParsePersonID(s); err == nil {
			return id, nil
		}
		var found []model.PersonID
		for _, p := range people {
			if p.Name == s {
				found = append(found, p.ID)
			}
		}
		switch len(found) {
		case 1:
			return found[0], nil
		case 0:
			return 0, model.Errorf(model.EINVALID, "patroller %q: no patroller of that name (give the id, e.g. P7)", s).Zh("巡护员 %q：没有此名的巡护员", s)
		}
		return 0, model.Errorf(model.EINVALID, "patroller %q: several patrollers have this name; give the id", s).Zh("巡护员 %q：重名，请给出编号", s)
	}
}

func (a *app) importRotationsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "rotations FILE.csv",
		Short: "Import joint rotations (one row per group)",
		Long: `Import joint rotations from a CSV with a header row and one row per group.
Columns (English or Chinese, any order): rotation 轮值名称 (required),
activity 活动 (patrol 治安巡察, sweep 清村扫楼, traffic 交通劝导), group 组 (1, 2, ...),
grids 网格 (grid codes separated by ; 、 or spaces), start 开始日期 (YYYY-MM-DD),
every 每组天数 (days a turn lasts, default 1). A bad row names the file and line,
and nothing is imported.`,
		Args: exactArgs(1, "one CSV file", "一个 CSV 文件"),
		RunE: func(cmd *cobra.Command, args []string) error {
			raw, err := readInput(args[0])
			if err != nil {
				return err
			}
			rs, err := importer.ParseRotations(args[0], bytes.NewReader(raw), a.cfg.Location)
			if err != nil {
				return usageError{err}
			}
			return a.withDB(cmd.Context(), acting, func(ctx context.Context, db backend) error {
				// Every grid first, so that a bad one stops the import
				// before anything is stored.
				known, err := knownNodes(ctx, db)
				if err != nil {
					return err
				}
				for _, r := range rs {
					for _, g := range r.Groups {
						for _, c := range g {
							if !known[c] {
								return usageError{model.Errorf(model.EINVALID, "%s: rotation %s: no grid %s in the tower", args[0], r.Name, c).
									Zh("%s：轮值 %s：网格塔中没有网格 %s", args[0], r.Name, c)}
							}
						}
					}
				}
				by, err := a.actorOrSystem(ctx, db)
				if err != nil {
					return err
				}
				var ids []string
				for _, r := range rs {
					out, err := db.AddRotation(ctx, r, by, args[0])
					if err != nil {
						if len(ids) > 0 {
							return model.Errorf(model.ErrorCode(err), "%s (added before it: %s)", model.ErrorMessage(err), strings.Join(ids, ", ")).
								Zh("%s（此前已添加：%s）", model.ErrorMessageZh(err), strings.Join(ids, "、"))
						}
						return err
					}
					ids = append(ids, out.ID)
				}
				sort.Strings(ids)
				fmt.Fprintf(a.out, "%s: %s added: %s\n", args[0], model.Count(len(ids), "rotation"), strings.Join(ids, ", "))
				return nil
			})
		},
	}
}
