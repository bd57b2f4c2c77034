function Register-BtsScheduledTask {
    <#
    .SYNOPSIS
    Registers a task described by New-BtsTaskDefinition with the Windows Task Scheduler (Windows only): the one
    place that calls New-ScheduledTaskAction/Trigger/Principal/Settings and Register-ScheduledTask.
    .DESCRIPTION
    With a credential, the task logs on with that account's password, which goes to Register-ScheduledTask only
    (its -Password takes plain text: that is the Task Scheduler's API), never into the definition, a log or verbose.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)]
        [psobject]$Definition,

        [System.Management.Automation.PSCredential]$Credential,

        [switch]$Force
    )

    $action = New-ScheduledTaskAction -Execute $Definition.Action.Execute -Argument $Definition.Action.Arguments -WorkingDirectory $Definition.Action.WorkingDirectory
    $at = [System.DateTime]::ParseExact($Definition.Trigger.At, 'HH:mm', [System.Globalization.CultureInfo]::InvariantCulture)
    $trigger = New-ScheduledTaskTrigger -Daily -At $at -DaysInterval $Definition.Trigger.DaysInterval
    if ($null -ne $Definition.Trigger.RepetitionInterval) {
        $repeating = New-ScheduledTaskTrigger -Once -At $at -RepetitionInterval $Definition.Trigger.RepetitionInterval -RepetitionDuration $Definition.Trigger.RepetitionDuration
        $trigger.Repetition = $repeating.Repetition
    }
    $settings = New-ScheduledTaskSettingsSet -MultipleInstances $Definition.Settings.MultipleInstances -ExecutionTimeLimit $Definition.Settings.ExecutionTimeLimit `
        -StartWhenAvailable:$Definition.Settings.StartWhenAvailable -AllowStartIfOnBatteries:$Definition.Settings.AllowStartIfOnBatteries `
        -DontStopIfGoingOnBatteries:$Definition.Settings.DontStopIfGoingOnBatteries
    $register = @{
        TaskName    = $Definition.TaskName
        TaskPath    = $Definition.TaskPath
        Action      = $action
        Trigger     = $trigger
        Settings    = $settings
        Description = $Definition.Description
        Force       = [bool]$Force
    }
    if ($Definition.Principal.PasswordFromCredential) {
        $register['User'] = $Definition.Principal.UserId
        $register['Password'] = $Credential.GetNetworkCredential().Password
        $register['RunLevel'] = $Definition.Principal.RunLevel
    }
    else {
        $register['Principal'] = New-ScheduledTaskPrincipal -UserId $Definition.Principal.UserId -LogonType $Definition.Principal.LogonType -RunLevel $Definition.Principal.RunLevel
    }
    # The caller (Register-BtsAppBackupTask) has asked ShouldProcess.
    $null = Register-ScheduledTask @register
}
