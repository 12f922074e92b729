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

// Local is a server holding the database at a path, as a console or
// 'gridcmd serve' does: its local credential file written beside it.
type Local struct {
	Server     *api.Server
	URL        string // http://host:port
	RemoveFile func() // removes the credential file
	Stop       func() // shuts the server down and removes the file; once
}

// ServeLocal serves svc and in on addr with a local credential file beside
// path, until Stop is called or the test ends.
func ServeLocal(t testing.TB, svc model.Service, in model.IntakeService, path, addr string) Local {
	t.Helper()
	ln := Listen(t, addr)
	cred, removeFile, err := api.WriteLocal(path, ln.Addr().String())
	require.NoError(t, err)
	srv := api.New(svc, in, api.Options{LocalCredential: cred})
	stop := Serve(t, srv, ln, removeFile)
	return Local{Server: srv, URL: "http://" + ln.Addr().String(), RemoveFile: removeFile, Stop: stop}
}
