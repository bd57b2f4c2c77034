import { BtsBackupError } from '../errors/index.js';
import type { BindingsSummary } from './bindings-summary.js';
import type { ApplicationStatus, GroupInfo, ResourceInfo } from './model.js';

/** The flat manifest (one JSON file per set), written until sets became trees (manifest-tree.ts, schemaVersion 2); still read. */
export const MANIFEST_SCHEMA_VERSION = 1;

export type ArtifactKind = 'msi' | 'bindings' | 'dependency' | 'extra';

/** A file of a backup set: a content-addressed object plus what it is. */
export interface ArtifactRef {
  kind: ArtifactKind;
  /** File name a person would give it: `Orders.msi`, `Orders.bindings.xml`, `Contoso.Helpers.dll`. */
  name: string;
  sha256: string;
  size: number;
  /** For dependencies: the assembly full name, and where it was found. */
  assembly?: string;
  sourcePath?: string;
}

export type ApplicationBackupStatus = 'Exported' | 'Unchanged' | 'Failed';

export interface ManifestApplication {
  name: string;
  description: string;
  isDefault: boolean;
  status: ApplicationStatus;
  references: string[];
  backupStatus: ApplicationBackupStatus;
  /** The set whose export produced these artifacts (this set when Exported). */
  exportedIn: string;
  fingerprint: string;
  /** Why the application was exported: New, or the reasons it Changed. */
  reasons: string[];
  resources: ResourceInfo[];
  /** Canonical form of the bindings, SHA-256 (see normalizeBindings). */
  bindingsFingerprint: string;
  bindings: BindingsSummary;
  /**
   * SHA-256 of the application's slice of the group-level bindings read in this set's run (`ExportBindings
   * /GroupLevel`, see sliceGroupBindings), when that run read them. With the set's groupBindingsResidue it lets the next
   * run skip this application's own ExportBindings while both are unchanged.
   */
  bindingsSlice?: string;
  /**
   * When a content recheck last read the application whole and found what its record holds (ISO time), when that is
   * later than the export that made the record (exportedIn). Per set, like the status. See lastContentRead.
   */
  contentReadAt?: string;
  /** SHA-256 of each assembly as packed in the MSI: compared with the GAC to find stale artifacts. */
  packagedAssemblies: { fullName: string; sha256: string }[];
  artifacts: ArtifactRef[];
}

export type WarningKind = 'MaskedPassword' | 'LocalWebDirectory' | 'StaleArtifact' | 'SameMachineStore' | 'MissingDependency' | 'RepairedObject' | 'MissingInstallAction' | 'Other';

export interface ManifestWarning {
  kind: WarningKind;
  application?: string;
  message: string;
  /** For masked passwords: where the secret belongs (port, location, field). Never a value. */
  location?: { port: string; location?: string; field: string };
}

export interface ManifestFailure {
  application: string;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** A secret removed from a stored file before it was stored: where, never what. */
export interface ManifestRedaction {
  application: string;
  /** The artifact (and, inside an MSI, the resource file) it was removed from. */
  artifact: string;
  file: string;
  kind: 'BindingPassword' | 'ConnectionStringPassword' | 'UrlPassword' | 'QueryStringSecret' | 'AppSettingSecret' | 'ConfigElementSecret' | 'JsonPropertySecret';
  /** Where it belongs: its secrets key is `port|location|field` (`file:<path>||<what>` for a file that is not a binding). */
  location?: { port: string; location?: string; field: string };
  /** The rule of the secrets table that found it. */
  rule?: string;
  /** The MSI resource whose file it was removed from: its content differs from the group's until the secret is restored. */
  resource?: { type: string; luid: string };
}

/** A set as readers see it, whichever way it is stored: 1 = one flat file, 2 = a root and application records. */
export interface Manifest {
  schemaVersion: 1 | 2;
  setId: string;
  createdAt: string;
  createdBy: { user: string; host: string };
  tool: { name: string; version: string };
  group: GroupInfo;
  /** The set this one was diffed against, if any. */
  parent: string | null;
  full: boolean;
  importOrder: string[];
  applications: ManifestApplication[];
  /** Files the user asked to keep with the backup (--include-path). */
  extras: ArtifactRef[];
  warnings: ManifestWarning[];
  failures: ManifestFailure[];
  /** Secrets found in clear in exported files and masked before storing (RELIABILITY promise 7). */
  redactions: ManifestRedaction[];
  /** SHA-256 of the residue of the group-level bindings this set's run read (see ManifestApplication.bindingsSlice). */
  groupBindingsResidue?: string;
}

/**
 * What every set file names, flat manifest or root: its id and time, who made it with what, and which group. Readers
 * (show, report, list) print these fields: a file without them is corrupt here, not an internal error there.
 */
export function checkSetHeader(value: Record<string, unknown>, source: string): void {
  requireString(value, 'setId', source);
  requireString(value, 'createdAt', source);
  for (const [key, fields] of [
    ['group', ['server', 'database']],
    ['createdBy', ['user', 'host']],
    ['tool', ['name', 'version']],
  ] as const) {
    const part = value[key];
    if (!isRecord(part)) throw corrupt(source, `${key} is missing`);
    for (const field of fields) if (typeof part[field] !== 'string') throw corrupt(source, `${key}.${field} is missing`);
  }
}

/** Parses and validates a manifest. Never returns "nothing": corrupt is an error, not "no previous backup". */
export function parseManifest(bytes: Uint8Array | string, source: string): Manifest {
  const text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw corrupt(source, 'it is not JSON', cause);
  }
  if (!isRecord(value)) throw corrupt(source, 'it is not a JSON object');
  if (value['schemaVersion'] !== MANIFEST_SCHEMA_VERSION) {
    if (value['schemaVersion'] === 2) {
      throw new BtsBackupError('E_MANIFEST_UNSUPPORTED', `${source} is the root of a schemaVersion 2 set: it is read with its records (readManifest), not as a flat manifest.`, { target: source });
    }
    if (typeof value['schemaVersion'] === 'number') {
      throw new BtsBackupError('E_MANIFEST_UNSUPPORTED', `${source} has schemaVersion ${String(value['schemaVersion'])}; this BizTalkBackup reads 1 and 2.`, {
        target: source,
        hint: 'Use the BizTalkBackup version that wrote this set, or a newer one.',
      });
    }
    throw corrupt(source, 'schemaVersion is missing');
  }
  checkSetHeader(value, source);
  if (!Array.isArray(value['applications'])) throw corrupt(source, 'applications is missing');
  if (!Array.isArray(value['importOrder'])) throw corrupt(source, 'importOrder is missing');
  for (const [index, app] of (value['applications'] as unknown[]).entries()) {
    if (!isRecord(app)) throw corrupt(source, `applications[${index}] is not an object`);
    requireString(app, 'name', source);
    requireString(app, 'fingerprint', source);
    if (!Array.isArray(app['artifacts']) || !Array.isArray(app['resources']) || !Array.isArray(app['references'])) {
      throw corrupt(source, `applications[${index}] lacks artifacts, resources or references`);
    }
    for (const artifact of app['artifacts'] as unknown[]) {
      if (!isArtifactEntry(artifact)) {
        throw corrupt(source, `an artifact of ${String(app['name'])} is malformed`);
      }
    }
  }
  if (value['extras'] === undefined) value['extras'] = [];
  if (value['redactions'] === undefined) value['redactions'] = [];
  if (!Array.isArray(value['warnings']) || !Array.isArray(value['failures'])) throw corrupt(source, 'warnings or failures is missing');
  return value as unknown as Manifest;
}

/**
 * A manifest as one flat schemaVersion 1 file (what the store held before sets became trees; export now writes a root
 * and records, see manifest-tree.ts). Compact: at 500 applications it is megabytes.
 */
export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify({ ...manifest, schemaVersion: MANIFEST_SCHEMA_VERSION })}\n`;
}

// The checks below are shared with the tree format's parsers (manifest-tree.ts): one message and one hint for every
// corrupt set file, whichever its schemaVersion.

export const SHA256_HEX = /^[0-9a-f]{64}$/;

export function requireString(record: Record<string, unknown>, key: string, source: string): void {
  if (typeof record[key] !== 'string' || record[key] === '') throw corrupt(source, `${key} is missing`);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An artifact entry as a manifest or record names it: name, size and the SHA-256 of its object. */
export function isArtifactEntry(value: unknown): boolean {
  return isRecord(value) && typeof value['sha256'] === 'string' && SHA256_HEX.test(value['sha256']) && typeof value['size'] === 'number' && typeof value['name'] === 'string';
}

export function corrupt(source: string, problem: string, cause?: unknown): BtsBackupError {
  return new BtsBackupError('E_MANIFEST_CORRUPT', `The manifest ${source} is corrupt: ${problem}.`, {
    target: source,
    hint: 'Run verify on the store; restore from another backup set if this one cannot be repaired.',
    cause,
  });
}
