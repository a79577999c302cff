// Package date is the processor that turns a timestamp written in a log line into @timestamp,
// so Kibana shows events when they happened rather than when sluice read them. It accepts
// Java/Joda patterns as in Logstash (translated to Go layouts once, at load), ISO 8601, UNIX
// epochs, and Go layouts; timestamps without a zone are read in the configured zone, and
// timestamps without a year (syslog, vLLM's "11-27 12:00:01") get the year of the time the event
// was received, the previous one when that would put them in the future (a December line read
// just after New Year).
package date

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sluice-dev/sluice/pipeline"
	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/processors/internal/proc"
)

// Factory creates date processors.
var Factory = proc.NewFactory("date", NewConfig, build)

// format is one compiled entry of formats.
type format struct {
	layouts []string
	hasYear bool
	epoch   time.Duration // unit of a UNIX format, 0 for layouts
}

var iso8601 = []string{
	"2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05Z0700", "2006-01-02 15:04:05",
	"2006-01-02T15:04Z07:00", "2006-01-02T15:04", "2006-01-02",
}

func compileFormat(f string) (format, error) {
	switch f {
	case "ISO8601":
		return format{layouts: iso8601, hasYear: true}, nil
	case "RFC3339":
		return format{layouts: []string{time.RFC3339Nano}, hasYear: true}, nil
	case "UNIX":
		return format{epoch: time.Second}, nil
	case "UNIX_MS":
		return format{epoch: time.Millisecond}, nil
	case "UNIX_US":
		return format{epoch: time.Microsecond}, nil
	case "UNIX_NS":
		return format{epoch: time.Nanosecond}, nil
	}
	if layout, ok := strings.CutPrefix(f, "go:"); ok {
		if layout == "" {
			return format{}, errors.New("empty Go layout")
		}
		return format{layouts: []string{layout}, hasYear: strings.Contains(layout, "06")}, nil
	}
	layout, hasYear, err := joda(f)
	if err != nil {
		return format{}, err
	}
	return format{layouts: []string{layout}, hasYear: hasYear}, nil
}

// Parser parses timestamps with a list of formats. It is immutable and safe for concurrent use.
type Parser struct {
	formats []format
	loc     *time.Location
}

// NewParser compiles formats for timestamps in zone loc.
func NewParser(formats []string, loc *time.Location) (*Parser, error) {
	p := &Parser{loc: loc}
	for _, f := range formats {
		cf, err := compileFormat(f)
		if err != nil {
			return nil, err
		}
		p.formats = append(p.formats, cf)
	}
	return p, nil
}

var errNoFormat = errors.New("no format matched")

// Parse reads v with the first format that fits; ref supplies the year of year-less timestamps.
func (p *Parser) Parse(v event.Value, ref time.Time) (time.Time, error) {
	s := strings.TrimSpace(v.String())
	for _, f := range p.formats {
		if f.epoch != 0 {
			if t, ok := epoch(v, s, f.epoch); ok {
				return t, nil
			}
			continue
		}
		for _, l := range f.layouts {
			t, err := time.ParseInLocation(l, s, p.loc)
			if err != nil {
				continue
			}
			if !f.hasYear {
				t = withYear(t, ref.In(p.loc))
			}
			return t, nil
		}
	}
	return time.Time{}, errNoFormat
}

func epoch(v event.Value, s string, unit time.Duration) (time.Time, bool) {
	var f float64
	switch v.Kind() {
	case event.KindInt:
		return time.Unix(0, v.Int()*int64(unit)), true
	case event.KindFloat:
		f = v.Float()
	default:
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(0, i*int64(unit)), true
		}
		var err error
		if f, err = strconv.ParseFloat(s, 64); err != nil {
			return time.Time{}, false
		}
	}
	if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f*float64(unit)) > math.MaxInt64 {
		return time.Time{}, false
	}
	return time.Unix(0, int64(f*float64(unit))), true
}

// withYear gives a year-less t the reference year, or the year before when that would put it
// more than two days ahead of ref (December lines read in January), or the year after when it
// would be eleven months behind (January lines read on 31 December by a clock running late).
func withYear(t, ref time.Time) time.Time {
	y := ref.Year()
	out := time.Date(y, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	switch {
	case out.After(ref.Add(48 * time.Hour)):
		out = out.AddDate(-1, 0, 0)
	case out.Before(ref.AddDate(0, -11, 0)):
		out = out.AddDate(1, 0, 0)
	}
	return out
}

func build(_ pipeline.Settings, c *Config) (proc.EventFunc, error) {
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return nil, err
	}
	p, err := NewParser(c.Formats, loc)
	if err != nil {
		return nil, err
	}
	field, target, remove := c.Field, c.Target, c.RemoveField && c.Field != c.Target
	return func(ev *event.Event) (proc.Result, error) {
		v, ok := ev.Get(field)
		if !ok {
			return proc.Keep, errors.New("field " + field + " not found")
		}
		ref := ev.Meta.Received
		if ref.IsZero() {
			ref = time.Now()
		}
		t, err := p.Parse(v, ref)
		if err != nil {
			return proc.Keep, errors.New(field + " " + strconv.Quote(v.String()) + ": " + err.Error())
		}
		ev.Set(target, event.Time(t))
		if remove {
			ev.Delete(field)
		}
		return proc.Keep, nil
	}, nil
}
