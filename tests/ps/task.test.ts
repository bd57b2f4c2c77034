// Issue 13: Register-/Unregister-BtsAppBackupTask in real pwsh. The task's description (New-BtsTaskDefinition, pure)
// is checked field by field: the exact powershell.exe arguments, execution policy, working folder, daily trigger with
// repetition, principal, MultipleInstances IgnoreNew, the time limit. Its -Command script is run as the task would
// run it (BizTalkBackup found on PSModulePath; off Windows the simulator stands in for the group): exit 0 with an
// export and a verification in the run log, and exit 11 while another run holds the store's lock. Off Windows the
// cmdlets fail with E_SCHEDULED_TASK_UNAVAILABLE; the Windows path runs against stand-ins of the ScheduledTasks
// cmdlets (New-ScheduledTaskAction/Trigger/Principal/Settings, Register-/Get-/Unregister-ScheduledTask).
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdir, readFile, readdir, rm, symlink } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { makeTempDir, repoRoot } from '../support/cli.js';
import { PwshSession, findPwsh, psQuote, startPwshFixture, stopPwshFixture } from '../support/pwsh.js';

const pwsh = findPwsh();
let session: PwshSession;

let tmp: string;
test.before(async () => ({ session, tmp } = await startPwshFixture('task', { needsCore: true })));
test.after.always(() => stopPwshFixture(session, tmp));

interface Definition {
  TaskName: string;
  TaskPath: string;
  Store: string;
  Script: string;
  Description: string;
  Action: { Execute: string; Arguments: string; WorkingDirectory: string };
  Trigger: { Kind: string; At: string; DaysInterval: number; RepetitionInterval: string | null; RepetitionDuration: string | null };
  Principal: { UserId: string; LogonType: string; RunLevel: string; PasswordFromCredential: boolean };
  Settings: { MultipleInstances: string; ExecutionTimeLimit: string; StartWhenAvailable: boolean; AllowStartIfOnBatteries: boolean; DontStopIfGoingOnBatteries: boolean };
}

/** The definition as JSON, TimeSpans as their invariant strings. */
function definitionOf(args: string): string {
  return `& (Get-Module BizTalkBackup) { $d = New-BtsTaskDefinition ${args}
    foreach ($part in $d.Trigger, $d.Settings) { foreach ($p in @($part.PSObject.Properties)) { if ($p.Value -is [TimeSpan]) { $p.Value = $p.Value.ToString('c') } } }
    $d }`;
}

/** Runs a -Command script as the task does, with PowerShell finding BizTalkBackup on PSModulePath. */
function runAsTask(script: string, modules: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(pwsh!, ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', script], {
      env: { ...process.env, PSModulePath: modules, POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

test.serial('the task description: exact arguments, trigger, principal and settings; its script run as the task runs it exits 0, and 11 while the store is locked', async (t) => {
  const dir = await makeTempDir('ps-task');
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const store = path.join(dir, "it's a store");

  const [full] = await session.json<Definition[]>(definitionOf(`-Path ${psQuote(store)} -At '2:00' -Every '15m' -UserName 'CONTOSO\\svc-btsbackup' -Name 'Contoso*','Zahlung*' -ExcludeName 'Drill.*' -ReadDataSubset '1/7'`));
  const quoted = `'${store.replace(/'/g, "''")}'`;
  const script = [
    "$ProgressPreference = 'SilentlyContinue'",
    'Import-Module BizTalkBackup -ErrorAction Stop',
    '$problems = @()',
    `$sets = @(Export-BtsAppBackup -LiteralPath ${quoted} -Name 'Contoso*','Zahlung*' -ExcludeName 'Drill.*' -EventLog -Confirm:$false -ErrorVariable +problems | Where-Object { $_.PSObject.TypeNames -contains 'BizTalkBackup.BackupSet' })`,
    "if ($sets.Count -gt 0) { $null = $sets[-1] | Test-BtsAppBackup -ReadDataSubset '1/7' -EventLog -ErrorVariable +problems }",
    'if ($problems.Count -eq 0) { exit 0 }',
    "if (@($problems | Where-Object { $_.FullyQualifiedErrorId -notlike 'BizTalkBackup.E_LOCK_HELD*' }).Count -eq 0) { exit 11 }",
    'exit 1',
  ].join('; ');
  t.is(full?.Script, script);
  t.deepEqual(full?.Action, {
    Execute: '%SystemRoot%\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    Arguments: `-NoLogo -NoProfile -NonInteractive -ExecutionPolicy RemoteSigned -Command "${script}"`,
    WorkingDirectory: '%SystemRoot%\\System32\\WindowsPowerShell\\v1.0',
  });
  t.false(script.includes('"'), 'no double quote inside: the Task Scheduler passes -Command "..." as one argument');
  t.like(full, { TaskName: 'BizTalkBackup', TaskPath: '\\BizTalkBackup\\', Store: store });
  t.deepEqual(full?.Trigger, { Kind: 'Daily', At: '02:00', DaysInterval: 1, RepetitionInterval: '00:15:00', RepetitionDuration: '1.00:00:00' });
  t.deepEqual(full?.Principal, { UserId: 'CONTOSO\\svc-btsbackup', LogonType: 'Password', RunLevel: 'Highest', PasswordFromCredential: true });
  t.deepEqual(full?.Settings, { MultipleInstances: 'IgnoreNew', ExecutionTimeLimit: '04:00:00', StartWhenAvailable: true, AllowStartIfOnBatteries: true, DontStopIfGoingOnBatteries: true });

  const [plain] = await session.json<Definition[]>(definitionOf(`-Path 'D:\\Backups' -At '23:30' -TaskPath 'Ops' -ExecutionTimeLimit (New-TimeSpan -Minutes 90)`));
  t.like(plain?.Trigger, { At: '23:30', RepetitionInterval: null, RepetitionDuration: null });
  t.deepEqual(plain?.Principal, { UserId: 'SYSTEM', LogonType: 'ServiceAccount', RunLevel: 'Highest', PasswordFromCredential: false });
  t.is(plain?.TaskPath, '\\Ops\\');
  t.is(plain?.Settings.ExecutionTimeLimit, '01:30:00');
  const [gmsa] = await session.json<Definition[]>(definitionOf(`-Path 'D:\\Backups' -At '02:00' -Every '2h' -GroupManagedServiceAccount 'CONTOSO\\gmsa-bts$'`));
  t.deepEqual(gmsa?.Principal, { UserId: 'CONTOSO\\gmsa-bts$', LogonType: 'Password', RunLevel: 'Highest', PasswordFromCredential: false });
  t.is(gmsa?.Trigger.RepetitionInterval, '02:00:00');

  // The script, run as the task runs it: BizTalkBackup from PSModulePath (a folder named after the module).
  const modules = path.join(dir, 'modules');
  await mkdir(modules);
  await symlink(repoRoot, path.join(modules, 'BizTalkBackup'), 'dir');
  await mkdir(path.dirname(store), { recursive: true });
  const first = await runAsTask(script, modules);
  t.is(first.code, 0, `${first.stdout}\n${first.stderr}`);
  const logs = path.join(store, 'logs');
  const records = (await Promise.all((await readdir(logs)).map((f) => readFile(path.join(logs, f), 'utf8')))).join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  t.deepEqual(records.map((r) => [r['operation'], r['result']]), [['export', 'ok'], ['verify', 'ok']]);
  t.is(records[1]!['setId'], records[0]!['setId'], 'the set the export named is the one verified');

  // Another run holds the store's lock (a manual run overlapping the task's): the task's run exits 11.
  const holder = spawn(process.execPath, [path.join(repoRoot, 'dist', 'tests', 'adapters', 'store', 'lock-holder-process.js'), store, '20991231T000000Z-aaaaaa'], {
    env: { ...process.env, LOCK_HOLDER_HOST: 'host-b', LOCK_HOLDER_HEARTBEAT_MS: '200' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  t.teardown(() => holder.kill('SIGKILL'));
  await createInterface({ input: holder.stdout })[Symbol.asyncIterator]().next();
  const locked = await runAsTask(script, modules);
  t.is(locked.code, 11, `${locked.stdout}\n${locked.stderr}`);
});

test.serial('off Windows: E_SCHEDULED_TASK_UNAVAILABLE; bad -At/-Every/-Credential with -GroupManagedServiceAccount: E_USAGE; on Windows (stand-ins) -WhatIf registers nothing and the password reaches Register-ScheduledTask only', async (t) => {
  const offWindows = await session.capture("Register-BtsAppBackupTask -Path '/srv/backups' -At 02:00 -Every 15m");
  t.regex(offWindows.Terminating?.Id ?? '', /^BizTalkBackup\.E_SCHEDULED_TASK_UNAVAILABLE,Register-BtsAppBackupTask$/);
  t.regex(offWindows.Terminating?.Hint ?? '', /cron|systemd/);
  const whatIfOff = await session.capture("Register-BtsAppBackupTask -Path '/srv/backups' -At 02:00 -WhatIf");
  t.regex(whatIfOff.Terminating?.Id ?? '', /^BizTalkBackup\.E_SCHEDULED_TASK_UNAVAILABLE/);
  const unregisterOff = await session.capture('Unregister-BtsAppBackupTask');
  t.regex(unregisterOff.Terminating?.Id ?? '', /^BizTalkBackup\.E_SCHEDULED_TASK_UNAVAILABLE,Unregister-BtsAppBackupTask$/);
  for (const bad of ["-At '25:00'", "-At 02:00 -Every '30s'", "-At 02:00 -Every '1d'", "-At 02:00 -Credential (New-Object pscredential 'a', (New-Object securestring)) -GroupManagedServiceAccount 'C\\g$'"]) {
    const r = await session.capture(`Register-BtsAppBackupTask -Path '/srv/backups' ${bad}`);
    t.regex(r.Terminating?.Id ?? '', /^BizTalkBackup\.E_USAGE,Register-BtsAppBackupTask$/, bad);
  }

  // The Windows path, against stand-ins that record each call.
  const canary = 'CANARY-task-Pa55w0rd';
  const standIns = `
$global:__Calls = New-Object System.Collections.ArrayList
& (Get-Module BizTalkBackup) { function script:Test-BtsTaskScheduler { $true } }
function global:New-ScheduledTaskAction { param($Execute, $Argument, $WorkingDirectory) [void]$global:__Calls.Add("Action|$Execute|$WorkingDirectory"); [pscustomobject]@{ Execute = $Execute } }
function global:New-ScheduledTaskTrigger { param([switch]$Daily, [switch]$Once, $At, $DaysInterval, $RepetitionInterval, $RepetitionDuration) [void]$global:__Calls.Add(('Trigger|{0}|{1}|{2}|{3}' -f $(if ($Daily) { 'Daily' } else { 'Once' }), $At.ToString('HH:mm'), $RepetitionInterval, $RepetitionDuration)); [pscustomobject]@{ Repetition = [pscustomobject]@{ Interval = $RepetitionInterval } } }
function global:New-ScheduledTaskPrincipal { param($UserId, $LogonType, $RunLevel) [void]$global:__Calls.Add("Principal|$UserId|$LogonType|$RunLevel"); [pscustomobject]@{ UserId = $UserId } }
function global:New-ScheduledTaskSettingsSet { param($MultipleInstances, $ExecutionTimeLimit, [switch]$StartWhenAvailable, [switch]$AllowStartIfOnBatteries, [switch]$DontStopIfGoingOnBatteries) [void]$global:__Calls.Add("Settings|$MultipleInstances|$ExecutionTimeLimit|$StartWhenAvailable") ; [pscustomobject]@{} }
function global:Register-ScheduledTask { param($TaskName, $TaskPath, $Action, $Trigger, $Settings, $Principal, $User, $Password, $RunLevel, $Description, [switch]$Force) [void]$global:__Calls.Add(('Register|{0}{1}|user={2}|password={3}|principal={4}|repeat={5}|force={6}' -f $TaskPath, $TaskName, $User, ($Password -eq '${canary}'), $Principal.UserId, $Trigger.Repetition.Interval, $Force)) }
function global:Get-ScheduledTask { param($TaskName, $TaskPath) if ($TaskName -eq 'BizTalkBackup') { [pscustomobject]@{ TaskName = $TaskName } } }
function global:Unregister-ScheduledTask { param($TaskName, $TaskPath, [switch]$Confirm) [void]$global:__Calls.Add("Unregister|$TaskPath$TaskName") }
`;
  const calls = "[pscustomobject]@{ PSTypeName = 'Test.Calls'; Calls = @($global:__Calls) }";
  const callsOf = (output: { TypeNames: string[]; Properties: Record<string, unknown> }[]): string[] => (output.find((o) => o.TypeNames[0] === 'Test.Calls')?.Properties['Calls'] as string[] | undefined) ?? [];
  const credential = `(New-Object pscredential 'CONTOSO\\svc-btsbackup', (ConvertTo-SecureString '${canary}' -AsPlainText -Force))`;

  const whatIf = await session.capture(`Register-BtsAppBackupTask -Path '/srv/backups' -At 02:00 -Every 15m -Credential ${credential} -WhatIf; ${calls}`, standIns);
  t.is(whatIf.Terminating, null);
  t.false(callsOf(whatIf.Output).some((c) => c.startsWith('Register|')), '-WhatIf registers nothing');

  const registered = await session.capture(`Register-BtsAppBackupTask -Path '/srv/backups' -At 02:00 -Every 15m -Credential ${credential} -Force; ${calls}`, standIns);
  t.is(registered.Terminating, null, JSON.stringify(registered.Terminating));
  const made = callsOf(registered.Output);
  t.true(made.includes('Action|%SystemRoot%\\System32\\WindowsPowerShell\\v1.0\\powershell.exe|%SystemRoot%\\System32\\WindowsPowerShell\\v1.0'), made.join('\n'));
  t.true(made.includes('Trigger|Daily|02:00||'));
  t.true(made.includes('Trigger|Once|02:00|00:15:00|1.00:00:00'));
  t.true(made.includes('Settings|IgnoreNew|04:00:00|True'));
  t.true(made.includes('Register|\\BizTalkBackup\\BizTalkBackup|user=CONTOSO\\svc-btsbackup|password=True|principal=|repeat=00:15:00|force=True'), made.join('\n'));
  t.true(registered.Output.some((o) => o.TypeNames[0] === 'BizTalkBackup.ScheduledTaskDefinition'));
  t.false(JSON.stringify(registered).includes(canary), 'the password is in no output, warning or verbose line');

  const system = await session.capture(`Register-BtsAppBackupTask -Path '/srv/backups' -At 02:00 -Confirm:$false; ${calls}`, standIns);
  t.true(callsOf(system.Output).includes('Principal|SYSTEM|ServiceAccount|Highest'));
  t.true(callsOf(system.Output).some((c) => c.startsWith('Register|\\BizTalkBackup\\BizTalkBackup|user=|password=False|principal=SYSTEM|')));

  const missing = await session.capture(`Unregister-BtsAppBackupTask -TaskName 'Nope'; ${calls}`, standIns);
  t.regex(missing.Errors[0]?.Id ?? '', /^BizTalkBackup\.E_TASK_NOT_FOUND,Unregister-BtsAppBackupTask$/);
  const unregisterWhatIf = await session.capture(`Unregister-BtsAppBackupTask -WhatIf; ${calls}`, standIns);
  t.deepEqual(callsOf(unregisterWhatIf.Output), []);
  const unregistered = await session.capture(`Unregister-BtsAppBackupTask -Confirm:$false; ${calls}`, standIns);
  t.deepEqual(callsOf(unregistered.Output), ['Unregister|\\BizTalkBackup\\BizTalkBackup']);
});
