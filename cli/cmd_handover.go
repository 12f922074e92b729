package cli

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gridcmd/model"
)

// Handovers (交接班): handover give|accept|show.

// handoverJSON is a handover in --json output; sheet is
// model.HandoverSheet's own JSON.
type handoverJSON struct {
	ID           string              `json:"id,omitempty"`
	Room         string              `json:"room"`
	RoomName     string              `json:"room_name"`
	Outgoing     string              `json:"outgoing"`
	OutgoingName string              `json:"outgoing_name"`
	Incoming     string              `json:"incoming"`
	IncomingName string              `json:"incoming_name"`
	MadeAt       string              `json:"made_at"`
	AcceptedAt   string              `json:"accepted_at,omitempty"`
	AcceptedBy   string              `json:"accepted_by,omitempty"`
	Sheet        model.HandoverSheet `json:"sheet"`
}

func (a *app) handoverJSON(h model.Handover) handoverJSON {
	j := handoverJSON{ID: h.ID, Room: string(h.Room), RoomName: h.Sheet.RoomName, Outgoing: h.Outgoing.String(), OutgoingName: h.OutgoingName,
		Incoming: h.Incoming.String(), IncomingName: h.InName, MadeAt: a.ts(h.MadeAt), AcceptedAt: a.ts(h.AcceptedAt), Sheet: h.Sheet}
	if h.AcceptedBy != 0 {
		j.AcceptedBy = h.AcceptedBy.String()
	}
	return j
}

func (a *app) handoverCmd() *cobra.Command {
	return group(&cobra.Command{
		Use:   "handover",
		Short: "Handovers (交接班): the sheet made from the records, signed for by the incoming officer",
	}, a.handoverGiveCmd(), a.handoverAcceptCmd(), a.handoverShowCmd())
}

func (a *app) handoverGiveCmd() *cobra.Command {
	var room, note, by string
	var dryRun, asJSON bool
	var format string
	cmd := &cobra.Command{
		Use:   "give [--room R] [--note X] [--dry-run]",
		Short: "Hand the room over at the shift change: the sheet is made from the records",
		Long: `Hand the room over to the next officer at the shift change (from an hour
before the end of the shift, or after it while the outgoing officer is still
on duty). The sheet is made from the records: open incidents by tier with the
red ones first, the supervisions during the shift, directives still
unsigned with their silent units, the wartime state, the watchdog silences,
what changed during the shift and the notable events, and --note. It is
recorded as an event; the incoming officer signs for it with 'gridcmd
handover accept' (or y in the console). --dry-run shows the sheet at any
time in the shift and stores nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n, err := cleanFlag("--note", note, true)
			if err != nil {
				return usageError{err}
			}
			if err := checkFormat(format); err != nil {
				return err
			}
			return a.inRoom(cmd.Context(), by, room, func(ctx context.Context, db backend, actor model.PersonID, r model.NodeCode) error {
				h, err := db.Handover(ctx, r, n, actor, dryRun, "")
				if err != nil {
					return err
				}
				return a.printHandover(a.out, h, asJSON, format)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&room, "room", "", "the room: town, or a town's or village's code or name (default the operator's own)")
	f.StringVar(&note, "note", "", "the outgoing officer's note")
	f.StringVar(&by, "by", "", "who hands over (default the operator)")
	f.BoolVar(&dryRun, "dry-run", false, "show the sheet; store nothing")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	f.StringVar(&format, "format", "text", "text or md (Markdown, for the town's report)")
	return cmd
}

func (a *app) handoverAcceptCmd() *cobra.Command {
	var room, by string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "accept [H-0001] [--room R]",
		Short: "Sign for the handover waiting in the room, as the incoming officer",
		Args:  maxArgs(1, "one handover id", "一个交接编号"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.withActor(cmd.Context(), by, func(ctx context.Context, db backend, actor model.PersonID) error {
				id := ""
				var r model.NodeCode
				var err error
				if len(args) == 1 {
					id = args[0]
				} else if r, err = a.room(ctx, db, room, actor); err != nil {
					return err
				}
				h, err := db.AcceptHandover(ctx, id, r, actor)
				if err != nil {
					return err
				}
				return a.reply(asJSON, a.handoverJSON(h), "%s signed for by %s %s at %s: %s is off duty\n", h.ID, h.Incoming, h.InName, a.minute(h.AcceptedAt), h.OutgoingName)
			})
		},
	}
	cmd.Flags().StringVar(&room, "room", "", "the room: town, or a town's or village's code or name (default the operator's own)")
	cmd.Flags().StringVar(&by, "by", "", "who signs (default the operator): the incoming officer")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func checkFormat(f string) error {
	if f != "text" && f != "md" {
		return badValue("--format", f, "text or md", " text 或 md")
	}
	return nil
}

func (a *app) handoverShowCmd() *cobra.Command {
	var room, at, format string
	var last, asJSON bool
	cmd := &cobra.Command{
		Use:   "show [H-0001] [--last|--at TIME] [--room R] [--json] [--format md]",
		Short: "Print a handover sheet: the last one (of --room), the one in force at --at, or by id",
		Args:  maxArgs(1, "one handover id", "一个交接编号"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			if last && at != "" || len(args) == 1 && (last || at != "") {
				return usageError{model.Errorf(model.EINVALID, "handover show: give one of an id, --last and --at").
					Zh("handover show：编号、--last 与 --at 只能给一个")}
			}
			t, err := a.lookBackAt(at)
			if err != nil {
				return err
			}
			return a.withDB(cmd.Context(), looking, func(ctx context.Context, db backend) error {
				h, err := a.findHandover(ctx, db, room, args, t)
				if err != nil {
					return err
				}
				return a.printHandover(a.out, h, asJSON, format)
			})
		},
	}
	f := cmd.Flags()
	f.BoolVar(&last, "last", false, "the last handover (the default)")
	f.StringVar(&at, "at", "", "the handover in force at this time: the last one made by then (a bare 01:49: the last 01:49, as replay reads it)")
	f.StringVar(&room, "room", "", "of one room: town, or a town or village: its code or its name as the console shows it (渎溪村)")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	f.StringVar(&format, "format", "text", "text, or md: Markdown to paste into the town's report (in the configured language)")
	return cmd
}

// findHandover is the handover asked for: by id (args), else the last one
// made by at (zero: the last one), of room ("": any room).
func (a *app) findHandover(ctx context.Context, db backend, room string, args []string, at time.Time) (model.Handover, error) {
	r, err := a.roomFilter(ctx, db, room)
	if err != nil {
		return model.Handover{}, err
	}
	limit := 1
	if len(args) == 1 {
		limit = 1 << 30
	}
	hs, err := db.Handovers(ctx, model.HandoverFilter{Room: r, At: at, Limit: limit})
	if err != nil {
		return model.Handover{}, err
	}
	var want uint64
	if len(args) == 1 {
		if want, err = handoverSeq(args[0]); err != nil {
			return model.Handover{}, err
		}
	}
	var h model.Handover
	for _, x := range hs {
		if want == 0 || x.Seq == want {
			h = x
			break
		}
	}
	if h.Made() {
		return h, nil
	}
	what := "no handover yet"
	switch {
	case len(args) == 1:
		what = "no handover " + args[0]
	case !at.IsZero():
		what = "no handover made by " + a.minute(at)
	}
	return model.Handover{}, model.Errorf(model.ENOTFOUND, "%s", what).Zh("没有交接记录")
}

// handoverSeq reads a handover id (H-0001, h1) as its number.
func handoverSeq(id string) (uint64, error) {
	n, err := strconv.ParseUint(strings.TrimPrefix(strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(id)), "H"), "-"), 10, 64)
	if err != nil || n == 0 {
		return 0, usageError{model.Errorf(model.EINVALID, "handover show: %q is not a handover id (H-0001)", id).
			Zh("handover show：%q 不是交接编号（如 H-0001）", id)}
	}
	return n, nil
}

func (a *app) printHandover(w io.Writer, h model.Handover, asJSON bool, format string) error {
	if asJSON {
		return writeJSON(w, a.handoverJSON(h))
	}
	if format == "md" {
		return a.sheetMarkdown(w, h, a.cfg.Lang == "zh")
	}
	return a.sheetText(w, h)
}

// sheetText is the sheet as the command line prints it (English words,
// names and titles as they are), section by section.
func (a *app) sheetText(w io.Writer, h model.Handover) error {
	t := textSheet{a: a, w: w, s: h.Sheet}
	t.head(h)
	t.open()
	t.supervisions()
	t.mode()
	t.silences()
	t.shift()
	return nil
}

// textSheet writes a handover sheet's sections as text.
type textSheet struct {
	a *app
	w io.Writer
	s model.HandoverSheet
}

// head: the handover's id, room and officers, the shift and whether it
// is signed for.
func (t textSheet) head(h model.Handover) {
	a, w, s := t.a, t.w, t.s
	id := h.ID
	if id == "" {
		id = "(not handed over: a dry run)"
	}
	fmt.Fprintf(w, "%s  %s (%s)  %s → %s\n", id, model.RoomName(s.Room, s.RoomName, false), s.Room, h.OutgoingName, h.InName)
	fmt.Fprintf(w, "shift %s to %s; made %s", a.minute(s.From), a.minute(s.To), a.minute(h.MadeAt))
	switch {
	case !h.AcceptedAt.IsZero():
		fmt.Fprintf(w, "; signed for %s\n", a.minute(h.AcceptedAt))
	case h.Made():
		fmt.Fprintf(w, "; waiting for %s to sign for it\n", h.InName)
	default:
		fmt.Fprintln(w)
	}
}

// open: the open incidents by tier, the red ones marked, in columns
// padded to their display width (a Han character in a place's name takes
// two) across the tiers.
func (t textSheet) open() {
	w := t.w
	open, red := t.s.Counts()
	fmt.Fprintf(w, "\nOpen incidents: %d, %d red\n", open, red)
	var all []model.SheetIncident
	for _, tier := range t.s.Open {
		all = append(all, tier.Incidents...)
	}
	left := func(i model.SheetIncident) string { return model.FormatWait(time.Duration(i.Remaining) * time.Second) }
	idW, leftW := widest(all, func(i model.SheetIncident) string { return i.ID }), widest(all, left)
	statusW := widest(all, func(i model.SheetIncident) string { return string(i.Status) })
	nodeW := widest(all, func(i model.SheetIncident) string { return i.NodeName })
	for _, tier := range t.s.Open {
		if tier.Open == 0 {
			continue
		}
		fmt.Fprintf(w, "  %s: %d open, %d red\n", tier.Tier, tier.Open, tier.Red)
		for _, i := range tier.Incidents {
			mark := " "
			if i.Red {
				mark = "!"
			}
			fmt.Fprintf(w, "   %s %-3s %s %s %s  %s  %s\n", mark, i.Severity, padTo(i.ID, idW), padTo(string(i.Status), statusW),
				padLeft(left(i), leftW), padTo(i.NodeName, nodeW), i.Title)
		}
		if n := tier.Open - len(tier.Incidents); n > 0 {
			fmt.Fprintf(w, "     ... and %d more\n", n)
		}
	}
}

func (t textSheet) supervisions() {
	fmt.Fprintf(t.w, "\nSupervisions during the shift: %d\n", len(t.s.Supervisions))
	idW := widest(t.s.Supervisions, func(e model.SheetEvent) string { return e.Incident })
	nodeW := widest(t.s.Supervisions, func(e model.SheetEvent) string { return e.NodeName })
	for _, e := range t.s.Supervisions {
		fmt.Fprintf(t.w, "  %s %s %s  %s\n", t.a.local(e.At, "15:04"), padTo(e.Incident, idW), padTo(e.NodeName, nodeW), e.Note)
	}
}

// mode: peacetime, or the wartime activation with the directives not
// every unit signed for.
func (t textSheet) mode() {
	w, s := t.w, t.s
	if wt := s.Wartime; wt != nil {
		drill := ""
		if wt.Drill {
			drill = " (drill)"
		}
		fmt.Fprintf(w, "\nWartime: %s %s%s since %s; %d micro-grids, %d staffed, %d gaps\n", wt.ID, wt.Reason, drill, t.a.minute(wt.Since), wt.MicroGrids, wt.Staffed, wt.Gaps)
		if wt.Rooms != nil {
			en, _ := wt.Rooms.Text()
			fmt.Fprintf(w, "  %s\n", en)
		}
	} else {
		fmt.Fprintln(w, "\nPeacetime: no wartime activation")
	}
	if len(s.Directives) > 0 {
		fmt.Fprintln(w, "\nDirectives not every unit signed for:")
		for _, d := range s.Directives {
			fmt.Fprintf(w, "  %s %s: %d units, %d signed, %d done, %d silent (%s)\n", d.ID, d.Text, d.Units, d.Signed, d.Done, d.Silent, joinCodesShort(d.SilentUnits, d.Silent))
		}
	}
}

func (t textSheet) silences() {
	fmt.Fprintf(t.w, "\nSilences (watchdog): %d\n", len(t.s.Silences))
	for _, x := range t.s.Silences {
		fmt.Fprintf(t.w, "  %s %s at %s, not heard since %s: %s\n", silenceKind(x.Kind, false), x.Name, silenceWhere(x), t.a.minute(x.Since), x.Incident)
	}
}

// shift: what changed during the shift, the notable events and the note.
func (t textSheet) shift() {
	w, s := t.w, t.s
	fmt.Fprintf(w, "\nDuring the shift: %s\n", changesLine(s.Changes, false))
	if len(s.Notable) > 0 {
		fmt.Fprintln(w, "Notable:")
		for _, e := range s.Notable {
			fmt.Fprintf(w, "  %s %-10s %s\n", t.a.local(e.At, "01-02 15:04"), e.Action, strings.TrimPrefix(e.Label(e.Note)+" "+e.Note, " "))
		}
	}
	if s.Note != "" {
		fmt.Fprintf(w, "\nNote: %s\n", s.Note)
	}
}

// changesLine counts the shift's events by action, in the rules' order.
func changesLine(c map[model.Action]int, zh bool) string {
	order := []model.Action{model.ActReport, model.ActAcknowledge, model.ActEscalate, model.ActSupervise, model.ActDispatch,
		model.ActResolve, model.ActClose, model.ActReopen, model.ActAlert, model.ActActivate, model.ActWiden, model.ActDeactivate,
		model.ActDirective, model.ActSign, model.ActProgress, model.ActResend, model.ActDraft,
		model.ActShift, model.ActShiftSwap, model.ActHandover, model.ActHandoverAccept, model.ActCheckIn, model.ActHeartbeat}
	var parts []string
	seen := map[model.Action]bool{}
	for _, act := range order {
		seen[act] = true
		if n := c[act]; n > 0 {
			name := string(act)
			if zh {
				name = act.Zh()
			}
			parts = append(parts, fmt.Sprintf("%s %d", name, n))
		}
	}
	// The rest (imports, points, patrols...) after them, by name, so that
	// the sheet reads the same each time it is printed.
	for _, act := range slices.Sorted(maps.Keys(c)) {
		if n := c[act]; !seen[act] && n > 0 {
			name := string(act)
			if zh && act.Zh() != "" {
				name = act.Zh()
			}
			parts = append(parts, fmt.Sprintf("%s %d", name, n))
		}
	}
	if len(parts) == 0 {
		if zh {
			return "无"
		}
		return "nothing"
	}
	sep := ", "
	if zh {
		sep = "，"
	}
	return strings.Join(parts, sep)
}

func joinCodesShort(cs []model.NodeCode, total int) string {
	out := strings.Join(model.Strings(cs), ", ")
	if total > len(cs) {
		out += fmt.Sprintf(" and %d more", total-len(cs))
	}
	return out
}

// sheetMarkdown writes the sheet as Markdown to paste into the town's
// report, in Chinese when zh, section by section.
func (a *app) sheetMarkdown(w io.Writer, h model.Handover, zh bool) error {
	m := mdSheet{a: a, w: w, s: h.Sheet, zh: zh}
	m.head(h)
	m.open()
	m.supervisions()
	m.mode()
	m.silences()
	m.shift()
	return nil
}

// mdSheet writes a handover sheet's sections as Markdown.
type mdSheet struct {
	a  *app
	w  io.Writer
	s  model.HandoverSheet
	zh bool
}

// say is the sheet's language: cn in Chinese, else en.
func (m mdSheet) say(en, cn string) string {
	if m.zh {
		return cn
	}
	return en
}

// none is the line of an empty list.
func (m mdSheet) none() { fmt.Fprintf(m.w, "- %s\n", m.say("none", "无")) }

// noteOf is an event's note in the sheet's language where gridcmd wrote it.
func (m mdSheet) noteOf(e model.SheetEvent) string {
	if m.zh && e.NoteZh != "" {
		return e.NoteZh
	}
	return e.Note
}

// head: the title, the shift, who handed over to whom and whether it is
// signed for.
func (m mdSheet) head(h model.Handover) {
	a, w, s, say := m.a, m.w, m.s, m.say
	id := h.ID
	if id == "" {
		id = say("draft", "草稿")
	}
	fmt.Fprintf(w, "## %s %s %s\n\n", say("Handover", "交接班"), model.RoomName(s.Room, s.RoomName, m.zh), id)
	fmt.Fprintf(w, "- %s: %s → %s\n", say("Shift", "班次"), a.minute(s.From), a.minute(s.To))
	fmt.Fprintf(w, "- %s: %s → %s\n", say("Handed over", "交班 → 接班"), h.OutgoingName, h.InName)
	if !h.AcceptedAt.IsZero() {
		fmt.Fprintf(w, "- %s: %s\n", say("Signed for", "签收"), a.minute(h.AcceptedAt))
	} else if h.Made() {
		fmt.Fprintf(w, "- %s\n", say("Not yet signed for", "尚未签收"))
	}
}

// open: the open incidents, a table row each, by tier.
func (m mdSheet) open() {
	w, say := m.w, m.say
	open, red := m.s.Counts()
	fmt.Fprintf(w, "\n### %s (%d, %s %d)\n\n", say("Open incidents", "在办事件"), open, say("red", "超时"), red)
	fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n|---|---|---|---|---|---|\n", say("tier", "层级"), say("sev", "等级"), say("id", "编号"),
		say("status", "状态"), say("node", "地点"), say("title", "标题"))
	for _, t := range m.s.Open {
		tier := string(t.Tier)
		if m.zh {
			tier = t.Tier.Zh()
		}
		for _, i := range t.Incidents {
			st := string(i.Status)
			if m.zh {
				st = i.Status.Zh()
			}
			if i.Red {
				st += say(" (red)", "（超时）")
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s |\n", tier, i.Severity, i.ID, st, mdCell(i.NodeName), mdCell(i.Title))
		}
		if n := t.Open - len(t.Incidents); n > 0 {
			fmt.Fprintf(w, "| %s | | %s | | | |\n", tier, fmt.Sprintf(say("and %d more", "另 %d 件"), n))
		}
	}
}

func (m mdSheet) supervisions() {
	fmt.Fprintf(m.w, "\n### %s (%d)\n\n", m.say("Supervisions during the shift", "本班督办"), len(m.s.Supervisions))
	if len(m.s.Supervisions) == 0 {
		m.none()
	}
	for _, e := range m.s.Supervisions {
		fmt.Fprintf(m.w, "- %s %s %s: %s\n", m.a.local(e.At, "15:04"), e.Incident, mdCell(e.NodeName), mdCell(m.noteOf(e)))
	}
}

// mode: peacetime, or the wartime activation with the directives not
// every unit signed for.
func (m mdSheet) mode() {
	w, say := m.w, m.say
	if wt := m.s.Wartime; wt != nil {
		reason := string(wt.Reason)
		if m.zh {
			reason = wt.Reason.Zh()
		}
		fmt.Fprintf(w, "\n### %s\n\n- %s %s %s %s; %s %d, %s %d, %s %d\n", say("Wartime", "战时"), wt.ID, reason, say("since", "起于"), m.a.minute(wt.Since),
			say("micro-grids", "微网格"), wt.MicroGrids, say("staffed", "在岗"), wt.Staffed, say("gaps", "缺员"), wt.Gaps)
		if wt.Rooms != nil {
			fmt.Fprintf(w, "- %s\n", say(wt.Rooms.Text()))
		}
	} else {
		fmt.Fprintf(w, "\n### %s\n\n- %s\n", say("Wartime", "战时"), say("peacetime: no wartime activation", "平时：未启动战时"))
	}
	if len(m.s.Directives) > 0 {
		fmt.Fprintf(w, "\n### %s\n\n", say("Directives not every unit signed for", "未全部签收的指令"))
		for _, d := range m.s.Directives {
			fmt.Fprintf(w, "- %s %s: %s %d, %s %d, %s %d (%s)\n", d.ID, mdCell(d.Text), say("signed", "已签收"), d.Signed, say("done", "已完成"), d.Done,
				say("silent", "未签收"), d.Silent, joinCodesShort(d.SilentUnits, d.Silent))
		}
	}
}

func (m mdSheet) silences() {
	w, say := m.w, m.say
	fmt.Fprintf(w, "\n### %s (%d)\n\n", say("Silences", "静默"), len(m.s.Silences))
	if len(m.s.Silences) == 0 {
		m.none()
	}
	for _, x := range m.s.Silences {
		fmt.Fprintf(w, "- %s %s, %s: %s %s, %s %s\n", silenceKind(x.Kind, m.zh), mdCell(x.Name), mdCell(silenceWhere(x)),
			say("not heard since", "最后活动"), m.a.minute(x.Since), say("incident", "事件"), x.Incident)
	}
}

// shift: what changed during the shift, the notable events and the note.
func (m mdSheet) shift() {
	w, say := m.w, m.say
	fmt.Fprintf(w, "\n### %s\n\n%s\n", say("During the shift", "本班动态"), changesLine(m.s.Changes, m.zh))
	for _, e := range m.s.Notable {
		action := string(e.Action)
		if m.zh {
			action = e.Action.Zh()
		}
		note := m.noteOf(e)
		fmt.Fprintf(w, "- %s %s %s\n", m.a.local(e.At, "01-02 15:04"), action, strings.TrimPrefix(mdCell(e.Label(note))+" "+mdCell(note), " "))
	}
	if m.s.Note != "" {
		fmt.Fprintf(w, "\n### %s\n\n%s\n", say("Note", "交班说明"), mdCell(m.s.Note))
	}
}

// silenceKind names what fell silent: a sensor gateway, a village room or
// a patroller on patrol.
func silenceKind(kind string, zh bool) string {
	switch {
	case kind == model.SilencePatrol && zh:
		return "巡护员"
	case kind == model.SilencePatrol:
		return "patroller"
	case kind == model.SilenceRoom && zh:
		return "村指挥室"
	case kind == model.SilenceRoom:
		return "village room"
	case zh:
		return "感知网关"
	}
	return "gateway"
}

// silenceWhere is the silent thing's node, by code and, when its name is
// not the node's own (a gateway's), by name.
func silenceWhere(x model.Silence) string {
	if x.NodeName == "" || x.NodeName == x.Name {
		return string(x.Node)
	}
	return string(x.Node) + " " + x.NodeName
}

// mdCell keeps text from breaking a Markdown table or list: pipes escaped,
// line breaks made spaces.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ").Replace(s)
}

// lookBackAt reads a time looked back at as replay reads an end of its
// window: a bare time of day (01:49) is the last such time by now
// (model.PastClock), anything else a time flag's (when).
func (a *app) lookBackAt(v string) (time.Time, error) {
	if t, ok := model.PastClock(v, a.now(), a.cfg.Location); ok {
		return t, nil
	}
	return a.when("--at", v)
}
