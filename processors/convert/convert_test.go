package convert

import (
	"testing"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func TestConvert(t *testing.T) {
	t.Parallel()
	cases := []struct {
		typ  string
		in   event.Value
		want event.Value
		fail bool
	}{
		{"integer", event.String("503"), event.Int(503), false},
		{"integer", event.String(" 12.7 "), event.Int(12), false},
		{"long", event.Float(3.9), event.Int(3), false},
		{"integer", event.String("n/a"), event.String("n/a"), true},
		{"float", event.String("0.93"), event.Float(0.93), false},
		{"double", event.Int(2), event.Float(2), false},
		{"float", event.String("x"), event.String("x"), true},
		{"boolean", event.String("yes"), event.Bool(true), false},
		{"bool", event.String("FALSE"), event.Bool(false), false},
		{"boolean", event.String("maybe"), event.String("maybe"), true},
		{"string", event.Int(42), event.String("42"), false},
	}
	for _, tc := range cases {
		p := proctest.New(t, Factory, func(c *Config) { c.Fields = []Field{{Field: "f", Type: tc.typ}} })
		ev := proctest.Lines("m")[0]
		ev.Set("f", tc.in)
		out := proctest.One(t, p, ev)
		if got, _ := out.Get("f"); !got.Equal(tc.want) {
			t.Errorf("%s(%v) = %v (%d), want %v", tc.typ, tc.in.Any(), got.Any(), got.Kind(), tc.want.Any())
		}
		if out.HasTag("_convert_failure") != tc.fail {
			t.Errorf("%s(%v): tags %v", tc.typ, tc.in.Any(), out.Tags())
		}
	}
	if _, err := proctest.Create(t, Factory, func(c *Config) { c.Fields = []Field{{Field: "f", Type: "ip"}} }); err == nil {
		t.Errorf("unknown type must not validate")
	}
}
