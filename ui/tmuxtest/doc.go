// Package tmuxtest runs a program in a private tmux server for end-to-end
// tests and waits on what its pane shows. tmux announces no screen change,
// so the pane's output is copied (pipe-pane) into a FIFO and every wait
// looks again each time the program has printed something.
package tmuxtest
