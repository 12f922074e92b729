package store

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// TestIssueDirectiveAt: a deadline given as a time is kept exactly, the
// dry run's and the directive's alike, whatever the clock did between
// them; one that has passed is refused and nothing is written. The
// duration keeps counting from the write, as before.
func TestIssueDirectiveAt(t *testing.T) {
	w := newWtTower(t)
	w.activate(t, town)
	due := w.clock.Now().Add(2 * time.Hour).Truncate(time.Minute)
	dry, _, err := w.s.IssueDirectiveAt(w.ctx, "逐户核查", []model.NodeCode{town}, due, w.duty.ID, true)
	require.NoError(t, err)
	assert.True(t, due.Equal(dry.Deadline), "dry run: %s", dry.Deadline)
	w.clock.Advance(25 * time.Second)
	d, _, err := w.s.IssueDirectiveAt(w.ctx, "逐户核查", []model.NodeCode{town}, due, w.duty.ID, false)
	require.NoError(t, err)
	assert.True(t, due.Equal(d.Deadline), "stored %s", d.Deadline)
	got, _, err := w.s.Directive(w.ctx, d.ID)
	require.NoError(t, err)
	assert.True(t, due.Equal(got.Deadline), "read back %s", got.Deadline)

	before := dump(t, w.s)
	_, _, err = w.s.IssueDirectiveAt(w.ctx, "逐户核查", []model.NodeCode{town}, w.clock.Now(), w.duty.ID, false)
	requireCode(t, err, model.EINVALID)
	requireZh(t, err)
	assert.Equal(t, "deadline", model.ErrorField(err))
	assert.Contains(t, model.ErrorMessage(err), "has passed")
	assert.Equal(t, before, dump(t, w.s), "nothing written")

	rel, _, err := w.s.IssueDirective(w.ctx, "清理沟渠", []model.NodeCode{town}, time.Hour, w.duty.ID, false)
	require.NoError(t, err)
	assert.True(t, w.clock.Now().Add(time.Hour).Equal(rel.Deadline))
}
