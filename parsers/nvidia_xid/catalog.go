package nvidia_xid

// Cause says where an Xid most often points, so that on-call knows whom to page: the workload's
// owners, the node's hardware, or the driver stack.
const (
	CauseHardware    = "hardware"
	CauseApplication = "application"
	CauseDriver      = "driver"
)

// Entry is what sluice knows about one Xid code: NVIDIA's published name for it, our one-line
// explanation, the usual cause, the first thing to do, and the level the event gets.
type Entry struct {
	Code        int
	Name        string
	Description string
	Cause       string
	Action      string
	Level       string
}

// Recommended actions, in the order an operator escalates them.
const (
	actRestartApp       = "Restart the application; if it repeats, debug it (compute-sanitizer, cuda-gdb) before suspecting the GPU."
	actLookEarlier      = "No action on its own: look at the Xid logged just before it for the same GPU."
	actResetGPU         = "Drain the GPU's workloads and reset it (nvidia-smi -r) or reboot the node; if it repeats, run DCGM diagnostics."
	actUpdateDriver     = "Reset the GPU or reboot the node; if it repeats, update the driver and GPU firmware and contact NVIDIA support."
	actRMA              = "Drain the node, reset the GPU and run DCGM diagnostics (dcgmi diag -r 3); replace the GPU if the error comes back."
	actReboot           = "Drain the node and reboot it; check power delivery, cooling and PCIe seating; replace the GPU if it happens again."
	actRemapLater       = "Workloads keep running; reset the GPU at the next convenient time so the remapped rows take effect, and watch the count."
	actRestartContained = "Restart the applications the error stopped; watch the ECC and row-remapping counts (nvidia-smi -q -d ECC,ROW_REMAPPER) and reset the GPU if they grow or the error repeats."
	actWatch            = "Keep the node in service and watch the error counts (DCGM, nvidia-smi -q -d ECC); plan a reset or replacement if they grow."
	actNVLink           = "Reset the GPUs on the link (or reboot the node) and check NVLink/NVSwitch health and Fabric Manager; replace the part if the link keeps failing."
	actRecovery         = "Do what the driver asks in the message (none, GPU reset, node reboot, drain peer-to-peer traffic)."
	actRetrain          = "No urgent action: reset the GPU (or reboot the node) when convenient to retrain the link; replace the part if it comes back."
	actRestartVM        = "Restart the virtual machine that owns the GPU; if it repeats, contact NVIDIA support."
	actIntentionalLink  = "If nobody took the link down on purpose (maintenance, power saving), find who did; reset the GPU to bring the link back."
	actSympathetic      = "Look at the other Xids logged for the GPU and follow theirs; if this one comes alone, report it (with UVM or vGPU in use, reset the GPU)."
	actNone             = "No action."
	actPowerSmoothing   = "No reset needed; if power smoothing matters for the facility, resolve the thermal events or plan to replace the GPU."
	actEnableECC        = "Enable ECC (so that rows can be remapped) or reboot the node."
)

// catalog lists the Xids an Ampere, Hopper or Blackwell data-center GPU logs in practice, and a few
// that older GPUs still in clusters log (T4, V100, a development node's workstation card). The
// facts (names, likely causes, resolution buckets) come from NVIDIA's "Xid Errors" and "Xid
// Catalog" documentation (docs.nvidia.com/deploy/xid-errors); the wording is ours.
var catalog = []Entry{
	{8, "GPU stopped processing", "A channel stopped making progress (idle timeout); usually the application, sometimes the driver or the PCIe bus.", CauseApplication, actRestartApp, "error"},
	{11, "Invalid or corrupted push buffer stream", "The GPU received a command stream it could not decode, most often from a misbehaving application.", CauseApplication, actRestartApp, "error"},
	{12, "Driver error handling GPU exception", "The driver failed while handling an exception the GPU raised.", CauseDriver, actUpdateDriver, "error"},
	{13, "Graphics Engine Exception", "A kernel on the GPU faulted: typically an out-of-bounds access or an illegal instruction in the application; can also follow hardware or memory errors.", CauseApplication, actRestartApp, "error"},
	{16, "Display engine hung", "The display engine stopped responding (a GPU that drives a display: a workstation or a development node's card); usually the driver.", CauseDriver, actUpdateDriver, "error"},
	{31, "GPU memory page fault", "The GPU's MMU reported an illegal address access, almost always an application bug (bad pointer, use after free); rarely the driver or hardware.", CauseApplication, actRestartApp, "error"},
	{32, "Invalid or corrupted push buffer stream", "The DMA controller that moves commands over PCIe reported a fault; points at PCIe signal quality, system memory or the driver rather than the application.", CauseHardware, actResetGPU, "error"},
	{38, "Driver firmware error", "Firmware running on the GPU reported an error to the driver.", CauseDriver, actUpdateDriver, "error"},
	{43, "GPU stopped processing", "The application hit a software-induced fault and its GPU context was stopped; the GPU itself stays healthy.", CauseApplication, actRestartApp, "error"},
	{44, "Graphics Engine fault during context switch", "The graphics engine faulted while switching contexts; usually the driver.", CauseDriver, actUpdateDriver, "error"},
	{45, "Preemptive cleanup, due to previous errors", "The driver tore down a context because its application ended (Ctrl-C, kill, crash) or an earlier error made it unusable.", CauseApplication, actLookEarlier, "warning"},
	{46, "GPU stopped processing", "The GPU stopped processing work; needs a reset to recover.", CauseDriver, actResetGPU, "critical"},
	{48, "Double Bit ECC Error", "An uncorrectable (double-bit) ECC error in GPU memory; applications using it get an error and the GPU needs a reset.", CauseHardware, actRMA, "critical"},
	{54, "Auxiliary power is not connected to the GPU board", "The board's auxiliary power cable is missing or not seated, so the GPU runs limited or not at all.", CauseHardware, actReboot, "critical"},
	{56, "Display Engine error", "The display engine reported an error.", CauseDriver, actUpdateDriver, "error"},
	{57, "Error programming video memory interface", "The driver could not program the GPU memory interface.", CauseHardware, actRMA, "error"},
	{58, "Unstable video memory interface detected", "The GPU memory interface is unstable.", CauseHardware, actRMA, "error"},
	{59, "Internal micro-controller error", "A micro-controller on the GPU reported an error (drivers before R450 log it; later ones use Xid 62 and 144-150).", CauseDriver, actUpdateDriver, "error"},
	{60, "Video processor exception", "The video processor (video decode or encode engine) raised an exception.", CauseDriver, actUpdateDriver, "error"},
	{61, "Internal micro-controller breakpoint/warning", "An on-GPU micro-controller (PMU) hit a breakpoint or warning.", CauseDriver, actUpdateDriver, "error"},
	{62, "Internal micro-controller halt", "An on-GPU micro-controller halted; the GPU cannot recover without a reset. Can be hardware, driver or thermal.", CauseHardware, actResetGPU, "critical"},
	{63, "ECC page retirement or row remapping recording event", "The GPU recorded a memory page retirement or row remap after ECC errors; the remap takes effect at the next reset.", CauseHardware, actRemapLater, "warning"},
	{64, "ECC page retirement or row remapper recording failure", "The GPU failed to record a page retirement or row remap; the memory error could not be contained for the future.", CauseHardware, actRMA, "critical"},
	{65, "Video processor exception", "A video engine raised an exception.", CauseDriver, actResetGPU, "error"},
	{68, "NVDEC0 Exception", "The video decoder raised an exception, usually from the decoding application or the driver.", CauseDriver, actRestartApp, "error"},
	{69, "Graphics Engine class error", "The graphics engine received a method it does not accept; usually the driver, sometimes hardware.", CauseDriver, actResetGPU, "error"},
	{74, "NVLink Error", "An NVLink between this GPU and a peer GPU or NVSwitch failed; the fault may be at either end of the link.", CauseHardware, actNVLink, "critical"},
	{79, "GPU has fallen off the bus", "The driver can no longer reach the GPU over PCIe: power delivery, overheating, PCIe link or board failure. Every process on the GPU is lost.", CauseHardware, actReboot, "critical"},
	{80, "Corrupted data sent to GPU", "Data the GPU received over PCIe was corrupted.", CauseHardware, actRMA, "error"},
	{81, "VGA Subsystem Error", "The GPU's VGA subsystem reported an error.", CauseHardware, actRMA, "error"},
	{92, "High single-bit ECC error rate", "Correctable ECC errors arrive at a high rate; the GPU still works but its memory is degrading.", CauseHardware, actWatch, "warning"},
	{93, "Non-fatal violation of provisioned InfoROM wear limit", "The InfoROM has been written more often than it is provisioned for.", CauseHardware, actWatch, "warning"},
	{94, "Contained ECC error", "An uncorrectable memory error was contained: only the applications using that memory were stopped; others keep running.", CauseHardware, actRestartContained, "error"},
	{95, "Uncontained ECC error", "An uncorrectable memory error could not be contained: every application on the GPU is affected and the GPU must be reset.", CauseHardware, actRMA, "critical"},
	{109, "Context Switch Timeout Error", "A context switch did not finish in time; it often follows the GSP's or the GPU's own failure (Xid 62, 119, 154), and NVIDIA's catalog asks for a GPU reset.", CauseDriver, actResetGPU, "critical"},
	{110, "Security Fault Error", "The GPU detected a security fault.", CauseHardware, actRMA, "critical"},
	{119, "GSP RPC Timeout", "The driver timed out waiting for the GPU System Processor (GSP) firmware to answer; the GPU usually needs a reset.", CauseDriver, actUpdateDriver, "critical"},
	{120, "GSP Error", "The GPU System Processor (GSP) firmware reported an error.", CauseDriver, actUpdateDriver, "critical"},
	{121, "C2C Link Error", "The chip-to-chip NVLink to the Grace CPU corrected errors; no impact now, a reset retrains the link.", CauseHardware, actRetrain, "warning"},
	{122, "SPI PMU RPC read failure", "Reading the GPU's SPI flash through the PMU failed.", CauseHardware, actResetGPU, "error"},
	{123, "SPI PMU RPC write failure", "Writing the GPU's SPI flash through the PMU failed.", CauseHardware, actResetGPU, "error"},
	{124, "SPI PMU RPC erase failure", "Erasing the GPU's SPI flash through the PMU failed.", CauseHardware, actResetGPU, "error"},
	{125, "Inforom FS Failure", "The GPU's InfoROM file system failed.", CauseHardware, actResetGPU, "error"},
	{136, "ALI training failure", "An NVLink link failed its autonomous link initialization (training) and did not come up.", CauseHardware, actResetGPU, "critical"},
	{137, "NVLink FLA privilege error", "The remote MMU reported an illegal NVLink peer-to-peer access; usually an application bug, sometimes the driver or hardware.", CauseApplication, actRestartApp, "error"},
	{140, "Unrecovered ECC Error", "Uncorrectable memory errors kept the driver from retiring or remapping the affected memory.", CauseHardware, actRMA, "critical"},
	{143, "GPU Initialization Failure", "The GPU failed to initialize.", CauseHardware, actRMA, "critical"},
	{144, "NVLINK: SAW Error", "An NVLink5 error in the SAW unit of a Blackwell GPU's link; the line says whether it was fatal (the link went down) or corrected.", CauseHardware, actNVLink, "error"},
	{145, "NVLINK: RLW Error", "An NVLink5 error in the RLW unit (remap, receive pipe, source tracking) of a Blackwell GPU's link; fatal or corrected as the line says.", CauseHardware, actNVLink, "error"},
	{146, "NVLINK: TLW Error", "An NVLink5 error in the TLW unit of a Blackwell GPU's link; fatal or corrected as the line says.", CauseHardware, actNVLink, "error"},
	{147, "NVLINK: TREX Error", "An NVLink5 error in the TREX unit of a Blackwell GPU's link; fatal or corrected as the line says.", CauseHardware, actNVLink, "error"},
	{148, "NVLINK: NVLPW_CTRL Error", "An NVLink5 error in the NVLPW control unit of a Blackwell GPU's link; fatal or corrected as the line says.", CauseHardware, actNVLink, "error"},
	{149, "NVLINK: NETIR Error", "An NVLink5 link event (NETIR: the link went down, or its peer did); a fatal one is followed by Xid 45 for the channels it killed and often Xid 154.", CauseHardware, actNVLink, "error"},
	{150, "NVLINK: MSE Error", "An NVLink5 error reported by the link's MSE firmware on a Blackwell GPU; fatal or corrected as the line says.", CauseHardware, actNVLink, "error"},
	{151, "Key rotation Error", "Rotating the confidential-computing encryption keys failed.", CauseDriver, actRestartVM, "error"},
	{154, "GPU recovery action changed", "The driver changed the recovery action it requires for the GPU (none, GPU reset, node reboot, drain peer-to-peer, drain and reset).", CauseDriver, actRecovery, "critical"},
	{155, "NVLINK: SW Defined Error", "An NVLink5 link went down on purpose (software asked for it, or the link went to sleep).", CauseDriver, actIntentionalLink, "warning"},
	{156, "Resource Retirement Event", "The GPU retired a faulty internal resource, as it remaps memory rows; it takes effect at the next reset.", CauseHardware, actRemapLater, "warning"},
	{157, "Resource Retirement Failure", "The GPU could not retire a faulty resource: no spare is left, and the same error may come back.", CauseHardware, actRMA, "error"},
	{158, "GPU Fatal Timeout", "A fatal timeout on the GPU; it needs a reset.", CauseHardware, actResetGPU, "critical"},
	{159, "CHI Non-Data Error", "An error on the chip-to-chip (C2C) link to the Grace CPU; usually a consequence of another error.", CauseHardware, actSympathetic, "warning"},
	{160, "Channel Retirement Event", "The driver retired a GPU channel after errors on it.", CauseDriver, actLookEarlier, "warning"},
	{161, "Channel Retirement Failure", "The driver could not retire a GPU channel after errors on it.", CauseDriver, actLookEarlier, "error"},
	{162, "Power Smoothing HW Circuitry capability reengaged", "The GPU's power smoothing circuitry works again.", CauseHardware, actNone, "info"},
	{163, "Power Smoothing HW Circuitry capability disengaged", "The GPU's power smoothing circuitry was turned off (a thermal event, or a timeout): power draw swings until it is back.", CauseHardware, actPowerSmoothing, "warning"},
	{164, "Power Smoothing HW Circuitry low lifetime reached", "The GPU's power smoothing circuitry is near the end of its life and will be turned off soon.", CauseHardware, actPowerSmoothing, "warning"},
	{165, "Power Smoothing HW Circuitry lifetime exhausted", "The GPU's power smoothing circuitry is worn out and turned off: power draw swings from now on.", CauseHardware, actPowerSmoothing, "error"},
	{166, "NVLink secure crypto error", "Confidential-computing traffic arrived on an NVLink before the link was set up for encryption.", CauseDriver, actUpdateDriver, "error"},
	{167, "PCIe Fatal Timeout", "A fatal timeout on the GPU's PCIe link.", CauseHardware, actReboot, "critical"},
	{168, "Reduced GPU memory capacity", "Errors in the GPU's write-protected memory region left it with less memory; seen with ECC off.", CauseHardware, actEnableECC, "warning"},
	{169, "Internal micro-controller halt (SEC2)", "The GPU's SEC2 micro-controller halted; the GPU cannot recover without a reset.", CauseHardware, actResetGPU, "critical"},
	{170, "NVLink secure interrupt", "An NVLink interrupt in confidential-computing mode.", CauseDriver, actUpdateDriver, "warning"},
	{171, "Uncorrectable DRAM Error", "Details of an uncorrectable memory error (with Xid 48): it was in the GPU's DRAM (HBM, GDDR).", CauseHardware, actRMA, "critical"},
	{172, "Uncorrectable SRAM Error", "Details of an uncorrectable memory error (with Xid 48): it was in an on-chip SRAM.", CauseHardware, actRMA, "critical"},
}

var byCode = func() map[int]*Entry {
	m := make(map[int]*Entry, len(catalog))
	for i := range catalog {
		m[catalog[i].Code] = &catalog[i]
	}
	return m
}()

// Lookup returns the catalog entry for an Xid code.
func Lookup(code int) (Entry, bool) {
	if e, ok := byCode[code]; ok {
		return *e, true
	}
	return Entry{}, false
}

// Catalog returns every entry, in code order, for documentation and tools.
func Catalog() []Entry { return append([]Entry(nil), catalog...) }
