package beats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/sluice-dev/sluice/pipeline/event"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeFilebeatEvent(t *testing.T) {
	t.Parallel()
	raw := readTestdata(t, "filebeat_vllm.json")
	received := time.Date(2026, 11, 27, 18, 0, 0, 0, time.UTC)
	ev, ok := newDecoder("beats/gpu", true).decode(raw, "10.0.0.1:5000", received)
	if !ok {
		t.Fatal("decode failed")
	}
	want := map[string]event.Value{
		"@timestamp":              event.Time(time.Date(2026, 11, 27, 17, 58, 1, 123456000, time.UTC)),
		"message":                 event.String("INFO 11-27 17:58:01 metrics.py:351] Avg prompt throughput: 1523.4 tokens/s, Avg generation throughput: 412.7 tokens/s, Running: 12 reqs, Swapped: 0 reqs, Pending: 3 reqs, GPU KV cache usage: 87.3%, CPU KV cache usage: 0.0%."),
		"log.offset":              event.Int(184467),
		"stream":                  event.String("stdout"),
		"host.name":               event.String("gpu-node-17"),
		"kubernetes.pod.name":     event.String("vllm-llama3-8b-5d9c8f7b6-x2k4q"),
		"kubernetes.labels.model": event.String("llama3-8b"),
		"kubernetes.node.labels.nvidia_com/gpu_product": event.String("NVIDIA-H100-80GB-HBM3"),
		"container.image.name":                          event.String("vllm/vllm-openai:v0.6.3"),
		"fields.cluster":                                event.String("gpu-prod-1"),
		"agent.version":                                 event.String("7.17.28"),
		"input.type":                                    event.String("container"),
		"ecs.version":                                   event.String("1.12.0"),
		"cloud.instance.id":                             event.String("i-0abc123def4567890"),
		"event.original":                                event.String("2026-11-27T17:58:01.123456789Z stdout F INFO 11-27 17:58:01 metrics.py:351] Avg prompt throughput"),
		"gpu_ids":                                       event.Raw("[0,1,2,3]"),
		"ratio":                                         event.Float(0.75),
		"big":                                           event.Float(18446744073709551615),
		"ok":                                            event.Bool(true),
	}
	for k, v := range want {
		got, ok := ev.Get(k)
		if !ok || !got.Equal(v) {
			t.Errorf("%s = %v (%v), want %v", k, got.Any(), ok, v.Any())
		}
	}
	for _, absent := range []string{"@metadata.beat", "@metadata", "none", "empty", "tags"} {
		if ev.Has(absent) {
			t.Errorf("%s should not be a field", absent)
		}
	}
	if got := ev.Tags(); len(got) != 2 || got[0] != "gpu" || got[1] != "vllm" {
		t.Errorf("tags = %v", got)
	}
	wantSource := "0b9e8d7c-6b5a-4f3e-2d1c-0b9a8f7e6d5c:/var/log/containers/vllm-llama3-8b-5d9c8f7b6-x2k4q_inference_vllm-3f2a9c1e0b7d4e5f8a6b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f.log"
	if ev.Meta.Source != wantSource || ev.Meta.Offset != 184467 || ev.Meta.Input != "beats/gpu" || !ev.Meta.Received.Equal(received) {
		t.Errorf("meta = %+v", ev.Meta)
	}
}

func TestDecodeCases(t *testing.T) {
	t.Parallel()
	received := time.Date(2026, 11, 27, 18, 0, 0, 0, time.UTC)
	tests := []struct {
		name, in     string
		keepOriginal bool
		ok           bool
		fields       map[string]string // field -> value as text; "" means absent
		tags         []string
		source       string
		offset       int64
	}{
		{name: "not json", in: `{"message":"cut`, ok: false, keepOriginal: true,
			fields: map[string]string{"message": `{"message":"cut`}, tags: []string{TagDecodeFailure}, source: "peer", offset: -1},
		{name: "json string, not an object", in: `"hello"`, ok: false, keepOriginal: true,
			fields: map[string]string{"message": `"hello"`}, tags: []string{TagDecodeFailure}, source: "peer", offset: -1},
		{name: "empty frame", in: ``, ok: false, tags: []string{TagDecodeFailure}, source: "peer", offset: -1},
		{name: "original dropped", in: `{"message":"m","event":{"original":"o","kind":"event"}}`, ok: true,
			fields: map[string]string{"event.original": "", "event.kind": "event", "message": "m"}, source: "peer", offset: -1},
		{name: "bad timestamp kept aside", in: `{"@timestamp":"yesterday","message":"m"}`, ok: true, keepOriginal: true,
			fields: map[string]string{"@timestamp": "2026-11-27T18:00:00Z", FieldInvalidTimestamp: "yesterday"},
			tags:   []string{TagTimestampFailure}, source: "peer", offset: -1},
		{name: "path without agent id", in: `{"log":{"file":{"path":"/var/log/syslog"},"offset":12}}`, ok: true,
			fields: map[string]string{"log.file.path": "/var/log/syslog", "log.offset": "12"}, source: "/var/log/syslog", offset: 12},
		{name: "escaped keys and values", in: `{"a\u002eb":{"c":"x\ny"},"tags":"single"}`, ok: true,
			fields: map[string]string{"a.b.c": "x\ny"}, tags: []string{"single"}, source: "peer", offset: -1},
		{name: "fractional offset ignored", in: `{"log":{"offset":1.5}}`, ok: true,
			fields: map[string]string{"log.offset": "1.5"}, source: "peer", offset: -1},
		{name: "deep nesting kept raw", in: `{"a":` + strings.Repeat(`{"a":`, 40) + `1` + strings.Repeat(`}`, 41), ok: true,
			source: "peer", offset: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, ok := newDecoder("beats", tt.keepOriginal).decode([]byte(tt.in), "peer", received)
			if ok != tt.ok {
				t.Fatalf("ok = %v", ok)
			}
			for k, want := range tt.fields {
				got, has := ev.GetString(k)
				if want == "" && has || want != "" && got != want {
					t.Errorf("%s = %q (present %v), want %q", k, got, has, want)
				}
			}
			if strings.Join(ev.Tags(), ",") != strings.Join(tt.tags, ",") {
				t.Errorf("tags = %v, want %v", ev.Tags(), tt.tags)
			}
			if ev.Meta.Source != tt.source || ev.Meta.Offset != tt.offset {
				t.Errorf("source, offset = %q, %d", ev.Meta.Source, ev.Meta.Offset)
			}
			if ev.Message() == "" && tt.in != "" && !tt.ok {
				t.Error("raw frame lost")
			}
		})
	}
}

// The JSON written for an event must itself be valid JSON for any decoded input.
func TestDecodeDeepNestingStaysValid(t *testing.T) {
	t.Parallel()
	in := `{"a":` + strings.Repeat(`{"a":`, 40) + `1` + strings.Repeat(`}`, 41)
	ev, _ := newDecoder("beats", true).decode([]byte(in), "peer", time.Now())
	if ev.Len() != 1 {
		t.Fatalf("fields = %d, want 1 (rest raw)", ev.Len())
	}
	out := ev.AppendJSON(nil)
	if !jsonValid(out) {
		t.Fatalf("invalid JSON: %s", out)
	}
}

// A frame nested 100,000 levels is decoded, not refused: its fields stop at event.MaxDepth
// levels and the deeper part is kept as a string of its text, scanned without recursion. The
// old decoder flattened 32 levels into dotted names and refused the frame past 512 levels.
func TestDecodeDeepFrame(t *testing.T) {
	t.Parallel()
	const n = 100_000
	deepObj := strings.Repeat(`{"b":`, n) + "1" + strings.Repeat("}", n)
	deepArr := strings.Repeat("[", n) + strings.Repeat("]", n)
	frame := `{"message":"m","a":` + deepObj + `,"arr":` + deepArr + `,"ok":[[1]],"@metadata":` + deepArr + `}`
	ev, ok := newDecoder("beats", false).decode([]byte(frame), "peer", time.Unix(0, 0))
	if !ok {
		t.Fatalf("deep frame refused: tags %v", ev.Tags())
	}
	doc := string(ev.AppendJSON(nil))
	if got := event.Nesting(doc, 1000); got > event.MaxDepth {
		t.Errorf("document nests %d levels, want at most %d", got, event.MaxDepth)
	}
	if v, _ := ev.Get("arr"); v.Kind() != event.KindString || v.Str() != deepArr {
		t.Errorf("deep array kept as %v, want its text as a string", v.Kind())
	}
	if v, _ := ev.Get("ok"); v.Kind() != event.KindRaw {
		t.Errorf("shallow array kept as %v, want raw JSON", v.Kind())
	}
	prefix := "a" + strings.Repeat(".b", event.MaxDepth-1)
	if v, _ := ev.Get(prefix); v.Kind() != event.KindString {
		t.Errorf("%s is %v, want the rest of the object as a string", prefix, v.Kind())
	}
	if bad, ok := newDecoder("beats", false).decode([]byte(frame[:len(frame)-1]), "peer", time.Unix(0, 0)); ok || bad.Message() != frame[:len(frame)-1] {
		t.Error("a cut deep frame was not kept whole as a decode failure")
	}
}

// TestDecodeKeptSubtrees decodes a run of Filebeat events through one decoder, as one connection
// does: objects repeated byte for byte are taken from what the decoder kept, changed ones are
// read again, and each event is what a fresh decoder makes of its frame.
func TestDecodeKeptSubtrees(t *testing.T) {
	t.Parallel()
	doc := `{"log":{"offset":%d,"file":{"path":"/var/log/containers/%s.log"}},"message":"line %d",` +
		`"agent":{"id":"%s","type":"filebeat"},"kubernetes":{"pod":{"name":"%s"},"namespace":"inference"}}`
	warm := newDecoder("beats", true)
	pods := []string{"vllm-0", "vllm-1"}
	paths := map[string]string{}
	for i := range 40 {
		pod, agent := pods[i/3%2], "agent-a"
		if i >= 30 {
			agent = "agent-b"
		}
		frame := []byte(fmt.Sprintf(doc, i*100, pod, i, agent, pod))
		want, _ := newDecoder("beats", true).decode(bytes.Clone(frame), "peer", time.Unix(0, 0))
		got, ok := warm.decode(frame, "peer", time.Unix(0, 0))
		for i := range frame {
			frame[i] = 'x' // the reader reuses its buffer: nothing the event holds may be in it
		}
		if !ok || string(got.AppendJSON(nil)) != string(want.AppendJSON(nil)) {
			t.Fatalf("event %d:\n got %s\nwant %s", i, got.AppendJSON(nil), want.AppendJSON(nil))
		}
		if got.Meta.Offset != int64(i*100) || got.Meta.Source != agent+":/var/log/containers/"+pod+".log" {
			t.Fatalf("event %d: offset %d source %q", i, got.Meta.Offset, got.Meta.Source)
		}
		if p, _ := got.GetString("kubernetes.pod.name"); p != pod {
			t.Fatalf("event %d: pod %q, want %q", i, p, pod)
		}
		// Every line of a file holds one copy of its path.
		path, _ := got.GetString(event.FieldLogFilePath)
		if first, ok := paths[pod]; ok && unsafe.StringData(first) != unsafe.StringData(path) {
			t.Fatalf("event %d: log.file.path copied again", i)
		}
		paths[pod] = path
	}
	// Two pods' objects, each seen more than once: both kept, and shared.
	nm := warm.subtree("kubernetes")
	shared := 0
	for _, st := range nm.ways {
		if st.shared != nil && st.shared.Len() == 2 {
			shared++
		}
	}
	if shared != 2 {
		t.Fatalf("kubernetes objects not kept: %+v", nm)
	}
}

// TestDecodeGivenTwiceAfterCleanDocuments: a warm decoder that shares the kubernetes object and
// remembers the names of a clean document still reads a document that gives a name under that
// object twice (a dotted name beside it, the object twice) into own fields, as a fresh one does.
func TestDecodeGivenTwiceAfterCleanDocuments(t *testing.T) {
	t.Parallel()
	clean := `{"message":"m","kubernetes":{"pod":{"name":"p"},"namespace":"ns"}}`
	docs := []string{
		clean, clean, clean,
		`{"message":"m","kubernetes":{"pod":{"name":"p"},"namespace":"ns"},"kubernetes.pod.name":"q"}`,
		clean,
		`{"kubernetes.pod.name":"q","kubernetes":{"pod":{"name":"p"},"namespace":"ns"}}`, // as many names as clean
		clean,
		`{"message":"m","kubernetes":{"pod":{"name":"p"},"namespace":"ns"},"kubernetes":{"namespace":"other"}}`,
		`{"kubernetes":{"pod":{"name":"p"},"namespace":"ns"},"message":"m"}`,
		clean,
	}
	warm := newDecoder("beats", true)
	shared := 0
	for i, doc := range docs {
		own := newDecoder("beats", true)
		own.noShare = true
		want, _ := own.decode([]byte(doc), "peer", time.Unix(0, 0))
		got, ok := warm.decode([]byte(doc), "peer", time.Unix(0, 0))
		if !ok || string(got.AppendJSON(nil)) != string(want.AppendJSON(nil)) || got.Len() != want.Len() {
			t.Fatalf("document %d %s:\n got %s (%d fields)\nwant %s (%d)", i, doc, got.AppendJSON(nil), got.Len(), want.AppendJSON(nil), want.Len())
		}
		if len(warm.hits) > 0 {
			shared++
		}
	}
	if shared == 0 {
		t.Fatal("the kubernetes object was never shared: the test reads nothing")
	}
}

// TestParseValueEveryPosition puts each byte that ends the plain run (a quote, a backslash, a
// control byte, a byte of a multi-byte character) at every offset of a value long enough for
// the eight-bytes-at-a-time scan: the value, its end and whether it is safe must be those of
// reading it byte by byte.
func TestParseValueEveryPosition(t *testing.T) {
	t.Parallel()
	specials := []string{`\"`, `\\`, `\n`, `\u00e9`, "\x1f", "\x7f", "é", "\xff", "~"}
	base := "abcdefghijklmnopqrstuvwxyz0123456789"
	for _, sp := range specials {
		for pos := 0; pos <= len(base); pos++ {
			doc := `"` + base[:pos] + sp + base[pos:] + `",`
			v, end, ok, safe := parseValue(doc, 0)
			wantEnd := len(doc) - 1
			wantSafe := sp == "\x7f" || sp == "~"
			if sp == "\x1f" {
				if ok {
					t.Fatalf("%q at %d: a control byte was taken", sp, pos)
				}
				continue
			}
			var want string
			if err := json.Unmarshal([]byte(doc[:wantEnd]), &want); err != nil {
				t.Fatalf("%q at %d: reference: %v", sp, pos, err)
			}
			if sp == "\xff" {
				want = base[:pos] + sp + base[pos:] // kept as it came; encoding/json replaces it
			}
			if !ok || v != want || end != wantEnd || safe != wantSafe {
				t.Fatalf("%q at %d: got %q end %d ok %v safe %v; want %q end %d safe %v",
					sp, pos, v, end, ok, safe, want, wantEnd, wantSafe)
			}
		}
	}
}
