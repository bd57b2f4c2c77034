// Invoke-BtsCore, the bridge between the module and node, against a fake core that speaks the NDJSON protocol:
// typed objects, ErrorRecords, warnings, verbose, progress, exit codes, truncated output, node too old
// (RELIABILITY 20, 23, 24), the request file and -WhatIf.
import test from 'ava';
import { writeFile, chmod } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PwshSession, psFixtures, psQuote, type Captured, startPwshFixture, stopPwshFixture } from '../support/pwsh.js';

const fakeCore = path.join(psFixtures, 'fake-core.mjs');
let session: PwshSession;
let tmp: string;

test.before(async () => ({ session, tmp } = await startPwshFixture('bridge')));
test.after.always(() => stopPwshFixture(session, tmp));

const fake = (scenario: string): string =>
  `$env:FAKE_CORE_SCENARIO = ${psQuote(scenario)}; & (Get-Module BizTalkBackup) { $script:CoreScript = $args[0] } ${psQuote(fakeCore)}`;

const idOf = (id: string | undefined): string | undefined => id?.split(',')[0];
const kinds = (captured: Captured): string[] => captured.Output.map((o) => o.TypeNames[0] ?? '');

test.serial('the request reaches node as a UTF-8 JSON file without BOM, camelCase keys, absolute paths, and is deleted after the run', async (t) => {
  const store = path.join(tmp, 'relative-store');
  const r = await session.capture(
    `Set-Location -LiteralPath ${psQuote(tmp)}
     $name = "Zahlungsverkehr S$([char]0xFC)d"
     $odd = 'Odd <>:"/\\|?*&'' name.'
     $echo = Export-BtsAppBackup -Path 'relative-store' -Simulator -Name $name, 'Contoso*', $odd -ExcludeName '*Portal' -Full -Force
     $echo
     Test-Path -LiteralPath $echo.RequestFile`,
    fake('echo'),
  );
  t.deepEqual(r.Errors, []);
  t.is(r.Terminating, null);
  const echo = r.Output[0]?.Properties as Record<string, unknown>;
  t.is(r.Output[0]?.TypeNames[0], 'BizTalkBackup.Echo');
  t.is(echo['Command'], 'export');
  t.is(echo['Bom'], false);
  t.is(echo['RequestExists'], true);
  t.deepEqual(echo['Request'], {
    store,
    name: ['Zahlungsverkehr S\u00fcd', 'Contoso*', 'Odd <>:"/\\|?*&\' name.'],
    excludeName: ['*Portal'],
    full: true,
    force: true,
    simulator: true,
  });
  t.is(echo['Store'], store, 'the store path is added to every result');
  t.is(r.Output[1]?.Properties, false as unknown as Record<string, unknown>, 'the request file is gone after the run');
});

test.serial('the secrets passphrase reaches node in its environment only: not in the request file, not in verbose, not left behind', async (t) => {
  const r = await session.capture(
    `$env:BIZTALKBACKUP_SECRETS_PASSPHRASE = 'the-callers-own'
     $secret = ConvertTo-SecureString 'Canary-7f3a9' -AsPlainText -Force
     Import-BtsAppBackup -Path ${psQuote(tmp)} -SetId 'set1' -Simulator -SecretsFile ./secrets.bin -SecretsPassphrase $secret -Mode Install -AllowMissingSecrets -Force -Verbose
     $env:BIZTALKBACKUP_SECRETS_PASSPHRASE
     Remove-Item Env:BIZTALKBACKUP_SECRETS_PASSPHRASE`,
    fake('echo'),
  );
  t.deepEqual(r.Errors, []);
  const echo = r.Output[0]?.Properties as Record<string, unknown>;
  t.is(echo['Passphrase'], 'Canary-7f3a9');
  const request = echo['Request'] as Record<string, unknown>;
  t.false(JSON.stringify(request).includes('Canary-7f3a9'));
  t.is(request['mode'], 'install');
  t.is(request['set'], 'set1');
  t.is(request['allowMissingSecrets'], true);
  t.true(String(request['secretsFile']).endsWith('secrets.bin'));
  t.true(r.Verbose.length > 0);
  t.false(r.Verbose.some((line) => line.includes('Canary-7f3a9')));
  t.is(r.Output[1]?.Properties as unknown, 'the-callers-own', "the caller's environment is put back");
});

test.serial('partial failure: objects for every app, one non-terminating ErrorRecord, warnings, progress completed (RELIABILITY 20)', async (t) => {
  const r = await session.capture(`Export-BtsAppBackup -Path ${psQuote(tmp)} -Simulator -Verbose`, fake('partial'));
  t.deepEqual(kinds(r), ['BizTalkBackup.BackupApplication', 'BizTalkBackup.BackupApplication', 'BizTalkBackup.BackupApplication', 'BizTalkBackup.BackupSet']);
  t.deepEqual(r.Output.slice(0, 3).map((o) => [o.Properties['Name'], o.Properties['BackupStatus']]), [
    ['App.One', 'Exported'],
    ['App.Two', 'Failed'],
    ['App.Three', 'Exported'],
  ]);
  t.is(r.Terminating, null);
  t.is(r.Errors.length, 1, 'exit code 3 after an error line adds no second error');
  const [error] = r.Errors;
  t.is(error?.Id, 'BizTalkBackup.E_BTSTASK_FAILED,Export-BtsAppBackup');
  t.is(error?.Category, 'InvalidOperation');
  t.is(error?.Target, 'App.Two');
  t.is(error?.Command, 'Export-BtsAppBackup');
  t.is(error?.Hint, 'Read the BTSTask error lines.');
  t.true(r.Warnings.includes('App.Two was not backed up'));
  t.true(r.Verbose.includes('Exporting 3 applications'));
  const exportProgress = r.Progress.filter((p) => p.Activity === 'Export');
  t.deepEqual(exportProgress.filter((p) => p.RecordType === 'Processing').map((p) => p.Percent), [0, 33, 67]);
  t.is(exportProgress.at(-1)?.RecordType, 'Completed');
});

test.serial('-EnableException: every object still arrives, then the first error is thrown', async (t) => {
  const r = await session.capture(`Export-BtsAppBackup -Path ${psQuote(tmp)} -Simulator -EnableException`, fake('partial'));
  t.is(r.Output.length, 4);
  t.deepEqual(r.Errors, []);
  t.is(idOf(r.Terminating?.Id), 'BizTalkBackup.E_BTSTASK_FAILED');
  t.is(r.Terminating?.Category, 'InvalidOperation');
  t.is(r.Terminating?.Target, 'App.Two');
});

test.serial('more than 5 MB of results: every line and the summary arrive (RELIABILITY 24)', async (t) => {
  const r = await session.capture(
    `$apps = @(Get-BtsAppInventory -Simulator)
     [pscustomobject]@{ Count = $apps.Count; First = $apps[0].Name; Last = $apps[-1].Name; Sum = ($apps | Measure-Object -Property Index -Sum).Sum
       Bytes = ($apps | ForEach-Object { $_.Description.Length } | Measure-Object -Sum).Sum; Type = $apps[-1].PSObject.TypeNames[0] }`,
    fake('large'),
  );
  t.deepEqual(r.Errors, []);
  t.is(r.Terminating, null);
  t.deepEqual(r.Output[0]?.Properties, { Count: 6000, First: 'App.00000', Last: 'App.05999', Sum: (5999 * 6000) / 2, Bytes: 6000 * 900, Type: 'BizTalkBackup.Application' });
});

test.serial('exit 0 without a summary line is the terminating error E_OUTPUT_TRUNCATED (RELIABILITY 24)', async (t) => {
  const r = await session.capture('Get-BtsAppInventory -Simulator', fake('no-summary'));
  t.is(r.Output.length, 1, 'what arrived before is still written');
  t.is(r.Terminating?.Id, 'BizTalkBackup.E_OUTPUT_TRUNCATED,Get-BtsAppInventory');
  t.is(r.Terminating?.Category, 'InvalidResult');
  t.is(r.Terminating?.Target, 'inventory');
});

test.serial('a crashing core is E_OUTPUT_TRUNCATED naming what it wrote on stderr', async (t) => {
  const r = await session.capture('Get-BtsAppInventory -Simulator', fake('crash'));
  t.is(idOf(r.Terminating?.Id), 'BizTalkBackup.E_OUTPUT_TRUNCATED');
  t.regex(r.Terminating?.Message ?? '', /TypeError: Cannot read properties/);
  t.regex(r.Terminating?.Message ?? '', /code 1/);
});

test.serial('a failing exit code without an error line still gives an ErrorRecord for it', async (t) => {
  const r = await session.capture(`Get-BtsAppBackup -Path ${psQuote(tmp)}`, fake('exit-without-error'));
  t.is(r.Errors.length, 1);
  t.is(idOf(r.Errors[0]?.Id), 'BizTalkBackup.E_STORE_MISSING');
  t.is(r.Errors[0]?.Category, 'ObjectNotFound');
  t.is(r.Errors[0]?.Target, tmp);
});

test.serial('progress the core left open is completed at the end', async (t) => {
  const r = await session.capture(`Test-BtsAppBackup -Path ${psQuote(tmp)}`, fake('unfinished-progress'));
  t.deepEqual(kinds(r), ['BizTalkBackup.VerifyResult']);
  t.deepEqual(r.Progress.map((p) => [p.Activity, p.RecordType]), [
    ['Verify', 'Processing'],
    ['Verify', 'Completed'],
  ]);
});

test.serial('node is found and its version checked once per session', async (t) => {
  const r = await session.capture(
    `Get-BtsAppInventory -Simulator -Verbose | Out-Null
     Get-BtsAppInventory -Simulator -Verbose | Out-Null`,
    fake('echo'),
  );
  t.deepEqual(r.Errors, []);
  t.is(r.Verbose.filter((line) => line.startsWith('Using node ')).length, 1);
});

test.serial('node too old: fails before doing anything, ResourceUnavailable, names the version needed (RELIABILITY 23)', async (t) => {
  if (process.platform === 'win32') return t.pass('the fake node is a shell script');
  const marker = path.join(tmp, 'core-was-called');
  const oldNode = path.join(tmp, 'old-node');
  await writeFile(oldNode, `#!/bin/sh\nif [ "$1" = "--version" ]; then echo v16.20.2; exit 0; fi\ntouch ${JSON.stringify(marker)}\n`);
  await chmod(oldNode, 0o755);
  const r = await session.capture('Export-BtsAppBackup -Simulator -Path ./never', `${fake('echo')}; $env:BTSBACKUP_NODE = ${psQuote(oldNode)}`);
  t.deepEqual(r.Output, []);
  t.is(r.Terminating?.Id, 'BizTalkBackup.E_NODE_VERSION,Export-BtsAppBackup');
  t.is(r.Terminating?.Category, 'ResourceUnavailable');
  t.regex(r.Terminating?.Message ?? '', /Node\.js 20\.0\.0 or later/);
  t.regex(r.Terminating?.Message ?? '', /v16\.20\.2/);
  t.false(existsSync(marker), 'the core was never called');

  const missing = await session.capture('Get-BtsAppInventory -Simulator', `$env:BTSBACKUP_NODE = ${psQuote(path.join(tmp, 'no-such-node'))}`);
  t.is(idOf(missing.Terminating?.Id), 'BizTalkBackup.E_NODE_VERSION');
  t.is(missing.Terminating?.Category, 'ResourceUnavailable');
  t.regex(missing.Terminating?.Message ?? '', /20\.0\.0/);
});

test.serial('-WhatIf runs the core as a dry run and prints each planned step, skips only with -Verbose', async (t) => {
  const raw = await session.run(
    `Remove-Item Env:BTSBACKUP_NODE -ErrorAction SilentlyContinue
     ${fake('plan')}
     try { Import-BtsAppBackup -Path ${psQuote(tmp)} -Simulator -WhatIf } finally {
       Remove-Item Env:FAKE_CORE_SCENARIO; & (Get-Module BizTalkBackup) { $script:CoreScript = [System.IO.Path]::Combine($script:ModuleRoot, 'dist', 'src', 'cli', 'main.js') } }`,
  );
  t.regex(raw, /What if: Performing the operation "ImportApp \(new application\)" on target "App\.One"\./);
  t.regex(raw, /What if: Performing the operation "ImportApp \(overwrite\)" on target "App\.Three"\./);
  t.notRegex(raw, /App\.Two/);
  t.notRegex(raw, /E_USAGE/);
});

test.serial('Import asks for confirmation by default (ConfirmImpact High) and runs nothing unconfirmed', async (t) => {
  const r = await session.capture(`Import-BtsAppBackup -Path ${psQuote(tmp)} -Simulator`, fake('echo'));
  t.deepEqual(r.Output, [], 'the core was not called');
  t.not(r.Terminating, null, 'a host that cannot prompt refuses');
  const confirmed = await session.capture(`Import-BtsAppBackup -Path ${psQuote(tmp)} -Simulator -Confirm:$false`, fake('echo'));
  t.is(confirmed.Output.length, 1);
});

test.serial('a pipeline that stops early (Select-Object -First 1) stops node and still removes the request file', async (t) => {
  const r = await session.capture(
    `$privateTemp = Join-Path ${psQuote(tmp)} 'private-temp'
     $null = New-Item -ItemType Directory -Path $privateTemp -Force
     $saved = @{}; foreach ($name in 'TMPDIR', 'TEMP', 'TMP') { $saved[$name] = [System.Environment]::GetEnvironmentVariable($name); [System.Environment]::SetEnvironmentVariable($name, $privateTemp) }
     $env:FAKE_CORE_COUNT = '200000'
     $watch = [System.Diagnostics.Stopwatch]::StartNew()
     try { $first = Get-BtsAppInventory -Simulator | Select-Object -First 1 }
     finally { Remove-Item Env:FAKE_CORE_COUNT; foreach ($name in $saved.Keys) { [System.Environment]::SetEnvironmentVariable($name, $saved[$name]) } }
     Start-Sleep -Milliseconds 300
     [pscustomobject]@{
       First = $first.Name
       Seconds = $watch.Elapsed.TotalSeconds
       NodeLeft = @(Get-Process -Name node -ErrorAction SilentlyContinue | Where-Object { $_.CommandLine -like '*fake-core*' }).Count
       RequestFilesLeft = @(Get-ChildItem -LiteralPath $privateTemp -Filter 'btsbackup-*.json').Count
     }`,
    fake('large'),
  );
  t.is(r.Terminating, null);
  const result = r.Output[0]?.Properties as { First: string; Seconds: number; NodeLeft: number; RequestFilesLeft: number };
  t.is(result.First, 'App.00000');
  t.true(result.Seconds < 20, `stopped after ${result.Seconds}s`);
  t.is(result.NodeLeft, 0);
  t.is(result.RequestFilesLeft, 0);
});

test.serial('a core that does not stop when asked is killed once the bounded wait is over, and leaves no process behind', async (t) => {
  const r = await session.capture(
    `& (Get-Module BizTalkBackup) { $script:StopTimeoutSeconds = 1 }
     $watch = [System.Diagnostics.Stopwatch]::StartNew()
     try { $first = Get-BtsAppInventory -Simulator | Select-Object -First 1 }
     finally { & (Get-Module BizTalkBackup) { $script:StopTimeoutSeconds = 30 } }
     [pscustomobject]@{
       Pid = $first.Pid
       Seconds = $watch.Elapsed.TotalSeconds
       Alive = $null -ne (Get-Process -Id $first.Pid -ErrorAction SilentlyContinue)
     }`,
    fake('deaf'),
  );
  t.is(r.Terminating, null);
  const result = r.Output[0]?.Properties as { Pid: number; Seconds: number; Alive: boolean };
  t.true(result.Pid > 0);
  t.true(result.Seconds >= 1 && result.Seconds < 10, `stopped after ${result.Seconds}s`);
  t.false(result.Alive, 'node was killed');
});

test.serial('node gets every argument back unchanged: spaces, quotes, backslashes, empty words (the quoting Windows PowerShell 5.1 needs)', async (t) => {
  const words = ['plain', '', 'with space', 'quote"inside', 'trail\\', 'trail space\\ ', 'back\\\\"slash', '\\\\server\\share\\', 'tab\there', 'C:\\Program Files\\x\\', '"', '\\"', 'a\\\\b', 'S\u00fcd'];
  const [back] = await session.json<string[][]>(
    `$words = ConvertFrom-Json -InputObject ${psQuote(JSON.stringify(words))}
     $line = & (Get-Module BizTalkBackup) { ConvertTo-BtsArgumentString -Argument $args[0] } $words
     $start = New-Object -TypeName System.Diagnostics.ProcessStartInfo
     $start.FileName = (Get-Command -Name node -CommandType Application | Select-Object -First 1).Path
     $start.Arguments = '-e "process.stdout.write(JSON.stringify(process.argv.slice(1)))" ' + $line
     $start.UseShellExecute = $false
     $start.RedirectStandardOutput = $true
     $start.StandardOutputEncoding = New-Object -TypeName System.Text.UTF8Encoding -ArgumentList $false
     $process = [System.Diagnostics.Process]::Start($start)
     $text = $process.StandardOutput.ReadToEnd()
     $process.WaitForExit()
     ,@(ConvertFrom-Json -InputObject $text)`,
  );
  t.deepEqual(back, words);
});

test.serial('-Server, -Database, -BtsTaskPath, -BtsTaskTimeout, -Backend, -Catalog, -ExplorerOMPath and -ExplorerOmTimeout reach the core; without them and off Windows none is sent', async (t) => {
  const given = await session.capture(
    `Set-Location -LiteralPath ${psQuote(tmp)}; Get-BtsAppInventory -Server 'SQL01\\BIZTALK' -Database 'BizTalkMgmtDb' -BtsTaskPath './BTSTask.exe' -BtsTaskTimeout 60 -Backend DeploymentApi -Catalog BTSTask -ExplorerOMPath './Microsoft.BizTalk.ExplorerOM.dll' -ExplorerOmTimeout 900`,
    fake('echo'),
  );
  t.deepEqual((given.Output[0]?.Properties as Record<string, unknown>)['Request'], {
    server: 'SQL01\\BIZTALK',
    database: 'BizTalkMgmtDb',
    btstask: path.join(tmp, 'BTSTask.exe'),
    btstaskTimeout: 60,
    backend: 'deployment-api',
    catalog: 'btstask',
    explorerom: path.join(tmp, 'Microsoft.BizTalk.ExplorerOM.dll'),
    exploreromTimeout: 900,
  });
  const pinned = await session.capture('Get-BtsAppInventory -Backend BTSTask -Server SQL01', fake('echo'));
  t.like((pinned.Output[0]?.Properties as Record<string, unknown>)['Request'], { backend: 'btstask', server: 'SQL01' });
  const simulated = await session.capture('Get-BtsAppInventory -Backend Simulator', fake('echo'));
  t.deepEqual((simulated.Output[0]?.Properties as Record<string, unknown>)['Request'], { simulator: true });
  if (process.platform !== 'win32') {
    const none = await session.capture('Get-BtsAppInventory', fake('echo'));
    t.deepEqual((none.Output[0]?.Properties as Record<string, unknown>)['Request'], {});
  }
});

test.serial('Export-BtsAppBackup -RecheckDays reaches the core as recheckDays; left out, the core decides (7); out of 0-366 PowerShell refuses it', async (t) => {
  const store = path.join(tmp, 'recheck-store');
  const given = await session.capture(`Export-BtsAppBackup -Simulator -Path ${psQuote(store)} -RecheckDays 3 -Force`, fake('echo'));
  t.like((given.Output[0]?.Properties as Record<string, unknown>)['Request'], { recheckDays: 3 });
  const never = await session.capture(`Export-BtsAppBackup -Simulator -Path ${psQuote(store)} -RecheckDays 0 -Force`, fake('echo'));
  t.like((never.Output[0]?.Properties as Record<string, unknown>)['Request'], { recheckDays: 0 });
  const left = await session.capture(`Export-BtsAppBackup -Simulator -Path ${psQuote(store)} -Force`, fake('echo'));
  t.false('recheckDays' in ((left.Output[0]?.Properties as Record<string, unknown>)['Request'] as Record<string, unknown>));
  const refused = await session.capture(`Export-BtsAppBackup -Simulator -Path ${psQuote(store)} -RecheckDays 400 -Force`, fake('echo'));
  t.is(refused.Output.length, 0);
  t.truthy(refused.Terminating ?? refused.Errors[0]);
});

test.serial('Get-ChildItem | Get-BtsAppArtifact sends one inspect request per file, with its full path', async (t) => {
  await writeFile(path.join(tmp, 'a.msi'), 'x');
  await writeFile(path.join(tmp, 'b.dll'), 'x');
  const r = await session.capture(`Get-ChildItem -LiteralPath ${psQuote(tmp)} -File | Where-Object Extension -In '.msi', '.dll' | Sort-Object Name | Get-BtsAppArtifact`, fake('echo'));
  t.deepEqual(r.Errors, []);
  t.deepEqual(
    r.Output.map((o) => [o.Properties['Command'], (o.Properties['Request'] as Record<string, unknown>)['path']]),
    [
      ['inspect', path.join(tmp, 'a.msi')],
      ['inspect', path.join(tmp, 'b.dll')],
    ],
  );
});
