package eventjson

import (
	"encoding/json"
	"strings"
	"testing"
)

var jsonCases = []string{
	`{}`, `[]`, ` { } `, `{"a":1}`, `{"a":[1,2,{"b":null}],"c":"d\"e\u00e9"}`, `[[[[]]]]`, `[{},[],""]`,
	`"s"`, `-0.5e+3`, `true`, `false`, `null`, `0`,
	``, ` `, `{`, `}`, `[`, `]`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `[1 2]`, `{"a":1 "b":2}`,
	`{a:1}`, `[01]`, `[1.]`, `[.5]`, `[1e]`, `["\x"]`, "[\"\x01\"]", `["\u12"]`, `[tru]`, `[nul]`,
	`{}{}`, `[1]]`, `[[1]`, `{"a":[}`, `{"a":{"b":[1,{"c":2}]}}`, `[{"a":1},]`, `{"":""}`,
}

// Valid agrees with encoding/json on what is JSON.
func TestValidJSON(t *testing.T) {
	t.Parallel()
	for _, c := range jsonCases {
		if got, want := Valid(c), json.Valid([]byte(c)); got != want {
			t.Errorf("Valid(%q) = %v, want %v", c, got, want)
		}
	}
}

// Nesting counts levels, empty containers included; a million levels need no stack.
func TestSkipJSONNesting(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		s    string
		want int
	}{
		{`1`, 0}, {`{}`, 1}, {`[[]]`, 2}, {`{"a":[1,{"b":{}}]}`, 4}, {`["[[[["]`, 1},
	} {
		if end, n, ok := Skip(c.s, 0); !ok || end != len(c.s) || n != c.want {
			t.Errorf("Skip(%q) = %d, %d, %v; want nesting %d", c.s, end, n, ok, c.want)
		}
	}
	deep := strings.Repeat(`{"a":[`, 1_000_000) + strings.Repeat(`]}`, 1_000_000)
	if end, n, ok := Skip(deep, 0); !ok || end != len(deep) || n != 2_000_000 {
		t.Errorf("deep: %d, %d, %v", end, n, ok)
	}
	if Valid(deep[:len(deep)-1]) {
		t.Error("unclosed deep value valid")
	}
}

func FuzzValidJSON(f *testing.F) {
	for _, c := range jsonCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Valid(s), json.Valid([]byte(s)); got != want {
			t.Fatalf("Valid(%q) = %v, encoding/json says %v", s, got, want)
		}
	})
}
