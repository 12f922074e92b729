package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"gridcmd/importer"
	"gridcmd/model"
)

// dutyImport schedules the shifts of file (raw), all or none, as by. Each
// row is vetted as read against what the store would refuse (shiftVet), so
// a refusal names the file's row and the room by its name.
func (a *app) dutyImport(ctx context.Context, db backend, by model.PersonID, file string, raw []byte, asJSON bool) error {
	town, _ := a.townOf(ctx, db)
	people, err := db.People(ctx, model.PeopleFilter{})
	if err != nil {
		return err
	}
	resolve := a.nameResolver(ctx, db, by)
	room := func(cell string) (model.NodeCode, error) { return roomNamed(resolve, cell, town) }
	vet := shiftVet(ctx, db, by, people)
	shifts, err := importer.ParseShiftsChecked(file, bytes.NewReader(raw), a.cfg.Location, room, personResolver(people), vet)
	switch model.ErrorCode(err) {
	case "":
		if err != nil {
			return err // not the file's fault (the store unreachable)
		}
	case model.ECONFLICT, model.EFORBIDDEN, model.EUNAVAIL: // refused by the rules, as the store would: exit 2
		return err
	default:
		return usageError{err}
	}
	added, err := db.AddShifts(ctx, shifts, by, "import "+file)
	if err != nil {
		return err
	}
	if asJSON {
		return a.printShifts(added, true)
	}
	fmt.Fprintf(a.out, "%s: %d shift%s scheduled (%s to %s)\n", file, len(added), plural(len(added)), added[0].ID, added[len(added)-1].ID)
	return nil
}

// shiftVet checks each shift of a file, in file order, as the store's
// AddShifts will (by may schedule in the room, its officer may staff it
// and the shift is not too long: model.CheckShift; it overlaps no shift of
// its room, stored or on an earlier line), naming the room by the
// console's name with its code (渎溪村 330784114266).
func shiftVet(ctx context.Context, svc model.Service, by model.PersonID, people []model.Person) func(line int, sh model.Shift) error {
	byID := make(map[model.PersonID]model.Person, len(people))
	for _, p := range people {
		byID[p.ID] = p
	}
	names := map[model.NodeCode]string{}
	named := func(c model.NodeCode) string {
		if _, ok := names[c]; !ok {
			names[c] = strings.TrimSpace(nodeName(ctx, svc, c) + " " + string(c))
		}
		return names[c]
	}
	type lined struct {
		line int
		sh   model.Shift
	}
	var before []lined
	return func(line int, sh model.Shift) error {
		if actor, ok := byID[by]; by != model.System && ok && !model.MayStaff(actor, sh.Room) {
			return model.Errorf(model.EFORBIDDEN, "%s may not schedule shifts in %s: only a duty officer of its town, or a cadre of the village for its room",
				actor.Name, named(sh.Room)).Zh("%s 不能为 %s 排班：只有本镇值班员可排，村值班室也可由本村村干部排", actor.Name, named(sh.Room))
		}
		p := byID[sh.Person]
		if err := model.CheckShift(sh, p, ""); err != nil {
			in := "in " + string(sh.Room) + ":"
			return model.Errorf(model.ErrorCode(err), "%s", strings.Replace(model.ErrorMessage(err), in, "in "+named(sh.Room)+":", 1)).
				Zh("%s", strings.Replace(model.ErrorMessageZh(err), string(sh.Room), named(sh.Room), 1))
		}
		span := func(s model.Shift) string { return stampOf(s.From) + "–" + stampOf(s.To) }
		for _, b := range before {
			if b.sh.Room == sh.Room && b.sh.Overlaps(sh) {
				return model.Errorf(model.ECONFLICT, "%s %s in %s overlaps line %d's (%s, %s)",
					p.Name, span(sh), named(sh.Room), b.line, byID[b.sh.Person].Name, span(b.sh)).
					Zh("%s %s 在 %s 的值班与第 %d 行（%s，%s）重叠", p.Name, span(sh), named(sh.Room), b.line, byID[b.sh.Person].Name, span(b.sh))
			}
		}
		stored, err := svc.Shifts(ctx, model.ShiftFilter{Room: sh.Room, From: sh.From, To: sh.To})
		if err != nil {
			return err
		}
		for _, o := range stored {
			if o.Overlaps(sh) {
				return model.Errorf(model.ECONFLICT, "%s %s in %s overlaps %s (%s, %s)", p.Name, span(sh), named(sh.Room), o.ID, o.Name, span(o)).
					Zh("%s %s 在 %s 的值班与 %s（%s，%s）重叠", p.Name, span(sh), named(sh.Room), o.ID, o.Name, span(o))
			}
		}
		before = append(before, lined{line, sh})
		return nil
	}
}

// stampOf is a shift's bound as the store's refusals write it.
func stampOf(t time.Time) string { return t.Format("01-02 15:04") }
