package json

import (
	"cmp"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/sluice-dev/sluice/parsers/nvidia_xid"
	pu "github.com/sluice-dev/sluice/parsers/parseutil"
	"github.com/sluice-dev/sluice/pipeline/event"
)

// Kubernetes events, as kubernetes-event-exporter (stdout) and other event routers print them:
// the Event object, one per line. Which pod the event is about is the point: its namespace, kind
// and name go to orchestrator.* (the pod that wrote the line, the exporter, stays in
// kubernetes.*), its reason to event.reason, its type to log.level, its time to @timestamp.

// DatasetK8sEvent is the dataset of Kubernetes events.
const DatasetK8sEvent = "kubernetes.event"

// ECS fields of a Kubernetes event's object.
const (
	FieldOrchNamespace    = pu.FieldOrchNamespace
	FieldOrchResourceType = pu.FieldOrchResourceType
	FieldOrchResourceName = pu.FieldOrchResourceName
	FieldEventReason      = pu.FieldEventReason
)

// kubernetesEvent reads the Event object's members that the line's flattening put under
// log.fields, and reports whether it is one: a reason, and an involved object with a kind and
// a name.
func kubernetesEvent(ev *event.Event, rec *Record) bool {
	get := func(k string) string {
		s, _ := ev.GetString(pu.FieldLogFields + "." + rec.eventAt + k)
		return s
	}
	object, text := "involvedObject.", "message"
	if rec.eventsAPI {
		object, text = "regarding.", "note" // events.k8s.io/v1 (and v1beta1)
	}
	reason, kind, name := get("reason"), get(object+"kind"), get(object+"name")
	if reason == "" || kind == "" || name == "" {
		return false
	}
	if m := get(text); m != "" && (rec.eventAt != "" || rec.eventsAPI) {
		ev.SetString(pu.FieldLogMessage, m) // the Event's note, under eventrouter's "event" or events.k8s.io's "note"
	}
	ev.SetString(FieldEventReason, reason)
	pu.SetObject(ev, kind, get(object+"namespace"), name)
	if rec.Level == "" {
		switch get("type") {
		case "Warning":
			rec.Level = pu.Warning
		case "Normal":
			rec.Level = pu.Info
		}
	}
	// when it last happened: an event that repeats is one object with a count
	// (events.k8s.io/v1 keeps a repeated event's latest time in series.lastObservedTime, its
	// eventTime the first: a Pending GPU pod's FailedScheduling is still happening)
	for _, k := range [...]string{"series.lastObservedTime", "lastTimestamp", "eventTime", "firstTimestamp", "deprecatedLastTimestamp", "deprecatedFirstTimestamp"} {
		if s := get(k); s != "" {
			if t, n, ok := pu.RFC3339(s); ok && n == len(s) && pu.Zoned(s) {
				pu.SetTime(ev, t)
				break
			}
		}
	}
	return true
}

// KubernetesEvent reads s, the text of a line of another layout, when it is a Kubernetes event
// as JSON (eventrouter's glog sink logs {"verb":"ADDED","event":{...}} in a klog line): its
// members under log.fields, and the event as a JSON line's (object, reason, note, time). It
// returns the level the event's type gives ("" when none) and reports whether s was one; when
// not, it sets nothing.
func KubernetesEvent(ev *event.Event, s string) (string, bool) {
	if len(s) < 2 || s[0] != '{' || !strings.Contains(s, `"involvedObject":{`) {
		return "", false
	}
	if !gjson.Get(s, "event.involvedObject").IsObject() && !gjson.Get(s, "involvedObject").IsObject() {
		return "", false
	}
	tmp := event.New()
	rec, ok := Walk(tmp, s)
	if !ok || !rec.k8sEvent || !kubernetesEvent(tmp, &rec) {
		return "", false
	}
	line, _ := ev.Get(event.FieldTimestamp)
	tmp.Range(func(k string, v event.Value) bool {
		switch {
		case k == event.FieldMessage:
		case k == event.FieldTimestamp && !line.IsZero() && line.Time().Truncate(time.Second).Equal(v.Time()):
			// the event's time in whole seconds, the line's of that second to the microsecond
		default:
			ev.Set(k, v)
		}
		return true
	})
	return rec.Level, true
}

// The keys of the objects scaledOrRayObject reads, whole: constants, so that a line that names
// none costs lookups alone.
const (
	keyScaledName     = pu.FieldLogFields + ".scaledObject.Name"
	keyScaledNameLow  = pu.FieldLogFields + ".scaledobject.Name" // KEDA's executor
	keyScaledNS       = pu.FieldLogFields + ".scaledObject.Namespace"
	keyType           = pu.FieldLogFields + ".type"
	keyName           = pu.FieldLogFields + ".name"
	keyNamespace      = pu.FieldLogFields + ".namespace"
	keyRayClusterName = pu.FieldLogFields + ".RayCluster.name"
	keyRayClusterNS   = pu.FieldLogFields + ".RayCluster.namespace"
	keyRayServiceName = pu.FieldLogFields + ".RayService.name"
	keyRayServiceNS   = pu.FieldLogFields + ".RayService.namespace"
	keyRayJobName     = pu.FieldLogFields + ".RayJob.name"
	keyRayJobNS       = pu.FieldLogFields + ".RayJob.namespace"
)

// scaledOrRayObject reads the object of KEDA's and KubeRay's lines, which name it their own way:
// KEDA's scale loop "scaledObject.Namespace" and "scaledObject.Name" (its executor writes the
// name's key in lower case), the ScaledObject that scales a vLLM deployment on its queue, and its
// scalers "type":"ScaledObject" with "namespace" and "name"; KubeRay's reconcilers
// "RayCluster":{"name":...,"namespace":...} (also RayService, RayJob), the Ray cluster a
// multi-node vLLM runs on, without controller-runtime's controllerKind. It returns kind and ns
// as given and no name when the line names none.
func scaledOrRayObject(ev *event.Event, kind, ns string) (string, string, string) {
	get := func(k string) string {
		s, _ := ev.GetString(k)
		return s
	}
	if n := cmp.Or(get(keyScaledName), get(keyScaledNameLow)); n != "" {
		return "scaledobject", get(keyScaledNS), n
	}
	rays := [...]struct{ kind, name, ns string }{
		{"raycluster", keyRayClusterName, keyRayClusterNS},
		{"rayservice", keyRayServiceName, keyRayServiceNS},
		{"rayjob", keyRayJobName, keyRayJobNS},
	}
	// the kind the reconciler's logger names first ("controllers.RayJob" reconciling a RayJob
	// names the RayCluster it made too: "RayCluster not found, creating RayCluster!")
	logger, _ := ev.GetString(event.FieldLogLogger)
	own := strings.ToLower(logger[strings.LastIndexByte(logger, '.')+1:])
	for _, k := range rays {
		if n := get(k.name); n != "" && k.kind == own {
			return k.kind, get(k.ns), n
		}
	}
	for _, k := range rays {
		if n := get(k.name); n != "" {
			return k.kind, get(k.ns), n
		}
	}
	if t := get(keyType); t == "ScaledObject" || t == "ScaledJob" {
		if n := get(keyName); n != "" {
			return strings.ToLower(t), get(keyNamespace), n
		}
	}
	return kind, ns, ""
}

// AboutObject is aboutObject for the structured fields of another layout's line (zap's
// console lines, their JSON under log.fields).
func AboutObject(ev *event.Event, logger string) { aboutObject(ev, logger, "") }

// aboutObject reads the object a controller's line is about into orchestrator.*, as a
// Kubernetes event's (the controller that wrote the line is not that object), so that the
// pod's own lines and the lines about why it did not run are found together:
// controller-runtime's reconciled object ("Pod":{"name":"...","namespace":"..."}, Karpenter's
// "could not schedule pod"), "pod":"namespace/name" or its name alone (Karpenter before v1),
// and, on the events a controller logs (logger "events": Kueue's), the event's object and its
// reason.
func aboutObject(ev *event.Event, logger, node string) {
	logged := logger == "events"
	get := func(k string) string {
		s, _ := ev.GetString(pu.FieldLogFields + "." + k)
		return s
	}
	kind, ns, name := "pod", get("Pod.namespace"), get("Pod.name")
	if name == "" && strings.HasPrefix(logger, "controllers.Ray") {
		kind, ns, name = kubeRayObject(get, strings.ToLower(logger[len("controllers."):]))
	}
	if name == "" {
		// klog.KObj under a lower-case key: the GPU operator's upgrade library's
		// "pod":{"namespace":"gpu-operator","name":"nvidia-gpu-driver-..."}
		ns, name = get("pod.namespace"), get("pod.name")
	}
	if k := get("controllerKind"); name == "" && k != "" && !strings.ContainsAny(k, ".") {
		// controller-runtime's reconciled object of any kind, under its kind: "controllerKind":
		// "LLMInferenceService", "LLMInferenceService": {"name": ..., "namespace": ...}
		kind, ns, name = k, get(k+".namespace"), get(k+".name")
	}
	if k := get("reconciler kind"); name == "" && k != "" && !strings.ContainsAny(k, ". ") {
		// controller-runtime before v0.15 names the reconciled object by its kind and the
		// request's "name" and "namespace" ("reconciler group":"ray.io","reconciler kind":
		// "RayCluster","name":"raycluster-mini","namespace":"kuberay-debug"): KubeRay 0.x's
		// "Reconciler error" of a head pod the quota refused
		if n := get("name"); n != "" && !strings.ContainsAny(n, " /") {
			kind, ns, name = strings.ToLower(k), get("namespace"), n
		}
	}
	if key := get("knative.dev/key"); name == "" && key != "" {
		// Knative's reconcilers and data path name the object they work on: the revision (the
		// activator, every KServe predictor's queue-proxy), or the kind they say (the
		// autoscaler's PodAutoscaler, "knative.dev/kind":"autoscaling.internal.knative.dev.PodAutoscaler")
		kind = "revision"
		if k := get("knative.dev/kind"); k != "" {
			kind = k[strings.LastIndexByte(k, '.')+1:]
		}
		ns, name, _ = strings.Cut(key, "/")
		if name == "" {
			ns, name = "", key
		}
	}
	if name == "" {
		kind = "pod"
		// "namespace/name", or the name alone beside the line's namespace
		pod := get("pod")
		if n, p, ok := strings.Cut(pod, "/"); ok {
			ns, name = n, p
		} else {
			ns, name = get("namespace"), pod
		}
		if strings.IndexByte(name, '/') >= 0 {
			name = ""
		}
	}
	if name == "" {
		// the workload a controller logs by its klog.KObj: Kueue's "workload":{"name":...,
		// "namespace":...} (a job waiting for quota), Kubeflow Trainer's "trainJob"
		for _, k := range [...]string{"workload", "trainJob"} {
			if n := get(k + ".name"); n != "" {
				kind, ns, name = strings.ToLower(k), get(k+".namespace"), n
				break
			}
		}
	}
	if name == "" {
		kind, ns, name = scaledOrRayObject(ev, kind, ns)
	}
	if v := get("isvc"); name == "" && v != "" && strings.IndexByte(v, '/') < 0 {
		// KServe's controller reconciling an InferenceService by its name: "isvc":"llama-vllm-single"
		kind, ns, name = "inferenceservice", get("namespace"), v
	}
	p := get("Pods")
	if p == "" {
		p = get("pods") // v0.33 to v0.37's
	}
	if inner, ok := strings.CutPrefix(p, `["`); ok {
		// a list of one ("pods":["test-namespace/test-pod"], NVSentinel's node drainer): its pod
		p, ok = strings.CutSuffix(inner, `"]`)
		if !ok || strings.Contains(p, `"`) {
			p = ""
		}
	}
	if name == "" && p != "" && !strings.ContainsAny(p, ", ") {
		// Karpenter v1's "found provisionable pod(s)": "Pods":"namespace/name" (one pod; a
		// list names none alone)
		if n, pod, ok := strings.Cut(p, "/"); ok && pod != "" {
			kind, ns, name = "pod", n, pod
		}
	}
	if v := get("NodeClaim.name"); name == "" && v != "" {
		// Karpenter v1's provisioner's "created nodeclaim", which names the NodePool too: the
		// claim it made, as its lifecycle controller's "launched nodeclaim" names it
		kind, ns, name = "nodeclaim", "", v
	}
	if name == "" {
		// Karpenter before v1 names the claim or machine it launches or deletes in lower case:
		// "nodeclaim":"default-5b9h6", "machine":"karpenter-spot-worker-66tr5" (its spot
		// interruption handling)
		for _, k := range [...]string{"nodeclaim", "machine"} {
			if v := get(k); v != "" && strings.IndexByte(v, '/') < 0 {
				kind, ns, name = k, "", v
				break
			}
		}
	}
	if c := get("controller"); name == "" && c != "" && get("reconcileID") != "" {
		// controller-runtime's reconciler naming its object by "namespace" and "name" alone,
		// without controllerKind (Kubeflow Trainer's "trainjob_controller" "Reconciler error",
		// the GPU operator's "clusterpolicy-controller" and "nvidia-driver-controller"): the
		// controller names the kind
		if n := get("name"); n != "" && !strings.ContainsAny(n, " /") {
			c = strings.TrimSuffix(strings.TrimSuffix(c, "_controller"), "-controller")
			kind, ns, name = strings.ReplaceAll(strings.ReplaceAll(c, "-", ""), "_", ""), get("namespace"), n
		}
	}
	if n := get("resource_name"); name == "" && n != "" && get("resource_kind") != "" {
		// OPA Gatekeeper's denial or audit violation: the object its constraint refused
		// ("resource_kind":"Pod","resource_namespace":"inference","resource_name":"vllm-0")
		kind, ns, name = strings.ToLower(get("resource_kind")), get("resource_namespace"), n
	}
	if name == "" && logged {
		kind, ns, name = get("object.kind"), get("object.namespace"), get("object.name")
		if kind != "" && name != "" {
			if r := get("reason"); r != "" {
				ev.SetString(FieldEventReason, r)
			}
		}
	}
	if name == "" {
		// a node a controller works on: a GPU health agent's ("nodeName", NVSentinel's health
		// events; "node" on a line that speaks of a node, its node-drainer's "Evaluated action
		// for node", not a graph's node, KServe's InferenceGraph router's "node":"animal-categorize")
		kind, ns, name = "node", "", get("nodeName")
		if name == "" {
			name = node
		}
		if msg, _ := ev.GetString(pu.FieldLogMessage); name == "" && (strings.Contains(strings.ToLower(msg), "node") || nvsentinelModules[get("module")]) {
			name = get("node") // (every line of NVSentinel's modules that names one is about it: "Creating custom drain CR")
		}
	}
	pu.SetObject(ev, kind, ns, name)
}

// nvsentinelModules are the "module" of NVIDIA NVSentinel's slog records, whose "node" is the
// node they act on (cordon, drain, remediation).
var nvsentinelModules = map[string]bool{"node-drainer": true, "fault-quarantine": true, "fault-remediation": true,
	"health-events-analyzer": true, "platform-connectors": true, "syslog-health-monitor": true, "gpu-health-monitor": true}

// healthEvents reads the first of NVSentinel's HealthEvents that names its node: the node
// (for aboutObject) and the entities it impacts, the GPU's PCI address and UUID.
func healthEvents(ev *event.Event, list gjson.Result, rec *Record) {
	list.ForEach(func(_, h gjson.Result) bool {
		node := h.Get("nodeName")
		if node.Type != gjson.String || node.Str == "" {
			return true
		}
		rec.node, rec.object = node.Str, true
		h.Get("entitiesImpacted").ForEach(func(_, e gjson.Result) bool {
			val := e.Get("entityValue")
			if val.Type != gjson.String || val.Str == "" {
				return true
			}
			switch e.Get("entityType").Str {
			case "GPU_UUID":
				ev.SetString(nvidia_xid.FieldUUID, val.Str)
			case "PCI":
				ev.SetString(nvidia_xid.FieldPCIBusID, strings.ToLower(val.Str))
			}
			return true
		})
		return false
	})
}

// kubeRayObject reads the object a KubeRay reconciler before v1.2 names (its logger
// "controllers.RayService", "controllers.RayJob", "controllers.RayCluster"): the RayService's
// "ServiceName": "ns/name", a reconciler's "NamespacedName": {"name","namespace"} (of its own
// kind) or its "RayJob": "name", its RayCluster's "raycluster"/"rayCluster" ({"name",
// "namespace"} or the name) or "cluster name".
// It returns the pod kind and no name for none.
func kubeRayObject(get func(string) string, own string) (kind, ns, name string) {
	if v := get("ServiceName"); own == "rayservice" && v != "" {
		if n, p, ok := strings.Cut(v, "/"); ok && p != "" && strings.IndexByte(p, '/') < 0 {
			return own, n, p
		}
	}
	if n := get("NamespacedName.name"); n != "" {
		return own, get("NamespacedName.namespace"), n
	}
	if v := get("RayJob"); own == "rayjob" && v != "" && strings.IndexByte(v, '/') < 0 {
		return own, get("namespace"), v // the RayJob reconciler's "RayJob": "rayjob-test-default"
	}
	for _, k := range [...]string{"raycluster", "rayCluster"} {
		if n := get(k + ".name"); n != "" {
			return "raycluster", get(k + ".namespace"), n
		}
		if n := get(k); n != "" && strings.IndexByte(n, '/') < 0 {
			return "raycluster", get("namespace"), n
		}
	}
	if n := get("cluster name"); own == "raycluster" && n != "" && strings.IndexByte(n, '/') < 0 {
		return own, "", n
	}
	return "pod", "", ""
}

// klogRecord reads a klog JSON line (a Kubernetes component's --logging-format=json) as the
// klog parser reads the same call's text form, and returns its level: an event the kubelet's
// recorder logs ("msg":"Event occurred", its object as klog.KRef writes it, {"name":...,
// "namespace":...}, then "kind", "type", "reason" and "message") names its object and its
// reason, and is a warning when its type is (the recorder logs every event at info); the pod
// sync error's "err" names the container and the reason (CrashLoopBackOff).
func klogRecord(ev *event.Event, level string) string {
	if err, ok := ev.GetString(event.FieldErrorMsg); ok {
		pu.SyncFailure(ev, err)
		pu.StartFailed(ev)
	} else if level == pu.Error {
		// ErrorS with a nil error ("Unexpectedly stopped receiving OOM notifications",
		// "Eviction manager: cannot evict a critical pod"): its message is what failed, as the
		// text form's E line gives it
		if m, ok := ev.GetString(pu.FieldLogMessage); ok && m != "" {
			ev.SetString(event.FieldErrorMsg, m)
		}
	}
	return LoggedEvent(ev, level)
}

// LoggedEvent reads an event a Kubernetes component logs as it records it, its members under
// log.fields: the kubelet's klog JSON ("Event occurred", klog.KRef's object, then "kind",
// "type", "reason", "message"), and controller-runtime's events logger in zap's JSON or console
// form ("Event occurred" {"object": {...}, "kind": "LeaderWorkerSet", "type": "Normal",
// "reason": "RecreateGroup", "note": "..."}: LeaderWorkerSet's; the older recorder's message is
// the note, its kind in the object: KubeRay's). Its object goes to
// orchestrator.*, its reason to event.reason, its note (the event's text) to log.message, and
// it returns the level: warning for a Warning the logger wrote at info or debug. A line that is
// no such event is left as it was, level unchanged.
func LoggedEvent(ev *event.Event, level string) string {
	get := func(k string) string {
		s, _ := ev.GetString(pu.FieldLogFields + "." + k)
		return s
	}
	kind, reason, typ := get("kind"), get("reason"), get("type")
	if kind == "" {
		kind = get("object.kind") // the older recorder's: {"type": ..., "object": {"kind": ..., ...}, "reason": ...}
	}
	if kind == "" || reason == "" || typ != "Normal" && typ != "Warning" || strings.ContainsAny(reason, " /") {
		return level
	}
	if note := get("note"); note != "" {
		ev.SetString(pu.FieldLogMessage, note)
	}
	ns, name := get("object.namespace"), get("object.name")
	if name == "" {
		// a cluster-scoped object: "object":{"name":"worker-node01"}, or the text form's
		// "namespace/name" where a component writes it so
		if ns, name, _ = strings.Cut(get("object"), "/"); name == "" {
			ns, name = "", ns
		}
	}
	if name != "" && !strings.ContainsAny(name, " /") {
		pu.SetObject(ev, kind, ns, name)
	}
	ev.SetString(FieldEventReason, reason)
	if typ == "Warning" && (level == pu.Info || level == pu.Debug) {
		return pu.Warning
	}
	return level
}
