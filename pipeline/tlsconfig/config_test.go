package tlsconfig

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestClientValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		c    Client
		want []string
	}{
		{"zero", Client{}, nil},
		{"full", Client{CAFile: "ca", CertFile: "c", KeyFile: "k", ServerName: "s", MinVersion: "1.3"}, nil},
		{"cert without key", Client{CertFile: "c"}, []string{"cert_file: cert_file and key_file go together"}},
		{"key without cert", Client{KeyFile: "k"}, []string{"cert_file: cert_file and key_file go together"}},
		{"old version", Client{MinVersion: "1.1"}, []string{`min_version: must be "1.2" or "1.3", not "1.1"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantErrors(t, tt.c.Validate(), tt.want)
		})
	}
}

func TestServerValidate(t *testing.T) {
	t.Parallel()
	on := func(s Server) Server { s.Enabled, s.CertFile, s.KeyFile = true, "c", "k"; return s }
	tests := []struct {
		name string
		s    Server
		want []string
	}{
		{"off", Server{}, nil},
		{"files while off", Server{CertFile: "c"}, []string{"enabled: certificate files set"}},
		{"on without files", Server{Enabled: true}, []string{"cert_file: required", "key_file: required"}},
		{"on", on(Server{}), nil},
		{"mtls", on(Server{ClientCAFile: "ca", ClientAuth: ClientAuthOptional}), nil},
		{"bad auth", on(Server{ClientCAFile: "ca", ClientAuth: "maybe"}), []string{`client_auth: must be "required" or "optional", not "maybe"`}},
		{"auth without ca", on(Server{ClientAuth: ClientAuthRequired}), []string{"client_auth: needs client_ca_file"}},
		{"names without mtls", on(Server{AllowedNames: []string{"x"}}), []string{"allowed_names: needs client_ca_file"}},
		{"names with optional", on(Server{ClientCAFile: "ca", ClientAuth: ClientAuthOptional, AllowedNames: []string{"x"}}),
			[]string{"allowed_names: needs client_ca_file"}},
		{"empty name", on(Server{ClientCAFile: "ca", AllowedNames: []string{""}}), []string{"allowed_names[0]: empty"}},
		{"version", on(Server{MinVersion: "1.0"}), []string{"min_version: must be"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantErrors(t, tt.s.Validate(), tt.want)
		})
	}
}

// wantErrors checks that err holds one problem per entry of want, each starting as given.
func wantErrors(t *testing.T, err error, want []string) {
	t.Helper()
	var got []string
	if err != nil {
		for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
			got = append(got, e.Error())
		}
	}
	if len(got) != len(want) {
		t.Fatalf("errors %q, want %q", got, want)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("error %q, want %q", got[i], want[i])
		}
	}
}

func TestUnderPrefixesEachProblem(t *testing.T) {
	t.Parallel()
	err := Under("tls", errors.Join(errors.New("cert_file: a"), errors.Join(errors.New("min_version: b"))))
	wantErrors(t, err, []string{"tls.cert_file: a", "tls.min_version: b"})
	if Under("tls", nil) != nil {
		t.Error("no problem became one")
	}
	if w := UnderAll("setup.kibana.tls", (&Client{InsecureSkipVerify: true}).Warnings()); len(w) != 1 ||
		!strings.HasPrefix(w[0], "setup.kibana.tls.insecure_skip_verify: ") {
		t.Errorf("warnings %q", w)
	}
}

func TestRenamedKeysNameKeysThatExist(t *testing.T) {
	t.Parallel()
	for _, v := range []interface{ RenamedKeys() map[string]string }{Client{}, Server{}} {
		keys := map[string]bool{}
		typ := reflect.TypeOf(v)
		for i := range typ.NumField() {
			keys[typ.Field(i).Tag.Get("mapstructure")] = true
		}
		for old, now := range v.RenamedKeys() {
			if !keys[now] || keys[old] {
				t.Errorf("%s: %s is renamed to %s, which is no key", typ.Name(), old, now)
			}
		}
	}
}
