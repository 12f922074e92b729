package ui

import (
	tea "github.com/charmbracelet/bubbletea"

	"gridcmd/model"
)

// FirstFrame builds the console on svc for opt at w×h, loads what Init
// loads for the seat (the snapshot and the wartime state of its scope,
// nothing more), and renders the first full frame: what 'gridcmd bench
// console' times. No feed, clock or sweeper is started.
func FirstFrame(svc model.Service, opt Options, w, h int) (string, error) {
	var m tea.Model = New(svc, nil, opt)
	m, _ = m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	scope := m.(Model).scope
	for _, load := range []tea.Cmd{loadSnapshot(svc, scope, newReachCache()), loadWartime(svc, scope)} {
		m, _ = m.Update(load())
	}
	if err := m.(Model).loadErr; err != nil {
		return "", err
	}
	return m.View(), nil
}
