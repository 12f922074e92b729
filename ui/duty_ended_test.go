package ui

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// Past the end of the town room's duty schedule the header says nobody is
// on duty, as the wartime chain counts the town room unstaffed (it named
// the operator as on duty beside the chain's 0); narrower, in fewer words.
func TestHeaderSaysNobodyOnDutyOnceTheScheduleRunsOut(t *testing.T) {
	ctx := context.Background()
	for _, lang := range []string{"zh", "en"} {
		f := newFixture(t)
		shifts, err := f.db.Shifts(ctx, model.ShiftFilter{Room: huajie})
		require.NoError(t, err)
		var end time.Time
		for _, sh := range shifts {
			if sh.To.After(end) {
				end = sh.To
			}
		}
		require.False(t, end.IsZero(), "the demo schedules the town room")
		f.clock.Set(end.Add(time.Hour))
		_, err = f.db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{huajie}, false, "", f.operator(t))
		require.NoError(t, err)
		m := f.model(t, lang, 200, 60)
		m = update(t, m, loadWartime(f.db, m.scope)())
		require.True(t, m.wt.active(), lang)
		assert.Equal(t, 0, m.wtc.fig.rows[0].staffed, "%s: the chain: the town room unstaffed", lang)

		ended := end.In(shanghai).Format("15:04")
		head := headerOf(m)
		assert.Contains(t, head, m.say("nobody on duty (schedule ended "+ended+")", "无人值班（排班 "+ended+" 已结束）"), lang)
		assert.NotContains(t, head, m.seat.Person.Name, lang)
		checkScreen(t, m, 200, 60, false)

		m = update(t, m, keyMsgSize(120, 40))
		head = headerOf(m)
		assert.Contains(t, head, m.say("nobody on duty", "无人值班"), lang)
		assert.NotContains(t, head, m.seat.Person.Name, lang)
		checkScreen(t, m, 120, 40, false)
	}
}
