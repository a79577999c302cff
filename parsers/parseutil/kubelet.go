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
