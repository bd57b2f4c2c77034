function Write-BtsEventLog {
    <#
    .SYNOPSIS
    Writes one run record to the Windows Application event log under the source BizTalkBackup (-EventLog).
    .DESCRIPTION
    The core gives each run's record with its event id and entry type (src/core/event-ids.ts); this writes it as it
    is, the record's JSON as the message. The source is created on first use when the account may (an
    administrator); otherwise, and off Windows where there is no event log, nothing is written and the text of a
    warning is returned, starting with its code (BizTalkBackup.EventLogUnavailable,
    BizTalkBackup.EventSourceUnavailable), for the caller to write. Returns nothing when the entry was written. Never
    throws: the event log is a copy of the store's run log, never the run's result.
    The event log calls go through $script:EventLogApi when a test sets it (a hashtable of scriptblocks: Available,
    SourceExists, CreateSource, WriteEntry), else through System.Diagnostics.EventLog.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)]
        [string]$Message,

        [Parameter(Mandatory = $true)]
        [int]$EventId,

        [Parameter(Mandatory = $true)]
        [ValidateSet('Information', 'Warning', 'Error')]
        [string]$EntryType,

        [string]$Source = 'BizTalkBackup',

        [string]$LogName = 'Application'
    )

    $api = $script:EventLogApi
    if ($null -eq $api) {
        $api = @{
            Available    = { [System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT }
            SourceExists = { param($name) [System.Diagnostics.EventLog]::SourceExists($name) }
            CreateSource = { param($name, $log) [System.Diagnostics.EventLog]::CreateEventSource($name, $log) }
            WriteEntry   = { param($name, $text, $type, $id) [System.Diagnostics.EventLog]::WriteEntry($name, $text, [System.Diagnostics.EventLogEntryType]$type, $id) }
        }
    }

    if (-not (& $api.Available)) {
        return ("BizTalkBackup.EventLogUnavailable: -EventLog writes to the Windows event log, which this system does not have; the run's record is in the store's run log (Get-BtsAppBackupLog). Event id {0} ({1}) was not written." -f $EventId, $EntryType)
    }
    $exists = $false
    try { $exists = [bool](& $api.SourceExists $Source) }
    catch { $exists = $false }
    if (-not $exists) {
        try { & $api.CreateSource $Source $LogName }
        catch {
            return ("BizTalkBackup.EventSourceUnavailable: the event source '{0}' does not exist in the {1} log and this account may not create it ({2}). Create it once as an administrator: [System.Diagnostics.EventLog]::CreateEventSource('{0}', '{1}') (Windows PowerShell: New-EventLog -LogName {1} -Source {0}). The run's record is in the store's run log (Get-BtsAppBackupLog)." -f $Source, $LogName, $_.Exception.GetBaseException().GetType().Name)
        }
    }
    try { & $api.WriteEntry $Source $Message $EntryType $EventId }
    catch {
        return ("BizTalkBackup.EventLogWriteFailed: event {0} could not be written to the {1} log under '{2}' ({3}). The run's record is in the store's run log (Get-BtsAppBackupLog)." -f $EventId, $LogName, $Source, $_.Exception.GetBaseException().GetType().Name)
    }
}
