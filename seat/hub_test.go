package seat

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// fakeFeed is a model.Subscription the test feeds by hand.
type fakeFeed struct{ c chan model.Batch }

func (f fakeFeed) C() <-chan model.Batch { return f.c }
func (f fakeFeed) Lost() bool            { return false }
func (f fakeFeed) Close()                { close(f.c) }

// A seat's feed carries the batches that can change what its console
// shows and no other: a village room is not woken for another village's
// incident, but is for its own, for the town's wartime and for an event on
// no node; the town's seat gets them all.
func TestHubOffersWhatReachesTheScope(t *testing.T) {
	feed := fakeFeed{c: make(chan model.Batch)}
	h := newHub(feed, nil)
	defer h.close()
	town := h.subscribe("330784114")
	village := h.subscribe(duxi)
	grid := h.subscribe(duxi + "-02")
	other := model.NodeCode("330784114001-01")

	batches := []struct {
		name              string
		b                 model.Batch
		town, vill, gridT bool
	}{
		{"another village's incident", model.Batch{
			Events:    []model.Event{{Action: model.ActAcknowledge, Node: other}},
			Incidents: []model.Incident{{Node: other}}}, true, false, false},
		{"the village's incident", model.Batch{
			Events:    []model.Event{{Action: model.ActAcknowledge, Node: duxi + "-01"}},
			Incidents: []model.Incident{{Node: duxi + "-01"}}}, true, true, false},
		{"the grid's incident", model.Batch{
			Incidents: []model.Incident{{Node: duxi + "-02-03"}}}, true, true, true},
		{"the town's wartime", model.Batch{
			Events: []model.Event{{Action: model.ActActivate, Node: "330784114"}}}, true, true, true},
		{"an event on no node", model.Batch{
			Events: []model.Event{{Action: model.ActKey}}}, true, true, true},
	}
	for _, tt := range batches {
		feed.c <- tt.b
		for _, s := range []struct {
			sub  *seatSub
			want bool
		}{{town, tt.town}, {village, tt.vill}, {grid, tt.gridT}} {
			select {
			case got := <-s.sub.C():
				assert.True(t, s.want, "%s reached %s", tt.name, s.sub.scope)
				assert.Equal(t, tt.b, got)
			case <-time.After(200 * time.Millisecond):
				assert.False(t, s.want, "%s did not reach %s", tt.name, s.sub.scope)
			}
		}
	}
	require.False(t, village.Lost(), "a batch held back is not a batch lost")
}
