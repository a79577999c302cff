package kubernetes

import (
	"context"
	"fmt"
	"time"

	"k8s.io/client-go/informers"
	clientset "k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
)

// newClient connects to the API server of the kubeconfig at path, or the cluster sluice runs in.
func newClient(path string) (clientset.Interface, error) {
	var (
		rc  *rest.Config
		err error
	)
	if path == "" {
		rc, err = rest.InClusterConfig()
	} else {
		rc, err = clientcmd.BuildConfigFromFlags("", path)
	}
	if err != nil {
		return nil, fmt.Errorf("kubernetes api config: %w", err)
	}
	rc.UserAgent = "sluice"
	return clientset.NewForConfig(rc)
}

// watcher keeps the index in step with the API server through shared informers on pods, nodes
// and ReplicaSets. A Deployment is read off its ReplicaSet's owner reference, so Deployments
// themselves need not be watched (nor allowed by RBAC).
type watcher struct {
	idx     *index
	conv    *converter
	now     func() time.Time
	synced  []toolscache.InformerSynced
	factory informers.SharedInformerFactory
}

// start runs the informers until ctx ends. They hold only what the converter keeps of each
// object (the transform drops managedFields, specs and statuses it does not need).
func (w *watcher) start(ctx context.Context, client clientset.Interface) error {
	f := informers.NewSharedInformerFactoryWithOptions(client, 0, informers.WithTransform(w.conv.strip))
	handlers := []struct {
		inf toolscache.SharedIndexInformer
		h   toolscache.ResourceEventHandler
	}{
		{f.Core().V1().Pods().Informer(), w.podHandler()},
		{f.Core().V1().Nodes().Informer(), w.nodeHandler()},
		{f.Apps().V1().ReplicaSets().Informer(), w.rsHandler()},
	}
	for _, h := range handlers {
		reg, err := h.inf.AddEventHandler(h.h)
		if err != nil {
			return fmt.Errorf("kubernetes: informer handler: %w", err)
		}
		w.synced = append(w.synced, reg.HasSynced)
	}
	f.Start(ctx.Done())
	w.factory = f
	return nil
}

// shutdown waits for the informers' goroutines once their context has ended.
func (w *watcher) shutdown() {
	if w.factory != nil {
		w.factory.Shutdown()
	}
}

// waitSynced waits up to d for the first full list of every informer to be indexed.
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
