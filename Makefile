# cni-dhcp: DHCP IPAM plugin and lease daemon for CNI.
#   make          build dist/ (dist/bin/dhcp, dist/lib, dist/systemd, dist/kubernetes)
#   make install  install dist/ as $(PREFIX)/opt/cni-dhcp, link $(PREFIX)/opt/cni/bin/dhcp to it, and the
#                 systemd units into $(PREFIX)/etc/systemd/system (PREFIX=/ by default)
#   make test     unit tests and lab tests (network namespaces, dnsmasq, reference plugins; root)
#   make unit     unit tests only (no network, no root)
#   make demo     build, start a lab, attach two pods, print their leases, tear down
#   make bench    seven scenarios (a-g), ours and the reference side by side, each speed target met or
#                 missed; appends the tables to docs/benchmarks.md and draws docs/bench/*.svg (gnuplot,
#                 installed when missing); raw data in testlab/target/bench/ (~35 min; BENCH_FLAGS= keeps
#                 docs/ as it is; testlab/scripts/bench.sh --quick: ~4 min)
#   make faults   10 kill -9/restart cycles of the daemon with 50 leases held: nothing lost (~5 min)
#   make soak     300 leases through a daemon crash, a server outage, DELs during it and a lossy server:
#                 nothing lost, nothing given twice (~17 min; SOAK_PODS=N, SOAK_SCENARIOS=bacd; not in test)
#   make fresh-machine  `make demo` and `make test` from a clone of HEAD in a fresh Debian 12 root
#                 (debootstrap minbase, chroot; root; ~5 min; FRESH_KEEP=1 keeps it; not in test)
SHELL := /bin/bash
MVN ?= mvn -B -q
DIST := dist
JLINK := $(if $(JAVA_HOME),$(JAVA_HOME)/bin/jlink,jlink)
PREFIX ?= /
ROOT := $(patsubst %/,%,$(PREFIX))

.PHONY: all deps dist install test unit demo bench faults soak fresh-machine clean

all: dist

deps:
	@testlab/scripts/install-deps.sh

dist: deps
	$(MVN) -Dmaven.test.skip=true package
	rm -rf $(DIST)
	mkdir -p $(DIST)/bin $(DIST)/lib
	cp plugin/target/cni-dhcp-plugin.jar daemon/target/cni-dhcp-daemon.jar daemon/target/lib/*.jar $(DIST)/lib/
	install -m 0755 plugin/src/main/sh/dhcp $(DIST)/bin/dhcp
	install -m 0755 plugin/src/main/sh/record-cds packaging/install-dist $(DIST)/lib/
	mkdir -p $(DIST)/systemd $(DIST)/kubernetes
	install -m 0644 packaging/systemd/cni-dhcp.socket packaging/systemd/cni-dhcp.service $(DIST)/systemd/
	install -m 0644 packaging/kubernetes/cni-dhcp-daemonset.yaml $(DIST)/kubernetes/
	@# The plugin's own runtime: java.base only, with its default class data sharing archive.
	$(JLINK) --add-modules java.base --strip-debug --no-header-files --no-man-pages --output $(DIST)/lib/runtime
	$(DIST)/lib/runtime/bin/java -Xshare:dump -Xlog:disable >/dev/null
	@# The plugin's class data sharing archive: every class of a training run (one call of each kind).
	$(DIST)/lib/record-cds

# Installs the built dist/ (building it first when there is none).
install: $(DIST)/bin/dhcp
	$(DIST)/lib/install-dist $(ROOT)/opt/cni-dhcp $(ROOT)/opt/cni/bin/dhcp
	install -d -m 0755 $(ROOT)/etc/systemd/system
	install -m 0644 $(DIST)/systemd/cni-dhcp.socket $(DIST)/systemd/cni-dhcp.service $(ROOT)/etc/systemd/system/
	@echo "installed the units in $(ROOT)/etc/systemd/system; on this host: systemctl daemon-reload &&" \
	  "systemctl enable --now cni-dhcp.socket cni-dhcp.service"

$(DIST)/bin/dhcp:
	$(MAKE) dist

unit: deps
	$(MVN) test

test: dist
	$(MVN) test -Dgroups= -DexcludedGroups=

demo: dist
	testlab/scripts/demo.sh

BENCH_FLAGS ?= --write
bench: dist
	testlab/scripts/bench.sh $(BENCH_FLAGS)

faults: dist
	testlab/scripts/faults.sh 50 10

SOAK_PODS ?= 300
SOAK_SCENARIOS ?= bacd
soak: dist
	testlab/scripts/soak.sh $(SOAK_PODS) $(SOAK_SCENARIOS)

fresh-machine:
	testlab/scripts/fresh-machine.sh

clean:
	$(MVN) clean
	rm -rf $(DIST)
