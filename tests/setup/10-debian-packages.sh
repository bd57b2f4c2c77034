#!/usr/bin/env bash
# Independent oracles for our MSI and cabinet files: msitools (msiinfo, msiextract), gcab, cabextract.
set -euo pipefail
need=()
for tool in msiinfo:msitools msiextract:msitools gcab:gcab cabextract:cabextract; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || need+=("${tool##*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(printf '%s\n' "${need[@]}" | sort -u) >/dev/null
fi
