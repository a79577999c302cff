package uppercase

import (
	"testing"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func TestUppercase(t *testing.T) {
	t.Parallel()
	p := proctest.New(t, Factory, func(c *Config) { c.Fields = []string{"log.level", "n", "missing"} })
	ev := proctest.Lines("Message")[0]
	ev.SetString("log.level", "warning")
	ev.Set("n", event.Int(3))
	out := proctest.One(t, p, ev)
	if proctest.Str(out, "log.level") != "WARNING" || proctest.Str(out, "n") != "3" || out.Message() != "Message" {
		t.Errorf("got %q %q %q", proctest.Str(out, "log.level"), proctest.Str(out, "n"), out.Message())
	}
}
