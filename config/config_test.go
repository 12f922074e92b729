package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
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
		{"api:\n  adr: x\n", `unknown key "api.adr"`},
		{"api:\n  addr: 7420\n", "api.addr"},
		{"api:\n  addr: nowhere:port\n", "api.addr"},
		{"api:\n  addr: example.com:7420\n", "api.addr"},
		{"api:\n  body_limit: huge\n", "api.body_limit"},
		{"api:\n  body_limit: 10\n", "api.body_limit 10: want 1KiB to 64MiB"},
		{"api:\n  body_limit: 1GiB\n", "api.body_limit"},
		{"api:\n  rate: fast\n", "api.rate"},
		{"api:\n  rate: 20/d\n", "api.rate"},
		{"api:\n  rate: -1\n", "api.rate"},
		{"api:\n  burst: 0\n", "api.burst 0"},
		{"api:\n  enabled: maybe\n", "api.enabled"},
		{"alerts:\n  count: 0\n", "alerts.count"},
		{"alerts:\n  count: many\n", "alerts.count"},
		{"alerts:\n  window: 10\n", "alerts.window"},
		{"alerts:\n  severity: V\n", "alerts.severity"},
		{"alerts:\n  categories:\n    smoke: arson\n", `alerts.categories.smoke: category "arson"`},
		{"alerts:\n  cout: 3\n", `unknown key "alerts.cout"`},
		{"deadlines:\n  resupervise: often\n", "deadlines.resupervise"},
		{"deadlines:\n  resupervise: 0\n", "deadlines.resupervise"},
		{"watchdog:\n  room_silence: 2\n", "watchdog.room_silence"},
		{"watchdog:\n  room_silence: -1h\n", "watchdog.room_silence"},
		{"watchdog:\n  severity: V\n", "watchdog.severity"},
		{"watchdog:\n  category: arson\n", `watchdog.category: category "arson"`},
		{"watchdog:\n  silence: 2h\n", `unknown key "watchdog.silence"`},
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

func TestAPIAndAlertKeys(t *testing.T) {
	c, err := Load("../config.yaml", nil)
	require.NoError(t, err)
	assert.Equal(t, API{Enabled: false, Addr: "127.0.0.1:7420", BodyLimit: 64 << 10, Rate: 20, Burst: 40}, c.API)
	p, err := c.Policy()
	require.NoError(t, err)
	assert.Equal(t, model.DefaultAlertRule(), p.Alerts)

	c, err = Load(writeConfig(t, `api:
  enabled: true
  addr: 0.0.0.0:8080
  body_limit: 1MiB
  rate: 600/m
  burst: 5
alerts:
  count: 5
  window: 30m
  severity: I
  categories:
    smoke: hazard
    water: flood
`), nil)
	require.NoError(t, err)
	assert.Equal(t, API{Enabled: true, Addr: "0.0.0.0:8080", BodyLimit: 1 << 20, Rate: 10, Burst: 5}, c.API)
	p, err = c.Policy()
	require.NoError(t, err)
	assert.Equal(t, 5, p.Alerts.Count)
	assert.Equal(t, 30*time.Minute, p.Alerts.Window)
	assert.Equal(t, model.SeverityI, p.Alerts.Severity)
	assert.Equal(t, model.Category("hazard"), p.Alerts.CategoryFor("smoke"), "overridden")
	assert.Equal(t, model.Category("flood"), p.Alerts.CategoryFor("water"), "added")
	assert.Equal(t, model.Category("fire"), p.Alerts.CategoryFor("charger"), "shipped kinds stay")
	assert.Equal(t, model.Category("hazard"), p.Alerts.CategoryFor("radar"), "other")

	t.Setenv("GRIDCMD_API_RATE", "off")
	t.Setenv("GRIDCMD_API_BODY_LIMIT", "4096")
	t.Setenv("GRIDCMD_ALERTS_COUNT", "2")
	c, err = Load("../config.yaml", nil)
	require.NoError(t, err)
	assert.Equal(t, Rate(0), c.API.Rate)
	assert.Equal(t, ByteSize(4096), c.API.BodyLimit)
	p, err = c.Policy()
	require.NoError(t, err)
	assert.Equal(t, 2, p.Alerts.Count)
}

func TestWatchdogAndResuperviseKeys(t *testing.T) {
	c, err := Load(writeConfig(t, "deadlines:\n  resupervise: 30m\nwatchdog:\n  room_silence: 90m\n  severity: I\n  category: fire\n"), nil)
	require.NoError(t, err)
	p, err := c.Policy()
	require.NoError(t, err)
	assert.Equal(t, 30*time.Minute, p.Resupervise)
	assert.Equal(t, model.WatchdogRule{RoomSilence: 90 * time.Minute, Severity: model.SeverityI, Category: "fire"}, p.Watchdog)

	// The shipped category gone with the shipped set: the alerts' fallback.
	c, err = Load(writeConfig(t, "categories:\n  landslide: safety\n  fire: safety\n"), nil)
	require.NoError(t, err)
	p, err = c.Policy()
	require.NoError(t, err)
	assert.Equal(t, model.Category("fire"), p.Watchdog.Category)

	t.Setenv("GRIDCMD_WATCHDOG_ROOM_SILENCE", "45m")
	c, err = Load("../config.yaml", nil)
	require.NoError(t, err)
	p, err = c.Policy()
	require.NoError(t, err)
	assert.Equal(t, 45*time.Minute, p.Watchdog.RoomSilence)
}

func TestAlertKindsFollowReplacedCategories(t *testing.T) {
	// The shipped kinds whose categories are gone are dropped; "other"
	// falls back to the first category by name.
	c, err := Load(writeConfig(t, "categories:\n  landslide: safety\n  fire: safety\n"), nil)
	require.NoError(t, err)
	p, err := c.Policy()
	require.NoError(t, err)
	assert.Equal(t, map[string]model.Category{"smoke": "fire", "charger": "fire", "other": "fire"}, p.Alerts.Categories)
}

// parsesValues checks that parse reads each key of good as its value and
// refuses each of bad, a subtest per input.
func parsesValues[T any](t *testing.T, parse func(string) (T, error), good map[string]T, bad []string) {
	t.Helper()
	for in, want := range good {
		t.Run(fmt.Sprintf("%q", in), func(t *testing.T) {
			got, err := parse(in)
			require.NoError(t, err, in)
			assert.Equal(t, want, got, in)
		})
	}
	for _, in := range bad {
		t.Run(fmt.Sprintf("bad %q", in), func(t *testing.T) {
			_, err := parse(in)
			assert.Error(t, err, in)
		})
	}
}

func TestParseSizeAndRate(t *testing.T) {
	t.Run("ByteSize", func(t *testing.T) {
		parsesValues(t, ParseByteSize,
			map[string]ByteSize{"65536": 65536, "64KiB": 65536, "64KB": 65536, "64 KiB": 65536, "1MiB": 1 << 20, "2MB": 2 << 20, "512B": 512, "1GiB": 1 << 30},
			[]string{"", "x", "-1", "1.5KiB", "64kib", "1TB"})
	})
	t.Run("Rate", func(t *testing.T) {
		parsesValues(t, ParseRate,
			map[string]Rate{"20/s": 20, "600/m": 10, "3600/h": 1, "5": 5, "0.5/s": 0.5, "off": 0, "0": 0, "OFF": 0},
			[]string{"", "fast", "20/d", "-3/s", "/s", "Inf"})
	})
}

// Every comparison with NaN is false: a NaN factor passed every range
// check and wartime deadlines were silently not scaled.
func TestNaNAndInfinityAreRefused(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{"wartime_factor: .nan\n", "wartime_factor NaN: want a finite number"},
		{"wartime_factor: .NaN\n", "wartime_factor NaN"},
		{"wartime_factor: NaN\n", "wartime_factor NaN"},
		{"wartime_factor: .inf\n", "wartime_factor"},
		{"wartime_factor: -.inf\n", "wartime_factor"},
		{"api:\n  rate: .nan\n", "api.rate NaN: want a finite number"},
		{"api:\n  rate: .inf\n", "api.rate +Inf: want a finite number"},
	} {
		t.Run(c.body, func(t *testing.T) {
			_, err := Load(writeConfig(t, c.body), nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	for _, c := range []struct{ name, value, want string }{
		{"GRIDCMD_WARTIME_FACTOR", "NaN", "wartime_factor NaN: want a finite number"},
		{"GRIDCMD_WARTIME_FACTOR", "nan", "wartime_factor NaN"},
		{"GRIDCMD_WARTIME_FACTOR", "Inf", "wartime_factor"},
		{"GRIDCMD_WARTIME_FACTOR", "-Inf", "wartime_factor"},
		{"GRIDCMD_API_RATE", "NaN", "api.rate"},
		{"GRIDCMD_API_RATE", "Inf/s", "api.rate"},
	} {
		t.Run(c.name+"="+c.value, func(t *testing.T) {
			t.Setenv(c.name, c.value)
			_, err := Load("../config.yaml", nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// clearEnv removes every GRIDCMD_ variable for the test, so only what the
// test sets reaches the config.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "GRIDCMD_") {
			t.Setenv(k, "") // restored after the test
			require.NoError(t, os.Unsetenv(k))
		}
	}
}

func TestUnknownEnvironmentVariablesWarn(t *testing.T) {
	clearEnv(t)
	t.Setenv("GRIDCMD_LANG", "en")                      // a setting
	t.Setenv("GRIDCMD_DEADLINES_RESOLVE_GRID_I", "20m") // a nested one
	t.Setenv("GRIDCMD_CATEGORIES_FLOOD", "safety")      // a category the file has
	t.Setenv("GRIDCMD_WARTIME_FACTR", "0.25")
	t.Setenv("GRIDCMD_lang", "zh")
	t.Setenv("GRIDCMD_DEADLINES_ACK_GIRD", "3m")
	t.Setenv("GRIDCMD_ZZZZZZZZZZZZZZZZZZZZZZZZ", "1")
	var warn strings.Builder
	c, err := LoadWarn("../config.yaml", nil, &warn)
	require.NoError(t, err, "a warning, not an error")
	assert.Equal(t, "en", c.Lang)
	assert.Equal(t, 0.5, c.WartimeFactor, "the misspelt variable is not read")
	lines := strings.Split(strings.TrimSuffix(warn.String(), "\n"), "\n")
	require.Len(t, lines, 4, "%s", warn.String())
	assert.Equal(t, "gridcmd: warning: GRIDCMD_DEADLINES_ACK_GIRD is not a setting; did you mean GRIDCMD_DEADLINES_ACK_GRID?", lines[0])
	assert.Equal(t, "gridcmd: warning: GRIDCMD_WARTIME_FACTR is not a setting; did you mean GRIDCMD_WARTIME_FACTOR?", lines[1])
	assert.True(t, strings.HasPrefix(lines[2], "gridcmd: warning: GRIDCMD_ZZZZZZZZZZZZZZZZZZZZZZZZ is not a setting; the nearest is GRIDCMD_"), lines[2])
	assert.Equal(t, "gridcmd: warning: GRIDCMD_lang is not a setting; did you mean GRIDCMD_LANG?", lines[3])

	// A category the file does not have is not read from the environment
	// either: it is no setting.
	clearEnv(t)
	t.Setenv("GRIDCMD_CATEGORIES_LANDSLIDE", "safety")
	warn.Reset()
	_, err = LoadWarn("../config.yaml", nil, &warn)
	require.NoError(t, err)
	assert.Equal(t, "gridcmd: warning: GRIDCMD_CATEGORIES_LANDSLIDE is not a setting; the nearest is GRIDCMD_CATEGORIES_DISPUTE\n", warn.String())

	// No warning without a cause, and none to a nil writer.
	clearEnv(t)
	t.Setenv("GRIDCMD_WARTIME_SIGN_FOR", "5m")
	warn.Reset()
	_, err = LoadWarn("../config.yaml", nil, &warn)
	require.NoError(t, err)
	assert.Empty(t, warn.String())
	t.Setenv("GRIDCMD_WARTIME_FACTR", "0.25")
	_, err = LoadWarn("../config.yaml", nil, nil)
	require.NoError(t, err)
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"A", "", 1}, {"", "AB", 2}, {"FACTR", "FACTOR", 1}, {"GIRD", "GRID", 2}, {"KITTEN", "SITTING", 3}, {"LANG", "LANG", 0}} {
		assert.Equal(t, c.d, editDistance(c.a, c.b), "%s %s", c.a, c.b)
		assert.Equal(t, c.d, editDistance(c.b, c.a), "%s %s", c.b, c.a)
	}
}
