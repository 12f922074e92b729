package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// gapsPane lists the micro-grids in scope without a worker, each with the
// reserves who may be drafted into it (same grid first, then same
// village), then the reserves drafted now. On a gap, left and right choose
// the reserve and enter drafts them; on a drafted reserve, x releases
// them. Each asks first.
type gapsPane struct {
	c  *common
	gk gapsKeys
	listWindow
	chosen        map[model.NodeCode]int // the reserve chosen for each gap
	width, height int
}

// gapsKeys are the gaps list's own keys: enter drafts there (not "open"),
// and the footer, the help and the list's own hint all say so.
type gapsKeys struct{ prev, next, draft, release key.Binding }

func newGapsKeys(lang string) gapsKeys {
	b := func(help, desc string, keys ...string) key.Binding {
		if chinese(lang) {
			desc = keyZh[desc]
		}
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return gapsKeys{
		prev:    b("h/left", "previous reserve", "h", "left"),
		next:    b("l/right", "next reserve", "l", "right"),
		draft:   b("enter", "draft", "enter"),
		release: b("x", "release", "x"),
	}
}

func newGapsPane(c *common, lang string) *gapsPane {
	return &gapsPane{c: c, gk: newGapsKeys(lang), chosen: map[model.NodeCode]int{}}
}

// gapRow is a micro-grid without a worker and its candidates, or (draft
// set) a reserve serving in one.
type gapRow struct {
	micro      model.NodeCode
	candidates []model.Person
	draft      *model.Draft
}

func (g *gapsPane) SetSize(w, h int) { g.width, g.height = w, max(h, 1) }

// gapRows is every micro-grid in scope without a worker, with the reserves
// model's rule ranks for it (model.ReserveCandidates), then the drafts not
// released.
func gapRows(w *world, wt wartime) []gapRow {
	drafted := model.Drafted(wt.status.Drafts)
	var out []gapRow
	for _, u := range wt.status.Units {
		if u.Worker != 0 {
			continue
		}
		out = append(out, gapRow{micro: u.MicroGrid, candidates: model.ReserveCandidates(u.MicroGrid, w.people, drafted)})
	}
	for i := range wt.status.Drafts {
		if d := &wt.status.Drafts[i]; d.Released.IsZero() {
			out = append(out, gapRow{micro: d.MicroGrid, draft: d})
		}
	}
	return out
}

func (g *gapsPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	switch msg := msg.(type) {
	case showMsg:
		g.cursor, g.offset = 0, 0
	case wartimeLoadedMsg:
		g.follow(0, len(gapRows(&g.c.w, g.c.wt)), g.height)
	case tea.KeyMsg:
		rows := gapRows(&g.c.w, g.c.wt)
		switch {
		case key.Matches(msg, g.gk.prev), key.Matches(msg, g.gk.next):
			if g.cursor < len(rows) && len(rows[g.cursor].candidates) > 0 {
				r := rows[g.cursor]
				d := 1
				if key.Matches(msg, g.gk.prev) {
					d = len(r.candidates) - 1
				}
				g.chosen[r.micro] = (g.chosen[r.micro] + d) % len(r.candidates)
			}
		default:
			g.follow(g.c.keys.step(msg), len(rows), g.height)
		}
	}
	return g, nil
}

// choice is the reserve chosen for the gap r.
func (g *gapsPane) choice(r gapRow) int { return min(g.chosen[r.micro], len(r.candidates)-1) }

// asks: enter on a gap asks to draft the chosen reserve, x on a drafted
// reserve asks to release them; each says why when it cannot.
func (g *gapsPane) asks(msg tea.KeyMsg) tea.Msg {
	open, release := key.Matches(msg, g.gk.draft), key.Matches(msg, g.gk.release)
	if !open && !release {
		return nil
	}
	rows := gapRows(&g.c.w, g.c.wt)
	g.follow(0, len(rows), g.height)
	if g.cursor >= len(rows) {
		return refusedMsg{said(model.ECONFLICT, g.c.wl.NoGaps)}
	}
	r := rows[g.cursor]
	switch {
	case release && r.draft == nil:
		return refusedMsg{said(model.ECONFLICT, g.c.wl.NotDrafted)}
	case release:
		return releaseMsg{person: r.draft.Person, micro: r.micro}
	case r.draft != nil:
		return refusedMsg{said(model.ECONFLICT, g.c.wl.AlreadyServes)}
	case len(r.candidates) == 0:
		return refusedMsg{said(model.ECONFLICT, g.c.wl.NoCandidates)}
	}
	return draftMsg{person: r.candidates[g.choice(r)].ID, micro: r.micro}
}

func (g *gapsPane) Title() string {
	return g.c.crumbed(g.c.wl.Gaps, g.c.overlay == overlayGaps)
}

func (g *gapsPane) ShortHelp() []key.Binding {
	k := g.c.keys
	return []key.Binding{k.Back, k.Down, g.gk.next, g.gk.draft, g.gk.release, k.Help, k.Quit}
}

// stepKeys are the reserves' keys: in a replay too (stepper).
func (g *gapsPane) stepKeys() []key.Binding { return []key.Binding{g.gk.prev, g.gk.next} }

func (g *gapsPane) FullHelp() [][]key.Binding {
	own := []key.Binding{g.gk.prev, g.gk.next, g.gk.draft, g.gk.release}
	return append(without(g.c.keys.FullHelp(), own...), own) // h and l are the list's there, not collapse and expand
}

// reserveText is a reserve as the list shows them: name, kind and phone.
func reserveText(l Labels, p model.Person) string {
	kind, ok := l.Reserve[p.Reserve]
	if !ok {
		kind = string(p.Reserve)
	}
	return p.Name + "(" + kind + ") " + p.Phone
}

func (g *gapsPane) View() string {
	p, l, w := &g.c.p, g.c.wl, &g.c.w
	rows := gapRows(w, g.c.wt)
	inner := g.width - 2
	var lines []string
	gaps := 0
	for _, r := range rows {
		if r.draft == nil {
			gaps++
		}
	}
	if gaps == 0 {
		lines = append(lines, p.st.Dim.Render(p.w.Fit(" "+l.NoGaps, inner, p.g.More)))
	}
	for i := g.offset; i < len(rows) && len(lines) < g.height; i++ {
		r := rows[i]
		var text string
		if r.draft != nil {
			who := r.draft.Person.String()
			if pr, ok := w.byID[r.draft.Person]; ok {
				who = reserveText(p.lab, pr)
			}
			text = p.w.Fit(w.names[r.micro], 18, p.g.More) + "  " + l.Drafted + ": " + who
		} else {
			var names []string
			for j, c := range r.candidates {
				if j == g.choice(r) {
					names = append(names, "["+reserveText(p.lab, c)+"]")
				} else {
					names = append(names, c.Name)
				}
			}
			cand := strings.Join(names, " ")
			if len(names) == 0 {
				cand = l.NoCandidates
			}
			text = p.w.Fit(w.names[r.micro], 18, p.g.More) + "  " + l.Candidates + ": " + cand
		}
		text = p.w.Fit(text, inner-1, p.g.More)
		if i == g.cursor {
			lines = append(lines, p.st.Selected.Render(p.g.Cursor+text))
		} else {
			lines = append(lines, " "+text)
		}
	}
	hint := p.g.LeftRight + " choose the reserve" // as the replay's footer names them
	if p.lab.Lang == "zh" {
		hint = p.g.LeftRight + " 选择储备力量"
	}
	for _, b := range []key.Binding{g.gk.draft, g.gk.release, g.c.keys.Back} {
		hint += "  " + b.Help().Key + " " + b.Help().Desc
	}
	return p.box(g.Title(), fmt.Sprint(gaps), append(lines, "", p.st.Dim.Render(p.w.Fit(" "+hint, inner, p.g.More))), g.width, g.height+4, true)
}
