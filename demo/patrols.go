package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"gridcmd/model"
)

// The demo's patrols (巡护): every village's village patrol and every
// village's farmland (the two communities have none), the hill forests of
// the hill villages, their reservoirs and the two streams, 64 areas and
// about 320 checkpoints, assigned village by village to the 13 patrollers
// (two or three villages each). The areas are added a minute before
// midnight ahead of base, so base's day is their first day due.

// Demo figures of the patrols.
const (
	PatrolAreas = 64
	Liaison     = model.PersonID(DutyOfficers + Patrollers + 1) // the demo's one liaison
)

// hillForests, reservoirs and streams are the villages (by the last three
// digits of their code) with those areas.
var (
	hillForests = []string{"223", "239", "262", "268", "269", "271", "272"} // 大屋 山后胡 上京岭 小界岭 云川 枫源 方里坞
	reservoirs  = map[string]time.Duration{"246": 7 * 24 * time.Hour, "270": 24 * time.Hour, "268": 7 * 24 * time.Hour}
	streams     = []string{"214", "266"} // 双溪 渎溪
)

// checkpointNames are the places each kind of area is checked at.
var checkpointNames = map[model.AreaKind][]string{
	model.KindVillage:   {"村委会", "文化礼堂", "村口", "老年活动中心", "祠堂", "停车场"},
	model.KindFarmland:  {"东片田", "西片田", "灌溉渠", "机耕路", "大棚区"},
	model.KindForest:    {"登山口", "防火道", "护林点", "半山亭", "山顶瞭望点", "坟山"},
	model.KindReservoir: {"大坝", "溢洪道", "放水口", "库尾", "水位尺"},
	model.KindRiver:     {"上游桥", "排污口", "堰坝", "下游桥", "取水口"},
}

var kindCode = map[model.AreaKind]string{
	model.KindVillage: "CZ", model.KindFarmland: "NT", model.KindForest: "SL", model.KindReservoir: "SK", model.KindRiver: "HD",
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Areas returns the demo's patrol areas for seed, in code order. The
// patroller of the vi-th village (in code order) is patroller vi*13/27.
func Areas(seed int64) []model.PatrolArea {
	r := rand.New(rand.NewPCG(uint64(seed), 0x50617472)) // "Patr"
	var out []model.PatrolArea
	for vi, v := range villages() {
		code := model.NodeCode(v.Code)
		short := string(v.Code[len(v.Code)-3:])
		name := strings.TrimSuffix(strings.TrimSuffix(v.Name, "委会"), "村")
		patroller := ID(DutyOfficers + vi*Patrollers/Villages)
		// Each village lies a little apart around Huajie (28.97 N, 120.05 E).
		lat0 := 28.90 + float64(vi%6)*0.025 + r.Float64()*0.01
		lon0 := 119.98 + float64(vi/6)*0.03 + r.Float64()*0.01
		add := func(kind model.AreaKind, area string, every time.Duration, n int) {
			a := model.PatrolArea{
				Code: "P-" + short + "-" + kindCode[kind], Name: area, Kind: kind, Village: code, Every: every, Patroller: patroller,
			}
			names := checkpointNames[kind]
			for i := 0; i < n && i < len(names); i++ {
				cp := model.Checkpoint{Code: fmt.Sprintf("C%d", i+1), Name: names[i]}
				if (vi+i)%4 != 3 { // a few are not surveyed yet
					cp.Loc = &model.LatLon{Lat: lat0 + r.Float64()*0.02, Lon: lon0 + r.Float64()*0.02}
				}
				a.Checkpoints = append(a.Checkpoints, cp)
			}
			out = append(out, a)
		}
		day := 24 * time.Hour
		community := strings.HasSuffix(v.Name, "居委会")
		add(model.KindVillage, name+map[bool]string{true: "社区巡查", false: "村庄巡查"}[community], day, 4+r.IntN(3))
		if !community {
			add(model.KindFarmland, name+"农田", day, 4+r.IntN(2))
		}
		if contains(hillForests, short) {
			add(model.KindForest, name+"后山林区", day, 5+r.IntN(2))
		}
		if every, ok := reservoirs[short]; ok {
			add(model.KindReservoir, name+"水库", every, 4+r.IntN(2))
		}
		if contains(streams, short) {
			add(model.KindRiver, name+"溪段", day, 5)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// findingStories are what patrollers find, by the kind of area: the
// finding's category and text.
var findingStories = map[model.AreaKind][]struct {
	cat  model.Category
	text string
}{
	model.KindForest: {
		{"fire", "防火道旁有村民焚烧杂草，已劝阻，余烬未完全熄灭"}, {"ecology", "林区边缘发现疑似盗伐痕迹，树桩三处"},
		{"hazard", "登山步道一处塌方，碎石堆积"}, {"fire", "山顶瞭望点发现远处有烟点"},
	},
	model.KindFarmland: {
		{"ecology", "田间有人倾倒建筑垃圾约两车"}, {"ecology", "灌溉渠漂浮死鱼，水体发黑"},
		{"hazard", "机耕路边高压线下垂，离地不足三米"}, {"ecology", "基本农田内新建疑似违章大棚"},
	},
	model.KindVillage: {
		{"hazard", "老旧民房外墙开裂，有砖块掉落"}, {"service", "村口路灯连续三盏不亮"},
		{"security", "空置厂房内发现有人留宿"}, {"traffic", "村道转弯处护栏缺失"},
	},
	model.KindReservoir: {
		{"flood", "水位接近汛限水位，溢洪道有杂物堵塞"}, {"hazard", "大坝背水坡出现渗水点"},
		{"security", "有人在水库违规垂钓、游泳"},
	},
	model.KindRiver: {
		{"ecology", "排污口有不明污水排入溪中"}, {"flood", "堰坝前堆积漂浮物，影响行洪"},
		{"ecology", "河岸有人非法挖沙"},
	},
}

// closeReasons are the liaison's reasons for a finding that needs no action.
var closeReasons = []string{
	"经核实为村民清理落叶，已熄灭，无需处置",
	"系已审批的临时作业，手续齐全",
	"重复上报，与上午发现为同一处",
}

// patrolStep is one step of the demo's patrol morning, played by Load in
// time order with the script.
type patrolStep struct {
	At   time.Time
	what string
	do   func(ctx context.Context, svc model.Service, ids []string) error
}

// patrolPlan is the patrol side of the demo's morning before base: the
// areas added a minute before midnight; the findings of the night and
// morning, those an hour old or more merged by the liaison into the
// script's open incidents at their village or closed with a reason; and,
// from 07:00, the day's patrols up to base. Every step is an hour or more
// before base or a patrol: the ticker of a console opened at base shows
// the script's last events. It reads the script to know its incidents (ids holds the
// incident id each report step filed).
func patrolPlan(seed int64, base time.Time, steps []Step) []patrolStep {
	r := rand.New(rand.NewPCG(uint64(seed), 0x506c616e)) // "Plan"
	areas := Areas(seed)
	d0 := time.Date(base.Year(), base.Month(), base.Day(), 0, 0, 0, 0, base.Location())
	var plan []patrolStep
	plan = append(plan, patrolStep{At: d0.Add(-time.Minute), what: "import the patrol areas",
		do: func(ctx context.Context, svc model.Service, _ []string) error {
			_, _, err := svc.ImportAreas(ctx, areas, model.System, fmt.Sprintf("demo --seed %d", seed))
			return err
		}})
	plan = append(plan, rotationSteps(seed, d0, base)...)
	byVillage := map[model.NodeCode][]model.PatrolArea{}
	for _, a := range areas {
		byVillage[a.Village] = append(byVillage[a.Village], a)
	}
	pickArea := func(village model.NodeCode, cat model.Category) (model.PatrolArea, bool) {
		as := byVillage[village]
		if len(as) == 0 {
			return model.PatrolArea{}, false
		}
		want := map[model.Category]model.AreaKind{"fire": model.KindForest, "flood": model.KindReservoir, "ecology": model.KindFarmland}[cat]
		for _, a := range as {
			if a.Kind == want {
				return a, true
			}
		}
		return as[0], true
	}
	// finding files a finding at a; the id it got is in *id once played.
	finding := func(at time.Time, a model.PatrolArea, cat model.Category, text string) *string {
		cp := a.Checkpoints[r.IntN(len(a.Checkpoints))].Code
		id := new(string)
		plan = append(plan, patrolStep{At: at, what: "finding at " + a.Code,
			do: func(ctx context.Context, svc model.Service, _ []string) error {
				f, _, err := svc.AddFinding(ctx, model.FindingReport{Area: a.Code, Checkpoint: cp, Category: string(cat), Text: text, By: a.Patroller}, "")
				*id = f.ID
				return err
			}})
		return id
	}
	// Findings merged into the script's incidents of the patrol kinds, at
	// villages with areas, filed after the areas and an hour before base,
	// merged while the incident is open.
	resolvedAt := map[int]time.Time{}
	for _, st := range steps {
		if st.Act != nil && (st.Act.Cmd.Action == model.ActResolve || st.Act.Cmd.Action == model.ActClose) {
			if _, ok := resolvedAt[st.Act.Ref]; !ok {
				resolvedAt[st.Act.Ref] = st.At
			}
		}
	}
	n := 0
	for i, st := range steps {
		rep := st.Report
		if rep == nil || n >= 3 || !st.At.After(d0) || st.At.After(base.Add(-65*time.Minute)) {
			continue
		}
		switch model.Category(rep.Category) {
		case "fire", "flood", "ecology", "hazard":
		default:
			continue
		}
		a, ok := pickArea(rep.Node.Village(), model.Category(rep.Category))
		if !ok {
			continue
		}
		found, merged := st.At.Add(2*time.Minute), st.At.Add(6*time.Minute)
		if end, ok := resolvedAt[i]; ok && !merged.Before(end) {
			continue
		}
		id := finding(found, a, model.Category(rep.Category), "巡护中发现："+rep.Title)
		ref := i
		plan = append(plan, patrolStep{At: merged, what: "merge into the incident of step " + fmt.Sprint(i+1),
			do: func(ctx context.Context, svc model.Service, ids []string) error {
				_, err := svc.MergeFinding(ctx, *id, ids[ref], Liaison)
				return err
			}})
		n++
	}
	// Findings closed with a reason. None is left on the desk: the feed
	// fills it (PatrolFeed), and one left here would climb to the town
	// room at the console's first sweep.
	start := d0.Add(20 * time.Minute)
	if base.Sub(d0) > 8*time.Hour {
		start = base.Add(-6 * time.Hour)
	}
	span := base.Add(-65*time.Minute).Sub(start) / 3
	for k := range 2 {
		if span <= 0 {
			break
		}
		a := areas[r.IntN(len(areas))]
		s := findingStories[a.Kind][r.IntN(len(findingStories[a.Kind]))]
		at := start.Add(time.Duration(k+1) * span)
		id := finding(at, a, s.cat, s.text)
		reason := closeReasons[k]
		plan = append(plan, patrolStep{At: at.Add(9 * time.Minute), what: "close a finding",
			do: func(ctx context.Context, svc model.Service, _ []string) error {
				_, err := svc.CloseFinding(ctx, *id, reason, Liaison)
				return err
			}})
	}
	// The day's patrols from 07:00: each patroller works through their
	// areas one after another, a checkpoint every few minutes.
	if day := d0.Add(7 * time.Hour); base.After(day) {
		byPatroller := map[model.PersonID][]model.PatrolArea{}
		for _, a := range areas {
			byPatroller[a.Patroller] = append(byPatroller[a.Patroller], a)
		}
		for p := range Patrollers {
			id := ID(DutyOfficers + p)
			t := day.Add(time.Duration(r.IntN(40)) * time.Minute)
			for _, a := range byPatroller[id] {
				plan = append(plan, patrolRound(r, a, id, t, base)...)
				t = t.Add(time.Duration(len(a.Checkpoints)*8+25+r.IntN(30)) * time.Minute)
				if !t.Before(base) || t.After(d0.Add(18*time.Hour)) {
					break
				}
			}
		}
	}
	sort.SliceStable(plan, func(i, j int) bool { return plan[i].At.Before(plan[j].At) })
	return plan
}

// patrolRound is one patrol of a by id from t: a check-in at each
// checkpoint every 5-10 minutes (one in eight rounds skips one), ended
// unless base comes first.
func patrolRound(r *rand.Rand, a model.PatrolArea, id model.PersonID, t, base time.Time) []patrolStep {
	var out []patrolStep
	if !t.Before(base) {
		return nil
	}
	var pid string // the patrol's id, known once it started
	out = append(out, patrolStep{At: t, what: "start " + a.Code, do: func(ctx context.Context, svc model.Service, _ []string) error {
		p, _, err := svc.StartPatrol(ctx, a.Code, id, "")
		pid = p.ID
		return err
	}})
	skip := -1
	if r.IntN(8) == 0 {
		skip = r.IntN(len(a.Checkpoints))
	}
	for i, c := range a.Checkpoints {
		t = t.Add(time.Duration(5+r.IntN(6)) * time.Minute)
		if !t.Before(base) {
			return out
		}
		if i == skip {
			continue
		}
		cp := c.Code
		out = append(out, patrolStep{At: t, what: "check in at " + a.Code + " " + cp, do: func(ctx context.Context, svc model.Service, _ []string) error {
			_, _, err := svc.PatrolCheckIn(ctx, pid, cp, c.Loc, id, "")
			return err
		}})
	}
	if t = t.Add(3 * time.Minute); t.Before(base) {
		out = append(out, patrolStep{At: t, what: "end " + a.Code, do: func(ctx context.Context, svc model.Service, _ []string) error {
			_, _, err := svc.EndPatrol(ctx, pid, id, "")
			return err
		}})
	}
	return out
}
