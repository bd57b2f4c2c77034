function Test-BtsShouldProcess {
    <#
    .SYNOPSIS
    $Caller.ShouldProcess, but a host that cannot ask (pwsh -NonInteractive, a scheduled task, a runbook) gives the
    clear terminating error BizTalkBackup.E_CONFIRMATION_REQUIRED in the caller's name instead of a
    MethodInvocationException from inside the module.
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet]$Caller,

        [Parameter(Mandatory = $true)]
        [string]$Target,

        [Parameter(Mandatory = $true)]
        [string]$Action
    )

    try {
        return $Caller.ShouldProcess($Target, $Action)
    }
    catch {
        $exception = $_.Exception
        while ($exception -is [System.Management.Automation.MethodInvocationException] -and $null -ne $exception.InnerException) {
            $exception = $exception.InnerException
        }
        if ($exception -is [System.Management.Automation.PipelineStoppedException] -or $exception -is [System.Management.Automation.ActionPreferenceStopException]) {
            throw
        }
        $name = $Caller.MyInvocation.MyCommand.Name
        $record = New-BtsErrorRecord -Code 'E_CONFIRMATION_REQUIRED' -Category 'InvalidOperation' -Target $Target `
            -Message ("{0} changes '{1}' and must be confirmed, but this session cannot ask ({2}). Nothing was done." -f $name, $Target, $exception.Message) `
            -Hint ('Confirm in the command itself: add -Force, or -Confirm:$false (see what it would do first with -WhatIf).')
        $Caller.ThrowTerminatingError($record)
    }
}
