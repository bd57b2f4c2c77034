function Get-BtsRequiredNodeVersion {
    <#
    .SYNOPSIS
    The minimum node version, read from the engines field of the module's package.json (20.0.0 when absent).
    #>
    [CmdletBinding()]
    [OutputType([System.Version])]
    param()

    $minimum = New-Object -TypeName System.Version -ArgumentList 20, 0, 0
    $packageFile = Join-Path -Path $script:ModuleRoot -ChildPath 'package.json'
    if (Test-Path -LiteralPath $packageFile) {
        try {
            $package = Get-Content -LiteralPath $packageFile -Raw | ConvertFrom-Json
            if ($package.engines -and ([string]$package.engines.node) -match '(\d+)(?:\.(\d+))?(?:\.(\d+))?') {
                $minor = 0; $patch = 0
                if ($Matches[2]) { $minor = [int]$Matches[2] }
                if ($Matches[3]) { $patch = [int]$Matches[3] }
                $minimum = New-Object -TypeName System.Version -ArgumentList ([int]$Matches[1]), $minor, $patch
            }
        }
        catch {
            Write-Verbose ("Could not read the node version from {0}: {1}" -f $packageFile, $_.Exception.Message)
        }
    }
    $minimum
}
