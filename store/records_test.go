package store

import (
	"encoding/json"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"gridcmd/internal/testkit"
	"gridcmd/model"
)

// jsonStrings are strings that json.Marshal writes verbatim and strings it
// escapes or repairs.
var jsonStrings = []string{
	"", "HJ-20261129-0001", "330国道渎溪村段货物散落 #12345",
	"巡查发现货车散落货物约二十米，占用一条车道。\n请网格长签收…→①─│",
	`quote " backslash \ slash /`, "<b>&amp;</b>", "tab\tcr\rnl\nbs\bff\fnul\x00esc\x1b[31m",
	"del\x7f c1\u0085\u009b", "line\u2028para\u2029end", "\xe2\x80", "bad \xff utf-8 \xe4\xb8",
	"bidi \u202e and emoji 😀", "\xe2\x80\xa7 is not U+2028",
}

func pick(r *rand.Rand) string { return jsonStrings[r.IntN(len(jsonStrings))] }

// pickInt is 0 (omitted) a third of the time.
func pickInt(r *rand.Rand) int64 {
	switch r.IntN(3) {
	case 0:
		return 0
	case 1:
		return -r.Int64()
	}
	return r.Int64()
}

// randomIncidentRecord is an incident record of picked strings and numbers.
func randomIncidentRecord(r *rand.Rand) incidentRecord {
	return incidentRecord{
		ID: pick(r), Title: pick(r), Text: pick(r), Category: pick(r), Platform: pick(r),
		Severity: int(pickInt(r)), Node: pick(r), Reporter: uint64(pickInt(r)), Source: pick(r),
		Tier: pick(r), Status: pick(r), Department: pick(r),
		ReportedAt: pickInt(r), TierSince: pickInt(r), AckBy: pickInt(r), DueBy: pickInt(r),
		AckedAt: pickInt(r), DispatchedAt: pickInt(r), ResolvedAt: pickInt(r), ClosedAt: pickInt(r),
		Supervised: r.IntN(2) == 0, Escalations: int(pickInt(r)),
		Supervisions: int(pickInt(r)), NextSupervision: pickInt(r),
	}
}

// The hand-written encoders are the file format only as long as they write
// what encoding/json writes for the record structs.
func TestRecordJSONMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5000; i++ {
		inc := randomIncidentRecord(r)
		want, err := json.Marshal(inc)
		require.NoError(t, err)
		require.Equal(t, string(want), string(inc.appendJSON(nil)))
		// The same with the title and text escaped by the caller.
		inc.titleJSON, inc.textJSON = appendJSONString(nil, inc.Title), appendJSONString(nil, inc.Text)
		require.Equal(t, string(want), string(inc.appendJSON(nil)))

		ev := eventRecord{
			At: pickInt(r), Actor: uint64(pickInt(r)), ActorName: pick(r), Action: pick(r),
			Incident: pick(r), IncidentSeq: uint64(pickInt(r)), Node: pick(r),
			Before: stateRecord{Tier: pick(r), Status: pick(r)},
			After:  stateRecord{Tier: pick(r), Status: pick(r)},
			Note:   pick(r), Directive: pick(r), NoteZh: pick(r), Ref: pick(r),
			Due: pickInt(r), Subject: uint64(pickInt(r)), Points: pickInt(r),
			OnBehalf: r.IntN(2) == 0, Completed: r.IntN(2) == 0,
		}
		want, err = json.Marshal(ev)
		require.NoError(t, err)
		require.Equal(t, string(want), string(ev.appendJSON(nil)))
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range jsonStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		require.Equal(t, string(want), string(appendJSONString(nil, s)))
	})
}

// requireFastPath checks a fast reader against encoding/json on v, the JSON
// of a record with the strings given: what it reads must be what
// json.Unmarshal reads, and it must read v exactly when every string needs
// no escaping. It returns what json.Unmarshal read and whether the fast
// reader took v.
func requireFastPath[T any](t *testing.T, v []byte, parse func([]byte) (T, bool), strs ...string) (T, bool) {
	t.Helper()
	var want T
	require.NoError(t, json.Unmarshal(v, &want))
	got, ok := parse(v)
	if ok {
		require.Equal(t, want, got, "%s", v)
	}
	plain := true
	for _, s := range strs {
		plain = plain && plainJSON(s)
	}
	require.Equal(t, plain, ok, "%s", v)
	return want, ok
}

// fuzzFastPath fuzzes a fast reader against encoding/json: whatever it
// accepts, json.Unmarshal reads the same.
func fuzzFastPath[T any](f *testing.F, parse func([]byte) (T, bool)) {
	f.Fuzz(func(t *testing.T, v []byte) {
		got, ok := parse(v)
		if !ok {
			return
		}
		var want T
		require.NoError(t, json.Unmarshal(v, &want), "%q", v)
		require.Equal(t, want, got, "%q", v)
	})
}

func TestIncidentIDMatchesModel(t *testing.T) {
	day := t0.Add(15 * time.Hour) // the 30th in CST
	for _, n := range []uint64{0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10000, 123456, 1<<64 - 1} {
		require.Equal(t, testkit.IncidentID("HJ", day, n), incidentID("HJ-"+day.Format("20060102")+"-", n))
	}
}

// The fast reader must read what it accepts as encoding/json does, and
// accept what the encoder writes for ordinary text.
func TestParseIncidentMatchesEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	fast := 0
	for i := 0; i < 5000; i++ {
		rec := randomIncidentRecord(r)
		v := rec.appendJSON(nil)
		_, ok := requireFastPath(t, v, parseIncident, rec.ID, rec.Title, rec.Text, rec.Category, rec.Platform, rec.Node,
			rec.Source, rec.Tier, rec.Status, rec.Department)
		if ok {
			fast++
		}
	}
	require.Positive(t, fast)

	inc, _, err := testkit.FileReport(7, "HJ-20261129-0007", model.Report{
		Node: micro021, Category: "traffic", Severity: model.SeverityIII,
		Title: "330国道渎溪村段货物散落", Text: "占用一条车道\n已摆放警示标志",
	}, model.Person{ID: 5, Name: "王网格员", Roles: []model.Role{model.RoleGridWorkerFull}}, t0, model.DefaultPolicy())
	require.NoError(t, err)
	v, err := encodeIncident(inc)
	require.NoError(t, err)
	got, err := decodeIncident(7, v, cst)
	require.NoError(t, err)
	require.Equal(t, inc, got, "a multi-line text takes the encoding/json path")
}

func FuzzParseIncident(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"id":"HJ-20261129-0001","title":"货物散落","category":"traffic","platform":"safety","severity":3,"node":"330784114266-02-01","reporter":5,"source":"grid_patrol","tier":"grid","status":"reported","reported_at":1795928400000000000,"tier_since":1795928400000000000,"ack_by":1795928520000000000,"due_by":1795932000000000000}`))
	f.Add([]byte(`{"id":"a","id":"b"}`))
	f.Add([]byte(`{"severity":-0,"escalations":01,"supervised":true,"reporter":18446744073709551615}`))
	f.Add([]byte(`{"ID":"x","title":"a\"b"} `))
	fuzzFastPath(f, parseIncident)
}

// A plain JSON record that does not decode is an error naming the record
// first, wrapping the decoder's; one that does comes back whole, and
// putRecord stores what decodeRecord reads.
func TestDecodeRecordNamesTheRecord(t *testing.T) {
	_, err := decodeAlert(7, []byte(`{"device":`))
	require.Error(t, err)
	require.True(t, strings.HasPrefix(err.Error(), "alert 7: "), err.Error())
	var syn *json.SyntaxError
	require.ErrorAs(t, err, &syn)

	_, err = decodeToken([]byte{0xab, 0xcd}, []byte(`{"person":"x"}`))
	require.Error(t, err)
	require.True(t, strings.HasPrefix(err.Error(), "token abcd: "), err.Error())

	path := filepath.Join(t.TempDir(), "r.db")
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	require.NoError(t, err)
	defer db.Close()
	want := alertRecord{Device: "c-1", Kind: "charger", Node: "n", At: 5, Count: 2}
	require.NoError(t, db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucket(bucketAlerts); err != nil {
			return err
		}
		return putAlert(tx, 3, want)
	}))
	require.NoError(t, db.View(func(tx *bolt.Tx) error {
		got, err := decodeAlert(3, tx.Bucket(bucketAlerts).Get(u64(3)))
		require.Equal(t, want, got)
		return err
	}))
}
