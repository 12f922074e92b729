package ui

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// command is one word of the ':' line, as k9s's interpreter has them: the
// help, the completion and the dispatch all read the one table.
type command struct {
	name string
	// aliases are other words for it: its Chinese name (the pane's title
	// in the Chinese console, DOMAIN.md's word) and an English one where
	// one is natural. Tab completes to them as to the names.
	aliases []string
	// args names the arguments in the help (":roster <node>"); "" takes none,
	// and a command that takes none refuses any.
	args string
	// complete offers whole arguments for what has been typed of one; nil
	// when there is nothing to offer.
	complete func(m Model, arg string) []string
	run      func(m Model, args []string) (tea.Model, tea.Cmd)
	// hidden: not offered where it cannot be (:take at an SSH seat): left
	// out of the help, the completion and the menu, yet found when typed,
	// so that its run says why not rather than "unknown command".
	hidden bool
}

// help is the command's word in the help: ":name" and its arguments.
func (c command) help() string {
	if c.args == "" {
		return ":" + c.name
	}
	return ":" + c.name + " " + c.args
}

// commandTable is the ':' line's commands, in the order the help lists them.
// The help lists the aliases after the commands (aliasList); the refusal of
// an unknown command names the commands only.
type commandTable []command

func newCommands() commandTable {
	focus := func(id paneID) func(Model, []string) (tea.Model, tea.Cmd) {
		return func(m Model, _ []string) (tea.Model, tea.Cmd) {
			if m.overlay != overlayNone || m.focus != id {
				m = m.push()
			}
			m.overlay, m.focus = overlayNone, id
			return m, nil
		}
	}
	return commandTable{
		{name: "incidents", aliases: []string{"事件"}, run: focus(paneQueue)},
		{name: "tower", aliases: []string{"网格塔"}, run: focus(paneTower)},
		{name: "roster", aliases: []string{"名册"}, run: func(m Model, _ []string) (tea.Model, tea.Cmd) { return m.openRoster(), nil }},
		{name: "chain", aliases: []string{"指挥链"}, run: focus(paneChain)},
		townCommand(),
		{name: "events", aliases: []string{"动态"}, run: focus(paneEvents)},
		{name: "gaps", aliases: []string{"缺员"}, run: func(m Model, _ []string) (tea.Model, tea.Cmd) {
			if !m.wt.active() {
				return m.flashErr(refusal(model.ECONFLICT, "no wartime is active: gaps are a wartime list", "当前没有战时状态：缺员清单只在战时列出"))
			}
			m = m.push()
			m.overlay = overlayGaps
			m.tell(m.gaps, showMsg{})
			return m, nil
		}},
		{name: "directives", aliases: []string{"指令"}, run: func(m Model, args []string) (tea.Model, tea.Cmd) {
			if !m.wt.active() {
				return m.flashErr(refusal(model.ECONFLICT, "no wartime is active", "当前没有战时状态"))
			}
			return focus(paneDirectives)(m, args)
		}},
		{name: "after", aliases: []string{"summary", "战后总结"}, run: func(m Model, _ []string) (tea.Model, tea.Cmd) { return m, loadAfterAction(m.svc) }},
		{name: "show", aliases: []string{"查看"}, args: "ID", complete: completeIDs, run: runShow},
		{name: "tier", aliases: []string{"层级"}, args: "grid|village|town|taskforce", complete: completeTiers, run: runTier},
		pointsCommand(),
		{name: "patrols", aliases: []string{"巡护"}, run: func(m Model, _ []string) (tea.Model, tea.Cmd) { return m.openPatrolPane(overlayPatrols) }},
		{name: "desk", aliases: []string{"分拣台", "联络员"}, run: func(m Model, _ []string) (tea.Model, tea.Cmd) { return m.openPatrolPane(overlayDesk) }},
		{name: "handover", aliases: []string{"交接班", "交班"}, args: "[note]", run: func(m Model, args []string) (tea.Model, tea.Cmd) {
			return m.runHandover(args)
		}},
		{name: "checkin", aliases: []string{"报到"}, run: func(m Model, _ []string) (tea.Model, tea.Cmd) {
			if m.rp != nil {
				return m.flashErr(refusal(model.ECONFLICT, "a replay is read-only", "回放为只读"))
			}
			return m, checkIn(m.svc, m.dutyRoom(), m.seat.Person.ID)
		}},
		{name: "replay", aliases: []string{"回放"}, args: "[from [to]] [60x]", run: func(m Model, args []string) (tea.Model, tea.Cmd) {
			return m.runReplay(args)
		}},
		{name: "help", aliases: []string{"帮助"}, run: func(m Model, _ []string) (tea.Model, tea.Cmd) {
			if m.overlay == overlayHelp {
				return m, nil
			}
			return m.openHelp(), nil
		}},
		{name: "take", aliases: []string{"接管"}, run: func(m Model, _ []string) (tea.Model, tea.Cmd) { return m.askTakeFile() }},
		{name: "q", aliases: []string{"quit", "退出"}, run: func(m Model, _ []string) (tea.Model, tea.Cmd) { return m.quit() }},
	}
}

// hide is the table with the commands named hidden (command.hidden).
func (t commandTable) hide(names ...string) commandTable {
	out := slices.Clone(t)
	for i := range out {
		if slices.Contains(names, out[i].name) {
			out[i].hidden = true
		}
	}
	return out
}

// find is the command a word calls.
func (t commandTable) find(word string) (command, bool) {
	for _, c := range t {
		if c.name == word {
			return c, true
		}
		for _, a := range c.aliases {
			if a == word {
				return c, true
			}
		}
	}
	return command{}, false
}

// complete is what tab makes of the line s: the first word, in sorted
// order, that begins with s, or, after a command and a space, its first
// argument that begins with what follows; else s unchanged.
func (t commandTable) complete(m Model, s string) string {
	if name, arg, ok := strings.Cut(s, " "); ok {
		if c, found := t.find(name); found && c.complete != nil {
			if offers := c.complete(m, strings.TrimSpace(arg)); len(offers) > 0 {
				return name + " " + offers[0]
			}
		}
		return s
	}
	var words []string
	for _, c := range t {
		if !c.hidden {
			words = append(words, c.name)
			words = append(words, c.aliases...)
		}
	}
	sort.Strings(words)
	for _, w := range words {
		if strings.HasPrefix(w, s) {
			return w
		}
	}
	return s
}

// candidates are the words the line s may go on with, in sorted order:
// the commands and aliases that begin with s, or, after a command and a
// space, its arguments that begin with what follows (with the command's
// argument names when it offers none).
func (t commandTable) candidates(m Model, s string) []string {
	if name, arg, ok := strings.Cut(s, " "); ok {
		c, found := t.find(name)
		if !found {
			return nil
		}
		if c.complete != nil {
			if offers := c.complete(m, strings.TrimSpace(arg)); len(offers) > 0 {
				return offers
			}
		}
		if c.args != "" {
			return []string{c.help()}
		}
		return nil
	}
	var words []string
	for _, c := range t {
		if c.hidden {
			continue
		}
		for _, w := range append([]string{c.name}, c.aliases...) {
			if strings.HasPrefix(w, s) {
				words = append(words, w)
			}
		}
	}
	sort.Strings(words)
	return words
}

// cmdMenu is the one-line menu above the ':' line: what the line may go
// on with, the one tab takes first.
func (m Model) cmdMenu() string {
	p := &m.p
	words := m.cmds.candidates(m, strings.TrimLeft(m.cmdInput.Value(), " "))
	if len(words) == 0 {
		return ""
	}
	var b strings.Builder
	used := 0
	for i, w := range words {
		cell := " " + w + " "
		if used+p.w.Of(cell)+1 > m.width {
			b.WriteString(p.st.Dim.Render(p.g.More))
			used++
			break
		}
		if i == 0 {
			b.WriteString(p.st.Selected.Render(cell))
		} else {
			b.WriteString(p.st.Dim.Render(cell))
		}
		used += p.w.Of(cell)
	}
	return p.padStyled(b.String(), m.width)
}

// list is every command's help word, as the help and the refusal of an
// unknown command name them.
func (t commandTable) list() string {
	words := make([]string, 0, len(t))
	for _, c := range t {
		if !c.hidden {
			words = append(words, c.help())
		}
	}
	return strings.Join(words, " ")
}

// unknown refuses the line s, which names no command: with as many of the
// commands as the status line holds after it, whole, and the bracket
// closed; ? (the help) lists them all.
func (t commandTable) unknown(m Model, s string) error {
	var names []string
	for _, c := range t {
		if !c.hidden {
			names = append(names, ":"+c.name)
		}
	}
	say := func(en bool, n int) string {
		some := strings.Join(names[:n], " ")
		switch {
		case en && n == len(names):
			return "unknown command :" + s + " (try " + some + ")"
		case en && n > 0:
			return "unknown command :" + s + " (try " + some + " " + m.p.g.More + "; ? lists them all)"
		case en:
			return "unknown command :" + s + " (? lists the commands)"
		case n == len(names):
			return "未知命令 :" + s + "（可用 " + some + "）"
		case n > 0:
			return "未知命令 :" + s + "（可用 " + some + " 等，? 查看全部）"
		}
		return "未知命令 :" + s + "（? 查看命令）"
	}
	most := func(en bool) string {
		n := len(names)
		for n > 0 && !m.flashFits(say(en, n)) {
			n--
		}
		return say(en, n)
	}
	return refusal(model.EINVALID, most(true), most(false))
}

// aliasList is every alias with the command it stands for, as the help
// shows them below the commands: "名册=roster quit=q".
func (t commandTable) aliasList() string {
	var words []string
	for _, c := range t {
		for _, a := range c.aliases {
			if !c.hidden {
				words = append(words, a+"="+c.name)
			}
		}
	}
	return strings.Join(words, " ")
}

// run dispatches the line s: its first word is the command, the rest its
// arguments. A command run clears what the status line said before (an
// earlier command's refusal): what it says itself, if anything, follows.
func (t commandTable) run(m Model, s string) (tea.Model, tea.Cmd) {
	if s == "" {
		return m, nil
	}
	fields := strings.Fields(s)
	c, ok := t.find(fields[0])
	if !ok || (c.args == "" && len(fields) > 1) {
		return m.flashErr(t.unknown(m, s))
	}
	m.flash = flash{}
	return c.run(m, fields[1:])
}

// runShow is :show ID: any incident, closed ones too (read from the
// store). The id may be given whole (HJ-20261203-0012), or by its end
// (1203-0012, 0012) for one the console holds.
func runShow(m Model, args []string) (tea.Model, tea.Cmd) {
	if len(args) != 1 {
		return m.flashErr(refusal(model.EINVALID, ":show wants one incident id, e.g. :show HJ-20261203-0012",
			":show 需要一个事件编号，如 :show HJ-20261203-0012"))
	}
	if id, err := model.ParseIncidentID(args[0]); err == nil {
		return m.openDetail(0, id)
	}
	var found []string
	for id := range m.w.byRef {
		if model.IDEndsIn(id, args[0]) {
			found = append(found, id)
		}
	}
	switch len(found) {
	case 0:
		return m.flashErr(refusal(model.ENOTFOUND,
			fmt.Sprintf("no incident here ends in %s; give the whole id, e.g. HJ-20261203-0012", args[0]),
			fmt.Sprintf("这里没有以 %s 结尾的事件；请给出完整编号，如 HJ-20261203-0012", args[0])))
	case 1:
	default:
		// Which they are, the first few by id, to type one whole.
		sort.Strings(found)
		some := found[:min(len(found), 3)]
		more, moreZh := "", ""
		if n := len(found) - len(some); n > 0 {
			more, moreZh = fmt.Sprintf(" and %d more", n), fmt.Sprintf(" 等 %d 个", len(found))
		}
		return m.flashErr(refusal(model.ENOTFOUND,
			fmt.Sprintf("%d incidents here end in %s (%s%s); give the whole id", len(found), args[0], strings.Join(some, ", "), more),
			fmt.Sprintf("这里有 %d 个事件以 %s 结尾（%s%s）；请给出完整编号", len(found), args[0], strings.Join(some, "、"), moreZh)))
	}
	return m.openDetail(0, found[0])
}

// completeIDs offers the ids of the incidents the console holds that hold
// what was typed.
func completeIDs(m Model, arg string) []string {
	var out []string
	for id := range m.w.byRef {
		if strings.Contains(id, strings.ToUpper(arg)) {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// runTier is :tier T: the queue of what waits at tier T (its key or its
// name in either language).
func runTier(m Model, args []string) (tea.Model, tea.Cmd) {
	if len(args) != 1 {
		return m.flashErr(refusal(model.EINVALID, ":tier wants one tier: grid, village, town or taskforce",
			":tier 需要一个层级：网格、村社、镇指挥室或专班"))
	}
	t := tierNamed(m.p.lab, args[0]) // as the filter's tier: reads them
	if t == "" {
		return m.flashErr(refusal(model.EINVALID, ":tier "+args[0]+": "+notATier, ":tier "+args[0]+"："+notATierZh))
	}
	return m.filterTier(t)
}

// completeTiers offers the tiers whose key begins with what was typed.
func completeTiers(_ Model, arg string) []string {
	var out []string
	for _, t := range model.Tiers {
		if strings.HasPrefix(string(t), arg) {
			out = append(out, string(t))
		}
	}
	return out
}
