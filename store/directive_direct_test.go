package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// A micro-grid's worker issues no directive, not even to their own
// micro-grid (which their scope holds), dry run or not, and resends none
// within it (model.MayDirect): a micro-grid signs and reports; a refusal
// writes nothing. They still sign and report on their own.
func TestMicroGridWorkerDirectsNothing(t *testing.T) {
	w := newWtTower(t)
	w.activate(t, vA)
	worker := w.workers[a011]
	before, err := w.s.Events(w.ctx, 0, 1)
	require.NoError(t, err)
	for _, dry := range []bool{true, false} {
		_, _, err := w.s.IssueDirective(w.ctx, "自查", []model.NodeCode{a011}, time.Hour, worker.ID, dry)
		requireCode(t, err, model.EFORBIDDEN, "a micro-grid signs for directives and reports on them")
		requireZh(t, err, "微网格签收并反馈指令")
	}
	after, err := w.s.Events(w.ctx, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, before[0].Seq, after[0].Seq, "nothing written")

	d, _ := w.issue(t, "逐户核查", vA)
	_, err = w.s.ResendDirective(w.ctx, d.ID, a011, worker.ID)
	requireCode(t, err, model.EFORBIDDEN, "the village room or the town room issues and resends them")
	n, err := w.s.ResendDirective(w.ctx, d.ID, vA, w.cadre.ID)
	require.NoError(t, err, "the village room resends to its own")
	assert.Positive(t, n)

	u, err := w.s.SignDirective(w.ctx, d.ID, a011, worker.ID)
	require.NoError(t, err)
	assert.False(t, u.OnBehalf, "its own signature")
	u, err = w.s.DirectiveProgress(w.ctx, d.ID, a011, 5, 5, worker.ID)
	require.NoError(t, err)
	assert.True(t, u.Complete())
}

// A directive's deadline is at most 7 days off (model.MaxDirectiveDeadline),
// by a duration or a time; the event of one due another day names its
// date, not only a clock time that reads as today's.
func TestDirectiveDeadlineLimitAndDate(t *testing.T) {
	w := newWtTower(t)
	w.activate(t, vA)
	_, _, err := w.s.IssueDirective(w.ctx, "x", []model.NodeCode{vA}, 9999*time.Hour, w.duty.ID, true)
	requireCode(t, err, model.EINVALID, "past the limit of 7 days (168h) from issue")
	assert.Equal(t, "deadline", model.ErrorField(err))
	_, _, err = w.s.IssueDirectiveAt(w.ctx, "x", []model.NodeCode{vA}, t0.Add(8*24*time.Hour), w.duty.ID, false)
	requireCode(t, err, model.EINVALID, t0.Add(8*24*time.Hour).Format("2006-01-02 15:04")+" is past the limit")

	d, _, err := w.s.IssueDirectiveAt(w.ctx, "逐户核查", []model.NodeCode{vA}, t0.Add(25*time.Hour), w.duty.ID, false)
	require.NoError(t, err)
	evs, err := w.s.Events(w.ctx, 0, 1)
	require.NoError(t, err)
	require.Equal(t, d.ID, evs[0].Directive)
	signBy, due := d.SignBy.Format("15:04"), d.Deadline.Format("01-02 15:04")
	require.True(t, d.SignBy.YearDay() == t0.YearDay() && d.Deadline.YearDay() != t0.YearDay(), "signed for today, due tomorrow")
	assert.Contains(t, evs[0].Note, "sign for by "+signBy+", done by "+due)
	assert.Contains(t, evs[0].NoteZh, signBy+" 前签收，"+due+" 前完成")
}
