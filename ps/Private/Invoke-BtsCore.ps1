function Invoke-BtsCore {
    <#
    .SYNOPSIS
    The one bridge to the node core: runs one core command and maps its NDJSON output to PowerShell.
    .DESCRIPTION
    Writes the request as a JSON file (UTF-8, no BOM), calls node with an argument array through the call
    operator, and reads the NDJSON lines as they arrive:
    result -> typed objects (PSTypeName BizTalkBackup.<kind>, PascalCase properties) written at once;
    progress -> Write-Progress (every activity completed at the end);
    log -> Write-Verbose (verbose, info) or Write-Warning (warning);
    error -> ErrorRecord 'BizTalkBackup.<code>' with category, target and hint, written through the calling
    cmdlet (non-terminating) or, with -EnableException, thrown once the run is over;
    summary -> remembered; node exiting without one is the terminating error E_OUTPUT_TRUNCATED.
    -InputText goes to node's standard input (UTF-8, then closed): the way secret values reach the core, never
    through the request file, the command line or -Verbose. Without it node's standard input is left as it was.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)]
        [ValidateSet('inventory', 'export', 'list', 'show', 'compare', 'verify', 'prune', 'import', 'inspect', 'secrets')]
        [string]$Command,

        # Words after the command on node's command line (a subcommand such as the 'set' of 'secrets set'): plain
        # words only, everything else travels in the request file.
        [ValidatePattern('^[a-z][a-z-]*$')]
        [string[]]$Argument = @(),

        [hashtable]$Request = @{},

        # The public cmdlet's $PSCmdlet: errors are written and thrown in its name.
        [Parameter(Mandatory = $true)]
        [System.Management.Automation.PSCmdlet]$Caller,

        [switch]$EnableException,

        # Properties added to every result object that does not already have them (e.g. the store path).
        [hashtable]$AddProperty = @{},

        # Environment variables for the node process only (a secret's passphrase, never written to disk);
        # the previous values are put back when node is done.
        [hashtable]$Environment = @{},

        # Text written to node's standard input, then closed (secret values: never on disk, never in argv).
        [string]$InputText
    )

    $node = Resolve-BtsNode -Caller $Caller
    $coreScript = $script:CoreScript
    if (-not (Test-Path -LiteralPath $coreScript -PathType Leaf)) {
        $record = New-BtsErrorRecord -Code 'E_CORE_MISSING' -Category 'ResourceUnavailable' -Target $coreScript `
            -Message ("The BizTalkBackup core was not found at '{0}'." -f $coreScript) `
            -Hint 'Build the module with build.ps1 (or npm run build in a checkout), or reinstall it.'
        $Caller.ThrowTerminatingError($record)
    }

    $requestFile = Join-Path -Path ([System.IO.Path]::GetTempPath()) -ChildPath ('btsbackup-{0}.json' -f [System.Guid]::NewGuid().ToString('N'))
    $json = ConvertTo-Json -InputObject $Request -Depth 10 -Compress
    $hasInput = $PSBoundParameters.ContainsKey('InputText')
    $commandLine = @($Command) + @($Argument) -join ' '
    $inputNote = ''
    if ($hasInput) { $inputNote = ' (values on standard input)' }
    Write-Verbose ("node {0} {1} --request {2} --json{3}" -f $coreScript, $commandLine, (ConvertTo-BtsRedactedJson -Request $Request), $inputNote)

    $state = @{
        Summary    = $null
        Errors     = New-Object -TypeName System.Collections.ArrayList
        ProgressId = @{}
        Open       = @{}
        Tail       = New-Object -TypeName System.Collections.ArrayList
        Lines      = 0
    }
    $defaultTarget = $Command
    if ($Request.ContainsKey('store')) { $defaultTarget = $Request['store'] }
    elseif ($Request.ContainsKey('path')) { $defaultTarget = $Request['path'] }

    # Native stderr arrives as ErrorRecords through 2>&1; they must not stop the loop whatever the caller's preference.
    $ErrorActionPreference = 'Continue'
    $PSNativeCommandUseErrorActionPreference = $false
    $exitCode = $null
    $savedEnvironment = @{}
    try {
        [System.IO.File]::WriteAllText($requestFile, $json, (New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false))
        foreach ($name in $Environment.Keys) {
            $savedEnvironment[$name] = [System.Environment]::GetEnvironmentVariable($name)
            [System.Environment]::SetEnvironmentVariable($name, [string]$Environment[$name])
        }
        $handleLine = {
            $fromStderr = $_ -is [System.Management.Automation.ErrorRecord]
            if ($fromStderr) { $line = $_.Exception.Message } else { $line = [string]$_ }
            if (-not $line) { return }
            $state.Lines++
            $message = $null
            $text = $line.Trim()
            if ($text.StartsWith('{')) {
                try { $message = ConvertFrom-Json -InputObject $text } catch { $message = $null }
            }
            if ($null -eq $message -or -not $message.PSObject.Properties['type']) {
                Write-Verbose ("node: {0}" -f $line)
                if ($fromStderr) {
                    [void]$state.Tail.Add($line)
                    if ($state.Tail.Count -gt 20) { $state.Tail.RemoveAt(0) }
                }
                return
            }

            switch ([string]$message.type) {
                'result' {
                    ConvertTo-BtsResultObject -Message $message -AddProperty $AddProperty
                }
                'progress' {
                    $activity = [string]$message.activity
                    if (-not $activity) { $activity = 'BizTalkBackup ' + $Command }
                    if (-not $state.ProgressId.ContainsKey($activity)) { $state.ProgressId[$activity] = $state.ProgressId.Count + 1 }
                    $id = $state.ProgressId[$activity]
                    if ($message.PSObject.Properties['completed'] -and $message.completed) {
                        Write-Progress -Id $id -Activity $activity -Completed
                        $state.Open.Remove($activity)
                    }
                    else {
                        $status = [string]$message.status
                        if (-not $status) { $status = 'Working' }
                        $hasCount = $message.PSObject.Properties['current'] -and $message.PSObject.Properties['total'] -and $null -ne $message.total
                        if ($hasCount) { $status = '{0} ({1}/{2})' -f $status, $message.current, $message.total }
                        $progress = @{ Id = $id; Activity = $activity; Status = $status }
                        if ($message.PSObject.Properties['percent'] -and $null -ne $message.percent) {
                            $progress.PercentComplete = [int][System.Math]::Max(0, [System.Math]::Min(100, [double]$message.percent))
                        }
                        elseif ($hasCount -and [double]$message.total -gt 0) {
                            $progress.PercentComplete = [int][System.Math]::Min(100, 100 * [double]$message.current / [double]$message.total)
                        }
                        Write-Progress @progress
                        $state.Open[$activity] = $id
                    }
                }
                'log' {
                    if ([string]$message.level -eq 'warning') { Write-Warning ([string]$message.message) }
                    else { Write-Verbose ([string]$message.message) }
                }
                'error' {
                    $target = $defaultTarget
                    if ($message.PSObject.Properties['target'] -and $null -ne $message.target -and [string]$message.target -ne '') { $target = [string]$message.target }
                    $errorParams = @{
                        Code     = [string]$message.code
                        Message  = [string]$message.message
                        Category = [string]$message.category
                        Target   = $target
                    }
                    if (-not $errorParams.Code) { $errorParams.Code = 'E_INTERNAL' }
                    if ($message.PSObject.Properties['hint'] -and $message.hint) { $errorParams.Hint = [string]$message.hint }
                    if ($message.PSObject.Properties['details'] -and $null -ne $message.details) { $errorParams.Details = $message.details }
                    $record = New-BtsErrorRecord @errorParams
                    [void]$state.Errors.Add($record)
                    if (-not $EnableException) { $Caller.WriteError($record) }
                }
                'summary' {
                    $state.Summary = $message
                }
                default {
                    Write-Verbose ("node: {0}" -f $line)
                }
            }
        }
        if ($hasInput) {
            # Windows PowerShell 5.1 pipes text to native commands as ASCII by default; the core reads UTF-8.
            $OutputEncoding = New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false
            $InputText | & $node $coreScript $Command @Argument '--request' $requestFile '--json' 2>&1 | ForEach-Object -Process $handleLine
        }
        else {
            & $node $coreScript $Command @Argument '--request' $requestFile '--json' 2>&1 | ForEach-Object -Process $handleLine
        }
        $exitCode = $LASTEXITCODE
    }
    finally {
        foreach ($name in $savedEnvironment.Keys) {
            [System.Environment]::SetEnvironmentVariable($name, $savedEnvironment[$name])
        }
        foreach ($activity in @($state.Open.Keys)) {
            Write-Progress -Id $state.Open[$activity] -Activity $activity -Completed
        }
        # -WhatIf:$false: the request file is ours, and a -WhatIf run must still remove it (and not say it would).
        Remove-Item -LiteralPath $requestFile -Force -WhatIf:$false -Confirm:$false -ErrorAction SilentlyContinue
    }

    if ($null -eq $state.Summary) {
        $detail = ''
        if ($state.Tail.Count -gt 0) { $detail = ' Last output on stderr: ' + ($state.Tail -join ' | ') }
        $record = New-BtsErrorRecord -Code 'E_OUTPUT_TRUNCATED' -Category 'InvalidResult' -Target $Command `
            -Message ("The core's '{0}' command exited with code {1} after {2} line(s) without its summary line: the output was cut short or the core stopped unexpectedly.{3}" -f $commandLine, $exitCode, $state.Lines, $detail) `
            -Hint 'Run the command again with -Verbose; if it repeats, report it with that output.'
        $Caller.ThrowTerminatingError($record)
    }

    $script:LastSummary = $state.Summary
    Write-Verbose ("{0} finished with exit code {1}" -f $Command, $exitCode)

    if ($exitCode -ne 0 -and $state.Errors.Count -eq 0) {
        $code = 'E_INTERNAL'; $category = 'NotSpecified'
        switch ($exitCode) {
            2 { $code = 'E_USAGE'; $category = 'InvalidArgument' }
            3 { $code = 'E_PARTIAL'; $category = 'NotSpecified' }
            10 { $code = 'E_STORE_MISSING'; $category = 'ObjectNotFound' }
            11 { $code = 'E_LOCK_HELD'; $category = 'ResourceBusy' }
            12 { $code = 'E_VERIFY_FAILED'; $category = 'InvalidData' }
            130 { $code = 'E_INTERRUPTED'; $category = 'OperationStopped' }
        }
        $record = New-BtsErrorRecord -Code $code -Category $category -Target $defaultTarget `
            -Message ("The core's '{0}' command failed with exit code {1}." -f $Command, $exitCode)
        [void]$state.Errors.Add($record)
        if (-not $EnableException) { $Caller.WriteError($record) }
    }

    if ($EnableException -and $state.Errors.Count -gt 0) {
        $first = $state.Errors[0]
        $first.Exception.Data['Errors'] = $state.Errors.ToArray()
        $Caller.ThrowTerminatingError($first)
    }
}
