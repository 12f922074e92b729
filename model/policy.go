package model

import (
	"time"
)

// Policy holds the clocks and maps the rules read. It is plain data built
// from the config; the rules take it as an argument.
type Policy struct {
	// Ack is how long each tier has to sign for a report before it climbs
	// by itself (the article's grid leader: under two minutes).
	Ack map[Tier]time.Duration
	// Resolve is how long each tier has, by severity, from the report's
	// arrival at the tier to its resolution; past it the incident is red and
	// supervised (督办).
	Resolve map[Tier]map[Severity]time.Duration
	// WartimeFactor multiplies every deadline while Wartime is set.
	WartimeFactor float64
	Wartime       bool
	// Categories maps each valid category to its default platform.
	Categories map[Category]Platform
	// SignFor is how long a micro-grid has to sign for a wartime directive
	// before its silence climbs to the village room (and, as long again,
	// to the town room).
	SignFor time.Duration
	// RoleCycle gives micro-grid workers their wartime roles (RoleFor).
	RoleCycle []WartimeRole
	// Alerts is the rule that turns sensor alerts into incidents.
	Alerts AlertRule
	// Points are the indicators, benefits and grades of the points (积分)
	// and scorecards (考核). With no indicators a store keeps the rules it
	// has (a new one takes DefaultPoints').
	Points PointsPolicy
	// Patrol holds the patrol flow's settings.
	Patrol PatrolPolicy
	// Resupervise is how often a task force incident that stays red is
	// supervised again (deadlines.resupervise).
	Resupervise time.Duration
	// Watchdog is the rule of the silences (heartbeats, village rooms).
	Watchdog WatchdogRule
}

// DefaultPolicy is the shipped policy; config.yaml documents the same values.
func DefaultPolicy() Policy {
	m := time.Minute
	h := time.Hour
	cats := make(map[Category]Platform, len(DefaultCategories))
	for c, p := range DefaultCategories {
		cats[c] = p
	}
	return Policy{
		Ack: map[Tier]time.Duration{TierGrid: 2 * m, TierVillage: 5 * m, TierTown: 10 * m, TierTaskForce: 30 * m},
		Resolve: map[Tier]map[Severity]time.Duration{
			TierGrid:      {SeverityI: 30 * m, SeverityII: 1 * h, SeverityIII: 4 * h, SeverityIV: 24 * h},
			TierVillage:   {SeverityI: 1 * h, SeverityII: 2 * h, SeverityIII: 8 * h, SeverityIV: 48 * h},
			TierTown:      {SeverityI: 2 * h, SeverityII: 4 * h, SeverityIII: 24 * h, SeverityIV: 72 * h},
			TierTaskForce: {SeverityI: 4 * h, SeverityII: 12 * h, SeverityIII: 72 * h, SeverityIV: 168 * h},
		},
		WartimeFactor: 0.5,
		Categories:    cats,
		SignFor:       10 * m,
		RoleCycle:     []WartimeRole{WartimeVanguard, WartimeResponder, WartimeSpecialist},
		Alerts:        DefaultAlertRule(),
		Points:        DefaultPoints(),
		Patrol:        DefaultPatrolPolicy(),
		Resupervise:   h,
		Watchdog:      DefaultWatchdogRule(),
	}
}

func (p Policy) scale(d time.Duration) time.Duration {
	if p.Wartime && p.WartimeFactor > 0 {
		return time.Duration(float64(d) * p.WartimeFactor)
	}
	return d
}

// ResuperviseWindow is the time between two supervisions of a task force
// incident that stays red; 0 when it is supervised once only.
func (p Policy) ResuperviseWindow() time.Duration { return p.scale(p.Resupervise) }

// AckWindow is the time tier t has to sign for a report.
func (p Policy) AckWindow(t Tier) time.Duration { return p.scale(p.Ack[t]) }

// ResolveWindow is the time tier t has to resolve an incident of severity s.
func (p Policy) ResolveWindow(t Tier, s Severity) time.Duration {
	return p.scale(p.Resolve[t][s])
}

// Validate checks that every tier and severity has a positive clock and that
// every category maps to a known platform.
func (p Policy) Validate() error {
	for _, t := range Tiers {
		if p.Ack[t] <= 0 {
			key := "deadlines.ack." + string(t)
			return Errorf(EINVALID, "%s: must be a positive duration", key).Zh("%s：应为正的时长", key).On(key)
		}
		for _, s := range Severities {
			if p.Resolve[t][s] <= 0 {
				key := "deadlines.resolve." + string(t) + "." + s.String()
				return Errorf(EINVALID, "%s: must be a positive duration", key).Zh("%s：应为正的时长", key).On(key)
			}
		}
	}
	if !(p.WartimeFactor > 0 && p.WartimeFactor <= 10) { // NaN fails too
		return Errorf(EINVALID, "wartime_factor: must be above 0 and at most 10").Zh("wartime_factor：应大于 0 且不超过 10").On("wartime_factor")
	}
	if p.SignFor <= 0 {
		return Errorf(EINVALID, "wartime.sign_for: must be a positive duration").Zh("wartime.sign_for：应为正的时长").On("wartime.sign_for")
	}
	if len(p.RoleCycle) == 0 {
		return Errorf(EINVALID, "wartime.roles: at least one of vanguard, responder, specialist").
			Zh("wartime.roles：至少要有 vanguard（冲锋员）、responder（战斗员）、specialist（攻坚员）之一").On("wartime.roles")
	}
	for _, r := range p.RoleCycle {
		if _, err := ParseWartimeRole(string(r)); err != nil {
			return Errorf(EINVALID, "wartime.roles: %s", ErrorMessage(err)).Zh("wartime.roles：%s", ErrorMessageZh(err)).On("wartime.roles")
		}
	}
	if len(p.Categories) == 0 {
		return Errorf(EINVALID, "categories: none defined").Zh("categories：未定义任何类别").On("categories")
	}
	for c, pl := range p.Categories {
		if _, err := ParsePlatform(string(pl)); err != nil {
			key := "categories." + string(c)
			return Errorf(EINVALID, "%s: %s", key, ErrorMessage(err)).Zh("%s：%s", key, ErrorMessageZh(err)).On(key)
		}
	}
	if err := p.Alerts.Validate(); err != nil {
		return err
	}
	if err := p.Points.Validate(); err != nil {
		return err
	}
	if err := p.Patrol.Validate(); err != nil {
		return err
	}
	if p.Resupervise < 0 {
		return Errorf(EINVALID, "deadlines.resupervise: must not be negative").Zh("deadlines.resupervise：不能为负").On("deadlines.resupervise")
	}
	if err := p.Watchdog.Validate(p.Categories); err != nil {
		return err
	}
	for kind, c := range p.Alerts.Categories {
		if _, ok := p.Categories[c]; !ok {
			key := "alerts.categories." + kind
			return Errorf(EINVALID, "%s: category %q: want one of %s", key, c, joinCategories(p.Categories, ", ")).
				Zh("%s：类别 %q：应为 %s 之一", key, c, joinCategories(p.Categories, "、")).On(key)
		}
	}
	return nil
}

// Category checks a category against the policy's set.
func (p Policy) Category(s string) (Category, error) {
	c := Category(s)
	if _, ok := p.Categories[c]; ok {
		return c, nil
	}
	for k := range p.Categories {
		if k.Zh() == s {
			return k, nil
		}
	}
	return "", Errorf(EINVALID, "category %q: want one of %s", s, joinCategories(p.Categories, ", ")).
		Zh("类别 %q：应为 %s 之一", s, joinCategories(p.Categories, "、")).On("category")
}

func joinCategories(m map[Category]Platform, sep string) string {
	keys := make([]string, 0, len(m))
	for c := range m {
		keys = append(keys, string(c))
	}
	sortStrings(keys)
	out := ""
	for i, k := range keys {
		if i > 0 {
			out += sep
		}
		out += k
	}
	return out
}
