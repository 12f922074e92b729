package ui

import (
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
			m.overlay = overlayHelp
			return m, nil
		}},
		{name: "q", aliases: []string{"quit", "退出"}, run: func(m Model, _ []string) (tea.Model, tea.Cmd) { return m, tea.Quit }},
	}
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
		words = append(words, c.name)
		words = append(words, c.aliases...)
	}
	sort.Strings(words)
	for _, w := range words {
		if strings.HasPrefix(w, s) {
			return w
		}
	}
	return s
}

// list is every command's help word, as the help and the refusal of an
// unknown command name them.
func (t commandTable) list() string {
	words := make([]string, len(t))
	for i, c := range t {
		words[i] = c.help()
	}
	return strings.Join(words, " ")
}

// aliasList is every alias with the command it stands for, as the help
// shows them below the commands: "名册=roster quit=q".
func (t commandTable) aliasList() string {
	var words []string
	for _, c := range t {
		for _, a := range c.aliases {
			words = append(words, a+"="+c.name)
		}
	}
	return strings.Join(words, " ")
}

// run dispatches the line s: its first word is the command, the rest its
// arguments.
func (t commandTable) run(m Model, s string) (tea.Model, tea.Cmd) {
	if s == "" {
		return m, nil
	}
	fields := strings.Fields(s)
	c, ok := t.find(fields[0])
	if !ok || (c.args == "" && len(fields) > 1) {
		return m.flashErr(refusal(model.EINVALID,
			"unknown command :"+s+" (try "+t.list()+")",
			"未知命令 :"+s+"（可用 "+t.list()+"）"))
	}
	return c.run(m, fields[1:])
}
