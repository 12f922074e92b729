package store

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

const (
	dongcheng        model.NodeCode = "330784001"
	yuanding         model.NodeCode = "330784001001"
	dongchuan        model.NodeCode = "330784009"
	dongchuanVillage model.NodeCode = "330784009001"
)

// addTown imports a town with one village under the county, and a duty
// officer there, and returns the officer.
func addTown(t *testing.T, tw *tower, town, village model.NodeCode, name, villageName, phone string) model.Person {
	t.Helper()
	_, err := tw.s.ImportNodes(tw.ctx, []model.Node{
		{Code: town, Level: model.LevelTown, Name: name, Parent: "330784"},
		{Code: village, Level: model.LevelVillage, Name: villageName, Parent: town},
	}, model.System, "")
	require.NoError(t, err)
	ps, err := tw.s.ImportPeople(tw.ctx, []model.Person{{Name: name + "值班", Phone: phone, Node: town, Roles: []model.Role{model.RoleDutyOfficer}}}, model.System, "")
	require.NoError(t, err)
	return ps[0]
}

// In a file of several towns each town's incidents carry its own prefix
// (a QA saw 东城街道's filed as HJ-…): its name's initials, given at its
// first report and kept, so a town that comes later with the same
// initials takes the next letter and the first keeps its own; the ids
// filed before keep theirs; a file of one town keeps town_prefix.
func TestIncidentPrefixPerTown(t *testing.T) {
	tw := newTower(t)
	tw.s.opts.Prefix = "YK" // the county's own, as town_prefix gives it
	alone := tw.report(t, grid01, tw.leader01.ID, "一镇之时")
	assert.Regexp(t, `^YK-\d{8}-0001$`, alone.ID, "a file of one town: town_prefix")

	dc := addTown(t, tw, dongcheng, yuanding, "东城街道", "园丁社区", "13800000031")
	hj := tw.report(t, grid01, tw.leader01.ID, "花街")
	east := tw.report(t, yuanding, dc.ID, "东城")
	assert.Regexp(t, `^HJ-\d{8}-0002$`, hj.ID)
	assert.Regexp(t, `^DC-\d{8}-0003$`, east.ID, "one count a day for the file")

	// 东川镇 comes later: DC is 东城街道's, so it takes DCB.
	dch := addTown(t, tw, dongchuan, dongchuanVillage, "东川镇", "东川村", "13800000032")
	assert.Regexp(t, `^DCB-\d{8}-0004$`, tw.report(t, dongchuanVillage, dch.ID, "东川").ID)
	assert.Regexp(t, `^DC-\d{8}-0005$`, tw.report(t, yuanding, dc.ID, "东城又一").ID)

	// Kept across a reopen; the ids given before are found as they are.
	tw.reopen(t)
	assert.Regexp(t, `^DCB-`, tw.report(t, dongchuanVillage, dch.ID, "东川又一").ID)
	for _, inc := range []model.Incident{alone, hj, east} {
		got, err := tw.s.Incident(tw.ctx, inc.ID)
		require.NoError(t, err)
		assert.Equal(t, inc.Title, got.Title)
	}
	require.NoError(t, tw.s.db.View(func(tx *bolt.Tx) error {
		assert.Equal(t, "DC", string(tx.Bucket(bucketMeta).Get(townPrefixKey(dongcheng))))
		assert.Equal(t, "HJ", string(tx.Bucket(bucketMeta).Get(townPrefixKey(town))))
		return nil
	}))
	requireClean(t, tw.s)
}

// A town's prefix: its name's initials without its suffix; "T" and its
// code's number in letters when the name gives none; cut to eight.
func TestDerivedPrefix(t *testing.T) {
	assert.Equal(t, "HJ", derivedPrefix(town, "花街镇"))
	assert.Equal(t, "DC", derivedPrefix(dongcheng, "东城街道"))
	assert.Equal(t, "TAAB", derivedPrefix(dongcheng, "Dongcheng"))
	assert.Equal(t, "Z", derivedPrefix(dongcheng, "镇"), "a name that is its suffix alone is kept")
	assert.Equal(t, "ABCDEFGH", derivedPrefix(dongcheng, "阿波次的额佛哥喝鸡"))
	p, ok := freePrefix("ABCDEFGH", map[string]bool{"ABCDEFGH": true, "ABCDEFGB": true})
	assert.True(t, ok)
	assert.Equal(t, "ABCDEFGC", p)
}

// A hub's own town that took a prefix before a town federated keeps it:
// the federated town's ids take the next letter, as they do for the
// hub's town_prefix (claimPrefix), since both number in the hub's days.
func TestFedTownAvoidsTheHubsOwnTownPrefix(t *testing.T) {
	tw, incs := busyTown(t)
	hub := newHub(t, tw)
	_, err := hub.ImportNodes(tw.ctx, []model.Node{
		{Code: "330784", Level: model.LevelCounty, Name: "永康市"},
		{Code: "330784120", Level: model.LevelTown, Name: "黄金镇", Parent: "330784"},
		{Code: "330784121", Level: model.LevelTown, Name: "象珠镇", Parent: "330784"},
	}, model.System, "")
	require.NoError(t, err)
	ps, err := hub.ImportPeople(tw.ctx, []model.Person{{Name: "黄金值班", Phone: "13900000004", Node: "330784120",
		Roles: []model.Role{model.RoleDutyOfficer}}}, model.System, "")
	require.NoError(t, err)
	own, err := hub.Report(tw.ctx, model.Report{Node: "330784120", Category: "traffic", Severity: model.SeverityIII,
		Title: "黄金镇的事", Reporter: ps[0].ID})
	require.NoError(t, err)
	assert.Regexp(t, `^HJ-`, own.ID)
	applyAll(t, tw, hub)
	got, err := hub.Incident(tw.ctx, "HJB"+incs[0].ID[len("HJ"):])
	require.NoError(t, err)
	assert.Equal(t, incs[0].Title, got.Title)
	requireClean(t, hub)
}

// A town whose prefix and every one after it (DC, DCB ... DCZ) other
// towns hold is refused its report, in English and Chinese, as a
// conflict naming the town (a review: an English-only internal error
// reached the reporter); nothing is filed.
func TestReportOfATownWithNoFreePrefixIsRefused(t *testing.T) {
	tw := newTower(t)
	addTown(t, tw, dongcheng, yuanding, "东城街道", "园丁社区", "13800000031")
	dch := addTown(t, tw, dongchuan, dongchuanVillage, "东川镇", "东川村", "13800000032")
	require.NoError(t, tw.s.db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		for i, p := range append([]string{"DC"}, each([]rune("BCDEFGHIJKLMNOPQRSTUVWXYZ"), func(c rune) string { return "DC" + string(c) })...) {
			if err := meta.Put(townPrefixKey(model.NodeCode(fmt.Sprintf("3307%05d", 500+i))), []byte(p)); err != nil {
				return err
			}
		}
		return nil
	}))
	before := dump(t, tw.s)
	_, err := tw.s.Report(tw.ctx, model.Report{Node: dongchuanVillage, Category: "fire", Severity: model.SeverityIII, Title: "冒烟", Reporter: dch.ID})
	requireCode(t, err, model.ECONFLICT, "东川镇 (330784009) has no free prefix: DC and DCB to DCZ")
	assert.Equal(t, "事件编号：东川镇（330784009）没有可用的编号前缀（DC 及 DCB 至 DCZ 均已被其他镇街占用）；本次未受理，请联系县级管理员", model.ErrorMessageZh(err))
	assert.Equal(t, before, dump(t, tw.s))
}
