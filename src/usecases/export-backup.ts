import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppSnapshot } from '../core/app-snapshot.js';
import { formatAssemblyName, parseAssemblyName } from '../core/assembly-name.js';
import { emptyBindingsSummary } from '../core/bindings-summary.js';
import { findUnpackagedReferences } from '../core/harvest-dependencies.js';
import { MANIFEST_SCHEMA_VERSION, parseManifest, serializeManifest, type ArtifactRef, type Manifest, type ManifestApplication, type ManifestFailure, type ManifestRedaction, type ManifestWarning } from '../core/manifest.js';
import { ResourceType, type ApplicationInfo, type AssemblyIdentity, type GroupInfo, type ResourceInfo } from '../core/model.js';
import { orderByReferences } from '../core/order-applications.js';
import { planBackup, selectApplications, type BackupPlan, type BackupStep, type SkippedApplication } from '../core/plan-backup.js';
import { safeFileName } from '../core/safe-file-name.js';
import { setIdTime } from '../core/set-id.js';
import { BtsBackupError, isBtsBackupError } from '../errors/index.js';
import { readAssembly } from '../adapters/dotnet/assembly-reader.js';
import { buildApplicationPackage, readApplicationPackage, type ApplicationPackage } from '../adapters/msi/application-package.js';
import { redactSecrets } from '../adapters/xml/redact-secrets.js';
import { findMaskedPasswords } from '../adapters/xml/binding-secrets.js';
import { normalizeBindings } from '../adapters/xml/normalize-bindings.js';
import type { BizTalkGroup } from '../ports/biztalk-group.js';
import type { Clock } from '../ports/clock.js';
import type { BackupStore, StoreLock } from '../ports/store.js';
import type { Reporter } from './reporter.js';

export interface ExportOptions {
  include: string[];
  exclude: string[];
  /** Extra files or folders to keep with the backup (outside dependencies the harvest cannot see). */
  includePaths: string[];
  full: boolean;
  dryRun: boolean;
  /** Break another host's fresh lock. */
  force: boolean;
  /** The store lives on this machine (not a UNC share): Microsoft says to keep backups on another server. */
  storeIsLocal: boolean;
  clock: Clock;
  newSetId: (now: Date) => string;
  tool: { name: string; version: string };
  user: string;
  host: string;
}

export interface ExportOutcome {
  plan: BackupPlan;
  /** The committed manifest, or the current one when nothing changed; undefined on a dry run. */
  manifest?: Manifest;
  /** False when nothing changed since the last set, which stays the current one. */
  committed: boolean;
  /** What this run did per application (the manifest of an uncommitted run is the previous one). */
  statuses: { application: string; backupStatus: 'Exported' | 'Unchanged' | 'Failed' }[];
  exitCode: number;
}

export interface Inventoried {
  info: ApplicationInfo;
  resources: ResourceInfo[];
  bindingsFile: string;
  bindingsXml: string;
  snapshot: AppSnapshot;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const assemblyKey = (fullName: string): string => formatAssemblyName(parseAssemblyName(fullName)).toLowerCase();
const isAssemblyResource = (r: { type: string }): boolean => r.type === ResourceType.BizTalkAssembly || r.type === ResourceType.Assembly;

export interface GroupInventory {
  /** Every application of the group, BizTalk.System included. */
  applications: ApplicationInfo[];
  /** ListApp, cached: each application is listed once per run. */
  resourcesOf: (name: string) => Promise<ResourceInfo[]>;
  skipped: SkippedApplication[];
  /** Applications whose inventory failed (the others go on). */
  failures: ManifestFailure[];
  inventoried: Inventoried[];
}

/**
 * The inventory export and compare share: ListApps, then per selected application ListApp and ExportBindings
 * (into `staging`), normalised into the snapshot the diff compares.
 */
export async function inventoryGroup(group: BizTalkGroup, selection: { include: string[]; exclude: string[] }, staging: string, reporter: Reporter): Promise<GroupInventory> {
  // Inventory.
  reporter.progress('Inventory', 'Listing applications', 0, 1);
  const applications = await group.listApplications();
  const resourcesByApp = new Map<string, ResourceInfo[]>();
  const resourcesOf = async (name: string): Promise<ResourceInfo[]> => {
    const cached = resourcesByApp.get(name);
    if (cached !== undefined) return cached;
    const listed = await group.listResources(name);
    resourcesByApp.set(name, listed);
    return listed;
  };
  // Emptiness decides only for the default application, or for any application when no default is marked.
  const emptiness = new Map<string, boolean>();
  for (const app of applications.filter((a) => !a.isSystem && (a.isDefault || !applications.some((b) => b.isDefault)))) {
    emptiness.set(app.name, (await resourcesOf(app.name)).length === 0);
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
      await group.exportBindings(info.name, bindingsFile);
      const bindingsXml = await fs.readFile(bindingsFile, 'utf8');
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
  return { applications, resourcesOf, skipped, failures, inventoried };
}

/** Reads the newest committed manifest. A corrupt one is an error, never "no previous backup". */
export async function readLatestManifest(store: BackupStore): Promise<Manifest | null> {
  const sets = await store.listSets();
  const latest = sets[sets.length - 1];
  if (latest === undefined) return null;
  return parseManifest(await store.readSet(latest), `${store.location} set ${latest}`);
}

/**
 * Export-BtsAppBackup: inventory, diff against the last set, export what changed, store it, commit a manifest.
 * Plan first; a dry run returns the plan having changed nothing (staging in a private temp folder only).
 */
export async function exportBackup(group: BizTalkGroup, store: BackupStore, options: ExportOptions, reporter: Reporter): Promise<ExportOutcome> {
  const staging = await fs.mkdtemp(path.join(os.tmpdir(), 'btsbackup-export-'));
  let lock: StoreLock | undefined;
  try {
    if (!options.dryRun) {
      await store.init();
      lock = await store.acquireLock('export', { force: options.force }, (message) => reporter.log('warning', message));
      const swept = await store.sweepTemp();
      if (swept.length > 0) reporter.log('info', `Removed ${swept.length} temporary file(s) left by an interrupted run.`);
    }
    const last = (await store.exists()) ? await readLatestManifest(store) : null;
    const groupInfo = await group.describeGroup();

    const { applications, resourcesOf, skipped, failures, inventoried } = await inventoryGroup(group, { include: options.include, exclude: options.exclude }, staging, reporter);

    const plan = planBackup(
      inventoried.map((i) => i.snapshot),
      last,
      { full: options.full, skipped, appliesToAll: options.include.length === 0 && options.exclude.length === 0, present: applications.map((a) => a.name) },
    );
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
    for (const [index, step] of plan.steps.entries()) {
      reporter.progress('Export', step.application, index, plan.steps.length);
      const item = byName.get(step.application);
      if (item === undefined) continue;
      try {
        const previous = last?.applications.find((a) => a.name.toLowerCase() === step.application.toLowerCase());
        const entry = step.action === 'Reuse' && previous !== undefined ? await reuse(step, previous, item, store, reporter) : undefined;
        const app = entry ?? (await exportOne(step, item, group, store, staging, index, setId, packagedAssemblies, harvested, warnings, redactions, reporter));
        warnings.push(...bindingWarnings(item));
        manifestApps.push(app);
        reporter.result('BackupApplication', { name: app.name, backupStatus: app.backupStatus, change: step.change, reasons: app.reasons, artifacts: app.artifacts.map((a) => ({ kind: a.kind, name: a.name, size: a.size, sha256: a.sha256 })) });
      } catch (error) {
        const failure = recordFailure(step.application, error, reporter);
        failures.push(failure);
        const previous = last?.applications.find((a) => a.name === step.application && a.artifacts.length > 0);
        if (previous !== undefined) manifestApps.push({ ...previous, backupStatus: 'Failed', reasons: [`export failed (${failure.code}); the previous backup from ${previous.exportedIn} is kept`] });
        reporter.result('BackupApplication', { name: step.application, backupStatus: 'Failed', change: step.change, reasons: [failure.message], artifacts: [] });
      }
    }
    reporter.completed('Export');
    for (const failure of failures.filter((f) => !plan.steps.some((s) => s.application === f.application))) {
      reporter.result('BackupApplication', { name: failure.application, backupStatus: 'Failed', change: 'Unchanged', reasons: [failure.message], artifacts: [] });
      const previous = last?.applications.find((a) => a.name === failure.application && a.artifacts.length > 0);
      if (previous !== undefined) manifestApps.push({ ...previous, backupStatus: 'Failed', reasons: [`inventory failed (${failure.code}); the previous backup from ${previous.exportedIn} is kept`] });
    }

    warnings.push(...(await staleArtifactWarnings(manifestApps, group, store)));
    const extras = await storeExtras(options.includePaths, store, reporter);
    if (options.storeIsLocal) {
      warnings.push({ kind: 'SameMachineStore', message: `The store ${store.location} is on this machine; Microsoft's guidance is to keep BizTalk backups on another server (use a UNC share).` });
    }
    for (const warning of warnings) reporter.log('warning', warning.application === undefined ? warning.message : `${warning.application}: ${warning.message}`);

    const nothingChanged =
      last !== null &&
      failures.length === 0 &&
      plan.removed.length === 0 &&
      manifestApps.every((a) => a.backupStatus === 'Unchanged') &&
      manifestApps.length === last.applications.length &&
      extras.every((e) => last.extras.some((x) => x.sha256 === e.sha256 && x.name === e.name)) &&
      extras.length === last.extras.length;
    const statuses = manifestApps.map((a) => ({ application: a.name, backupStatus: a.backupStatus }));
    for (const failure of failures) if (!statuses.some((x) => x.application === failure.application)) statuses.push({ application: failure.application, backupStatus: 'Failed' });
    if (nothingChanged) {
      reporter.log('info', `Nothing changed since set ${last.setId}; it stays the current backup.`);
      return { plan, manifest: last, committed: false, statuses, exitCode: 0 };
    }
    const ordered = orderByReferences(manifestApps);
    const manifest: Manifest = {
      schemaVersion: MANIFEST_SCHEMA_VERSION,
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
    };
    await store.commitSet(setId, new TextEncoder().encode(serializeManifest(manifest)), activeLock);
    return { plan, manifest, committed: true, statuses, exitCode: failures.length > 0 ? 3 : 0 };
  } finally {
    if (lock !== undefined) await lock.release().catch(() => undefined);
    await fs.rm(staging, { recursive: true, force: true });
  }
}

function recordFailure(application: string, error: unknown, reporter: Reporter): ManifestFailure {
  if (!isBtsBackupError(error)) throw error;
  reporter.log('warning', `${application}: ${error.message}`);
  return { application, code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) };
}

/** An unchanged application points at the previous set's objects, provided they are still in the store. */
async function reuse(step: BackupStep, previous: ManifestApplication, item: Inventoried, store: BackupStore, reporter: Reporter): Promise<ManifestApplication | undefined> {
  for (const artifact of previous.artifacts) {
    const stat = await store.statObject(artifact.sha256);
    if (stat === undefined || stat.size !== artifact.size) {
      reporter.log('warning', `${step.application}: object ${artifact.name} of the previous backup is missing from the store; exporting again.`);
      step.action = 'Export';
      step.reasons = ['previous backup objects missing from the store'];
      return undefined;
    }
  }
  return { ...previous, description: item.info.description, status: item.info.status, backupStatus: 'Unchanged', reasons: [] };
}

async function exportOne(
  step: BackupStep,
  item: Inventoried,
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
): Promise<ManifestApplication> {
  const name = item.info.name;
  const fileBase = safeFileName(name);
  const msiPath = path.join(staging, `${index}-${fileBase}.msi`);
  reporter.log('verbose', `ExportApp ${name}`);
  const outcome = await group.exportApplication(name, msiPath);
  for (const warning of outcome.warnings) warnings.push({ kind: 'Other', application: name, message: warning });
  let pkg = readApplicationPackage(new Uint8Array(await fs.readFile(msiPath)), `${fileBase}.msi`);
  checkPackageComplete(name, pkg, item.resources);
  pkg = await redactPackage(name, `${fileBase}.msi`, pkg, msiPath, redactions, reporter);
  await redactFile(name, `${fileBase}.bindings.xml`, item.bindingsFile, redactions);

  const references = item.info.references ?? pkg.adf.references.filter((r) => r !== 'BizTalk.System');
  const packaged = packagedAssemblyHashes(pkg);
  const msi = await store.putFile(msiPath);
  const bindings = await store.putFile(item.bindingsFile);
  const artifacts: ArtifactRef[] = [
    { kind: 'msi', name: `${fileBase}.msi`, sha256: msi.sha256, size: msi.size },
    { kind: 'bindings', name: `${fileBase}.bindings.xml`, sha256: bindings.sha256, size: bindings.size },
  ];
  artifacts.push(...(await storeEnvironmentBindings(fileBase, pkg, store, staging, index)));
  artifacts.push(...(await harvestDependencies(name, pkg, group, store, packagedAssemblies, harvested, warnings, reporter)));
  return {
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
  };
}

/**
 * Clear-text secrets never reach the store (RELIABILITY promise 7): added binding files keep their passwords inside the
 * MSI and configuration files carry connection strings. Mask them and re-pack the MSI; record where, never what.
 */
async function redactPackage(application: string, artifact: string, pkg: ApplicationPackage, msiPath: string, redactions: ManifestRedaction[], reporter: Reporter): Promise<ApplicationPackage> {
  let changed = false;
  const resources = pkg.resources.map((resource) => ({
    type: resource.type,
    luid: resource.luid,
    properties: resource.properties,
    files: resource.files.map((file) => {
      if (file.path.toLowerCase().endsWith('.dll')) return { name: file.path, bytes: file.bytes };
      const redacted = redactSecrets(file.bytes, file.path);
      if (redacted === undefined) return { name: file.path, bytes: file.bytes };
      changed = true;
      for (const r of redacted.redactions) redactions.push({ application, artifact, file: file.path, kind: r.kind, ...(r.location === undefined ? {} : { location: r.location }) });
      return { name: file.path, bytes: redacted.bytes };
    }),
  }));
  if (!changed) return pkg;
  reporter.log('warning', `${application}: clear-text passwords in the MSI's resources were masked before storing it (see the manifest's redactions).`);
  const description = pkg.adf.properties['ApplicationDescription'] ?? '';
  const bytes = buildApplicationPackage({
    application,
    description,
    author: pkg.summary.author,
    revision: pkg.summary.revision,
    productCode: pkg.properties['ProductCode'] ?? pkg.summary.revision,
    createdAt: pkg.summary.created ?? new Date(0),
    references: pkg.adf.references.filter((r) => r !== 'BizTalk.System'),
    resources,
  });
  await fs.writeFile(msiPath, bytes);
  return readApplicationPackage(bytes, artifact);
}

async function redactFile(application: string, artifact: string, file: string, redactions: ManifestRedaction[]): Promise<void> {
  const redacted = redactSecrets(new Uint8Array(await fs.readFile(file)), artifact);
  if (redacted === undefined) return;
  for (const r of redacted.redactions) redactions.push({ application, artifact, file: artifact, kind: r.kind, ...(r.location === undefined ? {} : { location: r.location }) });
  await fs.writeFile(file, redacted.bytes);
}

/**
 * Binding files added to the application for an environment (TargetEnvironment) are kept beside the MSI as
 * `<app>.<Environment>.bindings.xml`, so that a restore with --environment imports that variant (with its secrets).
 */
async function storeEnvironmentBindings(fileBase: string, pkg: ApplicationPackage, store: BackupStore, staging: string, index: number): Promise<ArtifactRef[]> {
  const artifacts: ArtifactRef[] = [];
  for (const resource of pkg.resources.filter((r) => r.type === ResourceType.BizTalkBinding)) {
    const environment = (resource.properties['TargetEnvironment'] ?? '').trim();
    const file = resource.files[0];
    if (environment === '' || file === undefined || artifacts.some((a) => a.name.toLowerCase() === `${fileBase}.${safeFileName(environment)}.bindings.xml`.toLowerCase())) continue;
    const name = `${fileBase}.${safeFileName(environment)}.bindings.xml`;
    const temp = path.join(staging, `${index}-env-${artifacts.length}.bindings.xml`);
    await fs.writeFile(temp, file.bytes);
    const put = await store.putFile(temp);
    artifacts.push({ kind: 'bindings', name, sha256: put.sha256, size: put.size });
  }
  return artifacts;
}

/** The MSI must hold every resource the group listed (the ADF is its table of contents). */
function checkPackageComplete(application: string, pkg: ApplicationPackage, resources: readonly ResourceInfo[]): void {
  const inAdf = new Set(pkg.adf.resources.map((r) => `${r.type}|${r.luid}`.toLowerCase()));
  const missing = resources.filter((r) => !inAdf.has(`${r.type}|${r.luid}`.toLowerCase()));
  if (missing.length > 0) {
    throw new BtsBackupError('E_INVALID_DATA', `The MSI exported for "${application}" lacks ${missing.length} resource(s): ${missing.map((m) => m.luid).join(', ')}.`, {
      target: application,
      hint: 'Export the application again; if it persists, check the resources in the BizTalk Administration console.',
    });
  }
}

function packagedAssemblyHashes(pkg: ApplicationPackage): { fullName: string; sha256: string }[] {
  const out: { fullName: string; sha256: string }[] = [];
  for (const resource of pkg.resources.filter(isAssemblyResource)) {
    const dll = resource.files.find((f) => f.path.toLowerCase().endsWith('.dll'));
    if (dll !== undefined) out.push({ fullName: resource.luid, sha256: sha256(dll.bytes) });
  }
  return out;
}

/** Reads the AssemblyRefs of the application's DLLs and stores what the GAC holds that no MSI carries, transitively. */
async function harvestDependencies(
  application: string,
  pkg: ApplicationPackage,
  group: BizTalkGroup,
  store: BackupStore,
  packagedAssemblies: ReadonlySet<string>,
  harvested: Map<string, ArtifactRef>,
  warnings: ManifestWarning[],
  reporter: Reporter,
): Promise<ArtifactRef[]> {
  const artifacts: ArtifactRef[] = [];
  const seen = new Set<string>();
  let pending: AssemblyIdentity[] = [];
  for (const resource of pkg.resources.filter(isAssemblyResource)) {
    for (const file of resource.files.filter((f) => f.path.toLowerCase().endsWith('.dll'))) {
      pending.push(...readAssembly(file.bytes, `${application}: ${file.path}`).references);
    }
  }
  while (pending.length > 0) {
    const wanted = findUnpackagedReferences(pending, packagedAssemblies, seen);
    pending = [];
    for (const fullName of wanted) {
      seen.add(fullName.toLowerCase());
      const known = harvested.get(fullName.toLowerCase());
      if (known !== undefined) {
        artifacts.push(known);
        continue;
      }
      const file = await group.locateAssembly(fullName);
      if (file === undefined) {
        warnings.push({ kind: 'MissingDependency', application, message: `${fullName} is referenced but is neither a resource of any application nor in the GAC; back it up by hand (--include-path).` });
        continue;
      }
      const bytes = new Uint8Array(await fs.readFile(file));
      pending.push(...readAssembly(bytes, file).references);
      const put = await store.putFile(file);
      const artifact: ArtifactRef = { kind: 'dependency', name: path.basename(file), sha256: put.sha256, size: put.size, assembly: fullName, sourcePath: file };
      harvested.set(fullName.toLowerCase(), artifact);
      artifacts.push(artifact);
      reporter.log('verbose', `${application}: harvested ${fullName} from ${file}`);
    }
  }
  return artifacts;
}

function bindingWarnings(item: Inventoried): ManifestWarning[] {
  const warnings: ManifestWarning[] = [];
  for (const location of findMaskedPasswords(item.bindingsXml, `bindings of ${item.info.name}`)) {
    warnings.push({
      kind: 'MaskedPassword',
      application: item.info.name,
      message: `The password of ${location.location === undefined ? `send port "${location.port}"` : `receive location "${location.location}"`} (${location.field}) is masked in the exported bindings; a restore needs it from a secrets file.`,
      location,
    });
  }
  for (const resource of item.resources.filter((r) => r.type === ResourceType.WebDirectory)) {
    const target = resource.properties['DestinationLocation'] ?? resource.luid;
    if (/\/\/localhost[:/]/i.test(`${target}/`) || /\/\/localhost[:/]/i.test(`${resource.luid}/`)) {
      warnings.push({ kind: 'LocalWebDirectory', application: item.info.name, message: `Web directory ${resource.luid} points at localhost: it is created only on the server where the MSI is installed.` });
    }
  }
  return warnings;
}

/** A hot fix put in the GAC but not into the application's resource is not in the MSI: say so. */
async function staleArtifactWarnings(applications: readonly ManifestApplication[], group: BizTalkGroup, store: BackupStore): Promise<ManifestWarning[]> {
  void store;
  const warnings: ManifestWarning[] = [];
  for (const app of applications) {
    for (const assembly of app.packagedAssemblies) {
      const file = await group.locateAssembly(assembly.fullName);
      if (file === undefined) continue;
      const gacHash = sha256(new Uint8Array(await fs.readFile(file)));
      if (gacHash !== assembly.sha256) {
        warnings.push({ kind: 'StaleArtifact', application: app.name, message: `${assembly.fullName} in the GAC differs from the copy in the MSI: a hot fix applied to the GAC only would be lost on restore. Refresh the resource (BTSTask AddResource /Overwrite) and export again.` });
      }
    }
  }
  return warnings;
}

async function storeExtras(paths: readonly string[], store: BackupStore, reporter: Reporter): Promise<ArtifactRef[]> {
  const extras: ArtifactRef[] = [];
  const visit = async (file: string): Promise<void> => {
    let stat;
    try {
      stat = await fs.stat(file);
    } catch (cause) {
      throw new BtsBackupError('E_USAGE', `--include-path ${file} does not exist.`, { target: file, cause, hint: 'Name an existing file or folder.' });
    }
    if (stat.isDirectory()) {
      for (const child of (await fs.readdir(file)).sort()) await visit(path.join(file, child));
      return;
    }
    const put = await store.putFile(file);
    extras.push({ kind: 'extra', name: path.basename(file), sha256: put.sha256, size: put.size, sourcePath: path.resolve(file) });
    reporter.log('verbose', `Stored extra file ${file}`);
  };
  for (const p of paths) await visit(p);
  return extras;
}
