function Compare-BtsAppBackup {
    <#
    .SYNOPSIS
    Compares a backup set with another set or with the applications deployed in a BizTalk group now.

    .DESCRIPTION
    Reports, per application, whether it was Added, Removed, Changed (with the reasons) or is Unchanged between a
    reference backup set (-SetId, default the newest) and either the live group (default) or another backup set
    (-DifferenceSetId). Use it to see what changed since the last backup, or between two backups. Nothing is changed.

    .PARAMETER Path
    The backup store folder.

    .PARAMETER LiteralPath
    The backup store folder, used exactly as typed: no wildcards, for folder names holding [ ] * or ?.

    .PARAMETER SetId
    The reference backup set (the baseline). Default: the newest set.

    .PARAMETER InputObject
    Reference backup sets from Get-BtsAppBackup.

    .PARAMETER DifferenceSetId
    Compares this backup set of the same store with the reference set, instead of the live group.

    .PARAMETER Name
    Compares only the applications with these names; wildcards allowed.

    .PARAMETER ExcludeName
    Leaves out the applications with these names; wildcards allowed.

    .PARAMETER Server
    SQL Server instance of the live group's management database. Default: this machine's BizTalk settings.

    .PARAMETER Database
    Name of the live group's management database. Default: this machine's BizTalk settings.

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
    Compares with the embedded sample BizTalk group instead of a real one.

    .PARAMETER SimulatorState
    Path of a JSON file holding the simulated group's state. Implies -Simulator.

    .PARAMETER EnableException
    Throws a terminating exception on error instead of writing a non-terminating error.

    .EXAMPLE
    Compare-BtsAppBackup -Path D:\BizTalkBackups

    Shows what changed in this machine's group since the newest backup set.

    .EXAMPLE
    Get-BtsAppBackup -Path D:\BizTalkBackups | Select-Object -First 1 | Compare-BtsAppBackup -DifferenceSetId latest

    Shows what changed between the oldest and the newest backup set.

    .INPUTS
    BizTalkBackup.BackupSet

    .OUTPUTS
    BizTalkBackup.CompareResult: Application, Status (Added, Removed, Changed, Unchanged, Failed), Reasons, and which
    set or group was compared with which baseline (Current, Baseline).

    .NOTES
    Not backed up by BizTalkBackup, so not compared: the BizTalk master secret and Enterprise Single Sign-On (SSO)
    data, hosts, host instances and adapter handlers, the BizTalk databases and the messages in them.

    .LINK
    Get-BtsAppBackup
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path', HelpUri = 'https://github.com/BizTalkBackup/BizTalkBackup/blob/main/README.md#powershell')]
    [OutputType('BizTalkBackup.CompareResult')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ParameterSetName = 'Path')]
        [Alias('Store')]
        [SupportsWildcards()]
        [string]$Path,

        [Parameter(Mandatory = $true, ParameterSetName = 'LiteralPath')]
        [Alias('PSPath', 'LP')]
        [string]$LiteralPath,

        [Parameter(Position = 1, ParameterSetName = 'Path')]
        [Parameter(ParameterSetName = 'LiteralPath')]
        [string]$SetId,

        [Parameter(Mandatory = $true, ValueFromPipeline = $true, ParameterSetName = 'InputObject')]
        [PSTypeName('BizTalkBackup.BackupSet')]
        [psobject[]]$InputObject,

        [string]$DifferenceSetId,

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

    process {
        $ids = @()
        if ($SetId) { $ids = @($SetId) }
        foreach ($target in @(Get-BtsSetTarget -Caller $PSCmdlet -Path $Path -LiteralPath $LiteralPath -SetId $ids -InputObject $InputObject)) {
            $request = @{ store = $target.Store }
            if ($target.SetId) { $request['against'] = $target.SetId }
            if ($Name) { $request['name'] = @($Name) }
            if ($ExcludeName) { $request['excludeName'] = @($ExcludeName) }
            if ($DifferenceSetId) {
                $request['set'] = $DifferenceSetId
            }
            else {
                Add-BtsGroupRequest -Request $request -Caller $PSCmdlet -Simulator:$Simulator -SimulatorState $SimulatorState `
                    -Server $Server -Database $Database -BtsTaskPath $BtsTaskPath -BtsTaskTimeout $BtsTaskTimeout -Backend $Backend -Catalog $Catalog -ExplorerOMPath $ExplorerOMPath -ExplorerOmTimeout $ExplorerOmTimeout
            }
            Invoke-BtsCore -Command 'compare' -Request $request -Caller $PSCmdlet -EnableException:$EnableException -AddProperty @{ Store = $target.Store }
        }
    }
}
