package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"gridcmd/model"
)

// The demo's joint rotations (网格组团轮值): grid teams of neighbouring
// villages, across the village borders, take turns at traffic persuasion
// along the 330 national road, at building sweeps of the rented houses and
// at a night security patrol. They started ten days before base's day, so
// that base's day has a group on duty in each; the morning's groups report
// once or twice before base (patrolPlan), the feed files more
// (PatrolFeed).

// rotationPlan is one demo rotation: its groups by the villages' last three
// digits and the grid number.
var rotationPlan = []struct {
	name     string
	activity model.Activity
	every    int
	grid     int
	groups   [][]string
	reports  []string // what a group on duty reports
}{
	{"国道330沿线交通劝导", model.ActivityTraffic, 1, 1,
		[][]string{{"266", "200"}, {"220", "001"}, {"202", "237"}, {"002", "213"}},
		[]string{"劝导电动车未戴头盔 14 人次", "路口劝离占道摊点 3 处", "劝导三轮车违规载人 2 起"}},
	{"出租房清村扫楼", model.ActivitySweep, 2, 2,
		[][]string{{"264", "265", "267"}, {"223", "224", "217"}, {"246", "247", "255"}},
		[]string{"清查出租房 12 户，新登记流动人口 5 人", "排查群租房 3 处，消除电动车室内充电 2 处", "清理楼道杂物 6 处"}},
	{"夜间联防治安巡察", model.ActivityPatrol, 1, 1,
		[][]string{{"268", "269"}, {"270", "271"}, {"272", "273"}, {"262", "263"}, {"239", "214"}},
		[]string{"夜巡 2 小时，重点部位无异常", "劝离深夜聚集人员一批", "检查沿街店铺门窗 20 家"}},
}

// activityReports are what a group on duty reports, by activity.
var activityReports = func() map[model.Activity][]string {
	out := map[model.Activity][]string{}
	for _, rp := range rotationPlan {
		out[rp.activity] = append(out[rp.activity], rp.reports...)
	}
	return out
}()

// JointRotations returns the demo's joint rotations, starting ten days before
// the day of d0 (in d0's location).
func JointRotations(d0 time.Time) []model.JointRotation {
	start := time.Date(d0.Year(), d0.Month(), d0.Day()-10, 0, 0, 0, 0, d0.Location())
	out := make([]model.JointRotation, len(rotationPlan))
	for i, rp := range rotationPlan {
		groups := make([][]model.NodeCode, len(rp.groups))
		for g, vs := range rp.groups {
			for _, v := range vs {
				groups[g] = append(groups[g], model.NodeCode(string(Town)+v+"-0"+string(rune('0'+rp.grid))))
			}
		}
		out[i] = model.JointRotation{Name: rp.name, Activity: rp.activity, Groups: groups, Start: start, Every: rp.every}
	}
	return out
}

// gridLeaders maps each grid of the demo to its grid leader's id.
func gridLeaders(seed int64) map[model.NodeCode]model.PersonID {
	out := map[model.NodeCode]model.PersonID{}
	for i, p := range Build(seed).People {
		if p.Has(model.RoleGridLeader) {
			if _, ok := out[p.Node]; !ok {
				out[p.Node] = ID(i)
			}
		}
	}
	return out
}

// rotationSteps add the rotations a minute before d0 (after the areas) and
// play the reports of the groups on duty on d0 before base: the night
// patrol's from 00:40, the others' from 07:30, each an hour or more before
// base like the rest of the plan.
func rotationSteps(seed int64, d0, base time.Time) []patrolStep {
	r := rand.New(rand.NewPCG(uint64(seed), 0x526f74)) // "Rot"
	rots := JointRotations(d0)
	steps := []patrolStep{{At: d0.Add(-time.Minute), what: "add the joint rotations",
		do: func(ctx context.Context, svc model.Service, _ []string) error {
			for _, rot := range rots {
				if _, err := svc.AddRotation(ctx, rot, model.System, fmt.Sprintf("demo --seed %d", seed)); err != nil {
					return err
				}
			}
			return nil
		}}}
	leaders := gridLeaders(seed)
	for i, rot := range rots {
		id := model.FormatRotationID(uint64(i + 1))
		g := rot.GroupOn(d0)
		if g < 0 {
			continue
		}
		t := d0.Add(7*time.Hour + 30*time.Minute)
		if rot.Activity == model.ActivityPatrol {
			t = d0.Add(40 * time.Minute)
		}
		texts := rotationPlan[i].reports
		for k := range 2 {
			t = t.Add(time.Duration(20+r.IntN(25)) * time.Minute)
			if !t.Before(base.Add(-65 * time.Minute)) {
				break
			}
			by := leaders[rot.Groups[g][k%len(rot.Groups[g])]]
			text := texts[r.IntN(len(texts))]
			steps = append(steps, patrolStep{At: t, what: "report on " + id,
				do: func(ctx context.Context, svc model.Service, _ []string) error {
					_, err := svc.RotationReport(ctx, id, text, by)
					return err
				}})
		}
	}
	return steps
}
