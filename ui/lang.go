package ui

import "gridcmd/model"

// Labels are the console's words in one language.
type Labels struct {
	Lang                                      string
	Peacetime, Wartime, FeedDown, ReadOnly    string
	Open, Red, EscPerHour, PassOn             string
	Resolved, Archived                        string // the queue's count of its resolved and (all) closed rows, beside its open ones
	Chain, Tower, Incidents, Events, Roster   string
	Towns, ColTown, ColPassOn, ColWartime     string
	UplinkOK, UplinkCut, UplinkToSync, Cut    string // the federation's link (federation.go)
	TownCut, TownsCut, HubDown                string // a room above the towns: its towns' links cut, its hub stopped (federation.go)
	UplinkLinking, TownsLinking, Linking      string // a link not up yet, its node just started (federation.go)
	ColBehind, ColLink, LinkOK                string // the towns table's: the backlog, the link (up, or cut since when)
	Detail, Help                              string
	ColTier, ColWaiting, ColOldest, ColRed    string
	ColSev, ColID, ColStatus, ColSLA, ColNode string
	ColTitle, ColStaff, ColHouseholds         string
	ColTime, ColWhat, ColWho                  string
	ColName, ColRole, ColPhone                string
	Operator, Filter, Scope, All              string
	TooSmall                                  string
	Tier                                      map[model.Tier]string
	TierShort                                 map[model.Tier]string // where the queue is narrow
	SortBy                                    [sortModes]string     // the queue's orders, as its title says them
	NewMark                                   string                // a report of the last 30 s
	Legend                                    string                // the help's note on the queue's words and marks
	Status                                    map[model.Status]string
	Level                                     map[model.Level]string
	Action                                    map[model.Action]string
	Verb                                      map[model.Action]string // what a question says y will do
	Role                                      map[model.Role]string
	Reserve                                   map[model.ReserveKind]string // a reserve's kind (入党积极分子…)
	OnDuty, OffDuty, Nobody                   string
	System                                    string // who the clocks act as
	Fields                                    map[string]string
}

func labels(lang string) Labels {
	if chinese(lang) {
		return zhLabels
	}
	return enLabels
}

var enLabels, zhLabels = newLabels("en"), newLabels("zh")

// newLabels are the console's words in lang (en, else zh), each word in
// both languages side by side; the names of tiers, statuses, levels,
// actions and roles by language (names).
func newLabels(lang string) Labels {
	say := func(en, zh string) string { return sayIn(lang, en, zh) }
	l := Labels{
		Lang: say("en", "zh"), System: say("system", "系统"), Peacetime: say("PEACETIME", "平时"), Wartime: say("WARTIME", "战时"),
		FeedDown: say("FEED LOST", "实时中断"), ReadOnly: say("READ-ONLY", "只读"),
		Open: say("open", "在办"), Red: say("red", "超时"), EscPerHour: say("esc/h", "升级/时"), PassOn: say("pass-on p50", "流转中位"),
		Resolved: say("resolved", "已办结"), Archived: say("closed", "已归档"),
		Chain: say("Command chain", "指挥链"), Tower: say("Grid tower", "网格塔"), Incidents: say("Incidents", "事件"),
		Events: say("Events", "动态"), Roster: say("Roster", "名册"),
		Towns: say("Towns", "镇街"), ColTown: say("town", "镇街"), ColPassOn: say("pass-on", "流转中位"), ColWartime: say("wartime", "战时"),
		UplinkOK: say("uplink ok", "上联 正常"), UplinkCut: say("uplink cut", "上联中断"), UplinkToSync: say("%s, %s to sync", "%s，待同步 %s 条"),
		Cut: say("cut", "断联"), TownCut: say("%s cut", "%s断联"), TownsCut: say("%d towns cut", "%d 个镇街断联"),
		HubDown: say("hub not running", "汇聚节点未运行"), ColBehind: say("sync", "积压"), ColLink: say("link", "上联"), LinkOK: say("ok", "正常"),
		UplinkLinking: say("uplink linking…", "上联连接中…"), TownsLinking: say("linking %d towns…", "%d 个镇街连接中…"), Linking: "…",
		Detail: say("Incident", "事件详情"), Help: say("Keys", "按键"),
		ColTier: say("tier", "层级"), ColWaiting: say("queued", "待办"), ColOldest: say("oldest", "最久"), ColRed: say("red", "超时"),
		ColSev: say("sev", "级"), ColID: say("id", "编号"), ColStatus: say("status", "状态"), ColSLA: say("SLA", "时限"), ColNode: say("node", "地点"),
		ColTitle: say("title", "标题"), ColStaff: say("staff", "人员"), ColHouseholds: say("hh", "户数"),
		ColTime: say("time", "时间"), ColWhat: say("what", "事项"), ColWho: say("who", "经办"), ColName: say("name", "姓名"),
		ColRole: say("role", "角色"), ColPhone: say("phone", "电话"),
		Operator: say("on duty", "值班"), Filter: say("filter", "筛选"), Scope: say("in", "范围"), All: say("all", "全部"),
		TooSmall: say("Terminal too small: %dx%d. gridcmd needs at least %dx%d.", "终端太小：%dx%d。gridcmd 至少需要 %dx%d。"),
		TierShort: map[model.Tier]string{model.TierGrid: say("grid", "网格"), model.TierVillage: say("vill", "村社"),
			model.TierTown: say("town", "镇"), model.TierTaskForce: say("tf", "专班")},
		SortBy:  [sortModes]string{say("by severity+SLA", "按级别和时限"), say("by age", "按时长"), say("by tier", "按层级"), say("by node", "按地点")},
		NewMark: say("new", "新"),
		Legend: say("Status: new = reported, waiting to be signed for; acked = acknowledged; sent = dispatched; "+
			"! = supervised (督办). Tier where narrow: vill = village, tf = task force. "+
			"SLA: time left on the running clock, green under 80%, yellow to 100%, red overdue (minus). "+
			"/ filters by words and tier: status: sev: platform: red mine all; S sorts.",
			"状态后的 ! 表示督办。时限：当前时钟剩余时间，用时不足 80% 为绿，80%–100% 为黄，超时为红（负数）。"+
				"/ 按关键词及 层级: 状态: 级别: 平台: 超时 我的 全部 筛选；S 切换排序。"),
		Verb: map[model.Action]string{model.ActReport: say("file", "上报"), model.ActAcknowledge: say("acknowledge", "签收"),
			model.ActEscalate: say("escalate", "升级"), model.ActDispatch: say("dispatch", "交办"), model.ActResolve: say("resolve", "办结"),
			model.ActClose: say("close (archive)", "归档"), model.ActReopen: say("reopen", "重新办理"), model.ActNote: say("add a note to", "添加备注"),
			model.ActDraft: say("draft", "征调"), model.ActRelease: say("release", "解除征调"), model.ActResend: say("resend", "重发")},
		OnDuty: say("on duty", "在岗"), OffDuty: say("off", "休息"), Nobody: say("nobody here", "无人员"),
		Fields: fieldNames(say),
	}
	if !chinese(lang) {
		l.nameInEnglish()
		return l
	}
	// The Chinese names are model's catalogue; the English ones are the
	// console's own display words (model's keys are "taskforce",
	// "micro_grid", "acknowledged").
	l.Tier, l.Status, l.Level = model.ZhNames(model.Tiers), model.ZhNames(model.Statuses), model.ZhNames(model.Levels)
	l.Action, l.Role = zhActions(), model.ZhNames(model.Roles)
	l.Reserve = model.ZhNames([]model.ReserveKind{model.ReserveActivist, model.ReserveVolunteer, model.ReserveVillager})
	return l
}

// fieldNames are the detail's field names, said by say.
func fieldNames(say func(en, zh string) string) map[string]string {
	return map[string]string{
		"id": say("id", "编号"), "title": say("title", "标题"), "node": say("node", "地点"), "category": say("category", "类别"),
		"platform": say("platform", "平台"), "severity": say("severity", "等级"), "tier": say("tier", "层级"), "status": say("status", "状态"),
		"sla": say("SLA", "时限"), "deadline": say("deadline", "截止"), "department": say("department", "承办部门"),
		"reporter": say("reporter", "上报人"), "source": say("source", "来源"), "reported": say("reported", "上报时间"),
		"supervised": say("supervised", "督办"), "escalations": say("escalations", "升级次数"), "timeline": say("Timeline", "处置时间线"),
		"text": say("details", "详情"), "left": say("left", "剩余"), "overdue": say("overdue by", "已超时"), "holder": say("held by", "承办人"),
	}
}

// nameInEnglish gives l the console's English names of tiers, statuses,
// levels, actions, roles and reserve kinds.
func (l *Labels) nameInEnglish() {
	l.Tier = map[model.Tier]string{model.TierGrid: "grid", model.TierVillage: "village", model.TierTown: "town", model.TierTaskForce: "task force"}
	l.Status = map[model.Status]string{model.StatusReported: "new", model.StatusAcknowledged: "acked",
		model.StatusDispatched: "sent", model.StatusResolved: "resolved", model.StatusClosed: "closed"}
	l.Level = map[model.Level]string{model.LevelTown: "town", model.LevelVillage: "village",
		model.LevelGrid: "grid", model.LevelMicroGrid: "micro-grid", model.LevelHousehold: "household unit"}
	l.Action = map[model.Action]string{model.ActReport: "reported", model.ActAcknowledge: "acknowledged",
		model.ActEscalate: "escalated", model.ActSupervise: "supervised", model.ActDispatch: "dispatched",
		model.ActResolve: "resolved", model.ActClose: "closed", model.ActReopen: "reopened", model.ActImport: "imported",
		model.ActActivate: "wartime activated", model.ActWiden: "wartime widened", model.ActDeactivate: "wartime ended", model.ActDraft: "reserve drafted",
		model.ActDirective: "directive issued", model.ActSign: "signed for", model.ActProgress: "progress",
		model.ActResend: "resent", model.ActAlert: "sensor alert", model.ActToken: "access",
		model.ActNote: "note", model.ActRelease: "reserve released", model.ActInvalid: "closed as invalid",
		model.ActPointsGrant: "points granted", model.ActPointsDeduct: "points deducted", model.ActPointsRedeem: "benefit redeemed",
		model.ActShift: "shifts scheduled", model.ActShiftSwap: "shift swapped", model.ActHandover: "handed over",
		model.ActHandoverAccept: "handover signed for", model.ActCheckIn: "checked in", model.ActHeartbeat: "gateway watch",
		model.ActKey: "ssh key", model.ActSeat: "seat",
		model.ActFedRefused: "command refused", model.ActFedStructure: "structure sent",
		model.ActFedDuty: "duty schedule sent", model.ActFedDropped: "copy dropped"}
	l.Role = map[model.Role]string{
		model.RoleGridLeader: "grid leader", model.RoleGridWorkerFull: "grid worker (full-time)",
		model.RoleGridWorkerPart: "grid worker (part-time)", model.RoleMicroGridWorker: "micro-grid worker",
		model.RoleContactPerson: "contact person", model.RoleVillageCadre: "village cadre",
		model.RoleDutyOfficer: "duty officer", model.RolePatroller: "patroller", model.RoleLiaison: "liaison",
		model.RoleReserve: "reserve"}
	l.Reserve = map[model.ReserveKind]string{model.ReserveActivist: "party activist",
		model.ReserveVolunteer: "volunteer", model.ReserveVillager: "active villager"}
}

// zhActions is model's Chinese name of each action the console names (the
// actions named in English: nameInEnglish), but for two where the ticker, which puts the name
// before the event's note, says more: a draft is 征调储备 ("征调储备 王芳（…",
// model's 征调 names no reserve), a token's issue or revocation is 授权
// (model's 令牌 would read "令牌 令牌 …" before its note).
func zhActions() map[model.Action]string {
	var en Labels
	en.nameInEnglish()
	out := make(map[model.Action]string, len(en.Action))
	for a := range en.Action {
		out[a] = a.Zh()
	}
	out[model.ActDraft] = "征调储备"
	out[model.ActToken] = "授权"
	out[model.ActKey] = "SSH 密钥"
	return out
}
