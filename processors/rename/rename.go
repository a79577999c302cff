// Package rename is the processor that moves fields to new names (a Logstash field to its ECS
// name), replacing what the new name held. Subfields move with their parent: renaming "k8s"
// to "kubernetes" moves "k8s.pod.name" to "kubernetes.pod.name".
package rename

import (
	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Factory creates rename processors.
var Factory = proc.NewFactory("rename", NewConfig, func(_ pipeline.Settings, c *Config) (proc.EventFunc, error) {
	return proc.MoveFunc(&c.MoveConfig, true), nil
})
