# Saker: build, run and test. Two commands do everything on a fresh Debian 12 machine (as root):
#   make run    install build deps if missing, build a release binary, run the agent in the foreground
#   make test   the same set-up, then every test (unit, live eBPF, end to end)
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

SWIFT ?= swift
CLANG ?= clang
BPFTOOL ?= $(shell command -v bpftool 2>/dev/null || echo /usr/sbin/bpftool)
PROBE := Sources/CSakerProbe
GEN := $(PROBE)/generated
RELEASE_FLAGS := -c release --static-swift-stdlib
RELEASE_BIN := .build/release/saker
DEBUG_BIN := .build/debug/saker
RUN_ARGS ?=
FUZZ_SECONDS ?= 300

.PHONY: deps test-deps probe build debug run test bench fuzz clean packages system-test

deps:
	@.ci/install-deps build

test-deps:
	@.ci/install-deps test

# The eBPF probe: compiled from source on every fresh clone (never committed).
$(GEN)/vmlinux.h:
	@mkdir -p $(GEN)
	@test -r /sys/kernel/btf/vmlinux || { echo "error: /sys/kernel/btf/vmlinux is missing: the build needs a kernel with BTF" >&2; exit 1; }
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

$(GEN)/saker.bpf.o: $(PROBE)/bpf/saker.bpf.c $(PROBE)/include/saker_record.h $(GEN)/vmlinux.h
	$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Wno-unknown-warning-option \
		-Wno-default-const-init-var-unsafe -I $(GEN) -I $(PROBE)/include -c $< -o $@

$(GEN)/saker.skel.h: $(GEN)/saker.bpf.o
	$(BPFTOOL) gen object $(GEN)/saker.linked.o $<
	$(BPFTOOL) gen skeleton $(GEN)/saker.linked.o name saker_bpf > $@.tmp && mv $@.tmp $@

probe: deps $(GEN)/saker.skel.h

build: probe
	$(SWIFT) build $(RELEASE_FLAGS) --product saker

debug: probe
	$(SWIFT) build --product saker

run: build
	$(RELEASE_BIN) run $(RUN_ARGS)

# The fuzz corpus replay comes first (a few seconds); exploring is `make fuzz`.
test: test-deps probe
	Fuzz/run.sh --replay
	$(SWIFT) build --product saker
	SAKER_BIN=$(CURDIR)/$(DEBUG_BIN) $(SWIFT) test --no-parallel
	$(MAKE) packages
	Tests/system/run.sh

# The .deb, the .rpm and the tarball of the release binary, in dist/ (docs/install.md).
# VERSION defaults to `saker version`; VERSION=0.2.0 builds another (the upgrade test builds its
# higher-versioned .deb itself, with packaging/build-deb.sh).
packages: build
	@.ci/install-deps packages
	packaging/build-packages.sh $(RELEASE_BIN) dist $(VERSION)

# End-to-end tests in Debian 12 containers booted with real systemd (needs root and dist/).
system-test: test-deps
	Tests/system/run.sh

bench: build
	$(SWIFT) build $(RELEASE_FLAGS) --product saker-engine-bench
	Benchmarks/run.sh $(RELEASE_BIN) .build/release/saker-engine-bench

fuzz:
	Fuzz/run.sh $(FUZZ_SECONDS)

clean:
	rm -rf .build $(GEN) dist
