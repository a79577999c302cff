package kubernetes

import (
	"context"
	"fmt"
	"net/http"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	toolscache "k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
)

// The processor talks to the API server through plain REST clients that know only the two API
// groups it watches. The generated clientset would register every built-in API group in
// package init, and those types (tens of megabytes of binary, touched at start) are what made
// an idle sluice twice the size it is without this processor.
var (
	scheme         = newScheme()
	codecs         = serializer.NewCodecFactory(scheme)
	parameterCodec = runtime.NewParameterCodec(scheme)
)

func newScheme() *runtime.Scheme {
	s := runtime.NewScheme()
	// ListOptions, Status and WatchEvent, as the generated clientset's scheme registers them.
	metav1.AddToGroupVersion(s, schema.GroupVersion{Version: "v1"})
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, appsv1.AddToScheme} {
		if err := add(s); err != nil {
			panic(fmt.Sprintf("kubernetes: scheme: %v", err)) // a programming error, found by any test
		}
	}
	return s
}

// sources are what the informers list and watch: one ListerWatcher per kind. Tests fill them
// from a fake clientset; everything from the informers on is the same.
type sources struct {
	pods, nodes, replicaSets toolscache.ListerWatcher
}

// newSources connects to the API server of the kubeconfig at path, or the cluster sluice runs in.
func newSources(path string) (*sources, error) {
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
	return restSources(rc)
}

// restSources lists and watches all pods, nodes and ReplicaSets over one shared HTTP client.
func restSources(rc *rest.Config) (*sources, error) {
	rc = rest.CopyConfig(rc)
	rc.UserAgent = "sluice"
	hc, err := rest.HTTPClientFor(rc)
	if err != nil {
		return nil, fmt.Errorf("kubernetes api client: %w", err)
	}
	core, err := restClient(rc, hc, "/api", corev1.SchemeGroupVersion)
	if err != nil {
		return nil, err
	}
	apps, err := restClient(rc, hc, "/apis", appsv1.SchemeGroupVersion)
	if err != nil {
		return nil, err
	}
	return &sources{
		pods:        listWatch(core, "pods", func() runtime.Object { return &corev1.PodList{} }),
		nodes:       listWatch(core, "nodes", func() runtime.Object { return &corev1.NodeList{} }),
		replicaSets: listWatch(apps, "replicasets", func() runtime.Object { return &appsv1.ReplicaSetList{} }),
	}, nil
}

func restClient(rc *rest.Config, hc *http.Client, apiPath string, gv schema.GroupVersion) (*rest.RESTClient, error) {
	c := rest.CopyConfig(rc)
	c.APIPath, c.GroupVersion = apiPath, &gv
	c.NegotiatedSerializer = rest.CodecFactoryForGeneratedClient(scheme, codecs).WithoutConversion()
	rcl, err := rest.RESTClientForConfigAndClient(c, hc)
	if err != nil {
		return nil, fmt.Errorf("kubernetes api client for %s: %w", gv, err)
	}
	return rcl, nil
}

// listWatch lists and watches resource in all namespaces, asking for protobuf (JSON accepted)
// as the generated clients do for built-in kinds.
func listWatch(c rest.Interface, resource string, newList func() runtime.Object) *toolscache.ListWatch {
	return &toolscache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			list := newList()
			err := c.Get().UseProtobufAsDefault().Resource(resource).VersionedParams(&o, parameterCodec).
				Timeout(timeout(o)).Do(ctx).Into(list)
			return list, err
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o.Watch = true
			return c.Get().UseProtobufAsDefault().Resource(resource).VersionedParams(&o, parameterCodec).
				Timeout(timeout(o)).Watch(ctx)
		},
	}
}

func timeout(o metav1.ListOptions) time.Duration {
	if o.TimeoutSeconds == nil {
		return 0
	}
	return time.Duration(*o.TimeoutSeconds) * time.Second
}
