package parseutil

import "testing"

func TestGPUFailure(t *testing.T) {
	t.Parallel()
	tests := []struct{ line, kind, dataset string }{
		{"Failed to initialize NVML: Driver/library version mismatch", KindDriverMismatch, DatasetDriver},
		// containerd building a validator's spec before the driver container loaded the driver
		// (NVIDIA/gpu-operator issue #377)
		{`level=error msg="CreateContainer within sandbox \"88f2\" for &ContainerMetadata{Name:plugin-validation,Attempt:0,} failed" error="failed to generate container \"ee60\" spec: failed to generate spec: lstat /run/nvidia/driver/dev/nvidiactl: no such file or directory"`, KindDriverNotLoaded, DatasetDriver},
		// the device plugin v0.14 and later on a node whose runtime did not inject the driver
		// (an EKS node's nvidia-device-plugin-ctr, 2024-05-19): its headline, then its hints
		{"Incompatible platform detected", KindRuntimeMissing, DatasetToolkit},
		// nvidia-smi's whole answer on a node whose driver sees no GPU (cloud-hypervisor issue
		// #4353); not the words inside another sentence
		{"No devices were found", KindNoDevice, DatasetDriver},
		{"No devices were found.", KindNoDevice, DatasetDriver},
		{"No devices were found in the config file", "", ""},
		// the validator's CUDA sample on a GPU the MPS daemon holds in Exclusive_Process mode
		// (NVIDIA/gpu-operator issue #2842): a CUDA error, the program's dataset kept
		{"Failed to allocate device vector A (error code CUDA-capable device(s) is/are busy or unavailable)!", KindCUDAError, ""},
		// CUDA 10's words for it, as TensorFlow quotes them (DDMAL/Rodan issue #1332), and an MPS
		// client that reached no MPS daemon (nanoporetech/dorado issue #458)
		{"tensorflow.python.framework.errors_impl.InternalError: CUDA runtime implicit initialization on GPU:0 failed. Status: all CUDA-capable devices are busy or unavailable", KindCUDAError, ""},
		{"[error] Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 805: MPS client failed to connect to the MPS control daemon or the MPS server", KindCUDAError, ""},
		// cuda-samples' checkCudaErrors, the sharing docs' matrixMul as an MPS client whose
		// server died (NVIDIA/k8s-device-plugin issue #685)
		{`CUDA error at ../../common/inc/helper_cuda.h:708 code=30(cudaErrorUnknown) "cudaGetDeviceCount(&device_count)"`, KindCUDAError, ""},
		{`CUDA error at ../../common/inc/helper_cuda.h:708 code=100(cudaErrorNoDevice) "cudaGetDeviceCount(&device_count)"`, KindNoDevice, ""},
		// MPS's server not ready for a vLLM pod (NVIDIA-AI-Blueprints/video-search-and-
		// summarization issue #70), and go-nvml's lost GPU in the kubelet's allocation error
		// (kubernetes/kubernetes issue #97131)
		{"Error 807: MPS server is not ready to accept new MPS client requests", KindCUDAError, ""},
		{"Pod Allocate failed due to device plugin GetPreferredAllocation rpc failed with err: rpc error: code = Unknown desc = Unable to retrieve list of available devices: error creating nvml.Device 5: nvml: GPU is lost, which is unexpected", KindGPUUnreachable, DatasetDriver},
		// slurmstepd's accounting losing a GPU, NVML's error by its number (LSSI-ETH/plmfit issue #40)
		{"slurmstepd: error: NVML: Failed to get usage(15): GPU is lost", KindGPUUnreachable, ""},
		// PyTorch without a driver (PromtEngineer/localGPT issue #137)
		{"RuntimeError: Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU and installed a driver from http://www.nvidia.com/Download/index.aspx", KindDriverNotLoaded, ""},
		// bandwidthTest on an NVSwitch node whose Fabric Manager is not running (pytorch/pytorch
		// issue #35710)
		{`CUDA error at bandwidthTest.cu:256 code=802(cudaErrorSystemNotReady) "cudaSetDevice(currentDevice)" `, KindFabricNotReady, ""},
		// kernels built by a newer toolkit than the driver can JIT (vllm-project/vllm issue #27405)
		{"torch.AcceleratorError: CUDA error: the provided PTX was compiled with an unsupported toolchain.", KindDriverTooOld, DatasetDriver},
		// PyTorch's own words for a driver older than its CUDA (vllm-project/vllm issue #11623)
		{"UserWarning: CUDA initialization: The NVIDIA driver on your system is too old (found version 11040). Please update your GPU driver", KindDriverTooOld, DatasetDriver},
		// torch's cudaGetDeviceCount() failing in a vLLM image newer than the node's driver
		// (vllm-project/vllm issue #5510: 804 on a GeForce; issue #15335: 803)
		{"RuntimeError: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 804: forward compatibility was attempted on non supported HW", KindDriverTooOld, DatasetDriver},
		{"RuntimeError: Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 803: system has unsupported display driver / cuda driver combination", KindDriverMismatch, DatasetDriver},
		// an HGX node whose Fabric Manager was not running (vLLM's engine at its start, gpustack/gpustack issue #1254)
		{"Unexpected error from cudaGetDeviceCount(). Did you run some cuda functions before calling NumCudaDevices() that might have already set an error? Error 802: system not yet initialized", KindFabricNotReady, DatasetFabricManager},
		// the same through torch's driver-API check, a B200 node's symmetric memory (pytorch/pytorch issue #167537)
		{"[rank0]: RuntimeError: CUDA driver error: system not yet initialized", KindFabricNotReady, DatasetFabricManager},
		// NCCL's CUDACHECK on an NVSwitch node whose Fabric Manager is down (the runtime's words for 802)
		{"node-1:123:456 [0] init.cc:1520 NCCL WARN Cuda failure 802 'system not yet initialized'", KindFabricNotReady, DatasetFabricManager},
		// dockerd running a hook that is not the toolkit's (NVIDIA/nvidia-container-toolkit issue #14), and the toolkit's
		// container unable to configure containerd 2 (the runtime's config version): no GPU pod starts on the node
		{`error running hook: exit status 3, stdout: , stderr: time=\"2024-01-10T13:22:13+01:00\" level=error msg=\"No help topic for 'prestart'\\n\": unknown`, KindContainerCLI, DatasetToolkit},
		{`level=error msg="error running nvidia-toolkit: unable to setup runtime: error running containerd command: exit status 1"`, KindRuntimeMissing, DatasetToolkit},
		// the GPU operator's toolkit-validation init container (NVIDIA/gpu-operator issue #265)
		{`Error: error validating toolkit installation: exec: "nvidia-smi": executable file not found in $PATH`, KindRuntimeMissing, DatasetToolkit},
		{"Failed to initialize NVML: Unknown Error", KindNVMLInit, DatasetDriver},
		// the DRA driver's CDI devices (kubernetes-sigs/dra-driver-nvidia-gpu issue #736), and the
		// toolkit's CDI hook older than the spec that runs it (issue #568)
		{"Error: failed to create containerd container: CDI device injection failed: unresolvable CDI devices k8s.gpu.nvidia.com/device=gpu-1", KindCDIUnresolvable, DatasetDRA},
		{"Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running createContainer hook #5: exit status 3, stdout: , stderr: No help topic for 'disable-device-node-modification': unknown", KindContainerCLI, DatasetToolkit},
		// torch's caching allocator (vllm-project/vllm issue #2544)
		{`RuntimeError: NVML_SUCCESS == DriverAPI::get()->nvmlDeviceGetHandleByPciBusId_v2_( pci_id, &nvml_device) INTERNAL ASSERT FAILED at "../c10/cuda/CUDACachingAllocator.cpp":1139, please report a bug to PyTorch.`, KindGPUUnreachable, DatasetDriver},
		{"nvidia-container-cli: mount error: file creation failed: /var/lib/docker/overlay2/x/merged/run/nvidia-persistenced/socket: no such device or address: unknown", KindContainerCLI, DatasetToolkit},
		{"stderr: nvidia-container-cli: initialization error: nvml error: driver/library version mismatch: unknown", KindDriverMismatch, DatasetToolkit},
		// the GPU operator's toolkit names its binary nvidia-container-cli.real (containerd on an
		// operator-managed node, quoted by the kubelet)
		{"stderr: nvidia-container-cli.real: detection error: nvml error: unknown error: unknown", KindContainerCLI, DatasetToolkit},
		// the runtime hook's failure whose stderr's first line is its mode (n8n-io/self-hosted-ai-starter-kit issue #11)
		{"Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running hook #0: error running hook: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy'", KindContainerCLI, DatasetToolkit},
		{"time=\"2025-01-01T00:00:00Z\" level=info msg=\"Auto-detected mode as 'legacy'\"", "", ""},
		// runc 1.1 and later name the hook's stage; crun says "executing"; the toolkit's CDI hook
		{"docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running prestart hook #0: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy'", KindContainerCLI, DatasetToolkit},
		{"Error: unable to start container: runc: runc create failed: unable to start container process: error during container init: error running hook #0: fork/exec /usr/bin/nvidia-cdi-hook: no such file or directory: OCI runtime attempted to invoke a command that was not found", KindContainerCLI, DatasetToolkit},
		{"Error: OCI runtime error: crun: {\"msg\":\"error executing hook `/usr/bin/nvidia-cdi-hook` (exit code: 1)\",\"level\":\"error\",\"time\":\"2025-10-22T10:04:55.559600Z\"}", KindContainerCLI, DatasetToolkit},
		{"runc create failed: unable to start container process: error during container init: error running hook #0: /nix/store/x-nvidia-container-toolkit-1.17.3-tools/bin/nvidia-cdi-hook create-symlinks --link ../libnvidia-allocator.so.1::/lib/gbm/nvidia-drm_gbm.so failed: signal: illegal instruction (core dumped), stdout: , stderr:", KindContainerCLI, DatasetToolkit},
		// another hook's failure is not the toolkit's
		{"error during container init: error running prestart hook #0: exit status 1, stdout: , stderr: /usr/local/bin/oci-seccomp-bpf-hook: not found", "", ""},
		{"the running prestart of the hook", "", ""},

		// the hook's failure with the CLI's line in the same message (labdao/plex issue #18,
		// NVIDIA/nvidia-docker issue #1711): the failure it names, not the hook's
		{"docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running hook #0: error running hook: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy'\nnvidia-container-cli: initialization error: nvml error: driver/library version mismatch: unknown", KindDriverMismatch, DatasetToolkit},
		{"error running hook #0: error running hook: exit status 1, stdout: , stderr: Auto-detected mode as 'legacy'\nnvidia-container-cli: initialization error: load library failed: libnvidia-ml.so.1: cannot open shared object file: no such file or directory: unknown", KindNVMLMissing, DatasetToolkit},
		// the toolkit's runtime without its hook (NVIDIA/nvidia-container-runtime issue #68), and
		// the hook refusing the image's capabilities (NVIDIA/nvidia-container-toolkit issue #51)
		{"docker: Error response from daemon: OCI runtime create failed: unable to retrieve OCI runtime error (open /run/containerd/io.containerd.runtime.v1.linux/moby/af425d9814b0843b3eb4d17d6b9fdd47837728148961e9832e09e47cf4cb61e3/log.json: no such file or directory): nvidia-container-runtime did not terminate sucessfully: 2019/07/23 17:28:30 ERROR: nvidia-container-runtime: inject NVIDIA hook: stat /usr/bin/nvidia-container-runtime-hook: no such file or directory", KindContainerCLI, DatasetToolkit},
		{"docker: Error response from daemon: failed to create shim: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error running hook #1: error running hook: exit status 1, stdout: , stderr: unknown driver capability: all: unknown.", KindContainerCLI, DatasetToolkit},
		{`time=2025-07-23T11:26:35.781Z level=ERROR msg="Cannot init NVML library; err: Unknown Error"`, KindNVMLInit, DatasetDriver},
		{`time=2026-09-19T20:06:59.547Z level=ERROR msg="Cannot init NVML library; err: ERROR_LIBRARY_NOT_FOUND"`, KindNVMLMissing, DatasetDriver},
		{`time="2022-11-02T18:00:58.738797825+02:00" level=error msg="RunPodSandbox for &PodSandboxMetadata{Name:gpu-feature-discovery-qfjgk,Namespace:gpu-operator,Attempt:2,} failed, error" error="failed to get sandbox runtime: no runtime for \"nvidia\" is configured"`, KindRuntimeMissing, DatasetToolkit},
		{`Warning  FailedCreatePodSandBox  kubelet  Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for "nvidia" is configured`, KindRuntimeMissing, DatasetToolkit},
		// the NVIDIA container runtime's debug log before the injection fails (NVIDIA/k8s-device-plugin
		// issue #1203); the toolkit's CDI generation before the driver was loaded
		// (nvidia-container-toolkit issue #1611)
		{"could not resolve CDI devices: [nvidia.com/gpu=all]", KindCDIUnresolvable, DatasetToolkit},
		// dcgm-exporter without NVML (NVIDIA/dcgm-exporter issue #484)
		{"Not collecting GPU metrics; Error getting devices count: Cannot perform the requested operation because NVML doesn't exist on this system.", KindNVMLMissing, DatasetDriver},
		{"CDI device injection failed: unresolvable CDI devices nvidia.com/gpu=GPU-0", KindCDIUnresolvable, DatasetToolkit},
		// a ConnectX NIC's device under NVIDIA's vendor name (kubernetes/kubernetes issue #119850)
		{"failed to create containerd container: CDI device injection failed: unresolvable CDI devices nvidia.com/net-sf=mlx5_core.sf.3", "", ""},
		{"failed to generate CDI spec: failed to create device CDI specs: failed to construct device spec generators: failed to initialize NVML: Driver Not Loaded", KindDriverNotLoaded, DatasetDriver},
		// Docker: dockerd without the nvidia runtime (zzzhouuu/truenas-nvidia-drivers issue #11,
		// the journal), the CLI's forms, and an NGC image's entrypoint started without GPUs
		{`time="2026-06-06T18:41:08.265512858+02:00" level=error msg="failed to start container" container=09f186fc6c6c8dd48da106f60bf463fcc8a12de3bd3664d8d129ab750a9488fc error="unknown or invalid runtime name: nvidia"`, KindRuntimeMissing, DatasetToolkit},
		{`docker: Error response from daemon: could not select device driver "nvidia" with capabilities: [[gpu]].`, KindRuntimeMissing, DatasetToolkit},
		{"docker: Error response from daemon: Unknown runtime specified nvidia.", KindRuntimeMissing, DatasetToolkit},
		{`docker: Error response from daemon: could not select device driver "" with capabilities: [[gpu]].`, KindRuntimeMissing, DatasetToolkit},
		{"WARNING: The NVIDIA Driver was not detected.  GPU functionality will not be available.", KindRuntimeMissing, ""},
		{"RuntimeError: No CUDA GPUs are available", KindNoDevice, ""}, // torch counting no device: the GPU not in the container
		{"INFO 05-12 08:01:39 [loggers.py:271] Engine 000: Avg prompt throughput", "", ""},
	}
	for _, tc := range tests {
		if k, d := GPUFailure(tc.line); k != tc.kind || d != tc.dataset {
			t.Errorf("%q: got %q %q, want %q %q", tc.line, k, d, tc.kind, tc.dataset)
		}
	}
}

func BenchmarkGPUFailureMiss(b *testing.B) {
	line := "2024-05-12 08:01:39,123 - vllm.engine.async_llm_engine - INFO - Engine step took 12 ms with a batch of 32"
	for i := 0; i < b.N; i++ {
		GPUFailure(line)
	}
}

// TestGPUUnit: systemd's lines about a GPU-stack unit, by its name or its description, any verb
// (systemd 246 and later end a oneshot unit with "Finished"); Bottlerocket's device plugin unit
// (bottlerocket-os/bottlerocket pull request #4418: nvidia-k8s-device-plugin.service, "Start
// NVIDIA kubernetes device plugin"); a unit named by its file's path.
func TestGPUUnit(t *testing.T) {
	t.Parallel()
	for msg, want := range map[string]string{
		"Starting Start NVIDIA kubernetes device plugin...":                                       DatasetDevicePlugin,
		"Failed to start NVIDIA MIG manager service.":                                             DatasetMIGManager, // Bottlerocket's (bottlerocket-os/bottlerocket issue #4889)
		"nvidia-k8s-device-plugin.service: Control process exited, code=exited, status=1/FAILURE": DatasetDevicePlugin,
		"Finished Refresh NVIDIA CDI specification file.":                                         DatasetToolkit,
		"Started NVIDIA Persistence Daemon.":                                                      DatasetDriver,
		// the unit by its file (NVIDIA/nvidia-docker issue #720)
		"Configuration file /lib/systemd/system/nvidia-persistenced.service is marked executable. Please remove executable permission bits. Proceeding anyway.": DatasetDriver,
		"Finished Open GPU GRID License Check Fallback.": "",
		"Started Session 1 of User root.":                "",
	} {
		if got := GPUUnit(msg); got != want {
			t.Errorf("%q: %q, want %q", msg, got, want)
		}
	}
}
