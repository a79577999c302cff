package pipeline

import (
	"fmt"
	"strconv"
	"strings"
)

// ByteSize is a size in bytes that the file may write as a number or with a unit: "512MiB",
// "1GB", "64KiB". Decimal (KB, MB, GB) and binary (KiB, MiB, GiB) units are both accepted.
type ByteSize int64

var byteUnits = []struct {
	suffix string
	mult   int64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
	{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"b", 1},
}

// UnmarshalText parses a size with an optional unit.
func (s *ByteSize) UnmarshalText(text []byte) error {
	str := strings.ToLower(strings.TrimSpace(string(text)))
	mult := int64(1)
	for _, u := range byteUnits {
		if rest, ok := strings.CutSuffix(str, u.suffix); ok {
			str, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(str, 64)
	if err != nil || n < 0 {
		return fmt.Errorf("not a size: %q (want e.g. 512MiB)", text)
	}
	*s = ByteSize(n * float64(mult))
	return nil
}

func (s ByteSize) String() string {
	for _, u := range []struct {
		name string
		mult int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if s >= ByteSize(u.mult) && int64(s)%u.mult == 0 {
			return strconv.FormatInt(int64(s)/u.mult, 10) + u.name
		}
	}
	return strconv.FormatInt(int64(s), 10) + "B"
}
