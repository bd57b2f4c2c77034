import path from 'node:path';
import type { AppSnapshot } from '../core/app-snapshot.js';
import { reusableBindings } from '../core/bindings-reuse.js';
import type { Manifest, ManifestFailure } from '../core/manifest.js';
import { ResourceType, type ApplicationInfo, type ResourceInfo } from '../core/model.js';
import { selectApplications, type SkippedApplication } from '../core/plan-backup.js';
import { safeFileName } from '../core/safe-file-name.js';
import { BtsBackupError, isBtsBackupError } from '../errors/index.js';
import { bindingsCutter, type BindingsOwner, type GroupBindingsSlices } from '../formats/bindings/group-bindings.js';
import type { SecretLocation } from '../formats/bindings/binding-secrets.js';
import { normalizeBindings } from '../formats/bindings/normalize-bindings.js';
import { promises as fs } from 'node:fs';
import { hasGroupBindings, hasGroupInventory, isInventoryFailure, type BizTalkGroup } from '../ports/biztalk-group.js';
import { readExportedFile } from './export-artifacts.js';
import type { Reporter } from './reporter.js';

export interface Inventoried {
  info: ApplicationInfo;
  resources: ResourceInfo[];
  /**
   * The bindings as ExportBindings wrote them (the file in staging, and its text); undefined when this run did not need
   * them: the application's slice of the group-level bindings and the residue were the previous set's, so the
   * snapshot's bindings are that set's. `readBindings` reads them when the application is exported after all.
   */
  exported?: { file: string; xml: string; maskedPasswords: SecretLocation[]; /** False while the text is in memory only (the one-call inventory). */ onDisk: boolean };
  /** The application's slice of this run's group-level bindings, recorded in the set for the next run. */
  bindingsSlice?: string;
  /**
   * False while `resources` are the previous set's, standing in for a ListApp this run left out because the
   * application's content is read whole tonight (a content recheck); `listResources` runs it when it is needed after all.
   */
  listed: boolean;
  snapshot: AppSnapshot;
}

export interface GroupInventory {
  /** Every application of the group, BizTalk.System included. */
  applications: ApplicationInfo[];
  /** ListApp, cached: each application is listed once per run (or read from the whole-group inventory). */
  resourcesOf: (name: string) => Promise<ResourceInfo[]>;
  skipped: SkippedApplication[];
  /** Applications whose inventory failed (the others go on). */
  failures: ManifestFailure[];
  inventoried: Inventoried[];
  /** True when the back end read the whole group in one call (no ListApp or ExportBindings per application). */
  onePass: boolean;
  /** The residue of this run's group-level bindings, when it read and cut them (recorded in the set). */
  groupBindingsResidue?: string;
  /**
   * Makes the application's bindings ready to store: reads them (ExportBindings) when the inventory reused the previous
   * set's, updating its snapshot, and writes them to their staging file when they came from the one-call inventory.
   */
  readBindings: (item: Inventoried) => Promise<void>;
  /** Lists the application's resources (ListApp) when the inventory left it out (`listed` false); updates its snapshot. */
  listResources: (item: Inventoried) => Promise<void>;
}

export interface InventoryOptions {
  /**
   * The set this run is diffed against, for a back end without a whole-group inventory: the group-level bindings are
   * then read once (ExportBindings /GroupLevel) and an application whose slice and the residue equal that set's skips
   * its own ExportBindings. Absent (compare, a restore's check): every application's bindings are read.
   */
  previous?: Manifest | null;
  /**
   * Applications (names in any case) whose ListApp waits, for a back end without a whole-group inventory: their content
   * is read whole tonight (ExportApp of a content recheck), which tells more than ListApp. The previous set's resources
   * stand in; the ListApp runs only if the application is stored after all.
   */
  unlisted?: ReadonlySet<string>;
}

/**
 * The largest group-level binding file cut in one piece. Cutting takes about 22 times the file's size in memory (a DOM
 * and canonical texts): 32 MiB (some 25,000 ports) stays under 1 GB; a larger group reads each application alone.
 */
const MAX_GROUP_BINDINGS_BYTES = 32 * 1024 * 1024;

/**
 * The inventory export and compare share: ListApps, then per selected application ListApp and ExportBindings
 * (into `staging`), normalised into the snapshot the diff compares. A back end with a whole-group inventory
 * (`readGroupInventory`) answers all of that in one call; the snapshots are the same either way. Through BTSTask an
 * export reads the group-level bindings first and runs ExportBindings only for the applications whose slice changed.
 */
export async function inventoryGroup(group: BizTalkGroup, selection: { include: string[]; exclude: string[] }, staging: string, reporter: Reporter, options: InventoryOptions = {}): Promise<GroupInventory> {
  // Inventory: the whole group in one call when the back end offers it, else ListApps (then ListApp and
  // ExportBindings per application below).
  reporter.progress('Inventory', 'Listing applications', 0, 1);
  const pass = hasGroupInventory(group) ? await group.readGroupInventory() : undefined;
  const applications = pass === undefined ? await group.listApplications() : pass.applications.map((entry) => entry.info);
  // Read before any application's own ExportBindings: a change made after this read shows in tomorrow's slices.
  const groupXml = pass === undefined && options.previous !== undefined && hasGroupBindings(group) ? await readGroupBindings(group, staging, reporter) : undefined;
  const bindingsByApp = new Map<string, Promise<string>>();
  // A failed ListApp is cached too: the application's own step reports it (once), the others go on.
  const resourcesByApp = new Map<string, Promise<ResourceInfo[]>>();
  for (const entry of pass?.applications ?? []) {
    if (isInventoryFailure(entry)) {
      const failed = Promise.reject(entry.error);
      failed.catch(() => undefined);
      resourcesByApp.set(entry.info.name, failed);
      bindingsByApp.set(entry.info.name, failed);
    } else {
      resourcesByApp.set(entry.info.name, Promise.resolve(entry.resources));
      bindingsByApp.set(entry.info.name, Promise.resolve(entry.bindingsXml));
    }
  }
  const unlistedNames = new Set<string>();
  const waiting = new Set([...(pass === undefined ? (options.unlisted ?? []) : [])].map((name) => name.toLowerCase()));
  for (const app of waiting.size === 0 ? [] : applications) {
    const record = waiting.has(app.name.toLowerCase()) ? options.previous?.applications.find((a) => a.name.toLowerCase() === app.name.toLowerCase()) : undefined;
    if (record === undefined) continue;
    resourcesByApp.set(app.name, Promise.resolve(record.resources));
    unlistedNames.add(app.name);
  }
  const resourcesOf = (name: string): Promise<ResourceInfo[]> => {
    let listed = resourcesByApp.get(name);
    if (listed === undefined) {
      listed = group.listResources(name);
      listed.catch(() => undefined);
      resourcesByApp.set(name, listed);
    }
    return listed;
  };
  /**
   * The bindings as ExportBindings writes them: from the one pass (in memory; `file` is written when the application
   * is exported, see readBindings), else one ExportBindings call into `file`.
   */
  const bindingsOf = async (name: string, file: string): Promise<{ xml: string; onDisk: boolean }> => {
    const read = bindingsByApp.get(name);
    if (read !== undefined) return { xml: await read, onDisk: false };
    await group.exportBindings(name, file);
    return { xml: Buffer.from(await readExportedFile(name, 'ExportBindings', file, 'bindings file')).toString('utf8'), onDisk: true };
  };
  // Emptiness decides only for the default application, or for any application when no default is marked (the
  // BTSTask catalog: every application is listed here). An application whose ListApp fails is not known to be empty:
  // it stays selected, and its own inventory step records the failure.
  const emptiness = new Map<string, boolean>();
  for (const app of applications.filter((a) => !a.isSystem && (a.isDefault || !applications.some((b) => b.isDefault)))) {
    try {
      emptiness.set(app.name, (await resourcesOf(app.name)).length === 0);
    } catch (error) {
      if (endsTheRun(error)) throw error;
    }
  }
  const { selected, skipped } = selectApplications(applications, selection, (name) => emptiness.get(name) === true);
  const failures: ManifestFailure[] = [];
  const inventoried: Inventoried[] = [];
  // BizTalk names are case-insensitive: two names differing only by case cannot be told apart by ExportApp, and
  // would collide on Windows. The first is backed up, the others are reported (never silently dropped).
  const firstByCase = new Map<string, string>();
  const unique: { index: number; info: ApplicationInfo }[] = [];
  for (const [index, info] of selected.entries()) {
    const first = firstByCase.get(info.name.toLowerCase());
    if (first !== undefined) {
      const collision = new BtsBackupError('E_INVALID_NAME', `The application "${info.name}" differs from "${first}" only by case; BizTalk cannot tell them apart, so only "${first}" is backed up.`, {
        target: info.name,
        hint: 'Rename one of the applications in the BizTalk Administration console.',
        details: { collidesWith: first },
      });
      failures.push(recordFailure(info.name, collision, reporter));
      continue;
    }
    firstByCase.set(info.name.toLowerCase(), info.name);
    unique.push({ index, info });
  }
  const slices = groupXml === undefined ? undefined : await cutGroupBindings(groupXml, applications, unique.map((u) => u.info.name), resourcesOf, reporter);
  const readInto = async (info: ApplicationInfo, index: number): Promise<{ exported: NonNullable<Inventoried['exported']>; normalized: ReturnType<typeof normalizeBindings> }> => {
    const file = path.join(staging, `${index}-${safeFileName(info.name)}.bindings.xml`);
    const { xml, onDisk } = await bindingsOf(info.name, file);
    const normalized = normalizeBindings(xml, `bindings of ${info.name}`);
    return { exported: { file, xml, onDisk, maskedPasswords: normalized.maskedPasswords }, normalized };
  };
  /**
   * Whether the application's own bindings, read now, cut as the group-level file's part for it. They can differ when
   * its bindings changed between the two reads: its slice is then not recorded (the next run reads it again), so
   * the set never pairs a slice with other bindings than its record's.
   */
  const sameCut = (item: Inventoried): boolean => {
    if (slices === undefined || item.exported === undefined) return false;
    try {
      const same = slices.cutter(item.exported.xml, `bindings of ${item.info.name}`, item.info.name).own.get(item.info.name) === slices.own.get(item.info.name);
      if (!same) reporter.log('verbose', `${item.info.name}: its bindings changed since the group-level read; its slice is not recorded, the next run reads them again.`);
      return same;
    } catch (error) {
      if (endsTheRun(error)) throw error;
      return false;
    }
  };
  const indexOf = new Map<Inventoried, number>();
  for (const { index, info } of unique) {
    reporter.progress('Inventory', info.name, index, selected.length);
    try {
      const resources = await resourcesOf(info.name);
      const bindingsSlice = slices?.slices.get(info.name);
      const reused = slices === undefined ? undefined : reusableBindings(options.previous ?? null, slices.residue, info.name, bindingsSlice);
      let item: Inventoried;
      if (reused !== undefined) {
        item = { info, resources, listed: true, snapshot: { info, resources, bindingsFingerprint: reused.bindingsFingerprint, bindings: reused.bindings } };
      } else {
        const read = await readInto(info, index);
        item = { info, resources, listed: true, exported: read.exported, snapshot: { info, resources, bindingsFingerprint: read.normalized.fingerprint, bindings: read.normalized.summary } };
      }
      if (bindingsSlice !== undefined && (item.exported === undefined || sameCut(item))) item.bindingsSlice = bindingsSlice;
      if (unlistedNames.has(info.name)) item.listed = false;
      indexOf.set(item, index);
      inventoried.push(item);
    } catch (error) {
      failures.push(recordFailure(info.name, error, reporter));
    }
  }
  if (slices !== undefined) {
    const skippedCalls = inventoried.filter((item) => item.exported === undefined).length;
    reporter.log('verbose', `Group-level bindings: ${skippedCalls} of ${inventoried.length} application(s) unchanged since set ${options.previous?.setId ?? '(none)'}; ExportBindings ran for the others.`);
  }
  const readBindings = async (item: Inventoried): Promise<void> => {
    if (item.exported === undefined) {
      const read = await readInto(item.info, indexOf.get(item) ?? inventoried.indexOf(item));
      item.exported = read.exported;
      item.snapshot = { ...item.snapshot, bindingsFingerprint: read.normalized.fingerprint, bindings: read.normalized.summary };
      if (item.bindingsSlice !== undefined && !sameCut(item)) delete item.bindingsSlice;
    }
    if (!item.exported.onDisk) {
      await fs.writeFile(item.exported.file, item.exported.xml, 'utf8');
      item.exported.onDisk = true;
    }
  };
  const listResources = async (item: Inventoried): Promise<void> => {
    if (item.listed) return;
    const listed = group.listResources(item.info.name);
    listed.catch(() => undefined);
    resourcesByApp.set(item.info.name, listed);
    item.resources = await listed;
    item.listed = true;
    item.snapshot = { ...item.snapshot, resources: item.resources };
  };
  reporter.completed('Inventory');
  return {
    applications,
    resourcesOf,
    skipped,
    failures,
    inventoried,
    onePass: pass !== undefined,
    ...(slices === undefined ? {} : { groupBindingsResidue: slices.residue }),
    readBindings,
    listResources,
  };
}

/**
 * ExportBindings /GroupLevel into staging. Its failure costs speed, never the backup: each application's bindings are
 * then read by its own ExportBindings, as without it (a warning says so). A stop or a bug still ends the run.
 */
async function readGroupBindings(group: BizTalkGroup & { exportGroupBindings(destinationPath: string): Promise<unknown> }, staging: string, reporter: Reporter): Promise<string | undefined> {
  const file = path.join(staging, 'group.bindings.xml');
  try {
    await group.exportGroupBindings(file);
    const size = (await fs.stat(file)).size;
    if (size > MAX_GROUP_BINDINGS_BYTES) throw new BtsBackupError('E_INVALID_DATA', `The group-level bindings are ${size} bytes, more than BizTalkBackup reads at once (${MAX_GROUP_BINDINGS_BYTES}).`, { target: 'group.bindings.xml' });
    return Buffer.from(await readExportedFile('(group)', 'ExportBindings /GroupLevel', file, 'bindings file')).toString('utf8');
  } catch (error) {
    unreadGroupBindings(error, reporter);
    return undefined;
  } finally {
    await fs.rm(file, { force: true });
  }
}

/** Cuts the group-level bindings per application; unreadable bindings fall back like a failed call. */
async function cutGroupBindings(
  xml: string,
  applications: readonly ApplicationInfo[],
  selected: readonly string[],
  resourcesOf: (name: string) => Promise<ResourceInfo[]>,
  reporter: Reporter,
): Promise<(GroupBindingsSlices & { cutter: ReturnType<typeof bindingsCutter> }) | undefined> {
  // Every application of the group owns its ports (an excluded one too); modules are attributed through the
  // assemblies of the selected applications, whose resources the inventory lists anyway.
  const owners: BindingsOwner[] = [];
  const wanted = new Set(selected);
  for (const app of applications) {
    // A failed ListApp leaves the application's modules to the residue (its own step reports the failure); a stop or
    // a stuck catalog still ends the run here.
    const resources = wanted.has(app.name)
      ? await resourcesOf(app.name).catch((error: unknown) => {
          if (endsTheRun(error)) throw error;
          return [] as ResourceInfo[];
        })
      : [];
    owners.push({ application: app.name, assemblies: resources.filter((r) => r.type === ResourceType.BizTalkAssembly).map((r) => r.luid) });
  }
  try {
    const cutter = bindingsCutter(owners);
    return { ...cutter(xml, 'group-level bindings'), cutter };
  } catch (error) {
    unreadGroupBindings(error, reporter);
    return undefined;
  }
}

function unreadGroupBindings(error: unknown, reporter: Reporter): void {
  if (endsTheRun(error) || !isBtsBackupError(error)) throw error;
  reporter.log('warning', `The group-level bindings could not be read (${error.code}: ${error.message}); each application's bindings are read by its own ExportBindings tonight.`, undefined, 'GroupBindingsUnread');
}

/** Reads the newest committed manifest (kept here for its importers; set-manifests.ts does the reading). */
export { readLatestManifest } from './set-manifests.js';

/**
 * Not an application's failure: a bug, the user stopping the run, or an ExplorerOM call given up (the catalog is stuck:
 * every further call would wait as long, and the process must end once the run is wound up).
 */
export function endsTheRun(error: unknown): boolean {
  return !isBtsBackupError(error) || error.code === 'E_INTERRUPTED' || error.code === 'E_EXPLOREROM_TIMEOUT';
}

/** A typed failure of one application becomes a manifest failure (and a warning); anything else is a bug and propagates. */
export function recordFailure(application: string, error: unknown, reporter: Reporter): ManifestFailure {
  if (endsTheRun(error)) throw error;
  if (!isBtsBackupError(error)) throw error;
  if (reporter.error !== undefined) reporter.error(forApplication(application, error));
  else reporter.log('warning', `${application}: ${error.message}`, undefined, 'ApplicationFailed');
  return { application, code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) };
}

/** The same error with the application as its target (what PowerShell shows as TargetObject). */
export function forApplication(application: string, error: BtsBackupError): BtsBackupError {
  if (error.target === application) return error;
  return new BtsBackupError(error.code, error.message, { target: application, hint: error.hintForms, cause: error, details: { ...(error.target === undefined ? {} : { about: error.target }), ...error.details } });
}
