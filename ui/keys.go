package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// KeyMap is every key the console handles. Help is drawn from the same
// bindings, so it cannot drift from what the keys do.
type KeyMap struct {
	NextPane, PrevPane, Quit, Help, Command, Filter, Back key.Binding
	Up, Down, Top, Bottom, PageUp, PageDown, Open         key.Binding
	Expand, Collapse                                      key.Binding
	New, Ack, Escalate, EscalateTo, Dispatch              key.Binding
	Resolve, Reopen, Close, Note                          key.Binding
	Wartime, Directive, Resend                            key.Binding
	Sort                                                  key.Binding
}

// NewKeyMap returns the default key map, its help in lang (zh or en).
func NewKeyMap(lang string) KeyMap {
	b := func(help string, desc string, keys ...string) key.Binding {
		if chinese(lang) {
			desc = keyZh[desc]
		}
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		NextPane:   b("tab", "next pane", "tab"),
		PrevPane:   b("shift+tab", "previous pane", "shift+tab"),
		Quit:       b("q", "quit", "q", "ctrl+c"),
		Help:       b("?", "help", "?"),
		Command:    b(":", "command", ":"),
		Filter:     b("/", "filter", "/"),
		Back:       b("esc", "back", "esc"),
		Up:         b("k/up", "up", "k", "up"),
		Down:       b("j/down", "down", "j", "down"),
		Top:        b("g", "top", "g", "home"),
		Bottom:     b("G", "bottom", "G", "end"),
		PageUp:     b("pgup", "page up", "pgup", "ctrl+u"),
		PageDown:   b("pgdn", "page down", "pgdown", "ctrl+d"),
		Open:       b("enter", "open", "enter"),
		Expand:     b("l/right", "expand", "l", "right", " "),
		Collapse:   b("h/left", "collapse", "h", "left"),
		New:        b("n", "new report", "n"),
		Ack:        b("a", "acknowledge", "a"),
		Escalate:   b("e", "escalate", "e"),
		EscalateTo: b("E", "escalate to tier", "E"),
		Dispatch:   b("s", "dispatch", "s"),
		Resolve:    b("r", "resolve", "r"),
		Reopen:     b("o", "reopen", "o"),
		Close:      b("c", "close", "c"),
		Note:       b("N", "add a note", "N"),
		Sort:       b("S", "sort by", "S"),
		Wartime:    b("W", "wartime on/off", "W"),
		Directive:  b("d", "issue directive", "d"),
		Resend:     b("R", "resend to silent", "R"),
	}
}

// ShortHelp is the footer line.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.NextPane, k.Down, k.Open, k.Filter, k.Command, k.Ack, k.Escalate,
		k.Dispatch, k.Resolve, k.Note, k.New, k.Wartime, k.Help, k.Quit}
}

// FullHelp is the help screen, in groups.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.NextPane, k.PrevPane, k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown},
		{k.Open, k.Back, k.Expand, k.Collapse, k.Filter, k.Command, k.Help, k.Quit},
		{k.New, k.Ack, k.Escalate, k.EscalateTo, k.Dispatch, k.Resolve, k.Reopen, k.Close, k.Note, k.Sort},
		{k.Wartime, k.Directive, k.Resend},
	}
}

// without is the help's groups with the bindings of the keys own's take
// over left out: a pane whose enter drafts (the gaps list) or hands over
// (the handover sheet) lists its enter, not the global "open".
func without(groups [][]key.Binding, own ...key.Binding) [][]key.Binding {
	taken := map[string]bool{}
	for _, b := range own {
		for _, k := range b.Keys() {
			taken[k] = true
		}
	}
	out := make([][]key.Binding, 0, len(groups))
	for _, g := range groups {
		var kept []key.Binding
		for _, b := range g {
			if len(b.Keys()) == 0 || !taken[b.Keys()[0]] {
				kept = append(kept, b)
			}
		}
		out = append(out, kept)
	}
	return out
}

// all returns every binding, for the test that help and handling agree.
func (k KeyMap) all() []key.Binding {
	var out []key.Binding
	for _, g := range k.FullHelp() {
		out = append(out, g...)
	}
	return out
}

// keyZh is the Chinese help for each binding.
var keyZh = map[string]string{
	"next pane": "下一窗格", "previous pane": "上一窗格", "quit": "退出", "help": "帮助",
	"command": "命令", "filter": "筛选", "back": "返回", "up": "上移", "down": "下移",
	"top": "顶部", "bottom": "底部", "page up": "上一页", "page down": "下一页", "open": "打开",
	"expand": "展开", "collapse": "收起", "new report": "新建上报", "acknowledge": "签收",
	"escalate": "升级", "escalate to tier": "越级升级", "dispatch": "交办", "resolve": "办结",
	"reopen": "重新办理", "close": "归档", "add a note": "添加备注", "sort by": "排序",
	"wartime on/off": "战时启停", "issue directive": "下达指令", "resend to silent": "向未签收重发",
	"newer directive": "较新一条指令", "older directive": "较早一条指令",
	"sign on behalf":   "代签",
	"newer/older":      "较新/较早",
	"previous reserve": "上一位储备力量", "next reserve": "下一位储备力量", "draft": "征调", "release": "解除征调",
}

// keyShort is a binding's help in fewer words, either language's, for a
// footer that has no room for its keys in full (keysFooter): "a ack", as
// the sketch has it, where "a acknowledge" would cost the filter.
var keyShort = map[string]string{
	"acknowledge": "ack", "new report": "new", "command": "cmd", "filter": "find", "add a note": "note",
	"wartime on/off": "wartime", "escalate to tier": "to tier", "next pane": "pane",
	"issue directive": "directive", "resend to silent": "resend",
	"新建上报": "新建", "添加备注": "备注", "战时启停": "战时", "越级升级": "越级", "下一窗格": "窗格",
	"下达指令": "指令", "向未签收重发": "重发", "重新办理": "重办",
}

// step is how far a movement key moves a cursor or a scroll: 0 for any
// other key.
func (k KeyMap) step(msg tea.KeyMsg) int {
	switch {
	case key.Matches(msg, k.Down):
		return 1
	case key.Matches(msg, k.Up):
		return -1
	case key.Matches(msg, k.PageDown):
		return 10
	case key.Matches(msg, k.PageUp):
		return -10
	case key.Matches(msg, k.Top):
		return -1 << 30
	case key.Matches(msg, k.Bottom):
		return 1 << 30
	}
	return 0
}

// directiveKeys are the directive pane's own: [ and ] step through the
// directives, newest first as the title's n/N counts them ([ to the
// newer, 1/N the newest; ] to the older, N/N the oldest), and so do h/left and l/right, as they step through the
// tower's levels (but not the space, which the tower takes for "expand"
// too). They share keys with the KeyMap, so they are a map of their own,
// in the help when the directive pane has focus. behalf (b: c is the
// KeyMap's close, which acts from this pane too) signs for the micro-grid
// under the cursor on its behalf (代签) where the pane lists a village's
// micro-grids.
type directiveKeys struct {
	prev, next, behalf key.Binding
	step               key.Binding // [ and ] as one, for the footer: newer/older
}

func newDirectiveKeys(lang string) directiveKeys {
	b := func(help, desc string, keys ...string) key.Binding {
		if chinese(lang) {
			desc = keyZh[desc]
		}
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return directiveKeys{
		prev:   b("[/h", "newer directive", "[", "h", "left"),
		next:   b("]/l", "older directive", "]", "l", "right"),
		behalf: b("b", "sign on behalf", "b"),
		step:   b("[ ]", "newer/older", "[", "]"),
	}
}

// lineKeys answer a y/n question and edit the filter and the ':' line.
// Their hints are written on the status line, not in the help.
type lineKeys struct {
	interrupt     key.Binding // ctrl+c: quits from anywhere (asks over a half-filled form)
	yes, no       key.Binding
	accept, abort key.Binding // enter, esc
	complete      key.Binding // tab on the ':' line
	older, newer  key.Binding // up and down: the ':' line's history
}

func newLineKeys() lineKeys {
	return lineKeys{
		interrupt: key.NewBinding(key.WithKeys("ctrl+c")),
		yes:       key.NewBinding(key.WithKeys("y", "Y")), // not enter: a habit must not act
		no:        key.NewBinding(key.WithKeys("n", "N", "esc")),
		accept:    key.NewBinding(key.WithKeys("enter")),
		abort:     key.NewBinding(key.WithKeys("esc")),
		complete:  key.NewBinding(key.WithKeys("tab")),
		older:     key.NewBinding(key.WithKeys("up")),
		newer:     key.NewBinding(key.WithKeys("down")),
	}
}

// formKeys move between a form's fields and its choices. While a form is
// open they are the footer's keys (formFooter): the queue's mean nothing
// there, a letter is typed.
type formKeys struct {
	next, prev, left, right, submit, cancel key.Binding
	pick                                    key.Binding // 1-9: that choice
	// onward is enter's help on a field that is not the last (submit's on
	// the last): enter moves on there.
	onward key.Binding
	choose key.Binding // left and right's help, on a choice field
}

// newFormKeys are the form's keys, their help in lang; leftRight names
// the arrow keys as the rest of the console does (Glyphs.LeftRight), in
// either language (the Chinese footer said left/right).
func newFormKeys(lang, leftRight string) formKeys {
	say := func(en, zh string) string { return sayIn(lang, en, zh) }
	return formKeys{
		next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab", say("next field", "下一栏"))),
		prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab", say("previous field", "上一栏"))),
		left:   key.NewBinding(key.WithKeys("left"), key.WithHelp("left", say("previous choice", "上一选项"))),
		right:  key.NewBinding(key.WithKeys("right", " "), key.WithHelp("right", say("next choice", "下一选项"))),
		submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", say("submit", "提交"))),
		cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", say("cancel", "取消"))),
		pick:   key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9")),
		onward: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", say("next", "下一项"))),
		choose: key.NewBinding(key.WithKeys("left", "right"), key.WithHelp(leftRight, say("choose", "选择"))),
	}
}

// footer is the form's keys for the footer, in the order shown, the field
// in focus deciding enter's and whether left and right choose; giveWay is
// the keys that give way on a narrow screen, first first (enter and esc
// always stay).
func (k formKeys) footer(f form) (keys []key.Binding, giveWay []int) {
	enter := k.submit
	if f.focus < len(f.fields)-1 {
		enter = k.onward
	}
	if f.fields[f.focus].choices != nil {
		return []key.Binding{enter, k.next, k.choose, k.prev, k.cancel}, []int{3, 2, 1}
	}
	return []key.Binding{enter, k.next, k.prev, k.cancel}, []int{2, 1}
}
