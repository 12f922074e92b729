package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

func TestPatrolSettings(t *testing.T) {
	c, err := Load(writeConfig(t, "patrol:\n  complete_share: 0.8\n"), nil)
	require.NoError(t, err)
	p, err := c.Policy()
	require.NoError(t, err)
	assert.Equal(t, model.PatrolPolicy{CompleteShare: 0.8, TriageDeadline: time.Hour, Silence: 2 * time.Hour}, p.Patrol,
		"the keys the file leaves out keep their defaults")

	for body, want := range map[string]string{
		"patrol:\n  complete_share: 0\n":     "patrol.complete_share",
		"patrol:\n  complete_share: 1.2\n":   "patrol.complete_share",
		"patrol:\n  complete_share: .nan\n":  "patrol.complete_share",
		"patrol:\n  complete_share: half\n":  "patrol.complete_share",
		"patrol:\n  triage_deadline: soon\n": "patrol.triage_deadline",
		"patrol:\n  triage_deadline: -1h\n":  "patrol.triage_deadline",
		"patrol:\n  silence: 0s\n":           "patrol.silence",
		"patrol:\n  silense: 2h\n":           `unknown key "patrol.silense"`,
	} {
		_, err := Load(writeConfig(t, body), nil)
		require.Error(t, err, body)
		assert.Contains(t, err.Error(), want, body)
	}

	t.Setenv("GRIDCMD_PATROL_TRIAGE_DEADLINE", "3m")
	c, err = Load(writeConfig(t, ""), nil)
	require.NoError(t, err)
	p, err = c.Policy()
	require.NoError(t, err)
	assert.Equal(t, 3*time.Minute, p.Patrol.TriageDeadline)
}
