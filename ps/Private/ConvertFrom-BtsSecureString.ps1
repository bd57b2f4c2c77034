function ConvertFrom-BtsSecureString {
    <#
    .SYNOPSIS
    The clear text of a SecureString, only to hand it to the core in the request file (deleted after the run).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Security.SecureString]$SecureString
    )

    $credential = New-Object -TypeName System.Management.Automation.PSCredential -ArgumentList 'secret', $SecureString
    $credential.GetNetworkCredential().Password
}
