function Get-BtsAppBackup {
    <#
    .SYNOPSIS
    Lists the backup sets in a backup store, or shows one set in detail.

    .DESCRIPTION
    Reads the committed backup sets of a store (a set exists only once its manifest is committed, so nothing half
    written is ever listed). Without -SetId it lists every set, oldest first; -Name keeps the sets that hold a
    matching application. With -SetId it shows those sets in full: each set's ApplicationDetails property holds its
    applications (BizTalkBackup.BackupSetApplication: import order, status, references, resources, artifacts).
    Nothing is changed. The objects carry the store path, so they can be piped to Test-BtsAppBackup,
    Compare-BtsAppBackup and Import-BtsAppBackup.

    .PARAMETER Path
    The backup store folder.

    .PARAMETER LiteralPath
    The backup store folder, used exactly as typed: no wildcards, for folder names holding [ ] * or ?.

    .PARAMETER Name
    Keeps only the sets that contain an application matching one of these names; wildcards allowed.

    .PARAMETER SetId
    Shows these backup sets in detail instead of listing the store.

    .PARAMETER EnableException
    Throws a terminating exception on error (for example a missing store) instead of writing a non-terminating error.

    .EXAMPLE
    Get-BtsAppBackup -Path D:\BizTalkBackups

    Lists every backup set in D:\BizTalkBackups.

    .EXAMPLE
    Get-BtsAppBackup -Path D:\BizTalkBackups -Name 'Contoso.Orders' | Select-Object -Last 1 | Test-BtsAppBackup -ReadData

    Finds the newest set that holds Contoso.Orders and verifies it, re-reading every object.

    .INPUTS
    Objects with a Store (or Path) and a SetId property, bound by property name: Export-BtsAppBackup | Get-BtsAppBackup
    shows the set just written.

    .OUTPUTS
    BizTalkBackup.BackupSet: SetId, CreatedAt, Applications, Store and the other fields of the set's manifest; with
    -SetId also ApplicationDetails.

    .NOTES
    Not backed up by BizTalkBackup: the BizTalk master secret and Enterprise Single Sign-On (SSO) data, hosts, host
    instances and adapter handlers, the BizTalk databases and the messages in them.

    .LINK
    Export-BtsAppBackup
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path', HelpUri = 'https://github.com/BizTalkBackup/BizTalkBackup/blob/main/README.md#powershell')]
    [OutputType('BizTalkBackup.BackupSet')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true, ParameterSetName = 'Path')]
        [Alias('Store')]
        [SupportsWildcards()]
        [string]$Path,

        [Parameter(Mandatory = $true, ParameterSetName = 'LiteralPath')]
        [Alias('PSPath', 'LP')]
        [string]$LiteralPath,

        [SupportsWildcards()]
        [string[]]$Name,

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = $true)]
        [string[]]$SetId,

        [switch]$EnableException
    )

    begin {
        # Store -> set ids asked for, in pipeline order: Export-BtsAppBackup | Get-BtsAppBackup binds by property name
        # (Store, SetId), its applications name only the store and its set names the set, shown once.
        $stores = New-Object -TypeName 'System.Collections.Specialized.OrderedDictionary' -ArgumentList ([System.StringComparer]::Ordinal)
    }

    process {
        $store = Resolve-BtsPath -Caller $PSCmdlet -Path $Path -LiteralPath $LiteralPath
        if (-not $stores.Contains($store)) { $stores[$store] = New-Object -TypeName System.Collections.Generic.List[string] }
        foreach ($id in @($SetId)) {
            if ($id -and -not $stores[$store].Contains($id)) { $stores[$store].Add($id) }
        }
    }

    end {
        foreach ($store in @($stores.Keys)) {
            $ids = $stores[$store]
            if ($ids.Count -gt 0) {
                foreach ($id in $ids) {
                    # One object per set, as for a listing, so the output pipes on: the applications ride along in ApplicationDetails.
                    $shown = @(Invoke-BtsCore -Command 'show' -Request @{ store = $store; set = $id } -Caller $PSCmdlet -EnableException:$EnableException -AddProperty @{ Store = $store })
                    $details = @($shown | Where-Object { $_.PSObject.TypeNames[0] -eq 'BizTalkBackup.BackupSetApplication' })
                    foreach ($set in @($shown | Where-Object { $_.PSObject.TypeNames[0] -ne 'BizTalkBackup.BackupSetApplication' })) {
                        if ($set.PSObject.TypeNames[0] -eq 'BizTalkBackup.BackupSet') {
                            $set | Add-Member -MemberType NoteProperty -Name 'ApplicationDetails' -Value $details -Force
                        }
                        $set
                    }
                }
                continue
            }
            $request = @{ store = $store }
            if ($Name) { $request['name'] = @($Name) }
            Invoke-BtsCore -Command 'list' -Request $request -Caller $PSCmdlet -EnableException:$EnableException -AddProperty @{ Store = $store }
        }
    }
}
