package federation

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"gridcmd/model"
)

// TLSFiles names the PEM files of a TLS setting: a certificate and its key
// (the hub's server certificate, or a town's client certificate), and the
// CA that signed the other end's (a town checks the hub's with it; the hub,
// given one, requires and checks the towns').
type TLSFiles struct {
	Cert string
	Key  string
	CA   string
}

// Enabled says whether any file is set.
func (f TLSFiles) Enabled() bool { return f.Cert != "" || f.Key != "" || f.CA != "" }

// serverTLS is the hub's leaf listener's TLS.
func (f TLSFiles) serverTLS() (*tls.Config, error) {
	if f.Cert == "" || f.Key == "" {
		return nil, model.Errorf(model.EINVALID, "federation.tls: the hub needs both cert and key").
			Zh("联邦 TLS：中心需要同时配置证书（cert）和私钥（key）")
	}
	cert, err := tls.LoadX509KeyPair(f.Cert, f.Key)
	if err != nil {
		return nil, fmt.Errorf("federation.tls: %w", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if f.CA != "" {
		pool, err := loadPool(f.CA)
		if err != nil {
			return nil, err
		}
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}

// clientTLS is a town's TLS to the hub.
func (f TLSFiles) clientTLS() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if f.CA != "" {
		pool, err := loadPool(f.CA)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	if f.Cert != "" || f.Key != "" {
		cert, err := tls.LoadX509KeyPair(f.Cert, f.Key)
		if err != nil {
			return nil, fmt.Errorf("federation.tls: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

func loadPool(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("federation.tls.ca: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("federation.tls.ca: %s holds no PEM certificate", file)
	}
	return pool, nil
}

// startServer starts an embedded nats-server and waits until it serves.
func startServer(opts *server.Options, logf func(string, ...any)) (*server.Server, error) {
	opts.NoSigs = true
	opts.NoLog = logf == nil
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("federation: nats-server: %w", err)
	}
	if logf != nil {
		srv.SetLoggerV2(newNatsLogger(logf), false, false, false)
	}
	srv.Start()
	if !srv.ReadyForConnections(15 * time.Second) {
		srv.Shutdown()
		srv.WaitForShutdown()
		return nil, fmt.Errorf("federation: nats-server %s did not start in 15s", opts.ServerName)
	}
	return srv, nil
}

// jetStreamOptions are the options of a node's embedded server: named for
// its JetStream domain (the hub's, or a town's code), no client port, its
// files in storeDir, which it makes if need be.
func jetStreamOptions(domain, storeDir string) (*server.Options, error) {
	if err := os.MkdirAll(storeDir, 0o700); err != nil {
		return nil, fmt.Errorf("federation.store_dir: %w", err)
	}
	return &server.Options{
		ServerName:      "gridcmd-" + domain,
		DontListen:      true,
		JetStream:       true,
		JetStreamDomain: domain,
		StoreDir:        storeDir,
	}, nil
}

// stopServer shuts a server down and waits for it.
func stopServer(srv *server.Server) {
	if srv == nil {
		return
	}
	srv.Shutdown()
	srv.WaitForShutdown()
}

// connectInProcess is a client of srv without a socket.
func connectInProcess(srv *server.Server, name string, extra ...nats.Option) (*nats.Conn, error) {
	opts := append([]nats.Option{
		nats.InProcessServer(srv),
		nats.Name(name),
		nats.MaxReconnects(-1),
	}, extra...)
	nc, err := nats.Connect("", opts...)
	if err != nil {
		return nil, fmt.Errorf("federation: connect to the embedded server: %w", err)
	}
	return nc, nil
}

// natsLogger hands the server's warnings and errors to a printf-like
// function (its notices, the banner and every connection, are left out),
// each kind at most once a minute: a town cut from its hub would otherwise
// log a failed dial every second or two for as long as the cut lasts.
type natsLogger struct {
	logf func(string, ...any)
	mu   *sync.Mutex
	last map[string]time.Time
}

func newNatsLogger(logf func(string, ...any)) natsLogger {
	return natsLogger{logf: logf, mu: &sync.Mutex{}, last: map[string]time.Time{}}
}

func (l natsLogger) say(prefix, f string, a ...any) {
	now := time.Now()
	l.mu.Lock()
	if now.Sub(l.last[f]) < time.Minute {
		l.mu.Unlock()
		return
	}
	l.last[f] = now
	l.mu.Unlock()
	l.logf(prefix+f, a...)
}

func (l natsLogger) Noticef(f string, a ...any) {}
func (l natsLogger) Warnf(f string, a ...any)   { l.say("nats warning: ", f, a...) }
func (l natsLogger) Fatalf(f string, a ...any)  { l.say("nats fatal: ", f, a...) }
func (l natsLogger) Errorf(f string, a ...any)  { l.say("nats error: ", f, a...) }
func (l natsLogger) Debugf(f string, a ...any)  {}
func (l natsLogger) Tracef(f string, a ...any)  {}

// hostPort splits host:port for the leaf listener.
func hostPort(addr string) (string, int, error) {
	i := strings.LastIndex(addr, ":")
	if i < 0 {
		return "", 0, fmt.Errorf("federation.listen: %q: want host:port", addr)
	}
	var port int
	if _, err := fmt.Sscanf(addr[i+1:], "%d", &port); err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("federation.listen: %q: bad port", addr)
	}
	host := addr[:i]
	if host == "" {
		host = "0.0.0.0"
	}
	return host, port, nil
}

// loops are a node's goroutines (the hub's appliers, watcher and command
// publisher; the town's publisher, watcher and command consumer): start
// runs them on a context of their own, Notify wakes the one that waits on
// wake, stop ends them and waits for them to return.
type loops struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	wake   chan struct{}
}

// start runs each fn in its goroutine until stop. The context is not the
// start's: the loops outlive the call that started the node.
func (l *loops) start(fns ...func(context.Context)) {
	ctx, cancel := context.WithCancel(context.Background())
	l.cancel = cancel
	for _, fn := range fns {
		l.wg.Add(1)
		go func() { defer l.wg.Done(); fn(ctx) }()
	}
}

// Notify wakes the node's publisher: on a town, the store committed events
// (without it the publisher still reads the outbox every Poll); on the hub,
// a command was queued.
func (l *loops) Notify() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// stop ends the loops and waits for them (nothing to do if none started).
func (l *loops) stop() {
	if l.cancel != nil {
		l.cancel()
	}
	l.wg.Wait()
}
