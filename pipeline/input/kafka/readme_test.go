package kafka

import (
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

// The README's sample config must load as written, with the values it shows.
func TestReadmeSampleConfig(t *testing.T) {
	t.Parallel()
	cfg := pipelinetest.ReadmeSample(t, "README.md", Factory, "group_id:")
	c, ok := cfg.Inputs["kafka"].Config.(*Config)
	if !ok {
		t.Fatalf("inputs.kafka decoded as %T", cfg.Inputs["kafka"].Config)
	}
	def := NewConfig()
	if len(c.Brokers) != 2 || c.Topics[0] != "k8s-container-logs" || c.GroupID != "sluice-indexer" ||
		c.MaxBytes != def.MaxBytes || c.MaxWait != 500*time.Millisecond || !c.TLS.Enabled || c.TLS.CAFile != "/etc/sluice/kafka/ca.crt" || c.SASL.Mechanism != MechanismPlain ||
		c.BatchSize != def.BatchSize || c.MaxPending != def.MaxPending || c.FlushInterval != def.FlushInterval ||
		c.RetryBackoff != def.RetryBackoff || c.OnRejected != def.OnRejected || c.DecodeFilebeat != def.DecodeFilebeat {
		t.Errorf("sample decoded as %+v; the README must show the defaults", c)
	}
}
