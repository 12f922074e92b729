package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"gridcmd/model"
)

// The points (积分) and scorecards (考核): gridcmd points, points grant |
// deduct | redeem | rebuild | statement, and gridcmd scorecard.

func (a *app) pointsCmd() *cobra.Command {
	var fl monthNode
	cmd := &cobra.Command{
		Use:   "points [--month 2026-12] [--node CODE|NAME] [--json]",
		Short: "The month's points ranking (积分): person, node, roles, points by indicator, total",
		Long: `The month's points ranking for the people of a subtree (--node, default everyone):
each person's points by indicator, the month's total, what they redeemed and
their balance, then the grid teams (with the share the grid leader earned
against the workers), the micro-grids and the villages, each against the month
before. The month defaults to the current one.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withMonthNode(cmd.Context(), fl, func(ctx context.Context, db backend, m model.Month, code model.NodeCode) error {
				return a.pointsRanking(ctx, db, m, code, fl.asJSON)
			})
		},
	}
	fl.add(cmd.Flags(), "only the people of", "the ranking")
	cmd.AddCommand(a.grantCmd(model.ActPointsGrant), a.grantCmd(model.ActPointsDeduct), a.redeemCmd(), a.rebuildCmd(), a.statementCmd())
	return cmd
}

// monthNode are the flags of a month's figures of a subtree: --month,
// --node and --json.
type monthNode struct {
	month, node string
	asJSON      bool
}

// add adds the flags to f: whose says what --node keeps ("only the people
// of"), what what --json prints.
func (fl *monthNode) add(f *pflag.FlagSet, whose, what string) {
	f.StringVar(&fl.month, "month", "", "the month, YYYY-MM (default the current one)")
	f.StringVar(&fl.node, "node", "", whose+" this node's subtree: a code or its name as the console shows it (渎溪村 02)")
	f.BoolVar(&fl.asJSON, "json", false, "print "+what+" as JSON")
}

// withMonthNode reads --month, then --node in the file opened to look, and
// runs show on them.
func (a *app) withMonthNode(ctx context.Context, fl monthNode, show func(ctx context.Context, db backend, m model.Month, node model.NodeCode) error) error {
	m, err := monthFlag(fl.month)
	if err != nil {
		return err
	}
	return withFound(a, ctx, looking, func(ctx context.Context, db backend) (model.NodeCode, error) {
		if err := a.heldMonth(db, m); err != nil {
			return "", err
		}
		return a.nodeArg(ctx, db, "--node", fl.node, 0)
	}, func(ctx context.Context, db backend, node model.NodeCode) error {
		return show(ctx, db, m, node)
	})
}

// monthFlag reads --month ("" for the current month).
func monthFlag(month string) (model.Month, error) {
	var m model.Month
	if !blank(month) {
		var err error
		if m, err = model.ParseMonth(month); err != nil {
			return m, usageError{flagError("--month", err)}
		}
	}
	return m, nil
}

// heldMonth refuses, as bad usage of --month, a month before the first
// the ledger keeps or one still to come (model.Month.Held).
func (a *app) heldMonth(db backend, m model.Month) error {
	if err := m.Held(db.Now(), a.cfg.Location); err != nil {
		return usageError{flagError("--month", err)}
	}
	return nil
}

// pointsView is a month of the ledger with the month before, for teams.
type pointsView struct {
	cur, prev model.PointsMonth
	names     map[model.NodeCode]string
}

func (a *app) loadPoints(ctx context.Context, db backend, m model.Month, node model.NodeCode) (pointsView, error) {
	if m.IsZero() {
		m = model.MonthOf(db.Now(), a.cfg.Location)
	}
	q := model.SoFar(m, node, db.Now(), a.cfg.Location)
	cur, err := db.Points(ctx, q)
	if err != nil {
		return pointsView{}, err
	}
	prev, err := db.Points(ctx, q.Previous())
	if err != nil {
		return pointsView{}, err
	}
	names, err := nodeNames(ctx, db)
	if err != nil {
		return pointsView{}, err
	}
	return pointsView{cur: cur, prev: prev, names: names}, nil
}

type indicatorJSON struct {
	Key    string `json:"key"`
	Zh     string `json:"zh"`
	En     string `json:"en"`
	Points int    `json:"points"`
	Cap    int    `json:"cap"`
}

type personPointsJSON struct {
	Rank     int            `json:"rank"`
	Person   string         `json:"person"`
	Name     string         `json:"name"`
	Node     string         `json:"node"`
	NodeName string         `json:"node_name,omitempty"`
	Roles    []string       `json:"roles"`
	Points   map[string]int `json:"points"`
	Total    int            `json:"total"`
	Redeemed int            `json:"redeemed"`
	Balance  int            `json:"balance"`
	Eligible []string       `json:"eligible"`
}

type teamJSON struct {
	Node   string `json:"node"`
	Name   string `json:"name,omitempty"`
	People int    `json:"people"`
	Total  int    `json:"total"`
	// A grid's split, always there for a grid (0 too), never for a
	// micro-grid or a village.
	Leader      *int     `json:"leader,omitempty"`
	Workers     *int     `json:"workers,omitempty"`
	LeaderShare *float64 `json:"leader_share,omitempty"`
	Previous    int      `json:"previous"`
	Trend       int      `json:"trend"`
}

type pointsJSON struct {
	Month      string             `json:"month"`
	Through    int                `json:"through,omitempty"`          // the month so far: its last day counted
	Previous   string             `json:"previous"`                   // the month the teams' previous and trend are of
	PrevTo     int                `json:"previous_through,omitempty"` // ... to the same day
	Node       string             `json:"node,omitempty"`
	Indicators []indicatorJSON    `json:"indicators"`
	People     []personPointsJSON `json:"people"`
	Grids      []teamJSON         `json:"grids"`
	MicroGrids []teamJSON         `json:"micro_grids"`
	Villages   []teamJSON         `json:"villages"`
}

// benefitKeys are the benefits a balance reaches.
func benefitKeys(p model.PointsMonth, balance int, zh bool) []string {
	out := []string{}
	for _, b := range p.Benefits {
		if balance >= b.Threshold {
			if zh {
				out = append(out, b.Zh)
			} else {
				out = append(out, b.Key)
			}
		}
	}
	return out
}

func (v pointsView) teams(level model.Level) []teamJSON {
	var out []teamJSON
	for _, t := range model.Teams(level, v.cur.People, v.prev.People) {
		j := teamJSON{Node: string(t.Node), Name: v.names[t.Node], People: t.People, Total: t.Total,
			Previous: t.Previous, Trend: t.Trend()}
		if level == model.LevelGrid {
			share := float64(int(t.LeaderShare()*1000+0.5)) / 1000
			j.Leader, j.Workers, j.LeaderShare = &t.Leader, &t.Workers, &share
		}
		out = append(out, j)
	}
	if out == nil {
		out = []teamJSON{}
	}
	return out
}

func (a *app) pointsRanking(ctx context.Context, db backend, m model.Month, node model.NodeCode, asJSON bool) error {
	v, err := a.loadPoints(ctx, db, m, node)
	if err != nil {
		return err
	}
	return a.answer(asJSON, v.json(), func() {
		a.printPointsHead(v)
		a.printPeoplePoints(v)
		a.printTeams(v)
	})
}

// json is the ranking as points --json prints it.
func (v pointsView) json() pointsJSON {
	p := v.cur
	j := pointsJSON{Month: p.Month.String(), Through: p.Through, Previous: v.prev.Month.String(), PrevTo: v.prev.Through, Node: string(p.Node), Indicators: []indicatorJSON{}, People: []personPointsJSON{},
		Grids: v.teams(model.LevelGrid), MicroGrids: v.teams(model.LevelMicroGrid), Villages: v.teams(model.LevelVillage)}
	for _, in := range p.Indicators {
		j.Indicators = append(j.Indicators, indicatorJSON{Key: in.Key, Zh: in.Zh, En: in.En, Points: in.Points, Cap: in.Cap})
	}
	for i, x := range p.People {
		j.People = append(j.People, personPointsJSON{Rank: i + 1, Person: x.Person.String(), Name: x.Name, Node: string(x.Node),
			NodeName: v.names[x.Node], Roles: model.Strings(x.Roles), Points: x.By, Total: x.Total, Redeemed: x.Redeemed,
			Balance: x.Balance, Eligible: benefitKeys(p, x.Balance, false)})
	}
	return j
}

// printPointsHead says whose month it is and lists the indicators.
func (a *app) printPointsHead(v pointsView) {
	p := v.cur
	fmt.Fprintf(a.out, "points %s", p.Month)
	if p.Node != "" {
		fmt.Fprintf(a.out, " under %s %s", p.Node, v.names[p.Node])
	}
	fmt.Fprintf(a.out, ": %d people", len(p.People))
	if p.Through > 0 {
		fmt.Fprintf(a.out, " (to day %d, against %s to day %d)", p.Through, v.prev.Month, p.Through)
	}
	fmt.Fprintln(a.out)
	for _, in := range p.Indicators {
		name := in.En
		if a.cfg.Lang == "zh" {
			name = in.Zh
		}
		fmt.Fprintf(a.out, "  %-13s %s (%+d, cap %d)\n", in.Key, name, in.Points, in.Cap)
	}
	fmt.Fprintln(a.out)
}

// printPeoplePoints is the people's table: a column for each indicator
// someone earned by (the list above it names them all).
func (a *app) printPeoplePoints(v pointsView) {
	p := v.cur
	keys := earnedColumns(p)
	header := append([]string{"#", "person", "name", "node", "roles"}, keys...)
	header = append(header, "total", "redeemed", "balance")
	var rows [][]string
	for i, x := range p.People {
		row := []string{strconv.Itoa(i + 1), x.Person.String(), x.Name, v.names[x.Node], strings.Join(model.Strings(x.Roles), ",")}
		for _, k := range keys {
			row = append(row, points(x.By[k]))
		}
		row = append(row, strconv.Itoa(x.Total), points(x.Redeemed), strconv.Itoa(x.Balance))
		rows = append(rows, row)
	}
	table(a.out, header, rows)
}

// earnedColumns are the indicator columns someone earned by.
func earnedColumns(p model.PointsMonth) []string {
	var keys []string
	for _, k := range indicatorColumns(p) {
		for _, x := range p.People {
			if x.By[k] != 0 {
				keys = append(keys, k)
				break
			}
		}
	}
	return keys
}

// printTeams is a table each of the grid teams (with the grid leader's
// share), the micro-grids and the villages that have people.
func (a *app) printTeams(v pointsView) {
	for _, lv := range []struct {
		level model.Level
		title string
	}{{model.LevelGrid, "grid teams"}, {model.LevelMicroGrid, "micro-grids"}, {model.LevelVillage, "villages"}} {
		teams := v.teams(lv.level)
		if len(teams) == 0 {
			continue
		}
		fmt.Fprintf(a.out, "\n%s\n", lv.title)
		h := []string{"node", "name", "people", "total", "last month", "trend"}
		if lv.level == model.LevelGrid {
			h = append(h, "leader", "workers", "leader share")
		}
		var rows [][]string
		for _, t := range teams {
			r := []string{t.Node, t.Name, strconv.Itoa(t.People), strconv.Itoa(t.Total), strconv.Itoa(t.Previous), fmt.Sprintf("%+d", t.Trend)}
			if lv.level == model.LevelGrid {
				r = append(r, strconv.Itoa(*t.Leader), strconv.Itoa(*t.Workers), fmt.Sprintf("%.0f%%", *t.LeaderShare*100))
			}
			rows = append(rows, r)
		}
		table(a.out, h, rows)
	}
}

// indicatorColumns are the month's indicator keys, then "manual" when
// anyone has a manual entry.
func indicatorColumns(p model.PointsMonth) []string {
	var keys []string
	for _, in := range p.Indicators {
		keys = append(keys, in.Key)
	}
	for _, x := range p.People {
		if x.By[model.ManualKey] != 0 {
			return append(keys, model.ManualKey)
		}
	}
	return keys
}

// points is a figure of a table, "-" for none.
func points(n int) string {
	if n == 0 {
		return "-"
	}
	return strconv.Itoa(n)
}

func (a *app) grantCmd(act model.Action) *cobra.Command {
	var fl personAct
	var reason string
	var pts int
	use, short := "grant", "Grant points by hand, with a reason (a duty officer of the person's town or above, or a cadre of the person's village)"
	if act == model.ActPointsDeduct {
		use, short = "deduct", "Deduct points by hand, with a reason (a duty officer of the person's town or above, or a cadre of the person's village)"
	}
	var cmd *cobra.Command
	cmd = a.personCmd(&cobra.Command{
		Use:   use + " --person P --points N --reason X [--by PERSON]",
		Short: short,
		Long: short + `.
The entry is an event of the log, by whoever acts (--by, else --as, else the
operator), with the points and the reason: the ledger and 'gridcmd check' read
it from there. N is 1 to 100.`,
	}, &fl, func() ([]required, error) {
		var bad error
		given := cmd.Flags().Changed("points")
		what, whatZh := "a grant", "奖励"
		if act == model.ActPointsDeduct {
			what, whatZh = "a deduction", "扣减"
		}
		switch {
		case given && pts == 0:
			bad = model.Errorf(model.EINVALID, "points %s: --points 0: 0 points is not %s; give 1 to %d", use, what, model.MaxGrant).
				Zh("积分%s：--points 0：0 分不是%s；应为 1 到 %d", whatZh, whatZh, model.MaxGrant).On("points")
		case pts < 0:
			bad = model.Errorf(model.EINVALID, "points %s: --points %d: give the number of points, 1 to %d ('points %s' says which way)", use, pts, model.MaxGrant, use).
				Zh("积分%s：--points %d：应为分数，1 到 %d（'points %s' 已定增减）", whatZh, pts, model.MaxGrant, use).On("points")
		}
		return []required{{"--points", !given}, {"--reason", blank(reason)}}, bad
	}, func(ctx context.Context, db backend, pid, actor model.PersonID) error {
		n := pts
		if act == model.ActPointsDeduct {
			n = -n
		}
		ev, err := db.GrantPoints(ctx, pid, n, reason, actor)
		if err != nil {
			return err
		}
		return a.reply(fl.asJSON, a.eventJSON(ev), "%s by %s (%s): %s\n", ev.Action, ev.ActorName, ev.Actor, ev.Note)
	})
	fl.add(cmd.Flags(), "whose points", "who records it", "the event")
	cmd.Flags().IntVar(&pts, "points", 0, "how many points (required), 1 to 100")
	cmd.Flags().StringVar(&reason, "reason", "", "what for (required), e.g. 网格协商周 议事记录整理")
	return cmd
}

func (a *app) redeemCmd() *cobra.Command {
	var fl personAct
	var benefit string
	cmd := a.personCmd(&cobra.Command{
		Use:   "redeem --person P --benefit KEY [--by PERSON]",
		Short: "Redeem a benefit (dining, medical, ...): it consumes its threshold in points, never below zero",
	}, &fl, func() ([]required, error) { return []required{{"--benefit", blank(benefit)}}, nil },
		func(ctx context.Context, db backend, pid, actor model.PersonID) error {
			if _, err := db.Policy().Points.Benefit(benefit); err != nil {
				return usageError{flagError("--benefit", err)}
			}
			r, err := db.RedeemBenefit(ctx, pid, benefit, actor)
			if err != nil {
				return err
			}
			return a.reply(fl.asJSON, struct {
				Event   eventJSON `json:"event"`
				Benefit string    `json:"benefit"`
				Points  int       `json:"points"`
				Balance int       `json:"balance"`
			}{a.eventJSON(r.Event), r.Benefit.Key, r.Benefit.Threshold, r.Balance}, "%s\n", r.Event.Note)
		})
	fl.add(cmd.Flags(), "who redeems", "who records it", "the redemption")
	cmd.Flags().StringVar(&benefit, "benefit", "", "the benefit (required): dining, culture, transport, shopping, medical, education (points.benefits)")
	return cmd
}

func (a *app) rebuildCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "rebuild",
		Short: "Recompute every points total from the event log",
		Long: `Recompute every points total (by day and by month) from the event log, by the
rules in force at each event's time, and write them in place of the kept ones.
'gridcmd check' compares the two without writing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withDB(cmd.Context(), acting, func(ctx context.Context, db backend) error {
				r, err := db.RebuildPoints(ctx)
				if err != nil {
					return err
				}
				return a.reply(asJSON, r, "rebuilt from %d events: %d entries, %d day and %d month totals, %d changed\n",
					r.Events, r.Entries, r.Days, r.Months, r.Changed)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the counts as JSON")
	return cmd
}

func (a *app) scorecardCmd() *cobra.Command {
	var fl monthNode
	var role string
	cmd := &cobra.Command{
		Use:   "scorecard --role grid_worker|grid_leader|village [--month 2026-12] [--node CODE|NAME] [--json]",
		Short: "The month's scorecards (考核) of a role, with the combined index and the grade",
		Long: `The month's scorecards of every grid worker, grid leader or village (of --node's
subtree), read from the event log:

  grid_worker  reports filed; valid rate (not closed as invalid), on-time
               sign-for rate, coverage (filed / filed + missed; missed: reports
               in their grid first filed by someone not of the grid). Index
               weights 35, 35, 30.
  grid_leader  pass-on rate (reports passed on at the grid tier by a person
               within the sign-for deadline: the article's two minutes) and
               the not-red rate (reports that did not go red at the grid
               tier). Weights 60, 40.
  village      resolve rate (resolved at the village tier within the
               deadline, of the incidents handled there) and the
               unsupervised rate. Weights 60, 40.

The index is the weighted mean of the rates that have a denominator, 0-100;
the grade 优秀 excellent, 良好 good, 合格 pass or 不合格 fail by points.grades.
A card with nothing to rate (a village that handled nothing) shows - .`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := missing("scorecard", required{"--role", blank(role)}); err != nil {
				return usageError{err}
			}
			r, err := model.ParseScoreRole(role)
			if err != nil {
				return usageError{flagError("--role", err)}
			}
			return a.withMonthNode(cmd.Context(), fl, func(ctx context.Context, db backend, m model.Month, code model.NodeCode) error {
				return a.scorecards(ctx, db, r, m, code, fl.asJSON)
			})
		},
	}
	fl.add(cmd.Flags(), "only", "the scorecards")
	cmd.Flags().StringVar(&role, "role", "", "grid_worker, grid_leader or village (required)")
	return cmd
}

func (a *app) scorecards(ctx context.Context, db backend, role model.ScoreRole, m model.Month, node model.NodeCode, asJSON bool) error {
	if m.IsZero() {
		m = model.MonthOf(db.Now(), a.cfg.Location)
	}
	cards, err := db.Scorecards(ctx, role, m, node)
	if err != nil {
		return err
	}
	names, err := nodeNames(ctx, db)
	if err != nil {
		return err
	}
	counts := model.ScoreCounts(role)
	if asJSON {
		out := make([]map[string]any, 0, len(cards))
		for i, c := range cards {
			out = append(out, scorecardJSON(i+1, c, counts, names))
		}
		return writeJSON(a.out, map[string]any{"month": m.String(), "role": string(role), "scorecards": out})
	}
	header, rateKeys := scorecardHeader(role, counts, cards)
	var rows [][]string
	for i, c := range cards {
		rows = append(rows, a.scorecardRow(i+1, role, c, counts, rateKeys, names))
	}
	fmt.Fprintf(a.out, "scorecards %s %s: %d\n", role, m, len(cards))
	table(a.out, header, rows)
	return nil
}

// scorecardJSON is one scorecard of scorecard --json: its counts and its
// rates by key, a rate with no denominator null, as are the index and
// the grade of a card not rated.
func scorecardJSON(rank int, c model.Scorecard, counts []string, names map[model.NodeCode]string) map[string]any {
	j := map[string]any{"rank": rank, "role": string(c.Role), "name": c.Name, "node": string(c.Node),
		"node_name": names[c.Node], "rated": c.Rated}
	if c.Person != 0 {
		j["person"] = c.Person.String()
	}
	for _, k := range counts {
		j[k] = c.Counts[k]
	}
	for _, r := range c.Rates {
		if v, ok := r.Value(); ok {
			j[r.Key] = float64(int(v*10000+0.5)) / 10000
		} else {
			j[r.Key] = nil
		}
	}
	if c.Rated {
		j["index"], j["grade"], j["grade_zh"] = c.Index, string(c.Grade), c.Grade.Zh()
	} else {
		j["index"], j["grade"], j["grade_zh"] = nil, nil, nil
	}
	return j
}

// scorecardHeader is the table's header (a village's card has no person)
// and the rates' keys, as the first card has them.
func scorecardHeader(role model.ScoreRole, counts []string, cards []model.Scorecard) ([]string, []string) {
	header := []string{"#", "name", "node"}
	if role != model.ScoreVillage {
		header = []string{"#", "person", "name", "node"}
	}
	header = append(header, counts...)
	var rateKeys []string
	if len(cards) > 0 {
		for _, r := range cards[0].Rates {
			rateKeys = append(rateKeys, r.Key)
		}
	}
	header = append(header, rateKeys...)
	return append(header, "index", "grade"), rateKeys
}

// scorecardRow is one card's row of the table: rates as percentages, "-"
// where there is none.
func (a *app) scorecardRow(rank int, role model.ScoreRole, c model.Scorecard, counts, rateKeys []string, names map[model.NodeCode]string) []string {
	row := []string{strconv.Itoa(rank)}
	if role != model.ScoreVillage {
		row = append(row, c.Person.String())
	}
	row = append(row, c.Name, names[c.Node])
	for _, k := range counts {
		row = append(row, strconv.Itoa(c.Counts[k]))
	}
	for _, k := range rateKeys {
		if v, ok := c.Rate(k).Value(); ok {
			row = append(row, fmt.Sprintf("%.0f%%", v*100))
		} else {
			row = append(row, "-")
		}
	}
	idx := "-"
	if c.Rated {
		idx = strconv.FormatFloat(c.Index, 'f', 1, 64)
	}
	return append(row, idx, model.GradeName(c.Grade, a.cfg.Lang))
}
