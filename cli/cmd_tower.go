package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"gridcmd/demo"
	"gridcmd/importer"
	"gridcmd/model"
	"gridcmd/store"
)

func (a *app) initCmd() *cobra.Command {
	var withDemo, history bool
	var seed int64
	var at string
	cmd := &cobra.Command{
		Use:   "init [--demo [--history]]",
		Short: "Create the database; --demo fills it with the Huajie demo town",
		Long: `Create the database file. With --demo, fill it with the built-in Huajie
demo: the 27 real villages and communities of 花街镇, 82 grids, 232 micro-grids,
their staff and a few dozen incidents in every status and tier. The same --seed
gives the same data. With --history, also the weeks before it (from the first
day of the month before): two months of grid work, a flood drill and the
deliberation week's points, so that 'gridcmd points' and 'gridcmd scorecard'
have a true month behind them. A database that already holds data is never
touched.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a.demoHistory = history
			base := a.now()
			if at != "" {
				t, err := time.Parse(time.RFC3339, at)
				if err != nil {
					return badValue("--at", at, "RFC 3339, e.g. 2026-11-29T03:10:00+08:00", " RFC 3339 时间，如 2026-11-29T03:10:00+08:00")
				}
				base = t
			}
			_, statErr := os.Stat(a.cfg.DB)
			existed := statErr == nil
			n, err := a.initDB(cmd.Context(), withDemo, seed, base)
			if err != nil {
				return err
			}
			switch {
			case withDemo:
				verb := "created"
				if existed {
					verb = "filled" // an empty file was there already
				}
				fmt.Fprintf(a.out, "%s %s with the Huajie demo (seed %d): %d nodes, %d people, %d incidents\n",
					verb, a.cfg.DB, seed, n.Nodes, n.People.Total, n.Incidents.Total)
			case existed:
				fmt.Fprintf(a.out, "%s exists and is empty; next: gridcmd import villages FILE.csv\n", a.cfg.DB)
			default:
				fmt.Fprintf(a.out, "created %s (empty); next: gridcmd import villages FILE.csv\n", a.cfg.DB)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&withDemo, "demo", false, "fill the database with the Huajie demo")
	cmd.Flags().Int64Var(&seed, "seed", 1, "seed of the demo data")
	cmd.Flags().StringVar(&at, "at", "", "the demo's 'now' (RFC 3339); default the current time")
	cmd.Flags().BoolVar(&history, "history", false, "with --demo, also the weeks before (the month before and this one so far), for the points and scorecards")
	return cmd
}

type initCounts struct {
	Nodes     int
	People    model.PeopleStats
	Incidents model.IncStats
}

// scriptedClock is the store's clock while the demo is loaded: set, it
// returns the scripted time; cleared (0), the real time.
type scriptedClock struct{ nanos atomic.Int64 }

func (c *scriptedClock) Now() time.Time {
	if n := c.nanos.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Now()
}

func (c *scriptedClock) Set(t time.Time) { c.nanos.Store(t.UnixNano()) }
func (c *scriptedClock) Release()        { c.nanos.Store(0) }

// initDB creates the database, refusing one that holds data already.
func (a *app) initDB(ctx context.Context, withDemo bool, seed int64, base time.Time) (initCounts, error) {
	clock := &scriptedClock{}
	a.now = clock.Now
	_, statErr := os.Stat(a.cfg.DB)
	existed := statErr == nil
	db, err := a.openCreate()
	if err != nil {
		return initCounts{}, err
	}
	if !withDemo {
		defer db.Close()
		return a.fill(ctx, db, clock, false, seed, base)
	}
	// The demo is built in a file beside the target and renamed over it
	// only once it is complete: an interrupted init leaves nothing
	// half-filled behind.
	if _, err := a.fill(ctx, db, clock, false, seed, base); err != nil {
		db.Close()
		return initCounts{}, err
	}
	db.Close()
	target := a.cfg.DB
	tmp := filepath.Join(filepath.Dir(target), fmt.Sprintf(".%s.init-%d", filepath.Base(target), os.Getpid()))
	a.cfg.DB = tmp
	defer func() { a.cfg.DB = target }()
	os.Remove(tmp)
	built, err := a.openCreate()
	if err != nil {
		return initCounts{}, err
	}
	n, err := a.fill(ctx, built, clock, true, seed, base)
	if cerr := built.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, target)
	}
	if err != nil {
		os.Remove(tmp)
		if !existed {
			os.Remove(target)
		}
		return initCounts{}, err
	}
	return n, nil
}

// fill loads the demo into an empty database, the store's clock following
// the demo's script, then lets the clock run free.
func (a *app) fill(ctx context.Context, db *store.DB, clock *scriptedClock, withDemo bool, seed int64, base time.Time) (initCounts, error) {
	st, err := db.Stats(ctx)
	if err != nil {
		return initCounts{}, err
	}
	if st.Towns+st.Villages > 0 || st.Incidents.Total > 0 || st.People.Total > 0 {
		return initCounts{}, usageError{model.Errorf(model.EINVALID, "%s already holds data (%d villages, %d people, %d incidents); nothing was changed. Choose another --db",
			a.cfg.DB, st.Villages, st.People.Total, st.Incidents.Total).
			Zh("%s 已有数据（%d 个村、%d 人、%d 个事件）；未做任何改动。请另选 --db", a.cfg.DB, st.Villages, st.People.Total, st.Incidents.Total)}
	}
	if withDemo {
		load := demo.Load
		if a.demoHistory {
			load = demo.LoadWithHistory
		}
		// The demo's days (its patrols') are the town's, and its shifts
		// hand over at the command room's hours.
		err := load(ctx, db, clock.Set, seed, base.In(a.cfg.Location))
		clock.Release()
		if err != nil {
			return initCounts{}, fmt.Errorf("demo: %w", err)
		}
	}
	st, err = db.Stats(ctx)
	if err != nil {
		return initCounts{}, err
	}
	return initCounts{Nodes: st.Towns + st.Villages + st.Grids + st.MicroGrids + st.HouseholdUnits, People: st.People, Incidents: st.Incidents}, nil
}

func (a *app) importCmd() *cobra.Command {
	cmd := group(&cobra.Command{
		Use:   "import",
		Short: "Import villages, a roster, patrol areas or rotations from CSV",
	})
	var (
		gpv     int
		divOnly bool
	)
	villages := &cobra.Command{
		Use:   "villages FILE.csv",
		Short: "Import towns and villages (the official division list format)",
		Long: `Import towns and villages from a CSV with the columns
code,name,town_code,town_name,county_code,county_name,city_code,city_name
(the national administrative-division list). A file with several towns makes
several towers. Villages get grids, micro-grids and household contact units
from the generator: --grids-per-village N, or the default rule (2 + the village
code mod 3 grids; 2-3 micro-grids per grid; 50-80 households each); with
--divisions-only, none: the divisions and villages alone, as a federation's hub
wants them (each town's own grids come from the town). Nodes already stored are
left as they are, so importing a file twice changes nothing.
A bad row names the file and line, and nothing from that file is imported.`,
		Args: exactArgs(1, "one CSV file", "一个 CSV 文件"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.importVillages(cmd.Context(), args[0], gpv, divOnly)
		},
	}
	villages.Flags().IntVar(&gpv, "grids-per-village", 0, "grids per village (0: the default rule)")
	villages.Flags().BoolVar(&divOnly, "divisions-only", false, "the divisions and villages alone, no generated grids (a federation hub's county file)")

	cmd.AddCommand(villages, a.importRosterCmd(), a.importAreasCmd(), a.importRotationsCmd())
	return cmd
}

func (a *app) importRosterCmd() *cobra.Command {
	var rfl rosterFlags
	roster := &cobra.Command{
		Use:   "roster FILE.csv",
		Short: "Import people onto the roster",
		Long: `Import people from a CSV with a header row. Columns (English or Chinese):
  name 姓名, phone 电话/手机, role 角色, node 节点/网格编码 (a node's code or
  its name as the console shows it: 渎溪村 02-02, as duty import's room),
  reserve_kind 储备类型 (reserves only), on_duty 在岗 (yes/no, 是/否),
  lang 语言 (zh/en), id 编号 (the entry a row is: P12).
Several roles go in one cell separated by ';' or '、'. Roles: grid_leader 网格长,
grid_worker_ft 专职网格员, grid_worker_pt 兼职网格员, micro_grid_worker 微网格员,
contact_person 包联人, village_cadre 村干部, duty_officer 值班员, patroller 巡护员,
liaison 联络员, reserve 储备力量 (a grid worker is full-time or part-time:
网格员 alone is refused).

A person may hold posts at several nodes, an entry each, so a row is the
entry of its name, phone and node, or the entry its id column (编号: P12,
as people lists it) names. A row that gives an entry as it stands is
skipped; one that gives it other roles, reserve kind, on_duty or lang
changes it. Only a row with the id renames an entry, gives it a new phone
or moves it. Without an id a row that matches no entry adds one: the same
name and phone at another node is another post of that person (said so),
the same phone under another name another person on that phone (warned
of). A row with the name of someone at its node but another phone is
refused (a new phone, or a namesake?) unless the file gives that entry as
it stands too. A change is refused, naming the line and what it changes,
unless --update is given; --dry-run lists what the import would add,
update and refuse, and writes nothing. A row given twice is imported once
(a warning); a row that gives an entry of an earlier row otherwise, an id
not on the roster, or an id given another entry's name, phone and node is
refused. A row whose phone is another person's (on the roster or in the
file) is warned of, naming both. A bad row names the
file and line, and nothing from that file is imported.`,
		Args: exactArgs(1, "one CSV file", "一个 CSV 文件"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withDB(cmd.Context(), acting, func(ctx context.Context, db backend) error {
				return a.importRoster(ctx, db, args[0], rfl)
			})
		},
	}
	roster.Flags().BoolVar(&rfl.update, "update", false, "change the entries on the roster that rows change (roles, reserve kind, on_duty, lang; by the id column also name, phone, node)")
	roster.Flags().BoolVar(&rfl.dryRun, "dry-run", false, "list what the import would add, update and refuse, line by line, and write nothing")
	return roster
}

// importBatch is about how many nodes one transaction of an import of
// villages writes: the import's memory stays bounded whatever the length
// of the list.
const importBatch = 20_000

func (a *app) importVillages(ctx context.Context, file string, gpv int, divOnly bool) error {
	if gpv < 0 || gpv > 99 {
		return usageError{model.Errorf(model.EINVALID, "--grids-per-village %d: want 0 (the default rule) to 99", gpv).
			Zh("--grids-per-village %d：应为 0（默认规则）到 99", gpv)}
	}
	if divOnly && gpv != 0 {
		return usageError{model.Errorf(model.EINVALID, "--divisions-only generates no grids: leave out --grids-per-village %d", gpv).
			Zh("--divisions-only 不生成网格：请去掉 --grids-per-village %d", gpv)}
	}
	raw, err := readInput(file)
	if err != nil {
		return err
	}
	rows, err := importer.ParseVillages(file, bytes.NewReader(raw))
	raw = nil
	if err != nil {
		return usageError{err}
	}
	// A first import creates the file; later ones reach it like any other
	// command (through a running gridcmd if one holds it).
	return a.withDB(ctx, creating, func(ctx context.Context, db backend) error {
		by, err := a.actorOrSystem(ctx, db)
		if err != nil {
			return err
		}
		added, total, err := importDivisions(ctx, db, rows, importer.GenRule{GridsPerVillage: gpv}, !divOnly, by, file)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.out, "%s: %d villages read; %d nodes added, %d already present\n", file, len(rows), added, total-added)
		return nil
	})
}

// importDivisions imports the divisions and villages of rows (one
// transaction), then (plans) the generated tower below each village, village by
// village, in transactions of about importBatch nodes: memory holds one
// batch, not the province. A village that already has nodes beneath it
// (a grid plan on file, or an earlier import) is left as it is: the
// generator only fills villages without one. Interrupted, it has imported
// whole batches, and running it again completes it. It returns the nodes
// added and the nodes the list stands for.
func importDivisions(ctx context.Context, db backend, rows []importer.VillageRow, rule importer.GenRule, plans bool, by model.PersonID, note string) (added, total int, err error) {
	div := importer.Divisions(rows)
	n, err := db.ImportNodes(ctx, div, by, note)
	if err != nil || !plans {
		return n, len(div), err
	}
	added, total = n, len(div)
	// Which villages have a plan already: one read per town.
	planned := map[model.NodeCode]bool{}
	for _, d := range div {
		if d.Level != model.LevelTown {
			continue
		}
		vs, err := db.Subtree(ctx, d.Code, 1)
		if err != nil {
			return added, total, err
		}
		for _, v := range vs[1:] {
			if v.Counts.Children > 0 {
				planned[v.Code] = true
			}
		}
	}
	batch := make([]model.Node, 0, importBatch+1000)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		n, err := db.ImportNodes(ctx, batch, by, note)
		added += n
		batch = batch[:0]
		return err
	}
	for _, d := range div {
		if d.Level != model.LevelVillage || planned[d.Code] {
			continue
		}
		before := len(batch)
		batch = importer.AppendVillagePlan(batch, d.Code, rule)
		total += len(batch) - before
		if len(batch) >= importBatch {
			if err := flush(); err != nil {
				return added, total, err
			}
		}
	}
	return added, total, flush()
}

// knownNodes is the set of the tower's node codes.
func knownNodes(ctx context.Context, db backend) (map[model.NodeCode]bool, error) {
	nodes, err := db.Nodes(ctx, "")
	if err != nil {
		return nil, err
	}
	known := make(map[model.NodeCode]bool, len(nodes))
	for _, n := range nodes {
		known[n.Code] = true
	}
	return known, nil
}

// actorOrSystem is the actor for imports: the operator (--as, or the
// config's) if the roster has them, else the system: with none named, the
// file's keeper imports (the first imports have no roster yet, a county's
// first officer is imported by no town's), not the first duty officer
// actor would guess. An --as that names nobody on the roster is refused:
// it would import as the system, past every town's rule.
func (a *app) actorOrSystem(ctx context.Context, svc model.Service) (model.PersonID, error) {
	if a.asFlag == "" && a.cfg.Operator == "" {
		return model.System, nil
	}
	id, err := a.actor(ctx, svc, "")
	if err != nil && a.asFlag == "" {
		return model.System, nil
	}
	return id, err
}

func (a *app) statsCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "stats [--json]",
		Short: "Counts of the tower, the roster and the incidents",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDB(cmd.Context(), looking, func(ctx context.Context, db backend) error {
				st, err := db.Stats(ctx)
				if err != nil {
					return err
				}
				return a.answer(asJSON, st, func() {
					table(a.out, []string{"what", "count"}, [][]string{
						{"towns", itoa(st.Towns)}, {"villages", itoa(st.Villages)}, {"grids", itoa(st.Grids)},
						{"micro-grids", itoa(st.MicroGrids)}, {"household units", itoa(st.HouseholdUnits)},
						{"households", itoa(st.Households)}, {"people", itoa(st.People.Total)},
						{"  grid staff", itoa(st.People.GridStaff)}, {"  micro-grid workers", itoa(st.People.MicroGridWorkers)},
						{"  reserves", itoa(st.People.Reserves)}, {"  patrollers", itoa(st.People.Patrollers)},
						{"  duty officers", itoa(st.People.DutyOfficers)}, {"incidents", itoa(st.Incidents.Total)},
						{"  open", itoa(st.Incidents.Open)}, {"  overdue", itoa(st.Incidents.Overdue)},
						{"  escalations last hour", itoa(st.Incidents.EscalationsLastHour)},
						{"  pass-on p50 (24 h)", passOnText(st.Incidents)},
					})
				})
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func itoa(n int) string { return strconv.Itoa(n) }

// passOnText is the pass-on median as the console's header shows it, with
// how many reports it is of; "-" for none.
func passOnText(s model.IncStats) string {
	if s.PassOnReports == 0 {
		return "-"
	}
	return fmt.Sprintf("%s (%d reports)", model.FormatWait(time.Duration(s.PassOnP50Seconds)*time.Second), s.PassOnReports)
}

// loadTower reads root ("" for every tower) and its subtree down to depth
// levels below (-1 for all), with the stored figures of each node and the
// open incidents of root's subtree rolled up (red at the store's clock):
// nothing deeper than it prints is read.
func loadTower(ctx context.Context, svc model.Service, root model.NodeCode, depth int) (model.Tower, error) {
	if depth < 0 {
		depth = len(model.Levels)
	}
	nodes, err := svc.Subtree(ctx, root, depth)
	if err != nil {
		return model.Tower{}, err
	}
	open, err := svc.Incidents(ctx, model.IncidentFilter{Open: true, Node: root})
	if err != nil {
		return model.Tower{}, err
	}
	now := svc.Now()
	t := model.BuildCountedTower(nodes)
	t.RollUp(slices.Values(open), func(i model.Incident) model.Light { return i.Light(now) })
	return t, nil
}

func (a *app) towerCmd() *cobra.Command {
	var depth int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "tower [CODE|NAME] [--depth N] [--json]",
		Short: "Print the grid tower with staff, households and open incidents per node",
		Long: `Print the grid tower with staff, households and open incidents per node,
from the top or from a node: a code (330784114266) or its name as the console
shows it (渎溪村, 渎溪村 02).`,
		Args: maxArgs(1, "one node, a code or a name", "一个节点（代码或名称）"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if depth < -1 {
				return usageError{model.Errorf(model.EINVALID, "--depth %d: want 0 or more levels below CODE, or -1 for all", depth).
					Zh("--depth %d：应为 CODE 以下 0 层或更多，-1 为全部", depth)}
			}
			var at string // none: from the top
			if len(args) == 1 {
				at = args[0]
			}
			return a.withNode(cmd.Context(), "tower", at, func(ctx context.Context, db backend, root model.NodeCode) error {
				return a.tower(ctx, db, root, depth, asJSON)
			})
		},
	}
	cmd.Flags().IntVar(&depth, "depth", 1, "levels below CODE to show (-1 for all)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (nested)")
	return cmd
}

func (a *app) tower(ctx context.Context, db backend, root model.NodeCode, depth int, asJSON bool) error {
	t, err := loadTower(ctx, db, root, depth)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(a.out, towerJSONOf(t, root, depth))
	}
	var rows [][]string
	t.Walk(root, depth, func(n *model.TowerNode, d int) {
		rows = append(rows, []string{strings.Repeat("  ", d) + n.Name, string(n.Code), n.Level.String(),
			itoa(n.Staff), itoa(n.Households), itoa(n.Open), itoa(n.Red)})
	})
	table(a.out, []string{"node", "code", "level", "staff", "households", "open", "red"}, rows)
	return nil
}

// towerJSONOf is the tower below root to depth, nested, as tower --json
// prints it.
func towerJSONOf(t model.Tower, root model.NodeCode, depth int) []*towerJSON {
	out := []*towerJSON{}
	stack := map[int]*towerJSON{}
	t.Walk(root, depth, func(n *model.TowerNode, d int) {
		j := &towerJSON{Code: string(n.Code), Name: n.Name, Level: n.Level.String(), Households: n.Households,
			Staff: n.Staff, People: n.People, Open: n.Open, Red: n.Red, Worst: n.Worst.String()}
		stack[d] = j
		if d == 0 {
			out = append(out, j)
		} else {
			stack[d-1].Children = append(stack[d-1].Children, j)
		}
	})
	return out
}

func (a *app) peopleCmd() *cobra.Command {
	var node, role string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "people [--node CODE|NAME] [--role R] [--json]",
		Short: "List the roster (a node's subtree)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var f model.PeopleFilter
			if err := optional(&f.Role, role, model.ParseRole); err != nil {
				return usageError{err}
			}
			return a.withNode(cmd.Context(), "--node", node, func(ctx context.Context, db backend, n model.NodeCode) error {
				f.Node = n
				return a.people(ctx, db, f, asJSON)
			})
		},
	}
	cmd.Flags().StringVar(&node, "node", "", "only people at this node or beneath it: a code or its name as the console shows it (渎溪村 02)")
	cmd.Flags().StringVar(&role, "role", "", "only people with this role")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func (a *app) people(ctx context.Context, db backend, f model.PeopleFilter, asJSON bool) error {
	people, names, err := listUnder(ctx, db, f.Node, f, db.People)
	if err != nil {
		return err
	}
	return printList(a, asJSON, people, func(p model.Person) personJSON { return personJSONOf(p, names[p.Node]) },
		[]string{"id", "name", "roles", "node", "node name", "phone", "duty"}, func(p model.Person) []string {
			duty := ""
			if p.OnDuty {
				duty = "on duty"
			}
			return []string{p.ID.String(), p.Name, strings.Join(model.Strings(p.Roles), ","), string(p.Node), names[p.Node], p.Phone, duty}
		})
}

// nodeName is one node's display name (see nodeNames), "" if unknown.
func nodeName(ctx context.Context, svc model.Service, c model.NodeCode) string {
	n, err := svc.Node(ctx, c)
	if err != nil {
		return ""
	}
	return model.DisplayName(n, model.NameByCode, func(c model.NodeCode) string {
		v, err := svc.Node(ctx, c)
		if err != nil {
			return ""
		}
		return v.Name
	})
}

// nodeNames maps the codes of the towns' subtrees (none: every node) to
// their display names, the one name the command line gives a node: the
// console's (model.NameByCode), the village's name and the code's own
// numbers, "渎溪村 02" for a grid, "大屋村 02-03" for a micro-grid (every
// grid of a village has its "03微网格"), which --node takes back
// (a.nodeArg). A town's or a village's name is its own.
func nodeNames(ctx context.Context, svc model.Service, towns ...model.NodeCode) (map[model.NodeCode]string, error) {
	if len(towns) == 0 {
		towns = []model.NodeCode{""}
	}
	var nodes []model.Node
	for _, t := range towns {
		ns, err := svc.Nodes(ctx, t)
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, ns...)
	}
	return model.DisplayNames(nodes, model.NameByCode), nil
}
