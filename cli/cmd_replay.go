package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/spf13/cobra"

	"gridcmd/model"
	"gridcmd/ui"
)

// The night replayed (gridcmd replay) and the log exported (gridcmd
// timeline export). Both only look: the file is opened read-only.

func (a *app) replayCmd() *cobra.Command {
	var from, to string
	var speed float64
	cmd := &cobra.Command{
		Use:   "replay [--from TIME] [--to TIME] [--speed 60]",
		Short: "Play the event log back in a read-only console, with a clock and a scrub line (nothing is written)",
		Long: `Play the event log back into the console as it happened, at --speed
replayed seconds per second (60: an hour a minute), from --from to --to
(default the log's first and last events; a bare time, 21:30, is today's
in the configured zone, or yesterday's when still to come, as the console's
:replay reads it): for the morning review and for training. The header
shows the replay's clock; the last line is a scrub line: space pauses, ← →
move a minute, [ ] ten, + - change the speed, esc or q quits. Every key that would act is refused. The database is opened
read-only: nothing is written, and a console or server may hold it
meanwhile (the replay then reads through its local API).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, t, err := a.pastSpan(from, to)
			if err != nil {
				return err
			}
			if speed <= 0 || speed > 3600 {
				return usageError{fmt.Errorf("--speed %g: want more than 0 and at most 3600", speed)}
			}
			return a.withDB(cmd.Context(), looking, func(ctx context.Context, db backend) error {
				// The replay is read-only; it shows the operator's room.
				seat, err := a.seat(ctx, db)
				if err != nil {
					seat = model.NoSeat("", err)
				}
				m := ui.New(db, nil, ui.Options{
					Lang: a.cfg.Lang, Seat: seat, AmbiguousWide: a.cfg.UI.AmbiguousWide, ASCII: a.cfg.UI.ASCII,
					Location: a.cfg.Location, NoSweep: true, Replay: &ui.ReplayOptions{From: f, To: t, Speed: speed},
				})
				p := tea.NewProgram(m, tea.WithAltScreen(), tea.WithContext(ctx))
				if _, err := p.Run(); err != nil && ctx.Err() == nil {
					return fmt.Errorf("replay: %w", err)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "start: 2026-11-29 02:00 (configured zone), RFC 3339, or a bare time, 21:30 (today, or yesterday when still to come); default the first event")
	cmd.Flags().StringVar(&to, "to", "", "end, as --from (a bare time: the first after a dated --from; before a bare --from, today's if still to come); after --from; default the last event")
	cmd.Flags().Float64Var(&speed, "speed", 60, "replayed seconds per second")
	return cmd
}

func (a *app) timelineCmd() *cobra.Command {
	return group(&cobra.Command{
		Use:   "timeline",
		Short: "The event log",
	}, a.timelineExportCmd())
}

// timelineJSON is one event of `timeline export`: the event with the
// names of who acted, what, which incident, where.
type timelineJSON struct {
	Seq           uint64     `json:"seq"`
	At            string     `json:"at"`
	Actor         string     `json:"actor"`
	ActorName     string     `json:"actor_name"`
	Action        string     `json:"action"`
	ActionZh      string     `json:"action_zh"`
	Incident      string     `json:"incident,omitempty"`
	IncidentTitle string     `json:"incident_title,omitempty"`
	Ref           string     `json:"ref,omitempty"`
	Node          string     `json:"node,omitempty"`
	NodeName      string     `json:"node_name,omitempty"`
	Before        *stateJSON `json:"before,omitempty"`
	After         *stateJSON `json:"after,omitempty"`
	Note          string     `json:"note,omitempty"`
	NoteZh        string     `json:"note_zh,omitempty"`
}

// pastSpan reads --from and --to of a command that looks back (replay,
// timeline export) as span does, and a bare time (21:30, 21：30) as the
// console's :replay reads it: today's in the configured zone, or
// yesterday's when that is still to come, in which case a bare --to that
// would fall before --from is today's (--from 21:00 --to 21:30 at 21:15).
// A bare --to after a dated --from is the first such time after it
// (--from "2026-12-03 09:00" --to 10:00 is 12-03 10:00). A window whose
// --to is not after its --from is refused, naming both.
func (a *app) pastSpan(from, to string) (time.Time, time.Time, error) {
	f, t, err := spanWith(a.pastWhen, from, to)
	if err != nil || f.IsZero() || t.IsZero() {
		return f, t, err
	}
	_, bareFrom := a.pastTime(from)
	if _, bare := a.pastTime(to); bare && !bareFrom {
		t = firstAfter(f, t, a.cfg.Location)
	} else if bare && !t.After(f) {
		if next := t.AddDate(0, 0, 1); next.After(f) && a.stillToCome(next) {
			t = next // today's, still to come: the window runs on to now
		}
	}
	if !t.After(f) {
		return f, t, usageError{fmt.Errorf("--to %s is not after --from %s: the window would hold nothing; want --from before --to",
			t.In(a.cfg.Location).Format("2006-01-02 15:04"), f.In(a.cfg.Location).Format("2006-01-02 15:04"))}
	}
	return f, t, nil
}

// firstAfter is the first time after f, in loc, at clock's hour and
// minute: on f's day, or the next.
func firstAfter(f, clock time.Time, loc *time.Location) time.Time {
	d, c := f.In(loc), clock.In(loc)
	t := time.Date(d.Year(), d.Month(), d.Day(), c.Hour(), c.Minute(), 0, 0, loc)
	if !t.After(f) {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

// stillToCome reports whether today, the day after a bare time pastTime
// read as yesterday's, is today's and still to come (why pastTime moved it
// back).
func (a *app) stillToCome(today time.Time) bool {
	now := a.now().In(a.cfg.Location)
	return today.After(now) && today.In(a.cfg.Location).YearDay() == now.YearDay()
}

// pastWhen reads a time flag as when does, a bare time as pastTime.
func (a *app) pastWhen(flag, v string) (time.Time, error) {
	if t, ok := a.pastTime(v); ok {
		return t, nil
	}
	t, err := a.when(flag, v)
	if err != nil {
		return t, usageError{fmt.Errorf("%s: %q is not a time: want 21:30 (today, or yesterday when still to come), 2026-11-29 21:30 or RFC 3339", flag, v)}
	}
	return t, nil
}

// pastTime reads a bare time (15:04) as the console's :replay does: today's
// in the configured zone, or yesterday's when that is still to come; ok is
// false for anything else.
func (a *app) pastTime(s string) (t time.Time, ok bool) {
	hm, err := time.Parse("15:04", strings.Replace(strings.TrimSpace(s), "：", ":", 1))
	if err != nil {
		return time.Time{}, false
	}
	now := a.now().In(a.cfg.Location)
	t = time.Date(now.Year(), now.Month(), now.Day(), hm.Hour(), hm.Minute(), 0, 0, a.cfg.Location)
	if t.After(now) {
		t = t.AddDate(0, 0, -1)
	}
	return t, true
}

// exportPage is how many events export reads per call.
const exportPage = 5000

func (a *app) timelineExportCmd() *cobra.Command {
	var from, to, format string
	cmd := &cobra.Command{
		Use:   "export [--from TIME] [--to TIME] [--format csv|json]",
		Short: "Write the events of a period, oldest first, with names: who, what, which incident, where",
		Long: `Write the events from --from to --to (default: all of the log), oldest
first, as CSV (a header line, then one event a line) or JSON (a list), with
names besides the ids: the actor's name, the action's key and Chinese name,
the incident's title, the node's name. A bare time, --from 21:30, is today's
in the configured zone, or yesterday's when that is still to come (as the
console's :replay reads it); a --to not after --from is refused. Without
--format, CSV. Columns and fields:
seq, at, actor, actor_name, action, action_zh, incident, incident_title,
ref (an activation, directive, shift or handover id, or a gateway's name),
node, node_name, before/after tier and status, note, note_zh.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "csv" && format != "json" {
				return usageError{fmt.Errorf("--format %q: want csv or json", format)}
			}
			f, t, err := a.pastSpan(from, to)
			if err != nil {
				return err
			}
			return a.withDB(cmd.Context(), looking, func(ctx context.Context, db backend) error {
				rows, err := a.exportEvents(ctx, db, f, t)
				if err != nil {
					return err
				}
				if format == "json" {
					return writeJSON(a.out, rows)
				}
				w := newSheetCSV(a.out)
				_ = w.Write([]string{"seq", "at", "actor", "actor_name", "action", "action_zh", "incident", "incident_title", "ref",
					"node", "node_name", "before_tier", "before_status", "after_tier", "after_status", "note", "note_zh"})
				for _, r := range rows {
					b, af := r.Before, r.After
					if b == nil {
						b = &stateJSON{}
					}
					if af == nil {
						af = &stateJSON{}
					}
					_ = w.Write([]string{strconv.FormatUint(r.Seq, 10), r.At, r.Actor, r.ActorName, r.Action, r.ActionZh, r.Incident, r.IncidentTitle,
						r.Ref, r.Node, r.NodeName, b.Tier, b.Status, af.Tier, af.Status, r.Note, r.NoteZh})
				}
				return w.Flush()
			})
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "from this time: 2026-11-29 02:00 (configured zone), RFC 3339, or a bare time, 21:30 (today, or yesterday when still to come); default the first event")
	cmd.Flags().StringVar(&to, "to", "", "to this time, as --from (a bare time: the first after a dated --from; before a bare --from, today's if still to come); after --from; default the last event")
	cmd.Flags().StringVar(&format, "format", "csv", "csv or json")
	return cmd
}

// exportEvents reads the events of [from, to] (zero: unbounded), oldest
// first, with their names.
func (a *app) exportEvents(ctx context.Context, db backend, from, to time.Time) ([]timelineJSON, error) {
	names, err := nodeNames(ctx, db)
	if err != nil {
		return nil, err
	}
	incs, err := db.Incidents(ctx, model.IncidentFilter{})
	if err != nil {
		return nil, err
	}
	titles := make(map[string]string, len(incs))
	for _, i := range incs {
		titles[i.ID] = i.Title
	}
	var evs []model.Event
	for before := uint64(0); ; {
		page, err := db.Events(ctx, before, exportPage)
		if err != nil {
			return nil, err
		}
		done := len(page) < exportPage
		for _, e := range page {
			if !from.IsZero() && e.At.Before(from) {
				done = true
				break
			}
			if to.IsZero() || !e.At.After(to) {
				evs = append(evs, e)
			}
		}
		if done {
			break
		}
		before = page[len(page)-1].Seq
	}
	out := make([]timelineJSON, len(evs))
	for i, e := range evs {
		out[len(evs)-1-i] = timelineJSON{
			Seq: e.Seq, At: a.ts(e.At), Actor: e.Actor.String(), ActorName: e.ActorName, Action: string(e.Action), ActionZh: e.Action.Zh(),
			Incident: e.Incident, IncidentTitle: titles[e.Incident], Ref: e.Directive, Node: string(e.Node), NodeName: names[e.Node],
			Before: stateOf(e.Before), After: stateOf(e.After), Note: e.Note, NoteZh: e.NoteZh,
		}
	}
	return out, nil
}
