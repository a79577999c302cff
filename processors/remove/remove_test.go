package remove

import (
	"testing"

	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func TestRemove(t *testing.T) {
	t.Parallel()
	p := proctest.New(t, Factory, func(c *Config) {
		c.Fields = []string{"agent", "ecs.version"}
		c.Tags = []string{"beats_input_codec_plain_applied"}
	})
	ev := proctest.Lines("m")[0]
	ev.SetString("agent.name", "fb")
	ev.SetString("agent.version", "7.17")
	ev.SetString("agentx", "kept")
	ev.SetString("ecs.version", "1.12")
	ev.AddTag("beats_input_codec_plain_applied")
	ev.AddTag("keep")
	out := proctest.One(t, p, ev)
	if out.Has("agent.name") || out.Has("agent.version") || out.Has("ecs.version") {
		t.Errorf("fields not removed")
	}
	if !out.Has("agentx") || out.Message() != "m" {
		t.Errorf("removed too much")
	}
	if len(out.Tags()) != 1 || out.Tags()[0] != "keep" {
		t.Errorf("tags: %v", out.Tags())
	}
	if _, err := proctest.Create(t, Factory, func(*Config) {}); err == nil {
		t.Errorf("an empty remove must not validate")
	}
}
