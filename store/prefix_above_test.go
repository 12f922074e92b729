package store

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// A town whose initials are the county's (永康市 YK), and its village.
const (
	yongkangJD      model.NodeCode = "330784002"
	yongkangVillage model.NodeCode = "330784002001"
)

// countyOfficer adds the county's node (永康市, yongkang) above the tiny tower and
// a duty officer there, and returns the officer.
func countyOfficer(t *testing.T, tw *tower) model.Person {
	t.Helper()
	_, err := tw.s.ImportNodes(tw.ctx, []model.Node{{Code: yongkang, Level: model.LevelCounty, Name: "永康市"}}, model.System, "")
	require.NoError(t, err)
	ps, err := tw.s.ImportPeople(tw.ctx, []model.Person{{Name: "县值班", Phone: "13900000003", Node: yongkang,
		Roles: []model.Role{model.RoleDutyOfficer}}}, model.System, "")
	require.NoError(t, err)
	return ps[0]
}

// storedPrefix is the prefix kept in meta for node, "" for none.
func storedPrefix(t *testing.T, s *DB, node model.NodeCode) string {
	t.Helper()
	var p string
	require.NoError(t, s.db.View(func(tx *bolt.Tx) error {
		p = string(tx.Bucket(bucketMeta).Get(townPrefixKey(node)))
		return nil
	}))
	return p
}

// In a county's file on the default town_prefix (HJ, 花街镇's), the
// county's own reports do not take 花街镇's prefix (a QA saw report --node
// 330784 give HJ-…): the county's name's initials, given at its first
// report and kept, which a town coming later does not take; the ids given
// before keep theirs.
func TestCountyReportsTakeTheirOwnPrefix(t *testing.T) {
	tw := newTower(t)
	cty := countyOfficer(t, tw)
	alone := tw.report(t, yongkang, cty.ID, "一镇之时")
	assert.Regexp(t, `^HJ-\d{8}-0001$`, alone.ID, "a file of one town: town_prefix everywhere, as before")

	dc := addTown(t, tw, dongcheng, yuanding, "东城街道", "园丁社区", "13800000031")
	own := tw.report(t, yongkang, cty.ID, "县里的事")
	assert.Regexp(t, `^YK-\d{8}-0002$`, own.ID)
	assert.Regexp(t, `^HJ-\d{8}-0003$`, tw.report(t, grid01, tw.leader01.ID, "花街").ID)
	assert.Regexp(t, `^DC-\d{8}-0004$`, tw.report(t, yuanding, dc.ID, "东城").ID)
	assert.Equal(t, "YK", storedPrefix(t, tw.s, yongkang))

	// 永康街道 comes later: YK is the county's, so it takes YKB.
	yk := addTown(t, tw, yongkangJD, yongkangVillage, "永康街道", "永康村", "13800000033")
	assert.Regexp(t, `^YKB-\d{8}-0005$`, tw.report(t, yongkangVillage, yk.ID, "永康").ID)

	tw.reopen(t)
	assert.Regexp(t, `^YK-\d{8}-0006$`, tw.report(t, yongkang, cty.ID, "县里又一").ID, "kept across a reopen")
	for _, inc := range []model.Incident{alone, own} {
		got, err := tw.s.Incident(tw.ctx, inc.ID)
		require.NoError(t, err)
		assert.Equal(t, inc.Title, got.Title)
	}
	requireClean(t, tw.s)
}

// A town that took the county's initials first keeps them: the county's
// own reports take the next letter, never a town's prefix.
func TestCountyPrefixAvoidsATownsPrefix(t *testing.T) {
	tw := newTower(t)
	cty := countyOfficer(t, tw)
	yk := addTown(t, tw, yongkangJD, yongkangVillage, "永康街道", "永康村", "13800000033")
	assert.Regexp(t, `^YK-`, tw.report(t, yongkangVillage, yk.ID, "永康").ID)
	assert.Regexp(t, `^YKB-`, tw.report(t, yongkang, cty.ID, "县里的事").ID)
	assert.Regexp(t, `^HJ-`, tw.report(t, grid01, tw.leader01.ID, "花街").ID)
	requireClean(t, tw.s)
}

// A configured town_prefix is the county's own reports' as it is, and a
// town given a prefix later does not take it; one a town already holds
// (configured after) is refused for them, saying why, in Chinese too.
func TestCountyKeepsAConfiguredPrefix(t *testing.T) {
	tw := newTower(t)
	tw.s.opts.Prefix = "YK" // the county's own, as town_prefix gives it
	cty := countyOfficer(t, tw)
	dc := addTown(t, tw, dongcheng, yuanding, "东城街道", "园丁社区", "13800000031")
	yk := addTown(t, tw, yongkangJD, yongkangVillage, "永康街道", "永康村", "13800000033")
	assert.Regexp(t, `^YKB-`, tw.report(t, yongkangVillage, yk.ID, "永康").ID, "the configured YK is the county's")
	assert.Regexp(t, `^YK-`, tw.report(t, yongkang, cty.ID, "县里的事").ID)
	assert.Equal(t, "", storedPrefix(t, tw.s, yongkang), "a configured prefix is not kept: the config says it")
	assert.Regexp(t, `^DC-`, tw.report(t, yuanding, dc.ID, "东城").ID)

	tw.s.opts.Prefix = "DC"
	_, err := tw.s.Report(tw.ctx, model.Report{Node: yongkang, Category: "traffic", Severity: model.SeverityII,
		Title: "县里又一", Reporter: cty.ID})
	requireCode(t, err, model.ECONFLICT, "DC-", "东城街道", "town_prefix")
	requireZh(t, err, "DC-", "东城街道", "town_prefix")
	requireClean(t, tw.s)
}
