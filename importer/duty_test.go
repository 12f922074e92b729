package importer

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

func TestParseShifts(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	who := func(person, phone string) (model.PersonID, error) {
		switch {
		case person == "王丽" && phone == "":
			return 0, model.Errorf(model.ECONFLICT, "two people named 王丽: give the phone")
		case person == "王丽":
			return 7, nil
		}
		return model.ParsePersonID(person)
	}
	room := func(cell string) (model.NodeCode, error) { return model.ParseRoom(cell, "330784114") }
	in := "\ufeff值班室,值班员,电话,开始,结束,备注\n" +
		"全镇,P3,,2026-11-28 20:00,2026-11-29 08:00,夜班\n" +
		"330784114266,王丽,13800000007,2026-11-29T08:00:00+08:00,2026-11-30 08:00,\n"
	got, err := ParseShifts("值班表.csv", strings.NewReader(in), cst, room, who)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, model.Shift{Room: "330784114", Person: 3,
		From: time.Date(2026, 11, 28, 20, 0, 0, 0, cst), To: time.Date(2026, 11, 29, 8, 0, 0, 0, cst)}, got[0])
	assert.Equal(t, model.NodeCode("330784114266"), got[1].Room)
	assert.Equal(t, model.PersonID(7), got[1].Person)
	assert.True(t, got[1].From.Equal(time.Date(2026, 11, 29, 8, 0, 0, 0, cst)))

	for _, tt := range []struct{ in, want string }{
		{"room,person,from\n", `missing column "to"`},
		{"room,person,from,to\n330784114266-01,P3,2026-11-29 08:00,2026-11-29 20:00\n", "f.csv:2: room 330784114266-01 is a grid"},
		{"room,person,from,to\ntown,王丽,2026-11-29 08:00,2026-11-29 20:00\n", "f.csv:2: two people named 王丽"},
		{"room,person,from,to\ntown,P3,tomorrow,2026-11-29 20:00\n", `f.csv:2: from: "tomorrow" is not a time`},
		{"room,person,from,to\ntown,P3,2026-02-30 08:00,2026-11-29 20:00\n", `f.csv:2: from: "2026-02-30 08:00": no such date: February 2026 has no 30th (28 days)`},
		{"room,person,from,to\ntown,P3,2026-11-29 20:00,2026-11-29 08:00\n", "f.csv:2: to 2026-11-29 08:00 is not after"},
		{"room,person,from,to\n", "no shifts"},
		{"room,person,from,to\ntown,P3,2026-11-29 08:00,2026-11-29 20:00\ntown, ,2026-11-29 20:00,2026-11-30 08:00\n",
			"f.csv:3: the person column is empty: want a person id (P12) or a name on the roster"},
	} {
		_, err := ParseShifts("f.csv", strings.NewReader(tt.in), cst, room, who)
		require.Error(t, err, tt.in)
		assert.Contains(t, err.Error(), tt.want)
	}
	// In Chinese too, with the line.
	_, err = ParseShifts("f.csv", strings.NewReader("值班室,人员,开始,结束\n全镇,,2026-11-29 08:00,2026-11-29 20:00\n"), cst, room, who)
	assert.Equal(t, "f.csv 第 2 行：人员列为空：应填写人员编号（如 P12）或名册上的姓名", model.ErrorMessageZh(err))
}
