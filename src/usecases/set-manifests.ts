import {
  assembleManifest,
  parseRecord,
  parseSetHeader,
  parseStoredSet,
  rootRecords,
  serializeRoot,
  sha256Hex,
  splitManifest,
  type ApplicationRecord,
  type RecordCarry,
  type SetHeader,
  type StoredSet,
} from '../core/manifest-tree.js';
import type { Manifest, ManifestApplication } from '../core/manifest.js';
import { BtsBackupError, isBtsBackupError } from '../errors/index.js';
import type { BackupStore, StoreLock } from '../ports/store.js';

/**
 * Reading and writing sets through the store, whichever their schemaVersion. Every reader (list, show, verify, compare,
 * restore, prune, report, the DSC resource) loads a set here and gets the same in-memory Manifest a schemaVersion 1
 * file parses to; only export writes, and it writes schemaVersion 2 (a root and application records).
 */

/** How a loaded manifest is stored: its file's hash (the next set's parentRoot) and the records it names. */
export interface StoredInfo {
  schemaVersion: 1 | 2;
  /** SHA-256 of the set file as committed. */
  sha256: string;
  parentRoot: string | null;
  /** Record objects the root names (none for schemaVersion 1). */
  records: string[];
}

const storedInfos = new WeakMap<Manifest, StoredInfo>();
const carries = new WeakMap<ManifestApplication, RecordCarry>();

/** The stored form of a manifest loaded by readManifest (undefined for one built in memory). */
export function storedInfo(manifest: Manifest): StoredInfo | undefined {
  return storedInfos.get(manifest);
}

/** Every object a loaded set keeps alive: its records, and the artifacts and extras they and the root name. */
export function manifestObjects(manifest: Manifest): string[] {
  return [...new Set([...(storedInfos.get(manifest)?.records ?? []), ...[...manifest.applications.flatMap((a) => a.artifacts), ...manifest.extras].map((a) => a.sha256)])];
}

const source = (store: BackupStore, setId: string): string => `${store.location} set ${setId}`;

/** Reads and parses a set's file (root or flat manifest), checking it names itself. */
export async function readStoredSet(store: BackupStore, setId: string): Promise<StoredSet> {
  const stored = parseStoredSet(await store.readSet(setId), source(store, setId));
  const named = stored.schemaVersion === 2 ? stored.root.setId : stored.manifest.setId;
  if (named !== setId) {
    throw new BtsBackupError('E_MANIFEST_CORRUPT', `The manifest of set ${setId} names itself ${named}.`, {
      target: setId,
      hint: 'Run verify on the store; restore from another backup set if this one cannot be repaired.',
    });
  }
  return stored;
}

/** What `list` shows of a set, from its file alone (no record is read). */
export async function readSetHeader(store: BackupStore, setId: string): Promise<SetHeader> {
  const header = parseSetHeader(await store.readSet(setId), source(store, setId));
  if (header.setId !== setId) {
    throw new BtsBackupError('E_MANIFEST_CORRUPT', `The manifest of set ${setId} names itself ${header.setId}.`, {
      target: setId,
      hint: 'Run verify on the store; restore from another backup set if this one cannot be repaired.',
    });
  }
  return header;
}

/**
 * Loads a set as a Manifest. A record that is missing, damaged (its bytes no longer hash to its name) or unreadable is
 * E_OBJECT_MISSING / E_CHECKSUM_MISMATCH / E_MANIFEST_CORRUPT naming the application and the set: never a set with an
 * application left out.
 */
export async function readManifest(store: BackupStore, setId: string): Promise<Manifest> {
  return loadStoredSet(store, setId, await readStoredSet(store, setId));
}

export async function loadStoredSet(store: BackupStore, setId: string, stored: StoredSet): Promise<Manifest> {
  if (stored.schemaVersion === 1) {
    storedInfos.set(stored.manifest, { schemaVersion: 1, sha256: stored.sha256, parentRoot: null, records: [] });
    return stored.manifest;
  }
  const hashes = rootRecords(stored);
  const owner = new Map(stored.root.applications.map((entry) => [entry.record, entry.name] as const));
  const records = new Map<string, ApplicationRecord>();
  // A few reads at a time: records are small, and a store on a share answers faster with some in flight.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < hashes.length) {
      const sha256 = hashes[next++]!;
      const application = owner.get(sha256) ?? sha256;
      let bytes: Uint8Array;
      try {
        bytes = await store.readObject(sha256);
      } catch (error) {
        if (isBtsBackupError(error) && (error.code === 'E_OBJECT_MISSING' || error.code === 'E_CHECKSUM_MISMATCH')) {
          throw new BtsBackupError(error.code, `The record of ${application} in set ${setId} (object ${sha256}) is ${error.code === 'E_OBJECT_MISSING' ? 'missing from the store' : 'damaged'}.`, {
            target: application,
            hint: 'Run verify on the store; restore this application from another backup set.',
            cause: error,
            details: { setId, application, sha256, record: true },
          });
        }
        throw error;
      }
      records.set(sha256, parseRecord(bytes, `${source(store, setId)} record of ${application}`));
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, hashes.length) }, worker));
  const manifest = assembleManifest(stored.root, records, source(store, setId));
  storedInfos.set(manifest, { schemaVersion: 2, sha256: stored.sha256, parentRoot: stored.root.parentRoot, records: hashes });
  const byName = new Map(stored.root.applications.map((entry) => [entry.name, entry.record] as const));
  for (const app of manifest.applications) {
    const record = records.get(byName.get(app.name) ?? '');
    if (record !== undefined) carries.set(app, { warnings: record.warnings, redactions: record.redactions });
  }
  return manifest;
}

/** The newest committed set, or null when there is none. A corrupt one is an error, never "no previous backup". */
export async function readLatestManifest(store: BackupStore): Promise<Manifest | null> {
  const sets = await store.listSets();
  const latest = sets[sets.length - 1];
  if (latest === undefined) return null;
  return readManifest(store, latest);
}

export interface WrittenSet {
  /** The set as every reader will load it. */
  manifest: Manifest;
  /** SHA-256 of the committed root. */
  sha256: string;
  rootBytes: number;
  /** Records stored by this commit (the others were already in the store). */
  newRecords: number;
  recordBytes: number;
}

/**
 * Commits a manifest as a schemaVersion 2 set: its records first (content-addressed, so an unchanged application's
 * record is already there and nothing is written for it), then the root, which is the commit point. A crash between
 * the two leaves orphan records only: no set is listed, and the next run reuses them.
 *
 * `previous` is the set this one follows (loaded by readManifest): its hash chains the new root to it, and its records
 * give an Unchanged application the warnings and redactions its export recorded.
 */
export async function commitManifest(store: BackupStore, manifest: Manifest, previous: Manifest | null, lock: StoreLock): Promise<WrittenSet> {
  const previousInfo = previous === null ? undefined : storedInfos.get(previous);
  if (previous !== null && previousInfo === undefined) throw new BtsBackupError('E_INTERNAL', 'the previous set was not loaded through readManifest');
  const previousApps = new Map((previous?.applications ?? []).map((a) => [a.name, a] as const));
  const { root, records, manifest: assembled } = splitManifest(manifest, previous === null || previousInfo === undefined ? null : { setId: previous.setId, sha256: previousInfo.sha256 }, (app) => {
    const before = previousApps.get(app.name);
    if (before === undefined) return undefined;
    const carry = carries.get(before);
    if (carry !== undefined) return carry;
    // A schemaVersion 1 parent: what it said about the application.
    return { warnings: previous?.warnings.filter((w) => w.application === app.name && w.kind !== 'StaleArtifact' && w.kind !== 'RepairedObject') ?? [], redactions: previous?.redactions.filter((r) => r.application === app.name) ?? [] };
  });
  let newRecords = 0;
  let recordBytes = 0;
  const seen = new Set<string>();
  for (const record of records) {
    if (seen.has(record.sha256)) continue;
    seen.add(record.sha256);
    const put = await store.putBytes(record.bytes);
    if (!put.reused) {
      newRecords += 1;
      recordBytes += record.bytes.length;
    }
  }
  const bytes = serializeRoot(root);
  await store.commitSet(manifest.setId, bytes, lock);
  const sha256 = sha256Hex(bytes);
  storedInfos.set(assembled, { schemaVersion: 2, sha256, parentRoot: root.parentRoot, records: [...seen] });
  return { manifest: assembled, sha256, rootBytes: bytes.length, newRecords, recordBytes };
}
