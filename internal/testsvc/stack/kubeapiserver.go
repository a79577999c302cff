package stack

// KubernetesVersion is the API server built for the opt-in apply test (deploy/README.md): the
// release whose k8s.io/api the manifests are decoded with. EtcdVersion is the etcd it requires.
const (
	KubernetesVersion = "1.37.2"
	EtcdVersion       = "3.7.0"
)

// KubeAPIServerBinaries returns the cached kube-apiserver and etcd, built from the wrapper
// module in internal/testsvc/kubeapiserver: k8s.io/kubernetes with each staging module
// replaced by its published v0 release, and etcd's server, both as `tool` directives. The
// cold build compiles a few thousand packages, so it is not part of `stack up` (see
// deploy/README.md for the numbers and the variable that opts in).
func (s *Stack) KubeAPIServerBinaries() (apiserver, etcd string, err error) {
	files := []string{"go.mod", "go.sum"}
	apiserver, err = s.cachedGoBuild(goBinary{
		name: "kube-apiserver", dir: "kubeapiserver", version: KubernetesVersion,
		from: "k8s.io/kubernetes@v" + KubernetesVersion, files: files, pkg: "k8s.io/kubernetes/cmd/kube-apiserver",
	})
	if err != nil {
		return "", "", err
	}
	etcd, err = s.cachedGoBuild(goBinary{
		name: "etcd", dir: "kubeapiserver", version: EtcdVersion,
		from: "go.etcd.io/etcd/server/v3@v" + EtcdVersion, files: files, pkg: "go.etcd.io/etcd/server/v3",
	})
	return apiserver, etcd, err
}
