// Stopping a cmdlet stops the run gracefully (issue 17): Select-Object -First 1 downstream, Stop-Job, and a Ctrl-C
// (PowerShell.Stop(), what the console does on Ctrl-C) against a slow simulated group. Each time: the store lock is
// released, nothing is committed, no btsbackup-export-* staging is left, no node process is left, and the next export
// runs at once.
import test, { type ExecutionContext } from 'ava';
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { PwshSession, manifestPath, psQuote, startPwshFixture, stopPwshFixture } from '../support/pwsh.js';

let session: PwshSession;
let tmp: string;

test.before(async () => ({ session, tmp } = await startPwshFixture('stop')));
test.after.always(() => stopPwshFixture(session, tmp));

interface Scenario {
  store: string;
  temp: string;
}

async function scenario(name: string): Promise<Scenario> {
  const store = path.join(tmp, name, 'store');
  const temp = path.join(tmp, name, 'temp');
  await mkdir(temp, { recursive: true });
  return { store, temp };
}

/**
 * PowerShell that runs `body` with a private temp folder (the core's staging and the bridge's request file go there,
 * so leftovers and node processes of this run can be found) and a simulated group whose every ExportApp takes 400 ms.
 */
function slowGroup(s: Scenario, body: string): string {
  return `$names = 'TMPDIR', 'TEMP', 'TMP', 'BIZTALKBACKUP_SIM_FAULTS'
    $saved = @{}; foreach ($name in $names) { $saved[$name] = [System.Environment]::GetEnvironmentVariable($name) }
    foreach ($name in 'TMPDIR', 'TEMP', 'TMP') { [System.Environment]::SetEnvironmentVariable($name, ${psQuote(s.temp)}) }
    [System.Environment]::SetEnvironmentVariable('BIZTALKBACKUP_SIM_FAULTS', '[{"command":"ExportApp","latencyMs":400}]')
    try {
      ${body}
    }
    finally { foreach ($name in $names) { [System.Environment]::SetEnvironmentVariable($name, $saved[$name]) } }`;
}

/** Waits (in PowerShell) until the export holds the lock and has stored at least one object. */
function waitForExport(s: Scenario): string {
  return `$lock = Join-Path ${psQuote(s.store)} 'locks/store.lock'
    $objects = Join-Path ${psQuote(s.store)} 'objects'
    $deadline = (Get-Date).AddSeconds(60)
    while (-not ((Test-Path -LiteralPath $lock) -and (Test-Path -LiteralPath $objects) -and @(Get-ChildItem -LiteralPath $objects -Recurse -File).Count -gt 0)) {
      if ((Get-Date) -gt $deadline) { throw 'the export never got going' }
      Start-Sleep -Milliseconds 100
    }`;
}

interface Leftovers {
  Sets: number;
  Lock: boolean;
  Staging: number;
  Node: number;
  LockWasHeld: boolean;
}

/** What is left once the stop returned: sets, the lock, staging folders, node processes started for this scenario. */
function leftovers(s: Scenario): string {
  return `[pscustomobject]@{
      Sets = @(Get-ChildItem -LiteralPath (Join-Path ${psQuote(s.store)} 'sets') -Filter '*.json' -ErrorAction SilentlyContinue).Count
      Lock = Test-Path -LiteralPath (Join-Path ${psQuote(s.store)} 'locks/store.lock')
      Staging = @(Get-ChildItem -LiteralPath ${psQuote(s.temp)} -Filter 'btsbackup-export-*').Count
      Node = @(Get-Process -Name node -ErrorAction SilentlyContinue | Where-Object { $_.CommandLine -like ('*' + ${psQuote(s.temp)} + '*') }).Count
      LockWasHeld = $lockWasHeld
    }`;
}

async function assertStoppedCleanly(t: ExecutionContext, s: Scenario, left: Leftovers | undefined): Promise<void> {
  t.truthy(left);
  t.true(left?.LockWasHeld, 'the run was stopped while it held the lock');
  t.is(left?.Sets, 0, 'nothing committed');
  t.false(left?.Lock, 'the store lock is released');
  t.is(left?.Staging, 0, 'no staging folder left');
  t.is(left?.Node, 0, 'no node process left');
  // The next run is not held up by a lock and reuses what the stopped one stored.
  const again = await session.capture(`Export-BtsAppBackup -Path ${psQuote(s.store)} -Simulator -Force`);
  t.deepEqual(again.Errors, []);
  t.is(again.Terminating, null);
  t.true(existsSync(path.join(s.store, 'sets')));
  t.is((await readdir(path.join(s.store, 'sets'))).filter((n) => n.endsWith('.json')).length, 1);
}

test.serial('Select-Object -First 1 downstream stops the export gracefully: lock released, nothing committed, no staging, no node left', async (t) => {
  const s = await scenario('first');
  const [left] = await session.json<Leftovers[]>(
    slowGroup(
      s,
      `$first = Export-BtsAppBackup -Path ${psQuote(s.store)} -Simulator | Select-Object -First 1
       $lockWasHeld = $null -ne $first -and (Test-Path -LiteralPath (Join-Path ${psQuote(s.store)} 'objects'))
       ${leftovers(s)}`,
    ),
  );
  await assertStoppedCleanly(t, s, left);
});

test.serial('Stop-Job on a job running Export-BtsAppBackup stops it gracefully: lock released, nothing committed, no staging, no node left', async (t) => {
  const s = await scenario('job');
  const [left] = await session.json<Leftovers[]>(
    slowGroup(
      s,
      `$job = Start-Job -ScriptBlock {
         param($manifest, $store)
         Import-Module $manifest
         Export-BtsAppBackup -Path $store -Simulator
       } -ArgumentList ${psQuote(manifestPath)}, ${psQuote(s.store)}
       try {
         ${waitForExport(s)}
         $lockWasHeld = $true
         Stop-Job -Job $job
         # Stop-Job returns once the job's pipeline stopped; the bridge's finally has by then asked node to stop and waited.
         $null = Wait-Job -Job $job -Timeout 60
       }
       finally { Remove-Job -Job $job -Force }
       ${leftovers(s)}`,
    ),
  );
  await assertStoppedCleanly(t, s, left);
});

test.serial('Ctrl-C (PowerShell.Stop(), what the console does) stops the export gracefully: lock released, nothing committed, no staging, no node left', async (t) => {
  const s = await scenario('stop');
  const [left] = await session.json<Leftovers[]>(
    slowGroup(
      s,
      `$ps = [System.Management.Automation.PowerShell]::Create()
       try {
         $null = $ps.AddScript('param($manifest, $store) Import-Module $manifest; Export-BtsAppBackup -Path $store -Simulator').AddArgument(${psQuote(manifestPath)}).AddArgument(${psQuote(s.store)})
         $async = $ps.BeginInvoke()
         ${waitForExport(s)}
         $lockWasHeld = $true
         $ps.Stop()
         $state = $ps.InvocationStateInfo.State
       }
       finally { $ps.Dispose() }
       if ($state -ne 'Stopped') { throw "the pipeline is $state, not Stopped" }
       ${leftovers(s)}`,
    ),
  );
  await assertStoppedCleanly(t, s, left);
});
