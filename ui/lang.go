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
	if lang == "en" {
		return enLabels
	}
	return zhLabels
}

var enLabels = Labels{
	Lang: "en", System: "system", Peacetime: "PEACETIME", Wartime: "WARTIME", FeedDown: "FEED LOST", ReadOnly: "READ-ONLY",
	Open: "open", Red: "red", EscPerHour: "esc/h", PassOn: "pass-on p50", Resolved: "resolved", Archived: "closed",
	Chain: "Command chain", Tower: "Grid tower", Incidents: "Incidents", Events: "Events", Roster: "Roster",
	Towns: "Towns", ColTown: "town", ColPassOn: "pass-on", ColWartime: "wartime",
	UplinkOK: "uplink ok", UplinkCut: "uplink cut", UplinkToSync: "%s, %s to sync", Cut: "cut",
	TownCut: "%s cut", TownsCut: "%d towns cut", HubDown: "hub not running", ColBehind: "sync", ColLink: "link", LinkOK: "ok",
	UplinkLinking: "uplink linking…", TownsLinking: "linking %d towns…", Linking: "…",
	Detail: "Incident", Help: "Keys",
	ColTier: "tier", ColWaiting: "queued", ColOldest: "oldest", ColRed: "red",
	ColSev: "sev", ColID: "id", ColStatus: "status", ColSLA: "SLA", ColNode: "node",
	ColTitle: "title", ColStaff: "staff", ColHouseholds: "hh",
	ColTime: "time", ColWhat: "what", ColWho: "who", ColName: "name", ColRole: "role", ColPhone: "phone",
	Operator: "on duty", Filter: "filter", Scope: "in", All: "all",
	TooSmall: "Terminal too small: %dx%d. gridcmd needs at least %dx%d.",
	Tier: map[model.Tier]string{model.TierGrid: "grid", model.TierVillage: "village",
		model.TierTown: "town", model.TierTaskForce: "task force"},
	TierShort: map[model.Tier]string{model.TierGrid: "grid", model.TierVillage: "vill",
		model.TierTown: "town", model.TierTaskForce: "tf"},
	SortBy:  [sortModes]string{"by severity+SLA", "by age", "by tier", "by node"},
	NewMark: "new",
	Legend: "Status: new = reported, waiting to be signed for; acked = acknowledged; sent = dispatched; " +
		"! = supervised (督办). Tier where narrow: vill = village, tf = task force. " +
		"SLA: time left on the running clock, green under 80%, yellow to 100%, red overdue (minus). " +
		"/ filters by words and tier: status: sev: platform: red mine all; S sorts.",
	Status: map[model.Status]string{model.StatusReported: "new", model.StatusAcknowledged: "acked",
		model.StatusDispatched: "sent", model.StatusResolved: "resolved", model.StatusClosed: "closed"},
	Level: map[model.Level]string{model.LevelTown: "town", model.LevelVillage: "village",
		model.LevelGrid: "grid", model.LevelMicroGrid: "micro-grid", model.LevelHousehold: "household unit"},
	Action: map[model.Action]string{model.ActReport: "reported", model.ActAcknowledge: "acknowledged",
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
		model.ActFedRefused: "command refused", model.ActFedStructure: "structure sent"},
	Verb: map[model.Action]string{model.ActReport: "file", model.ActAcknowledge: "acknowledge", model.ActEscalate: "escalate",
		model.ActDispatch: "dispatch", model.ActResolve: "resolve", model.ActClose: "close (archive)", model.ActReopen: "reopen",
		model.ActNote: "add a note to", model.ActDraft: "draft", model.ActRelease: "release", model.ActResend: "resend"},
	Role: map[model.Role]string{
		model.RoleGridLeader: "grid leader", model.RoleGridWorkerFull: "grid worker (full-time)",
		model.RoleGridWorkerPart: "grid worker (part-time)", model.RoleMicroGridWorker: "micro-grid worker",
		model.RoleContactPerson: "contact person", model.RoleVillageCadre: "village cadre",
		model.RoleDutyOfficer: "duty officer", model.RolePatroller: "patroller", model.RoleLiaison: "liaison",
		model.RoleReserve: "reserve"},
	Reserve: map[model.ReserveKind]string{model.ReserveActivist: "party activist",
		model.ReserveVolunteer: "volunteer", model.ReserveVillager: "active villager"},
	OnDuty: "on duty", OffDuty: "off", Nobody: "nobody here",
	Fields: map[string]string{
		"id": "id", "title": "title", "node": "node", "category": "category", "platform": "platform",
		"severity": "severity", "tier": "tier", "status": "status", "sla": "SLA", "deadline": "deadline",
		"department": "department", "reporter": "reporter", "source": "source", "reported": "reported",
		"supervised": "supervised", "escalations": "escalations", "timeline": "Timeline", "text": "details",
		"left": "left", "overdue": "overdue by", "holder": "held by",
	},
}

// zhActions is model's Chinese name of each action the console names (the
// actions of enLabels), but for two where the ticker, which puts the name
// before the event's note, says more: a draft is 征调储备 ("征调储备 王芳（…",
// model's 征调 names no reserve), a token's issue or revocation is 授权
// (model's 令牌 would read "令牌 令牌 …" before its note).
func zhActions() map[model.Action]string {
	out := make(map[model.Action]string, len(enLabels.Action))
	for a := range enLabels.Action {
		out[a] = a.Zh()
	}
	out[model.ActDraft] = "征调储备"
	out[model.ActToken] = "授权"
	out[model.ActKey] = "SSH 密钥"
	return out
}

// The Chinese names of tiers, statuses, levels, actions and roles are
// model's catalogue; the English ones above are the console's own display
// words (model's keys are "taskforce", "micro_grid", "acknowledged").
var zhLabels = Labels{
	Lang: "zh", System: "系统", Peacetime: "平时", Wartime: "战时", FeedDown: "实时中断", ReadOnly: "只读",
	Open: "在办", Red: "超时", EscPerHour: "升级/时", PassOn: "流转中位", Resolved: "已办结", Archived: "已归档",
	Chain: "指挥链", Tower: "网格塔", Incidents: "事件", Events: "动态", Roster: "名册",
	Towns: "镇街", ColTown: "镇街", ColPassOn: "流转中位", ColWartime: "战时",
	UplinkOK: "上联 正常", UplinkCut: "上联中断", UplinkToSync: "%s，待同步 %s 条", Cut: "断联",
	TownCut: "%s断联", TownsCut: "%d 个镇街断联", HubDown: "汇聚节点未运行", ColBehind: "积压", ColLink: "上联", LinkOK: "正常",
	UplinkLinking: "上联连接中…", TownsLinking: "%d 个镇街连接中…", Linking: "…",
	Detail: "事件详情", Help: "按键",
	ColTier: "层级", ColWaiting: "待办", ColOldest: "最久", ColRed: "超时",
	ColSev: "级", ColID: "编号", ColStatus: "状态", ColSLA: "时限", ColNode: "地点",
	ColTitle: "标题", ColStaff: "人员", ColHouseholds: "户数",
	ColTime: "时间", ColWhat: "事项", ColWho: "经办", ColName: "姓名", ColRole: "角色", ColPhone: "电话",
	Operator: "值班", Filter: "筛选", Scope: "范围", All: "全部",
	Tier: model.ZhNames(model.Tiers), Status: model.ZhNames(model.Statuses), Level: model.ZhNames(model.Levels),
	TierShort: map[model.Tier]string{model.TierGrid: "网格", model.TierVillage: "村社",
		model.TierTown: "镇", model.TierTaskForce: "专班"},
	SortBy:  [sortModes]string{"按级别和时限", "按时长", "按层级", "按地点"},
	NewMark: "新",
	Legend: "状态后的 ! 表示督办。时限：当前时钟剩余时间，用时不足 80% 为绿，80%–100% 为黄，超时为红（负数）。" +
		"/ 按关键词及 层级: 状态: 级别: 平台: 超时 我的 全部 筛选；S 切换排序。",
	Action: zhActions(), Role: model.ZhNames(model.Roles),
	Reserve: model.ZhNames([]model.ReserveKind{model.ReserveActivist, model.ReserveVolunteer, model.ReserveVillager}),
	Verb: map[model.Action]string{model.ActReport: "上报", model.ActAcknowledge: "签收", model.ActEscalate: "升级",
		model.ActDispatch: "交办", model.ActResolve: "办结", model.ActClose: "归档", model.ActReopen: "重新办理",
		model.ActNote: "添加备注", model.ActDraft: "征调", model.ActRelease: "解除征调", model.ActResend: "重发"},
	OnDuty: "在岗", OffDuty: "休息", Nobody: "无人员",
	TooSmall: "终端太小：%dx%d。gridcmd 至少需要 %dx%d。",
	Fields: map[string]string{
		"id": "编号", "title": "标题", "node": "地点", "category": "类别", "platform": "平台",
		"severity": "等级", "tier": "层级", "status": "状态", "sla": "时限", "deadline": "截止",
		"department": "承办部门", "reporter": "上报人", "source": "来源", "reported": "上报时间",
		"supervised": "督办", "escalations": "升级次数", "timeline": "处置时间线", "text": "详情",
		"left": "剩余", "overdue": "已超时", "holder": "承办人",
	},
}
