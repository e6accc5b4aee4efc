package ui

import (
	"io"
	"strings"
	"sync"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
)

// screen draws the console's frames the moment they change, and only then.
// Bubble Tea v1's renderer flushes on a frame ticker that wakes whatever
// happens, and those wake-ups were most of an idle console's CPU: it now
// ticks once a second (it still owns the terminal: raw mode, alternate
// screen, resizes, the last frame), and screen draws each new frame at once.
// Its drawing is Bubble Tea's: unchanged lines are skipped, wider ones cut
// at the width, shorter ones erase the rest of their line. The renderer's
// own flush of a frame screen drew already writes the same lines again, so
// both write, one Write at a time (terminal).
type screen struct {
	out           io.Writer
	width, height int
	lines         []string // on the terminal now; nil after a resize: draw everything
	view          string   // the frame they came from
	rows          int      // rows the last frame took, to erase below a shorter one
	buf           strings.Builder
}

// rendererFPS is Bubble Tea's renderer's frame rate: the lowest it takes.
const rendererFPS = 1

// resize forgets what is on the terminal: the next frame is drawn whole.
func (s *screen) resize(w, h int) {
	s.width, s.height = w, h
	s.lines, s.view = nil, ""
}

// draw puts view on the terminal, writing only the lines that changed;
// the same view again writes nothing.
func (s *screen) draw(view string) {
	if s.lines != nil && view == s.view {
		return
	}
	lines := strings.Split(view, "\n")
	if s.height > 0 && len(lines) > s.height {
		lines = lines[len(lines)-s.height:] // as Bubble Tea: the bottom of a frame taller than the terminal
	}
	b := &s.buf
	b.Reset()
	b.WriteString(ansi.CursorHomePosition)
	for i, line := range lines {
		if i < len(s.lines) && s.lines[i] == line {
			if i < len(lines)-1 {
				b.WriteByte('\n')
			}
			continue
		}
		w := ansi.StringWidth(line)
		if s.width > 0 && w > s.width {
			line = ansi.Truncate(line, s.width, "")
			w = ansi.StringWidth(line)
		}
		b.WriteString(line)
		if w < s.width {
			b.WriteString(ansi.EraseLineRight)
		}
		if i < len(lines)-1 {
			b.WriteString("\r\n")
		}
	}
	if s.rows > len(lines) {
		b.WriteString(ansi.EraseScreenBelow)
	}
	b.WriteString(ansi.CursorPosition(0, len(lines)))
	io.WriteString(s.out, b.String())
	s.lines, s.view, s.rows = lines, view, len(lines)
}

// drawn is the console's Model with its screen: every Update that changes
// the frame draws it.
type drawn struct {
	Model
	scr *screen
}

func (d drawn) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		d.scr.resize(ws.Width, ws.Height)
	}
	m, cmd := d.Model.Update(msg)
	d.Model = m.(Model)
	d.scr.draw(d.Model.View())
	return d, cmd
}

// View is the frame just drawn, for Bubble Tea's renderer.
func (d drawn) View() string { return d.scr.view }

// terminal is the program's output, one Write at a time.
type terminal struct {
	mu sync.Mutex
	w  io.Writer
}

func (t *terminal) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.w.Write(b)
}

// terminalFile is a terminal whose output is a term.File: Bubble Tea asks
// that of its output to follow the terminal's size.
type terminalFile struct {
	*terminal
	f term.File
}

func (t terminalFile) Read(b []byte) (int, error) { return t.f.Read(b) }
func (t terminalFile) Close() error               { return t.f.Close() }
func (t terminalFile) Fd() uintptr                { return t.f.Fd() }

// output is what the program writes to: t, as a term.File when it writes to one.
func (t *terminal) output() io.Writer {
	if f, ok := t.w.(term.File); ok {
		return terminalFile{t, f}
	}
	return t
}
