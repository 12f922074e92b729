// Package config loads gridcmd's settings with viper: defaults, config.yaml,
// GRIDCMD_* environment variables and flags, into one typed struct. An
// unknown key or a bad value is an error that names the key.
package config

import (
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"

	"gridcmd/model"
)

// Config is every setting; config.yaml documents each key.
type Config struct {
	DB            string            `mapstructure:"db"`
	TownPrefix    string            `mapstructure:"town_prefix"`
	Timezone      string            `mapstructure:"timezone"`
	Lang          string            `mapstructure:"lang"`
	Operator      string            `mapstructure:"operator"`
	Deadlines     Deadlines         `mapstructure:"deadlines"`
	WartimeFactor float64           `mapstructure:"wartime_factor"`
	Categories    map[string]string `mapstructure:"categories"`
	Wartime       Wartime           `mapstructure:"wartime"`
	UI            UI                `mapstructure:"ui"`
	API           API               `mapstructure:"api"`
	SSH           SSH               `mapstructure:"ssh"`
	Alerts        Alerts            `mapstructure:"alerts"`
	Points        Points            `mapstructure:"points"`
	Patrol        Patrol            `mapstructure:"patrol"`
	Watchdog      Watchdog          `mapstructure:"watchdog"`
	Federation    Federation        `mapstructure:"federation"`

	// Set by Load, not read from the file.
	Location *time.Location `mapstructure:"-"`
	File     string         `mapstructure:"-"` // the config file used, "" for none
}

type Deadlines struct {
	Ack         map[string]time.Duration            `mapstructure:"ack"`
	Resolve     map[string]map[string]time.Duration `mapstructure:"resolve"`
	Resupervise time.Duration                       `mapstructure:"resupervise"`
}

// Watchdog configures the silences (model.WatchdogRule).
type Watchdog struct {
	RoomSilence time.Duration `mapstructure:"room_silence"`
	Severity    string        `mapstructure:"severity"`
	Category    string        `mapstructure:"category"`
}

type Wartime struct {
	SignFor time.Duration `mapstructure:"sign_for"`
	Roles   []string      `mapstructure:"roles"`
}

type UI struct {
	AmbiguousWide bool `mapstructure:"ambiguous_wide"`
	ASCII         bool `mapstructure:"ascii"`
	Bell          bool `mapstructure:"bell"` // ring once for a severity I report or an incident turning red
}

// API configures the field intake API (gridcmd serve, and the console
// when Enabled).
type API struct {
	Enabled   bool     `mapstructure:"enabled"`
	Addr      string   `mapstructure:"addr"`
	BodyLimit ByteSize `mapstructure:"body_limit"`
	Rate      Rate     `mapstructure:"rate"`
	Burst     int      `mapstructure:"burst"`
}

// SSH configures the console's seats over SSH (gridcmd serve --ssh, and
// the console when Enabled).
type SSH struct {
	Enabled      bool          `mapstructure:"enabled"`
	Addr         string        `mapstructure:"addr"`
	HostKey      string        `mapstructure:"host_key"`
	MaxSeats     int           `mapstructure:"max_seats"`
	IdleTimeout  time.Duration `mapstructure:"idle_timeout"`
	StallTimeout time.Duration `mapstructure:"stall_timeout"`
	Tick         time.Duration `mapstructure:"tick"`
}

// Alerts configures the sensor alert rule (model.AlertRule).
type Alerts struct {
	Count      int               `mapstructure:"count"`
	Window     time.Duration     `mapstructure:"window"`
	Severity   string            `mapstructure:"severity"`
	Categories map[string]string `mapstructure:"categories"`
}

// Patrol configures the patrol flow (model.PatrolPolicy).
type Patrol struct {
	CompleteShare  float64       `mapstructure:"complete_share"`
	TriageDeadline time.Duration `mapstructure:"triage_deadline"`
	Silence        time.Duration `mapstructure:"silence"`
}

// ByteSize is a size in bytes, written as a number of bytes or with a
// unit: 65536, 64KiB, 64KB, 1MiB.
type ByteSize int64

// Rate is requests per second per token, written "20/s", "600/m", "3600/h",
// or "off" (0: no limit).
type Rate float64

// Defaults returns the built-in settings, the same as the shipped config.yaml.
func Defaults() map[string]any {
	p := model.DefaultPolicy()
	d := map[string]any{
		"db":                "",
		"town_prefix":       "HJ",
		"timezone":          "Asia/Shanghai",
		"lang":              "zh",
		"operator":          "",
		"wartime_factor":    p.WartimeFactor,
		"wartime.sign_for":  p.SignFor.String(),
		"wartime.roles":     model.Strings(p.RoleCycle),
		"ui.ambiguous_wide": false,
		"ui.ascii":          false,
		"ui.bell":           true,
		"api.enabled":       false,
		"api.addr":          "127.0.0.1:7420",
		"api.body_limit":    "64KiB",
		"api.rate":          "20/s",
		"api.burst":         40,
		"ssh.enabled":       false,
		"ssh.addr":          "127.0.0.1:7422",
		"ssh.host_key":      "",
		"ssh.max_seats":     600,
		"ssh.idle_timeout":  "30m",
		"ssh.stall_timeout": "60s",
		"ssh.tick":          "1m",
		"alerts.count":      p.Alerts.Count,
		"alerts.window":     model.ShortDuration(p.Alerts.Window),
		"alerts.severity":   p.Alerts.Severity.String(),

		"patrol.complete_share":  p.Patrol.CompleteShare,
		"patrol.triage_deadline": model.ShortDuration(p.Patrol.TriageDeadline),
		"patrol.silence":         model.ShortDuration(p.Patrol.Silence),
		"deadlines.resupervise":  model.ShortDuration(p.Resupervise),
		"watchdog.room_silence":  model.ShortDuration(p.Watchdog.RoomSilence),
		"watchdog.severity":      p.Watchdog.Severity.String(),
		"watchdog.category":      string(p.Watchdog.Category),
	}
	pointsDefaults(d)
	federationDefaults(d)
	for t, v := range p.Ack {
		d["deadlines.ack."+string(t)] = v.String()
	}
	for t, m := range p.Resolve {
		for s, v := range m {
			d["deadlines.resolve."+string(t)+"."+s.String()] = v.String()
		}
	}
	return d
}

// Load is LoadWarn with warnings to the process's standard error.
func Load(file string, overrides map[string]string) (Config, error) {
	return LoadWarn(file, overrides, os.Stderr)
}

// LoadWarn reads the settings. file is the --config flag ("" to look for
// ./config.yaml, then $XDG_CONFIG_HOME/gridcmd/config.yaml); overrides are
// flag values by key (e.g. "db", "lang"), applied last when non-empty.
// A GRIDCMD_ environment variable that is no setting (a typo the
// environment would otherwise swallow) gets a warning line on warn, naming
// the nearest setting; nil warn discards them.
func LoadWarn(file string, overrides map[string]string, warn io.Writer) (Config, error) {
	v := viper.New()
	for k, val := range Defaults() {
		v.SetDefault(k, val)
	}
	v.SetEnvPrefix("GRIDCMD")
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()

	used := ""
	switch {
	case file != "":
		v.SetConfigFile(file)
		if err := v.ReadInConfig(); err != nil {
			return Config{}, fmt.Errorf("config %s: %w", file, err)
		}
		used = file
	default:
		for _, f := range searchPath() {
			if _, err := os.Stat(f); err == nil {
				v.SetConfigFile(f)
				if err := v.ReadInConfig(); err != nil {
					return Config{}, fmt.Errorf("config %s: %w", f, err)
				}
				used = f
				break
			}
		}
	}
	if used != "" {
		if err := checkKeys(v); err != nil {
			return Config{}, fmt.Errorf("config %s: %w", used, err)
		}
	}
	if warn != nil {
		for _, w := range unknownEnv(v, os.Environ()) {
			fmt.Fprintln(warn, "gridcmd: warning: "+w)
		}
	}
	for k, val := range overrides {
		if val != "" {
			v.Set(k, val)
		}
	}

	var c Config
	err := v.Unmarshal(&c, func(dc *mapstructure.DecoderConfig) {
		dc.ErrorUnused = true
		dc.DecodeHook = mapstructure.ComposeDecodeHookFunc(durationHook, sizeHook, rateHook, dayHook)
	})
	if err != nil {
		return Config{}, fmt.Errorf("config: %s", cleanDecodeError(err))
	}
	c.File = used
	if err := checkFinite(reflect.ValueOf(c), ""); err != nil {
		return Config{}, fmt.Errorf("config: %w", err)
	}
	if err := c.finish(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// checkKeys refuses keys the file has but gridcmd does not know, naming them.
// (mapstructure's ErrorUnused misses keys inside maps it does not decode.)
func checkKeys(v *viper.Viper) error {
	known := map[string]bool{}
	for k := range Defaults() {
		known[strings.ToLower(k)] = true // viper lowercases keys
	}
	for _, k := range v.AllKeys() {
		if known[k] {
			continue
		}
		switch {
		case strings.HasPrefix(k, "categories."), strings.HasPrefix(k, "alerts.categories."), strings.HasPrefix(k, "points.benefits."):
			continue // categories, sensor kinds and benefits are the user's to add
		}
		return fmt.Errorf("unknown key %q", k)
	}
	return nil
}

// envPrefix starts every environment variable viper reads for a setting.
const envPrefix = "GRIDCMD_"

// envName is the environment variable of a setting's key, as viper looks
// it up: deadlines.ack.grid -> GRIDCMD_DEADLINES_ACK_GRID.
func envName(key string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// unknownEnv returns a warning for each GRIDCMD_ variable of environ that
// is no setting v knows (the defaults and the file's keys, categories
// included), in name order, each naming the nearest setting.
func unknownEnv(v *viper.Viper, environ []string) []string {
	known := map[string]bool{}
	var names []string
	for _, k := range v.AllKeys() {
		n := envName(k)
		if !known[n] {
			known[n] = true
			names = append(names, n)
		}
	}
	slices.Sort(names)
	var unknown []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, envPrefix) && !known[name] {
			unknown = append(unknown, name)
		}
	}
	slices.Sort(unknown)
	warnings := make([]string, 0, len(unknown))
	for _, name := range unknown {
		near, d := nearest(strings.ToUpper(name), names)
		rest := len(name) - len(envPrefix)
		switch {
		case near == "":
			warnings = append(warnings, name+" is not a setting")
		case d <= max(2, rest/3):
			warnings = append(warnings, fmt.Sprintf("%s is not a setting; did you mean %s?", name, near))
		default:
			warnings = append(warnings, fmt.Sprintf("%s is not a setting; the nearest is %s", name, near))
		}
	}
	return warnings
}

// nearest returns the name of names (sorted) at the least edit distance
// from s, the first of them on a tie, and that distance.
func nearest(s string, names []string) (string, int) {
	best, bestD := "", -1
	for _, n := range names {
		if d := editDistance(s, n); bestD < 0 || d < bestD {
			best, bestD = n, d
		}
	}
	return best, bestD
}

// editDistance is the Levenshtein distance between a and b, by bytes
// (environment variable names are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// checkFinite refuses NaN and the infinities in every float setting of the
// struct v, naming the key: every comparison with NaN is false, so no range
// check after this one would notice it (wartime_factor: .nan once left
// wartime deadlines silently unscaled).
func checkFinite(v reflect.Value, prefix string) error {
	t := v.Type()
	for i := range t.NumField() {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("mapstructure"), ",")
		if tag == "" || tag == "-" {
			continue
		}
		f := v.Field(i)
		switch f.Kind() {
		case reflect.Float32, reflect.Float64:
			if x := f.Float(); math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("%s%s %v: want a finite number", prefix, tag, x)
			}
		case reflect.Struct:
			if err := checkFinite(f, prefix+tag+"."); err != nil {
				return err
			}
		}
	}
	return nil
}

func searchPath() []string {
	paths := []string{"config.yaml"}
	if d, err := os.UserConfigDir(); err == nil {
		paths = append(paths, filepath.Join(d, "gridcmd", "config.yaml"))
	}
	return paths
}

// durationHook turns numbers given for durations into an error rather than
// nanoseconds: "2" is almost surely not meant as 2ns.
func durationHook(from, to reflect.Type, data any) (any, error) {
	if to != reflect.TypeOf(time.Duration(0)) {
		return data, nil
	}
	switch x := data.(type) {
	case int, int64, float64, uint64:
		return nil, fmt.Errorf("want a duration with a unit, like 2m or 90s, not the number %v", data)
	case string:
		d, err := time.ParseDuration(strings.TrimSpace(x))
		if err != nil {
			return nil, fmt.Errorf("%q is not a duration (want e.g. 90s, 2m, 1h30m)", x)
		}
		if d <= 0 {
			return nil, fmt.Errorf("%q: want a positive duration", x)
		}
		return d, nil
	}
	return data, nil
}

// numberHook reads a T (a ByteSize, a Rate) from a number, or from a
// string by parse; fraction, when set, refuses a number that is not whole.
func numberHook[T ByteSize | Rate](parse func(string) (T, error), fraction func(float64) error) func(from, to reflect.Type, data any) (any, error) {
	return func(from, to reflect.Type, data any) (any, error) {
		if to != reflect.TypeOf(T(0)) {
			return data, nil
		}
		switch x := data.(type) {
		case int:
			return T(x), nil
		case int64:
			return T(x), nil
		case uint64:
			return T(x), nil
		case float64:
			if fraction != nil && x != float64(int64(x)) {
				return nil, fraction(x)
			}
			return T(x), nil
		case string:
			return parse(x)
		}
		return data, nil
	}
}

// sizeHook reads a ByteSize from a number of bytes or a string with a unit.
var sizeHook = numberHook(ParseByteSize, func(x float64) error {
	return fmt.Errorf("%v is not a whole number of bytes", x)
})

var sizeRe = regexp.MustCompile(`^([0-9]+)\s*([KMG]i?B|B)?$`)

// ParseByteSize reads "65536", "64KiB", "64KB" (KB and KiB are both 1024
// bytes, as people mean them for limits), "1MiB", "1GB".
func ParseByteSize(s string) (ByteSize, error) {
	m := sizeRe.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, fmt.Errorf("%q is not a size (want e.g. 65536, 64KiB, 1MiB)", s)
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a size: %v", s, err)
	}
	mult := int64(1)
	switch strings.TrimSuffix(strings.TrimSuffix(m[2], "B"), "i") {
	case "K":
		mult = 1 << 10
	case "M":
		mult = 1 << 20
	case "G":
		mult = 1 << 30
	}
	if n > (1<<62)/mult {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return ByteSize(n * mult), nil
}

// rateHook reads a Rate from "N/s", "N/m", "N/h", "off" or a number (per
// second).
var rateHook = numberHook(ParseRate, nil)

// ParseRate reads "20/s", "600/m", "3600/h", a plain number per second, or
// "off" / "0" for no limit.
func ParseRate(s string) (Rate, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "off" || t == "none" {
		return 0, nil
	}
	num, unit, hasUnit := strings.Cut(t, "/")
	per := 1.0
	if hasUnit {
		switch strings.TrimSpace(unit) {
		case "s", "sec", "second":
		case "m", "min", "minute":
			per = 60
		case "h", "hour":
			per = 3600
		default:
			return 0, fmt.Errorf("%q: want a rate like 20/s, 600/m or 3600/h, or off", s)
		}
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || n < 0 || math.IsInf(n, 0) || math.IsNaN(n) {
		return 0, fmt.Errorf("%q: want a rate like 20/s, 600/m or 3600/h, or off", s)
	}
	return Rate(n / per), nil
}

func cleanDecodeError(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "decoding failed due to the following error(s):\n\n")
	msg = strings.ReplaceAll(msg, "\n", "; ")
	// 'deadlines.ack[grid]' -> deadlines.ack.grid, the key as written.
	return keyRe.ReplaceAllStringFunc(msg, func(k string) string {
		k = strings.Trim(k, "'")
		return strings.NewReplacer("[", ".", "]", "").Replace(k)
	})
}

var keyRe = regexp.MustCompile(`'[a-z_.]+(\[[^\]]*\])*'`)

func (c *Config) finish() error {
	if len(c.Categories) == 0 {
		for k, p := range model.DefaultCategories {
			if c.Categories == nil {
				c.Categories = map[string]string{}
			}
			c.Categories[string(k)] = string(p)
		}
	}
	if c.Lang != "zh" && c.Lang != "en" {
		return fmt.Errorf("config: lang %q: want zh or en", c.Lang)
	}
	if err := model.ValidPrefix(c.TownPrefix); err != nil {
		return fmt.Errorf("config: %s", model.ErrorMessage(err))
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return fmt.Errorf("config: timezone %q: %v", c.Timezone, err)
	}
	c.Location = loc
	if c.Operator != "" {
		if _, err := model.ParsePersonID(c.Operator); err != nil {
			return fmt.Errorf("config: operator: %s", model.ErrorMessage(err))
		}
	}
	if _, err := c.Policy(); err != nil {
		return fmt.Errorf("config: %s", model.ErrorMessage(err))
	}
	if c.DB == "" {
		c.DB = DefaultDBPath()
	}
	if err := c.API.check(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if c.SSH.HostKey == "" {
		c.SSH.HostKey = DefaultHostKeyPath()
	}
	if err := c.SSH.check(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := c.Federation.check(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}

// check names the ssh key of the first bad value.
func (s SSH) check() error {
	if err := CheckAddr("ssh.addr", s.Addr); err != nil {
		return err
	}
	if s.MaxSeats < 1 || s.MaxSeats > 100000 {
		return fmt.Errorf("ssh.max_seats %d: want 1 to 100000", s.MaxSeats)
	}
	if s.IdleTimeout < 2*time.Minute {
		return fmt.Errorf("ssh.idle_timeout %s: want at least 2m (the seat is warned a minute before)", s.IdleTimeout)
	}
	if s.StallTimeout < time.Second {
		return fmt.Errorf("ssh.stall_timeout %s: want at least 1s", s.StallTimeout)
	}
	if s.Tick < time.Second || s.Tick > time.Hour {
		return fmt.Errorf("ssh.tick %s: want 1s to 1h", s.Tick)
	}
	return nil
}

// CheckAddr checks a listening address host:port for the key named.
func CheckAddr(key, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%s %q: want host:port, e.g. 127.0.0.1:7422", key, addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%s %q: port %q is not a port number", key, addr, port)
	}
	if host != "" && host != "localhost" && net.ParseIP(host) == nil {
		return fmt.Errorf("%s %q: want an IP address (or localhost), e.g. 127.0.0.1:7422", key, addr)
	}
	return nil
}

// check names the api key of the first bad value.
func (a API) check() error {
	host, port, err := net.SplitHostPort(a.Addr)
	if err != nil {
		return fmt.Errorf("api.addr %q: want host:port, e.g. 127.0.0.1:7420", a.Addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("api.addr %q: port %q is not a port number", a.Addr, port)
	}
	if host != "" && host != "localhost" && net.ParseIP(host) == nil {
		return fmt.Errorf("api.addr %q: want an IP address (or localhost), e.g. 127.0.0.1:7420", a.Addr)
	}
	if a.BodyLimit < 1<<10 || a.BodyLimit > 64<<20 {
		return fmt.Errorf("api.body_limit %d: want 1KiB to 64MiB", a.BodyLimit)
	}
	if a.Rate < 0 {
		return fmt.Errorf("api.rate: must not be negative")
	}
	if a.Rate > 0 && a.Burst < 1 {
		return fmt.Errorf("api.burst %d: want at least 1", a.Burst)
	}
	return nil
}

// DefaultHostKeyPath is $XDG_DATA_HOME/gridcmd/ssh_host_ed25519, falling
// back to ~/.local/share.
func DefaultHostKeyPath() string {
	return filepath.Join(filepath.Dir(DefaultDBPath()), "ssh_host_ed25519")
}

// DefaultDBPath is $XDG_DATA_HOME/gridcmd/gridcmd.db, falling back to
// ~/.local/share.
func DefaultDBPath() string {
	dir := os.Getenv("XDG_DATA_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			home = "."
		}
		dir = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(dir, "gridcmd", "gridcmd.db")
}

// Policy converts the deadlines, factor and categories into the model's
// policy, naming the key of the first bad value.
func (c Config) Policy() (model.Policy, error) {
	p := model.Policy{
		Ack:           map[model.Tier]time.Duration{},
		Resolve:       map[model.Tier]map[model.Severity]time.Duration{},
		WartimeFactor: c.WartimeFactor,
		Categories:    map[model.Category]model.Platform{},
	}
	for k, d := range c.Deadlines.Ack {
		t, err := model.ParseTier(k)
		if err != nil {
			return p, model.Errorf(model.EINVALID, "deadlines.ack.%s: unknown tier (grid, village, town, taskforce)", k)
		}
		p.Ack[t] = d
	}
	for k, m := range c.Deadlines.Resolve {
		t, err := model.ParseTier(k)
		if err != nil {
			return p, model.Errorf(model.EINVALID, "deadlines.resolve.%s: unknown tier (grid, village, town, taskforce)", k)
		}
		p.Resolve[t] = map[model.Severity]time.Duration{}
		for sk, d := range m {
			s, err := model.ParseSeverity(sk)
			if err != nil {
				return p, model.Errorf(model.EINVALID, "deadlines.resolve.%s.%s: unknown severity (I, II, III, IV)", k, sk)
			}
			p.Resolve[t][s] = d
		}
	}
	p.SignFor = c.Wartime.SignFor
	for _, r := range c.Wartime.Roles {
		wr, err := model.ParseWartimeRole(r)
		if err != nil {
			return p, model.Errorf(model.EINVALID, "wartime.roles: %s", model.ErrorMessage(err))
		}
		p.RoleCycle = append(p.RoleCycle, wr)
	}
	for k, pl := range c.Categories {
		plat, err := model.ParsePlatform(pl)
		if err != nil {
			return p, model.Errorf(model.EINVALID, "categories.%s: platform %q: want party, ecology, safety or service", k, pl)
		}
		p.Categories[model.Category(k)] = plat
	}
	rule, err := c.alertRule(p.Categories)
	if err != nil {
		return p, err
	}
	p.Alerts = rule
	if p.Points, err = c.pointsPolicy(); err != nil {
		return p, err
	}
	p.Patrol = model.PatrolPolicy{CompleteShare: c.Patrol.CompleteShare, TriageDeadline: c.Patrol.TriageDeadline, Silence: c.Patrol.Silence}
	p.Resupervise = c.Deadlines.Resupervise
	wsev, err := model.ParseSeverity(c.Watchdog.Severity)
	if err != nil {
		return p, model.Errorf(model.EINVALID, "watchdog.severity: %s", model.ErrorMessage(err))
	}
	wcat := model.Category(c.Watchdog.Category)
	if _, ok := p.Categories[wcat]; !ok && wcat == model.DefaultWatchdogRule().Category {
		// The shipped category, dropped with the shipped set: the alerts'
		// fallback, as for a sensor kind whose category is gone.
		wcat = p.Alerts.Categories[model.AlertOther]
	}
	p.Watchdog = model.WatchdogRule{RoomSilence: c.Watchdog.RoomSilence, Severity: wsev, Category: wcat}
	if err := p.Validate(); err != nil {
		return p, err
	}
	return p, nil
}

// alertRule builds the alert rule. alerts.categories adds to (or
// overrides) the shipped kinds; a shipped kind whose category the
// configured categories lack is dropped, and "other" then falls back to
// the first category in name order. A configured kind must name a
// configured category.
func (c Config) alertRule(cats map[model.Category]model.Platform) (model.AlertRule, error) {
	sev, err := model.ParseSeverity(c.Alerts.Severity)
	if err != nil {
		return model.AlertRule{}, model.Errorf(model.EINVALID, "alerts.severity: %s", model.ErrorMessage(err))
	}
	r := model.AlertRule{Count: c.Alerts.Count, Window: c.Alerts.Window, Severity: sev, Categories: map[string]model.Category{}}
	for kind, cat := range model.DefaultAlertRule().Categories {
		if _, ok := cats[cat]; ok {
			r.Categories[kind] = cat
		}
	}
	if _, ok := r.Categories[model.AlertOther]; !ok && len(cats) > 0 {
		names := make([]string, 0, len(cats))
		for k := range cats {
			names = append(names, string(k))
		}
		slices.Sort(names)
		r.Categories[model.AlertOther] = model.Category(names[0])
	}
	for kind, cat := range c.Alerts.Categories {
		k := strings.ToLower(strings.TrimSpace(kind))
		if _, ok := cats[model.Category(cat)]; !ok {
			return r, model.Errorf(model.EINVALID, "alerts.categories.%s: category %q is not among categories", kind, cat)
		}
		r.Categories[k] = model.Category(cat)
	}
	return r, nil
}
