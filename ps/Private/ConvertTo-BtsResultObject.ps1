function ConvertTo-BtsResultObject {
    <#
    .SYNOPSIS
    Turns one NDJSON result line into a typed object: PSTypeName BizTalkBackup.<kind>, top-level properties in PascalCase.
    #>
    [CmdletBinding()]
    [OutputType([System.Management.Automation.PSObject])]
    param(
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSObject]$Message,

        [hashtable]$AddProperty = @{}
    )

    $kind = [string]$Message.kind
    if (-not $kind) { $kind = 'Result' }
    $properties = [ordered]@{ PSTypeName = 'BizTalkBackup.' + $kind }
    foreach ($property in $Message.PSObject.Properties) {
        if ($property.Name -eq 'type' -or $property.Name -eq 'kind') { continue }
        $name = $property.Name.Substring(0, 1).ToUpperInvariant() + $property.Name.Substring(1)
        $value = $property.Value
        if ($name -like '*At' -and $null -ne $value) {
            # Times stay UTC on the object (DateTimeKind Utc, on PowerShell 5.1 too, whose ConvertFrom-Json leaves
            # ISO strings as strings); the format views show them in local time.
            if ($value -is [datetime]) { $value = $value.ToUniversalTime() }
            elseif ($value -is [string]) {
                $parsed = [datetime]::MinValue
                $styles = [System.Globalization.DateTimeStyles]::AdjustToUniversal -bor [System.Globalization.DateTimeStyles]::AssumeUniversal
                if ([datetime]::TryParse($value, [System.Globalization.CultureInfo]::InvariantCulture, $styles, [ref]$parsed)) { $value = $parsed }
            }
        }
        $properties[$name] = $value
    }
    foreach ($key in $AddProperty.Keys) {
        if (-not $properties.Contains($key)) { $properties[$key] = $AddProperty[$key] }
    }
    [pscustomobject]$properties
}
