// Package uppercase is the processor that uppercases string fields (HTTP methods, GPU Xid
// severity words) so that their values are uniform.
package uppercase

import (
	"strings"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Factory creates uppercase processors.
var Factory = proc.NewFactory("uppercase", NewConfig, func(_ pipeline.Settings, c *Config) (proc.EventFunc, error) {
	return proc.MapStrings(c.Fields, strings.ToUpper), nil
})
