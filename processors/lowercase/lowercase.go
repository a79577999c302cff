// Package lowercase is the processor that lowercases string fields, so that "ERROR", "Error"
// and "error" aggregate as one log.level in Kibana.
package lowercase

import (
	"strings"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Factory creates lowercase processors.
var Factory = proc.NewFactory("lowercase", NewConfig, func(_ pipeline.Settings, c *Config) (proc.EventFunc, error) {
	return proc.MapStrings(c.Fields, strings.ToLower), nil
})
