package check

import (
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sluice-dev/sluice/pipeline/tlsconfig"
)

// Service account files every pod gets, and the variables that locate the API server, as
// client-go's in-cluster config reads them.
const (
	saToken = "/var/run/secrets/kubernetes.io/serviceaccount/token"
	saCA    = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"
)

// apiClient reaches the Kubernetes API with a bearer token or a client certificate.
type apiClient struct {
	server string
	token  string
	http   *http.Client
}

// kubeconfig is the part of a kubeconfig file a check needs.
type kubeconfig struct {
	CurrentContext string        `yaml:"current-context"`
	Contexts       []kubeContext `yaml:"contexts"`
	Clusters       []kubeCluster `yaml:"clusters"`
	Users          []kubeUser    `yaml:"users"`
}

type kubeContext struct {
	Name    string `yaml:"name"`
	Context struct {
		Cluster string `yaml:"cluster"`
		User    string `yaml:"user"`
	} `yaml:"context"`
}

type kubeCluster struct {
	Name    string `yaml:"name"`
	Cluster struct {
		Server   string `yaml:"server"`
		CA       string `yaml:"certificate-authority"`
		CAData   string `yaml:"certificate-authority-data"`
		Insecure bool   `yaml:"insecure-skip-tls-verify"`
	} `yaml:"cluster"`
}

type kubeUser struct {
	Name string `yaml:"name"`
	User struct {
		Token      string `yaml:"token"`
		TokenFile  string `yaml:"tokenFile"`
		Cert       string `yaml:"client-certificate"`
		CertData   string `yaml:"client-certificate-data"`
		Key        string `yaml:"client-key"`
		KeyData    string `yaml:"client-key-data"`
		Exec       any    `yaml:"exec"`
		AuthPlugin any    `yaml:"auth-provider"`
	} `yaml:"user"`
}

// fromKubeconfig builds a client for the file's current context, with inline or file
// credentials. Exec and auth-provider plugins (cloud logins) are not run: a check should not
// shell out to a cloud CLI.
func fromKubeconfig(path string) (*apiClient, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	var kc kubeconfig
	if err := yaml.Unmarshal(b, &kc); err != nil {
		return nil, fmt.Errorf("kubeconfig %s: %w", path, err)
	}
	ci := slices.IndexFunc(kc.Contexts, func(c kubeContext) bool { return c.Name == kc.CurrentContext })
	if ci < 0 {
		return nil, fmt.Errorf("kubeconfig %s: no context %q", path, kc.CurrentContext)
	}
	ctx := kc.Contexts[ci].Context
	tc := tlsconfig.Base("")
	server, err := kc.cluster(path, ctx.Cluster, tc)
	if err != nil {
		return nil, err
	}
	token, err := kc.user(path, ctx.User, tc)
	if err != nil {
		return nil, err
	}
	return &apiClient{server: server, token: token, http: httpClient(tc)}, nil
}

// cluster reads the named cluster's server and certificate authority into tc.
func (kc *kubeconfig) cluster(path, name string, tc *tls.Config) (string, error) {
	i := slices.IndexFunc(kc.Clusters, func(c kubeCluster) bool { return c.Name == name })
	if i < 0 || kc.Clusters[i].Cluster.Server == "" {
		return "", fmt.Errorf("kubeconfig %s: cluster %q has no server", path, name)
	}
	c := kc.Clusters[i].Cluster
	tc.InsecureSkipVerify = c.Insecure //nolint:gosec // the kubeconfig asks for it
	ca, err := pemOf(path, c.CA, c.CAData)
	if err != nil || ca == nil {
		return c.Server, err
	}
	if tc.RootCAs, err = tlsconfig.Pool("certificate authority", ca); err != nil {
		return "", fmt.Errorf("kubeconfig %s: cluster %s: %w", path, name, err)
	}
	return c.Server, nil
}

// user returns the named user's token and puts its client certificate into tc.
func (kc *kubeconfig) user(path, name string, tc *tls.Config) (string, error) {
	i := slices.IndexFunc(kc.Users, func(u kubeUser) bool { return u.Name == name })
	if i < 0 {
		return "", fmt.Errorf("kubeconfig %s: no user %q", path, name)
	}
	u := kc.Users[i].User
	if u.Exec != nil || u.AuthPlugin != nil {
		return "", fmt.Errorf("kubeconfig %s: user %s logs in through a plugin; give the check a token or client certificate", path, name)
	}
	token := u.Token
	if u.TokenFile != "" {
		tb, err := os.ReadFile(relTo(path, u.TokenFile))
		if err != nil {
			return "", fmt.Errorf("kubeconfig: %w", err)
		}
		token = strings.TrimSpace(string(tb))
	}
	certPEM, err := pemOf(path, u.Cert, u.CertData)
	if err != nil || certPEM == nil {
		return token, err
	}
	keyPEM, err := pemOf(path, u.Key, u.KeyData)
	if err != nil {
		return "", err
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return "", fmt.Errorf("kubeconfig %s: client certificate: %w", path, err)
	}
	tc.Certificates = []tls.Certificate{cert}
	return token, nil
}

// inClusterOrExplicit uses the pod's service account, or the server and files given.
func inClusterOrExplicit(server, tokenFile, caFile string, insecure bool) (*apiClient, error) {
	if server == "" {
		host, port := os.Getenv("KUBERNETES_SERVICE_HOST"), os.Getenv("KUBERNETES_SERVICE_PORT")
		if host == "" || port == "" {
			return nil, Skip("not in a Kubernetes pod (KUBERNETES_SERVICE_HOST unset) and no kubeconfig or api_server given")
		}
		server = "https://" + strings.Trim(host, "[]") + ":" + port
		if strings.Contains(host, ":") {
			server = "https://[" + strings.Trim(host, "[]") + "]:" + port
		}
	}
	token := ""
	if tokenFile != "" {
		b, err := os.ReadFile(tokenFile)
		if err != nil {
			return nil, fmt.Errorf("kubernetes token: %w", err)
		}
		token = strings.TrimSpace(string(b))
	}
	hc, err := tlsClient(&TLS{CAFile: caFile, InsecureSkipVerify: insecure})
	if err != nil {
		return nil, err
	}
	return &apiClient{server: server, token: token, http: hc}, nil
}

func relTo(kubeconfigPath, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(filepath.Dir(kubeconfigPath), p)
}

// pemOf returns PEM from a kubeconfig's inline base64 data or its file (relative to the
// kubeconfig), or nil when neither is set.
func pemOf(kubeconfigPath, file, data string) ([]byte, error) {
	switch {
	case data != "":
		b, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			return nil, fmt.Errorf("kubeconfig %s: data is not base64: %w", kubeconfigPath, err)
		}
		return b, nil
	case file != "":
		b, err := os.ReadFile(relTo(kubeconfigPath, file))
		if err != nil {
			return nil, fmt.Errorf("kubeconfig: %w", err)
		}
		return b, nil
	}
	return nil, nil
}
