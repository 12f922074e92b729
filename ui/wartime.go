package ui

import (
	"context"
	"sort"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// wartime is what the console knows of wartime: the activation with its
// units, and each directive of the activation with its units' copies.
type wartime struct {
	status     model.WartimeStatus
	directives []wtDirective // newest first
}

type wtDirective struct {
	d     model.Directive
	units []model.DirectiveUnit
	sum   model.DirectiveSummary
	// beyond is how many of its units outside the seat's scope have not
	// signed (scopeDirective).
	beyond int
}

func (w wartime) active() bool { return w.status.Active.Active() }

type wartimeMsg struct {
	status     model.WartimeStatus
	directives []wtDirective
	err        error
}

type activatedMsg struct {
	act model.Activation
	err error
}

type deactivatedMsg struct {
	after model.AfterAction
	err   error
}

// deactivatedTownsMsg: a room's wartimes ended (ended), sent to their
// towns to end (queued: the towns' names), and the first refusal.
type deactivatedTownsMsg struct {
	ended  int
	queued []string
	err    error
}

type directiveIssuedMsg struct {
	d      model.Directive
	units  []model.DirectiveUnit
	dryRun bool
	text   string
	to     []model.NodeCode
	due    time.Time // the deadline the question names, sent as it is
	err    error
}

type resentMsg struct {
	id  string
	n   int
	err error
}

type draftedMsg struct {
	d   model.Draft
	err error
}

type releasedMsg struct {
	d   model.Draft
	err error
}

type afterActionMsg struct {
	after model.AfterAction
	err   error
}

func (m wartimeMsg) failed() error         { return m.err }
func (m activatedMsg) failed() error       { return m.err }
func (m deactivatedMsg) failed() error     { return m.err }
func (m directiveIssuedMsg) failed() error { return m.err }
func (m resentMsg) failed() error          { return m.err }
func (m draftedMsg) failed() error         { return m.err }
func (m releasedMsg) failed() error        { return m.err }
func (m afterActionMsg) failed() error     { return m.err }

// loadWartime reads the wartime state and every directive of the current
// activation that reaches into scope with its units, those in scope (""
// for all: scopeDirective).
func loadWartime(svc model.Service, scope model.NodeCode) tea.Cmd {
	return func() tea.Msg {
		ctx := context.Background()
		st, err := svc.WartimeStatus(ctx, scope)
		if err != nil {
			return wartimeMsg{err: err}
		}
		st = scopeWartime(scope, st)
		var out []wtDirective
		if st.Active.Active() {
			ds, err := svc.Directives(ctx, scope)
			if err != nil {
				return wartimeMsg{err: err}
			}
			for _, d := range ds {
				d, units, err := svc.Directive(ctx, d.ID)
				if err != nil {
					return wartimeMsg{err: err}
				}
				if x, ok := scopeDirective(scope, d, units); ok {
					out = append(out, x)
				}
			}
			sort.Slice(out, func(i, j int) bool { return out[i].d.Seq > out[j].d.Seq })
		}
		return wartimeMsg{status: st, directives: out}
	}
}

func activate(svc model.Service, reason model.Reason, scope []model.NodeCode, drill bool, note string, by model.PersonID) tea.Cmd {
	return func() tea.Msg {
		a, err := svc.Activate(context.Background(), reason, scope, drill, note, by)
		return activatedMsg{act: a, err: err}
	}
}

func deactivate(svc model.Service, id string, by model.PersonID) tea.Cmd {
	return func() tea.Msg {
		after, err := svc.Deactivate(context.Background(), id, by)
		return deactivatedMsg{after: after, err: err}
	}
}

// deactivateTowns ends the wartimes ids one after the other; a hub's
// command for a federated town is sent (queued), not refused.
func deactivateTowns(svc model.Service, ids []string, by model.PersonID) tea.Cmd {
	return func() tea.Msg {
		var out deactivatedTownsMsg
		for _, id := range ids {
			_, err := svc.Deactivate(context.Background(), id, by)
			switch {
			case err == nil:
				out.ended++
			case model.IsFedQueued(err):
				out.queued = append(out.queued, model.FedQueuedTowns(err)...)
			case out.err == nil:
				out.err = err
			}
		}
		return out
	}
}

func issueDirective(svc model.Service, text string, to []model.NodeCode, due time.Time, by model.PersonID, dryRun bool) tea.Cmd {
	return func() tea.Msg {
		d, units, err := svc.IssueDirectiveAt(context.Background(), text, to, due, by, dryRun)
		return directiveIssuedMsg{d: d, units: units, dryRun: dryRun, text: text, to: to, due: due, err: err}
	}
}

func draft(svc model.Service, person model.PersonID, micro model.NodeCode, by model.PersonID) tea.Cmd {
	return func() tea.Msg {
		d, err := svc.DraftReserve(context.Background(), person, micro, by)
		return draftedMsg{d: d, err: err}
	}
}

func releaseReserve(svc model.Service, person model.PersonID, by model.PersonID) tea.Cmd {
	return func() tea.Msg {
		d, err := svc.ReleaseReserve(context.Background(), person, by)
		return releasedMsg{d: d, err: err}
	}
}

func loadAfterAction(svc model.Service) tea.Cmd {
	return func() tea.Msg {
		a, err := svc.AfterAction(context.Background(), "")
		return afterActionMsg{after: a, err: err}
	}
}

// roomsDue reports whether the clock has reached the moment the duty
// schedule changes who staffs the wartime rooms (a shift of one of them
// begins or ends: WartimeStatus.Rooms.Changes), not read for yet: no event
// says so, and the chain's rooms would stay as they were.
func (m Model) roomsDue(now time.Time) bool {
	at := m.wt.status.Rooms.Changes
	return m.rp == nil && m.wt.active() && !at.IsZero() && !now.Before(at) && !at.Equal(m.roomsAsked)
}

// isWartimeEvent reports whether an event changes what the wartime panes
// show.
func isWartimeEvent(e model.Event) bool {
	switch e.Action {
	case model.ActActivate, model.ActWiden, model.ActDeactivate, model.ActDraft, model.ActRelease, model.ActDirective,
		model.ActSign, model.ActProgress, model.ActResend:
		return true
	}
	return e.Directive != ""
}
