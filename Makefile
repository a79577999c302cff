# sluice's front door. `make run` runs the main job on the embedded sample; `make test` runs every
# test, starting the real services the integration tests need and stopping them afterwards.
SHELL := /bin/bash
GO ?= go

.PHONY: build run test vet lint unit stack stack-down stack-bin bench bench-long bench-micro image-binary image deploy-test deploy-apiserver-test

build:
	$(GO) build -o bin/sluice ./cmd/sluice

# The release binary, as the image (deploy/sluice/Dockerfile) builds it: static (no cgo, so it
# runs on distroless/static), paths trimmed, no VCS stamp (the image's build context has no .git),
# symbols stripped, the version stamped into main.version. `make test` builds it and checks the
# flags took, so the image recipe cannot rot unnoticed.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
IMAGE_BINARY ?= bin/sluice-image
IMAGE_FLAGS := -trimpath -buildvcs=false -ldflags "-s -w -X main.version=$(VERSION)"
image-binary:
	CGO_ENABLED=0 $(GO) build $(IMAGE_FLAGS) -o $(IMAGE_BINARY) ./cmd/sluice
	@$(GO) version -m $(IMAGE_BINARY) | grep -q 'CGO_ENABLED=0' || { echo "image-binary: not a static build" >&2; exit 1; }
	@$(GO) version -m $(IMAGE_BINARY) | grep -q -- '-trimpath=true' || { echo "image-binary: paths not trimmed" >&2; exit 1; }
	@$(IMAGE_BINARY) version | grep -qF 'sluice $(VERSION) ' || { echo "image-binary: version $(VERSION) not stamped" >&2; exit 1; }

# The Kubernetes manifests' checks (deploy/test, a module of its own so that sluice gains none of
# kustomize's, k8s.io/api's or Prometheus' dependencies): every overlay rendered and strictly
# decoded, cross-references, alert rules and dashboards against the metrics that exist.
deploy-test:
	cd deploy/test && $(GO) vet ./... && $(GO) test -count=1 ./...

# Opt-in, not part of `make test` (deploy/README.md has the build times): every overlay applied
# with server-side dry-run to a kube-apiserver and etcd built from the Go module proxy.
deploy-apiserver-test: stack-bin
	@set -euo pipefail; eval "$$($(STACK) up -hold apiserver-test-$$$$ -pid $$$$ kube-apiserver)"; \
	trap '$(STACK) down -hold apiserver-test-$$$$' EXIT; \
	(cd deploy/test && $(GO) test -count=1 -run TestOverlaysApplyServerSide -v ./...)

image:
	docker build -f deploy/sluice/Dockerfile --build-arg VERSION=$(VERSION) -t sluice:$(VERSION) .

# The sample job: parse configs/samples/*.log into data/sample-events.ndjson (rewritten each run),
# then print what was found.
run: build
	@rm -f data/sample-events.ndjson
	./bin/sluice run -c configs/sample.yaml

vet:
	$(GO) vet ./...

# The checks every change passes before review (CONTRIBUTING.md), run by CI beside `make test`:
# formatting, vet, and staticcheck at a pinned version (fetched by `go run` from the module
# proxy; go.mod is not touched). An intended exception is a `//lint:ignore CHECK reason` comment.
STATICCHECK_VERSION := v0.8.2
lint:
	@unformatted="$$(gofmt -l $$(git ls-files '*.go'))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt -w needed on:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

unit:
	$(GO) test -race -count=1 ./...

# Test services (internal/testsvc): Elasticsearch and Kafka on 127.0.0.1:19200 and :19092, and
# the Filebeat 7.17 binary. `make stack` starts them and prints the SLUICE_TEST_* exports;
# `make stack-down` stops them. Downloads and builds are cached in .cache/ (plus ~/.m2 and Go's).
STACK := ./bin/sluice-stack

stack-bin:
	@$(GO) build -o $(STACK) ./internal/testsvc/cmd/stack

stack: stack-bin
	$(STACK) up

stack-down: stack-bin
	$(STACK) down

# Every test, with the real services: they are started first and stopped afterwards even when
# tests fail or make is interrupted. A service that cannot be started makes its integration
# tests fail with a message naming it, and makes this target fail. Every benchmark also runs
# once (-benchtime 1x), so that none rots; that output goes to .stack/bench-smoke.log.
test: vet stack-bin image-binary deploy-test
	@set -uo pipefail; \
	trap '$(STACK) down -hold make-test-$$$$' EXIT; \
	trap 'exit 130' INT TERM; \
	stack_rc=0; stack_env="$$($(STACK) up -hold make-test-$$$$ -pid $$$$)" || stack_rc=$$?; \
	eval "$$stack_env"; \
	test_rc=0; \
	echo "make test: every benchmark once (numbers: make bench, make bench-micro)"; mkdir -p .stack; \
	$(GO) test -run '^$$' -bench . -benchtime 1x ./... > .stack/bench-smoke.log 2>&1 || \
		{ test_rc=1; grep -E -B5 -A20 '^(--- FAIL|FAIL|panic)' .stack/bench-smoke.log >&2; }; \
	$(GO) test -race -count=1 ./... || test_rc=$$?; \
	if [ $$stack_rc -ne 0 ]; then echo "make test: test services did not all start (see the stack: lines above)" >&2; exit 1; fi; \
	exit $$test_rc

# Benchmarks (benchmarks/README.md): the end-to-end harness prints a table and writes
# benchmarks/results/latest.json; bench-micro runs every go test benchmark for benchstat.
bench:
	$(GO) run ./benchmarks/cmd/bench

bench-long:
	$(GO) run ./benchmarks/cmd/bench -long -out benchmarks/results/long.json

bench-micro:
	@mkdir -p benchmarks/results
	$(GO) test -run '^$$' -bench . -benchmem -count 5 -benchtime 200ms ./... | tee benchmarks/results/micro.txt
