package main

import (
	"io"
	"net"
	"sync"
	"testing"
)

// forwarder is a TCP forwarder that can be stopped and started again on the same address:
// stopping it puts a shared service out of a process's reach without stopping the service.
type forwarder struct {
	addr, target string

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
}

// startForwarder forwards a free loopback port to target until the test ends.
func startForwarder(t *testing.T, target string) *forwarder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &forwarder{addr: ln.Addr().String(), target: target, conns: map[net.Conn]bool{}}
	f.serve(ln)
	t.Cleanup(f.stop)
	return f
}

// start listens again on the forwarder's address after stop.
func (f *forwarder) start(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		t.Fatalf("forwarder: listen again on %s: %v", f.addr, err)
	}
	f.serve(ln)
}

// stop closes the listener and every forwarded connection: new connections are refused and
// open ones end, as when the target goes away.
func (f *forwarder) stop() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ln != nil {
		_ = f.ln.Close()
		f.ln = nil
	}
	for c := range f.conns {
		_ = c.Close()
		delete(f.conns, c)
	}
}

func (f *forwarder) serve(ln net.Listener) {
	f.mu.Lock()
	f.ln = ln
	f.mu.Unlock()
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			go f.pipe(in)
		}
	}()
}

// pipe copies both ways between in and a new connection to the target.
func (f *forwarder) pipe(in net.Conn) {
	out, err := net.Dial("tcp", f.target)
	if err != nil {
		_ = in.Close()
		return
	}
	if !f.track(in, out) {
		return
	}
	done := make(chan struct{}, 2)
	cp := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		done <- struct{}{}
	}
	go cp(out, in)
	go cp(in, out)
	<-done
	f.mu.Lock()
	delete(f.conns, in)
	delete(f.conns, out)
	f.mu.Unlock()
	_ = in.Close()
	_ = out.Close()
}

// track registers both ends, or closes them when the forwarder stopped meanwhile.
func (f *forwarder) track(in, out net.Conn) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ln == nil {
		_ = in.Close()
		_ = out.Close()
		return false
	}
	f.conns[in], f.conns[out] = true, true
	return true
}
