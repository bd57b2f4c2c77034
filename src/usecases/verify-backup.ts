import { readApplicationPackage } from '../formats/msi/application-package.js';
import { decodeText } from '../formats/bindings/parse-xml.js';
import { normalizeBindings } from '../formats/bindings/normalize-bindings.js';
import { filterNames } from '../core/filter-names.js';
import type { ArtifactRef, Manifest, ManifestApplication } from '../core/manifest.js';
import { loadStoredSet, manifestObjects, readManifest, readStoredSet, storedInfo } from './set-manifests.js';
import { applicationCaseCollisions, checkManifestNames, findOrphans, isReadDataSelected, type ReadDataSelection, type VerifyProblem, type VerifyResult } from '../core/verify-plan.js';
import { BtsBackupError, hints, isBtsBackupError } from '../errors/index.js';
import type { RetentionCandidate } from '../core/plan-retention.js';
import type { BackupStore, ObjectInfo } from '../ports/store.js';
import type { Reporter } from './reporter.js';

/**
 * Test-BtsAppBackup (RELIABILITY.md promise 5), graded like restic's check:
 * structure = the manifest parses, every object is present with its size, each MSI is a compound file that reads as a
 * BizTalk package whose ADF lists every resource the manifest claims, binding files are well-formed XML, names are safe;
 * --read-data re-hashes every object (or a deterministic 1/m of them). Read-only: no lock, no change to the store.
 */
export interface VerifyOptions {
  /** A set id, `latest`, or `all`. */
  set: string;
  /** Only these applications (wildcards); all when empty. */
  include: readonly string[];
  readData: ReadDataSelection;
}

export interface VerifyOutcome {
  /** The sets verified, oldest first. */
  sets: string[];
  results: VerifyResult[];
  /** Objects no set references (left by an interrupted run): reported, not errors. Undefined when a manifest could not be read. */
  orphans: ObjectInfo[] | undefined;
  objectsRead: number;
  /** 12 when anything failed, 0 otherwise. */
  exitCode: number;
}

const CFB_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** Per-object findings, computed once per run however many sets and applications share the object. */
export class ObjectChecker {
  private readonly stats = new Map<string, Promise<VerifyProblem | undefined>>();
  private readonly contents = new Map<string, Promise<{ problem?: VerifyProblem; adf?: Set<string> }>>();
  private readonly hashes = new Map<string, Promise<VerifyProblem | undefined>>();
  objectsRead = 0;

  constructor(private readonly store: BackupStore) {}

  /** Present with the recorded size. */
  presence(artifact: ArtifactRef): Promise<VerifyProblem | undefined> {
    const key = `${artifact.sha256}|${artifact.size}`;
    let found = this.stats.get(key);
    if (found === undefined) {
      found = this.store.statObject(artifact.sha256).then(
        (stat): VerifyProblem | undefined => {
          if (stat === undefined) return { code: 'E_OBJECT_MISSING', message: `The object of ${artifact.name} is missing from the store.`, artifact: artifact.name, sha256: artifact.sha256 };
          if (stat.size !== artifact.size) {
            return { code: 'E_VERIFY_FAILED', message: `The object of ${artifact.name} has ${stat.size} bytes; the manifest says ${artifact.size} (truncated or damaged).`, artifact: artifact.name, sha256: artifact.sha256, details: { check: 'size', expected: artifact.size, actual: stat.size } };
          }
          return undefined;
        },
        (error: unknown) => problemFrom(error, artifact),
      );
      this.stats.set(key, found);
    }
    return found;
  }

  /** MSI: CFB signature, readable package, ADF; bindings: well-formed BindingInfo XML. Returns the ADF's resource keys for MSIs. */
  content(artifact: ArtifactRef): Promise<{ problem?: VerifyProblem; adf?: Set<string> }> {
    const key = `${artifact.kind}|${artifact.sha256}`;
    let found = this.contents.get(key);
    if (found === undefined) {
      found = this.readContent(artifact);
      this.contents.set(key, found);
    }
    return found;
  }

  private async readContent(artifact: ArtifactRef): Promise<{ problem?: VerifyProblem; adf?: Set<string> }> {
    let bytes: Uint8Array;
    try {
      bytes = await this.store.readObject(artifact.sha256);
    } catch (error) {
      return { problem: problemFrom(error, artifact) };
    }
    try {
      if (artifact.kind === 'msi') {
        if (bytes.length < 8 || CFB_SIGNATURE.some((b, i) => bytes[i] !== b)) {
          return { problem: { code: 'E_VERIFY_FAILED', message: `${artifact.name} is not an MSI: it lacks the compound file signature.`, artifact: artifact.name, sha256: artifact.sha256, details: { check: 'msi-signature' } } };
        }
        const pkg = readApplicationPackage(bytes, artifact.name);
        return { adf: new Set(pkg.adf.resources.map((r) => resourceKey(r))) };
      }
      if (artifact.kind === 'bindings') normalizeBindings(decodeText(bytes), artifact.name);
      return {};
    } catch (error) {
      return { problem: problemFrom(error, artifact) };
    }
  }

  /**
   * A record of a schemaVersion 2 set was read and hashed when its set was loaded (a damaged one stops the load): with
   * --read-data it counts as read, once however many sets name it.
   */
  countRecord(sha256: string, readData: ReadDataSelection): void {
    if (this.hashes.has(sha256) || !isReadDataSelected(sha256, readData)) return;
    this.objectsRead += 1;
    this.hashes.set(sha256, Promise.resolve(undefined));
  }

  /** --read-data: re-reads and re-hashes the object. */
  rehash(artifact: ArtifactRef): Promise<VerifyProblem | undefined> {
    let found = this.hashes.get(artifact.sha256);
    if (found === undefined) {
      this.objectsRead += 1;
      found = this.store.hashObject(artifact.sha256).then(
        (info): VerifyProblem | undefined =>
          info.size === artifact.size ? undefined : { code: 'E_CHECKSUM_MISMATCH', message: `${artifact.name} re-hashed to ${info.size} bytes, not ${artifact.size}.`, artifact: artifact.name, sha256: artifact.sha256 },
        (error: unknown) => problemFrom(error, artifact),
      );
      this.hashes.set(artifact.sha256, found);
    }
    return found;
  }
}

const resourceKey = (r: { type: string; luid: string }): string => `${r.type}|${r.luid}`.toLowerCase();

function problemFrom(error: unknown, artifact: ArtifactRef): VerifyProblem {
  if (isBtsBackupError(error)) {
    return { code: error.code, message: `${artifact.name}: ${error.message}`, artifact: artifact.name, sha256: artifact.sha256, ...(error.details === undefined ? {} : { details: error.details }) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'E_VERIFY_FAILED', message: `${artifact.name} could not be read: ${message}`, artifact: artifact.name, sha256: artifact.sha256 };
}

/** Verifies one application of a set: every artifact, and the MSI against the resources the manifest claims. */
export async function verifyApplication(app: ManifestApplication, setId: string, checker: ObjectChecker, readData: ReadDataSelection, nameProblems: readonly VerifyProblem[] = []): Promise<VerifyResult> {
  const problems: VerifyProblem[] = [...nameProblems];
  const readBefore = checker.objectsRead;
  if (!app.artifacts.some((a) => a.kind === 'msi')) problems.push({ code: 'E_VERIFY_FAILED', message: `The backup of ${app.name} has no MSI.`, details: { check: 'msi-present' } });
  for (const artifact of app.artifacts) {
    const absentOrResized = await checker.presence(artifact);
    if (absentOrResized !== undefined) problems.push(absentOrResized);
    if (absentOrResized?.code === 'E_OBJECT_MISSING') continue;
    if (absentOrResized === undefined && (artifact.kind === 'msi' || artifact.kind === 'bindings')) {
      const content = await checker.content(artifact);
      if (content.problem !== undefined) problems.push(content.problem);
      if (content.adf !== undefined) {
        const absent = app.resources.filter((r) => !content.adf?.has(resourceKey(r)));
        if (absent.length > 0) {
          problems.push({
            code: 'E_VERIFY_FAILED',
            message: `The ADF of ${artifact.name} lacks ${absent.length} resource(s) the manifest lists: ${absent.map((r) => r.luid).join(', ')}.`,
            artifact: artifact.name,
            sha256: artifact.sha256,
            details: { check: 'adf', missing: absent.map((r) => ({ type: r.type, luid: r.luid })) },
          });
        }
      }
    }
    if (isReadDataSelected(artifact.sha256, readData)) {
      const damaged = await checker.rehash(artifact);
      if (damaged !== undefined && !problems.some((p) => p.sha256 === damaged.sha256 && p.code === damaged.code)) problems.push(damaged);
    }
  }
  return {
    setId,
    application: app.name,
    status: problems.length === 0 ? 'Verified' : 'Failed',
    level: readData.mode === 'none' ? 'structure' : readData.mode === 'all' ? 'read-data' : 'read-data-subset',
    objects: app.artifacts.length,
    objectsRead: checker.objectsRead - readBefore,
    problems,
  };
}

/** Structure (and optionally data) of every application of one parsed manifest, plus set-wide problems (extras, names). */
export async function verifyManifest(manifest: Manifest, checker: ObjectChecker, readData: ReadDataSelection, include: readonly string[] = []): Promise<VerifyResult[]> {
  const names = checkManifestNames(manifest);
  const results: VerifyResult[] = [];
  for (const app of filterNames(manifest.applications, (a) => a.name, include)) {
    results.push(await verifyApplication(app, manifest.setId, checker, readData, names.get(app.name) ?? []));
  }
  const setProblems = [...(names.get(null) ?? [])];
  for (const extra of include.length === 0 ? manifest.extras : []) {
    const problem = (await checker.presence(extra)) ?? (isReadDataSelected(extra.sha256, readData) ? await checker.rehash(extra) : undefined);
    if (problem !== undefined) setProblems.push(problem);
  }
  if (setProblems.length > 0) {
    results.push({ setId: manifest.setId, application: null, status: 'Failed', level: readData.mode === 'none' ? 'structure' : 'read-data', objects: manifest.extras.length, objectsRead: 0, problems: setProblems });
  }
  return results;
}

/** Resolves --set: an id, `latest`, or `all`. */
export function selectSets(all: readonly string[], set: string, location: string): string[] {
  const wanted = set.trim() === '' ? 'all' : set;
  if (wanted.toLowerCase() === 'all') return [...all];
  if (wanted.toLowerCase() === 'latest') {
    const latest = all[all.length - 1];
    if (latest === undefined) throw new BtsBackupError('E_SET_NOT_FOUND', `The store ${location} holds no backup set yet.`, { target: location, hint: hints.noSetYet });
    return [latest];
  }
  if (!all.includes(wanted)) throw new BtsBackupError('E_SET_NOT_FOUND', `No backup set ${wanted} in ${location}.`, { target: wanted, hint: hints.listSets });
  return [wanted];
}

export async function verifyBackup(store: BackupStore, options: VerifyOptions, reporter: Reporter): Promise<VerifyOutcome> {
  const all = await store.listSets();
  const sets = selectSets(all, options.set, store.location);
  const checker = new ObjectChecker(store);
  const results: VerifyResult[] = [];
  const manifests: Manifest[] = [];
  let unreadable = 0;
  // The hash chain: each schemaVersion 2 root names its parent and the SHA-256 of the parent's file.
  const fileHashes = new Map<string, string>();
  const chainLinks: { setId: string; parent: string; parentRoot: string }[] = [];
  for (const [index, setId] of all.entries()) {
    const selected = sets.includes(setId);
    if (selected) reporter.progress('Verify', setId, index, all.length);
    let manifest: Manifest;
    try {
      const stored = await readStoredSet(store, setId);
      fileHashes.set(setId, stored.sha256);
      if (stored.schemaVersion === 2 && stored.root.parent !== null && stored.root.parentRoot !== null) chainLinks.push({ setId, parent: stored.root.parent, parentRoot: stored.root.parentRoot });
      manifest = await loadStoredSet(store, setId, stored);
    } catch (error) {
      if (!isBtsBackupError(error)) throw error;
      unreadable += 1;
      if (!selected) {
        reporter.log('warning', `Set ${setId} (not verified in this run) cannot be read: ${error.code} ${error.message}`, undefined, 'UnreadableSet');
        continue;
      }
      const result: VerifyResult = { setId, application: null, status: 'Failed', level: 'structure', objects: 0, objectsRead: 0, problems: [{ code: error.code, message: error.message }] };
      results.push(result);
      reporter.result('VerifyResult', { ...result });
      continue;
    }
    manifests.push(manifest);
    if (!selected) continue;
    for (const record of storedInfo(manifest)?.records ?? []) checker.countRecord(record, options.readData);
    for (const group of applicationCaseCollisions(manifest)) {
      reporter.log('warning', `Set ${setId}: the applications ${group.map((n) => `"${n}"`).join(' and ')} differ only by case; restore them one at a time.`, undefined, 'CaseCollision');
    }
    for (const result of await verifyManifest(manifest, checker, options.readData, options.include)) {
      results.push(result);
      reporter.result('VerifyResult', { ...result });
      if (result.status === 'Failed') {
        for (const problem of result.problems) reporter.log('warning', `${setId} ${result.application ?? '(set)'}: ${problem.code} ${problem.message}`, undefined, 'VerifyProblem');
      }
    }
  }
  for (const link of chainLinks.filter((l) => sets.includes(l.setId))) {
    const problem = chainProblem(link, all, fileHashes);
    if (problem === 'gap') {
      reporter.log('info', `Set ${link.setId}: its parent set ${link.parent} is no longer in the store (pruned); the hash chain is checked from ${link.setId} on.`);
      continue;
    }
    if (problem === undefined) continue;
    const result: VerifyResult = { setId: link.setId, application: null, status: 'Failed', level: 'structure', objects: 0, objectsRead: 0, problems: [problem] };
    results.push(result);
    reporter.result('VerifyResult', { ...result });
    reporter.log('warning', `${link.setId} (set): ${problem.code} ${problem.message}`);
  }
  reporter.completed('Verify');
  let orphans: ObjectInfo[] | undefined;
  if (unreadable === 0) {
    orphans = findOrphans(await store.listObjects(), manifests, manifests.flatMap((m) => manifestObjects(m)));
    for (const orphan of orphans) reporter.result('OrphanObject', { sha256: orphan.sha256, size: orphan.size });
    if (orphans.length > 0) reporter.log('info', `${orphans.length} object(s) are referenced by no set (left by an interrupted run); prune removes them.`);
  } else {
    reporter.log('warning', 'Orphan objects are not reported while a manifest cannot be read.', undefined, 'OrphansNotReported');
  }
  return { sets, results, orphans, objectsRead: checker.objectsRead, exitCode: results.some((r) => r.status === 'Failed') ? 12 : 0 };
}

/**
 * What prune needs of every committed set (RetentionCandidate): a manifest that does not parse stops the prune
 * (E_MANIFEST_CORRUPT / E_MANIFEST_UNSUPPORTED, never "an empty set"), and a set counts as verified when its
 * structure verifies.
 */
export async function retentionCandidates(store: BackupStore): Promise<RetentionCandidate[]> {
  const checker = new ObjectChecker(store);
  const candidates: RetentionCandidate[] = [];
  for (const setId of await store.listSets()) {
    let manifest: Manifest;
    try {
      manifest = await readManifest(store, setId);
    } catch (error) {
      // A set that cannot be read (its file or a record) would make its objects look unused: the prune stops.
      if (isBtsBackupError(error)) throw new BtsBackupError(error.code, error.message, { target: error.target ?? setId, hint: hints.manifestNamesItself, cause: error, ...(error.details === undefined ? {} : { details: error.details }) });
      throw error;
    }
    const results = await verifyManifest(manifest, checker, { mode: 'none' });
    candidates.push({
      setId,
      createdAt: manifest.createdAt,
      verified: results.every((r) => r.status === 'Verified'),
      applications: manifest.applications.filter((a) => a.artifacts.length > 0).map((a) => a.name),
      // Records included: a kept set's root keeps its records alive, and they keep the artifacts.
      objects: manifestObjects(manifest),
    });
  }
  return candidates;
}

/**
 * One link of the hash chain: the parent named must be older, and when it is still in the store its file must hash to
 * what the child recorded. A parent no longer in the store (pruned) is a gap, not a fault: the chain starts again there.
 */
export function chainProblem(link: { setId: string; parent: string; parentRoot: string }, all: readonly string[], fileHashes: ReadonlyMap<string, string>): VerifyProblem | 'gap' | undefined {
  if (link.parent >= link.setId) {
    return { code: 'E_MANIFEST_CORRUPT', message: `The root of set ${link.setId} names ${link.parent} as its parent, which is not older.`, details: { check: 'chain', parent: link.parent } };
  }
  if (!all.includes(link.parent)) return 'gap';
  const actual = fileHashes.get(link.parent);
  // A parent that cannot be read is reported as its own set's problem.
  if (actual === undefined || actual === link.parentRoot) return undefined;
  return {
    code: 'E_CHAIN_BROKEN',
    message: `The root of set ${link.setId} records its parent ${link.parent} as ${link.parentRoot}, but that set's file now hashes to ${actual}: it was changed after ${link.setId} was written.`,
    details: { check: 'chain', parent: link.parent, expected: link.parentRoot, actual },
  };
}
