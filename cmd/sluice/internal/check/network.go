package check

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"time"
)

// TCP checks that an address accepts connections (a Kafka broker, an Elasticsearch node, the
// beats port of sluice itself).
type TCP struct {
	Address string        `mapstructure:"address"`
	Timeout time.Duration `mapstructure:"connect_timeout"`
}

// Validate checks the address has a port.
func (t *TCP) Validate() error {
	if _, _, err := net.SplitHostPort(t.Address); err != nil {
		return fmt.Errorf("address: want host:port, got %q", t.Address)
	}
	return nil
}

// Run connects and closes.
func (t *TCP) Run(ctx context.Context) (string, error) {
	d := net.Dialer{Timeout: t.Timeout}
	start := time.Now()
	c, err := d.DialContext(ctx, "tcp", t.Address)
	if err != nil {
		return "", err
	}
	took := time.Since(start)
	remote := c.RemoteAddr().String()
	_ = c.Close()
	return fmt.Sprintf("connected to %s in %s", remote, ms(took)), nil
}

// DNS checks that a name resolves, as the stack's services find each other by Kubernetes DNS
// names (elasticsearch.logging.svc.cluster.local).
type DNS struct {
	// Host is the name to resolve ("name" is the check's own).
	Host string `mapstructure:"host"`
	// Type is A, AAAA, CNAME or SRV.
	Type string `mapstructure:"type"`
	// Server is a resolver host:port to ask instead of the system's.
	Server string `mapstructure:"server"`
	// MinAnswers is the fewest answers that pass.
	MinAnswers int `mapstructure:"min_answers"`
	// Expect lists answers that must be among those returned.
	Expect []string `mapstructure:"expect"`
}

// Validate checks the type and server.
func (d *DNS) Validate() error {
	var errs []error
	if d.Host == "" {
		errs = append(errs, errors.New("host: missing"))
	}
	d.Type = strings.ToUpper(d.Type)
	if !slices.Contains([]string{"A", "AAAA", "CNAME", "SRV"}, d.Type) {
		errs = append(errs, fmt.Errorf("type: want A, AAAA, CNAME or SRV, got %q", d.Type))
	}
	if d.Server != "" {
		if _, _, err := net.SplitHostPort(d.Server); err != nil {
			errs = append(errs, fmt.Errorf("server: want host:port, got %q", d.Server))
		}
	}
	return errors.Join(errs...)
}

// Run resolves the name and checks the answers.
func (d *DNS) Run(ctx context.Context) (string, error) {
	answers, err := d.lookup(ctx, d.resolver())
	if err != nil {
		return "", err
	}
	got := fmt.Sprintf("%s %s -> %s", d.Type, d.Host, strings.Join(answers, ", "))
	if len(answers) < d.MinAnswers {
		return "", fmt.Errorf("%d answer(s), want at least %d", len(answers), d.MinAnswers)
	}
	for _, e := range d.Expect {
		if !slices.Contains(answers, e) {
			return "", fmt.Errorf("%s; want %s among them", got, e)
		}
	}
	return got, nil
}

func (d *DNS) resolver() *net.Resolver {
	if d.Server == "" {
		return net.DefaultResolver
	}
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var nd net.Dialer
		return nd.DialContext(ctx, network, d.Server)
	}}
}

func (d *DNS) lookup(ctx context.Context, r *net.Resolver) ([]string, error) {
	switch d.Type {
	case "CNAME":
		c, err := r.LookupCNAME(ctx, d.Host)
		return []string{c}, err
	case "SRV":
		_, srvs, err := r.LookupSRV(ctx, "", "", d.Host)
		var out []string
		for _, s := range srvs {
			out = append(out, net.JoinHostPort(strings.TrimSuffix(s.Target, "."), fmt.Sprint(s.Port)))
		}
		return out, err
	}
	network := "ip4"
	if d.Type == "AAAA" {
		network = "ip6"
	}
	ips, err := r.LookupIP(ctx, network, d.Host)
	var out []string
	for _, ip := range ips {
		out = append(out, ip.String())
	}
	return out, err
}
