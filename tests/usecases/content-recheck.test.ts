// Through BTSTask a file replaced under the same name changes nothing ListApp shows: the content recheck finds it on
// the application's night of the cycle, stores only what differs, and costs no bytes when nothing did.
import test from 'ava';
import { btsTaskNight, DAY, firstRecheckNight } from '../support/btstask-night.js';
import { btsTaskView } from '../../src/adapters/simulator/btstask-view.js';
import type { SimulatedGroup } from '../../src/adapters/simulator/simulated-group.js';
import { createMemoryStore } from '../../src/adapters/store/memory-store.js';
import type { BackupStore } from '../../src/ports/store.js';
import { exportBackup } from '../../src/usecases/export-backup.js';
import { exportOptions, recordingReporter, sampleGroup } from '../support/export-fixture.js';
import { recordCalls } from '../support/record-calls.js';

const APP = 'Contoso.Billing';
/** The first night on which APP is due, and one on which it is not. */
const dueNight = firstRecheckNight(APP);
const quietNight = dueNight + DAY;

const night = (group: SimulatedGroup, store: BackupStore, at: number, recheckDays = 7) => btsTaskNight(group, store, at, { recheckDays });

function changeFile(group: SimulatedGroup): void {
  const app = group.state.applications.find((a) => a.name === APP)!;
  const file = app.resources.find((r) => r.luid === 'Contoso.Billing.config')!.files[0]!;
  file.text = `${file.text!}<!-- hot fix -->`;
}

test('a file replaced under the same name is invisible on other nights and found on the recheck night: stored, the resource named', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  await night(group, store, quietNight - 3 * DAY, 0);
  changeFile(group);
  const quiet = await night(group, store, quietNight);
  t.false(quiet.exported.includes(APP), 'BTSTask shows no change on a night that is not the recheck night');
  const due = await night(group, store, dueNight + 7 * DAY);
  t.true(due.exported.includes(APP));
  const entry = due.outcome.manifest!.applications.find((a) => a.name === APP)!;
  t.is(entry.backupStatus, 'Exported');
  t.deepEqual(entry.reasons, ['content changed (recheck): File Contoso.Billing.config']);
  // Stored after all: its ListApp ran (after the export), and the package was checked against it.
  t.true(due.listed.includes(APP));
  t.is(entry.exportedIn, due.outcome.manifest!.setId);
  // Everything else due that night was read too, and left as it was.
  t.true(due.outcome.statuses.filter((s) => s.application !== APP).every((s) => s.backupStatus === 'Unchanged'));
});

test('a recheck that finds the stored content stores no object: the set written records only when the content was read', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  await night(group, store, dueNight - 7 * DAY, 0);
  const objectsBefore = (await store.listObjects()).map((o) => o.sha256).sort();
  const due = await night(group, store, dueNight);
  t.true(due.exported.includes(APP), 'the application was exported to be compared');
  // Its content was read whole: no ListApp for it (nor for any application rechecked that night).
  t.false(due.listed.includes(APP));
  t.deepEqual(due.listed.filter((name) => due.exported.includes(name)), []);
  t.true(due.outcome.committed);
  t.true(due.outcome.statuses.every((s) => s.backupStatus === 'Unchanged'));
  const entry = due.outcome.manifest!.applications.find((a) => a.name === APP)!;
  t.is(entry.contentReadAt?.slice(0, 10), new Date(dueNight).toISOString().slice(0, 10));
  t.deepEqual((await store.listObjects()).map((o) => o.sha256).sort(), objectsBefore, 'no new object: the records are the same');
  // Read today: a second run the same day does not read it again, and writes nothing.
  const again = await night(group, store, dueNight + 3_600_000);
  t.false(again.exported.includes(APP));
  t.false(again.outcome.committed);
});

test('content last read --recheck-days or more days ago is read whatever night of the cycle it is (a missed night, a weekday-only schedule)', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  await night(group, store, dueNight - 7 * DAY, 0);
  // The application's night of the cycle passes without a run; the next run, a day later, reads it.
  const late = await night(group, store, dueNight + DAY);
  t.true(late.exported.includes(APP));
  const entry = late.outcome.manifest!.applications.find((a) => a.name === APP)!;
  t.is(entry.contentReadAt?.slice(0, 10), new Date(dueNight + DAY).toISOString().slice(0, 10));
  // Then counted from that read: not on the next night, whatever the cycle.
  t.false((await night(group, store, dueNight + 2 * DAY)).exported.includes(APP));
});

test('--recheck-days 0 never rechecks; 1 rechecks every application with unseen content every night', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  const first = await night(group, store, dueNight - 7 * DAY, 0);
  const names = first.outcome.manifest!.applications.map((a) => a.name);
  t.deepEqual((await night(group, store, dueNight, 0)).exported, []);
  const every = await night(group, store, dueNight + DAY, 1);
  t.deepEqual([...every.exported].sort(), [...names].sort());
  t.true(every.outcome.statuses.every((s) => s.backupStatus === 'Unchanged'));
});

test('the dry run plans the recheck the real run carries out', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  await night(group, store, dueNight - 7 * DAY, 0);
  const { proxy } = recordCalls(btsTaskView(group));
  let tick = dueNight;
  const dry = await exportBackup(proxy, store, exportOptions({ clock: { now: () => new Date((tick += 1000)) }, dryRun: true }), recordingReporter());
  const step = dry.plan.steps.find((s) => s.application === APP)!;
  t.is(step.action, 'Export');
  t.true(step.recheck);
  t.regex(step.reasons[0]!, /^content recheck: /);
  const real = await night(group, store, dueNight);
  t.deepEqual(real.exported, dry.plan.steps.filter((s) => s.action === 'Export').map((s) => s.application));
});

test('a resource added on a recheck night (its ListApp left out) is found by the package, listed, and stored with it', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  await night(group, store, dueNight - 7 * DAY, 0);
  const app = group.state.applications.find((a) => a.name === APP)!;
  app.resources.push({ type: 'System.BizTalk:File', luid: 'Contoso.Billing.extra.xml', properties: { DestinationLocation: '%BTAD_InstallDir%\\Contoso.Billing.extra.xml' }, files: [{ name: 'Contoso.Billing.extra.xml', text: '<extra />' }] });
  const due = await night(group, store, dueNight);
  const entry = due.outcome.manifest!.applications.find((a) => a.name === APP)!;
  t.is(entry.backupStatus, 'Exported');
  t.deepEqual(entry.reasons, ['content changed (recheck): File Contoso.Billing.extra.xml']);
  t.true(entry.resources.some((r) => r.luid === 'Contoso.Billing.extra.xml'));
  // The next night (not a recheck night) lists it and sees no change.
  const next = await night(group, store, dueNight + DAY);
  t.false(next.exported.includes(APP));
  t.false(next.outcome.committed);
});

test('a binding change on the recheck night is an ordinary change: listed, bindings read, exported with the binding reason', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  await night(group, store, dueNight - 7 * DAY, 0);
  const app = group.state.applications.find((a) => a.name === APP)!;
  app.bindings = app.bindings!.replace(/<Address>([^<]*)<\/Address>/, '<Address>$1-moved</Address>');
  const due = await night(group, store, dueNight);
  const entry = due.outcome.manifest!.applications.find((a) => a.name === APP)!;
  t.is(entry.backupStatus, 'Exported');
  t.true(entry.reasons.some((r) => r.includes('-moved')), entry.reasons.join('; '));
  t.true(due.listed.includes(APP));
  const next = await night(group, store, dueNight + DAY);
  t.false(next.exported.includes(APP));
});
