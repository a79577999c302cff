package kubernetes

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Config says where the Kubernetes API is, what to copy from it, and where the DCGM exporters
// are.
type Config struct {
	proc.Common `mapstructure:",squash"`
	// KubeConfig is the path of a kubeconfig file; empty means the in-cluster service account.
	KubeConfig string `mapstructure:"kubeconfig"`
	// WaitForSync is how long creating the processor waits for the first list of pods and nodes;
	// 0 starts at once (early events miss until the cache fills). Events never wait.
	WaitForSync time.Duration `mapstructure:"wait_for_sync"`
	// DeletedGrace keeps deleted pods and nodes resolvable this long, for lines that arrive late.
	DeletedGrace time.Duration `mapstructure:"deleted_grace"`
	// Overwrite replaces fields the event already has (Filebeat's add_kubernetes_metadata);
	// false only fills missing ones.
	Overwrite bool `mapstructure:"overwrite"`
	// Labels and Annotations are the pod label and annotation keys to copy (exact names, or a
	// prefix ending in '*'). Nothing is copied by default: labels are unbounded user data.
	Labels      []string `mapstructure:"labels"`
	Annotations []string `mapstructure:"annotations"`
	// GPUResources are the extended resources counted as GPUs in requests and limits.
	GPUResources []string `mapstructure:"gpu_resources"`
	// DCGM is where the GPU-to-pod mapping comes from.
	DCGM DCGMConfig `mapstructure:"dcgm"`
}

// DCGMConfig names the DCGM exporters to read. With neither URLs nor Discover, GPU-to-pod
// mapping is off.
type DCGMConfig struct {
	// URLs are exporter /metrics URLs to scrape (a node's exporter, or a Service in front of them).
	URLs []string `mapstructure:"urls"`
	// Discover scrapes every running pod that matches Selector, on Port and Path, found through
	// the pod cache (no extra API permission).
	Discover bool   `mapstructure:"discover"`
	Selector string `mapstructure:"selector"`
	Port     int    `mapstructure:"port"`
	Path     string `mapstructure:"path"`
	// Interval is how often the mapping is refreshed; Timeout bounds one scrape.
	Interval time.Duration `mapstructure:"interval"`
	Timeout  time.Duration `mapstructure:"timeout"`
}

// NewConfig returns the defaults: in-cluster, wait up to 30 s for the first sync, keep deleted
// pods 5 minutes, fill only, count nvidia.com/gpu, DCGM mapping off.
func NewConfig() *Config {
	return &Config{
		WaitForSync:  30 * time.Second,
		DeletedGrace: 5 * time.Minute,
		GPUResources: []string{"nvidia.com/gpu"},
		DCGM: DCGMConfig{
			Selector: "app=nvidia-dcgm-exporter",
			Port:     9400,
			Path:     "/metrics",
			Interval: 30 * time.Second,
			Timeout:  5 * time.Second,
		},
	}
}

// Validate reports every bad option with its key.
func (c *Config) Validate() error {
	errs := []error{c.Common.Validate()}
	if c.WaitForSync < 0 {
		errs = append(errs, errors.New("wait_for_sync: must not be negative"))
	}
	if c.DeletedGrace < 0 {
		errs = append(errs, errors.New("deleted_grace: must not be negative"))
	}
	errs = append(errs, checkKeys("labels", c.Labels), checkKeys("annotations", c.Annotations),
		checkKeys("gpu_resources", c.GPUResources), c.DCGM.validate())
	return errors.Join(errs...)
}

func (d *DCGMConfig) validate() error {
	var errs []error
	for i, u := range d.URLs {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			errs = append(errs, fmt.Errorf("dcgm.urls[%d]: %q is not an http(s) URL", i, u))
		}
	}
	if d.Discover {
		if _, err := labels.Parse(d.Selector); err != nil || d.Selector == "" {
			errs = append(errs, fmt.Errorf("dcgm.selector: %q is not a label selector", d.Selector))
		}
		if d.Port <= 0 || d.Port > 65535 {
			errs = append(errs, fmt.Errorf("dcgm.port: %d is not a port", d.Port))
		}
	}
	if d.enabled() && d.Interval <= 0 {
		errs = append(errs, errors.New("dcgm.interval: must be positive"))
	}
	if d.enabled() && d.Timeout <= 0 {
		errs = append(errs, errors.New("dcgm.timeout: must be positive"))
	}
	return errors.Join(errs...)
}

func (d *DCGMConfig) enabled() bool { return len(d.URLs) > 0 || d.Discover }

func checkKeys(key string, list []string) error {
	var errs []error
	for i, k := range list {
		if k == "" || k == "*" {
			errs = append(errs, fmt.Errorf("%s[%d]: %q names no key", key, i, k))
		}
	}
	return errors.Join(errs...)
}
