#!/usr/bin/env bash
# Builds the .NET oracle (System.Reflection.Metadata) and the fixture class libraries the assembly reader/writer
# tests use, into <repo>/.cache/dotnet-fixtures (gitignored). Idempotent: does nothing when the sources are unchanged.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(git -C "$here" rev-parse --show-toplevel 2>/dev/null || (cd "$here/../.." && pwd))"
fixtures="$root/tests/fixtures/dotnet"
cache="$root/.cache/dotnet-fixtures"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
command -v dotnet >/dev/null 2>&1 || { echo "dotnet (the .NET SDK) is required for the assembly tests" >&2; exit 1; }

stamp="$( (cd "$fixtures" && find . -type f ! -path '*/bin/*' ! -path '*/obj/*' | LC_ALL=C sort | xargs sha256sum; \
  sha256sum "$here/20-dotnet-fixtures.sh" | cut -d' ' -f1; dotnet --version) | sha256sum | cut -d' ' -f1)"
if [ -f "$cache/stamp" ] && [ "$(cat "$cache/stamp")" = "$stamp" ] \
  && [ -f "$cache/oracle/DotnetOracle.dll" ] && [ -f "$cache/lib/Fixture.Tools.dll" ] && [ -x "$cache/ildasm/ildasm" ] && [ -s "$cache/fixture.snk" ]; then
  echo "dotnet fixtures up to date in $cache"
  exit 0
fi

mkdir -p "$cache"
rm -rf "$cache/src" "$cache/oracle" "$cache/lib" "$cache/keygen" "$cache/ildasm" "$cache/stamp"
cp -r "$fixtures" "$cache/src"
build=(dotnet build -c Release -nologo -v:q -nodeReuse:false -p:UseSharedCompilation=false)

# The strong-name key is made once and kept, so the fixtures' public key token is stable on one machine.
if [ ! -s "$cache/fixture.snk" ]; then
  "${build[@]}" "$cache/src/KeyGen/KeyGen.csproj" -o "$cache/keygen"
  dotnet "$cache/keygen/SnkGen.dll" "$cache/fixture.snk.tmp"
  mv "$cache/fixture.snk.tmp" "$cache/fixture.snk"
fi

"${build[@]}" "$cache/src/Oracle/Oracle.csproj" -o "$cache/oracle"
"${build[@]}" "$cache/src/Fixture.Tools/Fixture.Tools.csproj" -o "$cache/lib" -p:FixtureKeyFile="$cache/fixture.snk"

# CoreCLR's native ildasm, from its NuGet package (restore only, no build).
case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64 | arm64) rid=linux-arm64 ;;
  *) echo "no ildasm package for $(uname -m)" >&2; exit 1 ;;
esac
dotnet restore "$cache/src/IldasmTool/IldasmTool.csproj" -nologo -v:q -nodeReuse:false -p:IldasmRid="$rid"
packages="$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')"
ildasm="$(find "${packages%/}/runtime.$rid.microsoft.netcore.ildasm" -path "*/runtimes/$rid/native/ildasm" -type f | LC_ALL=C sort | tail -n 1)"
[ -n "$ildasm" ] || { echo "ildasm was not found in the NuGet package folder $packages" >&2; exit 1; }
mkdir -p "$cache/ildasm"
cp "$ildasm" "$cache/ildasm/ildasm"
chmod +x "$cache/ildasm/ildasm"

echo "$stamp" > "$cache/stamp"
echo "dotnet fixtures built in $cache"
