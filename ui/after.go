package ui

import (
	"fmt"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// afterPane shows the after-action summary written when wartime ended.
type afterPane struct {
	scrollPane
	paneSize
	after model.AfterAction
}

// afterMsg: the summary to show.
type afterMsg struct{ after model.AfterAction }

func newAfterPane(c *common) *afterPane { return &afterPane{scrollPane: scrollPane{c}} }

func (a *afterPane) Update(msg tea.Msg) (pane, tea.Cmd) {
	if msg, ok := msg.(afterMsg); ok {
		a.after = msg.after
	}
	return a, nil
}

func (a *afterPane) Title() string {
	return a.c.crumbed(a.c.wl.After+" "+a.after.Activation.ID, a.c.overlay == overlayAfter)
}

func (a *afterPane) View() string {
	lines := afterActionLines(&a.c.p, a.c.wl, a.after, a.width-2, a.c.loc, a.c.w.placeName)
	return a.c.p.box(a.Title(), "esc", lines, a.width, a.height, true)
}

// afterActionLines renders the summary written when wartime ended.
func afterActionLines(p *painter, l wtLabels, a model.AfterAction, inner int, loc *time.Location, name func(model.NodeCode) string) []string {
	act := a.Activation
	var out []string
	// A line too long for the pane breaks where its figures are apart
	// (three spaces), the later ones indented: at 80 columns none is cut.
	add := func(s string) {
		line := ""
		for _, part := range strings.Split(s, "   ") {
			switch {
			case line == "":
				line = part
			case p.w.Of(line+"   "+part) <= inner-1:
				line += "   " + part
			default:
				out = append(out, " "+p.w.Fit(line, inner-1, p.g.More))
				line = "  " + part
			}
		}
		out = append(out, " "+p.w.Fit(line, inner-1, p.g.More))
	}
	drill := ""
	if act.Drill {
		drill = " (" + l.Drill + ")"
	}
	add(fmt.Sprintf("%s  %s%s  %s", act.ID, l.Reason[act.Reason], drill, model.NameNodes(act.Scope, name, ", ")))
	end := l.StillActive // a summary asked for while wartime runs has no end yet
	if !act.Active() {
		end = act.Ended.In(loc).Format("01-02 15:04")
	}
	add(fmt.Sprintf("%s %s → %s  (%s)", l.Since, act.Since.In(loc).Format("01-02 15:04"), end, model.FormatWait(a.Duration)))
	for i, w := range act.Widened {
		to := act.Scope
		if i+1 < len(act.Widened) {
			to = act.Widened[i+1].From
		}
		at := w.At.In(loc).Format("01-02 15:04")
		if p.lab.Lang == "zh" {
			add(fmt.Sprintf("扩大范围 %s   %s → %s   新增 %d 个村社、%d 个微网格、%d 户", at, placesOf(w.From, name, "、"), placesOf(to, name, "、"),
				w.Villages, w.MicroGrids, w.Households))
		} else {
			add(fmt.Sprintf("widened %s   %s → %s   took in %d villages, %d micro-grids, %d households", at, placesOf(w.From, name, ", "), placesOf(to, name, ", "),
				w.Villages, w.MicroGrids, w.Households))
		}
	}
	if p.lab.Lang == "zh" {
		add(fmt.Sprintf("事件：新增 %d，办结 %d   参与人次 %d   征调储备 %d", a.IncidentsOpened, a.IncidentsResolved, a.PersonTimes, a.ReservesDrafted))
	} else {
		add(fmt.Sprintf("incidents opened %d, resolved %d   person-times %d   reserves drafted %d", a.IncidentsOpened, a.IncidentsResolved, a.PersonTimes, a.ReservesDrafted))
	}
	out = append(out, "")
	for _, d := range a.Directives {
		add(fmt.Sprintf("%s %s", d.ID, d.Text))
		median, worst := "-", "-"
		if d.Signed > 0 {
			median, worst = model.FormatWait(d.SignMedian), model.FormatWait(d.SignWorst)
		}
		add(fmt.Sprintf("   %s %d/%d  %s %d/%d  p50 %s  max %s", l.ColSigned, d.Signed, d.Units, l.ColDone, d.Done, d.Units, median, worst))
	}
	return out
}

// placesOf names codes by their names (the code where there is none),
// joined by sep.
func placesOf(codes []model.NodeCode, name func(model.NodeCode) string, sep string) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = string(c)
		if n := name(c); n != "" {
			out[i] = n
		}
	}
	return strings.Join(out, sep)
}
