package demo

import (
	"time"

	"gridcmd/model"
)

// The demo's duty schedule: a week of shifts for the town room and every
// village room, from the last handoff before the demo's "now" (so nobody
// is handing over at the start), in base's time zone.
//
//   - The town room: 12-hour shifts handing over at 08:00 and 20:00, the
//     six duty officers in turn, the first one on duty (the console's
//     operator by default) holding the shift that runs at base.
//   - Each village room: 24-hour shifts handing over at 08:00, the
//     village's cadres in turn, the one on duty first.

// Rotations are the demo's rotation rules for d, each with the day of its
// first handoff.
func Rotations(d Data) []model.Rotation {
	var out []model.Rotation
	var officers []model.PersonID
	cadres := map[model.NodeCode][]model.PersonID{}
	var villages []model.NodeCode
	for i, p := range d.People {
		switch {
		case p.Has(model.RoleDutyOfficer):
			officers = append(officers, ID(i))
		case p.Has(model.RoleVillageCadre):
			if len(cadres[p.Node]) == 0 {
				villages = append(villages, p.Node)
			}
			cadres[p.Node] = append(cadres[p.Node], ID(i))
		}
	}
	out = append(out, model.Rotation{Room: Town, People: officers, Length: 12 * time.Hour, Handoff: "20:00"})
	for _, v := range villages {
		out = append(out, model.Rotation{Room: v, People: cadres[v], Length: 24 * time.Hour, Handoff: "08:00"})
	}
	return out
}

// Shifts is the demo's week of shifts around base: each rotation from its
// last handoff at or before base, for seven days.
func Shifts(d Data, base time.Time) []model.Shift {
	loc := base.Location()
	var out []model.Shift
	for _, r := range Rotations(d) {
		// The handoff on base's day, or the day before when that one is
		// still to come (for the town: 20:00 the evening before 03:10).
		first := base
		if h, _ := model.ParseClock(r.Handoff); base.In(loc).Hour()*60+base.In(loc).Minute() < h {
			first = base.AddDate(0, 0, -1)
		}
		shifts, err := r.Shifts(first, 7, loc)
		if err != nil {
			panic("demo: rotation: " + err.Error()) // the demo's own rules: a bug
		}
		out = append(out, shifts...)
	}
	return out
}
