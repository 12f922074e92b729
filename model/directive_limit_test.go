package model_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// A directive's deadline lies at most MaxDirectiveDeadline (7 days) after
// it is issued: 9999h (416 days, a slip for 99h) is refused on the
// deadline, naming the limit and the time asked for, in English and
// Chinese; 168h is taken.
func TestDirectiveDeadlineHasALimit(t *testing.T) {
	a := activation(t, duxi)
	_, err := model.NewDirective(a, 1, "逐户核查", []model.NodeCode{duxi}, 9999*time.Hour, 10*time.Minute, villageCadre.ID, t0, nil)
	require.Error(t, err)
	assert.Equal(t, model.EINVALID, model.ErrorCode(err))
	assert.Equal(t, "deadline", model.ErrorField(err))
	assert.Equal(t, "deadline: 2028-01-19 18:10 is past the limit of 7 days (168h) from issue; give one within it", model.ErrorMessage(err))
	assert.Equal(t, "完成时限：2028-01-19 18:10 超出下达后 7 天（168h）的上限；请给出此限内的时限", model.ErrorMessageZh(err))

	_, err = model.NewDirective(a, 1, "逐户核查", []model.NodeCode{duxi}, 168*time.Hour+time.Minute, 10*time.Minute, villageCadre.ID, t0, nil)
	assert.Contains(t, model.ErrorMessage(err), "2026-12-06 03:11 is past the limit")
	d, err := model.NewDirective(a, 1, "逐户核查", []model.NodeCode{duxi}, model.MaxDirectiveDeadline, 10*time.Minute, villageCadre.ID, t0, nil)
	require.NoError(t, err, "7 days is within it")
	assert.Equal(t, t0.Add(168*time.Hour), d.Deadline)
	assert.NoError(t, model.DirectiveWithin(t0.Add(2*time.Hour), t0))
}

// DueClock says a time due on ref's day by its clock, on another with its
// date: 04:40 typed at 06:28 means tomorrow's, and says so.
func TestDueClockNamesAnotherDay(t *testing.T) {
	assert.Equal(t, "04:40", model.DueClock(time.Date(2026, 11, 29, 4, 40, 0, 0, loc), t0))
	assert.Equal(t, "11-30 04:40", model.DueClock(time.Date(2026, 11, 30, 4, 40, 0, 0, loc), t0))
	assert.Equal(t, "11-28 23:59", model.DueClock(time.Date(2026, 11, 28, 23, 59, 0, 0, loc), t0))
	// ref's day is read in the due time's zone: 03:10 here is 19:10 UTC
	// the day before.
	assert.Equal(t, "23:00", model.DueClock(time.Date(2026, 11, 29, 23, 0, 0, 0, loc), t0.UTC()))
	assert.Equal(t, "168h", model.FormatHours(model.MaxDirectiveDeadline))
}

// A micro-grid is the unit directives go down to: its worker, or a
// household contact under it, issues and resends none (MayDirect, and
// MayResend within their own micro-grid, which their scope holds); a grid
// leader, a village cadre, a duty officer and the system may.
func TestMicroGridDirectsNothing(t *testing.T) {
	for _, p := range []model.Person{system, gridLeader, reservist, villageCadre, dutyOfficer} {
		assert.NoError(t, model.MayDirect(p, nil), p.Name)
	}
	names := func(c model.NodeCode) string { return map[model.NodeCode]string{duxiG02M3: "渎溪村 02-03"}[c] }
	err := model.MayDirect(microWorker, names)
	require.Error(t, err)
	assert.Equal(t, model.EFORBIDDEN, model.ErrorCode(err))
	assert.Equal(t, "P41 (微网格员辛) is placed at 渎溪村 02-03 330784114266-02-03: a micro-grid signs for directives and reports on them; the village room or the town room issues and resends them", model.ErrorMessage(err))
	assert.Equal(t, "P41（微网格员辛）位于 渎溪村 02-03 330784114266-02-03：微网格签收并反馈指令；指令由村指挥室或镇指挥室下达、重发", model.ErrorMessageZh(err))
	assert.Error(t, model.MayDirect(contactPerson, nil))

	assert.NoError(t, model.MayCommand(microWorker, []model.NodeCode{duxiG02M3}, "to", nil), "its scope holds it: MayDirect refuses")
	err = model.MayResend(microWorker, "D-0001", duxiG02M3, 0, names)
	assert.Contains(t, model.ErrorMessage(err), "a micro-grid signs for directives")
	assert.NoError(t, model.MayResend(gridLeader, "D-0001", duxiG02, 0, nil))
}
