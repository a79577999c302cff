package stack

// PrometheusVersion is the Prometheus release built for tests (module version v0.316.0): the
// first whose build tags can leave out the service-discovery plugins, which are most of its
// compile time and which the tests do not use (they scrape static targets).
const PrometheusVersion = "3.16.0"

// PrometheusBinary returns the cached Prometheus server, built from the wrapper module in
// internal/testsvc/prometheus (a `tool` directive pins cmd/prometheus and its dependencies).
// remove_all_sd drops every discovery plugin but static and file; without builtinassets the
// web UI's assets stay out too, and the HTTP API the tests use is all there.
func (s *Stack) PrometheusBinary() (string, error) {
	return s.cachedGoBuild(goBinary{
		name: "prometheus", version: PrometheusVersion, from: "github.com/prometheus/prometheus@v0.316.0",
		files: []string{"go.mod", "go.sum"}, pkg: "github.com/prometheus/prometheus/cmd/prometheus",
		tags: "remove_all_sd",
	})
}
