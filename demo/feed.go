package demo

import (
	"container/heap"
	"context"
	"math/rand/v2"
	"time"

	"gridcmd/model"
)

// Feed is the demo's simulated field: grid workers file reports from random
// grids every few seconds (categories and severities in realistic
// proportions); grid leaders acknowledge some within the two minutes, pass
// some straight on, and leave others to breach their deadline and climb by
// themselves; village cadres and duty officers then take what reaches them.
// Everything goes through the service like any other client, so the
// console sees it only through the store's event feed.
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
// mostly disputes, traffic and hidden dangers; grave incidents are rare.
var (
	categoryWeights = []struct {
		cat model.Category
		w   int
	}{
		{"dispute", 20}, {"traffic", 18}, {"hazard", 15}, {"service", 12}, {"security", 10},
		{"ecology", 8}, {"migrant", 7}, {"health", 4}, {"fire", 3}, {"flood", 2}, {"party", 1},
	}
	severityWeights = []int{2, 13, 50, 35} // I, II, III, IV in percent
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
	return nil
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
	inc, err := f.svc.Report(ctx, model.Report{Node: node, Category: string(cat), Severity: f.pickSeverity(),
		Title: title, Text: text, Reporter: by, Source: model.SourceGridPatrol})
	if err != nil {
		return
	}
	// The grid leader's two minutes: sign for it, pass it straight on, or
	// let it climb by itself.
	switch n := f.r.IntN(100); {
	case n < 45:
		f.schedule(inc.ID, now.Add(f.between(5, 25)))
	case n < 65:
		f.jobs.push(job{id: inc.ID, at: now.Add(f.between(7, 27)), passOn: true})
	}
}

// between is a random wait of lo to hi report intervals: the people's
// pace scales with the feed's, so with the default 4s a grid leader signs
// for a report after 20-100 s, inside the two minutes the policy gives.
func (f *Feed) between(lo, hi float64) time.Duration {
	return time.Duration((lo + f.r.Float64()*(hi-lo)) * float64(f.every))
}

func (f *Feed) schedule(id string, at time.Time) { f.jobs.push(job{id: id, at: at}) }

// tend acts on an incident as the people of its current tier would.
func (f *Feed) tend(ctx context.Context, j job, now time.Time) {
	inc, err := f.svc.Incident(ctx, j.id)
	if err != nil || !inc.Status.Open() {
		return
	}
	actor := f.holder(inc)
	if actor == 0 {
		return
	}
	cmd := model.Command{By: actor}
	again := true
	switch {
	case j.passOn && inc.Tier == model.TierGrid:
		cmd.Action, again = model.ActEscalate, f.r.IntN(2) == 0
	case inc.Status == model.StatusReported:
		if f.r.IntN(10) < 3 {
			return // nobody signs for it: it will climb, or be supervised
		}
		cmd.Action = model.ActAcknowledge
	case inc.Status == model.StatusAcknowledged && inc.Tier == model.TierGrid && f.r.IntN(3) == 0:
		cmd.Action = model.ActEscalate
	case inc.Status == model.StatusAcknowledged && inc.Tier != model.TierGrid:
		cmd.Action, cmd.Department = model.ActDispatch, departments[inc.Platform][f.r.IntN(len(departments[inc.Platform]))]
	default:
		cmd.Action, cmd.Note, again = model.ActResolve, "已处置完毕", false
	}
	if _, err := f.svc.Act(ctx, inc.ID, cmd); err != nil {
		return
	}
	if again {
		f.schedule(inc.ID, now.Add(f.between(10, 45)))
	}
}

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
	id     string
	at     time.Time
	passOn bool
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
