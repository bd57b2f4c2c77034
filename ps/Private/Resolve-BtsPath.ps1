function Resolve-BtsPath {
    <#
    .SYNOPSIS
    A PowerShell path (relative to the current location, ~, a PSDrive) as the absolute file-system path node needs.
    The path does not have to exist yet.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet]$Caller,

        [Parameter(Mandatory = $true)]
        [string]$Path
    )

    $Caller.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
}
