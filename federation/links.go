package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"gridcmd/model"
)

// StatusFile is where a running node writes its links' states every
// second, in its store dir; `gridcmd federation status` reads it.
const StatusFile = "status.json"

// staleAfter is how old a status file may be before its node counts as
// not running.
const staleAfter = 5 * time.Second

// Status is the content of the status file.
type Status struct {
	Role    string          `json:"role"` // "town" or "hub"
	PID     int             `json:"pid"`
	Updated time.Time       `json:"updated"`
	Links   []model.FedLink `json:"links"`
	Stopped bool            `json:"stopped,omitempty"` // the node's last word as it stopped
}

// writeStatus replaces the status file in one rename.
func writeStatus(dir string, st Status) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, StatusFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, StatusFile))
}

// ReadStatus reads a node's status file. When the node is not running (no
// file, one written by the node as it stopped, or one not written for 5 s),
// the links read as disconnected and running is false.
func ReadStatus(dir string, now time.Time) (st Status, running bool, err error) {
	b, err := os.ReadFile(filepath.Join(dir, StatusFile))
	if errors.Is(err, os.ErrNotExist) {
		return Status{}, false, nil
	}
	if err != nil {
		return Status{}, false, err
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return Status{}, false, fmt.Errorf("federation: %s: %w", filepath.Join(dir, StatusFile), err)
	}
	if !st.Stopped && now.Sub(st.Updated) <= staleAfter {
		return st, true, nil
	}
	for i := range st.Links {
		if st.Links[i].Connected {
			st.Links[i].Connected = false
			st.Links[i].CutSince = st.Updated
		}
		st.Links[i].NodeDown = true
		st.Links[i].Linking = false
		if st.Links[i].LastAckSeq > 0 && now.After(st.Updated) {
			// The picture the node last had grows older while it is down.
			st.Links[i].LagSeconds += now.Sub(st.Updated).Seconds()
		}
	}
	return st, false, nil
}

// Links is the town's uplink as the town sees it (one link). What the hub
// has applied comes from the hub (gridcmd.<town>.status, every second
// while the link is up); while it is down the last value heard stands.
func (t *Town) Links() []model.FedLink {
	t.mu.Lock()
	defer t.mu.Unlock()
	return []model.FedLink{t.link}
}

// hubReport is what the hub tells a town about it every second.
type hubReport struct {
	Applied uint64    `json:"applied"`
	Newest  time.Time `json:"newest"`
}

// statusSubject is where the hub tells a town what it has of it.
func statusSubject(town model.NodeCode) string { return "gridcmd." + string(town) + ".status" }

// onHubReport takes the hub's word on what it has.
func (t *Town) onHubReport(data []byte) {
	var r hubReport
	if json.Unmarshal(data, &r) != nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.acked, t.newest, t.heard = r.Applied, r.Newest, t.cfg.Now()
}

// hubSilence is how long a linked town goes without the hub's word before
// its uplink reads as cut: the leaf link is up, but the hub does not know
// the town by the key it linked with (listed under another town's code,
// say), so nothing of it reaches the county.
const hubSilence = 10 * time.Second

// heardOf says whether the hub has spoken of the town lately, and logs once
// a silence over a live leaf link, naming the likely cause.
func (t *Town) heardOf(leaf bool, now time.Time) bool {
	if !leaf {
		t.leafSince = time.Time{}
		return false
	}
	if t.leafSince.IsZero() {
		t.leafSince = now
	}
	if !t.heard.IsZero() && now.Sub(t.heard) < hubSilence {
		t.silenceSaid = false
		return true
	}
	if now.Sub(t.leafSince) >= hubSilence && !t.silenceSaid {
		t.silenceSaid = true
		t.logf("federation: linked to %s, but the hub has said nothing of town %s for %s: is this town's public key listed under code %s in the hub's federation.towns?",
			t.cfg.HubURL, t.cfg.Town, hubSilence, t.cfg.Town)
	}
	return false
}

// refreshLink reads the town's stream and what the hub last said.
func (t *Town) refreshLink(ctx context.Context) {
	leaf := t.Connected()
	now := t.cfg.Now()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	last, _ := lastSeqInStream(ctx, t.js, TownStream(t.cfg.Town))
	unpub := t.unpublished()
	t.mu.Lock()
	defer t.mu.Unlock()
	// Up is the hub hearing the town, not the leaf link alone.
	conn := t.heardOf(leaf, now)
	l := &t.link
	l.Role, l.Town, l.Hub, l.Connected = "town", t.cfg.Town, t.cfg.HubURL, conn
	if conn {
		l.CutSince = time.Time{}
		t.linked = true
	} else if l.CutSince.IsZero() {
		l.CutSince = now
	}
	// Not up yet since the node started a moment ago: being made.
	l.Linking = !conn && !t.linked && now.Sub(t.started) < model.FedLinkGrace
	l.LastAckSeq = t.acked
	l.Pending = unpub
	if last > t.acked {
		l.Pending += last - t.acked
	}
	l.LagSeconds = 0
	if !t.newest.IsZero() {
		l.LagSeconds = now.Sub(t.newest).Seconds()
	}
}

// unpublished is how far the publisher knows the log runs ahead of it
// (records read but not yet acked; 0 when caught up).
func (t *Town) unpublished() uint64 {
	seen, at := t.pub.seen.Load(), t.pub.at.Load()
	if seen > at {
		return seen - at
	}
	return 0
}

// townWatch keeps the link's state and the status file.
func (t *Town) watchLoop(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		t.refreshLink(ctx)
		if err := writeStatus(t.cfg.StoreDir, Status{Role: "town", PID: os.Getpid(), Updated: t.cfg.Now(), Links: t.Links()}); err != nil {
			t.logf("federation: status: %v", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Links is one link per town the hub federates.
func (h *Hub) Links() []model.FedLink {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]model.FedLink(nil), h.links...)
}

// refreshLinks computes the towns' links: connected from the leaf
// connections, the last applied from the read model, pending from the
// source's lag plus what the hub's stream holds past the applied.
func (h *Hub) refreshLinks(ctx context.Context, conn map[model.NodeCode]bool, info *jetstream.StreamInfo) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	now := h.cfg.Now()
	held := h.heldTowns(ctx)
	links := make([]model.FedLink, 0, len(h.cfg.Towns))
	for _, t := range h.cfg.Towns {
		l := model.FedLink{Role: "hub", Town: t.Code, Connected: conn[t.Code]}
		applied, err := h.cfg.ReadModel.FedApplied(ctx, t.Code)
		if err == nil {
			l.LastAckSeq = applied
		}
		if info != nil {
			if si := sourceOf(info, t.Code); si != nil {
				l.Pending = si.Lag
			}
		}
		if m, err := h.lastOf(ctx, t.Code); err == nil {
			if seq := headerSeq(m.Header.Get(HeaderSeq)); seq > applied {
				l.Pending += seq - applied
			}
		}
		h.mu.Lock()
		l.CutSince = h.cut[t.Code]
		newest := h.newest[t.Code]
		if !l.Connected && !h.linked[t.Code] && now.Sub(h.started) < model.FedLinkGrace {
			l.Linking, l.CutSince = true, time.Time{}
		}
		h.mu.Unlock()
		if ft, ok := held[t.Code]; ok && !ft.NewestAt.IsZero() {
			newest = ft.NewestAt // the town's own time of its newest event
		}
		if !newest.IsZero() {
			l.LagSeconds = max(0, now.Sub(newest).Seconds())
		}
		links = append(links, l)
		if l.Connected {
			b, _ := json.Marshal(hubReport{Applied: l.LastAckSeq, Newest: newest})
			_ = h.nc.Publish(statusSubject(t.Code), b)
		}
	}
	h.mu.Lock()
	h.links = links
	h.mu.Unlock()
}

// heldTowns is what the read model says of each town it holds, when it
// says (model.FedHubTowns): the time of the town's newest event, which
// outlives a restart of the hub.
func (h *Hub) heldTowns(ctx context.Context) map[model.NodeCode]model.FedTown {
	ht, ok := h.cfg.ReadModel.(model.FedHubTowns)
	if !ok {
		return nil
	}
	towns, err := ht.FedTowns(ctx)
	if err != nil {
		return nil
	}
	out := make(map[model.NodeCode]model.FedTown, len(towns))
	for _, t := range towns {
		out[t.Town] = t
	}
	return out
}

// lastOf is the newest record of a town in the hub's stream.
func (h *Hub) lastOf(ctx context.Context, town model.NodeCode) (*jetstream.RawStreamMsg, error) {
	s, err := h.js.Stream(ctx, hubStream)
	if err != nil {
		return nil, err
	}
	return s.GetLastMsgForSubject(ctx, EventsSubject(town))
}

// seedNewest gives the lag a start after a restart: the publish time of
// each town's newest record in the hub's stream, when the read model has
// it applied.
func (h *Hub) seedNewest(ctx context.Context) {
	for _, t := range h.cfg.Towns {
		m, err := h.lastOf(ctx, t.Code)
		if err != nil {
			continue
		}
		applied, err := h.cfg.ReadModel.FedApplied(ctx, t.Code)
		if err != nil || headerSeq(m.Header.Get(HeaderSeq)) > applied {
			continue
		}
		h.mu.Lock()
		if nt := headerTime(m.Header.Get(HeaderTime)); nt.After(h.newest[t.Code]) {
			h.newest[t.Code] = nt
		}
		h.mu.Unlock()
	}
}

// cutAll is links as a node leaves them: every link down since now.
func cutAll(links []model.FedLink, now time.Time) []model.FedLink {
	out := append([]model.FedLink(nil), links...)
	for i := range out {
		if out[i].Connected || out[i].CutSince.IsZero() {
			out[i].Connected, out[i].CutSince = false, now
		}
	}
	return out
}
