import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { findUnpackagedReferences } from '../core/harvest-dependencies.js';
import type { ArtifactRef, Manifest, ManifestApplication, ManifestRedaction, ManifestWarning } from '../core/manifest.js';
import { ResourceType, type AssemblyIdentity, type ResourceInfo } from '../core/model.js';
import { safeFileName } from '../core/safe-file-name.js';
import { BtsBackupError } from '../errors/index.js';
import { readAssembly } from '../formats/dotnet/assembly-reader.js';
import { readApplicationPackage, type ApplicationPackage } from '../formats/msi/application-package.js';
import { patchPackageFiles, type PackageFileChange } from '../formats/msi/package-patch.js';
import { redactSecretsInPlace } from '../formats/bindings/redact-in-place.js';
import { redactSecrets } from '../formats/bindings/redact-secrets.js';
import type { BizTalkGroup } from '../ports/biztalk-group.js';
import type { BackupStore } from '../ports/store.js';
import type { Inventoried } from './inventory-group.js';
import type { Reporter } from './reporter.js';

/** What the export does to each exported package and around it: redaction, dependencies, warnings, extras. */

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
export const isAssemblyResource = (r: { type: string }): boolean => r.type === ResourceType.BizTalkAssembly || r.type === ResourceType.Assembly;

/**
 * Clear-text secrets never reach the store (RELIABILITY promise 7): added binding files keep their passwords inside the
 * MSI and configuration files carry connection strings. Mask them where they are and patch the MSI: only the inner
 * cabinets that hold them, the outer cabinet, their File.FileSize and a new PackageCode change; every other table,
 * stream and property stays as BizTalk wrote it (REAL-MSI.md). Record where, never what.
 */
export async function redactPackage(application: string, artifact: string, pkg: ApplicationPackage, msiPath: string, redactions: ManifestRedaction[], reporter: Reporter): Promise<ApplicationPackage> {
  const changes: PackageFileChange[] = [];
  const found: ManifestRedaction[] = [];
  for (const resource of pkg.resources) {
    for (const file of resource.files) {
      if (file.path.toLowerCase().endsWith('.dll')) continue;
      const redacted = redactSecretsInPlace(file.bytes, file.path);
      if (redacted === undefined) continue;
      changes.push({ cabinet: resource.cabinet, path: file.path, bytes: redacted.bytes });
      for (const r of redacted.redactions) found.push({ application, artifact, file: file.path, kind: r.kind, ...(r.location === undefined ? {} : { location: r.location }), ...(r.rule === undefined ? {} : { rule: r.rule }), resource: { type: resource.type, luid: resource.luid } });
    }
  }
  if (changes.length === 0) return pkg;
  const patched = patchPackageFiles(new Uint8Array(await fs.readFile(msiPath)), changes, `{${randomUUID().toUpperCase()}}`, artifact);
  await fs.writeFile(msiPath, patched.bytes);
  redactions.push(...found);
  reporter.log(
    'warning',
    `${application}: clear-text passwords in ${changes.length} file(s) of the MSI were masked before storing it (see the manifest's redactions); the package got a new PackageCode ${patched.packageCode} (was ${patched.previousPackageCode}), nothing else in it changed.`,
    undefined,
    'RedactedPackage',
  );
  return readApplicationPackage(patched.bytes, artifact);
}

export async function redactFile(application: string, artifact: string, file: string, redactions: ManifestRedaction[]): Promise<void> {
  const redacted = redactSecrets(new Uint8Array(await fs.readFile(file)), artifact);
  if (redacted === undefined) return;
  for (const r of redacted.redactions) redactions.push({ application, artifact, file: artifact, kind: r.kind, ...(r.location === undefined ? {} : { location: r.location }), ...(r.rule === undefined ? {} : { rule: r.rule }) });
  await fs.writeFile(file, redacted.bytes);
}

/**
 * Binding files added to the application for an environment (TargetEnvironment) are kept beside the MSI as
 * `<app>.<Environment>.bindings.xml`, so that a restore with --environment imports that variant (with its secrets).
 */
export async function storeEnvironmentBindings(fileBase: string, pkg: ApplicationPackage, store: BackupStore, staging: string, index: number): Promise<ArtifactRef[]> {
  const artifacts: ArtifactRef[] = [];
  for (const resource of pkg.resources.filter((r) => r.type === ResourceType.BizTalkBinding)) {
    const environment = (resource.properties['TargetEnvironment'] ?? '').trim();
    const file = resource.files[0];
    if (environment === '' || file === undefined || artifacts.some((a) => a.name.toLowerCase() === `${fileBase}.${safeFileName(environment)}.bindings.xml`.toLowerCase())) continue;
    const name = `${fileBase}.${safeFileName(environment)}.bindings.xml`;
    // `<index>.env-<n>`: never an application's own `<index>-<name>.bindings.xml` (an application may be named env-0).
    const temp = path.join(staging, `${index}.env-${artifacts.length}.bindings.xml`);
    await fs.writeFile(temp, file.bytes);
    const put = await store.putFile(temp);
    artifacts.push({ kind: 'bindings', name, sha256: put.sha256, size: put.size });
  }
  return artifacts;
}

/**
 * A file the group said it wrote (ExportApp's MSI, ExportBindings' XML). A command that reports success without
 * writing it is that application's fault (E_BTSTASK_OUTPUT), never a raw ENOENT that stops the run.
 */
export async function readExportedFile(application: string, command: string, file: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await fs.readFile(file));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException | null)?.code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'EISDIR') throw cause;
    throw new BtsBackupError('E_BTSTASK_OUTPUT', `${command} reported success for "${application}" but wrote no ${what}.`, {
      target: application,
      cause,
      hint: `Run BTSTask ${command} for this application by hand and read its output; the other applications were backed up.`,
      details: { command, file: path.basename(file) },
    });
  }
}

/**
 * The MSI must be the application's own: its ADF DisplayName names the application (BizTalk names are
 * case-insensitive). The resource list alone cannot tell a foreign MSI with the same resources from the right one.
 */
export function checkPackageIdentity(application: string, pkg: ApplicationPackage): void {
  const displayName = pkg.adf.properties['DisplayName'];
  const same = displayName !== undefined && displayName.normalize('NFC').toLowerCase() === application.normalize('NFC').toLowerCase();
  if (same) return;
  throw new BtsBackupError(
    'E_PACKAGE_MISMATCH',
    displayName === undefined
      ? `The MSI exported for "${application}" names no application (its ApplicationDefinition has no DisplayName): it is not stored.`
      : `The MSI exported for "${application}" is the package of "${displayName}" (its ApplicationDefinition's DisplayName): it is not stored under the wrong name.`,
    {
      target: application,
      hint: 'Export the application again; if BTSTask keeps writing another application\'s package, check for a leftover file or a colliding %TEMP%\\BT folder on the server.',
      details: { displayName: displayName ?? null, title: pkg.summary.title },
    },
  );
}

/** The MSI must hold every resource the group listed (the ADF is its table of contents). */
export function checkPackageComplete(application: string, pkg: ApplicationPackage, resources: readonly ResourceInfo[]): void {
  const inAdf = new Set(pkg.adf.resources.map((r) => `${r.type}|${r.luid}`.toLowerCase()));
  const missing = resources.filter((r) => !inAdf.has(`${r.type}|${r.luid}`.toLowerCase()));
  if (missing.length > 0) {
    throw new BtsBackupError('E_INVALID_DATA', `The MSI exported for "${application}" lacks ${missing.length} resource(s): ${missing.map((m) => m.luid).join(', ')}.`, {
      target: application,
      hint: 'Export the application again; if it persists, check the resources in the BizTalk Administration console.',
    });
  }
}

export function packagedAssemblyHashes(pkg: ApplicationPackage): { fullName: string; sha256: string }[] {
  const out: { fullName: string; sha256: string }[] = [];
  for (const resource of pkg.resources.filter(isAssemblyResource)) {
    const dll = resource.files.find((f) => f.path.toLowerCase().endsWith('.dll'));
    if (dll !== undefined) out.push({ fullName: resource.luid, sha256: sha256(dll.bytes) });
  }
  return out;
}

/** Reads the AssemblyRefs of the application's DLLs and stores what the GAC holds that no MSI carries, transitively. */
export async function harvestDependencies(
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

/**
 * Masked passwords in the application's bindings, and web directories on localhost. Bindings this run did not read
 * (unchanged since `previous`, see Inventoried.exported) have the masked passwords the previous set found in them.
 */
export function bindingWarnings(item: Inventoried, previous: Manifest | null): ManifestWarning[] {
  const warnings: ManifestWarning[] = [];
  if (item.exported === undefined) {
    warnings.push(...(previous?.warnings ?? []).filter((w) => w.kind === 'MaskedPassword' && w.application?.toLowerCase() === item.info.name.toLowerCase()).map((w) => ({ ...w, application: item.info.name })));
  }
  for (const location of item.exported?.maskedPasswords ?? []) {
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
export async function staleArtifactWarnings(applications: readonly ManifestApplication[], group: BizTalkGroup): Promise<ManifestWarning[]> {
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

export async function storeExtras(paths: readonly string[], store: BackupStore, reporter: Reporter): Promise<ArtifactRef[]> {
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
    reporter.checkpoint?.();
    const put = await store.putFile(file);
    extras.push({ kind: 'extra', name: path.basename(file), sha256: put.sha256, size: put.size, sourcePath: path.resolve(file) });
    reporter.log('verbose', `Stored extra file ${file}`);
  };
  for (const p of paths) await visit(p);
  return extras;
}
