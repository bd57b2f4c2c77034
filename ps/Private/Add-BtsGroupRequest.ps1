function Add-BtsGroupRequest {
    <#
    .SYNOPSIS
    Adds the options that choose and reach the BizTalk group (simulator, simulatorState, backend, server, database,
    btstask, btstaskTimeout, catalog, explorerom, exploreromTimeout) to a core request.
    .DESCRIPTION
    -Simulator (or -Backend Simulator) targets the embedded sample group. Otherwise -Server and -Database default to this
    machine's group settings, and -Backend DeploymentApi or BTSTask pins the back end (default: the best available).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)]
        [hashtable]$Request,

        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet]$Caller,

        [switch]$Simulator,

        [string]$SimulatorState,

        [string]$Server,

        [string]$Database,

        [string]$BtsTaskPath,

        [int]$BtsTaskTimeout,

        [string]$Backend,

        [string]$Catalog,

        [string]$ExplorerOMPath,

        [int]$ExplorerOmTimeout
    )

    if ($Simulator -or $SimulatorState -or $Backend -eq 'Simulator') {
        $Request['simulator'] = $true
        if ($SimulatorState) { $Request['simulatorState'] = Resolve-BtsPath -Caller $Caller -Path $SimulatorState }
        return
    }
    if (-not $Server -or -not $Database) {
        $defaults = Get-BtsGroupDefault
        if (-not $Server) { $Server = $defaults.Server }
        if (-not $Database) { $Database = $defaults.Database }
    }
    if ($Server) { $Request['server'] = $Server }
    if ($Database) { $Request['database'] = $Database }
    if ($BtsTaskPath) { $Request['btstask'] = Resolve-BtsPath -Caller $Caller -Path $BtsTaskPath }
    if ($BtsTaskTimeout -gt 0) { $Request['btstaskTimeout'] = $BtsTaskTimeout }
    if ($Backend -eq 'DeploymentApi') { $Request['backend'] = 'deployment-api' }
    elseif ($Backend) { $Request['backend'] = $Backend.ToLowerInvariant() }
    if ($Catalog) { $Request['catalog'] = $Catalog.ToLowerInvariant() }
    if ($ExplorerOMPath) { $Request['explorerom'] = Resolve-BtsPath -Caller $Caller -Path $ExplorerOMPath }
    if ($ExplorerOmTimeout -gt 0) { $Request['exploreromTimeout'] = $ExplorerOmTimeout }
}
