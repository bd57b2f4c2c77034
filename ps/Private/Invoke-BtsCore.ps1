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
    run -> the run's record (export, verify, prune, restore): remembered, and with -EventLog written to the Windows
    Application event log with its event id and entry type (Write-BtsEventLog; a warning when it cannot be);
    summary -> remembered; node exiting without one is the terminating error E_OUTPUT_TRUNCATED.
    node's standard input is the stop channel: when the pipeline is stopped (Ctrl-C, Select-Object -First,
    Stop-Job, a runbook's timeout), the bridge writes a stop line and closes it, the core stops as on its first
    Ctrl-C (store lock released, nothing committed, staging removed), and only if it has not exited after
    $script:StopTimeoutSeconds is it killed. -InputText goes first, as one base64 line: the way secret values reach
    the core, never through the request file, the command line or -Verbose.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true)]
        [ValidateSet('inventory', 'export', 'list', 'show', 'compare', 'verify', 'prune', 'import', 'inspect', 'secrets', 'log', 'report')]
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

        # Text written first on node's standard input (secret values: never on disk, never in argv).
        [string]$InputText,

        # Also write the run's record to the Windows Application event log (source BizTalkBackup).
        [switch]$EventLog
    )

    $node = Resolve-BtsNode -Caller $Caller -Request $Request
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
        Run        = $null
        # Lines read while the run is being stopped, handled once node has exited (the run's record among them).
        Drained    = New-Object -TypeName System.Collections.ArrayList
    }
    $script:LastRunRecord = $null
    $writeRun = {
        param($run)
        $state.Run = $run
        $script:LastRunRecord = $run
        if ($EventLog) {
            $warning = Write-BtsEventLog -Message ([string]$run.text) -EventId ([int]$run.eventId) -EntryType ([string]$run.entryType)
            if ($warning) { Write-Warning $warning }
        }
    }
    $defaultTarget = $Command
    if ($Request.ContainsKey('store')) { $defaultTarget = $Request['store'] }
    elseif ($Request.ContainsKey('path')) { $defaultTarget = $Request['path'] }

    $exitCode = $null
    $process = $null
    $reads = @($null, $null)
    $readers = @($null, $null)
    try {
        [System.IO.File]::WriteAllText($requestFile, $json, (New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false))
        $handleLine = {
            param([string]$line, [bool]$fromStderr)
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
                    $logText = [string]$message.message
                    if ($message.PSObject.Properties['psMessage'] -and $message.psMessage) { $logText = [string]$message.psMessage }
                    if ([string]$message.level -eq 'warning') { Write-Warning $logText }
                    else { Write-Verbose $logText }
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
                    # The hint in the caller's language: cmdlets and parameters rather than the CLI's commands and flags.
                    if ($message.PSObject.Properties['psHint'] -and $message.psHint) { $errorParams.Hint = [string]$message.psHint }
                    elseif ($message.PSObject.Properties['hint'] -and $message.hint) { $errorParams.Hint = [string]$message.hint }
                    if ($message.PSObject.Properties['details'] -and $null -ne $message.details) { $errorParams.Details = $message.details }
                    $record = New-BtsErrorRecord @errorParams
                    [void]$state.Errors.Add($record)
                    # Through the caller, so that its effective preference decides (-ErrorAction, $ErrorActionPreference,
                    # $PSDefaultParameterValues): under 'Stop' this throws, and the finally below stops the core cleanly.
                    if (-not $EnableException) { $Caller.WriteError($record) }
                }
                'run' {
                    & $writeRun $message
                }
                'summary' {
                    $state.Summary = $message
                }
                default {
                    Write-Verbose ("node: {0}" -f $line)
                }
            }
        }

        # node runs as a child process with all three streams redirected (not through &, which kills node outright when
        # the pipeline stops): standard input stays open as the stop channel (after the input line, when there is one),
        # so that a stop reaches the core the same way on Windows and Linux, and a dead PowerShell closes it too.
        $channel = 'stop'
        if ($hasInput) { $channel = 'input-then-stop' }
        $startInfo = New-Object -TypeName System.Diagnostics.ProcessStartInfo
        $startInfo.FileName = $node
        $startInfo.Arguments = ConvertTo-BtsArgumentString -Argument (@($coreScript, $Command) + @($Argument) + @('--request', $requestFile, '--json', '--stdin-channel', $channel))
        $startInfo.UseShellExecute = $false
        $startInfo.CreateNoWindow = $true
        $startInfo.RedirectStandardInput = $true
        $startInfo.RedirectStandardOutput = $true
        $startInfo.RedirectStandardError = $true
        $startInfo.StandardOutputEncoding = New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false
        $startInfo.StandardErrorEncoding = New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false
        # Environment variables for node only (a secret's passphrase): the caller's environment is never changed.
        foreach ($name in $Environment.Keys) {
            if ($null -eq $Environment[$name]) { [void]$startInfo.EnvironmentVariables.Remove($name) }
            else { $startInfo.EnvironmentVariables[$name] = [string]$Environment[$name] }
        }
        $process = [System.Diagnostics.Process]::Start($startInfo)
        if ($hasInput) {
            # One line of base64 (UTF-8 text): ASCII whatever the console's code page, and never in argv or a file.
            $process.StandardInput.WriteLine([System.Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes($InputText)))
            $process.StandardInput.Flush()
        }

        # Both streams are read at once (one pending line each), so that neither pipe fills and blocks node; each line
        # is handled here, in the pipeline's thread, as it arrives. The short waits let a stop of the pipeline through.
        $readers = @($process.StandardError, $process.StandardOutput)
        $reads = @($readers[0].ReadLineAsync(), $readers[1].ReadLineAsync())
        while ($null -ne $reads[0] -or $null -ne $reads[1]) {
            $ready = -1
            if ($null -ne $reads[0] -and $reads[0].IsCompleted) { $ready = 0 }
            elseif ($null -ne $reads[1] -and $reads[1].IsCompleted) { $ready = 1 }
            if ($ready -lt 0) {
                $pending = New-Object -TypeName 'System.Collections.Generic.List[System.Threading.Tasks.Task]'
                foreach ($read in $reads) { if ($null -ne $read) { $pending.Add($read) } }
                [void][System.Threading.Tasks.Task]::WaitAny($pending.ToArray(), 250)
                continue
            }
            $line = $reads[$ready].Result
            if ($null -eq $line) {
                $reads[$ready] = $null
                continue
            }
            $reads[$ready] = $readers[$ready].ReadLineAsync()
            & $handleLine $line ($ready -eq 0)
        }
        $process.WaitForExit()
        $exitCode = $process.ExitCode
    }
    finally {
        if ($null -ne $process) {
            if (-not $process.HasExited) {
                # The run was stopped from this side (Ctrl-C, Select-Object -First, Stop-Job, a runbook's timeout, an
                # error under -ErrorAction Stop): ask the core to stop as its first Ctrl-C does (it releases the store
                # lock, commits nothing, removes its staging), wait a bounded time for that, and only then kill it.
                # No cmdlet runs here (a stopping pipeline refuses them): .NET calls only.
                try {
                    $process.StandardInput.WriteLine('stop')
                    $process.StandardInput.Close()
                }
                catch { $null = $_ }
                $deadline = [System.DateTime]::UtcNow.AddSeconds([double]$script:StopTimeoutSeconds)
                while (-not $process.HasExited -and [System.DateTime]::UtcNow -lt $deadline) {
                    # Keep reading what the core writes meanwhile, so that a full pipe never holds it up.
                    for ($index = 0; $index -lt 2; $index++) {
                        try {
                            while ($null -ne $reads[$index] -and $reads[$index].IsCompleted) {
                                if ($null -eq $reads[$index].Result) { $reads[$index] = $null }
                                else {
                                    [void]$state.Drained.Add($reads[$index].Result)
                                    $reads[$index] = $readers[$index].ReadLineAsync()
                                }
                            }
                        }
                        catch { $reads[$index] = $null }
                    }
                    [void]$process.WaitForExit(100)
                }
                if (-not $process.HasExited) {
                    try {
                        # .NET Core kills the whole tree (BTSTask, msiexec); .NET Framework only node itself.
                        if ($null -ne $process.GetType().GetMethod('Kill', [type[]]@([bool]))) { $process.Kill($true) }
                        else { $process.Kill() }
                        [void]$process.WaitForExit(5000)
                    }
                    catch { $null = $_ }
                }
            }
            if ($EventLog -and $null -eq $state.Run -and $process.HasExited) {
                # Stopped by an error under -ErrorAction Stop: node has exited; what it wrote after that error (its
                # run record) is still in the pipes.
                for ($index = 0; $index -lt 2; $index++) {
                    try {
                        while ($null -ne $reads[$index] -and $reads[$index].Wait(2000)) {
                            if ($null -eq $reads[$index].Result) { $reads[$index] = $null }
                            else {
                                [void]$state.Drained.Add($reads[$index].Result)
                                $reads[$index] = $readers[$index].ReadLineAsync()
                            }
                        }
                    }
                    catch { $reads[$index] = $null }
                }
            }
            try { $process.StandardInput.Close() } catch { $null = $_ }
            $process.Dispose()
            # The record of a run stopped by an error under -ErrorAction Stop still reaches the event log. (After
            # Ctrl-C the pipeline refuses commands: the record is then in the store's run log only.)
            if ($EventLog -and $null -eq $state.Run) {
                foreach ($drainedLine in @($state.Drained)) {
                    if (-not ([string]$drainedLine).StartsWith('{"type":"run"')) { continue }
                    try { & $writeRun (ConvertFrom-Json -InputObject $drainedLine) }
                    catch { $null = $_ }
                }
            }
        }
        try { [System.IO.File]::Delete($requestFile) } catch { $null = $_ }
        try {
            foreach ($activity in @($state.Open.Keys)) {
                Write-Progress -Id $state.Open[$activity] -Activity $activity -Completed
            }
        }
        catch { $null = $_ }
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
