package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"gridcmd/model"
)

// The handover sheet's "during the shift" line reads the same each time:
// the actions of its list in their order, then the rest by name (a map's
// order changed from one print to the next).
func TestChangesLineIsStable(t *testing.T) {
	c := map[model.Action]int{model.ActReport: 3, model.ActImport: 1, model.ActPointsGrant: 2,
		"patrol_start": 4, "patrol_done": 1, model.ActEscalate: 1}
	want := changesLine(c, false)
	assert.Equal(t, "report 3, escalate 1, import 1, patrol_done 1, patrol_start 4, points_grant 2", want)
	for range 50 {
		assert.Equal(t, want, changesLine(c, false))
	}
	assert.Contains(t, changesLine(c, true), "导入 1")
}
