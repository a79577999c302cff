package check

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/tidwall/gjson"
)

// Kubernetes checks the cluster vLLM runs in through the API server (plain HTTPS and JSON; no
// client library): pods ready, GPUs allocatable, GPU feature discovery labels, pending pods.
type Kubernetes struct {
	// Kubeconfig is a kubeconfig file; without it the pod's service account is used, or
	// APIServer with TokenFile and CAFile.
	Kubeconfig         string `mapstructure:"kubeconfig"`
	APIServer          string `mapstructure:"api_server"`
	TokenFile          string `mapstructure:"token_file"`
	CAFile             string `mapstructure:"ca_file"`
	InsecureSkipVerify bool   `mapstructure:"insecure_skip_verify"`
	// Probe is pods_ready, gpu_allocatable, node_labels or pending.
	Probe     string `mapstructure:"probe"`
	Namespace string `mapstructure:"namespace"`
	// Selector selects pods (pods_ready, pending); NodeSelector selects nodes. Both are label
	// selectors as kubectl takes them ("app.kubernetes.io/name=vllm").
	Selector     string `mapstructure:"selector"`
	NodeSelector string `mapstructure:"node_selector"`
	// MinReady is the fewest ready pods that pass; AllReady also wants no pod not ready.
	MinReady int  `mapstructure:"min_ready"`
	AllReady bool `mapstructure:"all_ready"`
	// Resource and MinAllocatable: the sum over matching nodes of status.allocatable.
	Resource       string `mapstructure:"resource"`
	MinAllocatable int64  `mapstructure:"min_allocatable"`
	// Labels must be on every matching node; an empty value only requires the label.
	Labels []Header `mapstructure:"labels"`
	// MaxPending is the most pending pods that pass.
	MaxPending int `mapstructure:"max_pending"`
}

func newKubernetes() *Kubernetes {
	return &Kubernetes{TokenFile: saToken, CAFile: saCA, Namespace: "default", MinReady: 1, Resource: "nvidia.com/gpu"}
}

var kubeProbes = []string{"pods_ready", "gpu_allocatable", "node_labels", "pending"}

// Validate checks that the probe has what it needs.
func (k *Kubernetes) Validate() error {
	var errs []error
	if !slices.Contains(kubeProbes, k.Probe) {
		errs = append(errs, fmt.Errorf("probe: want one of %s, got %q", strings.Join(kubeProbes, ", "), k.Probe))
	}
	if k.Probe == "pods_ready" && k.Selector == "" {
		errs = append(errs, errors.New("selector: the pods_ready probe needs a label selector"))
	}
	if k.Probe == "gpu_allocatable" && k.MinAllocatable < 1 {
		errs = append(errs, errors.New("min_allocatable: want at least 1"))
	}
	if k.Probe == "node_labels" && len(k.Labels) == 0 {
		errs = append(errs, errors.New("labels: name at least one"))
	}
	if k.APIServer != "" {
		errs = append(errs, checkURL("api_server", k.APIServer, "https"))
	}
	return errors.Join(errs...)
}

// Run runs the probe.
func (k *Kubernetes) Run(ctx context.Context) (string, error) {
	var c *apiClient
	var err error
	if k.Kubeconfig != "" {
		c, err = fromKubeconfig(k.Kubeconfig)
	} else {
		c, err = inClusterOrExplicit(k.APIServer, k.TokenFile, k.CAFile, k.InsecureSkipVerify)
	}
	if err != nil {
		return "", err
	}
	switch k.Probe {
	case "pods_ready":
		return k.podsReady(ctx, c)
	case "gpu_allocatable":
		return k.allocatable(ctx, c)
	case "node_labels":
		return k.nodeLabels(ctx, c)
	}
	return k.pending(ctx, c)
}

// list GETs a collection and returns its items.
func (c *apiClient) list(ctx context.Context, path string, query url.Values) ([]gjson.Result, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(c.server, "/")+path+"?"+query.Encode(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	a, err := request(req, c.http)
	if err != nil {
		return nil, fmt.Errorf("kubernetes: GET %s: %w", path, err)
	}
	if a.status != http.StatusOK {
		// A Status object says why: forbidden for a service account without the RBAC rule.
		msg := gjson.GetBytes(a.body, "message").String()
		if msg == "" {
			msg = snippet(a.body)
		}
		return nil, fmt.Errorf("kubernetes: GET %s: status %d: %s", path, a.status, msg)
	}
	return gjson.GetBytes(a.body, "items").Array(), nil
}

func (k *Kubernetes) pods(ctx context.Context, c *apiClient, q url.Values) ([]gjson.Result, error) {
	if k.Selector != "" {
		q.Set("labelSelector", k.Selector)
	}
	return c.list(ctx, "/api/v1/namespaces/"+url.PathEscape(k.Namespace)+"/pods", q)
}

func (k *Kubernetes) nodes(ctx context.Context, c *apiClient) ([]gjson.Result, error) {
	q := url.Values{}
	if k.NodeSelector != "" {
		q.Set("labelSelector", k.NodeSelector)
	}
	nodes, err := c.list(ctx, "/api/v1/nodes", q)
	if err == nil && len(nodes) == 0 {
		err = fmt.Errorf("no node matches %q", k.NodeSelector)
	}
	return nodes, err
}

func (k *Kubernetes) podsReady(ctx context.Context, c *apiClient) (string, error) {
	pods, err := k.pods(ctx, c, url.Values{})
	if err != nil {
		return "", err
	}
	var notReady []string
	ready := 0
	for _, p := range pods {
		if condition(p, "Ready") == "True" {
			ready++
			continue
		}
		notReady = append(notReady, p.Get("metadata.name").String()+" "+whyNotReady(p))
	}
	got := fmt.Sprintf("%d of %d pod(s) ready in %s (%s)", ready, len(pods), k.Namespace, k.Selector)
	if ready < k.MinReady || (k.AllReady && len(notReady) > 0) {
		if len(notReady) > 0 {
			got += ": " + strings.Join(notReady, "; ")
		}
		return "", fmt.Errorf("%s, want at least %d", got, k.MinReady)
	}
	return got, nil
}

// condition returns the status of a pod's condition (True, False, Unknown or "").
func condition(p gjson.Result, typ string) string {
	return p.Get(`status.conditions.#(type=="` + typ + `").status`).String()
}

// whyNotReady names the first waiting or terminated container's reason: CrashLoopBackOff,
// ImagePullBackOff, OOMKilled, or the pod's phase.
func whyNotReady(p gjson.Result) string {
	for _, cs := range p.Get("status.containerStatuses").Array() {
		for _, path := range []string{"state.waiting", "state.terminated", "lastState.terminated"} {
			if r := cs.Get(path + ".reason").String(); r != "" {
				return fmt.Sprintf("(%s: %s)", cs.Get("name").String(), r)
			}
		}
	}
	return "(" + p.Get("status.phase").String() + ")"
}

func (k *Kubernetes) allocatable(ctx context.Context, c *apiClient) (string, error) {
	nodes, err := k.nodes(ctx, c)
	if err != nil {
		return "", err
	}
	path := "status.allocatable." + gjsonEscape(k.Resource)
	var total int64
	var per []string
	for _, n := range nodes {
		v := n.Get(path).Int()
		total += v
		per = append(per, fmt.Sprintf("%s=%d", n.Get("metadata.name").String(), v))
	}
	got := fmt.Sprintf("%d %s allocatable on %d node(s) (%s)", total, k.Resource, len(nodes), strings.Join(per, ", "))
	if total < k.MinAllocatable {
		return "", fmt.Errorf("%s, want at least %d", got, k.MinAllocatable)
	}
	return got, nil
}

func (k *Kubernetes) nodeLabels(ctx context.Context, c *apiClient) (string, error) {
	nodes, err := k.nodes(ctx, c)
	if err != nil {
		return "", err
	}
	seen := map[string]string{}
	for _, n := range nodes {
		name := n.Get("metadata.name").String()
		for _, l := range k.Labels {
			v := n.Get("metadata.labels." + gjsonEscape(l.Name))
			switch {
			case !v.Exists():
				return "", fmt.Errorf("node %s has no label %s (is GPU feature discovery running?)", name, l.Name)
			case l.Value != "" && v.String() != l.Value:
				return "", fmt.Errorf("node %s: %s=%s, want %s", name, l.Name, v.String(), l.Value)
			}
			seen[l.Name] = v.String()
		}
	}
	var got []string
	for _, l := range k.Labels {
		got = append(got, l.Name+"="+seen[l.Name])
	}
	return fmt.Sprintf("%d node(s): %s", len(nodes), strings.Join(got, ", ")), nil
}

// pending lists pending pods with the scheduler's reason ("0/4 nodes are available: 4
// Insufficient nvidia.com/gpu."), the first thing on-call asks about a vLLM pod that never starts.
func (k *Kubernetes) pending(ctx context.Context, c *apiClient) (string, error) {
	pods, err := k.pods(ctx, c, url.Values{"fieldSelector": {"status.phase=Pending"}})
	if err != nil {
		return "", err
	}
	var why []string
	for _, p := range pods {
		msg := p.Get(`status.conditions.#(type=="PodScheduled").message`).String()
		if msg == "" {
			msg = "scheduled; " + strings.Trim(whyNotReady(p), "()")
		}
		why = append(why, p.Get("metadata.name").String()+": "+msg)
	}
	if len(pods) > k.MaxPending {
		return "", fmt.Errorf("%d pending pod(s) in %s, want at most %d: %s", len(pods), k.Namespace, k.MaxPending, strings.Join(why, "; "))
	}
	return fmt.Sprintf("%d pending pod(s) in %s", len(pods), k.Namespace), nil
}

// gjsonEscape escapes the dots and wildcards of a key such as "nvidia.com/gpu" for a gjson path.
func gjsonEscape(key string) string {
	return strings.NewReplacer(".", `\.`, "*", `\*`, "?", `\?`).Replace(key)
}
