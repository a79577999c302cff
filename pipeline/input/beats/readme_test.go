package beats

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/config"
)

// fileOutputConfig stands in for the file output the sample writes to.
type fileOutputConfig struct {
	Path string `mapstructure:"path"`
}

func (*fileOutputConfig) Validate() error { return nil }

// The README's sample config must load as written, with the values it shows.
func TestReadmeSampleConfig(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## Sample config\n\n```yaml\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README has no sample config")
	}
	comps, err := config.NewComponents([]pipeline.InputFactory{Factory}, nil, []pipeline.OutputFactory{{
		Type: "file", NewConfig: func() pipeline.Config { return &fileOutputConfig{} }}})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse(m[1], comps)
	if err != nil {
		t.Fatal(err)
	}
	c, ok := cfg.Inputs["beats"].Config.(*Config)
	if !ok {
		t.Fatalf("inputs.beats decoded as %T", cfg.Inputs["beats"].Config)
	}
	if c.MaxFrameSize != 16<<20 || c.MaxWindowBytes != 128<<20 || c.KeepaliveInterval != 5*time.Second ||
		!c.TLS.Enabled || c.TLS.AllowedNames[0] != "*.gpu-nodes.example.com" || c.EventOriginal != OriginalKeep {
		t.Errorf("sample decoded as %+v", c)
	}
	// A mistyped key is refused at startup, not ignored.
	bad := strings.Replace(string(m[1]), "idle_timeout:", "idle_timout:", 1)
	if _, err := config.Parse([]byte(bad), comps); err == nil || !strings.Contains(err.Error(), "idle_timout") {
		t.Errorf("unknown key: %v", err)
	}
}
