package event

import (
	"strings"
	"sync/atomic"
	"time"
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
// metadata. Field access goes through methods so that the representation can change. Today the
// fields sit in a slice in arrival order, and a second slice of small indexes keeps them sorted
// by name (CompareKeys): a lookup is a binary search, an insert shifts a few bytes of index
// rather than the fields themselves (whose strings would make the garbage collector's write
// barriers pay for every move), and the encoder walks names in order to nest objects in one pass.
// An Event is not safe for concurrent mutation; outputs share events read-only.
type Event struct {
	fields []field
	order  []uint16  // indexes into fields, sorted by key
	shared []*Shared // objects held with other events, sorted by name; see Shared. The list
	// itself may be held by other events too (SharedSet): it is replaced, never changed.
	sfirst uint64 // the first bytes of the shared objects' names, as firstBit sets them
	// ofirst has keyBit of every own field's name set since the event was made or emptied (a
	// field deleted since leaves its bit): HasOwnUnder turns most names away without a search.
	ofirst uint64
	// safe is the longest string value set that needs no escaping (SafeString): a value whose
	// text lies inside it (a parser's piece of the message) is written as it is too.
	safe    string
	tags    []string
	msg     uint32 // 1 + the position in fields where message was found last, 0 when not yet; atomic
	readers int32  // outputs that still read the fields (SetReaders, DoneReading); atomic
	Meta    Meta
}

// maxFields bounds the fields of one event (the index is uint16). Set beyond it is ignored;
// decoders cap far lower (parsers/json keeps at most 256).
const maxFields = 1<<16 - 1

// New returns an empty event with room for a typical number of fields.
func New() *Event { return NewSized(24) }

// NewMessage returns an event holding one line as its message, received now.
func NewMessage(line string, received time.Time) *Event {
	e := New()
	e.Meta.Received = received
	e.fields = append(e.fields, field{key: FieldMessage, val: String(line)})
	e.order = append(e.order, 0)
	e.ofirst = keyBit(FieldMessage)
	return e
}

// search returns the position in order where key is or would be, and whether it is there.
func (e *Event) search(key string) (int, bool) {
	lo, hi := 0, len(e.order)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		k := e.fields[e.order[m]].key
		c := 0
		if len(k) > 0 && len(key) > 0 && k[0] != key[0] {
			// most steps part at the first byte (names under different roots): no call
			c = int(k[0]) - int(key[0])
		} else {
			c = strings.Compare(k, key)
		}
		switch {
		case c == 0:
			return m, true
		case c < 0:
			lo = m + 1
		default:
			hi = m
		}
	}
	return lo, false
}

func (e *Event) index(key string) int {
	if p, ok := e.search(key); ok {
		return int(e.order[p])
	}
	return -1
}

// CompareKeys is the order in which fields are kept and encoded: plain byte order of the
// dotted names. All names nested under a prefix ("kubernetes.") are contiguous in it, which is
// what the encoder needs to nest objects in one pass.
func CompareKeys(a, b string) int { return strings.Compare(a, b) }

// Get returns the value of a field by its full dotted name.
//
// A name under a shared object is looked up there alone: no own field is ever named by or under
// a shared object's name (AddShared sets the fields one by one instead, and every change under
// the name unshares first), so the search of the own fields is skipped for Filebeat's
// kubernetes.*, container.*, host.* and agent.* names.
func (e *Event) Get(key string) (Value, bool) {
	if len(e.shared) > 0 {
		if i := e.sharedFor(key); i >= 0 {
			return e.shared[i].get(key) // a key that is the name itself is not a field
		}
	}
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
	return v.text(), true
}

// text is the value as GetString gives it.
func (v Value) text() string {
	if v.kind == KindString {
		return v.str
	}
	return v.String()
}

// A Hint remembers where a lookup found its name among an event's own fields, for a caller
// that looks the same name up in event after event: the events of a batch mostly have the
// same names, so the name is often at the same position in the next one. The zero Hint is
// ready to use; a Hint must not be shared between goroutines.
type Hint struct{ pos int }

// GetHinted is Get that first tries the position where h found key last. On an event that
// is no longer in the CPU's caches (a stage that comes back to a batch of thousands) that is
// one probe instead of a search whose every step is a cache miss. A wrong hint costs one
// comparison.
func (e *Event) GetHinted(key string, h *Hint) (Value, bool) {
	if p := h.pos; p < len(e.order) {
		// An own field with the name is the field: no own field is named by or under a
		// shared object's name (see Get).
		if f := &e.fields[e.order[p]]; f.key == key {
			return f.val, true
		}
	}
	if len(e.shared) > 0 {
		if i := e.sharedFor(key); i >= 0 {
			return e.shared[i].get(key)
		}
	}
	if p, ok := e.search(key); ok {
		h.pos = p
		return e.fields[e.order[p]].val, true
	}
	return Value{}, false
}

// GetStringHinted is GetString with a Hint (see GetHinted).
func (e *Event) GetStringHinted(key string, h *Hint) (string, bool) {
	v, ok := e.GetHinted(key, h)
	if !ok {
		return "", false
	}
	return v.text(), true
}

// Has reports whether the field exists.
func (e *Event) Has(key string) bool {
	if len(e.shared) == 0 {
		return e.index(key) >= 0
	}
	_, ok := e.Get(key)
	return ok
}

// Set sets a field, replacing any value it had. Setting a zero Value deletes the field.
func (e *Event) Set(key string, v Value) {
	if len(e.shared) > 0 {
		e.unshareFor(key)
	}
	e.setOwn(key, v)
}

// setOwn is Set among the event's own fields.
func (e *Event) setOwn(key string, v Value) {
	if v.kind == KindNone {
		e.Delete(key)
		return
	}
	p, ok := e.search(key)
	if ok {
		e.keepSafe(v)
		e.fields[e.order[p]].val = v
		return
	}
	e.insert(p, key, v)
}

// insert adds a new field whose sorted position is p.
func (e *Event) insert(p int, key string, v Value) {
	if len(e.fields) >= maxFields {
		return
	}
	e.keepSafe(v)
	e.ofirst |= keyBit(key)
	e.fields = append(e.fields, field{key: key, val: v})
	e.order = append(e.order, 0)
	copy(e.order[p+1:], e.order[p:])
	e.order[p] = uint16(len(e.fields) - 1)
}

// SetString sets a string field.
func (e *Event) SetString(key, s string) { e.Set(key, String(s)) }

// Delete removes a field and reports whether it was there.
func (e *Event) Delete(key string) bool {
	if len(e.shared) > 0 {
		e.unshareFor(key)
	}
	p, ok := e.search(key)
	if !ok {
		return false
	}
	e.removeAt(p)
	return true
}

// removeAt removes the field at sorted position p: the last field moves into its slot.
func (e *Event) removeAt(p int) {
	i := e.order[p]
	copy(e.order[p:], e.order[p+1:])
	e.order = e.order[:len(e.order)-1]
	last := uint16(len(e.fields) - 1)
	if i != last {
		e.fields[i] = e.fields[last]
		for j, o := range e.order {
			if o == last {
				e.order[j] = i
				break
			}
		}
	}
	e.fields[last] = field{}
	e.fields = e.fields[:last]
}

// DeletePrefix removes every field whose name is prefix or starts with prefix followed by a dot,
// and returns how many it removed.
func (e *Event) DeletePrefix(prefix string) int {
	n := 0
	for i := len(e.shared) - 1; i >= 0; i-- {
		switch s := e.shared[i]; {
		case underPrefix(s.name, prefix): // the whole object goes: no copy of its fields
			n += len(e.dropShared(i).fields)
		case hasPrefix(prefix, s.prefix): // part of it goes
			e.unshare(i)
		}
	}
	p, _ := e.search(prefix)
	// Names under prefix sort from prefix on; others may sit between (prefix+"-x" sorts
	// before prefix+".x"), so scan to the end of the names that start with prefix.
	for p < len(e.order) {
		k := e.fields[e.order[p]].key
		if !strings.HasPrefix(k, prefix) {
			break
		}
		if underPrefix(k, prefix) {
			e.removeAt(p)
			n++
			continue
		}
		p++
	}
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
func (e *Event) Len() int {
	n := len(e.fields)
	for _, s := range e.shared {
		n += len(s.fields)
	}
	return n
}

// Range calls fn for every field in key order (CompareKeys) until fn returns false. fn must not
// change the event.
func (e *Event) Range(fn func(key string, v Value) bool) {
	sh := e.shared
	for _, i := range e.order {
		f := &e.fields[i]
		// A shared object's names sort together, before every own name above its prefix.
		for len(sh) > 0 && sh[0].prefix < f.key {
			if !rangeShared(sh[0], fn) {
				return
			}
			sh = sh[1:]
		}
		if !fn(f.key, f.val) {
			return
		}
	}
	for _, s := range sh {
		if !rangeShared(s, fn) {
			return
		}
	}
}

func rangeShared(s *Shared, fn func(key string, v Value) bool) bool {
	for i := range s.fields {
		if !fn(s.fields[i].key, s.fields[i].val) {
			return false
		}
	}
	return true
}

// Message returns the message field as a string ("" if absent).
//
// The parsers ask for it several times per event: the position where it was found is tried
// first. Fields only move when one is deleted, and names are unique, so a field named message
// there is the message. The position is kept atomically: outputs may read one event at once.
func (e *Event) Message() string {
	if h := int(atomic.LoadUint32(&e.msg)) - 1; h >= 0 && h < len(e.fields) && e.fields[h].key == FieldMessage {
		return e.fields[h].val.String()
	}
	if i := e.index(FieldMessage); i >= 0 {
		atomic.StoreUint32(&e.msg, uint32(i+1))
		return e.fields[i].val.String()
	}
	return "" // message has no dot: it is never in a shared object
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
	c.order = append(make([]uint16, 0, len(e.order)+4), e.order...)
	c.shared, c.sfirst = e.shared, e.sfirst // never changed in place: see addShared and unshare
	c.ofirst = e.ofirst
	c.safe = e.safe
	if len(e.tags) > 0 {
		c.tags = append([]string(nil), e.tags...)
	}
	if len(e.Meta.Routes) > 0 {
		c.Meta.Routes = append([]string(nil), e.Meta.Routes...)
	}
	return c
}

// SetReaders says how many outputs will read the event: the runtime sets it as it hands a batch
// to its outputs (see DoneReading).
func (e *Event) SetReaders(n int) { atomic.StoreInt32(&e.readers, int32(n)) }

// DoneReading says that one output no longer reads the event's fields: it has encoded the event
// and keeps the encoded form (for a retry, or to rebuild the event for the dead letter). The
// last of the readers SetReaders counted releases the fields (Release), so that they do not
// stay in memory while, say, a bulk request carrying the event waits for an answer. An event
// whose readers were not counted is never released. After DoneReading an output reads only
// the event's Meta.
func (e *Event) DoneReading() {
	if atomic.AddInt32(&e.readers, -1) == 0 {
		e.Release()
	}
}

// Release drops the event's fields, tags and shared objects, and keeps its Meta: the event then
// reads as empty, and the memory its fields held is free once nothing else refers to it. Only
// the event's last reader may release it (DoneReading).
func (e *Event) Release() {
	e.fields, e.order, e.ofirst = nil, nil, 0
	e.shared, e.sfirst = nil, 0
	e.safe, e.tags = "", nil
	atomic.StoreUint32(&e.msg, 0)
}

// Released reports whether Release emptied the event and no field was set on it since: an event
// made by New, NewSized or Clone always has a field list until then.
func (e *Event) Released() bool { return e.fields == nil && len(e.shared) == 0 }

// Reset empties the event for reuse, keeping its allocated capacity.
func (e *Event) Reset() {
	clear(e.fields)
	e.fields = e.fields[:0]
	e.order, e.ofirst = e.order[:0], 0
	e.safe = ""
	e.shared, e.sfirst = nil, 0 // it may be held by other events
	e.tags = e.tags[:0]
	e.readers = 0
	e.Meta = Meta{Offset: -1}
}
