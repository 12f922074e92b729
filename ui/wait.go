package ui

import (
	"fmt"
	"time"

	"gridcmd/model"
)

// A console whose clock steps by more than a second (an SSH seat: ssh.tick,
// a minute by default, so that 600 seats cost little while nothing
// happens) redraws its countdowns and waits once a step. Shown to the
// second they would stand still for most of the step and then jump ("48s"
// for 43 s, then the next tier): they are shown at the step's precision
// instead, whole steps, and "<1m" under one. What the feed brings (an
// escalation when the deadline passes) shows at once whatever the step.

// wait is d, a countdown or a wait the clock moves, as the console shows
// it: to the second on a clock that ticks by the second (model.FormatWait),
// else at the clock's step (stepWait).
func (c *common) wait(d time.Duration) string { return stepWait(d, c.step) }

// stepWait is d truncated to whole steps of step: "4m" for 4m48s on a
// minute's step, "<1m" under a minute, "-<1m" overdue by less; "1h05m"
// past an hour, as FormatWait has it. A step of a second or less is
// FormatWait itself.
func stepWait(d, step time.Duration) string {
	if step <= time.Second {
		return model.FormatWait(d)
	}
	sign, a := "", d
	if d < 0 {
		sign, a = "-", -d
	}
	a = a.Truncate(step)
	switch {
	case a == 0:
		return sign + "<" + stepName(step)
	case step >= time.Minute && a < time.Hour:
		return sign + fmt.Sprintf("%dm", int(a/time.Minute))
	}
	return sign + model.FormatWait(a)
}

// stepName is a clock's step in the countdowns' units: "1m", "10s", "1h".
func stepName(step time.Duration) string {
	switch {
	case step%time.Hour == 0:
		return fmt.Sprintf("%dh", int(step/time.Hour))
	case step%time.Minute == 0:
		return fmt.Sprintf("%dm", int(step/time.Minute))
	case step < time.Minute:
		return fmt.Sprintf("%ds", int(step/time.Second))
	}
	return model.FormatWait(step)
}
