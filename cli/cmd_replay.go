package cli

import (
	"context"
	"fmt"
	"strconv"
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
(default the log's first and last events; a bare time, 21:30, is the last
21:30 up to now in the configured zone, today's or yesterday's when today's
is still to come, and a bare --to after a --from the first such time after
it, or now while that is still to come, as the console's :replay reads
them; a dated --to not after --from is refused, as :replay refuses it): for the morning review and for training. The header
shows the replay's clock; the last line is a scrub line: space pauses, ← →
move a minute, [ ] ten, + - change the speed, esc or q quits. Every key that would act is refused. The database is opened
read-only: nothing is written, and a console or server may hold it
meanwhile (the replay then reads through its local API).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, t, err := a.pastSpan("replay", "回放", from, to)
			if err != nil {
				return err
			}
			if speed <= 0 || speed > 3600 {
				return usageError{model.Errorf(model.EINVALID, "--speed %g: want more than 0 and at most 3600", speed).
					Zh("--speed %g：应大于 0 且不超过 3600", speed)}
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
	cmd.Flags().StringVar(&from, "from", "", "start: 2026-11-29 02:00 (configured zone), a date alone (2026-12-09, its midnight), RFC 3339, or a bare time, 21:30 (today, or yesterday when still to come); default the first event")
	cmd.Flags().StringVar(&to, "to", "", "end, as --from (a bare time after a dated --from: the first after it that has come); after --from; default the last event")
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
// timeline export; what names it in a refusal) as the console's :replay
// reads its times (model.Lookback): a bare time (21:30, 21：30) is the last
// such time up to now in the configured zone, a bare --to after a --from
// the first such time after it or now while that is to come, anything else
// as when reads it. A window whose --to is not after its --from is
// refused in the console's words, naming both.
func (a *app) pastSpan(what, whatZh, from, to string) (time.Time, time.Time, error) {
	l := model.Lookback{What: what, WhatZh: whatZh, Now: a.now(), Loc: a.cfg.Location,
		Dated: func(end, v string) (time.Time, error) {
			flag := "--" + end
			t, err := a.when(flag, v)
			if err != nil {
				return t, badDate(flag, v, usageError{model.Errorf(model.EINVALID, "%s: %q is not a time: want 21:30 (today, or yesterday when still to come), 2026-11-29 21:30, a date alone (2026-12-09) or RFC 3339", flag, v).
					Zh("%s：%q 不是时间：应为 21:30（今天的，尚未到则为昨天的）、2026-11-29 21:30、单独的日期（2026-12-09）或 RFC 3339", flag, v).On(end)})
			}
			return t, nil
		}}
	return l.Window(from, to)
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
the incident's title, the node's name. A bare time, --from 21:30, is the
last 21:30 up to now in the configured zone (today's, or yesterday's when
today's is still to come), a bare --to after a --from the first such time
after it, or now while that is still to come, as the console's :replay
reads them; a dated --to not after --from is refused, as :replay refuses it. Without --format, CSV. Columns and fields:
seq, at, actor, actor_name, action, action_zh, incident, incident_title,
ref (an activation, directive, shift or handover id, a gateway's name, or the
patrol, finding or rotation of a patrol event),
node, node_name, before/after tier and status, note, note_zh.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "csv" && format != "json" {
				return badValue("--format", format, "csv or json", " csv 或 json")
			}
			f, t, err := a.pastSpan("export", "导出", from, to)
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
	cmd.Flags().StringVar(&from, "from", "", "from this time: 2026-11-29 02:00 (configured zone), a date alone (2026-12-09, its midnight), RFC 3339, or a bare time, 21:30 (today, or yesterday when still to come); default the first event")
	cmd.Flags().StringVar(&to, "to", "", "to this time, as --from (a bare time after a dated --from: the first after it that has come); after --from; default the last event")
	cmd.Flags().StringVar(&format, "format", "csv", "csv or json")
	return cmd
}

// exportRef is what an event is about besides an incident: its directive,
// activation, shift, handover or gateway, or the patrol, finding or
// rotation of a patrol event.
func exportRef(e model.Event) string {
	if e.Directive != "" {
		return e.Directive
	}
	return e.Ref
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
			Incident: e.Incident, IncidentTitle: titles[e.Incident], Ref: exportRef(e), Node: string(e.Node), NodeName: names[e.Node],
			Before: stateOf(e.Before), After: stateOf(e.After), Note: e.Note, NoteZh: e.NoteZh,
		}
	}
	return out, nil
}
