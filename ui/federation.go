package ui

import (
	"fmt"
	"strconv"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// The federation (issue 16) as the console shows it: a town room's header
// says how its uplink to the county's hub stands, and a room above the
// towns' towns table how far behind each federated town's picture is. The
// links come from Options.FedLinks, which the console calls on its tick in
// a command of its own (never in Update), one call at a time; without it
// (federation off) the console shows nothing of the federation.

// fedLinksMsg: the links as Options.FedLinks returned them.
type fedLinksMsg struct{ links []model.FedLink }

// loadFedLinks asks what runs the console for the federation's links.
func loadFedLinks(links func() []model.FedLink) tea.Cmd {
	return func() tea.Msg { return fedLinksMsg{links: links()} }
}

// fedLinks are the federation's links as last read, by town: on a town, its
// uplink; on the hub, one per town. Empty while federation is off or no
// link is known.
type fedLinks map[model.NodeCode]model.FedLink

// wantFedLinks reads the links again, unless federation is off, a read is
// on its way, or a replay shows the log's past.
func (m Model) wantFedLinks() (Model, tea.Cmd) {
	if m.opt.FedLinks == nil || m.fedPending || m.rp != nil {
		return m, nil
	}
	m.fedPending = true
	return m, loadFedLinks(m.opt.FedLinks)
}

// onFedLinks keeps the links read.
func (m Model) onFedLinks(msg fedLinksMsg) (tea.Model, tea.Cmd) {
	m.fedPending = false
	links := make(fedLinks, len(msg.links))
	for _, l := range msg.links {
		links[l.Town] = l
	}
	m.fed = links
	return m, nil
}

// uplinkFigure is the header's figure for the uplink of the town the room
// shows (its own on a town's machine; the hub's link to it when a room
// above the towns has turned to it): `上联 正常` while it is up, `上联中断
// 12m，待同步 3,412 条` while it is cut. Up, it gives way before the
// figures the article measures (after who is on duty next); cut, its count
// gives way first and what stays, `上联中断 12m`, stays as long as open and
// red do.
func (m Model) uplinkFigure() (headerFigure, bool) {
	town := m.town().Town()
	l, ok := m.fed[town]
	if town == "" || !ok || m.rp != nil {
		return headerFigure{}, false
	}
	lab := &m.p.lab
	if l.Connected {
		return headerFigure{text: lab.UplinkOK, rank: 3}, true
	}
	if l.Linking {
		return headerFigure{text: lab.UplinkLinking, rank: 3}, true
	}
	cut := lab.UplinkCut
	if !l.CutSince.IsZero() {
		cut += " " + shortAge(m.now.Sub(l.CutSince))
	}
	f := headerFigure{text: cut}
	if l.Pending > 0 {
		f.text, f.short, f.shortRank = fmt.Sprintf(lab.UplinkToSync, cut, grouped(l.Pending)), cut, 3
	}
	return f, true
}

// townsCutFigure is the header's figure in a room above the towns (not
// turned to one of them) while federated towns' links are cut: `花街镇断联
// 12m` for one (its age gives way first), `3 镇断联` for more; nothing while
// every link is up; `汇聚节点未运行` while the hub that carries them is not
// running. Only the room's own towns count. It stays as long as open and
// red do: in a typhoon it is what the county must see, on every screen and
// in the wartime layout too.
func (m Model) townsCutFigure() (headerFigure, bool) {
	if !m.aboveTowns() || m.rp != nil {
		return headerFigure{}, false
	}
	var cut []model.FedLink
	linking := 0
	for _, t := range m.roomTowns() {
		l, ok := m.fed[t.Code]
		switch {
		case !ok || l.Role != "hub" || l.Connected:
		case l.Linking:
			linking++
		default:
			cut = append(cut, l)
		}
	}
	lab := &m.p.lab
	if len(cut) > 0 && cut[0].NodeDown {
		return headerFigure{text: lab.HubDown}, true // no link is carried: say why, not "14 cut"
	}
	switch len(cut) {
	case 0:
		if linking > 0 { // the hub just started: the towns link within seconds
			return headerFigure{text: fmt.Sprintf(lab.TownsLinking, linking)}, true
		}
		return headerFigure{}, false
	case 1:
		name := fmt.Sprintf(lab.TownCut, m.nodeName(cut[0].Town))
		if cut[0].CutSince.IsZero() {
			return headerFigure{text: name}, true
		}
		return headerFigure{text: name + " " + shortAge(m.now.Sub(cut[0].CutSince)), short: name, shortRank: 3}, true
	}
	return headerFigure{text: fmt.Sprintf(lab.TownsCut, len(cut))}, true
}

// fedCells are a town's cells of the towns table while federation is on:
// the events the hub does not have yet, and the link: up, being made, or
// cut and since when, the header's own measure and word (东城街道断联 11s
// there, 断联 11s in its row; the age of the town's newest event the hub
// has, which the row once showed beside the cut, read as a second clock
// of the cut); cut reports a cut link.
func (c *common) fedCells(town model.NodeCode) (behind, link string, cut bool) {
	l, ok := c.fed[town]
	if !ok {
		return "-", "-", false
	}
	behind = compact(int(min(l.Pending, 1<<40)))
	if l.NodeDown || l.Linking {
		behind = c.p.g.Unknown // the node that counts it is not running, or has not counted yet: never 0
	}
	lab := &c.p.lab
	switch {
	case l.Connected:
		return behind, lab.LinkOK, false
	case l.Linking:
		return behind, lab.Linking, false
	}
	link = lab.Cut
	if !l.CutSince.IsZero() {
		link += " " + shortAge(c.now.Sub(l.CutSince))
	}
	return behind, link, true
}

// shortAge is a duration in its largest unit: 45s, 12m, 5h, 3d.
func shortAge(d time.Duration) string {
	d = max(d, 0)
	switch {
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + "d"
}

// grouped is n with its thousands separated by commas: 3,412.
func grouped(n uint64) string {
	s := strconv.FormatUint(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
