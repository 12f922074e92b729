package ui

import (
	"fmt"
	"strings"
	"time"

	"gridcmd/model"
)

// detailPane shows one incident: every field and the full timeline.
type detailPane struct {
	seq           uint64
	id            string
	timeline      []model.Event
	offset        int
	width, height int
	loc           *time.Location
}

func (d *detailPane) SetSize(w, h int) { d.width, d.height = w, max(h, 1) }

func (d *detailPane) scroll(n, total int) {
	d.offset = max(min(d.offset+n, total-d.height), 0)
}

// lines renders the pane's content at now (the countdown moves).
func (d *detailPane) lines(p painter, w *world, now time.Time) []string {
	inner := d.width - 2
	inc, ok := w.get(d.seq)
	if !ok {
		return []string{p.st.Dim.Render(p.w.Fit(" "+d.id+": closed and archived (esc to go back)", inner, p.g.More))}
	}
	f := p.lab.Fields
	labelW := 12
	valW := inner - labelW - 2
	kv := func(k, v string, st ...func(...string) string) string {
		val := p.w.Fit(v, valW, p.g.More)
		if len(st) > 0 {
			val = st[0](val)
		}
		return " " + p.st.ColumnHead.Render(p.w.Fit(k, labelW, "")) + " " + val
	}
	var out []string
	out = append(out, kv(f["id"], inc.ID), kv(f["title"], inc.Title),
		kv(f["node"], w.names[inc.Node]+"  "+string(inc.Node)),
		kv(f["category"], named(p.lab, string(inc.Category), inc.Category.Zh())),
		kv(f["platform"], named(p.lab, string(inc.Platform), inc.Platform.Zh())),
		kv(f["severity"], inc.Severity.String(), p.st.Severity[inc.Severity].Render),
		kv(f["tier"], p.lab.Tier[inc.Tier]),
		kv(f["status"], p.lab.Status[inc.Status]))
	if inc.Status.Open() {
		left := inc.Remaining(now)
		label := f["left"]
		if left < 0 {
			label = f["overdue"]
			left = -left
		}
		out = append(out, kv(f["sla"], p.g.Light+" "+inc.Deadline().In(d.loc).Format("15:04:05")+"  "+label+" "+model.FormatWait(left),
			p.st.Light[inc.Light(now)].Render))
	}
	if inc.Department != "" {
		out = append(out, kv(f["department"], inc.Department))
	}
	reporter := inc.Reporter.String()
	if pr, ok := w.byID[inc.Reporter]; ok {
		reporter = pr.Name + " (" + reporter + ")"
	}
	out = append(out, kv(f["reporter"], reporter), kv(f["source"], named(p.lab, string(inc.Source), inc.Source.Zh())),
		kv(f["reported"], inc.ReportedAt.In(d.loc).Format("2006-01-02 15:04:05")))
	if inc.Supervised {
		out = append(out, kv(f["supervised"], "督办", p.st.Overdue.Render))
	}
	if inc.Escalations > 0 {
		out = append(out, kv(f["escalations"], fmt.Sprint(inc.Escalations)))
	}
	if inc.Text != "" {
		out = append(out, "")
		for _, para := range strings.Split(inc.Text, "\n") {
			for _, l := range wrap(p.w, para, inner-2) {
				out = append(out, " "+p.w.Fit(l, inner-1, ""))
			}
		}
	}
	out = append(out, "", " "+p.st.PaneTitle.Render(p.w.Fit(f["timeline"], inner-1, "")))
	for _, e := range d.timeline {
		line := e.At.In(d.loc).Format("01-02 15:04:05") + "  " + describe(p.lab, e, p.g) + "  " + actor(p.lab, e)
		for i, l := range wrap(p.w, line, inner-2) {
			if i > 0 {
				l = "               " + l
			}
			out = append(out, " "+p.w.Fit(l, inner-1, p.g.More))
		}
	}
	return out
}

// wrap breaks s into lines of at most n columns (Chinese text has no spaces,
// so it breaks anywhere).
func wrap(w Width, s string, n int) []string {
	if n <= 0 {
		return nil
	}
	var out []string
	s = w.shown(s) // each line a prefix of the rest, in the written form
	for w.Of(s) > n {
		head := w.Trunc(s, n, "")
		if head == "" {
			break
		}
		out = append(out, head)
		s = s[len(head):]
	}
	return append(out, s)
}

func (d *detailPane) View(p painter, w *world, now time.Time) string {
	all := d.lines(p, w, now)
	start := min(d.offset, max(len(all)-d.height, 0))
	end := min(start+d.height, len(all))
	right := ""
	if len(all) > d.height {
		right = fmt.Sprintf("%d-%d/%d", start+1, end, len(all))
	}
	return p.box(p.lab.Detail+" "+d.id, right, all[start:end], d.width, d.height+2, true)
}

// named shows a category, platform or source: its Chinese name in the
// Chinese console; in English its key, then the Chinese name the command
// room uses, unless that is the key again (a custom category).
func named(l Labels, key, zh string) string {
	switch {
	case l.Lang == "zh" && zh != "":
		return zh
	case zh == "" || zh == key:
		return key
	}
	return key + " " + zh
}
