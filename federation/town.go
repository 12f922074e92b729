package federation

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"gridcmd/model"
)

// TownConfig is what a town's node runs with.
type TownConfig struct {
	Town     model.NodeCode
	StoreDir string // JetStream's files (beside the town's database)
	HubURL   string // the hub's leaf-node listener, nats://host:port or tls://host:port ("" : no uplink)
	NkeySeed string // file holding the town's nkey seed (SU...)
	Creds    string // or a credentials file (a hub in NATS operator mode)
	TLS      TLSFiles

	Outbox    model.FedOutbox    // the committed log and its cursor
	Commander model.FedCommander // applies the hub's commands (nil: no downlink)

	// LastBurst is when the town's writer last committed a burst's
	// transaction (the store's LastBurst: many reports at once): while that
	// is recent the uplink gives way, up to a second a batch (nil: never).
	LastBurst func() time.Time

	Duplicates time.Duration        // the stream's duplicate window (default 1h)
	MaxAge     time.Duration        // how long the stream keeps a record (default 30 days)
	Poll       time.Duration        // how often the outbox is read when not notified (default 100ms)
	Reconnect  time.Duration        // wait between attempts to reach the hub (default 1s)
	Now        func() time.Time     // the clock (default time.Now)
	Logf       func(string, ...any) // the server's and the loops' log (nil: silent)

	// The crash points of the end-to-end tests (nil in use): called with a
	// batch's last seq after the batch was read from the outbox and before
	// it is published, and after the local stream acked it and before the
	// cursor is written.
	BeforePublish func(seq uint64)
	AfterAck      func(seq uint64)
}

// Town is a town's node: an embedded nats-server with JetStream in the
// town's own domain, a leaf connection to the hub, the publisher of the
// town's log into its local stream, and the consumer of its commands.
type Town struct {
	cfg TownConfig
	srv *server.Server
	nc  *nats.Conn
	js  jetstream.JetStream
	pub *publisher
	loops

	mu     sync.Mutex
	link   model.FedLink
	acked  uint64    // the last record the hub applied, as it last said
	newest time.Time // publish time of the newest record the hub has
	cmdSeq uint64    // the last command applied

	heard       time.Time // when the hub last spoke of the town
	leafSince   time.Time // since when the leaf link is up (zero: down)
	started     time.Time // when the node started
	linked      bool      // the uplink has been up since
	silenceSaid bool      // the hub's silence over a live link was logged
}

// StartTown starts the town's node. Publishing is local: the town's log
// flows into its own stream whether or not the hub is reachable, and the
// hub's source takes it from there when the link is up.
func StartTown(ctx context.Context, cfg TownConfig) (*Town, error) {
	if err := ValidTown(cfg.Town); err != nil {
		return nil, err
	}
	if cfg.Outbox == nil {
		return nil, errors.New("federation: the town needs its outbox")
	}
	cfg = townDefaults(cfg)
	opts, err := townOptions(cfg)
	if err != nil {
		return nil, err
	}
	srv, err := startServer(opts, cfg.Logf)
	if err != nil {
		return nil, err
	}
	t := &Town{cfg: cfg, srv: srv, loops: loops{wake: make(chan struct{}, 1)}}
	t.link = model.FedLink{Role: "town", Town: cfg.Town, Hub: cfg.HubURL, CutSince: cfg.Now(), Linking: cfg.HubURL != ""}
	t.started = cfg.Now()
	if err := t.connect(ctx); err != nil {
		t.Close()
		return nil, err
	}
	run := []func(context.Context){t.pub.run, t.watchLoop}
	if cfg.Commander != nil && cfg.HubURL != "" {
		run = append(run, t.commandLoop)
	}
	t.start(run...)
	return t, nil
}

func townDefaults(cfg TownConfig) TownConfig {
	if cfg.Duplicates <= 0 {
		cfg.Duplicates = time.Hour
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = streamMaxAge
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 100 * time.Millisecond
	}
	if cfg.Reconnect <= 0 {
		cfg.Reconnect = time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return cfg
}

func townOptions(cfg TownConfig) (*server.Options, error) {
	opts, err := jetStreamOptions(string(cfg.Town), cfg.StoreDir)
	if err != nil {
		return nil, err
	}
	if cfg.HubURL == "" {
		return opts, nil
	}
	u, err := url.Parse(cfg.HubURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("federation.hub: %q is not a URL like nats://host:7422", cfg.HubURL)
	}
	remote := &server.RemoteLeafOpts{URLs: []*url.URL{u}, Credentials: cfg.Creds}
	if cfg.NkeySeed != "" {
		kp, err := ReadSeed(cfg.NkeySeed)
		if err != nil {
			return nil, err
		}
		seed, _ := kp.Seed()
		remote.Nkey = string(seed)
	}
	if cfg.TLS.Enabled() || u.Scheme == "tls" {
		tc, err := cfg.TLS.clientTLS()
		if err != nil {
			return nil, err
		}
		remote.TLS, remote.TLSConfig, remote.TLSTimeout = true, tc, 5
	}
	opts.LeafNode.Remotes = []*server.RemoteLeafOpts{remote}
	opts.LeafNode.ReconnectInterval = cfg.Reconnect
	return opts, nil
}

func (t *Town) connect(ctx context.Context) error {
	nc, err := connectInProcess(t.srv, "gridcmd-"+string(t.cfg.Town), nats.CustomInboxPrefix(townInbox(t.cfg.Town)))
	if err != nil {
		return err
	}
	t.nc = nc
	if t.js, err = jetstream.New(nc); err != nil {
		return err
	}
	_, err = t.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:       TownStream(t.cfg.Town),
		Subjects:   []string{EventsSubject(t.cfg.Town)},
		Storage:    jetstream.FileStorage,
		Duplicates: t.cfg.Duplicates,
		MaxAge:     t.cfg.MaxAge,
	})
	if err != nil {
		return fmt.Errorf("federation: stream %s: %w", TownStream(t.cfg.Town), err)
	}
	if _, err := nc.Subscribe(statusSubject(t.cfg.Town), func(m *nats.Msg) { t.onHubReport(m.Data) }); err != nil {
		return err
	}
	town := t.cfg.Town
	t.pub = &publisher{
		js:     t.js,
		stream: TownStream(town),
		pending: func(ctx context.Context, after uint64) ([]model.FedRecord, error) {
			return t.cfg.Outbox.FedPending(ctx, after, publishBatch)
		},
		cursor:     t.cfg.Outbox.FedCursor,
		setCursor:  t.cfg.Outbox.SetFedCursor,
		newest:     t.cfg.Outbox.FedLast,
		town:       town,
		numberPast: t.cfg.Outbox.FedNumberPast,
		subject: func(r model.FedRecord) string {
			return EventsSubject(town)
		},
		wake:          t.wake,
		poll:          t.cfg.Poll,
		busy:          t.cfg.LastBurst,
		now:           t.cfg.Now,
		logf:          t.logf,
		beforePublish: t.cfg.BeforePublish,
		afterAck:      t.cfg.AfterAck,
	}
	return nil
}

// Close stops the loops (the cursor is written on the way out), the
// client and the server.
func (t *Town) Close() error {
	t.stop()
	if t.nc != nil {
		t.nc.Close()
	}
	stopServer(t.srv)
	if t.pub != nil { // started: say the node is gone
		_ = writeStatus(t.cfg.StoreDir, Status{Role: "town", Stopped: true, PID: os.Getpid(), Updated: t.cfg.Now(), Links: cutAll(t.Links(), t.cfg.Now())})
	}
	return nil
}

func (t *Town) logf(format string, args ...any) {
	if t.cfg.Logf != nil {
		t.cfg.Logf(format, args...)
	}
}

// commandLoop takes the town's commands from the hub's stream, through the
// durable consumer the hub made for the town, and applies each with the
// Commander before acking it (a command the ack of which was lost comes
// again; the Commander applies a command number once).
func (t *Town) commandLoop(ctx context.Context) {
	hub, err := jetstream.NewWithDomain(t.nc, HubDomain)
	if err != nil {
		t.logf("federation: downlink: %v", err)
		return
	}
	for ctx.Err() == nil {
		if !t.Connected() || !t.hubHeard() {
			sleep(ctx, t.cfg.Reconnect)
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		cons, err := hub.Consumer(cctx, commandsStream, commandConsumer(t.cfg.Town))
		cancel()
		if err != nil {
			if ctx.Err() == nil {
				t.logf("federation: downlink: %v", err)
			}
			sleep(ctx, t.cfg.Reconnect)
			continue
		}
		t.fetchCommands(ctx, cons)
	}
}

// fetchCommands applies commands until the link fails.
func (t *Town) fetchCommands(ctx context.Context, cons jetstream.Consumer) {
	for ctx.Err() == nil {
		batch, err := cons.Fetch(64, jetstream.FetchMaxWait(2*time.Second))
		if err != nil {
			sleep(ctx, t.cfg.Reconnect)
			return
		}
		for m := range batch.Messages() {
			if !t.applyCommand(ctx, m) {
				return
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) {
			sleep(ctx, t.cfg.Reconnect)
			return
		}
	}
}

func (t *Town) applyCommand(ctx context.Context, m jetstream.Msg) bool {
	seq := headerSeq(m.Headers().Get(HeaderSeq))
	if m.Subject() != CommandsSubject(t.cfg.Town) || seq == 0 {
		t.logf("federation: downlink: dropped a message on %q (seq %d)", m.Subject(), seq)
		_ = m.Term()
		return true
	}
	rec := model.FedRecord{Town: t.cfg.Town, Seq: seq, Data: m.Data()}
	if err := t.cfg.Commander.FedCommand(ctx, rec); err != nil {
		t.logf("federation: command %d: %v (it comes again)", seq, err)
		_ = m.NakWithDelay(t.cfg.Reconnect)
		return false
	}
	t.mu.Lock()
	t.cmdSeq = seq
	t.mu.Unlock()
	actx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := m.DoubleAck(actx); err != nil {
		t.logf("federation: command %d applied, its ack lost: %v (it comes again, applied once)", seq, err)
		return false
	}
	return true
}

// hubHeard says whether the hub spoke of the town lately: its consumer is
// there to ask only then (a town the hub does not know by its key would
// ask, and log its failure, every second).
func (t *Town) hubHeard() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return !t.heard.IsZero() && t.cfg.Now().Sub(t.heard) < hubSilence
}

// Connected says whether the leaf connection to the hub is up (the link
// reads as up only when the hub also speaks of the town: refreshLink).
func (t *Town) Connected() bool { return t.srv.NumLeafNodes() > 0 }
