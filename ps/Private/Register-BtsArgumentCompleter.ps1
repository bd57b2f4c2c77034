function Register-BtsArgumentCompleter {
    <#
    .SYNOPSIS
    Tab completion: -SetId offers the sets of the store named by -Path/-LiteralPath (newest first, then latest);
    -Name offers the applications of that set (or of the store's newest set), or of the group for the cmdlets that
    read the group (Export-BtsAppBackup, Get-BtsAppInventory).
    #>
    [CmdletBinding()]
    param()

    $storeOf = {
        param($bound)
        $typed = $null
        foreach ($key in 'LiteralPath', 'Path', 'Store') {
            if ($bound.ContainsKey($key) -and $bound[$key]) { $typed = [string]$bound[$key]; break }
        }
        if (-not $typed) { return $null }
        $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($typed)
    }
    $setIdsOf = {
        param($store)
        $sets = [System.IO.Path]::Combine($store, 'sets')
        if (-not [System.IO.Directory]::Exists($sets)) { return @() }
        @(Get-ChildItem -LiteralPath $sets -Filter '*.json' -File -ErrorAction SilentlyContinue |
            Where-Object { $_.BaseName -match '^\d{8}T\d{6}Z' } | Sort-Object -Property BaseName -Descending | ForEach-Object { $_.BaseName })
    }
    $result = {
        param([string]$text, [string]$tip)
        $completion = $text
        if ($text -match "[\s'`$;,(){}@&#|<>]") { $completion = "'" + $text.Replace("'", "''") + "'" }
        New-Object -TypeName System.Management.Automation.CompletionResult -ArgumentList $completion, $text, 'ParameterValue', $tip
    }

    $setIdCompleter = {
        param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
        $store = & $storeOf $fakeBoundParameters
        if (-not $store) { return }
        $word = ([string]$wordToComplete).Trim("'", '"')
        foreach ($id in @(& $setIdsOf $store) + 'latest') {
            if ($id -like ($word + '*')) { & $result $id ('Backup set {0}' -f $id) }
        }
    }.GetNewClosure()

    $nameCompleter = {
        param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
        $word = ([string]$wordToComplete).Trim("'", '"')
        $names = @()
        if ($commandName -eq 'Export-BtsAppBackup' -or $commandName -eq 'Get-BtsAppInventory') {
            $group = @{ ErrorAction = 'SilentlyContinue'; WarningAction = 'SilentlyContinue' }
            foreach ($key in 'Simulator', 'SimulatorState', 'Server', 'Database') {
                if ($fakeBoundParameters.ContainsKey($key)) { $group[$key] = $fakeBoundParameters[$key] }
            }
            $names = @(Get-BtsAppInventory @group 2>$null | ForEach-Object { [string]$_.Name })
        }
        else {
            $store = & $storeOf $fakeBoundParameters
            if (-not $store) { return }
            $id = $null
            if ($fakeBoundParameters.ContainsKey('SetId') -and $fakeBoundParameters['SetId'] -and [string]@($fakeBoundParameters['SetId'])[0] -ne 'latest') { $id = [string]@($fakeBoundParameters['SetId'])[0] }
            if (-not $id) { $id = @(& $setIdsOf $store) | Select-Object -First 1 }
            if (-not $id) { return }
            $manifest = [System.IO.Path]::Combine($store, 'sets', $id + '.json')
            if (-not [System.IO.File]::Exists($manifest)) { return }
            try { $names = @((Get-Content -LiteralPath $manifest -Raw -Encoding UTF8 | ConvertFrom-Json).applications | ForEach-Object { [string]$_.name }) }
            catch { return }
        }
        foreach ($name in ($names | Sort-Object -Unique)) {
            if ($name.Normalize() -like ($word.Normalize() + '*')) { & $result $name $name }
        }
    }.GetNewClosure()

    $withSetId = @('Compare-BtsAppBackup', 'Get-BtsAppBackup', 'Get-BtsAppSecret', 'Import-BtsAppBackup', 'Test-BtsAppBackup')
    Register-ArgumentCompleter -CommandName $withSetId -ParameterName 'SetId' -ScriptBlock $setIdCompleter
    Register-ArgumentCompleter -CommandName 'Compare-BtsAppBackup' -ParameterName 'DifferenceSetId' -ScriptBlock $setIdCompleter
    $withName = @('Compare-BtsAppBackup', 'Export-BtsAppBackup', 'Get-BtsAppBackup', 'Get-BtsAppInventory', 'Get-BtsAppSecret', 'Import-BtsAppBackup', 'Test-BtsAppBackup')
    Register-ArgumentCompleter -CommandName $withName -ParameterName 'Name' -ScriptBlock $nameCompleter
    Register-ArgumentCompleter -CommandName $withName -ParameterName 'ExcludeName' -ScriptBlock $nameCompleter
}
