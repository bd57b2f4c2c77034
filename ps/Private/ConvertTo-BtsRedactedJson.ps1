function ConvertTo-BtsRedactedJson {
    <#
    .SYNOPSIS
    The request as JSON for -Verbose, with every secret-looking value replaced by ******.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory = $true)]
        [hashtable]$Request
    )

    $copy = @{}
    foreach ($key in $Request.Keys) {
        if ($key -match 'password|secret|credential|passphrase') {
            if ($key -match 'file$') { $copy[$key] = $Request[$key] } else { $copy[$key] = '******' }
        }
        else { $copy[$key] = $Request[$key] }
    }
    ConvertTo-Json -InputObject $copy -Depth 10 -Compress
}
