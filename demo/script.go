package demo

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"gridcmd/model"
)

// ArticleTitle is the title of the article's own case in the script.
const ArticleTitle = "330国道货物撒落"

// Step is one thing that happens in the demo's morning: a report filed, or
// an action on an incident an earlier step filed. Exactly one of Report and
// Act is set.
type Step struct {
	At     time.Time
	Report *model.Report
	Act    *Act
}

// Act is an action on the incident filed by the Report step at index Ref of
// the same script.
type Act struct {
	Ref int
	Cmd model.Command
}

func (s Step) String() string {
	if s.Report != nil {
		return fmt.Sprintf("report %q at %s by %s", s.Report.Title, s.Report.Node, s.Report.Reporter)
	}
	return fmt.Sprintf("%s by %s of the incident filed at step %d", s.Act.Cmd.Action, s.Act.Cmd.By, s.Act.Ref+1)
}

// where says at which node an incident is reported, and by whom.
type where byte

const (
	atGrid    where = 'g' // a grid, by one of its grid workers
	atMicro   where = 'm' // a micro-grid, by a grid worker of its grid
	atVillage where = 'v' // a village, by one of its cadres
	byPatrol  where = 'p' // a village, by a patroller
)

// incidentSpec is one incident of the script and how far it gets.
type incidentSpec struct {
	cat      model.Category
	sev      model.Severity
	where    where
	tier     model.Tier   // the tier it ends at
	status   model.Status // the status it ends in
	age      time.Duration
	title    string
	text     string
	dept     string // who takes it when dispatched
	done     string // the resolve note
	direct   bool   // the grid leader escalates straight to the town
	node     model.NodeCode
	village  model.NodeCode // draw the node in this village
	source   model.Source
	platform model.Platform // dispatch to this platform ("" keeps it)
}

const (
	h = time.Hour
	m = time.Minute
	s = time.Second
)

// incidents is the demo's morning: 40 incidents covering every category,
// every tier and every status, most reported from grids and micro-grids. At
// base two are past their deadline (red: 老旧民房外墙开裂, 邻里宅基地边界纠纷)
// and one is close to it (yellow: 企业拖欠农民工工资).
var incidents = []incidentSpec{
	// Grid tier.
	{cat: "traffic", sev: model.SeverityIII, where: atMicro, tier: model.TierGrid, status: model.StatusResolved, age: 2*h + 40*m,
		title: "村口路段车辆乱停放", text: "村口道路两侧车辆乱停乱放，影响会车和行人通行。", done: "已劝导车主挪车，道路恢复通畅"},
	{cat: "dispute", sev: model.SeverityIII, where: atGrid, tier: model.TierGrid, status: model.StatusAcknowledged, age: 4*h + 30*m,
		title: "邻里宅基地边界纠纷", text: "两户村民因宅基地界址发生争执，情绪较激动，需上门调解。"},
	{cat: "hazard", sev: model.SeverityIII, where: atMicro, tier: model.TierGrid, status: model.StatusAcknowledged, age: 5*h + 20*m,
		title: "老旧民房外墙开裂", text: "一处无人居住的老旧民房外墙出现明显裂缝，紧邻村道，有倒塌风险。"},
	{cat: "service", sev: model.SeverityIV, where: atMicro, tier: model.TierGrid, status: model.StatusResolved, age: 3*h + 30*m,
		title: "路灯损坏不亮", text: "村内主干道三盏路灯不亮，夜间通行不便。", done: "已联系村电工更换灯具"},
	{cat: "ecology", sev: model.SeverityIV, where: atGrid, tier: model.TierGrid, status: model.StatusClosed, age: 5*h + 40*m,
		title: "沟渠漂浮垃圾", text: "村前沟渠内有大量漂浮垃圾，影响水质和村容。", done: "已组织保洁员打捞清理"},
	{cat: "security", sev: model.SeverityIII, where: atGrid, tier: model.TierGrid, status: model.StatusResolved, age: 4*h + 50*m,
		title: "夜间可疑人员徘徊", text: "有村民反映夜间有陌生人在停车场附近徘徊、查看车辆。", done: "经核查为走亲访友人员，已登记"},
	{cat: "migrant", sev: model.SeverityIV, where: atMicro, tier: model.TierGrid, status: model.StatusClosed, age: 5 * h,
		title: "出租房新入住人员未登记", text: "智能门锁提示出租房有新入住人员，尚未办理居住登记。", done: "已上门完成居住登记",
		village: "330784114268", source: model.SourceSensor},
	{cat: "party", sev: model.SeverityIV, where: atGrid, tier: model.TierGrid, status: model.StatusAcknowledged, age: 2 * h,
		title: "流动党员组织关系未转接", text: "一名返乡流动党员组织关系尚未转入，需协助办理。"},
	{cat: "health", sev: model.SeverityIV, where: atMicro, tier: model.TierGrid, status: model.StatusResolved, age: 1*h + 50*m,
		title: "独居老人身体不适", text: "独居老人反映头晕乏力，子女不在身边，需上门探视。", done: "已陪同前往卫生院就诊，并联系家属"},
	{cat: "fire", sev: model.SeverityIII, where: atMicro, tier: model.TierGrid, status: model.StatusResolved, age: 3 * h,
		title: "电动车楼道内充电", text: "居民楼楼道内有电动车飞线充电，存在火灾隐患。", done: "已劝导移至集中充电桩"},
	{cat: "service", sev: model.SeverityIV, where: atGrid, tier: model.TierGrid, status: model.StatusClosed, age: 4*h + 30*m,
		title: "自来水管道破裂漏水", text: "村道旁自来水管破裂，路面大量积水。", done: "供水站已抢修完毕"},
	{cat: "dispute", sev: model.SeverityIV, where: atMicro, tier: model.TierGrid, status: model.StatusReported, age: 70 * s,
		title: "夜间噪音扰民", text: "有住户反映邻居家庭作坊夜间机器噪音扰民。"},
	{cat: "hazard", sev: model.SeverityIV, where: atGrid, tier: model.TierGrid, status: model.StatusReported, age: 40 * s,
		title: "沿街广告牌松动", text: "沿街店铺广告牌固定螺栓松动，大风天气有坠落风险。"},
	{cat: "ecology", sev: model.SeverityIII, where: atMicro, tier: model.TierGrid, status: model.StatusAcknowledged, age: 25 * m,
		title: "垃圾分类桶满溢", text: "垃圾集置点分类桶满溢未清运，异味较重。"},
	{cat: "traffic", sev: model.SeverityIV, where: atGrid, tier: model.TierGrid, status: model.StatusClosed, age: 3*h + 50*m,
		title: "路面坑洼积水", text: "村道路面坑洼，雨后积水，电动车通行易摔倒。", done: "已用碎石临时填平，报镇里列入修缮计划"},

	// Village tier.
	{cat: "dispute", sev: model.SeverityII, where: atGrid, tier: model.TierVillage, status: model.StatusReported, age: 4 * m,
		title: "土地流转租金纠纷", text: "多户村民与承包大户就土地流转租金发生纠纷，聚集在村委会门口。"},
	{cat: "flood", sev: model.SeverityIII, where: byPatrol, tier: model.TierVillage, status: model.StatusAcknowledged, age: 1*h + 30*m,
		title: "山塘水位上涨", text: "巡护发现山塘水位接近警戒线，溢洪道有杂物堵塞。"},
	{cat: "ecology", sev: model.SeverityIII, where: byPatrol, tier: model.TierVillage, status: model.StatusDispatched, age: 2*h + 20*m,
		title: "山林边缘焚烧秸秆", text: "巡护发现有人在山林边缘焚烧秸秆，存在引发山火的风险。", dept: "村护林队"},
	{cat: "service", sev: model.SeverityIII, where: atGrid, tier: model.TierVillage, status: model.StatusDispatched, age: 3*h + 10*m,
		title: "村道路面塌陷", text: "村道一处路面塌陷约一平方米，已设置临时警示。", dept: "村道路养护队"},
	{cat: "security", sev: model.SeverityIII, where: atMicro, tier: model.TierVillage, status: model.StatusAcknowledged, age: 50 * m,
		title: "工地电缆线被盗", text: "村内在建工地电缆线夜间被盗，损失较大。"},
	{cat: "health", sev: model.SeverityIII, where: atVillage, tier: model.TierVillage, status: model.StatusResolved, age: 4 * h,
		title: "村卫生室药品短缺", text: "村卫生室常用慢性病药品短缺，老年村民取药不便。", dept: "镇卫生院", done: "镇卫生院已调配药品送达"},
	{cat: "hazard", sev: model.SeverityIII, where: atGrid, tier: model.TierVillage, status: model.StatusResolved, age: 4*h + 40*m,
		title: "农房违规加层", text: "村民擅自在自建房顶加盖一层，未办理审批手续。", dept: "村建设管理员", done: "已责令停工，拆除违建部分"},
	{cat: "party", sev: model.SeverityIV, where: atVillage, tier: model.TierVillage, status: model.StatusClosed, age: 5*h + 30*m,
		title: "党员志愿服务站无人值守", text: "村党员志愿服务站连续多日无人值守，群众办事不便。", dept: "村党支部", done: "已重新排定党员值守表"},
	{cat: "migrant", sev: model.SeverityIII, where: atMicro, tier: model.TierVillage, status: model.StatusClosed, age: 5*h + 10*m,
		title: "群租房居住人员超员", text: "一处出租房实际居住人数明显超过登记人数，存在安全隐患。", dept: "村流动人口协管员", done: "已督促房东清退超员人员"},

	// Town tier.
	{cat: "traffic", sev: model.SeverityII, where: atGrid, tier: model.TierTown, status: model.StatusDispatched, age: 50 * m,
		title: ArticleTitle, text: "330国道渎溪村路段有货车货物撒落，散落物占用行车道，过往车辆避让困难，存在交通安全隐患。",
		dept: "交警中队", direct: true, node: ArticleGrid, platform: model.PlatformSafety},
	{cat: "fire", sev: model.SeverityII, where: atMicro, tier: model.TierTown, status: model.StatusDispatched, age: 35 * m,
		title: "厂房仓库冒烟", text: "工业区一处厂房仓库有浓烟冒出，员工正在疏散。", dept: "消防救援站", direct: true},
	{cat: "traffic", sev: model.SeverityII, where: atGrid, tier: model.TierTown, status: model.StatusDispatched, age: 1*h + 20*m,
		title: "交叉路口两车相撞", text: "村口交叉路口两辆小车相撞，一人轻伤，车辆占道。", dept: "交警中队", direct: true},
	{cat: "hazard", sev: model.SeverityII, where: atMicro, tier: model.TierTown, status: model.StatusDispatched, age: 2*h + 30*m,
		title: "企业粉尘作业安全隐患", text: "五金加工企业抛光车间粉尘浓度大，未落实除尘措施。", dept: "应急管理所"},
	{cat: "security", sev: model.SeverityII, where: atGrid, tier: model.TierTown, status: model.StatusAcknowledged, age: 30 * m,
		title: "聚众赌博线索", text: "群众反映村内一处出租房夜间有人聚众赌博。"},
	{cat: "dispute", sev: model.SeverityII, where: atGrid, tier: model.TierTown, status: model.StatusAcknowledged, age: 3*h + 25*m,
		title: "企业拖欠农民工工资", text: "十余名外来务工人员反映企业拖欠工资，情绪激动。"},
	{cat: "ecology", sev: model.SeverityII, where: atMicro, tier: model.TierTown, status: model.StatusResolved, age: 4*h + 10*m,
		title: "小作坊污水直排溪流", text: "溪流边一处小作坊将清洗废水直排入溪，水体发黑。", dept: "生态环境分局", done: "已责令停产整改，取样送检"},
	{cat: "service", sev: model.SeverityIII, where: atVillage, tier: model.TierTown, status: model.StatusResolved, age: 3*h + 20*m,
		title: "片区大面积停电", text: "村内多个自然村停电，已持续一小时以上。", dept: "供电所", done: "线路故障已修复，恢复供电"},
	{cat: "health", sev: model.SeverityII, where: atMicro, tier: model.TierTown, status: model.StatusClosed, age: 5*h + 50*m,
		title: "学校多名学生发热", text: "村小学同一班级多名学生出现发热症状。", dept: "镇卫生院", done: "已排查为普通流感，落实晨午检"},
	{cat: "flood", sev: model.SeverityII, where: byPatrol, tier: model.TierTown, status: model.StatusClosed, age: 5*h + 15*m,
		title: "溪堤背水坡渗水", text: "巡护发现溪堤背水坡有渗水点，需专业排查。", dept: "水利站", done: "已完成抢护加固"},
	{cat: "security", sev: model.SeverityIII, where: atGrid, tier: model.TierTown, status: model.StatusReported, age: 6 * m,
		title: "电信诈骗预警", text: "反诈平台预警：一名老年村民正与可疑人员通话，疑似遭遇电信诈骗。", direct: true},

	// Task force.
	{cat: "flood", sev: model.SeverityI, where: byPatrol, tier: model.TierTaskForce, status: model.StatusDispatched, age: 2 * h,
		title: "强降雨致山体滑坡隐患", text: "持续强降雨，巡护发现村后山体出现裂缝，坡下有多户民房。", dept: "镇防汛防台专班"},
	{cat: "health", sev: model.SeverityII, where: atGrid, tier: model.TierTaskForce, status: model.StatusReported, age: 15 * m,
		title: "疑似聚集性发热", text: "同一网格内两户家庭多人出现发热咳嗽症状，有共同聚餐史。", direct: true},
	{cat: "fire", sev: model.SeverityII, where: atMicro, tier: model.TierTaskForce, status: model.StatusDispatched, age: 3 * h,
		title: "山林火情", text: "山林边缘发现明火，过火面积约两亩，风力较大。", dept: "镇森林防火专班", direct: true},
	{cat: "hazard", sev: model.SeverityI, where: atGrid, tier: model.TierTaskForce, status: model.StatusClosed, age: 5*h + 45*m,
		title: "企业储罐阀门泄漏", text: "企业储罐阀门泄漏，现场有刺激性气味，周边居民需疏散。", dept: "应急管理所", done: "泄漏已封堵，周边环境监测正常",
		direct: true},
	{cat: "dispute", sev: model.SeverityII, where: atVillage, tier: model.TierTaskForce, status: model.StatusAcknowledged, age: 1 * h,
		title: "征迁补偿标准争议", text: "涉及多个村的征迁补偿标准争议，群众拟集体上访。"},
}

// roster indexes Data.People by the places and roles the script needs.
type roster struct {
	grids    []model.NodeCode
	micro    map[model.NodeCode][]model.NodeCode // grid -> micro-grids
	villages []model.NodeCode
	leader   map[model.NodeCode]model.PersonID   // grid -> grid leader
	fulltime map[model.NodeCode][]model.PersonID // grid -> full-time workers
	parttime map[model.NodeCode][]model.PersonID
	cadres   map[model.NodeCode][]model.PersonID // village -> cadres
	duty     []model.PersonID                    // duty officers on duty
	patrol   []model.PersonID
}

func index(d Data) roster {
	ro := roster{
		micro: map[model.NodeCode][]model.NodeCode{}, leader: map[model.NodeCode]model.PersonID{},
		fulltime: map[model.NodeCode][]model.PersonID{}, parttime: map[model.NodeCode][]model.PersonID{},
		cadres: map[model.NodeCode][]model.PersonID{},
	}
	for _, n := range d.Nodes {
		switch n.Level {
		case model.LevelVillage:
			ro.villages = append(ro.villages, n.Code)
		case model.LevelGrid:
			ro.grids = append(ro.grids, n.Code)
		case model.LevelMicroGrid:
			ro.micro[n.Parent] = append(ro.micro[n.Parent], n.Code)
		}
	}
	for i, p := range d.People {
		id := ID(i)
		switch {
		case p.Has(model.RoleGridLeader):
			ro.leader[p.Node] = id
		case p.Has(model.RoleGridWorkerFull):
			ro.fulltime[p.Node] = append(ro.fulltime[p.Node], id)
		case p.Has(model.RoleGridWorkerPart):
			ro.parttime[p.Node] = append(ro.parttime[p.Node], id)
		case p.Has(model.RoleVillageCadre):
			ro.cadres[p.Node] = append(ro.cadres[p.Node], id)
		case p.Has(model.RoleDutyOfficer) && p.OnDuty:
			ro.duty = append(ro.duty, id)
		case p.Has(model.RolePatroller):
			ro.patrol = append(ro.patrol, id)
		}
	}
	return ro
}

// Script returns the demo's incidents as steps in time order, all in the six
// hours before base. Actors are named by the ids the store gives Build(seed)'s
// people (see ID), and every step is allowed by the rules of
// model.Incident.Apply under model.DefaultPolicy(): acknowledgements come
// within each tier's sign-for window, so no sweep of the clocks interferes,
// and the incidents left reported are still inside their window at base.
func Script(seed int64, base time.Time) []Step {
	r := rand.New(rand.NewPCG(uint64(seed), 0x536372697074)) // "Script"
	ro := index(Build(seed))

	// Draw grids and villages without repeats, the article's grid aside.
	var grids []model.NodeCode
	for _, i := range r.Perm(len(ro.grids)) {
		if ro.grids[i] != ArticleGrid {
			grids = append(grids, ro.grids[i])
		}
	}
	villages := make([]model.NodeCode, len(ro.villages))
	for i, j := range r.Perm(len(ro.villages)) {
		villages[i] = ro.villages[j]
	}
	nextGrid, nextVillage := 0, 0

	type placed struct {
		step     Step
		inc, seq int
	}
	var all []placed
	for n, spec := range incidents {
		var node, grid, village model.NodeCode
		switch spec.where {
		case atGrid, atMicro:
			switch {
			case spec.node != "":
				grid = spec.node.Grid()
			case spec.village != "":
				grid = spec.village.Child(1 + r.IntN(3))
			default:
				grid = grids[nextGrid%len(grids)]
				nextGrid++
			}
			node = grid
			if spec.where == atMicro {
				ms := ro.micro[grid]
				node = ms[r.IntN(len(ms))]
			}
			village = grid.Village()
		default:
			village = villages[nextVillage%len(villages)]
			nextVillage++
			node = village
		}
		if spec.node != "" {
			node = spec.node
		}

		var reporter model.PersonID
		switch spec.where {
		case atGrid, atMicro:
			ws := ro.fulltime[grid] // mostly the full-time workers on patrol
			if spec.node == "" && r.IntN(10) >= 7 {
				ws = ro.parttime[grid]
			}
			reporter = ws[0] // the article's case: the grid's first full-time worker
			if spec.node == "" {
				reporter = ws[r.IntN(len(ws))]
			}
		case atVillage:
			cs := ro.cadres[village]
			reporter = cs[r.IntN(len(cs))]
		case byPatrol:
			reporter = ro.patrol[r.IntN(len(ro.patrol))]
		}
		officer := ro.duty[r.IntN(len(ro.duty))]
		holder := func(t model.Tier) model.PersonID {
			switch t {
			case model.TierGrid:
				return ro.leader[grid]
			case model.TierVillage:
				return ro.cadres[village][0]
			}
			return officer
		}

		// Lay the steps out as offsets from the report.
		var off time.Duration
		type act struct {
			off time.Duration
			cmd model.Command
		}
		var acts []act
		after := func(lo, hi time.Duration, c model.Command) {
			off += lo + time.Duration(r.Int64N(int64((hi-lo)/time.Second)+1))*time.Second
			acts = append(acts, act{off, c})
		}
		ack := func(t model.Tier) {
			lo, hi := ackDelay(t)
			after(lo, hi, model.Command{Action: model.ActAcknowledge, By: holder(t)})
		}
		tier := model.StartTier(node)
		for tier != spec.tier {
			ack(tier)
			to := tier.Next()
			if spec.direct && tier == model.TierGrid {
				to = model.TierTown
			}
			after(25*s, 45*s, model.Command{Action: model.ActEscalate, By: holder(tier), To: to, Note: escalateNote(spec, to)})
			tier = to
		}
		rank := statusRank(spec.status)
		if rank >= statusRank(model.StatusAcknowledged) {
			ack(tier)
		}
		if rank >= statusRank(model.StatusDispatched) && tier != model.TierGrid {
			after(2*m, 8*m, model.Command{Action: model.ActDispatch, By: holder(tier), Platform: spec.platform,
				Department: spec.dept, Note: "请" + spec.dept + "尽快到场处置"})
		}
		if rank >= statusRank(model.StatusResolved) {
			by := holder(tier)
			lo, hi := 30*m, 100*m
			if tier == model.TierGrid {
				lo, hi = 15*m, 60*m
				if r.IntN(2) == 0 {
					by = reporter // the grid worker who found it deals with it
				}
			}
			after(lo, hi, model.Command{Action: model.ActResolve, By: by, Note: spec.done})
		}
		if spec.status == model.StatusClosed {
			after(30*m, 90*m, model.Command{Action: model.ActClose, By: officer, Note: "回访群众满意，归档"})
		}

		t0 := base.Add(-spec.age)
		if spec.age >= 20*m {
			t0 = t0.Add(-time.Duration(r.IntN(300)) * time.Second) // not all on the minute
		}
		if last := t0.Add(off); !last.Before(base.Add(-30 * time.Second)) {
			t0 = base.Add(-off - time.Minute) // the draws took longer than the age allows
		}
		all = append(all, placed{inc: n, step: Step{At: t0, Report: &model.Report{
			Node: node, Category: string(spec.cat), Severity: spec.sev, Title: spec.title, Text: spec.text,
			Reporter: reporter, Source: spec.source,
		}}})
		for k, a := range acts {
			all = append(all, placed{inc: n, seq: k + 1, step: Step{At: t0.Add(a.off), Act: &Act{Cmd: a.cmd}}})
		}
	}

	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if !a.step.At.Equal(b.step.At) {
			return a.step.At.Before(b.step.At)
		}
		if a.inc != b.inc {
			return a.inc < b.inc
		}
		return a.seq < b.seq
	})
	out := make([]Step, len(all))
	ref := map[int]int{} // incident -> index of its report step
	for i, p := range all {
		if p.step.Report != nil {
			ref[p.inc] = i
		} else {
			p.step.Act.Ref = ref[p.inc]
		}
		out[i] = p.step
	}
	return out
}

// ackDelay is how long a tier's holder takes to sign for a report: always
// inside model.DefaultPolicy's sign-for window (2, 5, 10 and 30 minutes).
func ackDelay(t model.Tier) (lo, hi time.Duration) {
	switch t {
	case model.TierGrid:
		return 30 * s, 70 * s // so the grid leader has passed it on within two minutes
	case model.TierVillage:
		return 1 * m, 3 * m
	case model.TierTown:
		return 90 * s, 6 * m
	}
	return 3 * m, 15 * m
}

func escalateNote(spec incidentSpec, to model.Tier) string {
	switch {
	case spec.node == ArticleGrid:
		return "国道占道，网格无法处置，直报镇综合信息指挥室"
	case to == model.TierVillage:
		return "超出网格处置能力，上报村社"
	case to == model.TierTown && spec.direct:
		return "情况紧急，直报镇综合信息指挥室"
	case to == model.TierTown:
		return "需镇级协调处置，上报镇指挥室"
	}
	return "跨平台重点事项，提请专班统筹"
}

func statusRank(st model.Status) int {
	for i, x := range model.Statuses {
		if x == st {
			return i
		}
	}
	return -1
}
