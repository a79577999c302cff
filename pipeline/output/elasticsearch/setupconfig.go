package elasticsearch

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"

	"github.com/sluice-dev/sluice/pipeline/tlsconfig"
)

// SetupConfig is what `sluice setup` installs for this output: index templates, the ILM policy
// and Kibana saved objects. The running output does not read it; it lives here so that one
// config file describes the cluster once.
type SetupConfig struct {
	// TemplateName prefixes the component and index templates (sluice@mappings, sluice@settings).
	TemplateName string `mapstructure:"template_name"`
	// TemplatePriority must be above the cluster's built-in logs template (100).
	TemplatePriority int    `mapstructure:"template_priority"`
	ILM              ILM    `mapstructure:"ilm"`
	Kibana           Kibana `mapstructure:"kibana"`
}

// ILM is the index lifecycle policy setup installs where the cluster has ILM.
type ILM struct {
	Enabled bool   `mapstructure:"enabled"`
	Policy  string `mapstructure:"policy"`
	// RolloverMaxAge and RolloverMaxPrimarySize start a new backing index; DeleteAfter removes
	// backing indices that old (Elasticsearch time units: 1d, 30d).
	RolloverMaxAge         string `mapstructure:"rollover_max_age"`
	RolloverMaxPrimarySize string `mapstructure:"rollover_max_primary_size"`
	DeleteAfter            string `mapstructure:"delete_after"`
}

// Kibana is where setup imports the data views, saved searches and dashboards. Credentials
// default to the output's own when none are given here.
type Kibana struct {
	// Host is Kibana's URL; empty skips the Kibana step.
	Host         string           `mapstructure:"host"`
	Space        string           `mapstructure:"space"`
	Username     string           `mapstructure:"username"`
	Password     Secret           `mapstructure:"password"`
	PasswordFile string           `mapstructure:"password_file"`
	APIKey       Secret           `mapstructure:"api_key"`
	APIKeyFile   string           `mapstructure:"api_key_file"`
	TLS          tlsconfig.Client `mapstructure:"tls"`
}

func defaultSetup() SetupConfig {
	return SetupConfig{
		TemplateName: "sluice", TemplatePriority: 150,
		ILM: ILM{Enabled: true, Policy: "sluice", RolloverMaxAge: "1d", RolloverMaxPrimarySize: "50gb", DeleteAfter: "30d"},
	}
}

var (
	timeUnitRe = regexp.MustCompile(`^[0-9]+(d|h|m|s|ms)$`)
	sizeUnitRe = regexp.MustCompile(`^[0-9]+(b|kb|mb|gb|tb)$`)
)

// Validate checks the setup section.
func (s *SetupConfig) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if !validIndexName(s.TemplateName) {
		add("setup.template_name: %q is not a valid name", s.TemplateName)
	}
	if s.TemplatePriority < 0 {
		add("setup.template_priority: must not be negative")
	}
	if s.ILM.Enabled {
		if !validIndexName(s.ILM.Policy) {
			add("setup.ilm.policy: %q is not a valid name", s.ILM.Policy)
		}
		for _, v := range []struct{ name, val string }{{"rollover_max_age", s.ILM.RolloverMaxAge}, {"delete_after", s.ILM.DeleteAfter}} {
			if !timeUnitRe.MatchString(v.val) {
				add("setup.ilm.%s: %q is not a time such as 30d", v.name, v.val)
			}
		}
		if !sizeUnitRe.MatchString(s.ILM.RolloverMaxPrimarySize) {
			add("setup.ilm.rollover_max_primary_size: %q is not a size such as 50gb", s.ILM.RolloverMaxPrimarySize)
		}
	}
	if k := s.Kibana; k.Host != "" {
		if u, err := url.Parse(k.Host); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			add("setup.kibana.host: %q is not an http(s) URL", k.Host)
		}
		if k.Space != "" && !regexp.MustCompile(`^[a-z0-9_-]+$`).MatchString(k.Space) {
			add("setup.kibana.space: %q is not a space id", k.Space)
		}
		if k.Password != "" && k.PasswordFile != "" {
			add("setup.kibana.password_file: set either password or password_file")
		}
		errs = append(errs, tlsconfig.Under("setup.kibana.tls", k.TLS.Validate()))
	}
	return errors.Join(errs...)
}

// Credentials resolves the Kibana credentials, reading *_file settings; without any it falls
// back to the output's.
func (k *Kibana) Credentials(out *Config) (user string, pass, apiKey Secret, err error) {
	kc := &Config{Username: k.Username, Password: k.Password, PasswordFile: k.PasswordFile,
		APIKey: k.APIKey, APIKeyFile: k.APIKeyFile}
	if k.Username == "" && k.APIKey == "" && k.APIKeyFile == "" {
		kc = out
	}
	user, pass, apiKey, _, err = kc.credentials()
	return user, pass, apiKey, err
}
