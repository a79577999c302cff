// Package testsvc gives sluice's integration tests the real services they talk to: an
// Elasticsearch node, a Kafka broker, and the Filebeat and Prometheus binaries. The services are started once per
// test run by the stack harness (internal/testsvc/stack, driven by `make test` or
// `go run ./internal/testsvc/cmd/stack up`), which exports their endpoints in environment
// variables. The helpers here read those variables and fail the test with a message naming
// what is missing, so an integration test never passes without its service.
//
// `go test` on its own does not start services: starting a JVM per test binary would cost
// minutes and gigabytes, and packages run in parallel. Run `make test`, or start the stack and
// export its environment once: `eval "$(go run ./internal/testsvc/cmd/stack up)"`.
package testsvc

import (
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Environment variables of the test-services contract, set by `make test`.
const (
	// EnvElasticsearch is the base URL of the test Elasticsearch node, e.g. http://127.0.0.1:19200.
	EnvElasticsearch = "SLUICE_TEST_ES_URL"
	// EnvKafka is a comma-separated list of Kafka bootstrap brokers, e.g. 127.0.0.1:19092.
	EnvKafka = "SLUICE_TEST_KAFKA_BROKERS"
	// EnvFilebeat is the path of the Filebeat 7.17 binary built from the real beats sources.
	EnvFilebeat = "SLUICE_TEST_FILEBEAT"
	// EnvPrometheus is the path of a Prometheus server binary built from the real sources;
	// tests start it themselves, with their own config.
	EnvPrometheus = "SLUICE_TEST_PROMETHEUS"
	// EnvKubeAPIServer and EnvEtcd are the paths of kube-apiserver and etcd built from the real
	// sources, set only by `stack up kube-apiserver` (deploy/test's opt-in apply test).
	EnvKubeAPIServer = "SLUICE_TEST_KUBE_APISERVER"
	EnvEtcd          = "SLUICE_TEST_ETCD"
)

const howToStart = "run `make test`, or `eval \"$(go run ./internal/testsvc/cmd/stack up)\"` " +
	"before `go test` (see internal/testsvc/README.md)"

// Elasticsearch returns the URL of the test Elasticsearch node. It fails the test when the
// variable is unset or the node does not accept connections, because an integration test that
// quietly skips is a test that never runs.
func Elasticsearch(t testing.TB) string {
	t.Helper()
	u := lookup(t, EnvElasticsearch, "Elasticsearch")
	host := strings.TrimPrefix(strings.TrimPrefix(u, "http://"), "https://")
	host, _, _ = strings.Cut(host, "/")
	mustDial(t, "Elasticsearch", EnvElasticsearch, host)
	return strings.TrimRight(u, "/")
}

// Kafka returns the bootstrap brokers of the test Kafka broker, checked to accept connections.
func Kafka(t testing.TB) []string {
	t.Helper()
	v := lookup(t, EnvKafka, "Kafka")
	brokers := strings.Split(v, ",")
	for i, b := range brokers {
		brokers[i] = strings.TrimSpace(b)
	}
	mustDial(t, "Kafka", EnvKafka, brokers[0])
	return brokers
}

// Filebeat returns the path of the Filebeat binary, checked to be an executable file. Use
// StartFilebeat to run it against a Lumberjack server.
func Filebeat(t testing.TB) string {
	t.Helper()
	return binary(t, EnvFilebeat, "Filebeat")
}

// Prometheus returns the path of the Prometheus server binary, checked to be an executable
// file. Tests run it with a config and rules of their own.
func Prometheus(t testing.TB) string {
	t.Helper()
	return binary(t, EnvPrometheus, "Prometheus")
}

func binary(t testing.TB, env, what string) string {
	t.Helper()
	p := lookup(t, env, what)
	if _, err := exec.LookPath(p); err != nil {
		t.Fatalf("testsvc: %s binary %s=%q is not executable: %v; %s", what, env, p, err, howToStart)
	}
	return p
}

func lookup(t testing.TB, env, what string) string {
	t.Helper()
	v := strings.TrimSpace(os.Getenv(env))
	if v == "" {
		t.Fatalf("testsvc: %s is not available: %s is not set; %s", what, env, howToStart)
	}
	return v
}

func mustDial(t testing.TB, what, env, hostport string) {
	t.Helper()
	c, err := net.Dial("tcp", hostport)
	if err != nil {
		t.Fatalf("testsvc: %s at %s=%s does not accept connections: %v; is the stack still up? %s",
			what, env, hostport, err, howToStart)
	}
	_ = c.Close()
}
