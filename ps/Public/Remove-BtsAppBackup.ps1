function Remove-BtsAppBackup {
    <#
    .SYNOPSIS
    Removes the backup sets that a retention policy no longer keeps, and the objects only they used.

    .DESCRIPTION
    Applies a retention policy to a store: keeps the newest -KeepLast sets, the newest set of each of the last
    -KeepDaily days, -KeepWeekly weeks and -KeepMonthly months, and every set younger than -KeepWithin; removes the
    rest. The newest verified backup of every application is never removed, an empty or zero policy is refused
    (BizTalkBackup.E_POLICY_UNSAFE), manifests are removed before the objects only they used, and nothing outside the
    store is touched.

    -WhatIf shows exactly which sets would be removed and changes nothing. Asks for confirmation unless -Force or
    -Confirm:$false is given.

    .PARAMETER Path
    The backup store folder.

    .PARAMETER LiteralPath
    The backup store folder, used exactly as typed: no wildcards, for folder names holding [ ] * or ?.

    .PARAMETER KeepLast
    Keeps this many of the newest sets.

    .PARAMETER KeepDaily
    Keeps the newest set of each of this many days that have a set.

    .PARAMETER KeepWeekly
    Keeps the newest set of each of this many weeks that have a set.

    .PARAMETER KeepMonthly
    Keeps the newest set of each of this many months that have a set.

    .PARAMETER KeepWithin
    Keeps every set younger than this, written as a number and a unit: 36h, 14d, 8w, 6m, 1y.

    .PARAMETER Force
    Removes without asking for confirmation. It never breaks the store's lock: a lock whose run is alive is broken only
    by -BreakLock.

    .PARAMETER BreakLock
    The token of a live lock to break (the E_LOCK_HELD error names it). The run holding it loses its uncommitted work.
    Stale locks (a dead or silent run) are taken over without it, with a warning.

    .PARAMETER EventLog
    Also writes the run's record (the line the store's run log gets, as JSON) to the Windows Application event log under
    the source BizTalkBackup, with a stable event id per outcome (1000 success ... 1102 verification failed; see the
    README, Keeping backups current). The source is created on first use when the account is an administrator;
    otherwise, and off Windows, a warning says so and the run goes on. To turn it on for a whole session or script:
    $PSDefaultParameterValues['*-BtsAppBackup:EventLog'] = $true

    .PARAMETER EnableException
    Throws a terminating exception on error instead of writing a non-terminating error.

    .PARAMETER WhatIf
    Shows which backup sets would be removed, without removing anything.

    .PARAMETER Confirm
    Asks for confirmation before removing (the default for this cmdlet).

    .EXAMPLE
    Remove-BtsAppBackup -Path D:\BizTalkBackups -KeepDaily 7 -KeepWeekly 4 -KeepMonthly 12 -WhatIf

    Shows which sets a 7 daily, 4 weekly, 12 monthly policy would remove.

    .EXAMPLE
    Remove-BtsAppBackup -Path D:\BizTalkBackups -KeepLast 10 -Force

    Keeps the ten newest sets and removes the others without asking, for a scheduled task.

    .INPUTS
    None.

    .OUTPUTS
    BizTalkBackup.PlanStep: one per set kept or removed (Action, Target, Detail), one DeleteObjects step for the objects
    deleted (Count, Size in bytes, the objects in its Objects property and one -Verbose line each), then
    BizTalkBackup.PruneResult (RemovedSets, DeletedObjects, DeletedBytes).

    .NOTES
    Not backed up by BizTalkBackup: the BizTalk master secret and Enterprise Single Sign-On (SSO) data, hosts, host
    instances and adapter handlers, the BizTalk databases and the messages in them.

    .LINK
    Get-BtsAppBackup
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High', DefaultParameterSetName = 'Path', HelpUri = 'https://github.com/BizTalkBackup/BizTalkBackup/blob/main/README.md#powershell')]
    [OutputType('BizTalkBackup.PlanStep', 'BizTalkBackup.PruneResult')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ParameterSetName = 'Path')]
        [Alias('Store')]
        [SupportsWildcards()]
        [string]$Path,

        [Parameter(Mandatory = $true, ParameterSetName = 'LiteralPath')]
        [Alias('PSPath', 'LP')]
        [string]$LiteralPath,

        [ValidateRange(0, 100000)]
        [int]$KeepLast,

        [ValidateRange(0, 100000)]
        [int]$KeepDaily,

        [ValidateRange(0, 100000)]
        [int]$KeepWeekly,

        [ValidateRange(0, 100000)]
        [int]$KeepMonthly,

        [ValidatePattern('^[0-9]+[hdwmy]$')]
        [string]$KeepWithin,

        [switch]$Force,

        [string]$BreakLock,

        [switch]$EventLog,

        [switch]$EnableException
    )

    $store = Resolve-BtsPath -Caller $PSCmdlet -Path $Path -LiteralPath $LiteralPath
    $request = @{ store = $store }
    $policy = New-Object -TypeName System.Collections.Generic.List[string]
    foreach ($key in 'KeepLast', 'KeepDaily', 'KeepWeekly', 'KeepMonthly', 'KeepWithin') {
        if ($PSBoundParameters.ContainsKey($key)) {
            $request[$key.Substring(0, 1).ToLowerInvariant() + $key.Substring(1)] = $PSBoundParameters[$key]
            $policy.Add(('{0} {1}' -f $key, $PSBoundParameters[$key]))
        }
    }
    if ($Force) { $request['force'] = $true }
    if ($BreakLock) { $request['breakLock'] = $BreakLock }

    if ($WhatIfPreference) {
        Invoke-BtsPlan -Command 'prune' -Request $request -Caller $PSCmdlet -EnableException:$EnableException
        return
    }
    if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
    if (Test-BtsShouldProcess -Caller $PSCmdlet -Target $store -Action ('Remove the backup sets outside the policy {0}' -f ($policy -join ', '))) {
        Invoke-BtsCore -Command 'prune' -Request $request -Caller $PSCmdlet -EnableException:$EnableException -EventLog:$EventLog -AddProperty @{ Store = $store } |
            Group-BtsObjectRecord -Store $store
    }
}
