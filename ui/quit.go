package ui

import "fmt"

// seatsNote is what quitting the console that holds the file does to the
// SSH seats it serves (Options.Seats): they close with it; "" when none is
// open.
func (m Model) seatsNote() string {
	n := 0
	if m.opt.Seats != nil {
		n = m.opt.Seats()
	}
	switch {
	case n == 1:
		return m.say("1 SSH seat it serves closes with it", "本控制台服务的 1 个 SSH 席位将随之关闭")
	case n > 1:
		return m.say(fmt.Sprintf("%d SSH seats it serves close with it", n), fmt.Sprintf("本控制台服务的 %d 个 SSH 席位将随之关闭", n))
	}
	return ""
}
