function Get-BtsAppBackupState {
    <#
    .SYNOPSIS
    Whether a store's latest backup set is current, for the BtsAppBackup DSC resource: one state, and the facts
    behind it (latest set id, its age, application count, verified, changed).
    .DESCRIPTION
    Cheap checks first, the group last: no store or no set is Missing; a set last confirmed longer ago than -MaxAge
    is Expired (confirmed: written, or found current by a later export that changed nothing, which writes no set but
    leaves a run-log record naming it); a set
    that no successful Test-BtsAppBackup of that whole set has recorded in the store's run log is Unverified; then the
    live group is compared with the set (Compare-BtsAppBackup, the export's own change detection) and any application
    Added, Removed or Changed makes it Changed. Otherwise the state is Current. Reads only.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory = $true)]
        [string]$Path,

        [string[]]$Name,

        [string[]]$ExcludeName,

        # No limit when $null.
        [System.Nullable[System.TimeSpan]]$MaxAge,

        # Group selection, as Compare-BtsAppBackup takes it (Server, Database, Simulator, SimulatorState).
        [hashtable]$Group = @{}
    )

    $state = [pscustomobject]@{
        PSTypeName       = 'BizTalkBackup.BackupState'
        Path             = $Path
        State            = 'Missing'
        LatestSetId      = $null
        CreatedAt        = $null
        ConfirmedAt      = $null
        Age              = $null
        ApplicationCount = 0
        Verified         = $false
        Changed          = $null
        Reason           = ''
    }
    if (-not (Test-Path -LiteralPath (Join-Path -Path $Path -ChildPath 'store.json') -PathType Leaf)) {
        $state.Reason = 'no backup store at this path yet'
        return $state
    }
    $sets = @(Get-BtsAppBackup -LiteralPath $Path -ErrorAction Stop | Sort-Object -Property CreatedAt)
    if ($sets.Count -eq 0) {
        $state.Reason = 'the store holds no backup set yet'
        return $state
    }
    $latest = $sets[$sets.Count - 1]
    if ($latest.CreatedAt -is [System.DateTime]) { $createdAt = ([System.DateTime]$latest.CreatedAt).ToUniversalTime() }
    else {
        $styles = [System.Globalization.DateTimeStyles]::AdjustToUniversal -bor [System.Globalization.DateTimeStyles]::AssumeUniversal
        $createdAt = [System.DateTime]::Parse([string]$latest.CreatedAt, [System.Globalization.CultureInfo]::InvariantCulture, $styles)
    }
    $state.LatestSetId = [string]$latest.SetId
    $state.CreatedAt = $createdAt
    $state.ApplicationCount = [int]$latest.Applications
    # An export that finds nothing changed writes no set (sets store only what is new) but records the set it found
    # current: the set is as fresh as its latest confirmation, so a quiet group never needs a full export.
    $records = @(Get-BtsAppBackupLog -LiteralPath $Path -Result Ok -ErrorAction Stop | Where-Object { $_.SetId -eq $state.LatestSetId })
    $confirmedAt = $createdAt
    foreach ($record in @($records | Where-Object { $_.Operation -eq 'export' })) {
        $end = $record.End
        if ($end -isnot [System.DateTime]) { $end = [System.DateTime]::Parse([string]$end, [System.Globalization.CultureInfo]::InvariantCulture, [System.Globalization.DateTimeStyles]::AdjustToUniversal -bor [System.Globalization.DateTimeStyles]::AssumeUniversal) }
        $end = ([System.DateTime]$end).ToUniversalTime()
        if ($end -gt $confirmedAt) { $confirmedAt = $end }
    }
    $state.ConfirmedAt = $confirmedAt
    $state.Age = [System.DateTime]::UtcNow - $confirmedAt

    if ($null -ne $MaxAge -and $state.Age -gt $MaxAge) {
        $state.State = 'Expired'
        $state.Reason = ('set {0} was last confirmed current {1:%d}d {1:hh}h{1:mm} ago, more than MaxAge {2}' -f $state.LatestSetId, $state.Age, $MaxAge)
        return $state
    }

    $verifications = @($records | Where-Object { $_.Operation -eq 'verify' })
    $state.Verified = $verifications.Count -gt 0
    if (-not $state.Verified) {
        $state.State = 'Unverified'
        $state.Reason = ('no successful verification of set {0} in the run log' -f $state.LatestSetId)
        return $state
    }

    $compare = @{ LiteralPath = $Path; ErrorAction = 'Stop' }
    if ($Name) { $compare['Name'] = $Name }
    if ($ExcludeName) { $compare['ExcludeName'] = $ExcludeName }
    foreach ($key in 'Server', 'Database', 'SimulatorState') {
        if ($Group.ContainsKey($key) -and $Group[$key]) { $compare[$key] = [string]$Group[$key] }
    }
    if ($Group.ContainsKey('Simulator') -and $Group['Simulator']) { $compare['Simulator'] = $true }
    $differences = @(Compare-BtsAppBackup @compare | Where-Object { [string]$_.Status -ne 'Unchanged' })
    $state.Changed = $differences.Count -gt 0
    if ($state.Changed) {
        $state.State = 'Changed'
        $state.Reason = ('the live group differs from set {0}: {1}' -f $state.LatestSetId, (@($differences | ForEach-Object { '{0} {1}' -f $_.Application, $_.Status }) -join ', '))
        return $state
    }
    $state.State = 'Current'
    $state.Reason = ('set {0} matches the live group and is verified' -f $state.LatestSetId)
    return $state
}
