package kafka

import (
	"os"
	"strings"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/pipelinetest"
)

func testRecord(value string) *record {
	return &record{topic: "logs", source: "logs/3", partition: 3, offset: 42, value: []byte(value),
		time: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
}

func TestDecode(t *testing.T) {
	t.Parallel()
	filebeat, err := os.ReadFile("testdata/filebeat-7.17.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		dec     decoder
		rec     *record
		fields  map[string]any // expected values (string, int64, time.Time); nil: absent
		tags    []string
		message string
	}{
		{
			name: "plain line", dec: decoder{input: "kafka", filebeat: true},
			rec:     testRecord("INFO 11-27 10:00:00 engine started"),
			message: "INFO 11-27 10:00:00 engine started",
			fields: map[string]any{FieldTopic: "logs", FieldPartition: int64(3), FieldOffset: int64(42),
				FieldKey: nil, event.FieldTimestamp: nil},
		},
		{
			name: "key and headers", dec: decoder{input: "kafka", headers: true},
			rec: func() *record {
				r := testRecord("x")
				r.key = []byte("pod-7")
				r.headers = []header{{"trace", []byte("abc")}, {"bad", []byte{0xff}}}
				return r
			}(),
			message: "x",
			fields:  map[string]any{FieldKey: "pod-7", FieldHeaders: `{"bad":"\ufffd","trace":"abc"}`},
		},
		{
			name: "headers off", dec: decoder{input: "kafka"},
			rec: func() *record {
				r := testRecord("x")
				r.headers = []header{{"trace", []byte("abc")}}
				return r
			}(),
			message: "x", fields: map[string]any{FieldHeaders: nil},
		},
		{
			name: "filebeat event", dec: decoder{input: "kafka", filebeat: true},
			rec:     testRecord(string(filebeat)),
			message: "INFO 11-27 09:59:58 [engine.py:310] Added request cmpl-7f3a.",
			tags:    []string{"vllm", "gpu"},
			fields: map[string]any{
				event.FieldTimestamp:  time.Date(2026, 11, 27, 18, 30, 14, 751000000, time.UTC),
				"log.file.path":       "/var/log/vllm/vllm.log",
				"log.offset":          int64(0),
				"host.name":           "gpu-node-3",
				"agent.type":          "filebeat",
				"kubernetes.pod.name": "vllm-0",
				"@metadata.beat":      nil,
				FieldTopic:            "logs", FieldOffset: int64(42),
			},
		},
		{
			name: "filebeat decoding off", dec: decoder{input: "kafka"},
			rec: testRecord(string(filebeat)), message: string(filebeat),
			fields: map[string]any{"log.file.path": nil},
		},
		{
			name: "bad filebeat timestamp", dec: decoder{input: "kafka", filebeat: true},
			rec:     testRecord(`{"@timestamp":"yesterday","@metadata":{"beat":"filebeat"},"message":"m"}`),
			message: "m", tags: []string{TagTimestampFailure},
			fields: map[string]any{FieldInvalidTimestamp: "yesterday",
				event.FieldTimestamp: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)},
		},
		{
			name: "json that is not a beats event stays the message", dec: decoder{input: "kafka", filebeat: true},
			rec:     testRecord(`{"message":"m","kubernetes":{"pod_name":"p"}}`),
			message: `{"message":"m","kubernetes":{"pod_name":"p"}}`,
			fields:  map[string]any{"kubernetes.pod_name": nil},
		},
		{
			name: "broken beats json stays the message", dec: decoder{input: "kafka", filebeat: true},
			rec:     testRecord(`{"@metadata":{"beat":"filebeat"},"message":"m"`),
			message: `{"@metadata":{"beat":"filebeat"},"message":"m"`,
		},
		{
			name: "beats json with invalid utf-8 stays the message", dec: decoder{input: "kafka", filebeat: true},
			rec:     testRecord("{\"@metadata\":{\"beat\":\"filebeat\"},\"a\":[\"\xff\"]}"),
			message: "{\"@metadata\":{\"beat\":\"filebeat\"},\"a\":[\"\xff\"]}",
			fields:  map[string]any{"a": nil},
		},
		{
			name: "invalid utf-8 kept byte for byte", dec: decoder{input: "kafka", filebeat: true},
			rec: testRecord("GPU \xff\xfe Xid 79"), message: "GPU \xff\xfe Xid 79",
		},
		{
			name: "empty value", dec: decoder{input: "kafka", filebeat: true},
			rec: testRecord(""), message: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev := tt.dec.decode(tt.rec)
			if got, _ := ev.GetString(event.FieldMessage); got != tt.message {
				t.Errorf("message %q, want %q", got, tt.message)
			}
			if ev.Meta.Input != "kafka" || ev.Meta.Source != "logs/3" || ev.Meta.Offset != 42 ||
				!ev.Meta.Received.Equal(tt.rec.time) {
				t.Errorf("meta %+v", ev.Meta)
			}
			for k, want := range tt.fields {
				checkField(t, ev, k, want)
			}
			if strings.Join(ev.Tags(), ",") != strings.Join(tt.tags, ",") {
				t.Errorf("tags %v, want %v", ev.Tags(), tt.tags)
			}
		})
	}
}

func checkField(t *testing.T, ev *event.Event, k string, want any) {
	t.Helper()
	v, ok := ev.Get(k)
	switch w := want.(type) {
	case nil:
		if ok {
			t.Errorf("%s = %v, want absent", k, v)
		}
	case string:
		if !ok || (v.Kind() != event.KindString && v.Kind() != event.KindRaw) || v.Str() != w {
			t.Errorf("%s = %v, want %q", k, v, w)
		}
	case int64:
		if !ok || v.Kind() != event.KindInt || v.Int() != w {
			t.Errorf("%s = %v, want %d", k, v, w)
		}
	case time.Time:
		if !ok || v.Kind() != event.KindTime || !v.Time().Equal(w) {
			t.Errorf("%s = %v, want %v", k, v, w)
		}
	}
}

// Values a producer may send that are not log lines: kept as they are, never a crash.
func TestBadValuesAreKept(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	huge := strings.Repeat("A", 900<<10) // under the broker's default 1 MiB message.max.bytes
	bad := []kafkago.Message{
		{Value: []byte("\xff\xfe\x00binary")},
		{Value: []byte(huge)},
		{Value: nil},
		{Key: []byte{0xc3, 0x28}, Value: []byte(`{"@metadata":{"beat":"filebeat"},"message":`)},
		{Value: []byte(`{"@metadata":{"beat":"filebeat"},"@timestamp":1,"tags":"one","message":"ok"}`)},
	}
	f.produce(0, bad...)
	cfg := f.config()
	cfg.Headers = true
	in, r := f.start(cfg, pipelinetest.Settings(t, "kafka"))
	r.AutoResolve(event.Delivered)
	evs := waitEvents(t, r.Collector, len(bad))
	want := []string{"\xff\xfe\x00binary", huge, "", `{"@metadata":{"beat":"filebeat"},"message":`, "ok"}
	for i, ev := range evs {
		if ev.Message() != want[i] {
			t.Errorf("event %d: message of %d bytes, want %d", i, len(ev.Message()), len(want[i]))
		}
	}
	if k, _ := evs[3].GetString(FieldKey); k != "\xc3\x28" {
		t.Errorf("key %q", k)
	}
	if !evs[4].HasTag(TagTimestampFailure) || !evs[4].HasTag("one") {
		t.Errorf("tags %v", evs[4].Tags())
	}
	// The documents still encode as JSON.
	for i, ev := range evs {
		if out := ev.AppendJSON(nil); len(out) == 0 || out[0] != '{' {
			t.Errorf("event %d encodes as %q", i, out[:min(len(out), 40)])
		}
	}
	f.waitCommitted(int64(len(bad)))
	stop(t, in, r)
}

// A record without a timestamp (-1, decoded as 1969) is received now.
func TestDecodeWithoutRecordTime(t *testing.T) {
	t.Parallel()
	d := decoder{input: "kafka"}
	for _, ts := range []time.Time{{}, time.UnixMilli(-1)} {
		r := testRecord("x")
		r.time = ts
		before := time.Now()
		if got := d.decode(r).Meta.Received; got.Before(before) || time.Since(got) > time.Minute {
			t.Errorf("record time %v: received %v, want now", ts, got)
		}
	}
}

// A Filebeat event nested 100,000 levels comes out at most event.MaxDepth levels deep, the rest
// kept as a string, as the beats input does; it was written as raw JSON 100k levels deep.
func TestDecodeDeepFilebeatEvent(t *testing.T) {
	t.Parallel()
	const n = 100_000
	deepObj := strings.Repeat(`{"b":`, n) + "1" + strings.Repeat("}", n)
	deepArr := strings.Repeat("[", n) + strings.Repeat("]", n)
	value := `{"@metadata":{"beat":"filebeat"},"message":"m","a":` + deepObj + `,"arr":` + deepArr + `}`
	ev := (&decoder{input: "kafka", filebeat: true}).decode(testRecord(value))
	if ev.Message() != "m" {
		t.Fatalf("not decoded as a Filebeat event: message %.40q", ev.Message())
	}
	if got := event.Nesting(string(ev.AppendJSON(nil)), 1000); got > event.MaxDepth {
		t.Errorf("document nests %d levels, want at most %d", got, event.MaxDepth)
	}
	if v, _ := ev.Get("arr"); v.Kind() != event.KindString || v.Str() != deepArr {
		t.Errorf("deep array kept as %v, want its text as a string", v.Kind())
	}
}
