package sockets

import (
	"testing"

	"github.com/robotui/robotui/conn/sockets/sockettest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	sockettest.MaybeRunChild()
	goleak.VerifyTestMain(m)
}
