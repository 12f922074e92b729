package importer

import (
	"io"
	"strconv"
	"strings"
	"time"

	"gridcmd/model"
)

var areaColumns = []column{
	{key: "area", names: []string{"area", "code", "area_code", "编码", "巡护区编码", "区域编码"}, required: true},
	{key: "name", names: []string{"name", "area_name", "名称", "巡护区", "巡护区名称"}},
	{key: "kind", names: []string{"kind", "类型", "巡护类型"}},
	{key: "village", names: []string{"village", "村", "村社", "村编码", "所在村"}},
	{key: "every", names: []string{"every", "frequency", "频次", "巡护频次"}},
	{key: "patroller", names: []string{"patroller", "巡护员"}},
	{key: "checkpoint", names: []string{"checkpoint", "检查点", "检查点编码", "打卡点"}, required: true},
	{key: "checkpoint_name", names: []string{"checkpoint_name", "检查点名称", "打卡点名称"}},
	{key: "lat", names: []string{"lat", "latitude", "纬度"}},
	{key: "lon", names: []string{"lon", "lng", "longitude", "经度"}},
}

// areaFields are the columns that describe the area, given on its first
// row and, on its later rows, left empty or repeated alike.
var areaFields = []string{"name", "kind", "village", "every", "patroller"}

// Resolver turns what a patrol-areas file names into the tower's and the
// roster's terms: a village by its 12-digit code or its exact name, a
// patroller by id (P12) or exact name. A nil field accepts codes and ids
// as they are.
type Resolver struct {
	Village   func(s string) (model.NodeCode, error)
	Patroller func(s string) (model.PersonID, error)
}

// ParsePatrolAreas reads patrol areas: a CSV file with a header line and
// one row per checkpoint, the columns (English or Chinese, in any order)
//
//	area             编码, 巡护区编码     required: P- and letters, digits, dashes
//	name             名称, 巡护区         the area's name
//	kind             类型                forest 山林, farmland 农田, river 河道,
//	                                     reservoir 水库, village 村庄
//	village          村, 村编码          the village it lies in: code or name
//	every            频次                daily 每日, weekly 每周, 3d, 12h
//	patroller        巡护员              who it is assigned to: P12 or a name
//	checkpoint       检查点              required: the checkpoint's code (C1)
//	checkpoint_name  检查点名称
//	lat, lon         纬度, 经度           the checkpoint's place, both or neither
//
// The area's own columns (name to patroller) are given on its first row;
// its later rows leave them empty or repeat them alike. The areas come
// back in file order, checked (model.PatrolArea.Clean). A bad row fails
// the whole file with "file:line: reason".
func ParsePatrolAreas(name string, r io.Reader, res Resolver) ([]model.PatrolArea, error) {
	areaCode := func(rw row) (string, error) {
		code, err := model.ParseAreaCode(rw.val["area"])
		if err != nil {
			return "", rw.refuse(err)
		}
		return code, nil
	}
	open := func(rw row, code string) (model.PatrolArea, error) {
		v := rw.val
		a := model.PatrolArea{Code: code, Name: v["name"]}
		for _, f := range areaFields {
			if v[f] == "" && f != "patroller" {
				return a, rw.errorf("area %s: %s is empty on its first row", code, f)
			}
		}
		var err error
		if a.Kind, err = model.ParseAreaKind(v["kind"]); err != nil {
			return a, rw.errorf("area %s: %s", code, model.ErrorMessage(err))
		}
		if a.Village, err = resolveVillage(res, v["village"]); err != nil {
			return a, rw.errorf("area %s: %s", code, model.ErrorMessage(err))
		}
		if a.Every, err = model.ParseEvery(v["every"]); err != nil {
			return a, rw.errorf("area %s: %s", code, model.ErrorMessage(err))
		}
		if v["patroller"] != "" {
			if a.Patroller, err = resolvePatroller(res, v["patroller"]); err != nil {
				return a, rw.errorf("area %s: %s", code, model.ErrorMessage(err))
			}
		}
		return a, nil
	}
	cpLine := map[[2]string]int{} // the line each area's checkpoint is on
	areas, err := eachGroup(name, r, areaColumns, "areas", areaCode, open, func(rw row, code string, g *group[model.PatrolArea]) error {
		v, first := rw.val, g.first
		for _, f := range areaFields {
			if rw.line != first.line && v[f] != "" && !sameAreaField(res, f, v[f], first.val[f]) {
				return rw.errorf("area %s: %s %q differs from %q on line %d", code, f, v[f], first.val[f], first.line)
			}
		}
		if v["checkpoint"] == "" {
			return rw.errorf("area %s: checkpoint is empty", code)
		}
		cc, err := model.ParseCheckpointCode(v["checkpoint"])
		if err != nil {
			return rw.errorf("area %s: %s", code, model.ErrorMessage(err))
		}
		if l, dup := cpLine[[2]string{code, cc}]; dup {
			return rw.errorf("area %s: checkpoint %s given twice (first on line %d)", code, cc, l)
		}
		cpLine[[2]string{code, cc}] = rw.line
		cp := model.Checkpoint{Code: cc, Name: v["checkpoint_name"]}
		switch lat, lon := v["lat"], v["lon"]; {
		case lat == "" && lon == "":
		case lat == "" || lon == "":
			return rw.errorf("area %s, checkpoint %s: give lat and lon both, or neither", code, cp.Code)
		default:
			la, err1 := strconv.ParseFloat(lat, 64)
			lo, err2 := strconv.ParseFloat(lon, 64)
			if err1 != nil || err2 != nil {
				return rw.errorf("area %s, checkpoint %s: lat %q, lon %q: want decimal degrees", code, cp.Code, lat, lon)
			}
			cp.Loc = &model.LatLon{Lat: la, Lon: lo}
		}
		g.b.Checkpoints = append(g.b.Checkpoints, cp)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]model.PatrolArea, len(areas))
	for i, g := range areas {
		a, err := g.b.Clean()
		if err != nil {
			return nil, g.first.refuse(err)
		}
		out[i] = a
	}
	return out, nil
}

// sameAreaField reports whether two spellings of an area's column mean the
// same: forest and 山林, daily and 每日, a village's code and its name.
func sameAreaField(res Resolver, field, x, y string) bool {
	if x == y {
		return true
	}
	var a, b any
	var ea, eb error
	switch field {
	case "kind":
		a, ea = model.ParseAreaKind(x)
		b, eb = model.ParseAreaKind(y)
	case "every":
		a, ea = model.ParseEvery(x)
		b, eb = model.ParseEvery(y)
	case "village":
		a, ea = resolveVillage(res, x)
		b, eb = resolveVillage(res, y)
	case "patroller":
		a, ea = resolvePatroller(res, x)
		b, eb = resolvePatroller(res, y)
	default:
		return false
	}
	return ea == nil && eb == nil && a == b
}

func resolveVillage(res Resolver, s string) (model.NodeCode, error) {
	if res.Village != nil {
		return res.Village(s)
	}
	return model.ParseNodeCode(s)
}

func resolvePatroller(res Resolver, s string) (model.PersonID, error) {
	if res.Patroller != nil {
		return res.Patroller(s)
	}
	return model.ParsePersonID(s)
}

var rotationColumns = []column{
	{key: "rotation", names: []string{"rotation", "name", "轮值", "轮值名称", "名称"}, required: true},
	{key: "activity", names: []string{"activity", "活动", "轮值活动"}, required: true},
	{key: "group", names: []string{"group", "组", "组别"}, required: true},
	{key: "grids", names: []string{"grids", "网格", "网格编码"}, required: true},
	{key: "start", names: []string{"start", "开始", "开始日期"}, required: true},
	{key: "every", names: []string{"every", "每组天数", "轮换天数"}},
}

// ParseRotations reads joint rotations: a CSV file with a header line and
// one row per group, the columns (English or Chinese, in any order)
//
//	rotation  轮值, 名称    required: the rotation's name; its rows make it
//	activity  活动          required: patrol 治安巡察, sweep 清村扫楼, traffic 交通劝导
//	group     组            required: the group's turn, 1, 2, 3, ...
//	grids     网格          required: the group's grid codes, separated by ; 、 or spaces
//	start     开始          required: the first group's first day, YYYY-MM-DD
//	every     每组天数       days each turn lasts (default 1)
//
// A rotation's rows give the same activity, start and every. The rotations
// come back in file order, checked (model.JointRotation.Clean), their start at
// midnight in loc.
func ParseRotations(name string, r io.Reader, loc *time.Location) ([]model.JointRotation, error) {
	type building struct {
		r      model.JointRotation
		groups map[int][]model.NodeCode
	}
	rotation := func(rw row) (string, error) {
		if rw.val["rotation"] == "" {
			return "", rw.errorf("rotation is empty")
		}
		return rw.val["rotation"], nil
	}
	open := func(rw row, nm string) (building, error) {
		v := rw.val
		act, err := model.ParseActivity(v["activity"])
		if err != nil {
			return building{}, rw.errorf("rotation %s: %s", nm, model.ErrorMessage(err))
		}
		start, err := time.ParseInLocation("2006-01-02", v["start"], loc)
		if err != nil {
			return building{}, rw.errorf("rotation %s: start %q: want a date, YYYY-MM-DD", nm, v["start"])
		}
		every := 1
		if v["every"] != "" {
			if every, err = strconv.Atoi(v["every"]); err != nil || every < 1 {
				return building{}, rw.errorf("rotation %s: every %q: want a number of days, 1 or more", nm, v["every"])
			}
		}
		return building{r: model.JointRotation{Name: nm, Activity: act, Start: start, Every: every}, groups: map[int][]model.NodeCode{}}, nil
	}
	rots, err := eachGroup(name, r, rotationColumns, "rotations", rotation, open, func(rw row, nm string, rot *group[building]) error {
		v, first := rw.val, rot.first
		for _, f := range []string{"activity", "start", "every"} {
			if v[f] != first.val[f] {
				return rw.errorf("rotation %s: %s %q differs from %q on line %d", nm, f, v[f], first.val[f], first.line)
			}
		}
		g, err := strconv.Atoi(strings.TrimSpace(v["group"]))
		if err != nil || g < 1 || g > model.MaxRotationGroups {
			return rw.errorf("rotation %s: group %q: want its turn, 1 to %d", nm, v["group"], model.MaxRotationGroups)
		}
		if _, dup := rot.b.groups[g]; dup {
			return rw.errorf("rotation %s: group %d given twice", nm, g)
		}
		for _, c := range model.SplitCodes(v["grids"]) {
			code, err := model.ParseNodeCode(c)
			if err != nil {
				return rw.errorf("rotation %s, group %d: %s", nm, g, model.ErrorMessage(err))
			}
			rot.b.groups[g] = append(rot.b.groups[g], code)
		}
		if len(rot.b.groups[g]) == 0 {
			return rw.errorf("rotation %s, group %d: no grids", nm, g)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]model.JointRotation, len(rots))
	for i, rot := range rots {
		b := rot.b
		for g := 1; g <= len(b.groups); g++ {
			gs, ok := b.groups[g]
			if !ok {
				return nil, rot.first.errorf("rotation %s: group %d is missing (groups are numbered 1, 2, 3, ...)", b.r.Name, g)
			}
			b.r.Groups = append(b.r.Groups, gs)
		}
		r, err := b.r.Clean()
		if err != nil {
			return nil, rot.first.refuse(err)
		}
		out[i] = r
	}
	return out, nil
}
