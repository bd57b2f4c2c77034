// The pipeline and the output fit (issue 17): Export pipes to Test and Get, an export that changed nothing says so,
// -WhatIf tells each step once, times show local in tables and stay UTC on the object, decomposed Unicode names match.
// Several checks share one pwsh session per test: pwsh is slow on a loaded machine.
import test from 'ava';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { PwshSession, coreCli, findPwsh, manifestPath, psQuote, type Captured } from '../support/pwsh.js';

const pwsh = findPwsh();
let session: PwshSession;
let tmp: string;
let store: string;

const SUED_DECOMPOSED = "('Zahlungsverkehr Su' + [char]0x308 + 'd')";
const ZAHLUNGSVERKEHR = 'Zahlungsverkehr S\u00fcd';

test.before(async () => {
  if (pwsh === undefined) throw new Error('pwsh not found: run tests/setup/40-pwsh.sh (installs PowerShell 7 into .tools/pwsh)');
  if (!existsSync(coreCli)) throw new Error(`the core is not built: ${coreCli} (npm run build)`);
  session = await PwshSession.start(pwsh);
  tmp = await mkdtemp(path.join(os.tmpdir(), 'btsbackup-ps-fit-'));
  store = path.join(tmp, 'store');
});

test.after.always(async () => {
  if (session !== undefined) await session.dispose();
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
});

const ofType = (captured: Captured, kind: string): Record<string, unknown>[] =>
  captured.Output.filter((o) => o.TypeNames[0] === `BizTalkBackup.${kind}`).map((o) => o.Properties);

test.serial('Export | Test verifies the new set once (no InputObjectNotBound); an unchanged export says so in one line, Status Unchanged; Export | Get shows the set', async (t) => {
  const piped = await session.capture(`Export-BtsAppBackup -Simulator -Path ${psQuote(store)} -WarningAction SilentlyContinue | Test-BtsAppBackup`);
  t.deepEqual(piped.Errors, [], 'every object binds');
  t.is(piped.Terminating, null);
  const verified = ofType(piped, 'VerifyResult');
  t.is(verified.length, 5);
  t.is(new Set(verified.map((v) => v['SetId'])).size, 1, 'the one set, verified once');
  t.true(verified.every((v) => v['Status'] === 'Verified'));

  await new Promise((resolve) => setTimeout(resolve, 1100)); // set ids have one-second resolution
  const text = await session.run(
    `Export-BtsAppBackup -Simulator -Path ${psQuote(store)} -WarningAction SilentlyContinue | Where-Object { $_.PSObject.TypeNames[0] -eq 'BizTalkBackup.BackupSet' } | Format-List | Out-String -Width 200`,
  );
  t.is(text.match(/Nothing changed since backup set \S+ /g)?.length, 1, text);
  t.regex(text, /Status\s*:\s*Unchanged/);
  t.notRegex(text, /Committed/);

  const shown = await session.capture(`Export-BtsAppBackup -Simulator -Path ${psQuote(store)} -WarningAction SilentlyContinue | Get-BtsAppBackup`);
  t.deepEqual(shown.Errors, []);
  t.deepEqual(shown.Output.map((o) => o.TypeNames[0]), ['BizTalkBackup.BackupSet'], 'the set, once, bound by property name');
  t.is(shown.Output[0]?.Properties['SetId'], verified[0]?.['SetId']);
});

test.serial('Import-BtsAppBackup -WhatIf tells each step once', async (t) => {
  const state = path.join(tmp, 'empty-group.json');
  const init = spawnSync(process.execPath, [coreCli, 'simulator-init', '--state', state], { encoding: 'utf8' });
  t.is(init.status, 0, init.stderr);
  const group = JSON.parse(readFileSync(state, 'utf8')) as { applications: { isSystem: boolean; isDefault: boolean }[] };
  group.applications = group.applications.filter((a) => a.isSystem || a.isDefault);
  writeFileSync(state, JSON.stringify(group));
  if (!existsSync(store)) await session.run(`$null = Export-BtsAppBackup -Simulator -Path ${psQuote(store)} -WarningAction SilentlyContinue`);
  const raw = await session.run(`Import-BtsAppBackup -Path ${psQuote(store)} -SimulatorState ${psQuote(state)} -Name 'Contoso.Orders' -IncludeReferenced -WhatIf`);
  const whatIf = raw.split(/\r?\n/).filter((line) => line.startsWith('What if:'));
  t.true(whatIf.length >= 4, raw);
  t.is(new Set(whatIf).size, whatIf.length, raw);
});

test.serial("names typed in decomposed Unicode ('Su' + [char]0x308 + 'd') match Süd: inventory, export, verify", async (t) => {
  const inventory = await session.capture(`Get-BtsAppInventory -Simulator -Name ${SUED_DECOMPOSED}`);
  t.deepEqual(inventory.Errors, []);
  t.deepEqual(inventory.Output.map((o) => o.Properties['Name']), [ZAHLUNGSVERKEHR]);
  const nfcStore = path.join(tmp, 'nfc-store');
  const exported = await session.capture(`Export-BtsAppBackup -Simulator -Path ${psQuote(nfcStore)} -Name ${SUED_DECOMPOSED} -WarningAction SilentlyContinue`);
  t.deepEqual(exported.Errors, []);
  t.deepEqual(ofType(exported, 'BackupApplication').map((a) => a['Name']), [ZAHLUNGSVERKEHR]);
  const verified = await session.capture(`Test-BtsAppBackup -Path ${psQuote(nfcStore)} -Name ${SUED_DECOMPOSED}`);
  t.deepEqual(ofType(verified, 'VerifyResult').map((v) => v['Application']), [ZAHLUNGSVERKEHR]);
});

test.serial('CreatedAt: UTC on the object, local time in the table (a pwsh in UTC+05:30)', async (t) => {
  if (!existsSync(store)) await session.run(`$null = Export-BtsAppBackup -Simulator -Path ${psQuote(store)} -WarningAction SilentlyContinue`);
  const script = [
    "$ProgressPreference = 'SilentlyContinue'",
    `Import-Module ${psQuote(manifestPath)}`,
    `$set = Get-BtsAppBackup -Path ${psQuote(store)} | Select-Object -First 1`,
    "'KIND=' + $set.CreatedAt.Kind",
    "'UTC=' + $set.CreatedAt.ToString('yyyy-MM-dd HH:mm:ss')",
    "'LOCAL=' + $set.CreatedAt.ToLocalTime().ToString('yyyy-MM-dd HH:mm:ss')",
    '$set | Format-Table | Out-String -Width 200',
  ].join('\n');
  const run = spawnSync(pwsh ?? 'pwsh', ['-NoProfile', '-NonInteractive', '-Command', script], {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'Asia/Kolkata', NO_COLOR: '1', POWERSHELL_TELEMETRY_OPTOUT: '1' },
  });
  t.is(run.status, 0, run.stderr);
  const field = (name: string): string => run.stdout.match(new RegExp(`^${name}=(.*)$`, 'm'))?.[1]?.trim() ?? '';
  t.is(field('KIND'), 'Utc');
  t.not(field('UTC'), field('LOCAL'));
  t.regex(run.stdout, /Created \(local\)/);
  t.true(run.stdout.includes(field('LOCAL')), 'the table shows local time');
  t.false(run.stdout.split('\n').some((line) => !line.startsWith('UTC=') && line.includes(field('UTC'))), 'and not the UTC time');
});
