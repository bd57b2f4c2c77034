function Get-BtsAppSecret {
    <#
    .SYNOPSIS
    Lists which binding password locations have a value in an encrypted secrets file, never the values.

    .DESCRIPTION
    Opens the encrypted secrets file that Set-BtsAppSecret writes and Import-BtsAppBackup reads, and lists its
    locations (port, receive location, adapter field, application). With -Path (or a piped backup set) it lists
    instead every password that the backup set masked as ******, each with HasValue, so you can see which are still
    missing before a restore; -Missing keeps only those. The Key property is the key Set-BtsAppSecret -Values takes.

    Nothing is changed. Values never leave the core: the output holds locations only. A wrong passphrase is the
    error BizTalkBackup.E_SECRETS_LOCKED.

    .PARAMETER SecretsFile
    The encrypted secrets file, used exactly as typed (no wildcards: a pattern must never pick another file to
    decrypt). With -Path it does not have to exist yet (every location is then missing).

    .PARAMETER SecretsPassphrase
    The passphrase of the secrets file, as a SecureString (Read-Host -AsSecureString). Default: the environment
    variable BIZTALKBACKUP_SECRETS_PASSPHRASE.

    .PARAMETER Path
    The backup store folder: lists the masked passwords of a backup set in it, with whether each has a value.
    Wildcards are resolved and must name one folder.

    .PARAMETER LiteralPath
    The backup store folder, used exactly as typed: no wildcards, for folder names holding [ ] * or ?.

    .PARAMETER SetId
    The backup set whose masked passwords are listed. Default: the newest set.

    .PARAMETER InputObject
    A backup set from Get-BtsAppBackup: lists its masked passwords.

    .PARAMETER Name
    With a backup set: only the masked passwords of these applications, wildcards allowed.

    .PARAMETER Missing
    With a backup set: only the locations that have no value yet.

    .PARAMETER EnableException
    Throws a terminating exception if anything failed, instead of writing non-terminating errors.

    .EXAMPLE
    Get-BtsAppSecret -SecretsFile D:\Secure\secrets.bin -SecretsPassphrase (Read-Host -AsSecureString)

    Lists the locations stored in the secrets file, prompting for its passphrase.

    .EXAMPLE
    Get-BtsAppSecret -Path D:\BizTalkBackups -SecretsFile D:\Secure\secrets.bin -Missing

    Lists the masked passwords of the newest backup set that the secrets file has no value for yet, with the
    passphrase from BIZTALKBACKUP_SECRETS_PASSPHRASE.

    .EXAMPLE
    Get-BtsAppSecret -LiteralPath 'D:\Backups[prod]' -SecretsFile 'D:\Secure\secrets[prod].bin' -Missing

    The same for a store folder whose name holds [ ], taken as typed.

    .EXAMPLE
    Get-BtsAppBackup -Path D:\BizTalkBackups | Select-Object -Last 1 | Get-BtsAppSecret -SecretsFile D:\Secure\secrets.bin

    Shows, for the last set listed, every masked password and whether the secrets file has it.

    .INPUTS
    BizTalkBackup.BackupSet

    .OUTPUTS
    BizTalkBackup.SecretLocation: Application, Port, Location, Field, HasValue and Key (port|location|field), plus
    SecretsFile and, with a backup set, Store. Never a value.

    .NOTES
    Not backed up, so not restored: the BizTalk master secret and Enterprise Single Sign-On (SSO) data, hosts, host
    instances and adapter handlers, the BizTalk databases and the messages in them. The binding passwords masked as
    ****** are not backed up either: they come from the secrets file (Set-BtsAppSecret).

    .LINK
    Set-BtsAppSecret

    .LINK
    Import-BtsAppBackup
    #>
    [CmdletBinding(DefaultParameterSetName = 'File', HelpUri = 'https://github.com/BizTalkBackup/BizTalkBackup/blob/main/README.md#powershell')]
    [OutputType('BizTalkBackup.SecretLocation')]
    param(
        [Parameter(Mandatory = $true)]
        [string]$SecretsFile,

        [System.Security.SecureString]$SecretsPassphrase,

        [Parameter(Mandatory = $true, ParameterSetName = 'Path')]
        [Alias('Store')]
        [SupportsWildcards()]
        [string]$Path,

        [Parameter(Mandatory = $true, ParameterSetName = 'LiteralPath')]
        [Alias('PSPath', 'LP')]
        [string]$LiteralPath,

        [Parameter(ParameterSetName = 'Path')]
        [Parameter(ParameterSetName = 'LiteralPath')]
        [string]$SetId,

        [Parameter(Mandatory = $true, ValueFromPipeline = $true, ParameterSetName = 'InputObject')]
        [PSTypeName('BizTalkBackup.BackupSet')]
        [psobject[]]$InputObject,

        [Parameter(ParameterSetName = 'Path')]
        [Parameter(ParameterSetName = 'LiteralPath')]
        [Parameter(ParameterSetName = 'InputObject')]
        [SupportsWildcards()]
        [string[]]$Name,

        [Parameter(ParameterSetName = 'Path')]
        [Parameter(ParameterSetName = 'LiteralPath')]
        [Parameter(ParameterSetName = 'InputObject')]
        [switch]$Missing,

        [switch]$EnableException
    )

    begin {
        $file = Resolve-BtsPath -Caller $PSCmdlet -LiteralPath $SecretsFile
        $childEnvironment = @{}
        if ($SecretsPassphrase) { $childEnvironment['BIZTALKBACKUP_SECRETS_PASSPHRASE'] = ConvertFrom-BtsSecureString -SecureString $SecretsPassphrase }
    }

    process {
        if ($PSCmdlet.ParameterSetName -eq 'File') {
            Invoke-BtsCore -Command 'secrets' -Argument 'list' -Request @{ secretsFile = $file } -Caller $PSCmdlet `
                -EnableException:$EnableException -AddProperty @{ SecretsFile = $file } -Environment $childEnvironment
            return
        }
        $ids = @()
        if ($SetId) { $ids = @($SetId) }
        foreach ($target in @(Get-BtsSetTarget -Caller $PSCmdlet -Path $Path -LiteralPath $LiteralPath -SetId $ids -InputObject $InputObject)) {
            $request = @{ secretsFile = $file; store = $target.Store }
            if ($target.SetId) { $request['set'] = $target.SetId }
            if ($Name) { $request['name'] = @($Name) }
            Invoke-BtsCore -Command 'secrets' -Argument 'list' -Request $request -Caller $PSCmdlet -EnableException:$EnableException `
                -AddProperty @{ SecretsFile = $file; Store = $target.Store } -Environment $childEnvironment |
                Where-Object { -not $Missing -or -not $_.HasValue }
        }
    }
}
