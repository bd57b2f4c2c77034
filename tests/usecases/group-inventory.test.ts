// The whole-group inventory (BizTalkGroupInventory): a back end that reads the group in one call makes change
// detection one call, and only changed applications are exported; a back end without it keeps the per-application
// ListApp + ExportBindings path, and both give the same snapshots, so switching back ends changes nothing.
import test from 'ava';
import { createMemoryStore } from '../../src/adapters/store/memory-store.js';
import { hasGroupInventory } from '../../src/ports/biztalk-group.js';
import { exportBackup } from '../../src/usecases/export-backup.js';
import { exportOptions, recordingReporter, sampleGroup, withoutGroupInventory } from '../support/export-fixture.js';
import { recordCalls } from '../support/record-calls.js';

const perApplicationOnly = withoutGroupInventory;

const BACK_END_CALLS = new Set(['readGroupInventory', 'listApplications', 'listResources', 'exportBindings', 'exportApplication']);

test('with the one-call inventory a nightly run makes one inventory call and exports only the changed application', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  const first = await exportBackup(group, store, exportOptions(), recordingReporter());
  t.is(first.exitCode, 0);
  // One application changes: a send port's address in its bindings.
  const billing = group.state.applications.find((a) => a.name === 'Contoso.Billing')!;
  billing.bindings = billing.bindings!.replace(/<Address>([^<]*)<\/Address>/, '<Address>$1-moved</Address>');
  const { proxy, calls } = recordCalls(group, (m) => BACK_END_CALLS.has(m));
  t.true(hasGroupInventory(proxy));
  const second = await exportBackup(proxy, store, exportOptions(), recordingReporter());
  t.is(second.exitCode, 0);
  t.deepEqual(calls, ['readGroupInventory', 'exportApplication']);
  t.deepEqual(second.statuses.filter((s) => s.backupStatus === 'Exported').map((s) => s.application), ['Contoso.Billing']);
  t.true(second.statuses.filter((s) => s.application !== 'Contoso.Billing').every((s) => s.backupStatus === 'Unchanged'));
});

test('without it the per-application path runs (ListApps, ListApp and ExportBindings each), and an unchanged group stays Unchanged across the switch', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  // First set through the one-call inventory, second through per-application calls: the same fingerprints.
  const first = await exportBackup(group, store, exportOptions(), recordingReporter());
  const { proxy, calls } = recordCalls(perApplicationOnly(group), (m) => BACK_END_CALLS.has(m));
  t.false(hasGroupInventory(proxy));
  const second = await exportBackup(proxy, store, exportOptions(), recordingReporter());
  // Nothing changed; the set written records the group-level bindings cut the next BTSTask night compares with.
  t.true(second.committed);
  t.true(second.statuses.every((s) => s.backupStatus === 'Unchanged'));
  t.true(second.manifest!.applications.every((a) => a.exportedIn === first.manifest!.setId));
  const exported = first.manifest!.applications.map((a) => a.name);
  t.is(calls.filter((c) => c === 'listApplications').length, 1);
  t.is(calls.filter((c) => c === 'exportBindings').length, exported.length);
  t.true(calls.filter((c) => c === 'listResources').length >= exported.length);
  t.false(calls.includes('exportApplication'));
  // And back: the one-call inventory sees the per-application set as current too.
  const third = await exportBackup(group, store, exportOptions(), recordingReporter());
  t.false(third.committed);
});

test('one application the pass cannot read fails alone; the others are backed up', async (t) => {
  const group = await sampleGroup((state) => {
    state.faults = [{ command: 'ExportBindings', application: 'Contoso.Billing', errors: ['Access denied.'] }];
  });
  const reporter = recordingReporter();
  const outcome = await exportBackup(group, createMemoryStore(), exportOptions(), reporter);
  t.is(outcome.exitCode, 3);
  t.deepEqual(outcome.manifest!.failures.map((f) => [f.application, f.code]), [['Contoso.Billing', 'E_BTSTASK_FAILED']]);
  t.true(outcome.manifest!.applications.some((a) => a.name === 'Contoso.Orders' && a.backupStatus === 'Exported'));
});
