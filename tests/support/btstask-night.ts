// One export through the simulated group as BTSTask sees it (btsTaskView), on a clock the test sets: what each night
// exported and listed. Shared by the content-recheck, missed-change and repeated-failure tests.
import { btsTaskView } from '../../src/adapters/simulator/btstask-view.js';
import type { SimulatedGroup } from '../../src/adapters/simulator/simulated-group.js';
import { recheckDue } from '../../src/core/recheck.js';
import type { BackupStore } from '../../src/ports/store.js';
import { exportBackup } from '../../src/usecases/export-backup.js';
import { exportOptions, recordingReporter } from './export-fixture.js';

export const DAY = 86_400_000;
export const FIRST_NIGHT = Date.UTC(2026, 11, 1, 1, 0, 0);

/** The first night from `start` on which `application` is due in a 7-day cycle (no content read known). */
export function firstRecheckNight(application: string, start = FIRST_NIGHT): number {
  const night = Array.from({ length: 7 }, (_, d) => start + d * DAY).find((t) => recheckDue(application, new Date(t), 7));
  if (night === undefined) throw new Error(`${application} is never due`);
  return night;
}

export interface NightOptions {
  /** Default 7, as the CLI's. */
  recheckDays?: number;
  /** Runs right after ExportBindings /GroupLevel (a change made between the group-level read and the others). */
  afterGroupRead?: () => void;
}

/** An export at `at` (the clock ticks a second a call) through btsTaskView, recording ExportApp and ListApp by application. */
export async function btsTaskNight(group: SimulatedGroup, store: BackupStore, at: number, options: NightOptions = {}) {
  const view = btsTaskView(group);
  const exported: string[] = [];
  const listed: string[] = [];
  const { exportApplication, listResources, exportGroupBindings } = view;
  view.exportApplication = async (application, packagePath, resources) => {
    exported.push(application);
    return exportApplication(application, packagePath, resources);
  };
  view.listResources = async (application) => {
    listed.push(application);
    return listResources(application);
  };
  view.exportGroupBindings = async (destination) => {
    const outcome = await exportGroupBindings(destination);
    options.afterGroupRead?.();
    return outcome;
  };
  let tick = at;
  const outcome = await exportBackup(view, store, exportOptions({ clock: { now: () => new Date((tick += 1000)) }, recheckDays: options.recheckDays ?? 7 }), recordingReporter());
  return { outcome, exported, listed };
}
