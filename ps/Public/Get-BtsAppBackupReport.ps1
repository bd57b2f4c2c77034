function Get-BtsAppBackupReport {
    <#
    .SYNOPSIS
    Writes the disaster-recovery report of a backup set: is it ready, in what order the group comes back, and what the
    backup does not hold.

    .DESCRIPTION
    Reads one backup set (the newest by default) and the store's run log, and writes the one document an administrator
    rebuilds a BizTalk group from:
    - readiness at a glance: the set's age, whether and how it was verified, applications backed up, failed or with
      warnings, masked passwords with and without a value in a secrets file, dependencies harvested or missing, stale
      artifacts, resources missing an install action; and a verdict: Ready, Ready with gaps (listed) or Not ready (why);
    - the dependency picture: applications top-down in import order, coloured by state, with the hosts and adapter
      handlers their bindings name;
    - the restore runbook: numbered steps, each with the exact PowerShell and command-line command for this store and set;
    - what the backup does not hold: hosts, handlers, SSO affiliate applications and certificates the bindings name,
      web directories on localhost, BTSNTSvc.exe.config, pipelines and assemblies referenced but not packaged;
    - per application: resources, files with sizes and SHA-256, warnings, and the set that last changed it.
    The HTML format is one self-contained file (no script, no external link) that opens from a USB stick and prints
    with a page per section. Nothing is changed, in the store or in the group.

    .PARAMETER Path
    The backup store folder.

    .PARAMETER LiteralPath
    The backup store folder, used exactly as typed: no wildcards, for folder names holding [ ] * or ?.

    .PARAMETER SetId
    The backup set to report on. Default: the newest set.

    .PARAMETER InputObject
    Backup sets from Get-BtsAppBackup: one report per set.

    .PARAMETER Format
    Html (default), Markdown or Json. Without it, the extension of -OutFile decides (.md, .json), else Html.

    .PARAMETER OutFile
    Writes the report to this file (whole or not at all: a temporary file is renamed over it). Without it, the report's
    text is the Content property of the output object.

    .PARAMETER SecretsFile
    The encrypted secrets file a restore would use: the report says which masked password has a value in it. A missing
    value makes the set Not ready. Values are never read into the report.

    .PARAMETER SecretsPassphrase
    The passphrase of the secrets file. Default: the BIZTALKBACKUP_SECRETS_PASSPHRASE environment variable.

    .PARAMETER Live
    Also compares the live group (this machine's, or -Server/-Simulator) with the set: an application added since is a
    blocker, one changed since is a gap.

    .PARAMETER Server
    SQL Server instance of the management database, for -Live.

    .PARAMETER Database
    Name of the management database, for -Live (default BizTalkMgmtDb).

    .PARAMETER BtsTaskPath
    Path of BTSTask.exe, for -Live.

    .PARAMETER BtsTaskTimeout
    Seconds before a BTSTask call is stopped, for -Live.

    .PARAMETER Backend
    The BizTalk back end for -Live: Auto (default: on a BizTalk server the deployment API in this process, else the
    deployment API in a 32-bit helper, else BTSTask one process per call), DeploymentApi, BTSTask, or Simulator (the
    same as -Simulator). -Verbose says which back end answered and why the better ones did not.

    .PARAMETER Catalog
    Where application facts come from on a real group, for -Live: Auto, ExplorerOM or BTSTask.

    .PARAMETER ExplorerOMPath
    Path of Microsoft.BizTalk.ExplorerOM.dll, for -Live.

    .PARAMETER ExplorerOmTimeout
    Seconds one ExplorerOM call may take, for -Live.

    .PARAMETER Simulator
    For -Live: compares the embedded simulated sample group (no BizTalk needed).

    .PARAMETER SimulatorState
    For -Live: compares a simulated group kept in this state file.

    .PARAMETER EnableException
    Throws a terminating exception on error (an empty store, a corrupt set, a missing secrets file) instead of writing
    a non-terminating error.

    .EXAMPLE
    Get-BtsAppBackupReport -Path \\backup01\BizTalk -OutFile D:\DR\biztalk-report.html -SecretsFile D:\DR\prod.secrets

    Writes the report of the newest set to an HTML page to print or keep on a USB stick, checking the masked passwords
    against the secrets file the restore will use.

    .EXAMPLE
    Get-BtsAppBackup -Path \\backup01\BizTalk | Select-Object -Last 1 | Get-BtsAppBackupReport -Format Json | ForEach-Object { ($_.Content | ConvertFrom-Json).verdict }

    Reads the verdict of the newest set for a monitoring script.

    .EXAMPLE
    Get-BtsAppBackupReport -Path D:\BizTalkBackups -Live -Format Markdown -OutFile .\dr.md

    Writes a Markdown report that also names what changed in this machine's group since the newest set.

    .INPUTS
    BizTalkBackup.BackupSet

    .OUTPUTS
    BizTalkBackup.Report: SetId, Store, Verdict (ready, ready-with-gaps, not-ready), Blockers, Gaps, Format,
    Applications, and Path (with -OutFile) or Content (the report's text).

    .NOTES
    Not backed up by BizTalkBackup, and therefore listed by the report as what to bring from elsewhere: the BizTalk
    master secret and Enterprise Single Sign-On (SSO) data, hosts, host instances and adapter handlers, certificates,
    BTSNTSvc.exe.config, the BizTalk databases and the messages in them.

    .LINK
    Get-BtsAppBackup
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path', HelpUri = 'https://github.com/BizTalkBackup/BizTalkBackup/blob/main/README.md#the-disaster-recovery-report')]
    [OutputType('BizTalkBackup.Report')]
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

        [ValidateSet('Html', 'Markdown', 'Json')]
        [string]$Format,

        [string]$OutFile,

        [string]$SecretsFile,

        [System.Security.SecureString]$SecretsPassphrase,

        [switch]$Live,

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
            if ($target.SetId) { $request['set'] = $target.SetId }
            if ($Format) { $request['format'] = $Format.ToLowerInvariant() }
            if ($OutFile) { $request['out'] = Resolve-BtsPath -Caller $PSCmdlet -Path $OutFile }
            if ($SecretsFile) { $request['secretsFile'] = Resolve-BtsPath -Caller $PSCmdlet -Path $SecretsFile }
            $childEnvironment = @{}
            if ($SecretsPassphrase) { $childEnvironment['BIZTALKBACKUP_SECRETS_PASSPHRASE'] = ConvertFrom-BtsSecureString -SecureString $SecretsPassphrase }
            if ($Live) {
                $request['live'] = $true
                Add-BtsGroupRequest -Request $request -Caller $PSCmdlet -Simulator:$Simulator -SimulatorState $SimulatorState `
                    -Server $Server -Database $Database -BtsTaskPath $BtsTaskPath -BtsTaskTimeout $BtsTaskTimeout -Backend $Backend -Catalog $Catalog -ExplorerOMPath $ExplorerOMPath -ExplorerOmTimeout $ExplorerOmTimeout
            }
            Invoke-BtsCore -Command 'report' -Request $request -Caller $PSCmdlet -EnableException:$EnableException -Environment $childEnvironment
        }
    }
}
