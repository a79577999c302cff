package kafka

import (
	"fmt"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl/plain"
)

// newDialer builds the connection settings shared by every connection of the reader. The TLS
// files are read here, when the input is created, so that a missing or bad CA fails startup.
func newDialer(c *Config) (*kafkago.Dialer, error) {
	d := &kafkago.Dialer{ClientID: c.ClientID, Timeout: 10 * time.Second, DualStack: true}
	if c.TLS.Enabled {
		t, err := c.TLS.Config()
		if err != nil {
			return nil, fmt.Errorf("kafka: %w", err)
		}
		d.TLS = t
	}
	if c.SASL.Mechanism == MechanismPlain {
		d.SASLMechanism = plain.Mechanism{Username: c.SASL.Username, Password: c.SASL.Password}
	}
	return d, nil
}
