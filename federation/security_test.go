package federation

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"
)

// A town's key lets it speak only as itself: the town T1's key claiming
// to be T2 (T2's domain, stream and subjects) gets nothing into the hub,
// neither as T2 nor as T1.
func TestTownCannotPublishAsAnotherTown(t *testing.T) {
	c := newCounty(t, "T1", "T2")
	c.startHub()
	evil := &memOutbox{town: "T2"}
	fake := c.town("T2", "T1", evil, nil)
	evil.add(20)
	require.Eventually(t, func() bool { return fake.pub.at.Load() == 20 }, 5*time.Second, 10*time.Millisecond)
	require.Eventually(t, fake.Connected, 5*time.Second, 10*time.Millisecond)
	// The real T1 shows the path works while the impostor is connected.
	c.publishT1(5)
	time.Sleep(3500 * time.Millisecond) // past the hub's watch setting the T2 source up again
	require.Zero(t, c.rm.Applied("T2"))
	require.Zero(t, hubStreamCount(t, c.hub, "T2"))
	require.False(t, c.hub.leafTowns()["T2"], "the hub must not count the impostor as T2")
}

// Subjects under another town's prefix, and the hub's own API, are refused
// on a town's leaf connection; the town's own prefix passes.
func TestTownPublishesOnlyUnderItsPrefix(t *testing.T) {
	c := newCounty(t, "T1", "T2")
	c.startHub()
	var own, other atomic.Int32
	sub, err := c.hub.nc.Subscribe("gridcmd.>", func(m *nats.Msg) {
		switch townOfSubject(m.Subject, "probe") {
		case "T1":
			own.Add(1)
		case "T2":
			other.Add(1)
		}
	})
	require.NoError(t, err)
	t.Cleanup(func() { sub.Unsubscribe() })
	require.NoError(t, c.hub.nc.Flush())
	t1 := c.town("T1", "T1", &memOutbox{town: "T1"}, nil)
	require.Eventually(t, t1.Connected, 5*time.Second, 10*time.Millisecond)
	require.Eventually(t, func() bool {
		_ = t1.nc.Publish("gridcmd.T1.probe", []byte("mine"))
		_ = t1.nc.Publish("gridcmd.T2.probe", []byte("not mine"))
		return own.Load() > 0
	}, 5*time.Second, 50*time.Millisecond)
	_ = t1.nc.Publish("gridcmd.T2.probe", []byte("not mine"))
	require.NoError(t, t1.nc.Flush())
	time.Sleep(200 * time.Millisecond)
	require.Zero(t, other.Load(), "a message under T2's prefix reached the hub from T1")

	// The hub's JetStream API, reached through its domain, refuses T1.
	hubJS, err := jetstream.NewWithDomain(t1.nc, HubDomain)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err = hubJS.DeleteStream(ctx, hubStream)
	require.Error(t, err)
	_, err = c.hub.js.Stream(context.Background(), hubStream)
	require.NoError(t, err, "the hub's stream is still there")
}

// A town's server is the town's to configure: T1 widening its own stream to
// T2's subject and filing records there as T2 must not get them applied as
// T2's on the hub (the hub sources GRIDCMD_T1, so what it takes from there
// is T1's whatever its subject says).
func TestTownCannotSmuggleAnotherTownThroughItsStream(t *testing.T) {
	c := newCounty(t, "T1", "T2")
	c.startHub()
	o1 := &memOutbox{town: "T1"}
	t1 := c.town("T1", "T1", o1, nil)
	ctx := context.Background()
	_, err := t1.js.UpdateStream(ctx, jetstream.StreamConfig{
		Name: TownStream("T1"), Subjects: []string{EventsSubject("T1"), EventsSubject("T2")},
		Storage: jetstream.FileStorage, Duplicates: time.Hour,
	})
	require.NoError(t, err)
	m := nats.NewMsg(EventsSubject("T2"))
	m.Header.Set(HeaderSeq, "1")
	m.Data = []byte(`{"forged":true}`)
	_, err = t1.js.PublishMsg(ctx, m, jetstream.WithMsgID("T2-1"))
	require.NoError(t, err)
	o1.add(3)
	waitApplied(t, c.rm, "T1", 3, 10*time.Second)
	time.Sleep(500 * time.Millisecond)
	require.Zero(t, c.rm.Applied("T2"), "T1 filed a record as T2")
}

// The commands subject of a town is the hub's to write: a town publishing
// there (a forged county command, or a number taken ahead of the hub's, so
// the hub's own is dropped as a duplicate) is refused.
func TestTownCannotWriteItsOwnCommands(t *testing.T) {
	c := newCounty(t, "T1")
	h := c.startHub()
	t1 := c.town("T1", "T1", &memOutbox{town: "T1"}, nil)
	require.Eventually(t, t1.Connected, 5*time.Second, 10*time.Millisecond)
	for range 20 {
		_ = t1.nc.Publish(CommandsSubject("T1"), []byte("forged"))
	}
	require.NoError(t, t1.nc.Flush())
	time.Sleep(500 * time.Millisecond)
	s, err := h.js.Stream(context.Background(), commandsStream)
	require.NoError(t, err)
	info, err := s.Info(context.Background())
	require.NoError(t, err)
	require.Zero(t, info.State.Msgs, "a town wrote into the hub's command stream")
}

func TestUnknownKeyIsRefused(t *testing.T) {
	c := newCounty(t, "T1")
	c.startHub()
	seed, _, err := NewTownKey()
	require.NoError(t, err)
	c.seeds["X"] = filepath.Join(c.dir, "x.nk")
	require.NoError(t, os.WriteFile(c.seeds["X"], []byte(seed), 0o600))
	o := &memOutbox{town: "T1"}
	tn := c.town("T1", "X", o, nil)
	o.add(3)
	time.Sleep(time.Second)
	require.False(t, tn.Connected())
	require.Zero(t, c.rm.Applied("T1"))
}

func TestTLSLink(t *testing.T) {
	c := newCounty(t, "T1")
	c.tls = writeTestCert(t, c.dir)
	c.startHub()
	_, tn := c.publishT1(10)
	require.True(t, tn.Connected())

	// A town that does not trust the hub's certificate does not connect.
	o2 := &memOutbox{town: "T1"}
	ca := c.tls.CA
	c.tls.CA = ""
	defer func() { c.tls.CA = ca }()
	require.NoError(t, tn.Close())
	tn2 := c.town("T1", "T1", o2, nil)
	time.Sleep(time.Second)
	require.False(t, tn2.Connected())
}

// writeTestCert writes a self-signed CA that is also the hub's certificate
// for 127.0.0.1.
func writeTestCert(t *testing.T, dir string) TLSFiles {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "gridcmd hub"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	kder, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	f := TLSFiles{Cert: filepath.Join(dir, "hub.crt"), Key: filepath.Join(dir, "hub.key"), CA: filepath.Join(dir, "ca.crt")}
	require.NoError(t, os.WriteFile(f.Cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(f.CA, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(f.Key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600))
	return f
}

// A town whose key the hub lists under another town's code links (the key
// is known) but is heard by nobody: its uplink must not read as up, or the
// town's room would say 上联 正常 while the county gets nothing of it.
func TestATownUnderAnotherTownsKeyDoesNotReadAsUp(t *testing.T) {
	c := newCounty(t, "T1", "T2")
	c.startHub()
	o := &memOutbox{town: "T1"}
	var logged atomic.Int32
	wrong, err := StartTown(context.Background(), TownConfig{
		Town: "T1", StoreDir: filepath.Join(c.dir, "town-T1"), HubURL: c.url(), NkeySeed: c.seeds["T2"],
		Outbox: o, Commander: &memCommander{}, Poll: 20 * time.Millisecond, Reconnect: 100 * time.Millisecond,
		Logf: func(f string, a ...any) { logged.Add(1); t.Logf("T1: "+f, a...) },
	})
	require.NoError(t, err)
	t.Cleanup(func() { wrong.Close() })
	o.add(3)
	require.Eventually(t, wrong.Connected, 5*time.Second, 10*time.Millisecond, "the leaf itself links")
	time.Sleep(3 * time.Second)
	wrong.refreshLink(context.Background())
	require.False(t, wrong.Links()[0].Connected, "nothing of T1 reaches the county")
	require.Zero(t, logged.Load(), "the downlink does not ask a hub that does not know the town, nor log it every try")

	right := c.town("T2", "T2", &memOutbox{town: "T2"}, nil)
	require.Eventually(t, func() bool {
		right.refreshLink(context.Background())
		return right.Links()[0].Connected
	}, 10*time.Second, 50*time.Millisecond, "a town the hub hears reads as up")
}
