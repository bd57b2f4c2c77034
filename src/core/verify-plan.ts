import { BtsBackupError } from '../errors/index.js';
import type { ErrorCode } from '../errors/error-codes.js';
import type { ArtifactRef, Manifest } from './manifest.js';
import { caseCollisions, relativePathProblem } from './path-safety.js';
import { safeFileName } from './safe-file-name.js';

/** One thing wrong with a backup: a stable code, the object or file it is about, and what was found. */
export interface VerifyProblem {
  code: ErrorCode;
  message: string;
  /** The artifact's file name in the manifest. */
  artifact?: string;
  sha256?: string;
  details?: Record<string, unknown>;
}

/** Test-BtsAppBackup's output: one per application per set (application null: the set itself could not be read). */
export interface VerifyResult {
  setId: string;
  application: string | null;
  status: 'Verified' | 'Failed';
  /** structure, or structure+data when objects were re-hashed. */
  level: 'structure' | 'read-data' | 'read-data-subset';
  objects: number;
  /** Objects re-hashed for this application (0 without --read-data). */
  objectsRead: number;
  problems: VerifyProblem[];
}

/** Which objects --read-data re-hashes: all, none, or part n of m (`n/m`), so m runs cover every object. */
export type ReadDataSelection = { mode: 'none' } | { mode: 'all' } | { mode: 'subset'; part: number; parts: number };

export function parseReadDataSubset(text: string): ReadDataSelection {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const part = Number(match?.[1]);
  const parts = Number(match?.[2]);
  if (match === null || !Number.isSafeInteger(part) || !Number.isSafeInteger(parts) || parts < 1 || part < 1 || part > parts) {
    throw new BtsBackupError('E_USAGE', `--read-data-subset "${text}" is not of the form n/m with 1 <= n <= m (e.g. 1/5).`, {
      target: text,
      hint: 'Run part 1/7 on Monday, 2/7 on Tuesday ... so a week re-reads every object once.',
    });
  }
  return { mode: 'subset', part, parts };
}

/** Deterministic: the first 8 hex digits of the object's name, modulo m. Every object is in exactly one part. */
export function isReadDataSelected(sha256: string, selection: ReadDataSelection): boolean {
  if (selection.mode === 'none') return false;
  if (selection.mode === 'all') return true;
  const bucket = Number.parseInt(sha256.slice(0, 8), 16) % selection.parts;
  return bucket === selection.part - 1;
}

/** Objects in the store that no readable set references (left by an interrupted export or prune): info, not an error. */
export function findOrphans<T extends { sha256: string }>(stored: readonly T[], manifests: readonly Manifest[], alsoReferenced: Iterable<string> = []): T[] {
  const referenced = new Set(manifests.flatMap((m) => [...m.applications.flatMap((a) => a.artifacts), ...m.extras].map((a) => a.sha256)));
  for (const sha256 of alsoReferenced) referenced.add(sha256);
  return stored.filter((object) => !referenced.has(object.sha256));
}

/**
 * Names in a manifest that would be unsafe on restore (RELIABILITY promise 6, case 12): artifact file names, the
 * folder each application restores into, and names that differ only by case. Keyed by application; `null` = set-wide.
 */
export function checkManifestNames(manifest: Manifest): Map<string | null, VerifyProblem[]> {
  const problems = new Map<string | null, VerifyProblem[]>();
  const add = (application: string | null, problem: VerifyProblem): void => {
    const list = problems.get(application) ?? [];
    list.push(problem);
    problems.set(application, list);
  };
  const unsafe = (artifact: ArtifactRef, problem: string): VerifyProblem => ({
    code: 'E_PATH_UNSAFE',
    message: `The artifact name "${artifact.name}" is unsafe: ${problem}.`,
    artifact: artifact.name,
    sha256: artifact.sha256,
    details: { name: artifact.name, problem },
  });
  for (const app of manifest.applications) {
    for (const artifact of app.artifacts) {
      const problem = relativePathProblem(artifact.name);
      if (problem !== undefined) add(app.name, unsafe(artifact, problem));
    }
    for (const group of caseCollisions(app.artifacts.map((a) => a.name))) {
      add(app.name, { code: 'E_PATH_UNSAFE', message: `Artifact names differ only by case: ${group.join(', ')}.`, artifact: group[1] ?? '', details: { names: group } });
    }
  }
  for (const extra of manifest.extras) {
    const problem = relativePathProblem(extra.name);
    if (problem !== undefined) add(null, unsafe(extra, problem));
  }
  return problems;
}

/**
 * Applications whose file names differ only by case (`App` and `app`): each restores from its own staging folder, so
 * this is reported, not refused; a restore must not put both into one folder on Windows.
 */
export function applicationCaseCollisions(manifest: Manifest): string[][] {
  const byKey = new Map<string, string[]>();
  for (const app of manifest.applications) {
    const key = safeFileName(app.name).normalize('NFC').toLowerCase();
    byKey.set(key, [...(byKey.get(key) ?? []), app.name]);
  }
  return [...byKey.values()].filter((group) => group.length > 1);
}
