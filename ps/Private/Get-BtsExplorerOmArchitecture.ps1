function Get-BtsExplorerOmArchitecture {
    <#
    .SYNOPSIS
    Finds Microsoft.BizTalk.ExplorerOM.dll where the core looks for it and reads its ProcessorArchitecture.
    .DESCRIPTION
    The request's explorerom path, else $env:BTSBACKUP_EXPLOREROM_PATH, else the BizTalk install folders under
    Program Files (x86) and Program Files. Returns @{ Path; Architecture } (X86: 32-bit only; Amd64; MSIL: any), both
    empty when there is no such assembly or it cannot be read. Reads the file's headers only: nothing is loaded.
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
    # PowerShell 7 (.NET 5+) reports ProcessorArchitecture None for every assembly: there the PE and CLI headers are
    # read with System.Reflection.Metadata's PEReader; Windows PowerShell 5.1 (.NET Framework) has the former only.
    $peReader = 'System.Reflection.PortableExecutable.PEReader' -as [type]
    foreach ($candidate in $candidates) {
        if (-not [System.IO.File]::Exists($candidate)) { continue }
        try {
            if ($null -eq $peReader) {
                $architecture = [string][System.Reflection.AssemblyName]::GetAssemblyName($candidate).ProcessorArchitecture
                return @{ Path = $candidate; Architecture = $architecture }
            }
            $stream = [System.IO.File]::OpenRead($candidate)
            try {
                $reader = New-Object -TypeName System.Reflection.PortableExecutable.PEReader -ArgumentList $stream
                try {
                    $headers = $reader.PEHeaders
                    $machine = [int]$headers.CoffHeader.Machine
                    $flags = 0
                    if ($null -ne $headers.CorHeader) { $flags = [int]$headers.CorHeader.Flags }
                    # COMIMAGE_FLAGS_ILONLY 0x1, 32BITREQUIRED 0x2, 32BITPREFERRED 0x20000; machine 0x14c is i386.
                    $architecture = 'MSIL'
                    if (($flags -band 0x2) -and -not ($flags -band 0x20000)) { $architecture = 'X86' }
                    elseif ($machine -eq 0x14c -and -not ($flags -band 0x1)) { $architecture = 'X86' }
                    elseif ($headers.PEHeader.Magic.ToString() -eq 'PE32Plus') { $architecture = 'Amd64' }
                    return @{ Path = $candidate; Architecture = $architecture }
                }
                finally { $reader.Dispose() }
            }
            finally { $stream.Dispose() }
        }
        catch {
            Write-Verbose ("Could not read the architecture of {0}: {1}" -f $candidate, $_.Exception.Message)
        }
    }
    @{ Path = ''; Architecture = '' }
}
