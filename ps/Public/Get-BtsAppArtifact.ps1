function Get-BtsAppArtifact {
    <#
    .SYNOPSIS
    Shows what a backed-up MSI or DLL holds, offline, without BizTalk.

    .DESCRIPTION
    Reads an application MSI exported by BizTalk (its application definition, resources and files) or a .NET
    assembly (name, version, public key token, references) and describes it, without a BizTalk group, a database or
    Windows Installer. Works on files in a backup store and on MSIs exported by other tools. Nothing is changed.

    .PARAMETER Path
    The MSI or DLL files to read. Wildcards are resolved: every matching file is read, each in turn.

    .PARAMETER LiteralPath
    The MSI or DLL files to read, used exactly as typed: no wildcards, for file names holding [ ] * or ?. Piped
    files (Get-ChildItem) bind here by their PSPath (or FullName).

    .PARAMETER EnableException
    Throws a terminating exception on error (for example a file that is not an MSI) instead of writing a
    non-terminating error.

    .EXAMPLE
    Get-BtsAppArtifact -Path .\Contoso.Orders.msi

    Lists the application, its resources and the files inside Contoso.Orders.msi.

    .EXAMPLE
    Get-ChildItem D:\Exports -Filter *.msi | Get-BtsAppArtifact | Format-List *

    Describes every MSI in D:\Exports in full.

    .EXAMPLE
    Get-BtsAppArtifact -Path D:\BizTalkBackups\restore\*.msi

    Describes every MSI the wildcard matches, one result per file.

    .EXAMPLE
    Get-BtsAppArtifact -LiteralPath 'D:\Exports\Contoso.Orders[1.0].msi'

    Reads a file whose name holds [ ], taken as typed.

    .INPUTS
    System.String (bound to -Path), or files (System.IO.FileInfo) through their PSPath (bound to -LiteralPath).

    .OUTPUTS
    BizTalkBackup.InspectResult: what the file is and what it holds.

    .NOTES
    Not backed up by BizTalkBackup: the BizTalk master secret and Enterprise Single Sign-On (SSO) data, hosts, host
    instances and adapter handlers, the BizTalk databases and the messages in them.

    .LINK
    Get-BtsAppBackup
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path', HelpUri = 'https://github.com/BizTalkBackup/BizTalkBackup/blob/main/README.md#powershell')]
    [OutputType('BizTalkBackup.InspectResult')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true, ParameterSetName = 'Path')]
        [SupportsWildcards()]
        [string[]]$Path,

        [Parameter(Mandatory = $true, ValueFromPipelineByPropertyName = $true, ParameterSetName = 'LiteralPath')]
        [Alias('PSPath', 'LP', 'FullName')]
        [string[]]$LiteralPath,

        [switch]$EnableException
    )

    process {
        $files = New-Object -TypeName System.Collections.Generic.List[string]
        if ($PSCmdlet.ParameterSetName -eq 'LiteralPath') {
            foreach ($item in $LiteralPath) { $files.Add((Resolve-BtsPath -Caller $PSCmdlet -LiteralPath $item)) }
        }
        else {
            # A wildcard may match several files: each is read in turn, as Get-Content does.
            foreach ($item in $Path) {
                foreach ($found in @(Resolve-BtsPath -Caller $PSCmdlet -Path $item -Multiple)) { $files.Add($found) }
            }
        }
        foreach ($file in $files) {
            Invoke-BtsCore -Command 'inspect' -Request @{ path = $file } -Caller $PSCmdlet -EnableException:$EnableException
        }
    }
}
