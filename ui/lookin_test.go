package ui

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// Towns of the Yongkang list beside 东城街道 (seat_test.go) and 花街镇.
const (
	xicheng  model.NodeCode = "330784002" // 西城街道
	jiangnan model.NodeCode = "330784003" // 江南街道
)

// lookInFixture is the Yongkang file with duty officers in three towns
// that keep no schedule: 东城街道 one on duty, 西城街道 two (one placed at
// a village of the town), 江南街道 one off duty; and the county's seat.
func lookInFixture(t *testing.T) (fixture, model.Seat) {
	t.Helper()
	f := yongkangFixture(t)
	duty := []model.Role{model.RoleDutyOfficer}
	_, err := f.db.ImportPeople(context.Background(), []model.Person{
		{Name: "东城值班", Phone: "13900000011", Node: dongcheng, Roles: duty, OnDuty: true},
		{Name: "西城甲", Phone: "13900000012", Node: xicheng, Roles: duty, OnDuty: true},
		{Name: "西城乙", Phone: "13900000013", Node: xicheng + "001", Roles: duty, OnDuty: true},
		{Name: "江南休息", Phone: "13900000014", Node: jiangnan, Roles: duty},
	}, model.System, "test: town duty officers without a schedule")
	require.NoError(t, err)
	return f, countySeat(t, f)
}

// A county room turned to a town shows who is on duty in that town's room,
// not the county's officer (a QA found `值班 赵志远`, the operator, in
// 东城街道 while its own officer was on duty there): the town room's
// schedule where it keeps one (花街镇's, entered from the towns table),
// else its duty officers on duty, as the wartime chain counts the room;
// nobody when none is. The county's officer is named as looking in.
func TestCountyRoomTurnedToATownShowsThatRoomsDuty(t *testing.T) {
	f, seat := lookInFixture(t)
	rds, err := f.db.Duty(context.Background(), huajie, time.Time{})
	require.NoError(t, err)
	require.True(t, rds[0].Current.Scheduled(), "the demo schedules 花街镇's room")
	for _, lang := range []string{"zh", "en"} {
		m := countyRoom(t, f, seat, lang, 200, 60)
		say := m.say
		assert.Contains(t, headerOf(m), say("on duty 县值班", "值班 县值班"), "%s: the county's own room names its officer", lang)

		m = runLine(t, m, "town 东城街道")
		require.Equal(t, dongcheng, m.scope)
		h := headerOf(m)
		assert.Contains(t, h, say("duty 东城值班", "值班 东城值班"), lang)
		assert.NotContains(t, h, say("on duty 县值班", "值班 县值班"), lang)
		assert.Contains(t, h, say("viewed by 永康市 县值班", "永康市 县值班 查看中"), lang)
		checkScreen(t, m, 200, 60, false)

		m = runLine(t, m, "town 西城街道")
		assert.Contains(t, headerOf(m), say("duty 西城甲, 西城乙", "值班 西城甲、西城乙"), "%s: wherever in the town they are placed", lang)
		m = update(t, m, keyMsgSize(80, 40))
		assert.Contains(t, headerOf(m), say("duty 西城甲 +1", "值班 西城甲 等 2 人"), lang)
		checkScreen(t, m, 80, 40, false)
		m = update(t, m, keyMsgSize(200, 60))

		m = runLine(t, m, "town 江南街道")
		h = headerOf(m)
		assert.Contains(t, h, say("nobody on duty", "无人值班"), lang)
		assert.NotContains(t, h, say("on duty 县值班", "值班 县值班"), lang)

		// Back in the room, enter on 花街镇 (its first row: the town with
		// incidents): the schedule's officer on duty.
		m = keys(t, runLine(t, m, "town"), "enter")
		require.Equal(t, huajie, m.scope)
		h = headerOf(m)
		assert.Contains(t, h, say("duty ", "值班 ")+rds[0].Current.Name, lang)
		assert.NotContains(t, h, say("on duty 县值班", "值班 县值班"), lang)
		assert.Contains(t, h, say("viewed by 永康市 县值班", "永康市 县值班 查看中"), lang)
		checkScreen(t, m, 200, 60, false)
	}
}

// Past the end of 花街镇's schedule the county room looking into it says
// nobody is on duty there since it ended (as the town's own room does),
// whatever the officers' flags: the schedule rules a room that keeps one.
func TestCountyRoomLooksIntoATownWhoseScheduleRanOut(t *testing.T) {
	f, seat := lookInFixture(t)
	shifts, err := f.db.Shifts(context.Background(), model.ShiftFilter{Room: huajie})
	require.NoError(t, err)
	var end time.Time
	for _, sh := range shifts {
		if sh.To.After(end) {
			end = sh.To
		}
	}
	f.clock.Set(end.Add(time.Hour))
	ended := end.In(shanghai).Format("15:04")
	for _, lang := range []string{"zh", "en"} {
		m := runLine(t, countyRoom(t, f, seat, lang, 200, 60), "town 花街镇")
		h := headerOf(m)
		assert.Contains(t, h, m.say("nobody on duty (schedule ended "+ended+")", "无人值班（排班 "+ended+" 已结束）"), lang)
		assert.NotContains(t, h, m.say("on duty 县值班", "值班 县值班"), lang)
		assert.Contains(t, h, m.say("viewed by 永康市 县值班", "永康市 县值班 查看中"), lang)
	}
}

// The duty of the town the room has turned from, read before it turned
// and answering after, is not the new town's.
func TestTurnedRoomDropsTheOtherTownsDuty(t *testing.T) {
	f, seat := lookInFixture(t)
	m := runLine(t, countyRoom(t, f, seat, "zh", 200, 60), "town 东城街道")
	require.Contains(t, headerOf(m), "值班 东城值班")
	rds, err := f.db.Duty(context.Background(), huajie, time.Time{})
	require.NoError(t, err)
	m = update(t, m, loadDuty(f.db, huajie, time.Time{})())
	h := headerOf(m)
	assert.Contains(t, h, "值班 东城值班")
	assert.NotContains(t, h, rds[0].Current.Name, "花街镇's officer, in 东城街道's header")
}

// :town takes a unique prefix of a town's name, as --node does (花街 for
// 花街镇; it said no such town); a prefix of several names is refused,
// naming the towns it could be.
func TestTownCommandTakesAUniquePrefix(t *testing.T) {
	f, seat := lookInFixture(t)
	for _, lang := range []string{"zh", "en"} {
		m := countyRoom(t, f, seat, lang, 120, 40)
		m = runLine(t, m, "town 花街")
		assert.Equal(t, huajie, m.scope, lang)
		m = runLine(t, m, "town")
		m = runLine(t, m, "town 西")
		assert.Equal(t, yongkang, m.scope, "%s: ambiguous: no turn", lang)
		assert.Equal(t, m.say("town: 西: several towns begin so: 西城街道 330784002, 西溪镇 330784111; type more of the name",
			"镇街：西：有多个镇街以此开头：西城街道 330784002，西溪镇 330784111；请输入更完整的名称"), m.flash.text, lang)
		m = runLine(t, m, "town 西溪")
		assert.Equal(t, model.NodeCode("330784111"), m.scope, lang)
		m = runLine(t, m, "town")
		m = runLine(t, m, "town 城")
		assert.Equal(t, yongkang, m.scope, lang)
		assert.Contains(t, m.flash.text, m.say("no such town in this room", "本指挥中心没有这个镇街"), lang)
	}
}
