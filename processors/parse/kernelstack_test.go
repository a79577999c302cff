package parse

import (
	"testing"

	"github.com/sluice-dev/sluice/parsers/vllm"
)

// A GSP core dump's lines go on with the dump before them: its registers ("ICD: ") and the
// trace of its last program counters ("TRACE: "), of the same GPU's same function; another
// function's or another GPU's line opens a report of its own.
func TestNVRMCoreDumpLines(t *testing.T) {
	line := func(body string) *vllm.Line { return &vllm.Line{Text: body, Body: body} }
	const (
		icd   = "[   84.702013] NVRM: GPU6 kflcnCoreDumpDestructive_IMPL: ICD: a4:0x0000000000000004   a5:0x0000000000000a00"
		icd2  = "[   84.702015] NVRM: GPU6 kflcnCoreDumpDestructive_IMPL: ICD: s0:0xffffffff60141030   s1:0xffffffff60141030"
		trace = "[   84.702017] NVRM: GPU6 kflcnCoreDumpDestructive_IMPL: TRACE: 08 = 0x0000000004d4b1a0"
		nd8   = "[   91.100001] NVRM: kflcnCoreDumpNondestructive_IMPL: TRACE: 08 = 0x0000000004d4b1a0"
		nd9   = "[   91.100003] NVRM: kflcnCoreDumpNondestructive_IMPL: TRACE: 09 = 0x0000000005c37b14"
		gpu7  = "[   84.702019] NVRM: GPU7 kflcnCoreDumpDestructive_IMPL: TRACE: 09 = 0x0000000005c37b14"
		other = "[   84.702021] NVRM: GPU6 kgspRpcRecvEvents: TRACE: 10 = 0x0000000005c39948"
	)
	for _, c := range []struct {
		prev, l string
		want    bool
	}{
		{icd, icd2, true},
		{icd2, trace, true},
		{nd8, nd9, true},
		{trace, gpu7, false},
		{icd, nd9, false},
		{trace, other, false},
		{"[   84.702011] NVRM: GPU6 RmInitAdapter failed!", trace, false},
	} {
		if got := nvrmICD(line(c.l), c.prev); got != c.want {
			t.Errorf("nvrmICD(%q after %q) = %v, want %v", c.l, c.prev, got, c.want)
		}
	}
}
