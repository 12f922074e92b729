package seat

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// A seat draws its own frames instead of bubbletea's standard renderer,
// whose 60-a-second ticker wakes every program even when nothing changed:
// with hundreds of idle seats those wake-ups alone cost a few per cent of
// a core. The console (ui.Model) is wrapped: after each message bubbletea
// asks for the view (the program runs WithoutRenderer), and the wrapper
// writes at once the lines that differ from the last frame it wrote, to
// the seat's bounded output queue (out). When that queue dropped frames
// (a client that stopped reading), the next frame is whole. See group.go
// for the wrapper (framed).

// screen is what the client's terminal shows: the last frame written.
type screen struct {
	out     *out
	w, h    int
	last    []string // nil: the next frame is drawn whole
	lastSeq uint64   // the group's frame last drawn (0: none)
	started bool
	buf     strings.Builder
}

// Escape sequences of the seat's terminal: the alternate screen with the
// cursor hidden while the console runs, and back.
const (
	enterScreen = "\x1b[?1049h\x1b[?25l"
	leaveScreen = "\x1b[?25h\x1b[?1049l"
)

// frame is a view split into the lines a terminal of w x h shows, with
// which of them are shorter than the width (they need the rest of their
// line erased). A group's frames also carry the bytes that turn the
// previous frame into this one, written once for all its seats.
type frame struct {
	lines []string
	short []bool
	seq   uint64 // the group's count of frames (0: not a group's)
	diff  []byte // from the group's frame seq-1 to this; nil for the first
}

func newFrame(view string, w, h int, prev *frame) *frame {
	lines := strings.Split(view, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	f := &frame{lines: lines, short: make([]bool, len(lines))}
	for i, l := range lines {
		f.short[i] = ansi.StringWidth(l) < w
	}
	if prev != nil {
		var b strings.Builder
		writeDiff(&b, prev.lines, f)
		f.diff = []byte(b.String())
		f.seq = prev.seq + 1
	}
	return f
}

// writeDiff writes to b what turns a screen showing last (nil: unknown)
// into f.
func writeDiff(b *strings.Builder, last []string, f *frame) {
	if last == nil {
		b.WriteString(ansi.EraseEntireScreen)
	}
	for i, l := range f.lines {
		if last != nil && i < len(last) && last[i] == l {
			continue
		}
		b.WriteString(ansi.CursorPosition(1, i+1))
		b.WriteString(l)
		// Erase the rest of a short line; a full one leaves the cursor on
		// its last cell, where an erase would take that cell.
		if f.short[i] {
			b.WriteString(ansi.EraseLineRight)
		}
	}
	if len(last) > len(f.lines) {
		b.WriteString(ansi.CursorPosition(1, len(f.lines)+1))
		b.WriteString(ansi.EraseScreenBelow)
	}
}

// draw writes the lines of view that differ from the last frame.
func (s *screen) draw(view string) {
	if s.w == 0 || s.h == 0 {
		return
	}
	s.drawFrame(newFrame(view, s.w, s.h, nil))
}

// drawFrame writes f: its ready diff when the screen shows the frame
// before it, else the lines that differ from what the screen shows.
func (s *screen) drawFrame(f *frame) {
	if s.out.takeDropped() {
		s.last, s.lastSeq = nil, 0
	}
	if s.started && s.last != nil && f.seq > 1 && s.lastSeq == f.seq-1 {
		if len(f.diff) > 0 {
			_, _ = s.out.Write(f.diff)
		}
		s.last, s.lastSeq = f.lines, f.seq
		return
	}
	b := &s.buf
	b.Reset()
	if !s.started {
		b.WriteString(enterScreen)
		s.started = true
	}
	writeDiff(b, s.last, f)
	s.last, s.lastSeq = f.lines, f.seq
	if b.Len() > 0 {
		_, _ = s.out.Write([]byte(b.String()))
	}
}

// repaintMsg asks for the next frame whole (the client has drained what
// was queued after frames were dropped).
type repaintMsg struct{}
