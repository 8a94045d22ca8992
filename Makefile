# cni-dhcp: DHCP IPAM plugin and lease daemon for CNI.
#   make          build dist/ (dist/bin/dhcp, the native CNI forwarder; dist/lib, the JVM's jars and
#                 launcher; dist/systemd, dist/kubernetes)
#   make image    the OCI image archive dist/cni-dhcp-VERSION.oci.tar (umoci, no container engine): the
#                 daemon, a jlinked Java runtime and the plugin tree the DaemonSet's init container installs
#   make install  install dist/ as $(PREFIX)/opt/cni-dhcp, link $(PREFIX)/opt/cni/bin/dhcp to it, and the
#                 systemd units into $(PREFIX)/etc/systemd/system (PREFIX=/ by default)
#   make test     unit tests, native checks, the alert rules' tests and lab tests (network namespaces, dnsmasq, reference plugins, podman running the image; root)
#   make unit     unit tests, native checks and the alert rules' tests only (no network, no root)
#   make rules-check  the Prometheus alert rules (promtool check rules, promtool test rules) and the
#                 Grafana dashboard in packaging/
#   make native-check  the native forwarder's unit tests (also under ASan+UBSan), end-to-end tests
#                 against stand-in daemons (plain and sanitized binary) and its hardening (readelf)
#   make fuzz     libFuzzer over the forwarder's input handling and reply parser (FUZZ_SECONDS=60 each;
#                 installs clang when missing; not in test)
#   make demo     build, start a lab, attach two pods, print their leases, tear down
#   make cluster-demo  build, start a three-node lab on a Kea HA pair, attach pods on every node, show
#                 who answered, stop one server and follow the failover and its return, tear down (~2.5 min; not in test)
#   make bench    eight scenarios (a-h; h, dual stack, ours only), ours and the reference side by side, each speed target met or
#                 missed; appends the tables to docs/benchmarks.md and draws docs/bench/*.svg (gnuplot,
#                 installed when missing); raw data in testlab/target/bench/ (~35 min; BENCH_FLAGS= keeps
#                 docs/ as it is; testlab/scripts/bench.sh --quick: ~4 min)
#   make faults   10 kill -9/restart cycles of the daemon with 50 leases held: nothing lost (~5 min)
#   make soak     300 leases through a daemon crash, a server outage, DELs during it and a lossy server:
#                 nothing lost, nothing given twice (~17 min; SOAK_PODS=N, SOAK_SCENARIOS=bacd; not in test)
#   make systemd-lab  only SystemdBootLabTest (part of test): the units under systemd as PID 1, in a
#                 Debian 12 machine booted by systemd-nspawn in a lab's node namespace (root; ~75 s, ~2 min
#                 more the first time, which builds its root in /var/cache/cni-dhcp-lab)
#   make fresh-machine  `make demo` and `make test` from a clone of HEAD in a fresh Debian 12 root
#                 (debootstrap minbase, chroot; root; ~5 min; FRESH_KEEP=1 keeps it; not in test)
SHELL := /bin/bash
MVN ?= mvn -B -q
DIST := dist
PREFIX ?= /
ROOT := $(patsubst %/,%,$(PREFIX))

.PHONY: all deps dist image native native-check rules-check fuzz install test unit demo cluster-demo bench faults soak systemd-lab fresh-machine clean

all: dist

deps:
	@testlab/scripts/install-deps.sh

# bin/dhcp is the native forwarder (native/): CNI calls end there; `dhcp daemon|leases|status` exec
# lib/dhcp-jvm, which runs the jars on the host's Java 17+.
dist: deps native
	$(MVN) -Dmaven.test.skip=true package
	rm -rf $(DIST)
	mkdir -p $(DIST)/bin $(DIST)/lib
	cp plugin/target/cni-dhcp-plugin.jar daemon/target/cni-dhcp-daemon.jar daemon/target/lib/*.jar $(DIST)/lib/
	install -m 0755 native/build/dhcp $(DIST)/bin/dhcp
	install -m 0755 plugin/src/main/sh/dhcp-jvm packaging/install-dist $(DIST)/lib/
	mkdir -p $(DIST)/systemd $(DIST)/kubernetes
	install -m 0644 packaging/systemd/cni-dhcp.socket packaging/systemd/cni-dhcp.service $(DIST)/systemd/
	install -m 0644 packaging/kubernetes/cni-dhcp-daemonset.yaml $(DIST)/kubernetes/

# The image's tag is the project's version without -SNAPSHOT: the one the DaemonSet manifest names.
VERSION := $(shell sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' pom.xml | sed 's/-SNAPSHOT$$//')
IMAGE := $(DIST)/cni-dhcp-$(VERSION).oci.tar

image: dist
	packaging/image/build-image.sh $(DIST) $(IMAGE) cni-dhcp $(VERSION)

native: deps
	$(MAKE) -C native

native-check: deps
	$(MAKE) -C native check

rules-check: deps
	packaging/prometheus/check.sh

FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) -C native fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)

# Installs the built dist/ (building it first when there is none).
install: $(DIST)/bin/dhcp
	$(DIST)/lib/install-dist $(ROOT)/opt/cni-dhcp $(ROOT)/opt/cni/bin/dhcp
	install -d -m 0755 $(ROOT)/etc/systemd/system
	install -m 0644 $(DIST)/systemd/cni-dhcp.socket $(DIST)/systemd/cni-dhcp.service $(ROOT)/etc/systemd/system/
	@echo "installed the units in $(ROOT)/etc/systemd/system; on this host: systemctl daemon-reload &&" \
	  "systemctl enable --now cni-dhcp.socket cni-dhcp.service"

$(DIST)/bin/dhcp:
	$(MAKE) dist

unit: deps native-check rules-check
	$(MVN) test

test: image native-check rules-check
	$(MVN) test -Dgroups= -DexcludedGroups=

demo: dist
	testlab/scripts/demo.sh

cluster-demo: dist
	testlab/scripts/cluster-demo.sh

BENCH_FLAGS ?= --write
bench: dist
	testlab/scripts/bench.sh $(BENCH_FLAGS)

faults: dist
	testlab/scripts/faults.sh 50 10

SOAK_PODS ?= 300
SOAK_SCENARIOS ?= bacd
soak: dist
	testlab/scripts/soak.sh $(SOAK_PODS) $(SOAK_SCENARIOS)

systemd-lab: dist
	$(MVN) -pl testlab test -Dgroups=lab -DexcludedGroups= -Dtest=SystemdBootLabTest

fresh-machine:
	testlab/scripts/fresh-machine.sh

clean:
	$(MVN) clean
	$(MAKE) -C native clean
	rm -rf $(DIST)
