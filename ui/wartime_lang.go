package ui

import "gridcmd/model"

// wtLabels are the wartime words of the console.
type wtLabels struct {
	Chain, Directive, Gaps, After              string
	TownRoom, VillageRooms, MicroOps, GapsRow  string
	RowShort                                   [4]string // the same four where they do not fit
	ColUnits, ColStaffed, ColWaiting, ColIncs  string
	ColShort                                   [4]string // the same four where they do not fit
	ColVillage, ColSigned, ColDone, ColSlowest string
	Since, Drill, Deadline, All, NoDirective   string
	Reason                                     map[model.Reason]string
	Role                                       map[model.WartimeRole]string
	Candidates, NoCandidates, NoGaps           string
	Drafted, NotDrafted, AlreadyServes         string
	OnBehalf                                   string // signed on the unit's behalf (代签), after the time in a micro-grid's row too
	Gap                                        string // a silent micro-grid with nobody on it
	ColWorker                                  string // a micro-grid's worker (the village's rows)
	StillActive                                string // the end of a wartime still running (model.StillActive)
	Due                                        string // Deadline in fewer letters, where a title has no room for it
}

func wartimeLabels(lang string) wtLabels {
	if !chinese(lang) {
		return wtLabels{
			Chain: "Wartime chain", Directive: "Directive", Gaps: "Gaps", After: "After action",
			TownRoom: "town room", VillageRooms: "village rooms", MicroOps: "micro-grids", GapsRow: "gaps",
			RowShort: [4]string{"town", "villages", "micro-grids", "gaps"},
			ColUnits: "units", ColStaffed: "staffed", ColWaiting: "unsigned", ColIncs: "incidents",
			ColShort:   [4]string{"unit", "on", "wait", "inc"},
			ColVillage: "village", ColSigned: "signed", ColDone: "done", ColSlowest: "silent",
			Since: "since", Drill: "drill", Deadline: "deadline", All: "all",
			NoDirective: "no directive yet: d issues one to every micro-grid in scope",
			Reason: map[model.Reason]string{model.ReasonFlood: "flood", model.ReasonTyphoon: "typhoon",
				model.ReasonEpidemic: "epidemic", model.ReasonFire: "fire", model.ReasonOther: "other"},
			Role: map[model.WartimeRole]string{model.WartimeVanguard: "vanguard", model.WartimeResponder: "responder",
				model.WartimeSpecialist: "specialist"},
			Candidates: "reserves", NoCandidates: "no reserve in this village", NoGaps: "every micro-grid in scope has a worker",
			Drafted: "drafted", NotDrafted: "x releases a drafted reserve; this micro-grid has nobody to release",
			AlreadyServes: "a drafted reserve serves here: x releases them",
			OnBehalf:      "on behalf",
			Gap:           "(gap)",
			ColWorker:     "worker",
			StillActive:   model.StillActive,
			Due:           "due",
		}
	}
	return wtLabels{
		Chain: "战时指挥链", Directive: "指令", Gaps: "缺员微网格", After: "战后总结",
		TownRoom: model.TierTown.RoomZh(), VillageRooms: model.TierVillage.RoomZh(), MicroOps: "微网格", GapsRow: "缺员",
		RowShort: [4]string{model.TierTown.RoomZh(), model.TierVillage.RoomZh(), "微网格", "缺员"},
		ColUnits: "单元", ColStaffed: "在岗", ColWaiting: "未签收", ColIncs: "事件",
		ColShort:   [4]string{"单元", "在岗", "未签", "事件"},
		ColVillage: "村社", ColSigned: "签收", ColDone: "完成", ColSlowest: "未签收单元",
		Since: "自", Drill: "演练", Deadline: "截止", All: "合计",
		Reason: model.ZhNames(model.Reasons), Role: model.ZhNames(model.WartimeRoles),
		Candidates: "可征调", NoCandidates: "本村无储备力量", NoGaps: "范围内微网格均有人员",
		Drafted: "已征调", NotDrafted: "x 解除已征调的储备力量；此微网格无人可解除",
		AlreadyServes: "此处已有征调的储备力量：x 解除征调",
		NoDirective:   "尚无指令：按 d 向范围内每个微网格下达",
		StillActive:   model.StillActiveZh,
		OnBehalf:      "代签",
		Gap:           "(空缺)",
		ColWorker:     "网格员",
		Due:           "截止",
	}
}
