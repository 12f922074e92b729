package model_test

import (
	"fmt"
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
	// Each rule's refusals: not UTF-8 and too long name the field; empty
	// (where it may not be) is the rule's own message.
	for _, tc := range []struct {
		name, field, fieldZh    string
		try                     func(string) error
		max                     int
		empty, emptyEn, emptyZh string // emptyEn "": it may be empty
	}{
		{"note", "note", "备注", note, model.MaxNoteRunes,
			" \x1b[2J ", "HJ-20261129-0001: the note is empty; say what happened", "HJ-20261129-0001：备注为空，请写明情况"},
		{"closing", "reason", "原因", closing, model.MaxNoteRunes,
			"\u200b", "F-0003: closing needs a reason (why it needs no action)", "F-0003：销号须写明原因（为何无需处置）"},
		{"grant", "reason", "原因", grant, model.MaxNoteRunes,
			"", "reason: empty; say what the points are for", "原因：为空；请写明积分事由"},
		{"sweep", "text", "内容", sweep, model.MaxNoteRunes, "", "", ""},
		{"finding", "text", "内容", finding, model.MaxFindingRunes,
			"\t", "text: empty; say what was found", "内容：为空；请写明发现了什么"},
	} {
		refused := func(in, en, zh, why string) {
			err := tc.try(in)
			assert.Equal(t, model.EINVALID, model.ErrorCode(err), "%s, %s", tc.name, why)
			assert.Equal(t, tc.field, model.ErrorField(err), "%s, %s", tc.name, why)
			assert.Equal(t, en, model.ErrorMessage(err), "%s, %s", tc.name, why)
			assert.Equal(t, zh, model.ErrorMessageZh(err), "%s, %s", tc.name, why)
		}
		refused("备\xff注", tc.field+": invalid UTF-8", tc.fieldZh+"：不是有效的 UTF-8", "not UTF-8")
		refused(strings.Repeat("路", tc.max+1), fmt.Sprintf("%s: %d characters, at most %d", tc.field, tc.max+1, tc.max),
			fmt.Sprintf("%s：%d 字，最多 %d 字", tc.fieldZh, tc.max+1, tc.max), "too long")
		if tc.emptyEn != "" {
			refused(tc.empty, tc.emptyEn, tc.emptyZh, "empty")
		}
	}
	for name, try := range map[string]func(string) error{"note": note, "closing": closing, "grant": grant, "sweep": sweep} {
		assert.NoError(t, try(fits), name)
	}
}
