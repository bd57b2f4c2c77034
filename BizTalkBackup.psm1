# BizTalkBackup: the PowerShell face of the BizTalkBackup core (node). The cmdlets in ps/Public call the core through
# Invoke-BtsCore (ps/Private), the one bridge. An installed module holds core/ (the bundled core) and node/win-x64,
# node/win-x86 (node for Windows); a checkout holds dist/ (the compiled core) and node_modules/.

$script:ModuleRoot = $PSScriptRoot
# The bundled core of an installed module (build.ps1), else the compiled tree of a checkout.
$script:CoreScript = [System.IO.Path]::Combine($PSScriptRoot, 'core', 'main.js')
if (-not [System.IO.File]::Exists($script:CoreScript)) { $script:CoreScript = [System.IO.Path]::Combine($PSScriptRoot, 'dist', 'src', 'cli', 'main.js') }
$script:NodeInfo = $null
$script:GroupDefault = $null
$script:LastSummary = $null
# The last run's record as the core gave it (eventId, entryType, outcome, text): Write-BtsEventLog, the DSC resource.
$script:LastRunRecord = $null
# A stand-in for System.Diagnostics.EventLog, set by tests only (see Write-BtsEventLog).
$script:EventLogApi = $null
# Seconds a stopped run is given to release the store lock and clean up before node is killed.
$script:StopTimeoutSeconds = 30

foreach ($folder in 'Private', 'Public') {
    $folderPath = [System.IO.Path]::Combine($PSScriptRoot, 'ps', $folder)
    foreach ($file in @(Get-ChildItem -LiteralPath $folderPath -Filter '*.ps1' -File | Sort-Object -Property Name)) {
        . $file.FullName
    }
}

Register-BtsArgumentCompleter

<#
The DSC resource BtsAppBackup (class-based; Windows PowerShell 5.1 and PowerShell 7). It keeps a store's latest
backup set current: Test() is true when the live group matches the latest set (Compare-BtsAppBackup's change
detection), the set was written or last confirmed current by an export within MaxAge (an export that changes nothing
writes no set, only a run-log record naming it), and a Test-BtsAppBackup of that set succeeded (the store's run log
says so); Set() runs Export-BtsAppBackup (incremental: it writes a new set or confirms the latest) and
Test-BtsAppBackup of the set it names; Get() returns the latest set's id, age, application count and state. DSC
properties must have MOF types: MaxAge is a TimeSpan written as a string ('1.00:00:00' is one day, '12:00:00' twelve
hours; empty: no age limit). Ensure Absent makes the resource do nothing: it never deletes a backup (that is
Remove-BtsAppBackup's retention policy). It is defined here, in the root module, because that is where DSC and
`using module BizTalkBackup` find classes.
#>
[DscResource()]
class BtsAppBackup {
    # The backup store: a folder or a UNC share.
    [DscProperty(Key)]
    [string]$Path

    [DscProperty()]
    [string[]]$Name

    [DscProperty()]
    [string[]]$ExcludeName

    [DscProperty()]
    [string]$Server

    [DscProperty()]
    [string]$Database

    # A TimeSpan as a string (d.hh:mm:ss, invariant culture); empty: no age limit.
    [DscProperty()]
    [string]$MaxAge = '1.00:00:00'

    # The verification Set() runs on the set: empty re-reads no object (structure only), 'all' every object, 'n/m'
    # part n of m (Test-BtsAppBackup -ReadDataSubset), '*/m' one part of m a day, in turn.
    [DscProperty()]
    [string]$VerifyReadDataSubset

    [DscProperty()]
    [ValidateSet('Present', 'Absent')]
    [string]$Ensure = 'Present'

    # Also write each run's record to the Application event log (Export/Test-BtsAppBackup -EventLog).
    [DscProperty()]
    [bool]$EventLog

    # The embedded sample group instead of BizTalk (demos and tests).
    [DscProperty()]
    [bool]$Simulator

    # A simulated group kept in a JSON file (btsbackup simulator-init); implies Simulator.
    [DscProperty()]
    [string]$SimulatorState

    [DscProperty(NotConfigurable)]
    [string]$LatestSetId

    # The latest set's age, as a TimeSpan string (d.hh:mm:ss).
    [DscProperty(NotConfigurable)]
    [string]$Age

    [DscProperty(NotConfigurable)]
    [int]$ApplicationCount

    # Current, Changed, Unverified, Expired or Missing.
    [DscProperty(NotConfigurable)]
    [string]$State

    [BtsAppBackup] Get() {
        $facts = $this.ReadState()
        $result = [BtsAppBackup]::new()
        foreach ($property in 'Path', 'Name', 'ExcludeName', 'Server', 'Database', 'MaxAge', 'VerifyReadDataSubset', 'Ensure', 'EventLog', 'Simulator', 'SimulatorState') {
            $result.$property = $this.$property
        }
        $result.LatestSetId = [string]$facts.LatestSetId
        $result.ApplicationCount = [int]$facts.ApplicationCount
        $result.State = [string]$facts.State
        if ($null -ne $facts.Age) { $result.Age = [System.TimeSpan]::FromSeconds([System.Math]::Floor(([System.TimeSpan]$facts.Age).TotalSeconds)).ToString('c', [System.Globalization.CultureInfo]::InvariantCulture) }
        return $result
    }

    [bool] Test() {
        if ($this.Ensure -eq 'Absent') { return $true }
        $facts = $this.ReadState()
        Write-Verbose ('BtsAppBackup {0}: {1} ({2})' -f $this.Path, $facts.State, $facts.Reason)
        return $facts.State -eq 'Current'
    }

    [void] Set() {
        if ($this.Ensure -eq 'Absent') { return }
        $facts = $this.ReadState()
        $export = $this.GroupParameters()
        $export['LiteralPath'] = $this.Path
        if ($this.Name) { $export['Name'] = $this.Name }
        if ($this.ExcludeName) { $export['ExcludeName'] = $this.ExcludeName }
        # Only too old: the incremental export confirms the set (a run-log record naming it) or writes a new one; never a
        # full export of every application, which on a real server costs an ExportApp per application.
        if ($this.EventLog) { $export['EventLog'] = $true }
        $set = @(Export-BtsAppBackup @export -EnableException -Confirm:$false | Where-Object { $_.PSObject.TypeNames -contains 'BizTalkBackup.BackupSet' }) | Select-Object -Last 1
        if ($null -eq $set) { throw ('BizTalkBackup.E_DSC_NO_SET: the export of {0} named no backup set.' -f $this.Path) }
        $verify = @{ LiteralPath = $this.Path; SetId = [string]$set.SetId }
        $subset = [BtsAppBackup]::ReadDataSubsetFor($this.VerifyReadDataSubset, [System.DateTime]::UtcNow)
        if ($subset -eq 'all') { $verify['ReadData'] = $true }
        elseif ($subset) { $verify['ReadDataSubset'] = $subset }
        if ($this.EventLog) { $verify['EventLog'] = $true }
        $null = Test-BtsAppBackup @verify -EnableException
    }

    hidden [psobject] ReadState() {
        return Get-BtsAppBackupState -Path $this.Path -Name $this.Name -ExcludeName $this.ExcludeName -MaxAge ([BtsAppBackup]::ParseMaxAge($this.MaxAge)) -Group $this.GroupParameters()
    }

    hidden [hashtable] GroupParameters() {
        $group = @{}
        if ($this.Server) { $group['Server'] = $this.Server }
        if ($this.Database) { $group['Database'] = $this.Database }
        if ($this.SimulatorState) { $group['SimulatorState'] = $this.SimulatorState }
        elseif ($this.Simulator) { $group['Simulator'] = $true }
        return $group
    }

    # MaxAge as a TimeSpan: '1.00:00:00', '12:00:00', '7.00:00:00' (invariant culture); empty means no limit.
    static [System.Nullable[System.TimeSpan]] ParseMaxAge([string]$Text) {
        if ([string]::IsNullOrWhiteSpace($Text)) { return $null }
        $value = [System.TimeSpan]::Zero
        if (-not [System.TimeSpan]::TryParse($Text.Trim(), [System.Globalization.CultureInfo]::InvariantCulture, [ref]$value) -or $value -le [System.TimeSpan]::Zero) {
            throw ("BizTalkBackup.E_USAGE: MaxAge '{0}' is not a positive TimeSpan; write it as d.hh:mm:ss, for example '1.00:00:00' for one day or '12:00:00' for twelve hours." -f $Text)
        }
        return $value
    }

    # VerifyReadDataSubset for a run at $Now: '' (structure only), 'all', 'n/m', or '*/m' (part (days since
    # 2000-01-01 mod m) + 1, so m days in a row read every object once).
    static [string] ReadDataSubsetFor([string]$Text, [System.DateTime]$Now) {
        if ([string]::IsNullOrWhiteSpace($Text)) { return '' }
        $trimmed = $Text.Trim()
        if ($trimmed -eq 'all') { return 'all' }
        if ($trimmed -match '^[1-9][0-9]*/[1-9][0-9]*$') { return $trimmed }
        if ($trimmed -match '^\*/([1-9][0-9]*)$') {
            $parts = [int]$Matches[1]
            $day = [int][System.Math]::Floor(($Now.ToUniversalTime() - [System.DateTime]::new(2000, 1, 1, 0, 0, 0, [System.DateTimeKind]::Utc)).TotalDays)
            return ('{0}/{1}' -f (($day % $parts) + 1), $parts)
        }
        throw ("BizTalkBackup.E_USAGE: VerifyReadDataSubset '{0}' is not empty, 'all', 'n/m' or '*/m'." -f $Text)
    }
}

$publicFolder = [System.IO.Path]::Combine($PSScriptRoot, 'ps', 'Public')
Export-ModuleMember -Function @(Get-ChildItem -LiteralPath $publicFolder -Filter '*.ps1' -File | ForEach-Object { $_.BaseName })
