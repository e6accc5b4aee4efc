package sockets

import (
	"os"
	"os/user"
	"strconv"
)

// userName resolves a uid to a login name, or its decimal form.
func userName(uid uint32) string {
	id := strconv.FormatUint(uint64(uid), 10)
	if u, err := user.LookupId(id); err == nil && u.Username != "" {
		return u.Username
	}
	return id
}

// Identity is who this process is, for the kill policy.
type Identity struct {
	PID  int
	UID  uint32 // UnknownUID on Windows
	User string
}

// Self returns this process's identity.
func Self() Identity {
	id := Identity{PID: os.Getpid(), UID: UnknownUID}
	if uid := os.Getuid(); uid >= 0 {
		id.UID = uint32(uid)
		id.User = userName(id.UID)
	} else if u, err := user.Current(); err == nil {
		id.User = u.Username
	}
	return id
}
