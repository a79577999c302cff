package event

import "time"

// Core field names every event may carry. Parser- and component-specific names live beside
// their code and are listed in parsers/README.md; these are the ones the runtime itself uses.
const (
	FieldTimestamp = "@timestamp"
	FieldMessage   = "message"
	FieldTags      = "tags"
	FieldDataset   = "event.dataset"
	FieldOriginal  = "event.original"
	FieldLogLevel  = "log.level"
	FieldErrorMsg  = "error.message"
)

// TagParseFailure marks an event that no parser recognised; its message is kept unchanged.
const TagParseFailure = "_parse_failure"

type field struct {
	key string
	val Value
}

// Meta is what sluice knows about an event that is not part of the document: where it came from
// (for deterministic ids and acks) and where it should go. Outputs never write it.
type Meta struct {
	// Received is when sluice took the event in.
	Received time.Time
	// Input is the id of the input component that produced the event ("beats", "file/vllm").
	Input string
	// Source names the stream inside that input: a file path, "topic/partition", a peer address.
	Source string
	// Offset is the event's position in Source (byte offset, Kafka offset), or -1 if unknown.
	Offset int64
	// ID, when set, is the document id outputs use (a fingerprint); otherwise they derive one
	// from Source and Offset.
	ID string
	// Routes, when set, names the outputs this event goes to instead of all of the pipeline's.
	Routes []string
}

// Event is one log record: a set of dotted field names with typed values, a tag list and
// metadata. Field access goes through methods so that the representation can change; today it is
// a slice sorted by CompareKeys, which for the 10 to 50 fields of a log event is faster than a map
// and lets the encoder nest objects without sorting.
// An Event is not safe for concurrent mutation; outputs share events read-only.
type Event struct {
	fields []field
	tags   []string
	Meta   Meta
}

// New returns an empty event with room for a typical number of fields.
func New() *Event { return &Event{fields: make([]field, 0, 16), Meta: Meta{Offset: -1}} }

// NewMessage returns an event holding one line as its message, received now.
func NewMessage(line string, received time.Time) *Event {
	e := New()
	e.Meta.Received = received
	e.fields = append(e.fields, field{key: FieldMessage, val: String(line)})
	return e
}

// search returns the position of key in the sorted field slice and whether it is there.
func (e *Event) search(key string) (int, bool) {
	lo, hi := 0, len(e.fields)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		c := CompareKeys(e.fields[m].key, key)
		if c == 0 {
			return m, true
		}
		if c < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, false
}

func (e *Event) index(key string) int {
	if i, ok := e.search(key); ok {
		return i
	}
	return -1
}

// CompareKeys orders dotted field names so that every name sorts directly before the names
// nested under it ("a" < "a.b" < "a-b"): '.' compares lower than any other byte. Fields are kept
// in this order, which lets the encoder write nested JSON objects in one pass.
func CompareKeys(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		ca, cb := a[i], b[i]
		if ca == cb {
			continue
		}
		if ca == '.' {
			return -1
		}
		if cb == '.' {
			return 1
		}
		if ca < cb {
			return -1
		}
		return 1
	}
	return len(a) - len(b)
}

// Get returns the value of a field by its full dotted name.
func (e *Event) Get(key string) (Value, bool) {
	if i := e.index(key); i >= 0 {
		return e.fields[i].val, true
	}
	return Value{}, false
}

// GetString returns a field as text (any kind formatted), and whether it exists.
func (e *Event) GetString(key string) (string, bool) {
	v, ok := e.Get(key)
	if !ok {
		return "", false
	}
	if v.kind == KindString {
		return v.str, true
	}
	return v.String(), true
}

// Has reports whether the field exists.
func (e *Event) Has(key string) bool { return e.index(key) >= 0 }

// Set sets a field, replacing any value it had. Setting a zero Value deletes the field.
func (e *Event) Set(key string, v Value) {
	if v.kind == KindNone {
		e.Delete(key)
		return
	}
	i, ok := e.search(key)
	if ok {
		e.fields[i].val = v
		return
	}
	e.fields = append(e.fields, field{})
	copy(e.fields[i+1:], e.fields[i:])
	e.fields[i] = field{key: key, val: v}
}

// SetString sets a string field.
func (e *Event) SetString(key, s string) { e.Set(key, String(s)) }

// Delete removes a field and reports whether it was there.
func (e *Event) Delete(key string) bool {
	i := e.index(key)
	if i < 0 {
		return false
	}
	copy(e.fields[i:], e.fields[i+1:])
	e.fields[len(e.fields)-1] = field{}
	e.fields = e.fields[:len(e.fields)-1]
	return true
}

// DeletePrefix removes every field whose name is prefix or starts with prefix followed by a dot,
// and returns how many it removed.
func (e *Event) DeletePrefix(prefix string) int {
	n := 0
	kept := e.fields[:0]
	for _, f := range e.fields {
		if underPrefix(f.key, prefix) {
			n++
			continue
		}
		kept = append(kept, f)
	}
	clear(e.fields[len(kept):])
	e.fields = kept
	return n
}

func underPrefix(key, prefix string) bool {
	if len(key) < len(prefix) || key[:len(prefix)] != prefix {
		return false
	}
	return len(key) == len(prefix) || key[len(prefix)] == '.'
}

// Rename moves a field to a new name, replacing what the new name held. It reports whether the
// old field existed.
func (e *Event) Rename(from, to string) bool {
	v, ok := e.Get(from)
	if !ok {
		return false
	}
	e.Delete(from)
	e.Set(to, v)
	return true
}

// Len returns the number of fields (tags not counted).
func (e *Event) Len() int { return len(e.fields) }

// Range calls fn for every field in key order (CompareKeys) until fn returns false. fn must not change
// the event.
func (e *Event) Range(fn func(key string, v Value) bool) {
	for _, f := range e.fields {
		if !fn(f.key, f.val) {
			return
		}
	}
}

// Message returns the message field as a string ("" if absent).
func (e *Event) Message() string {
	if i := e.index(FieldMessage); i >= 0 {
		return e.fields[i].val.String()
	}
	return ""
}

// SetMessage replaces the message field.
func (e *Event) SetMessage(s string) { e.SetString(FieldMessage, s) }

// Timestamp returns @timestamp, or the receipt time when the event has none.
func (e *Event) Timestamp() time.Time {
	if v, ok := e.Get(FieldTimestamp); ok && v.kind == KindTime {
		return v.Time()
	}
	return e.Meta.Received
}

// SetTimestamp sets @timestamp.
func (e *Event) SetTimestamp(t time.Time) { e.Set(FieldTimestamp, Time(t)) }

// Tags returns the event's tags; the slice must not be modified.
func (e *Event) Tags() []string { return e.tags }

// HasTag reports whether the event carries tag.
func (e *Event) HasTag(tag string) bool {
	for _, t := range e.tags {
		if t == tag {
			return true
		}
	}
	return false
}

// AddTag adds a tag once.
func (e *Event) AddTag(tag string) {
	if !e.HasTag(tag) {
		e.tags = append(e.tags, tag)
	}
}

// RemoveTag removes a tag and reports whether it was there.
func (e *Event) RemoveTag(tag string) bool {
	for i, t := range e.tags {
		if t == tag {
			e.tags = append(e.tags[:i], e.tags[i+1:]...)
			return true
		}
	}
	return false
}

// Clone returns a deep copy that can be changed independently (strings are immutable and shared).
func (e *Event) Clone() *Event {
	c := &Event{Meta: e.Meta}
	c.fields = append(make([]field, 0, len(e.fields)+4), e.fields...)
	if len(e.tags) > 0 {
		c.tags = append([]string(nil), e.tags...)
	}
	if len(e.Meta.Routes) > 0 {
		c.Meta.Routes = append([]string(nil), e.Meta.Routes...)
	}
	return c
}

// Reset empties the event for reuse, keeping its allocated capacity.
func (e *Event) Reset() {
	clear(e.fields)
	e.fields = e.fields[:0]
	e.tags = e.tags[:0]
	e.Meta = Meta{Offset: -1}
}
