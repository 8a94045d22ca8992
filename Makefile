# cni-dhcp: DHCP IPAM plugin and lease daemon for CNI.
#   make          build dist/ (dist/bin/dhcp, dist/lib)
#   make test     unit tests and lab tests (network namespaces, dnsmasq, reference plugins; root)
#   make unit     unit tests only (no network, no root)
#   make demo     build, start a lab, attach two pods, print their leases, tear down
#   make bench    five scenarios, ours and the reference side by side (~30 min; bench.sh --quick: 3)
#   make faults   10 kill -9/restart cycles of the daemon with 50 leases held: nothing lost (~5 min)
SHELL := /bin/bash
MVN ?= mvn -B -q
DIST := dist

.PHONY: all deps dist test unit demo bench faults clean

all: dist

deps:
	@testlab/scripts/install-deps.sh

dist: deps
	$(MVN) -Dmaven.test.skip=true package
	rm -rf $(DIST)
	mkdir -p $(DIST)/bin $(DIST)/lib
	cp plugin/target/cni-dhcp-plugin.jar daemon/target/cni-dhcp-daemon.jar daemon/target/lib/*.jar $(DIST)/lib/
	install -m 0755 plugin/src/main/sh/dhcp $(DIST)/bin/dhcp
	@# Class data sharing archive of what one plugin run loads (a failing ADD walks the whole path).
	echo '{"cniVersion":"1.0.0","name":"cds","type":"bridge","ipam":{"type":"dhcp","daemonSocketPath":"/nonexistent/cds.sock"}}' \
	  | CNI_COMMAND=ADD CNI_CONTAINERID=cds CNI_NETNS=/nonexistent CNI_IFNAME=eth0 \
	    java -XX:ArchiveClassesAtExit=$(DIST)/lib/plugin.jsa -Xlog:disable -Xint -XX:+UseSerialGC -Xms8m -Xmx32m \
	    -XX:-UsePerfData -Xss256k -cp "$$(cd -P $(DIST)/lib && pwd)/cni-dhcp-plugin.jar" dev.cnidhcp.plugin.Main \
	    >/dev/null || true

unit: deps
	$(MVN) test

test: dist
	$(MVN) test -Dgroups= -DexcludedGroups=

demo: dist
	testlab/scripts/demo.sh

bench: dist
	testlab/scripts/bench.sh

faults: dist
	testlab/scripts/faults.sh 50 10

clean:
	$(MVN) clean
	rm -rf $(DIST)
