package beats

import (
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// refDecode is the decoder written the obvious way with gjson: validate, then walk with
// ForEach. The one-pass decoder must agree with it on every input.
func refDecode(s string, keepOriginal bool, received time.Time) (*event.Event, bool) {
	if !gjson.Valid(s) || !gjson.Parse(s).IsObject() {
		ev := event.NewMessage(s, received)
		ev.AddTag(TagDecodeFailure)
		return ev, false
	}
	ev := event.New()
	var walk func(prefix string, depth int, r gjson.Result)
	walk = func(prefix string, depth int, r gjson.Result) {
		r.ForEach(func(k, v gjson.Result) bool {
			key := prefix + k.Str
			if prefix == "" {
				switch k.Str {
				case fieldMetadata:
					return true
				case event.FieldTags:
					if v.IsArray() {
						v.ForEach(func(_, t gjson.Result) bool { refTag(ev, t); return true })
					} else {
						refTag(ev, v)
					}
					return true
				case event.FieldTimestamp:
					if t, err := time.Parse(time.RFC3339Nano, v.Str); v.Type == gjson.String && err == nil {
						ev.SetTimestamp(t)
					} else {
						ev.SetTimestamp(received)
						ev.SetString(FieldInvalidTimestamp, map[bool]string{true: v.Str, false: v.Raw}[v.Type == gjson.String])
						ev.AddTag(TagTimestampFailure)
					}
					return true
				}
			}
			switch v.Type {
			case gjson.JSON:
				if v.IsArray() || depth+2 > event.MaxDepth {
					if utf8.ValidString(v.Raw) && event.FitsDepth(depth+1, event.Nesting(v.Raw, 1<<30), event.MaxDepth) {
						ev.Set(key, event.Raw(v.Raw))
					} else {
						ev.Set(key, event.String(v.Raw))
					}
					return true
				}
				walk(key+".", depth+1, v)
			case gjson.String:
				if key != event.FieldOriginal || keepOriginal {
					ev.Set(key, event.String(v.Str))
				}
			case gjson.Number:
				if strings.ContainsAny(v.Raw, ".eE") {
					ev.Set(key, event.Float(v.Num))
				} else if i, err := strconv.ParseInt(v.Raw, 10, 64); err == nil {
					ev.Set(key, event.Int(i))
				} else {
					f, _ := strconv.ParseFloat(v.Raw, 64)
					ev.Set(key, event.Float(f))
				}
			case gjson.True, gjson.False:
				ev.Set(key, event.Bool(v.Bool()))
			}
			return true
		})
	}
	walk("", 0, gjson.Parse(s))
	return ev, true
}

func refTag(ev *event.Event, t gjson.Result) {
	switch t.Type {
	case gjson.String:
		ev.AddTag(t.Str)
	case gjson.Null:
	default:
		ev.AddTag(t.Raw)
	}
}

// sameDecoding compares the two decoders on one document, decoded after another document and
// then once more, so that what the decoder caches from one document to the next is exercised.
func sameDecoding(t *testing.T, doc string) {
	t.Helper()
	d := newDecoder("beats", false)
	d.decode([]byte(`{"message":"m","a":{"b":1,"c":"x"},"log":{"offset":1}}`), "peer", time.Now())
	for range 2 {
		sameDecodingWith(t, d, doc)
	}
}

func sameDecodingWith(t *testing.T, d *decoder, doc string) {
	t.Helper()
	at := time.Unix(1700000000, 0).UTC()
	got, gotOK := d.decode([]byte(doc), "peer", at)
	want, wantOK := refDecode(doc, false, at)
	if gotOK != wantOK {
		// gjson accepts a few documents that are not JSON (and the reverse); say which.
		t.Fatalf("valid = %v, gjson says %v, for %q", gotOK, wantOK, doc)
	}
	if g, w := string(got.AppendJSON(nil)), string(want.AppendJSON(nil)); g != w {
		t.Fatalf("decoded\n%s\nwant (gjson)\n%s\nfrom %q", g, w, doc)
	}
}

func TestDecodeAgreesWithGjson(t *testing.T) {
	t.Parallel()
	docs := []string{
		string(readTestdata(t, "filebeat_vllm.json")),
		`{"a":{"b":{"c":1}},"a.b":2,"x":[1,{"y":[]}],"t":true,"f":false,"n":null}`,
		` { "sp" : "a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00\ud800x" , "e" : -0.5e+3 , "i" : -9223372036854775808 } `,
		`{"big":123456789012345678901234567890,"neg":-0,"tags":["a",1,null,{"b":2}],"@timestamp":12}`,
		`{"@metadata":[1],"tags":"one","@timestamp":null,"event":{"original":"o"}}`,
		`{"deep":` + strings.Repeat(`{"d":`, 40) + `1` + strings.Repeat(`}`, 40) + `}`,
		// an @timestamp that is an object or an array: no time, kept as text and tagged
		`{"@timestamp":{}} `, `{"@timestamp":{"a":1},"message":"m"}`, `{"@timestamp":[1,2]}`,
		`{}`, `[]`, `"s"`, `{"a":1,}`, `{"a":01}`, `{"a":1.}`, `{"a":"\x01"}`, `{"a":"\u12"}`, `{"a":tru}`,
		`{"a":1}x`, `{"a" 1}`, `{'a':1}`, `{"a":[1,]}`, `{"a":-}`, `{"a":1e}`, `{"a":"\q"}`,
		"{\"a\":\"\xff\xfe\",\"b\":[\"\xff\"]}",
	}
	for _, d := range docs {
		sameDecoding(t, d)
	}
}

// FuzzDecodeAgreesWithGjson checks the one-pass decoder against the gjson one.
func FuzzDecodeAgreesWithGjson(f *testing.F) {
	f.Add(string(readTestdata(f, "filebeat_vllm.json")))
	f.Add(`{"a":{"b":[1,{"c":"\u00e9"}]},"tags":["x"],"n":-1.5e3}`)
	f.Add(`{"message":"m","a":{"c":"x","b":1},"log":{"offset":1}}`)
	f.Fuzz(func(t *testing.T, doc string) {
		if strings.Count(doc, "[")+strings.Count(doc, "{") > 200 {
			return // gjson.Valid recurses: keep the reference's stack small
		}
		sameDecoding(t, doc)
	})
}
