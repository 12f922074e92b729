package model_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// TestFreeTextRefusals: a note, a reason or a text an operator types is
// refused, in both languages and on its field, when it is not UTF-8 or
// too long once cleaned; empty, it is each rule's own refusal.
func TestFreeTextRefusals(t *testing.T) {
	inc := newIncident(t)
	f := desk(t, 3, on29(8, 0))
	rot, err := model.JointRotation{Name: "扫楼", Activity: "清村扫楼", Start: time.Date(2026, 11, 27, 15, 0, 0, 0, loc),
		Groups: [][]model.NodeCode{{duxiG01, otherGrid}, {duxiG02}, {"330784114200-02"}}}.Clean()
	require.NoError(t, err)
	onDuty := gridWorker
	onDuty.Node = "330784114200-02" // group 3, on duty on the 29th
	long := strings.Repeat("路", model.MaxNoteRunes+1)
	// Cleaning first: the control sequence goes, so this is not too long.
	fits := strings.Repeat("路", model.MaxNoteRunes) + "\x1b[31m"

	note := func(s string) error { _, err := inc.AddNote(dutyOfficer, s, t0); return err }
	closing := func(s string) error { _, _, err := f.Close(s, liaison, on29(8, 40)); return err }
	grant := func(s string) error { _, err := model.Grant(dutyOfficer, gridWorker, 5, s, t0); return err }
	sweep := func(s string) error { _, err := rot.Report(s, onDuty, on29(9, 0)); return err }
	finding := func(s string) error {
		_, err := model.FindingReport{Area: "P-DX-01", Category: "fire", Text: s}.Check(forest(), model.DefaultPolicy())
		return err
	}
	for _, tc := range []struct {
		name          string
		try           func(string) error
		in            string
		field, en, zh string
	}{
		{"note, not UTF-8", note, "备\xff注", "note", "note: invalid UTF-8", "备注：不是有效的 UTF-8"},
		{"note, too long", note, long, "note", "note: 501 characters, at most 500", "备注：501 字，最多 500 字"},
		{"note, empty", note, " \x1b[2J ", "note", "HJ-20261129-0001: the note is empty; say what happened", "HJ-20261129-0001：备注为空，请写明情况"},
		{"closing, not UTF-8", closing, "\xff", "reason", "reason: invalid UTF-8", "原因：不是有效的 UTF-8"},
		{"closing, too long", closing, long, "reason", "reason: 501 characters, at most 500", "原因：501 字，最多 500 字"},
		{"closing, empty", closing, "\u200b", "reason", "F-0003: closing needs a reason (why it needs no action)", "F-0003：销号须写明原因（为何无需处置）"},
		{"grant, not UTF-8", grant, "\xc3\x28", "reason", "reason: invalid UTF-8", "原因：不是有效的 UTF-8"},
		{"grant, too long", grant, long, "reason", "reason: 501 characters, at most 500", "原因：501 字，最多 500 字"},
		{"grant, empty", grant, "", "reason", "reason: empty; say what the points are for", "原因：为空；请写明积分事由"},
		{"sweep, not UTF-8", sweep, "\xff", "text", "text: invalid UTF-8", "内容：不是有效的 UTF-8"},
		{"sweep, too long", sweep, long, "text", "text: 501 characters, at most 500", "内容：501 字，最多 500 字"},
		{"finding, not UTF-8", finding, "\xff", "text", "text: invalid UTF-8", "内容：不是有效的 UTF-8"},
		{"finding, too long", finding, strings.Repeat("林", model.MaxFindingRunes+1), "text",
			"text: 2001 characters, at most 2000", "内容：2001 字，最多 2000 字"},
		{"finding, empty", finding, "\t", "text", "text: empty; say what was found", "内容：为空；请写明发现了什么"},
	} {
		err := tc.try(tc.in)
		assert.Equal(t, model.EINVALID, model.ErrorCode(err), tc.name)
		assert.Equal(t, tc.field, model.ErrorField(err), tc.name)
		assert.Equal(t, tc.en, model.ErrorMessage(err), tc.name)
		assert.Equal(t, tc.zh, model.ErrorMessageZh(err), tc.name)
	}
	for name, try := range map[string]func(string) error{"note": note, "closing": closing, "grant": grant, "sweep": sweep} {
		assert.NoError(t, try(fits), name)
	}
}
