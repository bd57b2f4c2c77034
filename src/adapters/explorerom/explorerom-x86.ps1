<#
.SYNOPSIS
  BizTalkBackup's ExplorerOM helper: hosts the same C# bridge as the in-process adapter (ExplorerOmBridge.cs) in a
  separate PowerShell process, speaking JSON over stdio: one request per line on stdin, one answer per line on stdout.

.DESCRIPTION
  BizTalk's ExplorerOM is commonly usable only from 32-bit processes, and a 64-bit node cannot load a 32-bit assembly.
  BizTalkBackup then starts this script under Windows PowerShell x86:
    %SystemRoot%\SysWOW64\WindowsPowerShell\v1.0\powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File explorerom-x86.ps1 -BridgeSource ...\ExplorerOmBridge.cs [-ExplorerOmPath ...\Microsoft.BizTalk.ExplorerOM.dll]
  It needs nothing but Windows PowerShell 5.1 (the bridge is C# 5 for its Add-Type) and ExplorerOM; the tests run it
  under PowerShell 7 against the ExplorerOM stand-in.
  Requests: {"op":"probe"|"inventory"|"addReference","connectionString":...,"application":...,"referenced":...}
  Answers:  {"ok":true,"result":...} or {"ok":false,"error":{"kind":...,"type":...,"message":...}}
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true)][string] $BridgeSource,
    [string] $ExplorerOmPath,
    # The class answering ExecuteToJson: the deployment-API bridge (DeploymentApiBridge.cs) is hosted the same way.
    [string] $BridgeClass = 'BizTalkBackup.ExplorerOm.Bridge',
    # More assemblies to load and compile against, comma-separated (the deployment engine, Microsoft.BizTalk.Deployment).
    [string] $ReferencePath
)
Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

function Write-Answer([string] $Json) {
    [Console]::Out.WriteLine($Json)
    [Console]::Out.Flush()
}

function Write-Failure([string] $Kind, [System.Exception] $Exception) {
    $e = $Exception
    while (($e -is [System.Reflection.TargetInvocationException] -or $e -is [System.Management.Automation.MethodInvocationException] -or $e -is [System.TypeInitializationException]) -and $null -ne $e.InnerException) {
        $e = $e.InnerException
    }
    # .NET Framework says BadImageFormatException; CoreCLR says FileLoadException "architecture is not compatible".
    if ($e -is [System.BadImageFormatException] -or [string]$e.Message -match 'architecture is not compatible|incorrect format') { $Kind = 'bad-image-format' }
    elseif ($e -is [System.IO.FileNotFoundException] -or $e -is [System.IO.FileLoadException]) { $Kind = 'assembly-not-found' }
    $answer = @{ ok = $false; error = @{ kind = $Kind; type = $e.GetType().FullName; message = [string]$e.Message } }
    Write-Answer ($answer | ConvertTo-Json -Compress -Depth 5)
}

# Load ExplorerOM and compile the bridge once; a failure here is answered to every request, then the script ends.
$setupError = $null
try {
    if ($ExplorerOmPath) {
        if (-not (Test-Path -LiteralPath $ExplorerOmPath)) {
            throw (New-Object System.IO.FileNotFoundException ("Microsoft.BizTalk.ExplorerOM was not found at " + $ExplorerOmPath), $ExplorerOmPath)
        }
        $explorerOm = [System.Reflection.Assembly]::LoadFrom($ExplorerOmPath)
    } else {
        # On a BizTalk server ExplorerOM sits in the install folder's Developer Tools, not always in the GAC.
        $explorerOm = [System.Reflection.Assembly]::LoadWithPartialName('Microsoft.BizTalk.ExplorerOM')
        if ($null -eq $explorerOm) {
            throw (New-Object System.IO.FileNotFoundException 'Microsoft.BizTalk.ExplorerOM is not in the GAC; pass -ExplorerOmPath.', 'Microsoft.BizTalk.ExplorerOM')
        }
    }
    $source = [System.IO.File]::ReadAllText($BridgeSource)
    $references = @($explorerOm.Location)
    if ($ReferencePath) {
        foreach ($extra in ($ReferencePath -split ',')) {
            if (-not (Test-Path -LiteralPath $extra)) {
                throw (New-Object System.IO.FileNotFoundException ("A BizTalk assembly was not found at " + $extra), $extra)
            }
            $references += @([System.Reflection.Assembly]::LoadFrom($extra).Location)
        }
    }
    if ($PSVersionTable.PSEdition -eq 'Core') {
        # PowerShell 7's Add-Type drops its default reference set once -ReferencedAssemblies is given.
        $references += @('System.Collections', 'System.Runtime', 'System.Threading.Tasks', 'System.Runtime.Extensions', 'System.Linq', 'System.Data.Common', 'System.ComponentModel.Primitives')
    }
    if ($PSVersionTable.PSEdition -eq 'Core') {
        # PowerShell 7 (the tests' stand-in for Windows PowerShell x86) carries its own System.Data.SqlClient built for
        # an older runtime: its reference warnings (CS1701) must not stop the compile.
        Add-Type -TypeDefinition $source -Language CSharp -ReferencedAssemblies $references -IgnoreWarnings | Out-Null
    } else {
        Add-Type -TypeDefinition $source -Language CSharp -ReferencedAssemblies $references | Out-Null
    }
} catch {
    $setupError = $_.Exception
}

while ($true) {
    $line = [Console]::In.ReadLine()
    if ($null -eq $line) { break }
    if ($line.Trim() -eq '') { continue }
    if ($null -ne $setupError) { Write-Failure 'helper-failed' $setupError; continue }
    try {
        $parsed = ConvertFrom-Json -InputObject $line
        $request = @{}
        foreach ($property in $parsed.PSObject.Properties) { $request[$property.Name] = $property.Value }
        Write-Answer (([type]$BridgeClass)::ExecuteToJson($request))
    } catch {
        Write-Failure 'helper-failed' $_.Exception
    }
}
