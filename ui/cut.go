package ui

import (
	"errors"
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// A console attached to a running gridcmd (Options.Reconnect) whose live
// link is cut: the server stopped. Nothing it would send can arrive, so
// every action is refused before any question or form, with what to do;
// the status line says which server is down, that the clocks are stopped
// (nothing runs them while no gridcmd holds the file), and, with
// Options.TakeFile, that :take holds the file here instead: asked first,
// then done as a console opened on a free file does (the file's lock, the
// clocks, the local API). The console quits with TookFile true, and the
// caller runs it again on the file.

// linkCut reports whether the attached console's live link is cut.
func (m Model) linkCut() bool { return m.feedDown && m.opt.Reconnect }

// mayAct is why the console may not act now, nil when it may: the seat's
// reason when it is read-only, else the cut link's.
func (m Model) mayAct() error {
	switch {
	case !m.seat.Acts():
		return m.seat.ReadOnly
	case m.linkCut():
		if m.opt.TakeFile == nil {
			return refusal(model.EUNAVAIL, "live link cut: start gridcmd again, or quit and open the file directly",
				"实时中断：服务恢复前不能操作，请重新启动 gridcmd，或退出后直接打开数据库")
		}
		return &cutTakeError{model.Errorf(model.EUNAVAIL, "live link cut: start gridcmd again, or :take to hold the file here").
			Zh("实时中断：服务恢复前不能操作，请重新启动 gridcmd，或输入 :take 接管数据库")}
	}
	return nil
}

// cutTakeError is the cut link's refusal where :take may hold the file:
// advice that is stale once the file is taken (Carry). It is an EUNAVAIL
// as the others are (a flash that stays), told apart by its type
// (isCutTake), not by its words; the console raises it itself, so it never
// crosses the local API.
type cutTakeError struct{ err *model.Error }

func (e *cutTakeError) Error() string { return e.err.Error() }
func (e *cutTakeError) Unwrap() error { return e.err }

// isCutTake reports whether err is the cut link's refusal advising :take.
func isCutTake(err error) bool {
	var e *cutTakeError
	return errors.As(err, &e)
}

// tookBeforeSent is why work was not filed once the console took the
// file: it was never sent, and can be now.
func tookBeforeSent() error {
	return refusal(model.EUNAVAIL, "the console took the file before it was sent", "发送前本控制台已接管数据库")
}

// serverAddr is the address of the gridcmd the console is attached to
// (the local API client's, which follows a restarted server); "" when the
// service does not say.
func (m Model) serverAddr() string {
	if a, ok := m.svc.(interface{ Addr() string }); ok {
		return strings.TrimPrefix(a.Addr(), "http://")
	}
	return ""
}

// cutLine is the status line while the link is cut: the whole sentence
// where it fits, else the short one (80 columns hold it).
func (m Model) cutLine() string {
	addr := m.serverAddr()
	who, whoZh, brief, briefZh := "gridcmd", "gridcmd 服务", "server", "服务"
	if addr != "" {
		who, whoZh, brief, briefZh = who+" at "+addr, addr+" 的 "+whoZh, addr, briefZh+" "+addr+" "
	}
	var long, short string
	if m.opt.TakeFile != nil {
		long = m.say(who+" is down, the clocks are stopped: start gridcmd again, or :take the file here (reconnecting)",
			whoZh+"已停止，时限暂停计时：请重新启动 gridcmd，或输入 :take 接管（正在重新连接）")
		short = m.say(brief+" down, clocks are stopped: restart gridcmd or :take the file",
			briefZh+"已停止，时限暂停：请重启 gridcmd，或 :take 接管")
	} else {
		long = m.say(who+" is down: the clocks are stopped until a server or console holds the file (reconnecting)",
			whoZh+"已停止：在服务或控制台持有数据库前，时限暂停计时（正在重新连接）")
		short = m.say(brief+" down: clocks are stopped until a server or console holds it",
			briefZh+"已停止：服务或控制台持有数据库前时限暂停")
	}
	if m.p.w.Of(" "+long) <= m.width {
		return long
	}
	return short
}

// askTakeFile (:take) asks before the console holds the file itself; only
// an attached console whose server is down may.
func (m Model) askTakeFile() (tea.Model, tea.Cmd) {
	switch {
	case m.opt.SSH:
		return m.flashErr(refusal(model.ECONFLICT, "an SSH seat cannot take the file: the gridcmd serving this seat holds it, on the machine the seat connects to",
			"SSH 席位不能接管数据库：数据库由提供本席位的 gridcmd 在所连接的服务器上持有"))
	case !m.opt.Reconnect:
		return m.flashErr(refusal(model.ECONFLICT, "this console holds the file itself", "本控制台已持有数据库"))
	case m.opt.TakeFile == nil:
		return m.flashErr(refusal(model.ECONFLICT, "this console cannot take the file: quit and open it directly",
			"本控制台不能接管数据库：请退出后直接打开"))
	case !m.linkCut():
		return m.flashErr(refusal(model.ECONFLICT, "the gridcmd server at "+m.serverAddr()+" holds the file and answers: :take only once it has stopped",
			m.serverAddr()+" 的 gridcmd 服务正持有数据库并在应答：它停止后才能 :take"))
	}
	take := m.opt.TakeFile
	return m.askFree(m.say("take the file here? this console will hold it, run the clocks and serve the other commands, as one opened on it does",
		"由本控制台接管数据库？接管后本控制台持有文件、运行时限，并为其他命令服务，与直接打开时相同"),
		func(m Model) (Model, tea.Cmd) {
			m.flashID++
			m.flash = flash{id: m.flashID, text: m.say("taking the file...", "正在接管数据库……")}
			m.taking = true
			return m, func() tea.Msg { return tookFileMsg{err: take()} }
		})
}

// tookFileMsg: the file is held here (err nil), or why not.
type tookFileMsg struct{ err error }

// onTookFile quits once the file is held here, for the caller to run the
// console on it; a refusal (another gridcmd holds it again, the lock is
// taken) is flashed and the console stays attached.
func (m Model) onTookFile(msg tookFileMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		m.taking = false
		return m.flashErr(msg.err)
	}
	m.took = true
	return m, tea.Quit
}

// Carry is the work not filed that a console hands over as it quits to
// take the file: what came back from failed sends and waits, what is on
// its way (its answer will never come: not known whether filed), and a
// form with something typed in it. Options.Carried gives it to the
// console run on the file.
type Carry struct{ work []held }

// Carry is what this console has not filed (see type Carry).
func (m Model) Carry() Carry {
	work := slices.Clone(m.waiting)
	for i := range work {
		if isCutTake(work[i].err) {
			work[i].err = tookBeforeSent() // the file is taken: no more "type :take"
		}
	}
	for _, h := range m.held {
		h.err = model.Errorf(model.EUNAVAIL, "the server stopped before it answered").Zh("服务在应答前已停止").MaybeDone()
		work = append(work, h)
	}
	if m.formActive && m.form.dirty() {
		work = append(work, held{kind: heldForm, form: m.form, err: tookBeforeSent()})
	}
	return Carry{work: work}
}

// TookFile reports whether the console quit to hold the file itself
// (:take): the caller runs the console again on the file it took.
func (m Model) TookFile() bool { return m.took }
