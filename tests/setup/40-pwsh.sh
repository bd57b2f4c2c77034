#!/usr/bin/env bash
# Installs PowerShell 7 for the module tests in tests/ps/ into <repo>/.tools/pwsh (gitignored), as the .NET tool
# `PowerShell` from NuGet (7.6.x runs on the .NET 10 runtime). If NuGet does not serve that, falls back to a tiny
# console host over the Microsoft.PowerShell.SDK package, and if that fails too, says exactly what failed.
# Idempotent: does nothing when the wanted version is already there.
# Overrides: PWSH_TOOL_VERSION (default 7.6.9), PWSH_TOOL_DIR (default <repo>/.tools/pwsh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
version="${PWSH_TOOL_VERSION:-7.6.9}"
dir="${PWSH_TOOL_DIR:-$root/.tools/pwsh}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off
command -v dotnet >/dev/null 2>&1 || { echo "40-pwsh: dotnet (the .NET SDK) is required to install PowerShell as a .NET tool" >&2; exit 1; }

pwsh_version() { "$1" -NoLogo -NoProfile -NonInteractive -Command '$PSVersionTable.PSVersion.ToString()' 2>/dev/null || true; }

if [ -x "$dir/pwsh" ] && [ "$(pwsh_version "$dir/pwsh")" = "$version" ]; then
  echo "pwsh $version already in $dir"
  exit 0
fi

mkdir -p "$dir"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if [ -e "$dir/.store/powershell" ]; then action=update; else action=install; fi
if dotnet tool "$action" --tool-path "$dir" PowerShell --version "$version" >"$log" 2>&1; then
  cat "$log"
  echo "pwsh: $(pwsh_version "$dir/pwsh") in $dir"
  exit 0
fi
echo "40-pwsh: 'dotnet tool $action --tool-path $dir PowerShell --version $version' failed:" >&2
sed 's/^/  /' "$log" >&2

# Fallback: a console host over Microsoft.PowerShell.SDK, started by a `pwsh` script in $dir.
runtime="$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" { print $2 }' | sort -V | tail -n 1)"
framework="net${runtime%%.*}.0"
host="$dir/sdk-host"
rm -rf "$host"
mkdir -p "$host/src"
cat >"$host/src/PwshHost.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>$framework</TargetFramework>
    <AssemblyName>pwsh-host</AssemblyName>
    <RollForward>LatestMajor</RollForward>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Microsoft.PowerShell.SDK" Version="$version" />
  </ItemGroup>
</Project>
PROJ
cat >"$host/src/Program.cs" <<'CS'
// The smallest PowerShell host: the SDK's own console shell, with pwsh's command line.
return Microsoft.PowerShell.ConsoleShell.Start(null, null, args);
CS
if dotnet publish "$host/src/PwshHost.csproj" -c Release -o "$host/bin" -nologo -v:q >"$log" 2>&1; then
  printf '#!/usr/bin/env bash\nexec dotnet "%s/bin/pwsh-host.dll" "$@"\n' "$host" >"$dir/pwsh"
  chmod +x "$dir/pwsh"
  echo "pwsh (Microsoft.PowerShell.SDK $version host): $(pwsh_version "$dir/pwsh") in $dir"
  exit 0
fi
echo "40-pwsh: the fallback, a host over Microsoft.PowerShell.SDK $version for $framework, failed too:" >&2
sed 's/^/  /' "$log" >&2
echo "40-pwsh: no PowerShell 7: the module tests in tests/ps/ cannot run." >&2
exit 1
