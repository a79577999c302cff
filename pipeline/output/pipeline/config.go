package pipeline

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Config configures the pipeline output.
type Config struct {
	// SendTo names the addresses of the pipeline inputs that receive every event; each
	// receiving pipeline gets its own copy.
	SendTo []string `mapstructure:"send_to"`
}

// NewConfig returns the defaults: no address, which Validate refuses.
func NewConfig() *Config { return &Config{} }

// Validate reports every problem in the config.
func (c *Config) Validate() error {
	if len(c.SendTo) == 0 {
		return errors.New("send_to: at least one address is required")
	}
	var errs []error
	for i, addr := range c.SendTo {
		at := fmt.Sprintf("send_to[%d]", i)
		switch {
		case addr == "":
			errs = append(errs, errors.New(at+": empty address"))
		case strings.ContainsAny(addr, " \t\r\n"):
			errs = append(errs, fmt.Errorf("%s: %q contains white space", at, addr))
		case slices.Index(c.SendTo, addr) < i:
			// Twice would deliver each event twice to one pipeline.
			errs = append(errs, fmt.Errorf("%s: %q listed twice", at, addr))
		}
	}
	return errors.Join(errs...)
}

// PipelineAddresses are the addresses the runtime sends to (config.PipelineSender).
func (c *Config) PipelineAddresses() []string { return c.SendTo }
