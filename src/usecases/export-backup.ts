import path from 'node:path';
import { auditInstallActions } from '../core/audit-install-actions.js';
import { fingerprintApplication } from '../core/app-snapshot.js';
import { formatAssemblyName, parseAssemblyName } from '../core/assembly-name.js';
import { emptyBindingsSummary } from '../core/bindings-summary.js';
import { type ArtifactRef, type Manifest, type ManifestApplication, type ManifestRedaction, type ManifestWarning } from '../core/manifest.js';
import type { GroupInfo, ResourceInfo } from '../core/model.js';
import { orderByReferences } from '../core/order-applications.js';
import { planBackup, type BackupPlan, type BackupStep } from '../core/plan-backup.js';
import { safeFileName } from '../core/safe-file-name.js';
import { setIdTime } from '../core/set-id.js';
import { DEFAULT_RECHECK_DAYS, lastContentRead, recheckDue, unseenContent } from '../core/recheck.js';
import { BtsBackupError, isBtsBackupError } from '../errors/index.js';
import { readApplicationPackage, type ApplicationPackage } from '../formats/msi/application-package.js';
import { contentDifferences, packageContent } from '../formats/msi/package-content.js';
import type { BizTalkGroup } from '../ports/biztalk-group.js';
import type { Clock } from '../ports/clock.js';
import type { BackupStore, StoreLock } from '../ports/store.js';
import {
  bindingWarnings,
  checkPackageComplete,
  checkPackageIdentity,
  harvestDependencies,
  isAssemblyResource,
  packagedAssemblyHashes,
  redactFile,
  readExportedFile,
  redactPackage,
  staleArtifactWarnings,
  storeEnvironmentBindings,
  storeExtras,
} from './export-artifacts.js';
import { inventoryGroup, readLatestManifest, recordFailure, type GroupInventory, type Inventoried } from './inventory-group.js';
import type { TempAreas } from '../ports/temp-area.js';
import { recordRepairs } from './record-repairs.js';
import { openStaging } from './staging.js';
import { commitManifest } from './set-manifests.js';
import { TREE_SCHEMA_VERSION } from '../core/manifest-tree.js';
import type { Reporter } from './reporter.js';


export interface ExportOptions {
  include: string[];
  exclude: string[];
  /** Extra files or folders to keep with the backup (outside dependencies the harvest cannot see). */
  includePaths: string[];
  full: boolean;
  dryRun: boolean;
  /** The token of a live lock to break (--break-lock); nothing else breaks a live lock. */
  breakLock?: string;
  /** The store lives on this machine (not a UNC share): Microsoft says to keep backups on another server. */
  storeIsLocal: boolean;
  clock: Clock;
  newSetId: (now: Date) => string;
  tool: { name: string; version: string };
  user: string;
  host: string;
  /** Where staging goes (the CLI wires the swept, owner-marked temp areas). */
  tempAreas?: TempAreas;
  /**
   * Applications whose resources the back end lists without their content (BTSTask) are exported again on their night
   * of a cycle this many days long, and stored only if their content differs (see recheckDue). 0: never. Default 7.
   */
  recheckDays?: number;
}

export interface ExportOutcome {
  plan: BackupPlan;
  /** The committed manifest, or the current one when nothing changed; undefined on a dry run. */
  manifest?: Manifest;
  /** False when nothing changed since the last set, which stays the current one. */
  committed: boolean;
  /** Objects found damaged in the store and replaced with the good bytes this run produced (dedup checks, never trusts). */
  repairedObjects?: number;
  /** What this run did per application (the manifest of an uncommitted run is the previous one). */
  statuses: { application: string; backupStatus: 'Exported' | 'Unchanged' | 'Failed' }[];
  exitCode: number;
}

const assemblyKey = (fullName: string): string => formatAssemblyName(parseAssemblyName(fullName)).toLowerCase();

/**
 * Export-BtsAppBackup: inventory, diff against the last set, export what changed, store it, commit a manifest.
 * Plan first; a dry run returns the plan having changed nothing (staging in a private temp folder only).
 */
export async function exportBackup(group: BizTalkGroup, untrackedStore: BackupStore, options: ExportOptions, reporter: Reporter): Promise<ExportOutcome> {
  const repairs: ManifestWarning[] = [];
  const store = recordRepairs(untrackedStore, (put) => {
    const message = `The stored object ${put.sha256} was damaged (${put.repaired.size} bytes hashing to ${put.repaired.sha256}); it was replaced with the good bytes this run exported.`;
    repairs.push({ kind: 'RepairedObject', message });
  });
  // Staging holds the un-redacted MSI between BTSTask's export and the redaction: a swept temp area, so a kill -9 in
  // between leaves nothing clear behind once the next run starts.
  const stagingArea = await openStaging(options.tempAreas, 'export');
  const staging = stagingArea.path;
  let lock: StoreLock | undefined;
  try {
    if (!options.dryRun) {
      await store.init();
      lock = await store.acquireLock('export', options.breakLock === undefined ? {} : { breakLock: options.breakLock }, (message) => reporter.log('warning', message, undefined, 'LockTakenOver'));
      const swept = await store.sweepTemp();
      if (swept.length > 0) reporter.log('info', `Removed ${swept.length} temporary file(s) left by an interrupted run.`);
    }
    const last = (await store.exists()) ? await readLatestManifest(store) : null;
    const groupInfo = await group.describeGroup();

    const runStarted = options.clock.now();
    const recheckDays = options.recheckDays ?? DEFAULT_RECHECK_DAYS;
    // Applications whose content is read whole tonight need no ListApp first (see InventoryOptions.unlisted).
    const unlisted = new Set(
      options.full || last === null
        ? []
        : last.applications.filter((a) => a.backupStatus !== 'Failed' && a.artifacts.some((x) => x.kind === 'msi') && unseenContent(a.resources).length > 0 && recheckDue(a.name, runStarted, recheckDays, lastContentRead(a))).map((a) => a.name),
    );
    const inventory = await inventoryGroup(group, { include: options.include, exclude: options.exclude }, staging, reporter, { previous: last, unlisted });
    const { applications, resourcesOf, skipped, failures, inventoried } = inventory;
    const planNow = (): BackupPlan =>
      planBackup(
        inventoried.map((i) => i.snapshot),
        last,
        {
          full: options.full,
          skipped,
          appliesToAll: options.include.length === 0 && options.exclude.length === 0,
          present: applications.map((a) => a.name),
          recheck: { now: runStarted, days: recheckDays },
        },
      );
    let plan = planNow();
    // An application to export whose bindings the inventory took from the previous set (its slice of the group-level
    // bindings was unchanged) is read now, and the plan made again with what was read: the plan a dry run prints is
    // the one a real run carries out, fingerprints and reasons included.
    const unread = plan.steps.filter((step) => step.action === 'Export' && step.recheck !== true).flatMap((step) => inventoried.filter((i) => i.info.name === step.application && (i.exported === undefined || !i.listed)));
    for (const item of unread) {
      try {
        await inventory.listResources(item);
        await inventory.readBindings(item);
      } catch (error) {
        failures.push(recordFailure(item.info.name, error, reporter));
        inventoried.splice(inventoried.indexOf(item), 1);
      }
    }
    if (unread.length > 0) plan = planNow();
    if (options.dryRun) return { plan, committed: false, statuses: [], exitCode: failures.length > 0 ? 3 : 0 };

    // Execute the plan.
    const activeLock = lock;
    if (activeLock === undefined) throw new BtsBackupError('E_INTERNAL', 'export ran without a lock');
    const packagedAssemblies = new Set<string>();
    for (const app of applications) {
      // Every application's resources count, selected or not: a DLL another application deploys is not "outside".
      const resources = await resourcesOf(app.name).catch(() => [] as ResourceInfo[]);
      for (const resource of resources) if (isAssemblyResource(resource)) packagedAssemblies.add(assemblyKey(resource.luid));
    }
    const warnings: ManifestWarning[] = [];
    const redactions: ManifestRedaction[] = [];
    const manifestApps: ManifestApplication[] = [];
    // Set ids sort by their second: a set made within the second of the previous one takes the next second.
    const now = options.clock.now();
    const lastTime = last === null ? undefined : setIdTime(last.setId);
    const setId = options.newSetId(lastTime !== undefined && lastTime.getTime() + 1000 > now.getTime() ? new Date(lastTime.getTime() + 1000) : now);
    const byName = new Map(inventoried.map((i) => [i.info.name, i] as const));
    const harvested = new Map<string, ArtifactRef>();
    /** Applications whose content a recheck read and found the same: the set records it (contentReadAt). */
    let rechecked = 0;
    for (const [index, step] of plan.steps.entries()) {
      reporter.progress('Export', step.application, index, plan.steps.length);
      const item = byName.get(step.application);
      if (item === undefined) continue;
      try {
        const previous = last?.applications.find((a) => a.name.toLowerCase() === step.application.toLowerCase());
        let app = step.action === 'Reuse' && previous !== undefined ? await reuse(step, previous, item, store, reporter) : undefined;
        if (app === undefined) {
          const exportNow = (s: BackupStep) => exportOne(s, item, previous, inventory, group, store, staging, index, setId, packagedAssemblies, harvested, warnings, redactions, reporter);
          const exported = await exportNow(step);
          if (exported !== 'same') app = exported;
          else {
            // A recheck that found the stored content: the previous objects stand (stored again only if they are gone),
            // and the set records when the content was read, so the next recheck counts from tonight.
            const kept = previous === undefined ? undefined : await reuse(step, previous, item, store, reporter);
            const stored = kept === undefined ? await exportNow({ ...step, recheck: false }) : { ...kept, contentReadAt: runStarted.toISOString() };
            if (stored === 'same') throw new BtsBackupError('E_INTERNAL', `the export of ${step.application} compared instead of storing`);
            if (kept !== undefined) rechecked += 1;
            app = stored;
          }
        }
        warnings.push(...bindingWarnings(item, last));
        manifestApps.push(app);
        reporter.result('BackupApplication', { name: app.name, backupStatus: app.backupStatus, change: step.change, reasons: app.reasons, artifacts: app.artifacts.map((a) => ({ kind: a.kind, name: a.name, size: a.size, sha256: a.sha256 })) });
      } catch (error) {
        const failure = recordFailure(step.application, error, reporter);
        failures.push(failure);
        const previous = last?.applications.find((a) => a.name === step.application && a.artifacts.length > 0);
        if (previous !== undefined) manifestApps.push(withSlice({ ...previous, backupStatus: 'Failed', reasons: [`export failed (${failure.code}); the previous backup from ${previous.exportedIn} is kept`] }, undefined));
        reporter.result('BackupApplication', { name: step.application, backupStatus: 'Failed', change: step.change, reasons: [failure.message], artifacts: [] });
      }
    }
    reporter.completed('Export');
    for (const failure of failures.filter((f) => !plan.steps.some((s) => s.application === f.application))) {
      reporter.result('BackupApplication', { name: failure.application, backupStatus: 'Failed', change: 'Unchanged', reasons: [failure.message], artifacts: [] });
      const previous = last?.applications.find((a) => a.name === failure.application && a.artifacts.length > 0);
      if (previous !== undefined) manifestApps.push(withSlice({ ...previous, backupStatus: 'Failed', reasons: [`inventory failed (${failure.code}); the previous backup from ${previous.exportedIn} is kept`] }, undefined));
    }

    warnings.push(...(await staleArtifactWarnings(manifestApps, group)));
    const extras = await storeExtras(options.includePaths, store, reporter);
    warnings.push(...repairs);
    if (options.storeIsLocal) {
      warnings.push({ kind: 'SameMachineStore', message: `The store ${store.location} is on this machine; Microsoft's guidance is to keep BizTalk backups on another server (use a UNC share).` });
    }
    for (const warning of warnings) reporter.log('warning', warning.application === undefined ? warning.message : `${warning.application}: ${warning.message}`, undefined, warning.kind);

    // The same failures as the last set (same applications, same codes) are no change either: a run every 15 minutes
    // that keeps failing on one application reports it each time, but does not write a set each time.
    const sameFailures =
      last !== null && failures.length === last.failures.length && failures.every((f) => last.failures.some((l) => l.application.toLowerCase() === f.application.toLowerCase() && l.code === f.code));
    const nothingChanged =
      last !== null &&
      sameFailures &&
      plan.removed.length === 0 &&
      manifestApps.every((a) => a.backupStatus === 'Unchanged' || (a.backupStatus === 'Failed' && last.applications.some((l) => l.name === a.name && l.backupStatus === 'Failed'))) &&
      manifestApps.length === last.applications.length &&
      extras.every((e) => last.extras.some((x) => x.sha256 === e.sha256 && x.name === e.name)) &&
      extras.length === last.extras.length &&
      sameBindingsCut(last, manifestApps, inventory.groupBindingsResidue) &&
      rechecked === 0;
    const statuses = manifestApps.map((a) => ({ application: a.name, backupStatus: a.backupStatus }));
    for (const failure of failures) if (!statuses.some((x) => x.application === failure.application)) statuses.push({ application: failure.application, backupStatus: 'Failed' });
    if (nothingChanged) {
      reporter.log('info', failures.length === 0 ? `Nothing changed since set ${last.setId}; it stays the current backup.` : `Nothing changed since set ${last.setId}, which records the same ${failures.length} failure(s); it stays the current backup.`);
      return { plan, manifest: last, committed: false, statuses, repairedObjects: repairs.length, exitCode: failures.length > 0 ? 3 : 0 };
    }
    if (rechecked > 0 && manifestApps.every((a) => a.backupStatus === 'Unchanged')) {
      reporter.log('info', `No application changed; ${rechecked} had their content read again (content recheck) and found as stored. The new set records when.`);
    }
    const ordered = orderByReferences(manifestApps);
    const manifest: Manifest = {
      schemaVersion: TREE_SCHEMA_VERSION,
      setId,
      createdAt: options.clock.now().toISOString(),
      createdBy: { user: options.user, host: options.host },
      tool: options.tool,
      group: { ...groupInfo } satisfies GroupInfo,
      parent: last?.setId ?? null,
      full: options.full,
      importOrder: ordered.map((a) => a.name),
      applications: ordered,
      extras,
      warnings,
      failures,
      redactions,
      ...(inventory.groupBindingsResidue === undefined ? {} : { groupBindingsResidue: inventory.groupBindingsResidue }),
    };
    // The last moment a stop can still mean "nothing committed", whatever phase it arrived in.
    reporter.checkpoint?.();
    const written = await commitManifest(store, manifest, last, activeLock);
    return { plan, manifest: written.manifest, committed: true, statuses, repairedObjects: repairs.length, exitCode: failures.length > 0 ? 3 : 0 };
  } finally {
    if (lock !== undefined) await lock.release().catch(() => undefined);
    await stagingArea.remove();
  }
}

/** An unchanged application points at the previous set's objects, provided they are still in the store. */
async function reuse(step: BackupStep, previous: ManifestApplication, item: Inventoried, store: BackupStore, reporter: Reporter): Promise<ManifestApplication | undefined> {
  for (const artifact of previous.artifacts) {
    const stat = await store.statObject(artifact.sha256);
    if (stat === undefined || stat.size !== artifact.size) {
      reporter.log('warning', `${step.application}: object ${artifact.name} of the previous backup is missing from the store; exporting again.`, undefined, 'MissingStoreObject');
      step.action = 'Export';
      step.reasons = ['previous backup objects missing from the store'];
      return undefined;
    }
  }
  return withSlice({ ...previous, description: item.info.description, status: item.info.status, backupStatus: 'Unchanged', reasons: [] }, item.bindingsSlice);
}

/**
 * ExportApp of one application, checked, redacted and stored with its bindings and outside dependencies. A recheck
 * step (see recheckDue) first compares the package's content with the previous set's MSI: the same content stores
 * nothing and gives 'same'; a difference is stored, the step turned Changed with the resources that differ as reasons.
 */
async function exportOne(
  step: BackupStep,
  item: Inventoried,
  previous: ManifestApplication | undefined,
  inventory: Pick<GroupInventory, 'readBindings' | 'listResources'>,
  group: BizTalkGroup,
  store: BackupStore,
  staging: string,
  index: number,
  setId: string,
  packagedAssemblies: ReadonlySet<string>,
  harvested: Map<string, ArtifactRef>,
  warnings: ManifestWarning[],
  redactions: ManifestRedaction[],
  reporter: Reporter,
): Promise<ManifestApplication | 'same'> {
  const name = item.info.name;
  const fileBase = safeFileName(name);
  const msiPath = path.join(staging, `${index}-${fileBase}.msi`);
  // Stored whatever the package holds (a recheck decides after the comparison): its bindings go to staging first.
  if (step.recheck !== true) await inventory.readBindings(item);
  reporter.log('verbose', `ExportApp ${name}`);
  const outcome = await group.exportApplication(name, msiPath);
  for (const warning of outcome.warnings) warnings.push({ kind: 'Other', application: name, message: warning });
  let pkg = readApplicationPackage(await readExportedFile(name, 'ExportApp', msiPath, 'MSI'), `${fileBase}.msi`);
  checkPackageIdentity(name, pkg);
  if (item.listed) checkPackageComplete(name, pkg, item.resources);
  for (const finding of auditInstallActions(name, pkg.adf.resources)) {
    const what = finding.option === 'Destination' ? 'no destination location (DestinationLocation)' : `no ${finding.option} (${finding.property} in the ADF)`;
    warnings.push({ kind: 'MissingInstallAction', application: name, message: `Resource ${finding.type} ${finding.luid} has ${what}: ${finding.consequence}. Fix: ${finding.fix}, or in the ${finding.consoleFix}; then export again.` });
  }
  pkg = await redactPackage(name, `${fileBase}.msi`, pkg, msiPath, redactions, reporter);
  if (step.recheck === true) {
    const differences = await recheckContent(pkg, previous, store, `${fileBase}.msi`);
    if (differences.length === 0) {
      reporter.log('verbose', `${name}: content recheck found what the store holds; nothing stored.`);
      return 'same';
    }
    step.change = 'Changed';
    step.reasons = differences;
  }
  // Stored after all: the ListApp a recheck left out runs now, and the package is checked against it.
  if (!item.listed) {
    await inventory.listResources(item);
    checkPackageComplete(name, pkg, item.resources);
    step.fingerprint = fingerprintApplication({ references: item.info.references ?? [], resources: item.resources, bindingsFingerprint: item.snapshot.bindingsFingerprint });
  }
  await inventory.readBindings(item);
  const exported = item.exported;
  if (exported === undefined) throw new BtsBackupError('E_INTERNAL', `the bindings of ${name} were not read before its export`);
  await redactFile(name, `${fileBase}.bindings.xml`, exported.file, redactions);

  const references = item.info.references ?? pkg.adf.references.filter((r) => r !== 'BizTalk.System');
  const packaged = packagedAssemblyHashes(pkg);
  const msi = await store.putFile(msiPath);
  const bindings = await store.putFile(exported.file);
  const artifacts: ArtifactRef[] = [
    { kind: 'msi', name: `${fileBase}.msi`, sha256: msi.sha256, size: msi.size },
    { kind: 'bindings', name: `${fileBase}.bindings.xml`, sha256: bindings.sha256, size: bindings.size },
  ];
  artifacts.push(...(await storeEnvironmentBindings(fileBase, pkg, store, staging, index)));
  artifacts.push(...(await harvestDependencies(name, pkg, group, store, packagedAssemblies, harvested, warnings, reporter)));
  return withSlice({
    name,
    description: item.info.description,
    isDefault: item.info.isDefault,
    status: item.info.status,
    references,
    backupStatus: 'Exported',
    exportedIn: setId,
    fingerprint: step.fingerprint,
    reasons: step.reasons,
    resources: item.resources,
    bindingsFingerprint: item.snapshot.bindingsFingerprint,
    bindings: item.snapshot.bindings ?? emptyBindingsSummary(),
    packagedAssemblies: packaged,
    artifacts,
  }, item.bindingsSlice);
}

/**
 * Whether the set would record the group-level bindings cut as `last` does. When it would not (the first run that cut
 * them, or bindings outside every application's own changed: parties, an excluded application's modules), a set is
 * written although no application changed, or every later night would read every application's bindings again.
 */
function sameBindingsCut(last: Manifest, apps: readonly ManifestApplication[], residue: string | undefined): boolean {
  if (residue === undefined) return true;
  if (last.groupBindingsResidue !== residue) return false;
  const before = new Map(last.applications.map((a) => [a.name, a.bindingsSlice] as const));
  return apps.every((a) => before.get(a.name) === a.bindingsSlice);
}

/**
 * What a recheck found different from the previous set's MSI, as reasons (none: the same content). A previous MSI that
 * cannot be read counts as different: the new one is stored.
 */
async function recheckContent(pkg: ApplicationPackage, previous: ManifestApplication | undefined, store: BackupStore, source: string): Promise<string[]> {
  const msi = previous?.artifacts.find((a) => a.kind === 'msi');
  if (msi === undefined) return ['content recheck: the previous set holds no MSI'];
  let before: Map<string, string>;
  try {
    before = packageContent(readApplicationPackage(await store.readObject(msi.sha256), msi.name), msi.name);
  } catch (error) {
    if (!isBtsBackupError(error)) throw error;
    return [`content recheck: the stored MSI could not be read (${error.code})`];
  }
  return contentDifferences(before, packageContent(pkg, source)).map((what) => `content changed (recheck): ${what}`);
}

/** The entry with this run's slice of the group-level bindings, or none (never the previous set's: see reusableBindings). */
function withSlice(app: ManifestApplication, slice: string | undefined): ManifestApplication {
  const { bindingsSlice: _previous, ...rest } = app;
  return slice === undefined ? rest : { ...rest, bindingsSlice: slice };
}
