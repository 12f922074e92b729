package testkit

import (
	"context"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"gridcmd/api"
	"gridcmd/model"
)

// Listen listens on addr ("127.0.0.1:0" for any port). A port just given
// up may be taken for a moment by another process on the machine: it tries
// for 5 s.
func Listen(t testing.TB, addr string) net.Listener {
	t.Helper()
	var ln net.Listener
	require.Eventually(t, func() bool {
		var err error
		ln, err = net.Listen("tcp", addr)
		return err == nil
	}, 5*time.Second, 50*time.Millisecond, "listen on %s", addr)
	return ln
}

// Serve runs srv on ln until stop is called or the test ends, whichever
// comes first. stop shuts it down, requires it to end cleanly and then
// runs each of after; it does so once.
func Serve(t testing.TB, srv *api.Server, ln net.Listener, after ...func()) (stop func()) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			require.NoError(t, srv.Shutdown(ctx))
			require.NoError(t, <-done)
			for _, f := range after {
				f()
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// NextBatch is the next batch on sub, failing the test with why if none
// comes within limit or the subscription has ended.
func NextBatch(t testing.TB, sub model.Subscription, limit time.Duration, why string) model.Batch {
	t.Helper()
	select {
	case b, ok := <-sub.C():
		require.True(t, ok)
		return b
	case <-time.After(limit):
		t.Fatal(why)
		return model.Batch{}
	}
}
