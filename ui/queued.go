package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"gridcmd/model"
)

// queuedText is what the flash says of a command the hub queued for
// federated towns (model.FedQueued): where it went, and, for each of those
// towns whose link the hub has cut, since when and that it acts when it
// reconnects; queued alone would read as if the command went through. The
// towns are those the message names (model.FedQueuedTowns: whole names, as
// the tower names them, which is how the console names them too). Where the whole
// does not fit the status line, the cut links come first.
func (m Model) queuedText(err error) string {
	text := m.errText(err)
	sentTo := model.FedQueuedTowns(err)
	var cut []string
	towns := make([]model.NodeCode, 0, len(m.fed))
	for code := range m.fed {
		towns = append(towns, code)
	}
	slices.Sort(towns)
	for _, code := range towns {
		l := m.fed[code]
		if l.Role != "hub" || l.Connected || l.Linking || !slices.Contains(sentTo, m.nodeName(code)) {
			continue
		}
		since := ""
		if !l.CutSince.IsZero() {
			layout := "15:04"
			if !sameDay(l.CutSince.In(m.loc), m.now.In(m.loc)) {
				layout = "01-02 15:04"
			}
			since = l.CutSince.In(m.loc).Format(layout)
		}
		cut = append(cut, m.cutTown(m.nodeName(code), since))
	}
	if len(cut) == 0 {
		return text
	}
	note := strings.Join(cut, m.say("; ", "；")) + m.say(": it acts when it reconnects", "，重连后执行")
	if len(cut) > 1 {
		note = strings.Join(cut, m.say("; ", "；")) + m.say(": they act when they reconnect", "，重连后执行")
	}
	if full := text + m.say("; ", "；") + note; m.p.w.Of(" "+full) <= m.width {
		return full
	}
	return m.say("sent; ", "已发出；") + note
}

// cutTown says a town's link is cut, since (a clock time) when known.
func (m Model) cutTown(name, since string) string {
	if since == "" {
		return fmt.Sprintf(m.say("%s link cut", "%s链路中断"), name)
	}
	return fmt.Sprintf(m.say("%s link cut since %s", "%s链路自 %s 起中断"), name, since)
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}
