import test from 'ava';
import { SAMPLE_ASSEMBLIES } from '../../src/adapters/simulator/sample-group.js';
import { createMemoryStore } from '../../src/adapters/store/memory-store.js';
import type { BizTalkGroup } from '../../src/ports/biztalk-group.js';
import { compareBackup } from '../../src/usecases/compare-backup.js';
import { exportBackup } from '../../src/usecases/export-backup.js';
import { countingStore, exportOptions, recordingReporter, sampleGroup } from '../support/export-fixture.js';
import { recordCalls } from '../support/record-calls.js';

type Group = Awaited<ReturnType<typeof sampleGroup>>;

/** Counts the calls made on the group port, by method. */
function countingGroup(inner: BizTalkGroup): { group: BizTalkGroup; calls: string[] } {
  const { proxy, calls } = recordCalls(inner);
  return { group: proxy, calls };
}

const changes: { title: string; mutate: (g: Group) => void; app: string; reason: RegExp }[] = [
  {
    title: 'one resource (same version, new bytes)',
    mutate: (g) => {
      g.application('Contoso.Orders').resources.find((r) => r.luid === SAMPLE_ASSEMBLIES.ordersMaps)!.files[0]!.assembly!.build = 2;
    },
    app: 'Contoso.Orders',
    reason: /^resource changed: BizTalkAssembly Contoso\.Orders\.Maps.*\(content\)$/,
  },
  {
    title: 'one resource property',
    mutate: (g) => {
      g.application('Contoso.Billing').resources.find((r) => r.luid === 'Contoso.Billing.config')!.properties['DestinationLocation'] = '%BTAD_InstallDir%\\conf\\Contoso.Billing.config';
    },
    app: 'Contoso.Billing',
    reason: /^resource changed: File Contoso\.Billing\.config \(DestinationLocation: .* -> .*conf/,
  },
  {
    title: 'one binding address',
    mutate: (g) => {
      const app = g.application('Contoso.Orders');
      app.bindings = app.bindings!.replace('\\\\fileserver\\drop\\warehouse\\', '\\\\fileserver2\\drop\\warehouse\\');
    },
    app: 'Contoso.Orders',
    reason: /^send port Orders\.Send\.Warehouse: address: .*fileserver\\drop.* -> .*fileserver2/,
  },
  {
    title: 'one send port filter',
    mutate: (g) => {
      const app = g.application('Contoso.Orders');
      app.bindings = app.bindings!.replace('Value=&quot;Orders.Receive&quot;', 'Value=&quot;Orders.Receive.Other&quot;');
    },
    app: 'Contoso.Orders',
    reason: /^send port Orders\.Send\.Archive: filter/,
  },
  {
    title: 'one reference',
    mutate: (g) => {
      g.application('Zahlungsverkehr Süd').references.push('Contoso.Billing');
    },
    app: 'Zahlungsverkehr Süd',
    reason: /^reference added: Contoso\.Billing$/,
  },
];

for (const c of changes) {
  test(`changing ${c.title}: the live group and the next set both compare with exactly that application Changed, with the reason`, async (t) => {
    const group = await sampleGroup();
    const store = createMemoryStore();
    const first = (await exportBackup(group, store, exportOptions(), recordingReporter())).manifest!;
    c.mutate(group);
    const { store: counting, mutations } = countingStore(store);
    const { group: watched, calls } = countingGroup(group);
    const live = await compareBackup(watched, counting, { include: [], exclude: [] }, recordingReporter());
    t.is(live.exitCode, 0);
    t.is(live.baseline, first.setId);
    t.deepEqual(mutations, [], 'compare changes nothing in the store');
    t.false(calls.includes('exportApplication'), 'compare never exports an MSI');
    const changed = live.results.filter((r) => r.status !== 'Unchanged');
    t.deepEqual(changed.map((r) => [r.application, r.status]), [[c.app, 'Changed']]);
    t.true(changed[0]!.reasons.some((r) => c.reason.test(r)), changed[0]!.reasons.join('\n'));
    t.is(live.results.length, first.applications.length);

    const second = (await exportBackup(group, store, exportOptions(), recordingReporter())).manifest!;
    const sets = await compareBackup(undefined, store, { include: [], exclude: [], set: 'latest', against: first.setId }, recordingReporter());
    t.is(sets.current, second.setId);
    const setChanged = sets.results.filter((r) => r.status !== 'Unchanged');
    t.deepEqual(setChanged.map((r) => [r.application, r.status]), [[c.app, 'Changed']]);
    t.true(setChanged[0]!.reasons.some((r) => c.reason.test(r)), setChanged[0]!.reasons.join('\n'));
    // and after the export the live group matches the latest set again
    const again = await compareBackup(group, store, { include: [], exclude: [] }, recordingReporter());
    t.true(again.results.every((r) => r.status === 'Unchanged'));
  });
}

test('an application added to the group is Added, one gone from it is Removed; --name narrows both', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  const first = (await exportBackup(group, store, exportOptions(), recordingReporter())).manifest!;
  group.state.applications.push({ ...structuredClone(group.application('Contoso.Shared')), name: 'Contoso.Shared2' });
  group.state.applications = group.state.applications.filter((a) => a.name !== 'Contoso.Portal');
  const live = await compareBackup(group, store, { include: [], exclude: [] }, recordingReporter());
  t.deepEqual(live.results.filter((r) => r.status !== 'Unchanged').map((r) => [r.application, r.status]), [['Contoso.Shared2', 'Added'], ['Contoso.Portal', 'Removed']]);
  const narrowed = await compareBackup(group, store, { include: ['Contoso.S*'], exclude: [] }, recordingReporter());
  t.deepEqual(narrowed.results.map((r) => [r.application, r.status]), [['Contoso.Shared', 'Unchanged'], ['Contoso.Shared2', 'Added']]);

  await exportBackup(group, store, exportOptions(), recordingReporter());
  const sets = await compareBackup(undefined, store, { include: [], exclude: [], set: 'latest', against: first.setId }, recordingReporter());
  t.deepEqual(sets.results.filter((r) => r.status !== 'Unchanged').map((r) => [r.application, r.status]).sort(), [['Contoso.Portal', 'Removed'], ['Contoso.Shared2', 'Added']]);
});

test('against an empty store every application is Added; a corrupt latest manifest is an error, not "no backup"', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  const empty = await compareBackup(group, store, { include: [], exclude: [] }, recordingReporter());
  t.is(empty.baseline, null);
  t.true(empty.results.length === 5 && empty.results.every((r) => r.status === 'Added'));
  await exportBackup(group, store, exportOptions(), recordingReporter());
  const [setId] = await store.listSets();
  store.state.sets.set(setId!, new TextEncoder().encode('not json'));
  await t.throwsAsync(compareBackup(group, store, { include: [], exclude: [] }, recordingReporter()), { code: 'E_MANIFEST_CORRUPT' });
});

test('an application whose inventory fails is reported Failed and the run exits 3; the others are compared', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  await exportBackup(group, store, exportOptions(), recordingReporter());
  group.state.faults = [{ command: 'ExportBindings', application: 'Contoso.Billing', errors: ['Access denied.'] }];
  const reporter = recordingReporter();
  const outcome = await compareBackup(group, store, { include: [], exclude: [] }, reporter);
  t.is(outcome.exitCode, 3);
  t.deepEqual(outcome.failures.map((f) => [f.application, f.code]), [['Contoso.Billing', 'E_BTSTASK_FAILED']]);
  t.true(reporter.lines.some((l) => l['kind'] === 'CompareResult' && l['application'] === 'Contoso.Billing' && l['status'] === 'Failed'));
  // Billing is not reported Removed just because its inventory failed
  t.false(outcome.results.some((r) => r.application === 'Contoso.Billing'));
});
