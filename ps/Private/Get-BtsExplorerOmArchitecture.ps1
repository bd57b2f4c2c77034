function Get-BtsExplorerOmArchitecture {
    <#
    .SYNOPSIS
    Finds Microsoft.BizTalk.ExplorerOM.dll where the core looks for it and reads its ProcessorArchitecture.
    .DESCRIPTION
    The request's explorerom path, else $env:BTSBACKUP_EXPLOREROM_PATH, else the BizTalk install folders under
    Program Files (x86) and Program Files. Returns @{ Path; Architecture } (X86, Amd64, MSIL), both empty when there is
    no such assembly or it cannot be read. Reads the file's headers only: nothing is loaded.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [hashtable]$Request = @{}
    )

    $candidates = New-Object -TypeName System.Collections.ArrayList
    if ($Request.ContainsKey('explorerom') -and $Request['explorerom']) { [void]$candidates.Add([string]$Request['explorerom']) }
    elseif ($env:BTSBACKUP_EXPLOREROM_PATH) { [void]$candidates.Add($env:BTSBACKUP_EXPLOREROM_PATH) }
    else {
        foreach ($root in @(${env:ProgramFiles(x86)}, $env:ProgramFiles)) {
            if (-not $root) { continue }
            foreach ($folder in 'Microsoft BizTalk Server', 'Microsoft BizTalk Server 2020', 'Microsoft BizTalk Server 2016', 'Microsoft BizTalk Server 2013 R2', 'Microsoft BizTalk Server 2013') {
                [void]$candidates.Add([System.IO.Path]::Combine($root, $folder, 'Developer Tools', 'Microsoft.BizTalk.ExplorerOM.dll'))
            }
        }
    }
    foreach ($candidate in $candidates) {
        if (-not [System.IO.File]::Exists($candidate)) { continue }
        try {
            $architecture = [System.Reflection.AssemblyName]::GetAssemblyName($candidate).ProcessorArchitecture
            return @{ Path = $candidate; Architecture = [string]$architecture }
        }
        catch {
            Write-Verbose ("Could not read the architecture of {0}: {1}" -f $candidate, $_.Exception.Message)
        }
    }
    @{ Path = ''; Architecture = '' }
}
