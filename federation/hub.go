package federation

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"

	"gridcmd/model"
)

// HubConfig is what a hub runs with.
type HubConfig struct {
	StoreDir string    // JetStream's files (beside the county's database)
	Listen   string    // the leaf-node listener, host:port (port 0: any)
	Towns    []HubTown // the towns it federates, each with its key
	TLS      TLSFiles  // cert and key: TLS on the listener; ca: towns must show a cert it signed

	ReadModel model.FedReadModel     // where the towns' records are applied
	Commands  model.FedCommandOutbox // commands for the towns (nil: none)

	Duplicates time.Duration           // the streams' duplicate window (default 1h)
	Poll       time.Duration           // how often the command outbox is read when not notified (default 100ms)
	Now        func() time.Time        // the clock (default time.Now)
	Logf       func(string, ...any)    // the server's and the loops' log (nil: silent)
	OnApply    func([]model.FedRecord) // called after each applied batch (the bench's probe; nil: none)
}

// Hub is the county's (or city's) end of the federation.
type Hub struct {
	cfg  HubConfig
	srv  *server.Server
	port int // the leaf listener's
	nc   *nats.Conn
	js   jetstream.JetStream
	loops

	mu     sync.Mutex
	newest map[model.NodeCode]time.Time // publish time of the newest applied record per town
	cut    map[model.NodeCode]time.Time // since when a town's link is down (zero: up)
	links  []model.FedLink
	// started is when the hub started; linked, the towns whose link has
	// been up since: the others read as linking for model.FedLinkGrace.
	started time.Time
	linked  map[model.NodeCode]bool
}

// StartHub starts the hub's server, its streams and consumers, the applier
// and the command publisher. Close stops them.
func StartHub(ctx context.Context, cfg HubConfig) (*Hub, error) {
	if cfg.ReadModel == nil {
		return nil, errors.New("federation: the hub needs a read model")
	}
	if err := validTowns(cfg.Towns); err != nil {
		return nil, err
	}
	cfg = hubDefaults(cfg)
	opts, self, err := hubOptions(cfg)
	if err != nil {
		return nil, err
	}
	if err := canListen(opts.LeafNode.Host, opts.LeafNode.Port); err != nil {
		return nil, err
	}
	srv, err := startServer(opts, cfg.Logf)
	if err != nil {
		return nil, err
	}
	h := &Hub{cfg: cfg, srv: srv, port: opts.LeafNode.Port, loops: loops{wake: make(chan struct{}, 1)}, newest: map[model.NodeCode]time.Time{}, cut: map[model.NodeCode]time.Time{},
		started: cfg.Now(), linked: map[model.NodeCode]bool{}}
	for _, t := range cfg.Towns {
		h.cut[t.Code] = cfg.Now()
	}
	if err := h.connect(ctx, self); err != nil {
		h.closeConn()
		stopServer(srv)
		return nil, err
	}
	var run []func(context.Context)
	for _, t := range cfg.Towns {
		run = append(run, func(ctx context.Context) { h.applyLoop(ctx, t.Code) })
	}
	run = append(run, h.watchLoop)
	if cfg.Commands != nil {
		run = append(run, h.commandLoop)
	}
	h.start(run...)
	return h, nil
}

func hubDefaults(cfg HubConfig) HubConfig {
	if cfg.Duplicates <= 0 {
		cfg.Duplicates = time.Hour
	}
	if cfg.Poll <= 0 {
		cfg.Poll = 100 * time.Millisecond
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return cfg
}

func hubOptions(cfg HubConfig) (*server.Options, nkeys.KeyPair, error) {
	host, port, err := hostPort(cfg.Listen)
	if err != nil {
		return nil, nil, err
	}
	opts, err := jetStreamOptions(HubDomain, cfg.StoreDir)
	if err != nil {
		return nil, nil, err
	}
	self, err := nkeys.CreateUser()
	if err != nil {
		return nil, nil, err
	}
	selfPub, _ := self.PublicKey()
	opts.Nkeys = hubUsers(cfg.Towns, selfPub)
	opts.LeafNode = server.LeafNodeOpts{Host: host, Port: port, AuthTimeout: 5}
	if port == 0 {
		opts.LeafNode.Port = -1 // any free port
	}
	if cfg.TLS.Enabled() {
		tc, err := cfg.TLS.serverTLS()
		if err != nil {
			return nil, nil, err
		}
		opts.LeafNode.TLSConfig = tc
		opts.LeafNode.TLSTimeout = 5
	}
	return opts, self, nil
}

func (h *Hub) connect(ctx context.Context, self nkeys.KeyPair) error {
	pub, _ := self.PublicKey()
	nc, err := connectInProcess(h.srv, "gridcmd-hub", nats.Nkey(pub, self.Sign))
	if err != nil {
		return err
	}
	h.nc = nc
	if h.js, err = jetstream.New(nc); err != nil {
		return err
	}
	if err := h.setupStreams(ctx); err != nil {
		return err
	}
	return nil
}

// setupStreams makes (or updates to the configured towns) the hub's
// stream sourcing every town's, the command stream, the applier and each
// town's command consumer.
func (h *Hub) setupStreams(ctx context.Context) error {
	var sources []*jetstream.StreamSource
	for _, t := range h.cfg.Towns {
		sources = append(sources, &jetstream.StreamSource{
			Name: TownStream(t.Code),
			External: &jetstream.ExternalStream{
				APIPrefix:     jsAPIPrefix(string(t.Code)),
				DeliverPrefix: deliverPrefix(t.Code),
			},
		})
	}
	_, err := h.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:       hubStream,
		Sources:    sources,
		Storage:    jetstream.FileStorage,
		Duplicates: h.cfg.Duplicates,
		MaxAge:     streamMaxAge,
	})
	if err != nil {
		return fmt.Errorf("federation: hub stream: %w", err)
	}
	_, err = h.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:       commandsStream,
		Subjects:   []string{"gridcmd.*.commands"},
		Storage:    jetstream.FileStorage,
		Duplicates: h.cfg.Duplicates,
		MaxAge:     streamMaxAge,
	})
	if err != nil {
		return fmt.Errorf("federation: command stream: %w", err)
	}
	if err := h.townConsumers(ctx, commandsStream, "command consumer", commandConsumer, CommandsSubject, jetstream.AckExplicitPolicy, 256); err != nil {
		return err
	}
	for _, t := range h.cfg.Towns {
		if err := h.rewindApplier(ctx, t.Code); err != nil {
			return fmt.Errorf("federation: hub applier of town %s: %w", t.Code, err)
		}
	}
	if err := h.townConsumers(ctx, hubStream, "hub applier", applierOf, EventsSubject, jetstream.AckAllPolicy, 20000); err != nil {
		return err
	}
	// The one applier of all the towns before them (a record it could not
	// apply held up every town) has no more to do.
	if err := h.js.DeleteConsumer(ctx, hubStream, "gridcmd_apply"); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		return fmt.Errorf("federation: hub applier: %w", err)
	}
	return nil
}

// rewindApplier deals with a county file older than the hub's stream
// (restored from a backup): the town's applier has acked records the
// file does not hold, and would never deliver them again. Its consumer
// goes, and townConsumers makes it anew from the stream's start: the
// records come again and FedApply skips those the file has. What the
// applier will not deliver again is the town's records before its first
// unacked one (the town's next record after the ack floor; none: up to
// the town's last): the floor itself may be another town's record.
func (h *Hub) rewindApplier(ctx context.Context, town model.NodeCode) error {
	cons, err := h.js.Consumer(ctx, hubStream, applierOf(town))
	if errors.Is(err, jetstream.ErrConsumerNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	info, err := cons.Info(ctx)
	if err != nil || info.AckFloor.Stream == 0 {
		return err
	}
	s, err := h.js.Stream(ctx, hubStream)
	if err != nil {
		return err
	}
	var given uint64 // the town's last record the applier will not give again
	next, err := s.GetMsg(ctx, info.AckFloor.Stream+1, jetstream.WithGetMsgSubject(EventsSubject(town)))
	switch {
	case err == nil:
		if given = headerSeq(next.Header.Get(HeaderSeq)); given == 0 {
			return nil // not a record of the town's
		}
		given--
	case errors.Is(err, jetstream.ErrMsgNotFound):
		last, err := s.GetLastMsgForSubject(ctx, EventsSubject(town))
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		given = headerSeq(last.Header.Get(HeaderSeq))
	default:
		return err
	}
	applied, err := h.cfg.ReadModel.FedApplied(ctx, town)
	if err != nil || applied >= given {
		return err
	}
	h.logf("federation: the county file holds town %s's records up to %d, but the hub's stream gave it up to %d: the file is older than the stream (restored from a backup?); the town's records are read again from the stream's start (it keeps %.0f days)",
		town, applied, given, streamMaxAge.Hours()/24)
	return h.js.DeleteConsumer(ctx, hubStream, applierOf(town))
}

// townConsumers makes a durable consumer on stream for every town, named
// and filtered by name and subject of the town's code, acked by ack within
// 30 s, with at most pending unacked; an error says which (what) of which
// town.
func (h *Hub) townConsumers(ctx context.Context, stream, what string, name, subject func(model.NodeCode) string, ack jetstream.AckPolicy, pending int) error {
	for _, t := range h.cfg.Towns {
		_, err := h.js.CreateOrUpdateConsumer(ctx, stream, jetstream.ConsumerConfig{
			Durable:       name(t.Code),
			FilterSubject: subject(t.Code),
			AckPolicy:     ack,
			AckWait:       30 * time.Second,
			MaxAckPending: pending,
		})
		if err != nil {
			return fmt.Errorf("federation: %s of town %s: %w", what, t.Code, err)
		}
	}
	return nil
}

// canListen tries the leaf listener's address before the server does: an
// embedded nats-server that cannot listen only logs it and never becomes
// ready.
func canListen(host string, port int) error {
	if port <= 0 {
		return nil
	}
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("federation.listen %s: %w (another hub on this port?)", addr, err)
	}
	return ln.Close()
}

// LeafURL is the hub's leaf-node listener as a town dials it.
func (h *Hub) LeafURL() string {
	scheme := "nats"
	if h.cfg.TLS.Enabled() {
		scheme = "tls"
	}
	return fmt.Sprintf("%s://127.0.0.1:%d", scheme, h.port)
}

// Port is the leaf-node listener's port (the one chosen, when 0 was asked).
func (h *Hub) Port() int {
	return h.port
}

// Close stops the loops, the client and the server.
func (h *Hub) Close() error {
	h.stop()
	h.closeConn()
	stopServer(h.srv)
	_ = writeStatus(h.cfg.StoreDir, Status{Role: "hub", Stopped: true, PID: os.Getpid(), Updated: h.cfg.Now(), Links: cutAll(h.Links(), h.cfg.Now())})
	return nil
}

func (h *Hub) closeConn() {
	if h.nc != nil {
		h.nc.Close()
	}
}

func (h *Hub) logf(format string, args ...any) {
	if h.cfg.Logf != nil {
		h.cfg.Logf(format, args...)
	}
}

const (
	applyMax    = 2000                  // records applied in one transaction at most
	applyGather = 20 * time.Millisecond // a batch waits this long after its first record for more
)

// applyLoop takes a town's sourced records from the hub's stream in batches
// and applies each batch to the read model in one call, acking (ack-all)
// only after it applied; a batch that fails is tried again before any later
// one of the town, so an ack never covers a record not applied. Each town
// has its own loop and consumer: a record the read model cannot apply holds
// up its own town, not the county's picture of every town.
func (h *Hub) applyLoop(ctx context.Context, town model.NodeCode) {
	cons, err := h.js.Consumer(ctx, hubStream, applierOf(town))
	if err != nil {
		h.logf("federation: hub applier of town %s: %v", town, err)
		return
	}
	msgs := make(chan jetstream.Msg, 4096)
	cc, err := cons.Consume(func(m jetstream.Msg) {
		select {
		case msgs <- m:
		case <-ctx.Done():
		}
	}, jetstream.PullMaxMessages(applyMax))
	if err != nil {
		h.logf("federation: hub applier of town %s: %v", town, err)
		return
	}
	defer cc.Stop()
	for {
		var batch []jetstream.Msg
		select {
		case <-ctx.Done():
			return
		case m := <-msgs:
			batch = append(batch, m)
		}
		// Gather what follows for a moment: records come from the
		// towns' streams in bursts, and a transaction per few records
		// would cost the hub's file (and the CPU the towns share with it
		// on one machine) a commit each.
		gather := time.NewTimer(applyGather)
	drain:
		for len(batch) < applyMax {
			select {
			case m := <-msgs:
				batch = append(batch, m)
			case <-gather.C:
				break drain
			case <-ctx.Done():
				gather.Stop()
				return
			}
		}
		gather.Stop()
		if !h.applyBatch(ctx, batch) {
			return
		}
	}
}

// applyBatch applies a batch until it succeeds (or the hub closes).
func (h *Hub) applyBatch(ctx context.Context, batch []jetstream.Msg) bool {
	recs, times := h.records(batch)
	for {
		_, err := h.cfg.ReadModel.FedApply(ctx, recs)
		if err == nil {
			break
		}
		h.logf("federation: applying %d records: %v (trying again)", len(recs), err)
		select {
		case <-ctx.Done():
			return false
		case <-time.After(time.Second):
		}
	}
	h.mu.Lock()
	for town, t := range times {
		if t.After(h.newest[town]) {
			h.newest[town] = t
		}
	}
	h.mu.Unlock()
	if h.cfg.OnApply != nil {
		h.cfg.OnApply(recs)
	}
	if err := batch[len(batch)-1].Ack(); err != nil {
		h.logf("federation: hub ack: %v", err)
	}
	return true
}

// records reads a batch's records, dropping (with a log line) any whose
// subject, sequence or id do not agree: a record's town is its subject's,
// which the town's permissions keep its own.
func (h *Hub) records(batch []jetstream.Msg) ([]model.FedRecord, map[model.NodeCode]time.Time) {
	recs := make([]model.FedRecord, 0, len(batch))
	times := map[model.NodeCode]time.Time{}
	for _, m := range batch {
		town := townOfSubject(m.Subject(), "events")
		seq := headerSeq(m.Headers().Get(HeaderSeq))
		if town == "" || seq == 0 || m.Headers().Get(jetstream.MsgIDHeader) != model.FedMsgID(town, seq) {
			h.logf("federation: hub dropped a message on %q (seq %d, id %q)", m.Subject(), seq, m.Headers().Get(jetstream.MsgIDHeader))
			continue
		}
		if from := sourcedFrom(m.Headers().Get(streamSourceHeader)); from != TownStream(town) {
			h.logf("federation: hub dropped a message on %q sourced from %q: a town files only its own records", m.Subject(), from)
			continue
		}
		recs = append(recs, model.FedRecord{Town: town, Seq: seq, Data: m.Data()})
		if t := headerTime(m.Headers().Get(HeaderTime)); t.After(times[town]) {
			times[town] = t
		}
	}
	return recs, times
}

// commandLoop publishes the command outbox into the command stream.
func (h *Hub) commandLoop(ctx context.Context) {
	p := &publisher{
		js:     h.js,
		stream: commandsStream,
		pending: func(ctx context.Context, after uint64) ([]model.FedRecord, error) {
			return h.cfg.Commands.FedCommandsPending(ctx, after, publishBatch)
		},
		cursor:    h.cfg.Commands.FedCommandCursor,
		setCursor: h.cfg.Commands.SetFedCommandCursor,
		newest:    h.cfg.Commands.FedCommandsLast,
		subject:   func(r model.FedRecord) string { return CommandsSubject(r.Town) },
		wake:      h.wake,
		poll:      h.cfg.Poll,
		now:       h.cfg.Now,
		logf:      h.logf,
	}
	p.run(ctx)
}

// watchLoop keeps the links' states and mends a known race of sourcing
// across a leaf connection: when a town's leaf connects, the hub's source
// tries at once to make its consumer in the town's domain, often before
// the town's interest in its API has reached the hub; the request is lost
// and the source waits 30 s to try again. A source found idle while its
// town is connected is set up again (removed and added back; the hub's
// stream remembers how far it had sourced, and the message ids drop any
// overlap).
func (h *Hub) watchLoop(ctx context.Context) {
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	up := map[model.NodeCode]time.Time{}
	nudged := map[model.NodeCode]time.Time{}
	h.seedNewest(ctx)
	for n := 0; ; n++ {
		conn := h.leafTowns()
		info, err := h.hubStreamInfo(ctx)
		if n%4 == 0 {
			h.refreshLinks(ctx, conn, info)
			st := Status{Role: "hub", PID: os.Getpid(), Updated: h.cfg.Now(), Links: h.Links()}
			if err := writeStatus(h.cfg.StoreDir, st); err != nil {
				h.logf("federation: status: %v", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if err != nil {
			continue
		}
		now := time.Now()
		for _, t := range h.cfg.Towns {
			if !conn[t.Code] {
				delete(up, t.Code)
				h.setCut(t.Code, true)
				continue
			}
			h.setCut(t.Code, false)
			if _, ok := up[t.Code]; !ok {
				up[t.Code] = now
			}
			si := sourceOf(info, t.Code)
			idle := si == nil || si.Error != nil || si.Active < 0 || si.Active > 2500*time.Millisecond
			if idle && now.Sub(up[t.Code]) > 750*time.Millisecond && now.Sub(nudged[t.Code]) > 5*time.Second {
				nudged[t.Code] = now
				if err := h.resource(ctx, t.Code); err != nil {
					h.logf("federation: setting up the source of town %s again: %v", t.Code, err)
				}
			}
		}
	}
}

// leafTowns are the towns whose leaf connection is up: the town's
// interest in its own domain's consumer API is on the hub (the
// permissions let only that town's key ask for it).
func (h *Hub) leafTowns() map[model.NodeCode]bool {
	out := map[model.NodeCode]bool{}
	lz, err := h.srv.Leafz(&server.LeafzOptions{Subscriptions: true})
	if err != nil {
		return out
	}
	want := map[string]model.NodeCode{}
	for _, t := range h.cfg.Towns {
		want[jsAPIPrefix(string(t.Code))+".CONSUMER.>"] = t.Code
	}
	for _, l := range lz.Leafs {
		for _, s := range l.Subs {
			if town, ok := want[s]; ok {
				out[town] = true
			}
		}
	}
	return out
}

func (h *Hub) hubStreamInfo(ctx context.Context) (*jetstream.StreamInfo, error) {
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	s, err := h.js.Stream(cctx, hubStream)
	if err != nil {
		return nil, err
	}
	return s.Info(cctx)
}

func sourceOf(info *jetstream.StreamInfo, town model.NodeCode) *jetstream.StreamSourceInfo {
	for _, si := range info.Sources {
		if si != nil && si.Name == TownStream(town) {
			return si
		}
	}
	return nil
}

// resource removes the town's source from the hub's stream and adds it
// back, which sets its consumer up at once.
func (h *Hub) resource(ctx context.Context, town model.NodeCode) error {
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	s, err := h.js.Stream(cctx, hubStream)
	if err != nil {
		return err
	}
	cfg := s.CachedInfo().Config
	all := cfg.Sources
	var without []*jetstream.StreamSource
	for _, src := range all {
		if src.Name != TownStream(town) {
			without = append(without, src)
		}
	}
	cfg.Sources = without
	if _, err := h.js.UpdateStream(cctx, cfg); err != nil {
		return err
	}
	cfg.Sources = all
	_, err = h.js.UpdateStream(cctx, cfg)
	return err
}

func (h *Hub) setCut(town model.NodeCode, cut bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case cut && h.cut[town].IsZero():
		h.cut[town] = h.cfg.Now()
	case !cut:
		h.cut[town] = time.Time{}
		h.linked[town] = true
	}
}

// streamSourceHeader names, on a message of the hub's stream, the source it
// came from; the hub's own server writes it (removing any a town set), so
// it says which town's stream sent the message whatever its subject.
const streamSourceHeader = "Nats-Stream-Source"

// sourcedFrom is the stream named by a Nats-Stream-Source header,
// "<stream>[:<hash>] <seq> ..." ("" when there is none).
func sourcedFrom(v string) string {
	name, _, _ := strings.Cut(v, " ")
	name, _, _ = strings.Cut(name, ":")
	return name
}
