function Get-BtsSetTarget {
    <#
    .SYNOPSIS
    The (store, set id) pairs a cmdlet works on, from -Path/-SetId or from piped BizTalkBackup.BackupSet objects.
    A missing set id means the core's default (the newest set).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet]$Caller,

        [string]$Path,

        [string]$LiteralPath,

        [string[]]$SetId,

        [psobject[]]$InputObject
    )

    if ($InputObject) {
        foreach ($set in $InputObject) {
            if ($set.PSObject.TypeNames -contains 'BizTalkBackup.BackupApplication') {
                # Export-BtsAppBackup | Test-BtsAppBackup: the applications ride ahead of their set, which follows.
                Write-Verbose ('{0}: part of the backup set that follows in the pipeline.' -f $set.Name)
                continue
            }
            $store = $null
            if ($set.PSObject.Properties['Store']) { $store = [string]$set.Store }
            if (-not $store) {
                $record = New-BtsErrorRecord -Code 'E_USAGE' -Category 'InvalidArgument' -Target $set `
                    -Message 'The piped backup set does not say which store it is in.' `
                    -Hint 'Pipe the output of Get-BtsAppBackup, or use -Path and -SetId.'
                $Caller.WriteError($record)
                continue
            }
            @{ Store = $store; SetId = [string]$set.SetId }
        }
        return
    }
    $store = Resolve-BtsPath -Caller $Caller -Path $Path -LiteralPath $LiteralPath
    if ($SetId) {
        foreach ($id in $SetId) { @{ Store = $store; SetId = $id } }
    }
    else {
        @{ Store = $store; SetId = $null }
    }
}
