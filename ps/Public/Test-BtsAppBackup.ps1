function Test-BtsAppBackup {
    <#
    .SYNOPSIS
    Verifies backup sets: structure always, every object's checksum with -ReadData.

    .DESCRIPTION
    Checks that a backup set can be restored: the manifest's schema, every object present with the right size, each
    MSI's signature, each application definition listing every resource, and well-formed binding XML. -ReadData also
    re-reads and re-hashes every object (SHA-256); -ReadDataSubset spreads that work over several runs.
    Problems are reported per application and object, as non-terminating errors (BizTalkBackup.E_CHECKSUM_MISMATCH,
    BizTalkBackup.E_OBJECT_MISSING ...). Nothing is changed.

    .PARAMETER Path
    The backup store folder.

    .PARAMETER LiteralPath
    The backup store folder, used exactly as typed: no wildcards, for folder names holding [ ] * or ?.

    .PARAMETER SetId
    The backup sets to verify (a set id, or latest). Default: every set in the store.

    .PARAMETER Name
    Verifies only the applications with these names; wildcards allowed.

    .PARAMETER InputObject
    Backup sets from Get-BtsAppBackup or Export-BtsAppBackup. The BizTalkBackup.BackupApplication objects
    Export-BtsAppBackup writes before its set are passed over: the set that follows them is verified once.

    .PARAMETER ReadData
    Re-reads and re-hashes every object of the set, not just its structure.

    .PARAMETER ReadDataSubset
    Re-reads only one part of the objects, as "n/m" (part n of m), so m runs together read everything.

    .PARAMETER EventLog
    Also writes the run's record (the line the store's run log gets, as JSON) to the Windows Application event log under
    the source BizTalkBackup, with a stable event id per outcome (1000 success ... 1102 verification failed; see the
    README, Keeping backups current). The source is created on first use when the account is an administrator;
    otherwise, and off Windows, a warning says so and the run goes on. To turn it on for a whole session or script:
    $PSDefaultParameterValues['*-BtsAppBackup:EventLog'] = $true

    .PARAMETER EnableException
    Throws a terminating exception once the verification is over if it failed, instead of writing non-terminating errors.

    .EXAMPLE
    Get-BtsAppBackup -Path D:\BizTalkBackups | Test-BtsAppBackup

    Verifies the structure of every backup set in the store, one set at a time.

    .EXAMPLE
    Export-BtsAppBackup -Path D:\BizTalkBackups | Test-BtsAppBackup -ReadData

    Backs up, then re-reads the set just written.

    .EXAMPLE
    Test-BtsAppBackup -Path D:\BizTalkBackups -SetId latest -ReadData -EnableException

    Re-hashes every object of the newest set and throws if anything is wrong, for use in a scheduled task.

    .EXAMPLE
    Test-BtsAppBackup -Path D:\BizTalkBackups -ReadDataSubset "$((Get-Date).DayOfWeek.value__ + 1)/7"

    Re-reads a seventh of the objects each day of the week.

    .INPUTS
    BizTalkBackup.BackupSet (from Get-BtsAppBackup or Export-BtsAppBackup)

    .OUTPUTS
    BizTalkBackup.VerifyResult: SetId, Application, Status (Verified or Failed), Level, Objects, ObjectsRead and the
    Problems found; one BizTalkBackup.OrphanSummary (Count, Size in bytes, and the objects in its Objects property,
    one -Verbose line each) for objects no set uses (left by an interrupted run; Remove-BtsAppBackup removes them).

    .NOTES
    Not backed up by BizTalkBackup: the BizTalk master secret and Enterprise Single Sign-On (SSO) data, hosts, host
    instances and adapter handlers, the BizTalk databases and the messages in them.

    .LINK
    Get-BtsAppBackup
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path', HelpUri = 'https://github.com/BizTalkBackup/BizTalkBackup/blob/main/README.md#powershell')]
    [OutputType('BizTalkBackup.VerifyResult')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ParameterSetName = 'Path')]
        [Alias('Store')]
        [SupportsWildcards()]
        [string]$Path,

        [Parameter(Mandatory = $true, ParameterSetName = 'LiteralPath')]
        [Alias('PSPath', 'LP')]
        [string]$LiteralPath,

        [Parameter(Position = 1, ParameterSetName = 'Path')]
        [Parameter(ParameterSetName = 'LiteralPath')]
        [string[]]$SetId,

        # Not constrained to BizTalkBackup.BackupSet: Export-BtsAppBackup | Test-BtsAppBackup pipes the exported
        # applications ahead of their set, and they must bind (and be passed over) rather than fail one by one.
        [Parameter(Mandatory = $true, ValueFromPipeline = $true, ParameterSetName = 'InputObject')]
        [psobject[]]$InputObject,

        [SupportsWildcards()]
        [string[]]$Name,

        [switch]$ReadData,

        [ValidatePattern('^[1-9][0-9]*/[1-9][0-9]*$')]
        [string]$ReadDataSubset,

        [switch]$EventLog,

        [switch]$EnableException
    )

    process {
        $targets = @(Get-BtsSetTarget -Caller $PSCmdlet -Path $Path -LiteralPath $LiteralPath -SetId $SetId -InputObject $InputObject)
        foreach ($target in $targets) {
            $request = @{ store = $target.Store }
            if ($target.SetId) { $request['set'] = $target.SetId }
            if ($Name) { $request['name'] = @($Name) }
            if ($ReadData) { $request['readData'] = $true }
            if ($ReadDataSubset) { $request['readDataSubset'] = $ReadDataSubset }
            Invoke-BtsCore -Command 'verify' -Request $request -Caller $PSCmdlet -EnableException:$EnableException -EventLog:$EventLog -AddProperty @{ Store = $target.Store } |
                Group-BtsObjectRecord -Store $target.Store
        }
    }
}
