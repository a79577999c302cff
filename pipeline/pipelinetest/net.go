package pipelinetest

import (
	"net"
	"testing"
)

// RefusedAddr returns a loopback host:port where nothing listens, so that a connection to it is
// refused at once: a real unreachable destination, without waiting for a timeout.
func RefusedAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
