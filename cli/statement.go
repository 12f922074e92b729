package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/xuri/excelize/v2"

	"gridcmd/internal/atomicfile"
	"gridcmd/model"
)

// The monthly statement (积分公示): what the town prints and posts, one
// sheet per village with its people, their points by indicator, the
// benefits they may redeem and a line for the signatures, after a summary
// of the villages.

func (a *app) statementCmd() *cobra.Command {
	var month, out, town string
	var force bool
	cmd := &cobra.Command{
		Use:   "statement --month 2026-12 --out FILE.xlsx|FILE.csv [--town CODE|NAME] [--force]",
		Short: "Write the month's points statement: a summary, then one sheet per village with a signatures line",
		Long: `Write the month's points statement (积分公示), in the console's language (lang):
a summary sheet of the villages against the month before, then one sheet per
village with its people (rank, id, name, node, roles, points by indicator,
manual entries, the month's total, redeemed, balance, the benefits they may
redeem), its grid teams with the grid leader's share, and a line for the
signatures; the town's own people (patrollers, duty officers with points)
get a sheet of their own. It is one town's: the town of the person acting
(--as, the operator), or the file's only town; a county, city or province
room names the town with --town (one of its own). FILE.xlsx is an Excel
workbook; FILE.csv writes the same sheets one after another (UTF-8 with a
byte-order mark, for Excel). An existing file is replaced only with --force.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, ext, err := a.statementArgs(month, out, force)
			if err != nil {
				return err
			}
			return withFound(a, cmd.Context(), looking, func(ctx context.Context, db backend) (model.NodeCode, error) {
				if err := a.heldMonth(db, m); err != nil {
					return "", err
				}
				return a.statementTown(ctx, db, town)
			}, func(ctx context.Context, db backend, town model.NodeCode) error {
				return a.writeStatement(ctx, db, m, town, out, ext)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&town, "town", "", "the town, a code or a name (花街镇), within the operator's room (default the operator's town)")
	f.StringVar(&month, "month", "", "the month, YYYY-MM (required)")
	f.StringVar(&out, "out", "", "the file to write, .xlsx or .csv (required)")
	f.BoolVar(&force, "force", false, "replace an existing file")
	return cmd
}

// statementArgs checks the flags before the file is opened: the month,
// the file's kind (its ending, returned) and whether it may be written.
func (a *app) statementArgs(month, out string, force bool) (model.Month, string, error) {
	if err := missing("points statement", required{"--month", blank(month)}, required{"--out", blank(out)}); err != nil {
		return model.Month{}, "", usageError{err}
	}
	m, err := monthFlag(month)
	if err != nil {
		return m, "", err
	}
	ext := strings.ToLower(filepath.Ext(out))
	if ext != ".xlsx" && ext != ".csv" {
		return m, "", usageError{model.Errorf(model.EINVALID, "points statement: --out %s: want a file ending in .xlsx or .csv", out).
			Zh("积分公示：--out %s：应为以 .xlsx 或 .csv 结尾的文件", out)}
	}
	return m, ext, statementTarget(out, force)
}

// statementTown is the town whose statement is written: --town (a town
// within the room of the person acting), else the town of the person
// acting, else the file's only town under their room. A room above the
// towns with more than one town under it is asked for --town.
func (a *app) statementTown(ctx context.Context, db backend, flag string) (model.NodeCode, error) {
	actor, err := a.looker(ctx, db)
	if err != nil {
		return "", err
	}
	seat, seated := actorSeat(ctx, db, actor)
	if !blank(flag) {
		town, err := a.nodeArg(ctx, db, "--town", flag, actor, model.LevelTown)
		if err != nil {
			return "", err
		}
		if _, err := db.Node(ctx, town); err != nil {
			return "", usageError{flagError("--town", err)}
		}
		if town.Level() != model.LevelTown || (seated && !seat.Node.Contains(town)) {
			return "", usageError{flagError("--town", model.Errorf(model.EINVALID, "%s is not a town of %s's room", town, seat.Node).
				Zh("%s 不是 %s 所辖的镇", town, seat.Node))}
		}
		return town, nil
	}
	if seated && seat.Town != "" {
		return seat.Town, nil
	}
	towns, err := townsOf(ctx, db, seat.Node)
	if err != nil {
		return "", err
	}
	switch len(towns) {
	case 1:
		return towns[0], nil
	case 0:
		return "", usageError{model.Errorf(model.ENOTFOUND, "points statement: the file holds no town").Zh("积分公示：库中没有镇")}
	}
	list := listSome(model.Strings(towns), 20)
	return "", usageError{model.Errorf(model.EINVALID, "points statement: %d towns (%s); the statement is one town's: pass --town CODE|NAME", len(towns), list).
		Zh("积分公示：共 %d 个镇（%s）；公示按镇出具：请用 --town 指定镇的代码或名称", len(towns), list).On("town")}
}

// writeStatement lays town's month out as sheets, writes them to out as a
// workbook or CSV (ext) and says what it wrote.
func (a *app) writeStatement(ctx context.Context, db backend, m model.Month, town model.NodeCode, out, ext string) error {
	v, err := a.loadPoints(ctx, db, m, town)
	if err != nil {
		return err
	}
	nodes, err := db.Nodes(ctx, town)
	if err != nil {
		return err
	}
	sheets := a.statement(v, nodes)
	var data []byte
	if ext == ".csv" {
		data, err = statementCSV(sheets)
	} else {
		data, err = statementXLSX(sheets)
	}
	if err != nil {
		return err
	}
	if err := writeFileAtomic(out, data); err != nil {
		return err
	}
	people, villages, town := 0, 0, ""
	for _, s := range sheets[1:] {
		people += s.people
		if s.town {
			town = " and the town"
		} else {
			villages++
		}
	}
	fmt.Fprintf(a.out, "wrote %s: %s, %d sheets (the summary, %d villages%s), %d people\n", out, m, len(sheets), villages, town, people)
	return nil
}

// statementTarget refuses what may not be written: anything but a regular
// file, and an existing one without --force.
func statementTarget(path string, force bool) error {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case !fi.Mode().IsRegular():
		return usageError{model.Errorf(model.EINVALID, "points statement: %s is not a regular file; give a file to write", path).
			Zh("积分公示：%s 不是普通文件；请给出要写入的文件", path)}
	case !force:
		return usageError{model.Errorf(model.EINVALID, "points statement: %s exists; pass --force to replace it", path).
			Zh("积分公示：%s 已存在；替换请加 --force", path)}
	}
	return nil
}

// writeFileAtomic writes the statement whole or not at all (atomicfile).
func writeFileAtomic(path string, data []byte) error {
	if err := atomicfile.Write(path, data); err != nil {
		return fmt.Errorf("points statement: %w", err)
	}
	return nil
}

// sheet is one sheet of the statement: its name and rows of cells (string
// or int), and how many people it lists.
type sheet struct {
	name   string
	title  int // rows of the title (merged across)
	header []int
	rows   [][]any
	people int
	town   bool // the town's own people, not a village's
}

// statement lays the month out as sheets: the summary of the villages,
// then a sheet per village and one for the town's own people.
func (a *app) statement(v pointsView, nodes []model.Node) []sheet {
	b := a.statementBook(v)
	byCode, villages, town := splitTower(nodes)
	groups := peopleByVillage(v.cur.People)
	out := []sheet{b.summary(town, byCode)}
	used := map[string]bool{out[0].name: true}
	for _, vn := range append(slices.Clone(villages), town) {
		people := groups[vn.Code]
		if vn.Code == town.Code && len(people) == 0 {
			continue
		}
		out = append(out, b.villageSheet(vn, town, people, used))
	}
	return out
}

// statementBook is what every sheet of the statement is written with: the
// month's figures, the language, the month's name and the people's header.
type statementBook struct {
	v         pointsView
	zh        bool
	lang      string
	monthName string
	keys      []string // the indicator columns
	header    []any    // the people's header row
	grids     []model.TeamPoints
}

func (a *app) statementBook(v pointsView) statementBook {
	b := statementBook{v: v, zh: a.cfg.Lang == "zh", lang: a.cfg.Lang, keys: indicatorColumns(v.cur),
		grids: model.Teams(model.LevelGrid, v.cur.People, v.prev.People)}
	b.monthName = b.month()
	b.header = b.peopleHeader()
	return b
}

// say is the book's language: z in Chinese, else en.
func (b statementBook) say(en, z string) string {
	if b.zh {
		return z
	}
	return en
}

// month names the month, and the day it runs to while it is not over.
func (b statementBook) month() string {
	p := b.v.cur
	name := p.Month.String()
	if b.zh {
		name = fmt.Sprintf("%d年%d月", p.Month.Year, int(p.Month.Mon))
	}
	if p.Through > 0 { // the month so far
		name += fmt.Sprintf(b.say(" (days 1-%d)", "（截至%d日）"), p.Through)
	}
	return name
}

// peopleHeader is the header of a sheet's people: who they are, a column
// per indicator, the month's total, redeemed, balance and benefits.
func (b statementBook) peopleHeader() []any {
	header := []any{b.say("rank", "排名"), b.say("id", "编号"), b.say("name", "姓名"), b.say("node", "所在网格"), b.say("roles", "角色")}
	for _, k := range b.keys {
		header = append(header, b.indicatorName(k))
	}
	return append(header, b.say("month total", "本月积分"), b.say("redeemed", "本月兑换"), b.say("balance", "积分余额"), b.say("benefits eligible", "可兑换福利"))
}

func (b statementBook) indicatorName(k string) string {
	for _, in := range b.v.cur.Indicators {
		if in.Key == k {
			return in.Name(b.lang)
		}
	}
	return b.say("manual", "人工调整")
}

func (b statementBook) roles(rs []model.Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
		if b.zh {
			s[i] = r.Zh()
		}
	}
	return strings.Join(s, b.say(", ", "、"))
}

// splitTower indexes the nodes by code and picks out the villages and the
// (first) town.
func splitTower(nodes []model.Node) (map[model.NodeCode]model.Node, []model.Node, model.Node) {
	byCode := map[model.NodeCode]model.Node{}
	var villages []model.Node
	var town model.Node
	for _, n := range nodes {
		byCode[n.Code] = n
		switch n.Level {
		case model.LevelVillage:
			villages = append(villages, n)
		case model.LevelTown:
			if town.Code == "" {
				town = n
			}
		}
	}
	return byCode, villages, town
}

// peopleByVillage groups the people of each village, and of the town
// itself, in rank order.
func peopleByVillage(people []model.PersonPoints) map[model.NodeCode][]model.PersonPoints {
	groups := map[model.NodeCode][]model.PersonPoints{}
	for _, x := range people {
		v := x.Node.Village()
		if v == "" {
			v = x.Node.Town()
		}
		groups[v] = append(groups[v], x)
	}
	return groups
}

// summary is the first sheet: each village's total against the month
// before.
func (b statementBook) summary(town model.Node, byCode map[model.NodeCode]model.Node) sheet {
	sum := sheet{name: b.say("Summary", "汇总"), title: 1}
	sum.rows = append(sum.rows, []any{fmt.Sprintf("%s %s %s", town.Name, b.monthName, b.say("points statement", "网格积分公示"))})
	sum.header = []int{1}
	sum.rows = append(sum.rows, []any{b.say("village", "村社"), b.say("code", "代码"), b.say("people", "人数"), b.say("month total", "本月积分"),
		b.say("last month", "上月积分"), b.say("change", "环比")})
	for _, t := range model.Teams(model.LevelVillage, b.v.cur.People, b.v.prev.People) {
		sum.rows = append(sum.rows, []any{byCode[t.Node].Name, string(t.Node), t.People, t.Total, t.Previous, fmt.Sprintf("%+d", t.Trend())})
	}
	return sum
}

// villageSheet is a village's sheet (or the town's, for its own people):
// the title, the people, the grid teams and the line for the signatures.
func (b statementBook) villageSheet(vn, town model.Node, people []model.PersonPoints, used map[string]bool) sheet {
	s := sheet{name: sheetName(vn.Name, vn.Code, used), title: 1, people: len(people), town: vn.Code == town.Code}
	where, signs := town.Name+" "+vn.Name, b.say("Grid leaders (signatures): ____________    Village party secretary: ____________    (seal)    Posted on: ______-____-____",
		"网格长签字：____________    村党组织书记签字：____________    （村委会盖章）    公示日期：______年____月____日")
	if s.town {
		where = vn.Name + b.say(" (town)", "（镇级）")
		signs = b.say("Prepared by: ____________    Town leader in charge: ____________    (seal)    Posted on: ______-____-____",
			"经办人签字：____________    镇分管领导签字：____________    （镇政府盖章）    公示日期：______年____月____日")
	}
	s.rows = append(s.rows, []any{fmt.Sprintf("%s %s %s", where, b.monthName, b.say("points statement", "网格积分公示"))})
	s.header = append(s.header, len(s.rows))
	s.rows = append(s.rows, b.header)
	for i, x := range people {
		s.rows = append(s.rows, b.personRow(i+1, x))
	}
	if teams := b.gridTeams(vn.Code); len(teams) > 0 {
		s.rows = append(s.rows, []any{})
		s.header = append(s.header, len(s.rows))
		s.rows = append(s.rows, []any{b.say("grid team", "网格团队"), b.say("people", "人数"), b.say("team total", "团队积分"),
			b.say("grid leader", "网格长"), b.say("workers", "网格员等"), b.say("leader share", "网格长占比"), b.say("last month", "上月"), b.say("change", "环比")})
		s.rows = append(s.rows, teams...)
	}
	s.rows = append(s.rows, []any{}, []any{signs})
	return s
}

// personRow is one person's row of a sheet, ranked rank.
func (b statementBook) personRow(rank int, x model.PersonPoints) []any {
	row := []any{rank, x.Person.String(), x.Name, b.v.names[x.Node], b.roles(x.Roles)}
	for _, k := range b.keys {
		row = append(row, x.By[k])
	}
	return append(row, x.Total, x.Redeemed, x.Balance, strings.Join(benefitKeys(b.v.cur, x.Balance, b.zh), b.say(", ", "、")))
}

// gridTeams are the rows of the village's grid teams, with the grid
// leader's share.
func (b statementBook) gridTeams(village model.NodeCode) [][]any {
	var teams [][]any
	for _, t := range b.grids {
		if t.Node.Village() == village {
			teams = append(teams, []any{b.v.names[t.Node], t.People, t.Total, t.Leader, t.Workers,
				fmt.Sprintf("%.0f%%", t.LeaderShare()*100), t.Previous, fmt.Sprintf("%+d", t.Trend())})
		}
	}
	return teams
}

// sheetName is a name Excel takes (at most 31 characters, none of
// : \ / ? * [ ]) and not used yet.
func sheetName(name string, code model.NodeCode, used map[string]bool) string {
	clean := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	if clean == "" {
		clean = string(code)
	}
	if r := []rune(clean); len(r) > 31 {
		clean = string(r[:31])
	}
	for base, n := clean, 2; used[clean]; n++ {
		suffix := " " + strconv.Itoa(n)
		r := []rune(base)
		clean = string(r[:min(len(r), 31-len(suffix))]) + suffix
	}
	used[clean] = true
	return clean
}

// xlsxStyles are the statement workbook's cell styles, every one in the
// text format (@): a cell keeps its text as text, even when someone edits
// it in the spreadsheet (sheetRow).
type xlsxStyles struct{ text, bold, title int }

func newXLSXStyles(f *excelize.File) (st xlsxStyles, err error) {
	for _, s := range []struct {
		id   *int
		font *excelize.Font
	}{{&st.text, nil}, {&st.bold, &excelize.Font{Bold: true}}, {&st.title, &excelize.Font{Bold: true, Size: 14}}} {
		if *s.id, err = f.NewStyle(&excelize.Style{Font: s.font, NumFmt: textFormat}); err != nil {
			return st, err
		}
	}
	return st, nil
}

func statementXLSX(sheets []sheet) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newXLSXStyles(f)
	if err != nil {
		return nil, err
	}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return nil, err
		}
		if err := writeSheet(f, s, st); err != nil {
			return nil, err
		}
	}
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeSheet writes sheet s's rows into its sheet of f, the title and the
// header rows in their styles, the columns sized.
func writeSheet(f *excelize.File, s sheet, st xlsxStyles) error {
	width := 0
	for r, row := range s.rows {
		width = max(width, len(row))
		if len(row) == 0 {
			continue
		}
		if err := sheetRow(f, s.name, r+1, row, st.text); err != nil {
			return err
		}
	}
	last, err := excelize.ColumnNumberToName(max(width, 1))
	if err != nil {
		return err
	}
	if err := f.SetCellStyle(s.name, "A1", "A1", st.title); err != nil {
		return err
	}
	for _, h := range s.header {
		if err := f.SetCellStyle(s.name, fmt.Sprintf("A%d", h+1), fmt.Sprintf("%s%d", last, h+1), st.bold); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(s.name, "A", last, 12); err != nil {
		return err
	}
	return f.SetColWidth(s.name, "D", "D", 22)
}

func statementCSV(sheets []sheet) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := newSheetCSV(&b)
	for i, s := range sheets {
		if i > 0 {
			if err := w.Write([]string{}); err != nil {
				return nil, err
			}
		}
		for _, row := range s.rows {
			rec := make([]string, len(row))
			for j, c := range row {
				rec[j] = fmt.Sprint(c)
			}
			if err := w.Write(rec); err != nil {
				return nil, err
			}
		}
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
