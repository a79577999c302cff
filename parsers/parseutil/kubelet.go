package parseutil

import (
	"strings"

	"github.com/sluice-dev/sluice/pipeline/event"
)

// SyncFailure reads the container and the reason of the kubelet's pod sync error, err="failed to
// \"StartContainer\" for \"vllm\" with CrashLoopBackOff: \"back-off 5m0s restarting failed
// container=...\"" (its SyncResult's "failed to %q for %q with %v: %q"): the container goes where
// the probe lines' containerName does, so that one filter finds a container's probes and its
// back-off. The klog parser reads it from the text form, the json parser from klog's JSON form.
func SyncFailure(ev *event.Event, v string) {
	rest, ok := strings.CutPrefix(v, `failed to "`)
	if !ok {
		return
	}
	action, rest, ok := strings.Cut(rest, `" for "`)
	if !ok {
		return
	}
	target, rest, ok := strings.Cut(rest, `" with `)
	if !ok || target == "" || strings.ContainsAny(target, `" `) {
		return
	}
	reason, _, ok := strings.Cut(rest, ": ")
	if !ok || reason == "" || strings.ContainsAny(reason, " \"") {
		return
	}
	if strings.HasSuffix(action, "Container") { // a sandbox's action names the pod, not a container
		ev.SetString(FieldLogFields+".containerName", target)
	}
	ev.SetString(FieldEventReason, reason)
}

// StartFailed reads the kubelet's report of a container it could not start (SyncPod, logged
// alone or, since 1.30, as "Unhandled Error" err="..."), from its error.message: before 1.37
// "container &Container{Name:app,Image:...,Env:[...],...} start failed in pod
// name_namespace(uid): CreateContainerConfigError: secret \"hf-token\" not found", since
// "container vllm start failed in pod name_namespace(uid): RunContainerError: ...": the reason
// to event.reason, the failure after the pod to error.message (not the spec dump, a few KB with
// its env values), the pod to orchestrator.*, the container's name where the line gives it
// alone. The klog parser reads it from the text form, the json parser from klog's JSON form.
func StartFailed(ev *event.Event) {
	m, ok := ev.GetString(event.FieldErrorMsg)
	if !ok {
		return
	}
	if t, ok := strings.CutPrefix(m, "container start failed: "); ok {
		// the kubelet before 1.19 (kuberuntime_manager.go), which named neither container nor
		// pod: "container start failed: CreateContainerConfigError: endpoint not found in cache
		// for a registered resource: nvidia.com/gpu"
		if reason, _, ok := strings.Cut(t, ": "); ok && reason != "" && strings.IndexByte(reason, ' ') < 0 && strings.HasSuffix(reason, "Error") {
			ev.SetString(FieldEventReason, reason)
		}
		return
	}
	if !strings.Contains(m, " start failed in pod ") {
		return
	}
	var after, container string
	if strings.Contains(m, "&Container{") {
		_, after, ok = strings.Cut(m, "} start failed in pod ")
	} else if rest, isContainer := strings.CutPrefix(m, "container "); isContainer {
		container, after, ok = strings.Cut(rest, " start failed in pod ")
		ok = ok && container != "" && !strings.ContainsAny(container, " {&")
	} else {
		ok = false
	}
	if !ok {
		return
	}
	ref, failure, ok := strings.Cut(after, ": ")
	reason, _, _ := strings.Cut(failure, ": ")
	if !ok || reason == "" || strings.IndexByte(reason, ' ') >= 0 {
		return
	}
	ev.SetString(event.FieldErrorMsg, failure)
	ev.SetString(FieldEventReason, reason)
	if container != "" {
		ev.SetString(FieldLogFields+".containerName", container)
	}
	if open := strings.IndexByte(ref, '('); open > 0 && !ev.Has(FieldOrchResourceName) {
		if i := strings.LastIndexByte(ref[:open], '_'); i > 0 && i+1 < open {
			SetObject(ev, "pod", ref[i+1:open], ref[:i])
		}
	}
}
