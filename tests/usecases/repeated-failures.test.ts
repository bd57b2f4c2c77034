// A failure that repeats (a content recheck whose ExportApp keeps failing, run every 15 minutes) is reported by every
// run but writes no new set while it is the same as the last set's; a change of failures does (found by an adversarial review).
import test from 'ava';
import { btsTaskNight, DAY, firstRecheckNight } from '../support/btstask-night.js';
import type { SimulatedGroup } from '../../src/adapters/simulator/simulated-group.js';
import { createMemoryStore } from '../../src/adapters/store/memory-store.js';
import type { BackupStore } from '../../src/ports/store.js';
import { sampleGroup } from '../support/export-fixture.js';

const APP = 'Contoso.Billing';
const dueNight = firstRecheckNight(APP);

const run = (group: SimulatedGroup, store: BackupStore, at: number, recheckDays = 7) => btsTaskNight(group, store, at, { recheckDays });

test('a content recheck whose ExportApp fails is not retried, nor a set committed, on every run of the same day', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  await run(group, store, dueNight - 7 * DAY, 0);
  group.state.faults = [{ command: 'ExportApp', application: APP, errors: ['Error: Access denied to the package folder.'] }];
  const first = await run(group, store, dueNight);
  t.true(first.exported.includes(APP));
  t.is(first.outcome.statuses.find((s) => s.application === APP)?.backupStatus, 'Failed');
  const setsAfterFirst = (await store.listSets()).length;
  // The same day, 15 minutes apart, nothing changed in the group.
  for (let i = 1; i <= 4; i++) await run(group, store, dueNight + i * 15 * 60_000);
  t.is((await store.listSets()).length, setsAfterFirst, 'a set committed by every 15-minute run');
});

test('a failure that ends, or another that starts, writes a set: the store records what changed', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  await run(group, store, dueNight - 7 * DAY, 0);
  group.state.faults = [{ command: 'ExportApp', application: APP, errors: ['Error: Access denied to the package folder.'] }];
  const failed = await run(group, store, dueNight);
  t.is(failed.outcome.exitCode, 3);
  const sets = (await store.listSets()).length;
  const again = await run(group, store, dueNight + 15 * 60_000);
  t.is(again.outcome.exitCode, 3, 'still reported');
  t.false(again.outcome.committed);
  group.state.faults = [];
  const healed = await run(group, store, dueNight + 30 * 60_000);
  t.is(healed.outcome.exitCode, 0);
  t.true(healed.outcome.committed, 'the end of the failure is a new set');
  t.is((await store.listSets()).length, sets + 1);
});
