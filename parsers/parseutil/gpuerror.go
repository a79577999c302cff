package parseutil

import (
	"strings"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// FieldGPUErrorKind names the class of an NVIDIA user-space failure a line reports.
const FieldGPUErrorKind = "gpu.error.kind"

// GPU failure kinds.
const (
	KindDriverMismatch  = "driver_library_mismatch"
	KindNVMLInit        = "nvml_init"
	KindNVMLMissing     = "nvml_missing"
	KindDriverNotLoaded = "driver_not_loaded"
	KindContainerCLI    = "container_cli"
	KindNoDevice        = "no_device"
	KindRuntimeMissing  = "runtime_not_configured"
	KindCDIUnresolvable = "cdi_unresolvable"
	// KindGPUUnreachable: NVML cannot reach a GPU it lists (nvidia-smi's "Unable to determine the
	// device handle for GPU 0000:01:00.0: Unknown Error"): most often one fallen off the bus,
	// whose Xid 79 is on the node.
	KindGPUUnreachable = "gpu_unreachable"
	// KindDriverTooOld: the CUDA runtime in the image is newer than the node's driver allows.
	KindDriverTooOld = "driver_too_old"
	// KindFabricNotReady: CUDA's error 802 ("system not yet initialized"): on an NVSwitch node
	// (HGX, B200, GB200 NVL72) the GPUs' fabric is not up, Fabric Manager (or the NVLink subnet
	// manager) not running or not done; no CUDA program starts until it is.
	KindFabricNotReady = "fabric_not_ready"
	// KindCUDAError: any other CUDA error a program reports (vllm.error.kind's cuda_error).
	KindCUDAError = "cuda_error"
)

// gpuFailures maps phrases of NVIDIA user-space failures, as NVML, nvidia-smi, the container
// toolkit's CLI and the CUDA runtime print them, to a kind and the dataset of the stack part
// at fault (the toolkit's, whenever its CLI wrote or is quoted; "" where the line is the
// program's own). The first that matches wins, so the precise phrases come first: a container-cli
// error caused by a version mismatch is a mismatch.
var gpuFailures = [...]struct{ phrase, kind, dataset string }{
	{"river/library version mismatch", KindDriverMismatch, DatasetDriver},
	{"NVRM: API mismatch", KindDriverMismatch, DatasetDriver},
	// Fabric Manager after a driver update without its own: "fabric manager NVIDIA GPU driver
	// interface version 550.127.05 don't match with driver version 550.120."
	{"NVIDIA GPU driver interface version", KindDriverMismatch, DatasetFabricManager},
	{"couldn't communicate with the NVIDIA driver", KindDriverNotLoaded, DatasetDriver},
	{"nvml error: driver not loaded", KindDriverNotLoaded, DatasetDriver},
	// NVML_ERROR_DRIVER_NOT_LOADED's text after the toolkit's lower-case "failed to initialize
	// NVML: " (its CDI spec generation at boot, before the driver container loaded the module)
	{"NVML: Driver Not Loaded", KindDriverNotLoaded, DatasetDriver},
	{"nvml: Driver Not Loaded", KindDriverNotLoaded, DatasetDriver},
	{"NVIDIA driver is not loaded", KindDriverNotLoaded, DatasetDriver},
	// the runtime building a GPU pod's spec from the driver's device nodes that are not there
	// (the GPU operator's driver container not ready: "failed to generate spec: lstat
	// /run/nvidia/driver/dev/nvidiactl: no such file or directory"): every GPU pod's
	// CreateContainerError until the driver loads
	{"/dev/nvidiactl: no such file or directory", KindDriverNotLoaded, DatasetDriver},
	{"libnvidia-ml.so", KindNVMLMissing, DatasetDriver},
	{"could not load NVML library", KindNVMLMissing, DatasetDriver},
	// DCGM's text for DCGM_ST_NVML_NOT_LOADED, which dcgm-exporter reports when it exports no GPU
	// metric at all ("Not collecting GPU metrics; Error getting devices count: Cannot perform the
	// requested operation because NVML doesn't exist on this system.")
	{"because NVML doesn't exist on this system", KindNVMLMissing, DatasetDriver},
	// NVML's own code for it, whatever words come before ("Failed to initialize NVML:
	// ERROR_LIBRARY_NOT_FOUND.", the device plugin 0.19; the MIG manager's "error initializing
	// NVML: ERROR_LIBRARY_NOT_FOUND"; dcgm-exporter 4's "Cannot init NVML library; err: ...")
	{"NVML: ERROR_LIBRARY_NOT_FOUND", KindNVMLMissing, DatasetDriver},
	{"err: ERROR_LIBRARY_NOT_FOUND", KindNVMLMissing, DatasetDriver},
	{"nvidia-container-cli: ", KindContainerCLI, DatasetToolkit},
	{"nvidia-container-cli.real: ", KindContainerCLI, DatasetToolkit}, // the GPU operator's wrapped binary
	// the toolkit's runtime and its prestart hook failing where its CLI would (the OCI runtime's
	// "create failed" quoting them): the runtime without its hook binary ("nvidia-container-runtime
	// did not terminate sucessfully: ... inject NVIDIA hook: stat /usr/bin/nvidia-container-
	// runtime-hook: no such file or directory", runc's spelling), the hook refusing the image's
	// NVIDIA_DRIVER_CAPABILITIES ("stderr: unknown driver capability: all: unknown")
	{"inject NVIDIA hook", KindContainerCLI, DatasetToolkit},
	{"nvidia-container-runtime did not terminate", KindContainerCLI, DatasetToolkit},
	// the toolkit's runtime unable to start at all ("failed to create NVIDIA Container Runtime:
	// error constructing low-level runtime: error locating runtime: no runtime binary found ...")
	{"failed to create NVIDIA Container Runtime", KindContainerCLI, DatasetToolkit},
	{"unknown driver capability: ", KindContainerCLI, DatasetToolkit},
	// the Python NVML binding's exceptions (nvidia-ml-py's pynvml, vLLM's vendored copy):
	// "pynvml.NVMLError_LibraryNotFound: NVML Shared Library Not Found", a program's NVML
	// calls on a node whose driver is not there, not loaded, or lost a GPU
	{"NVMLError_LibraryNotFound", KindNVMLMissing, DatasetDriver},
	{"NVMLError_DriverNotLoaded", KindDriverNotLoaded, DatasetDriver},
	{"NVMLError_GpuIsLost", KindGPUUnreachable, DatasetDriver},
	// NVML's unknown error on a GPU the container listed a moment before ("pynvml.NVMLError_Unknown:
	// Unknown Error" from nvmlDeviceGetHandleByIndex): a pod that lost its device cgroup's
	// access (a systemd daemon-reload on the node), as nvidia-smi's "Unable to determine the
	// device handle for GPU ...: Unknown Error"
	{"NVMLError_Unknown: Unknown Error", KindGPUUnreachable, DatasetDriver},
	// go-nvml's words for it, which the device plugin's allocation error quotes ("error
	// creating nvml.Device 5: nvml: GPU is lost, which is unexpected")
	{"nvml: GPU is lost", KindGPUUnreachable, DatasetDriver},
	{"(15): GPU is lost", KindGPUUnreachable, ""}, // NVML_ERROR_GPU_IS_LOST by number (Slurm's "NVML: Failed to get usage(15): GPU is lost")
	// the device plugin's health check when NVML's event wait reports a GPU gone ("Error
	// waiting for event: GPU is lost; Marking all devices as unhealthy"): every GPU of the node
	// leaves the allocatable count
	{"GPU is lost; Marking all devices as unhealthy", KindGPUUnreachable, DatasetDevicePlugin},
	// its NVML start without the library ("... failed to construct resource managers: nvml init
	// failed: ERROR_LIBRARY_NOT_FOUND")
	{"nvml init failed: ERROR_LIBRARY_NOT_FOUND", KindNVMLMissing, DatasetDriver},
	{"NVMLError_Uninitialized", KindNVMLInit, DatasetDriver},
	{"Failed to initialize NVML", KindNVMLInit, DatasetDriver},
	{"Cannot init NVML", KindNVMLInit, DatasetDriver},
	// containerd (or the kubelet quoting it) asked for the nvidia runtime class that the
	// toolkit did not configure: no GPU pod starts on the node.
	{`no runtime for "nvidia" is configured`, KindRuntimeMissing, DatasetToolkit},
	{`no runtime for \"nvidia\" is configured`, KindRuntimeMissing, DatasetToolkit},
	{`no runtime for \\\"nvidia\\\" is configured`, KindRuntimeMissing, DatasetToolkit}, // the kubelet's err="..." quoting containerd's
	// the device plugin finding neither NVML nor a Tegra GPU in its container: the nvidia
	// runtime did not inject the driver ("Incompatible strategy detected auto", then "If this
	// is a GPU node, did you configure the NVIDIA Container Toolkit?", then "invalid device
	// discovery strategy")
	{"did you configure the NVIDIA Container Toolkit?", KindRuntimeMissing, DatasetToolkit},
	// Docker's forms: dockerd without the nvidia runtime in daemon.json ("unknown or invalid
	// runtime name: nvidia"; "unknown runtime specified nvidia" before 20.10), and --gpus
	// without the toolkit ("could not select device driver \"nvidia\" with capabilities: [[gpu]]")
	{"unknown or invalid runtime name: nvidia", KindRuntimeMissing, DatasetToolkit},
	{"unknown runtime specified nvidia", KindRuntimeMissing, DatasetToolkit},
	{"Unknown runtime specified nvidia", KindRuntimeMissing, DatasetToolkit}, // the docker CLI's
	{`could not select device driver "nvidia"`, KindRuntimeMissing, DatasetToolkit},
	{`could not select device driver \"nvidia\"`, KindRuntimeMissing, DatasetToolkit},
	// the same asked with --gpus (no driver named): Docker without the toolkit's runtime
	{`could not select device driver "" with capabilities: [[gpu]]`, KindRuntimeMissing, DatasetToolkit},
	{`could not select device driver \"\" with capabilities: [[gpu]]`, KindRuntimeMissing, DatasetToolkit},
	// and a CDI device asked for (--device=nvidia.com/gpu=all) of a Docker without its CDI
	// feature on (Docker 25 and 26)
	{`could not select device driver "cdi"`, KindRuntimeMissing, DatasetToolkit},
	{`could not select device driver \"cdi\"`, KindRuntimeMissing, DatasetToolkit},
	// an NGC image's entrypoint (Triton, PyTorch, NIM) started without the GPUs injected:
	// "WARNING: The NVIDIA Driver was not detected.  GPU functionality will not be available."
	// (the image's program's own line: its dataset stays the program's)
	{"The NVIDIA Driver was not detected", KindRuntimeMissing, ""},
	// the same seen by the dynamic loader: a CUDA program started without the driver's
	// libraries injected ("error while loading shared libraries: libcuda.so.1: cannot open
	// shared object file: No such file or directory")
	{"libcuda.so.1: cannot open shared object file", KindRuntimeMissing, ""},
	{"Incompatible strategy detected auto", KindRuntimeMissing, DatasetToolkit},
	{"Incompatible platform detected", KindRuntimeMissing, DatasetToolkit}, // the same, the device plugin v0.14 and later (factory.go)
	{"invalid device discovery strategy", KindRuntimeMissing, DatasetToolkit},
	{"no CUDA-capable device is detected", KindNoDevice, DatasetDriver},
	// torch's words when CUDA counts no device ("RuntimeError: No CUDA GPUs are available"),
	// and for cudaErrorUnknown at CUDA's start ("CUDA unknown error - this may be due to an
	// incorrectly set up environment, e.g. changing env variable CUDA_VISIBLE_DEVICES after
	// program start"): the program's own failure, its dataset stays
	{"No CUDA GPUs are available", KindNoDevice, ""},
	{"CUDA unknown error - this may be due to an incorrectly set up environment", KindCUDAError, ""},
	// PyTorch's words when CUDA finds no driver (no libcuda in the container, no module on the
	// host: "RuntimeError: Found no NVIDIA driver on your system. Please check that you have an
	// NVIDIA GPU and installed a driver from ..."): the program's own line, its dataset the
	// program's
	{"Found no NVIDIA driver on your system", KindDriverNotLoaded, ""},
	// cudaErrorDevicesUnavailable (46): the GPU is in Exclusive_Process compute mode and another
	// process holds it (the MPS control daemon sets that mode: a process that is not its client
	// gets this), as the validator's CUDA sample reports it ("Failed to allocate device vector A
	// (error code CUDA-capable device(s) is/are busy or unavailable)!"): a CUDA error, as in a
	// torch traceback
	{"CUDA-capable device(s) is/are busy or unavailable", KindCUDAError, ""},
	// the same in CUDA before 11 ("all CUDA-capable devices are busy or unavailable"), as
	// TensorFlow and older torch builds quote it
	{"CUDA-capable devices are busy or unavailable", KindCUDAError, ""},
	// cudaErrorMpsConnectionFailed (805): an MPS client (a GPU shared by the device plugin's MPS
	// mode, or a node's own MPS daemon) that reaches neither its control daemon nor its server
	// ("Unexpected error from cudaGetDeviceCount(). ... Error 805: MPS client failed to connect
	// to the MPS control daemon or the MPS server"): no CUDA program starts on the GPU
	{"Error 805: MPS client failed to connect", KindCUDAError, ""},
	// cudaErrorMpsServerNotReady (807): the MPS server not yet up, or restarting after a client
	// faulted ("Error 807: MPS server is not ready to accept new MPS client requests")
	{"Error 807: MPS server is not ready", KindCUDAError, ""},
	{"CUDA error: MPS client failed to connect", KindCUDAError, ""}, // torch's words for it
	{"Unable to determine the device handle for GPU", KindGPUUnreachable, DatasetDriver},
	{"Unable to determine the device handle for gpu", KindGPUUnreachable, DatasetDriver}, // newer drivers' nvidia-smi
	// go-nvlib's words for the same (GFD, the device plugin): "error getting device handle for
	// index '0': Unknown Error", or "GPU is lost"
	{"device handle for index", KindGPUUnreachable, DatasetDriver},
	// torch's caching allocator asking NVML for the handle of its GPU by bus id: "RuntimeError:
	// NVML_SUCCESS == DriverAPI::get()->nvmlDeviceGetHandleByPciBusId_v2_( pci_id, &nvml_device)
	// INTERNAL ASSERT FAILED at ...CUDACachingAllocator.cpp"
	{"nvmlDeviceGetHandleByPciBusId", KindGPUUnreachable, DatasetDriver},
	// cudaErrorInsufficientDriver's text: the image's CUDA needs a newer driver than the node's
	{"CUDA driver version is insufficient for CUDA runtime version", KindDriverTooOld, DatasetDriver},
	// cudaErrorUnsupportedPtxVersion (222): kernels built by a newer CUDA toolkit than the
	// node's driver can JIT ("CUDA error: the provided PTX was compiled with an unsupported
	// toolchain.", a vLLM or FlashInfer build newer than the driver)
	{"the provided PTX was compiled with an unsupported toolchain", KindDriverTooOld, DatasetDriver},
	// PyTorch's words for the same, as its CUDA initialisation warns ("UserWarning: CUDA
	// initialization: The NVIDIA driver on your system is too old (found version 11040). ...") and
	// raises (RuntimeError): torch goes on without the GPU, and vLLM fails later elsewhere
	{"The NVIDIA driver on your system is too old", KindDriverTooOld, DatasetDriver},
	// cudaErrorCompatNotSupportedOnDevice (804): the image's CUDA is newer than the node's driver
	// and its forward-compatibility library cannot bridge them on this GPU (a GeForce's)
	{"Error 804: forward compatibility was attempted on non supported HW", KindDriverTooOld, DatasetDriver},
	{"(error code forward compatibility was attempted on non supported HW)", KindDriverTooOld, ""}, // the CUDA samples' words for it
	// cudaErrorSystemDriverMismatch (803): the CUDA driver library the container loads is not
	// the kernel driver's version
	{"Error 803: system has unsupported display driver / cuda driver combination", KindDriverMismatch, DatasetDriver},
	// cudaErrorSystemNotReady (802): the fabric of an NVSwitch node not up ("CUDA initialization:
	// Unexpected error from cudaGetDeviceCount(). ... Error 802: system not yet initialized")
	{"Error 802: system not yet initialized", KindFabricNotReady, DatasetFabricManager},
	// the same through the driver API, torch's C10_CUDA_DRIVER_CHECK (symmetric memory's
	// rendezvous: "RuntimeError: CUDA driver error: system not yet initialized")
	{"CUDA driver error: system not yet initialized", KindFabricNotReady, DatasetFabricManager},
	// and its runtime words anywhere (torch's "CUDA error: system not yet initialized", NCCL's
	// "Cuda failure 802 'system not yet initialized'", a sample's "(error code system not yet
	// initialized)"): cudaErrorSystemNotReady's text, which no other error has
	{"system not yet initialized", KindFabricNotReady, DatasetFabricManager},
	// the same code as a program's own words print it (Ollama's GPU discovery: "cudaSetDevice
	// err: 802", "cudart init failure: 802"; it goes on without the GPUs)
	{"cudaSetDevice err: 802", KindFabricNotReady, ""},
	{"init failure: 802", KindFabricNotReady, ""},
	// CDI injection (toolkit 1.14 and later, containerd 2, Kata's GPU passthrough): the
	// device's spec was not generated or names a device the node no longer has
	{"unresolvable CDI devices nvidia.com/", KindCDIUnresolvable, DatasetToolkit},
	{"could not resolve CDI devices: [nvidia.com/", KindCDIUnresolvable, DatasetToolkit}, // the runtime's warning before it
	{"unresolvable CDI devices management.nvidia.com/", KindCDIUnresolvable, DatasetToolkit},
	{"unresolvable CDI devices runtime.nvidia.com/", KindCDIUnresolvable, DatasetToolkit},
	// the DRA driver's CDI kinds, "k8s." and its driver's name: k8s.gpu.nvidia.com/device and
	// /claim (Kubernetes' DRA path for GPUs)
	{"unresolvable CDI devices k8s.gpu.nvidia.com/", KindCDIUnresolvable, DatasetDRA},
	{"unresolvable CDI devices k8s.compute-domain.nvidia.com/", KindCDIUnresolvable, DatasetDRA},
	// the toolkit's CDI hook older than the spec that calls it (toolkit before 1.18: "error
	// running createContainer hook #5: exit status 3, stdout: , stderr: No help topic for
	// 'disable-device-node-modification'")
	{"No help topic for 'disable-device-node-modification'", KindContainerCLI, DatasetToolkit},
	{"No help topic for 'update-ldcache'", KindContainerCLI, DatasetToolkit},
	{"No help topic for 'create-symlinks'", KindContainerCLI, DatasetToolkit},
	// the OCI hook the runtime calls with "prestart" (nvidia-container-runtime-hook), a binary
	// that is not it (a toolkit built from source: dockerd's "error running hook: exit status 3,
	// stdout: , stderr: ... No help topic for 'prestart'")
	{"No help topic for 'prestart'", KindContainerCLI, DatasetToolkit},
	// toolkit 1.20's CDI hook that writes the driver's application profiles into the
	// container, on a read-only root file system ("error running createContainer hook #6: ...
	// stderr: ... msg=\"failed to create application profiles directory: mkdirat
	// etc/nvidia/nvidia-application-profiles-rc.d: read-only file system\""): no GPU container
	// starts, the device plugin's included
	{"failed to create application profiles directory", KindContainerCLI, DatasetToolkit},
	{"unable to setup runtime: ", KindRuntimeMissing, DatasetToolkit},
	// containerd configured for the nvidia runtime whose binary the toolkit did not install (or
	// removed): every GPU pod's sandbox fails ("... fork/exec /usr/bin/nvidia-container-runtime:
	// no such file or directory")
	{"nvidia-container-runtime: no such file or directory", KindRuntimeMissing, DatasetToolkit},
	// the operator's validator finding no nvidia-smi in a container the toolkit should have set
	// up ("Error: error validating toolkit installation: exec: \"nvidia-smi\": executable file
	// not found in $PATH"): the runtime does not inject the driver
	{"error validating toolkit installation", KindRuntimeMissing, DatasetToolkit},
}

// GPUFailure returns the kind and dataset of the NVIDIA user-space failure s reports, or "".
// Every phrase holds "vml", "NV", "nvidia", "CUDA", "device handle", " strategy", "[[gpu]]" or
// CUDA's "Error 80N", "GPU is lost", or comes in an OCI runtime's "error running
// [createContainer] hook", so other lines cost a dozen scans.
func GPUFailure(s string) (kind, dataset string) {
	if t := strings.TrimRight(s, ". \r"); t == "No devices were found" {
		// nvidia-smi's whole answer on a node whose driver sees no GPU (the validator's
		// driver validation, a pod's entrypoint): the GPUs gone, or held by another driver
		return KindNoDevice, DatasetDriver
	}
	if !strings.Contains(s, "vml") && !strings.Contains(s, "NV") && !strings.Contains(s, "nvidia") &&
		!strings.Contains(s, "CUDA") && !strings.Contains(s, "libcuda") && !strings.Contains(s, "device handle") && !strings.Contains(s, ": 802") && !strings.Contains(s, " strategy") &&
		!strings.Contains(s, "[[gpu]]") && !strings.Contains(s, `"cdi`) && !strings.Contains(s, " hook") && !strings.Contains(s, "Error 80") &&
		!strings.Contains(s, " platform detected") && !strings.Contains(s, "system not yet initialized") && !strings.Contains(s, "GPU is lost") &&
		!strings.Contains(s, " (error code ") {
		return "", ""
	}
	if i := strings.Index(s, "CUDA error at "); i >= 0 && strings.Contains(s[i:], " code=") && strings.Contains(s[i:], "(cuda") {
		// cuda-samples' checkCudaErrors before the sample exits ("CUDA error at
		// ../../common/inc/helper_cuda.h:708 code=30(cudaErrorUnknown)
		// \"cudaGetDeviceCount(&device_count)\""): the sharing docs' test workloads (matrixMul,
		// vectorAdd), an MPS client's side of its server's crash
		switch {
		case strings.Contains(s[i:], "(cudaErrorNoDevice)"):
			return KindNoDevice, ""
		case strings.Contains(s[i:], "(cudaErrorSystemNotReady)"):
			// 802: an NVSwitch node's fabric not up (bandwidthTest's "code=802
			// (cudaErrorSystemNotReady) \"cudaSetDevice(currentDevice)\"")
			return KindFabricNotReady, ""
		}
		return KindCUDAError, ""
	}
	for _, f := range gpuFailures {
		if strings.Contains(s, f.phrase) {
			if f.phrase == "libnvidia-ml.so" && (!failureWords(s) || strings.Contains(s, "Skipping library candidate")) {
				// "Using /usr/lib/x86_64-linux-gnu/libnvidia-ml.so.580.159.03": found, not
				// missing; the toolkit's "Skipping library candidate '...libnvidia-ml.so': error
				// resolving link ...": one path of its search, the next may hold it
				continue
			}
			if f.kind == KindNVMLMissing && strings.Contains(s, "Detected non-NVML platform") {
				// GFD's and the device plugin's platform probe, beside "Detected non-Tegra
				// platform": a result, not a failure (a GPU node without the runtime's
				// injection says so in "Incompatible strategy detected auto" after it)
				return "", ""
			}
			if f.kind == KindCDIUnresolvable && cdiNetwork(s[strings.Index(s, f.phrase)+len(f.phrase):]) {
				continue // a NIC's CDI device under NVIDIA's vendor name: not a GPU's
			}
			if f.phrase == "device handle for index" && !strings.Contains(s, "Unknown Error") && !strings.Contains(s, "GPU is lost") {
				continue // another NVML return (Insufficient Permissions) is not a GPU gone
			}
			// The toolkit's CLI (or the runtime quoting it) wrote the line, whatever the cause.
			if f.dataset != DatasetToolkit && strings.Contains(s, "nvidia-container-") {
				return f.kind, DatasetToolkit
			}
			return f.kind, f.dataset
		}
	}
	if hookFailed(s) && (strings.Contains(s, "stderr: Auto-detected mode as '") || strings.Contains(s, "nvidia-cdi-hook") ||
		strings.Contains(s, "nvidia-container-runtime-hook") || strings.Contains(s, "/nvidia-ctk`")) {
		// the NVIDIA runtime hook failing, its stderr's first line its mode ("... error running
		// hook #0: error running hook: exit status 1, stdout: , stderr: Auto-detected mode as
		// 'legacy'", runc 1.1 and later "error running prestart hook #0: exit status 1, ..."),
		// its CLI's error on the line under it; when that line is in the same message, the
		// failure it names decided above (a driver/library mismatch is one). So too the
		// toolkit's CDI hook that a spec calls, missing or failing (runc's "error running hook
		// #0: fork/exec /usr/bin/nvidia-cdi-hook: no such file or directory", crun's "error
		// executing hook `/usr/bin/nvidia-cdi-hook` (exit code: 1)"; a spec of toolkit 1.14 and
		// before calls `/usr/bin/nvidia-ctk` hook): no GPU container starts.
		return KindContainerCLI, DatasetToolkit
	}
	if t := strings.TrimSpace(s); strings.HasPrefix(t, "Failed to ") && strings.Contains(t, " (error code ") && strings.HasSuffix(t, ")!") {
		// the CUDA samples' checks (vectorAdd, which the GPU operator's validator runs: "Failed
		// to allocate device vector A (error code initialization error)!"): a CUDA error, its
		// runtime's words in the parentheses
		return KindCUDAError, ""
	}
	return "", ""
}

// hookFailed reports whether s is an OCI runtime's report of a hook that failed: runc's "error
// running hook #0: ..." and, since runc 1.1, "error running prestart hook #0: ..." (its
// createRuntime, createContainer and other stages' too), crun's "error executing hook ...".
func hookFailed(s string) bool {
	if strings.Contains(s, "error executing hook ") {
		return true
	}
	_, rest, ok := strings.Cut(s, "error running ")
	if !ok {
		return false
	}
	if strings.HasPrefix(rest, "hook") {
		return true
	}
	word, rest, ok := strings.Cut(rest, " ")
	return ok && word != "" && strings.HasPrefix(rest, "hook #")
}

// cdiNetwork reports whether a CDI device's class (what follows its "nvidia.com/") is a
// network device's: NVIDIA's NICs (ConnectX scalable functions "net-sf=mlx5_core.sf.3", the
// network DRA driver's devices) share the GPUs' vendor name.
func cdiNetwork(class string) bool {
	return strings.HasPrefix(class, "net") || strings.HasPrefix(class, "mlnx") || strings.HasPrefix(class, "rdma")
}

// failureWords reports whether s says that something failed: a line naming a library names it
// when the library was found too.
func failureWords(s string) bool {
	for _, w := range [...]string{"cannot open", "not found", "No such file", "could not", "Could not", "failed",
		"Failed", "error", "Error", "ERROR", "unable", "Unable"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// attributeGPUFailure gives a line of a generic dataset that reports an NVIDIA user-space
// failure (a containerd or kubelet line quoting nvidia-container-cli, a Python program's
// "Failed to initialize NVML") the GPU dataset and gpu.error.kind.
func attributeGPUFailure(ev *event.Event, dataset string) string {
	if kind, ds := GPUFailure(ev.Message()); kind != "" {
		ev.SetString(FieldGPUErrorKind, kind)
		if cause := hookCause(ev.Message()); cause != "" && ev.Has(event.FieldErrorMsg) {
			ev.SetString(event.FieldErrorMsg, cause)
		}
		if strings.HasPrefix(dataset, "generic") && ds != "" {
			return ds
		}
	}
	return dataset
}

// hookCause returns the NVIDIA hook's error under a runtime's report of the hook's failure that
// ends in the first line of its stderr (runc's "... stderr: Auto-detected mode as 'legacy'", as
// Docker's CLI and containerd print it over lines, the parse processor joining them): the
// toolkit CLI's words on the lines under it ("nvidia-container-cli: initialization error: nvml
// error: driver/library version mismatch: unknown"), which say why; "" for another message.
func hookCause(msg string) string {
	first, rest, ok := strings.Cut(msg, "\n")
	if !ok || !HookStderrEnd(first) {
		return ""
	}
	return strings.Join(strings.Fields(rest), " ")
}

// HookStderrEnd reports whether line is a container runtime's report of a failed OCI hook (the
// NVIDIA toolkit's, runc's words through containerd or Docker) that ends in the first line of
// the hook's stderr, the toolkit's mode ("... error running hook #0: error running hook: exit
// status 1, stdout: , stderr: Auto-detected mode as 'legacy'"): the rest of its stderr, the
// toolkit CLI's error, is on the lines under it.
func HookStderrEnd(line string) bool {
	b := strings.TrimRight(line, " ")
	if len(b) < 60 || b[len(b)-1] != '\'' {
		return false
	}
	const mode = "stderr: Auto-detected mode as '"
	i := strings.LastIndex(b, mode)
	if i < 0 {
		return false
	}
	m := b[i+len(mode) : len(b)-1] // legacy, csv, cdi, nvml
	return m != "" && len(m) < 16 && !strings.ContainsAny(m, " '") && strings.Contains(b[:i], "hook")
}
