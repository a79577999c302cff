# sluice's front door. `make run` runs the main job on the embedded sample; `make test` runs every
# test, starting the real services the integration tests need and stopping them afterwards.
SHELL := /bin/bash
GO ?= go

.PHONY: build run test vet unit

build:
	$(GO) build -o bin/sluice ./cmd/sluice

# The sample job: parse configs/samples/*.log into data/sample-events.ndjson (rewritten each run),
# then print what was found.
run: build
	@rm -f data/sample-events.ndjson
	./bin/sluice run -c configs/sample.yaml

vet:
	$(GO) vet ./...

unit:
	$(GO) test -race -count=1 ./...

test: vet unit
