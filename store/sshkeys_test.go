package store

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

// authorizedKey is an authorized_keys line of a fresh ed25519 key.
func authorizedKey(t testing.TB, comment string) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	var blob []byte
	for _, f := range [][]byte{[]byte("ssh-ed25519"), pub} {
		blob = binary.BigEndian.AppendUint32(blob, uint32(len(f)))
		blob = append(blob, f...)
	}
	return "ssh-ed25519 " + base64.StdEncoding.EncodeToString(blob) + " " + comment
}

func TestSSHKeysAddListHolderRevoke(t *testing.T) {
	tw := newTower(t)
	k1, err := model.ParseAuthorizedKey(authorizedKey(t, "zhang@duxi"))
	require.NoError(t, err)
	added, err := tw.s.AddKey(tw.ctx, tw.cadre.ID, k1)
	require.NoError(t, err)
	assert.Equal(t, k1.Fingerprint, added.Fingerprint)
	assert.Equal(t, "zhang@duxi", added.Name)
	assert.Equal(t, tw.clock.Now(), added.Added)
	// The console puts the action's name (ssh key, SSH 密钥) before the
	// note: the note says what happened, for whom, and the key.
	evs, err := tw.s.Events(tw.ctx, 0, 1)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, model.ActKey, evs[0].Action)
	assert.Equal(t, "added for "+tw.cadre.ID.String()+" ("+tw.cadre.Name+"), "+k1.Fingerprint, evs[0].Note)
	assert.Equal(t, "已为 "+tw.cadre.ID.String()+"（"+tw.cadre.Name+"）添加，"+k1.Fingerprint, evs[0].NoteZh)

	// One key, one person: the same key for anyone again is refused.
	_, err = tw.s.AddKey(tw.ctx, tw.duty.ID, k1)
	requireCode(t, err, model.ECONFLICT)
	requireZh(t, err)
	_, err = tw.s.AddKey(tw.ctx, 9999, k1)
	requireCode(t, err, model.ENOTFOUND)
	// A blob that is not the type it claims is refused, over the API too.
	bad := k1
	bad.Type = "ecdsa-sha2-nistp256"
	_, err = tw.s.AddKey(tw.ctx, tw.cadre.ID, bad)
	requireCode(t, err, model.EINVALID)

	k2, err := model.ParseAuthorizedKey(authorizedKey(t, ""))
	require.NoError(t, err)
	_, err = tw.s.AddKey(tw.ctx, tw.cadre.ID, k2)
	require.NoError(t, err)
	k3, err := model.ParseAuthorizedKey(authorizedKey(t, "duty"))
	require.NoError(t, err)
	_, err = tw.s.AddKey(tw.ctx, tw.duty.ID, k3)
	require.NoError(t, err)

	mine, err := tw.s.Keys(tw.ctx, tw.cadre.ID)
	require.NoError(t, err)
	require.Len(t, mine, 2)
	all, err := tw.s.Keys(tw.ctx, model.System)
	require.NoError(t, err)
	require.Len(t, all, 3)

	key, p, err := tw.s.KeyHolder(tw.ctx, k1.Fingerprint)
	require.NoError(t, err)
	assert.Equal(t, tw.cadre.ID, p.ID)
	assert.Equal(t, k1.Blob, key.Blob)
	_, _, err = tw.s.KeyHolder(tw.ctx, "SHA256:nope")
	requireCode(t, err, model.EUNAUTHORIZED)

	// Opening a seat marks the key used and logs who, which key, where.
	tw.clock.Advance(90)
	require.NoError(t, tw.s.RecordSeat(tw.ctx, model.SeatRecord{Person: tw.cadre.ID, Fingerprint: k1.Fingerprint,
		Remote: "127.0.0.1:50000", Room: tw.cadre.Node, Open: true}))
	key, _, err = tw.s.KeyHolder(tw.ctx, k1.Fingerprint)
	require.NoError(t, err)
	assert.Equal(t, tw.clock.Now(), key.LastUsed)
	evs, err = tw.s.Events(tw.ctx, 0, 1)
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, model.ActSeat, evs[0].Action)
	assert.Equal(t, tw.cadre.ID, evs[0].Actor)
	assert.Contains(t, evs[0].Note, k1.Fingerprint)
	assert.Contains(t, evs[0].Note, "127.0.0.1:50000")
	assert.Contains(t, evs[0].NoteZh, "已打开")

	gone, err := tw.s.RevokeKey(tw.ctx, k1.Fingerprint)
	require.NoError(t, err)
	assert.Equal(t, tw.cadre.ID, gone.Person)
	_, _, err = tw.s.KeyHolder(tw.ctx, k1.Fingerprint)
	requireCode(t, err, model.EUNAUTHORIZED)
	evs, err = tw.s.Events(tw.ctx, 0, 1)
	require.NoError(t, err)
	assert.Equal(t, "revoked for "+tw.cadre.ID.String()+", "+k1.Fingerprint, evs[0].Note)
	_, err = tw.s.RevokeKey(tw.ctx, k1.Fingerprint)
	requireCode(t, err, model.ENOTFOUND)
	_, err = tw.s.RevokeKey(tw.ctx, "SHA256:short")
	requireCode(t, err, model.EINVALID)
	requireZh(t, err)

	list, err := tw.s.RevokeKeys(tw.ctx, tw.cadre.ID)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, k2.Fingerprint, list[0].Fingerprint)
	mine, err = tw.s.Keys(tw.ctx, tw.cadre.ID)
	require.NoError(t, err)
	assert.Empty(t, mine)
	requireClean(t, tw.s)
}

// check finds an index entry without its key, and a key without its entry.
func TestCheckFindsSSHKeyDrift(t *testing.T) {
	tw := newTower(t)
	k, err := model.ParseAuthorizedKey(authorizedKey(t, "x"))
	require.NoError(t, err)
	_, err = tw.s.AddKey(tw.ctx, tw.cadre.ID, k)
	require.NoError(t, err)
	requireClean(t, tw.s)
	require.NoError(t, tw.s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSSHKeysByPerson).Delete(sshKeyByPersonKey(uint64(tw.cadre.ID), k.Fingerprint))
	}))
	problems, err := tw.s.Check(tw.ctx)
	require.NoError(t, err)
	assert.Contains(t, problems, "ssh_keys_by_person: key "+k.Fingerprint+" of P2 has no entry")
	require.NoError(t, tw.s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketSSHKeysByPerson).Put(sshKeyByPersonKey(uint64(tw.duty.ID), k.Fingerprint), nil); err != nil {
			return err
		}
		return tx.Bucket(bucketSSHKeys).Delete([]byte(k.Fingerprint))
	}))
	problems, err = tw.s.Check(tw.ctx)
	require.NoError(t, err)
	assert.Contains(t, problems, "ssh_keys_by_person: entry of P1 points at missing key "+k.Fingerprint)
}
