package store

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/model"
)

func TestTokensIssueAuthenticateRevoke(t *testing.T) {
	tw := newTower(t)
	tok, err := tw.s.IssueToken(tw.ctx, tw.worker01.ID)
	require.NoError(t, err)
	assert.True(t, model.WellFormedToken(tok), tok)

	p, err := tw.s.Authenticate(tw.ctx, tok)
	require.NoError(t, err)
	assert.Equal(t, tw.worker01.ID, p.ID)
	assert.Equal(t, tw.worker01.Node, p.Node)

	// Only the hash is stored: the token appears nowhere in the file.
	require.NoError(t, tw.s.Close())
	raw, err := os.ReadFile(tw.path)
	require.NoError(t, err)
	assert.False(t, bytes.Contains(raw, []byte(tok)), "the plaintext token is in the file")
	assert.False(t, bytes.Contains(raw, []byte(tok[model.TokenPrefixLen:])), "the secret part of the token is in the file")
	tw.s = openAt(t, tw.path, tw.clock)

	tok2, err := tw.s.IssueToken(tw.ctx, tw.worker01.ID)
	require.NoError(t, err)
	tok3, err := tw.s.IssueToken(tw.ctx, tw.leader02.ID)
	require.NoError(t, err)
	list, err := tw.s.Tokens(tw.ctx, tw.worker01.ID)
	require.NoError(t, err)
	require.Len(t, list, 2)
	for _, ti := range list {
		assert.Equal(t, tw.worker01.ID, ti.Person)
		assert.Len(t, ti.Prefix, model.TokenPrefixLen)
		assert.True(t, ti.Revoked.IsZero())
		assert.Equal(t, t0, ti.Issued)
	}
	all, err := tw.s.Tokens(tw.ctx, model.System)
	require.NoError(t, err)
	assert.Len(t, all, 3)
	issued := newest(t, tw.s, 1)[0]
	assert.Equal(t, model.ActToken, issued.Action)
	assert.Regexp(t, `^token \S+… issued to P\d+ \(.+\)$`, issued.Note)
	assert.Regexp(t, `^令牌 \S+… 已发给 P\d+（.+）$`, issued.NoteZh)

	for _, bad := range []string{"", "gc_", "Bearer " + tok, tok + "x", strings.Repeat("a", 46), tok[:len(tok)-1] + "!"} {
		_, err := tw.s.Authenticate(tw.ctx, bad)
		requireCode(t, err, model.EUNAUTHORIZED)
		requireZh(t, err)
		assert.NotContains(t, err.Error(), tok, "an error must never echo a token")
		assert.NotContains(t, model.ErrorMessageZh(err), tok, "nor in Chinese")
	}
	forged := tok[:len(tok)-1] + map[bool]string{true: "A", false: "B"}[tok[len(tok)-1] != 'A']
	_, err = tw.s.Authenticate(tw.ctx, forged)
	requireCode(t, err, model.EUNAUTHORIZED)
	requireZh(t, err)

	// Revoke by prefix: the one token; the other stays live.
	tw.clock.Advance(time.Minute)
	ti, err := tw.s.RevokeToken(tw.ctx, tok[:model.TokenPrefixLen])
	require.NoError(t, err)
	assert.Equal(t, t0.Add(time.Minute), ti.Revoked)
	_, err = tw.s.Authenticate(tw.ctx, tok)
	requireCode(t, err, model.EUNAUTHORIZED)
	assert.Contains(t, err.Error(), "revoked")
	requireZh(t, err)
	_, err = tw.s.Authenticate(tw.ctx, tok2)
	require.NoError(t, err)
	again, err := tw.s.RevokeToken(tw.ctx, tok[:model.TokenPrefixLen]+"…")
	require.NoError(t, err, "revoking twice is no error")
	assert.Equal(t, ti, again)

	// Revoke by the whole token, and by person.
	_, err = tw.s.RevokeToken(tw.ctx, tok3)
	require.NoError(t, err)
	_, err = tw.s.Authenticate(tw.ctx, tok3)
	requireCode(t, err, model.EUNAUTHORIZED)
	n, err := tw.s.RevokeTokens(tw.ctx, tw.worker01.ID)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "one live token left")
	_, err = tw.s.Authenticate(tw.ctx, tok2)
	requireCode(t, err, model.EUNAUTHORIZED)
	n, err = tw.s.RevokeTokens(tw.ctx, tw.worker01.ID)
	require.NoError(t, err)
	assert.Zero(t, n)

	_, err = tw.s.RevokeToken(tw.ctx, "gc_")
	requireCode(t, err, model.EINVALID)
	requireZh(t, err)
	_, err = tw.s.RevokeToken(tw.ctx, "gc_zzzzzzzz")
	requireCode(t, err, model.ENOTFOUND)
	requireZh(t, err)
	_, err = tw.s.IssueToken(tw.ctx, 999)
	requireCode(t, err, model.ENOTFOUND)
	_, err = tw.s.IssueToken(tw.ctx, model.System)
	requireCode(t, err, model.EINVALID)
	requireZh(t, err)
	_, err = tw.s.Tokens(tw.ctx, 999)
	requireCode(t, err, model.ENOTFOUND)

	// Every issue and revocation is in the log, without the token.
	evs, err := tw.s.Events(tw.ctx, 0, 100)
	require.NoError(t, err)
	tokenEvents := 0
	for _, ev := range evs {
		if ev.Action == model.ActToken {
			tokenEvents++
			assert.NotContains(t, ev.Note, tok[model.TokenPrefixLen:])
		}
	}
	assert.Equal(t, 6, tokenEvents, "3 issued, 3 revocations")
	requireClean(t, tw.s)
}

func TestRevokeTokenAmbiguousPrefix(t *testing.T) {
	tw := newTower(t)
	// Two tokens whose shown prefixes share a start (written by hand: real
	// ones share four characters about once in 16 million).
	require.NoError(t, tw.s.db.Update(func(tx *bolt.Tx) error {
		for i, prefix := range []string{"gc_AAAAxxxx", "gc_AAAAyyyy"} {
			h := tokenHash(fmt.Sprint("token ", i))
			if err := putToken(tx, h[:], tokenRecord{Person: uint64(tw.worker01.ID), Prefix: prefix, Issued: nanos(t0)}); err != nil {
				return err
			}
			if err := tx.Bucket(bucketTokensByPerson).Put(append(u64(uint64(tw.worker01.ID)), h[:]...), []byte{}); err != nil {
				return err
			}
		}
		return nil
	}))
	_, err := tw.s.RevokeToken(tw.ctx, "gc_AAAA")
	requireCode(t, err, model.ECONFLICT)
	assert.Contains(t, err.Error(), "2 live tokens start with gc_AAAA; give more of it")
	requireZh(t, err)
	ti, err := tw.s.RevokeToken(tw.ctx, "gc_AAAAy")
	require.NoError(t, err)
	assert.Equal(t, "gc_AAAAyyyy", ti.Prefix)
	ti, err = tw.s.RevokeToken(tw.ctx, "gc_AAAA")
	require.NoError(t, err, "only one live token starts so now")
	assert.Equal(t, "gc_AAAAxxxx", ti.Prefix)
	requireClean(t, tw.s)
}

func TestAuthenticateAfterPersonLeaves(t *testing.T) {
	tw := newTower(t)
	tok, err := tw.s.IssueToken(tw.ctx, tw.micro.ID)
	require.NoError(t, err)
	// People are never removed through the service; simulate a roster
	// entry lost by hand to see the refusal.
	require.NoError(t, tw.s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPeople).Delete(u64(uint64(tw.micro.ID)))
	}))
	_, err = tw.s.Authenticate(tw.ctx, tok)
	requireCode(t, err, model.EUNAUTHORIZED)
	assert.Contains(t, err.Error(), "not on the roster")
	requireZh(t, err)
}

func fieldReport(title string) model.Report {
	return model.Report{Node: grid01, Category: "hazard", Severity: model.SeverityIII, Title: title, Text: "井盖缺失"}
}

func TestReportOnce(t *testing.T) {
	tw := newTower(t)
	first, dup, err := tw.s.ReportOnce(tw.ctx, tw.worker01.ID, "k-1", fieldReport("井盖缺失"))
	require.NoError(t, err)
	assert.False(t, dup)
	assert.Equal(t, tw.worker01.ID, first.Reporter, "the key's holder is the reporter")

	tw.clock.Advance(time.Minute)
	again, dup, err := tw.s.ReportOnce(tw.ctx, tw.worker01.ID, "k-1", fieldReport("井盖缺失"))
	require.NoError(t, err)
	assert.True(t, dup)
	assert.Equal(t, first, again, "the retry gets the original, as it was stored")

	// The same key from another person is another report.
	other, dup, err := tw.s.ReportOnce(tw.ctx, tw.leader01.ID, "k-1", fieldReport("井盖缺失"))
	require.NoError(t, err)
	assert.False(t, dup)
	assert.NotEqual(t, first.ID, other.ID)

	// The same key with another report is refused and stores nothing.
	before := dump(t, tw.s)
	_, _, err = tw.s.ReportOnce(tw.ctx, tw.worker01.ID, "k-1", fieldReport("路灯不亮"))
	requireCode(t, err, model.ECONFLICT)
	assert.Contains(t, err.Error(), first.ID)
	requireZh(t, err)
	assert.Equal(t, before, dump(t, tw.s))

	// Bad keys and bad reports are refused before anything is written.
	for _, k := range []string{"has space", strings.Repeat("k", 256), "tab\t", "é"} {
		_, _, err := tw.s.ReportOnce(tw.ctx, tw.worker01.ID, k, fieldReport("x"))
		requireCode(t, err, model.EINVALID)
	}
	_, _, err = tw.s.ReportOnce(tw.ctx, tw.worker01.ID, "k-2", model.Report{Node: "330784114299", Category: "hazard", Severity: 3, Title: "x"})
	requireCode(t, err, model.ENOTFOUND)
	_, _, err = tw.s.ReportOnce(tw.ctx, 999, "k-2", fieldReport("x"))
	requireCode(t, err, model.ENOTFOUND)
	assert.Equal(t, before, dump(t, tw.s))

	// No key: a plain report each time.
	a, dup, err := tw.s.ReportOnce(tw.ctx, tw.worker01.ID, "", fieldReport("无键"))
	require.NoError(t, err)
	assert.False(t, dup)
	b, _, err := tw.s.ReportOnce(tw.ctx, tw.worker01.ID, "", fieldReport("无键"))
	require.NoError(t, err)
	assert.NotEqual(t, a.ID, b.ID)

	// The key survives a reopen.
	tw.reopen(t)
	again, dup, err = tw.s.ReportOnce(tw.ctx, tw.worker01.ID, "k-1", fieldReport("井盖缺失"))
	require.NoError(t, err)
	assert.True(t, dup)
	assert.Equal(t, first.ID, again.ID)
	requireClean(t, tw.s)
}

func TestReportOnceConcurrentRetries(t *testing.T) {
	tw := newTower(t)
	const keys, retries = 20, 16
	ids := make([][]string, keys)
	dups := make([]int, keys)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for k := range keys {
		ids[k] = make([]string, retries)
		for r := range retries {
			wg.Go(func() {
				inc, dup, err := tw.s.ReportOnce(tw.ctx, tw.worker01.ID, fmt.Sprintf("key-%d", k), fieldReport(fmt.Sprintf("report %d", k)))
				if !assert.NoError(t, err) {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				ids[k][r] = inc.ID
				if dup {
					dups[k]++
				}
			})
		}
	}
	wg.Wait()
	for k := range keys {
		for r := range retries {
			assert.Equal(t, ids[k][0], ids[k][r], "key %d", k)
		}
		assert.Equal(t, retries-1, dups[k], "key %d: exactly one attempt filed it", k)
	}
	list, err := tw.s.Incidents(tw.ctx, model.IncidentFilter{})
	require.NoError(t, err)
	assert.Len(t, list, keys, "one incident per key")
	requireClean(t, tw.s)
}

// alertAt sends a smoke alert from device dev at node.
func (tw *tower) alert(t *testing.T, node model.NodeCode, kind, dev, key string) model.AlertResult {
	t.Helper()
	res, err := tw.s.Alert(tw.ctx, model.Alert{Device: dev, Kind: kind, Node: node, Text: "告警", By: tw.worker01.ID, Key: key})
	require.NoError(t, err)
	return res
}

func TestAlertRule(t *testing.T) {
	tw := newTower(t)
	unit := micro011

	// Two alerts within the window: recorded, nothing opened.
	r1 := tw.alert(t, unit, "smoke", "S-1", "")
	assert.Equal(t, model.AlertResult{Seq: 1, Count: 1}, r1)
	tw.clock.Advance(4 * time.Minute)
	r2 := tw.alert(t, unit, "Smoke", "S-2", "")
	assert.Equal(t, 2, r2.Count)
	assert.Empty(t, r2.Incident)

	// An alert elsewhere counts there, not here.
	other := tw.alert(t, micro012, "smoke", "S-9", "")
	assert.Equal(t, 1, other.Count)

	// The third within 10 minutes opens one incident.
	tw.clock.Advance(6 * time.Minute)
	r3 := tw.alert(t, unit, "smoke", "S-1", "")
	require.True(t, r3.Opened)
	assert.Equal(t, 3, r3.Count)
	inc := tw.incident(t, r3.Incident)
	assert.Equal(t, model.Category("fire"), inc.Category)
	assert.Equal(t, model.SourceSensor, inc.Source)
	assert.Equal(t, model.System, inc.Reporter)
	assert.Equal(t, model.SeverityII, inc.Severity)
	assert.Equal(t, unit, inc.Node)
	assert.Equal(t, "烟感告警3次（10m内）", inc.Title)
	assert.Equal(t, 3, strings.Count(inc.Text, "smoke"), inc.Text)

	// Later alerts at that node join it while it stays open, whatever the
	// kind and however late.
	tw.clock.Advance(time.Hour)
	r4 := tw.alert(t, unit, "camera", "C-1", "")
	assert.True(t, r4.Attached)
	assert.Equal(t, inc.ID, r4.Incident)
	tl := tw.timeline(t, inc.ID)
	require.Len(t, tl, 2)
	assert.Equal(t, model.ActAlert, tl[1].Action)
	assert.Equal(t, "camera C-1: 告警", tl[1].Note)
	after := tw.incident(t, inc.ID)
	assert.Equal(t, inc.Status, after.Status, "joining changes nothing but the timeline")

	// Resolved: the next alerts count afresh (the old ones are spent).
	_, err := tw.s.Act(tw.ctx, inc.ID, model.Command{Action: model.ActAcknowledge, By: tw.duty.ID})
	require.NoError(t, err)
	_, err = tw.s.Act(tw.ctx, inc.ID, model.Command{Action: model.ActResolve, By: tw.duty.ID})
	require.NoError(t, err)
	r5 := tw.alert(t, unit, "door", "D-1", "")
	assert.Equal(t, 1, r5.Count)
	assert.False(t, r5.Attached)
	tw.clock.Advance(time.Minute)
	tw.alert(t, unit, "door", "D-1", "")
	r7 := tw.alert(t, unit, "lock", "L-1", "")
	require.True(t, r7.Opened)
	inc2 := tw.incident(t, r7.Incident)
	assert.Equal(t, model.Category("migrant"), inc2.Category)
	assert.Contains(t, inc2.Title, "门磁")

	// Spread wider than the window: never three at once.
	for i := range 5 {
		res := tw.alert(t, micro021, "charger", "P-1", "")
		assert.Equal(t, min(i, 1)+1, res.Count, "alert %d", i)
		assert.Empty(t, res.Incident)
		tw.clock.Advance(9 * time.Minute)
	}
	// An unknown kind takes the "other" category.
	tw.alert(t, micro101, "flood-gauge", "F-1", "")
	tw.alert(t, micro101, "flood-gauge", "F-1", "")
	r := tw.alert(t, micro101, "flood-gauge", "F-1", "")
	inc3 := tw.incident(t, r.Incident)
	assert.Equal(t, model.Category("hazard"), inc3.Category)
	requireClean(t, tw.s)
}

func TestAlertIdempotentAndRefusals(t *testing.T) {
	tw := newTower(t)
	r1 := tw.alert(t, micro011, "smoke", "S-1", "a-1")
	again := tw.alert(t, micro011, "smoke", "S-1", "a-1")
	assert.True(t, again.Duplicate)
	assert.Equal(t, r1.Seq, again.Seq)
	tw.alert(t, micro011, "smoke", "S-1", "a-2")
	r3 := tw.alert(t, micro011, "smoke", "S-1", "a-3")
	require.True(t, r3.Opened, "retries counted once: the third distinct alert opens it")
	dup := tw.alert(t, micro011, "smoke", "S-1", "a-1")
	assert.Equal(t, r3.Incident, dup.Incident, "the retry of a spent alert names its incident")
	assert.True(t, dup.Duplicate)

	_, err := tw.s.Alert(tw.ctx, model.Alert{Device: "S-1", Kind: "smoke", Node: micro011, By: tw.worker01.ID, Key: "a-1", Text: "other"})
	requireCode(t, err, model.ECONFLICT)
	requireZh(t, err)
	// A report key and an alert key with the same text do not meet.
	_, dupR, err := tw.s.ReportOnce(tw.ctx, tw.worker01.ID, "a-1", fieldReport("x"))
	require.NoError(t, err)
	assert.False(t, dupR)

	for _, a := range []model.Alert{
		{Device: "S", Kind: "smoke", Node: "330784114266-09", By: tw.worker01.ID},
		{Device: "S", Kind: "smoke", Node: micro011, By: 999},
	} {
		_, err := tw.s.Alert(tw.ctx, a)
		requireCode(t, err, model.ENOTFOUND)
		requireZh(t, err)
	}
	for _, a := range []model.Alert{
		{Device: "", Kind: "smoke", Node: micro011},
		{Device: "\x1b[2J", Kind: "smoke", Node: micro011},
		{Device: "S", Kind: "", Node: micro011},
		{Device: "S", Kind: "smo ke", Node: micro011},
		{Device: "S", Kind: "smoke", Node: "nowhere"},
		{Device: "S", Kind: "smoke", Node: micro011, Text: "\xff"},
		{Device: "S", Kind: "smoke", Node: micro011, Key: "bad key"},
	} {
		_, err := tw.s.Alert(tw.ctx, a)
		requireCode(t, err, model.EINVALID)
	}
	requireClean(t, tw.s)
}

func TestAlertTextIsCleaned(t *testing.T) {
	tw := newTower(t)
	for i := range 3 {
		_, err := tw.s.Alert(tw.ctx, model.Alert{
			Device: "S-\x1b]0;pwned\x07" + fmt.Sprint(i), Kind: "smoke", Node: micro011,
			Text: "烟\u009b31m雾\u202e浓\r\n", By: tw.worker01.ID,
		})
		require.NoError(t, err)
	}
	list, err := tw.s.Incidents(tw.ctx, model.IncidentFilter{Node: micro011})
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.NotContains(t, list[0].Text, "\x1b")
	assert.NotContains(t, list[0].Text, "\u009b")
	assert.NotContains(t, list[0].Text, "\u202e")
	assert.Contains(t, list[0].Text, "S-0: 烟雾浓") // U+009B 31m is a CSI, dropped whole
}

func TestCheckFindsIntakeDamage(t *testing.T) {
	tw := newTower(t)
	_, err := tw.s.IssueToken(tw.ctx, tw.worker01.ID)
	require.NoError(t, err)
	inc, _, err := tw.s.ReportOnce(tw.ctx, tw.worker01.ID, "k", fieldReport("x"))
	require.NoError(t, err)
	for range 3 {
		tw.alert(t, micro011, "smoke", "S", "")
	}
	requireClean(t, tw.s)

	require.NoError(t, tw.s.db.Update(func(tx *bolt.Tx) error {
		// A token without its person index, an idempotency key pointing
		// nowhere, an alert without its source entry.
		k, _ := tx.Bucket(bucketTokensByPerson).Cursor().First()
		if err := tx.Bucket(bucketTokensByPerson).Delete(append([]byte(nil), k...)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketIdempotency).Put(reportIdemKey(tw.worker01.ID, "ghost"), idemValue(inc.Seq+1000, [32]byte{})); err != nil {
			return err
		}
		k, _ = tx.Bucket(bucketIdxAlertSource).Cursor().First()
		return tx.Bucket(bucketIdxAlertSource).Delete(append([]byte(nil), k...))
	}))
	problems, err := tw.s.Check(context.Background())
	require.NoError(t, err)
	joined := strings.Join(problems, "\n")
	assert.Contains(t, joined, "tokens_by_person")
	assert.Contains(t, joined, `key "ghost"`)
	assert.Contains(t, joined, "idx_alert_source: alert 1")
}

func TestScopeRule(t *testing.T) {
	tw := newTower(t)
	assert.True(t, tw.worker01.MayReportAt(micro011))
	assert.True(t, tw.worker01.MayReportAt(grid01))
	assert.False(t, tw.worker01.MayReportAt(grid10), "another grid")
	assert.False(t, tw.worker01.MayReportAt(village))
	assert.True(t, tw.duty.MayReportAt(micro101))
	assert.True(t, tw.cadre.MayReportAt(grid02))
}
