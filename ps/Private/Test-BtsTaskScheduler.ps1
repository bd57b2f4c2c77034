function Test-BtsTaskScheduler {
    <#
    .SYNOPSIS
    Whether this system has the Windows Task Scheduler and its ScheduledTasks cmdlets (Windows only).
    #>
    [CmdletBinding()]
    [OutputType([bool])]
    param()

    if ([System.Environment]::OSVersion.Platform -ne [System.PlatformID]::Win32NT) { return $false }
    return [bool](Get-Command -Name 'Register-ScheduledTask' -ErrorAction SilentlyContinue)
}
