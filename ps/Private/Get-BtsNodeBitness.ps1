function Get-BtsNodeBitness {
    <#
    .SYNOPSIS
    Which node bitness (x64 or x86) the back end of a core request needs, and why. Pure: facts in, decision out.
    .DESCRIPTION
    The simulator, the store commands (no server, database or catalog in the request) and BTSTask (its own process)
    run in any node: the operating system's own bitness. ExplorerOM is loaded into node's process by edge-js: when the ExplorerOM assembly is 32-bit only (BizTalk
    up to 2016 ships it so), a 32-bit node loads it in process without the 32-bit helper process. The deployment API
    (-Backend DeploymentApi, and Auto's first choice) is loaded the same way from the same install folder, where BizTalk
    ships it with ExplorerOM's bitness, so ExplorerOM's headers decide for both; -Backend BTSTask and Simulator need none.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [hashtable]$Request = @{},

        [bool]$Is64BitOperatingSystem = $true,

        # ProcessorArchitecture of Microsoft.BizTalk.ExplorerOM.dll (X86, Amd64, MSIL), empty when it was not found.
        [string]$ExplorerOmArchitecture,

        [string]$ExplorerOmPath
    )

    $native = 'x86'
    if ($Is64BitOperatingSystem) { $native = 'x64' }
    if ($Request.ContainsKey('simulator') -and $Request['simulator']) {
        return @{ Bitness = $native; Reason = 'the simulated group runs in any node' }
    }
    $group = $false
    if ($Request.ContainsKey('backend') -and [string]$Request['backend'] -eq 'simulator') {
        return @{ Bitness = $native; Reason = 'the simulated group runs in any node' }
    }
    foreach ($key in 'server', 'database', 'btstask', 'catalog', 'explorerom', 'backend') { if ($Request.ContainsKey($key)) { $group = $true } }
    if (-not $group) {
        return @{ Bitness = $native; Reason = 'the command does not reach a BizTalk group' }
    }
    if (($Request.ContainsKey('catalog') -and [string]$Request['catalog'] -eq 'btstask') -and -not ($Request.ContainsKey('backend') -and [string]$Request['backend'] -eq 'deployment-api')) {
        return @{ Bitness = $native; Reason = 'BTSTask runs as its own process' }
    }
    if ($Request.ContainsKey('backend') -and [string]$Request['backend'] -eq 'btstask' -and -not ($Request.ContainsKey('catalog') -and [string]$Request['catalog'] -eq 'explorerom')) {
        return @{ Bitness = $native; Reason = 'BTSTask runs as its own process' }
    }
    if ($ExplorerOmArchitecture -eq 'X86') {
        return @{ Bitness = 'x86'; Reason = ("ExplorerOM ({0}) is 32-bit only, and a 32-bit node loads it (and the deployment API beside it) in process" -f $ExplorerOmPath) }
    }
    if ($ExplorerOmArchitecture) {
        return @{ Bitness = $native; Reason = ("ExplorerOM ({0}) is {1}: it loads in a {2} node" -f $ExplorerOmPath, $ExplorerOmArchitecture, $native) }
    }
    @{ Bitness = $native; Reason = ("the operating system is {0}" -f $native) }
}
