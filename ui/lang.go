package ui

import "gridcmd/model"

// Labels are the console's words in one language.
type Labels struct {
	Lang                                      string
	Peacetime, Wartime, CommandRoom, FeedDown string
	Open, Red, EscPerHour, PassOn             string
	Chain, Tower, Incidents, Events, Roster   string
	Detail, Help                              string
	ColTier, ColWaiting, ColOldest, ColRed    string
	ColSev, ColID, ColStatus, ColSLA, ColNode string
	ColTitle, ColStaff, ColHouseholds         string
	ColTime, ColWhat, ColWho                  string
	ColName, ColRole, ColPhone                string
	Operator, Filter, Scope, All              string
	TooSmall                                  string
	Tier                                      map[model.Tier]string
	Status                                    map[model.Status]string
	Level                                     map[model.Level]string
	Action                                    map[model.Action]string
	Role                                      map[model.Role]string
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
	Lang: "en", System: "system", Peacetime: "PEACETIME", Wartime: "WARTIME", CommandRoom: "town command room", FeedDown: "FEED LOST",
	Open: "open", Red: "red", EscPerHour: "esc/h", PassOn: "pass-on p50",
	Chain: "Command chain", Tower: "Grid tower", Incidents: "Incidents", Events: "Events", Roster: "Roster",
	Detail: "Incident", Help: "Keys",
	ColTier: "tier", ColWaiting: "queued", ColOldest: "oldest", ColRed: "red",
	ColSev: "sev", ColID: "id", ColStatus: "status", ColSLA: "SLA", ColNode: "node",
	ColTitle: "title", ColStaff: "staff", ColHouseholds: "hh",
	ColTime: "time", ColWhat: "what", ColWho: "who", ColName: "name", ColRole: "role", ColPhone: "phone",
	Operator: "on duty", Filter: "filter", Scope: "in", All: "all",
	TooSmall: "Terminal too small: %dx%d. gridcmd needs at least %dx%d.",
	Tier: map[model.Tier]string{model.TierGrid: "grid", model.TierVillage: "village",
		model.TierTown: "town", model.TierTaskForce: "task force"},
	Status: map[model.Status]string{model.StatusReported: "new", model.StatusAcknowledged: "acked",
		model.StatusDispatched: "sent", model.StatusResolved: "resolved", model.StatusClosed: "closed"},
	Level: map[model.Level]string{model.LevelTown: "town", model.LevelVillage: "village",
		model.LevelGrid: "grid", model.LevelMicroGrid: "micro-grid", model.LevelHousehold: "household unit"},
	Action: map[model.Action]string{model.ActReport: "reported", model.ActAcknowledge: "acknowledged",
		model.ActEscalate: "escalated", model.ActSupervise: "supervised", model.ActDispatch: "dispatched",
		model.ActResolve: "resolved", model.ActClose: "closed", model.ActReopen: "reopened", model.ActImport: "imported",
		model.ActActivate: "wartime activated", model.ActDeactivate: "wartime ended", model.ActDraft: "reserve drafted",
		model.ActDirective: "directive issued", model.ActSign: "signed for", model.ActProgress: "progress",
		model.ActResend: "resent", model.ActAlert: "sensor alert", model.ActToken: "access"},
	Role: map[model.Role]string{
		model.RoleGridLeader: "grid leader", model.RoleGridWorkerFull: "grid worker (full-time)",
		model.RoleGridWorkerPart: "grid worker (part-time)", model.RoleMicroGridWorker: "micro-grid worker",
		model.RoleContactPerson: "contact person", model.RoleVillageCadre: "village cadre",
		model.RoleDutyOfficer: "duty officer", model.RolePatroller: "patroller", model.RoleLiaison: "liaison",
		model.RoleReserve: "reserve"},
	OnDuty: "on duty", OffDuty: "off", Nobody: "nobody here",
	Fields: map[string]string{
		"id": "id", "title": "title", "node": "node", "category": "category", "platform": "platform",
		"severity": "severity", "tier": "tier", "status": "status", "sla": "SLA", "deadline": "deadline",
		"department": "department", "reporter": "reporter", "source": "source", "reported": "reported",
		"supervised": "supervised", "escalations": "escalations", "timeline": "Timeline", "text": "details",
		"left": "left", "overdue": "overdue by",
	},
}

var zhLabels = Labels{
	Lang: "zh", System: "系统", Peacetime: "平时", Wartime: "战时", CommandRoom: "综合信息指挥室", FeedDown: "实时中断",
	Open: "在办", Red: "超时", EscPerHour: "升级/时", PassOn: "流转中位",
	Chain: "指挥链", Tower: "网格塔", Incidents: "事件", Events: "动态", Roster: "名册",
	Detail: "事件详情", Help: "按键",
	ColTier: "层级", ColWaiting: "待办", ColOldest: "最久", ColRed: "超时",
	ColSev: "级", ColID: "编号", ColStatus: "状态", ColSLA: "时限", ColNode: "地点",
	ColTitle: "标题", ColStaff: "人员", ColHouseholds: "户数",
	ColTime: "时间", ColWhat: "事项", ColWho: "经办", ColName: "姓名", ColRole: "角色", ColPhone: "电话",
	Operator: "值班", Filter: "筛选", Scope: "范围", All: "全部",
	TooSmall: "终端太小：%dx%d。gridcmd 至少需要 %dx%d。",
	Tier: map[model.Tier]string{model.TierGrid: "网格", model.TierVillage: "村社",
		model.TierTown: "镇指挥室", model.TierTaskForce: "专班"},
	Status: map[model.Status]string{model.StatusReported: "上报", model.StatusAcknowledged: "签收",
		model.StatusDispatched: "交办", model.StatusResolved: "办结", model.StatusClosed: "归档"},
	Level: map[model.Level]string{model.LevelTown: "镇", model.LevelVillage: "村社",
		model.LevelGrid: "网格", model.LevelMicroGrid: "微网格", model.LevelHousehold: "包联户"},
	Action: map[model.Action]string{model.ActReport: "上报", model.ActAcknowledge: "签收",
		model.ActEscalate: "升级", model.ActSupervise: "督办", model.ActDispatch: "交办",
		model.ActResolve: "办结", model.ActClose: "归档", model.ActReopen: "重启", model.ActImport: "导入",
		model.ActActivate: "启动战时", model.ActDeactivate: "结束战时", model.ActDraft: "征调储备",
		model.ActDirective: "下达指令", model.ActSign: "签收指令", model.ActProgress: "进展", model.ActResend: "重发",
		model.ActAlert: "告警", model.ActToken: "授权"},
	Role: map[model.Role]string{
		model.RoleGridLeader: "网格长", model.RoleGridWorkerFull: "专职网格员", model.RoleGridWorkerPart: "兼职网格员",
		model.RoleMicroGridWorker: "微网格员", model.RoleContactPerson: "包联人", model.RoleVillageCadre: "村干部",
		model.RoleDutyOfficer: "值班员", model.RolePatroller: "巡护员", model.RoleLiaison: "联络员",
		model.RoleReserve: "储备力量"},
	OnDuty: "在岗", OffDuty: "休息", Nobody: "无人员",
	Fields: map[string]string{
		"id": "编号", "title": "标题", "node": "地点", "category": "类别", "platform": "平台",
		"severity": "等级", "tier": "层级", "status": "状态", "sla": "时限", "deadline": "截止",
		"department": "承办部门", "reporter": "上报人", "source": "来源", "reported": "上报时间",
		"supervised": "督办", "escalations": "升级次数", "timeline": "处置时间线", "text": "详情",
		"left": "剩余", "overdue": "已超时",
	},
}
