package cli

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"gridcmd/importer"
	"gridcmd/model"
)

// rosterFlags are import roster's: write the changes of entries on the
// roster (--update), or only say what the import would do (--dry-run).
type rosterFlags struct{ update, dryRun bool }

// rosterReport is what import roster says of a file: each row by its
// line, in the operator's language.
type rosterReport struct {
	a      *app
	file   string
	lines  []int
	keep   []string // the fields the file has no column for (model.RosterImport.Keep)
	node   func(model.NodeCode) string
	update bool
}

// importRoster imports the roster file: the store plans it once and, but
// for a dry run, writes it, all or nothing. It warns of two people on one
// phone and of rows given twice, and says what changed (or, dry, would
// change: every row added, updated or refused), line by line. A refused
// import names every row refused by its line (a dry run's plan, asked for
// then).
func (a *app) importRoster(ctx context.Context, db backend, file string, fl rosterFlags) error {
	rf, err := a.readRoster(ctx, db, file)
	if err != nil {
		return err
	}
	rep := rosterReport{a: a, file: file, lines: rf.lines, keep: rf.keep, node: nodeNamer(ctx, db), update: fl.update}
	plan, err := db.ImportRoster(ctx, rf.people, model.RosterImport{Update: fl.update, DryRun: fl.dryRun, Keep: rf.keep}, rf.by, file)
	if err != nil {
		return rep.refusedRows(ctx, db, rf.people, rf.by, err)
	}
	rep.warn(plan)
	if fl.dryRun {
		for i, row := range plan {
			rep.dryRow(i+1, row)
		}
		rep.summary(plan, true)
		return rep.wouldRefuse(plan)
	}
	for i, row := range plan {
		rep.doneRow(i+1, row)
	}
	rep.summary(plan, false)
	return nil
}

// refusedRows is the store's refusal of the import: for a row's, the
// warnings and every row refused by its line, from the plan of a dry run;
// any other (or a refusal the plan does not show: a federated town's
// person) as refused says it.
func (r rosterReport) refusedRows(ctx context.Context, db backend, people []model.Person, by model.PersonID, err error) error {
	if item, _ := model.ErrorItem(err); item < 1 {
		return r.refused(err)
	}
	plan, perr := db.ImportRoster(ctx, people, model.RosterImport{DryRun: true, Keep: r.keep}, by, r.file)
	if perr != nil {
		return r.refused(perr)
	}
	r.warn(plan)
	if e := r.refusals(plan); e != nil {
		return e
	}
	return r.refused(err)
}

// rosterFile is a roster file as read: its people, the line of each, the
// fields it has no column for, and who imports them (actorOrSystem).
type rosterFile struct {
	people []model.Person
	lines  []int
	keep   []string
	by     model.PersonID
}

// readRoster reads file (rosterFile).
func (a *app) readRoster(ctx context.Context, db backend, file string) (rosterFile, error) {
	known, err := knownNodes(ctx, db)
	if err != nil {
		return rosterFile{}, err
	}
	raw, err := readInput(file)
	if err != nil {
		return rosterFile{}, err
	}
	by, err := a.actorOrSystem(ctx, db)
	if err != nil {
		return rosterFile{}, err
	}
	resolve := a.nameResolver(ctx, db, by)
	people, lines, keep, err := importer.ParseRosterLines(file, bytes.NewReader(raw), func(cell string) (model.NodeCode, error) {
		c, err := resolve(cell)
		if err == nil && !known[c] {
			return c, model.Errorf(model.ENOTFOUND, "node %s is not in the tower", c).Zh("节点 %s 不在网格塔中", c)
		}
		return c, err
	})
	if err != nil {
		return rosterFile{}, usageError{err}
	}
	return rosterFile{people: people, lines: lines, keep: keep, by: by}, nil
}

// nodeNamer names nodes as the console does (渎溪村 01), reading each
// once; "" for one it cannot read.
func nodeNamer(ctx context.Context, db backend) func(model.NodeCode) string {
	seen := map[model.NodeCode]string{}
	return func(c model.NodeCode) string {
		if n, ok := seen[c]; ok {
			return n
		}
		seen[c] = nodeName(ctx, db, c)
		return seen[c]
	}
}

// zh: the operator reads Chinese.
func (r rosterReport) zh() bool { return r.a.lang() == "zh" }

// say is en or zh, as the operator reads.
func (r rosterReport) say(en, zh string) string {
	if r.zh() {
		return zh
	}
	return en
}

// at is "file:line: " of the n-th row (from 1), or "file 第 line 行：".
func (r rosterReport) at(n int) string {
	return r.say(fmt.Sprintf("%s:%d: ", r.file, r.lines[n-1]), fmt.Sprintf("%s 第 %d 行：", r.file, r.lines[n-1]))
}

// row names the n-th row by its line, as a refusal names another row.
func (r rosterReport) row(n int) (string, string) {
	return fmt.Sprintf("line %d", r.lines[n-1]), fmt.Sprintf("第 %d 行", r.lines[n-1])
}

// refused is the store's refusal of a row, said of its line (the row it
// names too); any other error as it is.
func (r rosterReport) refused(err error) error {
	item, other := model.ErrorItem(err)
	if item < 1 || item > len(r.lines) {
		return err
	}
	en, zh := model.ErrorMessage(err), model.ErrorMessageZh(err)
	if other >= 1 && other <= len(r.lines) {
		o, oz := r.row(other)
		en = strings.Replace(en, fmt.Sprintf("row %d of this import", other), o, 1)
		zh = strings.Replace(zh, fmt.Sprintf("本批第 %d 行", other), oz, 1)
	}
	out := model.Errorf(model.ErrorCode(err), "%s", en).Zh("%s", zh).On(model.ErrorField(err))
	return model.AtLine(out, r.file, r.lines[item-1])
}

// warn says, on the error stream, which rows give another person's phone
// and which repeat an earlier row: neither stops the import.
func (r rosterReport) warn(plan []model.RosterRow) {
	w := r.say("gridcmd: warning: ", "gridcmd: 警告：")
	for i, row := range plan {
		n := i + 1
		if row.Action == model.RosterRepeat {
			o, oz := r.row(row.Other)
			fmt.Fprintln(r.a.errOut, w+r.at(n)+r.say("the same as "+o+": imported once", "与"+oz+"相同：只导入一次"))
		}
		if len(row.PhoneOf) == 0 && len(row.PhoneRows) == 0 {
			continue
		}
		var who, whoZh []string
		for _, p := range row.PhoneOf {
			en, zh := model.RosterEntry(p, r.node)
			who, whoZh = append(who, en), append(whoZh, zh)
		}
		for _, j := range row.PhoneRows {
			o, oz := r.row(j)
			name := model.Clip(plan[j-1].Person.Name, 20)
			who, whoZh = append(who, fmt.Sprintf("%s (%s)", o, name)), append(whoZh, fmt.Sprintf("%s（%s）", oz, name))
		}
		name := model.Clip(row.Person.Name, 20)
		fmt.Fprintln(r.a.errOut, w+r.at(n)+r.say(
			fmt.Sprintf("%s's phone %s is also that of %s: two people on one phone, or a typo?", name, row.Person.Phone, strings.Join(who, "; ")),
			fmt.Sprintf("%s的电话 %s 与 %s 相同：是两人共用一个电话，还是写错了？", name, row.Person.Phone, strings.Join(whoZh, "、"))))
	}
}

// refusals refuses the import for the rows it may not take
// (model.RosterRefusal), each named by its line: the one refusal as it
// is; several each on a line of the error stream, then how many and
// which lines.
func (r rosterReport) refusals(plan []model.RosterRow) error {
	errs, lines, code, change := r.refusedLines(plan)
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return refused(errs[0])
	}
	for _, e := range errs {
		fmt.Fprintln(r.a.errOut, "gridcmd: "+message(e, r.a.lang()))
	}
	hint, hintZh := "", ""
	if change {
		hint, hintZh = "; pass --update to make the changes (--dry-run first shows the whole import)", "；要改动请加 --update（先加 --dry-run 可查看整批导入）"
	}
	return refused(model.Errorf(code, "%s: %d rows refused (lines %s): nothing imported%s", r.file, len(errs), strings.Join(lines, ", "), hint).
		Zh("%s：%d 行被拒（第 %s 行），未导入任何人员%s", r.file, len(errs), strings.Join(lines, "、"), hintZh))
}

// refusedLines are the refusals of plan's rows (model.RosterRefusal), each
// at its line, the lines, their code (EINVALID if any is) and whether a
// change without --update is among them.
func (r rosterReport) refusedLines(plan []model.RosterRow) (errs []error, lines []string, code string, change bool) {
	code = model.ECONFLICT
	for i, row := range plan {
		e := model.RosterRefusal(row, r.update, r.node, r.row)
		if e == nil {
			continue
		}
		if e.Code == model.EINVALID {
			code = model.EINVALID
		}
		change = change || row.Action == model.RosterChange
		errs = append(errs, model.AtLine(e, r.file, r.lines[i]))
		lines = append(lines, strconv.Itoa(r.lines[i]))
	}
	return errs, lines, code, change
}

// wouldRefuse is a dry run's last word when the import would be refused:
// how many rows and which lines (each said in the plan above it), and
// what to do.
func (r rosterReport) wouldRefuse(plan []model.RosterRow) error {
	errs, lines, code, change := r.refusedLines(plan)
	if len(errs) == 0 {
		return nil
	}
	hint, hintZh := "", ""
	if change {
		hint, hintZh = "; pass --update to make the changes", "；要改动请加 --update"
	}
	rows := fmt.Sprintf("%d rows (lines %s)", len(errs), strings.Join(lines, ", "))
	if len(errs) == 1 {
		rows = "1 row (line " + lines[0] + ")"
	}
	return refused(model.Errorf(code, "%s: the import would be refused: %s: nothing would be imported%s", r.file, rows, hint).
		Zh("%s：导入将被拒：%d 行（第 %s 行），不会导入任何人员%s", r.file, len(errs), strings.Join(lines, "、"), hintZh))
}

// doneRow says what the import did with the n-th row, if it is news: an
// entry updated, and how; an entry added as another post of a person.
func (r rosterReport) doneRow(n int, row model.RosterRow) {
	switch {
	case row.Action == model.RosterChange:
		r.changeLine(n, row, "updated", "已更新", "", "")
	case row.Action == model.RosterAdd && len(row.PostOf) > 0:
		r.addLine(n, row, "added", "已新增")
	}
}

// dryRow says what the import would do with the n-th row: add it (another
// post or not), update an entry (with --update), refuse it (whatever
// --update says); nothing of a row already on the roster.
func (r rosterReport) dryRow(n int, row model.RosterRow) {
	switch row.Action {
	case model.RosterSame, model.RosterRepeat:
	case model.RosterAdd:
		r.addLine(n, row, "would add", "将新增")
	case model.RosterChange:
		if r.update {
			r.changeLine(n, row, "would update", "将更新", "", "")
		} else {
			r.changeLine(n, row, "would update", "将更新", " (with --update)", "（需加 --update）")
		}
	default:
		e := model.RosterRefusal(row, true, r.node, r.row)
		fmt.Fprintln(r.a.out, r.at(n)+r.say("refused: "+e.Message, "被拒："+e.MessageZh))
	}
}

// changeLine says, at the n-th row's line, the entry a change changes and
// how.
func (r rosterReport) changeLine(n int, row model.RosterRow, verb, verbZh, tail, tailZh string) {
	was, wasZh := model.RosterEntry(row.Was, r.node)
	en, zh := model.RosterChanges(row.Was, row.Person, row.Diff, r.node)
	fmt.Fprintln(r.a.out, r.at(n)+r.say(verb+" "+was+": "+en+tail, verbZh+" "+wasZh+"："+zh+tailZh))
}

// addLine says, at the n-th row's line, the entry an addition adds and,
// for another post of a person on the roster, their posts and how the row
// would move one instead.
func (r rosterReport) addLine(n int, row model.RosterRow, verb, verbZh string) {
	who, whoZh := model.RosterEntry(row.Person, r.node)
	en, zh := verb+" "+who, verbZh+" "+whoZh
	if len(row.PostOf) > 0 {
		var posts, postsZh []string
		for _, p := range row.PostOf {
			at := model.PersonPlace(p.Node, r.node)
			posts, postsZh = append(posts, p.ID.String()+" at "+at), append(postsZh, p.ID.String()+"（"+at+"）")
		}
		en += fmt.Sprintf(": another post of %s (a move instead? the moved entry's id in the row's id column, with --update)", strings.Join(posts, "; "))
		zh += fmt.Sprintf("：为 %s 的另一岗位（若是调动，请在该行编号列写原岗位的编号并加 --update）", strings.Join(postsZh, "、"))
	}
	fmt.Fprintln(r.a.out, r.at(n)+r.say(en, zh))
}

// summary is the import's last line: the people read, added (other
// posts among them), updated, already on the roster (rows given twice
// counted there) and, dry, refused (model.TallyRoster).
func (r rosterReport) summary(plan []model.RosterRow, dry bool) {
	t := model.TallyRoster(plan)
	en := fmt.Sprintf("%s: %d people read; %d added", r.file, t.Rows, t.Added)
	zh := fmt.Sprintf("%s：读入 %d 人；新增 %d 人", r.file, t.Rows, t.Added)
	if t.Posts > 0 {
		en += fmt.Sprintf(" (%d another post of a person on the roster)", t.Posts)
		zh += fmt.Sprintf("（其中 %d 人为已在名册人员的另一岗位）", t.Posts)
	}
	if t.Updated > 0 {
		en += fmt.Sprintf(", %d updated", t.Updated)
		zh += fmt.Sprintf("，更新 %d 人", t.Updated)
		if dry && !r.update {
			en, zh = en+" with --update", zh+"（需加 --update）"
		}
	}
	en += fmt.Sprintf(", %d already on the roster", t.Same)
	zh += fmt.Sprintf("，%d 人已在名册", t.Same)
	if t.Refused > 0 {
		en += fmt.Sprintf(", %d refused", t.Refused)
		zh += fmt.Sprintf("，%d 行被拒", t.Refused)
	}
	if dry {
		en, zh = en+" (dry run: nothing written)", zh+"（试运行：未写入）"
	}
	fmt.Fprintln(r.a.out, r.say(en, zh))
}
