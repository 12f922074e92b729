package ui

import "fmt"

// wordSlack is the room an English question leaves for its first line
// to end between words: words longer than that may break.
const wordSlack = 12

// directiveQuestion asks before a directive is sent (after its dry run):
// to how many micro-grids, how many of them with nobody on duty, and by
// when. The status line puts a long question over two lines and cuts what
// does not fit (questionLines), which cut the deadline and the gap count
// off a long text; here the directive's own text is cut instead (with …),
// so that they always show.
func (m Model) directiveQuestion(text string, units, nobody int, due string) string {
	ask := func(text string) string {
		return m.say(fmt.Sprintf("send \"%s\" to %d micro-grids (%d with nobody on duty), done by %s?", text, units, nobody, due),
			fmt.Sprintf("向 %d 个微网格下达「%s」（%d 个无人在岗），%s 前完成？", units, text, nobody, due))
	}
	// Two status lines, each after a space, the second ending in the
	// keys, less a cell where a wide character does not fit the first;
	// in English, room too for the first line to end between words (the
	// status line breaks there when the rest fits the second).
	room := 2*m.width - 2 - m.p.w.Of(m.questionKeys()) - 1 - m.p.w.Of(ask(""))
	if m.p.lab.Lang == "en" {
		room -= wordSlack
	}
	return ask(m.p.w.Trunc(text, max(room, 2), m.p.g.More))
}
