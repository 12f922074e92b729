package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"gridcmd/importer"
	"gridcmd/model"
)

// dutyImport schedules the shifts of file (raw), all or none, as by. The
// store vets them as it schedules them (AddShifts, in one call); its
// refusal of one names the file's line of it (model.Error.Item), and the
// line of an earlier one it overlaps (model.Error.Other).
func (a *app) dutyImport(ctx context.Context, db backend, by model.PersonID, file string, raw []byte, asJSON bool) error {
	town, _ := a.townOf(ctx, db)
	who, err := rosterResolver(ctx, db)
	if err != nil {
		return err
	}
	resolve := a.roomResolver(ctx, db, by)
	room := func(cell string) (model.NodeCode, error) { return roomNamed(resolve, cell, town) }
	shifts, lines, err := importer.ParseShiftLines(file, bytes.NewReader(raw), a.cfg.Location, room, who)
	if err != nil {
		return usageError{err}
	}
	added, err := db.AddShifts(ctx, shifts, by, "import "+file)
	if err != nil {
		return onLines(err, file, lines)
	}
	return a.answer(asJSON, jsonList(added, a.shiftJSON), func() {
		fmt.Fprintf(a.out, "%s: %s scheduled (%s to %s)\n", file, model.Count(len(added), "shift"), added[0].ID, added[len(added)-1].ID)
	})
}

// onLines is the store's refusal of one of the shifts read from file
// (lines: the line of each) as "file:line: message", in English and in
// Chinese ("file 第 line 行：消息", model.AtLine), the earlier shift it
// names (model.BatchShift) named by its line too; any other error as it is.
func onLines(err error, file string, lines []int) error {
	item, other := model.ErrorItem(err)
	if item < 1 || item > len(lines) {
		return err
	}
	en, zh := model.ErrorMessage(err), model.ErrorMessageZh(err)
	if other >= 1 && other <= len(lines) {
		ref, refZh := model.BatchShift(other)
		en = strings.Replace(en, ref, fmt.Sprintf("line %d's", lines[other-1]), 1)
		zh = strings.Replace(zh, refZh, fmt.Sprintf("第 %d 行", lines[other-1]), 1) // 与第 4 行：no space, as 与本批第 2 个班次
	}
	out := model.Errorf(model.ErrorCode(err), "%s", en).Zh("%s", zh).On(model.ErrorField(err))
	if model.MaybeDone(err) {
		out.MaybeDone() // the call may have scheduled them all the same
	}
	return model.AtLine(out, file, lines[item-1])
}
