#!/bin/bash
# Checks the Prometheus alert rules (promtool check rules) and runs their unit tests (promtool test
# rules). promtool comes from Debian's prometheus package (testlab/scripts/install-deps.sh). That the
# rules and the Grafana dashboard query only metrics the daemon exports is checked by the daemon's
# PackagedQueriesTest (mvn test).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v promtool >/dev/null 2>&1; then
    echo "promtool not found: install Debian's prometheus package (testlab/scripts/install-deps.sh does," \
        "without starting its service)" >&2
    exit 1
fi
promtool check rules "$here/cni-dhcp.rules.yml"
(cd "$here" && promtool test rules cni-dhcp.rules.test.yml)

