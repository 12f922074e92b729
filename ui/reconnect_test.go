package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// serverDown is the store seen through a server that is down for its next
// few subscriptions: each of those is lost from the start, as the local
// API client's is when the server does not answer.
type serverDown struct {
	model.Service
	down int
}

func (s *serverDown) Subscribe() model.Subscription {
	if s.down > 0 {
		s.down--
		return &deadSub{}
	}
	return s.Service.Subscribe()
}

// deadSub is a subscription that never opened.
type deadSub struct{ closed bool }

func (d *deadSub) C() <-chan model.Batch {
	ch := make(chan model.Batch)
	close(ch)
	return ch
}
func (d *deadSub) Lost() bool { return true }
func (d *deadSub) Close()     { d.closed = true }

// TestFeedReconnects: an attached console whose feed ends says so in the
// header and the status line, subscribes again, waiting longer each time
// the server is not back, and, once it is, reloads what it missed and goes
// on live.
func TestFeedReconnects(t *testing.T) {
	f := newFixture(t)
	svc := &serverDown{Service: f.db, down: 2}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, lang := range []string{"zh", "en"} {
			for _, wide := range []bool{false, true} {
				opt := f.options(t, lang)
				opt.Reconnect, opt.AmbiguousWide = true, wide
				m := New(svc, nil, opt)
				m = update(t, m, keyMsgSize(size[0], size[1]))
				m = update(t, m, loadSnapshot(svc, "")())
				m = update(t, m, eventsMsg{closed: true})
				require.True(t, m.feedDown)
				view := m.View()
				assert.Contains(t, view, m.p.lab.FeedDown)
				assert.Contains(t, view, m.say("reconnecting", "正在重新连接"))
				header, _, _ := strings.Cut(view, "\n")
				assert.Contains(t, header, m.now.In(shanghai).Format("15:04:05"), "the time stays whole")
				assert.Contains(t, header, fmt.Sprintf("%s %d  %s %d", m.p.lab.Open, m.w.inc.open, m.p.lab.Red, m.w.inc.red),
					"open and red stay before the date does")
				checkScreen(t, m, size[0], size[1], wide)
			}
		}
	}

	opt := f.options(t, "en")
	opt.Reconnect = true
	m := New(svc, nil, opt)
	m = update(t, m, keyMsgSize(120, 40))
	m = update(t, m, loadSnapshot(svc, "")())
	m = update(t, m, eventsMsg{closed: true})
	assert.Equal(t, firstRetry, m.retry)
	svc.down = 2
	m = update(t, m, resubscribeMsg{})
	assert.True(t, m.feedDown, "the server is not back")
	assert.Equal(t, 2*firstRetry, m.retry, "the next wait is longer")
	m = update(t, m, resubscribeMsg{})
	assert.Equal(t, 4*firstRetry, m.retry)

	// Meanwhile another process files a report the console cannot see.
	inc, err := f.db.Report(context.Background(), model.Report{Node: "330784114266-02-01", Category: "traffic",
		Severity: model.SeverityI, Title: "断线期间的上报", Reporter: model.System})
	require.NoError(t, err)
	assert.NotContains(t, m.View(), inc.Title)

	// The server is back.
	m = update(t, m, resubscribeMsg{})
	require.False(t, m.feedDown)
	require.True(t, m.ownSub)
	defer m.Close()
	view := m.View()
	assert.Contains(t, view, "live feed back")
	assert.NotContains(t, view, "FEED LOST")
	assert.Contains(t, view, inc.Title, "what happened meanwhile is reloaded")

	// The feed the console now waits on is the server's new one.
	_, dead := m.sub.(*deadSub)
	assert.False(t, dead)
	assert.NotNil(t, m.sub)
}

// TestFeedLostOnTheFile: a console on the file itself (its feed ends only
// with the program) does not try again; it says to restart.
func TestFeedLostOnTheFile(t *testing.T) {
	f := newFixture(t)
	m := f.model(t, "en", 120, 40)
	next, cmd := m.Update(eventsMsg{closed: true})
	m = next.(Model)
	assert.Nil(t, cmd)
	assert.Contains(t, m.View(), "restart gridcmd")
	assert.Equal(t, time.Duration(0), m.retry)
}
