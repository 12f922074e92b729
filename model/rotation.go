package model

import (
	"fmt"
	"slices"
	"time"
	"unicode/utf8"
)

// Joint rotation (网格组团轮值): grid teams break village borders and take
// turns, group by group, at a joint activity: security patrols (治安巡察),
// building sweeps (清村扫楼) or traffic persuasion (交通劝导). Each group is a
// set of grids, usually from several villages; the groups take turns day
// by day (or every few days) from the rotation's start. The people of the
// grids of the group on duty report their activity, which counts like a
// patrol check-in.

// Activity is what a rotation does.
type Activity string

const (
	ActivityPatrol  Activity = "patrol"  // 治安巡察
	ActivitySweep   Activity = "sweep"   // 清村扫楼
	ActivityTraffic Activity = "traffic" // 交通劝导
)

var Activities = []Activity{ActivityPatrol, ActivitySweep, ActivityTraffic}

var activityZh = map[Activity]string{ActivityPatrol: "治安巡察", ActivitySweep: "清村扫楼", ActivityTraffic: "交通劝导"}

func (a Activity) Zh() string { return activityZh[a] }

// Action is the event action of an activity report.
func (a Activity) Action() Action {
	switch a {
	case ActivitySweep:
		return ActRotationSweep
	case ActivityTraffic:
		return ActRotationTraffic
	}
	return ActRotationPatrol
}

// ParseActivity accepts an activity's key or its Chinese name.
func ParseActivity(s string) (Activity, error) {
	return parseEnum("activity", s, Activities, activityZh)
}

// JointRotation is one joint rotation.
type JointRotation struct {
	Seq      uint64
	ID       string // R-0001
	Name     string
	Activity Activity
	Groups   [][]NodeCode // grids, group by group, in the order they take turns
	Start    time.Time    // the first group's first day (local midnight)
	Every    int          // days each group's turn lasts (1: a new group every day)
}

// FormatRotationID and ParseRotationID name rotations: R-0001.
func FormatRotationID(n uint64) string { return fmt.Sprintf("R-%04d", n) }

func ParseRotationID(s string) (uint64, error) {
	return parseSeqID(s, "R", "rotation", "轮值", "R-0001")
}

// MaxRotationGroups bounds a rotation's groups.
const MaxRotationGroups = 60

// Clean checks the rotation and returns it with its name cleaned, its
// start at midnight and its grids in canonical form. The grids' existence
// is the store's to check.
func (r JointRotation) Clean() (JointRotation, error) {
	name, err := CleanText(r.Name, false)
	if err != nil || name == "" || utf8.RuneCountInString(name) > MaxAreaNameRunes {
		return r, Errorf(EINVALID, "rotation name: want 1 to %d characters", MaxAreaNameRunes).
			Zh("轮值名称：应为 1 到 %d 字", MaxAreaNameRunes).On("name")
	}
	r.Name = name
	if r.Activity, err = ParseActivity(string(r.Activity)); err != nil {
		return r, err
	}
	if len(r.Groups) < 2 || len(r.Groups) > MaxRotationGroups {
		return r, Errorf(EINVALID, "rotation %s: %s; groups take turns, want 2 to %d", name, Count(len(r.Groups), "group"), MaxRotationGroups).
			Zh("轮值 %s：%d 个组；各组轮流值班，应为 2 到 %d 个", name, len(r.Groups), MaxRotationGroups).On("groups")
	}
	seen := map[NodeCode]int{}
	groups := make([][]NodeCode, len(r.Groups))
	for i, g := range r.Groups {
		if len(g) == 0 {
			return r, Errorf(EINVALID, "rotation %s: group %d has no grid", name, i+1).
				Zh("轮值 %s：第 %d 组没有网格", name, i+1).On("groups")
		}
		for _, c := range g {
			code, err := ParseNodeCode(string(c))
			if err != nil {
				return r, err
			}
			if code.Level() != LevelGrid {
				return r, Errorf(EINVALID, "rotation %s: %s is not a grid (village-GG)", name, code).
					Zh("轮值 %s：%s 不是网格（村代码-GG）", name, code).On("groups")
			}
			if j, dup := seen[code]; dup {
				return r, Errorf(EINVALID, "rotation %s: grid %s is in groups %d and %d", name, code, j+1, i+1).
					Zh("轮值 %s：网格 %s 同时在第 %d 组和第 %d 组", name, code, j+1, i+1).On("groups")
			}
			seen[code] = i
			groups[i] = append(groups[i], code)
		}
	}
	r.Groups = groups
	if r.Start.IsZero() {
		return r, Errorf(EINVALID, "rotation %s: no start date", name).Zh("轮值 %s：没有开始日期", name).On("start")
	}
	r.Start = midnight(r.Start)
	if r.Every == 0 {
		r.Every = 1
	}
	if r.Every < 1 || r.Every > 31 {
		return r, Errorf(EINVALID, "rotation %s: every %d days: want 1 to 31", name, r.Every).
			Zh("轮值 %s：每 %d 天轮换：应为 1 到 31", name, r.Every).On("every")
	}
	return r, nil
}

// GroupOn is the index of the group on duty on day's date (in the
// rotation's location), -1 before the rotation starts.
func (r JointRotation) GroupOn(day time.Time) int {
	if len(r.Groups) == 0 || r.Every < 1 {
		return -1
	}
	d := day.In(r.Start.Location())
	y, m, dd := d.Date()
	sy, sm, sd := r.Start.Date()
	n := civilDays(y, m, dd) - civilDays(sy, sm, sd)
	if n < 0 {
		return -1
	}
	return n / r.Every % len(r.Groups)
}

// OnDuty reports whether p is of the group on duty on day: their node is
// one of the group's grids or beneath one.
func (r JointRotation) OnDuty(p Person, day time.Time) bool {
	g := r.GroupOn(day)
	if g < 0 || p.ID == System {
		return false
	}
	for _, c := range r.Groups[g] {
		if c.Contains(p.Node) {
			return true
		}
	}
	return false
}

// Report is the rule of an activity report: by is of the group on duty
// now; text says what was done (optional).
func (r JointRotation) Report(text string, by Person, now time.Time) (Event, error) {
	g := r.GroupOn(now)
	if !r.OnDuty(by, now) {
		who := "no group"
		whoZh := "没有组"
		if g >= 0 {
			who = fmt.Sprintf("group %d (%s)", g+1, joinCodes(r.Groups[g]))
			whoZh = fmt.Sprintf("第 %d 组（%s）", g+1, joinCodes(r.Groups[g]))
		}
		return Event{}, Errorf(EFORBIDDEN, "%s (%s, %s) is not on %s today: %s is on duty",
			ActorName(by), by.ID, by.Node, r.ID, who).
			Zh("%s（%s，%s）今天不在 %s 值班：值班的是%s", ActorName(by), by.ID, by.Node, r.ID, whoZh)
	}
	t, err := cleanField(text, false, MaxNoteRunes, "text", "内容")
	if err != nil {
		return Event{}, err
	}
	note := fmt.Sprintf("%s %s, group %d", r.ID, r.Name, g+1)
	noteZh := fmt.Sprintf("%s %s 第 %d 组", r.ID, r.Name, g+1)
	if t != "" {
		note, noteZh = note+": "+t, noteZh+"："+t
	}
	node := by.Node.Grid()
	if node == "" {
		node = by.Node
	}
	return Event{
		At: now, Actor: by.ID, ActorName: ActorName(by), Action: r.Activity.Action(), Ref: r.ID, Node: node,
		Note: note, NoteZh: noteZh,
	}, nil
}

// SameTurns reports whether r and o give the same turns: the same
// activity, the same groups (each the same grids, in any order) taking
// turns in the same order, from the same day, each for the same number of
// days. Both must have passed Clean.
func (r JointRotation) SameTurns(o JointRotation) bool {
	if r.Activity != o.Activity || r.Every != o.Every || !r.Start.Equal(o.Start) || len(r.Groups) != len(o.Groups) {
		return false
	}
	for i, g := range r.Groups {
		if len(g) != len(o.Groups[i]) {
			return false
		}
		for _, c := range g {
			if !slices.Contains(o.Groups[i], c) {
				return false
			}
		}
	}
	return true
}

// Duplicates is the refusal of r, a rotation to add (cleaned), when one of
// stored gives the same turns (SameTurns): the same groups taking the same
// turns at the same activity would be on duty twice and report twice. It
// names the stored one by its id and name.
func (r JointRotation) Duplicates(stored []JointRotation) error {
	for _, o := range stored {
		if !r.SameTurns(o) {
			continue
		}
		return Errorf(ECONFLICT, "rotation %s duplicates %s %s: the same activity (%s) by the same %s in the same order, from %s, every %s",
			r.Name, o.ID, o.Name, r.Activity, Count(len(r.Groups), "group"), r.Start.Format("2006-01-02"), Count(r.Every, "day")).
			Zh("轮值 %s 与 %s %s 重复：同样的 %d 个组自 %s 起每 %d 天轮换%s",
				r.Name, o.ID, o.Name, len(r.Groups), r.Start.Format("2006-01-02"), r.Every, r.Activity.Zh()).On("groups")
	}
	return nil
}

// ReportDay is the day a report of r made at t counts for: from the
// midnight of t's day (in the location of r's start) to the next. The
// group on duty reports the day's activity, each person once a day.
func (r JointRotation) ReportDay(t time.Time) (from, to time.Time) {
	if loc := r.Start.Location(); loc != nil {
		t = t.In(loc)
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location()), time.Date(y, m, d+1, 0, 0, 0, 0, t.Location())
}

// Repeated is the refusal of by's report of r when they reported it
// already on the same day (ReportDay) at prev: one report of a rotation's
// day by each person (a second in the same second, a retry, a double
// click, would earn its points twice). Nil when prev is zero.
func (r JointRotation) Repeated(by Person, prev time.Time) error {
	if prev.IsZero() {
		return nil
	}
	return Errorf(ECONFLICT, "%s (%s) reported %s %s today already, at %s: each person of the group on duty reports it once a day",
		ActorName(by), by.ID, r.ID, r.Name, prev.Format("15:04:05")).
		Zh("%s（%s）今天已于 %s 报告过 %s %s：值班组每人每天报告一次", ActorName(by), by.ID, prev.Format("15:04:05"), r.ID, r.Name)
}
