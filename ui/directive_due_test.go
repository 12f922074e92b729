package ui

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/demo"
	"gridcmd/model"
)

// The QA finding: a directive's deadline moved by the time its question
// waited (05:00 with 25 s on the question stored 05:00:26; 2h asked at
// 05:39 stored 05:40). The deadline is resolved when the question is
// asked, and the directive keeps exactly the time it names; a clock time
// to the minute.
func TestDirectiveKeepsTheDeadlineItsQuestionNamed(t *testing.T) {
	for _, c := range []struct {
		typed string
		asked time.Time // the clock when the form is sent
		named string    // in the question
		want  time.Time
	}{
		{"05:00", base.Add(40 * time.Second), "05:00", time.Date(2026, 11, 29, 5, 0, 0, 0, shanghai)},
		{"2h", base.Add(29*time.Minute + 40*time.Second), "05:39", base.Add(2*time.Hour + 29*time.Minute + 40*time.Second)},
	} {
		f := newFixture(t)
		ctx := context.Background()
		_, err := f.db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{demo.Town}, false, "", f.operator(t))
		require.NoError(t, err)
		f.clock.Set(c.asked)
		m := f.model(t, "zh", 120, 40)
		m = update(t, m, loadWartime(f.db, "")())
		m = update(t, m, tickMsg(f.clock.Now()))

		m = keys(t, m, "d")
		m = typeText(t, m, "逐户核查人员去向")
		m = keys(t, m, "enter")
		m = typeText(t, m, c.typed)
		m = keys(t, m, "enter", "enter")
		require.True(t, m.q.active(), "%s: asked: %s", c.typed, m.form.err)
		assert.Contains(t, m.View(), c.named+" 前完成？", c.typed)

		f.clock.Advance(25 * time.Second) // the officer reads the question
		m = update(t, m, tickMsg(f.clock.Now()))
		m = keys(t, m, "y")
		ds, err := f.db.Directives(ctx, "")
		require.NoError(t, err)
		require.Len(t, ds, 1, c.typed)
		assert.True(t, c.want.Equal(ds[0].Deadline), "%s: stored %s, want %s", c.typed, ds[0].Deadline, c.want)
	}
}

// A question answered after the deadline it names has passed is refused,
// nothing sent, the form back to give a later one.
func TestDirectiveDeadlinePassedOnTheQuestion(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.db.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{demo.Town}, false, "", f.operator(t))
	require.NoError(t, err)
	f.clock.Set(time.Date(2026, 11, 29, 3, 59, 30, 0, shanghai))
	m := f.model(t, "zh", 120, 40)
	m = update(t, m, loadWartime(f.db, "")())
	m = update(t, m, tickMsg(f.clock.Now()))
	m = keys(t, m, "d")
	m = typeText(t, m, "逐户核查人员去向")
	m = keys(t, m, "enter")
	m = typeText(t, m, "04:00")
	m = keys(t, m, "enter", "enter")
	require.True(t, m.q.active())
	f.clock.Advance(time.Minute)
	m = update(t, m, tickMsg(f.clock.Now()))
	m = keys(t, m, "y")
	require.True(t, m.formActive, "the form is back")
	assert.Contains(t, m.form.err, "完成时限：11-29 04:00 已过（现在 04:00:30）；请给出更晚的时限")
	ds, err := f.db.Directives(ctx, "")
	require.NoError(t, err)
	assert.Empty(t, ds)
}
