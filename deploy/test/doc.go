// Package deploytest checks the Kubernetes manifests in deploy/ without a cluster: every overlay
// renders with kustomize, every object decodes strictly into its k8s.io/api type, every name an
// object uses (ConfigMaps, Secrets, volumes, ports, service accounts, selectors) exists, the
// Prometheus rules load and every metric a rule or Grafana panel reads is one sluice, the DCGM
// exporter or vLLM exports. It is a module of its own so that sluice's binary gains none of
// these dependencies; `make test` runs it (`make deploy-test` alone).
package deploytest
