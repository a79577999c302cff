package event

import "slices"

// NewSized returns an empty event with room for n fields. Inputs that decode whole documents
// (beats, kafka JSON) know how many fields they are about to set; sizing the field list once
// saves growing and copying it for every event on the hot path.
//
// Room for parseHeadroom more is added: the parsers after the input set about that many fields,
// and growing a full slice copies every field.
func NewSized(n int) *Event {
	n += parseHeadroom
	return &Event{fields: make([]field, 0, n), order: make([]uint16, 0, n), Meta: Meta{Offset: -1}}
}

const parseHeadroom = 8

// Grow makes room for n more own fields, so that a processor about to set many (the kubernetes
// processor: twenty, and Filebeat's objects it makes the event's own) grows the field list once,
// to the size it needs, instead of doubling it on the way, each time moving every field.
func (e *Event) Grow(n int) {
	if n <= 0 || cap(e.fields)-len(e.fields) >= n {
		return
	}
	fs := make([]field, len(e.fields), len(e.fields)+n)
	copy(fs, e.fields)
	e.fields = fs
	e.order = slices.Grow(e.order, n)
}

// SetInOrder sets a field like Set, for callers that set fields in key order (CompareKeys): a
// name that sorts after every field present is appended with one comparison instead of a
// search. Any other name falls back to Set, so a caller that gets the order wrong is slower,
// never wrong.
func (e *Event) SetInOrder(key string, v Value) {
	if n := len(e.order); v.kind == KindNone || (n > 0 && e.fields[e.order[n-1]].key >= key) ||
		(len(e.shared) > 0 && e.sharedFor(key) >= 0) {
		e.Set(key, v)
		return
	}
	e.insert(len(e.order), key, v)
}
