package kafka

import (
	"encoding/json"
	"os"
	"testing"
	"unicode/utf8"
)

// FuzzDecode: any record value becomes an event without panicking; a value that is not a
// Filebeat event is the message byte for byte; the event always encodes as valid JSON.
func FuzzDecode(f *testing.F) {
	filebeat, err := os.ReadFile("testdata/filebeat-7.17.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(filebeat, []byte("k"))
	f.Add([]byte(`{"@metadata":{"beat":"filebeat"},"@timestamp":7,"tags":[1,null,"x"],"a":{"b":{"c":[{}]}}}`), []byte(nil))
	f.Add([]byte("INFO 11-27 10:00:00 engine started"), []byte{0xff})
	f.Add([]byte("\xff\xfe{"), []byte(nil))
	f.Add([]byte("{\"@metadata\":{\"beat\":\"filebeat\"},\"a\":[\"\xff\"]}"), []byte(nil))
	f.Fuzz(func(t *testing.T, value, key []byte) {
		d := decoder{input: "kafka", filebeat: true, headers: true}
		r := testRecord("")
		r.value, r.key = value, key
		r.headers = []header{{string(key), value}}
		ev := d.decode(r)
		if d2 := (decoder{input: "kafka"}); d2.decode(r).Message() != string(value) {
			t.Fatal("message differs from the value")
		}
		if _, ok := ev.Get(FieldOffset); !ok {
			t.Fatal("no kafka.offset")
		}
		if out := ev.AppendJSON(nil); !json.Valid(out) || !utf8.Valid(out) {
			t.Fatalf("invalid JSON or UTF-8: %q", out)
		}
	})
}
