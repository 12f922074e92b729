package ui

import (
	"fmt"

	"gridcmd/model"
)

// progressQuestion asks before reporting r on directive id; signs: the
// unit has not signed for it, and the report signs too (model.DirectiveUnit.Progress), which
// the question says.
func (m Model) progressQuestion(id string, r model.ProgressReport, signs bool) string {
	verb, verbZh := "report "+id, "上报"
	if signs {
		verb, verbZh = "sign for "+id+" and report", "签收并上报"
	}
	if r.Done == r.Of {
		return m.say(fmt.Sprintf("%s for %s: all %d done, complete?", verb, r.UnitName, r.Of),
			fmt.Sprintf("%s %s %s 全部完成（%d/%d）？", verbZh, r.UnitName, id, r.Done, r.Of))
	}
	return m.say(fmt.Sprintf("%s for %s: %d/%d done?", verb, r.UnitName, r.Done, r.Of),
		fmt.Sprintf("%s %s %s 进度：已完成 %d/%d？", verbZh, r.UnitName, id, r.Done, r.Of))
}
