// Package importer reads the files gridcmd takes from outside — official
// division lists (villages under towns) and rosters of people — and
// generates the lower storeys of the grid tower for villages that have no
// grid plan on file yet.
//
// Every parser reads CSV with a header line (columns by name, any order,
// extra columns ignored, an optional UTF-8 BOM), passes every text field
// through model.CleanText, and refuses the whole file at the first bad row
// with an error "file:line: reason".
//
// # The default generator rule
//
// Generate builds, for every village, a plausible tower below it. Each
// number comes from a hash (FNV-1a, then a 64-bit mix) of GenRule.Seed, the
// node's code and a salt, so the same rows and rule give the same nodes on
// every machine and in every order of the rows:
//
//   - grids per village: 2 + (the 12-digit village code mod 3), that is 2 to
//     4; GenRule.GridsPerVillage, when above 0, sets it for every village
//     instead (99 at most).
//   - micro-grids per grid: 2 or 3, from a hash of the grid's code.
//   - households per micro-grid: 50 to 80, from a hash of the micro-grid's
//     code (the article's "50-80 households, the smallest combat unit").
//   - household contact units (包联组) per micro-grid: units of 6 to 10
//     households each, drawn from hashes; the last unit takes the rest, and
//     the draws are steered so that it too holds 6 to 10 (see
//     HouseholdUnits).
//
// Names are short and uniform: grids "01网格", micro-grids "01微网格",
// household units "01包联组", numbered from 01 as in their codes. Households
// are held on household units only; model.BuildTower rolls them up.
package importer

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"strconv"

	"gridcmd/model"
)

// GenRule parameterises Generate.
type GenRule struct {
	// GridsPerVillage is the number of grids in every village; 0 takes the
	// default rule, 2 + (village code mod 3). At most 99.
	GridsPerVillage int
	// Seed varies the micro-grids, households and units drawn.
	Seed int64
}

// Household-unit sizes: a contact person keeps in touch with a handful of
// households.
const (
	MinUnitHouseholds = 6
	MaxUnitHouseholds = 10
)

// Generate returns the towns and villages of rows (as Divisions does) with a
// generated tower below each village, following the default rule in the
// package comment. Nodes come in code order, each parent before its
// children. The result depends only on the set of rows (as ParseVillages
// returns them: no code twice) and on rule, not on their order.
func Generate(rows []VillageRow, rule GenRule) []model.Node {
	div := Divisions(rows)
	out := make([]model.Node, 0, len(div)*40)
	for _, n := range div {
		out = append(out, n)
		if n.Level == model.LevelVillage {
			out = AppendVillagePlan(out, n.Code, rule)
		}
	}
	return out
}

// AppendVillagePlan appends the generated tower below one village (its
// grids, micro-grids and household units, not the village) to out, in
// code order, as Generate makes it: an import streams a long list village
// by village with it.
func AppendVillagePlan(out []model.Node, village model.NodeCode, rule GenRule) []model.Node {
	for g := 1; g <= gridsPerVillage(village, rule); g++ {
		grid := GridNode(village, g)
		out = append(out, grid)
		micro := 2 + int(mix(rule.Seed, grid.Code, "micro-grids")%2)
		for m := 1; m <= micro; m++ {
			mg := MicroGridNode(grid.Code, m)
			out = append(out, mg)
			hh := 50 + int(mix(rule.Seed, mg.Code, "households")%31)
			out = appendHouseholdUnits(out, mg.Code, hh, rule.Seed)
		}
	}
	return out
}

func gridsPerVillage(village model.NodeCode, rule GenRule) int {
	if rule.GridsPerVillage > 0 {
		return min(rule.GridsPerVillage, 99)
	}
	code, _ := strconv.ParseUint(string(village), 10, 64)
	return 2 + int(code%3)
}

// GridNode is the n-th grid (1-99) of a village: code village-NN, name "NN网格".
func GridNode(village model.NodeCode, n int) model.Node {
	return model.Node{
		Code: village.Child(n), Level: model.LevelGrid, Parent: village,
		Name: fmt.Sprintf("%02d网格", n),
	}
}

// MicroGridNode is the n-th micro-grid (1-99) of a grid: code grid-NN, name
// "NN微网格".
func MicroGridNode(grid model.NodeCode, n int) model.Node {
	return model.Node{
		Code: grid.Child(n), Level: model.LevelMicroGrid, Parent: grid,
		Name: fmt.Sprintf("%02d微网格", n),
	}
}

// UnitNode is the n-th household contact unit (1-99) of a micro-grid, holding
// households: code micro-NN, name "NN包联组".
func UnitNode(micro model.NodeCode, n, households int) model.Node {
	return model.Node{
		Code: micro.Child(n), Level: model.LevelHousehold, Parent: micro,
		Name: fmt.Sprintf("%02d包联组", n), Households: households,
	}
}

// HouseholdUnits splits a micro-grid's households into contact units of
// MinUnitHouseholds to MaxUnitHouseholds each. Sizes are drawn from a hash
// of seed and the micro-grid's code; the last unit takes the rest, and a
// draw that would leave a rest no unit can hold (under 6, or 11) is moved
// by one or clamped, so for 12 households or more every unit holds 6 to
// 10. Fewer than 12 make a single unit; 0 or fewer make none. The 99th unit
// takes whatever is left.
func HouseholdUnits(micro model.NodeCode, households int, seed int64) []model.Node {
	return appendHouseholdUnits(nil, micro, households, seed)
}

func appendHouseholdUnits(out []model.Node, micro model.NodeCode, households int, seed int64) []model.Node {
	for rest, n := households, 1; rest > 0; n++ {
		size := rest
		if rest > MaxUnitHouseholds && rest != MaxUnitHouseholds+1 && n < 99 {
			span := MaxUnitHouseholds - MinUnitHouseholds + 1
			size = MinUnitHouseholds + int(mix(seed, micro, "unit"+strconv.Itoa(n))%uint64(span))
			size = min(size, rest-MinUnitHouseholds)
			if rest-size == MaxUnitHouseholds+1 {
				if size < MaxUnitHouseholds {
					size++
				} else {
					size--
				}
			}
		}
		out = append(out, UnitNode(micro, n, size))
		rest -= size
	}
	return out
}

// mix hashes seed, a code and a salt to 64 well-mixed bits: FNV-1a, then
// the splitmix64 finaliser (FNV's low bits alone are poor for small moduli).
func mix(seed int64, code model.NodeCode, salt string) uint64 {
	h := fnv.New64a()
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(seed))
	h.Write(b[:])
	h.Write([]byte(salt))
	h.Write([]byte{0})
	h.Write([]byte(code))
	x := h.Sum64()
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
