package ui

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/data"
	"gridcmd/importer"
	"gridcmd/internal/testkit"
	"gridcmd/model"
)

// bigWorld is Yongkang county (452 villages through the generator) with n
// open incidents spread over its grids and micro-grids, built in memory.
func bigWorld(b testing.TB, n int) snapshot {
	b.Helper()
	rows, err := importer.ParseVillages("yongkang-villages.csv", bytes.NewReader(data.YongkangVillages))
	if err != nil {
		b.Fatal(err)
	}
	nodes := importer.Generate(rows, importer.GenRule{})
	var leaves []model.NodeCode
	for _, nd := range nodes {
		if nd.Level == model.LevelGrid || nd.Level == model.LevelMicroGrid {
			leaves = append(leaves, nd.Code)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	p := model.DefaultPolicy()
	cats := sortedCategories(p)
	incs := make([]model.Incident, 0, n)
	for i := 0; i < n; i++ {
		at := base.Add(-time.Duration(r.IntN(6*3600)) * time.Second)
		rep := model.Report{Node: leaves[r.IntN(len(leaves))], Category: cats[r.IntN(len(cats))],
			Severity: model.Severity(1 + r.IntN(4)), Title: fmt.Sprintf("网格巡查发现问题 %d", i)}
		inc, _, err := testkit.FileReport(uint64(i+1), fmt.Sprintf("YK-20261129-%04d", i+1), rep, model.Person{}, at, p)
		if err != nil {
			b.Fatal(err)
		}
		if r.IntN(2) == 0 {
			inc.Status, inc.AckedAt = model.StatusAcknowledged, at.Add(time.Minute)
		}
		incs = append(incs, inc)
	}
	return snapshot{nodes: nodes, incidents: incs}
}

func bigModel(b *testing.B, n int) Model {
	snap := bigWorld(b, n)
	m := New(nil, nil, Options{Lang: "zh", Location: shanghai, Now: func() time.Time { return base }, NoSweep: true})
	next, _ := m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	next, _ = next.(Model).Update(snapshotMsg{snap: snap})
	return next.(Model)
}

// BenchmarkView draws the full screen with 100k open incidents and the
// Yongkang county tower. Goal: ≤ 2 ms.
func BenchmarkView(b *testing.B) {
	m := bigModel(b, 100_000)
	_ = m.View()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = m.View()
	}
}

// BenchmarkKeypress is one j through Update and View with the same data,
// reporting the 99th percentile too. Goal: ≤ 16 ms at p99.
func BenchmarkKeypress(b *testing.B) {
	m := bigModel(b, 100_000)
	_ = m.View()
	j := keyMsg("j")
	k := keyMsg("k")
	times := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		msg := j
		if i%200 >= 100 {
			msg = k // walk down and back up, so the rows scroll
		}
		next, _ := m.Update(msg)
		m = next.(Model)
		_ = m.View()
		times = append(times, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(times, func(a, c int) bool { return times[a] < times[c] })
	b.ReportMetric(float64(times[len(times)*99/100].Nanoseconds()), "p99-ns")
}

// BenchmarkTick is the once-a-second clock: figures and tower roll-ups
// recomputed with 100k open incidents, then the screen.
func BenchmarkTick(b *testing.B) {
	m := bigModel(b, 100_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		next, _ := m.Update(tickMsg(base))
		m = next.(Model)
		_ = m.View()
	}
}

// BenchmarkLiveEvent is one incident changed by the feed, with 100k open:
// the roll-ups, the queue's order and the screen.
func BenchmarkLiveEvent(b *testing.B) {
	m := bigModel(b, 100_000)
	var inc model.Incident
	inc = m.w.incs[0]
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		inc.Status = model.StatusAcknowledged
		ev := model.Event{Seq: uint64(i + 1), At: base, Action: model.ActAcknowledge, Incident: inc.ID, IncidentSeq: inc.Seq}
		next, _ := m.Update(eventsMsg{events: []model.Event{ev}, changed: []model.Incident{inc}})
		m = next.(Model)
		_ = m.View()
	}
}
