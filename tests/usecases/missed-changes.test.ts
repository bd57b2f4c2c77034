// Changes the group-level bindings cut or the content recheck must not leave out of the backup (found by an adversarial review).
import test from 'ava';
import { btsTaskNight, DAY, type NightOptions } from '../support/btstask-night.js';
import type { SimulatedGroup } from '../../src/adapters/simulator/simulated-group.js';
import { createMemoryStore } from '../../src/adapters/store/memory-store.js';
import { recheckDue } from '../../src/core/recheck.js';
import type { BackupStore } from '../../src/ports/store.js';
import { exportBackup } from '../../src/usecases/export-backup.js';
import { sampleGroup } from '../support/export-fixture.js';

/** Without a recheck unless asked: these nights test what the group-level cut and the recheck each find. */
const night = async (group: SimulatedGroup, store: BackupStore, at: number, options: NightOptions = {}) => (await btsTaskNight(group, store, at, { recheckDays: 0, ...options })).outcome;

async function storedBindings(store: BackupStore, manifest: NonNullable<Awaited<ReturnType<typeof exportBackup>>['manifest']>, application: string): Promise<string> {
  const entry = manifest.applications.find((a) => a.name === application)!;
  return new TextDecoder().decode(await store.readObject(entry.artifacts.find((a) => a.kind === 'bindings')!.sha256));
}

test('a binding change made between the group-level read and the application\'s own ExportBindings, then undone, leaves the undone bindings in every later set', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  const start = Date.UTC(2026, 11, 1, 1, 0, 0);
  const billing = group.state.applications.find((a) => a.name === 'Contoso.Billing')!;
  const original = billing.bindings!;
  const moved = original.replace(/<Address>([^<]*)<\/Address>/, '<Address>$1-moved</Address>');
  // Night 1: an operator redirects a send port while the run is between ExportBindings /GroupLevel and Billing's own
  // ExportBindings. The set records the slice cut before the change beside the bindings read after it.
  const first = await night(group, store, start, { afterGroupRead: () => (billing.bindings = moved) });
  t.true((await storedBindings(store, first.manifest!, 'Contoso.Billing')).includes('-moved'));
  // The redirect is undone during the day: the group is back to the bindings whose slice night 1 recorded.
  billing.bindings = original;
  for (const at of [start + DAY, start + 2 * DAY]) {
    const later = await night(group, store, at);
    const current = later.manifest!;
    t.false((await storedBindings(store, current, 'Contoso.Billing')).includes('-moved'), 'the current set restores a send port address the group no longer has');
  }
});

test('a weekday-only schedule (Mon-Fri) still rechecks, within --recheck-days, an application whose night of the cycle falls on a weekend', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  // The Monday of the week of 2026-12-01 (a Tuesday), 01:00 UTC.
  const monday = Date.UTC(2026, 10, 30, 1, 0, 0);
  const weekendApp = group.state.applications.find(
    (a) => !a.isSystem && a.resources.some((r) => r.files.some((f) => f.assembly !== undefined)) && [5, 6].some((d) => recheckDue(a.name, new Date(monday + d * DAY), 7)),
  );
  t.truthy(weekendApp, 'the sample group has an application whose recheck night is a Saturday or Sunday');
  await night(group, store, monday);
  // A hot fix of a deployed assembly under the same version: ListApp (type and LUID) cannot see it.
  const file = weekendApp!.resources.flatMap((r) => r.files).find((f) => f.assembly !== undefined)!;
  file.assembly = { ...file.assembly!, build: (file.assembly!.build ?? 0) + 1 };
  let stored = false;
  // Three weeks of weekday nights, from the Tuesday on: more than twice the 7-day cycle.
  for (let d = 1; d < 21; d++) {
    const at = monday + d * DAY;
    if (new Date(at).getUTCDay() === 0 || new Date(at).getUTCDay() === 6) continue;
    const outcome = await night(group, store, at, { recheckDays: 7 });
    if (outcome.statuses.some((s) => s.application === weekendApp!.name && s.backupStatus === 'Exported')) stored = true;
  }
  t.true(stored, `${weekendApp!.name}'s hot-fixed assembly was never read again in three weeks of weekday backups`);
});

test('a web directory file moved into another folder (scripts\\) is stored on its recheck night', async (t) => {
  const group = await sampleGroup((state) => {
    const web = state.applications.find((a) => a.name === 'Contoso.Portal')!.resources.find((r) => r.type === 'System.BizTalk:WebDirectory')!;
    web.files.push({ name: 'portal.js', text: 'window.portal = {};' });
  });
  const store = createMemoryStore();
  const start = Date.UTC(2026, 11, 1, 1, 0, 0);
  const due = Array.from({ length: 7 }, (_, d) => start + (d + 1) * DAY).find((at) => recheckDue('Contoso.Portal', new Date(at), 7))!;
  const first = await night(group, store, start);
  t.is(first.manifest!.applications.find((a) => a.name === 'Contoso.Portal')?.backupStatus, 'Exported');
  // Moved where the pages load it from: same name, same bytes, another folder of the same resource.
  const web = group.state.applications.find((a) => a.name === 'Contoso.Portal')!.resources.find((r) => r.type === 'System.BizTalk:WebDirectory')!;
  web.files.find((f) => f.name === 'portal.js')!.name = 'scripts\\portal.js';
  const outcome = await night(group, store, due, { recheckDays: 7 });
  t.deepEqual(
    outcome.statuses.find((s) => s.application === 'Contoso.Portal'),
    { application: 'Contoso.Portal', backupStatus: 'Exported' },
    'the recheck compared the package and found it the same: the move is not backed up',
  );
  t.true(outcome.committed);
});

test('a change to a party bound to an application\'s send port (in its own ExportBindings) is backed up', async (t) => {
  // BizTalk: an application's ExportBindings carries its bound parties; ExportBindings /GroupLevel "always exports
  // global party information" (learn.microsoft.com, How to Export Bindings for a BizTalk Group).
  const party = (value: string) =>
    `<PartyCollection><Party Name="Fabrikam"><Aliases><PartyAlias Name="Organization" Qualifier="OrganizationName" Value="${value}" /></Aliases><SendPorts><SendPortRef Name="Billing.Send.Bank.Sftp" /></SendPorts></Party></PartyCollection>`;
  const group = await sampleGroup((state) => {
    const billing = state.applications.find((a) => a.name === 'Contoso.Billing')!;
    billing.bindings = billing.bindings!.replace('<PartyCollection xsi:nil="true" />', party('Fabrikam'));
  });
  const store = createMemoryStore();
  const start = Date.UTC(2026, 11, 1, 1, 0, 0);
  const first = await night(group, store, start);
  t.true((await storedBindings(store, first.manifest!, 'Contoso.Billing')).includes('Value="Fabrikam"'));
  const billing = group.state.applications.find((a) => a.name === 'Contoso.Billing')!;
  billing.bindings = billing.bindings!.replace(party('Fabrikam'), party('Fabrikam Ltd'));
  const second = await night(group, store, start + DAY);
  t.deepEqual(second.statuses.find((s) => s.application === 'Contoso.Billing'), { application: 'Contoso.Billing', backupStatus: 'Exported' });
  t.true((await storedBindings(store, second.manifest!, 'Contoso.Billing')).includes('Value="Fabrikam Ltd"'));
});
