package ui

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Run shows the console on out (the terminal, in the alternate screen),
// reading keys from in, until the trader quits or the engine stops. It
// decides the colour profile (NO_COLOR and CLICOLOR=0 give none) and whether
// the background is dark before the program starts, since asking the
// terminal later would race the program for its input. If the program ended
// without closing the session (a signal, an error), Run closes it before
// returning.
func Run(b Backend, opts Options, in io.Reader, out io.Writer) error {
	if b == nil {
		return ErrNoBackend
	}
	restore := useTerminal(termenv.NewOutput(out, termenv.WithColorCache(true)))
	defer restore()

	m, err := New(b, opts)
	if err != nil {
		return err
	}
	// The screen draws each new frame at once; Bubble Tea's renderer, whose
	// ticker wakes whether anything changed or not, ticks rendererFPS a second.
	// SIGINT, SIGTERM and SIGHUP quit the way the quit key does (session
	// closed, terminal restored, then a graceful exit). bubbletea's own handler would take its "killed"
	// exit, which closes the terminal reader under its read goroutine.
	term := &terminal{w: out}
	p := tea.NewProgram(drawn{Model: m, scr: &screen{out: term}}, tea.WithInput(in), tea.WithOutput(term.output()),
		tea.WithAltScreen(), tea.WithFPS(rendererFPS), tea.WithoutSignalHandler())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	forwarded := make(chan struct{})
	quit := opts.Quit
	go func() {
		defer close(forwarded)
		for {
			select {
			case <-sigs:
				p.Send(signalMsg{})
			case <-quit:
				quit = nil // closed: it has said all it will
				p.Send(signalMsg{})
			case <-done:
				return
			}
		}
	}()
	final, err := p.Run()
	signal.Stop(sigs)
	close(done)
	<-forwarded
	if fm, ok := final.(drawn); !ok || (!fm.closed && !fm.stopped) {
		b.Close()
	}
	// SIGINT (kill -INT, or ^C delivered as a signal) is a request to quit like
	// any other: the session has been closed above.
	if err != nil && !errors.Is(err, tea.ErrInterrupted) {
		return fmt.Errorf("ui: console: %w", err)
	}
	return nil
}

// decideColors reads the colour profile and background of an output. The
// background query is skipped without colours: nothing would use it.
func decideColors(o *termenv.Output) (termenv.Profile, bool) {
	p := o.EnvColorProfile() // Ascii when NO_COLOR is set or CLICOLOR=0
	if p == termenv.Ascii {
		return p, true
	}
	return p, o.HasDarkBackground()
}

// useTerminal makes lipgloss's default renderer draw for o with the decided
// colours and returns a function that puts the previous renderer back.
func useTerminal(o *termenv.Output) (restore func()) {
	prev := lipgloss.DefaultRenderer()
	profile, dark := decideColors(o)
	r := lipgloss.NewRenderer(o)
	r.SetOutput(o)
	r.SetColorProfile(profile)
	r.SetHasDarkBackground(dark)
	lipgloss.SetDefaultRenderer(r)
	return func() { lipgloss.SetDefaultRenderer(prev) }
}
