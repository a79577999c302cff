package date

import (
	"testing"
	"time"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proctest"
)

func TestJoda(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"yyyy-MM-dd HH:mm:ss,SSS":         "2006-01-02 15:04:05,000",
		"MMM dd HH:mm:ss":                 "Jan 02 15:04:05",
		"MMM  d HH:mm:ss":                 "Jan  2 15:04:05",
		"dd/MMM/yyyy:HH:mm:ss Z":          "02/Jan/2006:15:04:05 -0700",
		"yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX": "2006-01-02T15:04:05.000000Z07:00",
		"EEE MMM d h:mm:ss a yy":          "Mon Jan 2 3:04:05 PM 06",
		"''yy''":                          "'06'",
	}
	for in, want := range cases {
		got, _, err := joda(in)
		if err != nil || got != want {
			t.Errorf("joda(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"yyyy-MM-dd Q", "'open"} {
		if _, _, err := joda(bad); err == nil {
			t.Errorf("joda(%q): expected an error", bad)
		}
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	ref := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	newYear := time.Date(2027, 1, 1, 0, 5, 0, 0, time.UTC)
	cases := []struct {
		formats []string
		loc     *time.Location
		in      event.Value
		ref     time.Time
		want    time.Time
	}{
		{[]string{"ISO8601"}, time.UTC, event.String("2026-11-27T12:00:01.123456Z"), ref, time.Date(2026, 11, 27, 12, 0, 1, 123456000, time.UTC)},
		{[]string{"ISO8601"}, berlin, event.String("2026-11-27 12:00:01"), ref, time.Date(2026, 11, 27, 11, 0, 1, 0, time.UTC)},
		{[]string{"ISO8601"}, time.UTC, event.String("2026-11-27T12:00:01+02:00"), ref, time.Date(2026, 11, 27, 10, 0, 1, 0, time.UTC)},
		{[]string{"yyyy-MM-dd HH:mm:ss,SSS"}, time.UTC, event.String("2026-11-27 12:00:01,250"), ref, time.Date(2026, 11, 27, 12, 0, 1, 250e6, time.UTC)},
		{[]string{"dd/MMM/yyyy:HH:mm:ss Z"}, time.UTC, event.String("27/Nov/2026:13:00:00 +0100"), ref, time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)},
		{[]string{"MM-dd HH:mm:ss"}, time.UTC, event.String("11-27 11:59:00"), ref, time.Date(2026, 11, 27, 11, 59, 0, 0, time.UTC)},
		{[]string{"MMM dd HH:mm:ss"}, time.UTC, event.String("Dec 31 23:59:58"), newYear, time.Date(2026, 12, 31, 23, 59, 58, 0, time.UTC)},
		{[]string{"MMM dd HH:mm:ss"}, time.UTC, event.String("Jan 01 00:00:01"), time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 1, 0, time.UTC)},
		{[]string{"MMM  d HH:mm:ss"}, time.UTC, event.String("Nov  7 08:00:00"), ref, time.Date(2026, 11, 7, 8, 0, 0, 0, time.UTC)},
		{[]string{"UNIX"}, time.UTC, event.String("1795780800.5"), ref, time.Unix(1795780800, 5e8)},
		{[]string{"UNIX_MS"}, time.UTC, event.Int(1795780800123), ref, time.Unix(1795780800, 123e6)},
		{[]string{"UNIX"}, time.UTC, event.Float(1795780800), ref, time.Unix(1795780800, 0)},
		{[]string{"go:02/01/2006 15:04"}, time.UTC, event.String("27/11/2026 12:30"), ref, time.Date(2026, 11, 27, 12, 30, 0, 0, time.UTC)},
		{[]string{"UNIX", "ISO8601"}, time.UTC, event.String("2026-11-27"), ref, time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)},
	}
	for _, tc := range cases {
		p, err := NewParser(tc.formats, tc.loc)
		if err != nil {
			t.Fatal(err)
		}
		got, err := p.Parse(tc.in, tc.ref)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("%v %q: got %v, %v; want %v", tc.formats, tc.in.String(), got.UTC(), err, tc.want.UTC())
		}
	}
}

func TestProcessor(t *testing.T) {
	t.Parallel()
	p := proctest.New(t, Factory, func(c *Config) {
		c.Field, c.Formats, c.RemoveField = "ts", []string{"MM-dd HH:mm:ss"}, true
	})
	good := proctest.Lines("INFO 11-27 11:00:00 x")[0]
	good.SetString("ts", "11-27 11:00:00")
	bad := proctest.Lines("garbage")[0]
	bad.SetString("ts", "yesterday")
	out := proctest.Run(t, p, good, bad)
	if ts := out[0].Timestamp(); !ts.Equal(time.Date(2026, 11, 27, 11, 0, 0, 0, time.UTC)) || out[0].Has("ts") {
		t.Errorf("good: @timestamp %v, ts kept %v", ts, out[0].Has("ts"))
	}
	if !out[1].HasTag("_date_failure") || proctest.Str(out[1], "ts") != "yesterday" || out[1].Has("@timestamp") {
		t.Errorf("bad: tags %v", out[1].Tags())
	}
	for _, f := range []func(*Config){
		func(c *Config) { c.Timezone = "Mars/Olympus" },
		func(c *Config) { c.Formats = []string{"yyyy-qq"} },
		func(c *Config) { c.Formats = nil },
	} {
		if _, err := proctest.Create(t, Factory, f); err == nil {
			t.Errorf("expected a config error")
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range proctest.Seeds(f) {
		f.Add(s)
	}
	f.Add("2026-11-27T12:00:01.5Z")
	f.Add("Dec 31 23:59:59")
	f.Add("1795780800.5")
	f.Add("1e300")
	p, _ := NewParser([]string{"ISO8601", "MMM dd HH:mm:ss", "UNIX"}, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = p.Parse(event.String(s), time.Now())
	})
}

func BenchmarkParse(b *testing.B) {
	p, _ := NewParser([]string{"yyyy-MM-dd HH:mm:ss,SSS"}, time.UTC)
	v := event.String("2026-11-27 12:00:01,250")
	ref := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Parse(v, ref); err != nil {
			b.Fatal(err)
		}
	}
}
