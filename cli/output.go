package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"gridcmd/model"
)

// The --json shapes. They are gridcmd's stable output format: fields are
// only ever added, never renamed or removed. Times are RFC 3339 in the
// configured time zone; absent times are omitted.

type incidentJSON struct {
	ID               string `json:"id"`
	Title            string `json:"title"`
	Text             string `json:"text,omitempty"`
	Category         string `json:"category"`
	Platform         string `json:"platform"`
	Severity         string `json:"severity"`
	Node             string `json:"node"`
	NodeName         string `json:"node_name,omitempty"`
	Reporter         string `json:"reporter"`
	Source           string `json:"source"`
	Tier             string `json:"tier"`
	Status           string `json:"status"`
	Department       string `json:"department,omitempty"`
	Light            string `json:"light"`
	RemainingSeconds int64  `json:"remaining_seconds"`
	Supervised       bool   `json:"supervised"`
	Escalations      int    `json:"escalations"`
	ReportedAt       string `json:"reported_at"`
	TierSince        string `json:"tier_since"`
	AckBy            string `json:"ack_by,omitempty"`
	DueBy            string `json:"due_by,omitempty"`
	AckedAt          string `json:"acked_at,omitempty"`
	DispatchedAt     string `json:"dispatched_at,omitempty"`
	ResolvedAt       string `json:"resolved_at,omitempty"`
	ClosedAt         string `json:"closed_at,omitempty"`
}

type stateJSON struct {
	Tier   string `json:"tier,omitempty"`
	Status string `json:"status,omitempty"`
}

type eventJSON struct {
	Seq       uint64     `json:"seq"`
	At        string     `json:"at"`
	Actor     string     `json:"actor"`
	ActorName string     `json:"actor_name"`
	Action    string     `json:"action"`
	Incident  string     `json:"incident,omitempty"`
	Node      string     `json:"node,omitempty"`
	Before    *stateJSON `json:"before,omitempty"`
	After     *stateJSON `json:"after,omitempty"`
	Note      string     `json:"note,omitempty"`
	NoteZh    string     `json:"note_zh,omitempty"`
	Due       string     `json:"due,omitempty"`     // the deadline the act answered
	Subject   string     `json:"subject,omitempty"` // whom it is about: the reserve drafted, whose points
	Points    int        `json:"points,omitempty"`  // a grant, deduction or redemption
	Ref       string     `json:"ref,omitempty"`     // the patrol, finding or rotation of a patrol event
}

type personJSON struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Phone    string   `json:"phone"`
	Node     string   `json:"node"`
	NodeName string   `json:"node_name,omitempty"`
	Roles    []string `json:"roles"`
	Reserve  string   `json:"reserve_kind,omitempty"`
	OnDuty   bool     `json:"on_duty"`
	Lang     string   `json:"lang,omitempty"` // the seat's language; absent: the config's
}

type towerJSON struct {
	Code       string       `json:"code"`
	Name       string       `json:"name"`
	Level      string       `json:"level"`
	Households int          `json:"households"`
	Staff      int          `json:"staff"`
	People     int          `json:"people"`
	Open       int          `json:"open"`
	Red        int          `json:"red"`
	Worst      string       `json:"worst_light"`
	Children   []*towerJSON `json:"children,omitempty"`
}

func (a *app) ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(a.cfg.Location).Format(time.RFC3339)
}

// local is t in the configured time zone, in layout.
func (a *app) local(t time.Time, layout string) string { return t.In(a.cfg.Location).Format(layout) }

// due is when t is due in the configured time zone: its clock time on
// ref's day, else with its date (model.DueClock: "12-09 04:40").
func (a *app) due(t, ref time.Time) string { return model.DueClock(t.In(a.cfg.Location), ref) }

// minute is t in the configured time zone to the minute: "2026-11-29 03:10".
func (a *app) minute(t time.Time) string { return a.local(t, "2006-01-02 15:04") }

func (a *app) incidentJSON(i model.Incident, nodeName string, now time.Time) incidentJSON {
	return incidentJSON{
		ID: i.ID, Title: i.Title, Text: i.Text, Category: string(i.Category), Platform: string(i.Platform),
		Severity: i.Severity.String(), Node: string(i.Node), NodeName: nodeName, Reporter: i.Reporter.String(),
		Source: string(i.Source), Tier: string(i.Tier), Status: string(i.Status), Department: i.Department,
		Light: i.Light(now).String(), RemainingSeconds: int64(i.Remaining(now) / time.Second),
		Supervised: i.Supervised, Escalations: i.Escalations,
		ReportedAt: a.ts(i.ReportedAt), TierSince: a.ts(i.TierSince), AckBy: a.ts(i.AckBy), DueBy: a.ts(i.DueBy),
		AckedAt: a.ts(i.AckedAt), DispatchedAt: a.ts(i.DispatchedAt), ResolvedAt: a.ts(i.ResolvedAt), ClosedAt: a.ts(i.ClosedAt),
	}
}

func stateOf(s model.State) *stateJSON {
	if s == (model.State{}) {
		return nil
	}
	return &stateJSON{Tier: string(s.Tier), Status: string(s.Status)}
}

func (a *app) eventJSON(e model.Event) eventJSON {
	j := eventJSON{
		Seq: e.Seq, At: a.ts(e.At), Actor: e.Actor.String(), ActorName: e.ActorName, Action: string(e.Action),
		Incident: e.Incident, Node: string(e.Node), Before: stateOf(e.Before), After: stateOf(e.After), Note: e.Note,
		NoteZh: e.NoteZh, Due: a.ts(e.Due), Points: e.Points, Ref: e.Ref,
	}
	if e.Subject != model.System {
		j.Subject = e.Subject.String()
	}
	return j
}

func personJSONOf(p model.Person, nodeName string) personJSON {
	return personJSON{ID: p.ID.String(), Name: p.Name, Phone: p.Phone, Node: string(p.Node), NodeName: nodeName,
		Roles: model.Strings(p.Roles), Reserve: string(p.Reserve), OnDuty: p.OnDuty, Lang: p.Lang}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// table writes rows with columns padded to their display width (a Han
// character takes two columns), separated by two spaces.
func table(w io.Writer, header []string, rows [][]string) {
	widths := make([]int, len(header))
	for _, r := range append([][]string{header}, rows...) {
		for i, c := range r {
			if n := ansi.StringWidth(c); n > widths[i] {
				widths[i] = n
			}
		}
	}
	line := func(r []string) {
		var b strings.Builder
		for i, c := range r {
			if i < len(r)-1 {
				b.WriteString(padTo(c, widths[i]) + "  ")
				continue
			}
			b.WriteString(c)
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	line(header)
	for _, r := range rows {
		line(r)
	}
}

// padTo is s padded with spaces to n display columns, a Han character
// taking two (as table pads its cells); padLeft puts the spaces first.
func padTo(s string, n int) string   { return s + strings.Repeat(" ", max(n-ansi.StringWidth(s), 0)) }
func padLeft(s string, n int) string { return strings.Repeat(" ", max(n-ansi.StringWidth(s), 0)) + s }

// widest is the display width of the widest of xs' cells cell gives.
func widest[T any](xs []T, cell func(T) string) int {
	n := 0
	for _, x := range xs {
		n = max(n, ansi.StringWidth(cell(x)))
	}
	return n
}

// tableOf is table with a row of each of xs, in order, that row makes.
func tableOf[T any](w io.Writer, header []string, xs []T, row func(T) []string) {
	rows := make([][]string, len(xs))
	for i, x := range xs {
		rows[i] = row(x)
	}
	table(w, header, rows)
}

// printList is a list command's answer: with --json the list of toJSON of
// each of xs (jsonList), else the table of header and a row of each
// (tableOf).
func printList[T, J any](a *app, asJSON bool, xs []T, toJSON func(T) J, header []string, row func(T) []string) error {
	if asJSON {
		return writeJSON(a.out, jsonList(xs, toJSON))
	}
	tableOf(a.out, header, xs, row)
	return nil
}

// answer is a command's answer: v as JSON with --json, else what text
// prints.
func (a *app) answer(asJSON bool, v any, text func()) error {
	if asJSON {
		return writeJSON(a.out, v)
	}
	text()
	return nil
}

// reply is answer with one line of text, the line that format makes of
// args.
func (a *app) reply(asJSON bool, v any, format string, args ...any) error {
	return a.answer(asJSON, v, func() { fmt.Fprintf(a.out, format, args...) })
}
