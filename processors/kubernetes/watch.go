package kubernetes

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	toolscache "k8s.io/client-go/tools/cache"
)

// watcher keeps the index in step with the API server through shared informers on pods, nodes
// and ReplicaSets. A Deployment is read off its ReplicaSet's owner reference, so Deployments
// themselves need not be watched (nor allowed by RBAC).
type watcher struct {
	idx    *index
	conv   *converter
	now    func() time.Time
	synced []toolscache.InformerSynced
}

// informers builds the informers on src, ready to run. They hold only what the converter keeps
// of each object (the transform drops managedFields, specs and statuses it does not need).
func (w *watcher) informers(src *sources) ([]toolscache.SharedIndexInformer, error) {
	kinds := []struct {
		lw      toolscache.ListerWatcher
		example runtime.Object
		h       toolscache.ResourceEventHandler
	}{
		{src.pods, &corev1.Pod{}, w.podHandler()},
		{src.nodes, &corev1.Node{}, w.nodeHandler()},
		{src.replicaSets, &appsv1.ReplicaSet{}, w.rsHandler()},
	}
	var out []toolscache.SharedIndexInformer
	for _, k := range kinds {
		inf := toolscache.NewSharedIndexInformerWithOptions(k.lw, k.example, toolscache.SharedIndexInformerOptions{})
		if err := inf.SetTransform(w.conv.strip); err != nil {
			return nil, fmt.Errorf("kubernetes: informer transform: %w", err)
		}
		reg, err := inf.AddEventHandler(k.h)
		if err != nil {
			return nil, fmt.Errorf("kubernetes: informer handler: %w", err)
		}
		w.synced = append(w.synced, reg.HasSynced)
		out = append(out, inf)
	}
	return out, nil
}

func (w *watcher) waitSynced(ctx context.Context, d time.Duration) bool {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return toolscache.WaitForCacheSync(ctx.Done(), w.synced...)
}

func (w *watcher) podHandler() toolscache.ResourceEventHandler {
	return handler(func(c *cached) { w.idx.putPod(c.pod) }, func(c *cached) { w.idx.deletePod(c.pod.uid, w.now()) })
}

func (w *watcher) nodeHandler() toolscache.ResourceEventHandler {
	return handler(func(c *cached) { w.idx.putNode(c.node) }, func(c *cached) { w.idx.deleteNode(c.node.name, w.now()) })
}

func (w *watcher) rsHandler() toolscache.ResourceEventHandler {
	return handler(func(c *cached) { w.idx.putRS(c.Namespace, c.Name, c.deployment) },
		func(c *cached) { w.idx.deleteRS(c.Namespace, c.Name, w.now()) })
}

// handler calls put on adds and updates and del on deletions of objects of type T.
func handler[T any](put, del func(T)) toolscache.ResourceEventHandler {
	add := func(obj any) {
		if o, ok := obj.(T); ok {
			put(o)
		}
	}
	return toolscache.ResourceEventHandlerFuncs{
		AddFunc:    add,
		UpdateFunc: func(_, obj any) { add(obj) },
		DeleteFunc: func(obj any) {
			if o, ok := deleted(obj).(T); ok {
				del(o)
			}
		},
	}
}

// deleted unwraps the last known state of an object whose deletion the watch missed.
func deleted(obj any) any {
	if d, ok := obj.(toolscache.DeletedFinalStateUnknown); ok {
		return d.Obj
	}
	return obj
}
