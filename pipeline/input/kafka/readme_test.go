package kafka

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
	c, ok := cfg.Inputs["kafka"].Config.(*Config)
	if !ok {
		t.Fatalf("inputs.kafka decoded as %T", cfg.Inputs["kafka"].Config)
	}
	def := NewConfig()
	if len(c.Brokers) != 2 || c.Topics[0] != "k8s-container-logs" || c.GroupID != "sluice-indexer" ||
		c.MaxBytes != def.MaxBytes || c.MaxWait != 500*time.Millisecond || !c.TLS.Enabled || c.SASL.Mechanism != MechanismPlain ||
		c.BatchSize != def.BatchSize || c.MaxPending != def.MaxPending || c.FlushInterval != def.FlushInterval ||
		c.RetryBackoff != def.RetryBackoff || c.OnRejected != def.OnRejected || c.DecodeFilebeat != def.DecodeFilebeat {
		t.Errorf("sample decoded as %+v; the README must show the defaults", c)
	}
	bad := strings.Replace(string(m[1]), "group_id:", "groupid:", 1)
	if _, err := config.Parse([]byte(bad), comps); err == nil || !strings.Contains(err.Error(), "groupid") {
		t.Errorf("unknown key: %v", err)
	}
}
