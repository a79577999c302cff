package pipelinetest

import (
	"context"
	"log/slog"
	"strings"
	"sync"
)

// LogRecorder is a slog.Handler that keeps every record as "LEVEL message", for tests that check
// what a component logs and how often (a state change once, not per retry).
type LogRecorder struct {
	mu   sync.Mutex
	msgs []string
}

// Logger returns a logger that writes to r.
func (r *LogRecorder) Logger() *slog.Logger { return slog.New(r) }

// Enabled accepts every level.
func (r *LogRecorder) Enabled(context.Context, slog.Level) bool { return true }

// WithAttrs ignores the attributes: tests match on level and message.
func (r *LogRecorder) WithAttrs([]slog.Attr) slog.Handler { return r }

// WithGroup ignores the group.
func (r *LogRecorder) WithGroup(string) slog.Handler { return r }

// Handle keeps the record.
func (r *LogRecorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, rec.Level.String()+" "+rec.Message)
	return nil
}

// Count returns how many records contain sub ("WARN out: output down").
func (r *LogRecorder) Count(sub string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, m := range r.msgs {
		if strings.Contains(m, sub) {
			n++
		}
	}
	return n
}

// Messages returns what was logged so far.
func (r *LogRecorder) Messages() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.msgs...)
}
