function Set-BtsAppSecret {
    <#
    .SYNOPSIS
    Stores binding passwords that a backup masked (******) in an encrypted secrets file, for Import-BtsAppBackup.

    .DESCRIPTION
    BizTalk masks the passwords of adapters in exported bindings as ******, so a backup cannot hold them. A restore
    takes them from an encrypted secrets file (scrypt and AES-256-GCM), which this cmdlet creates or updates; the
    file is then given to Import-BtsAppBackup with -SecretsFile and -SecretsPassphrase.

    Give one location with -Port, -Field (and -Location for a receive location) and its value as -Value or
    -Credential; or give -Path to take the locations from a backup set, with the values in -Values or piped in as
    objects with Port, Location, Field and Value properties (Get-BtsAppSecret -Path lists the locations a set needs,
    with the Key to use). With -Path, a key that names no masked password of the set is refused and nothing is
    written.

    Values are SecureStrings (or PSCredentials) only. They reach the core on its standard input and the passphrase
    in its environment: never on the command line, in the request file, in -Verbose output or on disk in clear
    text. The output lists locations and whether each has a value, never a value.

    -WhatIf shows which locations would be set and writes nothing.

    .PARAMETER SecretsFile
    The encrypted secrets file to create or update, used exactly as typed (no wildcards: a pattern must never pick
    another file to write passwords into). Existing entries for other locations are kept.

    .PARAMETER SecretsPassphrase
    The passphrase of the secrets file, as a SecureString (Read-Host -AsSecureString); a new file is encrypted with
    it. At least 8 characters. Default: the environment variable BIZTALKBACKUP_SECRETS_PASSPHRASE.

    .PARAMETER Port
    The send port, or the receive port of a receive location, whose binding holds the password.

    .PARAMETER Location
    The receive location whose binding holds the password. Leave it out for a send port.

    .PARAMETER Field
    The adapter property that holds the password, as the backup reported it: password, AdapterConfig/password ...

    .PARAMETER Application
    The application whose bindings hold the location. Default: none, so the value applies to that port in any
    application (port names are unique in a BizTalk group).

    .PARAMETER Value
    The password, as a SecureString (Read-Host -AsSecureString).

    .PARAMETER Credential
    The password as the password of a PSCredential (Get-Credential). The user name is not stored: the secrets file
    holds passwords only, and user names are not masked in the bindings.

    .PARAMETER Path
    The backup store folder: the locations are the masked passwords of a backup set in it. Wildcards are resolved
    and must name one folder.

    .PARAMETER LiteralPath
    The backup store folder, used exactly as typed: no wildcards, for folder names holding [ ] * or ?.

    .PARAMETER SetId
    The backup set whose masked passwords are the locations. Default: the newest set.

    .PARAMETER Name
    Only the masked passwords of these applications of the set, wildcards allowed. Default: every application.

    .PARAMETER Values
    The values by location, as a hashtable: keys 'port|location|field' (the location part empty for a send port,
    as in 'Billing.Send.Bank.Sftp||AdapterConfig/password'; the Key property of Get-BtsAppSecret), values
    SecureStrings or PSCredentials.

    .PARAMETER InputObject
    Objects with Port, Location, Field and Value properties (Value a SecureString or PSCredential), such as the
    output of Get-BtsAppSecret with a Value added. Used with -Path.

    .PARAMETER EnableException
    Throws a terminating exception if anything failed, instead of writing non-terminating errors.

    .PARAMETER WhatIf
    Shows which locations would be set without writing the secrets file.

    .PARAMETER Confirm
    Asks for confirmation before writing the secrets file.

    .EXAMPLE
    Set-BtsAppSecret -SecretsFile D:\Secure\secrets.bin -SecretsPassphrase (Read-Host -AsSecureString) -Port 'Billing.Send.Bank.Sftp' -Field 'AdapterConfig/password' -Value (Read-Host -AsSecureString)

    Stores the SFTP password of the send port Billing.Send.Bank.Sftp, prompting for the passphrase and the password.

    .EXAMPLE
    $passphrase = Read-Host -AsSecureString
    Set-BtsAppSecret -Path D:\BizTalkBackups -SecretsFile D:\Secure\secrets.bin -SecretsPassphrase $passphrase -Values @{
        'Zahlungsverkehr.Send.Bank.Ftp||password'      = Read-Host -AsSecureString -Prompt 'FTP'
        'Billing.Send.Bank.Sftp||AdapterConfig/password' = Read-Host -AsSecureString -Prompt 'SFTP'
    }

    Stores both masked passwords of the newest backup set, checking the keys against the set.

    .EXAMPLE
    Set-BtsAppSecret -LiteralPath 'D:\Backups[prod]' -SecretsFile 'D:\Secure\secrets[prod].bin' -Values @{ 'Billing.Send.Bank.Sftp||AdapterConfig/password' = Read-Host -AsSecureString }

    The same for a store folder and a secrets file whose names hold [ ], both taken as typed.

    .EXAMPLE
    Get-BtsAppSecret -Path D:\BizTalkBackups -SecretsFile D:\Secure\secrets.bin -Missing | ForEach-Object { $_ | Add-Member -NotePropertyName Value -NotePropertyValue (Read-Host -AsSecureString -Prompt $_.Key) -PassThru } | Set-BtsAppSecret -Path D:\BizTalkBackups -SecretsFile D:\Secure\secrets.bin

    Prompts for every masked password of the newest set that has no value yet and stores them, with the passphrase
    from BIZTALKBACKUP_SECRETS_PASSPHRASE.

    .INPUTS
    Objects with Port, Location, Field and Value properties (with -Path).

    .OUTPUTS
    BizTalkBackup.SecretLocation: Application, Port, Location, Field, HasValue and Key (port|location|field), one per
    location set (with -Path: one per masked password of the set, so the ones still missing show HasValue False),
    plus SecretsFile. Never a value.

    .NOTES
    Not backed up, so not restored: the BizTalk master secret and Enterprise Single Sign-On (SSO) data, hosts, host
    instances and adapter handlers, the BizTalk databases and the messages in them. The binding passwords masked as
    ****** are not backed up either: they come from the secrets file this cmdlet writes.

    .LINK
    Get-BtsAppSecret

    .LINK
    Import-BtsAppBackup
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium', DefaultParameterSetName = 'Value', HelpUri = 'https://github.com/BizTalkBackup/BizTalkBackup/blob/main/README.md#powershell')]
    [OutputType('BizTalkBackup.SecretLocation')]
    param(
        [Parameter(Mandatory = $true)]
        [string]$SecretsFile,

        [System.Security.SecureString]$SecretsPassphrase,

        [Parameter(Mandatory = $true, ParameterSetName = 'Value')]
        [Parameter(Mandatory = $true, ParameterSetName = 'Credential')]
        [ValidateNotNullOrEmpty()]
        [string]$Port,

        [Parameter(ParameterSetName = 'Value')]
        [Parameter(ParameterSetName = 'Credential')]
        [string]$Location,

        [Parameter(Mandatory = $true, ParameterSetName = 'Value')]
        [Parameter(Mandatory = $true, ParameterSetName = 'Credential')]
        [ValidateNotNullOrEmpty()]
        [string]$Field,

        [Parameter(ParameterSetName = 'Value')]
        [Parameter(ParameterSetName = 'Credential')]
        [string]$Application,

        [Parameter(Mandatory = $true, ParameterSetName = 'Value')]
        [System.Security.SecureString]$Value,

        [Parameter(Mandatory = $true, ParameterSetName = 'Credential')]
        [System.Management.Automation.PSCredential]$Credential,

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

        [Parameter(ParameterSetName = 'Path')]
        [Parameter(ParameterSetName = 'LiteralPath')]
        [SupportsWildcards()]
        [string[]]$Name,

        [Parameter(ParameterSetName = 'Path')]
        [Parameter(ParameterSetName = 'LiteralPath')]
        [hashtable]$Values,

        [Parameter(ValueFromPipeline = $true, ParameterSetName = 'Path')]
        [Parameter(ValueFromPipeline = $true, ParameterSetName = 'LiteralPath')]
        [psobject[]]$InputObject,

        [switch]$EnableException
    )

    begin {
        # (key, value) pairs as given: piped objects, then -Values; checked together in end, before anything runs.
        $given = New-Object -TypeName System.Collections.ArrayList
        $rejected = $false
    }

    process {
        $fromSet = $PSCmdlet.ParameterSetName -eq 'Path' -or $PSCmdlet.ParameterSetName -eq 'LiteralPath'
        if (-not $fromSet) { return }
        foreach ($item in @($InputObject)) {
            if ($null -eq $item) { continue }
            $missing = @('Port', 'Field', 'Value' | Where-Object { -not $item.PSObject.Properties[$_] })
            if ($missing.Count -gt 0) {
                $record = New-BtsErrorRecord -Code 'E_USAGE' -Category 'InvalidArgument' -Target $item `
                    -Message ('A piped object has no {0} property.' -f ($missing -join ', ')) `
                    -Hint 'Pipe objects with Port, Location, Field and Value (a SecureString), such as Get-BtsAppSecret output with a Value added.'
                $rejected = $true
                if ($EnableException) { $PSCmdlet.ThrowTerminatingError($record) }
                $PSCmdlet.WriteError($record)
                continue
            }
            $itemLocation = ''
            if ($item.PSObject.Properties['Location'] -and $null -ne $item.Location) { $itemLocation = [string]$item.Location }
            [void]$given.Add(@(('{0}|{1}|{2}' -f $item.Port, $itemLocation, $item.Field), $item.Value))
        }
    }

    end {
        $file = Resolve-BtsPath -Caller $PSCmdlet -LiteralPath $SecretsFile
        $request = @{ secretsFile = $file }
        $addProperty = @{ SecretsFile = $file }
        $childEnvironment = @{}
        if ($SecretsPassphrase) { $childEnvironment['BIZTALKBACKUP_SECRETS_PASSPHRASE'] = ConvertFrom-BtsSecureString -SecureString $SecretsPassphrase }

        if ($PSCmdlet.ParameterSetName -eq 'Path' -or $PSCmdlet.ParameterSetName -eq 'LiteralPath') {
            if ($Values) {
                foreach ($key in @($Values.Keys)) { [void]$given.Add(@([string]$key, $Values[$key])) }
            }
            # key (port|location|field) -> SecureString; a later value for the same key wins.
            $byKey = New-Object -TypeName System.Collections.Specialized.OrderedDictionary
            foreach ($pair in $given) {
                $key = $pair[0]
                $secure = $null
                if ($pair[1] -is [System.Security.SecureString]) { $secure = $pair[1] }
                elseif ($pair[1] -is [System.Management.Automation.PSCredential]) { $secure = $pair[1].Password }
                if ($null -eq $secure) {
                    $record = New-BtsErrorRecord -Code 'E_USAGE' -Category 'InvalidArgument' -Target $key `
                        -Message ("The value for '{0}' is not a SecureString or PSCredential." -f $key) `
                        -Hint 'Give values as SecureStrings (Read-Host -AsSecureString) or PSCredentials; clear-text strings are refused.'
                    $rejected = $true
                    if ($EnableException) { $PSCmdlet.ThrowTerminatingError($record) }
                    $PSCmdlet.WriteError($record)
                    continue
                }
                if ($byKey.Contains($key)) { $byKey.Remove($key) }
                $byKey[$key] = $secure
            }
            # Nothing is written when any value was refused: a half-applied set of passwords is harder to notice.
            if ($rejected) { return }
            if ($byKey.Count -eq 0) {
                $storeGiven = $Path
                if ($LiteralPath) { $storeGiven = $LiteralPath }
                $record = New-BtsErrorRecord -Code 'E_USAGE' -Category 'InvalidArgument' -Target $storeGiven `
                    -Message 'No values were given: use -Values, or pipe objects with Port, Location, Field and Value.' `
                    -Hint 'Get-BtsAppSecret -Path <store> -SecretsFile <file> lists the locations and their keys.'
                if ($EnableException) { $PSCmdlet.ThrowTerminatingError($record) }
                $PSCmdlet.WriteError($record)
                return
            }
            $store = Resolve-BtsPath -Caller $PSCmdlet -Path $Path -LiteralPath $LiteralPath
            $request['store'] = $store
            $addProperty['Store'] = $store
            if ($SetId) { $request['set'] = $SetId }
            if ($Name) { $request['name'] = @($Name) }
            $keys = @($byKey.Keys)
            $setName = 'the newest backup set'
            if ($SetId) { $setName = 'backup set ' + $SetId }
            $action = 'Set {0} secret(s) for the masked passwords of {1} in {2}: {3}' -f $keys.Count, $setName, $store, ($keys -join ', ')
            if (-not $PSCmdlet.ShouldProcess($file, $action)) { return }

            # The values as one JSON object, non-ASCII escaped so the text survives any console encoding.
            $plain = @{}
            foreach ($key in $keys) { $plain[$key] = ConvertFrom-BtsSecureString -SecureString $byKey[$key] }
            $json = ConvertTo-Json -InputObject $plain -Compress
            $json = [System.Text.RegularExpressions.Regex]::Replace($json, '[^\x20-\x7E]', { param($m) '\u{0:x4}' -f [int][char]$m.Value })
            Invoke-BtsCore -Command 'secrets' -Argument 'set' -Request $request -Caller $PSCmdlet -EnableException:$EnableException `
                -AddProperty $addProperty -Environment $childEnvironment -InputText $json
            return
        }

        $request['port'] = $Port
        $request['field'] = $Field
        if ($Location) { $request['location'] = $Location }
        if ($Application) { $request['application'] = $Application }
        $secure = $Value
        if ($PSCmdlet.ParameterSetName -eq 'Credential') { $secure = $Credential.Password }
        $where = 'send port "{0}"' -f $Port
        if ($Location) { $where = 'receive location "{0}" of "{1}"' -f $Location, $Port }
        if ($Application) { $where = '{0} in "{1}"' -f $where, $Application }
        if (-not $PSCmdlet.ShouldProcess($file, ('Set the secret of {0} ({1})' -f $where, $Field))) { return }
        Invoke-BtsCore -Command 'secrets' -Argument 'set' -Request $request -Caller $PSCmdlet -EnableException:$EnableException `
            -AddProperty $addProperty -Environment $childEnvironment -InputText (ConvertFrom-BtsSecureString -SecureString $secure)
    }
}
