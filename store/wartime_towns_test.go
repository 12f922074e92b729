package store

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

const (
	huajieTown   = model.NodeCode("330784114")
	dongchengTwn = model.NodeCode("330784001")
	yongkang     = model.NodeCode("330784")
)

// TestWartimePerTown: in the Yongkang file two towns go to wartime one
// after the other, each its own activation; a town in wartime refuses a
// second one, naming it; a county-wide activation is one per town and
// refuses all if one town is in wartime already; status, directives and
// the clocks are each town's own; ending needs a name when several towns
// are in wartime.
func TestWartimePerTown(t *testing.T) {
	image, towns, _ := yongkangWartimeFixture(t)
	s := openCopy(t, image)
	ctx := context.Background()
	officer := model.PersonID(1)

	hj, err := s.Activate(ctx, model.ReasonTyphoon, []model.NodeCode{huajieTown}, false, "", officer)
	require.NoError(t, err)
	assert.Equal(t, 27, hj.Villages)
	assert.Equal(t, []model.NodeCode{huajieTown}, hj.Scope)
	dc, err := s.Activate(ctx, model.ReasonFlood, []model.NodeCode{dongchengTwn + "001"}, true, "", officer)
	require.NoError(t, err, "another town goes to wartime beside it")
	assert.Equal(t, "W-0002", dc.ID)
	_, err = s.Activate(ctx, model.ReasonFire, []model.NodeCode{huajieTown + "266"}, false, "", officer)
	requireCode(t, err, model.ECONFLICT)
	assert.Contains(t, model.ErrorMessage(err), "W-0001")
	_, err = s.Activate(ctx, model.ReasonFire, []model.NodeCode{huajieTown + "266", "330784002200"}, false, "", officer)
	requireCode(t, err, model.EINVALID)
	assert.Contains(t, model.ErrorMessage(err), "spans 2 towns (西城街道 330784002, 花街镇 330784114)", "the towns named")
	requireZh(t, err)

	// The county: one activation per town, all or none.
	_, err = s.ActivateTowns(ctx, model.ReasonFlood, []model.NodeCode{yongkang}, false, "", officer)
	requireCode(t, err, model.ECONFLICT)
	assert.Contains(t, model.ErrorMessage(err), "东城街道: wartime W-0002")
	requireZh(t, err)
	st, err := s.WartimeStatus(ctx, yongkang)
	require.NoError(t, err)
	require.Len(t, st.Towns, 2, "nothing of the refused activation was written")
	assert.Zero(t, st.Active.Seq, "two activations in the county: no single one")
	assert.Empty(t, st.Units)

	st, err = s.WartimeStatus(ctx, huajieTown+"266")
	require.NoError(t, err)
	assert.Equal(t, hj.ID, st.Active.ID, "a village's status is its town's")
	assert.Len(t, st.Units, hj.MicroGrids)
	assert.Equal(t, hj.ID, st.Last.ID)

	// Directives: one town's, never across towns.
	d, _, err := s.IssueDirective(ctx, "逐户核查", []model.NodeCode{huajieTown}, time.Hour, officer, false)
	require.NoError(t, err)
	assert.Equal(t, hj.Seq, d.Activation)
	_, _, err = s.IssueDirective(ctx, "逐户核查", []model.NodeCode{huajieTown, dongchengTwn}, time.Hour, officer, false)
	requireCode(t, err, model.EINVALID)
	_, _, err = s.IssueDirective(ctx, "逐户核查", []model.NodeCode{"330784002"}, time.Hour, officer, false)
	requireCode(t, err, model.ECONFLICT)
	assert.Contains(t, model.ErrorMessage(err), "no wartime is active", "西城街道 is in peacetime")
	ds, err := s.Directives(ctx, huajieTown)
	require.NoError(t, err)
	require.Len(t, ds, 1)
	ds, err = s.Directives(ctx, dongchengTwn)
	require.NoError(t, err)
	assert.Empty(t, ds)

	// The clocks: a report in the town at war gets the wartime factor, one
	// in a town at peace does not.
	ack := s.Policy().Ack[model.TierVillage]
	war, err := s.Report(ctx, model.Report{Node: huajieTown + "266", Category: "traffic", Severity: model.SeverityII, Title: "a", Reporter: officer})
	require.NoError(t, err)
	peace, err := s.Report(ctx, model.Report{Node: "330784002200", Category: "traffic", Severity: model.SeverityII, Title: "b", Reporter: officer})
	require.NoError(t, err)
	assert.Equal(t, time.Duration(float64(ack)*s.Policy().WartimeFactor), war.AckBy.Sub(war.TierSince))
	assert.Equal(t, ack, peace.AckBy.Sub(peace.TierSince))

	// Ending: "" is ambiguous with two towns at war; by id it is not.
	_, err = s.Deactivate(ctx, "", officer)
	requireCode(t, err, model.ECONFLICT)
	assert.Contains(t, model.ErrorMessage(err), "2 towns are in wartime (W-0001, W-0002)")
	requireZh(t, err)
	_, err = s.Deactivate(ctx, dc.ID, officer)
	require.NoError(t, err)
	_, err = s.Deactivate(ctx, dc.ID, officer)
	requireCode(t, err, model.ECONFLICT)
	_, err = s.Deactivate(ctx, "", officer)
	require.NoError(t, err, "the one left")
	requireClean(t, s)

	// Now the whole county at once: 14 activations, one per town.
	acts, err := s.ActivateTowns(ctx, model.ReasonFlood, []model.NodeCode{yongkang}, false, "县统一部署", officer)
	require.NoError(t, err)
	require.Len(t, acts, len(towns))
	for i, a := range acts {
		assert.Equal(t, []model.NodeCode{towns[i]}, a.Scope)
	}
	st, err = s.WartimeStatus(ctx, "")
	require.NoError(t, err)
	assert.Len(t, st.Towns, len(towns))
	requireClean(t, s)
}

// TestWartimeMigratesToTowns: a file from before wartime per town, with an
// activation active over villages of two towns under meta wt/active, opens
// with that activation active in both towns; ending it returns both to
// peacetime, and check is clean throughout.
func TestWartimeMigratesToTowns(t *testing.T) {
	image, _, _ := yongkangWartimeFixture(t)
	s := openCopy(t, image)
	ctx := context.Background()
	a, err := s.Activate(ctx, model.ReasonFlood, []model.NodeCode{huajieTown + "266"}, false, "", 1)
	require.NoError(t, err)
	path := s.Path()
	require.NoError(t, s.Close())

	// Make it a file of the schema before, whose one activation reached a
	// village of 东城街道 too.
	raw, err := bolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, raw.Update(func(tx *bolt.Tx) error {
		a.Scope = append(a.Scope, dongchengTwn+"001")
		if err := putActivation(tx, a); err != nil {
			return err
		}
		meta := tx.Bucket(bucketMeta)
		require.NoError(t, meta.Delete(activeKey(huajieTown)))
		require.NoError(t, meta.Put([]byte("wt/active"), u64(a.Seq)))
		return meta.Put(metaSchema, u64(schemaBefore(t, migrateWartimePerTown10)))
	}))
	require.NoError(t, raw.Close())

	s = openAt(t, path, newClock())
	for _, town := range []model.NodeCode{huajieTown, dongchengTwn} {
		st, err := s.WartimeStatus(ctx, town)
		require.NoError(t, err)
		assert.Equal(t, a.ID, st.Active.ID, town)
	}
	requireClean(t, s)
	_, err = s.Deactivate(ctx, "", 1)
	require.NoError(t, err)
	st, err := s.WartimeStatus(ctx, "")
	require.NoError(t, err)
	assert.Empty(t, st.Towns)
	requireClean(t, s)
}
