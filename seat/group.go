package seat

import (
	"io"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"gridcmd/model"
	"gridcmd/ui"
)

// Seats that are the same person's room, in the same language, widths and
// terminal size, and where nobody has pressed a key yet, show the same
// screen: they share one console (a group), whose frames are written to
// each of them, each through its own screen and output queue. Drawing a
// frame of the console costs far more than writing it, so a room watched
// from many terminals costs one console, not one each. The first key a
// seat gets (or a resize, or a notice for it alone) gives it a console of
// its own, loaded as the shared one stands, and the key goes to it.

// groupKey is what makes two seats' screens the same (the colours
// included: a group's console draws with its first seat's renderer).
type groupKey struct {
	person        model.PersonID
	room          model.NodeCode
	lang          string
	ambiguousWide bool
	ascii         bool
	w, h          int
	profile       termenv.Profile // the colours its terminal takes
	dark          bool            // its background is dark
}

// group is the console shared by the seats of one key.
type group struct {
	key  groupKey
	prog *tea.Program
	sub  *seatSub
	done chan struct{} // closed when the console has ended

	mu      sync.Mutex
	last    string
	frame   *frame // the last view, split for the group's size
	members map[*member]struct{}
}

// member is a seat's end of a group: the latest frame, handed to the
// seat's program by a goroutine of its own, so the shared console never
// waits for a seat.
type member struct {
	prog   *tea.Program
	latest atomic.Pointer[frame]
	wake   chan struct{}
	quit   chan struct{}
}

// frameMsg is a frame of the shared console, for a seat that follows it.
type frameMsg struct{ f *frame }

func (m *member) run() {
	for {
		select {
		case <-m.quit:
			return
		case <-m.wake:
			if f := m.latest.Load(); f != nil {
				m.prog.Send(frameMsg{f})
			}
		}
	}
}

func (m *member) offer(f *frame) {
	m.latest.Store(f)
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// publish hands a new frame to every member.
func (g *group) publish(v string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if v == g.last && g.frame != nil {
		return
	}
	g.last = v
	prev := g.frame
	if prev == nil {
		prev = &frame{} // the first frame is seq 1, drawn whole
	}
	g.frame = newFrame(v, g.key.w, g.key.h, prev)
	for m := range g.members {
		m.offer(g.frame)
	}
}

// leader is the shared console: a ui.Model whose views go to the group.
type leader struct {
	inner tea.Model
	g     *group
}

func (l leader) Init() tea.Cmd { return l.inner.Init() }

func (l leader) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	l.inner, cmd = l.inner.Update(msg)
	return l, cmd
}

func (l leader) View() string {
	l.g.publish(l.inner.View())
	return ""
}

// join puts a seat's program into the group of key, starting the group's
// console if it has none.
func (s *Server) join(key groupKey, st *seat, p *tea.Program) *member {
	m := &member{prog: p, wake: make(chan struct{}, 1), quit: make(chan struct{})}
	go m.run()
	s.gmu.Lock()
	defer s.gmu.Unlock()
	g := s.groups[key]
	if g == nil {
		g = &group{key: key, members: map[*member]struct{}{}, done: make(chan struct{})}
		g.sub = s.hub.subscribe(key.room)
		inner := ui.New(s.view, g.sub, s.uiOptions(st, time.Duration(len(s.groups)%60)*time.Second))
		g.prog = tea.NewProgram(leader{inner: inner, g: g},
			tea.WithInput(nil), tea.WithOutput(io.Discard), tea.WithoutRenderer(), tea.WithoutSignalHandler())
		s.groups[key] = g
		go func() {
			_, _ = g.prog.Run()
			g.sub.Close()
			close(g.done)
		}()
		g.prog.Send(tea.WindowSizeMsg{Width: key.w, Height: key.h})
	}
	g.mu.Lock()
	g.members[m] = struct{}{}
	if g.frame != nil {
		m.offer(g.frame)
	}
	g.mu.Unlock()
	st.group = g
	return m
}

// leave takes a seat's member out of its group; the last one out ends the
// group's console.
func (s *Server) leave(g *group, m *member) {
	close(m.quit)
	s.gmu.Lock()
	g.mu.Lock()
	delete(g.members, m)
	empty := len(g.members) == 0
	g.mu.Unlock()
	if empty && s.groups[g.key] == g {
		delete(s.groups, g.key)
	}
	s.gmu.Unlock()
	if empty {
		g.prog.Quit()
	}
}

// uiOptions are the console options of a seat.
func (s *Server) uiOptions(st *seat, offset time.Duration) ui.Options {
	return ui.Options{
		Lang: st.term.Lang, Seat: model.SeatOf(st.person), AmbiguousWide: st.term.AmbiguousWide, ASCII: st.term.ASCII,
		Location: s.opts.Location, Now: s.opts.Now, NoSweep: true,
		Renderer: st.renderer, Tick: s.opts.Tick, TickOffset: offset, SSH: true,
	}
}

// framed is a seat's program: it follows its group's console, drawing its
// frames, until the seat needs a console of its own (own); then it runs
// that one.
type framed struct {
	s     *Server
	st    *seat
	m     *member
	inner tea.Model // nil while following
	frame *frame
	scr   *screen
}

func (f *framed) Init() tea.Cmd { return nil }

func (f *framed) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var pre tea.Cmd
	switch msg := msg.(type) {
	case frameMsg:
		if f.inner == nil {
			f.frame = msg.f
		}
		return f, nil
	case repaintMsg:
		f.scr.last = nil
		return f, nil
	case tea.WindowSizeMsg:
		resized := msg.Width != f.scr.w || msg.Height != f.scr.h
		f.scr.w, f.scr.h, f.scr.last = msg.Width, msg.Height, nil
		if f.inner == nil && resized && f.m != nil {
			pre = f.own()
		}
	case tea.KeyMsg, tea.MouseMsg, ui.Notice:
		if f.inner == nil {
			pre = f.own()
		}
	}
	if f.inner == nil {
		return f, nil
	}
	var cmd tea.Cmd
	f.inner, cmd = f.inner.Update(msg)
	return f, tea.Batch(pre, cmd)
}

// own leaves the group for a console of the seat's own, loaded now so
// that the key that asked for it finds everything the shared one showed.
func (f *framed) own() tea.Cmd {
	s, st := f.s, f.st
	st.sub = s.hub.subscribe(st.room) // before the snapshot: nothing committed in between is missed
	m := ui.New(s.view, st.sub, s.uiOptions(st, st.tickOffset))
	next, _ := m.Update(tea.WindowSizeMsg{Width: f.scr.w, Height: f.scr.h})
	m = next.(ui.Model).Loaded()
	f.inner = m
	s.leave(st.group, f.m)
	f.m = nil
	return m.InitLoaded()
}

func (f *framed) View() string {
	if f.inner == nil {
		if f.frame != nil && f.scr.w == f.st.group.key.w && f.scr.h == f.st.group.key.h {
			f.scr.drawFrame(f.frame)
		}
	} else {
		f.scr.draw(f.inner.View())
	}
	return ""
}
