function Get-BtsAppArtifact {
    <#
    .SYNOPSIS
    Shows what a backed-up MSI or DLL holds, offline, without BizTalk.

    .DESCRIPTION
    Reads an application MSI exported by BizTalk (its application definition, resources and files) or a .NET
    assembly (name, version, public key token, references) and describes it, without a BizTalk group, a database or
    Windows Installer. Works on files in a backup store and on MSIs exported by other tools. Nothing is changed.

    .PARAMETER Path
    The MSI or DLL to read. Takes FullName from piped files (Get-ChildItem).

    .PARAMETER EnableException
    Throws a terminating exception on error (for example a file that is not an MSI) instead of writing a
    non-terminating error.

    .EXAMPLE
    Get-BtsAppArtifact -Path .\Contoso.Orders.msi

    Lists the application, its resources and the files inside Contoso.Orders.msi.

    .EXAMPLE
    Get-ChildItem D:\Exports -Filter *.msi | Get-BtsAppArtifact | Format-List *

    Describes every MSI in D:\Exports in full.

    .INPUTS
    System.String, or files (System.IO.FileInfo) through their FullName.

    .OUTPUTS
    BizTalkBackup.InspectResult: what the file is and what it holds.

    .NOTES
    Not backed up by BizTalkBackup: the BizTalk master secret and Enterprise Single Sign-On (SSO) data, hosts, host
    instances and adapter handlers, the BizTalk databases and the messages in them.

    .LINK
    Get-BtsAppBackup
    #>
    [CmdletBinding(HelpUri = 'https://github.com/BizTalkBackup/BizTalkBackup/blob/main/README.md#powershell')]
    [OutputType('BizTalkBackup.InspectResult')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [Alias('FullName')]
        [string[]]$Path,

        [switch]$EnableException
    )

    process {
        foreach ($item in $Path) {
            $file = Resolve-BtsPath -Caller $PSCmdlet -Path $item
            Invoke-BtsCore -Command 'inspect' -Request @{ path = $file } -Caller $PSCmdlet -EnableException:$EnableException
        }
    }
}
