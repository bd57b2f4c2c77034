function Export-BtsAppBackup {
    <#
    .SYNOPSIS
    Backs up BizTalk applications into a backup store: one new, checksummed backup set per run.

    .DESCRIPTION
    Exports every selected application of a BizTalk group (its MSI with all resources, its bindings, and the files
    given with -IncludePath) into the store at -Path, as a new backup set. The store is incremental and
    content-addressed: what did not change since the last backup is stored once and reported as Unchanged.
    One application failing does not stop the others: it is reported as Failed with a non-terminating error, and the
    other applications are still backed up.

    -WhatIf shows the plan the real run would execute, one line per step, and changes nothing.
    Writes progress while it works and details with -Verbose.

    .PARAMETER Path
    The backup store: a folder, created when it does not exist yet.

    .PARAMETER LiteralPath
    The backup store folder, used exactly as typed: no wildcards, for folder names holding [ ] * or ?.

    .PARAMETER Name
    Names of the applications to back up, wildcards allowed. Default: every application except BizTalk.System.
    Takes the Name of objects from the pipeline (Get-BtsAppInventory) and plain strings.

    .PARAMETER ExcludeName
    Names of applications to leave out, wildcards allowed.

    .PARAMETER IncludePath
    Extra files or folders to back up with the set (for example assemblies an application loads from outside its MSI).

    .PARAMETER Full
    Exports every application again even when nothing changed since the last backup set.

    .PARAMETER RecheckDays
    Through BTSTask, which lists an application's resources without their content, a file or DLL replaced under the same
    name changes nothing the inventory sees. Each such application is therefore exported again once in this many days (on
    its own day of the cycle, about 1/RecheckDays of them a night) and stored only if its content differs from the stored
    MSI. Default 7; 0 never rechecks. The deployment API back end needs no recheck.

    .PARAMETER Force
    Does not ask. It never breaks the store's lock: a lock whose run is alive is broken only by -BreakLock.

    .PARAMETER BreakLock
    The token of a live lock to break (the E_LOCK_HELD error names it). The run holding it then commits no backup set.
    Stale locks (a dead or silent run) are taken over without it, with a warning.

    .PARAMETER Server
    SQL Server instance of the group's management database. Default: this machine's BizTalk settings.
    Taken from piped objects that have a Server property.

    .PARAMETER Database
    Name of the group's management database. Default: this machine's BizTalk settings.

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
    Backs up the embedded sample BizTalk group instead of a real one. Taken from piped Get-BtsAppInventory objects.

    .PARAMETER SimulatorState
    Path of a JSON file holding the simulated group's state. Implies -Simulator.

    .PARAMETER EventLog
    Also writes the run's record (the line the store's run log gets, as JSON) to the Windows Application event log under
    the source BizTalkBackup, with a stable event id per outcome (1000 success ... 1102 verification failed; see the
    README, Keeping backups current). The source is created on first use when the account is an administrator;
    otherwise, and off Windows, a warning says so and the run goes on. To turn it on for a whole session or script:
    $PSDefaultParameterValues['*-BtsAppBackup:EventLog'] = $true

    .PARAMETER EnableException
    Throws a terminating exception once the run is over if anything failed, instead of writing non-terminating errors.

    .PARAMETER WhatIf
    Shows the export plan (which applications would be exported, which are unchanged) without writing anything.

    .PARAMETER Confirm
    Asks for confirmation before the export starts.

    .EXAMPLE
    Export-BtsAppBackup -Path D:\BizTalkBackups

    Backs up every application of this machine's BizTalk group to D:\BizTalkBackups.

    .EXAMPLE
    Get-BtsAppInventory -Name 'Contoso*' | Export-BtsAppBackup -Path \\backupserver\biztalk -ExcludeName 'Contoso.Test*'

    Backs up the Contoso applications, except the test ones, to a share on another server.

    .EXAMPLE
    Export-BtsAppBackup -Simulator -Path $env:TEMP\btsdemo -WhatIf

    Shows what a backup of the embedded sample group would do, without writing anything.

    .INPUTS
    System.String, or objects with a Name property (BizTalkBackup.Application).

    .OUTPUTS
    BizTalkBackup.BackupApplication, one per application (Name, BackupStatus Exported/Unchanged/Failed/Skipped,
    Artifacts, Reasons), then BizTalkBackup.BackupSet (SetId, Status, CreatedAt in UTC, Applications, Store): Status
    Created for the set this run wrote, or Unchanged when nothing changed since the newest set, which it then names
    (the run says so in one line and writes no new set). The set pipes on to Test-BtsAppBackup and Get-BtsAppBackup.

    .NOTES
    Not backed up: the BizTalk master secret and Enterprise Single Sign-On (SSO) data, hosts, host instances and
    adapter handlers, the BizTalk databases and the messages in them, and assemblies in the GAC that no application
    lists as a resource (add them with -IncludePath). Passwords in bindings are masked in the store.

    .LINK
    Get-BtsAppBackup

    .LINK
    Test-BtsAppBackup
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium', DefaultParameterSetName = 'Path', HelpUri = 'https://github.com/BizTalkBackup/BizTalkBackup/blob/main/README.md#powershell')]
    [OutputType('BizTalkBackup.BackupApplication', 'BizTalkBackup.BackupSet')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ParameterSetName = 'Path')]
        [Alias('Store')]
        [SupportsWildcards()]
        [string]$Path,

        [Parameter(Mandatory = $true, ParameterSetName = 'LiteralPath')]
        [Alias('PSPath', 'LP')]
        [string]$LiteralPath,

        [Parameter(ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [SupportsWildcards()]
        [string[]]$Name,

        [SupportsWildcards()]
        [string[]]$ExcludeName,

        [string[]]$IncludePath,

        [switch]$Full,

        [ValidateRange(0, 366)]
        [int]$RecheckDays = 7,

        [switch]$Force,

        [string]$BreakLock,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [string]$Server,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
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

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [switch]$Simulator,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [string]$SimulatorState,

        [switch]$EventLog,

        [switch]$EnableException
    )

    begin {
        $names = New-Object -TypeName System.Collections.Generic.List[string]
        $group = @{ Simulator = $false; SimulatorState = ''; Server = ''; Database = '' }
    }

    process {
        foreach ($item in @($Name)) { if ($item) { $names.Add($item) } }
        if ($Simulator) { $group.Simulator = $true }
        if ($SimulatorState) { $group.SimulatorState = $SimulatorState }
        if ($Server) { $group.Server = $Server }
        if ($Database) { $group.Database = $Database }
    }

    end {
        $store = Resolve-BtsPath -Caller $PSCmdlet -Path $Path -LiteralPath $LiteralPath
        $request = @{ store = $store }
        if ($names.Count -gt 0) { $request['name'] = $names.ToArray() }
        if ($ExcludeName) { $request['excludeName'] = @($ExcludeName) }
        if ($IncludePath) { $request['includePath'] = @($IncludePath | ForEach-Object { Resolve-BtsPath -Caller $PSCmdlet -Path $_ }) }
        if ($Full) { $request['full'] = $true }
        if ($PSBoundParameters.ContainsKey('RecheckDays')) { $request['recheckDays'] = $RecheckDays }
        if ($Force) { $request['force'] = $true }
        if ($BreakLock) { $request['breakLock'] = $BreakLock }
        Add-BtsGroupRequest -Request $request -Caller $PSCmdlet -Simulator:$group.Simulator -SimulatorState $group.SimulatorState `
            -Server $group.Server -Database $group.Database -BtsTaskPath $BtsTaskPath -BtsTaskTimeout $BtsTaskTimeout -Backend $Backend -Catalog $Catalog -ExplorerOMPath $ExplorerOMPath -ExplorerOmTimeout $ExplorerOmTimeout

        if ($WhatIfPreference) {
            Invoke-BtsPlan -Command 'export' -Request $request -Caller $PSCmdlet -EnableException:$EnableException
            return
        }
        $what = 'all applications'
        if ($names.Count -gt 0) { $what = $names -join ', ' }
        if ($PSCmdlet.ShouldProcess($store, ('Back up {0}' -f $what))) {
            Invoke-BtsCore -Command 'export' -Request $request -Caller $PSCmdlet -EnableException:$EnableException -EventLog:$EventLog -AddProperty @{ Store = $store } | ForEach-Object {
                if ($_.PSObject.TypeNames[0] -eq 'BizTalkBackup.BackupSet' -and $_.PSObject.Properties['Status']) {
                    # Status says what the run did (Created, or Unchanged: the set named is the store's current one);
                    # a Committed False beside an old SetId read like a failed commit.
                    $_.PSObject.Properties.Remove('Committed')
                    if ([string]$_.Status -eq 'Unchanged') {
                        $created = $_.CreatedAt
                        if ($created -is [datetime]) { $created = $created.ToLocalTime().ToString('yyyy-MM-dd HH:mm:ss') }
                        # Shown by default (like a host line), silenced by -InformationAction SilentlyContinue.
                        $informationAction = 'Continue'
                        if ($PSBoundParameters.ContainsKey('InformationAction')) { $informationAction = $PSBoundParameters['InformationAction'] }
                        Write-Information -MessageData ('Nothing changed since backup set {0} ({1}): it stays the current backup, no new set was written.' -f $_.SetId, $created) -Tags 'BizTalkBackup' -InformationAction $informationAction
                    }
                }
                $_
            }
        }
    }
}
