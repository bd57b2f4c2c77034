function Select-BtsNode {
    <#
    .SYNOPSIS
    Chooses the node to run the core with, and says why. Pure: the caller gathers the facts.
    .DESCRIPTION
    In this order: $env:BTSBACKUP_NODE when set; on Windows, the node bundled with the module (node\win-x64 or
    node\win-x86) of the bitness the back end needs; 'node' on PATH (a checkout, or not Windows: the bundled nodes are
    Windows binaries). Returns @{ Path; Source (environment, bundled, path or none); Reason }.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [string]$EnvironmentNode,

        # x64 or x86 (Get-BtsNodeBitness), and why.
        [ValidateSet('x64', 'x86')]
        [string]$Bitness = 'x64',

        [string]$BitnessReason = '',

        [bool]$OnWindows,

        # The bundled node.exe of each bitness, empty when the module has none.
        [string]$BundledX64,

        [string]$BundledX86,

        # 'node' found on PATH, empty when there is none.
        [string]$PathNode
    )

    if ($EnvironmentNode) {
        return @{ Path = $EnvironmentNode; Source = 'environment'; Reason = '$env:BTSBACKUP_NODE is set' }
    }
    $why = ''
    if ($BitnessReason) { $why = ': ' + $BitnessReason }
    if ($OnWindows) {
        $bundled = $BundledX64
        if ($Bitness -eq 'x86') { $bundled = $BundledX86 }
        if ($bundled) {
            return @{ Path = $bundled; Source = 'bundled'; Reason = ('the bundled {0} node, as the back end needs a {0} process{1}' -f $Bitness, $why) }
        }
    }
    $noBundled = 'the module has no bundled node (a checkout or a build without -Package)'
    if (-not $OnWindows -and ($BundledX64 -or $BundledX86)) { $noBundled = 'the bundled nodes are Windows binaries' }
    elseif ($OnWindows -and ($BundledX64 -or $BundledX86)) { $noBundled = ('the module has no bundled {0} node' -f $Bitness) }
    if ($PathNode) {
        return @{ Path = $PathNode; Source = 'path'; Reason = ("'node' on PATH, as {0}" -f $noBundled) }
    }
    @{ Path = ''; Source = 'none'; Reason = $noBundled }
}
