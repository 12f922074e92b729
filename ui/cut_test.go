package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// goneServer is the store seen through the local API of a server at
// 127.0.0.1:19601 that has stopped: every new subscription is lost.
type goneServer struct{ *serverDown }

func (goneServer) Addr() string { return "http://127.0.0.1:19601" }

func newGoneServer(f fixture) goneServer {
	return goneServer{&serverDown{Service: f.db, down: 1 << 30}}
}

// lastLine is the screen's status line, without its padding.
func lastLine(m Model) string {
	lines := strings.Split(m.View(), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// TestCutLinkRefusesActions: an attached console whose server stopped says
// on the status line which server is down, that the clocks are stopped and
// what to do; an action key is refused at once, before any question or
// form, with a line that fits the narrowest screen, and nothing is sent.
func TestCutLinkRefusesActions(t *testing.T) {
	f := newFixture(t)
	svc := newGoneServer(f)
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, lang := range []string{"zh", "en"} {
			for _, take := range []bool{false, true} {
				t.Run(fmt.Sprintf("%dx%d %s take=%v", size[0], size[1], lang, take), func(t *testing.T) {
					opt := f.options(t, lang)
					opt.Reconnect = true
					if take {
						opt.TakeFile = func() error { t.Error("taken without :take"); return nil }
					}
					m := loaded(t, svc, opt, size[0], size[1])
					m = find(t, m, "电信诈骗预警")
					inc, _ := m.selectedIncident()
					m = update(t, m, eventsMsg{closed: true})

					status := lastLine(m)
					assert.Contains(t, status, "127.0.0.1:19601", "names the server that is down")
					assert.Contains(t, status, m.say("clocks are stopped", "时限暂停"))
					if take {
						assert.Contains(t, status, ":take")
					} else {
						assert.Contains(t, status, m.say("until a server or console holds", "服务或控制台持有数据库前"))
					}
					assert.NotContains(t, status, m.p.g.More, "whole")
					checkScreen(t, m, size[0], size[1], false)

					want := m.say("live link cut: start gridcmd again, or quit and open the file directly",
						"实时中断：服务恢复前不能操作，请重新启动 gridcmd，或退出后直接打开数据库")
					if take {
						want = m.say("live link cut: start gridcmd again, or :take to hold the file here",
							"实时中断：服务恢复前不能操作，请重新启动 gridcmd，或输入 :take 接管数据库")
					}
					for _, k := range []string{"a", "e", "r", "N", "s", "n", "W", "d"} {
						got := keys(t, m, k)
						assert.False(t, got.q.active(), "%s: no question", k)
						assert.False(t, got.formActive, "%s: no form", k)
						assert.Equal(t, want, lastLine(got), "%s: refused whole, on the status line", k)
						checkScreen(t, got, size[0], size[1], false)
					}
					assert.Equal(t, model.StatusReported, stored(t, f, inc.ID).Status)
				})
			}
		}
	}
}

// TestTakeFile: :take asks before the console holds the file, only once
// the server it was attached to is down; a refusal of the file (in use
// again) is shown and the console stays as it was; once the file is held,
// the console quits for its caller to run it on the file.
func TestTakeFile(t *testing.T) {
	f := newFixture(t)
	calls := 0
	var refuse error
	opt := f.options(t, "en")
	opt.Reconnect = true
	opt.TakeFile = func() error { calls++; return refuse }

	// A console on the file itself has nothing to take.
	m := loaded(t, f.db, f.options(t, "en"), 120, 40)
	m = runLine(t, m, "take")
	assert.Contains(t, lastLine(m), "this console holds the file itself")

	// The server answers: nothing to take.
	m = loaded(t, newGoneServer(f), opt, 120, 40)
	m = runLine(t, m, "take")
	assert.False(t, m.q.active())
	assert.Contains(t, lastLine(m), "the gridcmd server at 127.0.0.1:19601 holds the file and answers")

	// The server is down: asked first; n leaves it.
	m = update(t, m, eventsMsg{closed: true})
	m = runLine(t, m, "take")
	require.True(t, m.q.active())
	assert.Contains(t, m.View(), "take the file here?")
	m = keys(t, m, "n")
	assert.Zero(t, calls)

	// The file is in use: said, and the console goes on as it was.
	refuse = model.Errorf(model.EUNAVAIL, "database t.db is in use (pid 4242?)").Zh("数据库 t.db 正被占用（pid 4242？）")
	m = keys(t, runLine(t, m, "take"), "y")
	assert.Equal(t, 1, calls)
	assert.False(t, m.TookFile())
	assert.Contains(t, lastLine(m), "database t.db is in use")

	// Held: the console quits, saying it took the file.
	refuse = nil
	m = runLine(t, m, "take")
	next, cmd := m.Update(keyMsg("y"))
	m = next.(Model)
	require.NotNil(t, cmd)
	next, cmd = m.Update(cmd())
	m = next.(Model)
	assert.Equal(t, 2, calls)
	assert.True(t, m.TookFile())
	require.NotNil(t, cmd)
	assert.IsType(t, tea.QuitMsg{}, cmd())

	// In Chinese, the question and the command's alias.
	zh := f.options(t, "zh")
	zh.Reconnect, zh.TakeFile = true, opt.TakeFile
	m = update(t, loaded(t, newGoneServer(f), zh, 80, 24), eventsMsg{closed: true})
	m = runLine(t, m, "接管")
	require.True(t, m.q.active())
	assert.Contains(t, m.View(), "由本控制台接管数据库？")
	checkScreen(t, m, 80, 24, false)
}

// TestQueuedToACutTownSaysSo: in a county room, the flash of a command
// queued for a town whose link is cut says since when it is cut and that
// the town acts when it reconnects, whole on the narrowest screen; for a
// town whose link is up it says where the command went, as before.
func TestQueuedToACutTownSaysSo(t *testing.T) {
	f := yongkangFixture(t)
	county := countySeat(t, f)
	cutSince := base.Add(-12 * time.Minute)
	cut := model.FedLink{Role: "hub", Town: dongcheng, Pending: 3412, CutSince: cutSince}
	up := model.FedLink{Role: "hub", Town: huajie, Connected: true}
	for _, lang := range []string{"zh", "en"} {
		for _, sz := range [][2]int{{80, 24}, {120, 40}} {
			name := fmt.Sprintf("%s/%dx%d", lang, sz[0], sz[1])
			opt := f.options(t, lang)
			opt.Seat = county
			m := loaded(t, f.db, fedOptions(opt, linksOf(cut, up)), sz[0], sz[1])
			require.Len(t, m.fed, 2, name)
			since := cutSince.In(m.loc).Format("15:04")

			got, _ := m.flashErr(model.FedQueued(3, "东城街道"))
			assert.False(t, got.flash.err, name)
			assert.Contains(t, got.flash.text, got.say("东城街道 link cut since "+since+": it acts when it reconnects",
				"东城街道链路自 "+since+" 起中断，重连后执行"), name)
			if sz[0] >= 120 {
				assert.True(t, strings.HasPrefix(got.flash.text, got.errText(model.FedQueued(3, "东城街道"))), "%s: where it went, first", name)
			}
			assert.NotContains(t, lastLine(got), got.p.g.More, "%s: whole", name)
			checkScreen(t, got, sz[0], sz[1], false)

			got, _ = m.flashErr(model.FedQueued(4, "花街镇"))
			assert.Equal(t, got.errText(model.FedQueued(4, "花街镇")), got.flash.text, "%s: a town whose link is up", name)
		}
	}
}

// A cut that comes while the officer is at work loses nothing: a form
// being filled in stays open, as typed, when submitted (the refusal on its
// error line and the cut on the status line over the form's keys); a
// refusal already on the status line stays until it expires; a hand-over
// or a signature is refused before it is sent.
func TestCutLinkKeepsTheWorkInHand(t *testing.T) {
	f := newFixture(t)
	svc := newGoneServer(f)
	for _, lang := range []string{"zh", "en"} {
		opt := f.options(t, lang)
		opt.Reconnect = true
		m := loaded(t, svc, opt, 80, 24)
		m = keys(t, m, "n")
		require.True(t, m.formActive)
		m = typeText(t, m, "渎溪村 02")
		m = update(t, m, eventsMsg{closed: true})
		assert.Contains(t, lastLine(m), "127.0.0.1:19601", "the cut shows over the form's keys")
		m = keys(t, m, "enter", "enter", "enter") // where, category, severity
		m = typeText(t, m, "山塘水位上涨")
		m = keys(t, m, "enter", "enter") // title, details: submitted
		assert.True(t, m.formActive, "the form stays open")
		assert.Equal(t, "渎溪村 02", m.form.values()["node"], "as typed")
		assert.Equal(t, "山塘水位上涨", m.form.values()["title"])
		assert.Contains(t, m.form.err, m.say("live link cut", "实时中断"))
		assert.False(t, m.q.active(), "nothing asked")
		checkScreen(t, m, 80, 24, false)

		m = loaded(t, svc, opt, 80, 24)
		m, _ = m.flashErr(model.Errorf(model.EUNAVAIL, "the request may have been done: look before you try again"))
		m = update(t, m, eventsMsg{closed: true})
		assert.Contains(t, m.flash.text, "look before you try again", "the refusal stays until it expires")

		m = update(t, m, giveHandoverMsg{room: "330784114"})
		assert.Contains(t, m.flash.text, m.say("live link cut", "实时中断"), "a hand-over refused before it is sent")
		m = update(t, m, signHandoverMsg{h: model.Handover{ID: "H-0001"}})
		assert.Contains(t, m.flash.text, m.say("live link cut", "实时中断"))
	}
}
