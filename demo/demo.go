// Package demo builds gridcmd's demonstration data: the real Huajie town
// (花街镇, Yongkang) as the article describes it, with its 27 real villages
// and communities, the town's own figures for the tower and the roster, and
// a morning's worth of incidents in every status and tier, among them the
// article's own case (cargo spilled across the 330 national road in Duxi
// village, grid 2).
//
// Everything is deterministic from a seed: the same seed gives identical
// data and script; another seed gives other names, phones and household
// counts, but the same structure and figures.
//
// # The figures
//
//   - 1 town, 27 villages and communities (data/huajie-villages.csv).
//   - 82 grids: 3 per village, plus a 4th in 渎溪村 (330784114266).
//   - 232 micro-grids: 2 or 3 per grid, fixed (68 grids with 3, 14 with 2,
//     spread evenly in code order), each with 50-80 households (seeded;
//     about 15,100 in all), split into household contact units of 6-10
//     households (importer.HouseholdUnits) with a contact person each.
//   - 1035 grid staff: per grid a grid leader, 2 full-time grid workers and
//     9 or 10 part-time ones (789 in all, spread evenly).
//   - A micro-grid worker on every micro-grid except 6, the wartime gaps
//     (see Data.Gaps), spread over six villages.
//   - Per village 2 or 3 village cadres (2 + code mod 2); per grid a reserve
//     pool of 3 (a party activist, a volunteer, an active villager).
//   - At the town: 6 duty officers (2 on duty), 13 patrollers and 1 liaison.
//
// # Person ids
//
// Data.People carries no ids: the store assigns them 1..N in the order of
// the slice, so the person at index i gets model.PersonID(i+1). The script
// names its actors by those ids, and Load checks that the store kept the
// contract.
package demo

import (
	"bytes"
	"fmt"
	"math/rand/v2"

	"gridcmd/data"
	"gridcmd/importer"
	"gridcmd/model"
)

// Codes and figures of the demo.
const (
	Town        model.NodeCode = "330784114"       // 花街镇
	Duxi        model.NodeCode = "330784114266"    // 渎溪村, the village with a 4th grid
	ArticleGrid model.NodeCode = "330784114266-02" // 渎溪村 grid 2, the article's case

	Villages     = 27
	Grids        = 82
	MicroGrids   = 232
	GridStaff    = 1035
	GapCount     = 6
	DutyOfficers = 6
	Patrollers   = 13
	Liaisons     = 1
)

// Data is the demo's tower and roster.
type Data struct {
	Nodes  []model.Node   // in code order, parents first
	People []model.Person // no ids: the person at index i gets PersonID(i+1)
	Gaps   []model.NodeCode
}

// ID returns the id the store gives the person at index i of Data.People.
func ID(i int) model.PersonID { return model.PersonID(i + 1) }

// villages returns the parsed Huajie list; the embedded file is part of the
// build, so a failure is a bug.
func villages() []importer.VillageRow {
	rows, err := importer.ParseVillages("huajie-villages.csv", bytes.NewReader(data.HuajieVillages))
	if err != nil {
		panic(fmt.Sprintf("demo: embedded village list: %v", err))
	}
	return rows
}

// spread reports whether the i-th of n slots gets one of k extras, spacing
// the k extras evenly over the n slots.
func spread(i, k, n int) bool { return (i+1)*k/n > i*k/n }

// gapVillages are the indexes (in code order) of the villages that hold a
// gap, and gap j sits in the last micro-grid of grid j%3+1 there.
var gapVillages = [GapCount]int{2, 6, 11, 15, 20, 24}

// Build returns the demo data for seed.
func Build(seed int64) Data {
	r := rand.New(rand.NewPCG(uint64(seed), 0x4875616a6965)) // "Huajie"
	names := newNameGen(r)
	var d Data
	person := func(node model.NodeCode, role model.Role, onDuty bool) *model.Person {
		d.People = append(d.People, model.Person{
			Name: names.name(), Phone: names.phone(), Node: node,
			Roles: []model.Role{role}, OnDuty: onDuty,
		})
		return &d.People[len(d.People)-1]
	}

	// The demo is the town alone: the county, city and province the list
	// names above it are left out, and the town is the file's root.
	div := importer.Divisions(villages())
	for len(div) > 0 && div[0].Level != model.LevelTown {
		div = div[1:]
	}
	town := div[0]
	town.Parent = ""
	d.Nodes = append(d.Nodes, town)
	for i := range DutyOfficers {
		person(Town, model.RoleDutyOfficer, i < 2)
	}
	for range Patrollers {
		person(Town, model.RolePatroller, r.IntN(4) != 0)
	}
	for range Liaisons {
		person(Town, model.RoleLiaison, true)
	}

	gi := 0 // grid index over the town
	for vi, v := range div[1:] {
		d.Nodes = append(d.Nodes, v)
		code := v.Code
		cadres := 2 + int(code[len(code)-1]-'0')%2
		for c := range cadres {
			person(code, model.RoleVillageCadre, c == 0)
		}
		grids := 3
		if code == Duxi {
			grids = 4
		}
		for g := 1; g <= grids; g, gi = g+1, gi+1 {
			grid := importer.GridNode(code, g)
			d.Nodes = append(d.Nodes, grid)
			person(grid.Code, model.RoleGridLeader, true)
			for range 2 {
				person(grid.Code, model.RoleGridWorkerFull, true)
			}
			parttime := 9
			if spread(gi, 789-9*Grids, Grids) {
				parttime = 10
			}
			for range parttime {
				person(grid.Code, model.RoleGridWorkerPart, r.IntN(10) < 3)
			}
			for _, k := range []model.ReserveKind{model.ReserveActivist, model.ReserveVolunteer, model.ReserveVillager} {
				person(grid.Code, model.RoleReserve, false).Reserve = k
			}
			micro := 2
			if spread(gi, MicroGrids-2*Grids, Grids) {
				micro = 3
			}
			for m := 1; m <= micro; m++ {
				mg := importer.MicroGridNode(grid.Code, m)
				d.Nodes = append(d.Nodes, mg)
				if isGap(vi, g, m, micro) {
					d.Gaps = append(d.Gaps, mg.Code)
				} else {
					person(mg.Code, model.RoleMicroGridWorker, r.IntN(10) < 4)
				}
				for _, u := range importer.HouseholdUnits(mg.Code, 50+r.IntN(31), seed) {
					d.Nodes = append(d.Nodes, u)
					person(u.Code, model.RoleContactPerson, false)
				}
			}
		}
	}
	return d
}

// isGap reports whether micro-grid m (of micro) of grid g in the vi-th
// village is one of the wartime gaps.
func isGap(vi, g, m, micro int) bool {
	for j, v := range gapVillages {
		if v == vi && g == j%3+1 && m == micro {
			return true
		}
	}
	return false
}
