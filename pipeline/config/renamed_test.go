package config

import (
	"strings"
	"testing"
)

// renamedSection stands for a shared section (the tls keys) whose keys were renamed.
type renamedSection struct {
	CAFile string `mapstructure:"ca_file"`
	Other  string `mapstructure:"other"`
}

func (renamedSection) RenamedKeys() map[string]string { return map[string]string{"ca": "ca_file"} }

type withRenamed struct {
	TLS renamedSection `mapstructure:"tls"`
}

// A former key name fails with the name to write; new names and unknown keys are as before.
func TestRenamedKeyNamesTheNewKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw  map[string]any
		want string
	}{
		{map[string]any{"tls": map[string]any{"ca": "x", "other": "y"}},
			"inputs.kafka.tls.ca: unknown key; the setting is now ca_file"},
		{map[string]any{"tls": map[string]any{"ca_file": "x"}}, ""},
		{map[string]any{"tls": map[string]any{"cax": "x"}}, "inputs.kafka.tls.cax: unknown key"},
	}
	for _, tt := range tests {
		var out withRenamed
		err := Decode("inputs.kafka", tt.raw, &out)
		if tt.want == "" {
			if err != nil || out.TLS.CAFile != "x" {
				t.Errorf("%v: %v, decoded %+v", tt.raw, err, out)
			}
			continue
		}
		if err == nil || err.Error() != tt.want {
			t.Errorf("%v: error %v, want %q", tt.raw, err, tt.want)
		}
	}
	if !strings.Contains(Decode("", map[string]any{"ca": "x"}, &renamedSection{}).Error(), "ca: unknown key; the setting is now ca_file") {
		t.Error("renamed key at the top level")
	}
}
