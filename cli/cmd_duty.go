package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gridcmd/importer"
	"gridcmd/model"
)

// The duty schedule (值班表): duty import|add|rotate|list|now|swap|checkin.

// shiftJSON is one shift in --json output.
type shiftJSON struct {
	ID      string `json:"id"`
	Room    string `json:"room"`
	Person  string `json:"person"`
	Name    string `json:"name"`
	Phone   string `json:"phone"`
	From    string `json:"from"`
	To      string `json:"to"`
	Swapped string `json:"swapped_from,omitempty"`
}

func (a *app) shiftJSON(s model.Shift) *shiftJSON {
	if !s.Scheduled() {
		return nil
	}
	j := &shiftJSON{ID: s.ID, Room: string(s.Room), Person: s.Person.String(), Name: s.Name, Phone: s.Phone, From: a.ts(s.From), To: a.ts(s.To)}
	if s.Swapped != 0 {
		j.Swapped = s.Swapped.String()
	}
	return j
}

// dutyJSON is one room in `duty now --json`: room, person, name, phone,
// from, to of the officer on duty ("" when nobody), and the outgoing
// officer still on duty until the handover is signed for, the next one,
// and the handover waiting to be signed for.
type dutyJSON struct {
	Room     string     `json:"room"`
	RoomName string     `json:"room_name"`
	Person   string     `json:"person"`
	Name     string     `json:"name"`
	Phone    string     `json:"phone"`
	From     string     `json:"from,omitempty"`
	To       string     `json:"to,omitempty"`
	Shift    string     `json:"shift,omitempty"`
	Outgoing *shiftJSON `json:"outgoing,omitempty"`
	Next     *shiftJSON `json:"next,omitempty"`
	Handover string     `json:"handover,omitempty"`
}

func (a *app) dutyJSON(rd model.RoomDuty) dutyJSON {
	j := dutyJSON{Room: string(rd.Room), RoomName: model.RoomName(rd.Room, rd.RoomName, true),
		Outgoing: a.shiftJSON(rd.Outgoing), Next: a.shiftJSON(rd.Next)}
	if c := rd.Current; c.Scheduled() {
		j.Person, j.Name, j.Phone, j.From, j.To, j.Shift = c.Person.String(), c.Name, c.Phone, a.ts(c.From), a.ts(c.To), c.ID
	}
	if rd.Pending.Made() {
		j.Handover = rd.Pending.ID
	}
	return j
}

func (a *app) dutyCmd() *cobra.Command {
	return group(&cobra.Command{
		Use:   "duty",
		Short: "The duty schedule (值班表): shifts of the town room and the village rooms, who is on duty",
	}, a.dutyImportCmd(), a.dutyAddCmd(), a.dutyRotateCmd(), a.dutyListCmd(), a.dutyNowCmd(), a.dutySwapCmd(), a.dutyCheckinCmd())
}

// townOf is the town "town" means: the operator's, else the only one.
func (a *app) townOf(ctx context.Context, db backend) (model.NodeCode, error) {
	if id, err := a.actor(ctx, db, ""); err == nil {
		if p, err := db.Person(ctx, id); err == nil && p.Node.Town() != "" {
			return p.Node.Town(), nil
		}
	}
	nodes, err := db.Nodes(ctx, "")
	if err != nil {
		return "", err
	}
	var towns []string
	for _, n := range nodes {
		if n.Level == model.LevelTown {
			towns = append(towns, string(n.Code))
		}
	}
	if len(towns) == 1 {
		return model.NodeCode(towns[0]), nil
	}
	return "", usageError{model.Errorf(model.EINVALID, "town: the database holds %d towns (%s); give the town's code", len(towns), strings.Join(towns, ", ")).
		Zh("本镇：库中有 %d 个镇街（%s）；请给出镇街代码", len(towns), strings.Join(towns, "，"))}
}

// room reads a --room flag: town, or a town's or village's code or name as
// the console shows it (a.roomArg, within actor's seat, the operator's for
// 0); empty is the actor's own room (their village's for a village cadre,
// else their town's).
func (a *app) room(ctx context.Context, db backend, flag string, actor model.PersonID) (model.NodeCode, error) {
	if blank(flag) {
		p, err := db.Person(ctx, actor)
		if err != nil {
			return "", err
		}
		if p.Has(model.RoleVillageCadre) && p.Node.Village() != "" && !p.Has(model.RoleDutyOfficer) {
			return p.Node.Village(), nil
		}
		return p.Node.Town(), nil
	}
	if t := strings.TrimSpace(flag); !model.WholeTown(t) && t != "镇" {
		c, err := a.roomArg(ctx, db, t, actor)
		if err != nil {
			return "", err
		}
		flag = string(c)
	}
	town, err := a.townOf(ctx, db)
	if err != nil && model.WholeTown(strings.TrimSpace(flag)) {
		return "", err
	}
	return flagged("--room")(model.ParseRoom(flag, town))
}

// roomArg reads a room's code or name typed for --room as a.nodeArg reads
// a node, its names through a.roomResolver: a room of another town is
// refused as such.
func (a *app) roomArg(ctx context.Context, db backend, s string, actor model.PersonID) (model.NodeCode, error) {
	if code, err := model.ParseNodeCode(s); err == nil {
		return code, nil
	}
	if actor == 0 {
		var err error
		if actor, err = a.looker(ctx, db); err != nil {
			return "", err
		}
	}
	return flagged("--room")(a.roomResolver(ctx, db, actor)(s))
}

// inRoom runs act on the file as --by (a.withActor) in the room of --room
// (a.room: "" is the actor's own).
func (a *app) inRoom(ctx context.Context, by, room string, act func(ctx context.Context, db backend, actor model.PersonID, r model.NodeCode) error) error {
	return a.withActor(ctx, by, func(ctx context.Context, db backend, actor model.PersonID) error {
		r, err := a.room(ctx, db, room, actor)
		if err != nil {
			return err
		}
		return act(ctx, db, actor, r)
	})
}

// roomNamed reads a room as a sheet's cell gives it, as room reads --room:
// town (全镇, 镇: town), or a town's or village's code or name as the
// console shows it (model.NodeNames.Resolve); refusals as the model's.
func roomNamed(resolve nameResolver, s string, town model.NodeCode) (model.NodeCode, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", model.Errorf(model.EINVALID, "room: empty; give the town (town, 全镇) or a village by its code or name (渎溪村)").
			Zh("值班室：未填写；请填写本镇（town、全镇）或村的代码或名称（如 渎溪村）").On("room")
	}
	if !model.WholeTown(t) && t != "镇" {
		c, err := resolve(t)
		if err != nil {
			return "", err
		}
		s = string(c)
	}
	return model.ParseRoom(s, town)
}

// roomFilter reads a --room that narrows a list: "" is every room.
func (a *app) roomFilter(ctx context.Context, db backend, flag string) (model.NodeCode, error) {
	if blank(flag) {
		return "", nil
	}
	return a.room(ctx, db, flag, 0)
}

// span reads --from and --to with when.
func (a *app) span(from, to string) (time.Time, time.Time, error) {
	return spanWith(a.when, from, to)
}

// spanWith reads --from and --to with read.
func spanWith(read func(flag, v string) (time.Time, error), from, to string) (time.Time, time.Time, error) {
	f, err := read("--from", from)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	t, err := read("--to", to)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	return f, t, nil
}

// when reads a time flag in the configured zone ("" is zero).
func (a *app) when(flag, v string) (time.Time, error) {
	if blank(v) {
		return time.Time{}, nil
	}
	t, err := importer.ParseTime(v, a.cfg.Location)
	if err != nil {
		return time.Time{}, usageError{flagError(flag, err)}
	}
	return t, nil
}

func (a *app) printShifts(shifts []model.Shift, asJSON bool) error {
	return printList(a, asJSON, shifts, a.shiftJSON, []string{"ID", "ROOM", "PERSON", "NAME", "FROM", "TO"}, func(s model.Shift) []string {
		return []string{s.ID, string(s.Room), s.Person.String(), s.Name, a.minute(s.From), a.minute(s.To)}
	})
}

func (a *app) dutyImportCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "import FILE.csv",
		Short: "Schedule the shifts of a CSV file: room, person, from, to (columns by name, zh or en)",
		Long: `Schedule shifts from a CSV file with a header line; columns by name, in any
order, English or Chinese:

  room    值班室, 房间        town (全镇) for the town room, or a town or village:
                             its code or its name as the console shows it (渎溪村)
  person  人员, 值班员, 姓名   a person id (P12) or a name on the roster
  phone   电话               optional: tells apart two people of one name
  from    开始, 起            2026-11-29 08:00 in the configured time zone, or RFC 3339
  to      结束, 止            as from

All or nothing: a bad row names the file and line, and so does a shift that
overlaps another of its room (stored or on an earlier line) or whose officer
may not staff the room (the room named as the console names it, with its
code); nothing is scheduled.`,
		Args: exactArgs(1, "one CSV file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			raw, err := os.ReadFile(args[0])
			if err != nil {
				return usageError{err}
			}
			return a.withActor(cmd.Context(), "", func(ctx context.Context, db backend, by model.PersonID) error {
				return a.dutyImport(ctx, db, by, args[0], raw, asJSON)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the shifts scheduled as JSON")
	return cmd
}

// rosterResolver is personResolver over the roster as it stands.
func rosterResolver(ctx context.Context, db backend) (func(person, phone string) (model.PersonID, error), error) {
	people, err := db.People(ctx, model.PeopleFilter{})
	if err != nil {
		return nil, err
	}
	return personResolver(people), nil
}

// onRoster finds each of people (an id or a name) on the roster as it
// stands.
func onRoster(ctx context.Context, db backend, people ...string) ([]model.PersonID, error) {
	who, err := rosterResolver(ctx, db)
	if err != nil {
		return nil, err
	}
	ids := make([]model.PersonID, 0, len(people))
	for _, p := range people {
		id, err := who(p, "")
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// personResolver finds a person by id (P12) or by name, the phone telling
// two of one name apart.
func personResolver(people []model.Person) func(person, phone string) (model.PersonID, error) {
	return func(person, phone string) (model.PersonID, error) {
		s := strings.TrimSpace(person)
		if id, err := model.ParsePersonID(s); err == nil {
			for _, p := range people {
				if p.ID == id {
					return id, nil
				}
			}
			return 0, model.Errorf(model.ENOTFOUND, "person %s is not on the roster", id).Zh("名册中没有 %s", id)
		}
		if n, err := model.NormalizePhone(phone); err == nil {
			phone = n // as the roster stores it: １３９… and 139 0000 0007 are 13900000007
		}
		var found []model.Person
		for _, p := range people {
			if p.Name == s && (blank(phone) || strings.TrimSpace(phone) == p.Phone) {
				found = append(found, p)
			}
		}
		switch len(found) {
		case 0:
			return 0, model.Errorf(model.ENOTFOUND, "person %q is not on the roster", model.Clip(s, 20)).Zh("名册中没有 %q", model.Clip(s, 20))
		case 1:
			return found[0].ID, nil
		}
		ids := make([]string, len(found))
		for i, p := range found {
			ids[i] = p.ID.String() + " " + p.Phone
		}
		return 0, model.Errorf(model.ECONFLICT, "%d people named %s (%s): give the id or the phone", len(found), s, strings.Join(ids, ", ")).
			Zh("名为 %s 的有 %d 人（%s）：请给出编号或电话", s, len(found), strings.Join(ids, "、"))
	}
}

func (a *app) dutyAddCmd() *cobra.Command {
	var person, room, from, to, by string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add --person P --room town|CODE|NAME --from TIME --to TIME",
		Short: "Schedule one shift",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := missing("duty add", required{"--person", blank(person)}, required{"--room", blank(room)},
				required{"--from", blank(from)}, required{"--to", blank(to)}); err != nil {
				return usageError{err}
			}
			f, t, err := a.span(from, to)
			if err != nil {
				return err
			}
			return a.inRoom(cmd.Context(), by, room, func(ctx context.Context, db backend, actor model.PersonID, r model.NodeCode) error {
				pid, err := onRoster(ctx, db, person)
				if err != nil {
					return err
				}
				added, err := db.AddShifts(ctx, []model.Shift{{Room: r, Person: pid[0], From: f, To: t}}, actor, "")
				if err != nil {
					return err
				}
				s := added[0]
				return a.reply(asJSON, a.shiftJSON(s), "%s: %s %s on duty in %s from %s to %s\n", s.ID, s.Person, s.Name, s.Room, a.minute(s.From), a.minute(s.To))
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&person, "person", "", "who (P12, or a name on the roster)")
	f.StringVar(&room, "room", "", "town, or a town or village: its code or its name as the console shows it (渎溪村)")
	f.StringVar(&from, "from", "", "start: 2026-11-29 08:00 (configured zone) or RFC 3339")
	f.StringVar(&to, "to", "", "end, as --from")
	f.StringVar(&by, "by", "", "who schedules it (default the operator)")
	f.BoolVar(&asJSON, "json", false, "print the shift as JSON")
	return cmd
}

// rotateFlags are the flags of duty rotate.
type rotateFlags struct {
	room, people, length, handoff, from, by string
	weeks                                   int
	asJSON                                  bool
}

func (a *app) dutyRotateCmd() *cobra.Command {
	var fl rotateFlags
	cmd := &cobra.Command{
		Use:   "rotate --room R --people P1,P2,... --length 12h --handoff 08:00 [--from DATE] [--weeks 1]",
		Short: "Generate shifts from a weekly rotation: the people in turn, one shift of --length each, handing over at --handoff",
		Long: `Generate shifts by a rotation rule (as GoAlert's rotations): the people take
turns in the room, one shift of --length each (whole hours that divide a day,
or whole days), handing over at --handoff and every --length after it, for
--weeks weeks from the first handoff on --from (default today). Handoffs
stay at the same wall-clock times across midnight and across a change of
daylight time in the configured time zone. The shifts are scheduled like
'duty add': all or none.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l, err := fl.shiftLength()
			if err != nil {
				return err
			}
			return a.withActor(cmd.Context(), fl.by, func(ctx context.Context, db backend, actor model.PersonID) error {
				return a.rotate(ctx, db, fl, l, actor)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&fl.room, "room", "", "town, or a town or village: its code or its name as the console shows it (渎溪村)")
	f.StringVar(&fl.people, "people", "", "who takes turns, in order: ids or names, comma-separated")
	f.StringVar(&fl.length, "length", "", "one shift: 8h, 12h, or whole days: 1d, 7d (24h, 168h)")
	f.StringVar(&fl.handoff, "handoff", "", "the time of day of the first handoff: 08:00")
	f.StringVar(&fl.from, "from", "", "the day of the first handoff (default today)")
	f.IntVar(&fl.weeks, "weeks", 1, "how many weeks to generate")
	f.StringVar(&fl.by, "by", "", "who schedules it (default the operator)")
	f.BoolVar(&fl.asJSON, "json", false, "print the shifts as JSON")
	return cmd
}

// shiftLength checks the flags of duty rotate before the file is opened
// and reads --length.
func (fl rotateFlags) shiftLength() (time.Duration, error) {
	if err := missing("duty rotate", required{"--room", blank(fl.room)}, required{"--people", blank(fl.people)},
		required{"--length", blank(fl.length)}, required{"--handoff", blank(fl.handoff)}); err != nil {
		return 0, usageError{err}
	}
	l, err := model.ParseShiftLength(fl.length)
	if err != nil {
		return 0, usageError{flagError("--length", err)}
	}
	if fl.weeks < 1 || fl.weeks > 52 {
		return 0, usageError{fmt.Errorf("--weeks %d: want 1 to 52", fl.weeks)}
	}
	return l, nil
}

// rotate schedules the shifts of the rotation the flags describe (shifts
// of l) and says which.
func (a *app) rotate(ctx context.Context, db backend, fl rotateFlags, l time.Duration, actor model.PersonID) error {
	r, err := a.room(ctx, db, fl.room, actor)
	if err != nil {
		return err
	}
	ids, err := onRoster(ctx, db, model.SplitCodes(fl.people)...)
	if err != nil {
		return err
	}
	first := db.Now()
	if !blank(fl.from) {
		if first, err = a.when("--from", fl.from); err != nil {
			return err
		}
	}
	shifts, err := model.Rotation{Room: r, People: ids, Length: l, Handoff: fl.handoff}.Shifts(first, 7*fl.weeks, a.cfg.Location)
	if err != nil {
		return usageError{err}
	}
	added, err := db.AddShifts(ctx, shifts, actor, fmt.Sprintf("rotation of %d, %s from %s", len(ids), model.ShortDuration(l), fl.handoff))
	if err != nil {
		return err
	}
	return a.answer(fl.asJSON, jsonList(added, a.shiftJSON), func() {
		fmt.Fprintf(a.out, "%s scheduled in %s (%s to %s), %s to %s\n", model.Count(len(added), "shift"), r, added[0].ID, added[len(added)-1].ID,
			a.minute(added[0].From), a.minute(added[len(added)-1].To))
	})
}

// roomList adds --room, which narrows a list to one room, and --json to
// cmd.
func (fl *filtered) roomList(cmd *cobra.Command) {
	fl.add(cmd, "room", "one room: town, or a town or village: its code or its name as the console shows it (渎溪村)")
}

// withRoom runs list on the file with the room of --room ("": every room).
func (a *app) withRoom(ctx context.Context, room string, list func(ctx context.Context, db backend, r model.NodeCode) error) error {
	return withFound(a, ctx, looking, func(ctx context.Context, db backend) (model.NodeCode, error) {
		return a.roomFilter(ctx, db, room)
	}, list)
}

func (a *app) dutyListCmd() *cobra.Command {
	var fl filtered
	var from, to string
	cmd := &cobra.Command{
		Use:   "list [--room R] [--from TIME] [--to TIME] [--json]",
		Short: "The shifts scheduled, by room and time",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, t, err := a.span(from, to)
			if err != nil {
				return err
			}
			return a.withRoom(cmd.Context(), fl.which, func(ctx context.Context, db backend, r model.NodeCode) error {
				shifts, err := db.Shifts(ctx, model.ShiftFilter{Room: r, From: f, To: t})
				if err != nil {
					return err
				}
				return a.printShifts(shifts, fl.asJSON)
			})
		},
	}
	fl.roomList(cmd)
	cmd.Flags().StringVar(&from, "from", "", "shifts that end after this time")
	cmd.Flags().StringVar(&to, "to", "", "shifts that begin before this time")
	return cmd
}

func (a *app) dutyNowCmd() *cobra.Command {
	var fl filtered
	var at, town string
	var all bool
	cmd := &cobra.Command{
		Use:   "now [--room R | --town T | --all] [--at TIME] [--json]",
		Short: "Who is on duty in each room: room, person, name, phone, from, to, and who is next",
		Long: `Who is on duty in each room of the operator's town (its town room and every
village room), or in --room: room, person, name, phone, from, to of the shift
running, and who comes next. Staff above the towns (a county's duty officer)
see every room of their division, and so does a file without an operator;
--town lists a town's rooms (or a county's), --all every room of the file.
After a shift change the outgoing officer stays on duty until the incoming
one has signed for the handover (gridcmd handover accept); both are shown.
--at looks at another time.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, err := a.when("--at", at)
			if err != nil {
				return err
			}
			if err := dutyNowFlags(fl.which, town, all); err != nil {
				return err
			}
			return withFound(a, cmd.Context(), looking, func(ctx context.Context, db backend) (dutyWhere, error) {
				return a.dutyNowWhere(ctx, db, fl.which, town, all)
			}, func(ctx context.Context, db backend, w dutyWhere) error {
				rds, err := w.duty(ctx, db, t)
				if err != nil {
					return err
				}
				return a.answer(fl.asJSON, jsonList(rds, a.dutyJSON), func() {
					if t.IsZero() {
						t = db.Now()
					}
					a.printDuty(rds, t)
				})
			})
		},
	}
	fl.roomList(cmd)
	cmd.Flags().StringVar(&at, "at", "", "at this time instead of now")
	cmd.Flags().StringVar(&town, "town", "", "the rooms of this town (or of every town of a county): a code or a name (花街镇)")
	cmd.Flags().BoolVar(&all, "all", false, "every room of the file")
	return cmd
}

// dutyNowFlags refuses two of --room, --town and --all together: each
// says which rooms to list.
func dutyNowFlags(room, town string, all bool) error {
	given := []string{}
	for _, f := range []struct {
		name string
		set  bool
	}{{"--room", !blank(room)}, {"--town", !blank(town)}, {"--all", all}} {
		if f.set {
			given = append(given, f.name)
		}
	}
	if len(given) < 2 {
		return nil
	}
	return usageError{model.Errorf(model.EINVALID, "duty now: %s each say which rooms to list: give one", strings.Join(given, " and ")).
		Zh("duty now：%s 都指定列出哪些值班室，只能给一个", strings.Join(given, " 与 "))}
}

// dutyWhere is which rooms duty now lists: room's one, else every room
// of the file under scope (all of them for "").
type dutyWhere struct{ room, scope model.NodeCode }

// dutyNowWhere reads duty now's --room, --town and --all: one room; the
// rooms under --town; every room with --all; else the operator's: their
// town's rooms, those under their division for staff above the towns,
// every room for a file without an operator.
func (a *app) dutyNowWhere(ctx context.Context, db backend, room, town string, all bool) (dutyWhere, error) {
	switch {
	case !blank(room):
		r, err := a.room(ctx, db, room, 0)
		return dutyWhere{room: r}, err
	case !blank(town):
		t, err := townArg(ctx, db, town)
		if err != nil {
			return dutyWhere{}, err
		}
		if _, err := db.Node(ctx, t); err != nil {
			return dutyWhere{}, usageError{flagError("--town", err)}
		}
		return dutyWhere{scope: t}, nil
	case all:
		return dutyWhere{}, nil
	}
	actor, err := a.looker(ctx, db)
	if err != nil {
		return dutyWhere{}, err
	}
	seat, ok := actorSeat(ctx, db, actor)
	switch {
	case !ok:
		return dutyWhere{}, nil
	case seat.Town != "":
		return dutyWhere{scope: seat.Town}, nil
	}
	return dutyWhere{scope: seat.Node}, nil
}

// townArg reads --town: a town's or a county's code, or the name of one
// of the file's towns or counties, or the beginning of one name alone
// (model.TownNamed, as the console's :town); a village is not a town.
func townArg(ctx context.Context, db backend, s string) (model.NodeCode, error) {
	nodes, err := db.Nodes(ctx, "")
	if err != nil {
		return "", err
	}
	var towns []model.Node
	for _, n := range nodes {
		if n.Level <= model.LevelTown {
			towns = append(towns, n)
		}
	}
	t, err := model.TownNamed(towns, s, "in this file", "本库")
	if err != nil {
		return "", usageError{err}
	}
	return t, nil
}

// duty is who is on duty at at in w's rooms: the store reads the scope's
// rooms only.
func (w dutyWhere) duty(ctx context.Context, db backend, at time.Time) ([]model.RoomDuty, error) {
	if w.room != "" {
		return db.Duty(ctx, w.room, at)
	}
	return db.DutyUnder(ctx, w.scope, at)
}

// printDuty is duty now's table at t: who is on duty in each room, with
// the outgoing officer while the handover waits, and who is next.
func (a *app) printDuty(rds []model.RoomDuty, t time.Time) {
	rows := make([][]string, 0, len(rds))
	for _, rd := range rds {
		row := []string{string(rd.Room), model.RoomName(rd.Room, rd.RoomName, true), "-", "", "", "", "", ""}
		if c := rd.Current; c.Scheduled() {
			row[2], row[3], row[4], row[5], row[6] = c.Person.String(), c.Name, c.Phone, a.minute(c.From), a.minute(c.To)
		}
		var notes []string
		if o := rd.Outgoing; o.Scheduled() {
			notes = append(notes, fmt.Sprintf("with %s %s, handing over", o.Person, o.Name))
			if rd.Pending.Made() {
				notes[len(notes)-1] += " (" + rd.Pending.ID + " not signed for)"
			}
		}
		if n := rd.Next; n.Scheduled() {
			notes = append(notes, fmt.Sprintf("next %s %s in %s", n.Person, n.Name, model.FormatWait(n.From.Sub(t))))
		}
		row[7] = strings.Join(notes, "; ")
		rows = append(rows, row)
	}
	table(a.out, []string{"ROOM", "NAME", "PERSON", "OFFICER", "PHONE", "FROM", "TO", ""}, rows)
}

func (a *app) dutySwapCmd() *cobra.Command {
	var person, by string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "swap SHIFT --person P",
		Short: "Give a shift to another officer (one officer takes another's shift); recorded",
		Args:  exactArgs(1, "one shift id (e.g. S-0012; see gridcmd duty list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := missing("duty swap", required{"--person", blank(person)}); err != nil {
				return usageError{err}
			}
			return a.withActor(cmd.Context(), by, func(ctx context.Context, db backend, actor model.PersonID) error {
				to, err := onRoster(ctx, db, person)
				if err != nil {
					return err
				}
				s, err := db.SwapShift(ctx, args[0], to[0], actor)
				if err != nil {
					return err
				}
				return a.reply(asJSON, a.shiftJSON(s), "%s in %s %s to %s: now %s %s (was %s)\n", s.ID, s.Room, a.minute(s.From), a.minute(s.To), s.Person, s.Name, s.Swapped)
			})
		},
	}
	cmd.Flags().StringVar(&person, "person", "", "who takes the shift (P12 or a name)")
	cmd.Flags().StringVar(&by, "by", "", "who swaps it (default the operator)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the shift as JSON")
	return cmd
}

func (a *app) dutyCheckinCmd() *cobra.Command {
	var room, by string
	cmd := &cobra.Command{
		Use:   "checkin [--room CODE|NAME]",
		Short: "Say a room is there (in wartime a village room silent for watchdog.room_silence raises an incident)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.inRoom(cmd.Context(), by, room, func(ctx context.Context, db backend, actor model.PersonID, r model.NodeCode) error {
				if err := db.CheckIn(ctx, r, actor); err != nil {
					return err
				}
				fmt.Fprintf(a.out, "%s checked in at %s\n", r, a.minute(db.Now()))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&room, "room", "", "the room: town, or a town's or village's code or name (default the operator's own)")
	cmd.Flags().StringVar(&by, "by", "", "who checks in (default the operator)")
	return cmd
}
