package importer

import (
	"io"
	"strings"
	"time"

	"gridcmd/model"
)

var shiftColumns = []column{
	{key: "room", names: []string{"room", "值班室", "房间", "指挥室"}, required: true},
	{key: "person", names: []string{"person", "officer", "name", "人员", "值班员", "值班人", "姓名"}, required: true},
	{key: "phone", names: []string{"phone", "电话", "手机"}},
	{key: "from", names: []string{"from", "start", "开始", "起", "开始时间"}, required: true},
	{key: "to", names: []string{"to", "end", "结束", "止", "结束时间"}, required: true},
}

// ParseShifts reads a duty schedule: a CSV file with a header line and the
// columns
//
//	room    值班室, 房间       required: the room: "town" (全镇, 镇), a code, or what else room reads
//	person  人员, 值班员, 姓名  required: a person id (P12) or a name on the roster
//	phone   电话              optional: tells apart two people of one name
//	from    开始, 起           required: "2026-11-29 08:00" in loc, or RFC 3339
//	to      结束, 止           required: as from
//
// in any order (other columns are ignored). room resolves a room cell to
// the room's code (model.ParseRoom, or names as well), who a person cell
// (and the phone, if given) to an id. A bad row fails the whole file with
// "file:line: reason". The shifts come back in file order, unchecked
// against the roster's roles or each other (the store does that).
func ParseShifts(name string, r io.Reader, loc *time.Location, room func(cell string) (model.NodeCode, error), who func(person, phone string) (model.PersonID, error)) ([]model.Shift, error) {
	shifts, _, err := ParseShiftLines(name, r, loc, room, who)
	return shifts, err
}

// ParseShiftLines is ParseShifts with the line of the file each shift was
// read from, so that a refusal of the n-th shift (model.Error.Item) can
// name its line.
func ParseShiftLines(name string, r io.Reader, loc *time.Location, room func(cell string) (model.NodeCode, error),
	who func(person, phone string) (model.PersonID, error)) ([]model.Shift, []int, error) {
	type lined struct {
		sh   model.Shift
		line int
	}
	rows, err := parseRows(name, r, shiftColumns, "no shifts", func(rw row) (lined, error) {
		sh, err := parseShift(rw, loc, room, who)
		return lined{sh, rw.line}, err
	})
	if err != nil {
		return nil, nil, err
	}
	shifts, lines := make([]model.Shift, len(rows)), make([]int, len(rows))
	for i, x := range rows {
		shifts[i], lines[i] = x.sh, x.line
	}
	return shifts, lines, nil
}

// parseShift reads one row of a duty schedule (ParseShifts).
func parseShift(rw row, loc *time.Location, room func(cell string) (model.NodeCode, error), who func(person, phone string) (model.PersonID, error)) (model.Shift, error) {
	var err error
	v := rw.val
	var sh model.Shift
	if sh.Room, err = room(v["room"]); err != nil {
		return sh, rw.refuse(err)
	}
	if model.Blank(v["person"]) {
		// who would answer `名册中没有 ""`: say what is missing instead.
		return sh, rw.refuse(model.Errorf(model.EINVALID, "the person column is empty: want a person id (P12) or a name on the roster").
			Zh("人员列为空：应填写人员编号（如 P12）或名册上的姓名"))
	}
	if sh.Person, err = who(v["person"], v["phone"]); err != nil {
		return sh, rw.refuse(err)
	}
	if sh.From, err = ParseTime(v["from"], loc); err != nil {
		return sh, rw.refuse(model.Errorf(model.EINVALID, "from: %s", model.ErrorMessage(err)).Zh("from：%s", model.ErrorMessageZh(err)))
	}
	if sh.To, err = ParseTime(v["to"], loc); err != nil {
		return sh, rw.refuse(model.Errorf(model.EINVALID, "to: %s", model.ErrorMessage(err)).Zh("to：%s", model.ErrorMessageZh(err)))
	}
	if !sh.From.Before(sh.To) {
		return sh, rw.refuse(model.Errorf(model.EINVALID, "to %s is not after from %s", v["to"], v["from"]).Zh("to %s 不晚于 from %s", v["to"], v["from"]))
	}
	return sh, nil
}

// timeLayouts are the ways a time may be written, in loc unless it says
// its offset.
var timeLayouts = []string{"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02T15:04:05", "2006/01/02 15:04", "2006-01-02"}

// ParseTime reads a time as an officer writes it: "2026-11-29 08:00" (or
// with seconds, or a T, or a date alone for its midnight) in loc, or RFC
// 3339 with its own offset. A date that does not exist (2026-02-30) is
// refused as such (model.NoSuchDate).
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	t := strings.TrimSpace(s)
	if x, err := time.Parse(time.RFC3339, t); err == nil {
		return x.In(loc), nil
	}
	for _, l := range timeLayouts {
		if x, err := time.ParseInLocation(l, t, loc); err == nil {
			return x, nil
		}
	}
	if err := model.NoSuchDate(t); err != nil {
		return time.Time{}, err
	}
	return time.Time{}, model.Errorf(model.EINVALID, "%q is not a time: want 2026-11-29 08:00, a date alone (2026-12-09) or RFC 3339", s).
		Zh("%q 不是时间：应为 2026-11-29 08:00、单独的日期（2026-12-09）或 RFC 3339", s)
}
