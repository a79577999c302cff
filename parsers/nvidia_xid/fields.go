package nvidia_xid

import (
	"github.com/sluice-dev/sluice/parsers"
	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Field names this parser sets beside the shared ones.
const (
	FieldCode           = "gpu.xid.code"
	FieldName           = "gpu.xid.name"
	FieldDescription    = "gpu.xid.description"
	FieldCause          = "gpu.xid.cause"
	FieldAction         = "gpu.xid.action"
	FieldDetail         = "gpu.xid.message"
	FieldRecoveryAction = "gpu.xid.recovery_action"
	FieldPCIBusID       = "gpu.pci_bus_id"
	FieldPCIePort       = "gpu.pcie_port"
	FieldUUID           = "gpu.uuid"
	FieldSerial         = "gpu.serial_number"
	FieldSXidCode       = "gpu.sxid.code"
	FieldSXidSeverity   = "gpu.sxid.severity"
	FieldSXidMessage    = "gpu.sxid.message"
	FieldNVSwitch       = "gpu.nvswitch.name"
	FieldMIGInstance    = "gpu.mig.gpu_instance_id"
	// FieldContainerID is the container an OOM kill's cgroup names (the same field the CRI
	// framing fills from a container log's path).
	FieldContainerID = "container.id"
)

// Values of event.action, telling the kinds of NVRM kernel lines apart.
const (
	ActionXid          = "xid"
	ActionSXid         = "sxid"
	ActionFallenOffBus = "gpu-fallen-off-bus"
	ActionIdentified   = "gpu-identified"
	ActionNVRM         = "nvrm"
	ActionModule       = "nvidia-module"
)

// CatalogFields are the fields Annotate sets, for the Info of other parsers that call it.
var CatalogFields = []parsers.Field{
	{Name: FieldCode, Type: "long", Description: "Xid error code."},
	{Name: FieldName, Type: "keyword", Description: "NVIDIA's name for the Xid code."},
	{Name: FieldDescription, Type: "text", Description: "What the Xid means, from sluice's catalog."},
	{Name: FieldCause, Type: "keyword", Description: "Where the Xid usually points: hardware, application or driver."},
	{Name: FieldAction, Type: "text", Description: "Recommended first action for the Xid."},
}

// Info registers the parser.
var Info = parsers.Info{
	Name:        "nvidia_xid",
	Description: "NVIDIA kernel driver messages (NVRM, nvidia-uvm, ...): Xid and SXid errors with their catalog entry, GPUs fallen off the bus, PCIe AER and other kernel lines",
	New:         func(parsers.Options) parsers.Parser { return New() },
	Fields: append(append(pu.Fields(event.FieldProcessPID, event.FieldProcessName, event.FieldHostHostname, event.FieldEventAction, event.FieldLogLogger, event.FieldErrorMsg, event.FieldOriginFile, event.FieldOriginLine),
		CatalogFields...),
		parsers.Field{Name: FieldDetail, Type: "match_only_text", Description: "Text the driver logged after the Xid code (and pid, name)."},
		parsers.Field{Name: FieldRecoveryAction, Type: "keyword", Description: "Recovery action the driver asks for in Xid 154 (None, GPU Reset Required, Node Reboot Required, ...)."},
		parsers.Field{Name: FieldPCIBusID, Type: "keyword", Description: "PCI address of the GPU or NVSwitch as domain:bus:device, lowercase, without function (0000:3b:00), whichever way the line wrote it."},
		parsers.Field{Name: FieldPCIePort, Type: "keyword", Description: "PCIe port (root or switch port, the kernel's pcieport) that logged an AER error, as domain:bus:device.function (0000:00:03.0): the port above the GPU whose link failed. The device below it, when the line names one, is gpu.pci_bus_id."},
		pu.Field(FieldThread), pu.Field(pu.FieldLogMessage), pu.Field(pu.FieldLogFields),
		parsers.Field{Name: FieldMIGInstance, Type: "long", Description: "MIG GPU instance an Xid names after the bus id (GPU-I:05)."},
		parsers.Field{Name: FieldUUID, Type: "keyword", Description: "GPU UUID (GPU-...)."},
		parsers.Field{Name: FieldSerial, Type: "keyword", Description: "GPU board serial number."},
		parsers.Field{Name: FieldSXidCode, Type: "long", Description: "NVSwitch SXid error code."},
		parsers.Field{Name: FieldSXidSeverity, Type: "keyword", Description: "SXid severity as logged: fatal or non-fatal."},
		parsers.Field{Name: FieldSXidMessage, Type: "match_only_text", Description: "Text the NVSwitch driver logged after the SXid code."},
		parsers.Field{Name: FieldNVSwitch, Type: "keyword", Description: "NVSwitch device that logged the line: an SXid, or its driver's other lines (nvidia-nvswitch3)."},
		parsers.Field{Name: event.FieldK8sPodUID, Type: "keyword", Description: "Pod UID: for an OOM kill, the pod the killed process's cgroup belongs to."},
		parsers.Field{Name: FieldContainerID, Type: "keyword", Description: "Container id: for an OOM kill, the container the killed process's cgroup belongs to."},
	),
}
