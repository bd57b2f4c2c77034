function Resolve-BtsNode {
    <#
    .SYNOPSIS
    Finds node and checks its version once per session; returns the path of the node executable.
    .DESCRIPTION
    Looks at $env:BTSBACKUP_NODE first, then for 'node' on PATH. The minimum version is read from the
    engines field of the module's package.json. Failure is terminating for the calling cmdlet
    (BizTalkBackup.E_NODE_VERSION, category ResourceUnavailable) before anything is done.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet]$Caller
    )

    $candidate = $env:BTSBACKUP_NODE
    if (-not $candidate) {
        $command = Get-Command -Name 'node' -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($command) { $candidate = $command.Path }
    }
    if ($script:NodeInfo -and $script:NodeInfo.Path -eq $candidate) {
        return $script:NodeInfo.Path
    }

    $required = Get-BtsRequiredNodeVersion
    if (-not $candidate -or -not (Test-Path -LiteralPath $candidate -PathType Leaf)) {
        $where = "'node' was not found on PATH"
        if ($candidate) { $where = "'{0}' (from `$env:BTSBACKUP_NODE) does not exist" -f $candidate }
        $record = New-BtsErrorRecord -Code 'E_NODE_VERSION' -Category 'ResourceUnavailable' -Target 'node' `
            -Message ("BizTalkBackup needs Node.js {0} or later, and {1}." -f $required, $where) `
            -Hint ('Install Node.js {0} or later, or set $env:BTSBACKUP_NODE to the path of node.' -f $required)
        $Caller.ThrowTerminatingError($record)
    }

    $versionText = ''
    try {
        $versionText = (& $candidate '--version' 2>$null | Select-Object -First 1) -as [string]
    }
    catch {
        $versionText = ''
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

    Write-Verbose ("Using node {0} at {1}" -f $found, $candidate)
    $script:NodeInfo = @{ Path = $candidate; Version = $found }
    $candidate
}
