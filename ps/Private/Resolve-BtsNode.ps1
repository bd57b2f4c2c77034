function Resolve-BtsNode {
    <#
    .SYNOPSIS
    Chooses node for a core request, checks that it starts and is new enough (once per session and path), and returns
    the path of the node executable.
    .DESCRIPTION
    The choice is Select-BtsNode's: $env:BTSBACKUP_NODE, then on Windows the node bundled with the module of the
    bitness the back end needs (Get-BtsNodeBitness), then 'node' on PATH; -Verbose says which and why. The minimum
    version is read from the engines field of the module's package.json. Failures are terminating for the calling
    cmdlet before anything is done: no node or one too old is BizTalkBackup.E_NODE_VERSION, a node that cannot start
    (blocked by application control, built for another architecture, damaged) is BizTalkBackup.E_NODE_START, both
    ResourceUnavailable with a hint.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet]$Caller,

        [hashtable]$Request = @{}
    )

    $onWindows = [System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT
    $is64Bit = [System.Environment]::Is64BitOperatingSystem
    $bundled = @{}
    foreach ($folder in 'win-x64', 'win-x86') {
        $file = [System.IO.Path]::Combine($script:ModuleRoot, 'node', $folder, 'node.exe')
        $bundled[$folder] = ''
        if ([System.IO.File]::Exists($file)) { $bundled[$folder] = $file }
    }
    $need = @{ Bitness = 'x64'; Reason = '' }
    if (-not $env:BTSBACKUP_NODE -and $onWindows -and ($bundled['win-x64'] -or $bundled['win-x86'])) {
        $explorerOm = @{ Path = ''; Architecture = '' }
        $real = -not ($Request.ContainsKey('simulator') -and $Request['simulator']) -and ($Request.ContainsKey('server') -or $Request.ContainsKey('explorerom'))
        if ($real -and -not ($Request.ContainsKey('catalog') -and [string]$Request['catalog'] -eq 'btstask')) {
            $explorerOm = Get-BtsExplorerOmArchitecture -Request $Request
        }
        $need = Get-BtsNodeBitness -Request $Request -Is64BitOperatingSystem $is64Bit -ExplorerOmArchitecture $explorerOm.Architecture -ExplorerOmPath $explorerOm.Path
    }
    $pathNode = ''
    if (-not $env:BTSBACKUP_NODE) {
        $command = Get-Command -Name 'node' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($command) { $pathNode = $command.Path }
    }
    $choice = Select-BtsNode -EnvironmentNode $env:BTSBACKUP_NODE -Bitness $need.Bitness -BitnessReason $need.Reason -OnWindows $onWindows `
        -BundledX64 $bundled['win-x64'] -BundledX86 $bundled['win-x86'] -PathNode $pathNode
    $candidate = $choice.Path
    if ($script:NodeInfo -and $script:NodeInfo.Path -eq $candidate) {
        return $script:NodeInfo.Path
    }

    $required = Get-BtsRequiredNodeVersion
    if (-not $candidate -or -not (Test-Path -LiteralPath $candidate -PathType Leaf)) {
        $where = "'node' was not found on PATH ({0})" -f $choice.Reason
        if ($choice.Source -eq 'environment') { $where = "'{0}' (from `$env:BTSBACKUP_NODE) does not exist" -f $candidate }
        $record = New-BtsErrorRecord -Code 'E_NODE_VERSION' -Category 'ResourceUnavailable' -Target 'node' `
            -Message ("BizTalkBackup needs Node.js {0} or later, and {1}." -f $required, $where) `
            -Hint ('Install the module from the PowerShell Gallery (it brings its own node for Windows), install Node.js {0} or later, or set $env:BTSBACKUP_NODE to the path of node.' -f $required)
        $Caller.ThrowTerminatingError($record)
    }

    $versionText = ''
    $startError = $null
    $exitCode = 0
    try {
        $versionText = (& $candidate '--version' 2>$null | Select-Object -First 1) -as [string]
        $exitCode = $LASTEXITCODE
    }
    catch {
        $startError = $_.Exception.Message
    }
    if ($null -ne $startError -or (-not $versionText -and $exitCode -ne 0)) {
        $why = $startError
        if ($null -eq $why) { $why = 'it exited with code {0} and printed nothing' -f $exitCode }
        $hint = "Check that '{0}' is a node for this machine's architecture and may run here, or set `$env:BTSBACKUP_NODE to one that can." -f $candidate
        if ($choice.Source -eq 'bundled') {
            $hint = "If application control (AppLocker, WDAC) blocks it, allow '{0}' (node.exe, signed by the OpenJS Foundation) or set `$env:BTSBACKUP_NODE to a node.exe that may run; reinstalling the module restores a damaged file." -f $candidate
        }
        elseif ($choice.Source -eq 'path') {
            $hint = "Reinstall Node.js {0} or later for this machine's architecture, or set `$env:BTSBACKUP_NODE to a node that can run." -f $required
        }
        $record = New-BtsErrorRecord -Code 'E_NODE_START' -Category 'ResourceUnavailable' -Target $candidate `
            -Message ("The node chosen to run BizTalkBackup ({0}: {1}) cannot start: {2}" -f $choice.Source, $candidate, $why) `
            -Hint $hint
        $Caller.ThrowTerminatingError($record)
    }
    $found = $null
    if ($versionText -match '^v?(\d+)\.(\d+)\.(\d+)') {
        $found = New-Object -TypeName System.Version -ArgumentList ([int]$Matches[1]), ([int]$Matches[2]), ([int]$Matches[3])
    }
    if ($null -eq $found -or $found -lt $required) {
        $shown = if ($versionText) { $versionText.Trim() } else { 'an unknown version' }
        $record = New-BtsErrorRecord -Code 'E_NODE_VERSION' -Category 'ResourceUnavailable' -Target $candidate `
            -Message ("BizTalkBackup needs Node.js {0} or later; '{1}' is {2}." -f $required, $candidate, $shown) `
            -Hint ('Install Node.js {0} or later, or set $env:BTSBACKUP_NODE to the path of a newer node.' -f $required)
        $Caller.ThrowTerminatingError($record)
    }

    Write-Verbose ("Using node {0} at {1} ({2}: {3})" -f $found, $candidate, $choice.Source, $choice.Reason)
    $script:NodeInfo = @{ Path = $candidate; Version = $found; Source = $choice.Source }
    $candidate
}
