// Package ui is robotui's console: a Bubble Tea program that renders the
// engine's Snapshots and turns the trader's keys into engine calls.
//
// It must never touch a socket, never block in Update (anything that may wait
// runs in a tea.Cmd), never write to stdout while the program runs, and never
// read the clock to draw: every time on screen is relative to Snapshot.At, so
// the same snapshot always draws the same screen.
package ui
