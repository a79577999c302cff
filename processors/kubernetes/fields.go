package kubernetes

// Fields the processor reads to find an event's pod and node.
const (
	FieldContainerID = "container.id"
	FieldFilePath    = "log.file.path"
	FieldHostName    = "host.name"
	FieldHostname    = "host.hostname"
	FieldContainer   = "kubernetes.container.name"
	// FieldNode is the one node field every enriched event has, however the line arrived: the
	// pod's node, else kubernetes.node.name, host.name or host.hostname (the first that names a
	// known node, or the first present when none does).
	FieldNode = "kubernetes.node.name"
)

// Fields written from the pod (ECS kubernetes.*, orchestrator.*, container.*).
const (
	FieldNamespace                = "kubernetes.namespace"
	FieldPodName                  = "kubernetes.pod.name"
	FieldPodUID                   = "kubernetes.pod.uid"
	FieldPodIP                    = "kubernetes.pod.ip"
	FieldPodGPURequests           = "kubernetes.pod.gpu.requests"
	FieldPodGPULimits             = "kubernetes.pod.gpu.limits"
	FieldPodGPUUUIDs              = "kubernetes.pod.gpu.uuids"
	FieldWorkloadKind             = "kubernetes.workload.kind"
	FieldWorkloadName             = "kubernetes.workload.name"
	FieldOrchestratorType         = "orchestrator.type"
	FieldOrchestratorNamespace    = "orchestrator.namespace"
	FieldOrchestratorResourceType = "orchestrator.resource.type"
	FieldOrchestratorResourceName = "orchestrator.resource.name"
	FieldContainerImage           = "container.image.name"
	FieldContainerRuntime         = "container.runtime"
	prefixLabels                  = "kubernetes.labels."
	prefixAnnotations             = "kubernetes.annotations."
)

// Fields written from the node's GPU feature discovery labels.
const (
	FieldNodeGPUProduct = "kubernetes.node.gpu.product"
	FieldNodeGPUFamily  = "kubernetes.node.gpu.family"
	FieldNodeGPUMemory  = "kubernetes.node.gpu.memory_mib"
	FieldNodeGPUCount   = "kubernetes.node.gpu.count"
	FieldNodeGPUMIG     = "kubernetes.node.gpu.mig_strategy"
	FieldNodeGPUDriver  = "kubernetes.node.gpu.driver_version"
	FieldNodeGPUCUDA    = "kubernetes.node.gpu.cuda_version"
)

// GPU fields, read from and written to driver events (the nvidia_xid parser's gpu.pci_bus_id and
// gpu.uuid), from the DCGM exporters' mapping.
const (
	FieldGPUPCI   = "gpu.pci_bus_id"
	FieldGPUUUID  = "gpu.uuid"
	FieldGPUModel = "gpu.model"
	FieldGPUIndex = "gpu.index"
	FieldGPUPods  = "gpu.pods"
)

// workloadFields are Filebeat's names for the workload of each owner kind, written beside
// kubernetes.workload.*, so dashboards built on add_kubernetes_metadata keep working.
var workloadFields = map[string]string{
	"Deployment":  "kubernetes.deployment.name",
	"ReplicaSet":  "kubernetes.replicaset.name",
	"StatefulSet": "kubernetes.statefulset.name",
	"DaemonSet":   "kubernetes.daemonset.name",
	"Job":         "kubernetes.job.name",
}
