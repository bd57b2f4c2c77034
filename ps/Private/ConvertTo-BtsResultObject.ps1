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
        $properties[$name] = $property.Value
    }
    foreach ($key in $AddProperty.Keys) {
        if (-not $properties.Contains($key)) { $properties[$key] = $AddProperty[$key] }
    }
    [pscustomobject]$properties
}
