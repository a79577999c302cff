package parseutil

import (
	"strings"

	"github.com/sluice-dev/sluice/parsers/k8spath"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Datasets of the NVIDIA GPU-operator stack. Many of its containers share a log library (klog,
// logrus), so the dataset comes from the container that wrote the line when that is known.
const (
	DatasetOperator         = "gpu.operator"
	DatasetDevicePlugin     = "gpu.device_plugin"
	DatasetFeatureDiscovery = "gpu.feature_discovery"
	DatasetDCGMExporter     = "gpu.dcgm_exporter"
	DatasetDCGM             = "gpu.dcgm"
	DatasetToolkit          = "gpu.container_toolkit"
	DatasetDriver           = "gpu.driver"
	DatasetValidator        = "gpu.validator"
	DatasetMIGManager       = "gpu.mig_manager"
	DatasetXid              = "gpu.xid"
	DatasetFabricManager    = "gpu.fabric_manager"
	DatasetDRA              = "gpu.dra_driver"
	// DatasetNFD is node-feature-discovery's, which the GPU operator's chart deploys: the
	// labels it writes (pci-10de.present, the kernel's version) decide where the operator puts
	// its driver, and so whether a node ever gets a GPU.
	DatasetNFD = "gpu.node_feature_discovery"
	// DatasetNICDriver is the NVIDIA Network Operator's NIC driver container's (MOFED, DOCA),
	// which GPUDirect RDMA and multi-node NCCL need; it is shell-driven as the GPU driver's is.
	DatasetNICDriver = "network_operator.mofed"
)

// gpuContainers maps the container names the GPU operator's manifests and the standalone Helm
// charts (device plugin, DCGM exporter) use to a dataset.
var gpuContainers = map[string]string{
	"gpu-operator":                   DatasetOperator,
	"nvidia-device-plugin-ctr":       DatasetDevicePlugin,
	"nvidia-device-plugin":           DatasetDevicePlugin,
	"nvidia-gpu-device-plugin":       DatasetDevicePlugin,
	"mps-control-daemon-ctr":         DatasetDevicePlugin,
	"mps-control-daemon-mounts":      DatasetDevicePlugin,
	"config-manager":                 DatasetDevicePlugin,
	"config-manager-init":            DatasetDevicePlugin,
	"nvidia-device-plugin-init":      DatasetDevicePlugin,
	"gpu-feature-discovery":          DatasetFeatureDiscovery,
	"gpu-feature-discovery-ctr":      DatasetFeatureDiscovery,
	"gpu-feature-discovery-init":     DatasetFeatureDiscovery,
	"nvidia-dcgm-exporter":           DatasetDCGMExporter,
	"dcgm-exporter":                  DatasetDCGMExporter,
	"nvidia-dcgm-ctr":                DatasetDCGM,
	"nvidia-dcgm":                    DatasetDCGM,
	"nvidia-container-toolkit-ctr":   DatasetToolkit,
	"nvidia-container-toolkit":       DatasetToolkit,
	"nvidia-driver-ctr":              DatasetDriver,
	"nvidia-driver":                  DatasetDriver,
	"k8s-driver-manager":             DatasetDriver,
	"nvidia-peermem-ctr":             DatasetDriver,
	"nvidia-fs-ctr":                  DatasetDriver,
	"nvidia-gdrcopy-ctr":             DatasetDriver,
	"nvidia-operator-validator":      DatasetValidator,
	"driver-validation":              DatasetValidator,
	"toolkit-validation":             DatasetValidator,
	"cuda-validation":                DatasetValidator,
	"plugin-validation":              DatasetValidator,
	"mofed-validation":               DatasetValidator,
	"nvidia-cuda-validator":          DatasetValidator,
	"nvidia-device-plugin-validator": DatasetValidator,
	"vfio-pci-validation":            DatasetValidator,
	"vgpu-manager-validation":        DatasetValidator,
	"vgpu-devices-validation":        DatasetValidator,
	"cc-manager-validation":          DatasetValidator,
	// the validator in its metrics mode: the node's validation status behind the operator's
	// GPUOperatorNodeDeployment*Failed alerts
	"nvidia-node-status-exporter": DatasetValidator,
	"nvidia-mig-manager":          DatasetMIGManager,
	// the driver DaemonSet's side-cars and the operator's other node components (vGPU,
	// confidential computing, sandboxed workloads)
	"openshift-driver-toolkit-ctr":     DatasetDriver,
	"nvidia-vgpu-manager-ctr":          DatasetDriver,
	"nvidia-vfio-manager":              DatasetDriver,
	"nvidia-sandbox-device-plugin-ctr": DatasetDevicePlugin,
	"nvidia-kubevirt-gpu-dp-ctr":       DatasetDevicePlugin, // the same plugin deployed on its own (its manifest's container)
	"nvidia-vgpu-device-manager":       DatasetOperator,
	"nvidia-cc-manager":                DatasetOperator,
	"nvidia-kata-manager":              DatasetOperator,
	// NVIDIA's DRA driver: the kubelet plugin's two containers, the ComputeDomain daemon (which
	// runs the IMEX daemon and prints its log) and controller
	"gpus":                      DatasetDRA,
	"mps-control-daemon":        DatasetDRA, // the MPS control daemon the DRA driver starts for a claim's MPS sharing
	"compute-domains":           DatasetDRA,
	"compute-domain-daemon":     DatasetDRA,
	"gpu-readiness-init":        DatasetDRA, // the kubelet plugin's init container, waiting for the driver
	"compute-domain-controller": DatasetDRA,
	"compute-domain":            DatasetDRA, // the chart's controller container (compute-domain-controller runs in it)
	// the Network Operator's NIC driver container: the same "NVIDIA driver container exec start"
	// script as the GPU driver's, so its own dataset before the GPU driver's words take it
	"mofed-container": DatasetNICDriver,
}

// gpuUnits maps the systemd units of the host services in gpuPrograms to their dataset.
var gpuUnits = map[string]string{
	"nvidia-dcgm":          DatasetDCGM,
	"dcgm":                 DatasetDCGM,
	"dcgm-exporter":        DatasetDCGMExporter,
	"nvidia-persistenced":  DatasetDriver,
	"nvidia-powerd":        DatasetDriver, // the driver's Dynamic Boost daemon
	"nvidia-gridd":         DatasetDriver, // the vGPU guest's licensing daemon
	"nvidia-vgpu-mgr":      DatasetDriver, // the vGPU host's manager
	"nvidia-vgpud":         DatasetDriver,
	"nvidia-fabricmanager": DatasetFabricManager,
	"nvidia-imex":          DatasetFabricManager,
	"nvidia-cdi-refresh":   DatasetToolkit,
	// Bottlerocket's device plugin unit (Description: Start NVIDIA kubernetes device plugin)
	"nvidia-k8s-device-plugin": DatasetDevicePlugin,
	"nvidia-migmanager":        DatasetMIGManager,
}

// GPUUnit returns the dataset of the GPU-stack unit a systemd line is about
// ("nvidia-dcgm.service: Main process exited, code=killed, status=11/SEGV", "Failed to start
// nvidia-persistenced.service - NVIDIA Persistence Daemon."), or "".
func GPUUnit(msg string) string {
	if u := UnitName(msg); u != "" {
		return gpuUnits[u]
	}
	return gpuUnitDescribed(msg)
}

// UnitName returns the name of the first systemd service msg names ("ollama" for
// "ollama.service: Failed with result 'exit-code'.", "nvidia-persistenced" for "Configuration
// file /lib/systemd/system/nvidia-persistenced.service is marked executable. ..."), "" for none.
func UnitName(msg string) string {
	i := strings.Index(msg, ".service")
	if i <= 0 {
		return ""
	}
	return msg[strings.LastIndexAny(msg[:i], " /")+1 : i]
}

// gpuHostFiles maps the log files GPU programs write on the host, by name, to their dataset:
// the NVIDIA container runtime's debug log (its config's log-level debug), Fabric Manager's,
// the DCGM host engine's, the IMEX daemon's.
var gpuHostFiles = map[string]string{
	"nvidia-container-runtime.log":      DatasetToolkit,
	"nvidia-container-runtime-hook.log": DatasetToolkit,
	"nvidia-container-toolkit.log":      DatasetToolkit,
	"fabricmanager.log":                 DatasetFabricManager,
	"nv-fabricmanager.log":              DatasetFabricManager,
	"nvidia-imex.log":                   DatasetFabricManager, // the IMEX daemon's, on a GB200 rack's hosts
	"nv-hostengine.log":                 DatasetDCGM,
}

// gpuUnitDescriptions maps the Description= of the units in gpuUnits, by which systemd names a
// unit it starts or stops ("Starting NVIDIA fabric manager service...", "Started NVIDIA
// Persistence Daemon."), to their dataset.
var gpuUnitDescriptions = map[string]string{
	"NVIDIA fabric manager service": DatasetFabricManager,
	"NVIDIA Persistence Daemon":     DatasetDriver,
	"nvidia-powerd service":         DatasetDriver,       // nvidia-powerd.service
	"NVIDIA DCGM service":           DatasetDCGM,         // nvidia-dcgm.service, the host engine's unit
	"DCGM Exporter":                 DatasetDCGMExporter, // dcgm-exporter.service on a bare-metal node
	"NVIDIA Grid Daemon":            DatasetDriver,       // nvidia-gridd.service
	"NVIDIA vGPU Manager Daemon":    DatasetDriver,       // nvidia-vgpu-mgr.service
	"NVIDIA vGPU Daemon":            DatasetDriver,       // nvidia-vgpud.service
	// nvidia-cdi-refresh.service (the container toolkit's CDI spec generation at boot)
	"Refresh NVIDIA CDI specification file": DatasetToolkit,
	// the EKS GPU AMI's configure-nvidia.service
	"Configure NVIDIA instance types": DatasetDriver,
	// Bottlerocket's nvidia-k8s-device-plugin.service and nvidia-migmanager.service
	"Start NVIDIA kubernetes device plugin": DatasetDevicePlugin,
	"NVIDIA MIG manager service":            DatasetMIGManager,
}

// gpuUnitDescribed is GPUUnit for a line that names the unit by its description.
func gpuUnitDescribed(msg string) string {
	// (systemd 246 and later end a oneshot unit with "Finished <description>.")
	for _, verb := range [...]string{"Starting ", "Started ", "Stopping ", "Stopped ", "Failed to start ", "Reloading ", "Reloaded ", "Finished "} {
		if d, ok := strings.CutPrefix(msg, verb); ok {
			return gpuUnitDescriptions[strings.TrimRight(d, ".")]
		}
	}
	return ""
}

// gpuPrograms maps the programs of the GPU stack that run as host services (systemd units on
// bare-metal and Slurm nodes, the driver container's own daemons) to a dataset, by the name a
// syslog or journal line gives them.
var gpuPrograms = map[string]string{
	"nv-hostengine":                 DatasetDCGM,
	"dcgm-exporter":                 DatasetDCGMExporter,
	"nvidia-persistenced":           DatasetDriver,
	"nvidia-powerd":                 DatasetDriver, // the driver's Dynamic Boost daemon (power limits)
	"nvidia-gridd":                  DatasetDriver, // the vGPU guest driver's licensing daemon: why a vGPU is throttled
	"nvidia-vgpu-mgr":               DatasetDriver, // the vGPU host driver's manager
	"nvidia-vgpud":                  DatasetDriver,
	"nv-fabricmanager":              DatasetFabricManager,
	"nvidia-fabricmanager":          DatasetFabricManager,
	"nvidia-fabricmanager-start.sh": DatasetFabricManager,
	"nvidia-imex":                   DatasetFabricManager,
	// Talos' Fabric Manager extension: its wrapper, and the NVLink subnet manager it starts on
	// NVLink 5 systems (B200, GB200), whose output it relays under that name
	"nvidia-fabricmanager-wrapper": DatasetFabricManager,
	"nvlsm":                        DatasetFabricManager,
	"nvidia-persistenced-wrapper":  DatasetDriver,        // Talos' persistence daemon extension's wrapper
	"nvidia-device-plugin":         DatasetDevicePlugin,  // Bottlerocket runs it as a unit
	"nvidia-ctk":                   DatasetToolkit,       // the toolkit's CLI, nvidia-cdi-refresh.service's CDI generation
	"setup-nvidia":                 DatasetDriver,        // Flatcar's driver installer (nvidia.service)
	"driverdog":                    DatasetDriver,        // Bottlerocket's kernel-module loader
	"nvidia-migmanager":            DatasetMIGManager,    // Bottlerocket's MIG manager (its failure blocks the node's boot)
	"nv-fabricmanage":              DatasetFabricManager, // the command name, cut to 15 bytes
	"nvidia-persiste":              DatasetDriver,
	"configure-nvidia.sh":          DatasetDriver, // the EKS GPU AMI's unit that loads the NVIDIA modules
	"nvidia-kmod-load.sh":          DatasetDriver,
}

// GPUProgram returns the dataset of a GPU-stack program that runs on the host, by the name its
// lines give it (a syslog or journal tag, a kmsg record's "name[pid]: "), "" for another.
func GPUProgram(name string) string {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:] // a tag that names the program by its path ("/usr/bin/nvidia-powerd[1031]")
	}
	return gpuPrograms[name]
}

// servingComponents maps the containers of LLM-serving components that are not vLLM but write
// vLLM's kinds of lines (uvicorn's server and access lines, LMCache's format) to the prefix of
// their datasets: their lines must not count as the engine's.
var servingComponents = map[string]string{
	"router-container": "vllm_router", // vLLM production-stack's router
	"vllm-router":      "vllm_router",
	"lmcache-server":   "lmcache", // LMCache's standalone cache server
	"litellm":          "litellm", // LiteLLM's proxy: compose's service, and manifests'
	"litellm-helm":     "litellm", // its Helm chart's container
	"litellm-proxy":    "litellm",
	"litellm-database": "litellm",    // its image with a database's client, by the image's name on a Docker host
	"open-webui":       "open_webui", // Open WebUI's backend (its chart's container), a chat front end calling vLLM
	"ollama-webui":     "open_webui", // Open WebUI before its rename, by its image's name on a Docker host
}

// ServingComponent returns the dataset prefix of the serving component (not vLLM) whose container
// wrote the event, "" for any other container.
func ServingComponent(ev *event.Event) string {
	return ServingComponentOf(Container(ev))
}

// ServingComponentOf is ServingComponent for a container's name the caller has read.
func ServingComponentOf(container string) string {
	if container == "" {
		return ""
	}
	return servingComponents[container]
}

// FieldSystemdUnit is where Filebeat's journald input puts the unit of a journal entry.
const FieldSystemdUnit = "systemd.unit"

// Container returns the name of the container that wrote the event: Filebeat's
// kubernetes.container.name, or else the name in a Kubernetes log path as k8spath reads it
// (/var/log/containers/<pod>_<ns>_<container>-<id>.log, also copied elsewhere, or
// /var/log/pods/<ns>_<pod>_<uid>/<container>/<n>.log). It returns "" when neither is there.
func Container(ev *event.Event) string {
	if v, ok := ev.Get(event.FieldK8sContainer); ok && v.Str() != "" {
		return v.Str()
	}
	if c := pathSource(ev).Container; c != "" {
		return c
	}
	// a Docker container outside Kubernetes, by its image or its name (Filebeat's
	// add_docker_metadata, `sluice parse` from its config.v2.json)
	return k8spath.DockerProgram(ev)
}

// pod returns the name of the pod that wrote the event, as Container finds its container.
func pod(ev *event.Event) string {
	if v, ok := ev.Get(event.FieldK8sPodName); ok && v.Str() != "" {
		return v.Str()
	}
	return pathSource(ev).Pod
}

// pathSource reads the event's Kubernetes log path; the zero Source when it is none.
func pathSource(ev *event.Event) k8spath.Source {
	if v, ok := ev.Get(event.FieldLogFilePath); ok {
		if src, ok := k8spath.Parse(v.Str()); ok {
			return src
		}
	}
	return k8spath.Source{}
}

// GPUContainer returns the GPU-stack dataset of a container by its name alone, "" for another.
func GPUContainer(name string) string { return gpuContainers[name] }

// GPUDataset returns the GPU-stack dataset of the container that wrote the event (or, outside
// containers, of the host service a syslog or journal prefix names), or "" when it is unknown or
// not part of the stack.
func GPUDataset(ev *event.Event) string {
	c := Container(ev)
	if c == "" {
		// a host file's line: the program its syslog or journal prefix names
		if p, ok := ev.GetString(event.FieldProcessName); ok {
			if p == "systemd" {
				return GPUUnit(ev.Message())
			}
			if d := GPUProgram(p); d != "" {
				return d
			}
			if u, ok := strings.CutSuffix(p, ".service"); ok {
				return gpuUnits[u] // journalctl -o with-unit names the unit where the program goes
			}
		}
		// Filebeat's journald input names the unit (and takes process.name from the
		// command, which the kernel cuts to 15 bytes)
		if u, ok := ev.GetString(FieldSystemdUnit); ok {
			return gpuUnits[strings.TrimSuffix(u, ".service")]
		}
		// a GPU program's own log file on the host
		if p, ok := ev.GetString(event.FieldLogFilePath); ok {
			name := LogFileName(p)
			if (name == "control.log" || name == "server.log") && (strings.Contains(p, "/nvidia-mps/") || strings.Contains(p, "/nvidia/mps/")) {
				// MPS's control daemon's and servers' own files: /var/log/nvidia-mps (its
				// default), the device plugin's /run/nvidia/mps/<resource>/log
				return DatasetDevicePlugin
			}
			return gpuHostFiles[name]
		}
		return ""
	}
	if d, ok := gpuContainers[c]; ok {
		if d == DatasetDevicePlugin && strings.HasPrefix(c, "config-manager") && strings.Contains(pod(ev), "gpu-feature-discovery-") {
			return DatasetFeatureDiscovery // the config sidecars of GFD's own pod, not the device plugin's
		}
		return d
	}
	if c == "exporter" && strings.Contains(pod(ev), "dcgm-exporter") {
		return DatasetDCGMExporter // the dcgm-exporter Helm chart's container, under a name any exporter may have
	}
	if n := strings.TrimPrefix(c, "nfd-"); nfdContainer(n) && (strings.Contains(pod(ev), "node-feature-discovery-"+n) || strings.HasPrefix(pod(ev), "nfd-"+n)) {
		// node-feature-discovery's worker, master, garbage collector and topology updater, under
		// any release name ("gpu-operator-node-feature-discovery-worker-x2k4p", the standalone
		// chart's, OpenShift's NFD operator's "nfd-worker-...")
		return DatasetNFD
	}
	if (c == "plugin" || c == "init-container") && draKubeletPlugin(pod(ev)) {
		// the DRA driver's chart before 25.3 (k8s-dra-driver): its kubelet plugin's container;
		// and the init container of the chart's kubelet plugin (kubelet-plugin-prestart.sh,
		// waiting for the GPU driver: "/driver-root (...): nvidia-smi: not found, ...")
		return DatasetDRA
	}
	if n := k8spath.DockerName(ev); n != "" && n != c && !ev.Has(event.FieldK8sContainer) {
		// a Docker container outside Kubernetes named as the stack's (NVIDIA's driver
		// container as its docs run it, `docker run --name nvidia-driver ... nvcr.io/nvidia/driver`),
		// whose image's name ("driver") says less
		if d := gpuContainers[n]; d != "" {
			return d
		}
		c = n
	}
	switch {
	case strings.HasPrefix(c, "nvidia-driver"):
		return DatasetDriver
	case strings.HasSuffix(c, "-validation") || strings.HasSuffix(c, "-validator"):
		if strings.HasPrefix(c, "nvidia") || strings.Contains(c, "gpu") {
			return DatasetValidator
		}
	}
	return ""
}

// draKubeletPlugin reports whether pod is one of the DRA driver's kubelet plugin DaemonSet
// ("nvidia-dra-driver-gpu-kubelet-plugin-qdmq7", the older chart's "...-dra-driver-kubelet-plugin-...").
func draKubeletPlugin(pod string) bool {
	return strings.Contains(pod, "dra-driver") && strings.Contains(pod, "-kubelet-plugin-")
}

// DatasetOr returns the GPU-stack dataset of the event's container, or fallback.
func DatasetOr(ev *event.Event, fallback string) string {
	if d := GPUDataset(ev); d != "" {
		return d
	}
	return fallback
}

// nfdContainer reports whether c is the name of a node-feature-discovery container.
func nfdContainer(c string) bool {
	return c == "worker" || c == "master" || c == "gc" || c == "topology-updater"
}

// LogFileName returns the name of the log file path is, or is a rotation of: logrotate's
// numbered "kubelet.log.1" and "fabricmanager.log.2.gz", dated "kubelet.log-20230701", and the
// kubelet's "0.log.20261201-090000" are "kubelet.log", "fabricmanager.log", "0.log": a program's
// older lines are its own as its newest are.
func LogFileName(path string) string {
	name := strings.TrimSuffix(path[strings.LastIndexByte(path, '/')+1:], ".gz")
	for _, lv := range [...]string{".log.INFO.", ".log.WARNING.", ".log.ERROR.", ".log.FATAL."} {
		// glog's own file, "<program>.<host>.<user>.log.<LEVEL>.<yyyymmdd>-<hhmmss>.<pid>", which
		// its "<program>.<LEVEL>" link names: "kubelet.node-1.root.log.INFO.20210709-193402.2247"
		if i := strings.Index(name, lv); i > 0 {
			if dot := strings.IndexByte(name, '.'); dot > 0 && dot < i {
				return name[:dot] + "." + lv[len(".log."):len(lv)-1]
			}
		}
	}
	if i := strings.LastIndexAny(name, ".-"); i > 0 {
		switch suffix := name[i+1:]; {
		case name[i] == '.' && len(suffix) > 0 && len(suffix) <= 3 && AllDigits(suffix): // .1, .12
			return name[:i]
		case len(suffix) >= 8 && AllDigits(suffix): // -20230701
			return name[:i]
		}
	}
	if i := strings.LastIndex(name, ".log."); i > 0 && strings.Trim(name[i+len(".log."):], "0123456789-") == "" {
		return name[:i+len(".log")] // the kubelet's .log.20261201-090000
	}
	return name
}

// DCGMExporterMessage reports whether msg is one of dcgm-exporter's own messages ("Starting
// dcgm-exporter", its DCGM start, a counter of its CSV it skips, its DCP metrics): what names the
// exporter when its container does not (a docker run, a json-file path that gives only its id),
// in any of its layouts (3.x's logrus, 4.x's slog through the std log or as logfmt).
func DCGMExporterMessage(msg string) bool {
	for _, w := range [...]string{"Starting dcgm-exporter", "DCGM successfully initialized", "('DCGM_FI_",
		"DCP metrics", "/etc/dcgm-exporter/"} {
		if strings.Contains(msg, w) {
			return true
		}
	}
	return false
}

// DCGMIDiagReport reports whether msg, whose first line is first, is the report `dcgmi diag`
// prints, grouped into one event by the parse processor: "Successfully ran diagnostic for
// group.", or its table from the "| Diagnostic | Result |" header or a named section's border
// ("|-----  Deployment  ----+---|"). Its rows quote what failed ("... 'system not yet
// initialized'"): the report is read as such, not as the failure its words name.
func DCGMIDiagReport(msg, first string) bool {
	return first == "Successfully ran diagnostic for group." || strings.Contains(msg, "\n| Diagnostic ") ||
		strings.Contains(first, "  Integration  ") || strings.Contains(first, "  Deployment  ") ||
		strings.Contains(first, "  Hardware  ") || strings.Contains(first, "  Stress  ") || DCGMIDiagRow(first)
}

// DCGMIDiagRow reports whether b is a test's row of `dcgmi diag`'s table, where an excerpt may
// open: two cells, the test (or none, its result per GPU group going on) and its result ("| GPU
// Memory                | Pass - GPUs: 1, 2, 3, 4, 5, 6, 7               |", "|     | Fail - GPU: 0
// |"); nvidia-smi's rows have more cells.
func DCGMIDiagRow(b string) bool {
	b = strings.TrimRight(b, " ")
	if len(b) < 8 || b[0] != '|' || b[len(b)-1] != '|' || strings.Count(b, "|") != 3 {
		return false
	}
	_, result, _ := strings.Cut(b[1:len(b)-1], "|")
	result = strings.TrimSpace(result)
	for _, r := range [...]string{"Pass", "Fail", "Skip", "Warn"} {
		if result == r || strings.HasPrefix(result, r+" - ") {
			return true
		}
	}
	return false
}
