package stdout

// Config configures the stdout output. It has no settings today; the type exists so that the
// output reads like every other component and strict decoding rejects unknown keys.
type Config struct{}

// NewConfig returns the defaults.
func NewConfig() *Config { return &Config{} }

// Validate accepts every Config.
func (c *Config) Validate() error { return nil }
