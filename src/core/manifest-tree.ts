import { createHash } from 'node:crypto';
import { BtsBackupError } from '../errors/index.js';
import {
  checkSetHeader,
  corrupt,
  isArtifactEntry,
  isRecord,
  parseManifest,
  requireString,
  SHA256_HEX as SHA256,
  type ApplicationBackupStatus,
  type Manifest,
  type ManifestApplication,
  type ManifestRedaction,
  type ManifestWarning,
  type WarningKind,
} from './manifest.js';

/**
 * The manifest as a tree (schemaVersion 2), as git and restic store theirs: each application's record (resources,
 * references, bindings summary, artifacts, and the warnings and redactions of the export that made it) is a
 * content-addressed object; a set is a small root naming its group, tool, time, parent set and the SHA-256 of the
 * parent's root file (a hash chain), and `application -> record hash`, one line per application. An application that
 * did not change points at the same record as the set before: its cost is one line of the root.
 *
 * Readers never see the tree: loading assembles the same in-memory Manifest a schemaVersion 1 file parses to.
 */
export const TREE_SCHEMA_VERSION = 2;
export const RECORD_FORMAT = 'biztalkbackup-application-record';
export const RECORD_FORMAT_VERSION = 1;

/** Warnings about what an export stored (they hold as long as its objects are the application's backup). */
const RECORD_WARNING_KINDS: ReadonlySet<WarningKind> = new Set<WarningKind>(['MaskedPassword', 'LocalWebDirectory', 'MissingDependency', 'MissingInstallAction', 'Other']);

/** An application's record: the object a root line points at. Everything but the per-set status and reasons. */
export interface ApplicationRecord {
  format: typeof RECORD_FORMAT;
  version: typeof RECORD_FORMAT_VERSION;
  name: string;
  description: string;
  isDefault: boolean;
  status: ManifestApplication['status'];
  references: string[];
  exportedIn: string;
  fingerprint: string;
  resources: ManifestApplication['resources'];
  bindingsFingerprint: string;
  bindings: ManifestApplication['bindings'];
  packagedAssemblies: ManifestApplication['packagedAssemblies'];
  artifacts: ManifestApplication['artifacts'];
  warnings: ManifestWarning[];
  redactions: ManifestRedaction[];
}

/** One line of a root: which record, and what this set did with the application. */
export interface RootEntry {
  name: string;
  record: string;
  /** Absent means Unchanged (the common case, kept to one short line). */
  backupStatus?: Exclude<ApplicationBackupStatus, 'Unchanged'>;
  reasons?: string[];
  /** The application's slice of this run's group-level bindings (per set, like the status: not part of the record). */
  bindingsSlice?: string;
  /** See ManifestApplication.contentReadAt. */
  contentReadAt?: string;
}

export interface SetRoot {
  schemaVersion: typeof TREE_SCHEMA_VERSION;
  setId: string;
  createdAt: string;
  createdBy: Manifest['createdBy'];
  tool: Manifest['tool'];
  group: Manifest['group'];
  parent: string | null;
  /** SHA-256 of the parent set's file (root or schemaVersion 1 manifest) as committed: the hash chain. */
  parentRoot: string | null;
  full: boolean;
  /** Derived, for `list` without reading records: applications, exported, unchanged, failed, warnings. */
  summary: SetSummaryCounts;
  /** Set-wide warnings, and warnings of this run the records do not carry (stale artifacts, repairs, failures). */
  warnings: ManifestWarning[];
  failures: Manifest['failures'];
  redactions: ManifestRedaction[];
  extras: Manifest['extras'];
  /** The residue of this run's group-level bindings, when it read them. */
  groupBindingsResidue?: string;
  /** In import order. */
  applications: RootEntry[];
}

export interface SetSummaryCounts {
  applications: number;
  exported: number;
  unchanged: number;
  failed: number;
  warnings: number;
}

/** What `list` needs of a set: readable from a root alone (or a schemaVersion 1 manifest). */
export type SetHeader = Pick<SetRoot, 'setId' | 'createdAt' | 'createdBy' | 'tool' | 'group' | 'parent' | 'parentRoot' | 'full' | 'summary'> & {
  schemaVersion: 1 | 2;
  importOrder: string[];
};

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** JSON with object keys sorted at every level: the same record always serializes to the same bytes (and hash). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(item).sort()) sorted[key] = (item as Record<string, unknown>)[key];
    return sorted;
  });
}

/** A warning the record of `application` carries (what its export stored), rather than the root. */
export function isRecordWarning(warning: ManifestWarning, application: string): boolean {
  return warning.application === application && RECORD_WARNING_KINDS.has(warning.kind);
}

export function makeRecord(app: ManifestApplication, warnings: readonly ManifestWarning[], redactions: readonly ManifestRedaction[]): ApplicationRecord {
  return {
    format: RECORD_FORMAT,
    version: RECORD_FORMAT_VERSION,
    name: app.name,
    description: app.description,
    isDefault: app.isDefault,
    status: app.status,
    references: app.references,
    exportedIn: app.exportedIn,
    fingerprint: app.fingerprint,
    resources: app.resources,
    bindingsFingerprint: app.bindingsFingerprint,
    bindings: app.bindings,
    packagedAssemblies: app.packagedAssemblies,
    artifacts: app.artifacts,
    warnings: [...warnings],
    redactions: [...redactions],
  };
}

export function serializeRecord(record: ApplicationRecord): Uint8Array {
  return new TextEncoder().encode(`${canonicalJson(record)}\n`);
}

export function parseRecord(bytes: Uint8Array, source: string): ApplicationRecord {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: false }).decode(bytes));
  } catch (cause) {
    throw corrupt(source, 'it is not JSON', cause);
  }
  if (!isRecord(value) || value['format'] !== RECORD_FORMAT) throw corrupt(source, 'it is not an application record');
  if (value['version'] !== RECORD_FORMAT_VERSION) {
    throw new BtsBackupError('E_MANIFEST_UNSUPPORTED', `${source} is an application record of version ${String(value['version'])}; this BizTalkBackup reads ${RECORD_FORMAT_VERSION}.`, {
      target: source,
      hint: 'Use the BizTalkBackup version that wrote this set, or a newer one.',
    });
  }
  for (const key of ['name', 'fingerprint', 'exportedIn']) requireString(value, key, source);
  for (const key of ['artifacts', 'resources', 'references', 'warnings', 'redactions', 'packagedAssemblies']) if (!Array.isArray(value[key])) throw corrupt(source, `${key} is missing`);
  for (const artifact of value['artifacts'] as unknown[]) if (!isArtifactEntry(artifact)) throw corrupt(source, 'an artifact is malformed');
  return value as unknown as ApplicationRecord;
}

/**
 * The root of a set as bytes: JSON whose `applications` hold one line each, so an unchanged application costs one line
 * and a diff of two roots reads like a list of what changed.
 */
export function serializeRoot(root: SetRoot): Uint8Array {
  const { applications, ...header } = root;
  const head = JSON.stringify(header);
  const lines = applications.map((entry) => JSON.stringify(entry));
  const text = lines.length === 0 ? `${head.slice(0, -1)},"applications":[]}\n` : `${head.slice(0, -1)},"applications":[\n${lines.join(',\n')}\n]}\n`;
  return new TextEncoder().encode(text);
}

/** Parses a root (schemaVersion 2). */
export function parseRoot(value: Record<string, unknown>, source: string): SetRoot {
  checkSetHeader(value, source);
  if (!isRecord(value['summary'])) throw corrupt(source, 'summary is missing');
  for (const key of ['applications', 'warnings', 'failures', 'redactions', 'extras']) if (!Array.isArray(value[key])) throw corrupt(source, `${key} is missing`);
  if (value['parent'] !== null && typeof value['parent'] !== 'string') throw corrupt(source, 'parent is malformed');
  if (value['parentRoot'] !== null && (typeof value['parentRoot'] !== 'string' || !SHA256.test(value['parentRoot']))) throw corrupt(source, 'parentRoot is malformed');
  if ((value['parent'] === null) !== (value['parentRoot'] === null)) throw corrupt(source, 'parent and parentRoot disagree');
  if (value['groupBindingsResidue'] !== undefined && (typeof value['groupBindingsResidue'] !== 'string' || !SHA256.test(value['groupBindingsResidue']))) throw corrupt(source, 'groupBindingsResidue is malformed');
  for (const [index, entry] of (value['applications'] as unknown[]).entries()) {
    if (!isRecord(entry) || typeof entry['name'] !== 'string' || entry['name'] === '' || typeof entry['record'] !== 'string' || !SHA256.test(entry['record'])) {
      throw corrupt(source, `applications[${index}] is malformed`);
    }
    if (entry['backupStatus'] !== undefined && entry['backupStatus'] !== 'Exported' && entry['backupStatus'] !== 'Failed') throw corrupt(source, `applications[${index}] has an unknown backupStatus`);
    if (entry['bindingsSlice'] !== undefined && (typeof entry['bindingsSlice'] !== 'string' || !SHA256.test(entry['bindingsSlice']))) throw corrupt(source, `applications[${index}] has a malformed bindingsSlice`);
    if (entry['contentReadAt'] !== undefined && (typeof entry['contentReadAt'] !== 'string' || Number.isNaN(Date.parse(entry['contentReadAt'])))) throw corrupt(source, `applications[${index}] has a malformed contentReadAt`);
  }
  return value as unknown as SetRoot;
}

/** The parsed form of a committed set file, whichever its schemaVersion. */
export type StoredSet = { schemaVersion: 1; manifest: Manifest; sha256: string } | { schemaVersion: 2; root: SetRoot; sha256: string };

/**
 * Parses a set file: a schemaVersion 1 manifest or a schemaVersion 2 root. Unknown versions are E_MANIFEST_UNSUPPORTED,
 * anything unreadable E_MANIFEST_CORRUPT (never "no previous backup").
 */
export function parseStoredSet(bytes: Uint8Array, source: string): StoredSet {
  const sha256 = sha256Hex(bytes);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw corrupt(source, 'it is not JSON', cause);
  }
  if (isRecord(value) && value['schemaVersion'] === TREE_SCHEMA_VERSION) return { schemaVersion: 2, root: parseRoot(value, source), sha256 };
  return { schemaVersion: 1, manifest: parseManifest(text, source), sha256 };
}

/**
 * What `list` shows of a set file, read fast: a root as serializeRoot writes it is a header line, then one line per
 * application; only the header is parsed as JSON and only the names are taken from the lines (a name ends at the first
 * unescaped `","record":"`). Anything else (a flat manifest, a root written by hand) takes the full parse.
 */
export function parseSetHeader(bytes: Uint8Array, source: string): SetHeader {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const marker = ',"applications":[\n';
  const at = text.indexOf(marker);
  if (!text.startsWith(`{"schemaVersion":${TREE_SCHEMA_VERSION},`) || at < 0 || !text.endsWith('\n]}\n')) return setHeader(parseStoredSet(bytes, source));
  let header: unknown;
  try {
    header = JSON.parse(`${text.slice(0, at)},"applications":[]}`);
  } catch {
    return setHeader(parseStoredSet(bytes, source));
  }
  if (!isRecord(header)) return setHeader(parseStoredSet(bytes, source));
  const root = parseRoot(header, source);
  const names: string[] = [];
  let line = at + marker.length;
  const end = text.length - '\n]}\n'.length;
  while (line < end) {
    let next = text.indexOf('\n', line);
    if (next < 0 || next > end) next = end;
    const boundary = text.indexOf('","record":"', line);
    if (!text.startsWith('{"name":"', line) || boundary < 0 || boundary > next) return setHeader(parseStoredSet(bytes, source));
    names.push(JSON.parse(text.slice(line + 8, boundary + 1)) as string);
    line = next + 1;
  }
  return { ...setHeader({ schemaVersion: 2, root, sha256: '' }), importOrder: names };
}

/** What `list` shows, from the set file alone. */
export function setHeader(stored: StoredSet): SetHeader {
  if (stored.schemaVersion === 2) {
    const { root } = stored;
    return {
      schemaVersion: 2,
      setId: root.setId,
      createdAt: root.createdAt,
      createdBy: root.createdBy,
      tool: root.tool,
      group: root.group,
      parent: root.parent,
      parentRoot: root.parentRoot,
      full: root.full,
      summary: root.summary,
      importOrder: root.applications.map((entry) => entry.name),
    };
  }
  const { manifest } = stored;
  return {
    schemaVersion: 1,
    setId: manifest.setId,
    createdAt: manifest.createdAt,
    createdBy: manifest.createdBy,
    tool: manifest.tool,
    group: manifest.group,
    parent: manifest.parent,
    parentRoot: null,
    full: manifest.full,
    summary: summarize(manifest),
    importOrder: manifest.importOrder,
  };
}

export function summarize(manifest: Manifest): SetSummaryCounts {
  return {
    applications: manifest.applications.length,
    exported: manifest.applications.filter((a) => a.backupStatus === 'Exported').length,
    unchanged: manifest.applications.filter((a) => a.backupStatus === 'Unchanged').length,
    failed: manifest.failures.length,
    warnings: manifest.warnings.length,
  };
}

/**
 * Assembles the in-memory Manifest of a root from its records (keyed by hash). A Failed application keeps the record
 * of its previous backup; that record's warnings and redactions belong to the earlier set and are left out, as a
 * schemaVersion 1 manifest did.
 */
export function assembleManifest(root: SetRoot, records: ReadonlyMap<string, ApplicationRecord>, source: string): Manifest {
  const applications: ManifestApplication[] = [];
  const warnings: ManifestWarning[] = [...root.warnings];
  const redactions: ManifestRedaction[] = [...root.redactions];
  for (const entry of root.applications) {
    const record = records.get(entry.record);
    if (record === undefined) throw corrupt(source, `the record of ${entry.name} was not loaded`);
    if (record.name !== entry.name) throw corrupt(source, `the record ${entry.record} names ${record.name}, not ${entry.name}`);
    const backupStatus: ApplicationBackupStatus = entry.backupStatus ?? 'Unchanged';
    applications.push({
      name: record.name,
      description: record.description,
      isDefault: record.isDefault,
      status: record.status,
      references: record.references,
      backupStatus,
      exportedIn: record.exportedIn,
      fingerprint: record.fingerprint,
      reasons: entry.reasons ?? [],
      resources: record.resources,
      bindingsFingerprint: record.bindingsFingerprint,
      bindings: record.bindings,
      packagedAssemblies: record.packagedAssemblies,
      artifacts: record.artifacts,
      ...(entry.bindingsSlice === undefined ? {} : { bindingsSlice: entry.bindingsSlice }),
      ...(entry.contentReadAt === undefined ? {} : { contentReadAt: entry.contentReadAt }),
    });
    if (backupStatus !== 'Failed') {
      warnings.push(...record.warnings);
      redactions.push(...record.redactions);
    }
  }
  return {
    schemaVersion: TREE_SCHEMA_VERSION,
    setId: root.setId,
    createdAt: root.createdAt,
    createdBy: root.createdBy,
    tool: root.tool,
    group: root.group,
    parent: root.parent,
    full: root.full,
    importOrder: applications.map((a) => a.name),
    applications,
    extras: root.extras,
    warnings,
    failures: root.failures,
    redactions,
    ...(root.groupBindingsResidue === undefined ? {} : { groupBindingsResidue: root.groupBindingsResidue }),
  };
}

/** What a previous set's application record carried (warnings and redactions of the export that made it). */
export interface RecordCarry {
  warnings: readonly ManifestWarning[];
  redactions: readonly ManifestRedaction[];
}

/**
 * Splits a manifest into records and a root. An application exported in this set carries this run's warnings and
 * redactions about it; an Unchanged or Failed one carries what its previous record carried (`carried`), so its record
 * serializes to the same bytes and is not stored again. Warnings of this run that no record carries stay in the root.
 * Returns the manifest as readers will load it (warnings and redactions in root-then-records order).
 */
export function splitManifest(
  manifest: Manifest,
  parent: { setId: string; sha256: string } | null,
  carried: (app: ManifestApplication) => RecordCarry | undefined,
): { root: SetRoot; records: { application: string; sha256: string; bytes: Uint8Array }[]; manifest: Manifest } {
  const records: { application: string; sha256: string; bytes: Uint8Array }[] = [];
  const byHash = new Map<string, ApplicationRecord>();
  const entries: RootEntry[] = [];
  const inRecords = new Set<string>();
  const inRecordRedactions = new Set<string>();
  for (const app of manifest.applications) {
    let carry: RecordCarry;
    if (app.backupStatus === 'Exported') {
      carry = { warnings: manifest.warnings.filter((w) => isRecordWarning(w, app.name)), redactions: manifest.redactions.filter((r) => r.application === app.name) };
    } else {
      carry = carried(app) ?? { warnings: manifest.warnings.filter((w) => isRecordWarning(w, app.name)), redactions: [] };
    }
    const record = makeRecord(app, carry.warnings, carry.redactions);
    const bytes = serializeRecord(record);
    const sha256 = sha256Hex(bytes);
    records.push({ application: app.name, sha256, bytes });
    byHash.set(sha256, record);
    if (app.backupStatus !== 'Failed') {
      for (const w of carry.warnings) inRecords.add(canonicalJson(w));
      for (const r of carry.redactions) inRecordRedactions.add(canonicalJson(r));
    }
    entries.push({
      name: app.name,
      record: sha256,
      ...(app.backupStatus === 'Unchanged' ? {} : { backupStatus: app.backupStatus }),
      ...(app.reasons.length === 0 ? {} : { reasons: app.reasons }),
      ...(app.bindingsSlice === undefined ? {} : { bindingsSlice: app.bindingsSlice }),
      ...(app.contentReadAt === undefined ? {} : { contentReadAt: app.contentReadAt }),
    });
  }
  const rootWarnings = manifest.warnings.filter((w) => !inRecords.has(canonicalJson(w)));
  const rootRedactions = manifest.redactions.filter((r) => !inRecordRedactions.has(canonicalJson(r)));
  const root: SetRoot = {
    schemaVersion: TREE_SCHEMA_VERSION,
    setId: manifest.setId,
    createdAt: manifest.createdAt,
    createdBy: manifest.createdBy,
    tool: manifest.tool,
    group: manifest.group,
    parent: parent?.setId ?? null,
    parentRoot: parent?.sha256 ?? null,
    full: manifest.full,
    summary: { applications: 0, exported: 0, unchanged: 0, failed: 0, warnings: 0 },
    warnings: rootWarnings,
    failures: manifest.failures,
    redactions: rootRedactions,
    extras: manifest.extras,
    ...(manifest.groupBindingsResidue === undefined ? {} : { groupBindingsResidue: manifest.groupBindingsResidue }),
    applications: entries,
  };
  // The summary is what a reader assembling this root will count.
  const assembled = assembleManifest(root, byHash, manifest.setId);
  root.summary = summarize(assembled);
  return { root, records, manifest: assembled };
}

/** The objects a set's file names directly: its records (schemaVersion 2). Artifacts are named by the records. */
export function rootRecords(stored: StoredSet): string[] {
  return stored.schemaVersion === 2 ? [...new Set(stored.root.applications.map((entry) => entry.record))] : [];
}
