package model

import (
	"fmt"
	"slices"
	"time"
)

// Widening is one widening of a running activation (Widen): when, by whom,
// the scope it had before, and what the widening took in (the figures of
// the new scope less those of the old, as the store counted them then).
type Widening struct {
	At   time.Time
	By   PersonID
	From []NodeCode // the scope before
	// Taken in: villages, micro-grids, households.
	Villages, MicroGrids, Households int
}

// Widen is the rule for taking a running wartime over more of its town
// (扩大战时范围): its scope becomes its own and add together, everything it
// runs carrying on (its directives with their targets and signatures, its
// drafted reserves, its clocks); the widening is kept on it (Widened).
// Refused when it is not active, when add lies in another town (wartime
// is per town), and when it covers add already. The event (ActWiden) names
// the old and the new scope by names (NameNodes, with their codes). Who
// may widen is MayCommand's, on the new scope: the caller's to ask.
func (a Activation) Widen(add []NodeCode, by PersonID, now time.Time, names func(NodeCode) string) (Activation, Event, error) {
	if !a.Active() {
		return a, Event{}, Errorf(ECONFLICT, "no wartime is active: nothing to widen; start one instead").Zh("当前没有战时状态：无可扩大；请直接启动战时")
	}
	if len(add) == 0 {
		return a, Event{}, Errorf(EINVALID, "scope: empty; give town or village codes").Zh("范围：为空；请给出镇或村社代码").On("scope")
	}
	town := a.Scope[0].Town()
	for _, c := range add {
		if c.Town() != town {
			at, its := NameNodes([]NodeCode{c}, names, ""), NameNodes([]NodeCode{town}, names, "")
			return a, Event{}, Errorf(EINVALID, "scope: %s lies outside %s, the town of %s; wartime is per town: activate that town's apart", at, its, a.ID).
				Zh("范围：%s 不在 %s 的所在镇 %s 内；战时按镇启动：请另行启动该镇的战时", at, a.ID, its).On("scope")
		}
	}
	wider := normalizeScope(append(slices.Clone(a.Scope), add...))
	if slices.Equal(wider, a.Scope) {
		asked, has := NameNodes(normalizeScope(slices.Clone(add)), names, ", "), NameNodes(a.Scope, names, ", ")
		return a, Event{}, Errorf(ECONFLICT, "%s already covers %s (its scope: %s); nothing to widen", a.ID, asked, has).
			Zh("%s 已覆盖 %s（范围：%s）；无需扩大", a.ID, NameNodes(normalizeScope(slices.Clone(add)), names, "、"), NameNodes(a.Scope, names, "、")).On("scope")
	}
	w := a
	w.Scope = wider
	w.Widened = append(slices.Clone(a.Widened), Widening{At: now, By: by, From: slices.Clone(a.Scope)})
	ev := Event{At: now, Actor: by, Action: ActWiden, Node: w.Scope[0], Directive: a.ID,
		Note:   fmt.Sprintf("%s widened from %s to %s", a.ID, NameNodes(a.Scope, names, ", "), NameNodes(w.Scope, names, ", ")),
		NoteZh: fmt.Sprintf("%s 范围由 %s 扩大至 %s", a.ID, NameNodes(a.Scope, names, "、"), NameNodes(w.Scope, names, "、"))}
	return w, ev, nil
}

// CoveredSince is when node c came under the activation: its start, or the
// widening that took c in; zero when the activation does not cover c.
func (a Activation) CoveredSince(c NodeCode) time.Time {
	if !a.Covers(c) {
		return time.Time{}
	}
	// Going back, the first widening whose scope before it did not cover c
	// took c in (scopes only grow).
	for i := len(a.Widened) - 1; i >= 0; i-- {
		if !(Activation{Scope: a.Widened[i].From}).Covers(c) {
			return a.Widened[i].At
		}
	}
	return a.Since
}

// AsOf is the activation as it stood at t: its scope before the widenings
// made after t, those widenings dropped (a replay of its earlier hours).
// Its figures stay the latest.
func (a Activation) AsOf(t time.Time) Activation {
	for i, w := range a.Widened {
		if w.At.After(t) {
			a.Scope = slices.Clone(w.From)
			a.Widened = slices.Clone(a.Widened[:i])
			break
		}
	}
	return a
}
