// Package tlsconfig is the one TLS configuration of sluice: the keys a user writes under `tls:`
// for every client (Kafka, Elasticsearch, Kibana, the preflight checks) and every server (the
// Beats input), their validation, and the builders of *tls.Config. A security fix (a minimum
// version, a CA file that holds no certificate) is made here once and reaches every connection.
//
// The key names follow the OpenTelemetry Collector, Vector and Fluent Bit (`ca_file`,
// `cert_file`, `key_file`): the `_file` suffix says the value is a path, not inline PEM.
// Filebeat's `ssl.certificate` and `ssl.key` and older sluice names are refused with the new
// name (see RenamedKeys), so a config written for them fails at startup with the fix.
package tlsconfig

import (
	"errors"
	"fmt"
	"strings"
)

// Minimum versions a config may ask for. TLS 1.0 and 1.1 are not offered: every client and
// server sluice talks to (Filebeat 7+, Kafka 2+, Elasticsearch 7+) speaks 1.2.
const (
	Version12 = "1.2"
	Version13 = "1.3"
)

// Client authentication modes of a server with a client CA.
const (
	ClientAuthRequired = "required"
	ClientAuthOptional = "optional"
)

// Client is the TLS settings of a connection sluice opens. The zero value trusts the system's
// roots and presents no certificate.
type Client struct {
	// CAFile is a PEM bundle of the CAs that sign the server's certificate; empty trusts the
	// system's roots.
	CAFile string `mapstructure:"ca_file"`
	// CertFile and KeyFile are a PEM client certificate and its key, for servers that
	// authenticate clients by certificate (mutual TLS).
	CertFile string `mapstructure:"cert_file"`
	KeyFile  string `mapstructure:"key_file"`
	// ServerName overrides the name checked against the server's certificate.
	ServerName string `mapstructure:"server_name"`
	// InsecureSkipVerify accepts any certificate. For a lab only: Warnings flags it.
	InsecureSkipVerify bool `mapstructure:"insecure_skip_verify"`
	// MinVersion is "1.2" (default) or "1.3".
	MinVersion string `mapstructure:"min_version"`
}

// Server is the TLS settings of a listener. Certificate files are read again when they change
// on disk (see Reloader), so a rotated certificate applies without a restart.
type Server struct {
	// Enabled turns TLS on; the files below are required then.
	Enabled bool `mapstructure:"enabled"`
	// CertFile and KeyFile are PEM files of the server certificate and its key.
	CertFile string `mapstructure:"cert_file"`
	KeyFile  string `mapstructure:"key_file"`
	// ClientCAFile is a PEM bundle of the CAs that sign client certificates; setting it turns
	// on mutual TLS.
	ClientCAFile string `mapstructure:"client_ca_file"`
	// ClientAuth is "required" (default with a client CA) or "optional".
	ClientAuth string `mapstructure:"client_auth"`
	// AllowedNames, when set, lists the client certificate names (CN or DNS SAN) accepted;
	// "*.example.com" matches one label. Needs client_auth "required".
	AllowedNames []string `mapstructure:"allowed_names"`
	// MinVersion is "1.2" (default) or "1.3".
	MinVersion string `mapstructure:"min_version"`
}

// RenamedKeys maps key names of older sluice releases and of Filebeat's `ssl.*` section to the
// name used here. The config loader refuses an old name with the new one (config.Renamer).
func (Client) RenamedKeys() map[string]string {
	return map[string]string{"ca": "ca_file", "certificate_authorities": "ca_file",
		"certificate": "cert_file", "key": "key_file"}
}

// RenamedKeys is Client.RenamedKeys for a listener.
func (Server) RenamedKeys() map[string]string {
	return map[string]string{"certificate": "cert_file", "key": "key_file",
		"client_ca": "client_ca_file", "certificate_authorities": "client_ca_file",
		"client_authentication": "client_auth"}
}

// Validate checks the values without reading files: it runs when a config is parsed, also by
// `sluice validate` on a machine that does not hold the secrets. The files are read, and
// checked, when the connection is built at startup (Client.Config, NewReloader). Errors start
// with the key, relative to the tls section; Under prefixes them.
func (c *Client) Validate() error {
	var errs []error
	if (c.CertFile == "") != (c.KeyFile == "") {
		errs = append(errs, errors.New("cert_file: cert_file and key_file go together"))
	}
	return errors.Join(append(errs, validVersion(c.MinVersion))...)
}

// Warnings flags settings that are valid yet unsafe, in the form of config.Warner.
func (c *Client) Warnings() []string {
	if c.InsecureSkipVerify {
		return []string{"insecure_skip_verify: certificate checks are off; any server, or a man in the middle, is trusted"}
	}
	return nil
}

// Validate checks the values of a listener's settings (not the files: see Client.Validate).
func (s *Server) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if !s.Enabled {
		if s.CertFile != "" || s.KeyFile != "" || s.ClientCAFile != "" {
			add("enabled: certificate files set but tls is not enabled")
		}
		return errors.Join(errs...)
	}
	if s.CertFile == "" {
		add("cert_file: required when tls is enabled")
	}
	if s.KeyFile == "" {
		add("key_file: required when tls is enabled")
	}
	switch s.ClientAuth {
	case "", ClientAuthRequired, ClientAuthOptional:
	default:
		add("client_auth: must be %q or %q, not %q", ClientAuthRequired, ClientAuthOptional, s.ClientAuth)
	}
	if s.ClientAuth != "" && s.ClientCAFile == "" {
		add("client_auth: needs client_ca_file")
	}
	if len(s.AllowedNames) > 0 && (s.ClientCAFile == "" || s.ClientAuth == ClientAuthOptional) {
		add("allowed_names: needs client_ca_file with client_auth %q", ClientAuthRequired)
	}
	for i, n := range s.AllowedNames {
		if n == "" {
			add("allowed_names[%d]: empty", i)
		}
	}
	return errors.Join(append(errs, validVersion(s.MinVersion))...)
}

func validVersion(v string) error {
	switch v {
	case "", Version12, Version13:
		return nil
	}
	return fmt.Errorf("min_version: must be %q or %q, not %q", Version12, Version13, v)
}

// Under prefixes every problem in err ("cert_file: ...") with the section's key ("tls"), so
// that the config loader reports it at its full path. Problems stay separate.
func Under(prefix string, err error) error {
	if err == nil {
		return nil
	}
	var leaves []error
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		leaves = append(leaves, fmt.Errorf("%s.%s", prefix, e.Error()))
	}
	walk(err)
	return errors.Join(leaves...)
}

// UnderAll is Under for warnings.
func UnderAll(prefix string, msgs []string) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = prefix + "." + strings.TrimPrefix(m, ".")
	}
	return out
}
