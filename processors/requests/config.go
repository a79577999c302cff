package requests

import (
	"errors"
	"fmt"
	"time"

	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Config bounds the state the processor keeps and says which summaries it sends.
type Config struct {
	proc.Common `mapstructure:",squash"`
	// PodFields name the stream a request id belongs to, first one set wins: request ids are
	// unique per vLLM server only (a client may send its own X-Request-Id). Without any of them,
	// the event's input and source (file, Kafka partition) are the key.
	PodFields []string `mapstructure:"pod_fields"`
	// ContextFields are copied from a pod's latest line onto its requests' summaries: where the
	// request ran (pod, node, GPU from the enrichment).
	ContextFields []string `mapstructure:"context_fields"`
	// TTL ends a request that has had no line for this long: outcome unknown (vLLM V1 logs no
	// end line unless --enable-log-outputs is on).
	TTL time.Duration `mapstructure:"ttl"`
	// Linger keeps an ended request's id this long, so that its late lines (the "failed (engine
	// dead)" after an engine failure ended it) are tagged and do not start a second summary.
	Linger time.Duration `mapstructure:"linger"`
	// MaxOpen bounds the requests held; past it the least recently seen is ended (outcome
	// unknown, counted in sluice_requests_evicted_total).
	MaxOpen int `mapstructure:"max_open"`
	// Slow marks a request whose duration reaches it: kept by sampling whatever its outcome.
	Slow time.Duration `mapstructure:"slow"`
	// SuccessRate is the fraction of successful (and unknown) requests whose summary is sent;
	// failed, aborted and slow ones are always sent. The choice is a hash of the id, so every
	// sluice replica keeps the same requests.
	SuccessRate float64 `mapstructure:"success_rate"`
	// AccessWindow is how far apart in log time an access line and the last line of the request
	// it served may be for the two to be tied, and how long (wall clock) a summary waits for
	// its access line once its server has written one; 0 ties none.
	AccessWindow time.Duration `mapstructure:"access_window"`
}

// NewConfig returns the defaults: pod uid, then pod name; 10 minutes TTL, 1 minute linger,
// 100,000 open requests, 30 s slow, every summary sent, access lines tied within 5 s.
func NewConfig() *Config {
	return &Config{
		PodFields: []string{"kubernetes.pod.uid", "kubernetes.pod.name"},
		ContextFields: []string{"kubernetes.pod.name", "kubernetes.pod.uid", "kubernetes.namespace",
			"kubernetes.node.name", "kubernetes.container.name", "host.name", "orchestrator.cluster.name",
			"gpu.uuid", "gpu.index", "gpu.model", "gpu.pci_bus_id", "kubernetes.pod.gpu.uuids", "vllm.model"},
		TTL: 10 * time.Minute, Linger: time.Minute, MaxOpen: 100_000, Slow: 30 * time.Second, SuccessRate: 1,
		AccessWindow: 5 * time.Second,
	}
}

// Validate checks the bounds.
func (c *Config) Validate() error {
	errs := []error{c.Common.Validate()}
	if c.TTL <= 0 {
		errs = append(errs, fmt.Errorf("ttl: %v must be positive", c.TTL))
	}
	if c.Linger < 0 {
		errs = append(errs, fmt.Errorf("linger: %v is negative", c.Linger))
	}
	if c.MaxOpen < 1 {
		errs = append(errs, fmt.Errorf("max_open: %d must be at least 1", c.MaxOpen))
	}
	if c.Slow <= 0 {
		errs = append(errs, fmt.Errorf("slow: %v must be positive", c.Slow))
	}
	if c.AccessWindow < 0 {
		errs = append(errs, fmt.Errorf("access_window: %v is negative", c.AccessWindow))
	}
	if c.SuccessRate < 0 || c.SuccessRate > 1 {
		errs = append(errs, fmt.Errorf("success_rate: %v is not between 0 and 1", c.SuccessRate))
	}
	for i, f := range c.PodFields {
		if f == "" {
			errs = append(errs, fmt.Errorf("pod_fields[%d]: empty", i))
		}
	}
	for i, f := range c.ContextFields {
		if f == "" {
			errs = append(errs, fmt.Errorf("context_fields[%d]: empty", i))
		}
	}
	return errors.Join(errs...)
}
