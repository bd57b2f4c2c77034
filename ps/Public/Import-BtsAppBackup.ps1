function Import-BtsAppBackup {
    <#
    .SYNOPSIS
    Restores applications from a backup set into a BizTalk group, in dependency order.

    .DESCRIPTION
    Restores the selected applications of a backup set. With the default mode, Import, for a fresh group, each
    application is imported (ImportApp, its references, then its bindings), referenced applications first; -InstallMsi
    also installs each MSI on this server. With -Mode Install, for a server rebuilt against restored databases, the
    MSIs are only installed on this server (GAC, files, virtual directories).
    Only objects that pass verification are read. A restore is idempotent: applications that already match the
    backup are reported as Unchanged and not touched. An application that already exists is refused
    (BizTalkBackup.E_TARGET_EXISTS) unless -Overwrite is given.

    Secrets that were masked in the backup (******: binding passwords, and what the export redacted in addresses,
    configuration files and added binding files) must be given in an encrypted secrets file (-SecretsFile, with
    -SecretsPassphrase); an application that would keep a ****** value is refused (BizTalkBackup.E_SECRET_MISSING)
    unless -AllowMissingSecrets is given. Get-BtsAppSecret -Missing lists what is still needed. The passphrase reaches the core in its environment only, never on disk.

    -Drill restores into a scratch group (the simulator) or under prefixed names, then compares with the backup: a
    restore test that leaves the real applications alone.

    This changes the group, so it asks for confirmation (ConfirmImpact High) unless -Force or -Confirm:$false is
    given. -WhatIf shows the restore plan step by step and changes nothing.

    .PARAMETER Path
    The backup store folder.

    .PARAMETER LiteralPath
    The backup store folder, used exactly as typed: no wildcards, for folder names holding [ ] * or ?.

    .PARAMETER SetId
    The backup set to restore from. Default: the newest set.

    .PARAMETER InputObject
    A backup set from Get-BtsAppBackup.

    .PARAMETER Name
    Names of the applications to restore, wildcards allowed. Default: every application of the set.

    .PARAMETER ExcludeName
    Names of applications not to restore, wildcards allowed.

    .PARAMETER Mode
    Import (default): import the applications into a fresh group. Install: the databases were restored, only install
    the MSIs on this server.

    .PARAMETER InstallMsi
    In Import mode, also installs each application's MSI on this server after importing it.

    .PARAMETER IncludeReferenced
    Also restores the applications that the selected ones reference and that the group does not have.

    .PARAMETER Overwrite
    Replaces applications and resources that already exist in the group.

    .PARAMETER Environment
    The binding environment to apply (the TargetEnvironment of a binding file added to the application).

    .PARAMETER SecretsFile
    The encrypted secrets file holding the binding passwords that the backup masked.

    .PARAMETER SecretsPassphrase
    The passphrase of the secrets file, as a SecureString (Read-Host -AsSecureString). Default: the environment
    variable BIZTALKBACKUP_SECRETS_PASSPHRASE.

    .PARAMETER AllowMissingSecrets
    Imports applications whose secrets stay ****** (in bindings and in the MSI's files) instead of refusing them.

    .PARAMETER Drill
    Restores into a scratch group (with -Simulator) or under prefixed names, then compares the result with the backup.

    .PARAMETER DrillPrefix
    The name prefix of a drill on a live group. Default: "Drill.".

    .PARAMETER LogPath
    A folder where the msiexec logs of MSI installs are kept.

    .PARAMETER Server
    SQL Server instance of the target group's management database. Default: this machine's BizTalk settings.

    .PARAMETER Database
    Name of the target group's management database. Default: this machine's BizTalk settings.

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
    Restores into the embedded sample BizTalk group instead of a real one.

    .PARAMETER SimulatorState
    Path of a JSON file holding the simulated group's state, updated by the restore. Implies -Simulator.

    .PARAMETER Force
    Restores without asking for confirmation.

    .PARAMETER EventLog
    Also writes the run's record (the line the store's run log gets, as JSON) to the Windows Application event log under
    the source BizTalkBackup, with a stable event id per outcome (1000 success ... 1102 verification failed; see the
    README, Keeping backups current). The source is created on first use when the account is an administrator;
    otherwise, and off Windows, a warning says so and the run goes on. To turn it on for a whole session or script:
    $PSDefaultParameterValues['*-BtsAppBackup:EventLog'] = $true

    .PARAMETER EnableException
    Throws a terminating exception once the run is over if anything failed, instead of writing non-terminating errors.

    .PARAMETER WhatIf
    Shows the restore plan (which applications would be imported, in which order, which are unchanged) without
    changing anything.

    .PARAMETER Confirm
    Asks for confirmation before the restore (the default for this cmdlet).

    .EXAMPLE
    Import-BtsAppBackup -Path D:\BizTalkBackups -Name 'Contoso.Orders' -IncludeReferenced -WhatIf

    Shows how Contoso.Orders and the applications it references would be restored from the newest set.

    .EXAMPLE
    Get-BtsAppBackup -Path D:\BizTalkBackups | Select-Object -Last 1 | Import-BtsAppBackup -Overwrite -Force

    Restores every application of the newest set over the existing ones, without asking.

    .EXAMPLE
    Import-BtsAppBackup -Path D:\BizTalkBackups -SecretsFile .\secrets.bin -SecretsPassphrase (Read-Host -AsSecureString)

    Imports every application of the newest set into a fresh group, with the binding passwords from an encrypted
    secrets file.

    .EXAMPLE
    Import-BtsAppBackup -Path D:\BizTalkBackups -Mode Install -Force

    Installs the MSIs of the newest set on a server rebuilt against restored BizTalk databases.

    .EXAMPLE
    Import-BtsAppBackup -Path D:\BizTalkBackups -Simulator -Drill -Force

    Rehearses the restore of the newest set in a scratch simulated group and reports any difference.

    .INPUTS
    BizTalkBackup.BackupSet

    .OUTPUTS
    BizTalkBackup.RestoreApplication: Application, TargetName, Status (Imported, Installed, Unchanged, Failed,
    Skipped), Reasons, Warnings, Errors and the Steps run; with -Drill, BizTalkBackup.RestoreDrill.

    .NOTES
    Not backed up, so not restored: the BizTalk master secret and Enterprise Single Sign-On (SSO) data, hosts, host
    instances and adapter handlers, the BizTalk databases and the messages in them. Create hosts and restore the
    master secret before importing.

    .LINK
    Get-BtsAppBackup

    .LINK
    Test-BtsAppBackup
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High', DefaultParameterSetName = 'Path', HelpUri = 'https://github.com/BizTalkBackup/BizTalkBackup/blob/main/README.md#powershell')]
    [OutputType('BizTalkBackup.RestoreApplication', 'BizTalkBackup.RestoreDrill')]
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

        [SupportsWildcards()]
        [string[]]$Name,

        [SupportsWildcards()]
        [string[]]$ExcludeName,

        [ValidateSet('Import', 'Install')]
        [string]$Mode = 'Import',

        [switch]$InstallMsi,

        [switch]$IncludeReferenced,

        [switch]$Overwrite,

        [string]$Environment,

        [string]$SecretsFile,

        [System.Security.SecureString]$SecretsPassphrase,

        [switch]$AllowMissingSecrets,

        [switch]$Drill,

        [string]$DrillPrefix,

        [string]$LogPath,

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

        [switch]$Force,

        [switch]$EventLog,

        [switch]$EnableException
    )

    begin {
        if ($Force -and -not $PSBoundParameters.ContainsKey('Confirm')) { $ConfirmPreference = 'None' }
    }

    process {
        $ids = @()
        if ($SetId) { $ids = @($SetId) }
        foreach ($target in @(Get-BtsSetTarget -Caller $PSCmdlet -Path $Path -LiteralPath $LiteralPath -SetId $ids -InputObject $InputObject)) {
            $request = @{ store = $target.Store }
            if ($target.SetId) { $request['set'] = $target.SetId }
            $request['mode'] = $Mode.ToLowerInvariant()
            if ($InstallMsi) { $request['install'] = $true }
            if ($Name) { $request['name'] = @($Name) }
            if ($ExcludeName) { $request['excludeName'] = @($ExcludeName) }
            if ($IncludeReferenced) { $request['includeReferenced'] = $true }
            if ($Overwrite) { $request['overwrite'] = $true }
            if ($Environment) { $request['environment'] = $Environment }
            if ($SecretsFile) { $request['secretsFile'] = Resolve-BtsPath -Caller $PSCmdlet -Path $SecretsFile }
            if ($AllowMissingSecrets) { $request['allowMissingSecrets'] = $true }
            if ($Drill) { $request['drill'] = $true }
            if ($DrillPrefix) { $request['drillPrefix'] = $DrillPrefix }
            if ($LogPath) { $request['logDir'] = Resolve-BtsPath -Caller $PSCmdlet -Path $LogPath }
            $childEnvironment = @{}
            if ($SecretsPassphrase) { $childEnvironment['BIZTALKBACKUP_SECRETS_PASSPHRASE'] = ConvertFrom-BtsSecureString -SecureString $SecretsPassphrase }
            Add-BtsGroupRequest -Request $request -Caller $PSCmdlet -Simulator:$Simulator -SimulatorState $SimulatorState `
                -Server $Server -Database $Database -BtsTaskPath $BtsTaskPath -BtsTaskTimeout $BtsTaskTimeout -Backend $Backend -Catalog $Catalog -ExplorerOMPath $ExplorerOMPath -ExplorerOmTimeout $ExplorerOmTimeout

            if ($WhatIfPreference) {
                Invoke-BtsPlan -Command 'import' -Request $request -Caller $PSCmdlet -EnableException:$EnableException -Environment $childEnvironment
                continue
            }
            $setName = 'the newest backup set'
            if ($target.SetId) { $setName = 'backup set ' + $target.SetId }
            $what = 'all applications'
            if ($Name) { $what = $Name -join ', ' }
            $group = 'the BizTalk group'
            if ($request['simulator']) { $group = 'the simulated BizTalk group' }
            elseif ($request['server']) { $group = '{0}/{1}' -f $request['server'], $request['database'] }
            $verb = $Mode
            if ($Drill) { $verb = 'Drill-restore' }
            if (Test-BtsShouldProcess -Caller $PSCmdlet -Target $group -Action ('{0} {1} from {2} in {3}' -f $verb, $what, $setName, $target.Store)) {
                Invoke-BtsCore -Command 'import' -Request $request -Caller $PSCmdlet -EnableException:$EnableException -EventLog:$EventLog -AddProperty @{ Store = $target.Store } -Environment $childEnvironment
            }
        }
    }
}
