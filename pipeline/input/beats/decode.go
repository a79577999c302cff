package beats

import (
	"slices"
	"strconv"
	"time"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// Tags and fields the beats input sets itself.
const (
	// TagDecodeFailure marks an event whose frame was not a JSON object; message holds the
	// frame's bytes as they arrived.
	TagDecodeFailure = "_beats_decode_failure"
	// TagTimestampFailure marks an event whose @timestamp could not be parsed; @timestamp is
	// then the receipt time and the original text is in FieldInvalidTimestamp.
	TagTimestampFailure = "_beats_timestamp_failure"
	// FieldInvalidTimestamp keeps an @timestamp that was not RFC 3339.
	FieldInvalidTimestamp = "beats.invalid_timestamp"

	fieldLogPath   = "log.file.path"
	fieldLogOffset = "log.offset"
	fieldAgentID   = "agent.id"
	fieldMetadata  = "@metadata"
	maxInternKeys  = 4096
	maxFieldDepth  = 32
	maxFields      = 1 << 16 // indexes are uint16; a frame is at most max_frame_size anyway
)

// decoder turns Filebeat's JSON events into events without building a generic map: it walks
// the JSON once with gjson, and every string value is a slice of one copy of the frame. Nested
// objects become dotted names; arrays are kept as raw JSON. One decoder serves one connection.
type decoder struct {
	input        string
	keepOriginal bool

	keys     map[string]string // dotted names seen before, so they are not built again
	prefix   []byte
	depth    int
	fields   []kv     // the document's fields in the order they came
	order    []uint16 // indexes into fields, sorted by key: sorting these moves no pointers
	tagged   []string
	received time.Time
	path     string
	agent    string
	offset   int64
	visit    func(k, v gjson.Result) bool // d.field, bound once so that ForEach does not allocate
	visitTag func(k, v gjson.Result) bool
	cmp      func(a, b uint16) int

	lastAgent, lastPath, lastSource string
}

// kv is one decoded field before it goes into the event.
type kv struct {
	key string
	val event.Value
}

// compareIdx orders field indexes by key, then by arrival so that a repeated key keeps its last
// value, as a JSON decoder would.
func (d *decoder) compareIdx(a, b uint16) int {
	if c := event.CompareKeys(d.fields[a].key, d.fields[b].key); c != 0 {
		return c
	}
	return int(a) - int(b)
}

func newDecoder(input string, keepOriginal bool) *decoder {
	d := &decoder{input: input, keepOriginal: keepOriginal, keys: make(map[string]string, 64)}
	d.visit, d.visitTag, d.cmp = d.field, d.tag, d.compareIdx
	return d
}

// decode makes one event from a JSON frame. A frame that is not a JSON object is not dropped:
// it becomes an event whose message is the frame's text, tagged TagDecodeFailure (ok false).
// conn names the connection, the event's source when Filebeat sent no log.file.path.
func (d *decoder) decode(payload []byte, conn string, received time.Time) (ev *event.Event, ok bool) {
	s := string(payload)
	if !gjson.Valid(s) {
		return d.failed(s, conn, received), false
	}
	doc := gjson.Parse(s)
	if !doc.IsObject() {
		return d.failed(s, conn, received), false
	}
	d.path, d.agent, d.offset, d.received = "", "", -1, received
	d.prefix, d.depth, d.fields, d.tagged = d.prefix[:0], 0, d.fields[:0], d.tagged[:0]
	doc.ForEach(d.visit)
	// Sorted first, every Set appends at the end: no shifting of the field list.
	d.order = d.order[:0]
	for i := range d.fields {
		d.order = append(d.order, uint16(i))
	}
	slices.SortFunc(d.order, d.cmp)
	ev = event.NewSized(len(d.fields))
	ev.Meta.Received = received
	ev.Meta.Input = d.input
	for _, i := range d.order {
		ev.Set(d.fields[i].key, d.fields[i].val)
	}
	for _, t := range d.tagged {
		ev.AddTag(t)
	}
	clear(d.fields) // do not keep the document's strings alive
	clear(d.tagged)
	ev.Meta.Offset = d.offset
	ev.Meta.Source = d.source(conn)
	return ev, true
}

func (d *decoder) failed(s, conn string, received time.Time) *event.Event {
	ev := event.NewMessage(s, received)
	ev.Meta.Input = d.input
	ev.Meta.Source = conn
	ev.AddTag(TagDecodeFailure)
	return ev
}

// source is the stream an event belongs to, for document ids and ordering: the file path,
// prefixed with the Filebeat agent id so that the same path on two nodes never collides.
func (d *decoder) source(conn string) string {
	if d.path == "" {
		return conn
	}
	if d.agent == "" {
		return d.path
	}
	if d.agent != d.lastAgent || d.path != d.lastPath {
		d.lastAgent, d.lastPath = d.agent, d.path
		d.lastSource = d.agent + ":" + d.path
	}
	return d.lastSource
}

// field is the gjson iterator: it sets one field, or descends into an object.
func (d *decoder) field(k, v gjson.Result) bool {
	mark := len(d.prefix)
	d.prefix = append(d.prefix, k.Str...)
	defer func() { d.prefix = d.prefix[:mark] }()
	if mark == 0 {
		switch k.Str {
		case fieldMetadata:
			return true // routing hints for Logstash outputs, not part of the document
		case event.FieldTags:
			d.tags(v)
			return true
		case event.FieldTimestamp:
			d.timestamp(v)
			return true
		}
	}
	switch v.Type {
	case gjson.JSON:
		if v.IsArray() || d.depth >= maxFieldDepth {
			d.set(d.key(), event.Raw(v.Raw))
			return true
		}
		d.prefix = append(d.prefix, '.')
		d.depth++
		v.ForEach(d.visit)
		d.depth--
	case gjson.String:
		key := d.key()
		switch key {
		case event.FieldOriginal:
			if !d.keepOriginal {
				return true
			}
		case fieldLogPath:
			d.path = v.Str
		case fieldAgentID:
			d.agent = v.Str
		}
		d.set(key, event.String(v.Str))
	case gjson.Number:
		key := d.key()
		val := number(v)
		if key == fieldLogOffset && val.Kind() == event.KindInt {
			d.offset = val.Int()
		}
		d.set(key, val)
	case gjson.True:
		d.set(d.key(), event.Bool(true))
	case gjson.False:
		d.set(d.key(), event.Bool(false))
	}
	return true
}

// key returns the dotted name in d.prefix as a string, reusing one built before.
func (d *decoder) key() string {
	if k, ok := d.keys[string(d.prefix)]; ok {
		return k
	}
	k := string(d.prefix)
	if len(d.keys) < maxInternKeys {
		d.keys[k] = k
	}
	return k
}

func number(v gjson.Result) event.Value {
	for i := 0; i < len(v.Raw); i++ {
		if c := v.Raw[i]; c == '.' || c == 'e' || c == 'E' {
			return event.Float(v.Num)
		}
	}
	if i, err := strconv.ParseInt(v.Raw, 10, 64); err == nil {
		return event.Int(i)
	}
	return event.Float(v.Num)
}

func (d *decoder) tags(v gjson.Result) {
	if v.IsArray() {
		v.ForEach(d.visitTag)
		return
	}
	d.tag(gjson.Result{}, v)
}

// tag keeps one element of Filebeat's tags list as an event tag.
func (d *decoder) tag(_, t gjson.Result) bool {
	switch t.Type {
	case gjson.String:
		d.tagged = append(d.tagged, t.Str)
	case gjson.Null:
	default:
		d.tagged = append(d.tagged, t.Raw)
	}
	return true
}

func (d *decoder) set(key string, v event.Value) {
	if len(d.fields) < maxFields {
		d.fields = append(d.fields, kv{key, v})
	}
}

func (d *decoder) timestamp(v gjson.Result) {
	if v.Type == gjson.String {
		if t, err := time.Parse(time.RFC3339Nano, v.Str); err == nil {
			d.set(event.FieldTimestamp, event.Time(t))
			return
		}
	}
	d.set(event.FieldTimestamp, event.Time(d.received))
	d.set(FieldInvalidTimestamp, event.String(v.String()))
	d.tagged = append(d.tagged, TagTimestampFailure)
}
