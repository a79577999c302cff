package beats

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/pipeline/event"
	"github.com/sluice-dev/sluice/pipeline/event/eventjson"
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

	fieldAgentID  = "agent.id"
	fieldMetadata = "@metadata"
	maxInternKeys = 4096
	maxFields     = 1 << 16 // indexes are uint16; a frame is at most max_frame_size anyway

	// processorRoom is room for fields the processors add, beyond what event.NewSized leaves.
	// The parse processor adds 4 to 17 fields to a Filebeat event from Kubernetes (log level
	// and message, request ids, token counts and sampling parameters of vLLM, the pod from the
	// log path): an event sized too small is grown while it is parsed, which copies every field
	// into a list twice as long (with 8, a third of the benchmark corpus's events grew once
	// vLLM's lines carried log.message: 4 % more CPU an event).
	processorRoom = 12
)

// decoder turns Filebeat's JSON events into events without building a generic map: it checks
// and walks the JSON in one pass (scan.go), and every string value without escapes is a slice of
// one copy of the frame. Nested objects become dotted names; arrays are kept as raw JSON (gjson
// reads the small tags array). One decoder serves one connection; it remembers the last
// document's field names, which the next document from the same Filebeat mostly repeats.
type decoder struct {
	input        string
	keepOriginal bool

	keys     map[string]string // dotted names seen before, so they are not built again
	prefix   []byte
	fields   []kv     // the document's fields in the order they came
	order    []uint16 // indexes into fields, sorted by key: sorting these moves no pointers
	shape    []string // the last document's field names, in document order; order sorts them
	tagged   []string
	received time.Time
	path     string
	agent    string
	offset   int64
	visitTag func(k, v gjson.Result) bool // d.tag, bound once so that ForEach does not allocate
	cmp      func(a, b uint16) int

	paths    [maxPaths]pathSource // the files read lately, see internPath
	nextPath int

	subtrees [maxSubtrees]subtreeName // top-level objects decoded lately, see topObject
	nextSub  int
	hits     []*event.Shared // the document's top-level objects taken from subtrees
	lastHits []*event.Shared // the hits of the last document that had any, and their set
	lastSet  *event.SharedSet
	top      []string // the document's top-level names, to find one given twice
	// the top-level names and shared objects' names of the last document givenTwice found clean
	cleanTop, cleanHits []string
	noShare             bool // decode every object into own fields (a name given twice)
}

// subtree is a top-level object as it was decoded lately: its text, the fields it gave, shared
// by every event that has the same text (event.Shared), and what it told about the event's
// source. Filebeat repeats agent, ecs, host, input, and the kubernetes and container objects of
// each pod, in every event, byte for byte.
type subtree struct {
	raw    string        // the object's text, a copy: the frame it came from is not kept
	shared *event.Shared // built at the text's second sighting
	agent  string        // agent.id, when the object set it
	path   string        // log.file.path, likewise
	offset int64         // log.offset, likewise; -1 when not
}

// subtreeName is what is kept of one top-level name: the last subtreeWays texts (the
// kubernetes objects of pods whose lines interleave), and how often they were found lately.
type subtreeName struct {
	key   string
	ways  [subtreeWays]subtree
	older uint8 // the way the next miss replaces
	cool  event.Cooling
}

// maxSubtrees is room for Filebeat's top-level names, subtreeWays for the pods whose lines
// interleave; a subtree bigger than maxSubtreeBytes is not kept, so that a connection holds
// little. An object that changes every line (log, with its offset) is decoded without a look
// for a while (event.Cooling).
const (
	maxSubtrees     = 12
	subtreeWays     = 8
	maxSubtreeBytes = 2048
)

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
	d.visitTag, d.cmp = d.tag, d.compareIdx
	return d
}

// decode makes one event from a JSON frame. A frame that is not a JSON object is not dropped:
// it becomes an event whose message is the frame's text, tagged TagDecodeFailure (ok false).
// conn names the connection, the event's source when Filebeat sent no log.file.path.
//
// The frame is read in place: payload is only valid during the call, and own copies out what
// the event keeps of it.
func (d *decoder) decode(payload []byte, conn string, received time.Time) (ev *event.Event, ok bool) {
	s := unsafe.String(unsafe.SliceData(payload), len(payload))
	d.path, d.agent, d.offset, d.received = "", "", -1, received
	d.prefix, d.fields, d.tagged = d.prefix[:0], d.fields[:0], d.tagged[:0]
	clear(d.hits)
	clear(d.top)
	d.hits, d.top = d.hits[:0], d.top[:0]
	i := skipSpace(s, 0)
	ok = i < len(s) && s[i] == '{'
	if ok {
		i, ok = d.object(s, i, 0)
	}
	if !ok || skipSpace(s, i) != len(s) {
		clear(d.fields)
		clear(d.tagged)
		return d.failed(strings.Clone(s), conn, received), false
	}
	if len(d.hits) > 0 && d.givenTwice() {
		// A shared object must be the only source of its names: read this rare document
		// (a name given twice, or dotted beside its object) into own fields, as it always was.
		d.noShare = true
		defer func() { d.noShare = false }()
		return d.decode(payload, conn, received)
	}
	d.own(s)
	// Sorted first, every Set appends at the end: no shifting of the field list.
	d.sortFields()
	ev = event.NewSized(len(d.fields) + processorRoom)
	ev.Meta.Received = received
	ev.Meta.Input = d.input
	// Shared objects first, into the empty event, which needs no check; no own field falls
	// under one (givenTwice), so the own fields still go in by SetInOrder's quick path.
	if set := d.sharedSet(); set != nil {
		ev.AddSharedSet(set)
	}
	for _, i := range d.order {
		ev.SetInOrder(d.fields[i].key, d.fields[i].val)
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

// sharedSet returns the set of the document's shared objects: the last document's when they are
// the same objects in the same order, as from one pod they are.
func (d *decoder) sharedSet() *event.SharedSet {
	if len(d.hits) == 0 {
		return nil
	}
	if !slices.Equal(d.hits, d.lastHits) {
		set, _ := event.NewSharedSet(d.hits...) // distinct names: givenTwice said so
		d.lastHits, d.lastSet = append(d.lastHits[:0], d.hits...), set
	}
	return d.lastSet
}

// givenTwice reports whether a shared object's name is given more than once at the top level,
// or a top-level dotted name falls under it. The answer depends on the names alone, and the
// documents of one connection mostly have one shape: the names of the last document found
// clean are kept, and a document with the same names is answered by comparing them.
func (d *decoder) givenTwice() bool {
	if slices.Equal(d.top, d.cleanTop) &&
		slices.EqualFunc(d.hits, d.cleanHits, func(h *event.Shared, name string) bool { return h.Name() == name }) {
		return false
	}
	if d.countedTwice() {
		return true
	}
	d.cleanTop = d.cleanTop[:0]
	for _, t := range d.top {
		d.cleanTop = append(d.cleanTop, strings.Clone(t)) // the names may be in the frame
	}
	d.cleanHits = d.cleanHits[:0]
	for _, h := range d.hits {
		d.cleanHits = append(d.cleanHits, h.Name())
	}
	return false
}

func (d *decoder) countedTwice() bool {
	for _, h := range d.hits {
		n := 0
		for _, t := range d.top {
			if t == h.Name() || (len(t) > len(h.Name()) && t[len(h.Name())] == '.' && t[:len(h.Name())] == h.Name()) {
				n++
			}
		}
		if n > 1 {
			return true
		}
	}
	return false
}

// source is the stream an event belongs to, for document ids and ordering: the file path,
// prefixed with the Filebeat agent id so that the same path on two nodes never collides. It is
// built when a path is new or its agent changes, and from copies: d.path and d.agent may be in
// the frame.
func (d *decoder) source(conn string) string {
	if d.path == "" {
		return conn
	}
	p := d.pathSource(d.path)
	if p.source == "" || d.agent != p.agent {
		p.agent = strings.Clone(d.agent)
		p.source = p.path
		if d.agent != "" {
			p.source = p.agent + ":" + p.path
		}
	}
	return p.source
}

// pathSource is a file read lately: its path as the events' log.file.path holds it, and the
// source built from it.
type pathSource struct {
	path, agent, source string
}

// maxPaths is how many files a connection's decoder remembers: a Filebeat connection carries
// the lines of every container log on its node, interleaved.
const maxPaths = 16

func (p *pathSource) name() string      { return p.path }
func (p *pathSource) reset(path string) { *p = pathSource{path: strings.Clone(path)} }

// pathSource returns the record of path, taking over the oldest when it is new.
func (d *decoder) pathSource(path string) *pathSource {
	return recent(d.paths[:], &d.nextPath, path)
}

// recent returns the record named name among records, or takes over the one at *next (round
// robin, the oldest) for it: the decoder's small caches of what a connection sends lately.
func recent[T any, P interface {
	*T
	name() string
	reset(name string)
}](records []T, next *int, name string) *T {
	for i := range records {
		if P(&records[i]).name() == name {
			return &records[i]
		}
	}
	r := &records[*next]
	*next = (*next + 1) % len(records)
	P(r).reset(name)
	return r
}

// internPath returns log.file.path as a string the decoder holds: the path of every line of a
// file is one string, not copied into each event, and the parsers' comparisons of it find
// the same pointer.
func (d *decoder) internPath(path string) string { return d.pathSource(path).path }

// own copies the strings of the document's own fields and tags that lie in the frame (s, read in
// place) into one buffer of just their bytes, which the event keeps instead of the frame: the
// frame's bytes are reused for the next one, and most of a Filebeat document is in shared
// objects, which hold their own copies.
func (d *decoder) own(s string) {
	n := 0
	for _, f := range d.fields {
		if t := f.val.Str(); inFrame(t, s) {
			n += len(t)
		}
	}
	for _, t := range d.tagged {
		if inFrame(t, s) {
			n += len(t)
		}
	}
	if n == 0 {
		return
	}
	buf := make([]byte, 0, n)
	for _, f := range d.fields {
		if t := f.val.Str(); inFrame(t, s) {
			buf = append(buf, t...)
		}
	}
	for _, t := range d.tagged {
		if inFrame(t, s) {
			buf = append(buf, t...)
		}
	}
	// buf is never written again: its bytes can be a string's, as strings.Builder does.
	all := unsafe.String(unsafe.SliceData(buf), len(buf))
	for i := range d.fields {
		if t := d.fields[i].val.Str(); inFrame(t, s) {
			d.fields[i].val, all = d.fields[i].val.WithStr(all[:len(t)]), all[len(t):]
		}
	}
	for i, t := range d.tagged {
		if inFrame(t, s) {
			d.tagged[i], all = all[:len(t)], all[len(t):]
		}
	}
}

// inFrame reports whether t is a non-empty slice of s.
func inFrame(t, s string) bool {
	if len(t) == 0 || len(s) == 0 {
		return false
	}
	p, base := uintptr(unsafe.Pointer(unsafe.StringData(t))), uintptr(unsafe.Pointer(unsafe.StringData(s)))
	return p >= base && p < base+uintptr(len(s))
}

// object walks the object whose brace is s[i], setting its members under d.prefix; it returns
// the index after the closing brace, or false if the JSON is not valid.
func (d *decoder) object(s string, i, depth int) (int, bool) {
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(s) || s[i] != '"' {
			return 0, false
		}
		key, j, ok := parseString(s, i)
		if !ok {
			return 0, false
		}
		j = skipSpace(s, j)
		if j >= len(s) || s[j] != ':' {
			return 0, false
		}
		if j, ok = d.member(s, key, skipSpace(s, j+1), depth); !ok {
			return 0, false
		}
		j = skipSpace(s, j)
		switch {
		case j < len(s) && s[j] == ',':
			i = skipSpace(s, j+1)
		case j < len(s) && s[j] == '}':
			return j + 1, true
		default:
			return 0, false
		}
	}
}

// member reads the value at s[i] of the member key: a field, or an object to descend into.
func (d *decoder) member(s, key string, i, depth int) (int, bool) {
	mark := len(d.prefix)
	d.prefix = append(d.prefix, key...)
	defer func() { d.prefix = d.prefix[:mark] }()
	top := mark == 0
	if i >= len(s) {
		return 0, false
	}
	if top {
		d.top = append(d.top, key)
	}
	stamp := top && key == event.FieldTimestamp // an object or array there is no time: kept as text
	switch c := s[i]; {
	case c == '{' && top && key != fieldMetadata && !stamp:
		d.prefix = append(d.prefix, '.')
		return d.topObject(s, key, i)
	case c == '{' && !(top && key == fieldMetadata) && !stamp && depth+2 <= event.MaxDepth:
		// The object sits under depth+1 levels and adds one: it fits, so it becomes dotted
		// names. Recursion is bounded by event.MaxDepth.
		d.prefix = append(d.prefix, '.')
		return d.object(s, i, depth+1)
	case c == '{' || c == '[':
		end, nesting, ok := eventjson.Skip(s, i) // no recursion, whatever the depth
		if !ok {
			return 0, false
		}
		switch {
		case top && key == fieldMetadata: // routing hints for Logstash outputs, not the document
		case stamp:
			d.special(key, s[i:end])
		case top && key == event.FieldTags:
			gjson.Parse(s[i:end]).ForEach(d.visitTag)
		default:
			d.set(d.key(), rawValue(s[i:end], depth+1, nesting))
		}
		return end, true
	case c == '"':
		str, end, ok, safe := parseValue(s, i)
		if ok {
			d.str(top, key, str, safe)
		}
		return end, ok
	case c == 't' || c == 'f' || c == 'n':
		return d.literal(s, i, top, key)
	}
	end, float, ok := eventjson.ScanNumber(s, i)
	if !ok {
		return 0, false
	}
	if top && (key == fieldMetadata || key == event.FieldTimestamp || key == event.FieldTags) {
		d.special(key, s[i:end])
		return end, true
	}
	n := numberValue(s[i:end], float)
	k := d.key()
	if !n.isInt {
		d.set(k, event.Float(n.f))
		return end, true
	}
	if k == event.FieldLogOffset {
		d.offset = n.i
	}
	d.set(k, event.Int(n.i))
	return end, true
}

// topObject decodes the top-level object key at s[i], d.prefix holding "key.". An object with
// the same text as one decoded lately is not read again: the event shares the fields it gave
// (event.Shared), and the comparison is one memory compare where decoding reads, names and sets
// every member. A kept text is a whole JSON value, so when s continues with it at i, the object
// at i is exactly it.
func (d *decoder) topObject(s, key string, i int) (int, bool) {
	if d.noShare {
		return d.object(s, i, 1)
	}
	nm := d.subtree(key)
	if !nm.cool.Look() {
		return d.object(s, i, 1)
	}
	for w := range nm.ways {
		st := &nm.ways[w]
		if st.raw == "" || len(s)-i < len(st.raw) || s[i:i+len(st.raw)] != st.raw {
			continue
		}
		nm.cool.Hit()
		if st.shared == nil && !d.share(nm.key, st) { // nm.key: key is in the frame
			return d.object(s, i, 1)
		}
		d.hits = append(d.hits, st.shared)
		if st.agent != "" {
			d.agent = st.agent
		}
		if st.path != "" {
			d.path = st.path
		}
		if st.offset >= 0 {
			d.offset = st.offset
		}
		return i + len(st.raw), true
	}
	nm.cool.Miss()
	// Seen for the first time: read into the event's own fields, and the text kept (a copy,
	// so that the frame is not), to be shared when it comes again.
	end, ok := d.object(s, i, 1)
	st := &nm.ways[nm.older]
	nm.older = (nm.older + 1) % subtreeWays
	*st = subtree{}
	if ok && end-i <= maxSubtreeBytes {
		st.raw = strings.Clone(s[i:end])
	}
	return end, ok
}

// share decodes the kept text of st into the shared object its next appearances give, noting
// what it says of the event's source. It reports false for an object that cannot be shared (an
// empty one, or a dotted name), which is then no longer kept.
func (d *decoder) share(key string, st *subtree) bool {
	n, agent, path, offset := len(d.fields), d.agent, d.path, d.offset
	d.agent, d.path, d.offset = "", "", -1
	defer func() {
		d.agent, d.path = cmp.Or(d.agent, agent), cmp.Or(d.path, path)
		if d.offset < 0 {
			d.offset = offset
		}
	}()
	_, ok := d.object(st.raw, 0, 1) // valid: it was read once already
	fs := d.fields[n:]
	var sh *event.Shared
	if ok {
		sh, ok = event.NewShared(key, len(fs), func(i int) (string, event.Value) { return fs[i].key, fs[i].val })
	}
	clear(fs)
	d.fields = d.fields[:n]
	if !ok {
		st.raw = ""
		return false
	}
	st.shared = sh
	st.agent, st.path, st.offset = d.agent, d.path, d.offset
	return true
}

func (n *subtreeName) name() string     { return n.key }
func (n *subtreeName) reset(key string) { *n = subtreeName{key: strings.Clone(key)} }

// subtree returns the record of a top-level name, taking over the oldest when it is new.
func (d *decoder) subtree(key string) *subtreeName { return recent(d.subtrees[:], &d.nextSub, key) }

// str sets a string member, noting the ones that identify the event's source.
func (d *decoder) str(top bool, key, v string, safe bool) {
	if top {
		switch key {
		case event.FieldTimestamp:
			d.timestamp(v, true)
			return
		case event.FieldTags:
			d.tagged = append(d.tagged, v)
			return
		case fieldMetadata:
			return
		}
	}
	k := d.key()
	switch k {
	case event.FieldOriginal:
		if !d.keepOriginal {
			return
		}
	case event.FieldLogFilePath:
		v = d.internPath(v)
		d.path = v
	case fieldAgentID:
		d.agent = v
	}
	if safe {
		d.set(k, event.SafeString(v))
		return
	}
	d.set(k, event.String(v))
}

func (d *decoder) literal(s string, i int, top bool, key string) (int, bool) {
	var v event.Value
	var end int
	var ok bool
	switch s[i] {
	case 't':
		end, ok = eventjson.Literal(s, i, "true")
		v = event.Bool(true)
	case 'f':
		end, ok = eventjson.Literal(s, i, "false")
		v = event.Bool(false)
	default:
		end, ok = eventjson.Literal(s, i, "null")
	}
	if !ok {
		return 0, false
	}
	switch {
	case top && (key == fieldMetadata || key == event.FieldTimestamp || key == event.FieldTags):
		d.special(key, s[i:end])
	case !v.IsZero():
		d.set(d.key(), v)
	}
	return end, true
}

// special handles a top-level @timestamp or tags that is not a string, and @metadata.
func (d *decoder) special(key, raw string) {
	switch {
	case key == event.FieldTimestamp:
		d.timestamp(raw, false)
	case key == event.FieldTags && raw != "null":
		d.tagged = append(d.tagged, raw)
	}
}

// rawValue keeps an array (or an object too deep to become dotted names), found under depth
// levels and holding nesting levels of its own, as raw JSON. It is kept as a string of its text
// when it would reach deeper than event.MaxDepth (Elasticsearch refuses deep documents), or when
// it holds invalid UTF-8, which would make the document unreadable downstream.
func rawValue(raw string, depth, nesting int) event.Value {
	if event.FitsDepth(depth, nesting, event.MaxDepth) && utf8.ValidString(raw) {
		// (JSONWithin takes out the line breaks a client's pretty-printed JSON holds, which
		// would break the outputs' one line a document)
		return event.JSONWithin(raw, depth, event.MaxDepth)
	}
	return event.String(raw)
}

// key returns the dotted name in d.prefix as a string, reusing one built before.
//
// Events from one Filebeat mostly have the same fields in the same order, so the name the last
// document had at this position is tried first: one comparison instead of a map lookup.
func (d *decoder) key() string {
	if n := len(d.fields); n < len(d.shape) && d.shape[n] == string(d.prefix) {
		return d.shape[n]
	}
	if k, ok := d.keys[string(d.prefix)]; ok {
		return k
	}
	k := string(d.prefix)
	if len(d.keys) < maxInternKeys {
		d.keys[k] = k
	}
	return k
}

// sortFields puts in d.order the field indexes sorted by key. A document with the same fields
// in the same order as the last one (the usual case) reuses its order without sorting.
func (d *decoder) sortFields() {
	same := len(d.fields) == len(d.shape)
	for i := 0; same && i < len(d.fields); i++ {
		same = d.fields[i].key == d.shape[i]
	}
	if same {
		return
	}
	d.shape = d.shape[:0]
	d.order = d.order[:0]
	for i, f := range d.fields {
		d.shape = append(d.shape, f.key)
		d.order = append(d.order, uint16(i))
	}
	slices.SortFunc(d.order, d.cmp)
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

// timestamp parses @timestamp; text that is not RFC 3339 (or a value that is not a string) is
// kept in FieldInvalidTimestamp and the receipt time is used.
func (d *decoder) timestamp(v string, isString bool) {
	if isString {
		if t, err := event.ParseTime(v); err == nil {
			d.set(event.FieldTimestamp, event.Time(t))
			return
		}
	}
	d.set(event.FieldTimestamp, event.Time(d.received))
	d.set(FieldInvalidTimestamp, event.String(v))
	d.tagged = append(d.tagged, TagTimestampFailure)
}
