package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
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
	a     *app
	file  string
	lines []int
	node  func(model.NodeCode) string
}

// importRoster imports the roster file: it asks the store what the import
// would do first (a dry run), warns of two people on one phone and of rows
// given twice, refuses the rows it may not take (a change without
// --update, a clash, an ambiguous match) by their lines, and then imports
// it, all or nothing, and says what changed, line by line.
func (a *app) importRoster(ctx context.Context, db backend, file string, fl rosterFlags) error {
	people, lines, by, err := a.readRoster(ctx, db, file)
	if err != nil {
		return err
	}
	rep := rosterReport{a: a, file: file, lines: lines, node: nodeNamer(ctx, db)}
	plan, err := db.ImportRoster(ctx, people, model.RosterImport{DryRun: true}, by, file)
	if err != nil {
		return rep.refused(err)
	}
	rep.warn(plan)
	if err := rep.refusals(plan, fl.update); err != nil {
		return err
	}
	if !fl.dryRun {
		if plan, err = db.ImportRoster(ctx, people, model.RosterImport{Update: fl.update}, by, file); err != nil {
			return rep.refused(err)
		}
	}
	rep.changes(plan, fl.dryRun)
	rep.summary(plan, fl.dryRun)
	return nil
}

// readRoster reads file's people, with the line of each, and who imports
// them (actorOrSystem).
func (a *app) readRoster(ctx context.Context, db backend, file string) ([]model.Person, []int, model.PersonID, error) {
	known, err := knownNodes(ctx, db)
	if err != nil {
		return nil, nil, 0, err
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, 0, usageError{err}
	}
	by, err := a.actorOrSystem(ctx, db)
	if err != nil {
		return nil, nil, 0, err
	}
	resolve := a.nameResolver(ctx, db, by)
	people, lines, err := importer.ParseRosterLines(file, bytes.NewReader(raw), func(cell string) (model.NodeCode, error) {
		c, err := resolve(cell)
		if err == nil && !known[c] {
			return c, model.Errorf(model.ENOTFOUND, "node %s is not in the tower", c).Zh("节点 %s 不在网格塔中", c)
		}
		return c, err
	})
	if err != nil {
		return nil, nil, 0, usageError{err}
	}
	return people, lines, by, nil
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
func (r rosterReport) refusals(plan []model.RosterRow, update bool) error {
	var errs []error
	var lines []string
	code, change := model.ECONFLICT, false
	for i, row := range plan {
		e := model.RosterRefusal(row, update, r.node, r.row)
		if e == nil {
			continue
		}
		if e.Code != model.ECONFLICT {
			code = model.EINVALID
		}
		change = change || row.Action == model.RosterChange
		errs = append(errs, model.AtLine(e, r.file, r.lines[i]))
		lines = append(lines, strconv.Itoa(r.lines[i]))
	}
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
		hint, hintZh = "; pass --update to make the changes (--dry-run to see them first)", "；要改动请加 --update（可先加 --dry-run 查看）"
	}
	return refused(model.Errorf(code, "%s: %d rows refused (lines %s): nothing imported%s", r.file, len(errs), strings.Join(lines, ", "), hint).
		Zh("%s：%d 行被拒（第 %s 行），未导入任何人员%s", r.file, len(errs), strings.Join(lines, "、"), hintZh))
}

// changes says, line by line, which entries the import changed (or, dry,
// would change) and how.
func (r rosterReport) changes(plan []model.RosterRow, dry bool) {
	verb, verbZh := "updated", "已更新"
	if dry {
		verb, verbZh = "would update", "将更新"
	}
	for i, row := range plan {
		if row.Action != model.RosterChange {
			continue
		}
		was, wasZh := model.RosterEntry(row.Was, r.node)
		en, zh := model.RosterChanges(row.Was, row.Person, row.Diff, r.node)
		fmt.Fprintln(r.a.out, r.at(i+1)+r.say(verb+" "+was+": "+en, verbZh+" "+wasZh+"："+zh))
	}
}

// summary is the import's last line: the people read, added, updated and
// already on the roster (rows given twice counted there).
func (r rosterReport) summary(plan []model.RosterRow, dry bool) {
	var added, updated, same int
	for _, row := range plan {
		switch row.Action {
		case model.RosterAdd:
			added++
		case model.RosterChange:
			updated++
		default:
			same++
		}
	}
	en := fmt.Sprintf("%s: %d people read; %d added", r.file, len(plan), added)
	zh := fmt.Sprintf("%s：读入 %d 人；新增 %d 人", r.file, len(plan), added)
	if updated > 0 {
		en += fmt.Sprintf(", %d updated", updated)
		zh += fmt.Sprintf("，更新 %d 人", updated)
	}
	en += fmt.Sprintf(", %d already on the roster", same)
	zh += fmt.Sprintf("，%d 人已在名册", same)
	if dry {
		en, zh = en+" (dry run: nothing written)", zh+"（试运行：未写入）"
	}
	fmt.Fprintln(r.a.out, r.say(en, zh))
}
