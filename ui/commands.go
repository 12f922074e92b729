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
	name    string
	aliases []string // other words for it, English or Chinese
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
type commandTable []command

func newCommands() commandTable {
	focus := func(id paneID) func(Model, []string) (tea.Model, tea.Cmd) {
		return func(m Model, _ []string) (tea.Model, tea.Cmd) {
			m.overlay, m.focus = overlayNone, id
			return m, nil
		}
	}
	return commandTable{
		{name: "incidents", run: focus(paneQueue)},
		{name: "tower", run: focus(paneTower)},
		{name: "roster", run: func(m Model, _ []string) (tea.Model, tea.Cmd) { return m.openRoster(), nil }},
		{name: "chain", run: focus(paneChain)},
		{name: "events", run: focus(paneEvents)},
		{name: "gaps", run: func(m Model, _ []string) (tea.Model, tea.Cmd) {
			if !m.wt.active() {
				return m.flashErr(model.Errorf(model.ECONFLICT, "%s", m.say("no wartime is active: gaps are a wartime list", "当前没有战时状态：缺员清单只在战时列出")))
			}
			m.overlay = overlayGaps
			m.tell(m.gaps, showMsg{})
			return m, nil
		}},
		{name: "directives", run: func(m Model, args []string) (tea.Model, tea.Cmd) {
			if !m.wt.active() {
				return m.flashErr(model.Errorf(model.ECONFLICT, "%s", m.say("no wartime is active", "当前没有战时状态")))
			}
			return focus(paneDirectives)(m, args)
		}},
		{name: "after", run: func(m Model, _ []string) (tea.Model, tea.Cmd) { return m, loadAfterAction(m.svc) }},
		{name: "help", run: func(m Model, _ []string) (tea.Model, tea.Cmd) {
			m.overlay = overlayHelp
			return m, nil
		}},
		{name: "q", aliases: []string{"quit"}, run: func(m Model, _ []string) (tea.Model, tea.Cmd) { return m, tea.Quit }},
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

// run dispatches the line s: its first word is the command, the rest its
// arguments.
func (t commandTable) run(m Model, s string) (tea.Model, tea.Cmd) {
	if s == "" {
		return m, nil
	}
	fields := strings.Fields(s)
	c, ok := t.find(fields[0])
	if !ok || (c.args == "" && len(fields) > 1) {
		return m.flashErr(model.Errorf(model.EINVALID, "%s", m.say(
			"unknown command :"+s+" (try "+t.list()+")",
			"未知命令 :"+s+"（可用 "+t.list()+"）")))
	}
	return c.run(m, fields[1:])
}
