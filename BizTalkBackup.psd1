@{
    RootModule           = 'BizTalkBackup.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '293bc7b0-17da-4b48-ac2a-b4ca4d062514'
    Author               = 'BizTalkBackup contributors'
    CompanyName          = 'BizTalkBackup'
    Copyright            = '(c) BizTalkBackup contributors. MIT License.'
    Description          = 'Back up and restore every deployed BizTalk Server application: incremental, checksummed, verifiable backups of MSIs, bindings and files, with dependency-ordered restores. Brings its own Node.js for Windows (x64 and x86); elsewhere it uses Node.js 20 or later from PATH.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('BizTalkBackup.Format.ps1xml')
    FileList             = @('BizTalkBackup.psd1', 'BizTalkBackup.psm1', 'BizTalkBackup.Format.ps1xml', 'en-US\about_BizTalkBackup.help.txt')
    HelpInfoURI          = 'https://github.com/BizTalkBackup/BizTalkBackup'
    FunctionsToExport    = @(
        'Compare-BtsAppBackup'
        'Export-BtsAppBackup'
        'Get-BtsAppArtifact'
        'Get-BtsAppBackup'
        'Get-BtsAppBackupLog'
        'Get-BtsAppBackupReport'
        'Get-BtsAppInventory'
        'Get-BtsAppSecret'
        'Import-BtsAppBackup'
        'Register-BtsAppBackupTask'
        'Remove-BtsAppBackup'
        'Set-BtsAppSecret'
        'Test-BtsAppBackup'
        'Unregister-BtsAppBackupTask'
    )
    CmdletsToExport      = @()
    DscResourcesToExport = @('BtsAppBackup')
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('BizTalk', 'BizTalkServer', 'Backup', 'Restore', 'DisasterRecovery', 'MSI', 'Bindings', 'Windows', 'PSEdition_Desktop', 'PSEdition_Core')
            ProjectUri   = 'https://github.com/BizTalkBackup/BizTalkBackup'
            LicenseUri   = 'https://github.com/BizTalkBackup/BizTalkBackup/blob/main/LICENSE'
            ReleaseNotes = '0.1.0: first release. Export-BtsAppBackup, Import-BtsAppBackup, Get-BtsAppInventory, Get-BtsAppBackup, Get-BtsAppArtifact, Compare-BtsAppBackup, Test-BtsAppBackup and Remove-BtsAppBackup over the BizTalkBackup core; -Simulator targets an embedded sample group.'
        }
    }
}
