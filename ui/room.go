package ui

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// A room above the towns (a county, city or province social-governance
// centre) watches its towns; it turns to one of them (:town, or enter on
// the town in the tower) and sees that town as the town's own room does,
// and esc turns it back. A town's room never leaves its town
// (model.Seat.Focus). Turning reloads what the console holds for the new
// scope: the snapshot and the wartime state of that subtree, nothing more.

// focusTownMsg: turn the room to town ("" back to the room).
type focusTownMsg struct{ town model.NodeCode }

// focusTown turns the seat to town ("" back to the room) and loads the new
// scope.
func (m Model) focusTown(town model.NodeCode) (tea.Model, tea.Cmd) {
	seat, err := m.seat.Focus(town, m.w.nameOf)
	if err != nil {
		return m.flashErr(err)
	}
	if seat.Scope() == m.seat.Scope() {
		return m, nil
	}
	left := m.seat.Town // the town a room turned back leaves
	m.seat, m.scope = seat, seat.Scope()
	m.duty, m.dutyLoaded = model.RoomDuty{}, false // the new room's duty is read with its snapshot
	m.noteFlaggedDuty()
	m.layout()
	m.focus = paneQueue
	if m.aboveTowns() && !m.skipped(paneTowns) {
		m.focus = paneTowns
	}
	// The new room's tower opens afresh, its queue unscoped; a room turned
	// back from a town opens on that town (the tower keeps its cursor on
	// the node it was on, the town's root), and its queue is scoped to it,
	// as the tower's cursor scopes the queue wherever it moves (esc clears
	// it).
	m.tower.expanded = map[model.NodeCode]bool{}
	m.tower.cursor, m.tower.offset = 0, 0
	if town != "" {
		left = ""
	}
	m.tell(m.queue, scopeMsg{left})
	clear(m.queue.cache) // the rows name nodes as deep as the new scope reads
	m.overlay = overlayNone
	m.back = nil // the way back was the other room's
	m.setTrail()
	// The header's figures are the new scope's (the store's, as stats).
	m.fig, m.figPending, m.figStale = model.Figures{}, true, false
	return m, tea.Batch(loadSnapshot(m.svc, m.scope, m.reach), loadWartime(m.svc, m.scope), loadFigures(m.svc, m.scope))
}

// roomTowns are the towns of a room above the towns, as its own snapshot
// had them (the towns the switcher offers and names resolve against);
// none for a town's room.
func (m Model) roomTowns() []model.Node { return m.townList }

// noteTowns keeps the towns of a room above the towns from a snapshot of
// the whole room, and lays the screen out again when their number changed
// (the towns table is as high as they need: townsHeight).
func (m *Model) noteTowns(nodes []model.Node) {
	if !m.seat.AboveTown() || m.seat.Town != "" {
		return
	}
	var towns []model.Node
	for _, n := range nodes {
		if n.Level == model.LevelTown {
			towns = append(towns, n)
		}
		if n.Code == m.seat.Node {
			m.roomName = n.Name
		}
	}
	sort.Slice(towns, func(i, j int) bool { return towns[i].Code < towns[j].Code })
	relayout := len(towns) != len(m.townList)
	m.townList = towns
	if relayout {
		m.layout()
	}
}

// townArg reads :town's argument: a town's code, or its name among the
// room's towns, or a prefix of one name alone (as --node takes a unique
// prefix: 花街 for 花街镇); a prefix of several names is refused, naming
// them.
func (m Model) townArg(arg string) (model.NodeCode, error) {
	return model.TownNamed(m.roomTowns(), arg, "in this room", "本指挥中心")
}

// townCommand is :town NAME|CODE (turn to the town) and :town alone (back
// to the room).
func townCommand() command {
	return command{
		name: "town", aliases: []string{"镇街"}, args: "[<town>]",
		complete: func(m Model, arg string) []string {
			var out []string
			for _, t := range m.roomTowns() {
				if strings.HasPrefix(t.Name, arg) || strings.HasPrefix(string(t.Code), arg) {
					out = append(out, t.Name)
				}
			}
			return out
		},
		run: func(m Model, args []string) (tea.Model, tea.Cmd) {
			if len(args) == 0 {
				return m.focusTown("")
			}
			arg := strings.Join(args, " ")
			if !m.seat.AboveTown() {
				// A town's room stays in its town: its own name or code
				// is no move, anything else is refused (Seat.Focus).
				if arg == string(m.seat.Town) || arg == m.nodeName(m.seat.Town) {
					return m, nil
				}
				return m.focusTown(model.NodeCode(arg))
			}
			town, err := m.townArg(arg)
			if err != nil {
				return m.flashErr(err)
			}
			return m.focusTown(town)
		},
	}
}

// roomScope reports whether a scope is a room above the towns' (a county,
// city or province): one read down to its villages with the stored
// figures, the rest as the officer opens it (loadChildren).
func roomScope(scope model.NodeCode) bool { return scope.Level().AboveTown() }

// aboveTowns reports whether the console shows a room above the towns now (not
// turned to one of its towns).
func (c *common) aboveTowns() bool { return roomScope(c.scope) }

// loadChildrenMsg: read the children of a node the officer opened;
// childrenMsg: they are read.
type (
	loadChildrenMsg struct{ node model.NodeCode }
	childrenMsg     struct {
		scope, node model.NodeCode
		kids        []model.CountedNode
		err         error
	}
)

// loadChildren reads a node's children with their stored figures.
func loadChildren(svc model.Service, scope, node model.NodeCode) tea.Cmd {
	return func() tea.Msg {
		ns, err := svc.Subtree(context.Background(), node, 1)
		if err != nil {
			return childrenMsg{scope: scope, node: node, err: err}
		}
		return childrenMsg{scope: scope, node: node, kids: ns[1:]}
	}
}

// onChildren grafts the children read into the tower and opens their node.
func (m Model) onChildren(msg childrenMsg) (tea.Model, tea.Cmd) {
	if msg.scope != m.scope {
		return m, nil
	}
	if msg.err != nil {
		return m.flashErr(msg.err)
	}
	m.w.graft(msg.kids, m.now)
	m.tower.expanded[msg.node] = true
	m.tell(m.tower, loadedMsg{})
	m.tell(m.wtc, countMsg{})
	return m, nil
}

// roomQueue reports whether an open incident is the business of a room
// above the towns: waiting at the town tier or above, or red.
func roomQueue(inc model.Incident, now time.Time) bool {
	return inc.Tier.Rank() >= model.TierTown.Rank() || inc.Light(now) == model.LightRed
}

// activatedTownsMsg: a room's activation over several towns is done (one
// activation per town) or refused whole.
type activatedTownsMsg struct {
	acts []model.Activation
	err  error
}

func (m activatedTownsMsg) failed() error { return m.err }

func activateTowns(svc model.Service, reason model.Reason, scope []model.NodeCode, drill bool, note string, by model.PersonID) tea.Cmd {
	return func() tea.Msg {
		acts, err := svc.ActivateTowns(context.Background(), reason, scope, drill, note, by)
		return activatedTownsMsg{acts: acts, err: err}
	}
}

// confirmTowns asks before a room above the towns activates wartime over
// scope: one activation per town, the question naming each town (as many
// as the line holds after the figures) with what the scope reaches there,
// by the stored figures.
func (m Model) confirmTowns(v map[string]string, scope []model.NodeCode) (tea.Model, tea.Cmd, error) {
	reach, err := m.w.tower.Reach(scope)
	if err != nil {
		return m, nil, err
	}
	a, err := m.activationForm(v)
	if err != nil {
		return m, nil, err
	}
	towns := make([]string, len(reach.Towns))
	for i, t := range reach.Towns {
		towns[i] = fmt.Sprintf("%s %d/%d", m.nodeName(t.Town), t.Villages, t.MicroGrids)
	}
	// The question, then the towns: the status line puts them on lines
	// of their own at 80 columns, as many as two hold, and ends them in y/n.
	q := m.say(fmt.Sprintf("activate %s in %d towns, one each: %d villages, %d micro-grids?",
		a.kind, len(reach.Towns), reach.Villages, reach.MicroGrids),
		fmt.Sprintf("启动战时：%s，%d 个镇街各启动一次，共 %d 个村社、%d 个微网格？",
			a.kind, len(reach.Towns), reach.Villages, reach.MicroGrids))
	if len(reach.Towns) == 1 {
		q = m.say(fmt.Sprintf("activate %s in %s: %d villages, %d micro-grids?",
			a.kind, m.nodeName(reach.Towns[0].Town), reach.Villages, reach.MicroGrids),
			fmt.Sprintf("在%s启动战时：%s，%d 个村社、%d 个微网格？",
				m.nodeName(reach.Towns[0].Town), a.kind, reach.Villages, reach.MicroGrids))
	}
	list := m.say("villages/micro-grids: "+strings.Join(towns, ", "), "村社/微网格："+strings.Join(towns, "，"))
	by := m.seat.Person.ID
	mm, c := m.askFormDetail(q, list, func(m Model) (Model, tea.Cmd) {
		return m, activateTowns(m.svc, a.reason, scope, a.drill, a.note, by)
	})
	return mm, c, nil
}
