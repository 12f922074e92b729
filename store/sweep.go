package store

import (
	"fmt"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// The silent-unit sweep: a directive unit that has not signed for its
// directive by its deadline climbs to the village room, then the town room
// (model DirectiveUnit.SweepUnit); the incident sweep calls sweepDirectives
// in the same transaction.

// dirDue reports whether idx_dir_due holds a check due at now.
func dirDue(tx *bolt.Tx, now time.Time) bool {
	k, _ := tx.Bucket(bucketIdxDirDue).Cursor().First()
	return len(k) > 16 && int64(getU64(k)) <= now.UnixNano()
}

// silentGroup is the silent units of one directive in one village that a
// sweep escalated: one event each.
type silentGroup struct {
	d       model.Directive
	village model.NodeCode
	name    string                  // the village's name, which its note says (the events pane shows no node)
	from    model.Tier              // the lowest tier they climbed from ("" for the units themselves)
	to      map[model.Tier][]string // where they climbed to: their codes below the village
}

// dueUnit is a directive unit idx_dir_due holds a due check for.
type dueUnit struct {
	dir  uint64
	code model.NodeCode
}

// sweepDirectives applies the sign-for clock (model SweepUnit) at now to
// every directive unit due in idx_dir_due, as many steps as are due (a
// unit found long silent climbs straight to the town room), and records
// one escalation event per directive and village: "D-0002: 渎溪村: 3
// micro-grids silent → village room (01-03, 02-01, 04-02)".
func (s *DB) sweepDirectives(tx *bolt.Tx, now time.Time) ([]model.Event, error) {
	var hits []dueUnit
	limit := now.UnixNano()
	c := tx.Bucket(bucketIdxDirDue).Cursor()
	for k, _ := c.First(); k != nil && int64(getU64(k)) <= limit; k, _ = c.Next() {
		if len(k) > 16 {
			hits = append(hits, dueUnit{getU64(k[8:16]), model.NodeCode(k[16:])})
		}
	}
	if len(hits) == 0 {
		return nil, nil
	}
	dirs := map[uint64]model.Directive{}
	groups := map[string]*silentGroup{}
	for _, h := range hits {
		d, ok := dirs[h.dir]
		if !ok {
			var err error
			if d, err = s.getDirective(tx, h.dir); err != nil {
				return nil, err
			}
			dirs[h.dir] = d
		}
		u, next, err := s.sweepUnit(tx, d, h.code, now)
		if err != nil {
			return nil, err
		}
		if next == u {
			continue
		}
		village := h.code.Village()
		gk := d.ID + "/" + string(village)
		g := groups[gk]
		if g == nil {
			g = &silentGroup{d: d, village: village, name: nodeName(tx, village), from: u.Escalated, to: map[model.Tier][]string{}}
			groups[gk] = g
		}
		if u.Escalated.Rank() < g.from.Rank() {
			g.from = u.Escalated
		}
		g.to[next.Escalated] = append(g.to[next.Escalated], strings.TrimPrefix(string(h.code), string(village)+"-"))
	}
	list := make([]*silentGroup, 0, len(groups))
	for _, g := range groups {
		list = append(list, g)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].d.Seq != list[j].d.Seq {
			return list[i].d.Seq < list[j].d.Seq
		}
		return list[i].village < list[j].village
	})
	evs := make([]model.Event, 0, len(list))
	for _, g := range list {
		evs = append(evs, g.event(now))
	}
	return evs, nil
}

// sweepUnit applies the sign-for clock to directive d's unit at code as
// many steps as are due at now, saves it if it changed, and returns it as
// it was and as it is.
func (s *DB) sweepUnit(tx *bolt.Tx, d model.Directive, code model.NodeCode, now time.Time) (model.DirectiveUnit, model.DirectiveUnit, error) {
	k := seqCodeKey(d.Seq, code)
	v := tx.Bucket(bucketDirectiveUnits).Get(k)
	if v == nil {
		return model.DirectiveUnit{}, model.DirectiveUnit{}, fmt.Errorf("idx_dir_due: %s/%s has no directive unit", d.ID, code)
	}
	u, err := decodeDirectiveUnit(k, v, s.opts.Location)
	if err != nil {
		return u, u, err
	}
	next := u
	for {
		n, changed := next.SweepUnit(d, now)
		if !changed {
			break
		}
		next = n
	}
	if next == u {
		return u, next, nil
	}
	return u, next, saveDirectiveUnit(tx, d, next, u)
}

// event is the escalation event of the group, at now.
func (g *silentGroup) event(now time.Time) model.Event {
	var parts, partsZh []string
	top := model.Tier("")
	for _, t := range []model.Tier{model.TierVillage, model.TierTown} {
		codes := g.to[t]
		if len(codes) == 0 {
			continue
		}
		top = t
		sort.Strings(codes)
		what := "micro-grids"
		if len(codes) == 1 {
			what = "micro-grid"
		}
		parts = append(parts, fmt.Sprintf("%d %s silent → %s room (%s)", len(codes), what, t, listCodes(codes, 8, " and %d more")))
		partsZh = append(partsZh, fmt.Sprintf("%d 个微网格未签收 → %s（%s）", len(codes), t.RoomZh(), listCodes(codes, 8, " 等，另 %d 个")))
	}
	return model.Event{
		At: now, Actor: model.System, ActorName: "system", Action: model.ActEscalate, Node: g.village,
		Directive: g.d.ID, Before: model.State{Tier: g.from}, After: model.State{Tier: top},
		Note:   g.d.ID + ": " + g.name + ": " + strings.Join(parts, "; "),
		NoteZh: g.d.ID + "：" + g.name + "：" + strings.Join(partsZh, "；"),
	}
}

// listCodes joins up to n codes, then says how many more with more (a
// format taking the count).
func listCodes(codes []string, n int, more string) string {
	if len(codes) <= n {
		return strings.Join(codes, ", ")
	}
	return strings.Join(codes[:n], ", ") + fmt.Sprintf(more, len(codes)-n)
}
