import path from 'node:path';
import type { AppSnapshot } from '../core/app-snapshot.js';
import type { ManifestFailure } from '../core/manifest.js';
import type { ApplicationInfo, ResourceInfo } from '../core/model.js';
import { selectApplications, type SkippedApplication } from '../core/plan-backup.js';
import { safeFileName } from '../core/safe-file-name.js';
import { BtsBackupError, isBtsBackupError } from '../errors/index.js';
import { normalizeBindings } from '../formats/bindings/normalize-bindings.js';
import { promises as fs } from 'node:fs';
import { hasGroupInventory, isInventoryFailure, type BizTalkGroup } from '../ports/biztalk-group.js';
import { readExportedFile } from './export-artifacts.js';
import type { Reporter } from './reporter.js';

export interface Inventoried {
  info: ApplicationInfo;
  resources: ResourceInfo[];
  bindingsFile: string;
  bindingsXml: string;
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
}

/**
 * The inventory export and compare share: ListApps, then per selected application ListApp and ExportBindings
 * (into `staging`), normalised into the snapshot the diff compares. A back end with a whole-group inventory
 * (`readGroupInventory`) answers all of that in one call; the snapshots are the same either way.
 */
export async function inventoryGroup(group: BizTalkGroup, selection: { include: string[]; exclude: string[] }, staging: string, reporter: Reporter): Promise<GroupInventory> {
  // Inventory: the whole group in one call when the back end offers it, else ListApps (then ListApp and
  // ExportBindings per application below).
  reporter.progress('Inventory', 'Listing applications', 0, 1);
  const pass = hasGroupInventory(group) ? await group.readGroupInventory() : undefined;
  const applications = pass === undefined ? await group.listApplications() : pass.applications.map((entry) => entry.info);
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
  const resourcesOf = (name: string): Promise<ResourceInfo[]> => {
    let listed = resourcesByApp.get(name);
    if (listed === undefined) {
      listed = group.listResources(name);
      listed.catch(() => undefined);
      resourcesByApp.set(name, listed);
    }
    return listed;
  };
  /** The bindings as ExportBindings writes them, in `file`: from the one pass, else one ExportBindings call. */
  const bindingsOf = async (name: string, file: string): Promise<string> => {
    const read = bindingsByApp.get(name);
    if (read !== undefined) {
      const xml = await read;
      await fs.writeFile(file, xml, 'utf8');
      return xml;
    }
    await group.exportBindings(name, file);
    return Buffer.from(await readExportedFile(name, 'ExportBindings', file, 'bindings file')).toString('utf8');
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
  for (const [index, info] of selected.entries()) {
    reporter.progress('Inventory', info.name, index, selected.length);
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
    try {
      const resources = await resourcesOf(info.name);
      const bindingsFile = path.join(staging, `${index}-${safeFileName(info.name)}.bindings.xml`);
      const bindingsXml = await bindingsOf(info.name, bindingsFile);
      const normalized = normalizeBindings(bindingsXml, `bindings of ${info.name}`);
      inventoried.push({
        info,
        resources,
        bindingsFile,
        bindingsXml,
        snapshot: { info, resources, bindingsFingerprint: normalized.fingerprint, bindings: normalized.summary },
      });
    } catch (error) {
      failures.push(recordFailure(info.name, error, reporter));
    }
  }
  reporter.completed('Inventory');
  return { applications, resourcesOf, skipped, failures, inventoried, onePass: pass !== undefined };
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
