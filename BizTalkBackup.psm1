# BizTalkBackup: the PowerShell face of the BizTalkBackup core (node). The cmdlets in ps/Public call the core through
# Invoke-BtsCore (ps/Private), the one bridge. The module root holds dist/ (compiled core) and node_modules/ both in a
# checkout and in the folder build.ps1 assembles.

$script:ModuleRoot = $PSScriptRoot
$script:CoreScript = [System.IO.Path]::Combine($PSScriptRoot, 'dist', 'src', 'cli', 'main.js')
$script:NodeInfo = $null
$script:GroupDefault = $null
$script:LastSummary = $null
# The last run's record as the core gave it (eventId, entryType, outcome, text): Write-BtsEventLog, the DSC resource.
$script:LastRunRecord = $null
# A stand-in for System.Diagnostics.EventLog, set by tests only (see Write-BtsEventLog).
$script:EventLogApi = $null
# Seconds a stopped run is given to release the store lock and clean up before node is killed.
$script:StopTimeoutSeconds = 30

foreach ($folder in 'Private', 'Public') {
    $folderPath = [System.IO.Path]::Combine($PSScriptRoot, 'ps', $folder)
    foreach ($file in @(Get-ChildItem -LiteralPath $folderPath -Filter '*.ps1' -File | Sort-Object -Property Name)) {
        . $file.FullName
    }
}

Register-BtsArgumentCompleter

$publicFolder = [System.IO.Path]::Combine($PSScriptRoot, 'ps', 'Public')
Export-ModuleMember -Function @(Get-ChildItem -LiteralPath $publicFolder -Filter '*.ps1' -File | ForEach-Object { $_.BaseName })
