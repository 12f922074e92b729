package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// detailPane shows one incident: every field and the full timeline.
type detailPane struct {
	c             *common
	seq           uint64
	id            string
	inc           model.Incident // as it was opened: shown when the console no longer holds it
	timeline      []model.Event
	offset        int
	width, height int
}

func newDetailPane(c *common) *detailPane { return &detailPane{c: c} }

// Update: showIncidentMsg opens an incident, its timeline arrives after;
// the keys scroll.
func (d *detailPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	switch msg := msg.(type) {
	case showIncidentMsg:
		d.seq, d.id, d.inc, d.timeline, d.offset = msg.inc.Seq, msg.inc.ID, msg.inc, nil, 0
	case timelineMsg:
		if msg.id == d.id && msg.err == nil {
			d.timeline = msg.events
		}
	case tea.KeyMsg:
		d.scroll(d.c.keys.step(msg), len(d.lines()))
	}
	return d, nil
}

func (d *detailPane) Title() string {
	return d.c.crumbed(d.c.p.lab.Detail+" "+d.id, d.c.overlay == overlayDetail)
}

// ShortHelp: the incident's actions work from here.
func (d *detailPane) ShortHelp() []key.Binding {
	k := d.c.keys
	return []key.Binding{k.Back, k.Down, k.Ack, k.Escalate, k.EscalateTo, k.Dispatch, k.Resolve, k.Reopen, k.Close, k.Help, k.Quit}
}

func (d *detailPane) FullHelp() [][]key.Binding { return d.c.keys.FullHelp() }

func (d *detailPane) SetSize(w, h int) { d.width, d.height = w, max(h, 1) }

func (d *detailPane) scroll(n, total int) {
	d.offset = scrolled(d.offset, n, total, d.height)
}

// lines renders the pane's content at now (the countdown moves): the
// fields, the report's text and the timeline, every word of them whole.
func (d *detailPane) lines() []string {
	p := &d.c.p
	inner := d.width - 2
	inc, ok := d.c.w.find(d.seq)
	if !ok {
		inc = d.inc // closed, read from the store for :show or the way back
	}
	out := d.fields(inc)
	if inc.Text != "" {
		out = append(out, "")
		for _, l := range wordWrap(p.w, inc.Text, inner-2) {
			out = append(out, " "+p.w.Fit(l, inner-1, ""))
		}
	}
	out = append(out, "", " "+p.st.PaneTitle.Render(p.w.Fit(p.lab.Fields["timeline"], inner-1, "")))
	return append(out, d.timelineLines(inner)...)
}

// stampW is the width of a timeline line's time and the gap after it.
const stampW = len("01-02 15:04:05  ")

// timelineLines are the events: the time, then what happened and who,
// wrapped under itself.
func (d *detailPane) timelineLines(inner int) []string {
	p := &d.c.p
	var out []string
	for _, e := range d.timeline {
		stamp := e.At.In(d.c.loc).Format("01-02 15:04:05") + "  "
		for _, l := range wordWrap(p.w, describe(p.lab, e, p.g)+"  "+actor(p.lab, e), inner-2-stampW) {
			out = append(out, " "+p.w.Fit(stamp+l, inner-1, p.g.More))
			stamp = strings.Repeat(" ", stampW)
		}
	}
	return out
}

// fields are the incident's fields, one a line; the title, the place and
// the department whole, wrapped.
func (d *detailPane) fields(inc model.Incident) []string {
	p, w, kv := &d.c.p, &d.c.w, d.field
	f := p.lab.Fields
	out := append([]string{kv(f["id"], inc.ID)}, d.wrapped(f["title"], inc.Title)...)
	out = append(out, d.wrapped(f["node"], w.nameOf(inc.Node)+"  "+string(inc.Node))...)
	out = append(out,
		kv(f["category"], named(p.lab, string(inc.Category), inc.Category.Zh())),
		kv(f["platform"], named(p.lab, string(inc.Platform), inc.Platform.Zh())),
		kv(f["severity"], inc.Severity.String(), p.st.Severity[inc.Severity].Render),
		kv(f["tier"], p.lab.Tier[inc.Tier]),
		kv(f["status"], p.lab.Status[inc.Status]))
	if inc.Status.Open() {
		out = append(out, d.slaField(inc))
		out = append(out, d.holderFields(inc)...)
	}
	if inc.Department != "" {
		out = append(out, d.wrapped(f["department"], inc.Department)...)
	}
	reporter := inc.Reporter.String()
	if pr, ok := w.byID[inc.Reporter]; ok {
		reporter = pr.Name + " (" + reporter + ")"
	}
	out = append(out, kv(f["reporter"], reporter), kv(f["source"], named(p.lab, string(inc.Source), inc.Source.Zh())),
		kv(f["reported"], inc.ReportedAt.In(d.c.loc).Format("2006-01-02 15:04:05")))
	if inc.Supervised {
		out = append(out, kv(f["supervised"], "督办", p.st.Overdue.Render))
	}
	if inc.Escalations > 0 {
		out = append(out, kv(f["escalations"], fmt.Sprint(inc.Escalations)))
	}
	return out
}

// detailLabelW is the width of the fields' labels.
const detailLabelW = 12

// field is one line of the fields: the label in its column, then the
// value fitted to the rest, styled by st if given.
func (d *detailPane) field(k, v string, st ...func(...string) string) string {
	p := &d.c.p
	val := p.w.Fit(v, d.valueW(), p.g.More)
	if len(st) > 0 {
		val = st[0](val)
	}
	return " " + p.st.ColumnHead.Render(p.w.Fit(k, detailLabelW, "")) + " " + val
}

// valueW is the width of the fields' values.
func (d *detailPane) valueW() int { return d.width - 2 - detailLabelW - 2 }

// wrapped is a free-text field (the title, the department): the value
// whole, wrapped under itself when it is wider than its column.
func (d *detailPane) wrapped(k, v string) []string {
	p := &d.c.p
	var out []string
	for _, l := range wordWrap(p.w, v, d.valueW()-1) {
		out = append(out, d.field(k, l))
		k = ""
	}
	return out
}

// slaField is an open incident's deadline and the time left, or how long
// it is overdue, in the colour of its light.
func (d *detailPane) slaField(inc model.Incident) string {
	p, now, f := &d.c.p, d.c.now, d.c.p.lab.Fields
	left := inc.Remaining(now)
	label := f["left"]
	if left < 0 {
		label = f["overdue"]
		left = -left
	}
	return d.field(f["sla"], p.g.Light+" "+inc.Deadline().In(d.c.loc).Format("15:04:05")+"  "+label+" "+d.c.wait(left),
		p.st.Light[inc.Light(now)].Render)
}

// holderFields are who holds an open incident at its tier, each with the
// phone (whole) and the role that makes them a holder; nobody is said so.
func (d *detailPane) holderFields(inc model.Incident) []string {
	p, f := &d.c.p, d.c.p.lab.Fields
	var out []string
	holders := holdersOf(&d.c.w, inc)
	if len(holders) == 0 {
		out = append(out, d.field(f["holder"], p.lab.Tier[inc.Tier]+"  "+p.lab.Nobody))
	}
	for i, h := range holders {
		label := f["holder"]
		if i > 0 {
			label = ""
		}
		role := ""
		for _, r := range h.Roles {
			if holds(r, inc.Tier) {
				role = p.lab.Role[r]
			}
		}
		// The number whole (phone.go): the role after it is cut first,
		// then the name; too narrow for both, the number on a line below.
		for _, l := range phoneLines(p.w, h.Name, "  ", h.Phone, "  "+role, d.valueW(), p.g.More) {
			out = append(out, d.field(label, l))
			label = ""
		}
	}
	return out
}

func (d *detailPane) View() string {
	all := d.lines()
	start := min(d.offset, max(len(all)-d.height, 0))
	end := min(start+d.height, len(all))
	right := ""
	if len(all) > d.height {
		right = fmt.Sprintf("%d-%d/%d", start+1, end, len(all))
	}
	return d.c.p.box(d.Title(), right, all[start:end], d.width, d.height+2, true)
}

// named shows a category, platform or source: its Chinese name in the
// Chinese console; in English its key, then the Chinese name the command
// room uses, unless that is the key again (a custom category).
func named(l Labels, key, zh string) string {
	switch {
	case l.Lang == "zh" && zh != "":
		return zh
	case zh == "" || zh == key:
		return key
	}
	return key + " " + zh
}

// maxHolders is how many of a tier's holders the detail names.
const maxHolders = 3

// holdersOf are who hold inc at its tier now, and how to reach them: the
// grid leader of its grid (grid tier), the cadres of its village (village
// tier), the duty officers on duty (the town room, and the task force it
// coordinates). Those on duty first.
func holdersOf(w *world, inc model.Incident) []model.Person {
	var on, off []model.Person
	for _, p := range w.people {
		var here bool
		switch inc.Tier {
		case model.TierGrid:
			here = p.Has(model.RoleGridLeader) && p.Node == inc.Node.Grid()
		case model.TierVillage:
			here = p.Has(model.RoleVillageCadre) && p.Node == inc.Node.Village()
		default:
			here = p.Has(model.RoleDutyOfficer) && p.OnDuty && p.Node.Contains(inc.Node)
		}
		switch {
		case !here:
		case p.OnDuty:
			on = append(on, p)
		default:
			off = append(off, p)
		}
	}
	all := append(on, off...)
	return all[:min(len(all), maxHolders)]
}

// holds reports whether role r is the one that holds tier t.
func holds(r model.Role, t model.Tier) bool {
	switch t {
	case model.TierGrid:
		return r == model.RoleGridLeader
	case model.TierVillage:
		return r == model.RoleVillageCadre
	}
	return r == model.RoleDutyOfficer
}
