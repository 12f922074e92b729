package ui

import (
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
	c      *common
	rows   []qkey // in display order
	index  map[uint64]qkey
	cursor int
	offset int
	width  int
	height int // rows of incidents visible
	scope  model.NodeCode
	filter string
	cache  map[uint64]cachedRow
}

// qkey is an incident's place in the queue: open before resolved, gravest
// first, then the earliest deadline (time left orders like the deadline, so
// the order does not change as the clock runs), then the oldest.
type qkey struct {
	done bool
	sev  model.Severity
	due  int64
	seq  uint64
}

func keyOf(inc model.Incident) qkey {
	due := int64(0)
	if d := inc.Deadline(); !d.IsZero() {
		due = d.UnixNano()
	}
	return qkey{done: !inc.Status.Open(), sev: inc.Severity, due: due, seq: inc.Seq}
}

func (a qkey) less(b qkey) bool {
	if a.done != b.done {
		return !a.done
	}
	if a.sev != b.sev {
		return a.sev < b.sev
	}
	if a.due != b.due {
		return a.due < b.due
	}
	return a.seq < b.seq
}

type cachedRow struct {
	key string
	out string
}

func newQueuePane(c *common) *queuePane {
	return &queuePane{c: c, cache: map[uint64]cachedRow{}, index: map[uint64]qkey{}}
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
			if msg.top {
				q.cursor = 0
			}
			q.rebuild(w)
		}
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
		return openIncidentMsg{seq}
	}
	return nil
}

func (q *queuePane) ShortHelp() []key.Binding  { return q.c.mainHelp() }
func (q *queuePane) FullHelp() [][]key.Binding { return q.c.keys.FullHelp() }

// Title names the queue's scope and filter.
func (q *queuePane) Title() string {
	l := q.c.p.lab
	title := l.Incidents
	if q.scope != "" {
		title += " " + l.Scope + " " + q.c.w.names[q.scope]
	}
	if q.filter != "" {
		title += "  /" + q.filter
	}
	return title
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

func (q *queuePane) clamp() {
	if q.cursor >= len(q.rows) {
		q.cursor = len(q.rows) - 1
	}
	if q.cursor < 0 {
		q.cursor = 0
	}
	if q.cursor < q.offset {
		q.offset = q.cursor
	}
	if q.cursor >= q.offset+q.height {
		q.offset = q.cursor - q.height + 1
	}
	if q.offset > max(len(q.rows)-q.height, 0) {
		q.offset = max(len(q.rows)-q.height, 0)
	}
}

// admits reports whether inc belongs in the queue's scope and filter.
func (q *queuePane) admits(w *world, inc model.Incident) bool {
	if q.scope != "" && !q.scope.Contains(inc.Node) {
		return false
	}
	if q.c.aboveTowns() && inc.Status.Open() && !roomQueue(inc, q.c.now) {
		return false // a room above the towns queues the town tier and above, and red
	}
	needle := strings.ToLower(strings.TrimSpace(q.filter))
	return needle == "" || matches(inc, w.nameOf(inc.Node), needle)
}

// rebuild recomputes the whole order, after the scope or the filter changed
// or a snapshot arrived, keeping the cursor on the same incident.
func (q *queuePane) rebuild(w *world) {
	keep, had := q.selected()
	q.rows = q.rows[:0]
	clear(q.index)
	for _, inc := range w.incs {
		if q.admits(w, inc) {
			k := keyOf(inc)
			q.rows = append(q.rows, k)
			q.index[inc.Seq] = k
		}
	}
	sort.Slice(q.rows, func(a, b int) bool { return q.rows[a].less(q.rows[b]) })
	for seq := range q.cache {
		if _, ok := w.pos[seq]; !ok {
			delete(q.cache, seq)
		}
	}
	q.follow(keep, had)
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
			}
			delete(q.index, c.Seq)
		}
		delete(q.cache, c.Seq)
		inc, ok := w.get(c.Seq)
		if !ok || !q.admits(w, inc) {
			continue
		}
		k := keyOf(inc)
		i := q.find(k)
		q.rows = append(q.rows, qkey{})
		copy(q.rows[i+1:], q.rows[i:])
		q.rows[i] = k
		q.index[c.Seq] = k
	}
	q.follow(keep, had)
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

// matches is the / filter: id, title, node name or category (key or
// Chinese), case-insensitive.
func matches(inc model.Incident, nodeName, needle string) bool {
	for _, h := range []string{inc.ID, inc.Title, nodeName, string(inc.Category), inc.Category.Zh(), string(inc.Node)} {
		if strings.Contains(strings.ToLower(h), needle) {
			return true
		}
	}
	return false
}

// queueCols are the queue's columns at a given width: the title takes what
// is left, and narrower terminals drop tier, status and the long id first.
type queueCols struct {
	sev, id, tier, status, sla, node, title int
	idForm                                  idForm
}

// idForm is how much of an incident id a column shows.
type idForm int

const (
	idFull   idForm = iota // HJ-20261129-0012
	idMedium               // 1129-0012
	idShort                // 0012
)

func layoutQueueCols(inner int, l Labels, w Width) queueCols {
	c := queueCols{sev: 3, id: 16, sla: 9, node: 16}
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
	// Narrower terminals give up, in turn: node width, the id's town and
	// year, the tier, the status, more node width, the id's date.
	if rest() < 20 {
		c.node = 12
	}
	if rest() < 18 {
		c.id, c.idForm = 9, idMedium
	}
	if rest() < 16 {
		c.tier = 0
	}
	if rest() < 14 {
		c.status = 0
	}
	if rest() < 12 {
		c.node = 8
	}
	if rest() < 12 {
		c.id, c.idForm = 4, idShort
	}
	c.title = max(rest(), 1)
	return c
}

// countdown shows time left as mm:ss under an hour, else 2h05; overdue with
// a minus sign.
func countdown(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	d = d.Truncate(time.Second)
	if d < time.Hour {
		return fmt.Sprintf("%s%02d:%02d", sign, int(d/time.Minute), int(d%time.Minute/time.Second))
	}
	if d < 100*time.Hour {
		return fmt.Sprintf("%s%dh%02d", sign, int(d/time.Hour), int(d%time.Hour/time.Minute))
	}
	return fmt.Sprintf("%s%dd", sign, int(d/(24*time.Hour)))
}

func (f idForm) format(id string) string {
	parts := strings.Split(id, "-")
	if len(parts) != 3 || len(parts[1]) != 8 {
		return id
	}
	switch f {
	case idMedium:
		return parts[1][4:] + "-" + parts[2]
	case idShort:
		return parts[2]
	}
	return id
}

func (q *queuePane) View() string {
	p, w, now, focused := &q.c.p, &q.c.w, q.c.now, q.c.focused(paneQueue)
	inner := q.width - 2
	c := layoutQueueCols(inner-1, p.lab, p.w) // one column for the cursor mark
	lines := make([]string, 0, q.height+1)
	head := q.cells(p, c, []string{p.lab.ColSev, p.lab.ColID, p.lab.ColTier, p.lab.ColStatus, p.lab.ColSLA, p.lab.ColNode, p.lab.ColTitle})
	lines = append(lines, p.st.ColumnHead.Render(" "+head))
	for i := q.offset; i < len(q.rows) && i < q.offset+q.height; i++ {
		inc, _ := w.get(q.rows[i].seq)
		lines = append(lines, q.row(p, c, inc, w.nameOf(inc.Node), now, i == q.cursor && focused, i == q.cursor))
	}
	if len(q.rows) == 0 {
		lines = append(lines, p.st.Dim.Render(p.w.Fit(" "+emptyQueue(p.lab, q.filter, q.scope != ""), inner, p.g.More)))
	}
	right := fmt.Sprintf("%d", len(q.rows))
	if len(q.rows) > 0 {
		right = fmt.Sprintf("%d/%d", q.cursor+1, len(q.rows))
	}
	return p.box(q.Title(), right, lines, q.width, q.height+3, focused)
}

func emptyQueue(l Labels, filter string, scoped bool) string {
	if l.Lang == "zh" {
		switch {
		case filter != "":
			return "没有匹配 " + filter + " 的事件（esc 清除筛选）"
		case scoped:
			return "此范围内没有在办事件（esc 查看全部）"
		}
		return "没有在办事件"
	}
	switch {
	case filter != "":
		return "no incident matches \"" + filter + "\" (esc clears the filter)"
	case scoped:
		return "no open incidents here (esc shows all)"
	}
	return "no open incidents"
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
		left, lamp = countdown(inc.Remaining(now)), p.g.Light+" "
	}
	key := fmt.Sprintf("%d|%s|%s|%d|%s|%t|%t|%t|%s", inc.Seq, inc.Tier, inc.Status, light, left, selected, cursor, inc.Supervised, inc.Title)
	if r, ok := q.cache[inc.Seq]; ok && r.key == key {
		return r.out
	}
	id := c.idForm.format(inc.ID)
	status := p.lab.Status[inc.Status]
	if inc.Supervised {
		status += "!"
	}
	var out string
	if cursor {
		plain := q.cells(p, c, []string{inc.Severity.String(), id, p.lab.Tier[inc.Tier], status,
			lamp + left, node, inc.Title})
		if selected {
			out = p.st.Selected.Render(p.g.Cursor + plain)
		} else {
			out = p.st.CursorIdle.Render(p.g.Cursor + plain)
		}
	} else {
		var b strings.Builder
		b.WriteString(" ")
		b.WriteString(p.st.Severity[inc.Severity].Render(p.w.Fit(inc.Severity.String(), c.sev, "")))
		if c.id > 0 {
			b.WriteString(" " + p.st.Dim.Render(p.w.Fit(id, c.id, p.g.More)))
		}
		if c.tier > 0 {
			b.WriteString(" " + p.w.Fit(p.lab.Tier[inc.Tier], c.tier, p.g.More))
		}
		if c.status > 0 {
			st := p.st.Text
			if inc.Supervised {
				st = p.st.Supervised
			}
			b.WriteString(" " + st.Render(p.w.Fit(status, c.status, p.g.More)))
		}
		ls := p.st.Light[light]
		b.WriteString(" " + ls.Render(p.w.Fit(lamp+left, c.sla, "")))
		b.WriteString(" " + p.w.Fit(node, c.node, p.g.More))
		b.WriteString(" " + p.w.Fit(inc.Title, c.title, p.g.More))
		out = b.String()
	}
	q.cache[inc.Seq] = cachedRow{key: key, out: out}
	return out
}
