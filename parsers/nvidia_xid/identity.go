package nvidia_xid

import (
	"strings"
	"sync"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// maxIdentities bounds what a parser remembers; past it the memory starts afresh (the driver
// prints the identities again whenever it loads).
const maxIdentities = 4096

// identities remembers, per host and PCI bus id, the GPU UUID and board serial number the
// driver printed when it loaded ("NVRM: GPU at PCI:0000:3b:00: GPU-...", then "NVRM: GPU Board
// Serial Number: ..."), so that a later Xid, fallen-off-the-bus or AER line of that bus, which
// names only the bus, says which GPU it was: the one to drain, RMA or look up in DCGM.
type identities struct {
	mu    sync.Mutex
	byBus map[gpuKey]gpuID
	last  map[string]string // host -> bus of its last "GPU at PCI" line, which the serial follows
	// opened is, per host, the bus of the last "NVRM: The NVIDIA GPU 0000:b3:00.0" line: drivers
	// from 570 on wrap "fallen off the bus" over three lines, and only the first names the GPU.
	opened map[string]string
}

type gpuKey struct{ host, bus string }

type gpuID struct{ uuid, serial string }

// track records the identity an identification line gives, or completes a line naming a bus
// with what was recorded for it.
func (m *identities) track(ev *event.Event) {
	bus, hasBus := ev.GetString(FieldPCIBusID)
	action, _ := ev.GetString(event.FieldEventAction)
	host := where(ev)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.byBus == nil || len(m.byBus) >= maxIdentities || len(m.opened) >= maxIdentities {
		m.byBus, m.last, m.opened = map[gpuKey]gpuID{}, map[string]string{}, map[string]string{}
	}
	switch {
	case action == ActionNVRM && hasBus && strings.Contains(ev.Message(), "NVRM: The NVIDIA GPU "):
		m.opened[host] = bus
	case action == ActionFallenOffBus && !hasBus && m.opened[host] != "":
		bus, hasBus = m.opened[host], true
		ev.SetString(FieldPCIBusID, bus)
		delete(m.opened, host)
	}
	if action == ActionIdentified {
		if uuid, ok := ev.GetString(FieldUUID); ok && hasBus {
			k := gpuKey{host, bus}
			id := m.byBus[k]
			id.uuid = uuid
			m.byBus[k], m.last[host] = id, bus
		} else if m.last[host] != "" {
			// the board's serial line after its UUID's (none kept for a board that has none)
			k := gpuKey{host, m.last[host]}
			if serial, ok := ev.GetString(FieldSerial); ok {
				id := m.byBus[k]
				id.serial = serial
				m.byBus[k] = id
			}
			if !hasBus {
				ev.SetString(FieldPCIBusID, k.bus)
			}
		}
		return
	}
	if !hasBus {
		return
	}
	if id, ok := m.byBus[gpuKey{host, bus}]; ok {
		if id.uuid != "" && !ev.Has(FieldUUID) {
			ev.SetString(FieldUUID, id.uuid)
		}
		if id.serial != "" && !ev.Has(FieldSerial) {
			ev.SetString(FieldSerial, id.serial)
		}
	}
}

// known reports whether the driver announced bus as a GPU's on host.
func (m *identities) known(host, bus string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.byBus[gpuKey{host, bus}]
	return ok
}

// where names the machine a kernel line came from: its host, else the file it was read from.
func where(ev *event.Event) string {
	if h, ok := ev.GetString(event.FieldHostHostname); ok {
		return h
	}
	p, _ := ev.GetString(event.FieldLogFilePath)
	return p
}
