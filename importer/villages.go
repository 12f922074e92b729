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
}

// ParseVillages reads a division list: a CSV file with a header line naming
// the columns code, name, town_code and town_name (required) and
// county_code, county_name, city_code and city_name (optional), in any
// order; other columns are ignored, and a UTF-8 BOM is skipped. name is the
// file's name for messages. Every text field goes through model.CleanText.
//
// A bad row fails the whole file with an error naming the file, the line
// and the reason, e.g.
//
//	huajie.csv:7: village code "33078411426" must be 12 digits
//
// The rows come back in file order.
func ParseVillages(name string, r io.Reader) ([]VillageRow, error) {
	s, err := openSheet(name, r, villageColumns)
	if err != nil {
		return nil, err
	}
	var out []VillageRow
	seen := map[model.NodeCode]int{} // village code -> line
	towns := map[model.NodeCode]struct {
		name string
		line int
	}{}
	for {
		rw, err := s.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		v := rw.val
		bad := func(format string, args ...any) ([]VillageRow, error) {
			return nil, s.errorf(rw.line, format, args...)
		}
		row := VillageRow{
			Code: model.NodeCode(v["code"]), Name: v["name"],
			TownCode: model.NodeCode(v["town_code"]), TownName: v["town_name"],
			CountyCode: v["county_code"], CountyName: v["county_name"],
			CityCode: v["city_code"], CityName: v["city_name"],
		}
		switch {
		case len(row.Code) != 12 || !allDigits(string(row.Code)):
			return bad("village code %q must be 12 digits", row.Code)
		case len(row.TownCode) != 9 || !allDigits(string(row.TownCode)):
			return bad("town code %q must be 9 digits", row.TownCode)
		case !strings.HasPrefix(string(row.Code), string(row.TownCode)):
			return bad("village code %q is not under town code %q", row.Code, row.TownCode)
		case row.CountyCode != "" && (len(row.CountyCode) != 6 || !allDigits(row.CountyCode)):
			return bad("county code %q must be 6 digits", row.CountyCode)
		case row.CountyCode != "" && !strings.HasPrefix(string(row.TownCode), row.CountyCode):
			return bad("town code %q is not under county code %q", row.TownCode, row.CountyCode)
		case row.CityCode != "" && (len(row.CityCode) != 4 || !allDigits(row.CityCode)):
			return bad("city code %q must be 4 digits", row.CityCode)
		case row.CityCode != "" && !strings.HasPrefix(string(row.TownCode), row.CityCode):
			return bad("town code %q is not under city code %q", row.TownCode, row.CityCode)
		case row.Name == "":
			return bad("village %s: name is empty", row.Code)
		case row.TownName == "":
			return bad("town %s: name is empty", row.TownCode)
		}
		if first, dup := seen[row.Code]; dup {
			return bad("duplicate village code %q (first on line %d)", row.Code, first)
		}
		seen[row.Code] = rw.line
		if t, ok := towns[row.TownCode]; ok && t.name != row.TownName {
			return bad("town %s is named %q here but %q on line %d", row.TownCode, row.TownName, t.name, t.line)
		} else if !ok {
			towns[row.TownCode] = struct {
				name string
				line int
			}{row.TownName, rw.line}
		}
		out = append(out, row)
	}
	if len(out) == 0 {
		return nil, model.Errorf(model.EINVALID, "%s: no villages after the header", name)
	}
	return out, nil
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

// isCommunity reports whether an official name is an urban community's
// (社区 or 居委会) rather than a village's.
func isCommunity(official string) bool {
	return strings.Contains(official, "社区") || strings.HasSuffix(official, "居委会") ||
		strings.HasSuffix(official, "居民委员会")
}

// TagCommunity marks villages that are urban communities (社区, 居委会).
const TagCommunity = "community"

// Divisions returns the town and village nodes of rows: each town (named as
// given), followed by its villages, both in code order. A village's Name is
// DisplayName of its official name, kept in Official; communities carry the
// tag TagCommunity. No node holds households.
func Divisions(rows []VillageRow) []model.Node {
	byTown := map[model.NodeCode][]VillageRow{}
	townName := map[model.NodeCode]string{}
	var towns []model.NodeCode
	for _, r := range rows {
		if _, ok := byTown[r.TownCode]; !ok {
			towns = append(towns, r.TownCode)
			townName[r.TownCode] = r.TownName
		}
		byTown[r.TownCode] = append(byTown[r.TownCode], r)
	}
	sort.Slice(towns, func(i, j int) bool { return towns[i] < towns[j] })
	out := make([]model.Node, 0, len(rows)+len(towns))
	for _, t := range towns {
		out = append(out, model.Node{Code: t, Level: model.LevelTown, Name: townName[t]})
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
