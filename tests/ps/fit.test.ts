// The pipeline and the output fit (issue 17): Export pipes to Test and Get, an export that changed nothing says so,
// -WhatIf tells each step once, times show local in tables and stay UTC on the object, decomposed Unicode names match.
// Several checks share one pwsh session per test: pwsh is slow on a loaded machine.
import test from 'ava';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { PwshSession, coreCli, findPwsh, manifestPath, psQuote, repoRoot, type Captured } from '../support/pwsh.js';

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

test.serial('after an interruption: Test-BtsAppBackup gives one OrphanSummary (count, size, detail behind -Verbose), Remove-BtsAppBackup one DeleteObjects row', async (t) => {
  const interrupted = path.join(tmp, 'interrupted');
  await session.run(`$null = Export-BtsAppBackup -Simulator -Path ${psQuote(interrupted)} -Name 'Contoso*' -WarningAction SilentlyContinue`);
  // A run that wrote its objects and stopped before its manifest: every object is an orphan.
  const objectsDir = path.join(interrupted, 'objects');
  const objects = readdirSync(objectsDir).flatMap((prefix) => readdirSync(path.join(objectsDir, prefix)).map((name) => path.join(objectsDir, prefix, name)));
  const bytes = objects.reduce((sum, file) => sum + statSync(file).size, 0);
  for (const set of readdirSync(path.join(interrupted, 'sets'))) rmSync(path.join(interrupted, 'sets', set), { recursive: true, force: true });
  t.true(objects.length >= 8);

  const verified = await session.capture(`Test-BtsAppBackup -Path ${psQuote(interrupted)} -Verbose`);
  t.deepEqual(verified.Errors, []);
  t.deepEqual(verified.Output.map((o) => o.TypeNames[0]), ['BizTalkBackup.OrphanSummary']);
  const summary = verified.Output[0]?.Properties ?? {};
  t.is(summary['Count'], objects.length);
  t.is(summary['Size'], bytes);
  t.is((summary['Objects'] as unknown[]).length, objects.length);
  t.is(verified.Verbose.filter((v) => v.startsWith('Orphan object ')).length, objects.length);
  const table = await session.run(`Test-BtsAppBackup -Path ${psQuote(interrupted)} | Out-String -Width 200`);
  t.regex(table, new RegExp(`OrphanObjects[\\s\\S]*\\b${objects.length}\\b`));
  t.true(table.split(/\r?\n/).filter((line) => line.trim() !== '').length <= 4, table);

  const removed = await session.capture(`Remove-BtsAppBackup -Path ${psQuote(interrupted)} -KeepLast 1 -Force`);
  t.deepEqual(removed.Errors, []);
  const steps = removed.Output.filter((o) => o.TypeNames[0] === 'BizTalkBackup.PlanStep').map((o) => o.Properties);
  t.deepEqual(steps.map((s) => s['Action']), ['DeleteObjects']);
  t.is(steps[0]?.['Count'], objects.length);
  t.is(steps[0]?.['Size'], bytes);
  const result = ofType(removed, 'PruneResult')[0];
  t.is(result?.['DeletedObjects'], objects.length);
  t.is(result?.['DeletedBytes'], bytes);
});

test.serial('exporting into a non-empty folder that is not a store is refused (E_STORE_FOLDER_NOT_EMPTY); an empty folder or a store is fine', async (t) => {
  const data = path.join(tmp, 'data');
  mkdirSync(data);
  writeFileSync(path.join(data, 'report.xlsx'), 'not a store');
  const refused = await session.capture(`Export-BtsAppBackup -Simulator -Path ${psQuote(data)} -Name 'Contoso.Shared' -WarningAction SilentlyContinue`);
  t.is(refused.Errors[0]?.Id.split(',')[0], 'BizTalkBackup.E_STORE_FOLDER_NOT_EMPTY');
  t.is(refused.Errors[0]?.Target, data);
  t.truthy(refused.Errors[0]?.Hint);
  t.deepEqual(readdirSync(data), ['report.xlsx'], 'nothing written');

  const empty = path.join(tmp, 'empty');
  mkdirSync(empty);
  const created = await session.capture(`Export-BtsAppBackup -Simulator -Path ${psQuote(empty)} -Name 'Contoso.Shared' -WarningAction SilentlyContinue; Export-BtsAppBackup -Simulator -Path ${psQuote(empty)} -Name 'Contoso.Shared' -Full -WarningAction SilentlyContinue`);
  t.deepEqual(created.Errors, []);
  t.is(ofType(created, 'BackupSet').length, 2);
});

test.serial('-LiteralPath takes a store path as typed, -Path resolves wildcards to one folder (two matches: E_PATH_AMBIGUOUS)', async (t) => {
  const bracketed = path.join(tmp, 'bts[prod]');
  const exported = await session.capture(`Export-BtsAppBackup -Simulator -LiteralPath ${psQuote(bracketed)} -Name 'Contoso.Shared' -WarningAction SilentlyContinue`);
  t.deepEqual(exported.Errors, []);
  t.true(existsSync(path.join(bracketed, 'store.json')));
  const listed = await session.capture(
    `Get-BtsAppBackup -LiteralPath ${psQuote(bracketed)}; Test-BtsAppBackup -LiteralPath ${psQuote(bracketed)} -SetId latest; Get-BtsAppBackup -Path ${psQuote(path.join(tmp, 'bts?prod*'))}`,
  );
  t.deepEqual(listed.Errors, []);
  t.deepEqual(listed.Output.map((o) => o.TypeNames[0]), ['BizTalkBackup.BackupSet', 'BizTalkBackup.VerifyResult', 'BizTalkBackup.BackupSet']);
  t.true(listed.Output.every((o) => o.Properties['Store'] === bracketed), 'the wildcard resolved to the one folder');
  mkdirSync(path.join(tmp, 'bts-prod2'));
  const ambiguous = await session.capture(`Get-BtsAppBackup -Path ${psQuote(path.join(tmp, 'bts?prod*'))}`);
  t.is((ambiguous.Terminating ?? ambiguous.Errors[0])?.Id.split(',')[0], 'BizTalkBackup.E_PATH_AMBIGUOUS');
});

test.serial('tab completion: -SetId offers the sets of the store, -Name the applications of the set or of the group', async (t) => {
  if (!existsSync(store)) await session.run(`$null = Export-BtsAppBackup -Simulator -Path ${psQuote(store)} -WarningAction SilentlyContinue`);
  const complete = async (line: string): Promise<string[]> =>
    session.json<string[]>(`@((TabExpansion2 -inputScript ${psQuote(line)} -cursorColumn ${line.length}).CompletionMatches | ForEach-Object CompletionText)`);
  const setIds = await complete(`Test-BtsAppBackup -Path ${psQuote(store)} -SetId `);
  const sets = readdirSync(path.join(store, 'sets')).map((f) => f.replace(/\.json$/, '')).sort().reverse();
  t.deepEqual(setIds, [...sets, 'latest']);
  const names = await complete(`Import-BtsAppBackup -Path ${psQuote(store)} -SetId ${sets[0]} -Name Zahl`);
  t.deepEqual(names, [`'${ZAHLUNGSVERKEHR}'`]);
  const fromGroup = await complete('Export-BtsAppBackup -Simulator -Path x -Name Contoso.O');
  t.deepEqual(fromGroup, ['Contoso.Orders']);
});

test.serial('about_BizTalkBackup is a help topic; every cmdlet has a HelpUri under the ProjectUri', async (t) => {
  const about = await session.run("Get-Help about_BizTalkBackup | Out-String -Width 200");
  t.regex(about, /about_BizTalkBackup/);
  t.regex(about, /SCHEDULED SCRIPTS/);
  const uris = await session.json<{ Name: string; HelpUri: string }[]>(
    "Get-Command -Module BizTalkBackup | ForEach-Object { [pscustomobject]@{ Name = $_.Name; HelpUri = $_.HelpUri } }",
  );
  const project = await session.json<string[]>(`@((Import-PowerShellDataFile ${psQuote(manifestPath)}).PrivateData.PSData.ProjectUri)`);
  t.is(uris.length, readdirSync(path.join(repoRoot, 'ps', 'Public')).filter((f) => f.endsWith('.ps1')).length, 'one command per ps/Public file');
  for (const cmd of uris) t.true(cmd.HelpUri.startsWith(project[0] ?? '-'), `${cmd.Name}: ${cmd.HelpUri}`);
});

test.serial("the README's scheduled-script pattern works: global Stop, try/catch, exit code 0 on success and 1 on a module error", async (t) => {
  const script = path.join(tmp, 'nightly-btsbackup.ps1');
  writeFileSync(
    script,
    [
      'param([string]$Store)',
      "$ErrorActionPreference = 'Stop'",
      "$ProgressPreference = 'SilentlyContinue'",
      `Import-Module ${psQuote(manifestPath)}`,
      'try {',
      '    Export-BtsAppBackup -Simulator -Path $Store -WarningAction SilentlyContinue | Test-BtsAppBackup | Out-Null',
      '    Remove-BtsAppBackup -Path $Store -KeepLast 7 -Confirm:$false | Out-Null',
      '    exit 0',
      '}',
      'catch {',
      "    Write-Warning ('BizTalk backup failed: {0} {1} Hint: {2}' -f $_.FullyQualifiedErrorId, $_.Exception.Message, $_.ErrorDetails.RecommendedAction)",
      '    exit 1',
      '}',
    ].join('\n'),
  );
  const run = (store: string) =>
    spawnSync(pwsh ?? 'pwsh', ['-NoProfile', '-NonInteractive', '-File', script, '-Store', store], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const ok = run(path.join(tmp, 'nightly-store'));
  t.is(ok.status, 0, `${ok.stdout}\n${ok.stderr}`);
  t.true(existsSync(path.join(tmp, 'nightly-store', 'store.json')));
  const busy = path.join(tmp, 'nightly-not-a-store');
  mkdirSync(busy);
  writeFileSync(path.join(busy, 'other.txt'), 'x');
  const failed = run(busy);
  t.is(failed.status, 1, `${failed.stdout}\n${failed.stderr}`);
  t.regex(`${failed.stdout}${failed.stderr}`, /BizTalk backup failed: BizTalkBackup\.E_STORE_FOLDER_NOT_EMPTY/);
});
