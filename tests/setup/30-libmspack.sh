#!/usr/bin/env bash
# Fetches libmspack's Debian source package into <repo>/.cache/libmspack (gitignored) for its test cabinets
# (test/test_files/cabd, lzxd, mszipd, qtmd): independent, deliberately good and broken inputs for our CAB reader.
# Idempotent and fast when already done. Third-party files are never committed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dest="$repo/.cache/libmspack"
if [ -d "$dest/test/test_files/cabd" ]; then
  exit 0
fi
sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
command -v dpkg-source >/dev/null 2>&1 || {
  $sudo_cmd apt-get update -qq
  $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dpkg-dev >/dev/null
}
# A deb-src entry for the installed Debian suite, in a file of our own (never edit the system's own list).
suite="$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")"
src_list=/etc/apt/sources.list.d/biztalkbackup-deb-src.sources
if ! grep -rqs '^\(Types:.*deb-src\|deb-src \)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  $sudo_cmd tee "$src_list" >/dev/null <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  $sudo_cmd apt-get update -qq
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get source --download-only -qq libmspack >/dev/null 2>&1 && dpkg-source -x ./libmspack_*.dsc unpacked >/dev/null)
mkdir -p "$repo/.cache"
rm -rf "$dest"
mv "$work/unpacked" "$dest"
test -d "$dest/test/test_files/cabd" || { echo "libmspack source has no test/test_files/cabd" >&2; exit 1; }
echo "libmspack source in $dest"
