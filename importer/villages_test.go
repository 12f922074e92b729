package importer

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/data"
	"gridcmd/model"
)

const header = "code,name,town_code,town_name,county_code,county_name,city_code,city_name\n"

func line(code, name string) string {
	return code + "," + name + ",330784114,花街镇,330784,永康市,3307,金华市\n"
}

func TestParseVillagesHuajie(t *testing.T) {
	rows, err := ParseVillages("huajie-villages.csv", bytes.NewReader(data.HuajieVillages))
	require.NoError(t, err)
	require.Len(t, rows, 27)
	assert.Equal(t, VillageRow{
		Code: "330784114001", Name: "花街居委会", TownCode: "330784114", TownName: "花街镇",
		CountyCode: "330784", CountyName: "永康市", CityCode: "3307", CityName: "金华市",
	}, rows[0])
	var duxi VillageRow
	for _, r := range rows {
		assert.Equal(t, model.NodeCode("330784114"), r.TownCode)
		if r.Code == "330784114266" {
			duxi = r
		}
	}
	assert.Equal(t, "渎溪村委会", duxi.Name)
}

func TestParseVillagesYongkang(t *testing.T) {
	rows, err := ParseVillages("yongkang-villages.csv", bytes.NewReader(data.YongkangVillages))
	require.NoError(t, err)
	assert.Len(t, rows, 452)
	towns := map[model.NodeCode]string{}
	for _, r := range rows {
		towns[r.TownCode] = r.TownName
	}
	assert.Len(t, towns, 14)
	assert.Equal(t, "花街镇", towns["330784114"])
	assert.Equal(t, "东城街道", towns["330784001"])

	div := Divisions(rows)
	assert.Len(t, div, 452+14+3) // and 永康市, 金华市, 浙江省 above the towns
	assert.Equal(t, []model.Node{
		{Code: "33", Level: model.LevelProvince, Name: "浙江省"},
		{Code: "3307", Level: model.LevelCity, Name: "金华市", Parent: "33"},
		{Code: "330784", Level: model.LevelCounty, Name: "永康市", Parent: "3307"},
		{Code: "330784001", Level: model.LevelTown, Name: "东城街道", Parent: "330784"},
	}, div[:4])
	for i, n := range div {
		require.NoError(t, n.Validate())
		if i > 0 {
			assert.Less(t, div[i-1].Code, n.Code, "code order")
		}
	}
}

func TestParseVillagesLayout(t *testing.T) {
	// BOM, columns in another order, an extra column, CRLF, optional
	// columns missing, and control characters to clean.
	in := "\ufeffTown_Name,extra,code,town_code,name\r\n" +
		"花街镇,x,330784114266,330784114,\"渎溪\x1b[31m村委会\t\"\r\n" +
		"花街镇,y,330784114001,330784114,花街居委会\r\n"
	rows, err := ParseVillages("v.csv", strings.NewReader(in))
	require.NoError(t, err)
	assert.Equal(t, []VillageRow{
		{Code: "330784114266", Name: "渎溪村委会", TownCode: "330784114", TownName: "花街镇"},
		{Code: "330784114001", Name: "花街居委会", TownCode: "330784114", TownName: "花街镇"},
	}, rows)
}

func TestParseVillagesErrors(t *testing.T) {
	good := line("330784114001", "花街居委会") + line("330784114002", "八字墙居委会") +
		line("330784114200", "倪宅村委会") + line("330784114202", "杨杭村委会") +
		line("330784114213", "尚仁村委会")
	tests := []struct {
		name, file, in, want string
	}{
		{"short code", "huajie.csv", header + good + line("33078411426", "渎溪村委会"),
			`huajie.csv:7: village code "33078411426" must be 12 digits`},
		{"letters in code", "v.csv", header + line("33078411426x", "渎溪村委会"),
			`v.csv:2: village code "33078411426x" must be 12 digits`},
		{"missing column", "v.csv", "code,name,town_name\n330784114266,渎溪村委会,花街镇\n",
			`v.csv:1: missing column "town_code"`},
		{"duplicate header", "v.csv", "code,name,town_code,town_name,Name\n",
			`v.csv:1: columns 2 ("name") and 5 ("Name") both give name`},
		{"column count", "v.csv", header + line("330784114001", "花街居委会") + "330784114266,渎溪村委会,330784114\n",
			`v.csv:3: 3 columns, want 8 as in the header`},
		{"not under town", "v.csv", header + "330784115001,芝英一村委会,330784114,花街镇,330784,永康市,3307,金华市\n",
			`v.csv:2: village code "330784115001" is not under town code "330784114"`},
		{"bad town code", "v.csv", header + "330784114001,花街居委会,33078411,花街镇,330784,永康市,3307,金华市\n",
			`v.csv:2: town code "33078411" must be 9 digits`},
		{"not under county", "v.csv", header + "330784114001,花街居委会,330784114,花街镇,330783,东阳市,3307,金华市\n",
			`v.csv:2: town code "330784114" is not under county code "330783"`},
		{"duplicate code", "v.csv", header + good + line("330784114200", "倪宅村委会"),
			`v.csv:7: duplicate village code "330784114200" (first on line 4)`},
		{"invalid UTF-8", "v.csv", header + line("330784114001", "花街\xff居委会"),
			`v.csv:2: column name: invalid UTF-8`},
		{"invalid UTF-8 header", "v.csv", "code,name\xfe,town_code,town_name\n",
			`v.csv:1: header column 2: invalid UTF-8`},
		{"empty name", "v.csv", header + good + line("330784114266", " \x1b[0m "),
			`v.csv:7: village 330784114266: name is empty`},
		{"empty town name", "v.csv", header + "330784114001,花街居委会,330784114,,330784,永康市,3307,金华市\n",
			`v.csv:2: town 330784114: name is empty`},
		{"town renamed", "v.csv", header + good + "330784114266,渎溪村委会,330784114,华街镇,330784,永康市,3307,金华市\n",
			`v.csv:7: town 330784114 is named "华街镇" here but "花街镇" on line 2`},
		{"county renamed", "v.csv", header + good + "330784114266,渎溪村委会,330784114,花街镇,330784,永康县,3307,金华市\n",
			`v.csv:7: county 330784 is named "永康县" here but "永康市" on line 2`},
		{"county without a name", "v.csv", header + "330784114001,花街居委会,330784114,花街镇,330784,,3307,金华市\n",
			`v.csv:2: county 330784: name is empty`},
		{"bad province code", "v.csv", "code,name,town_code,town_name,province_code,province_name\n330784114001,花街居委会,330784114,花街镇,3,浙江\n",
			`v.csv:2: province code "3" must be 2 digits`},
		{"not under province", "v.csv", "code,name,town_code,town_name,province_code,province_name\n330784114001,花街居委会,330784114,花街镇,32,江苏省\n",
			`v.csv:2: town code "330784114" is not under province code "32"`},
		{"bare quote", "v.csv", header + "330784114001,花街\"居委会,330784114,花街镇,,,,\n",
			`v.csv:2: bare " in non-quoted-field`},
		{"empty file", "v.csv", "",
			`v.csv: empty file; want a header line naming the columns (code,name,town_code,town_name,county_code,county_name,city_code,city_name,province_code,province_name)`},
		{"header only", "v.csv", header, `v.csv: no villages after the header`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := ParseVillages(tt.file, strings.NewReader(tt.in))
			assert.EqualError(t, err, tt.want)
			assert.Equal(t, model.EINVALID, model.ErrorCode(err))
			assert.Nil(t, rows)
		})
	}
}

func TestDisplayName(t *testing.T) {
	for official, want := range map[string]string{
		"渎溪村委会":      "渎溪村",
		"园丁社区居委会":    "园丁社区",
		"花街居委会":      "花街居委会",
		"城西新区集体户居委会": "城西新区集体户居委会",
		"下园村民委员会":    "下园村",
		"南苑社区居民委员会":  "南苑社区",
		"村委会":        "村委会",
	} {
		assert.Equal(t, want, DisplayName(official), official)
	}
}

func TestDivisionsAboveTheTown(t *testing.T) {
	// Without the county's columns a town is a root; with a county but no
	// city the county is; a province column names the province.
	rows, err := ParseVillages("v.csv", strings.NewReader("code,name,town_code,town_name\n330784114266,渎溪村委会,330784114,花街镇\n"))
	require.NoError(t, err)
	assert.Equal(t, model.Node{Code: "330784114", Level: model.LevelTown, Name: "花街镇"}, Divisions(rows)[0])
	rows, err = ParseVillages("v.csv", strings.NewReader("code,name,town_code,town_name,county_code,county_name\n330784114266,渎溪村委会,330784114,花街镇,330784,永康市\n"))
	require.NoError(t, err)
	div := Divisions(rows)
	assert.Equal(t, []model.Node{{Code: "330784", Level: model.LevelCounty, Name: "永康市"},
		{Code: "330784114", Level: model.LevelTown, Name: "花街镇", Parent: "330784"}}, div[:2])
	rows, err = ParseVillages("v.csv", strings.NewReader(header[:len(header)-1]+",province_code,province_name\n"+
		"330784114266,渎溪村委会,330784114,花街镇,330784,永康市,3307,金华市,33,浙江\n"))
	require.NoError(t, err)
	assert.Equal(t, model.Node{Code: "33", Level: model.LevelProvince, Name: "浙江"}, Divisions(rows)[0])
	for _, n := range Divisions(rows) {
		require.NoError(t, n.Validate())
	}
	assert.Equal(t, "浙江省", ProvinceName("33"))
	assert.Empty(t, ProvinceName("99"))
}

func TestDivisions(t *testing.T) {
	rows, err := ParseVillages("huajie-villages.csv", bytes.NewReader(data.HuajieVillages))
	require.NoError(t, err)
	div := Divisions(rows)
	require.Len(t, div, 31)
	assert.Equal(t, model.Node{Code: "330784114", Level: model.LevelTown, Name: "花街镇", Parent: "330784"}, div[3])
	div = div[3:]
	assert.Equal(t, model.Node{
		Code: "330784114001", Level: model.LevelVillage, Name: "花街居委会", Official: "花街居委会",
		Parent: "330784114", Tags: []string{TagCommunity},
	}, div[1])
	for _, n := range div[1:] {
		if n.Code == "330784114266" {
			assert.Equal(t, "渎溪村", n.Name)
			assert.Equal(t, "渎溪村委会", n.Official)
			assert.Empty(t, n.Tags)
		}
	}
}
