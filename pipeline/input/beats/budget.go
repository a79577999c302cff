package beats

import (
	"context"
	"time"
)

// The input's budget (internal/budget) bounds the events that all connections hold at once: a
// window takes its share before its frames are read and decoded, and gives it back when its ack
// resolves. The runtime's in-flight limit only blocks a connection after it has decoded a
// window, so without this every connected Filebeat could hold a decoded window in memory beyond
// that limit; with it, what waits stays compressed in the socket buffers.

// reserve waits until the window's share of the budget is free. While it waits with no window
// of its own pending, the connection sends keepalive ACKs (sequence 0): Filebeat has sent the
// window and would otherwise time out and resend it.
func (c *conn) reserve(ctx context.Context, n int64) error {
	t := time.NewTimer(c.in.cfg.KeepaliveInterval)
	defer t.Stop()
	for {
		ok, wake := c.in.budget.TryAcquire(n)
		if ok {
			return nil
		}
		c.in.m.budgetWaits.Inc()
		select {
		case <-wake:
		case <-t.C:
			if c.pending.Load() == 0 { // otherwise the ack loop keeps the client waiting
				if err := c.writeACK(0); err != nil {
					return err
				}
				c.in.m.keepalives.Inc()
				c.keepalives.Add(1)
			}
			t.Reset(c.in.cfg.KeepaliveInterval)
		case <-c.closed:
			return errClosing
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
