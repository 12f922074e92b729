package seat

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	gossh "golang.org/x/crypto/ssh"

	"gridcmd/demo"
	"gridcmd/internal/churn"
	"gridcmd/internal/demodb"
	"gridcmd/internal/testkit"
	"gridcmd/model"
	"gridcmd/store"
)

var shanghai = testkit.CST

// base is the demo's night: 03:10.
var base = testkit.Night

// Duxi is 渎溪村, the village of the seats' village cadre.
const duxi model.NodeCode = "330784114266"

// rig is a real store holding the Huajie demo, with the seats' server on a
// loopback port.
type rig struct {
	db      *store.DB
	srv     *Server
	addr    string
	officer model.Person // a duty officer of the town
	cadre   model.Person // a village cadre of 渎溪村
}

// sndbuf is the send buffer of the server's connections in these tests:
// small, so a client that stops reading stalls its seat after a few frames
// rather than after megabytes.
const sndbuf = 16 << 10

type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(sndbuf)
	}
	return c, err
}

func newRig(t *testing.T, opts Options) *rig {
	t.Helper()
	db, _ := demodb.Open(t, "seat.db", base, demo.Load)
	r := &rig{db: db}
	officers, err := db.People(context.Background(), model.PeopleFilter{Role: model.RoleDutyOfficer})
	require.NoError(t, err)
	r.officer = officers[0]
	cadres, err := db.People(context.Background(), model.PeopleFilter{Role: model.RoleVillageCadre, Node: duxi})
	require.NoError(t, err)
	require.NotEmpty(t, cadres)
	r.cadre = cadres[0]

	opts.HostKey = filepath.Join(t.TempDir(), "host")
	opts.Location = shanghai
	if opts.checkEvery == 0 {
		opts.checkEvery = 50 * time.Millisecond
	}
	r.srv, err = New(db, db, opts)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	r.addr = ln.Addr().String()
	done := make(chan error, 1)
	go func() { done <- r.srv.Serve(smallBuffers{ln}) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		assert.NoError(t, r.srv.Shutdown(ctx))
		<-done
	})
	return r
}

// key makes an ed25519 key and, for a person, adds it to the store.
func (r *rig) key(t *testing.T, p *model.Person) (gossh.Signer, model.SSHKey) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	signer, err := gossh.NewSignerFromKey(priv)
	require.NoError(t, err)
	k, err := model.ParseAuthorizedKey(string(gossh.MarshalAuthorizedKey(signer.PublicKey())))
	require.NoError(t, err)
	if p != nil {
		_, err = r.db.AddKey(context.Background(), p.ID, k)
		require.NoError(t, err)
	}
	return signer, k
}

// client is a seat seen from an x/crypto/ssh client with a PTY: what it
// shows is kept in a vterm.
type client struct {
	conn    *gossh.Client
	sess    *gossh.Session
	stdin   io.Writer
	term    *vterm
	raw     *rawConn
	mu      sync.Mutex
	all     bytes.Buffer // everything the seat wrote
	ended   chan struct{}
	stalled chan struct{}
}

// rawConn is the client's TCP connection; stall stops reading it, as a
// dead link does.
type rawConn struct {
	net.Conn
	stall chan struct{}
}

func (c *rawConn) Read(p []byte) (int, error) {
	select {
	case <-c.stall:
		select {} // never reads again; the test's end closes the server side
	default:
	}
	return c.Conn.Read(p)
}

func dial(addr string, signer gossh.Signer) (*gossh.Client, *rawConn, error) {
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, nil, err
	}
	_ = nc.(*net.TCPConn).SetReadBuffer(sndbuf)
	rc := &rawConn{Conn: nc, stall: make(chan struct{})}
	cc, chans, reqs, err := gossh.NewClientConn(rc, addr, &gossh.ClientConfig{
		User: "seat", Auth: []gossh.AuthMethod{gossh.PublicKeys(signer)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), // a server the test started
		Timeout:         5 * time.Second,
	})
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	return gossh.NewClient(cc, chans, reqs), rc, nil
}

func (r *rig) open(t *testing.T, signer gossh.Signer, w, h int, env ...string) *client {
	t.Helper()
	conn, rc, err := dial(r.addr, signer)
	require.NoError(t, err)
	sess, err := conn.NewSession()
	require.NoError(t, err)
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		require.NoError(t, sess.Setenv(k, v))
	}
	require.NoError(t, sess.RequestPty("xterm-256color", h, w, gossh.TerminalModes{}))
	stdout, err := sess.StdoutPipe()
	require.NoError(t, err)
	stdin, err := sess.StdinPipe()
	require.NoError(t, err)
	require.NoError(t, sess.Shell())
	c := &client{conn: conn, sess: sess, stdin: stdin, term: newVterm(w, h), raw: rc, ended: make(chan struct{})}
	go func() {
		defer close(c.ended)
		buf := make([]byte, 8<<10)
		for {
			n, err := stdout.Read(buf)
			if n > 0 {
				if bytes.Contains(buf[:n], []byte("\x1b[c")) {
					_, _ = stdin.Write([]byte("\x1b[?62;c")) // DA1: a VT220
				}
				c.mu.Lock()
				c.all.Write(buf[:n])
				c.mu.Unlock()
				_, _ = c.term.Write(buf[:n])
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { c.close() })
	return c
}

func (c *client) close() {
	c.sess.Close()
	c.conn.Close()
}

func (c *client) output() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.all.String()
}

// waitFor waits until the screen satisfies ok, failing with the screen.
func (c *client) waitFor(t *testing.T, what string, ok func(screen string) bool) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := c.term.text()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("the seat never showed %s; it shows:\n%s", what, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func contains(sub string) func(string) bool {
	return func(s string) bool { return strings.Contains(s, sub) }
}

// press sends keys to the seat.
func (c *client) press(t *testing.T, keys string) {
	t.Helper()
	_, err := io.WriteString(c.stdin, keys)
	require.NoError(t, err)
}

func TestVillageSeatShowsItsVillageAndNoOther(t *testing.T) {
	r := newRig(t, Options{Terminal: Terminal{Lang: "zh"}})
	signer, _ := r.key(t, &r.cadre)
	c := r.open(t, signer, 120, 40, "LANG=zh_CN.UTF-8")
	screen := c.waitFor(t, "the village's tower", contains("▾ 渎溪村"))
	header := strings.Split(screen, "\n")[0]
	assert.Contains(t, header, "渎溪村")
	assert.Contains(t, header, r.cadre.Name)
	assert.NotContains(t, header, "花街镇")

	nodes, err := r.db.Nodes(context.Background(), "")
	require.NoError(t, err)
	for _, n := range nodes {
		if n.Level == model.LevelVillage && n.Code != duxi {
			assert.NotContains(t, screen, n.Name, "a village seat of 渎溪村 shows %s", n.Name)
		}
	}
	// The queue holds the village's open incidents, and they are all on screen.
	incs, err := r.db.Incidents(context.Background(), model.IncidentFilter{Open: true, Node: duxi})
	require.NoError(t, err)
	require.NotEmpty(t, incs)
	for _, inc := range incs {
		assert.Contains(t, screen, inc.Title)
	}
}

// A seat's language is the session's (LC_ALL, LANG) when it sends one,
// else its person's from the roster, else the config's.
func TestSeatLanguage(t *testing.T) {
	r := newRig(t, Options{Terminal: Terminal{Lang: "zh"}})
	people, err := r.db.ImportPeople(context.Background(), []model.Person{{Name: "柯英", Phone: "13900001111", Node: duxi,
		Roles: []model.Role{model.RoleVillageCadre}, Lang: "en"}}, model.System, "")
	require.NoError(t, err)
	require.Len(t, people, 1)
	english := people[0]
	p, err := r.db.Person(context.Background(), english.ID)
	require.NoError(t, err)
	require.Equal(t, "en", p.Lang, "the roster keeps the person's language")

	en, _ := r.key(t, &english)
	c := r.open(t, en, 120, 40) // no LANG: the person's
	head := strings.Split(c.waitFor(t, "the village's tower", contains("▾ 渎溪村")), "\n")[0]
	assert.Contains(t, head, "village room · 柯英")
	c = r.open(t, en, 120, 40, "LANG=zh_CN.UTF-8") // the session's over the person's
	head = strings.Split(c.waitFor(t, "the village's tower", contains("▾ 渎溪村")), "\n")[0]
	assert.Contains(t, head, "村社 · 柯英")

	zh, _ := r.key(t, &r.cadre) // a person without a language: the config's
	c = r.open(t, zh, 120, 40)
	head = strings.Split(c.waitFor(t, "the village's tower", contains("▾ 渎溪村")), "\n")[0]
	assert.Contains(t, head, "村社 · "+r.cadre.Name)
}

func TestUnknownAndRevokedKeysAreRefused(t *testing.T) {
	r := newRig(t, Options{})
	stranger, _ := r.key(t, nil)
	_, _, err := dial(r.addr, stranger)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unable to authenticate")

	signer, k := r.key(t, &r.cadre)
	conn, _, err := dial(r.addr, signer)
	require.NoError(t, err)
	conn.Close()
	_, err = r.db.RevokeKey(context.Background(), k.Fingerprint)
	require.NoError(t, err)
	_, _, err = dial(r.addr, signer)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unable to authenticate")

	var m strings.Builder
	r.srv.WriteMetrics(&m)
	assert.Contains(t, m.String(), "gridcmd_ssh_auth_refused_total 2\n")
}

// A client that offers a person's public key without holding its private
// key (the query before a signature) and then signs with its own unknown
// key gets in as nobody: the key offered first binds nothing.
func TestOfferingAnotherKeyBindsNothing(t *testing.T) {
	r := newRig(t, Options{})
	victim, _ := r.key(t, &r.officer)
	own, _ := r.key(t, nil)
	_, _, err := dial(r.addr, offerOnly{victim, own})
	require.Error(t, err, "a signature by another key got in")
	assert.Contains(t, err.Error(), "handshake failed")
	assert.Zero(t, r.srv.Open())
}

// offerOnly offers victim's public key but signs with own's private key.
type offerOnly struct{ victim, own gossh.Signer }

func (o offerOnly) PublicKey() gossh.PublicKey { return o.victim.PublicKey() }
func (o offerOnly) Sign(r io.Reader, data []byte) (*gossh.Signature, error) {
	return o.own.Sign(r, data)
}

func TestRevokeClosesTheOpenSeat(t *testing.T) {
	r := newRig(t, Options{Terminal: Terminal{Lang: "zh"}})
	signer, k := r.key(t, &r.cadre)
	c := r.open(t, signer, 120, 40)
	c.waitFor(t, "the village's tower", contains("▾ 渎溪村"))
	require.Equal(t, 1, r.srv.Open())
	_, err := r.db.RevokeKey(context.Background(), k.Fingerprint)
	require.NoError(t, err)
	select {
	case <-c.ended:
	case <-time.After(2 * time.Second):
		t.Fatal("the seat is still open 2 s after its key was revoked")
	}
	assert.Contains(t, c.output(), "你的 SSH 密钥已被吊销")
	evs, err := r.db.Events(context.Background(), 0, 5)
	require.NoError(t, err)
	var closed bool
	for _, e := range evs {
		closed = closed || e.Action == model.ActSeat && strings.Contains(e.Note, "closed (revoked)") && strings.Contains(e.Note, k.Fingerprint)
	}
	assert.True(t, closed, "no seat-closed event for the revoked key: %+v", evs)
}

func TestAnAcknowledgementAtTheVillageSeatIsOnTheTownSeat(t *testing.T) {
	r := newRig(t, Options{Terminal: Terminal{Lang: "zh"}})
	ctx := context.Background()
	// A grave report in 渎溪村 grid 02, climbed to the village room.
	inc, err := r.db.Report(ctx, model.Report{Node: duxi + "-02", Category: "hazard", Severity: model.SeverityI,
		Title: "村口变压器冒烟", Reporter: r.officer.ID})
	require.NoError(t, err)
	inc, err = r.db.Act(ctx, inc.ID, model.Command{Action: model.ActEscalate, By: r.officer.ID, To: model.TierVillage})
	require.NoError(t, err)
	require.Equal(t, model.StatusReported, inc.Status)

	town, _ := r.key(t, &r.officer)
	village, _ := r.key(t, &r.cadre)
	ts := r.open(t, town, 120, 40, "LANG=zh_CN.UTF-8")
	vs := r.open(t, village, 120, 40, "LANG=zh_CN.UTF-8")
	rowOf := func(screen string) string {
		for _, l := range strings.Split(screen, "\n") {
			if strings.Contains(l, "村口变压器冒烟") {
				return l
			}
		}
		return ""
	}
	ts.waitFor(t, "the new report, unsigned, on the town seat", func(s string) bool { return strings.Contains(rowOf(s), "上报") })
	vs.waitFor(t, "the new report at the top of the village queue", func(s string) bool { return strings.Contains(rowOf(s), "▌I ") })

	vs.press(t, "a")
	vs.waitFor(t, "the acknowledgement at the village seat", func(s string) bool {
		if strings.Contains(s, "y/n") {
			vs.press(t, "y")
		}
		return strings.Contains(rowOf(s), "签收")
	})
	ts.waitFor(t, "the village's acknowledgement on the town seat", func(s string) bool { return strings.Contains(rowOf(s), "签收") })
	got, err := r.db.Incident(ctx, inc.ID)
	require.NoError(t, err)
	assert.Equal(t, model.StatusAcknowledged, got.Status)
	tl, err := r.db.Timeline(ctx, inc.ID)
	require.NoError(t, err)
	last := tl[len(tl)-1]
	assert.Equal(t, model.ActAcknowledge, last.Action)
	assert.Equal(t, r.cadre.ID, last.Actor, "the seat acts as its key's person")
}

// Every line of a Chinese seat is its terminal's width, and the panes'
// borders stand in the same columns on every row, with the ambiguous
// characters one column wide (LANG=zh_CN.UTF-8) or two (ASCII borders).
func TestChineseBordersLineUp(t *testing.T) {
	r := newRig(t, Options{Terminal: Terminal{Lang: "en"}})
	for _, tc := range []struct {
		w, h int
		env  []string
	}{
		{120, 40, []string{"LANG=zh_CN.UTF-8"}},
		{80, 24, []string{"LANG=zh_CN.UTF-8"}},
		{120, 40, []string{"LC_ALL=zh_CN.UTF-8", "GRIDCMD_AMBIGUOUS_WIDE=1"}},
	} {
		t.Run(fmt.Sprintf("%dx%d %v", tc.w, tc.h, tc.env), func(t *testing.T) {
			signer, _ := r.key(t, &r.officer)
			c := r.open(t, signer, tc.w, tc.h, tc.env...)
			wide := len(tc.env) > 1
			tower := "▾ 花街镇"
			if wide {
				tower = "- 花街镇"
			}
			screen := c.waitFor(t, "the town's tower, in Chinese", contains(tower))
			assert.Contains(t, screen, "网格塔", "the seat took LANG/LC_ALL over the server's en")
			lines := strings.Split(screen, "\n")
			// The columns of the borders on the first row of the panes.
			border := func(s string) bool { return strings.ContainsAny(s, "│╭╮╰╯|+") }
			cols := func(l string) []int {
				var at []int
				col := 0
				for _, g := range splitCells(l) {
					if border(g) {
						at = append(at, col)
					}
					col += ansi.StringWidth(g)
				}
				return at
			}
			want := cols(lines[1])
			require.Len(t, want, 4, "two panes side by side: %q", lines[1])
			for i, l := range lines[1 : len(lines)-1] {
				assert.Equal(t, tc.w, ansi.StringWidth(l), "row %d: %q", i+1, l)
				got := cols(l)
				assert.Subset(t, got, []int{want[0], want[1], want[2], want[3]}, "row %d: %q", i+1, l)
			}
		})
	}
}

// splitCells splits a screen row into its characters.
func splitCells(l string) []string {
	var out []string
	for _, r := range l {
		out = append(out, string(r))
	}
	return out
}

// One client stops reading (a dead link): the others still see every
// change, the writer is not held, and the stalled seat is closed after the
// stall timeout.
func TestStalledSeatDoesNotHoldBackTheRest(t *testing.T) {
	r := newRig(t, Options{Terminal: Terminal{Lang: "zh"}, StallTimeout: time.Second})
	ctx := context.Background()
	signer, _ := r.key(t, &r.officer)
	var seats []*client
	for i := 0; i < 3; i++ {
		seats = append(seats, r.open(t, signer, 120, 40, "LANG=zh_CN.UTF-8"))
	}
	dead := r.open(t, signer, 200, 60, "LANG=zh_CN.UTF-8")
	for _, c := range append(seats, dead) {
		c.waitFor(t, "the town's tower", contains("▾ 花街镇"))
	}
	close(dead.raw.stall)

	open, err := r.db.Incidents(ctx, model.IncidentFilter{Open: true, Tier: model.TierTown})
	require.NoError(t, err)
	id := open[0].ID
	for i := 0; i < 40; i++ {
		marker := fmt.Sprintf("STALL%03d", i)
		require.NoError(t, churn.Change(ctx, r.db, id, r.officer.ID, marker))
		for _, c := range seats {
			c.waitFor(t, marker, contains(marker))
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for r.srv.Open() > 3 {
		require.True(t, time.Now().Before(deadline), "the stalled seat is still open")
		time.Sleep(50 * time.Millisecond)
	}
	var m strings.Builder
	r.srv.WriteMetrics(&m)
	assert.Contains(t, m.String(), `gridcmd_ssh_seats_closed_total{reason="stalled"} 1`)
	for _, c := range seats {
		select {
		case <-c.ended:
			t.Fatal("a seat that reads was closed")
		default:
		}
	}
}

func TestCommandsOverSSHAreTheRoomsOnly(t *testing.T) {
	r := newRig(t, Options{Commands: func(ctx context.Context, svc model.Service, p model.Person, _ string, args []string, stdout, stderr io.Writer) int {
		incs, err := svc.Incidents(ctx, model.IncidentFilter{Open: true})
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		for _, inc := range incs {
			fmt.Fprintln(stdout, inc.ID, inc.Node)
		}
		return 0
	}})
	signer, _ := r.key(t, &r.cadre)
	out, err := runOverSSH(t, r, signer, "incidents --json")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.NotEmpty(t, lines)
	for _, l := range lines {
		assert.Contains(t, l, " "+string(duxi), "a village cadre's command lists only the village")
	}
	_, err = runOverSSH(t, r, signer, "backup /tmp/x.db")
	var exit *gossh.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 1, exit.ExitStatus())
}

// In wartime the village seat is the village's wartime command room: its
// header says so, the directive's bars are its own micro-grids', and it
// issues a directive to its own micro-grids (and no other village's).
func TestVillageRoomInWartime(t *testing.T) {
	r := newRig(t, Options{Terminal: Terminal{Lang: "zh"}})
	ctx := context.Background()
	_, err := r.db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{"330784114"}, true, "", r.officer.ID)
	require.NoError(t, err)
	_, _, err = r.db.IssueDirective(ctx, "全镇转移低洼户", []model.NodeCode{"330784114"}, 2*time.Hour, r.officer.ID, false)
	require.NoError(t, err)

	signer, _ := r.key(t, &r.cadre)
	c := r.open(t, signer, 120, 40, "LANG=zh_CN.UTF-8")
	screen := c.waitFor(t, "the village's wartime room", contains("村级战时指挥室 · "+r.cadre.Name))
	screen = c.waitFor(t, "the town's directive", contains("全镇转移低洼户"))
	assert.NotContains(t, screen, "小界岭村", "another village's bars on a village seat")

	c.press(t, "d")
	c.waitFor(t, "the directive form", contains("下达指令"))
	c.press(t, "逐户核查人员去向\r\r")
	// The targets default to the seat's village; another village is refused.
	c.press(t, strings.Repeat("\x7f", 20)+"330784114201\r")
	c.waitFor(t, "the refusal of another village", contains("不在本席位的范围"))
	c.press(t, strings.Repeat("\x7f", 20)+"330784114266\r")
	c.waitFor(t, "the dry run's question", contains("y/n"))
	c.press(t, "y")
	deadline := time.Now().Add(10 * time.Second)
	for {
		ds, err := r.db.Directives(ctx, "")
		require.NoError(t, err)
		if len(ds) == 2 {
			d, units, err := r.db.Directive(ctx, ds[len(ds)-1].ID)
			require.NoError(t, err)
			assert.Equal(t, "逐户核查人员去向", d.Text)
			assert.Equal(t, r.cadre.ID, d.By)
			require.NotEmpty(t, units)
			for _, u := range units {
				assert.True(t, duxi.Contains(u.Unit), "a unit of another village: %s", u.Unit)
			}
			break
		}
		require.True(t, time.Now().Before(deadline), "the village seat's directive was not issued; it shows:\n%s", c.term.text())
		time.Sleep(50 * time.Millisecond)
	}
}

func TestRawChannelIsTheSessionsChannel(t *testing.T) {
	r := newRig(t, Options{})
	signer, _ := r.key(t, &r.officer)
	c := r.open(t, signer, 80, 24)
	c.waitFor(t, "the town", contains("花街镇"))
	r.srv.mu.Lock()
	defer r.srv.mu.Unlock()
	for st := range r.srv.seats {
		_, isChannel := st.out.w.(gossh.Channel)
		assert.True(t, isChannel, "a seat writes through the emulated PTY's copies: %T", st.out.w)
	}
}

// A command sent with a PTY (ssh -t host stats) runs as without one: it
// did open the console and drop the command, so a script waited for the
// idle timeout.
func TestCommandWithAPTYRuns(t *testing.T) {
	r := newRig(t, Options{Commands: func(ctx context.Context, svc model.Service, p model.Person, _ string, args []string, stdout, stderr io.Writer) int {
		fmt.Fprintln(stdout, "ran", strings.Join(args, " "))
		return 0
	}})
	signer, _ := r.key(t, &r.cadre)
	conn, _, err := dial(r.addr, signer)
	require.NoError(t, err)
	defer conn.Close()
	sess, err := conn.NewSession()
	require.NoError(t, err)
	require.NoError(t, sess.RequestPty("xterm-256color", 24, 80, gossh.TerminalModes{}))
	done := make(chan []byte, 1)
	go func() { out, _ := sess.Output("stats --json"); done <- out }()
	select {
	case out := <-done:
		assert.Contains(t, string(out), "ran stats --json")
	case <-time.After(10 * time.Second):
		t.Fatal("the command did not run: the console opened instead")
	}
}

// runOverSSH runs command over SSH with signer's key, in a connection of
// its own, and returns what it printed and how it ended.
func runOverSSH(t *testing.T, r *rig, signer gossh.Signer, command string) ([]byte, error) {
	t.Helper()
	conn, _, err := dial(r.addr, signer)
	require.NoError(t, err)
	defer conn.Close()
	sess, err := conn.NewSession()
	require.NoError(t, err)
	return sess.Output(command)
}

// statsOverSSH runs "stats" over SSH with signer's key, on a server whose
// command prints the (scoped) service's Stats as JSON.
func statsOverSSH(t *testing.T, r *rig, signer gossh.Signer) model.Stats {
	t.Helper()
	out, err := runOverSSH(t, r, signer, "stats --json")
	require.NoError(t, err, "%s", out)
	var st model.Stats
	require.NoError(t, json.Unmarshal(out, &st), "%s", out)
	return st
}

// A village cadre's stats over SSH count the village: its tower, the
// people placed in it, its incidents and its figures, not the town's; a
// duty officer's are the town's, which here is the whole file.
func TestStatsOverSSHAreTheRooms(t *testing.T) {
	r := newRig(t, Options{Commands: func(ctx context.Context, svc model.Service, p model.Person, _ string, args []string, stdout, stderr io.Writer) int {
		st, err := svc.Stats(ctx)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		_ = json.NewEncoder(stdout).Encode(st)
		return 0
	}})
	ctx := context.Background()
	whole, err := r.db.Stats(ctx)
	require.NoError(t, err)
	officerKey, _ := r.key(t, &r.officer)
	assert.Equal(t, whole, statsOverSSH(t, r, officerKey), "the town room of a file of one town")

	cadreKey, _ := r.key(t, &r.cadre)
	got := statsOverSSH(t, r, cadreKey)
	want := model.Stats{}
	nodes, err := r.db.Nodes(ctx, duxi)
	require.NoError(t, err)
	for _, n := range nodes {
		want.CountNode(n)
	}
	people, err := r.db.People(ctx, model.PeopleFilter{Node: duxi})
	require.NoError(t, err)
	for _, p := range people {
		want.CountPerson(p)
	}
	all, err := r.db.Incidents(ctx, model.IncidentFilter{Node: duxi})
	require.NoError(t, err)
	want.Incidents.Total = len(all)
	open, err := r.db.Incidents(ctx, model.IncidentFilter{Node: duxi, Open: true})
	require.NoError(t, err)
	for _, inc := range open {
		want.CountOpen(inc, r.db.Now())
	}
	f, err := r.db.Figures(ctx, duxi)
	require.NoError(t, err)
	want.SetFigures(f)
	assert.Equal(t, want, got)
	assert.Equal(t, 0, got.Towns)
	assert.Equal(t, 1, got.Villages)
	// The demo's 渎溪村 as its tower shows it, pinned (the sums above use
	// the same counting as the seat's: a wrong subtree would agree).
	assert.Equal(t, [3]int{4, 11, 758}, [3]int{got.Grids, got.MicroGrids, got.Households}, "渎溪村's grids, micro-grids, households")
	assert.NotZero(t, got.Incidents.Open)
	assert.Less(t, got.Incidents.Open, whole.Incidents.Open, "the village's open incidents, not the town's")
	assert.Less(t, got.People.Total, whole.People.Total)
	assert.Less(t, got.Households, whole.Households)
}

// A command sent over SSH is noted in the log as text cleaned of what
// would drive a terminal: a village cadre cannot retitle or recolour the
// consoles above the village that show the event.
func TestCommandsOverSSHAreNotedWithoutEscapes(t *testing.T) {
	r := newRig(t, Options{Commands: func(ctx context.Context, svc model.Service, p model.Person, _ string, args []string, stdout, stderr io.Writer) int {
		return 1
	}})
	signer, _ := r.key(t, &r.cadre)
	_, _ = runOverSSH(t, r, signer, "stats \x1b]0;PWNED\a\x1b[31mred\x1b[0m "+strings.Repeat("x", 2*model.MaxNoteRunes))
	evs, err := r.db.Events(context.Background(), 0, 10)
	require.NoError(t, err)
	var noted *model.Event
	for i, e := range evs {
		if e.Action == model.ActSeat && strings.Contains(e.Note, "stats") {
			noted = &evs[i]
			break
		}
	}
	require.NotNil(t, noted, "the command is noted")
	for _, note := range []string{noted.Note, noted.NoteZh} {
		assert.NotContains(t, note, "\x1b")
		assert.NotContains(t, note, "\a")
		assert.NotContains(t, note, "PWNED")
		assert.Contains(t, note, "stats red x")
		assert.Less(t, len([]rune(note)), model.MaxNoteRunes+200, "the command is cut")
	}
}

// A seat cannot take the file the gridcmd serving it holds: :take is not
// in its help, and typed it says why (a QA saw "本控制台已持有数据库").
func TestSeatRefusesTake(t *testing.T) {
	r := newRig(t, Options{Terminal: Terminal{Lang: "zh"}})
	signer, _ := r.key(t, &r.cadre)
	c := r.open(t, signer, 120, 40, "LANG=zh_CN.UTF-8")
	c.waitFor(t, "the village's tower", contains("▾ 渎溪村"))
	c.press(t, "?")
	help := c.waitFor(t, "the help", contains(":handover"))
	assert.NotContains(t, help, ":take")
	c.press(t, "\x1b")
	time.Sleep(100 * time.Millisecond)
	c.press(t, ":")
	time.Sleep(100 * time.Millisecond)
	c.press(t, "take")
	time.Sleep(100 * time.Millisecond)
	c.press(t, "\r")
	screen := c.waitFor(t, "the refusal", contains("SSH 席位不能接管数据库"))
	assert.NotContains(t, screen, "本控制台已持有数据库")
}

// A key revoked between the handshake and the session is refused when the
// session starts, in the session's language (its LANG, else the server's):
// 权限被拒绝 in Chinese, as every other refusal of the seats has its
// Chinese (a QA: "permission denied" was English only).
func TestPermissionDeniedSpeaksTheSessionsLanguage(t *testing.T) {
	for _, tc := range []struct {
		server, env, want string
	}{
		{"zh", "", "gridcmd：权限被拒绝：该密钥不属于名册上的任何人，或已被吊销\n"},
		{"en", "", "gridcmd: permission denied: the key is no one's on the roster, or was revoked\n"},
		{"en", "zh_CN.UTF-8", "gridcmd：权限被拒绝：该密钥不属于名册上的任何人，或已被吊销\n"},
	} {
		r := newRig(t, Options{Terminal: Terminal{Lang: tc.server}})
		signer, k := r.key(t, &r.cadre)
		conn, _, err := dial(r.addr, signer)
		require.NoError(t, err)
		_, err = r.db.RevokeKey(context.Background(), k.Fingerprint)
		require.NoError(t, err)
		sess, err := conn.NewSession()
		require.NoError(t, err)
		if tc.env != "" {
			require.NoError(t, sess.Setenv("LANG", tc.env))
		}
		var stderr strings.Builder
		sess.Stderr = &stderr
		err = sess.Run("incidents")
		var exit *gossh.ExitError
		require.ErrorAs(t, err, &exit)
		assert.Equal(t, 1, exit.ExitStatus())
		assert.Equal(t, tc.want, stderr.String(), "%+v", tc)
		conn.Close()
	}
}
