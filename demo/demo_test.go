package demo

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gridcmd/model"
)

// figures counts what the tests check about a Data.
type figures struct {
	levels map[model.Level]int
	roles  map[model.Role]int
}

func count(d Data) figures {
	f := figures{levels: map[model.Level]int{}, roles: map[model.Role]int{}}
	for _, n := range d.Nodes {
		f.levels[n.Level]++
	}
	for _, p := range d.People {
		for _, r := range p.Roles {
			f.roles[r]++
		}
	}
	return f
}

func TestBuildFigures(t *testing.T) {
	for _, seed := range []int64{1, 2026} {
		d := Build(seed)
		nodes := map[model.NodeCode]model.Node{}
		children := map[model.NodeCode][]model.NodeCode{}
		for i, n := range d.Nodes {
			require.NoError(t, n.Validate())
			if i > 0 {
				require.Less(t, d.Nodes[i-1].Code, n.Code, "code order")
				_, ok := nodes[n.Parent]
				require.True(t, ok, "parent of %s", n.Code)
			}
			nodes[n.Code] = n
			children[n.Parent] = append(children[n.Parent], n.Code)
		}
		f := count(d)
		assert.Equal(t, map[model.Level]int{
			model.LevelTown: 1, model.LevelVillage: Villages, model.LevelGrid: Grids,
			model.LevelMicroGrid: MicroGrids, model.LevelHousehold: f.levels[model.LevelHousehold],
		}, f.levels)
		assert.Equal(t, Town, d.Nodes[0].Code)
		assert.Equal(t, "花街镇", d.Nodes[0].Name)
		assert.Equal(t, "渎溪村", nodes[Duxi].Name)
		assert.Equal(t, "02网格", nodes[ArticleGrid].Name)

		total := 0
		for c, n := range nodes {
			switch n.Level {
			case model.LevelVillage:
				want := 3
				if c == Duxi {
					want = 4
				}
				assert.Len(t, children[c], want, "grids of %s", c)
			case model.LevelGrid:
				assert.Contains(t, []int{2, 3}, len(children[c]), "micro-grids of %s", c)
			case model.LevelMicroGrid:
				hh := 0
				for _, u := range children[c] {
					hh += nodes[u].Households
				}
				assert.GreaterOrEqual(t, hh, 50, c)
				assert.LessOrEqual(t, hh, 80, c)
				total += hh
			case model.LevelHousehold:
				assert.GreaterOrEqual(t, n.Households, 6, c)
				assert.LessOrEqual(t, n.Households, 10, c)
				assert.Empty(t, children[c])
			}
			if n.Level != model.LevelHousehold {
				assert.Zero(t, n.Households, c)
			}
		}
		assert.InDelta(t, 15100, total, 600, "households")
		tower := model.BuildTower(d.Nodes, d.People, nil, nil)
		assert.Equal(t, total, tower.Nodes[Town].Households)

		// People.
		phones := map[string]bool{}
		gridStaff := 0
		workers := map[model.NodeCode]int{}
		contacts := map[model.NodeCode]int{}
		cadres := map[model.NodeCode]int{}
		leaders := map[model.NodeCode]int{}
		reserves := map[model.NodeCode][]model.ReserveKind{}
		onDuty := map[model.Role]int{}
		for _, p := range d.People {
			require.NoError(t, p.Validate())
			require.Len(t, p.Roles, 1)
			assert.Zero(t, p.ID)
			n, ok := nodes[p.Node]
			require.True(t, ok, "%s at %s", p.Name, p.Node)
			require.Regexp(t, `^1[3-9][0-9]{9}$`, p.Phone)
			require.False(t, phones[p.Phone], "phone %s twice", p.Phone)
			phones[p.Phone] = true
			assert.True(t, utf8.RuneCountInString(p.Name) >= 2 && utf8.RuneCountInString(p.Name) <= 3, p.Name)
			if p.IsGridStaff() {
				gridStaff++
			}
			if p.OnDuty {
				onDuty[p.Roles[0]]++
			}
			want := map[model.Role]model.Level{
				model.RoleDutyOfficer: model.LevelTown, model.RolePatroller: model.LevelTown, model.RoleLiaison: model.LevelTown,
				model.RoleVillageCadre: model.LevelVillage, model.RoleGridLeader: model.LevelGrid,
				model.RoleGridWorkerFull: model.LevelGrid, model.RoleGridWorkerPart: model.LevelGrid,
				model.RoleReserve: model.LevelGrid, model.RoleMicroGridWorker: model.LevelMicroGrid,
				model.RoleContactPerson: model.LevelHousehold,
			}[p.Roles[0]]
			assert.Equal(t, want, n.Level, "%s (%s) at %s", p.Name, p.Roles[0], p.Node)
			switch p.Roles[0] {
			case model.RoleGridLeader:
				leaders[p.Node]++
				assert.True(t, p.OnDuty, "grid leaders are on duty")
			case model.RoleMicroGridWorker:
				workers[p.Node]++
			case model.RoleContactPerson:
				contacts[p.Node]++
			case model.RoleVillageCadre:
				cadres[p.Node]++
			case model.RoleReserve:
				reserves[p.Node] = append(reserves[p.Node], p.Reserve)
			}
		}
		assert.Equal(t, GridStaff, gridStaff)
		assert.Equal(t, Grids, f.roles[model.RoleGridLeader])
		assert.Equal(t, 2*Grids, f.roles[model.RoleGridWorkerFull])
		assert.Equal(t, GridStaff-3*Grids, f.roles[model.RoleGridWorkerPart])
		assert.Equal(t, MicroGrids-GapCount, f.roles[model.RoleMicroGridWorker])
		assert.Equal(t, f.levels[model.LevelHousehold], f.roles[model.RoleContactPerson])
		assert.Equal(t, DutyOfficers, f.roles[model.RoleDutyOfficer])
		assert.Equal(t, 2, onDuty[model.RoleDutyOfficer])
		assert.Equal(t, Patrollers, f.roles[model.RolePatroller])
		assert.Equal(t, Liaisons, f.roles[model.RoleLiaison])
		assert.Equal(t, 3*Grids, f.roles[model.RoleReserve])

		var gaps []model.NodeCode
		gapVillages := map[model.NodeCode]bool{}
		for c, n := range nodes {
			switch n.Level {
			case model.LevelVillage:
				assert.Contains(t, []int{2, 3}, cadres[c], "cadres of %s", c)
			case model.LevelGrid:
				assert.Equal(t, 1, leaders[c], "grid leader of %s", c)
				assert.ElementsMatch(t, []model.ReserveKind{model.ReserveActivist, model.ReserveVolunteer, model.ReserveVillager}, reserves[c])
			case model.LevelMicroGrid:
				if workers[c] == 0 {
					gaps = append(gaps, c)
					gapVillages[c.Village()] = true
				} else {
					assert.Equal(t, 1, workers[c])
				}
			case model.LevelHousehold:
				assert.Equal(t, 1, contacts[c], "contact person of %s", c)
			}
		}
		assert.ElementsMatch(t, d.Gaps, gaps)
		assert.Len(t, gaps, GapCount)
		assert.Len(t, gapVillages, GapCount, "gaps spread over villages")
		assert.Equal(t, GridStaff+MicroGrids-GapCount, tower.Nodes[Town].Staff)
	}
}

func TestBuildDeterministic(t *testing.T) {
	a, b := Build(7), Build(7)
	assert.Equal(t, a, b)
	c := Build(8)
	assert.NotEqual(t, a.People[0].Name+a.People[1].Name+a.People[2].Name, c.People[0].Name+c.People[1].Name+c.People[2].Name)
	assert.NotEqual(t, a.People[0].Phone, c.People[0].Phone)

	// The same structure, whatever the seed: every level but the household
	// units, and every role but the contact persons (one per unit).
	fa, fc := count(a), count(c)
	delete(fa.levels, model.LevelHousehold)
	delete(fc.levels, model.LevelHousehold)
	delete(fa.roles, model.RoleContactPerson)
	delete(fc.roles, model.RoleContactPerson)
	assert.Equal(t, fa, fc)
	assert.Equal(t, a.Gaps, c.Gaps)
	var na, nc []model.NodeCode
	for _, n := range a.Nodes {
		if n.Level <= model.LevelMicroGrid {
			na = append(na, n.Code)
		}
	}
	for _, n := range c.Nodes {
		if n.Level <= model.LevelMicroGrid {
			nc = append(nc, n.Code)
		}
	}
	assert.Equal(t, na, nc)
}
