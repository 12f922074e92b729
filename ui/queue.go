package ui

import (
	"cmp"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// queuePane is the incident queue: the incidents of the selected tower node,
// filtered by text, gravest and most urgent first. Only the visible rows are
// drawn, and each drawn row is cached until what it shows changes. The order
// is kept as a sorted slice of small keys, so a live change moves a few keys
// instead of sorting everything again.
type queuePane struct {
	mainPane
	rows  []qkey // in display order
	index map[uint64]qkey
	listWindow
	width  int
	height int // rows of incidents visible
	scope  model.NodeCode
	filter string
	q      query // the filter, parsed
	sort   sortMode
	cache  map[uint64]cachedRow
	belowN int    // open incidents a room above the towns leaves below (countRows)
	n      [3]int // the rows open, resolved and (all) closed (countRows)
	ids    idDays // the rows' id numbers by day
}

// sortMode is the queue's order; S cycles through them.
type sortMode int

const (
	sortSevSLA sortMode = iota // gravest first, then least time left (the default)
	sortAge                    // the oldest report first
	sortTier                   // the highest tier first, then least time left
	sortNode                   // by node code, then least time left
	sortModes
)

// qkey is an incident's place in the queue: open before resolved and
// closed, then the sort's own keys (a, s, b), then the oldest. Time left
// orders like the deadline, so the order does not change as the clock
// runs.
type qkey struct {
	done   bool
	closed bool // of the done, closed (archived); the others are resolved
	a      int64
	s      string
	b      int64
	seq    uint64
}

func keyOf(inc model.Incident, mode sortMode) qkey {
	due := int64(0)
	if d := inc.Deadline(); !d.IsZero() {
		due = d.UnixNano()
	}
	k := qkey{done: !inc.Status.Open(), closed: inc.Status == model.StatusClosed, seq: inc.Seq}
	switch mode {
	case sortAge:
		k.a = inc.ReportedAt.UnixNano()
	case sortTier:
		k.a, k.b = -int64(inc.Tier.Rank()), due
	case sortNode:
		k.s, k.b = string(inc.Node), due
	default:
		k.a, k.b = int64(inc.Severity), due
	}
	return k
}

func (a qkey) less(b qkey) bool {
	if a.done != b.done {
		return !a.done
	}
	if a.a != b.a {
		return a.a < b.a
	}
	if a.s != b.s {
		return a.s < b.s
	}
	if a.b != b.b {
		return a.b < b.b
	}
	return a.seq < b.seq
}

// sortMsg: S, the next order.
type sortMsg struct{}

type cachedRow struct {
	key string
	out string
}

func newQueuePane(c *common) *queuePane {
	return &queuePane{mainPane: mainPane{c}, cache: map[uint64]cachedRow{}, index: map[uint64]qkey{}}
}

// Update: the keys move the cursor (enter is asks'); the data messages keep
// the order current.
func (q *queuePane) Update(msg tea.Msg) (pane, tea.Cmd) {
	w := &q.c.w
	switch msg := msg.(type) {
	case loadedMsg:
		q.rebuild(w)
	case changedMsg:
		q.update(w, msg.incs)
	case scopeMsg:
		if msg.node != q.scope {
			q.scope = msg.node
			q.rebuild(w)
		}
	case filterMsg:
		if msg.text != q.filter {
			q.filter = msg.text
			q.q = parseQuery(msg.text, q.c.p.lab)
			if msg.top {
				q.cursor = 0
			}
			q.rebuild(w)
		}
	case sortMsg:
		q.sort = (q.sort + 1) % sortModes
		q.rebuild(w)
	case tea.KeyMsg:
		if !key.Matches(msg, q.c.keys.Open) { // enter with nothing selected does nothing
			q.move(q.c.keys.step(msg))
		}
	}
	return q, nil
}

// asks: enter opens the incident under the cursor.
func (q *queuePane) asks(msg tea.KeyMsg) tea.Msg {
	if seq, ok := q.selected(); ok && key.Matches(msg, q.c.keys.Open) {
		return openIncidentMsg{seq: seq}
	}
	return nil
}

// Title names the queue's scope, filter and order, after the way back
// (the breadcrumb) when the queue is what the operator looks at.
func (q *queuePane) Title() string {
	l := q.c.p.lab
	top := q.c.focused(paneQueue)
	title := l.Incidents
	byFilter := top && q.filter != "" && q.c.trailQueue // after the queue on the breadcrumb
	if byFilter {
		title = queueLabel(l, q.filter, true)
	}
	if q.scope != "" {
		title += " " + l.Scope + " " + q.c.w.names[q.scope]
	}
	if q.filter != "" && !byFilter {
		title += "  /" + q.filter
	}
	title += "  " + l.SortBy[q.sort]
	return q.c.crumbed(title, top)
}

// queueLabel names the queue as a place on the way back: 事件, 事件 /渎溪;
// after the queue itself (afterQueue), by what it is filtered by, 筛选：渎溪,
// so the breadcrumb does not read 事件 › 事件.
func queueLabel(l Labels, filter string, afterQueue bool) string {
	switch {
	case filter == "":
		return l.Incidents
	case !afterQueue:
		return l.Incidents + " /" + filter
	case l.Lang == "zh":
		return l.Filter + "：" + filter
	}
	return l.Filter + ": " + filter
}

func (q *queuePane) SetSize(w, h int) {
	if w != q.width {
		q.cache = map[uint64]cachedRow{}
	}
	q.width, q.height = w, max(h, 1)
	q.clamp()
}

// selected returns the seq under the cursor.
func (q *queuePane) selected() (uint64, bool) {
	if q.cursor < 0 || q.cursor >= len(q.rows) {
		return 0, false
	}
	return q.rows[q.cursor].seq, true
}

func (q *queuePane) move(d int) {
	q.cursor += d
	q.clamp()
}

func (q *queuePane) clamp() { q.clampTo(len(q.rows), q.height) }

// admits reports whether inc belongs in the queue's scope and filter.
func (q *queuePane) admits(w *world, inc model.Incident) bool {
	if q.scope != "" && !q.scope.Contains(inc.Node) {
		return false
	}
	if q.c.aboveTowns() && inc.Status.Open() && !roomQueue(inc, q.c.now) {
		return false // a room above the towns queues the town tier and above, and red
	}
	return q.q.match(inc, w.nameOf(inc.Node), q.c.seat.Person, q.c.now)
}

// rebuild recomputes the whole order, after the scope, the filter or the
// order changed or a snapshot arrived, keeping the cursor on the same
// incident. The closed incidents are in it when the filter asks for all.
func (q *queuePane) rebuild(w *world) {
	keep, had := q.selected()
	q.rows = q.rows[:0]
	clear(q.index)
	q.ids.reset()
	add := func(inc model.Incident) {
		if q.admits(w, inc) {
			k := keyOf(inc, q.sort)
			q.rows = append(q.rows, k)
			q.index[inc.Seq] = k
			q.ids.add(inc.ID, 1)
		}
	}
	for _, inc := range w.incs {
		add(inc)
	}
	if q.q.all {
		for _, inc := range w.closed {
			add(inc)
		}
	}
	sort.Slice(q.rows, func(a, b int) bool { return q.rows[a].less(q.rows[b]) })
	for seq := range q.cache {
		if _, ok := q.index[seq]; !ok {
			delete(q.cache, seq)
		}
	}
	q.follow(keep, had)
	q.countRows(w)
}

// countRows counts the rows by status for the count in the queue's
// border (count) and, when there are none, for the empty queue's line,
// the open incidents of a room above the towns that it does not queue
// (below): once the rows change rather than on every frame, as a county's
// file holds many.
func (q *queuePane) countRows(w *world) {
	q.n = [3]int{}
	for _, k := range q.rows {
		q.tally(k, 1)
	}
	q.countBelow(w)
}

// tally adds d to the count of k's status (countRows): update keeps the
// counts as it moves rows, not by counting them all again each event.
func (q *queuePane) tally(k qkey, d int) {
	switch {
	case k.closed:
		q.n[2] += d
	case k.done:
		q.n[1] += d
	default:
		q.n[0] += d
	}
}

// countBelow is, when the queue has no rows, the open incidents of a room
// above the towns that it does not queue (below).
func (q *queuePane) countBelow(w *world) {
	q.belowN = 0
	if len(q.rows) == 0 {
		q.belowN = q.below(w)
	}
}

// count is the queue's count in its border, in room columns: its rows by
// status, the open ones first as the header counts them (22 在办 · 9
// 已办结, and 已归档 with the closed ones shown); when a scope or filter
// cuts, after how many of the queue's it shows (22/31: 16 在办 · 6 已办结;
// 0/31 alone when it shows none). What does not fit gives way from the end.
func (q *queuePane) count(w *world, room int) string {
	l, p := q.c.p.lab, &q.c.p
	parts := []string{fmt.Sprintf("%d %s", q.n[0], l.Open)}
	for i, word := range []string{l.Resolved, l.Archived} {
		if q.n[i+1] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", q.n[i+1], word))
		}
	}
	lead := ""
	if total := q.total(w); q.scope != "" || !q.q.empty() || len(q.rows) != total {
		lead = fmt.Sprintf("%d/%d", len(q.rows), total)
	}
	if lead != "" && len(q.rows) == 0 {
		return lead
	}
	for n := len(parts); n > 0; n-- {
		s := strings.Join(parts[:n], " "+p.g.Dot+" ")
		if lead != "" {
			s = lead + ": " + s
		}
		if p.w.Of(s) <= room {
			return s
		}
	}
	return cmp.Or(lead, parts[0])
}

// total is how many incidents the queue holds before scope and filter.
func (q *queuePane) total(w *world) int {
	if q.q.all {
		return len(w.incs) + len(w.closed)
	}
	return len(w.incs)
}

// update moves the changed incidents to their new places (or out).
func (q *queuePane) update(w *world, changed []model.Incident) {
	if len(changed) > 256 {
		q.rebuild(w)
		return
	}
	keep, had := q.selected()
	for _, c := range changed {
		if old, ok := q.index[c.Seq]; ok {
			i := q.find(old)
			if i < len(q.rows) && q.rows[i] == old {
				q.rows = append(q.rows[:i], q.rows[i+1:]...)
				q.tally(old, -1)
			}
			delete(q.index, c.Seq)
			q.ids.add(c.ID, -1) // an incident's id never changes
		}
		delete(q.cache, c.Seq)
		inc, ok := w.find(c.Seq)
		if !ok || !q.admits(w, inc) {
			continue
		}
		k := keyOf(inc, q.sort)
		i := q.find(k)
		q.rows = append(q.rows, qkey{})
		copy(q.rows[i+1:], q.rows[i:])
		q.rows[i] = k
		q.tally(k, 1)
		q.index[c.Seq] = k
		q.ids.add(inc.ID, 1)
	}
	q.follow(keep, had)
	q.countBelow(w)
}

// find is the position of k, or where it would go.
func (q *queuePane) find(k qkey) int {
	return sort.Search(len(q.rows), func(i int) bool { return !q.rows[i].less(k) })
}

// follow puts the cursor back on the incident it was on, if it is still
// in the queue.
func (q *queuePane) follow(keep uint64, had bool) {
	if had {
		if k, ok := q.index[keep]; ok {
			q.cursor = q.find(k)
		}
	}
	q.clamp()
}

// queueCols are the queue's columns at a given width: the title takes what
// is left. Narrower terminals give up the node's width, the id's town and
// year, the tier's long names, the node, then the id's date; severity, id,
// tier, status, SLA and title always stay. A column of numbers alone
// shows as much more of the id's tail as tells the rows apart (ids:
// idDays.form); in a room of several towns' ids, a column short of the
// whole id keeps the town's prefix (town: idTowns.extra, its width).
type queueCols struct {
	sev, id, tier, status, sla, node, title int
	idForm                                  idForm
	idTown                                  bool // the id's town prefix before its short form (idText)
	shortTier                               bool // the tier's short names (Labels.TierShort)
}

// idForm is how much of an incident id a column shows.
type idForm int

const (
	idFull   idForm = iota // HJ-20261129-0012
	idMedium               // 1129-0012
	idDay                  // 29-0012: a number the queue holds of two days (idDays)
	idShort                // 0012
)

func layoutQueueCols(inner int, l Labels, w Width, ids *idDays, town int) queueCols {
	c := queueCols{sev: 3, id: 16, sla: 9, node: 16, idTown: town > 0}
	for _, s := range l.Tier {
		c.tier = max(c.tier, w.Of(s))
	}
	for _, s := range l.Status {
		c.status = max(c.status, w.Of(s)+1) // +1 for the supervision mark
	}
	rest := func() int {
		n := 0
		for _, w := range []int{c.sev, c.id, c.tier, c.status, c.sla, c.node} {
			if w > 0 {
				n += w + 1
			}
		}
		return inner - n
	}
	if rest() < 20 {
		c.node = 12
	}
	if rest() < 18 {
		c.id, c.idForm = 9+town, idMedium
	}
	if rest() < 16 {
		c.tier, c.shortTier = 0, true
		for _, s := range l.TierShort {
			c.tier = max(c.tier, w.Of(s))
		}
	}
	if rest() < 14 {
		c.node = 8
	}
	if rest() < 12 {
		c.id, c.idForm = 4+town, idShort
	}
	if rest() < 12 {
		c.node = 0
	}
	if c.idForm == idShort {
		c.idForm, c.id = ids.form()
		c.id += town
	}
	c.title = max(rest(), 1)
	return c
}

// tierName is the tier as the column shows it.
func (c queueCols) tierName(l Labels, t model.Tier) string {
	if c.shortTier {
		return l.TierShort[t]
	}
	return l.Tier[t]
}

// freshFor is how long a new report is marked in the queue.
const freshFor = 30 * time.Second

// fresh reports whether inc was reported within freshFor of now.
func fresh(inc model.Incident, now time.Time) bool {
	d := now.Sub(inc.ReportedAt)
	return d >= 0 && d < freshFor
}

func (f idForm) format(id string) string {
	date, num, ok := idParts(id)
	if !ok {
		return id
	}
	switch f {
	case idMedium:
		return date[4:] + "-" + num
	case idDay:
		return date[6:] + "-" + num
	case idShort:
		return num
	}
	return id
}

func (q *queuePane) View() string {
	p, w, now, focused := &q.c.p, &q.c.w, q.c.now, q.c.focused(paneQueue)
	inner := q.width - 2
	c := layoutQueueCols(inner-1, p.lab, p.w, &q.ids, w.towns.extra()) // one column for the cursor mark
	lines := make([]string, 0, q.height+1)
	head := q.cells(p, c, []string{p.lab.ColSev, p.lab.ColID, p.lab.ColTier, p.lab.ColStatus, p.lab.ColSLA, p.lab.ColNode, p.lab.ColTitle})
	lines = append(lines, p.st.ColumnHead.Render(" "+head))
	for i := q.offset; i < len(q.rows) && i < q.offset+q.height; i++ {
		inc, _ := w.find(q.rows[i].seq)
		lines = append(lines, q.row(p, c, inc, w.nameOf(inc.Node), now, i == q.cursor && focused, i == q.cursor))
	}
	if len(q.rows) == 0 {
		lines = append(lines, p.st.Dim.Render(p.w.Fit(" "+emptyQueue(p.lab, q.filter, q.scope != "", q.belowN), inner, p.g.More)))
	}
	title := q.Title()
	return p.box(title, q.count(w, p.rightRoom(title, q.width, focused)), lines, q.width, q.height+3, focused)
}

// emptyQueue says why the queue is empty: the filter, the scope, or (a
// room above the towns, below the incidents it queues) nothing open at
// the town tier or above, nor red, with below more open beneath.
func emptyQueue(l Labels, filter string, scoped bool, below int) string {
	say := func(en, zh string) string { return sayIn(l.Lang, en, zh) }
	switch {
	case filter != "":
		return say("no incident matches \""+filter+"\" (esc clears the filter)", "没有匹配 "+filter+" 的事件（esc 清除筛选）")
	case below > 0 && scoped:
		return say(fmt.Sprintf("none here at the town tier or above, nor red (%d open below)", below),
			fmt.Sprintf("此范围内没有镇级及以上或超时的事件（镇以下在办 %d 件）", below))
	case below > 0:
		return say(fmt.Sprintf("none at the town tier or above, nor red (%d open below: enter on a town in the towns table)", below),
			fmt.Sprintf("没有镇级及以上或超时的事件（镇以下在办 %d 件：在镇街表中回车进入该镇）", below))
	case scoped:
		return say("no open incidents here (esc shows all)", "此范围内没有在办事件（esc 查看全部）")
	}
	return say("no open incidents", "没有在办事件")
}

// below is how many open incidents in the queue's scope a room above the
// towns does not queue (roomQueue): those waiting below the town tier.
func (q *queuePane) below(w *world) int {
	if !q.c.aboveTowns() {
		return 0
	}
	n := 0
	for _, inc := range w.incs {
		if inc.Status.Open() && (q.scope == "" || q.scope.Contains(inc.Node)) && !roomQueue(inc, q.c.now) {
			n++
		}
	}
	return n
}

// cells lays out one line of plain cells in the queue's columns.
func (q *queuePane) cells(p *painter, c queueCols, v []string) string {
	widths := []int{c.sev, c.id, c.tier, c.status, c.sla, c.node, c.title}
	var b strings.Builder
	for i, w := range widths {
		if w == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(p.w.Fit(v[i], w, p.g.More))
	}
	return b.String()
}

func (q *queuePane) row(p *painter, c queueCols, inc model.Incident, node string, now time.Time, selected, cursor bool) string {
	light := inc.Light(now)
	left, lamp := "", ""
	if inc.Status.Open() {
		left, lamp = q.c.wait(inc.Remaining(now)), p.g.Light+" "
	}
	isNew := fresh(inc, now)
	id := idText(c.idForm, c.idTown, inc.ID) // its form follows the rows too (idDays)
	key := fmt.Sprintf("%d|%s|%s|%s|%d|%s|%t|%t|%t|%t|%s", inc.Seq, id, inc.Tier, inc.Status, light, left, selected, cursor, inc.Supervised, isNew, inc.Title)
	if r, ok := q.cache[inc.Seq]; ok && r.key == key {
		return r.out
	}
	t := rowText{sev: inc.Severity.String(), id: id, tier: c.tierName(p.lab, inc.Tier),
		status: p.lab.Status[inc.Status], wait: lamp + left, node: node, title: inc.Title}
	if inc.Supervised {
		t.status += "!"
	}
	if isNew {
		t.title = p.lab.NewMark + " " + t.title
	}
	var out string
	switch {
	case cursor && selected:
		out = p.st.Selected.Render(p.g.Cursor + q.cells(p, c, t.list()))
	case cursor:
		out = p.st.CursorIdle.Render(p.g.Cursor + q.cells(p, c, t.list()))
	default:
		out = q.styled(p, c, inc, t, light, isNew)
	}
	q.cache[inc.Seq] = cachedRow{key: key, out: out}
	return out
}

// rowText is a queue row's cells, as words.
type rowText struct{ sev, id, tier, status, wait, node, title string }

func (t rowText) list() []string {
	return []string{t.sev, t.id, t.tier, t.status, t.wait, t.node, t.title}
}

// styled is a row off the cursor: each cell in its own style (severity,
// status, light, a new incident's title).
func (q *queuePane) styled(p *painter, c queueCols, inc model.Incident, t rowText, light model.Light, isNew bool) string {
	var b strings.Builder
	b.WriteString(" ")
	b.WriteString(p.st.Severity[inc.Severity].Render(p.w.Fit(t.sev, c.sev, "")))
	if c.id > 0 {
		b.WriteString(" " + p.st.Dim.Render(p.w.Fit(t.id, c.id, p.g.More)))
	}
	if c.tier > 0 {
		b.WriteString(" " + p.w.Fit(t.tier, c.tier, p.g.More))
	}
	if c.status > 0 {
		st := p.st.Text
		if inc.Supervised {
			st = p.st.Supervised
		}
		b.WriteString(" " + st.Render(p.w.Fit(t.status, c.status, p.g.More)))
	}
	ls := p.st.Light[light]
	b.WriteString(" " + ls.Render(p.w.Fit(t.wait, c.sla, "")))
	if c.node > 0 {
		b.WriteString(" " + p.w.Fit(t.node, c.node, p.g.More))
	}
	tst := p.st.Text
	if isNew {
		tst = p.st.Fresh
	}
	b.WriteString(" " + tst.Render(p.w.Fit(t.title, c.title, p.g.More)))
	return b.String()
}
