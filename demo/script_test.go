package demo

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/internal/testkit"
	"gridcmd/model"
)

var base = time.Date(2026, 11, 29, 10, 30, 0, 0, testkit.CST)

// person returns the roster entry the store would hold for id.
func person(t *testing.T, d Data, id model.PersonID) model.Person {
	t.Helper()
	require.True(t, id >= 1 && int(id) <= len(d.People), "person id %s", id)
	p := d.People[id-1]
	p.ID = id
	return p
}

// replay plays the script with the pure model rules under the default
// policy, keyed by the index of each incident's report step. With sweep, the
// clocks are applied to every incident before each step, as a store that
// sweeps continuously would.
func replay(t *testing.T, d Data, steps []Step, sweep bool) map[int]model.Incident {
	t.Helper()
	p := model.DefaultPolicy()
	incs := map[int]model.Incident{}
	sweepAll := func(now time.Time) {
		for k, inc := range incs {
			for {
				out, _, ok := inc.Sweep(now, p)
				if !ok {
					break
				}
				inc = out
			}
			incs[k] = inc
		}
	}
	for i, st := range steps {
		if sweep {
			sweepAll(st.At)
		}
		if st.Report != nil {
			require.Nil(t, st.Act, "step %d", i+1)
			seq := uint64(len(incs) + 1)
			inc, _, err := testkit.FileReport(seq, testkit.IncidentID("HJ", st.At, seq), *st.Report,
				person(t, d, st.Report.Reporter), st.At, p)
			require.NoError(t, err, "step %d: %s", i+1, st)
			incs[i] = inc
			continue
		}
		require.NotNil(t, st.Act, "step %d", i+1)
		require.Less(t, st.Act.Ref, i, "step %d refers forward", i+1)
		inc, ok := incs[st.Act.Ref]
		require.True(t, ok, "step %d refers to step %d, not a report", i+1, st.Act.Ref+1)
		out, _, err := inc.Apply(st.Act.Cmd, person(t, d, st.Act.Cmd.By), st.At, p)
		require.NoError(t, err, "step %d: %s", i+1, st)
		incs[st.Act.Ref] = out
	}
	if sweep {
		sweepAll(base)
	}
	return incs
}

func TestScriptOrder(t *testing.T) {
	steps := Script(1, base)
	reports := 0
	for i, st := range steps {
		assert.True(t, st.At.Before(base), "step %d at %s", i+1, st.At)
		assert.True(t, st.At.After(base.Add(-6*time.Hour-15*time.Minute)), "step %d at %s", i+1, st.At)
		if i > 0 {
			assert.False(t, st.At.Before(steps[i-1].At), "step %d out of order", i+1)
		}
		if st.Report != nil {
			reports++
		}
	}
	assert.Equal(t, len(incidents), reports)
	assert.Equal(t, 40, reports)
}

func TestScriptDeterministic(t *testing.T) {
	a := Script(3, base)
	assert.Equal(t, a, Script(3, base))
	b := Script(4, base)
	assert.Equal(t, len(a), len(b))
	assert.NotEqual(t, a, b)
}

func TestScriptReplay(t *testing.T) {
	for _, seed := range []int64{1, 2, 99} {
		d := Build(seed)
		steps := Script(seed, base)
		incs := replay(t, d, steps, false)
		require.Len(t, incs, 40)

		statuses := map[model.Status]int{}
		tiers := map[model.Tier]int{}
		cats := map[model.Category]int{}
		low := 0
		lights := map[model.Light]int{}
		for i, inc := range incs {
			lights[inc.Light(base)]++
			statuses[inc.Status]++
			tiers[inc.Tier]++
			cats[inc.Category]++
			r := steps[i].Report
			if lvl := inc.Node.Level(); lvl == model.LevelGrid || lvl == model.LevelMicroGrid {
				low++
				rep := person(t, d, r.Reporter)
				assert.True(t, rep.Has(model.RoleGridWorkerFull) || rep.Has(model.RoleGridWorkerPart),
					"%s reported by %s (%v)", inc.Title, rep.Name, rep.Roles)
				assert.Equal(t, inc.Node.Grid(), rep.Node, "%s reported by a worker of another grid", inc.Title)
			}
			if inc.Status == model.StatusReported {
				assert.True(t, base.Before(inc.AckBy), "%s: still inside its sign-for window at base", inc.Title)
			}
		}
		for _, s := range model.Statuses {
			assert.Positive(t, statuses[s], "status %s", s)
		}
		for _, tr := range model.Tiers {
			assert.Positive(t, tiers[tr], "tier %s", tr)
		}
		for c := range model.DefaultCategories {
			assert.Positive(t, cats[c], "category %s", c)
		}
		assert.GreaterOrEqual(t, low, 30, "most incidents at grids and micro-grids")
		assert.Equal(t, 2, lights[model.LightRed], "late ones for the duty officer to chase")
		assert.Equal(t, 1, lights[model.LightYellow])
		t.Logf("seed %d: statuses %v tiers %v", seed, statuses, tiers)
	}
}

// TestScriptSurvivesSweeps: a store that applies the clocks between steps
// (and at base) refuses no step and leaves every incident where the plain
// replay does.
func TestScriptSurvivesSweeps(t *testing.T) {
	d := Build(5)
	steps := Script(5, base)
	plain := replay(t, d, steps, false)
	swept := replay(t, d, steps, true)
	for k, inc := range plain {
		assert.Equal(t, inc.Tier, swept[k].Tier, inc.Title)
		assert.Equal(t, inc.Status, swept[k].Status, inc.Title)
		assert.Equal(t, inc.Escalations, swept[k].Escalations, inc.Title)
	}
}

func TestScriptArticleCase(t *testing.T) {
	for _, seed := range []int64{1, 7} {
		d := Build(seed)
		steps := Script(seed, base)
		ref := -1
		for i, st := range steps {
			if st.Report != nil && st.Report.Title == ArticleTitle {
				require.Equal(t, -1, ref, "one article case")
				ref = i
			}
		}
		require.NotEqual(t, -1, ref)
		r := steps[ref].Report
		assert.True(t, ArticleGrid.Contains(r.Node), r.Node)
		assert.Equal(t, "traffic", r.Category)
		assert.Equal(t, model.SeverityII, r.Severity)
		assert.Contains(t, r.Text, "330国道")
		rep := person(t, d, r.Reporter)
		assert.True(t, rep.Has(model.RoleGridWorkerFull) || rep.Has(model.RoleGridWorkerPart))
		assert.Equal(t, ArticleGrid, rep.Node)

		var acts []Step
		for _, st := range steps {
			if st.Act != nil && st.Act.Ref == ref {
				acts = append(acts, st)
			}
		}
		require.Len(t, acts, 4)
		for i, want := range []model.Action{model.ActAcknowledge, model.ActEscalate, model.ActAcknowledge, model.ActDispatch} {
			assert.Equal(t, want, acts[i].Act.Cmd.Action)
		}
		leader := person(t, d, acts[0].Act.Cmd.By)
		assert.True(t, leader.Has(model.RoleGridLeader))
		assert.Equal(t, ArticleGrid, leader.Node)
		assert.Equal(t, leader.ID, acts[1].Act.Cmd.By)
		assert.Equal(t, model.TierTown, acts[1].Act.Cmd.To)
		assert.Less(t, acts[1].At.Sub(steps[ref].At), 2*time.Minute, "passed on in under two minutes")
		for _, a := range acts[2:] {
			assert.True(t, person(t, d, a.Act.Cmd.By).Has(model.RoleDutyOfficer))
		}
		assert.Equal(t, "交警中队", acts[3].Act.Cmd.Department)
		assert.Equal(t, model.PlatformSafety, acts[3].Act.Cmd.Platform)

		inc := replay(t, d, steps, false)[ref]
		assert.Equal(t, model.TierTown, inc.Tier)
		assert.Equal(t, model.StatusDispatched, inc.Status)
		assert.Equal(t, "交警中队", inc.Department)
		assert.Equal(t, model.SourceGridPatrol, inc.Source)
		assert.Equal(t, model.LightGreen, inc.Light(base))
	}
}
