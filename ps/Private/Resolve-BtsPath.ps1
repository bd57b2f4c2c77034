function Resolve-BtsPath {
    <#
    .SYNOPSIS
    A PowerShell path (relative to the current location, ~, a PSDrive) as the absolute file-system path node needs.
    The path does not have to exist yet.

    .DESCRIPTION
    -LiteralPath is taken exactly as typed. -Path follows the PowerShell convention: wildcards are resolved, and must
    name exactly one existing item (more is BizTalkBackup.E_PATH_AMBIGUOUS). An existing item whose name holds [ ] is
    still found as typed, and a wildcard path that matches nothing names a new folder of exactly that name.
    With -Multiple (read-only cmdlets that take each file in turn, like Get-Content) every match is returned.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet]$Caller,

        [string]$Path,

        [string]$LiteralPath,

        [switch]$Multiple
    )

    $paths = $Caller.SessionState.Path
    if ($LiteralPath) { return $paths.GetUnresolvedProviderPathFromPSPath($LiteralPath) }
    $literal = $paths.GetUnresolvedProviderPathFromPSPath($Path)
    if (-not [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($Path)) { return $literal }
    if (Test-Path -LiteralPath $literal) { return $literal }
    $provider = $null
    $found = @()
    try { $found = @($paths.GetResolvedProviderPathFromPSPath($Path, [ref]$provider)) }
    catch [System.Management.Automation.ItemNotFoundException] { $found = @() }
    if ($found.Count -eq 1) { return $found[0] }
    if ($found.Count -eq 0) { return $literal }
    if ($Multiple) { return $found }
    $record = New-BtsErrorRecord -Code 'E_PATH_AMBIGUOUS' -Category 'InvalidArgument' -Target $Path `
        -Message ('The path {0} matches {1} items: {2}.' -f $Path, $found.Count, (($found | Select-Object -First 5) -join ', ')) `
        -Hint 'Give a path that names one folder, or use -LiteralPath to take it exactly as typed.'
    $Caller.ThrowTerminatingError($record)
}
