package pipelinetest

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unsafe"

	"github.com/prometheus/client_golang/prometheus"
)

// Unregistered walks everything reachable from v (a component, its Settings) through sluice's
// own types and returns a description of every Prometheus collector it holds that none of regs
// has registered: a counter a component writes there counts nothing anyone can see. Pass the registry and the
// wrapped registerers the component was given (a collector registered through a registerer
// with labels is only recognised by that registerer).
//
// A collector is registered with a registerer when registering it again is refused as already
// registered; one that registers cleanly is unregistered again at once, so the check leaves the
// registries as they were. The registry knows collectors by their descriptions, so a second
// collector with the same name and labels as a registered one passes for it.
func Unregistered(v any, regs ...prometheus.Registerer) []string {
	w := &walker{regs: regs, seen: map[seenKey]bool{}, reported: map[prometheus.Collector]bool{}}
	w.walk(reflect.ValueOf(v), fmt.Sprintf("%T", v))
	return w.found
}

type seenKey struct {
	p uintptr
	t reflect.Type
}

type walker struct {
	regs     []prometheus.Registerer
	seen     map[seenKey]bool
	reported map[prometheus.Collector]bool
	found    []string
}

var collectorType = reflect.TypeFor[prometheus.Collector]()

// module is the prefix of sluice's packages, whose structs the walker opens.
const module = "github.com/sluice-dev/sluice"

func (w *walker) walk(v reflect.Value, path string) {
	if !v.IsValid() {
		return
	}
	if v.Kind() != reflect.Interface && v.Type().Implements(collectorType) && v.CanInterface() {
		if !(v.Kind() == reflect.Pointer && v.IsNil()) {
			w.check(v.Interface().(prometheus.Collector), path)
		}
		return // a collector's insides are the client library's business
	}
	if pkg := v.Type().PkgPath(); v.Kind() == reflect.Struct && pkg != "" && !strings.HasPrefix(pkg, module) {
		return // loggers, clients, the testing package: sluice's metrics live in sluice's types
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || w.visited(v.Pointer(), v.Type()) {
			return
		}
		w.walk(v.Elem(), path)
	case reflect.Interface:
		if !v.IsNil() {
			w.walk(open(v.Elem()), path)
		}
	case reflect.Struct:
		v = addressable(v)
		for i := range v.NumField() {
			f := v.Field(i)
			if mayHoldPointers(f.Type()) {
				w.walk(open(f), path+"."+v.Type().Field(i).Name)
			}
		}
	case reflect.Slice:
		if v.IsNil() || w.visited(v.Pointer(), v.Type()) || !mayHoldPointers(v.Type().Elem()) {
			return
		}
		for i := range v.Len() {
			w.walk(open(v.Index(i)), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Array:
		if !mayHoldPointers(v.Type().Elem()) {
			return
		}
		v = addressable(v)
		for i := range v.Len() {
			w.walk(open(v.Index(i)), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		if v.IsNil() || w.visited(v.Pointer(), v.Type()) {
			return
		}
		for it := v.MapRange(); it.Next(); {
			w.walk(addressable(it.Key()), path+"[key]")
			w.walk(addressable(it.Value()), fmt.Sprintf("%s[%v]", path, it.Key()))
		}
	}
}

func (w *walker) visited(p uintptr, t reflect.Type) bool {
	k := seenKey{p, t}
	if w.seen[k] {
		return true
	}
	w.seen[k] = true
	return false
}

// check reports c unless one of the registerers knows it.
func (w *walker) check(c prometheus.Collector, path string) {
	if w.reported[c] {
		return
	}
	for _, reg := range w.regs {
		err := reg.Register(c)
		if err == nil {
			reg.Unregister(c)
			continue
		}
		if errors.As(err, new(prometheus.AlreadyRegisteredError)) {
			return
		}
	}
	w.reported[c] = true
	name := "?"
	descs := make(chan *prometheus.Desc, 16)
	go func() { c.Describe(descs); close(descs) }()
	for d := range descs {
		name = d.String()
	}
	w.found = append(w.found, path+": "+name)
}

// open makes a value read through an unexported field usable like any other: the walker only
// reads, and must see what a component keeps privately.
func open(v reflect.Value) reflect.Value {
	if v.CanInterface() || !v.CanAddr() {
		return v
	}
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
}

// addressable returns v, or a copy of it that can be addressed (map entries, values in
// interfaces), so that its fields can be opened.
func addressable(v reflect.Value) reflect.Value {
	if v.CanAddr() || !v.CanInterface() {
		return v
	}
	c := reflect.New(v.Type()).Elem()
	c.Set(v)
	return c
}

// mayHoldPointers reports whether a value of type t can lead to a collector.
func mayHoldPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		return true
	case reflect.Struct:
		for i := range t.NumField() {
			if mayHoldPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	case reflect.Array:
		return t.Len() > 0 && mayHoldPointers(t.Elem())
	}
	return false // numbers, strings, funcs and channels are not walked
}
