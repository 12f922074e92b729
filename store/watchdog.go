package store

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// The watchdogs: gateways that must post a heartbeat (or an alert) every
// so often; in wartime, village rooms that must act or check in within
// watchdog.room_silence; and patrollers on a patrol, who must check in
// within patrol.silence. The sweep opens one incident (source watchdog)
// per silence; the next sign of life resolves it by itself. A gateway's
// and a patrol's open silence is kept on its record (heartbeats, patrols),
// a room's in room_watch, written in the same transaction as the incident:
// a restart finds it there and opens no second one.
//
// A room's last action or check-in is noted by the writer as it commits
// each request (noteActivity), in room_watch. meta watch/next is the
// earliest time the sweep may find a silence, so an idle sweep reads one
// key; it is lowered whenever something may fall silent sooner (a
// heartbeat added, wartime begun, a room heard while its silence is open, a
// patrol started or checked in on). The first sweep of a process looks
// whatever watch/next says, so that a shorter silence configured since
// the last run counts at once.

// CheckIn records that room is there: an event, which noteActivity counts.
func (s *DB) CheckIn(ctx context.Context, room model.NodeCode, by model.PersonID) error {
	if err := model.CheckRoom(room); err != nil {
		return err
	}
	_, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		n, err := getNode(tx, room)
		if err != nil {
			return nil, model.Errorf(model.ENOTFOUND, "no node %s in the tower", room).Zh("网格塔中没有节点 %s", room).On("room")
		}
		if actor.ID != model.System && !model.MayStaff(actor, room) {
			return nil, model.Errorf(model.EFORBIDDEN, "%s may not check in for %s: only its duty officers and, for a village room, the village's cadres", actor.Name, room).
				Zh("%s 不能替 %s 报到：只有本镇值班员，或（村指挥室）本村村干部可以", actor.Name, room)
		}
		return []model.Event{{
			At: now, Actor: actor.ID, ActorName: model.ActorName(actor), Action: model.ActCheckIn, Node: room,
			Note:   model.RoomName(room, n.Name, false) + " checks in",
			NoteZh: model.RoomName(room, n.Name, true) + " 报到",
		}}, nil
	})
	return err
}

// noteActivity runs in the writer for every request it commits: an event
// by a village cadre is an action of their village's room, and a check-in
// one of the room checked in for; either is noted as the room's last.
// Wartime beginning or widening lowers watch/next to a silence later, so
// the rooms are watched from then.
func (s *DB) noteActivity(tx *bolt.Tx, evs []model.Event) error {
	for _, ev := range evs {
		var v model.NodeCode
		switch {
		case ev.Action == model.ActActivate || ev.Action == model.ActWiden:
			// No room can fall silent before a whole silence has passed
			// (a widening's rooms: since the widening; CoveredSince).
			if err := lowerWatchNext(tx, ev.At.Add(s.opts.Policy.Watchdog.RoomSilence)); err != nil {
				return err
			}
			continue
		case ev.Action == model.ActCheckIn && !model.IsPatrolCheckIn(ev):
			v = ev.Node.Village()
		case ev.Actor == model.System:
			continue
		default:
			p, err := s.wc.actor(tx, ev.Actor)
			if err != nil || !p.Has(model.RoleVillageCadre) {
				continue
			}
			v = p.Node.Village()
		}
		if v == "" {
			continue
		}
		b := tx.Bucket(bucketRoomWatch)
		r, err := getRoomWatch(b, v)
		if err != nil {
			return err
		}
		r.Last = nanos(ev.At)
		if err := putRoomWatch(b, v, r); err != nil {
			return err
		}
		if r.Incident != 0 {
			if err := lowerWatchNext(tx, ev.At); err != nil {
				return err
			}
		}
	}
	return nil
}

// watchNext reads meta watch/next (zero when absent).
func watchNext(tx *bolt.Tx) time.Time {
	v := tx.Bucket(bucketMeta).Get(metaWatchNext)
	if len(v) != 8 {
		return time.Time{}
	}
	return time.Unix(0, int64(getU64(v)))
}

// lowerWatchNext makes watch/next t if it is absent or later.
func lowerWatchNext(tx *bolt.Tx, t time.Time) error {
	if cur := watchNext(tx); !cur.IsZero() && !cur.After(t) {
		return nil
	}
	return tx.Bucket(bucketMeta).Put(metaWatchNext, u64(uint64(max(t.UnixNano(), 0))))
}

// watchDue reports whether the watchdog sweep has something to look at.
func watchDue(tx *bolt.Tx, now time.Time) bool {
	t := watchNext(tx)
	return !t.IsZero() && !now.Before(t)
}

// heartbeatsOf reads every heartbeat, by name.
func (s *DB) heartbeatsOf(tx *bolt.Tx) ([]model.Heartbeat, error) {
	return decodeAll(tx.Bucket(bucketHeartbeats), func(k, v []byte) (model.Heartbeat, error) {
		return decodeHeartbeat(string(k), v, s.opts.Location)
	})
}

func putHeartbeat(tx *bolt.Tx, h model.Heartbeat) error {
	return putEncoded(tx.Bucket(bucketHeartbeats), []byte(h.Name), h, encodeHeartbeat)
}

// openSilence files the incident of a silence at the watchdog's tier.
func (s *DB) openSilence(tx *bolt.Tx, now time.Time, kind string, r model.Report) (model.Incident, model.Event, error) {
	c, err := r.Check(s.opts.Policy)
	if err != nil {
		return model.Incident{}, model.Event{}, err
	}
	return s.fileReportAt(tx, now, c, nil, model.WatchdogTier(kind, r.Node))
}

// endSilence resolves the open incident seq of a silence now heard again
// (nothing when it is no longer open: an officer resolved it meanwhile).
func (s *DB) endSilence(tx *bolt.Tx, seq uint64, what, whatZh string, since, now time.Time) ([]model.Event, error) {
	inc, err := s.getIncident(tx, seq)
	if err != nil || !inc.Status.Open() {
		return nil, err
	}
	next, ev, err := inc.SilenceEnds(what, whatZh, since, now)
	if err != nil {
		return nil, err
	}
	if err := saveIncident(s.wt.buckets, next, &inc, nil); err != nil {
		return nil, err
	}
	return []model.Event{ev}, nil
}

// sweepWatch opens the silences due at now: each gateway not heard for its
// interval, and in wartime each village room of the activation not heard
// for watchdog.room_silence; resolves the rooms' silences that have been
// heard since; and sets watch/next to the next time anything may fall
// silent.
func (s *DB) sweepWatch(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
	rule := s.opts.Policy.Watchdog
	var next time.Time
	soonest := func(t time.Time) {
		if next.IsZero() || t.Before(next) {
			next = t
		}
	}
	var evs []model.Event
	hbs, err := s.heartbeatsOf(tx)
	if err != nil {
		return nil, err
	}
	for _, h := range hbs {
		if h.IncidentSeq != 0 {
			continue // silent; its next heartbeat ends it
		}
		if isFedTown(tx, h.Node.Town()) {
			continue // watched here before its town federated: the town watches it
		}
		if due := h.Due(); now.Before(due) {
			soonest(due)
			continue
		}
		inc, ev, err := s.openSilence(tx, now, model.SilenceGateway, rule.GatewayReport(h, now, s.opts.Location))
		if err != nil {
			return nil, fmt.Errorf("watchdog: gateway %s: %w", h.Name, err)
		}
		h.IncidentSeq = inc.Seq
		if err := putHeartbeat(tx, h); err != nil {
			return nil, err
		}
		evs = append(evs, ev)
	}

	pevs, err := s.sweepPatrols(tx, now, soonest)
	if err != nil {
		return nil, err
	}
	evs = append(evs, pevs...)

	// Wartime is per town: the villages of every activation active.
	acts, err := activeSeqs(tx, "")
	if err != nil {
		return nil, err
	}
	rw := tx.Bucket(bucketRoomWatch)
	var villages []model.NodeCode
	watched := map[model.NodeCode]time.Time{} // a village in wartime -> since when
	for _, seq := range acts {
		act, err := s.getActivation(tx, seq)
		if err != nil {
			return nil, err
		}
		if fedWartimeCopy(tx, act) != nil {
			continue // a federated town's wartime: its own file watches its rooms
		}
		for _, v := range activationVillages(tx, seq) {
			villages = append(villages, v)
			since := act.CoveredSince(v) // a room a widening took in: since then
			if since.IsZero() {
				since = act.Since
			}
			watched[v] = since
		}
	}
	// Rooms whose silence is open are looked at in peacetime too: the next
	// action ends it.
	if err := rw.ForEach(func(k, val []byte) error {
		if _, ok := watched[model.NodeCode(k)]; !ok && bytes.Contains(val, []byte(`"incident"`)) {
			villages = append(villages, model.NodeCode(k))
		}
		return nil
	}); err != nil {
		return nil, err
	}
	for _, v := range villages {
		r, err := getRoomWatch(rw, v)
		if err != nil {
			return nil, err
		}
		last := fromNanos(r.Last, s.opts.Location)
		if r.Incident != 0 {
			inc, err := s.getIncident(tx, r.Incident)
			if err != nil {
				return nil, err
			}
			if !last.After(inc.ReportedAt) {
				continue // still silent
			}
			name := nodeName(tx, v)
			ends, err := s.endSilence(tx, r.Incident, model.RoomName(v, name, false), model.RoomName(v, name, true),
				inc.ReportedAt.Add(-rule.RoomSilence), last)
			if err != nil {
				return nil, err
			}
			evs = append(evs, ends...)
			r.Incident = 0
			if err := putRoomWatch(rw, v, r); err != nil {
				return nil, err
			}
		}
		since, ok := watched[v]
		if !ok {
			continue
		}
		due := model.RoomSilenceDue(last, since, rule.RoomSilence)
		if now.Before(due) {
			soonest(due)
			continue
		}
		from := last
		if from.Before(since) {
			from = since
		}
		inc, ev, err := s.openSilence(tx, now, model.SilenceRoom, rule.RoomReport(v, nodeName(tx, v), from, now, s.opts.Location))
		if err != nil {
			return nil, fmt.Errorf("watchdog: room %s: %w", v, err)
		}
		r.Incident = inc.Seq
		if err := putRoomWatch(rw, v, r); err != nil {
			return nil, err
		}
		evs = append(evs, ev)
	}
	meta := tx.Bucket(bucketMeta)
	if next.IsZero() {
		return evs, meta.Delete(metaWatchNext)
	}
	return evs, meta.Put(metaWatchNext, u64(uint64(max(next.UnixNano(), 0))))
}

// sweepPatrols opens the silence of each running patrol whose patroller
// has not checked in for patrol.silence and whose silence is not open yet,
// and tells soonest when the others fall silent.
func (s *DB) sweepPatrols(tx *bolt.Tx, now time.Time, soonest func(time.Time)) ([]model.Event, error) {
	silence := s.opts.Policy.Patrol.Silence
	pats, err := s.activePatrols(tx)
	if err != nil {
		return nil, err
	}
	var evs []model.Event
	for _, p := range pats {
		if p.SilenceSeq != 0 {
			continue // silent; the next check-in or the end ends it
		}
		if fedCopyOf(tx, p.Village) {
			continue // a federated town's patrol: the town watches it
		}
		if due := p.SilenceDue(silence); now.Before(due) {
			soonest(due)
			continue
		}
		area := p.Area
		if a, err := getArea(tx, p.Area, s.opts.Location); err == nil {
			area = a.Name
		}
		inc, ev, err := s.openSilence(tx, now, model.SilencePatrol,
			s.opts.Policy.Watchdog.PatrolReport(p, area, s.patrollerName(tx, p), silence, s.opts.Location))
		if err != nil {
			return nil, fmt.Errorf("watchdog: patrol %s: %w", p.ID, err)
		}
		p.SilenceSeq, p.Silence = inc.Seq, inc.ID
		if err := putPatrol(tx, p); err != nil {
			return nil, err
		}
		evs = append(evs, ev)
	}
	return evs, nil
}

// patrollerName names p's patroller (their id if they left the roster).
func (s *DB) patrollerName(tx *bolt.Tx, p model.Patrol) string {
	if who, err := s.wc.actor(tx, p.Patroller); err == nil {
		return model.ActorName(who)
	}
	return fmt.Sprint(p.Patroller)
}

// patrolHeard runs in the write of a check-in on p (or of its end, ended),
// p being the patrol after it and since its patroller's last sign of life
// before it: an open silence ends by itself, and the watchdog looks at
// the patroller again a silence later.
func (s *DB) patrolHeard(tx *bolt.Tx, p *model.Patrol, ended bool, since, now time.Time) ([]model.Event, error) {
	var evs []model.Event
	if p.SilenceSeq != 0 {
		inc, err := s.getIncident(tx, p.SilenceSeq)
		if err != nil {
			return nil, err
		}
		if inc.Status.Open() {
			next, ev, err := inc.PatrolSilenceEnds(*p, s.patrollerName(tx, *p), ended, since, now)
			if err != nil {
				return nil, err
			}
			if err := saveIncident(s.wt.buckets, next, &inc, nil); err != nil {
				return nil, err
			}
			evs = append(evs, ev)
		}
		p.SilenceSeq, p.Silence = 0, ""
	}
	if ended {
		return evs, nil
	}
	return evs, lowerWatchNext(tx, p.SilenceDue(s.opts.Policy.Patrol.Silence))
}

// activationVillages are the villages with micro-grids in activation act.
func activationVillages(tx *bolt.Tx, act uint64) []model.NodeCode {
	var out []model.NodeCode
	prefix := u64(act)
	c := tx.Bucket(bucketWtUnits).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		v := model.NodeCode(k[8:]).Village()
		if v != "" && (len(out) == 0 || out[len(out)-1] != v) {
			out = append(out, v)
		}
	}
	return out
}

// silences are the open silences in room's scope, for its handover sheet.
func (s *DB) silences(tx *bolt.Tx, room model.NodeCode) ([]model.Silence, error) {
	out := []model.Silence{}
	hbs, err := s.heartbeatsOf(tx)
	if err != nil {
		return nil, err
	}
	for _, h := range hbs {
		if h.IncidentSeq == 0 || !room.Contains(h.Node) {
			continue
		}
		inc, err := s.getIncident(tx, h.IncidentSeq)
		if err != nil {
			return nil, err
		}
		since := h.LastAt
		if since.IsZero() {
			since = h.Since
		}
		out = append(out, model.Silence{Kind: model.SilenceGateway, Name: h.Name, Node: h.Node, NodeName: nodeName(tx, h.Node.Village()),
			Since: since, Incident: inc.ID})
	}
	pats, err := s.activePatrols(tx)
	if err != nil {
		return nil, err
	}
	for _, p := range pats {
		if p.SilenceSeq == 0 || !room.Contains(p.Village) {
			continue
		}
		out = append(out, model.Silence{Kind: model.SilencePatrol, Name: s.patrollerName(tx, p) + " " + p.ID, Node: p.Village,
			NodeName: nodeName(tx, p.Village), Since: p.LastSeen(), Incident: p.Silence})
	}
	err = tx.Bucket(bucketRoomWatch).ForEach(func(k, v []byte) error {
		code := model.NodeCode(k)
		if !room.Contains(code) {
			return nil
		}
		r, err := getRoomWatch(tx.Bucket(bucketRoomWatch), code)
		if err != nil || r.Incident == 0 {
			return err
		}
		inc, err := s.getIncident(tx, r.Incident)
		if err != nil {
			return err
		}
		since := fromNanos(r.Last, s.opts.Location)
		if since.IsZero() || since.After(inc.ReportedAt) {
			since = inc.ReportedAt
		}
		name := nodeName(tx, code)
		out = append(out, model.Silence{Kind: model.SilenceRoom, Name: name, Node: code, NodeName: name, Since: since, Incident: inc.ID})
		return nil
	})
	return out, err
}

// AddHeartbeat watches a gateway from now.
func (s *DB) AddHeartbeat(ctx context.Context, h model.Heartbeat, by model.PersonID) (model.Heartbeat, error) {
	if err := h.Check(); err != nil {
		return model.Heartbeat{}, err
	}
	var out model.Heartbeat
	_, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		actor, err := s.wc.actor(tx, by)
		if err != nil {
			return nil, err
		}
		if err := notFedTown(tx, h.Node); err != nil {
			return nil, err
		}
		if err := mayWatch(actor, h.Node); err != nil {
			return nil, err
		}
		if !s.wc.hasNode(tx, h.Node) {
			return nil, model.Errorf(model.ENOTFOUND, "no node %s in the tower", h.Node).Zh("网格塔中没有节点 %s", h.Node).On("node")
		}
		if tx.Bucket(bucketHeartbeats).Get([]byte(h.Name)) != nil {
			return nil, model.Errorf(model.ECONFLICT, "a heartbeat %s is watched already", h.Name).Zh("心跳 %s 已在监测", h.Name).On("name")
		}
		n := model.Heartbeat{Name: h.Name, Node: h.Node, Every: h.Every, Since: now, By: actor.ID}
		if err := putHeartbeat(tx, n); err != nil {
			return nil, err
		}
		if err := lowerWatchNext(tx, n.Due()); err != nil {
			return nil, err
		}
		out = n
		return []model.Event{n.AddedEvent(actor, now, false)}, nil
	})
	return out, err
}

// mayWatch: a duty officer of the node's town (or the system) adds and
// removes heartbeats.
func mayWatch(actor model.Person, node model.NodeCode) error {
	if actor.ID == model.System || actor.Has(model.RoleDutyOfficer) && actor.Node.Town() == node.Town() {
		return nil
	}
	return model.Errorf(model.EFORBIDDEN, "%s may not add or remove heartbeats at %s: only a duty officer of its town", actor.Name, node).
		Zh("%s 不能在 %s 增删心跳监测：只有本镇值班员可以", actor.Name, node)
}

// RemoveHeartbeat stops watching a gateway. An incident its silence opened
// stays as it is, for an officer to close.
func (s *DB) RemoveHeartbeat(ctx context.Context, name string, by model.PersonID) error {
	_, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		h, actor, err := s.heartbeatBy(tx, name, by)
		if err != nil {
			return nil, err
		}
		if err := mayWatch(actor, h.Node); err != nil {
			return nil, err
		}
		if err := tx.Bucket(bucketHeartbeats).Delete([]byte(name)); err != nil {
			return nil, err
		}
		return []model.Event{h.AddedEvent(actor, now, true)}, nil
	})
	return err
}

// heartbeatBy reads the heartbeat name and the person by who acts on it.
func (s *DB) heartbeatBy(tx *bolt.Tx, name string, by model.PersonID) (model.Heartbeat, model.Person, error) {
	h, err := s.heartbeat(tx, name)
	if err != nil {
		return model.Heartbeat{}, model.Person{}, err
	}
	actor, err := s.wc.actor(tx, by)
	return h, actor, err
}

func (s *DB) heartbeat(tx *bolt.Tx, name string) (model.Heartbeat, error) {
	v := tx.Bucket(bucketHeartbeats).Get([]byte(name))
	if v == nil {
		return model.Heartbeat{}, model.Errorf(model.ENOTFOUND, "no heartbeat %s (gridcmd heartbeat list)", name).Zh("没有心跳监测 %s（见 gridcmd heartbeat list）", name).On("name")
	}
	return decodeHeartbeat(name, v, s.opts.Location)
}

// Heartbeats lists the watched gateways by name, with their silences'
// incident ids.
func (s *DB) Heartbeats(ctx context.Context) ([]model.Heartbeat, error) {
	out, err := viewOf(ctx, s, func(tx *bolt.Tx) ([]model.Heartbeat, error) {
		hbs, err := s.heartbeatsOf(tx)
		if err != nil {
			return nil, err
		}
		for i := range hbs {
			if hbs[i].IncidentSeq != 0 {
				inc, err := s.getIncident(tx, hbs[i].IncidentSeq)
				if err != nil {
					return nil, err
				}
				hbs[i].Incident = inc.ID
			}
		}
		return hbs, nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}

// Beat is a heartbeat of gateway name, posted by by.
func (s *DB) Beat(ctx context.Context, name string, by model.PersonID) (model.Heartbeat, error) {
	if err := model.CheckHeartbeatName(name); err != nil {
		return model.Heartbeat{}, err
	}
	var out model.Heartbeat
	_, err := s.write(ctx, func(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
		h, actor, err := s.heartbeatBy(tx, name, by)
		if err != nil {
			return nil, err
		}
		if actor.ID != model.System && !actor.MayReportAt(h.Node) {
			return nil, model.Errorf(model.EFORBIDDEN, "%s may not post heartbeats for %s at %s", actor.Name, name, h.Node).
				Zh("%s 不能为 %s（%s）发送心跳", actor.Name, name, h.Node)
		}
		evs, h, err := s.hear(tx, h, now)
		if err != nil {
			return nil, err
		}
		out = h
		return evs, nil
	})
	return out, err
}

// hear notes a sign of life of gateway h at now, ending its silence.
func (s *DB) hear(tx *bolt.Tx, h model.Heartbeat, now time.Time) ([]model.Event, model.Heartbeat, error) {
	var evs []model.Event
	since := h.LastAt
	if since.IsZero() {
		since = h.Since
	}
	h.LastAt = now
	if h.IncidentSeq != 0 {
		ends, err := s.endSilence(tx, h.IncidentSeq, "gateway "+h.Name, "感知网关 "+h.Name, since, now)
		if err != nil {
			return nil, h, err
		}
		evs = ends
		h.IncidentSeq, h.Incident = 0, ""
	}
	if err := putHeartbeat(tx, h); err != nil {
		return nil, h, err
	}
	return evs, h, lowerWatchNext(tx, h.Due())
}

// alertBeats hears every gateway whose node holds an alert's node.
func (s *DB) alertBeats(tx *bolt.Tx, node model.NodeCode, now time.Time) ([]model.Event, error) {
	hbs, err := s.heartbeatsOf(tx)
	if err != nil {
		return nil, err
	}
	var evs []model.Event
	for _, h := range hbs {
		if !h.Node.Contains(node) {
			continue
		}
		ends, _, err := s.hear(tx, h, now)
		if err != nil {
			return nil, err
		}
		evs = append(evs, ends...)
	}
	return evs, nil
}
