package ui

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// Made-up links of the federation (issue 16): the transport hands the
// console such values through Options.FedLinks.
var (
	uplinkOK  = model.FedLink{Role: "town", Town: huajie, Hub: "nats-leaf://county:7422", Connected: true, LastAckSeq: 812}
	uplinkCut = model.FedLink{Role: "town", Town: huajie, Hub: "nats-leaf://county:7422", Pending: 3412, LastAckSeq: 812,
		CutSince: base.Add(-12 * time.Minute)}
)

// fedOptions are opt with the federation's links: links() is called when
// the console asks.
func fedOptions(opt Options, links func() []model.FedLink) Options {
	opt.FedLinks = links
	return opt
}

func linksOf(ls ...model.FedLink) func() []model.FedLink {
	return func() []model.FedLink { return ls }
}

// A town room's header shows its uplink: 上联 正常 while it is up, 上联中断
// 12m，待同步 3,412 条 while it is cut, nothing with federation off (or no
// link of the town). At 80 columns the cut keeps its short form and an
// uplink that is up gives way before esc/h; every line fits.
func TestUplinkInTheHeader(t *testing.T) {
	f := newFixture(t)
	other := model.FedLink{Role: "town", Town: dongcheng, Pending: 9, CutSince: base.Add(-time.Hour)}
	words := map[string][3]string{ // ok, cut in full, cut short
		"zh": {"上联 正常", "上联中断 12m，待同步 3,412 条", "上联中断 12m"},
		"en": {"uplink ok", "uplink cut 12m, 3,412 to sync", "uplink cut 12m"},
	}
	for _, lang := range []string{"zh", "en"} {
		w := words[lang]
		for _, sz := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
			name := fmt.Sprintf("%s/%dx%d", lang, sz[0], sz[1])
			off := loaded(t, f.db, f.options(t, lang), sz[0], sz[1])
			checkScreen(t, off, sz[0], sz[1], false)
			assert.NotContains(t, headerOf(off), strings.Fields(w[0])[0], name)
			foreign := loaded(t, f.db, fedOptions(f.options(t, lang), linksOf(other)), sz[0], sz[1])
			assert.Equal(t, headerOf(off), headerOf(foreign), "%s: another town's link says nothing here", name)

			ok := loaded(t, f.db, fedOptions(f.options(t, lang), linksOf(uplinkOK)), sz[0], sz[1])
			checkScreen(t, ok, sz[0], sz[1], false)
			cut := loaded(t, f.db, fedOptions(f.options(t, lang), linksOf(uplinkCut)), sz[0], sz[1])
			checkScreen(t, cut, sz[0], sz[1], false)
			if sz[0] == 80 {
				assert.Equal(t, headerOf(off), headerOf(ok), "%s: an uplink that is up gives way first", name)
				assert.Contains(t, headerOf(cut), " "+w[2]+" ", name)
				assert.NotContains(t, headerOf(cut), w[1], name)
			} else {
				assert.Contains(t, headerOf(ok), "  "+w[0]+"  ", name)
				assert.Contains(t, headerOf(cut), "  "+w[1]+"  ", name)
			}
			wide := fedOptions(f.options(t, lang), linksOf(uplinkCut))
			wide.AmbiguousWide = true // LANG=zh_CN.UTF-8's terminals
			checkScreen(t, loaded(t, f.db, wide, sz[0], sz[1]), sz[0], sz[1], true)
			for _, m := range []Model{ok, cut} {
				assert.Regexp(t, regexp.MustCompile(` (在办|open) 22  (超时|red) 2  `), headerOf(m), "%s: open and red stay first", name)
			}
		}
	}
}

// The console asks for the links on its tick, one call at a time, and the
// header follows the link as it goes down and comes back.
func TestUplinkFollowsTheTick(t *testing.T) {
	f := newFixture(t)
	link, calls := uplinkOK, 0
	m := loaded(t, f.db, fedOptions(f.options(t, "zh"), func() []model.FedLink { calls++; return []model.FedLink{link} }), 120, 40)
	assert.Equal(t, 1, calls, "asked once the snapshot is in")
	assert.Contains(t, headerOf(m), "上联 正常")

	link = model.FedLink{Role: "town", Town: huajie, Linking: true, CutSince: base}
	m = update(t, m, tickMsg(base.Add(500*time.Millisecond)))
	assert.Contains(t, headerOf(m), "上联连接中…", "the node just started: the link is being made, not cut")
	assert.NotContains(t, headerOf(m), "上联中断")

	link = uplinkCut
	m = update(t, m, tickMsg(base.Add(time.Second)))
	assert.Equal(t, 3, calls)
	assert.Contains(t, headerOf(m), "上联中断 12m，待同步 3,412 条")

	// A call on its way: the next ticks do not ask again until it answers.
	next, first := m.Update(tickMsg(base.Add(2 * time.Second)))
	next, second := next.(Model).Update(tickMsg(base.Add(3 * time.Second)))
	m = next.(Model)
	link.Pending, link.CutSince = 0, time.Time{}
	answers := append(run(t, first, 3), run(t, second, 3)...)
	assert.Equal(t, 4, calls, "one call for two ticks")
	for _, a := range answers {
		m = update(t, m, a)
	}
	assert.Contains(t, headerOf(m), "  上联中断  ", "cut, since when unknown, nothing to send")

	link = uplinkOK
	m = update(t, m, tickMsg(base.Add(4*time.Second)))
	assert.Contains(t, headerOf(m), "上联 正常")
}

// The county room's towns table shows, with federation, each town's events
// behind and its link, up or cut since when (the town then comes before
// the quiet ones); at 80 columns esc/h and pass-on give way
// to them. Without federation the table is as it was. Turned to a town,
// the header shows the hub's link to it.
func TestTownsTableShowsTheLinks(t *testing.T) {
	f := yongkangFixture(t)
	county := countySeat(t, f)
	links := linksOf(
		model.FedLink{Role: "hub", Town: dongcheng, Pending: 3412, LastAckSeq: 7, LagSeconds: 760, CutSince: base.Add(-12 * time.Minute)},
		model.FedLink{Role: "hub", Town: huajie, Connected: true, LastAckSeq: 812, LagSeconds: 3.4},
	)
	row := func(view, town string) string { // the town's row of the towns table, from its name
		for _, l := range strings.Split(view, "\n") {
			for _, lead := range []string{"│ " + town, "▌" + town} {
				if i := strings.Index(l, lead); i >= 0 {
					return l[i:]
				}
			}
		}
		return ""
	}
	for _, lang := range []string{"zh", "en"} {
		for _, sz := range [][2]int{{80, 24}, {120, 40}, {200, 60}} {
			name := fmt.Sprintf("%s/%dx%d", lang, sz[0], sz[1])
			opt := f.options(t, lang)
			opt.Seat = county
			off := loaded(t, f.db, opt, sz[0], sz[1])
			m := loaded(t, f.db, fedOptions(opt, links), sz[0], sz[1])
			checkScreen(t, m, sz[0], sz[1], false)
			lab := labels(lang)
			assert.NotContains(t, off.View(), " "+lab.ColLink+"│", name)
			head := `%s +%s +%s +%s +%s +%s +%s +%s`
			want := fmt.Sprintf(head, lab.ColTown, lab.Open, lab.Red, "\\S+", "\\S+", lab.ColWartime, lab.ColBehind, lab.ColLink)
			if sz[0] == 80 {
				want = fmt.Sprintf(`%s +%s +%s +%s +%s +%s│`, lab.ColTown, lab.Open, lab.Red, lab.ColWartime, lab.ColBehind, lab.ColLink)
			}
			assert.Regexp(t, want, m.View(), name)
			assert.Regexp(t, ` 3412 +`+lab.Cut+` 12m`, row(m.View(), "东城街道"), name)
			assert.Regexp(t, ` 0 +`+lab.LinkOK+`│$`, row(m.View(), "花街镇"), name)
			assert.Regexp(t, ` - +-│$`, row(m.View(), "西城街道"), "%s: a town not federated", name)

			assert.Equal(t, []string{"花街镇", "东城街道", "西城街道"}, townNames(m)[:3], "%s: incidents, then the cut link, then the others", name)
			m = keys(t, m, "j", "enter") // 东城街道, the second row
			require.Equal(t, dongcheng, m.seat.Town)
			assert.Contains(t, headerOf(m), map[string]string{"zh": "上联中断 12m", "en": "uplink cut 12m"}[lang], name)
			checkScreen(t, m, sz[0], sz[1], false)
		}
	}
}

// The screens with the federation's links, as golden files: a town cut
// off at 80x24, the county's towns table at 120x40. Regenerate with
// go test ./ui -run TestFederationGolden -update.
func TestFederationGolden(t *testing.T) {
	t.Run("town_cut_zh_80x24", func(t *testing.T) {
		f := newFixture(t)
		m := loaded(t, f.db, fedOptions(f.options(t, "zh"), linksOf(uplinkCut)), 80, 24)
		golden.RequireEqual(t, []byte(m.View()))
	})
	t.Run("county_en_120x40", func(t *testing.T) {
		f := yongkangFixture(t)
		opt := f.options(t, "en")
		opt.Seat = countySeat(t, f)
		m := loaded(t, f.db, fedOptions(opt, linksOf(
			model.FedLink{Role: "hub", Town: dongcheng, Pending: 120_000, LastAckSeq: 7, LagSeconds: 3 * 3600, CutSince: base.Add(-3 * time.Hour)},
			model.FedLink{Role: "hub", Town: huajie, Connected: true, LastAckSeq: 812, LagSeconds: 0.4},
		)), 120, 40)
		golden.RequireEqual(t, []byte(m.View()))
	})
}

func TestShortAgeAndGrouped(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-time.Second: "0s", 0: "0s", 59 * time.Second: "59s", time.Minute: "1m", 12*time.Minute + 59*time.Second: "12m",
		time.Hour: "1h", 47 * time.Hour: "47h", 48 * time.Hour: "2d", 400 * 24 * time.Hour: "400d",
	} {
		assert.Equal(t, want, shortAge(d), "%s", d)
	}
	for n, want := range map[uint64]string{0: "0", 999: "999", 1000: "1,000", 3412: "3,412", 100000: "100,000", 1234567: "1,234,567"} {
		assert.Equal(t, want, grouped(n))
	}
}

// On a hub, a county room's activation or directive for a federated town
// is queued for the town (model.FedQueued): news on the status line, not a
// refusal; and the town's event done on the command names the county's
// officer who gave it, where the system's own acts say 系统.
func TestQueuedCommandReadsAsNews(t *testing.T) {
	f := newFixture(t)
	queued := model.FedQueued(3, "花街镇")
	for _, lang := range []string{"zh", "en"} {
		m := loaded(t, f.db, f.options(t, lang), 120, 40)
		got, _ := m.flashErr(queued)
		assert.False(t, got.flash.err, lang)
		assert.Equal(t, m.errText(queued), got.flash.text, lang)
		refused, _ := m.flashErr(model.Errorf(model.ECONFLICT, "no").Zh("不"))
		assert.True(t, refused.flash.err, lang)
	}
	l := zhLabels
	sys := model.Event{Actor: model.System, ActorName: model.ActorName(model.Person{ID: model.System})}
	assert.Equal(t, "系统", actor(l, sys))
	assert.Equal(t, "系统", actor(l, model.Event{Actor: model.System}))
	cmd := model.Event{Actor: model.System, ActorName: "赵志远", Action: model.ActFedRefused}
	assert.Equal(t, "赵志远", actor(l, cmd))
	assert.Equal(t, "下行命令被拒", l.Action[model.ActFedRefused])
	assert.Equal(t, "command refused", enLabels.Action[model.ActFedRefused])
}

// A room above the towns names a town whose link is cut in its header, on
// every screen and in wartime too (`东城街道断联 12m`, the age giving way
// below 120 columns; `2 个镇街断联` for two; `汇聚节点未运行` when the hub is
// not running), and nothing while every link is up or for a link outside
// the room. Its wartime layout keeps the towns table from 36 rows (the
// table, the queue, the directive, the ticker), and passes it by in the
// focus ring below that; a screen made smaller takes the focus off it.
func TestCountyKnowsACutTown(t *testing.T) {
	f := yongkangFixture(t)
	county := countySeat(t, f)
	cut := model.FedLink{Role: "hub", Town: dongcheng, Pending: 3412, LastAckSeq: 7, LagSeconds: 760, CutSince: base.Add(-12 * time.Minute)}
	up := model.FedLink{Role: "hub", Town: huajie, Connected: true, LastAckSeq: 812, LagSeconds: 3.4}
	outside := model.FedLink{Role: "hub", Town: "330782101", CutSince: base} // a town of another county
	_, err := f.db.Activate(context.Background(), model.ReasonTyphoon, []model.NodeCode{huajie}, true, "", county.Person.ID)
	require.NoError(t, err)
	for _, lang := range []string{"zh", "en"} {
		lab := labels(lang)
		one := fmt.Sprintf(lab.TownCut, "东城街道")
		table := regexp.MustCompile(`─ (▶ )?` + lab.Towns + ` ─`)
		for _, sz := range [][2]int{{80, 24}, {100, 35}, {100, 36}, {120, 40}, {200, 60}} {
			name := fmt.Sprintf("%s/%dx%d", lang, sz[0], sz[1])
			opt := f.options(t, lang)
			opt.Seat = county
			at := func(links ...model.FedLink) Model {
				m := loaded(t, f.db, fedOptions(opt, linksOf(links...)), sz[0], sz[1])
				m = update(t, m, loadWartime(f.db, m.scope)())
				require.True(t, m.wt.active(), name)
				checkScreen(t, m, sz[0], sz[1], false)
				return m
			}
			m := at(cut, up, outside)
			assert.Contains(t, headerOf(m), one, name)
			if sz[0] >= 120 {
				assert.Contains(t, headerOf(m), one+" 12m", name)
			}
			tall := sz[1] >= 36
			assert.Equal(t, tall, table.MatchString(m.View()), "%s: the towns table in the wartime layout", name)
			assert.Equal(t, !tall, m.skipped(paneTowns), name)

			two := model.FedLink{Role: "hub", Town: huajie, CutSince: base}
			assert.Contains(t, headerOf(at(cut, two, outside)), fmt.Sprintf(lab.TownsCut, 2), name)
			assert.NotContains(t, headerOf(at(up, outside)), "330782101", "%s: a link outside the room", name)
			assert.NotContains(t, headerOf(at(up)), fmt.Sprintf(lab.TownCut, ""), "%s: every link up", name)
			// The hub just started: towns not linked yet are being linked,
			// not cut; a town cut beside them is still named.
			linking := model.FedLink{Role: "hub", Town: huajie, Linking: true}
			lk := linking
			lk.Town = dongcheng
			lm := at(lk, linking, outside)
			h := headerOf(lm)
			assert.Contains(t, h, fmt.Sprintf(lab.TownsLinking, 2), name)
			behind, link, isCut := lm.fedCells(huajie)
			assert.Equal(t, []any{lm.p.g.Unknown, lab.Linking, false}, []any{behind, link, isCut},
				"%s: a town being linked: not counted yet, not cut", name)
			assert.NotContains(t, h, fmt.Sprintf(lab.TownCut, ""), name)
			assert.Contains(t, headerOf(at(cut, linking, outside)), one, name)
			down := cut
			down.NodeDown = true
			dm := at(down, model.FedLink{Role: "hub", Town: huajie, CutSince: base, NodeDown: true})
			assert.Contains(t, headerOf(dm), lab.HubDown, name)
			behind, link, isCut = dm.fedCells(dongcheng)
			assert.Equal(t, []any{dm.p.g.Unknown, lab.Cut + " 12m", true}, []any{behind, link, isCut},
				"%s: the hub not running counts nothing: its backlog is not known, never 0", name)
		}
	}
}

// The wartime towns table focused, a smaller screen hides it: the focus
// goes to the queue, and enter opens an incident there, not a hidden town.
func TestWartimeTownsTableLosesFocusWhenHidden(t *testing.T) {
	f := yongkangFixture(t)
	county := countySeat(t, f)
	_, err := f.db.Activate(context.Background(), model.ReasonTyphoon, []model.NodeCode{huajie}, true, "", county.Person.ID)
	require.NoError(t, err)
	opt := f.options(t, "en")
	opt.Seat = county
	m := loaded(t, f.db, opt, 120, 40)
	m = update(t, m, loadWartime(f.db, m.scope)())
	for i := 0; i < int(paneCount) && m.focus != paneTowns; i++ {
		m = keys(t, m, "tab")
	}
	require.Equal(t, paneTowns, m.focus)
	m = update(t, m, tea.WindowSizeMsg{Width: 120, Height: 30})
	assert.Equal(t, paneQueue, m.focus)
	assert.Contains(t, m.View(), "▶ "+labels("en").Incidents)
	m = keys(t, m, "enter")
	assert.Equal(t, county.Scope(), m.seat.Scope(), "enter stays in the county's room")
}

// The header's cut town and its row in the towns table measure the same
// thing in the same word: how long the link has been cut (a QA saw the
// header's 断联 11s beside the row's 断 21s, the age of the newest event the
// hub has, unlabelled: two clocks for one cut). The column is headed 上联
// (link) and a link that is up reads 正常 (ok); every screen fits.
func TestTownsTableAndHeaderMeasureTheCutAlike(t *testing.T) {
	f := yongkangFixture(t)
	county := countySeat(t, f)
	links := linksOf(
		model.FedLink{Role: "hub", Town: dongcheng, Pending: 3412, LastAckSeq: 7, LagSeconds: 21, CutSince: base.Add(-11 * time.Second)},
		model.FedLink{Role: "hub", Town: huajie, Connected: true, LastAckSeq: 812, LagSeconds: 3.4},
	)
	for _, lang := range []string{"zh", "en"} {
		lab := labels(lang)
		for _, sz := range [][2]int{{80, 24}, {120, 40}} {
			name := fmt.Sprintf("%s/%dx%d", lang, sz[0], sz[1])
			opt := f.options(t, lang)
			opt.Seat = county
			m := loaded(t, f.db, fedOptions(opt, links), sz[0], sz[1])
			checkScreen(t, m, sz[0], sz[1], false)
			view := m.View()
			if sz[0] >= 120 {
				assert.Contains(t, headerOf(m), fmt.Sprintf(lab.TownCut, "东城街道")+" 11s", name)
			}
			var cut, up, head string
			for _, l := range strings.Split(view, "\n") {
				switch {
				case strings.Contains(l, "东城街道") && strings.Contains(l, "3412"):
					cut = l
				case strings.Contains(l, "花街镇") && strings.Contains(l, " 22 "):
					up = l
				case strings.Contains(l, " "+lab.ColBehind+" "):
					head = l
				}
			}
			assert.Regexp(t, ` 3412 +`+lab.Cut+` 11s│$`, cut, "%s: the row says what the header says", name)
			assert.NotContains(t, cut, "21s", name)
			assert.Regexp(t, ` `+lab.LinkOK+`│$`, up, name)
			assert.Regexp(t, ` `+lab.ColLink+`│$`, head, name)
		}
	}
}
