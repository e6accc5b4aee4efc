package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// shutdownBound is how long the console may take to stop after a signal,
// whatever a sink (the log, later the journal and the alerts) is doing: the
// session is closed first, so nothing is lost on the gateway's side.
const shutdownBound = 2 * time.Second

// exitSignals end the console as the quit key does. SIGHUP (the terminal
// went away) is one of them: the session is closed cleanly, the terminal
// restored, and the `closed` event written; no reload is offered.
var exitSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// watchSignals returns a context cancelled by the first exit signal. From
// then on the process ends within shutdownBound, with status 0 as a clean
// stop would, and at once on a second signal, with 128+signal as a shell
// reports a killed command.
func watchSignals() (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, exitSignals...)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
		case <-done:
			return
		}
		cancel()
		bound := time.NewTimer(shutdownBound - 250*time.Millisecond) // leaves the process time to exit
		defer bound.Stop()
		select {
		case sig := <-sigs:
			os.Exit(128 + signalNumber(sig))
		case <-bound.C:
			os.Exit(0)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}

func signalNumber(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return int(s)
	}
	return 2
}
