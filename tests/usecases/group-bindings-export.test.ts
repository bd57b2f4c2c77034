// A back end without a whole-group inventory (BTSTask) reads the group-level bindings once a night and runs
// ExportBindings only for the applications whose slice changed: nothing a per-application read would see is missed,
// and every fallback (no previous cut, a failed or unreadable group-level file) reads every application as before.
import test from 'ava';
import { createMemoryStore } from '../../src/adapters/store/memory-store.js';
import type { SimulatedGroup } from '../../src/adapters/simulator/simulated-group.js';
import { hasGroupBindings, hasGroupInventory } from '../../src/ports/biztalk-group.js';
import type { BackupStore } from '../../src/ports/store.js';
import { exportBackup } from '../../src/usecases/export-backup.js';
import { exportOptions, recordingReporter, sampleGroup, type RecordingReporter, withoutGroupInventory } from '../support/export-fixture.js';
import { recordCalls } from '../support/record-calls.js';

const throughBtsTask = withoutGroupInventory;

const CALLS = new Set(['readGroupInventory', 'listApplications', 'exportGroupBindings', 'exportBindings', 'exportApplication']);

async function night(group: SimulatedGroup, store: BackupStore, options: Parameters<typeof exportOptions>[0] = {}) {
  const { proxy, calls } = recordCalls(throughBtsTask(group), (m) => CALLS.has(m));
  const perApp = new Map<string, number>();
  const inner = proxy.exportBindings.bind(proxy);
  proxy.exportBindings = async (application, destination) => {
    perApp.set(application, (perApp.get(application) ?? 0) + 1);
    return inner(application, destination);
  };
  const reporter = recordingReporter();
  const outcome = await exportBackup(proxy, store, exportOptions(options), reporter);
  return { outcome, calls, boundApps: [...perApp.keys()].sort(), reporter };
}

const logsOf = (reporter: RecordingReporter, code: string): string[] => reporter.lines.filter((l) => l.type === 'log' && l.code === code).map((l) => String(l.message));

const exported = (outcome: Awaited<ReturnType<typeof exportBackup>>): string[] => outcome.statuses.filter((s) => s.backupStatus === 'Exported').map((s) => s.application).sort();

test('the first night reads every application, records the cut; an unchanged night then runs no ExportBindings and writes nothing', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  t.false(hasGroupInventory(throughBtsTask(group)));
  t.true(hasGroupBindings(throughBtsTask(group)));
  const first = await night(group, store);
  t.is(first.outcome.exitCode, 0);
  const names = first.outcome.manifest!.applications.map((a) => a.name).sort();
  t.deepEqual(first.boundApps, names);
  t.is(first.calls.filter((c) => c === 'exportGroupBindings').length, 1);
  // The group-level file is read before any application's own bindings.
  t.true(first.calls.indexOf('exportGroupBindings') < first.calls.indexOf('exportBindings'));
  t.regex(first.outcome.manifest!.groupBindingsResidue ?? '', /^[0-9a-f]{64}$/);
  t.true(first.outcome.manifest!.applications.every((a) => /^[0-9a-f]{64}$/.test(a.bindingsSlice ?? '')));

  const second = await night(group, store);
  t.is(second.outcome.exitCode, 0);
  t.false(second.outcome.committed);
  t.deepEqual(second.boundApps, []);
  t.deepEqual(second.calls, ['listApplications', 'exportGroupBindings']);
  t.true(second.outcome.statuses.every((s) => s.backupStatus === 'Unchanged'));
});

test("a binding-only change is found: ExportBindings runs for that application alone, which is exported with the change's reason", async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  await night(group, store);
  const billing = group.state.applications.find((a) => a.name === 'Contoso.Billing')!;
  billing.bindings = billing.bindings!.replace(/<Address>([^<]*)<\/Address>/, '<Address>$1-moved</Address>');
  const second = await night(group, store);
  t.is(second.outcome.exitCode, 0);
  t.deepEqual(second.boundApps, ['Contoso.Billing']);
  t.deepEqual(exported(second.outcome), ['Contoso.Billing']);
  const entry = second.outcome.manifest!.applications.find((a) => a.name === 'Contoso.Billing')!;
  t.true(entry.reasons.some((r) => r.includes('-moved')), entry.reasons.join('; '));
  // The stored bindings are the ones read tonight.
  const bindings = entry.artifacts.find((a) => a.kind === 'bindings')!;
  t.regex(new TextDecoder().decode(await store.readObject(bindings.sha256)), /-moved/);
});

test('an application exported for its resources gets its bindings read then (stored fresh), and the dry run plans exactly that', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  await night(group, store);
  const billing = group.state.applications.find((a) => a.name === 'Contoso.Billing')!;
  const file = billing.resources.flatMap((r) => r.files).find((f) => f.text !== undefined)!;
  file.text = `${file.text!}<!-- changed -->`;
  const dry = await night(group, store, { dryRun: true });
  const real = await night(group, store);
  t.deepEqual(dry.outcome.plan.steps, real.outcome.plan.steps);
  t.deepEqual(real.boundApps, ['Contoso.Billing']);
  t.deepEqual(exported(real.outcome), ['Contoso.Billing']);
  const entry = real.outcome.manifest!.applications.find((a) => a.name === 'Contoso.Billing')!;
  const nextPlan = (await night(group, store, { dryRun: true })).outcome.plan;
  t.true(entry.artifacts.some((a) => a.kind === 'bindings'));
  t.is(nextPlan.steps.filter((s) => s.action === 'Export').length, 0);
  // Its slice is recorded again: the night after is quiet.
  const after = await night(group, store);
  t.deepEqual(after.boundApps, []);
  t.false(after.outcome.committed);
});

test('a failed group-level export costs speed only: a GroupBindingsUnread warning, every application read alone, the change still found', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  await night(group, store);
  group.state.faults = [{ command: 'ExportBindings', groupLevel: true, errors: ['Timeout expired.'] }];
  const billing = group.state.applications.find((a) => a.name === 'Contoso.Billing')!;
  billing.bindings = billing.bindings!.replace(/<Address>([^<]*)<\/Address>/, '<Address>$1-moved</Address>');
  const second = await night(group, store);
  t.is(second.outcome.exitCode, 0);
  t.true(logsOf(second.reporter, 'GroupBindingsUnread').length > 0);
  t.is(second.boundApps.length, second.outcome.statuses.length);
  t.deepEqual(exported(second.outcome), ['Contoso.Billing']);
  // A set made without the cut records none: the next night reads everyone again, then is quiet.
  t.is(second.outcome.manifest!.groupBindingsResidue, undefined);
  group.state.faults = [];
  const third = await night(group, store);
  t.is(third.boundApps.length, third.outcome.statuses.length);
  t.true(third.outcome.committed, 'the cut is recorded even though no application changed');
  const fourth = await night(group, store);
  t.deepEqual(fourth.boundApps, []);
});

test('an unreadable group-level file (not BindingInfo) falls back the same way', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  await night(group, store);
  group.exportedGroupBindings = () => '<NotBindings />';
  const second = await night(group, store);
  t.is(second.outcome.exitCode, 0);
  t.true(logsOf(second.reporter, 'GroupBindingsUnread').length > 0);
  t.is(second.boundApps.length, second.outcome.statuses.length);
});

test('a set made through the one-call inventory has no cut: the first BTSTask night reads everyone and records it, even with nothing changed', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  const first = await exportBackup(group, store, exportOptions(), recordingReporter());
  t.is(first.manifest!.groupBindingsResidue, undefined);
  const second = await night(group, store);
  t.true(second.outcome.statuses.every((s) => s.backupStatus === 'Unchanged'));
  t.is(second.boundApps.length, second.outcome.statuses.length);
  t.true(second.outcome.committed);
  t.is(second.outcome.manifest!.parent, first.manifest!.setId);
  const third = await night(group, store);
  t.deepEqual(third.boundApps, []);
  t.false(third.outcome.committed);
});

test('masked passwords of an application whose bindings were not read tonight are still reported', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  const first = await night(group, store);
  const masked = first.outcome.manifest!.warnings.filter((w) => w.kind === 'MaskedPassword');
  t.true(masked.length > 0, 'the sample group has masked passwords');
  const second = await night(group, store);
  t.deepEqual(second.boundApps, []);
  t.deepEqual(
    logsOf(second.reporter, 'MaskedPassword').sort(),
    logsOf(first.reporter, 'MaskedPassword').sort(),
  );
});
