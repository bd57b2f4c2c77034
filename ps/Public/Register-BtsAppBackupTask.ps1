function Register-BtsAppBackupTask {
    <#
    .SYNOPSIS
    Creates the Windows scheduled task that backs up what changed every night (and every -Every) and verifies it.

    .DESCRIPTION
    Registers a task (default \BizTalkBackup\BizTalkBackup) that runs Windows PowerShell with
    -NoLogo -NoProfile -NonInteractive -ExecutionPolicy RemoteSigned -Command "...": Export-BtsAppBackup of the
    store with -EventLog, then Test-BtsAppBackup of the set it names. It starts daily at -At and, with -Every,
    again at that interval all day. A start while the last run still goes is skipped (MultipleInstances IgnoreNew;
    the store's lock would make it exit 11 anyway), a start missed while the server was down runs when it is back,
    and a run is stopped after -ExecutionTimeLimit. The task exits 0 when all went well, 11 when another run held
    the store (harmless), 1 otherwise: the Application event log (source BizTalkBackup) and Get-BtsAppBackupLog say
    what happened.
    It runs as -Credential (its password is given to the Task Scheduler only), as -GroupManagedServiceAccount, or
    else as SYSTEM, which needs BizTalk Server Administrator rights for the computer account and access to the
    store. Windows only: elsewhere it fails with BizTalkBackup.E_SCHEDULED_TASK_UNAVAILABLE.

    .PARAMETER Path
    The backup store folder or UNC share. It is made absolute now: the task does not run in your current folder.

    .PARAMETER At
    The time of day of the daily start, HH:mm (24 hours), for example 02:00.

    .PARAMETER Every
    Also runs at this interval all day after -At: 15m, 2h, 90min or a TimeSpan (00:30:00); at least one minute and
    less than a day. Only what changed is exported, so a short interval costs the change check.

    .PARAMETER Credential
    The account the task runs as (a BizTalk Server Administrator with access to the store). Its password is stored by
    the Task Scheduler (logon type Password).

    .PARAMETER GroupManagedServiceAccount
    A group managed service account to run as instead (DOMAIN\name$); no password is stored.

    .PARAMETER TaskName
    The task's name. Default: BizTalkBackup.

    .PARAMETER TaskPath
    The Task Scheduler folder. Default: \BizTalkBackup\.

    .PARAMETER Name
    Backs up only the applications with these names; wildcards allowed.

    .PARAMETER ExcludeName
    Leaves out the applications with these names; wildcards allowed.

    .PARAMETER ReadDataSubset
    The verification re-reads part n of m of the objects ("n/m") instead of structure only.

    .PARAMETER ExecutionTimeLimit
    A run still going after this long is stopped by the Task Scheduler. Default: 4 hours.

    .PARAMETER Force
    Replaces a task of the same name and path.

    .PARAMETER WhatIf
    Shows the task that would be registered, without registering it.

    .PARAMETER Confirm
    Asks for confirmation before registering the task.

    .EXAMPLE
    Register-BtsAppBackupTask -Path \\backupsrv\bts$\PROD -At 02:00 -Credential (Get-Credential CONTOSO\svc-btsbackup)

    Backs up every night at two, as the BizTalk administrator account, and verifies each new set.

    .EXAMPLE
    Register-BtsAppBackupTask -Path \\backupsrv\bts$\PROD -At 00:00 -Every 15m -GroupManagedServiceAccount 'CONTOSO\gmsa-bts$' -WhatIf

    Shows the task that would back up within 15 minutes of any change, running as a gMSA, without creating it.

    .OUTPUTS
    BizTalkBackup.ScheduledTaskDefinition: TaskName, TaskPath, Store, Script, and the Action (Execute, Arguments,
    WorkingDirectory), Trigger, Principal and Settings registered. Never the password.

    .NOTES
    Not backed up by BizTalkBackup: the BizTalk master secret and Enterprise Single Sign-On (SSO) data, hosts, host
    instances and adapter handlers, the BizTalk databases and the messages in them.

    .LINK
    Unregister-BtsAppBackupTask
    #>
    [CmdletBinding(SupportsShouldProcess = $true, HelpUri = 'https://github.com/BizTalkBackup/BizTalkBackup/blob/main/README.md#keeping-backups-current')]
    [OutputType('BizTalkBackup.ScheduledTaskDefinition')]
    param(
        [Parameter(Mandatory = $true, Position = 0)]
        [Alias('Store')]
        [string]$Path,

        [Parameter(Mandatory = $true)]
        [string]$At,

        [string]$Every,

        [System.Management.Automation.PSCredential]$Credential,

        [string]$GroupManagedServiceAccount,

        [string]$TaskName = 'BizTalkBackup',

        [string]$TaskPath = '\BizTalkBackup\',

        [SupportsWildcards()]
        [string[]]$Name,

        [SupportsWildcards()]
        [string[]]$ExcludeName,

        [ValidatePattern('^[1-9][0-9]*/[1-9][0-9]*$')]
        [string]$ReadDataSubset,

        [System.TimeSpan]$ExecutionTimeLimit = [System.TimeSpan]::FromHours(4),

        [switch]$Force
    )

    $store = Resolve-BtsPath -Caller $PSCmdlet -LiteralPath $Path
    $definitionParameters = @{ Path = $store; At = $At; TaskName = $TaskName; TaskPath = $TaskPath; ExecutionTimeLimit = $ExecutionTimeLimit }
    foreach ($key in 'Every', 'GroupManagedServiceAccount', 'Name', 'ExcludeName', 'ReadDataSubset') {
        if ($PSBoundParameters.ContainsKey($key)) { $definitionParameters[$key] = $PSBoundParameters[$key] }
    }
    if ($Credential) { $definitionParameters['UserName'] = $Credential.UserName }
    try { $definition = New-BtsTaskDefinition @definitionParameters }
    catch { $PSCmdlet.ThrowTerminatingError($_) }

    if (-not (Test-BtsTaskScheduler)) {
        $record = New-BtsErrorRecord -Code 'E_SCHEDULED_TASK_UNAVAILABLE' -Category 'NotImplemented' -Target ('{0}{1}' -f $definition.TaskPath, $definition.TaskName) `
            -Message 'Register-BtsAppBackupTask needs the Windows Task Scheduler, which this system does not have.' `
            -Hint 'Run it on the BizTalk server (Windows). Elsewhere, schedule Export-BtsAppBackup with the system scheduler (cron, a systemd timer).'
        $PSCmdlet.ThrowTerminatingError($record)
    }
    $every = ''
    if ($null -ne $definition.Trigger.RepetitionInterval) { $every = ' and every {0}' -f $definition.Trigger.RepetitionInterval }
    $action = 'Register a scheduled task running daily at {0}{1} as {2}: {3} {4}' -f $definition.Trigger.At, $every, $definition.Principal.UserId, $definition.Action.Execute, $definition.Action.Arguments
    if ($PSCmdlet.ShouldProcess(('{0}{1}' -f $definition.TaskPath, $definition.TaskName), $action)) {
        Register-BtsScheduledTask -Definition $definition -Credential $Credential -Force:$Force
        $definition
    }
}
