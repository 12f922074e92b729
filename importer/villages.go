package importer

import (
	"io"
	"sort"
	"strings"

	"gridcmd/model"
)

// VillageRow is one line of a division list: a village or community with the
// town, county and city above it. Text is cleaned; codes are checked.
type VillageRow struct {
	Code       model.NodeCode // 12 digits: 330784114266
	Name       string         // official name: 渎溪村委会
	TownCode   model.NodeCode // 9 digits: 330784114
	TownName   string         // 花街镇
	CountyCode string         // 6 digits, or "" when the file has none
	CountyName string
	CityCode   string // 4 digits, or ""
	CityName   string
	// The province: 2 digits and its name, from the optional columns
	// province_code and province_name; else the name ProvinceName gives
	// the city code's first two digits.
	ProvinceCode string
	ProvinceName string
}

var villageColumns = []column{
	{key: "code", names: []string{"code"}, required: true},
	{key: "name", names: []string{"name"}, required: true},
	{key: "town_code", names: []string{"town_code"}, required: true},
	{key: "town_name", names: []string{"town_name"}, required: true},
	{key: "county_code", names: []string{"county_code"}},
	{key: "county_name", names: []string{"county_name"}},
	{key: "city_code", names: []string{"city_code"}},
	{key: "city_name", names: []string{"city_name"}},
	{key: "province_code", names: []string{"province_code"}},
	{key: "province_name", names: []string{"province_name"}},
}

// ParseVillages reads a division list: a CSV file with a header line naming
// the columns code, name, town_code and town_name (required) and
// county_code, county_name, city_code, city_name, province_code and
// province_name (optional), in any order; other columns are ignored, and a
// UTF-8 BOM is skipped. name is the file's name for messages. Every text
// field goes through model.CleanText. A county, city or province code
// needs its name, and one code has one name throughout the file.
//
// A bad row fails the whole file with an error naming the file, the line
// and the reason, e.g.
//
//	huajie.csv:7: village code "33078411426" must be 12 digits
//
// The rows come back in file order.
func ParseVillages(name string, r io.Reader) ([]VillageRow, error) {
	seen := map[model.NodeCode]int{} // village code -> line
	type named struct {
		name string
		line int
	}
	towns := map[string]named{} // division code (town, county, city, province) -> its name and first line
	return parseRows(name, r, villageColumns, "no villages after the header", func(rw row) (VillageRow, error) {
		v := rw.val
		row := VillageRow{
			Code: model.NodeCode(v["code"]), Name: v["name"],
			TownCode: model.NodeCode(v["town_code"]), TownName: v["town_name"],
			CountyCode: v["county_code"], CountyName: v["county_name"],
			CityCode: v["city_code"], CityName: v["city_name"],
			ProvinceCode: v["province_code"], ProvinceName: v["province_name"],
		}
		switch {
		case len(row.Code) != 12 || !model.AllDigits(string(row.Code)):
			return row, rw.errorf("village code %q must be 12 digits", row.Code)
		case len(row.TownCode) != 9 || !model.AllDigits(string(row.TownCode)):
			return row, rw.errorf("town code %q must be 9 digits", row.TownCode)
		case !strings.HasPrefix(string(row.Code), string(row.TownCode)):
			return row, rw.errorf("village code %q is not under town code %q", row.Code, row.TownCode)
		case row.CountyCode != "" && (len(row.CountyCode) != 6 || !model.AllDigits(row.CountyCode)):
			return row, rw.errorf("county code %q must be 6 digits", row.CountyCode)
		case row.CountyCode != "" && !strings.HasPrefix(string(row.TownCode), row.CountyCode):
			return row, rw.errorf("town code %q is not under county code %q", row.TownCode, row.CountyCode)
		case row.CityCode != "" && (len(row.CityCode) != 4 || !model.AllDigits(row.CityCode)):
			return row, rw.errorf("city code %q must be 4 digits", row.CityCode)
		case row.CityCode != "" && !strings.HasPrefix(string(row.TownCode), row.CityCode):
			return row, rw.errorf("town code %q is not under city code %q", row.TownCode, row.CityCode)
		case row.ProvinceCode != "" && (len(row.ProvinceCode) != 2 || !model.AllDigits(row.ProvinceCode)):
			return row, rw.errorf("province code %q must be 2 digits", row.ProvinceCode)
		case row.ProvinceCode != "" && !strings.HasPrefix(string(row.TownCode), row.ProvinceCode):
			return row, rw.errorf("town code %q is not under province code %q", row.TownCode, row.ProvinceCode)
		case row.Name == "":
			return row, rw.errorf("village %s: name is empty", row.Code)
		case row.TownName == "":
			return row, rw.errorf("town %s: name is empty", row.TownCode)
		case row.CountyCode != "" && row.CountyName == "":
			return row, rw.errorf("county %s: name is empty", row.CountyCode)
		case row.CityCode != "" && row.CityName == "":
			return row, rw.errorf("city %s: name is empty", row.CityCode)
		case row.ProvinceCode != "" && row.ProvinceName == "":
			return row, rw.errorf("province %s: name is empty", row.ProvinceCode)
		}
		if first, dup := seen[row.Code]; dup {
			return row, rw.errorf("duplicate village code %q (first on line %d)", row.Code, first)
		}
		seen[row.Code] = rw.line
		for _, d := range []struct{ what, code, name string }{
			{"town", string(row.TownCode), row.TownName}, {"county", row.CountyCode, row.CountyName},
			{"city", row.CityCode, row.CityName}, {"province", row.ProvinceCode, row.ProvinceName},
		} {
			if d.code == "" {
				continue
			}
			if t, ok := towns[d.code]; ok && t.name != d.name {
				return row, rw.errorf("%s %s is named %q here but %q on line %d", d.what, d.code, d.name, t.name, t.line)
			} else if !ok {
				towns[d.code] = named{d.name, rw.line}
			}
		}
		return row, nil
	})
}

// DisplayName shortens an official village name for the screen:
// "渎溪村委会" -> "渎溪村", "园丁社区居委会" -> "园丁社区" (and the long forms
// 村民委员会 and 社区居民委员会 likewise). A bare "花街居委会" stays as it is,
// since "花街" alone would read as the town.
func DisplayName(official string) string {
	for _, s := range []struct{ suffix, keep string }{
		{"村民委员会", "村"}, {"村委会", "村"},
		{"社区居民委员会", "社区"}, {"社区居委会", "社区"},
	} {
		if base, ok := strings.CutSuffix(official, s.suffix); ok && base != "" {
			return base + s.keep
		}
	}
	return official
}

// upper is the county, city and province nodes of a row, top-down: each
// only when the one beneath it is named (the county first), a root when the
// one above is not.
func upper(r VillageRow) []model.Node {
	if r.CountyCode == "" {
		return nil
	}
	county := model.Node{Code: model.NodeCode(r.CountyCode), Level: model.LevelCounty, Name: r.CountyName}
	if r.CityCode == "" {
		return []model.Node{county}
	}
	county.Parent = model.NodeCode(r.CityCode)
	city := model.Node{Code: model.NodeCode(r.CityCode), Level: model.LevelCity, Name: r.CityName}
	name := r.ProvinceName
	if name == "" {
		name = ProvinceName(r.CityCode[:2])
	}
	if name == "" {
		return []model.Node{city, county}
	}
	city.Parent = model.NodeCode(r.CityCode[:2])
	return []model.Node{{Code: city.Parent, Level: model.LevelProvince, Name: name}, city, county}
}

// ProvinceName is the name of the province-level division with the given
// two-digit code (GB/T 2260: 33 浙江省), "" for a code that is none.
func ProvinceName(code string) string { return provinces[code] }

var provinces = map[string]string{
	"11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
	"21": "辽宁省", "22": "吉林省", "23": "黑龙江省", "31": "上海市", "32": "江苏省",
	"33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
	"41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区",
	"46": "海南省", "50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省",
	"54": "西藏自治区", "61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区",
	"65": "新疆维吾尔自治区", "71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}

// isCommunity reports whether an official name is an urban community's
// (社区 or 居委会) rather than a village's.
func isCommunity(official string) bool {
	return strings.Contains(official, "社区") || strings.HasSuffix(official, "居委会") ||
		strings.HasSuffix(official, "居民委员会")
}

// TagCommunity marks villages that are urban communities (社区, 居委会).
const TagCommunity = "community"

// Divisions returns the division and village nodes of rows in code order:
// the divisions above the towns that the list names (a town's county, the
// county's city, the city's province: each only when the one beneath it is
// there, so that every node's parent is stored or it is a root), each
// town (named as given), and its villages. A village's Name is DisplayName
// of its official name, kept in Official; communities carry the tag
// TagCommunity. No node holds households.
func Divisions(rows []VillageRow) []model.Node {
	byTown := map[model.NodeCode][]VillageRow{}
	above := map[model.NodeCode]model.Node{}
	var towns []model.NodeCode
	for _, r := range rows {
		if _, ok := byTown[r.TownCode]; !ok {
			towns = append(towns, r.TownCode)
			for _, d := range upper(r) {
				above[d.Code] = d
			}
			above[r.TownCode] = model.Node{Code: r.TownCode, Level: model.LevelTown, Name: r.TownName, Parent: r.TownCode.Parent()}
			if _, ok := above[r.TownCode.Parent()]; !ok {
				t := above[r.TownCode]
				t.Parent = ""
				above[r.TownCode] = t
			}
		}
		byTown[r.TownCode] = append(byTown[r.TownCode], r)
	}
	sort.Slice(towns, func(i, j int) bool { return towns[i] < towns[j] })
	out := make([]model.Node, 0, len(rows)+len(above))
	emitted := map[model.NodeCode]bool{}
	for _, t := range towns {
		var chain []model.Node
		for c := t.Parent(); c != ""; c = c.Parent() {
			if d, ok := above[c]; ok && !emitted[c] {
				chain = append(chain, d)
				emitted[c] = true
			}
		}
		for i := len(chain) - 1; i >= 0; i-- {
			out = append(out, chain[i])
		}
		out = append(out, above[t])
		vs := byTown[t]
		sort.SliceStable(vs, func(i, j int) bool { return vs[i].Code < vs[j].Code })
		for _, v := range vs {
			n := model.Node{
				Code: v.Code, Level: model.LevelVillage, Name: DisplayName(v.Name),
				Official: v.Name, Parent: t,
			}
			if isCommunity(v.Name) {
				n.Tags = []string{TagCommunity}
			}
			out = append(out, n)
		}
	}
	return out
}
