function New-BtsTaskDefinition {
    <#
    .SYNOPSIS
    The Windows scheduled task that keeps a store's backups current, described as plain data: action, trigger,
    principal and settings. Pure: no Task Scheduler call, so it is tested on any system; Register-BtsAppBackupTask
    turns it into New-ScheduledTaskAction/Trigger/Principal/Settings and Register-ScheduledTask on Windows.
    .DESCRIPTION
    Action: Windows PowerShell (%SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe, on every BizTalk server)
    with -NoLogo -NoProfile -NonInteractive -ExecutionPolicy RemoteSigned -Command "<script>". RemoteSigned is the
    least that loads the locally installed, unsigned module where the policy is Restricted (Windows client) and is
    already the default on Windows Server; unlike Bypass it still refuses an unsigned script from the internet, and
    Group Policy wins over it anyway. -Command (not -File) keeps the task independent of the module's install folder,
    which changes with every version: Import-Module BizTalkBackup finds the newest. The script has single quotes only
    (a store path's quotes doubled) inside one double-quoted argument, so Task Scheduler passes it as one argument.
    It exports with -EventLog (nobody watches a task's console), verifies the set the export names, and exits 0, 11
    when the only error was another run holding the store's lock (harmless), or 1 (the event log and
    Get-BtsAppBackupLog say what failed).
    Working folder: PowerShell's own folder: local, always there, admin-only; never the store, whose share being down
    would stop the task from starting at all (no event, an opaque 0x8007010B) instead of giving E_STORE_MISSING.
    Trigger: daily at -At; with -Every, repeated at that interval for one day (until the next daily start).
    Principal: -UserName (from -Credential) logs on with its password (Password); -GroupManagedServiceAccount logs
    on as that gMSA (Password logon, no stored password); neither is SYSTEM (ServiceAccount), which needs BizTalk
    Server Administrator rights for the computer account (DOMAIN\SERVER$) and access to the store. RunLevel Highest
    (BTSTask and creating the event source need an elevated token).
    Settings: MultipleInstances IgnoreNew (a start while the last run is still going is skipped: the store lock
    would make it exit 11 anyway), ExecutionTimeLimit -ExecutionTimeLimit (default 4 hours), StartWhenAvailable (a
    start missed while the server was down runs at the next boot), and batteries never stop it.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        # The store, a full path (local folder or UNC share).
        [Parameter(Mandatory = $true)]
        [string]$Path,

        # Time of day, HH:mm (24 hours).
        [Parameter(Mandatory = $true)]
        [string]$At,

        # Repetition interval: 15m, 2h, 90s or a TimeSpan (00:15:00); at least one minute and less than a day.
        [string]$Every,

        [string]$UserName,

        [string]$GroupManagedServiceAccount,

        [string]$TaskName = 'BizTalkBackup',

        [string]$TaskPath = '\BizTalkBackup\',

        [string[]]$Name,

        [string[]]$ExcludeName,

        [string]$ReadDataSubset,

        [System.TimeSpan]$ExecutionTimeLimit = [System.TimeSpan]::FromHours(4),

        [string]$PowerShellPath = '%SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe'
    )

    $time = [System.DateTime]::MinValue
    if (-not [System.DateTime]::TryParseExact($At, [string[]]@('HH:mm', 'H:mm', 'HH:mm:ss'), [System.Globalization.CultureInfo]::InvariantCulture, [System.Globalization.DateTimeStyles]::None, [ref]$time)) {
        throw (New-BtsErrorRecord -Code 'E_USAGE' -Category 'InvalidArgument' -Target $At -Message ("-At '{0}' is not a time of day." -f $At) -Hint 'Give it as HH:mm, for example -At 02:00.')
    }
    $interval = $null
    if ($Every) {
        $text = $Every.Trim()
        $parsed = [System.TimeSpan]::Zero
        if ($text -match '^([0-9]{1,5})\s*(s|sec|m|min|h|hr)$') {
            $count = [int]$Matches[1]
            switch -Regex ($Matches[2]) {
                '^s' { $interval = [System.TimeSpan]::FromSeconds($count) }
                '^m' { $interval = [System.TimeSpan]::FromMinutes($count) }
                '^h' { $interval = [System.TimeSpan]::FromHours($count) }
            }
        }
        elseif ([System.TimeSpan]::TryParse($text, [System.Globalization.CultureInfo]::InvariantCulture, [ref]$parsed)) { $interval = $parsed }
        if ($null -eq $interval -or $interval -lt [System.TimeSpan]::FromMinutes(1) -or $interval -ge [System.TimeSpan]::FromDays(1)) {
            throw (New-BtsErrorRecord -Code 'E_USAGE' -Category 'InvalidArgument' -Target $Every -Message ("-Every '{0}' is not an interval of at least one minute and less than a day." -f $Every) -Hint 'For example -Every 15m, -Every 2h or -Every 00:30:00.')
        }
    }
    if ($UserName -and $GroupManagedServiceAccount) {
        throw (New-BtsErrorRecord -Code 'E_USAGE' -Category 'InvalidArgument' -Target $GroupManagedServiceAccount -Message 'Give -Credential or -GroupManagedServiceAccount, not both.' -Hint 'A gMSA needs no password: -GroupManagedServiceAccount CONTOSO\svc-btsbackup$')
    }
    if ($ExecutionTimeLimit -le [System.TimeSpan]::Zero) {
        throw (New-BtsErrorRecord -Code 'E_USAGE' -Category 'InvalidArgument' -Target $ExecutionTimeLimit -Message '-ExecutionTimeLimit must be longer than zero.' -Hint 'For example -ExecutionTimeLimit (New-TimeSpan -Hours 4).')
    }

    $quote = { param([string]$value) "'" + $value.Replace("'", "''") + "'" }
    $list = { param([string[]]$values) (@($values | ForEach-Object { & $quote $_ }) -join ',') }
    $selection = ''
    if ($Name) { $selection += ' -Name ' + (& $list $Name) }
    if ($ExcludeName) { $selection += ' -ExcludeName ' + (& $list $ExcludeName) }
    $verify = ''
    if ($ReadDataSubset) {
        if ($ReadDataSubset -notmatch '^[1-9][0-9]*/[1-9][0-9]*$') {
            throw (New-BtsErrorRecord -Code 'E_USAGE' -Category 'InvalidArgument' -Target $ReadDataSubset -Message ("-ReadDataSubset '{0}' is not n/m." -f $ReadDataSubset) -Hint 'For example -ReadDataSubset 1/7.')
        }
        $verify = ' -ReadDataSubset ' + (& $quote $ReadDataSubset)
    }
    $store = & $quote $Path
    $script = @(
        "`$ProgressPreference = 'SilentlyContinue'"
        'Import-Module BizTalkBackup -ErrorAction Stop'
        "`$problems = @()"
        ("`$sets = @(Export-BtsAppBackup -LiteralPath {0}{1} -EventLog -Confirm:`$false -ErrorVariable +problems | Where-Object {{ `$_.PSObject.TypeNames -contains 'BizTalkBackup.BackupSet' }})" -f $store, $selection)
        ("if (`$sets.Count -gt 0) {{ `$null = `$sets[-1] | Test-BtsAppBackup{0} -EventLog -ErrorVariable +problems }}" -f $verify)
        "if (`$problems.Count -eq 0) { exit 0 }"
        "if (@(`$problems | Where-Object { `$_.FullyQualifiedErrorId -notlike 'BizTalkBackup.E_LOCK_HELD*' }).Count -eq 0) { exit 11 }"
        'exit 1'
    ) -join '; '
    $arguments = '-NoLogo -NoProfile -NonInteractive -ExecutionPolicy RemoteSigned -Command "{0}"' -f $script

    $principal = [ordered]@{ UserId = 'SYSTEM'; LogonType = 'ServiceAccount'; RunLevel = 'Highest'; PasswordFromCredential = $false }
    if ($UserName) { $principal = [ordered]@{ UserId = $UserName; LogonType = 'Password'; RunLevel = 'Highest'; PasswordFromCredential = $true } }
    elseif ($GroupManagedServiceAccount) { $principal = [ordered]@{ UserId = $GroupManagedServiceAccount; LogonType = 'Password'; RunLevel = 'Highest'; PasswordFromCredential = $false } }

    $trigger = [ordered]@{ Kind = 'Daily'; At = $time.ToString('HH:mm', [System.Globalization.CultureInfo]::InvariantCulture); DaysInterval = 1; RepetitionInterval = $null; RepetitionDuration = $null }
    if ($null -ne $interval) {
        $trigger.RepetitionInterval = $interval
        $trigger.RepetitionDuration = [System.TimeSpan]::FromDays(1)
    }

    $taskFolder = '\' + $TaskPath.Trim('\')
    if ($taskFolder -ne '\') { $taskFolder += '\' }
    [pscustomobject]@{
        PSTypeName  = 'BizTalkBackup.ScheduledTaskDefinition'
        TaskName    = $TaskName
        TaskPath    = $taskFolder
        Description = ('BizTalkBackup: back up what changed in the BizTalk group into {0} and verify the set; results in the Application event log (source BizTalkBackup) and the store''s run log.' -f $Path)
        Store       = $Path
        Script      = $script
        Action      = [pscustomobject][ordered]@{ Execute = $PowerShellPath; Arguments = $arguments; WorkingDirectory = '%SystemRoot%\System32\WindowsPowerShell\v1.0' }
        Trigger     = [pscustomobject]$trigger
        Principal   = [pscustomobject]$principal
        Settings    = [pscustomobject][ordered]@{
            MultipleInstances          = 'IgnoreNew'
            ExecutionTimeLimit         = $ExecutionTimeLimit
            StartWhenAvailable         = $true
            AllowStartIfOnBatteries    = $true
            DontStopIfGoingOnBatteries = $true
        }
    }
}
