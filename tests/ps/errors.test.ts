// Errors behave as PowerShell users rely on (issue 17): the caller's effective error preference decides, as for any
// cmdlet (global $ErrorActionPreference, -ErrorAction, $PSDefaultParameterValues); a non-interactive session gets a
// clear E_CONFIRMATION_REQUIRED instead of a MethodInvocationException; per-application errors of a partial restore.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createSampleGroupState } from '../../src/adapters/simulator/sample-group.js';
import { PwshSession, findPwsh, manifestPath, psQuote, startPwshFixture, stopPwshFixture } from '../support/pwsh.js';

const pwsh = findPwsh();
let session: PwshSession;
let tmp: string;

test.before(async () => ({ session, tmp } = await startPwshFixture('errors')));
test.after.always(() => stopPwshFixture(session, tmp));

interface Outcome {
  Caught: string | null;
  After: boolean;
  Succeeded: boolean;
  LastError: string | null;
}

/** Runs `call` (a cmdlet that fails with E_STORE_MISSING) under `setup`, as a scheduled script's try/catch would. */
async function underPreference(setup: string, call: string): Promise<{ outcome: Outcome; errors: number }> {
  const r = await session.capture(
    `$Error.Clear()
     ${setup}
     $caught = $null; $after = $false; $succeeded = $true
     try {
       ${call}
       $succeeded = $?
       $after = $true
     }
     catch { $caught = [string]$_.FullyQualifiedErrorId }
     finally { $global:ErrorActionPreference = 'Continue'; $global:PSDefaultParameterValues.Clear() }
     $last = $null; if ($Error.Count -gt 0) { $last = [string]$Error[0].FullyQualifiedErrorId }
     [pscustomobject]@{ Caught = $caught; After = $after; Succeeded = $succeeded; LastError = $last }`,
  );
  return { outcome: r.Output[0]?.Properties as unknown as Outcome, errors: r.Errors.length };
}

const missing = (): string => psQuote(path.join(tmp, 'no-store-here'));
const storeMissing = 'BizTalkBackup.E_STORE_MISSING,Get-BtsAppBackup';

test.serial("a global $ErrorActionPreference = 'Stop' makes the cmdlet's error terminating: try/catch catches it", async (t) => {
  const { outcome } = await underPreference(`$global:ErrorActionPreference = 'Stop'`, `Get-BtsAppBackup -Path ${missing()}`);
  t.is(outcome.Caught, storeMissing);
  t.false(outcome.After);
});

test.serial('-ErrorAction Stop makes it terminating under a global Continue', async (t) => {
  const { outcome } = await underPreference(`$global:ErrorActionPreference = 'Continue'`, `Get-BtsAppBackup -Path ${missing()} -ErrorAction Stop`);
  t.is(outcome.Caught, storeMissing);
});

test.serial("$PSDefaultParameterValues['Get-BtsAppBackup:ErrorAction'] = 'Stop' makes it terminating", async (t) => {
  const { outcome } = await underPreference(`$global:PSDefaultParameterValues['Get-BtsAppBackup:ErrorAction'] = 'Stop'`, `Get-BtsAppBackup -Path ${missing()}`);
  t.is(outcome.Caught, storeMissing);
});

test.serial("a global 'SilentlyContinue' keeps the error out of the error stream, in $Error, and $? is False", async (t) => {
  const { outcome, errors } = await underPreference(`$global:ErrorActionPreference = 'SilentlyContinue'`, `Get-BtsAppBackup -Path ${missing()}`);
  t.is(outcome.Caught, null);
  t.true(outcome.After);
  t.false(outcome.Succeeded);
  t.is(outcome.LastError, storeMissing);
  t.is(errors, 0);
});

test.serial("-ErrorAction SilentlyContinue under a global 'Stop' does not throw", async (t) => {
  const { outcome, errors } = await underPreference(`$global:ErrorActionPreference = 'Stop'`, `Get-BtsAppBackup -Path ${missing()} -ErrorAction SilentlyContinue`);
  t.is(outcome.Caught, null);
  t.true(outcome.After);
  t.false(outcome.Succeeded);
  t.is(errors, 0);
});

test.serial("the default 'Continue': a non-terminating ErrorRecord, the script goes on, $? is False", async (t) => {
  const { outcome, errors } = await underPreference(`$global:ErrorActionPreference = 'Continue'`, `Get-BtsAppBackup -Path ${missing()}`);
  t.is(outcome.Caught, null);
  t.true(outcome.After);
  t.false(outcome.Succeeded);
  t.is(errors, 1);
});

test.serial("global 'Stop' during an export: the first error stops the run, which commits nothing and releases the lock", async (t) => {
  const store = path.join(tmp, 'stop-export');
  const r = await session.capture(
    `$caught = $null; $after = $false
     $global:ErrorActionPreference = 'Stop'
     $env:BIZTALKBACKUP_SIM_FAULTS = '[{"command":"ExportApp","application":"Contoso.Billing","errors":["Access denied."]}]'
     try { Export-BtsAppBackup -Path ${psQuote(store)} -Simulator; $after = $true }
     catch { $caught = [string]$_.FullyQualifiedErrorId }
     finally { $global:ErrorActionPreference = 'Continue'; Remove-Item Env:BIZTALKBACKUP_SIM_FAULTS }
     [pscustomobject]@{
       Caught = $caught
       After = [bool]$after
       Sets = @(Get-ChildItem -LiteralPath (Join-Path ${psQuote(store)} 'sets') -Filter '*.json' -ErrorAction SilentlyContinue).Count
       Lock = Test-Path -LiteralPath (Join-Path ${psQuote(store)} 'locks/store.lock')
     }`,
  );
  const outcome = r.Output.at(-1)?.Properties as { Caught: string | null; After: boolean; Sets: number; Lock: boolean };
  t.regex(String(outcome.Caught), /^BizTalkBackup\.E_/);
  t.false(outcome.After);
  t.is(outcome.Sets, 0);
  t.false(outcome.Lock);
});

/** Runs a script file in a fresh `pwsh -NonInteractive` (as a scheduled task does) with the module imported. */
function nonInteractive(script: string): { stdout: string; stderr: string; status: number | null } {
  const file = path.join(tmp, `noninteractive-${Date.now()}.ps1`);
  writeFileSync(file, `$ErrorActionPreference = 'Continue'; Import-Module ${psQuote(manifestPath)}\n${script}\n`, 'utf8');
  const r = spawnSync(pwsh as string, ['-NoProfile', '-NonInteractive', '-File', file], { encoding: 'utf8', timeout: 90_000, env: { ...process.env, NO_COLOR: '1' } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

test.serial('-NonInteractive: Import- and Remove- without -Force are a clear E_CONFIRMATION_REQUIRED, $? False, nothing done', async (t) => {
  const store = path.join(tmp, 'noninteractive');
  const r = nonInteractive(
    `Export-BtsAppBackup -Path ${psQuote(store)} -Simulator -ErrorAction Stop 3>$null | Out-Null
     function Show-Outcome($ok) {
       $record = $Error[0]
       $hint = $null; if ($record -and $record.ErrorDetails) { $hint = $record.ErrorDetails.RecommendedAction }
       '<<' + (ConvertTo-Json -Compress -InputObject ([ordered]@{ Id = [string]$record.FullyQualifiedErrorId; Type = [string]$record.Exception.GetType().Name; Hint = $hint; Ok = $ok; Script = [string]$record.InvocationInfo.ScriptName })) + '>>'
     }
     $Error.Clear(); Remove-BtsAppBackup -Path ${psQuote(store)} -KeepLast 1; Show-Outcome $?
     $Error.Clear(); Import-BtsAppBackup -Path ${psQuote(store)} -Simulator; Show-Outcome $?
     '<<' + (ConvertTo-Json -Compress -InputObject ([ordered]@{ Sets = @(Get-ChildItem -LiteralPath (Join-Path ${psQuote(store)} 'sets') -Filter '*.json').Count })) + '>>'`,
  );
  const results = [...r.stdout.matchAll(/<<(.*?)>>/g)].map((m) => JSON.parse(m[1] ?? '{}') as { Id: string; Type: string; Hint: string | null; Ok: boolean; Script: string });
  t.is(results.length, 3, r.stdout + r.stderr);
  t.deepEqual(results.pop(), { Sets: 1 } as unknown as (typeof results)[number], 'nothing was removed');
  for (const [index, result] of results.entries()) {
    t.is(result.Id.split(',')[0], 'BizTalkBackup.E_CONFIRMATION_REQUIRED', `call ${index}`);
    t.not(result.Type, 'MethodInvocationException');
    t.regex(String(result.Hint), /-Force/);
    t.regex(String(result.Hint), /-Confirm:\$false/);
    t.false(result.Ok);
    t.false(result.Script.includes(`${path.sep}ps${path.sep}`), `the error does not point into the module: ${result.Script}`);
  }
});

test.serial('a partial restore: one ErrorRecord per failed application (own code, target, hint in module words), the next step, -EnableException and -WhatIf throw the real cause', async (t) => {
  const store = path.join(tmp, 'partial-restore');
  const target = path.join(tmp, 'partial-target.json');
  const state = createSampleGroupState();
  state.applications = state.applications.filter((a) => a.isSystem || a.isDefault);
  state.gac = [];
  writeFileSync(target, JSON.stringify(state), 'utf8');
  const exported = await session.capture(`Export-BtsAppBackup -Path ${psQuote(store)} -Simulator`);
  t.deepEqual(exported.Errors, []);

  const whatIf = await session.capture(`Import-BtsAppBackup -Path ${psQuote(store)} -SimulatorState ${psQuote(target)} -WhatIf -EnableException`);
  t.is(whatIf.Terminating?.Id.split(',')[0], 'BizTalkBackup.E_SECRET_MISSING', '-WhatIf -EnableException throws the real cause, not E_PARTIAL');

  const r = await session.capture(`Import-BtsAppBackup -Path ${psQuote(store)} -SimulatorState ${psQuote(target)} -Force`);
  t.is(r.Terminating, null);
  const failed = r.Output.filter((o) => o.Properties['Status'] === 'Failed');
  t.true(failed.length >= 2);
  t.deepEqual(r.Errors.map((e) => String(e.Target)).sort(), failed.map((o) => String(o.Properties['TargetName'])).sort(), 'one ErrorRecord per failed application');
  t.false(r.Errors.some((e) => e.Id.startsWith('BizTalkBackup.E_PARTIAL')));
  const billing = r.Errors.find((e) => e.Target === 'Contoso.Billing');
  t.is(billing?.Id, 'BizTalkBackup.E_SECRET_MISSING,Import-BtsAppBackup');
  t.regex(String(billing?.Hint), /Set-BtsAppSecret/);
  t.notRegex(String(billing?.Hint), /btsbackup|--/);
  t.is(r.Errors.find((e) => e.Target === 'Contoso.Portal')?.Id, 'BizTalkBackup.E_REFERENCE_MISSING,Import-BtsAppBackup');
  for (const row of failed) t.notDeepEqual(row.Properties['Reasons'], ['not in the target group']);
  const next = r.Warnings.find((w) => w.startsWith('Next:'));
  t.regex(String(next), /`Set-BtsAppSecret -Path .* -SetId \S+ -SecretsFile/);
  t.regex(String(next), /`Import-BtsAppBackup -Path .* -SetId \S+ -SecretsFile .*` again/);
  t.notRegex(String(next), /btsbackup /);
  t.true(r.Warnings.some((w) => w.includes('left Stopped')));

  const thrown = await session.capture(`Import-BtsAppBackup -Path ${psQuote(store)} -SimulatorState ${psQuote(target)} -Force -EnableException`);
  t.is(thrown.Terminating?.Id.split(',')[0], 'BizTalkBackup.E_SECRET_MISSING', '-EnableException throws the first real cause');
});
