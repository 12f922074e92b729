package ui

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// A village seat's events pane holds its own village's events from further
// back than the file's last page: a report in 渎溪村 followed by more than
// a page of the town's other events is still in the seat's ticker, where
// the town room's last page no longer has it.
func TestSeatEventsReadFurtherBack(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	own, err := f.db.Report(ctx, model.Report{Node: "330784114266-02-01", Category: "traffic",
		Severity: model.SeverityIII, Title: "渎溪村的旧上报", Reporter: model.System})
	require.NoError(t, err)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < eventsKept+100; i += 8 {
				_, err := f.db.Report(ctx, model.Report{Node: "330784114223-01-01", Category: "traffic",
					Severity: model.SeverityIII, Title: fmt.Sprintf("大屋村 %d", i), Reporter: model.System})
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	has := func(m Model) bool {
		for _, e := range m.w.events {
			if e.Incident == own.ID {
				return true
			}
		}
		return false
	}
	town := f.model(t, "zh", 120, 40)
	assert.False(t, has(town), "the town room's last page is the other village's")
	cadres, err := f.db.People(ctx, model.PeopleFilter{Node: duxi, Role: model.RoleVillageCadre})
	require.NoError(t, err)
	require.NotEmpty(t, cadres)
	village := villageRoom(t, f, model.SeatOf(cadres[0]), "zh", 120, 40, false)
	assert.True(t, has(village), "the village seat reads back to its own")
	for _, e := range village.w.events {
		assert.True(t, e.Node == "" || duxi.Contains(e.Node) || e.Node.Contains(duxi), e.Node)
	}
}
