package convert

import (
	"testing"

	"github.com/sluice-dev/sluice/cmd/sluice/internal/logstash"
)

func TestCondition(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{`[a][b] == "x"`, `field("a.b") == "x"`},
		{`[a] != 1.5`, `field("a") != 1.5`},
		{`[a] =~ /^x\/y\d/`, "field(\"a\") matches `^x/y\\d`"},
		{`[a] !~ "b"`, "!(field(\"a\") matches `b`)"},
		{`"t" in [tags]`, `"t" in tags`},
		{`"t" not in [tags]`, `!("t" in tags)`},
		{`"sub" in [message]`, `field("message") contains "sub"`},
		{`[a] in ["x", "y"]`, `field("a") in ["x", "y"]`},
		{`[a] and ![b]`, `field("a") != nil && !(field("b") != nil)`},
		{`[a] == 1 or [b] == 2 and [c] == 3`, `(field("a") == 1) || ((field("b") == 2) && (field("c") == 3))`},
		{`[a] nand [b]`, `!(field("a") != nil && field("b") != nil)`},
		{`[a] xor [b]`, `(field("a") != nil) != (field("b") != nil)`},
		{`!([a] <= 3)`, `!(field("a") <= 3)`},
		{`[@metadata][x] >= 2`, `field("@metadata.x") >= 2`},
	} {
		cfg, err := logstash.Parse("t", "filter { if "+tc.in+" { drop {} } }")
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		got := condition(cfg.Sections[0].Body[0].(*logstash.If).Branches[0].Cond)
		if got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}
