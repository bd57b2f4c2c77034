function Get-BtsGroupDefault {
    <#
    .SYNOPSIS
    The BizTalk group's management database (server and database) from this machine's settings, read once per session.
    .DESCRIPTION
    On Windows: the registry value MgmtDBServer/MgmtDBName under HKLM\SOFTWARE\Microsoft\BizTalk Server\3.0\Administration
    (64-bit then 32-bit view), else WMI MSBTS_GroupSetting (MgmtDbServerName, MgmtDbName). Elsewhere, or when BizTalk is
    not installed, both are empty and the core decides.
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param()

    if ($null -ne $script:GroupDefault) { return $script:GroupDefault }
    $result = @{ Server = $null; Database = $null }
    if ([System.Environment]::OSVersion.Platform -eq [System.PlatformID]::Win32NT) {
        foreach ($key in 'HKLM:\SOFTWARE\Microsoft\BizTalk Server\3.0\Administration', 'HKLM:\SOFTWARE\WOW6432Node\Microsoft\BizTalk Server\3.0\Administration') {
            if ($result.Server) { break }
            $values = Get-ItemProperty -LiteralPath $key -ErrorAction SilentlyContinue
            if ($values -and $values.PSObject.Properties['MgmtDBServer']) {
                $result.Server = [string]$values.MgmtDBServer
                if ($values.PSObject.Properties['MgmtDBName']) { $result.Database = [string]$values.MgmtDBName }
                Write-Verbose ("BizTalk group from the registry ({0}): {1}/{2}" -f $key, $result.Server, $result.Database)
            }
        }
        if (-not $result.Server) {
            try {
                $setting = Get-CimInstance -Namespace 'root/MicrosoftBizTalkServer' -ClassName 'MSBTS_GroupSetting' -ErrorAction Stop | Select-Object -First 1
                if ($setting) {
                    $result.Server = [string]$setting.MgmtDbServerName
                    $result.Database = [string]$setting.MgmtDbName
                    Write-Verbose ("BizTalk group from WMI MSBTS_GroupSetting: {0}/{1}" -f $result.Server, $result.Database)
                }
            }
            catch {
                Write-Verbose ("No BizTalk group settings in WMI: {0}" -f $_.Exception.Message)
            }
        }
    }
    $script:GroupDefault = $result
    $result
}
