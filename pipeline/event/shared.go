package event

import (
	"slices"
	"strings"
)

// Shared is one top-level object (every field named under Name+"."), built once and held by
// many events, read only. An input that sees the same object again and again (Filebeat repeats
// agent, ecs, host, input, and each pod's kubernetes and container objects in every event)
// builds it once: an event then holds a pointer instead of a copy of every field, a lookup finds
// the fields as if they were the event's own, and the encoder copies the object's JSON, written
// once when it was built.
//
// A Shared never changes, so events on any goroutine may hold the same one. An event that sets,
// deletes or caps a field of the object first takes its own copy of the object's fields.
type Shared struct {
	name   string
	prefix string  // name + "."
	fields []field // sorted by key (CompareKeys), all under prefix
	json   []byte  // the members as AppendJSON writes them: "name":{...}
}

// NewShared builds a shared object named name (a top-level name: not empty, without a dot) from
// n fields given by at in any order; a name given twice keeps its last value, as Set does.
// It reports false when a field is not named under name+"." or holds no value.
func NewShared(name string, n int, at func(i int) (string, Value)) (*Shared, bool) {
	if name == "" || strings.IndexByte(name, '.') >= 0 || n == 0 {
		return nil, false
	}
	s := &Shared{name: name, prefix: name + "."}
	tmp := NewSized(n)
	for i := range n {
		k, v := at(i)
		if len(k) <= len(s.prefix) || !hasPrefix(k, s.prefix) || v.IsZero() {
			return nil, false
		}
		tmp.Set(k, v)
	}
	s.fields = make([]field, 0, len(tmp.order))
	for _, i := range tmp.order {
		s.fields = append(s.fields, tmp.fields[i])
	}
	// Written here in isolation, the object is what the encoder would write in the event: what
	// a range of names under one top-level name gives depends on those names alone.
	s.json = tmp.appendRange(nil, 0, len(tmp.order), false, nil)
	return s, true
}

// Name returns the object's top-level name.
func (s *Shared) Name() string { return s.name }

// Len returns the number of fields in the object.
func (s *Shared) Len() int { return len(s.fields) }

func (s *Shared) get(key string) (Value, bool) {
	lo, hi := 0, len(s.fields)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		k := s.fields[m].key
		if k == key {
			return s.fields[m].val, true
		}
		if k < key {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return Value{}, false
}

// AddShared makes the fields of each shared object part of the event, in turn. When the event
// already has a field named s.Name() or under it, or another shared object of that name, the
// fields of s are set one by one instead, replacing what the event had under those names.
func (e *Event) AddShared(ss ...*Shared) {
	for _, s := range ss {
		e.addShared(s)
	}
}

func (e *Event) addShared(s *Shared) {
	if (len(e.order) > 0 && e.ownUnder(s.name)) || e.sharedAt(s.name) >= 0 {
		for _, f := range s.fields {
			e.Set(f.key, f.val)
		}
		return
	}
	p := len(e.shared)
	for p > 0 && e.shared[p-1].name > s.name {
		p--
	}
	// The list may be a SharedSet's, held by other events: it is never changed in place.
	e.setShared(append(append(append(make([]*Shared, 0, len(e.shared)+1), e.shared[:p]...), s), e.shared[p:]...))
}

// setShared replaces the event's shared objects.
func (e *Event) setShared(list []*Shared) {
	e.shared, e.sfirst = list, 0
	for _, s := range list {
		e.sfirst |= firstBit(s.name)
	}
}

// firstBit maps a name's first byte to one of 64 bits: a key whose bit is not among a list's
// is under none of its names, without reading them. Names are never empty.
func firstBit(name string) uint64 { return 1 << (name[0] & 63) }

// keyBit is firstBit of any own field's name, the empty one included.
func keyBit(key string) uint64 {
	if key == "" {
		return 1
	}
	return firstBit(key)
}

// SharedSet is shared objects of distinct names in the order the event keeps them, built once
// and given to many events whole: an input whose documents have the same objects as the last
// one (Filebeat's, from one pod) gives each event the same set, without sorting or copying.
type SharedSet struct {
	list  []*Shared
	first uint64 // firstBit of every name
}

// NewSharedSet builds a set; it reports false when two objects have the same name.
func NewSharedSet(ss ...*Shared) (*SharedSet, bool) {
	list := make([]*Shared, 0, len(ss))
	for _, s := range ss {
		p := len(list)
		for p > 0 && list[p-1].name >= s.name {
			if list[p-1].name == s.name {
				return nil, false
			}
			p--
		}
		list = append(list, nil)
		copy(list[p+1:], list[p:])
		list[p] = s
	}
	set := &SharedSet{list: list}
	for _, s := range list {
		set.first |= firstBit(s.name)
	}
	return set, true
}

// AddSharedSet is AddShared of every object in set. An event that holds no field yet takes the
// set's list as it is.
func (e *Event) AddSharedSet(set *SharedSet) {
	if len(e.order) == 0 && len(e.shared) == 0 {
		e.shared, e.sfirst = set.list[:len(set.list):len(set.list)], set.first
		return
	}
	e.AddShared(set.list...)
}

// ownUnder reports whether the event's own fields hold name or a name under name+".".
func (e *Event) ownUnder(name string) bool {
	p, ok := e.search(name)
	if ok {
		return true
	}
	// The names after name that start with it sort by the byte that follows: those under it
	// ('.') come after the few that continue it with a lower byte ("name-x", "name!").
	n := len(name)
	for ; p < len(e.order); p++ {
		k := e.fields[e.order[p]].key
		if len(k) <= n || k[:n] != name || k[n] > '.' {
			return false
		}
		if k[n] == '.' {
			return true
		}
	}
	return false
}

// SharedLen returns how many fields the event's shared object of that top-level name holds: the
// own fields setting a field under the name would add (see Grow). 0 when it has none.
func (e *Event) SharedLen(name string) int {
	if i := e.sharedAt(name); i >= 0 {
		return len(e.shared[i].fields)
	}
	return 0
}

func (e *Event) sharedAt(name string) int {
	for i, s := range e.shared {
		if s.name == name {
			return i
		}
	}
	return -1
}

// sharedFor returns the index of the shared object that key is, or is under, or -1. Most keys
// are told apart by their first byte, without reading the objects' names.
func (e *Event) sharedFor(key string) int {
	if key == "" || e.sfirst&firstBit(key) == 0 {
		return -1
	}
	for i, s := range e.shared {
		n := len(s.name)
		if len(key) < n || key[0] != s.name[0] || (len(key) > n && key[n] != '.') {
			continue
		}
		if key[:n] == s.name {
			return i
		}
	}
	return -1
}

// unshareFor takes the event's own copy of the shared object that key is, or is under.
func (e *Event) unshareFor(key string) {
	if i := e.sharedFor(key); i >= 0 {
		e.unshare(i)
	}
}

// dropShared takes e.shared[i] out of the event and returns it. The list is replaced, not
// changed: it may be a SharedSet's, held by other events.
func (e *Event) dropShared(i int) *Shared {
	s := e.shared[i]
	if len(e.shared) == 1 {
		e.setShared(nil)
	} else {
		e.setShared(append(append(make([]*Shared, 0, len(e.shared)-1), e.shared[:i]...), e.shared[i+1:]...))
	}
	return s
}

// unshare moves the fields of e.shared[i] into the event's own, in one block: no own field is
// named by or under the object's name, and every name under it sorts between its first and last
// field's, so its fields (sorted already) take one run of positions in order. Setting them one
// by one searched and shifted the index for each, and grew the field list in steps: the
// kubernetes processor paid that for Filebeat's kubernetes.* and container.* on every event.
func (e *Event) unshare(i int) {
	s := e.dropShared(i)
	k := min(len(s.fields), maxFields-len(e.fields))
	if k <= 0 {
		return
	}
	p, _ := e.search(s.fields[0].key)
	e.ofirst |= firstBit(s.name)
	base := len(e.fields)
	e.fields = append(e.fields, s.fields[:k]...)
	e.order = slices.Grow(e.order, k)[:len(e.order)+k]
	copy(e.order[p+k:], e.order[p:])
	for j, f := range s.fields[:k] {
		e.keepSafe(f.val)
		e.order[p+j] = uint16(base + j)
	}
}

// SharedObject returns the event's shared object of that top-level name, or nil when it has none.
func (e *Event) SharedObject(name string) *Shared {
	if i := e.sharedAt(name); i >= 0 {
		return e.shared[i]
	}
	return nil
}

// HasOwnUnder reports whether the event's own fields (not its shared objects) hold name or a
// name under name+".". While they do not, the event's fields under name are its shared object
// of that name alone, if any (see SharedObject).
func (e *Event) HasOwnUnder(name string) bool {
	if name != "" && e.ofirst&firstBit(name) == 0 {
		return false
	}
	return len(e.order) > 0 && e.ownUnder(name)
}

// ReplaceShared puts each object in the place of the event's shared object of the same name, or
// adds it where the event has none, building the list once. A component that computes what it
// would set under a name from the object there (the kubernetes processor merges a pod's fields
// into Filebeat's kubernetes.*) can keep the result and give it to every event that holds the
// same object, instead of setting field by field. It reports false and changes nothing when the
// event has an own field named by or under one of the names, or a name is given twice.
func (e *Event) ReplaceShared(ss ...*Shared) bool {
	add := 0
	for i, s := range ss {
		if e.HasOwnUnder(s.name) {
			return false
		}
		for _, o := range ss[:i] {
			if o.name == s.name {
				return false
			}
		}
		if e.sharedAt(s.name) < 0 {
			add++
		}
	}
	list := make([]*Shared, len(e.shared), len(e.shared)+add)
	copy(list, e.shared) // the old list may be a SharedSet's: never changed in place
	for _, s := range ss {
		if i := slices.IndexFunc(list, func(o *Shared) bool { return o.name == s.name }); i >= 0 {
			list[i] = s
			continue
		}
		p := len(list)
		for p > 0 && list[p-1].name > s.name {
			p--
		}
		list = slices.Insert(list, p, s)
	}
	e.setShared(list)
	return true
}

// Share returns the event's fields under name (its own and its shared object's) as a new shared
// object, and false when there are none.
func (e *Event) Share(name string) (*Shared, bool) {
	prefix := name + "."
	var fs []field
	e.Range(func(k string, v Value) bool {
		if hasPrefix(k, prefix) {
			fs = append(fs, field{k, v})
		}
		return true
	})
	return NewShared(name, len(fs), func(i int) (string, Value) { return fs[i].key, fs[i].val })
}
