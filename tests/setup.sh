#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian machine, then stops.
# Each step is a script of its own in tests/setup/, run in name order; each is idempotent.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for step in "$here"/setup/*.sh; do
  echo "== setup: $(basename "$step")"
  bash "$step"
done
