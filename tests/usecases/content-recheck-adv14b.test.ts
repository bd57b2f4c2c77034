// adv14b (failing): an Unchanged application whose content-recheck ExportApp fails is exported again on every run
// of the day (a DSC or scheduled task every 15 minutes), and every run commits a set (a Failed entry): 96 sets a day
// for an application nothing changed in. Before the recheck an Unchanged application was never exported.
import test from 'ava';
import { btsTaskView } from '../../src/adapters/simulator/btstask-view.js';
import type { SimulatedGroup } from '../../src/adapters/simulator/simulated-group.js';
import { createMemoryStore } from '../../src/adapters/store/memory-store.js';
import { recheckDue } from '../../src/core/recheck.js';
import type { BackupStore } from '../../src/ports/store.js';
import { exportBackup } from '../../src/usecases/export-backup.js';
import { exportOptions, recordingReporter, sampleGroup } from '../support/export-fixture.js';

const DAY = 86_400_000;
const APP = 'Contoso.Billing';
const START = Date.UTC(2026, 11, 1, 1, 0, 0);
const dueNight = Array.from({ length: 7 }, (_, d) => START + d * DAY).find((t) => recheckDue(APP, new Date(t), 7))!;

async function run(group: SimulatedGroup, store: BackupStore, at: number, recheckDays = 7) {
  const view = btsTaskView(group);
  const exported: string[] = [];
  const inner = view.exportApplication.bind(view);
  view.exportApplication = async (application, packagePath, resources) => {
    exported.push(application);
    return inner(application, packagePath, resources);
  };
  let tick = at;
  const outcome = await exportBackup(view, store, exportOptions({ clock: { now: () => new Date((tick += 1000)) }, recheckDays }), recordingReporter());
  return { outcome, exported };
}

test('adv14b: a content recheck whose ExportApp fails is not retried, nor a set committed, on every run of the same day', async (t) => {
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
