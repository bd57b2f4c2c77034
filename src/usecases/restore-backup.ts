import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fingerprintApplication } from '../core/app-snapshot.js';
import { diffBindings, diffReferences, diffResources } from '../core/diff-inventory.js';
import type { Manifest, ManifestApplication } from '../core/manifest.js';
import { readManifest } from './set-manifests.js';
import { SYSTEM_APPLICATION, type ResourceInfo } from '../core/model.js';
import { planRestore, type ObjectCheck, type RestoreApplicationPlan, type RestoreMode, type RestorePlan, type RestoreProblem, type RestoreStep, type TargetApplication, type TargetInventory } from '../core/plan-restore.js';
import { safeFileName } from '../core/safe-file-name.js';
import { secretLocationKey, secretsForApplication, type SecretEntry } from '../core/secrets.js';
import { BtsBackupError, errorCodes, hints, isBtsBackupError, type ErrorCode } from '../errors/index.js';
import { injectSecrets } from '../formats/bindings/binding-secrets.js';
import { injectFileSecrets } from '../formats/bindings/redact-secrets.js';
import { readApplicationPackage } from '../formats/msi/application-package.js';
import { patchPackageFiles, type PackageFileChange } from '../formats/msi/package-patch.js';
import { normalizeBindings } from '../formats/bindings/normalize-bindings.js';
import { decodeText } from '../formats/bindings/parse-xml.js';
import type { BizTalkRestoreTarget } from '../ports/biztalk-restore.js';
import type { BackupStore } from '../ports/store.js';
import { readLatestManifest } from './inventory-group.js';
import type { Reporter } from './reporter.js';
import type { TempAreas } from '../ports/temp-area.js';
import { openStaging } from './staging.js';

export interface RestoreOptions {
  /** A set id, or `latest`. */
  set: string;
  mode: RestoreMode;
  include: string[];
  exclude: string[];
  includeReferenced: boolean;
  overwrite: boolean;
  environment?: string;
  /** Import mode: install each MSI on this server after importing it. */
  installOnThisServer: boolean;
  dryRun: boolean;
  /** Values for masked passwords, from the decrypted secrets file. Kept in memory only. */
  secrets: readonly SecretEntry[];
  allowMissingSecrets: boolean;
  /** Restore under prefixed names (a drill on a live group). */
  namePrefix?: string;
  /** Where msiexec logs go; a private temp folder (removed afterwards) when omitted. */
  logDir?: string;
  /** Where staging goes (the CLI wires the swept, owner-marked temp areas). */
  tempAreas?: TempAreas;
}

export type RestoreApplicationStatus = 'Imported' | 'Installed' | 'Unchanged' | 'Failed' | 'Skipped' | 'Planned';

export interface RestoreStepResult {
  action: RestoreStep['action'];
  detail: string;
  status: 'Done' | 'Failed' | 'NotRun' | 'Planned';
  error?: Record<string, unknown>;
}

export interface RestoreApplicationResult {
  application: string;
  targetName: string;
  status: RestoreApplicationStatus;
  reasons: string[];
  warnings: string[];
  errors: Record<string, unknown>[];
  steps: RestoreStepResult[];
}

export interface RestoreOutcome {
  manifest: Manifest;
  plan: RestorePlan;
  results: RestoreApplicationResult[];
  exitCode: number;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export async function readBackupSet(store: BackupStore, set: string): Promise<Manifest> {
  if (!(await store.exists())) throw new BtsBackupError('E_STORE_MISSING', `There is no BizTalkBackup store at ${store.location}.`, { target: store.location });
  if (set === 'latest' || set === '') {
    const latest = await readLatestManifest(store);
    if (latest === null) throw new BtsBackupError('E_SET_NOT_FOUND', `The store ${store.location} holds no backup set yet.`, { target: store.location, hint: hints.noSetYet });
    return latest;
  }
  const sets = await store.listSets();
  if (!sets.includes(set)) throw new BtsBackupError('E_SET_NOT_FOUND', `Backup set ${set} is not in ${store.location}.`, { target: set, hint: hints.listSets });
  return readManifest(store, set);
}

/**
 * The target as the plan needs it: applications with their current fingerprints (computed exactly as export does,
 * so an application restored from this backup compares equal), hosts, handlers, and, for install mode, what the
 * GAC holds. Reads only.
 */
export async function inventoryTarget(target: BizTalkRestoreTarget, manifest: Manifest, mode: RestoreMode, prefix: string, staging: string): Promise<TargetInventory & { snapshots: Map<string, { references: string[]; resources: ResourceInfo[]; bindingsFingerprint: string; bindings: ReturnType<typeof normalizeBindings>['summary'] }> }> {
  const apps = await target.listApplications();
  const wanted = new Set(manifest.applications.map((a) => `${prefix}${a.name}`.toLowerCase()));
  const snapshots = new Map<string, { references: string[]; resources: ResourceInfo[]; bindingsFingerprint: string; bindings: ReturnType<typeof normalizeBindings>['summary'] }>();
  const applications: TargetApplication[] = [];
  for (const [index, app] of apps.entries()) {
    let fingerprint: string | null = null;
    let resourceCount = 0;
    if (wanted.has(app.name.toLowerCase()) && !app.isSystem) {
      try {
        const listed = await target.listResources(app.name);
        resourceCount = listed.length;
        const file = path.join(staging, `current-${index}-${safeFileName(app.name)}.bindings.xml`);
        await target.exportBindings(app.name, file);
        const normalized = normalizeBindings(await fs.readFile(file, 'utf8'), `bindings of ${app.name}`);
        await fs.rm(file, { force: true });
        const references = app.references ?? [];
        const original = manifest.applications.find((a) => `${prefix}${a.name}`.toLowerCase() === app.name.toLowerCase());
        const resources = original === undefined ? listed : withoutRedactedContent(listed, manifest, original.name);
        fingerprint = fingerprintApplication({ references, resources, bindingsFingerprint: normalized.fingerprint });
        snapshots.set(app.name.toLowerCase(), { references, resources, bindingsFingerprint: normalized.fingerprint, bindings: normalized.summary });
      } catch (error) {
        if (!isBtsBackupError(error)) throw error;
        resourceCount = 1;
      }
    } else if (!app.isSystem) {
      resourceCount = (await target.listResources(app.name).catch(() => [{}])).length;
    }
    applications.push({ name: app.name, isSystem: app.isSystem, isDefault: app.isDefault, references: app.references, resourceCount, fingerprint });
  }
  const hosts = await target.listHosts().catch((error: unknown) => unsupportedAsNull(error));
  const handlers = await target.listAdapterHandlers().catch((error: unknown) => unsupportedAsNull(error));
  const inventory: TargetInventory & { snapshots: typeof snapshots } = { applications, hosts, handlers, snapshots };
  if (mode === 'install') {
    const installed = new Map<string, string>();
    const names = new Set<string>();
    for (const app of manifest.applications) {
      for (const a of app.packagedAssemblies) names.add(a.fullName);
      for (const d of app.artifacts) if (d.kind === 'dependency' && d.assembly !== undefined) names.add(d.assembly);
    }
    for (const fullName of names) {
      const file = await target.locateAssembly(fullName).catch(() => undefined);
      if (file !== undefined) installed.set(fullName.toLowerCase(), sha256(new Uint8Array(await fs.readFile(file))));
    }
    inventory.installedAssemblies = installed;
  }
  return inventory;
}

/**
 * A resource whose file the export redacted is stored without its secret: its content compares equal to the group's
 * only once the secret is back. Restores and drills compare such resources without their content hash.
 */
export function withoutRedactedContent(resources: readonly ResourceInfo[], manifest: Manifest, application: string): ResourceInfo[] {
  const redacted = new Set(manifest.redactions.filter((r) => r.resource !== undefined && r.application.toLowerCase() === application.toLowerCase()).map((r) => `${r.resource?.type ?? ''}|${r.resource?.luid ?? ''}`.toLowerCase()));
  if (redacted.size === 0) return [...resources];
  return resources.map((r) => {
    if (!redacted.has(`${r.type}|${r.luid}`.toLowerCase())) return r;
    const { sha256: _ignored, ...rest } = r;
    return rest;
  });
}

/**
 * The fingerprint the target shows for an application once restored, where it is not the manifest's: bindings of
 * an --environment variant, resources compared without redacted content. Computed as export does.
 */
async function expectedFingerprints(store: BackupStore, manifest: Manifest, environment: string | undefined): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const app of manifest.applications) {
    if (fingerprintApplication({ references: app.references, resources: app.resources, bindingsFingerprint: app.bindingsFingerprint }) !== app.fingerprint) continue;
    let bindingsFingerprint = app.bindingsFingerprint;
    const variant = environment === undefined ? undefined : app.artifacts.find((a) => a.kind === 'bindings' && a.name.toLowerCase().endsWith(`.${environment.toLowerCase()}.bindings.xml`));
    if (variant !== undefined) {
      try {
        bindingsFingerprint = normalizeBindings(decodeText(await store.readObject(variant.sha256)), variant.name).fingerprint;
      } catch (error) {
        if (!isBtsBackupError(error)) throw error;
        continue; // the preflight's object checks report it
      }
    }
    const resources = withoutRedactedContent(app.resources, manifest, app.name);
    const fingerprint = fingerprintApplication({ references: app.references, resources, bindingsFingerprint });
    if (fingerprint !== app.fingerprint) out.set(app.name.toLowerCase(), fingerprint);
  }
  return out;
}

function unsupportedAsNull(error: unknown): null {
  if (isBtsBackupError(error) && (error.code === 'E_UNSUPPORTED' || error.code === 'E_EXPLOREROM_UNAVAILABLE')) return null;
  throw error;
}

/** Re-hashes the objects a plan reads (RELIABILITY promise 6: restore reads only what verification accepts). */
async function verifyObjects(store: BackupStore, objects: Map<string, number>): Promise<Map<string, ObjectCheck>> {
  const checks = new Map<string, ObjectCheck>();
  for (const [sha, size] of objects) {
    try {
      const info = await store.hashObject(sha);
      checks.set(sha, info.sha256 === sha && info.size === size ? { status: 'ok' } : { status: 'mismatch', actualSha256: info.sha256, actualSize: info.size });
    } catch (error) {
      if (isBtsBackupError(error) && error.code === 'E_OBJECT_MISSING') checks.set(sha, { status: 'missing' });
      else if (isBtsBackupError(error) && error.code === 'E_CHECKSUM_MISMATCH') checks.set(sha, { status: 'mismatch', ...(typeof error.details?.['actual'] === 'string' ? { actualSha256: error.details['actual'] } : {}) });
      else throw error;
    }
  }
  return checks;
}

/** Every object of the applications a plan acts on (blocked ones too: the preflight reports all problems together). */
function objectsOf(plan: RestorePlan, manifest: Manifest): Map<string, number> {
  const out = new Map<string, number>();
  for (const app of plan.applications.filter((a) => a.status === 'Planned' || a.status === 'Blocked')) {
    const entry = manifest.applications.find((a) => a.name === app.name);
    for (const artifact of entry?.artifacts ?? []) out.set(artifact.sha256, artifact.size);
  }
  return out;
}

/** Everything but the checks: plan once assuming every object is fine to learn which ones it reads, verify those, plan again. */
export async function prepareRestore(target: BizTalkRestoreTarget, store: BackupStore, manifest: Manifest, options: RestoreOptions, staging: string): Promise<RestorePlan> {
  const prefix = options.namePrefix ?? '';
  const inventory = await inventoryTarget(target, manifest, options.mode, prefix, staging);
  const hasSecret = (application: string, location: { port: string; location?: string; field: string }): boolean => secretsForApplication(options.secrets, application).has(secretLocationKey(location));
  const base = {
    mode: options.mode,
    include: options.include,
    exclude: options.exclude,
    includeReferenced: options.includeReferenced,
    overwrite: options.overwrite,
    ...(options.environment === undefined ? {} : { environment: options.environment }),
    installOnThisServer: options.installOnThisServer,
    hasSecret,
    allowMissingSecrets: options.allowMissingSecrets,
    ...(prefix === '' ? {} : { namePrefix: prefix }),
    expectedFingerprints: await expectedFingerprints(store, manifest, options.environment),
  };
  const trusting = new Proxy(new Map<string, ObjectCheck>(), { get: (t, p) => (p === 'get' ? () => ({ status: 'ok' }) : Reflect.get(t, p)) });
  const draft = planRestore(manifest, inventory, { ...base, objectChecks: trusting });
  const checks = await verifyObjects(store, objectsOf(draft, manifest));
  return planRestore(manifest, inventory, { ...base, objectChecks: checks });
}

/**
 * Import-BtsAppBackup: plan (with every preflight check), then walk the plan through the target. A dry run returns the
 * plan having made no change. Failures are per application: the others go on; the run exits 3.
 */
export async function restoreBackup(target: BizTalkRestoreTarget, store: BackupStore, options: RestoreOptions, reporter: Reporter): Promise<RestoreOutcome> {
  const manifest = await readBackupSet(store, options.set);
  const stagingArea = await openStaging(options.tempAreas, 'restore');
  const staging = stagingArea.path;
  try {
    reporter.progress('Restore', 'Preflight', 0, 1);
    const plan = await prepareRestore(target, store, manifest, options, staging);
    reporter.completed('Restore');
    if (options.dryRun) {
      const results = plan.applications.map((app) => planResult(app));
      for (const result of results) emit(reporter, result);
      return { manifest, plan, results, exitCode: exitCodeOf(results) };
    }
    const results: RestoreApplicationResult[] = [];
    const failed = new Set<string>();
    const active = plan.applications.filter((a) => a.status === 'Planned');
    let done = 0;
    for (const [index, app] of plan.applications.entries()) {
      if (app.status !== 'Planned') {
        const result = planResult(app);
        if (result.status === 'Failed') failed.add(app.targetName.toLowerCase());
        results.push(result);
        emit(reporter, result);
        continue;
      }
      reporter.progress('Restore', app.targetName, done++, active.length);
      const result = await executeApplication(app, index, target, store, options, staging, failed);
      if (result.status === 'Failed') failed.add(app.targetName.toLowerCase());
      results.push(result);
      emit(reporter, result);
    }
    reporter.completed('Restore');
    return { manifest, plan, results, exitCode: exitCodeOf(results) };
  } finally {
    await stagingArea.remove();
  }
}

async function executeApplication(app: RestoreApplicationPlan, index: number, target: BizTalkRestoreTarget, store: BackupStore, options: RestoreOptions, staging: string, failed: ReadonlySet<string>): Promise<RestoreApplicationResult> {
  const result: RestoreApplicationResult = {
    application: app.name,
    targetName: app.targetName,
    status: options.mode === 'import' ? 'Imported' : 'Installed',
    reasons: [...app.reasons],
    warnings: [...app.warnings],
    errors: [],
    steps: app.steps.map((step) => ({ action: step.action, detail: describeStep(step), status: 'NotRun' })),
  };
  const brokenRef = app.references.find((r) => failed.has(r.toLowerCase()));
  if (brokenRef !== undefined) {
    result.status = 'Failed';
    result.errors.push(new BtsBackupError('E_REFERENCE_MISSING', `"${app.targetName}" was not restored: the application it references, "${brokenRef}", failed in this run.`, { target: app.targetName, details: { referenced: brokenRef } }).toJSON());
    return result;
  }
  const secrets = secretsForApplication(options.secrets, app.name);
  const secretValues = [...secrets.values()].filter((v) => v !== '');
  const base = `${index}-${safeFileName(app.targetName)}`;
  for (const [i, step] of app.steps.entries()) {
    const stepResult = result.steps[i] as RestoreStepResult;
    try {
      switch (step.action) {
        case 'ImportApp': {
          const msiPath = path.join(staging, `${base}.msi`);
          await store.copyObjectTo(step.package.sha256, msiPath);
          if (step.secrets !== undefined && step.secrets.length > 0) {
            const wanted = new Map([...secrets].filter(([key]) => step.secrets?.some((s) => secretLocationKey(s) === key)));
            // The values exist only in this staging copy (owner-only temp folder, removed at the end) until ImportApp has read it.
            await fs.writeFile(msiPath, injectPackageSecrets(new Uint8Array(await fs.readFile(msiPath)), step.package.name, wanted));
          }
          const outcome = await target.importApplication(step.application, msiPath, { overwrite: step.overwrite, ...(step.environment === undefined ? {} : { environment: step.environment }) });
          result.warnings.push(...outcome.warnings);
          break;
        }
        case 'AddReference':
          await target.addReference(step.application, step.referenced);
          break;
        case 'ImportBindings': {
          const bytes = await store.readObject(step.bindings.sha256);
          if (sha256(bytes) !== step.bindings.sha256) {
            throw new BtsBackupError('E_CHECKSUM_MISMATCH', `The bindings of "${app.name}" changed in the store since the preflight.`, { target: app.name });
          }
          const wanted = new Map([...secrets].filter(([key]) => step.secrets.some((s) => secretLocationKey(s) === key)));
          // The values exist only in this string, in memory, until the target has imported it.
          const injected = injectSecrets(decodeText(bytes), step.bindings.name, wanted);
          if (injected.missing.length > 0 && !options.allowMissingSecrets) {
            throw new BtsBackupError('E_SECRET_MISSING', `${injected.missing.length} masked password(s) of "${app.name}" have no secret.`, {
              target: app.name,
              details: { locations: injected.missing },
              hint: hints.secretMissing,
            });
          }
          const outcome = await target.importBindings(step.application, injected.xml);
          result.warnings.push(...outcome.warnings);
          break;
        }
        case 'InstallMsi': {
          const msiPath = path.join(staging, `${base}.msi`);
          await fs.rm(msiPath, { force: true });
          await store.copyObjectTo(step.package.sha256, msiPath);
          if (step.secrets !== undefined && step.secrets.length > 0) {
            const wanted = new Map([...secrets].filter(([key]) => step.secrets?.some((s) => secretLocationKey(s) === key)));
            await fs.writeFile(msiPath, injectPackageSecrets(new Uint8Array(await fs.readFile(msiPath)), step.package.name, wanted));
          }
          const logDir = options.logDir ?? staging;
          await fs.mkdir(logDir, { recursive: true });
          await target.installPackage(msiPath, path.join(logDir, `${base}.install.log`));
          break;
        }
        case 'InstallAssembly': {
          const dllPath = path.join(staging, `${base}-dep${i}-${step.file.name}`);
          await store.copyObjectTo(step.file.sha256, dllPath);
          await target.installAssembly(dllPath, step.assembly);
          break;
        }
      }
      stepResult.status = 'Done';
    } catch (error) {
      if (!isBtsBackupError(error) || error.code === 'E_EXPLOREROM_TIMEOUT') throw error;
      const scrubbed = scrub(error.toJSON(), secretValues);
      stepResult.status = 'Failed';
      stepResult.error = scrubbed;
      result.errors.push(scrubbed);
      result.status = 'Failed';
      break;
    }
  }
  return result;
}

/**
 * Puts secrets back into the files of an MSI whose clear secrets the export masked (config files, added binding files).
 * Patches the package as the export did (only those files' cabinets, their File.FileSize and a new PackageCode), so the
 * copy msiexec installs keeps BizTalk's custom actions and every other table.
 */
export function injectPackageSecrets(bytes: Uint8Array, source: string, secrets: ReadonlyMap<string, string>): Uint8Array {
  const pkg = readApplicationPackage(bytes, source);
  const changes: PackageFileChange[] = [];
  for (const resource of pkg.resources) {
    for (const file of resource.files) {
      if (file.path.toLowerCase().endsWith('.dll')) continue;
      const injected = injectFileSecrets(file.bytes, file.path, secrets);
      if (injected.bytes !== file.bytes) changes.push({ cabinet: resource.cabinet, path: file.path, bytes: injected.bytes });
    }
  }
  if (changes.length === 0) return bytes;
  return patchPackageFiles(bytes, changes, `{${randomUUID().toUpperCase()}}`, source).bytes;
}

/** No secret value may ride out on an error a back end produced (BTSTask could echo a line of the bindings). */
function scrub(value: Record<string, unknown>, secrets: readonly string[]): Record<string, unknown> {
  if (secrets.length === 0) return value;
  let text = JSON.stringify(value);
  for (const secret of secrets) text = text.split(JSON.stringify(secret).slice(1, -1)).join('******');
  return JSON.parse(text) as Record<string, unknown>;
}

function planResult(app: RestoreApplicationPlan): RestoreApplicationResult {
  const status: RestoreApplicationStatus = app.status === 'Blocked' ? 'Failed' : app.status;
  return {
    application: app.name,
    targetName: app.targetName,
    status,
    reasons: [...app.reasons],
    warnings: [...app.warnings],
    errors: app.problems.map(problemJson),
    steps: app.steps.map((step) => ({ action: step.action, detail: describeStep(step), status: 'Planned' })),
  };
}

function problemJson(problem: RestoreProblem): Record<string, unknown> {
  return new BtsBackupError(problem.code, problem.message, { target: problem.target, hint: problem.hint, details: problem.details }).toJSON();
}

function emit(reporter: Reporter, result: RestoreApplicationResult): void {
  for (const warning of result.warnings) reporter.log('warning', `${result.targetName}: ${warning}`, undefined, 'RestoreWarning');
  if (result.status === 'Failed' && result.errors.length > 0) {
    // The row says why it failed, not why it was planned ("not in the target group").
    result.reasons = result.errors.map((e) => `${String(e['code'])}: ${String(e['message'])}`);
    if (reporter.error !== undefined) reporter.error(applicationError(result));
    else for (const error of result.errors) reporter.log('warning', `${result.targetName}: ${String(error['code'])} ${String(error['message'])}`, undefined, 'ApplicationFailed');
  }
  reporter.result('RestoreApplication', { ...result });
}

const secretsNote = (secrets: readonly unknown[] | undefined): string => (secrets === undefined || secrets.length === 0 ? '' : ` (${secrets.length} redacted secret(s) put back in a staging copy)`);

/** One error per failed application: its first problem's code and hint, every problem in the message and details. */
function applicationError(result: RestoreApplicationResult): BtsBackupError {
  const [first, ...more] = result.errors;
  const text = (e: Record<string, unknown> | undefined, key: string): string | undefined => (typeof e?.[key] === 'string' ? (e[key] as string) : undefined);
  const code = text(first, 'code');
  const known: ErrorCode = code !== undefined && code in errorCodes ? (code as ErrorCode) : 'E_INTERNAL';
  const hint = text(first, 'hint');
  const psHint = text(first, 'psHint');
  const message =
    more.length === 0
      ? (text(first, 'message') ?? `"${result.targetName}" was not restored.`)
      : `"${result.targetName}" was not restored: ${result.errors.length} problems: ${result.errors.map((e) => `${String(e['code'])}: ${String(e['message'])}`).join(' ')}`;
  const details = more.length === 0 ? (first?.['details'] as Record<string, unknown> | undefined) : { problems: result.errors };
  return new BtsBackupError(known, message, { target: result.targetName, hint: hint !== undefined && psHint !== undefined ? { cli: hint, ps: psHint } : hint, details });
}

export function describeStep(step: RestoreStep): string {
  switch (step.action) {
    case 'ImportApp':
      return `ImportApp /Package:${step.package.name} /ApplicationName:${step.application}${step.environment === undefined ? '' : ` /Environment:${step.environment}`}${step.overwrite ? ' /Overwrite' : ''}${secretsNote(step.secrets)}`;
    case 'AddReference':
      return `AddReference ${step.application} -> ${step.referenced}`;
    case 'ImportBindings':
      return `ImportBindings /Source:${step.bindings.name} /ApplicationName:${step.application}${step.secrets.length === 0 ? '' : ` (${step.secrets.length} secret(s) injected in memory)`}`;
    case 'InstallMsi':
      return `msiexec /i ${step.package.name} /qn /l*v${secretsNote(step.secrets)}`;
    case 'InstallAssembly':
      return `GAC install ${step.assembly}`;
  }
}

/** 0 all done or unchanged; 3 some failed and some did not; 1 every application failed. */
export function exitCodeOf(results: readonly RestoreApplicationResult[]): number {
  const failed = results.filter((r) => r.status === 'Failed').length;
  if (failed === 0) return 0;
  const fine = results.filter((r) => r.status !== 'Failed' && r.status !== 'Skipped').length;
  return fine > 0 ? 3 : 1;
}

export interface DrillResult {
  application: string;
  status: 'Verified' | 'Failed';
  reasons: string[];
}

export interface DrillOutcome {
  restore: RestoreOutcome;
  drill: DrillResult[];
  exitCode: number;
}

/**
 * Test-BtsAppBackup's big brother (dbatools' Test-DbaLastBackup): import the set into a scratch group (or under
 * prefixed names) and compare what came back with the backup's inventory: references, resources, bindings.
 */
export async function drillRestore(scratch: BizTalkRestoreTarget, store: BackupStore, options: RestoreOptions, reporter: Reporter): Promise<DrillOutcome> {
  const restore = await restoreBackup(scratch, store, { ...options, mode: 'import', dryRun: false, includeReferenced: true, allowMissingSecrets: true, installOnThisServer: false }, reporter);
  const prefix = options.namePrefix ?? '';
  const stagingArea = await openStaging(options.tempAreas, 'drill');
  const staging = stagingArea.path;
  const drill: DrillResult[] = [];
  try {
    const inventory = await inventoryTarget(scratch, restore.manifest, 'import', prefix, staging);
    for (const result of restore.results.filter((r) => r.status !== 'Skipped')) {
      const app = restore.manifest.applications.find((a) => a.name === result.application) as ManifestApplication;
      const found = inventory.snapshots.get(result.targetName.toLowerCase());
      if (result.status === 'Failed' || found === undefined) {
        drill.push({ application: app.name, status: 'Failed', reasons: result.errors.map((e) => `${String(e['code'])}: ${String(e['message'])}`).concat(found === undefined ? ['not in the scratch group after the restore'] : []) });
        continue;
      }
      const references = found.references.map((r) => (prefix !== '' && r.startsWith(prefix) ? r.slice(prefix.length) : r));
      const fingerprint = fingerprintApplication({ references, resources: found.resources, bindingsFingerprint: found.bindingsFingerprint });
      const expectedResources = withoutRedactedContent(app.resources, restore.manifest, app.name);
      const redacted = expectedResources.some((r, i) => r !== app.resources[i]);
      const expected = redacted ? fingerprintApplication({ references: app.references, resources: expectedResources, bindingsFingerprint: app.bindingsFingerprint }) : app.fingerprint;
      if (fingerprint === expected) drill.push({ application: app.name, status: 'Verified', reasons: [] });
      else {
        const reasons = [
          ...diffReferences(app.references.filter((r) => r !== SYSTEM_APPLICATION), references),
          ...diffResources(expectedResources, found.resources),
          ...(app.bindingsFingerprint === found.bindingsFingerprint ? [] : diffBindings(app.bindings, found.bindings)),
        ];
        drill.push({ application: app.name, status: 'Failed', reasons: reasons.length === 0 ? ['fingerprint differs'] : reasons });
      }
    }
  } finally {
    await stagingArea.remove();
  }
  for (const d of drill) reporter.result('RestoreDrill', { ...d });
  const exitCode = drill.some((d) => d.status === 'Failed') ? 12 : 0;
  return { restore, drill, exitCode };
}
