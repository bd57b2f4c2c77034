function Get-BtsAppBackupLog {
    <#
    .SYNOPSIS
    Reads the run log of a backup store: one record per export, verification, prune and restore.

    .DESCRIPTION
    Every Export-BtsAppBackup, Test-BtsAppBackup, Remove-BtsAppBackup and Import-BtsAppBackup that ran against a store
    (not a -WhatIf run) appended one record to the store's run log (logs\runs-<year>.jsonl): start, end, result
    (Ok, Partial, Failed, Interrupted), exit code, counts, set id, number of warnings, error codes, operation, host,
    user and tool version. Records hold codes, counts and ids only, never a message, so never a secret. The log is
    rotated by size and bounded. This cmdlet reads it, oldest first, and changes nothing.

    .PARAMETER Path
    The backup store folder.

    .PARAMETER LiteralPath
    The backup store folder, used exactly as typed: no wildcards, for folder names holding [ ] * or ?.

    .PARAMETER Last
    Returns only the last N matching records.

    .PARAMETER Since
    Returns only the runs that started at or after this time.

    .PARAMETER Result
    Returns only the runs with this result: Ok, Partial (some applications failed), Failed or Interrupted.

    .PARAMETER EnableException
    Throws a terminating exception on error (for example a missing store) instead of writing a non-terminating error.

    .EXAMPLE
    Get-BtsAppBackupLog -Path D:\BizTalkBackups -Last 10

    Shows the last ten runs against D:\BizTalkBackups with their result, set and error codes.

    .EXAMPLE
    Get-BtsAppBackupLog -Path D:\BizTalkBackups -Since (Get-Date).AddDays(-1) -Result Failed

    Lists the runs of the last day that failed, for a monitoring script to alert on.

    .INPUTS
    Objects with a Store (or Path) property, bound by property name.

    .OUTPUTS
    BizTalkBackup.RunRecord: Operation, Start, End, DurationMs, Result, ExitCode, SetId, Counts, Warnings, ErrorCodes,
    Host, User, Tool, ToolVersion and Store.

    .NOTES
    Not backed up by BizTalkBackup: the BizTalk master secret and Enterprise Single Sign-On (SSO) data, hosts, host
    instances and adapter handlers, the BizTalk databases and the messages in them.

    .LINK
    Export-BtsAppBackup
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path', HelpUri = 'https://github.com/BizTalkBackup/BizTalkBackup/blob/main/README.md#run-log')]
    [OutputType('BizTalkBackup.RunRecord')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true, ParameterSetName = 'Path')]
        [Alias('Store')]
        [SupportsWildcards()]
        [string]$Path,

        [Parameter(Mandatory = $true, ParameterSetName = 'LiteralPath')]
        [Alias('PSPath', 'LP')]
        [string]$LiteralPath,

        [ValidateRange(0, 2147483647)]
        [int]$Last,

        [datetime]$Since,

        [ValidateSet('Ok', 'Partial', 'Failed', 'Interrupted')]
        [string]$Result,

        [switch]$EnableException
    )

    process {
        $store = Resolve-BtsPath -Caller $PSCmdlet -Path $Path -LiteralPath $LiteralPath
        $request = @{ store = $store }
        if ($PSBoundParameters.ContainsKey('Last')) { $request['last'] = $Last }
        if ($PSBoundParameters.ContainsKey('Since')) { $request['since'] = $Since.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ss.fffZ', [System.Globalization.CultureInfo]::InvariantCulture) }
        if ($Result) { $request['result'] = $Result.ToLowerInvariant() }
        Invoke-BtsCore -Command 'log' -Request $request -Caller $PSCmdlet -EnableException:$EnableException
    }
}
