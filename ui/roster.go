package ui

import (
	"fmt"
	"sort"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// rosterPane lists the people of the selected tower node's subtree, by role,
// with their on-duty state.
type rosterPane struct {
	scrollPane
	node          model.NodeCode
	people        []model.Person
	offset        int
	width, height int
	names         int // the width the widest name wants (rosterNames), read at load
	phones        int // the width of the widest phone (rosterPhones), read at load
}

func (r *rosterPane) SetSize(w, h int) { r.width, r.height = w, max(h, 1) }

func newRosterPane(c *common) *rosterPane { return &rosterPane{scrollPane: scrollPane{c}} }

// Update: showRosterMsg lists a node's people; the keys scroll.
func (r *rosterPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	switch msg := msg.(type) {
	case showRosterMsg:
		r.load(&r.c.w, msg.node)
	case tea.KeyMsg:
		r.scroll(r.c.keys.step(msg))
	}
	return r, nil
}

func (r *rosterPane) Title() string {
	return r.c.crumbed(r.c.p.lab.Roster+" "+r.c.w.names[r.node], r.c.overlay == overlayRoster)
}

func (r *rosterPane) load(w *world, node model.NodeCode) {
	r.node, r.offset = node, 0
	r.people = r.people[:0]
	for _, p := range w.people {
		if node == "" || node.Contains(p.Node) {
			r.people = append(r.people, p)
		}
	}
	rank := map[model.Role]int{}
	for i, role := range model.Roles {
		rank[role] = i
	}
	first := func(p model.Person) int {
		best := len(model.Roles)
		for _, role := range p.Roles {
			best = min(best, rank[role])
		}
		return best
	}
	sort.SliceStable(r.people, func(i, j int) bool {
		a, b := r.people[i], r.people[j]
		if first(a) != first(b) {
			return first(a) < first(b)
		}
		if a.Node != b.Node {
			return a.Node < b.Node
		}
		return a.ID < b.ID
	})
	r.names = rosterNames(r.c.p.w, r.people)
	r.phones = rosterPhones(r.c.p.w, r.people)
}

// rosterNameMin and rosterNameMax bound the roster's name column; it
// gives way to the node column down to rosterNodeMin.
const rosterNameMin, rosterNameMax, rosterNodeMin = 8, 24, 16

// rosterNames is the width the roster's widest name wants (the whole list's,
// so that scrolling does not move the columns), at most rosterNameMax.
func rosterNames(w Width, people []model.Person) int {
	n := 0
	for _, pr := range people {
		n = max(n, w.Of(pr.Name))
	}
	return min(n, rosterNameMax)
}

// rosterPhoneMin is the phone column's width at least: a mobile number.
const rosterPhoneMin = 11

// rosterPhones is the width of the roster's widest phone (a landline with
// its area code, 0579-87654321, is 13), rosterPhoneMin at least: a number
// is never cut, as the officer dials it; the columns beside it give way.
func rosterPhones(w Width, people []model.Person) int {
	n := rosterPhoneMin
	for _, pr := range people {
		n = max(n, w.Of(pr.Phone))
	}
	return n
}

// rosterRoles is a person's roles as the roster shows them, every one, in
// the order the roster ranks them (the first the one it is listed under);
// a reserve's kind follows its role in Chinese.
func rosterRoles(l Labels, pr model.Person) string {
	var names []string
	for _, role := range model.Roles {
		if !pr.Has(role) {
			continue
		}
		name := l.Role[role]
		if role == model.RoleReserve && pr.Reserve != model.ReserveNone && l.Lang == "zh" {
			name += "/" + pr.Reserve.Zh()
		}
		names = append(names, name)
	}
	sep := ", "
	if l.Lang == "zh" {
		sep = "、"
	}
	return strings.Join(names, sep)
}

func (r *rosterPane) scroll(n int) {
	r.offset = scrolled(r.offset, n, len(r.people), r.height)
}

func (r *rosterPane) View() string {
	p, w := &r.c.p, &r.c.w
	inner := r.width - 2
	phoneW := r.phones
	dutyW := max(p.w.Of(p.lab.OnDuty), p.w.Of(p.lab.OffDuty))
	nameW := rosterNameMin
	avail := inner - 1 - nameW - phoneW - dutyW - 4 // role and node share the rest
	roleW := min(16, avail/2)
	nodeW := avail - roleW - 1
	// Names take what the node can spare beyond its own room, as far as
	// the widest needs (a QA saw 欧阳长… and Mary An… at 120 columns).
	if spare := min(nodeW-rosterNodeMin, r.names-nameW); spare > 0 {
		nameW, nodeW = nameW+spare, nodeW-spare
	}
	lines := []string{p.st.ColumnHead.Render(" " + p.w.Fit(p.lab.ColName, nameW, "") + " " +
		p.w.Fit(p.lab.ColRole, roleW, "") + " " + p.w.Fit(p.lab.ColNode, nodeW, "") + " " +
		p.w.Fit(p.lab.ColPhone, phoneW, "") + " " + p.w.Fit("", dutyW, ""))}
	for i := r.offset; i < len(r.people) && len(lines) <= r.height; i++ {
		pr := r.people[i]
		role := rosterRoles(p.lab, pr)
		duty, dst := p.lab.OffDuty, p.st.Dim
		if pr.OnDuty {
			duty, dst = p.lab.OnDuty, p.st.StatusInfo
		}
		lines = append(lines, " "+p.w.Fit(pr.Name, nameW, p.g.More)+" "+p.w.Fit(role, roleW, p.g.More)+" "+
			p.st.Dim.Render(p.w.Fit(w.names[pr.Node], nodeW, p.g.More))+" "+p.w.Fit(pr.Phone, phoneW, "")+" "+
			dst.Render(p.w.Fit(duty, dutyW, "")))
	}
	if len(r.people) == 0 {
		lines = append(lines, p.st.Dim.Render(p.w.Fit(" "+p.lab.Nobody, inner, "")))
	}
	onDuty := 0
	for _, pr := range r.people {
		if pr.OnDuty {
			onDuty++
		}
	}
	right := fmt.Sprintf("%d  %s %d", len(r.people), p.lab.OnDuty, onDuty)
	return p.box(r.Title(), right, lines, r.width, r.height+3, true)
}
