package seat

import (
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// vterm is a small screen model of a terminal, enough to read what a seat
// shows: printable text at the cursor (wide characters take two cells),
// cursor positioning (CSI H), erasing (CSI K, CSI J), carriage return and
// line feed; colours, modes and OSC strings are read and ignored.
type vterm struct {
	mu       sync.Mutex
	w, h     int
	cells    [][]string // "" is the second cell of a wide character
	row, col int
	pending  []byte // an escape sequence or a rune cut by a read
}

func newVterm(w, h int) *vterm {
	t := &vterm{w: w, h: h, cells: make([][]string, h)}
	for i := range t.cells {
		t.cells[i] = blankRow(w)
	}
	return t
}

func blankRow(w int) []string {
	r := make([]string, w)
	for i := range r {
		r[i] = " "
	}
	return r
}

func (t *vterm) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := append(t.pending, p...)
	t.pending = nil
	for len(b) > 0 {
		n := t.step(b)
		if n == 0 { // incomplete: wait for more
			t.pending = append([]byte(nil), b...)
			break
		}
		b = b[n:]
	}
	return len(p), nil
}

// step consumes one character or sequence of b; 0 if b holds only its start.
func (t *vterm) step(b []byte) int {
	switch c := b[0]; {
	case c == 0x1b:
		if len(b) < 2 {
			return 0
		}
		switch b[1] {
		case '[':
			for i := 2; i < len(b); i++ {
				if b[i] >= 0x40 && b[i] <= 0x7e {
					t.csi(string(b[2:i]), b[i])
					return i + 1
				}
			}
			return 0
		case ']':
			for i := 2; i < len(b); i++ {
				if b[i] == 0x07 {
					return i + 1
				}
				if b[i] == 0x1b && i+1 < len(b) && b[i+1] == '\\' {
					return i + 2
				}
			}
			return 0
		}
		return 2
	case c == '\r':
		t.col = 0
		return 1
	case c == '\n':
		if t.row < t.h-1 {
			t.row++
		}
		return 1
	case c < 0x20 || c == 0x7f:
		return 1
	}
	if !utf8.FullRune(b) {
		return 0
	}
	r, n := utf8.DecodeRune(b)
	s := string(r)
	wd := ansi.StringWidth(s)
	if wd == 0 {
		return n
	}
	if t.col+wd > t.w {
		t.col = t.w - wd // a full line: the cursor stays on its last cell
	}
	if t.row < t.h && t.col >= 0 {
		t.cells[t.row][t.col] = s
		if wd == 2 {
			t.cells[t.row][t.col+1] = ""
		}
	}
	t.col += wd
	return n
}

func (t *vterm) csi(params string, final byte) {
	num := func(i, def int) int {
		parts := strings.Split(strings.TrimLeft(params, "?"), ";")
		if i < len(parts) {
			if n, err := strconv.Atoi(parts[i]); err == nil {
				return n
			}
		}
		return def
	}
	switch final {
	case 'H':
		t.row, t.col = min(max(num(0, 1), 1), t.h)-1, min(max(num(1, 1), 1), t.w)-1
	case 'K':
		for i := t.col; i < t.w; i++ {
			t.cells[t.row][i] = " "
		}
	case 'J':
		switch num(0, 0) {
		case 2:
			for i := range t.cells {
				t.cells[i] = blankRow(t.w)
			}
		case 0:
			for i := t.col; i < t.w; i++ {
				t.cells[t.row][i] = " "
			}
			for r := t.row + 1; r < t.h; r++ {
				t.cells[r] = blankRow(t.w)
			}
		}
	}
}

// lines is the screen, one string a row.
func (t *vterm) lines() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]string, t.h)
	for i, row := range t.cells {
		out[i] = strings.Join(row, "")
	}
	return out
}

func (t *vterm) text() string { return strings.Join(t.lines(), "\n") }
