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
JLINK := $(if $(JAVA_HOME),$(JAVA_HOME)/bin/jlink,jlink)
# System properties the plugin runs with (plugin/src/main/sh/dhcp); the archive must be recorded with them.
PLUGIN_PROPS := -Djava.nio.channels.spi.SelectorProvider=sun.nio.ch.EPollSelectorProvider

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
	@# The plugin's own runtime: java.base only, with its default class data sharing archive.
	$(JLINK) --add-modules java.base --strip-debug --no-header-files --no-man-pages --output $(DIST)/lib/runtime
	$(DIST)/lib/runtime/bin/java -Xshare:dump -Xlog:disable >/dev/null
	@# The plugin's class data sharing archive: every class of a training run (one call of each kind).
	lib=$$(cd -P $(DIST)/lib && pwd) && \
	  $$lib/runtime/bin/java -Xlog:disable -Xint $(PLUGIN_PROPS) -XX:DumpLoadedClassList=$$lib/plugin.classlist \
	    -cp $$lib/cni-dhcp-plugin.jar dev.cnidhcp.plugin.CdsTraining && \
	  $$lib/runtime/bin/java -Xlog:disable -Xshare:dump $(PLUGIN_PROPS) -XX:SharedClassListFile=$$lib/plugin.classlist \
	    -XX:SharedArchiveFile=$$lib/plugin.jsa -cp $$lib/cni-dhcp-plugin.jar >/dev/null && \
	  rm $$lib/plugin.classlist

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
