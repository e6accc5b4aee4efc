package sockets

import "context"

// Scan reads the port's socket table now. Counts, the listener and zombies
// are always filled; withOwners adds every connection with its owner (Conns).
// Owners are looked up only for rows that need explaining.
func (s *Scanner) Scan(port int, withOwners bool) (Table, error) {
	return s.ScanContext(context.Background(), port, withOwners)
}
