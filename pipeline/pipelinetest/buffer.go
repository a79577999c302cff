package pipelinetest

import (
	"bytes"
	"sync"
)

// Buffer collects what a component's goroutines write (logs, an output's stream) while the test
// reads it; unlike bytes.Buffer it is safe for that.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
