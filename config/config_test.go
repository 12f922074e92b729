package config

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(f, []byte(body), 0o600))
	return f
}

func TestShippedConfigIsTheDefaults(t *testing.T) {
	c, err := Load("../config.yaml", nil)
	require.NoError(t, err)
	p, err := c.Policy()
	require.NoError(t, err)
	assert.Equal(t, model.DefaultPolicy(), p, "config.yaml must document exactly the built-in defaults")
	assert.Equal(t, "zh", c.Lang)
	assert.Equal(t, "HJ", c.TownPrefix)
	assert.Equal(t, "Asia/Shanghai", c.Location.String())
	assert.NotEmpty(t, c.DB)
}

func TestNoFileGivesDefaults(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", "/data/x")
	c, err := Load("", nil)
	require.NoError(t, err)
	assert.Equal(t, "", c.File)
	assert.Equal(t, "/data/x/gridcmd/gridcmd.db", c.DB)
	p, err := c.Policy()
	require.NoError(t, err)
	assert.Equal(t, model.DefaultPolicy(), p)
}

func TestBadValuesNameTheKey(t *testing.T) {
	cases := []struct{ body, want string }{
		{"deadlines:\n  ack:\n    grid: abc\n", `deadlines.ack.grid "abc" is not a duration`},
		{"deadlines:\n  ack:\n    grid: 2\n", "deadlines.ack.grid want a duration with a unit"},
		{"deadlines:\n  ack:\n    grid: -2m\n", `deadlines.ack.grid "-2m": want a positive duration`},
		{"bogus: 1\n", `unknown key "bogus"`},
		{"deadlines:\n  ack:\n    gridd: 2m\n", `unknown key "deadlines.ack.gridd"`},
		{"ui:\n  asci: true\n", `unknown key "ui.asci"`},
		{"deadlines:\n  resolve:\n    grid: {V: 2m}\n", `unknown key "deadlines.resolve.grid.v"`},
		{"wartime_factor: x\n", "wartime_factor"},
		{"wartime_factor: 0\n", "wartime_factor"},
		{"lang: fr\n", `lang "fr"`},
		{"town_prefix: hj1\n", "town_prefix"},
		{"timezone: Mars/Olympus\n", "timezone"},
		{"operator: boss\n", "operator"},
		{"categories:\n  flood: water\n", "categories.flood"},
		{"ui:\n  ascii: maybe\n", "ui.ascii"},
		{"wartime:\n  roles: [hero]\n", "wartime.roles"},
		{"wartime:\n  sign_for: soon\n", "wartime.sign_for"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			_, err := Load(writeConfig(t, c.body), nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestEnvironmentAndFlagsOverride(t *testing.T) {
	f := writeConfig(t, "lang: zh\ndeadlines:\n  ack:\n    grid: 3m\n")
	t.Setenv("GRIDCMD_LANG", "en")
	t.Setenv("GRIDCMD_DEADLINES_ACK_VILLAGE", "7m")
	t.Setenv("GRIDCMD_UI_ASCII", "true")
	c, err := Load(f, map[string]string{"db": "/tmp/x.db"})
	require.NoError(t, err)
	assert.Equal(t, "en", c.Lang)
	assert.Equal(t, "/tmp/x.db", c.DB)
	assert.True(t, c.UI.ASCII)
	p, err := c.Policy()
	require.NoError(t, err)
	assert.Equal(t, 3*time.Minute, p.Ack[model.TierGrid])
	assert.Equal(t, 7*time.Minute, p.Ack[model.TierVillage])
	assert.Equal(t, 10*time.Minute, p.Ack[model.TierTown], "keys the file leaves out keep their defaults")

	t.Setenv("GRIDCMD_DEADLINES_ACK_TOWN", "soon")
	_, err = Load(f, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "deadlines.ack.town")
}

func TestCategoriesReplaceTheDefaultSet(t *testing.T) {
	c, err := Load(writeConfig(t, "categories:\n  flood: ecology\n  landslide: safety\n"), nil)
	require.NoError(t, err)
	p, err := c.Policy()
	require.NoError(t, err)
	assert.Equal(t, map[model.Category]model.Platform{"flood": model.PlatformEcology, "landslide": model.PlatformSafety}, p.Categories)
}

func TestMissingConfigFileIsAnError(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nope.yaml")
}
