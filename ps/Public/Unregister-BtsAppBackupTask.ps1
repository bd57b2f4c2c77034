function Unregister-BtsAppBackupTask {
    <#
    .SYNOPSIS
    Removes the scheduled task that Register-BtsAppBackupTask created; the backups stay.

    .DESCRIPTION
    Unregisters the task (default \BizTalkBackup\BizTalkBackup) from the Windows Task Scheduler. The store, its
    backup sets and its run log are not touched. A task that does not exist is the non-terminating error
    BizTalkBackup.E_TASK_NOT_FOUND. Windows only: elsewhere it fails with BizTalkBackup.E_SCHEDULED_TASK_UNAVAILABLE.

    .PARAMETER TaskName
    The task's name. Default: BizTalkBackup.

    .PARAMETER TaskPath
    The Task Scheduler folder. Default: \BizTalkBackup\.

    .PARAMETER WhatIf
    Shows which task would be removed, without removing it.

    .PARAMETER Confirm
    Asks for confirmation before removing the task.

    .EXAMPLE
    Unregister-BtsAppBackupTask

    Removes the task \BizTalkBackup\BizTalkBackup; the backups stay where they are.

    .EXAMPLE
    Unregister-BtsAppBackupTask -TaskName 'BizTalkBackup PROD' -WhatIf

    Shows which task would be removed, without removing it.

    .OUTPUTS
    None. (The task it removes is the one a BizTalkBackup.ScheduledTaskDefinition from Register-BtsAppBackupTask
    names by TaskName and TaskPath.)

    .NOTES
    Not backed up by BizTalkBackup: the BizTalk master secret and Enterprise Single Sign-On (SSO) data, hosts, host
    instances and adapter handlers, the BizTalk databases and the messages in them.

    .LINK
    Register-BtsAppBackupTask
    #>
    [CmdletBinding(SupportsShouldProcess = $true, HelpUri = 'https://github.com/BizTalkBackup/BizTalkBackup/blob/main/README.md#keeping-backups-current')]
    [OutputType([void])]
    param(
        [Parameter(Position = 0)]
        [string]$TaskName = 'BizTalkBackup',

        [string]$TaskPath = '\BizTalkBackup\'
    )

    $folder = '\' + $TaskPath.Trim('\')
    if ($folder -ne '\') { $folder += '\' }
    $target = '{0}{1}' -f $folder, $TaskName
    if (-not (Test-BtsTaskScheduler)) {
        $record = New-BtsErrorRecord -Code 'E_SCHEDULED_TASK_UNAVAILABLE' -Category 'NotImplemented' -Target $target `
            -Message 'Unregister-BtsAppBackupTask needs the Windows Task Scheduler, which this system does not have.' `
            -Hint 'Run it on the Windows server where the task was registered.'
        $PSCmdlet.ThrowTerminatingError($record)
    }
    $task = Get-ScheduledTask -TaskName $TaskName -TaskPath $folder -ErrorAction SilentlyContinue
    if (-not $task) {
        $PSCmdlet.WriteError((New-BtsErrorRecord -Code 'E_TASK_NOT_FOUND' -Category 'ObjectNotFound' -Target $target -Message ('There is no scheduled task {0}.' -f $target) -Hint 'Get-ScheduledTask -TaskPath \BizTalkBackup\ lists the tasks there.'))
        return
    }
    if ($PSCmdlet.ShouldProcess($target, 'Unregister the scheduled task (the backups stay)')) {
        Unregister-ScheduledTask -TaskName $TaskName -TaskPath $folder -Confirm:$false
    }
}
