package kafka

import (
	"encoding/json"
	"time"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/event/eventjson"
)

// Fields and tags the kafka input writes. The names follow Filebeat's kafka input, so that
// dashboards built on those keep working.
const (
	FieldTopic     = "kafka.topic"
	FieldPartition = "kafka.partition"
	FieldOffset    = "kafka.offset"
	FieldKey       = "kafka.key"
	FieldHeaders   = "kafka.headers"
	// FieldInvalidTimestamp keeps a Filebeat event's @timestamp that was not RFC 3339.
	FieldInvalidTimestamp = "kafka.invalid_timestamp"
	// TagTimestampFailure marks a Filebeat event whose @timestamp could not be parsed; its
	// @timestamp is then the record's time.
	TagTimestampFailure = "_kafka_timestamp_failure"

	fieldMetadata = "@metadata"
)

// minRecordTime is the earliest record timestamp taken as real.
var minRecordTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// record is what decode needs of a Kafka message; it keeps decode free of the client library.
type record struct {
	topic     string
	source    string // "topic/partition"
	partition int
	offset    int64
	key       []byte
	value     []byte
	headers   []header
	time      time.Time
}

type header struct {
	key   string
	value []byte
}

// decoder makes events from records. It is used by one goroutine.
type decoder struct {
	input    string
	filebeat bool
	headers  bool
}

// decode makes the event of one record. The value becomes message as it is, whatever its
// bytes (invalid UTF-8 included: outputs escape it, nothing is dropped). A value that is a
// Filebeat event in JSON (it has @metadata.beat) is decoded into its fields instead, as the
// beats input would: message is then Filebeat's message.
func (d *decoder) decode(r *record) *event.Event {
	received := r.time
	if received.Before(minRecordTime) { // no timestamp (-1) or a producer clock at zero
		received = time.Now()
	}
	value := string(r.value)
	ev := event.NewSized(8)
	if !d.filebeat || !d.beatsEvent(ev, value, received) {
		ev.SetMessage(value)
	}
	ev.Meta.Received = received
	ev.Meta.Input = d.input
	ev.Meta.Source = r.source
	ev.Meta.Offset = r.offset
	ev.Set(FieldTopic, event.String(r.topic))
	ev.Set(FieldPartition, event.Int(int64(r.partition)))
	ev.Set(FieldOffset, event.Int(r.offset))
	if len(r.key) > 0 {
		ev.Set(FieldKey, event.String(string(r.key)))
	}
	if d.headers && len(r.headers) > 0 {
		ev.Set(FieldHeaders, event.Raw(headersJSON(r.headers)))
	}
	return ev
}

// beatsEvent sets the fields of a Filebeat JSON event and reports whether value was one. It
// uses eventjson.FlattenResult (typed values, depth and field limits) rather than the beats
// input's decoder, which is tied to that input's connection state.
func (d *decoder) beatsEvent(ev *event.Event, value string, received time.Time) bool {
	// Filebeat writes valid UTF-8; a value that is not is kept whole as the message, whose
	// encoding escapes the bad bytes (raw JSON arrays would carry them into the document).
	if len(value) < 2 || value[0] != '{' || !utf8.ValidString(value) || !eventjson.Valid(value) {
		return false
	}
	doc := gjson.Parse(value)
	if !doc.IsObject() || doc.Get(`@metadata.beat`).Type != gjson.String {
		return false
	}
	n := 0
	doc.ForEach(func(k, v gjson.Result) bool {
		switch k.Str {
		case fieldMetadata: // output routing hints, not the document
		case event.FieldTimestamp:
			timestamp(ev, v, received)
		case event.FieldTags:
			tags(ev, v)
		default:
			eventjson.FlattenResult(ev, k.Str, v, &n)
		}
		return true
	})
	return true
}

func timestamp(ev *event.Event, v gjson.Result, received time.Time) {
	if v.Type == gjson.String {
		if t, err := event.ParseTime(v.Str); err == nil {
			ev.SetTimestamp(t)
			return
		}
	}
	ev.SetTimestamp(received)
	ev.Set(FieldInvalidTimestamp, event.String(v.String()))
	ev.AddTag(TagTimestampFailure)
}

func tags(ev *event.Event, v gjson.Result) {
	if !v.IsArray() {
		if v.Type != gjson.Null {
			ev.AddTag(v.String())
		}
		return
	}
	v.ForEach(func(_, t gjson.Result) bool {
		if t.Type != gjson.Null {
			ev.AddTag(t.String())
		}
		return true
	})
}

// headersJSON encodes headers as one JSON object; a repeated key keeps its last value and
// bytes that are not UTF-8 become U+FFFD.
func headersJSON(hs []header) string {
	m := make(map[string]string, len(hs))
	for _, h := range hs {
		m[h.key] = string(h.value)
	}
	b, err := json.Marshal(m)
	if err != nil { // a map of strings always encodes
		return "{}"
	}
	return string(b)
}
