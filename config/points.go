package config

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"gridcmd/model"
)

// Points configures the points (积分) and scorecards (考核): the indicators
// and the day a change of them applies from, the benefits, the grades.
type Points struct {
	From       string             `mapstructure:"from"`
	Indicators []Indicator        `mapstructure:"indicators"`
	Benefits   map[string]Benefit `mapstructure:"benefits"`
	Grades     Grades             `mapstructure:"grades"`
}

// Indicator is one entry of points.indicators (model.Indicator).
type Indicator struct {
	Key        string   `mapstructure:"key"`
	Zh         string   `mapstructure:"zh"`
	En         string   `mapstructure:"en"`
	Actions    []string `mapstructure:"actions"`
	To         string   `mapstructure:"to"`
	Categories []string `mapstructure:"categories"`
	Tiers      []string `mapstructure:"tiers"`
	When       []string `mapstructure:"when"`
	Points     int      `mapstructure:"points"`
	Cap        int      `mapstructure:"cap"`
}

// Benefit is one entry of points.benefits, by its key (model.Benefit).
type Benefit struct {
	Zh        string `mapstructure:"zh"`
	En        string `mapstructure:"en"`
	Threshold int    `mapstructure:"threshold"`
}

// Grades are the lowest combined index of each scorecard grade.
type Grades struct {
	Excellent float64 `mapstructure:"excellent"`
	Good      float64 `mapstructure:"good"`
	Pass      float64 `mapstructure:"pass"`
}

// pointsDefaults adds the shipped indicators and grades to d. The benefits
// are not defaults of single keys (a file's benefits would add to them and
// none could be dropped): a config without any gets the shipped six.
func pointsDefaults(d map[string]any) {
	p := model.DefaultPoints()
	d["points.from"] = ""
	list := make([]map[string]any, len(p.Indicators))
	for i, in := range p.Indicators {
		m := map[string]any{"key": in.Key, "zh": in.Zh, "en": in.En, "actions": model.Strings(in.Actions), "points": in.Points}
		if in.To != "" {
			m["to"] = string(in.To)
		}
		if len(in.Categories) > 0 {
			m["categories"] = model.Strings(in.Categories)
		}
		if len(in.Tiers) > 0 {
			m["tiers"] = model.Strings(in.Tiers)
		}
		if len(in.When) > 0 {
			m["when"] = model.Strings(in.When)
		}
		if in.Cap != 0 {
			m["cap"] = in.Cap
		}
		list[i] = m
	}
	d["points.indicators"] = list
	d["points.grades.excellent"] = p.Grades.Excellent
	d["points.grades.good"] = p.Grades.Good
	d["points.grades.pass"] = p.Grades.Pass
}

// pointsPolicy converts the points settings, naming the key of a bad
// value (model.PointsPolicy.Validate names the rest).
func (c Config) pointsPolicy() (model.PointsPolicy, error) {
	var p model.PointsPolicy
	if s := strings.TrimSpace(c.Points.From); s != "" {
		loc := c.Location
		if loc == nil {
			loc = time.Local
		}
		t, err := time.ParseInLocation("2006-01-02", s, loc)
		if err != nil {
			return p, model.Errorf(model.EINVALID, "points.from %q: want a day, YYYY-MM-DD", s).
				Zh("points.from %q：应为日期 年-月-日", s).On("points.from")
		}
		p.From = t
	}
	p.Indicators = make([]model.Indicator, len(c.Points.Indicators))
	for i, in := range c.Points.Indicators {
		p.Indicators[i] = model.Indicator{
			Key: in.Key, Zh: in.Zh, En: in.En, Actions: model.Typed[model.Action](trimmed(in.Actions)), To: model.Earner(in.To),
			Categories: model.Typed[model.Category](trimmed(in.Categories)), Tiers: model.Typed[model.Tier](trimmed(in.Tiers)),
			When: model.Typed[model.Condition](trimmed(in.When)), Points: in.Points, Cap: in.Cap,
		}
	}
	if len(c.Points.Benefits) == 0 {
		p.Benefits = model.DefaultPoints().Benefits
	}
	for k, b := range c.Points.Benefits {
		p.Benefits = append(p.Benefits, model.Benefit{Key: k, Zh: b.Zh, En: b.En, Threshold: b.Threshold})
	}
	sort.SliceStable(p.Benefits, func(i, j int) bool {
		a, b := p.Benefits[i], p.Benefits[j]
		if a.Threshold != b.Threshold {
			return a.Threshold < b.Threshold
		}
		return a.Key < b.Key
	})
	for _, b := range p.Benefits {
		if b.En == "" {
			return p, fmt.Errorf("points.benefits.%s.en: needs an English name", b.Key)
		}
	}
	p.Grades = model.Grades{Excellent: c.Points.Grades.Excellent, Good: c.Points.Grades.Good, Pass: c.Points.Grades.Pass}
	return p, nil
}

// dayHook reads a day YAML took for a timestamp (from: 2026-12-15) back as
// the string it was written as.
func dayHook(from, to reflect.Type, data any) (any, error) {
	if t, ok := data.(time.Time); ok && to.Kind() == reflect.String {
		return t.Format("2006-01-02"), nil
	}
	return data, nil
}

// trimmed is in with each value's spaces trimmed (a YAML list written by
// hand: "[report, acknowledge ]").
func trimmed(in []string) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = strings.TrimSpace(v)
	}
	return out
}
