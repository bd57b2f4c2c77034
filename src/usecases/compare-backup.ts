import { compareSets, compareWithBackup, type CompareResult } from '../core/compare-applications.js';
import type { Manifest } from '../core/manifest.js';
import { readManifest as loadSet } from './set-manifests.js';
import { BtsBackupError, hints } from '../errors/index.js';
import type { BizTalkGroup } from '../ports/biztalk-group.js';
import type { BackupStore } from '../ports/store.js';
import { inventoryGroup } from './inventory-group.js';
import type { Reporter } from './reporter.js';
import { selectSets } from './verify-backup.js';
import type { TempAreas } from '../ports/temp-area.js';
import { openStaging } from './staging.js';

/**
 * Compare-BtsAppBackup: the live group against a backup set (the latest by default), or two sets with each other.
 * Read-only on both sides: the group is only inventoried (ListApps, ListApp, ExportBindings into a private temp folder).
 */
export interface CompareOptions {
  include: string[];
  exclude: string[];
  /** The set compared (live group when undefined). */
  set?: string;
  /** The baseline set: `latest` by default. */
  against?: string;
  /** Where staging goes (the CLI wires the swept, owner-marked temp areas). */
  tempAreas?: TempAreas;
}

export interface CompareOutcome {
  /** What is compared: `group` or a set id. */
  current: string;
  /** The baseline set id, or null when the store holds none. */
  baseline: string | null;
  results: CompareResult[];
  /** Applications whose inventory failed. */
  failures: { application: string; code: string; message: string }[];
  exitCode: number;
}

async function readManifest(store: BackupStore, setId: string): Promise<Manifest> {
  return loadSet(store, setId);
}

export async function compareBackup(group: BizTalkGroup | undefined, store: BackupStore, options: CompareOptions, reporter: Reporter): Promise<CompareOutcome> {
  const sets = (await store.exists()) ? await store.listSets() : [];
  if (options.set !== undefined) {
    const [current] = selectSets(sets, options.set, store.location);
    const [baseline] = selectSets(sets, options.against ?? 'latest', store.location);
    if (current === undefined || baseline === undefined || options.set.toLowerCase() === 'all' || (options.against ?? '').toLowerCase() === 'all') {
      throw new BtsBackupError('E_USAGE', 'compare --set and --against each name one set (an id or latest).', { hint: hints.listSets });
    }
    const results = compareSets(await readManifest(store, current), await readManifest(store, baseline), options.include);
    for (const result of results) reporter.result('CompareResult', { ...result, current, baseline });
    return { current, baseline, results, failures: [], exitCode: 0 };
  }
  if (group === undefined) throw new BtsBackupError('E_USAGE', 'compare needs a group (--simulator, --server ...) or --set.', { hint: hints.compareSets });
  const baselineId = options.against === undefined ? sets[sets.length - 1] ?? null : selectSets(sets, options.against, store.location)[0] ?? null;
  // A corrupt baseline is an error, never "no backup yet".
  const baseline = baselineId === null ? null : await readManifest(store, baselineId);
  const stagingArea = await openStaging(options.tempAreas, 'compare');
  const staging = stagingArea.path;
  try {
    const inventory = await inventoryGroup(group, { include: options.include, exclude: options.exclude }, staging, reporter);
    const results = compareWithBackup(inventory.inventoried.map((i) => i.snapshot), baseline, {
      include: options.include,
      exclude: options.exclude,
      notInventoried: inventory.failures.map((f) => f.application),
    });
    for (const result of results) reporter.result('CompareResult', { ...result, current: 'group', baseline: baselineId });
    const failures = inventory.failures.map((f) => ({ application: f.application, code: f.code, message: f.message }));
    for (const failure of failures) reporter.result('CompareResult', { application: failure.application, status: 'Failed', reasons: [`${failure.code}: ${failure.message}`], current: 'group', baseline: baselineId });
    return { current: 'group', baseline: baselineId, results, failures, exitCode: failures.length > 0 ? 3 : 0 };
  } finally {
    await stagingArea.remove();
  }
}
