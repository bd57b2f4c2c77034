function Invoke-BtsPlan {
    <#
    .SYNOPSIS
    -WhatIf for a state-changing cmdlet: runs the core command as a dry run and reports each step of its plan
    through ShouldProcess ("What if: Performing the operation ..."), so -WhatIf shows the plan the real run executes.
    Steps the run would skip or keep are only told with -Verbose; object deletions are counted in one line.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)]
        [string]$Command,

        [Parameter(Mandatory = $true)]
        [hashtable]$Request,

        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet]$Caller,

        [switch]$EnableException,

        [hashtable]$Environment = @{}
    )

    $dryRun = @{}
    foreach ($key in $Request.Keys) { $dryRun[$key] = $Request[$key] }
    $dryRun['dryRun'] = $true
    $objectsToDelete = 0
    # A restore's dry run reports each application with its steps and then the same steps again as PlanStep lines:
    # the steps of an application already told are not told twice.
    $told = New-Object -TypeName 'System.Collections.Generic.HashSet[string]' -ArgumentList ([System.StringComparer]::OrdinalIgnoreCase)
    Invoke-BtsCore -Command $Command -Request $dryRun -Caller $Caller -EnableException:$EnableException -Environment $Environment | ForEach-Object {
        if ($_.PSObject.TypeNames -contains 'BizTalkBackup.RestoreApplication') {
            # A restore's dry run describes each application with the steps it would run.
            $application = [string]$_.TargetName
            if (-not $application) { $application = [string]$_.Application }
            $null = $told.Add($application)
            if ($_.Application) { $null = $told.Add([string]$_.Application) }
            if ([string]$_.Status -ne 'Planned') {
                Write-Verbose ('{0} {1}: {2}' -f $_.Status, $application, (@($_.Reasons) -join '; '))
                return
            }
            foreach ($step in @($_.Steps)) {
                $stepAction = [string]$step.action
                if ($step.detail) { $stepAction = '{0} ({1})' -f $stepAction, $step.detail }
                $null = $Caller.ShouldProcess($application, $stepAction)
            }
            return
        }
        if ($_.PSObject.TypeNames -notcontains 'BizTalkBackup.PlanStep') { return }
        if ($_.PSObject.Properties['Application'] -and $_.Application -and $told.Contains([string]$_.Application)) { return }
        $action = [string]$_.Action
        $target = ''
        if ($_.PSObject.Properties['Application'] -and $_.Application) { $target = [string]$_.Application }
        elseif ($_.PSObject.Properties['Target'] -and $_.Target) { $target = [string]$_.Target }
        else { $target = [string]$Request['store'] }
        $detail = ''
        if ($_.PSObject.Properties['Detail'] -and $_.Detail) { $detail = [string]$_.Detail }
        if ($action -eq 'Skip' -or $action -eq 'Keep') {
            Write-Verbose ('{0} {1}: {2}' -f $action, $target, $detail)
            return
        }
        if ($action -eq 'DeleteObject') {
            $objectsToDelete++
            return
        }
        if ($detail) { $action = '{0} ({1})' -f $action, $detail }
        $null = $Caller.ShouldProcess($target, $action)
    }
    if ($objectsToDelete -gt 0) {
        $null = $Caller.ShouldProcess([string]$Request['store'], ('Delete {0} object(s) that only the removed sets use' -f $objectsToDelete))
    }
}
