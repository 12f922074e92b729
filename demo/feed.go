package demo

import (
	"container/heap"
	"context"
	"math/rand/v2"
	"slices"
	"time"

	"gridcmd/model"
)

// Feed is the demo's simulated field: grid workers file reports from random
// grids every few seconds (categories and severities in realistic
// proportions), and the people of each tier see every report through to
// its end, as its fate (drawn when it is filed) says: grid leaders sign
// for most within the two minutes and they are resolved at the grid, some
// are closed as invalid, a few are passed on to the village or, the grave
// ones, straight to the town, and a few are left unsigned until the clock
// climbs them; village cadres and duty officers sign for, dispatch and
// resolve what reaches them; a duty officer closes (归档) what was resolved
// once it has been followed up (回访), a few minutes later. The incidents
// open or resolved when it starts (the demo's morning) are taken up too.
// So the open incidents hover around the few dozen of a calm night, and
// the resolved ones waiting to be closed about as many, instead of piling
// up, and escalations stay at about one report in twenty. Everything goes through the service
// like any other client, so the console sees it only through the store's
// event feed.
type Feed struct {
	svc   model.Service
	r     *rand.Rand
	every time.Duration
	jobs  jobQueue
	next  time.Time // the next report

	grids    []model.NodeCode
	micro    map[model.NodeCode][]model.NodeCode
	workers  map[model.NodeCode][]model.PersonID
	leader   map[model.NodeCode]model.PersonID
	cadres   map[model.NodeCode][]model.PersonID
	officers []model.PersonID
}

// NewFeed makes a feed filing a report every `every` on average.
func NewFeed(svc model.Service, seed int64, every time.Duration) *Feed {
	return &Feed{svc: svc, r: rand.New(rand.NewPCG(uint64(seed), 0x46656564)), every: every}
}

// Category and severity proportions of the feed: everyday grid work is
// mostly disputes, traffic and hidden dangers; grave incidents (I, II) are
// rare, one report in twenty-five.
var (
	categoryWeights = []struct {
		cat model.Category
		w   int
	}{
		{"dispute", 20}, {"traffic", 18}, {"hazard", 15}, {"service", 12}, {"security", 10},
		{"ecology", 8}, {"migrant", 7}, {"health", 4}, {"fire", 3}, {"flood", 2}, {"party", 1},
	}
	severityWeights = []int{1, 3, 52, 44} // I, II, III, IV in percent
)

// Run files reports and tends them until ctx ends, on the real clock.
// Refusals (an operator acted first) are expected and ignored.
func (f *Feed) Run(ctx context.Context) {
	if err := f.start(ctx, time.Now()); err != nil || len(f.grids) == 0 {
		return
	}
	timer := time.NewTimer(time.Until(f.next))
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		wake := f.advance(ctx, time.Now())
		timer.Reset(max(time.Until(wake), 10*time.Millisecond))
	}
}

// start loads the roster and sets the first report's time. Run calls it
// with the real clock; a test may drive start and advance with its own.
func (f *Feed) start(ctx context.Context, now time.Time) error {
	if err := f.load(ctx); err != nil {
		return err
	}
	f.next = now.Add(f.gap())
	return f.adopt(ctx, now)
}

// advance does what is due at now: the next report, once its time has
// come (and the wartime side with it), then every job due by now. It
// returns when it next has something to do.
func (f *Feed) advance(ctx context.Context, now time.Time) time.Time {
	if len(f.grids) == 0 {
		return now.Add(f.every)
	}
	if !now.Before(f.next) {
		f.report(ctx, now)
		f.wartime(ctx)
		f.next = now.Add(f.gap())
	}
	for f.jobs.Len() > 0 && !f.jobs[0].at.After(now) {
		j := heap.Pop(&f.jobs).(job)
		f.tend(ctx, j, now)
	}
	wake := f.next
	if f.jobs.Len() > 0 && f.jobs[0].at.Before(wake) {
		wake = f.jobs[0].at
	}
	return wake
}

// gap is an exponential wait around f.every, bounded so the screen neither
// floods nor stalls.
func (f *Feed) gap() time.Duration {
	g := time.Duration(f.r.ExpFloat64() * float64(f.every))
	return min(max(g, f.every/5), 4*f.every)
}

func (f *Feed) load(ctx context.Context) error {
	nodes, err := f.svc.Nodes(ctx, "")
	if err != nil {
		return err
	}
	people, err := f.svc.People(ctx, model.PeopleFilter{})
	if err != nil {
		return err
	}
	f.micro = map[model.NodeCode][]model.NodeCode{}
	f.workers = map[model.NodeCode][]model.PersonID{}
	f.leader = map[model.NodeCode]model.PersonID{}
	f.cadres = map[model.NodeCode][]model.PersonID{}
	for _, n := range nodes {
		switch n.Level {
		case model.LevelGrid:
			f.grids = append(f.grids, n.Code)
		case model.LevelMicroGrid:
			f.micro[n.Parent] = append(f.micro[n.Parent], n.Code)
		}
	}
	for _, p := range people {
		switch {
		case p.Has(model.RoleGridLeader):
			f.leader[p.Node] = p.ID
		case p.Has(model.RoleGridWorkerFull), p.Has(model.RoleGridWorkerPart):
			f.workers[p.Node] = append(f.workers[p.Node], p.ID)
		case p.Has(model.RoleVillageCadre):
			f.cadres[p.Node] = append(f.cadres[p.Node], p.ID)
		case p.Has(model.RoleDutyOfficer):
			f.officers = append(f.officers, p.ID)
		}
	}
	return nil
}

// pickCategory draws a category by categoryWeights: the live feed's and
// the history's reports.
func pickCategory(r *rand.Rand) model.Category {
	total := 0
	for _, c := range categoryWeights {
		total += c.w
	}
	n := r.IntN(total)
	for _, c := range categoryWeights {
		if n < c.w {
			return c.cat
		}
		n -= c.w
	}
	return "dispute" // not reached: n < total
}

func (f *Feed) pickSeverity() model.Severity {
	n := f.r.IntN(100)
	for i, w := range severityWeights {
		if n < w {
			return model.Severity(i + 1)
		}
		n -= w
	}
	return model.SeverityIV
}

// pickStory takes a title and text of the category from the demo's morning.
func (f *Feed) pickStory(cat model.Category) (string, string) {
	var pool []incidentSpec
	for _, s := range incidents {
		if s.cat == cat && s.title != ArticleTitle {
			pool = append(pool, s)
		}
	}
	if len(pool) == 0 {
		return "网格巡查发现问题", ""
	}
	s := pool[f.r.IntN(len(pool))]
	return s.title, s.text
}

func (f *Feed) report(ctx context.Context, now time.Time) {
	grid := f.grids[f.r.IntN(len(f.grids))]
	node := grid
	if ms := f.micro[grid]; len(ms) > 0 && f.r.IntN(10) < 6 {
		node = ms[f.r.IntN(len(ms))]
	}
	var by model.PersonID
	if ws := f.workers[grid]; len(ws) > 0 {
		by = ws[f.r.IntN(len(ws))]
	}
	cat := pickCategory(f.r)
	title, text := f.pickStory(cat)
	sev := f.pickSeverity()
	inc, err := f.svc.Report(ctx, model.Report{Node: node, Category: string(cat), Severity: sev,
		Title: title, Text: text, Reporter: by, Source: model.SourceGridPatrol})
	if err != nil {
		return
	}
	fa := f.fateOf(sev)
	f.jobs.push(job{id: inc.ID, at: now.Add(f.wait(inc, fa, now)), fate: fa})
}

// fate is what becomes of one incident, drawn when the feed takes it up,
// so that everything the feed files ends: resolved (most of it at the
// grid, where peacetime work stays) and then closed, closed as invalid, or
// passed up to the tier that can handle it, resolved there and closed. The
// feed keeps a job on each incident until it is closed.
type fate struct {
	to       model.Tier // the tier that handles it: its own, or the one its holders pass it on to
	direct   bool       // the grid leader passes it straight to `to` without signing first (the article's case)
	climbs   int        // tiers, from the grid up, at which nobody signs in time: the clock climbs it
	dispatch bool       // above the grid, its handler dispatches it to a department before it is resolved
	invalid  bool       // its handler closes it as invalid
	late     bool       // at the grid, resolved only past its deadline: supervised first
}

// leftAt reports whether nobody at tier t signs for the report in time.
func (fa fate) leftAt(t model.Tier) bool {
	return t.Rank() < model.TierGrid.Rank()+fa.climbs
}

// fateOf draws a new report's fate by its severity, in per mille. Minor
// reports (III, IV) stay at the grid but for one in forty: passed on
// to the village, or left unsigned until the clock climbs them (one in
// five of those is left at the village too and reaches the town, which
// signs); none climbs to the task force by itself. Grave ones mostly go
// up, the gravest straight to the town command room as in the article,
// and some of those kept at the grid are resolved late (supervised). With
// severityWeights about one report in twenty leaves its grid.
func (f *Feed) fateOf(sev model.Severity) fate {
	n := f.r.IntN(1000)
	grid, village, town := model.TierGrid, model.TierVillage, model.TierTown
	switch sev {
	case model.SeverityI:
		switch {
		case n < 700:
			return fate{to: town, direct: true, dispatch: true}
		case n < 800:
			return fate{to: village, dispatch: true}
		}
		return fate{to: grid, late: n < 900}
	case model.SeverityII:
		switch {
		case n < 200:
			return fate{to: town, direct: true, dispatch: true}
		case n < 300:
			return fate{to: town, dispatch: true}
		case n < 450:
			return fate{to: village, dispatch: n < 400}
		}
		return fate{to: grid, late: n < 600}
	}
	switch {
	case n < 70:
		return fate{to: grid, invalid: true}
	case n < 85:
		return fate{to: village, dispatch: n < 77}
	case n < 95:
		return fate{to: grid, climbs: 1 + f.r.IntN(5)/4, dispatch: n < 90}
	}
	return fate{to: grid}
}

// pace is how long, in report intervals, the people of a tier take over a
// step: to sign for a report (always inside the tier's window, unless its
// fate leaves it to the clock), to take the next step once it is signed
// for, and for a department to finish what it was dispatched. With the
// default 4s a grid leader signs after 20-100 s, inside the two minutes
// the policy gives, and the grid's work is done a minute or so later.
var pace = map[model.Tier][3][2]float64{
	model.TierGrid:      {{5, 25}, {5, 20}, {20, 60}},
	model.TierVillage:   {{10, 40}, {10, 40}, {30, 120}},
	model.TierTown:      {{20, 90}, {10, 40}, {60, 240}},
	model.TierTaskForce: {{60, 300}, {30, 120}, {150, 600}},
}

// closePace is how long, in report intervals, a resolved incident waits
// for its follow-up (回访) before a duty officer closes it: 80 s to 6 min
// at the default 4 s.
var closePace = [2]float64{20, 90}

// wait is how long until the people of the incident's tier take its next
// step, as it stands now.
func (f *Feed) wait(inc model.Incident, fa fate, now time.Time) time.Duration {
	p := pace[inc.Tier]
	switch {
	case inc.Status == model.StatusResolved:
		return f.between(closePace[0], closePace[1])
	case inc.Status == model.StatusReported && fa.leftAt(inc.Tier):
		return inc.AckBy.Sub(now) + f.between(1, 5) // look again once the clock has climbed it
	case inc.Status == model.StatusReported:
		return f.inTime(f.between(p[0][0], p[0][1]), inc.AckBy.Sub(now))
	case inc.Status == model.StatusAcknowledged && fa.late && inc.Tier == model.TierGrid && !inc.DueBy.IsZero():
		return max(inc.DueBy.Sub(now), 0) + f.between(10, 60)
	case inc.Status == model.StatusAcknowledged:
		return f.between(p[1][0], p[1][1])
	}
	return f.between(p[2][0], p[2][1])
}

// inTime keeps a wait d inside the left before a deadline, with a margin
// for the clocks' sweep.
func (f *Feed) inTime(d, left time.Duration) time.Duration {
	if left <= 0 || d < left*4/5 {
		return d
	}
	return time.Duration((0.2 + 0.6*f.r.Float64()) * float64(left))
}

// between is a random wait of lo to hi report intervals: the people's
// pace scales with the feed's.
func (f *Feed) between(lo, hi float64) time.Duration {
	return time.Duration((lo + f.r.Float64()*(hi-lo)) * float64(f.every))
}

// adopt takes up the incidents open or resolved when the feed starts (the
// demo's morning) but those from the patrol desk, which PatrolFeed tends:
// each is handled at the tier it stands at, after a while, the slower the
// higher it stands; a report is signed for in time, a resolved one closed
// once followed up.
func (f *Feed) adopt(ctx context.Context, now time.Time) error {
	open, err := f.svc.Incidents(ctx, model.IncidentFilter{Open: true})
	if err != nil {
		return err
	}
	resolved, err := f.svc.Incidents(ctx, model.IncidentFilter{Status: model.StatusResolved})
	if err != nil {
		return err
	}
	for _, inc := range append(open, resolved...) {
		if inc.Source == model.SourcePatrol {
			continue
		}
		fa := fate{to: inc.Tier, dispatch: inc.Tier != model.TierVillage || f.r.IntN(2) == 0}
		d := f.wait(inc, fa, now)
		if inc.Status.Open() && inc.Status != model.StatusReported {
			d += 3 * d // the morning's work in hand goes on a while before the next step
		}
		f.jobs.push(job{id: inc.ID, at: now.Add(d), fate: fa})
	}
	return nil
}

// tend takes the incident's next step as the people of its tier would,
// by its fate, and keeps a job on it until it is closed. A refusal (an
// operator acted first) is tried again, from where it then stands, a few
// times.
func (f *Feed) tend(ctx context.Context, j job, now time.Time) {
	inc, err := f.svc.Incident(ctx, j.id)
	if err != nil || !tended(inc.Status) {
		return
	}
	cmd := f.step(inc, j.fate)
	if cmd.By == 0 {
		return // nobody to act
	}
	if cmd.Action != "" {
		out, err := f.svc.Act(ctx, inc.ID, cmd)
		if err != nil {
			if j.tries++; j.tries < 5 {
				j.at = now.Add(f.between(5, 20))
				f.jobs.push(j)
			}
			return
		}
		inc, j.tries = out, 0
	}
	if tended(inc.Status) {
		j.at = now.Add(f.wait(inc, j.fate, now))
		f.jobs.push(j)
	}
}

// tended reports whether the feed still has a step to take on an incident
// of status s: open, or resolved and not yet closed.
func tended(s model.Status) bool { return s.Open() || s == model.StatusResolved }

// step is what the holder of the incident's tier does next by its fate;
// no action when nobody signs for it and the clock is to climb it.
func (f *Feed) step(inc model.Incident, fa fate) model.Command {
	if inc.Status == model.StatusResolved { // followed up: a duty officer closes it
		return model.Command{By: f.officer(), Action: model.ActClose, Note: followUps[f.r.IntN(len(followUps))]}
	}
	cmd := model.Command{By: f.holder(inc)}
	switch {
	case inc.Status == model.StatusReported && fa.leftAt(inc.Tier):
	case inc.Tier.Rank() < fa.to.Rank() && (inc.Status != model.StatusReported || fa.direct):
		cmd.Action, cmd.To = model.ActEscalate, inc.Tier.Next()
		if fa.direct {
			cmd.To = fa.to
		}
		cmd.Note = passNote(inc.Tier, cmd.To)
	case inc.Status == model.StatusReported:
		cmd.Action = model.ActAcknowledge
	case fa.invalid:
		cmd.Action, cmd.Note = model.ActInvalid, invalidNotes[f.r.IntN(len(invalidNotes))]
	case inc.Status == model.StatusAcknowledged && inc.Tier != model.TierGrid && fa.dispatch && len(departments[inc.Platform]) > 0:
		ds := departments[inc.Platform]
		cmd.Action, cmd.Department = model.ActDispatch, ds[f.r.IntN(len(ds))]
	default:
		cmd.Action, cmd.Note = model.ActResolve, "已处置完毕"
		if inc.Tier == model.TierGrid && f.r.IntN(2) == 0 && slices.Contains(f.workers[inc.Node.Grid()], inc.Reporter) {
			cmd.By = inc.Reporter // the worker who found it deals with it
		}
	}
	return cmd
}

// passNote is a holder's note passing a report on, as the script's.
func passNote(from, to model.Tier) string {
	switch {
	case from == model.TierGrid && to == model.TierVillage:
		return "超出网格处置能力，上报村社"
	case from == model.TierGrid:
		return "情况紧急，直报镇综合信息指挥室"
	case to == model.TierTown:
		return "需镇级协调处置，上报镇指挥室"
	}
	return "跨平台重点事项，提请专班统筹"
}

// invalidNotes are why a report is closed as invalid (作废): the feed's
// and the history's.
var invalidNotes = []string{"经核实为重复上报", "现场核查情况不属实", "已由群众自行处理，无需处置"}

// followUps are a duty officer's notes closing a resolved incident once
// its reporter or the residents have been asked (回访): the feed's and the
// patrol feed's.
var followUps = []string{"已电话回访，群众满意", "已回访，问题未再出现", "回访核实已整改到位"}

// holder is who acts for the incident's tier.
func (f *Feed) holder(inc model.Incident) model.PersonID {
	switch inc.Tier {
	case model.TierGrid:
		return f.leader[inc.Node.Grid()]
	case model.TierVillage:
		if cs := f.cadres[inc.Node.Village()]; len(cs) > 0 {
			return cs[f.r.IntN(len(cs))]
		}
	}
	return f.officer()
}

// officer is a duty officer, 0 when the roster has none.
func (f *Feed) officer() model.PersonID {
	if len(f.officers) > 0 {
		return f.officers[f.r.IntN(len(f.officers))]
	}
	return 0
}

// wartime plays the micro-grids' side of the live directives: units with a
// worker sign for them over the next several intervals and then report
// progress, household by household; one unit in twenty stays silent (and
// gaps have nobody to sign), so the escalation to the village and town
// rooms shows too.
func (f *Feed) wartime(ctx context.Context) {
	st, err := f.svc.WartimeStatus(ctx, "")
	if err != nil || !st.Active.Active() {
		return
	}
	units := make(map[model.NodeCode]model.UnitStatus, len(st.Units))
	for _, u := range st.Units {
		units[u.MicroGrid] = u
	}
	ds, err := f.svc.Directives(ctx, "")
	if err != nil {
		return
	}
	for _, d := range ds {
		_, copies, err := f.svc.Directive(ctx, d.ID)
		if err != nil {
			continue
		}
		for _, c := range copies {
			u := units[c.Unit]
			if u.Worker == 0 || c.Complete() || silent(c.Unit) {
				continue
			}
			switch {
			case !c.Signed() && f.r.IntN(100) < 18:
				f.svc.SignDirective(ctx, d.ID, c.Unit, u.Worker)
			case c.Signed() && f.r.IntN(100) < 25:
				of := max(u.Households, 1)
				done := min(c.Done+5+f.r.IntN(15), of)
				f.svc.DirectiveProgress(ctx, d.ID, c.Unit, done, of, u.Worker)
			}
		}
	}
}

// silent reports whether the feed leaves a micro-grid's directives
// unanswered, so that escalation has something to show: one unit in
// twenty, picked by its code.
func silent(c model.NodeCode) bool {
	var h uint32
	for i := 0; i < len(c); i++ {
		h = h*31 + uint32(c[i])
	}
	return h%20 == 0
}

var departments = map[model.Platform][]string{
	model.PlatformSafety:  {"派出所", "交警中队", "应急管理所", "综合行政执法队", "司法所"},
	model.PlatformEcology: {"生态环境分局", "水利站", "农业农村办", "村护林队"},
	model.PlatformService: {"镇卫生院", "供电所", "社会事务办", "供水站"},
	model.PlatformParty:   {"党建办", "村党支部"},
}

type job struct {
	id    string
	at    time.Time
	fate  fate
	tries int // refusals in a row
}

// jobQueue is a min-heap of jobs by time.
type jobQueue []job

func (q jobQueue) Len() int           { return len(q) }
func (q jobQueue) Less(i, j int) bool { return q[i].at.Before(q[j].at) }
func (q jobQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *jobQueue) Push(x any)        { *q = append(*q, x.(job)) }
func (q *jobQueue) Pop() any {
	old := *q
	j := old[len(old)-1]
	*q = old[:len(old)-1]
	return j
}
func (q *jobQueue) push(j job) { heap.Push(q, j) }
