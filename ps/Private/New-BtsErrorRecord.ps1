function New-BtsErrorRecord {
    <#
    .SYNOPSIS
    Builds the ErrorRecord for a BizTalkBackup error code (FullyQualifiedErrorId BizTalkBackup.<code>).
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.ErrorRecord])]
    param(
        [Parameter(Mandatory = $true)]
        [string]$Code,

        [Parameter(Mandatory = $true)]
        [string]$Message,

        [string]$Category = 'NotSpecified',

        [object]$Target,

        [string]$Hint,

        [object]$Details
    )

    $errorCategory = [System.Management.Automation.ErrorCategory]::NotSpecified
    if ($Category -and [System.Enum]::IsDefined([System.Management.Automation.ErrorCategory], $Category)) {
        $errorCategory = [System.Management.Automation.ErrorCategory]$Category
    }

    $exception = New-Object -TypeName System.Exception -ArgumentList $Message
    $exception.Data['Code'] = $Code
    if ($Hint) { $exception.Data['Hint'] = $Hint }
    if ($null -ne $Details) { $exception.Data['Details'] = $Details }

    $record = New-Object -TypeName System.Management.Automation.ErrorRecord -ArgumentList @(
        $exception, ('BizTalkBackup.' + $Code), $errorCategory, $Target)
    if ($Hint) {
        $record.ErrorDetails = New-Object -TypeName System.Management.Automation.ErrorDetails -ArgumentList $Message
        $record.ErrorDetails.RecommendedAction = $Hint
    }
    $record
}
