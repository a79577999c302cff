package pipeline

import (
	"errors"
	"fmt"
	"strings"
)

// Config configures the pipeline input.
type Config struct {
	// Address is the name pipeline outputs send to (their send_to). One input per address.
	Address string `mapstructure:"address"`
}

// NewConfig returns the defaults: no address, which Validate refuses (it must be chosen).
func NewConfig() *Config { return &Config{} }

// Validate reports every problem in the config.
func (c *Config) Validate() error {
	return checkAddress("address", c.Address)
}

// PipelineAddress is the address the runtime connects senders to (config.PipelineReceiver).
func (c *Config) PipelineAddress() string { return c.Address }

// checkAddress refuses an empty address, and spaces, which are more likely a typo than a name.
func checkAddress(path, addr string) error {
	switch {
	case addr == "":
		return errors.New(path + ": required: the name pipeline outputs send to")
	case strings.ContainsAny(addr, " \t\r\n"):
		return fmt.Errorf("%s: %q contains white space", path, addr)
	}
	return nil
}
