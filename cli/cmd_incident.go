package cli

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gridcmd/model"
)

func (a *app) reportCmd() *cobra.Command {
	var node, category, severity, title, text, by, source, platform string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "report --node CODE|NAME --category C --severity I..IV --title T [--text X] [--by PERSON]",
		Short: "File an incident and print its id",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := a.parseReport(node, category, severity, title, text, source, platform)
			if err != nil {
				return usageError{err}
			}
			return a.withActor(cmd.Context(), by, func(ctx context.Context, db backend, actor model.PersonID) error {
				r.Reporter = actor
				if r.Node == "" { // a name: within the reporter's town
					if r.Node, err = a.nodeArg(ctx, db, "--node", node, r.Reporter); err != nil {
						return err
					}
					p, err := a.cfg.Policy()
					if err != nil {
						return err
					}
					if err := r.Validate(p); err != nil {
						return usageError{err}
					}
				}
				inc, err := db.Report(ctx, r)
				if err != nil {
					return err
				}
				return a.printIncident(ctx, db, inc, asJSON, inc.ID)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&node, "node", "", "where it happened (required): a node code (330784114266-02) or its name as the console shows it (渎溪村 02), within the reporter's town")
	f.StringVar(&category, "category", "", "category (required): traffic, security, dispute, hazard, fire, flood, ecology, health, migrant, service, party")
	f.StringVar(&severity, "severity", "", "severity (required): I, II, III or IV (I the gravest)")
	f.StringVar(&title, "title", "", "one-line title (required, at most 200 characters)")
	f.StringVar(&text, "text", "", "details (at most 8 KiB)")
	f.StringVar(&by, "by", "", "who reports it (person id); default the operator")
	f.StringVar(&source, "source", "", "grid_patrol, eco_patrol, sensor, hotline or citizen; default from the reporter's role")
	f.StringVar(&platform, "platform", "", "owning platform; default from the category")
	f.BoolVar(&asJSON, "json", false, "print the incident as JSON")
	return cmd
}

// parseReport checks and cleans the flags of a report.
func (a *app) parseReport(node, category, severity, title, text, source, platform string) (model.Report, error) {
	var r model.Report
	if err := missing("report", required{"--node", blank(node)}, required{"--category", blank(category)},
		required{"--severity", blank(severity)}, required{"--title", blank(title)}); err != nil {
		return r, err
	}
	var err error
	// A node that is no code is a name, resolved once the database is open
	// (r.Node stays empty until then, and the report is checked after).
	code, codeErr := model.ParseNodeCode(node)
	if codeErr == nil {
		r.Node = code
	}
	if r.Severity, err = model.ParseSeverity(severity); err != nil {
		return r, err
	}
	if r.Title, err = cleanFlag("--title", title, false); err != nil {
		return r, err
	}
	if r.Text, err = cleanFlag("--text", text, true); err != nil {
		return r, err
	}
	r.Category = strings.TrimSpace(category)
	if err := optional(&r.Source, source, model.ParseSource); err != nil {
		return r, err
	}
	if err := optional(&r.Platform, platform, model.ParsePlatform); err != nil {
		return r, err
	}
	p, err := a.cfg.Policy()
	if err != nil {
		return r, err
	}
	if r.Node == "" {
		checked := r
		checked.Node = "000000000" // any code: what the name resolves to is checked then
		_, err := checked.Check(p)
		return r, err
	}
	return r, r.Validate(p)
}

func (a *app) incidentsCmd() *cobra.Command {
	var status, tier, node string
	var open, asJSON bool
	cmd := &cobra.Command{
		Use:   "incidents [--status S] [--tier T] [--node CODE|NAME] [--open] [--json]",
		Short: "List incidents, gravest and most urgent first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := incidentFilter(status, tier, open)
			if err != nil {
				return usageError{err}
			}
			return a.withNode(cmd.Context(), "--node", node, func(ctx context.Context, db backend, n model.NodeCode) error {
				f.Node = n
				return a.listIncidents(ctx, db, f, asJSON)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&status, "status", "", "only this status: reported, acknowledged, dispatched, resolved, closed")
	f.StringVar(&tier, "tier", "", "only this tier: grid, village, town, taskforce")
	f.StringVar(&node, "node", "", "only incidents at this node or beneath it: a code (330784114266-02) or its name as the console shows it (渎溪村 02)")
	f.BoolVar(&open, "open", false, "only open incidents (reported, acknowledged, dispatched)")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// incidentFilter reads the flags of incidents but --node, which may be a
// name (a.nodeArg, once the file is open).
func incidentFilter(status, tier string, open bool) (model.IncidentFilter, error) {
	f := model.IncidentFilter{Open: open}
	if err := optional(&f.Status, status, model.ParseStatus); err != nil {
		return f, err
	}
	if err := optional(&f.Tier, tier, model.ParseTier); err != nil {
		return f, err
	}
	return f, nil
}

// listUnder is list's answer to f, a filter of what is at node or beneath
// it ("" for the whole tower), with the nodes' names (nodeNames). An
// unknown node is an error, not an empty list a duty officer would read
// as "all quiet".
func listUnder[F, T any](ctx context.Context, svc model.Service, node model.NodeCode, f F, list func(context.Context, F) ([]T, error)) ([]T, map[model.NodeCode]string, error) {
	if node != "" {
		if _, err := svc.Node(ctx, node); err != nil {
			return nil, nil, err
		}
	}
	names, err := nodeNames(ctx, svc)
	if err != nil {
		return nil, nil, err
	}
	xs, err := list(ctx, f)
	return xs, names, err
}

func (a *app) listIncidents(ctx context.Context, db backend, f model.IncidentFilter, asJSON bool) error {
	list, names, err := listUnder(ctx, db, f.Node, f, db.Incidents)
	if err != nil {
		return err
	}
	now := db.Now()
	model.SortQueue(list, now)
	return printList(a, asJSON, list, func(inc model.Incident) incidentJSON { return a.incidentJSON(inc, names[inc.Node], now) },
		[]string{"sev", "id", "tier", "status", "sla", "left", "node", "title"}, func(inc model.Incident) []string {
			left := ""
			if inc.Status.Open() {
				left = model.FormatWait(inc.Remaining(now))
			}
			return []string{inc.Severity.String(), inc.ID, string(inc.Tier), string(inc.Status),
				inc.Light(now).String(), left, names[inc.Node], inc.Title}
		})
}

type showJSON struct {
	incidentJSON
	Timeline []eventJSON `json:"timeline"`
}

func (a *app) showCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID [--json]",
		Short: "Show one incident with its timeline",
		Long: `Show one incident with its timeline. ID is whole (HJ-20261207-0032), or
its end as the console shows and reads it (:show): its number (0032), or its
date's day (07-0032, as the narrow queue shows it), month and day
(1207-0032) or whole date (20261207-0032) and number; an open one's before a
resolved one's; a closed one by a dated form only (the archive holds every
day's 0032). So do ack, escalate, dispatch, resolve, close, reopen, invalid
and note.`,
		Args: exactArgs(1, "one incident id (e.g. HJ-20261129-0001, or 0001, 29-0001 or 1129-0001)", "一个事件编号（如 HJ-20261129-0001，或 0001、29-0001、1129-0001）"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := idTyped(args[0]); err != nil {
				return err
			}
			return a.withDB(cmd.Context(), looking, func(ctx context.Context, db backend) error {
				id, err := incidentID(ctx, db, args[0])
				if err != nil {
					return err
				}
				return a.show(ctx, db, id, asJSON)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// idTyped refuses as bad usage an incident id typed neither whole
// (model.ParseIncidentID) nor in a short form the console reads too
// (model.ShortIncidentID: 0032, 07-0032, 1207-0032, 20261207-0032).
func idTyped(arg string) error {
	if _, err := model.ParseIncidentID(arg); err != nil && !model.ShortIncidentID(strings.TrimSpace(arg)) {
		return usageError{err}
	}
	return nil
}

// incidentID reads an incident id whole (HJ-20261207-0032), or by its end (0032, 07-0032, 1207-0032: model.IDEndsIn) for
// one of the open incidents, else of the resolved ones (waiting to be
// closed or reopened), else, by a dated form only (07-0032, 1207-0032), of
// the closed ones (to show; reopen then says why it cannot); an end that
// none or several of the first of these to have it have is refused.
func incidentID(ctx context.Context, svc model.Service, arg string) (string, error) {
	if id, err := model.ParseIncidentID(arg); err == nil {
		return id, nil
	}
	short := strings.TrimSpace(arg)
	var found []string
	filters := []model.IncidentFilter{{Open: true}, {Status: model.StatusResolved}}
	if strings.Contains(strings.TrimLeft(short, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-"), "-") {
		// The archive holds every day's 0032: a closed one by its day
		// alone (1207-0032, HJ-1207-0032), so a bare number (0032,
		// HJ-0032) never reaches it.
		filters = append(filters, model.IncidentFilter{Status: model.StatusClosed})
	}
	for _, f := range filters {
		incs, err := svc.Incidents(ctx, f)
		if err != nil {
			return "", err
		}
		for _, inc := range incs {
			if model.IDEndsIn(inc.ID, short) {
				found = append(found, inc.ID)
			}
		}
		if len(found) > 0 {
			break
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return "", model.Errorf(model.ENOTFOUND, "no incident ends in %s; give the whole id, e.g. HJ-20261207-0032", short).
			Zh("没有以 %s 结尾的事件；请给出完整编号，如 HJ-20261207-0032", short)
	}
	sort.Strings(found)
	return "", model.Errorf(model.ENOTFOUND, "%d incidents end in %s (%s); give the whole id", len(found), short, listSome(found, 5)).
		Zh("有 %d 个事件以 %s 结尾（%s）；请给出完整编号", len(found), short, listSome(found, 5))
}

func (a *app) show(ctx context.Context, db backend, id string, asJSON bool) error {
	inc, err := db.Incident(ctx, id)
	if err != nil {
		return err
	}
	tl, err := db.Timeline(ctx, id)
	if err != nil {
		return err
	}
	names, err := nodeNames(ctx, db)
	if err != nil {
		return err
	}
	now := db.Now()
	j := showJSON{incidentJSON: a.incidentJSON(inc, names[inc.Node], now), Timeline: jsonList(tl, a.eventJSON)}
	return a.answer(asJSON, j, func() {
		a.printDetail(ctx, db, inc, j, now)
		if j.Text != "" {
			fmt.Fprintf(a.out, "\n%s\n", j.Text)
		}
		fmt.Fprintln(a.out)
		tableOf(a.out, []string{"time", "action", "by", "change", "note"}, tl, func(e model.Event) []string {
			change := ""
			if e.Before != e.After {
				change = fmt.Sprintf("%s/%s → %s/%s", e.Before.Tier, e.Before.Status, e.After.Tier, e.After.Status)
			}
			return []string{a.local(e.At, "01-02 15:04:05"), string(e.Action), e.ActorName + " (" + e.Actor.String() + ")", change, e.Note}
		})
	})
}

// printDetail prints an incident's fields, one a row.
func (a *app) printDetail(ctx context.Context, svc model.Service, inc model.Incident, j showJSON, now time.Time) {
	kv := [][]string{
		{"id", j.ID}, {"title", j.Title}, {"node", j.Node + "  " + j.NodeName},
		{"category", j.Category + " / platform " + j.Platform}, {"severity", j.Severity},
		{"tier", j.Tier}, {"status", j.Status}, {"sla", j.Light},
	}
	if inc.Status.Open() {
		kv = append(kv, []string{"deadline", a.ts(inc.Deadline()) + "  (" + model.FormatWait(inc.Remaining(now)) + " left)"})
	}
	if j.Department != "" {
		kv = append(kv, []string{"department", j.Department})
	}
	kv = append(kv, []string{"reporter", personLabel(ctx, svc, inc.Reporter) + " via " + j.Source}, []string{"reported", j.ReportedAt})
	if inc.Supervised {
		kv = append(kv, []string{"supervised", "yes (督办)"})
	}
	table(a.out, []string{"field", "value"}, kv)
}

var actionUse = map[model.Action]struct{ use, short string }{
	model.ActAcknowledge: {"ack", "Acknowledge (sign for) an incident at its tier"},
	model.ActEscalate:    {"escalate", "Escalate an incident one tier, or --to a higher tier"},
	model.ActDispatch:    {"dispatch", "Dispatch an incident to a department (--department D [--platform P])"},
	model.ActResolve:     {"resolve", "Mark an incident resolved"},
	model.ActClose:       {"close", "Close (archive) a resolved incident after follow-up"},
	model.ActReopen:      {"reopen", "Reopen a resolved incident when new information arrives (--note required)"},
	model.ActInvalid:     {"invalid", "Close an open report as invalid (作废): a duplicate, a false alarm, no case (--note required)"},
}

// actionFlags are the flags of an action on an incident.
type actionFlags struct {
	by, note, to, from, platform, department string
	asJSON                                   bool
}

func (a *app) actionCmd(act model.Action) *cobra.Command {
	var fl actionFlags
	u := actionUse[act]
	cmd := &cobra.Command{
		Use:   u.use + " ID [--by PERSON] [--note X]",
		Short: u.short,
		Args:  exactArgs(1, "one incident id (e.g. HJ-20261129-0001, or 0001, 29-0001 or 1129-0001 for an open one)", "一个事件编号（如 HJ-20261129-0001，未结的也可用 0001、29-0001 或 1129-0001）"),
		RunE:  func(cmd *cobra.Command, args []string) error { return a.act(cmd.Context(), act, args[0], fl) },
	}
	f := cmd.Flags()
	f.StringVar(&fl.by, "by", "", "who acts (person id); default the operator")
	f.StringVar(&fl.note, "note", "", "a note for the timeline")
	f.BoolVar(&fl.asJSON, "json", false, "print the incident as JSON")
	switch act {
	case model.ActEscalate:
		f.StringVar(&fl.to, "to", "", "jump to this tier: village, town or taskforce")
		f.StringVar(&fl.from, "from", "", "only if it is still at this tier (grid, village, town): refused, nothing done, when someone escalated it since")
	case model.ActDispatch:
		f.StringVar(&fl.platform, "platform", "", "platform taking it: party, ecology, safety, service (default the incident's)")
		f.StringVar(&fl.department, "department", "", "department taking it (required), e.g. 交警中队")
		// Checked in RunE (not MarkFlagRequired), so the refusal names the
		// command like every other.
	}
	return cmd
}

// command reads the flags of act into the command for the rules.
func (fl actionFlags) command(act model.Action) (model.Command, error) {
	c := model.Command{Action: act, Department: fl.department}
	var err error
	if c.Note, err = cleanFlag("--note", fl.note, false); err != nil {
		return c, err
	}
	if c.Department, err = cleanFlag("--department", fl.department, false); err != nil {
		return c, err
	}
	if err := optional(&c.To, fl.to, model.ParseTier); err != nil {
		return c, err
	}
	if err := optional(&c.From, fl.from, model.ParseTier); err != nil {
		return c, err
	}
	if err := optional(&c.Platform, fl.platform, model.ParsePlatform); err != nil {
		return c, err
	}
	if act == model.ActDispatch && c.Department == "" {
		return c, model.Errorf(model.EINVALID, "dispatch: --department is required: who takes the work (e.g. 交警中队)").
			Zh("dispatch：缺少 --department：由谁承办（如 交警中队）")
	}
	return c, nil
}

func (a *app) act(ctx context.Context, act model.Action, arg string, fl actionFlags) error {
	if err := idTyped(arg); err != nil {
		return err
	}
	c, err := fl.command(act)
	if err != nil {
		return usageError{err}
	}
	return a.withActor(ctx, fl.by, func(ctx context.Context, db backend, actor model.PersonID) error {
		id, err := incidentID(ctx, db, arg)
		if err != nil {
			return err
		}
		c.By = actor
		inc, err := db.Act(ctx, id, c)
		if err != nil {
			if (act == model.ActReopen || act == model.ActInvalid) && c.Note == "" && model.ErrorCode(err) == model.EINVALID {
				// The rules refuse to reopen without saying what new
				// information arrived: a refusal (exit 2) like the
				// others, not a typing error.
				return model.Errorf(model.ECONFLICT, "%s", model.ErrorMessage(err)).Zh("%s", model.ErrorMessageZh(err))
			}
			return err
		}
		return a.printIncident(ctx, db, inc, fl.asJSON, fmt.Sprintf("%s %s: now %s at the %s tier", inc.ID, act, inc.Status, inc.Tier))
	})
}

// printIncident prints inc as JSON, or line, which says what happened to
// it.
func (a *app) printIncident(ctx context.Context, db backend, inc model.Incident, asJSON bool, line string) error {
	if asJSON {
		return writeJSON(a.out, a.incidentJSON(inc, nodeName(ctx, db, inc.Node), db.Now()))
	}
	fmt.Fprintln(a.out, line)
	return nil
}

func (a *app) noteCmd() *cobra.Command {
	var by string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "note ID TEXT... [--by PERSON] [--json]",
		Short: "Add a note to an incident's timeline without changing it (\"called the traffic police, ETA 20 min\")",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usageError{model.Errorf(model.EINVALID, "%swant an incident id and the note (e.g. note HJ-20261129-0001 已联系交警，20分钟到), got %d arguments", where(c), len(args)).
					Zh("%s需要事件编号和备注（如 note HJ-20261129-0001 已联系交警，20分钟到），却给了 %d 个参数", where(c), len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := idTyped(args[0]); err != nil {
				return err
			}
			text, err := cleanFlag("note", strings.Join(args[1:], " "), false)
			if err != nil {
				return usageError{err}
			}
			return a.withActor(cmd.Context(), by, func(ctx context.Context, db backend, actor model.PersonID) error {
				id, err := incidentID(ctx, db, args[0])
				if err != nil {
					return err
				}
				inc, err := db.Note(ctx, id, text, actor)
				if err != nil {
					return err
				}
				return a.printIncident(ctx, db, inc, asJSON, fmt.Sprintf("%s: note added (%s at the %s tier, unchanged)", inc.ID, inc.Status, inc.Tier))
			})
		},
	}
	cmd.Flags().StringVar(&by, "by", "", "who writes it (person id); default the operator")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the incident as JSON")
	return cmd
}
