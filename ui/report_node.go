package ui

import (
	"context"
	"fmt"
	"slices"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// A room above the towns reads its towns down to the villages; a village's
// grids and micro-grids only when the officer opens it (loadChildren). The
// new report form (n) names its place as anywhere else ("园丁社区 01", or
// a code), so where the console has not read the place, it reads the
// villages the place may be in from the store and resolves it there:
// reportNodeMsg comes back, and the question is put as it would have been.

// reportNodeMsg: the report form's place, as typed, resolved on the
// villages read for it (name: the console's name for it), or why not.
type reportNodeMsg struct {
	typed string
	node  model.NodeCode
	name  string
	err   error
}

// submitReport checks the report form and asks before it files; a place
// the console has not read is read first (unreadVillages).
func (m Model) submitReport(v map[string]string) (tea.Model, tea.Cmd) {
	node, err := m.names().Resolve(v["node"])
	if _, ok := m.w.nodes[node]; err == nil && !ok {
		err = notInTower(node)
	}
	if model.ErrorCode(err) == model.ENOTFOUND {
		if vs := m.unreadVillages(v["node"], node); len(vs) > 0 {
			loaded := append(m.w.above[:len(m.w.above):len(m.w.above)], m.w.nodeList...)
			return m, findReportNode(m.svc, v["node"], m.town(), loaded, vs)
		}
	}
	return m.askReport(v, node, m.w.nameOf(node), err)
}

// unreadVillages are the villages whose grids the console has not read
// that the place typed may be in: a code's village, or the villages whose
// name the place's begins with (model.NodeNames.VillagesBefore).
func (m Model) unreadVillages(typed string, code model.NodeCode) []model.NodeCode {
	vs := m.names().VillagesBefore(typed)
	if code != "" && code.Level() > model.LevelVillage {
		vs = []model.NodeCode{code.Village()}
	}
	return slices.DeleteFunc(vs, func(v model.NodeCode) bool {
		if _, ok := m.w.tower.Nodes[v]; !ok {
			return true // not the room's
		}
		read := true // its grids, and theirs, the micro-grids
		m.w.tower.Walk(v, 1, func(n *model.TowerNode, _ int) { read = read && n.Loaded() })
		return read
	})
}

// findReportNode reads villages down to their micro-grids and resolves
// typed among them and the nodes the console holds (loaded), within its
// room (model.NodeNames).
func findReportNode(svc model.Service, typed string, within model.NodeCode, loaded []model.Node, villages []model.NodeCode) tea.Cmd {
	return func() tea.Msg {
		nodes := loaded
		for _, v := range villages {
			kids, err := svc.Subtree(context.Background(), v, int(model.LevelMicroGrid-model.LevelVillage))
			if err != nil {
				return reportNodeMsg{typed: typed, err: err}
			}
			for _, k := range kids[1:] {
				nodes = append(nodes, k.Node)
			}
		}
		nn := model.NewNodeNames(nodes, within)
		c, err := nn.Resolve(typed)
		return reportNodeMsg{typed: typed, node: c, name: nn.Name(c), err: err}
	}
}

// onReportNode puts the report's question once its place is read, if the
// form is still waiting for it as it was sent.
func (m Model) onReportNode(msg reportNodeMsg) (tea.Model, tea.Cmd) {
	if !m.formActive || m.form.kind != formReport || m.form.values()["node"] != msg.typed {
		return m, nil
	}
	if msg.err == nil && msg.name == "" {
		msg.err = notInTower(msg.node)
	}
	return m.askReport(m.form.values(), msg.node, msg.name, msg.err)
}

// notInTower refuses a place the tower does not hold.
func notInTower(c model.NodeCode) error {
	return refusal(model.ENOTFOUND, "no node "+string(c)+" in the tower", "网格塔中没有节点 "+string(c))
}

// askReport asks before filing the report the form holds at node (named
// so), or keeps the form open with why not (resolveErr: why its place
// names nothing).
func (m Model) askReport(v map[string]string, node model.NodeCode, name string, resolveErr error) (tea.Model, tea.Cmd) {
	r, err := model.Report{}, resolveErr
	if err == nil {
		r, err = m.reportAt(v, node)
	}
	if err != nil {
		m.form.refused(m.notFiled(err), err)
		return m, nil
	}
	r.Reporter = m.seat.Person.ID
	q := fmt.Sprintf("%s %s %s（%s %s）？", m.p.lab.Verb[model.ActReport], name, r.Title, r.Severity, named(m.p.lab, r.Category, model.Category(r.Category).Zh()))
	if m.p.lab.Lang == "en" {
		q = fmt.Sprintf("%s at %s: %s (%s, %s)?", m.p.lab.Verb[model.ActReport], name, r.Title, r.Severity, r.Category)
	}
	return m.askForm(q, func(m Model) (Model, tea.Cmd) { return m, report(m.svc, r) })
}
