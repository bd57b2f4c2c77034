import { BtsBackupError, hints, type ErrorCode, type Hint } from '../errors/index.js';
import { parseAssemblyName } from './assembly-name.js';
import { emptyBindingsSummary, type BindingsSummary } from './bindings-summary.js';
import { filterNames, unmatchedLiterals } from './filter-names.js';
import type { ArtifactRef, Manifest, ManifestApplication } from './manifest.js';
import { ResourceType, SYSTEM_APPLICATION, type AdapterHandlerInfo, type HostInfo } from './model.js';
import { compareNames, orderByReferences } from './order-applications.js';
import { caseCollisions, relativePathProblem, segmentProblem } from './path-safety.js';
import { describeSecretLocation, type SecretLocationRef } from './secrets.js';

/**
 * Restore planning (Import-BtsAppBackup): which applications, in which order, with which steps, and every reason an
 * application cannot be restored, found before anything changes. Pure: the executor gathers the facts (target
 * inventory, object checks, which secrets exist) and walks the plan; a dry run prints it.
 */
export type RestoreMode = 'import' | 'install';

/** A stored object a step reads: what the manifest recorded. */
export interface ObjectRef {
  name: string;
  sha256: string;
  size: number;
}

export type RestoreStep =
  | { action: 'ImportApp'; application: string; package: ObjectRef; overwrite: boolean; environment?: string; secrets?: SecretLocationRef[] }
  | { action: 'AddReference'; application: string; referenced: string }
  | { action: 'ImportBindings'; application: string; bindings: ObjectRef; environment?: string; secrets: SecretLocationRef[] }
  | { action: 'InstallMsi'; application: string; package: ObjectRef; secrets?: SecretLocationRef[] }
  | { action: 'InstallAssembly'; application: string; file: ObjectRef; assembly: string };

export type RestoreStepAction = RestoreStep['action'];

export type RestoreApplicationStatus = 'Planned' | 'Unchanged' | 'Blocked' | 'Skipped';

export interface RestoreProblem {
  code: ErrorCode;
  message: string;
  target: string;
  hint?: string | Hint;
  details?: Record<string, unknown>;
}

export interface RestoreApplicationPlan {
  /** The application's name in the backup set. */
  name: string;
  /** The name it gets in the target group (the same, or prefixed for a drill on a live group). */
  targetName: string;
  status: RestoreApplicationStatus;
  reasons: string[];
  /** Why the application cannot be restored (Blocked): every problem found, not only the first. */
  problems: RestoreProblem[];
  warnings: string[];
  /** Referenced applications (target names), BizTalk.System left out. */
  references: string[];
  steps: RestoreStep[];
}

export interface RestorePlan {
  setId: string;
  mode: RestoreMode;
  overwrite: boolean;
  environment?: string;
  /** Planned, Unchanged and Blocked applications in import order, then Skipped ones. */
  applications: RestoreApplicationPlan[];
  warnings: string[];
}

export interface TargetApplication {
  name: string;
  isSystem: boolean;
  isDefault: boolean;
  /** null when the back end cannot tell. */
  references: string[] | null;
  resourceCount: number;
  /** fingerprintApplication of the application as it is now (as export computes it), null when unknown. */
  fingerprint: string | null;
}

export interface TargetInventory {
  applications: TargetApplication[];
  /** null when the back end cannot list them (BTSTask alone): the check is then a warning. */
  hosts: HostInfo[] | null;
  handlers: AdapterHandlerInfo[] | null;
  /** Install mode: the assemblies in this server's GAC, by lower-case full name, with their SHA-256. */
  installedAssemblies?: ReadonlyMap<string, string>;
}

export type ObjectCheckStatus = 'ok' | 'missing' | 'mismatch';

export interface ObjectCheck {
  status: ObjectCheckStatus;
  actualSha256?: string;
  actualSize?: number;
}

export interface PlanRestoreOptions {
  mode: RestoreMode;
  include?: readonly string[];
  exclude?: readonly string[];
  /** Pull in every application the selected ones reference, transitively. */
  includeReferenced?: boolean;
  /** Pass /Overwrite to ImportApp (only when the user says so). */
  overwrite?: boolean;
  /** ImportApp /Environment and the bindings variant for it. */
  environment?: string;
  /** Import mode: also install each MSI on this server afterwards. */
  installOnThisServer?: boolean;
  /** Result of re-hashing every object the plan may read, by SHA-256. An object absent here counts as unverified. */
  objectChecks: ReadonlyMap<string, ObjectCheck>;
  /** Whether a secret is available for a masked location of an application (never the value). */
  hasSecret: (application: string, location: SecretLocationRef) => boolean;
  /** Masked passwords without a secret become warnings instead of blocking the application (drills). */
  allowMissingSecrets?: boolean;
  /** Restore under prefixed names (a drill on a live group). */
  namePrefix?: string;
  /**
   * What the target's fingerprint of an application equals once this restore has run, when that is not the
   * manifest's (an --environment variant of the bindings; resources whose files were redacted compare without their
   * content). By lower-case application name.
   */
  expectedFingerprints?: ReadonlyMap<string, string>;
}

const lower = (name: string): string => name.toLowerCase();

export function planRestore(backupSet: Manifest, target: TargetInventory, options: PlanRestoreOptions): RestorePlan {
  const prefix = options.namePrefix ?? '';
  const warnings: string[] = [];
  const skipped: RestoreApplicationPlan[] = [];
  const candidates: ManifestApplication[] = [];
  for (const app of backupSet.applications) {
    if (lower(app.name) === lower(SYSTEM_APPLICATION)) {
      skipped.push(skip(app, prefix, 'BizTalk.System belongs to BizTalk itself and is never imported'));
    } else candidates.push(app);
  }

  const missing = unmatchedLiterals(candidates.map((a) => a.name), options.include ?? []);
  if (missing.length > 0) {
    throw new BtsBackupError('E_APP_NOT_FOUND', `Backup set ${backupSet.setId} holds no application named ${missing.map((m) => `"${m}"`).join(', ')}.`, {
      target: missing[0],
      hint: hints.showSet,
    });
  }
  const byName = new Map(candidates.map((a) => [lower(a.name), a] as const));
  const selected = new Set(filterNames(candidates, (a) => a.name, options.include ?? [], options.exclude ?? []).map((a) => lower(a.name)));
  const pulledIn = new Set<string>();
  if (options.includeReferenced === true) {
    const queue = [...selected];
    while (queue.length > 0) {
      const app = byName.get(queue.pop() as string);
      for (const ref of refsOf(app)) {
        const key = lower(ref);
        if (byName.has(key) && !selected.has(key)) {
          selected.add(key);
          pulledIn.add(key);
          queue.push(key);
        }
      }
    }
  }
  for (const app of candidates.filter((a) => !selected.has(lower(a.name)))) skipped.push(skip(app, prefix, 'excluded by -Name/-ExcludeName'));

  const plans = new Map<string, RestoreApplicationPlan>();
  const chosen = candidates.filter((a) => selected.has(lower(a.name)));
  for (const app of chosen) {
    plans.set(lower(app.name), {
      name: app.name,
      targetName: `${prefix}${app.name}`,
      status: 'Planned',
      reasons: pulledIn.has(lower(app.name)) ? ['referenced by a selected application (--include-referenced)'] : [],
      problems: [],
      warnings: [],
      references: refsOf(app).map((r) => (selected.has(lower(r)) ? `${prefix}${r}` : r)),
      steps: [],
    });
  }

  // Names BizTalk cannot tell apart.
  for (const group of caseCollisions(chosen.map((x) => x.name))) {
    const [a, b] = group;
    for (const name of group) {
      block(plans.get(lower(name)), {
        code: 'E_INVALID_NAME',
        message: `Applications "${a}" and "${b}" differ only by case; BizTalk application names are case-insensitive.`,
        target: name,
        hint: hints.caseCollision,
      });
    }
  }

  // Import order; a cycle blocks its members and the others go on.
  let remaining = chosen;
  let ordered: ManifestApplication[] = [];
  for (;;) {
    try {
      ordered = orderByReferences(remaining.map((a) => ({ ...a, references: refsOf(a) })));
      break;
    } catch (error) {
      if (!(error instanceof BtsBackupError) || error.code !== 'E_REFERENCE_CYCLE') throw error;
      const cycle = (error.details?.['cycle'] as string[] | undefined) ?? [];
      const members = new Set(cycle.map(lower));
      for (const name of members) {
        block(plans.get(name), { code: 'E_REFERENCE_CYCLE', message: error.message, target: plans.get(name)?.name ?? name, hint: error.hint ?? '', details: { cycle } });
      }
      const before = remaining.length;
      remaining = remaining.filter((a) => !members.has(lower(a.name)));
      if (remaining.length === before) throw error;
    }
  }
  const cyclic = chosen.filter((a) => !ordered.some((o) => o.name === a.name));
  const targetByName = new Map(target.applications.map((a) => [lower(a.name), a] as const));
  const installedDependencies = new Set<string>();

  for (const app of [...ordered, ...cyclic]) {
    const plan = plans.get(lower(app.name)) as RestoreApplicationPlan;
    const existing = targetByName.get(lower(plan.targetName));
    checkArtifactNames(app, plan);
    if (existing?.isSystem === true) {
      block(plan, { code: 'E_TARGET_EXISTS', message: `"${plan.targetName}" is BizTalk.System in the target group, which is never touched.`, target: plan.targetName });
    }
    // References: present in the target, or restored earlier in this plan.
    for (const ref of refsOf(app)) {
      const inPlan = plans.get(lower(ref));
      if (inPlan !== undefined) {
        if (inPlan.status === 'Blocked' && !inPlan.problems.some((p) => p.code === 'E_REFERENCE_CYCLE' && plan.problems.some((q) => q.code === 'E_REFERENCE_CYCLE'))) {
          block(plan, {
            code: 'E_REFERENCE_MISSING',
            message: `"${app.name}" references "${inPlan.name}", which cannot be restored (${inPlan.problems.map((p) => p.code).join(', ')}).`,
            target: app.name,
            hint: `Fix the problems of "${inPlan.name}" first.`,
            details: { application: app.name, referenced: inPlan.name },
          });
        }
        continue;
      }
      if (targetByName.has(lower(ref))) continue;
      const inSet = byName.get(lower(ref));
      block(plan, {
        code: 'E_REFERENCE_MISSING',
        message: `"${app.name}" references "${ref}", which is neither in the target group nor ${inSet === undefined ? `in backup set ${backupSet.setId}` : 'selected for this restore'}.`,
        target: app.name,
        hint: inSet === undefined ? `Deploy or restore "${ref}" first (from another backup set).` : { cli: `Add "${ref}" with --name, or pass --include-referenced.`, ps: `Add "${ref}" with -Name, or pass -IncludeReferenced.` },
        details: { application: app.name, referenced: ref },
      });
    }
    if (options.mode === 'import') planImport(app, plan, existing, target, options, backupSet);
    else planInstall(app, plan, existing, target, options, installedDependencies, backupSet);
    if (plan.status !== 'Unchanged') {
      for (const step of plan.steps) {
        const object = step.action === 'ImportApp' || step.action === 'InstallMsi' ? step.package : step.action === 'ImportBindings' ? step.bindings : step.action === 'InstallAssembly' ? step.file : undefined;
        if (object === undefined) continue;
        const check = options.objectChecks.get(object.sha256);
        if (check === undefined) {
          block(plan, { code: 'E_VERIFY_FAILED', message: `Object ${object.name} of "${app.name}" was not verified before the restore.`, target: app.name, details: { object: object.name, sha256: object.sha256 } });
        } else if (check.status === 'missing') {
          block(plan, { code: 'E_OBJECT_MISSING', message: `Object ${object.name} of "${app.name}" (${object.sha256}) is missing from the store.`, target: app.name, hint: 'Restore from another backup set, or export again.', details: { object: object.name, sha256: object.sha256 } });
        } else if (check.status === 'mismatch') {
          block(plan, {
            code: 'E_CHECKSUM_MISMATCH',
            message: `Object ${object.name} of "${app.name}" is damaged: its content does not match the SHA-256 the manifest recorded.`,
            target: app.name,
            hint: hints.verifyReadData,
            details: { object: object.name, expected: object.sha256, actual: check.actualSha256, expectedSize: object.size, actualSize: check.actualSize },
          });
        }
      }
    }
    if (plan.status === 'Blocked') plan.steps = [];
  }
  return {
    setId: backupSet.setId,
    mode: options.mode,
    overwrite: options.overwrite === true,
    ...(options.environment === undefined ? {} : { environment: options.environment }),
    applications: [...ordered, ...cyclic].map((a) => plans.get(lower(a.name)) as RestoreApplicationPlan).concat(skipped),
    warnings,
  };
}

function planImport(app: ManifestApplication, plan: RestoreApplicationPlan, existing: TargetApplication | undefined, target: TargetInventory, options: PlanRestoreOptions, backupSet: Manifest): void {
  const msi = artifact(app, 'msi');
  if (msi === undefined) {
    block(plan, { code: 'E_OBJECT_MISSING', message: `Backup set ${backupSet.setId} has no MSI for "${app.name}".`, target: app.name, hint: 'Restore it from an earlier set.' });
    return;
  }
  const expected = options.expectedFingerprints?.get(lower(app.name)) ?? app.fingerprint;
  if (existing !== undefined && existing.fingerprint !== null && existing.fingerprint === expected && (options.namePrefix ?? '') === '') {
    plan.status = plan.status === 'Blocked' ? 'Blocked' : 'Unchanged';
    plan.reasons.push('the target already holds this application with the same resources, references and bindings');
    return;
  }
  const overwrite = options.overwrite === true;
  if (existing !== undefined && existing.resourceCount > 0 && !overwrite) {
    block(plan, {
      code: 'E_TARGET_EXISTS',
      message: `"${plan.targetName}" already exists in the target group and differs from the backup.`,
      target: plan.targetName,
      hint: hints.overwrite,
    });
  }
  if (existing?.isDefault === true) plan.warnings.push(`"${plan.targetName}" is the target's default application; it is named explicitly in every call.`);
  checkHosts(app, plan, target);
  const environment = options.environment;
  // Secrets the export redacted inside the MSI (config files, added binding files): put back before ImportApp.
  const packageSecrets = requireSecrets(packageSecretLocations(backupSet, app.name, msi.name), app, plan, options);
  plan.steps.push({ action: 'ImportApp', application: plan.targetName, package: objectRef(msi), overwrite, ...(environment === undefined ? {} : { environment }), ...(packageSecrets.length === 0 ? {} : { secrets: packageSecrets }) });
  const existingRefs = new Set((existing?.references ?? []).map(lower));
  for (const ref of plan.references) if (!existingRefs.has(lower(ref))) plan.steps.push({ action: 'AddReference', application: plan.targetName, referenced: ref });
  const bindings = bindingsArtifact(app, environment);
  if (bindings !== undefined && !(bindings.environment === undefined && hasNoBindings(app))) {
    const secrets = requireSecrets(bindingSecretLocations(backupSet, app.name, bindings.artifact.name, msi.name, bindings.environment !== undefined), app, plan, options);
    plan.steps.push({
      action: 'ImportBindings',
      application: plan.targetName,
      bindings: objectRef(bindings.artifact),
      ...(bindings.environment === undefined ? {} : { environment: bindings.environment }),
      secrets,
    });
  }
  if (options.installOnThisServer === true) plan.steps.push({ action: 'InstallMsi', application: plan.targetName, package: objectRef(msi), ...(packageSecrets.length === 0 ? {} : { secrets: packageSecrets }) });
  plan.reasons.push(existing === undefined ? 'not in the target group' : existing.resourceCount === 0 ? 'the target application is empty' : 'the target application differs (overwrite requested)');
}

function planInstall(app: ManifestApplication, plan: RestoreApplicationPlan, existing: TargetApplication | undefined, target: TargetInventory, options: PlanRestoreOptions, installedDependencies: Set<string>, backupSet: Manifest): void {
  const msi = artifact(app, 'msi');
  if (existing === undefined) {
    block(plan, {
      code: 'E_APP_NOT_FOUND',
      message: `"${plan.targetName}" is not in the target group; install mode expects the restored databases to know it.`,
      target: plan.targetName,
      hint: hints.installNeedsDatabases,
    });
  }
  if (msi === undefined) {
    block(plan, { code: 'E_OBJECT_MISSING', message: `The backup set has no MSI for "${app.name}".`, target: app.name });
    return;
  }
  const installed = target.installedAssemblies;
  const dependencies = app.artifacts.filter((a) => a.kind === 'dependency' && a.assembly !== undefined);
  for (const dependency of dependencies) {
    const problem = gacPathProblem(dependency.assembly as string);
    if (problem !== undefined) block(plan, { code: 'E_PATH_UNSAFE', message: `Dependency "${dependency.assembly ?? ''}" of "${app.name}" would be installed outside the GAC (${problem}).`, target: app.name, details: { assembly: dependency.assembly, problem } });
  }
  for (const assembly of app.packagedAssemblies) {
    const problem = gacPathProblem(assembly.fullName);
    if (problem !== undefined) block(plan, { code: 'E_PATH_UNSAFE', message: `Assembly "${assembly.fullName}" of "${app.name}" would be installed outside the GAC (${problem}).`, target: app.name, details: { assembly: assembly.fullName, problem } });
  }
  const current = (fullName: string, sha256: string): boolean => installed?.get(lower(fullName)) === sha256;
  const packagedCurrent = app.packagedAssemblies.length > 0 && app.packagedAssemblies.every((a) => current(a.fullName, a.sha256));
  const pending = dependencies.filter((d) => !current(d.assembly as string, d.sha256) && !installedDependencies.has(lower(d.assembly as string)));
  if (installed !== undefined && packagedCurrent && pending.length === 0) {
    if (plan.status !== 'Blocked') plan.status = 'Unchanged';
    plan.reasons.push("every assembly of the MSI and every harvested DLL is already in this server's GAC with the backed-up content");
    return;
  }
  if (app.packagedAssemblies.length === 0) plan.warnings.push(`"${app.name}" has no assemblies to compare with the GAC: its MSI is installed again.`);
  // msiexec deploys the MSI's files (configuration files with their connection strings): the export's redactions go back first.
  const packageSecrets = requireSecrets(packageSecretLocations(backupSet, app.name, msi.name), app, plan, options);
  plan.steps.push({ action: 'InstallMsi', application: plan.targetName, package: objectRef(msi), ...(packageSecrets.length === 0 ? {} : { secrets: packageSecrets }) });
  for (const dependency of pending) {
    installedDependencies.add(lower(dependency.assembly as string));
    plan.steps.push({ action: 'InstallAssembly', application: plan.targetName, file: objectRef(dependency), assembly: dependency.assembly as string });
  }
  plan.reasons.push(packagedCurrent ? 'harvested DLLs missing from the GAC' : "the MSI's assemblies are not in this server's GAC (or differ)");
  void options;
}

/** Hosts and adapter handlers the bindings name must exist in the target with the same trust level. */
function checkHosts(app: ManifestApplication, plan: RestoreApplicationPlan, target: TargetInventory): void {
  const summary: BindingsSummary = app.bindings ?? emptyBindingsSummary();
  const uses: { host: string; trusted: boolean; adapter?: string; direction?: 'Send' | 'Receive'; what: string }[] = [
    ...summary.sendPorts.map((p) => ({ host: p.host, trusted: p.hostTrusted, adapter: p.transport, direction: 'Send' as const, what: `send port "${p.name}"` })),
    ...summary.receiveLocations.map((l) => ({ host: l.host, trusted: l.hostTrusted, adapter: l.transport, direction: 'Receive' as const, what: `receive location "${l.name}"` })),
    ...summary.services.map((s) => ({ host: s.host, trusted: s.hostTrusted, what: `orchestration "${s.name}"` })),
  ].filter((u) => u.host !== '');
  if (uses.length === 0) return;
  if (target.hosts === null) {
    plan.warnings.push(`Hosts could not be listed in the target group: check by hand that ${[...new Set(uses.map((u) => u.host))].join(', ')} exist.`);
    return;
  }
  const reported = new Set<string>();
  for (const use of uses) {
    const host = target.hosts.find((h) => lower(h.name) === lower(use.host));
    if (host === undefined) {
      if (reported.has(`host|${lower(use.host)}`)) continue;
      reported.add(`host|${lower(use.host)}`);
      block(plan, { code: 'E_HOST_MISSING', message: `Host "${use.host}" (used by ${use.what} of "${app.name}") does not exist in the target group.`, target: app.name, hint: 'Create the host and its host instances first (hosts are not in any MSI).', details: { host: use.host } });
      continue;
    }
    if (host.trusted !== use.trusted) {
      if (reported.has(`trust|${lower(use.host)}`)) continue;
      reported.add(`trust|${lower(use.host)}`);
      block(plan, {
        code: 'E_TRUST_MISMATCH',
        message: `Host "${use.host}" is ${host.trusted ? 'trusted' : 'not trusted'} in the target group but ${use.trusted ? 'trusted' : 'not trusted'} in the bindings of "${app.name}" (${use.what}).`,
        target: app.name,
        hint: 'Recreate the host with the same "Authentication trusted" setting.',
        details: { host: use.host, expectedTrusted: use.trusted, actualTrusted: host.trusted },
      });
      continue;
    }
    if (use.adapter !== undefined && use.adapter !== '' && use.direction !== undefined && target.handlers !== null) {
      const handler = target.handlers.find((h) => lower(h.adapter) === lower(use.adapter as string) && lower(h.host) === lower(use.host) && h.direction === use.direction);
      const key = `handler|${lower(use.adapter)}|${lower(use.host)}|${use.direction}`;
      if (handler === undefined && !reported.has(key)) {
        reported.add(key);
        block(plan, {
          code: 'E_HOST_MISSING',
          message: `No ${use.direction.toLowerCase()} handler of adapter ${use.adapter} on host "${use.host}" (used by ${use.what} of "${app.name}") in the target group.`,
          target: app.name,
          hint: 'Add the adapter handler in the BizTalk Administration console (Platform Settings > Adapters).',
          details: { adapter: use.adapter, host: use.host, direction: use.direction },
        });
      }
    }
  }
}

function checkArtifactNames(app: ManifestApplication, plan: RestoreApplicationPlan): void {
  for (const a of app.artifacts) {
    const problem = /[\\/]/.test(a.name) ? (/(^|[\\/])\.\.([\\/]|$)/.test(a.name) ? 'a ".." segment' : 'a path separator') : segmentProblem(a.name);
    if (problem !== undefined) {
      block(plan, {
        code: 'E_PATH_UNSAFE',
        message: `The manifest names an object of "${app.name}" ${JSON.stringify(a.name)}, which is not a safe file name (${problem}).`,
        target: app.name,
        hint: 'The backup set may have been tampered with; verify the store and restore from a trusted set.',
        details: { path: a.name, problem },
      });
    }
  }
  for (const group of caseCollisions(app.artifacts.map((x) => x.name))) {
    block(plan, { code: 'E_PATH_UNSAFE', message: `Objects ${group.map((g) => JSON.stringify(g)).join(' and ')} of "${app.name}" differ only by case.`, target: app.name, details: { paths: group, problem: 'names differing only by case' } });
  }
}

/** The relative GAC path an assembly name leads to must stay below the GAC. */
function gacPathProblem(fullName: string): string | undefined {
  let id;
  try {
    id = parseAssemblyName(fullName);
  } catch {
    return 'not an assembly name';
  }
  const folder = `v4.0_${id.version}_${id.culture === 'neutral' ? '' : id.culture}_${id.publicKeyToken ?? ''}`;
  return relativePathProblem(`${id.name}/${folder}/${id.name}.dll`);
}

const isFileLocation = (l: SecretLocationRef): boolean => l.port.startsWith('file:');

function pushLocation(out: SecretLocationRef[], l: SecretLocationRef): void {
  if (!out.some((o) => o.port === l.port && o.location === l.location && o.field === l.field)) out.push({ port: l.port, ...(l.location === undefined ? {} : { location: l.location }), field: l.field });
}

/** Every secret location of an application a restore needs a value for: masked by BizTalk, or redacted by the export (never a value). */
export function maskedLocations(backupSet: Manifest, application: string): SecretLocationRef[] {
  const out: SecretLocationRef[] = [];
  for (const warning of backupSet.warnings) {
    if (warning.kind === 'MaskedPassword' && warning.location !== undefined && lower(warning.application ?? '') === lower(application)) pushLocation(out, warning.location);
  }
  for (const redaction of backupSet.redactions) if (redaction.location !== undefined && lower(redaction.application) === lower(application)) pushLocation(out, redaction.location);
  return out;
}

/** The masked locations of the bindings ImportBindings reads: BizTalk's masks, the export's redactions of that file (and of the MSI's binding files for an environment variant). */
function bindingSecretLocations(backupSet: Manifest, application: string, bindingsName: string, msiName: string, variant: boolean): SecretLocationRef[] {
  const out: SecretLocationRef[] = [];
  if (!variant) {
    for (const warning of backupSet.warnings) {
      if (warning.kind === 'MaskedPassword' && warning.location !== undefined && lower(warning.application ?? '') === lower(application)) pushLocation(out, warning.location);
    }
  }
  for (const r of backupSet.redactions) {
    if (r.location === undefined || isFileLocation(r.location) || lower(r.application) !== lower(application)) continue;
    if (lower(r.artifact) === lower(bindingsName) || (variant && lower(r.artifact) === lower(msiName))) pushLocation(out, r.location);
  }
  return out;
}

/** The locations the export redacted inside an application's MSI. */
function packageSecretLocations(backupSet: Manifest, application: string, msiName: string): SecretLocationRef[] {
  const out: SecretLocationRef[] = [];
  for (const r of backupSet.redactions) if (r.location !== undefined && lower(r.application) === lower(application) && lower(r.artifact) === lower(msiName)) pushLocation(out, r.location);
  return out;
}

/** Blocks the application for each location without a secret (a warning when missing secrets are allowed); returns those that have one. */
function requireSecrets(locations: readonly SecretLocationRef[], app: ManifestApplication, plan: RestoreApplicationPlan, options: PlanRestoreOptions): SecretLocationRef[] {
  for (const location of locations) {
    if (options.hasSecret(app.name, location)) continue;
    const message = `The secret of ${describeSecretLocation(location)} in "${app.name}" is masked in the backup and no value was supplied.`;
    if (options.allowMissingSecrets === true) plan.warnings.push(`${message} It is imported as ******.`);
    else {
      block(plan, {
        code: 'E_SECRET_MISSING',
        message,
        target: app.name,
        hint: hints.secretMissing,
        details: { port: location.port, ...(location.location === undefined ? {} : { location: location.location }), field: location.field },
      });
    }
  }
  return locations.filter((l) => options.hasSecret(app.name, l));
}

/**
 * An application that had no bindings when it was exported: no generated binding resource listed and nothing bound.
 * ImportBindings of its (empty) bindings file would give it a binding resource it never had, and the next restore
 * would see a different application; so there is nothing to import.
 */
function hasNoBindings(app: ManifestApplication): boolean {
  const generated = app.resources.some((r) => r.type === ResourceType.BizTalkBinding && lower(r.luid) === lower(`Application/${app.name}`));
  const summary = app.bindings ?? emptyBindingsSummary();
  return !generated && summary.sendPorts.length === 0 && summary.receiveLocations.length === 0 && summary.sendPortGroups.length === 0 && summary.services.length === 0;
}

/** The bindings saved beside the MSI; `<base>.<Environment>.bindings.xml` is the variant for an environment. */
function bindingsArtifact(app: ManifestApplication, environment: string | undefined): { artifact: ArtifactRef; environment?: string } | undefined {
  const all = app.artifacts.filter((a) => a.kind === 'bindings');
  if (environment !== undefined) {
    const variant = all.find((a) => lower(a.name).endsWith(`.${lower(environment)}.bindings.xml`));
    if (variant !== undefined) return { artifact: variant, environment };
  }
  const plain = all.filter((a) => lower(a.name).endsWith('.bindings.xml'));
  const base = plain.sort((a, b) => a.name.length - b.name.length)[0];
  return base === undefined ? undefined : { artifact: base };
}

function artifact(app: ManifestApplication, kind: ArtifactRef['kind']): ArtifactRef | undefined {
  return app.artifacts.find((a) => a.kind === kind);
}

function objectRef(a: ArtifactRef): ObjectRef {
  return { name: a.name, sha256: a.sha256, size: a.size };
}

function refsOf(app: ManifestApplication | undefined): string[] {
  return (app?.references ?? []).filter((r) => lower(r) !== lower(SYSTEM_APPLICATION)).sort(compareNames);
}

function skip(app: ManifestApplication, prefix: string, reason: string): RestoreApplicationPlan {
  return { name: app.name, targetName: `${prefix}${app.name}`, status: 'Skipped', reasons: [reason], problems: [], warnings: [], references: [], steps: [] };
}

function block(plan: RestoreApplicationPlan | undefined, problem: RestoreProblem): void {
  if (plan === undefined) return;
  plan.status = 'Blocked';
  if (!plan.problems.some((p) => p.code === problem.code && p.message === problem.message)) plan.problems.push(problem);
}

/** The steps that change the target: every step is one (reads happen before planning). */
export function countSteps(plan: RestorePlan): Record<RestoreStepAction, number> {
  const counts: Record<RestoreStepAction, number> = { ImportApp: 0, AddReference: 0, ImportBindings: 0, InstallMsi: 0, InstallAssembly: 0 };
  for (const app of plan.applications) for (const step of app.steps) counts[step.action]++;
  return counts;
}
