#!/usr/bin/env bash
# Debian's chromium, headless, renders the disaster-recovery report in tests/report (DOM checks and a screenshot).
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
