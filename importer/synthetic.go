package importer

import (
	"bufio"
	"fmt"
	"io"
)

// The shape of a synthetic division list: a province made of cities made
// of counties made of towns, each town of SyntheticVillagesPerTown
// villages, so that one city holds 3,300 villages (the size of Jinhua's)
// and 25,000 villages make a province of eight cities.
const (
	SyntheticVillagesPerTown  = 20
	SyntheticTownsPerCounty   = 15
	SyntheticCountiesPerCity  = 11
	SyntheticVillagesPerCity  = SyntheticVillagesPerTown * SyntheticTownsPerCounty * SyntheticCountiesPerCity
	syntheticProvince         = "99" // a code no province has: the list cannot be mistaken for a real one
	syntheticProvinceName     = "测试省"
	syntheticVillageCodeFirst = 200 // villages 200, 201, ... in each town (as 村委会 codes are)
)

// WriteSyntheticList writes a division list of villages villages in the
// columns ParseVillages reads (province_code and province_name included),
// for tests and benchmarks of files bigger than the lists gridcmd ships:
// province 99 测试省, cities 9901.., counties 990101.., towns
// 990101001.., villages 990101001200..; the first town of the first county
// of the first city holds the first SyntheticVillagesPerTown villages.
// Deterministic. It returns how many towns it wrote.
func WriteSyntheticList(w io.Writer, villages int) (towns int, err error) {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "code,name,town_code,town_name,county_code,county_name,city_code,city_name,province_code,province_name")
	for v := 0; v < villages; v++ {
		t := v / SyntheticVillagesPerTown
		c := t / SyntheticTownsPerCounty
		city := c / SyntheticCountiesPerCity
		cityCode := fmt.Sprintf("%s%02d", syntheticProvince, city+1)
		countyCode := fmt.Sprintf("%s%02d", cityCode, c%SyntheticCountiesPerCity+1)
		townCode := fmt.Sprintf("%s%03d", countyCode, t%SyntheticTownsPerCounty+1)
		code := fmt.Sprintf("%s%03d", townCode, syntheticVillageCodeFirst+v%SyntheticVillagesPerTown)
		fmt.Fprintf(bw, "%s,测试%d村委会,%s,测试%d镇,%s,测试%d县,%s,测试%d市,%s,%s\n", code, v+1, townCode, t+1,
			countyCode, c+1, cityCode, city+1, syntheticProvince, syntheticProvinceName)
		towns = t + 1
	}
	return towns, bw.Flush()
}

// SyntheticTown is the code of the first town of a synthetic list, and
// SyntheticCounty and SyntheticCity those above it.
const (
	SyntheticTown   = "990101001"
	SyntheticCounty = "990101"
	SyntheticCity   = "9901"
)
