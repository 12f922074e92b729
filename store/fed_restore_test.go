package store

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// A town's file restored from a backup goes on numbering after the copy
// that was lost: its records at the county (an incident, a wartime, a
// person) stay as they were, and the restored file's new ones arrive
// beside them, not over them.
func TestRestoredTownNumbersAfterTheLostCopy(t *testing.T) {
	tw, _ := busyTown(t)
	hub := newHub(t, tw)
	applyAll(t, tw, hub)
	backup := filepath.Join(t.TempDir(), "backup.db")
	_, err := tw.s.BackupFile(backup)
	require.NoError(t, err)
	cursor := lastEventSeq(t, tw.s)
	require.NoError(t, tw.s.SetFedCursor(tw.ctx, cursor))

	// The copy that is lost: two reports, a wartime, a person, all at the
	// county.
	lost1 := tw.report(t, micro011, tw.worker01.ID, "备份后 1")
	lost2 := tw.report(t, micro012, tw.worker01.ID, "备份后 2")
	_, err = tw.s.Activate(tw.ctx, model.ReasonFlood, []model.NodeCode{town}, false, "", tw.duty.ID)
	require.NoError(t, err)
	_, err = tw.s.ImportPeople(tw.ctx, []model.Person{{Name: "丢失副本的人", Phone: "13900000011", Node: micro011,
		Roles: []model.Role{model.RoleContactPerson}}}, model.System, "")
	require.NoError(t, err)
	stream := pending(t, tw.s, 0)
	_, err = hub.FedApply(tw.ctx, stream)
	require.NoError(t, err)
	last := stream[len(stream)-1].Seq
	require.NoError(t, tw.s.Close())

	// The backup put back, the node's start: the stream's records after
	// the file's cursor, then the cursor at the stream's last.
	restored := openAt(t, backup, tw.clock)
	lacking, err := restored.FedNumberPast(tw.ctx, stream[cursor:])
	require.NoError(t, err)
	assert.Equal(t, []string{lost1.ID, lost2.ID}, unique(lacking), "the lost copy's incidents, which the county keeps")
	require.NoError(t, restored.SetFedCursor(tw.ctx, last))
	again, err := restored.FedNumberPast(tw.ctx, stream[cursor:])
	require.NoError(t, err, "a second start does it again, changing nothing")
	assert.Equal(t, lacking, again)

	tw.s = restored
	after := tw.report(t, micro011, tw.worker01.ID, "恢复后 1")
	assert.Greater(t, after.Seq, lost2.Seq)
	assert.NotEqual(t, lost1.ID, after.ID)
	assert.NotEqual(t, lost2.ID, after.ID)
	tw.clock.Advance(time.Minute)
	act, err := restored.Activate(tw.ctx, model.ReasonTyphoon, []model.NodeCode{town}, false, "", tw.duty.ID)
	require.NoError(t, err)
	assert.Equal(t, "W-0002", act.ID, "after the lost copy's W-0001")
	ps, err := restored.ImportPeople(tw.ctx, []model.Person{{Name: "恢复后的人", Phone: "13900000012", Node: micro011,
		Roles: []model.Role{model.RoleContactPerson}}}, model.System, "")
	require.NoError(t, err)
	requireClean(t, restored)

	_, err = hub.FedApply(tw.ctx, pending(t, restored, last))
	require.NoError(t, err)
	for id, title := range map[string]string{lost1.ID: "备份后 1", lost2.ID: "备份后 2", after.ID: "恢复后 1"} {
		inc, err := hub.Incident(tw.ctx, id)
		require.NoError(t, err, id)
		assert.Equal(t, title, inc.Title, id)
	}
	people, err := hub.People(tw.ctx, model.PeopleFilter{})
	require.NoError(t, err)
	names := map[string]bool{}
	for _, p := range people {
		names[p.Name] = true
	}
	assert.True(t, names["丢失副本的人"], "the lost copy's person stays at the county")
	assert.True(t, names[ps[0].Name])
	acts := activations(t, hub)
	require.Len(t, acts, 2, "the lost copy's wartime and the restored file's, apart")
	assert.Equal(t, model.ReasonFlood, acts[0].Reason)
	assert.Equal(t, act.Since, acts[0].Ended, "the lost copy's ended at the county when the town's next began")
	assert.Equal(t, model.ReasonTyphoon, acts[1].Reason)
	assert.True(t, acts[1].Active())
	requireClean(t, hub)
}

// unique is ids without repeats, in their first order.
func unique(ids []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// activations is the file's activations in seq order.
func activations(t testing.TB, s *DB) []model.Activation {
	t.Helper()
	var acts []model.Activation
	require.NoError(t, s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketWtActivations).ForEach(func(k, _ []byte) error {
			a, err := s.getActivation(tx, getU64(k))
			acts = append(acts, a)
			return err
		})
	}))
	return acts
}
