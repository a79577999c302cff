package beats

import (
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// The README's sample config must load as written, with the values it shows.
func TestReadmeSampleConfig(t *testing.T) {
	t.Parallel()
	cfg := pipelinetest.ReadmeSample(t, "README.md", Factory, "idle_timeout:")
	c, ok := cfg.Inputs["beats"].Config.(*Config)
	if !ok {
		t.Fatalf("inputs.beats decoded as %T", cfg.Inputs["beats"].Config)
	}
	if c.MaxFrameSize != 16<<20 || c.MaxWindowBytes != 128<<20 || c.KeepaliveInterval != 5*time.Second ||
		!c.TLS.Enabled || c.TLS.ClientCAFile != "/etc/sluice/tls/ca.crt" || c.TLS.AllowedNames[0] != "*.gpu-nodes.example.com" || c.EventOriginal != OriginalKeep {
		t.Errorf("sample decoded as %+v", c)
	}
}
