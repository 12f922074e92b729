// Package seat serves the console over SSH: every room of the chain (the
// town's command room, each village's, a grid's) gets a seat of its own,
// opened with its person's SSH key, showing that person's node of the
// tower, live, in the language and widths of the seat's own terminal.
//
// One process holds the database; every seat is its own tea.Program over
// the same model.Service, and one feed of committed batches is fanned out
// to all of them with a bounded buffer per seat (hub), so a seat whose
// client stops reading never slows the writer or the other seats (out).
// It speaks model and ui, never the store.
//
// Authentication is by public key only (no password, no keyboard-
// interactive). The key handler only says whether a key is known; the
// person is bound after the handshake, from the key the connection
// actually authenticated with (charmbracelet/ssh takes it from the
// permissions of the successful attempt), looked up again in the session:
// the mistakes of soft-serve's GHSA-pchf-49fh-w34r and CVE-2023-43809.
package seat

import (
	"bytes"
	"context"
	"crypto/ed25519"
	crand "crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"

	"gridcmd/model"
	"gridcmd/ui"
)

// Defaults of Options.
const (
	DefaultMaxSeats     = 600
	DefaultIdleTimeout  = 30 * time.Minute
	DefaultStallTimeout = 60 * time.Second
	DefaultTick         = time.Minute
	// idleWarning is how long before the idle timeout a seat is warned.
	idleWarning = time.Minute
)

// CommandFunc runs a command sent instead of a shell (`ssh host incidents
// --json`) as person p on svc (already cut to p's room) and returns its
// exit status. It is the command line's own code, so the output is the
// same as the local CLI's; its refusals are in lang, the language a seat
// of the same session would speak (Server.terminal).
type CommandFunc func(ctx context.Context, svc model.Service, p model.Person, lang string, args []string, stdout, stderr io.Writer) int

// Commands are the commands a key's person may run over SSH: the ones
// that only look.
var Commands = []string{"incidents", "show", "stats"}

// Options configure a Server. Zero fields take the defaults.
type Options struct {
	HostKey      string        // the host key file (ed25519, OpenSSH PEM): made on first start, mode 0600
	MaxSeats     int           // seats open at once; default 600
	IdleTimeout  time.Duration // a seat with no key pressed for this long closes; default 30m, warned a minute before
	StallTimeout time.Duration // a seat whose client takes no output for this long closes; default 60s
	Terminal     Terminal      // language and widths of a seat whose session does not say (config; a person's own language first)
	Location     *time.Location
	Logger       *slog.Logger
	Commands     CommandFunc // nil: no commands over SSH
	// Tick is the step of a seat's clock and countdowns (ui.Options.Tick);
	// default a minute. Each seat steps at its own second within it, so
	// the seats do not all redraw at once.
	Tick time.Duration
	// Now is the consoles' clock; default the service's.
	Now func() time.Time
	// checkEvery is the watchdog's period (stalls, idle seats); tests
	// shorten it. Default 1s.
	checkEvery time.Duration
}

// Server is the SSH server of the seats.
type Server struct {
	svc  model.Service
	view *shared // svc as the consoles read it
	keys model.KeyService
	opts Options
	log  *slog.Logger
	srv  *ssh.Server
	hub  *hub

	mu      sync.Mutex
	seats   map[*seat]struct{}
	opening int // seats past the limit check whose program has not started
	closed  bool

	gmu    sync.Mutex
	groups map[groupKey]*group // the shared consoles (group.go)

	recheck chan struct{} // the keys of the open seats are to be checked again
	stop    chan struct{}
	wg      sync.WaitGroup

	m counters
}

// counters are the seats' figures on /metrics.
type counters struct {
	opened, refusedAuth, refusedFull, commands atomic.Int64
	framesDropped                              atomic.Int64
	closedMu                                   sync.Mutex
	closed                                     map[string]int64
}

// seat is one open console.
type seat struct {
	person model.Person
	key    model.SSHKey
	remote string
	room   model.NodeCode
	term   Terminal

	conn       gossh.Conn
	prog       *tea.Program
	out        *out
	sub        *seatSub // its own console's feed (nil while it follows its group's)
	group      *group   // the shared console it follows (until it has its own)
	framed     *framed  // its program's model
	renderer   *lipgloss.Renderer
	tickOffset time.Duration
	input      atomic.Int64 // Unix nanos of the last key from the client

	mu     sync.Mutex
	warned bool
	reason string // why it closed; "" while open
}

type ctxKey string

const identityKey ctxKey = "gridcmd-seat-identity"

// identity is who a session is, bound after authentication.
type identity struct {
	person model.Person
	key    model.SSHKey
}

// New makes the server over svc and keys (usually the same store). It
// reads or makes the host key and subscribes to svc's feed.
func New(svc model.Service, keys model.KeyService, opts Options) (*Server, error) {
	if opts.MaxSeats <= 0 {
		opts.MaxSeats = DefaultMaxSeats
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	if opts.StallTimeout <= 0 {
		opts.StallTimeout = DefaultStallTimeout
	}
	if opts.Tick <= 0 {
		opts.Tick = DefaultTick
	}
	if opts.checkEvery <= 0 {
		opts.checkEvery = time.Second
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Terminal.Lang == "" {
		opts.Terminal.Lang = "zh"
	}
	hostKey, err := LoadHostKey(opts.HostKey)
	if err != nil {
		return nil, err
	}
	s := &Server{
		svc: svc, keys: keys, opts: opts, log: opts.Logger,
		seats: map[*seat]struct{}{}, groups: map[groupKey]*group{}, recheck: make(chan struct{}, 1), stop: make(chan struct{}),
	}
	s.m.closed = map[string]int64{}
	s.srv, err = wish.NewServer(
		wish.WithHostKeyPEM(hostKey),
		wish.WithPublicKeyAuth(s.knownKey),
		ssh.EmulatePty(),
		wish.WithMiddleware(
			bm.MiddlewareWithProgramHandler(s.program, termenv.Ascii), // innermost: the console
			s.seatMiddleware,    // the seat: limit, register, audit, close
			s.commandMiddleware, // no PTY: a command, not a seat
			s.authMiddleware,    // outermost: bind the person to the authenticated key
		),
	)
	if err != nil {
		return nil, fmt.Errorf("ssh: %w", err)
	}
	s.view = newShared(svc)
	s.hub = newHub(svc.Subscribe(), s.onBatch)
	s.wg.Add(2)
	go s.watch()
	go s.rechecking()
	return s, nil
}

// Serve accepts connections on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	err := s.srv.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown closes every seat (saying why), the listener and the feed.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	seats := s.list()
	s.mu.Unlock()
	for _, st := range seats {
		s.closeSeat(st, "shutdown")
	}
	close(s.stop)
	err := s.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		err = s.srv.Close()
	}
	s.wg.Wait()
	s.hub.close()
	if errors.Is(err, ssh.ErrServerClosed) {
		err = nil
	}
	return err
}

// list is the open seats; s.mu is held.
func (s *Server) list() []*seat {
	out := make([]*seat, 0, len(s.seats))
	for st := range s.seats {
		out = append(out, st)
	}
	return out
}

// Open is how many seats are open.
func (s *Server) Open() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.seats)
}

// OpenOf is how many seats are open of person's keys (model.System:
// anyone's) or, with fingerprint, of that key: what 'key revoke' would
// close.
func (s *Server) OpenOf(person model.PersonID, fingerprint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for st := range s.seats {
		if (person == model.System || st.person.ID == person) && (fingerprint == "" || st.key.Fingerprint == fingerprint) {
			n++
		}
	}
	return n
}

// knownKey is the public key handler: is this key one of a person's? It
// binds nothing: the handshake may go on with another key.
func (s *Server) knownKey(ctx ssh.Context, key ssh.PublicKey) bool {
	k, _, err := s.keys.KeyHolder(ctx, gossh.FingerprintSHA256(key))
	ok := err == nil && bytes.Equal(k.Blob, key.Marshal())
	if !ok {
		s.m.refusedAuth.Add(1)
	}
	return ok
}

// authMiddleware binds the session to the person whose key it
// authenticated with, looked up again now; anything else is refused.
func (s *Server) authMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		pk := sess.PublicKey()
		if pk == nil {
			s.refuse(sess)
			return
		}
		k, p, err := s.keys.KeyHolder(sess.Context(), gossh.FingerprintSHA256(pk))
		if err != nil || !bytes.Equal(k.Blob, pk.Marshal()) {
			s.refuse(sess)
			return
		}
		sess.Context().SetValue(identityKey, identity{person: p, key: k})
		next(sess)
	}
}

// refuse ends a session whose key is no one's (or no longer: revoked since
// the handshake), saying so in the session's language (its LANG, else the
// server's: no person is known to have one of their own).
func (s *Server) refuse(sess ssh.Session) {
	s.m.refusedAuth.Add(1)
	s.log.Warn("ssh refused", "remote", sess.RemoteAddr().String(), "reason", "permission denied")
	_, _ = fmt.Fprintln(sess.Stderr(), permissionDenied(fromEnv(sess.Environ(), s.opts.Terminal).Lang))
	_ = sess.Exit(1)
}

// permissionDenied is refuse's answer, in lang.
func permissionDenied(lang string) string {
	if lang == "zh" {
		return "gridcmd：权限被拒绝：该密钥不属于名册上的任何人，或已被吊销"
	}
	return "gridcmd: permission denied: the key is no one's on the roster, or was revoked"
}

func who(sess ssh.Session) identity {
	id, _ := sess.Context().Value(identityKey).(identity)
	return id
}

// commandMiddleware runs a command sent as the key's person, cut to the
// person's room, with a PTY (ssh -t host stats) or without; a PTY and no
// command opens the seat.
func (s *Server) commandMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if _, _, isPty := sess.Pty(); isPty && len(sess.Command()) == 0 {
			next(sess)
			return
		}
		id := who(sess)
		args := sess.Command()
		lang := s.terminal(sess, id.person).Lang
		if s.opts.Commands == nil || len(args) == 0 || !allowed(args[0]) {
			_, _ = fmt.Fprintln(sess.Stderr(), notACommand(lang))
			_ = sess.Exit(1)
			return
		}
		s.m.commands.Add(1)
		room := model.SeatRoom(id.person)
		_ = s.keys.RecordSeat(sess.Context(), model.SeatRecord{Person: id.person.ID, Fingerprint: id.key.Fingerprint,
			Remote: sess.RemoteAddr().String(), Room: room, Command: strings.Join(args, " ")})
		code := s.opts.Commands(sess.Context(), Scoped(s.svc, room), id.person, lang, args, sess, sess.Stderr())
		_ = sess.Exit(code)
	}
}

// notACommand is the answer to a session that neither opens the console
// nor runs one of Commands, in lang.
func notACommand(lang string) string {
	list := strings.Join(Commands, ", ")
	if lang == "zh" {
		return fmt.Sprintf("gridcmd（SSH）：用 'ssh -t' 打开控制台，或运行其中一个命令：%s（如 'incidents --json'）", list)
	}
	return fmt.Sprintf("gridcmd over SSH: open the console with 'ssh -t', or run one of: %s (e.g. 'incidents --json')", list)
}

// terminal is the language and widths of p's session: what the session's
// environment says (fromEnv), else p's own language, else the server's.
func (s *Server) terminal(sess ssh.Session, p model.Person) Terminal {
	def := s.opts.Terminal
	if p.Lang != "" {
		def.Lang = p.Lang // the person's, when the session sends none
	}
	return fromEnv(sess.Environ(), def)
}

func allowed(cmd string) bool {
	for _, c := range Commands {
		if c == cmd {
			return true
		}
	}
	return false
}

// seatMiddleware opens a seat within the limit, logs it, runs the console
// (next) and closes it, saying why.
func (s *Server) seatMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		id := who(sess)
		s.mu.Lock()
		if s.closed || len(s.seats)+s.opening >= s.opts.MaxSeats {
			s.mu.Unlock()
			s.m.refusedFull.Add(1)
			_, _ = fmt.Fprintf(sess.Stderr(), "gridcmd: all %d seats are taken; try again later (所有 %d 个席位已满，请稍后再试)\n",
				s.opts.MaxSeats, s.opts.MaxSeats)
			_ = sess.Exit(1)
			return
		}
		s.opening++
		s.mu.Unlock()

		conn, _ := sess.Context().Value(ssh.ContextKeyConn).(gossh.Conn)
		st := &seat{person: id.person, key: id.key, remote: sess.RemoteAddr().String(),
			room: model.SeatRoom(id.person), term: s.terminal(sess, id.person), conn: conn}
		st.input.Store(time.Now().UnixNano())
		st.out = newOut(rawChannel(sess), &s.m.framesDropped)
		sess.Context().SetValue(seatKey, st)
		rec := model.SeatRecord{Person: st.person.ID, Fingerprint: st.key.Fingerprint, Remote: st.remote, Room: st.room, Open: true}
		if err := s.keys.RecordSeat(sess.Context(), rec); err != nil {
			s.log.Error("seat audit", "err", err)
		}
		s.log.Info("seat opened", "person", st.person.ID.String(), "key", st.key.Fingerprint, "remote", st.remote, "room", string(st.room))

		next(sess) // the console runs until it quits or is closed

		s.mu.Lock()
		if _, ok := s.seats[st]; ok {
			delete(s.seats, st)
		} else {
			s.opening-- // the program never started
		}
		s.mu.Unlock()
		if st.sub != nil {
			st.sub.Close()
		}
		if f := st.framed; f != nil && f.m != nil { // its program has ended: f is ours now
			s.leave(st.group, f.m)
		}
		st.mu.Lock()
		reason := st.reason
		if reason == "" {
			reason = "quit"
			if sess.Context().Err() != nil {
				reason = "disconnected"
			}
			st.reason = reason
		}
		st.mu.Unlock()
		msg := leaveScreen + closingMessage(reason, st.term.Lang) // "\r\n" already: the channel is raw
		_, _ = st.out.Write([]byte(msg))
		st.out.drain(2 * time.Second)
		st.out.stop()
		s.m.closedMu.Lock()
		s.m.closed[reason]++
		s.m.closedMu.Unlock()
		rec.Open, rec.Reason = false, reason
		if err := s.keys.RecordSeat(context.Background(), rec); err != nil {
			s.log.Error("seat audit", "err", err)
		}
		s.log.Info("seat closed", "person", st.person.ID.String(), "key", st.key.Fingerprint, "remote", st.remote, "reason", reason)
		code := 0
		if reason != "quit" {
			code = 1
		}
		_ = sess.Exit(code)
	}
}

const seatKey ctxKey = "gridcmd-seat"

// closingMessage is what the client reads when its seat is closed.
func closingMessage(reason, lang string) string {
	en, zh := "", ""
	switch reason {
	case "revoked":
		en, zh = "your SSH key was revoked; the seat is closed", "你的 SSH 密钥已被吊销，席位已关闭"
	case "idle":
		en, zh = "the seat closed after no key was pressed for a long time", "长时间无操作，席位已关闭"
	case "shutdown":
		en, zh = "the server is stopping; the seat is closed", "服务正在停止，席位已关闭"
	default:
		return ""
	}
	if lang == "en" {
		return "\r\ngridcmd: " + en + "\r\n"
	}
	return "\r\ngridcmd: " + zh + "\r\n"
}

// program makes the seat's console: its own renderer and colour profile
// from the session, its language and widths from the session's
// environment, its person's room as its scope, the shared feed.
func (s *Server) program(sess ssh.Session) *tea.Program {
	st, _ := sess.Context().Value(seatKey).(*seat)
	if st == nil {
		return nil
	}
	st.renderer = bm.MakeRenderer(sess)
	st.tickOffset = time.Duration(rand.Int64N(int64(s.opts.Tick))).Truncate(time.Second)
	pty, _, _ := sess.Pty()
	f := &framed{s: s, st: st, scr: &screen{out: st.out, w: pty.Window.Width, h: pty.Window.Height}}
	p := tea.NewProgram(f,
		tea.WithInput(&keys{r: sess, st: st}), tea.WithOutput(io.Discard),
		tea.WithoutRenderer(), tea.WithoutSignalHandler(),
	)
	st.prog, st.framed = p, f
	st.out.repaint = func() { p.Send(repaintMsg{}) }
	f.m = s.join(groupKey{person: st.person.ID, room: st.room, lang: st.term.Lang, ambiguousWide: st.term.AmbiguousWide,
		ascii: st.term.ASCII, w: pty.Window.Width, h: pty.Window.Height,
		profile: st.renderer.ColorProfile(), dark: st.renderer.HasDarkBackground()}, st, p)
	s.mu.Lock()
	s.opening--
	s.seats[st] = struct{}{}
	s.m.opened.Add(1)
	s.mu.Unlock()
	return p
}

// keys is a seat's input: it notes when the client last sent a key.
type keys struct {
	r  io.Reader
	st *seat
}

func (k *keys) Read(p []byte) (int, error) {
	n, err := k.r.Read(p)
	if n > 0 {
		k.st.input.Store(time.Now().UnixNano())
		k.st.mu.Lock()
		k.st.warned = false
		k.st.mu.Unlock()
	}
	return n, err
}

// closeSeat ends a seat for reason: the console quits and the session
// ends with a line saying why; a stalled one has its connection cut, since
// its client takes nothing more.
func (s *Server) closeSeat(st *seat, reason string) {
	st.mu.Lock()
	if st.reason != "" {
		st.mu.Unlock()
		return
	}
	st.reason = reason
	st.mu.Unlock()
	s.log.Info("closing seat", "person", st.person.ID.String(), "reason", reason)
	if reason == "stalled" {
		st.out.close()
		if st.conn != nil {
			_ = st.conn.Close()
		}
	}
	if st.prog != nil {
		st.prog.Quit()
	}
	go func() {
		// A program that does not end in time (its client gone) is killed,
		// and the connection with it.
		time.Sleep(3 * time.Second)
		s.mu.Lock()
		_, open := s.seats[st]
		s.mu.Unlock()
		if open {
			if st.prog != nil {
				st.prog.Kill()
			}
			if st.conn != nil {
				_ = st.conn.Close()
			}
		}
	}()
}

// watch closes stalled and idle seats and warns those about to be idle.
func (s *Server) watch() {
	defer s.wg.Done()
	t := time.NewTicker(s.opts.checkEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case now := <-t.C:
			s.mu.Lock()
			seats := s.list()
			s.mu.Unlock()
			for _, st := range seats {
				if st.out.stalledFor(now) >= s.opts.StallTimeout {
					s.closeSeat(st, "stalled")
					continue
				}
				idle := now.Sub(time.Unix(0, st.input.Load()))
				switch {
				case idle >= s.opts.IdleTimeout:
					s.closeSeat(st, "idle")
				case idle >= s.opts.IdleTimeout-idleWarning:
					st.mu.Lock()
					warn := !st.warned
					st.warned = true
					st.mu.Unlock()
					if warn && st.prog != nil {
						st.prog.Send(ui.Notice{Text: idleNotice(st.term.Lang, s.opts.IdleTimeout-idle), For: s.opts.IdleTimeout - idle})
					}
				}
			}
		}
	}
}

func idleNotice(lang string, left time.Duration) string {
	left = left.Round(time.Second)
	if lang == "en" {
		return fmt.Sprintf("no key pressed for a while: this seat closes in %s; press any key to keep it", left)
	}
	return fmt.Sprintf("长时间无操作：本席位将在 %s 后关闭，按任意键保持", left)
}

// onBatch sees each batch before the seats: a key added or revoked, or
// the roster changed, and the open seats' keys are checked again.
func (s *Server) onBatch(b model.Batch) {
	for _, e := range b.Events {
		if changesRoster(e) {
			s.view.forget()
			break
		}
	}
	for _, e := range b.Events {
		if e.Action == model.ActKey || e.Action == model.ActImport {
			select {
			case s.recheck <- struct{}{}:
			default:
			}
			return
		}
	}
}

// rechecking checks the open seats' keys whenever a key changes, and every
// ten seconds besides: a seat whose key is gone is closed.
func (s *Server) rechecking() {
	defer s.wg.Done()
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-s.recheck:
		case <-t.C:
		}
		s.mu.Lock()
		seats := s.list()
		s.mu.Unlock()
		known := map[string]bool{}
		for _, st := range seats {
			fp := st.key.Fingerprint
			ok, seen := known[fp]
			if !seen {
				k, p, err := s.keys.KeyHolder(context.Background(), fp)
				ok = err == nil && p.ID == st.person.ID && bytes.Equal(k.Blob, st.key.Blob)
				if err != nil && model.ErrorCode(err) != model.EUNAUTHORIZED {
					ok = true // the store could not answer: try again later
				}
				known[fp] = ok
			}
			if !ok {
				s.closeSeat(st, "revoked")
			}
		}
	}
}

// WriteMetrics writes the seats' counters as Prometheus text.
func (s *Server) WriteMetrics(w io.Writer) {
	p := func(name, typ, help string, v int64) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n%s %d\n", name, help, name, typ, name, v)
	}
	p("gridcmd_ssh_seats_open", "gauge", "Seats open over SSH now.", int64(s.Open()))
	p("gridcmd_ssh_seats_opened_total", "counter", "Seats opened over SSH.", s.m.opened.Load())
	p("gridcmd_ssh_auth_refused_total", "counter", "Public keys refused at authentication (unknown or revoked).", s.m.refusedAuth.Load())
	p("gridcmd_ssh_seats_refused_total", "counter", "Seats refused because every seat (ssh.max_seats) was taken.", s.m.refusedFull.Load())
	p("gridcmd_ssh_commands_total", "counter", "Commands run over SSH.", s.m.commands.Load())
	p("gridcmd_ssh_frames_dropped_total", "counter", "Frames dropped for seats whose client was not reading.", s.m.framesDropped.Load())
	p("gridcmd_ssh_batches_dropped_total", "counter", "Feed batches dropped for seats that fell behind (they reload).", s.hub.dropped.Load())
	fmt.Fprintf(w, "# HELP gridcmd_ssh_seats_closed_total Seats closed, by reason.\n# TYPE gridcmd_ssh_seats_closed_total counter\n")
	s.m.closedMu.Lock()
	reasons := make([]string, 0, len(s.m.closed))
	for r := range s.m.closed {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		fmt.Fprintf(w, "gridcmd_ssh_seats_closed_total{reason=%q} %d\n", r, s.m.closed[r])
	}
	s.m.closedMu.Unlock()
}

// LoadHostKey reads the host key at path, making an ed25519 key there
// (mode 0600, its folder 0700) if there is none. A key file others may
// read is refused, as OpenSSH refuses it.
func LoadHostKey(path string) ([]byte, error) {
	if path == "" {
		return nil, errors.New("ssh: no host key file (ssh.host_key)")
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return makeHostKey(path)
	case err != nil:
		return nil, fmt.Errorf("ssh host key: %w", err)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("ssh host key %s is not a regular file", path)
	case fi.Mode().Perm()&0o077 != 0:
		return nil, fmt.Errorf("ssh host key %s is readable by others (mode %04o); chmod 600 it", path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ssh host key: %w", err)
	}
	if _, err := gossh.ParsePrivateKey(b); err != nil {
		return nil, fmt.Errorf("ssh host key %s: %w", path, err)
	}
	return b, nil
}

func makeHostKey(path string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("ssh host key: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(crand.Reader)
	if err != nil {
		return nil, fmt.Errorf("ssh host key: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "gridcmd host key")
	if err != nil {
		return nil, fmt.Errorf("ssh host key: %w", err)
	}
	b := pem.EncodeToMemory(block)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("ssh host key: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("ssh host key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("ssh host key: %w", err)
	}
	return b, nil
}
