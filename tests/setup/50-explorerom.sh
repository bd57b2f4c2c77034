#!/usr/bin/env bash
# Prepares the ExplorerOM adapter's in-process tests (edge-js on CoreCLR against the ExplorerOM stand-in), into
# <repo>/.cache/explorerom (gitignored). Idempotent and quick when already done:
#   1. edge-js's native addon (node_modules/edge-js/build/Release/edge_coreclr.node). npm 11 runs edge-js's install
#      script only when package.json's allow list approves it (`npm install-scripts approve edge-js`); when `npm ci` did
#      not build it (not approved, or the build failed, which npm tolerates for an optional dependency), it is built here
#      the way edge-js's tools/install.js does on Linux: `node-gyp configure build --release`, with npm's bundled node-gyp
#      and the node headers the machine already has (npm config `nodedir`, /usr here: no download).
#   2. bridge/: the bridges (src/adapters/explorerom/ExplorerOmBridge.cs and src/adapters/deployment-api/
#      DeploymentApiBridge.cs) compiled ahead of time against the stand-ins (tests/fixtures/explorerom-standin: ExplorerOM,
#      the deployment engine, Microsoft.BizTalk.Deployment's BindingInfo, SqlConnection), with EdgeJs.dll (edge-js's
#      managed CoreCLR host, built from the sources in node_modules/edge-js/src) beside them. That folder is edge-js's
#      EDGE_APP_ROOT in the tests.
#   3. standin-x86/: the same stand-in built 32-bit only, to provoke a real BadImageFormatException in a 64-bit process.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || (cd "$here/../.." && pwd))"
cache="$root/.cache/explorerom"
edge="${EXPLOREROM_EDGE_DIR:-$root/node_modules/edge-js}"  # override only to test this script on another tree
fixtures="$root/tests/fixtures/explorerom-standin"
bridge_cs="$root/src/adapters/explorerom/ExplorerOmBridge.cs"
deployment_cs="$root/src/adapters/deployment-api/DeploymentApiBridge.cs"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
command -v dotnet >/dev/null 2>&1 || { echo "dotnet (the .NET SDK) is required to build the ExplorerOM stand-in and bridge" >&2; exit 1; }
if [ ! -f "$edge/package.json" ]; then
  echo "node_modules/edge-js is missing: run npm ci first (edge-js is an optional dependency; npm drops it when its install fails)" >&2
  exit 1
fi

# ---- 1. the native addon --------------------------------------------------------------------------------------
addon="$edge/build/Release/edge_coreclr.node"
if [ -f "$addon" ] && node -e "require(process.argv[1])" "$addon" 2>/dev/null; then
  echo "edge-js native addon present: $addon"
else
  gyp=""
  npm_cli="$(node -e "try{console.log(require.resolve('npm/bin/npm-cli.js',{paths:[require('path').dirname(process.execPath)+'/../lib/node_modules']}))}catch{}" 2>/dev/null || true)"
  for candidate in "${npm_cli:+$(dirname "$npm_cli")/../node_modules/node-gyp/bin/node-gyp.js}" \
    "$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js" \
    "$root/node_modules/node-gyp/bin/node-gyp.js"; do
    if [ -n "$candidate" ] && [ -f "$candidate" ]; then gyp="$candidate"; break; fi
  done
  [ -n "$gyp" ] || { echo "node-gyp not found (looked beside npm): cannot build edge-js's native addon" >&2; exit 1; }
  nodedir="$(npm config get nodedir 2>/dev/null || true)"
  if [ -z "$nodedir" ] || [ "$nodedir" = "undefined" ] || [ "$nodedir" = "null" ]; then
    nodedir="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  fi
  [ -f "$nodedir/include/node/node.h" ] || { echo "node headers not found under $nodedir/include/node (set npm config nodedir)" >&2; exit 1; }
  # edge-js's binding.gyp also restores and builds its lib/bootstrap project whenever `which dotnet` finds dotnet; that
  # restore fails against this NuGet feed (it pins System.Console and System.Xml.ReaderWriter 4.3.1, not served) and can
  # stop make before the addon is linked. The addon itself needs no .NET, so node-gyp runs with a PATH that shows
  # everything but dotnet; EdgeJs.dll is built below instead.
  shadow="$(mktemp -d)"
  trap 'rm -rf "$shadow"' EXIT
  IFS=: read -r -a path_dirs <<<"$PATH"
  for dir in "${path_dirs[@]}"; do
    [ -d "$dir" ] || continue
    for entry in "$dir"/*; do
      name="$(basename "$entry")"
      [ "$name" = dotnet ] && continue
      [ -e "$shadow/$name" ] || ln -s "$entry" "$shadow/$name" 2>/dev/null || true
    done
  done
  mkdir -p "$root/.cache"
  echo "building edge-js's native addon with $gyp (nodedir $nodedir)"
  (cd "$edge" && PATH="$shadow" node "$gyp" configure build --release --nodedir="$nodedir" --jobs=2 >"$root/.cache/edge-js-build.log" 2>&1) || true
  if ! node -e "require(process.argv[1])" "$addon" 2>/dev/null; then
    echo "edge-js native build failed; see $root/.cache/edge-js-build.log" >&2
    tail -20 "$root/.cache/edge-js-build.log" >&2 || true
    exit 1
  fi
  echo "edge-js native addon built: $addon"
fi

# ---- 2 and 3. the bridge, the stand-in, EdgeJs.dll -------------------------------------------------------------
stamp="$( (cd "$fixtures" && find . -type f ! -path '*/bin/*' ! -path '*/obj/*' | LC_ALL=C sort | xargs sha256sum; \
  sha256sum "$bridge_cs" "$deployment_cs" "$here/50-explorerom.sh" | cut -d' ' -f1; \
  node -p "require('$edge/package.json').version"; dotnet --version) | sha256sum | cut -d' ' -f1)"
if [ -f "$cache/stamp" ] && [ "$(cat "$cache/stamp")" = "$stamp" ] \
  && [ -f "$cache/bridge/BizTalkBackup.ExplorerOmBridge.dll" ] && [ -f "$cache/bridge/EdgeJs.dll" ] \
  && [ -f "$cache/bridge/Microsoft.BizTalk.ExplorerOM.dll" ] && [ -f "$cache/standin-x86/Microsoft.BizTalk.ExplorerOM.dll" ] \
  && [ -f "$cache/bridge/Microsoft.BizTalk.ApplicationDeployment.Engine.dll" ] && [ -f "$cache/bridge/Microsoft.BizTalk.Deployment.dll" ]; then
  echo "ExplorerOM stand-in and bridge up to date in $cache"
  exit 0
fi

mkdir -p "$cache"
# The real path: through a symlinked .cache (a git worktree sharing another checkout's) NuGet restores the bridge with
# no project references, and edge-js then cannot load Microsoft.Extensions.DependencyModel.
cache="$(cd "$cache" && pwd -P)"
# Built beside the live folders and swapped in at the end: tests running meanwhile keep a complete bridge folder.
rm -rf "$cache/src" "$cache/src-x86" "$cache/bridge.new" "$cache/standin-x86.new" "$cache/stamp"
cp -r "$fixtures" "$cache/src"
rm -rf "$cache/src"/*/bin "$cache/src"/*/obj
build=(dotnet build -c Release -nologo -v:q -nodeReuse:false -p:UseSharedCompilation=false)

"${build[@]}" "$cache/src/Bridge/ExplorerOmBridge.csproj" -o "$cache/bridge.new" -p:RepoRoot="$root" -p:EdgeJsSrc="$edge/src"
# A copy of its own, so its obj/ does not mix with the 64-bit build's.
rm -rf "$cache/src-x86" && mkdir -p "$cache/src-x86"
cp -r "$fixtures/Directory.Build.props" "$fixtures/Microsoft.BizTalk.ExplorerOM" "$cache/src-x86/"
rm -rf "$cache/src-x86/Microsoft.BizTalk.ExplorerOM/bin" "$cache/src-x86/Microsoft.BizTalk.ExplorerOM/obj"
"${build[@]}" "$cache/src-x86/Microsoft.BizTalk.ExplorerOM/Microsoft.BizTalk.ExplorerOM.csproj" -o "$cache/standin-x86.new" -p:PlatformTarget=x86

rm -rf "$cache/bridge.old" "$cache/standin-x86.old"
[ ! -d "$cache/bridge" ] || mv "$cache/bridge" "$cache/bridge.old"
mv "$cache/bridge.new" "$cache/bridge"
[ ! -d "$cache/standin-x86" ] || mv "$cache/standin-x86" "$cache/standin-x86.old"
mv "$cache/standin-x86.new" "$cache/standin-x86"
rm -rf "$cache/bridge.old" "$cache/standin-x86.old"
echo "$stamp" > "$cache/stamp"
echo "ExplorerOM and deployment-API stand-ins and bridges built in $cache"
