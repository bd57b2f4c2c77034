// Every cmdlet against the real core (dist/src/cli/main.js) and the embedded sample group (-Simulator):
// typed objects, pipelines, ErrorRecords, -WhatIf, progress and the default tables. Every test runs unconditionally:
// a core command that broke (or lost its help) fails here instead of turning its tests into silent skips.
import test from 'ava';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { PwshSession, coreCli, findPwsh, psQuote, type Captured } from '../support/pwsh.js';

const pwsh = findPwsh();
let session: PwshSession;
let tmp: string;
let store: string;

const ZAHLUNGSVERKEHR = 'Zahlungsverkehr S\u00fcd';
const CONTOSO = ['Contoso.Shared', 'Contoso.Orders', 'Contoso.Billing', 'Contoso.Portal'];

test.before(async () => {
  if (pwsh === undefined) throw new Error('pwsh not found: run tests/setup/40-pwsh.sh (installs PowerShell 7 into .tools/pwsh)');
  if (!existsSync(coreCli)) throw new Error(`the core is not built: ${coreCli} (npm run build)`);
  session = await PwshSession.start(pwsh);
  tmp = await mkdtemp(path.join(os.tmpdir(), 'btsbackup-ps-cmdlets-'));
  store = path.join(tmp, 'store');
});

test.after.always(async () => {
  if (session !== undefined) await session.dispose();
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
});

const idOf = (id: string | undefined): string | undefined => id?.split(',')[0];
const ofType = (captured: Captured, kind: string): Record<string, unknown>[] =>
  captured.Output.filter((o) => o.TypeNames[0] === `BizTalkBackup.${kind}`).map((o) => o.Properties);
const names = (objects: Record<string, unknown>[]): unknown[] => objects.map((o) => o['Name']);

/** The store's two sets as [first export (Contoso only), second export (with Zahlungsverkehr)], whatever order they list in. */
async function firstAndSecondSet(): Promise<[string, string]> {
  const sets = ofType(await session.capture(`Get-BtsAppBackup -Path ${psQuote(store)}`), 'BackupSet');
  const second = sets.find((s) => (s['ApplicationNames'] as string[]).includes(ZAHLUNGSVERKEHR));
  const first = sets.find((s) => s !== second);
  return [String(first?.['SetId']), String(second?.['SetId'])];
}

test.serial('Get-BtsAppInventory -Simulator: typed Application objects, names unchanged through NDJSON, progress completed', async (t) => {
  const r = await session.capture('Get-BtsAppInventory -Simulator');
  t.deepEqual(r.Errors, []);
  t.is(r.Terminating, null);
  const apps = ofType(r, 'Application');
  t.is(apps.length, r.Output.length);
  t.deepEqual(new Set(names(apps)), new Set(['BizTalk.System', 'BizTalk Application 1', ...CONTOSO, ZAHLUNGSVERKEHR]));
  const orders = apps.find((a) => a['Name'] === 'Contoso.Orders');
  t.is(orders?.['Status'], 'Started');
  t.deepEqual(orders?.['References'], ['Contoso.Shared']);
  t.is(orders?.['Simulator'], true);
  const progress = r.Progress.filter((p) => p.Activity === 'Inventory');
  t.true(progress.some((p) => p.RecordType === 'Processing' && p.Percent >= 0));
  t.is(progress.at(-1)?.RecordType, 'Completed');
});

test.serial('Get-BtsAppInventory -Name/-ExcludeName take wildcards', async (t) => {
  const r = await session.capture("Get-BtsAppInventory -Simulator -Name 'Contoso*', 'Zahlungs*' -ExcludeName '*Portal', '*Billing'");
  t.deepEqual(new Set(names(r.Output.map((o) => o.Properties))), new Set(['Contoso.Shared', 'Contoso.Orders', ZAHLUNGSVERKEHR]));
});

test.serial('the default table is short: Name, Status, References', async (t) => {
  const text = await session.run("Get-BtsAppInventory -Simulator -Name 'Contoso.Orders' | Out-String -Width 200");
  t.regex(text, /Name\s+Status\s+References/);
  t.regex(text, /Contoso\.Orders\s+Started\s+Contoso\.Shared/);
  t.notRegex(text, /Description|Resources/);
});

test.serial('Export-BtsAppBackup -WhatIf prints the plan and writes nothing', async (t) => {
  const raw = await session.run(`Export-BtsAppBackup -Simulator -Path ${psQuote(store)} -Name 'Contoso.Orders' -WhatIf`);
  t.regex(raw, /What if: Performing the operation "ExportApp \(new application\)" on target "Contoso\.Orders"\./);
  t.notRegex(raw, /Contoso\.Billing/, 'skipped applications are not listed');
  t.false(existsSync(store));
});

test.serial('Get-BtsAppInventory -Name Contoso* | Export-BtsAppBackup: exactly those applications are exported', async (t) => {
  const r = await session.capture(`Get-BtsAppInventory -Simulator -Name 'Contoso*' | Export-BtsAppBackup -Path ${psQuote(store)}`);
  t.deepEqual(r.Errors, []);
  t.is(r.Terminating, null);
  const exported = ofType(r, 'BackupApplication');
  t.deepEqual(new Set(names(exported)), new Set(CONTOSO));
  t.true(exported.every((a) => a['BackupStatus'] === 'Exported'));
  t.true(exported.every((a) => a['Store'] === store));
  const [set] = ofType(r, 'BackupSet');
  t.is(set?.['Store'], store);
  t.regex(String(set?.['SetId']), /^\d{8}T\d{6}Z/);
  t.true(r.Warnings.some((w) => w.includes('masked')), 'the masked password is a warning');
  t.true(r.Progress.length > 0 && r.Progress.at(-1)?.RecordType === 'Completed');
  t.true((await readdir(store)).length > 0);
});

test.serial('a second export: unchanged applications are Unchanged, the new one Exported', async (t) => {
  await new Promise((resolve) => setTimeout(resolve, 1100)); // set ids have one-second resolution
  const r = await session.capture(`Export-BtsAppBackup -Simulator -Path ${psQuote(store)}`);
  t.deepEqual(r.Errors, []);
  const byName = new Map(ofType(r, 'BackupApplication').map((a) => [a['Name'], a['BackupStatus']]));
  for (const name of CONTOSO) t.is(byName.get(name), 'Unchanged', name);
  t.is(byName.get(ZAHLUNGSVERKEHR), 'Exported');
});

test.serial('Get-BtsAppBackup lists the sets with their store; -Name filters; -SetId shows one', async (t) => {
  const r = await session.capture(`Get-BtsAppBackup -Path ${psQuote(store)}`);
  t.deepEqual(r.Errors, []);
  const sets = ofType(r, 'BackupSet');
  t.is(sets.length, 2);
  t.true(sets.every((s) => s['Store'] === store));
  const [first, second] = await firstAndSecondSet();
  const filtered = await session.capture(`Get-BtsAppBackup -Path ${psQuote(store)} -Name 'Zahlungs*'`);
  t.deepEqual(ofType(filtered, 'BackupSet').map((s) => s['SetId']), [second]);
  const shown = await session.capture(`Get-BtsAppBackup -Path ${psQuote(store)} -SetId ${psQuote(first)}`);
  t.deepEqual(shown.Output.map((o) => o.TypeNames[0]), ['BizTalkBackup.BackupSet'], 'one object per set, so it pipes on');
  t.is(shown.Output[0]?.Properties['SetId'], first);
  const details = shown.Output[0]?.Properties['ApplicationDetails'] as Record<string, unknown>[];
  t.deepEqual(new Set(names(details)), new Set(CONTOSO));
  t.deepEqual(details.find((d) => d['Name'] === 'Contoso.Orders')?.['References'], ['Contoso.Shared']);
});

test.serial('Get-BtsAppBackup on a missing store: ErrorRecord BizTalkBackup.E_STORE_MISSING, ObjectNotFound, the path as target', async (t) => {
  const missing = path.join(tmp, 'no-store-here');
  const r = await session.capture(`Get-BtsAppBackup -Path ${psQuote(missing)}`);
  t.deepEqual(r.Output, []);
  t.is(r.Errors.length, 1);
  t.is(r.Errors[0]?.Id, 'BizTalkBackup.E_STORE_MISSING,Get-BtsAppBackup');
  t.is(r.Errors[0]?.Category, 'ObjectNotFound');
  t.is(r.Errors[0]?.Target, missing);
  t.truthy(r.Errors[0]?.Hint);
  const thrown = await session.capture(`Get-BtsAppBackup -Path ${psQuote(missing)} -EnableException`);
  t.is(idOf(thrown.Terminating?.Id), 'BizTalkBackup.E_STORE_MISSING');
  t.deepEqual(thrown.Errors, []);
});

test.serial('Get-BtsAppBackup -SetId of an unknown set: BizTalkBackup.E_SET_NOT_FOUND with the set as target', async (t) => {
  const r = await session.capture(`Get-BtsAppBackup -Path ${psQuote(store)} -SetId 'no-such-set'`);
  t.is(idOf(r.Errors[0]?.Id), 'BizTalkBackup.E_SET_NOT_FOUND');
  t.is(r.Errors[0]?.Category, 'ObjectNotFound');
  t.is(r.Errors[0]?.Target, 'no-such-set');
});

test.serial('relative -Path is resolved against the PowerShell location', async (t) => {
  const r = await session.capture(`Set-Location -LiteralPath ${psQuote(tmp)}; Get-BtsAppBackup -Path ./store | Select-Object -First 1`);
  t.is(r.Output[0]?.Properties['Store'], store);
});

test.serial('Get-BtsAppBackup | Test-BtsAppBackup -ReadData verifies every set (core verify)', async (t) => {
  const r = await session.capture(`Get-BtsAppBackup -Path ${psQuote(store)} | Test-BtsAppBackup -ReadData`);
  t.deepEqual(r.Errors, []);
  const results = ofType(r, 'VerifyResult');
  t.is(new Set(results.map((v) => v['SetId'])).size, 2, 'both sets');
  t.true(results.length >= 9);
  t.true(results.every((v) => v['Status'] === 'Verified' && v['Level'] === 'read-data' && v['Store'] === store));
  t.is(r.Progress.at(-1)?.RecordType, 'Completed');
});

test.serial('Test-BtsAppBackup -ReadData on a damaged object: that application Failed, an ErrorRecord, exit 12 (core verify)', async (t) => {
  const damaged = path.join(tmp, 'damaged');
  const r = await session.capture(
    `$null = Export-BtsAppBackup -Simulator -Path ${psQuote(damaged)} -Name 'Contoso.Orders' -WarningAction SilentlyContinue
     $object = Get-ChildItem -LiteralPath ${psQuote(path.join(damaged, 'objects'))} -Recurse -File | Sort-Object Length | Select-Object -First 1
     $bytes = [System.IO.File]::ReadAllBytes($object.FullName); $bytes[10] = $bytes[10] -bxor 0xFF; [System.IO.File]::WriteAllBytes($object.FullName, $bytes)
     Test-BtsAppBackup -Path ${psQuote(damaged)} -SetId latest -ReadData -WarningAction SilentlyContinue`,
  );
  const [result] = ofType(r, 'VerifyResult');
  t.is(result?.['Application'], 'Contoso.Orders');
  t.is(result?.['Status'], 'Failed');
  t.deepEqual((result?.['Problems'] as { code: string }[]).map((p) => p.code), ['E_CHECKSUM_MISMATCH']);
  t.true(r.Errors.length >= 1);
  t.regex(idOf(r.Errors[0]?.Id) ?? '', /^BizTalkBackup\.E_(VERIFY_FAILED|CHECKSUM_MISMATCH)$/);
  t.is(r.Errors[0]?.Category, 'InvalidData');
});

test.serial('Compare-BtsAppBackup: the simulator against the newest set is Unchanged; the two sets differ by one application (core compare)', async (t) => {
  const [first, second] = await firstAndSecondSet();
  const live = await session.capture(`Get-BtsAppBackup -Path ${psQuote(store)} | Where-Object SetId -EQ ${psQuote(second)} | Compare-BtsAppBackup -Simulator`);
  t.deepEqual(live.Errors, []);
  const results = ofType(live, 'CompareResult');
  t.is(results.length, live.Output.length);
  t.deepEqual(new Set(names(results.map((c) => ({ Name: c['Application'] })))), new Set([...CONTOSO, ZAHLUNGSVERKEHR]));
  t.true(results.every((c) => c['Status'] === 'Unchanged' && c['Current'] === 'group'));
  const between = await session.capture(`Compare-BtsAppBackup -Path ${psQuote(store)} -SetId ${psQuote(first)} -DifferenceSetId ${psQuote(second)}`);
  const byApp = new Map(ofType(between, 'CompareResult').map((c) => [c['Application'], c['Status']]));
  t.is(byApp.get(ZAHLUNGSVERKEHR), 'Added');
  t.is(byApp.get('Contoso.Orders'), 'Unchanged');
});

test.serial('Import-BtsAppBackup into an empty simulated group: -WhatIf plans, the import runs in dependency order, a second import is Unchanged (core import)', async (t) => {
  // A simulated group that has lost its applications: the sample group's state file without them.
  const state = path.join(tmp, 'empty-group.json');
  const init = spawnSync(process.execPath, [coreCli, 'simulator-init', '--state', state], { encoding: 'utf8' });
  t.is(init.status, 0, init.stderr);
  const group = JSON.parse(readFileSync(state, 'utf8')) as { applications: { name: string; isSystem: boolean; isDefault: boolean }[] };
  group.applications = group.applications.filter((a) => a.isSystem || a.isDefault);
  writeFileSync(state, JSON.stringify(group));
  const [, second] = await firstAndSecondSet();

  const raw = await session.run(`Get-BtsAppBackup -Path ${psQuote(store)} | Where-Object SetId -EQ ${psQuote(second)} | Import-BtsAppBackup -SimulatorState ${psQuote(state)} -Name 'Contoso.Orders' -IncludeReferenced -WhatIf`);
  const whatIf = raw.split(/\r?\n/).filter((line) => line.startsWith('What if:'));
  t.true(whatIf.length >= 3, raw);
  t.regex(whatIf[0] ?? '', /"ImportApp[^"]*" on target "Contoso\.Shared"/, 'the referenced application comes first');
  t.true(whatIf.some((line) => /"AddReference[^"]*" on target "Contoso\.Orders"/.test(line)));
  t.false(whatIf.some((line) => line.includes('Contoso.Billing')));
  const appsIn = (): string[] => (JSON.parse(readFileSync(state, 'utf8')) as typeof group).applications.map((a) => a.name).sort();
  t.deepEqual(appsIn(), ['BizTalk Application 1', 'BizTalk.System'], '-WhatIf changed nothing');

  const imported = await session.capture(`Import-BtsAppBackup -Path ${psQuote(store)} -SetId ${psQuote(second)} -SimulatorState ${psQuote(state)} -Name 'Contoso.Orders' -IncludeReferenced -Force`);
  t.deepEqual(imported.Errors, []);
  const statuses = new Map(ofType(imported, 'RestoreApplication').map((a) => [a['Application'], a['Status']]));
  t.is(statuses.get('Contoso.Shared'), 'Imported');
  t.is(statuses.get('Contoso.Orders'), 'Imported');
  t.is(statuses.get('Contoso.Billing'), 'Skipped');
  t.deepEqual(appsIn(), ['BizTalk Application 1', 'BizTalk.System', 'Contoso.Orders', 'Contoso.Shared']);

  const again = await session.capture(`Import-BtsAppBackup -Path ${psQuote(store)} -SetId ${psQuote(second)} -SimulatorState ${psQuote(state)} -Name 'Contoso.Orders' -IncludeReferenced -Confirm:$false`);
  const againStatuses = new Map(ofType(again, 'RestoreApplication').map((a) => [a['Application'], a['Status']]));
  t.is(againStatuses.get('Contoso.Shared'), 'Unchanged');
  t.is(againStatuses.get('Contoso.Orders'), 'Unchanged');
});

test.serial('Get-BtsAppArtifact describes a backed-up MSI (core inspect)', async (t) => {
  const r = await session.capture(
    `Get-ChildItem -LiteralPath ${psQuote(path.join(store, 'objects'))} -Recurse -File | Sort-Object Length -Descending | Select-Object -First 1 | Get-BtsAppArtifact`,
  );
  t.deepEqual(r.Errors, []);
  t.is(r.Output[0]?.TypeNames[0], 'BizTalkBackup.InspectResult');
});

test.serial('Remove-BtsAppBackup: -WhatIf lists the set to remove and keeps it; an empty policy is E_POLICY_UNSAFE; -Force removes (core prune)', async (t) => {
  const [first, second] = await firstAndSecondSet();
  const raw = await session.run(`Remove-BtsAppBackup -Path ${psQuote(store)} -KeepLast 1 -WhatIf`);
  t.regex(raw, new RegExp(`What if: Performing the operation "RemoveSet[^"]*" on target "${first}"`));
  t.notRegex(raw, new RegExp(`on target "${second}"`), 'the kept set is only in -Verbose');
  t.notRegex(raw, /Remove File/, 'the request file is removed silently, even under -WhatIf');
  t.is(ofType(await session.capture(`Get-BtsAppBackup -Path ${psQuote(store)}`), 'BackupSet').length, 2, '-WhatIf removed nothing');
  const unsafe = await session.capture(`Remove-BtsAppBackup -Path ${psQuote(store)} -Force`);
  t.is(idOf(unsafe.Errors[0]?.Id), 'BizTalkBackup.E_POLICY_UNSAFE');
  t.is(unsafe.Errors[0]?.Category, 'InvalidArgument');
  const removed = await session.capture(`Remove-BtsAppBackup -Path ${psQuote(store)} -KeepLast 1 -Force`);
  t.deepEqual(removed.Errors, []);
  t.true(removed.Output.some((o) => o.TypeNames[0] === 'BizTalkBackup.PruneResult'));
  t.deepEqual(ofType(await session.capture(`Get-BtsAppBackup -Path ${psQuote(store)}`), 'BackupSet').map((s) => s['SetId']), [second]);
});
