function Get-BtsAppInventory {
    <#
    .SYNOPSIS
    Lists the applications deployed in a BizTalk group.

    .DESCRIPTION
    Reads the applications of a BizTalk group (name, description, status, references) through the BizTalkBackup core,
    without changing anything. Use it to see what Export-BtsAppBackup would back up, or pipe its output into
    Export-BtsAppBackup to back up just those applications. BizTalk.System is listed but never exported.

    The group is this machine's group by default (its management database is read from the registry or WMI),
    another one with -Server and -Database, or the embedded sample group with -Simulator.

    .PARAMETER Name
    Names of the applications to list. Wildcards are allowed (Contoso*). Default: every application.

    .PARAMETER ExcludeName
    Names of applications to leave out, wildcards allowed. Applied after -Name.

    .PARAMETER Server
    SQL Server instance of the group's management database (BizTalkMgmtDb). Default: the value in this machine's
    BizTalk settings (registry MgmtDBServer or WMI MSBTS_GroupSetting).

    .PARAMETER Database
    Name of the group's management database. Default: the value in this machine's BizTalk settings, usually BizTalkMgmtDb.

    .PARAMETER BtsTaskPath
    Full path of BTSTask.exe when it is not in the BizTalk installation folder.

    .PARAMETER BtsTaskTimeout
    Seconds after which a hanging BTSTask call is killed (BizTalkBackup.E_BTSTASK_TIMEOUT). Default: 3600.

    .PARAMETER Backend
    The BizTalk back end: Auto (default: on a BizTalk server the deployment API in this process, else the deployment
    API in a 32-bit helper, else BTSTask one process per call; elsewhere the simulator), DeploymentApi, BTSTask, or
    Simulator (the same as -Simulator). -Verbose says which back end answered and why the better ones did not.

    .PARAMETER Catalog
    Where the facts about applications come from on a real group: Auto (default: ExplorerOM when it loads, else
    BTSTask), ExplorerOM or BTSTask.

    .PARAMETER ExplorerOMPath
    Full path of Microsoft.BizTalk.ExplorerOM.dll when it is not in the BizTalk installation folder.

    .PARAMETER ExplorerOmTimeout
    Seconds one ExplorerOM call may take (a management database that stops answering) before it is given up
    (BizTalkBackup.E_EXPLOREROM_TIMEOUT: nothing committed, lock released). Default: 300.

    .PARAMETER Simulator
    Reads the embedded sample BizTalk group instead of a real one: for trying the module and for tests.

    .PARAMETER SimulatorState
    Path of a JSON file holding the simulated group's state, so several commands work on the same simulated group.
    Implies -Simulator.

    .PARAMETER EnableException
    Throws a terminating exception on the first error instead of writing a non-terminating error and going on.

    .EXAMPLE
    Get-BtsAppInventory

    Lists every application of this machine's BizTalk group.

    .EXAMPLE
    Get-BtsAppInventory -Simulator -Name 'Contoso*' -ExcludeName '*Portal*'

    Lists the Contoso applications of the embedded sample group, except the portal.

    .EXAMPLE
    Get-BtsAppInventory -Name 'Contoso*' | Export-BtsAppBackup -Path D:\BizTalkBackups

    Backs up the Contoso applications to D:\BizTalkBackups.

    .INPUTS
    None.

    .OUTPUTS
    BizTalkBackup.Application: Name, Description, Status, IsSystem, IsDefault, References, and the Server, Database and
    Simulator the application was read from (so it can be piped to Export-BtsAppBackup).

    .NOTES
    Not backed up by BizTalkBackup: the BizTalk master secret and Enterprise Single Sign-On (SSO) data, hosts, host
    instances and adapter handlers, the BizTalk databases and the messages in them, and assemblies in the GAC that no
    application lists as a resource.

    .LINK
    Export-BtsAppBackup
    #>
    [CmdletBinding(HelpUri = 'https://github.com/BizTalkBackup/BizTalkBackup/blob/main/README.md#powershell')]
    [OutputType('BizTalkBackup.Application')]
    param(
        [Parameter(Position = 0)]
        [SupportsWildcards()]
        [string[]]$Name,

        [SupportsWildcards()]
        [string[]]$ExcludeName,

        [string]$Server,

        [string]$Database,

        [string]$BtsTaskPath,

        [ValidateRange(1, 86400)]
        [int]$BtsTaskTimeout,

        [ValidateSet('Auto', 'DeploymentApi', 'BTSTask', 'Simulator')]
        [string]$Backend,

        [ValidateSet('Auto', 'ExplorerOM', 'BTSTask')]
        [string]$Catalog,

        [string]$ExplorerOMPath,

        [ValidateRange(1, 86400)]
        [int]$ExplorerOmTimeout,

        [switch]$Simulator,

        [string]$SimulatorState,

        [switch]$EnableException
    )

    $request = @{}
    if ($Name) { $request['name'] = @($Name) }
    if ($ExcludeName) { $request['excludeName'] = @($ExcludeName) }
    Add-BtsGroupRequest -Request $request -Caller $PSCmdlet -Simulator:$Simulator -SimulatorState $SimulatorState `
        -Server $Server -Database $Database -BtsTaskPath $BtsTaskPath -BtsTaskTimeout $BtsTaskTimeout -Backend $Backend -Catalog $Catalog -ExplorerOMPath $ExplorerOMPath -ExplorerOmTimeout $ExplorerOmTimeout

    $origin = @{ Simulator = [bool]$request['simulator'] }
    if ($request.ContainsKey('simulatorState')) { $origin['SimulatorState'] = $request['simulatorState'] }
    if ($request.ContainsKey('server')) { $origin['Server'] = $request['server'] }
    if ($request.ContainsKey('database')) { $origin['Database'] = $request['database'] }

    Invoke-BtsCore -Command 'inventory' -Request $request -Caller $PSCmdlet -EnableException:$EnableException -AddProperty $origin
}
