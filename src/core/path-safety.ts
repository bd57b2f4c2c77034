import { BtsBackupError } from '../errors/index.js';

/**
 * Names read from a manifest become file names on restore: refuse anything that could land outside the target root or
 * mean something else on Windows (RELIABILITY.md promise 6, borg's sanitised paths). Pure.
 *
 * This file is the one rule for Windows file names: export's safeFileName (safe-file-name.ts) builds names with it and
 * verify/restore check names with it, so whatever export writes, verify accepts.
 */

/** Device names Windows reserves in every folder, whatever the case or extension (`nul.txt`, `CON .xml`). */
export const RESERVED_DEVICE_NAMES: readonly string[] = [
  'CON', 'PRN', 'AUX', 'NUL', 'CONIN$', 'CONOUT$', 'CLOCK$',
  ...['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '\u00b9', '\u00b2', '\u00b3'].flatMap((digit) => [`COM${digit}`, `LPT${digit}`]),
];
const RESERVED = new Set(RESERVED_DEVICE_NAMES);

/** Control characters and the characters Windows refuses in a file name (`:` included: alternate data streams). */
export const FORBIDDEN_CHARACTERS = /[<>:"/\\|?*\u0000-\u001f]/g;

/**
 * Whether Windows takes `segment` for a device: the part before the first dot, trailing spaces and dots ignored,
 * compared without case (`CONIN$`, `com¹.msi`, `Lpt2 .xml`, `CON.`).
 */
export function isReservedDeviceName(segment: string): boolean {
  const base = (segment.split('.')[0] ?? '').replace(/[ .]+$/, '');
  return RESERVED.has(base.toUpperCase());
}

/** Why one path segment is unsafe, or undefined when it is a safe file or folder name. */
export function segmentProblem(segment: string): string | undefined {
  if (segment === '') return 'an empty path segment';
  if (segment === '.' || segment === '..') return `a "${segment}" segment`;
  if (segment.includes(':')) return `a colon (drive or alternate data stream) in "${segment}"`;
  if (new RegExp(FORBIDDEN_CHARACTERS.source).test(segment)) return `a character Windows forbids in "${segment}"`;
  if (/[. ]$/.test(segment)) return `a trailing dot or space in "${segment}"`;
  if (isReservedDeviceName(segment)) return `the reserved device name "${segment}"`;
  if (segment.length > 255) return 'a segment longer than 255 characters';
  return undefined;
}

/** Why a relative path (`/` or `\` separated) is unsafe, or undefined when it is safe. */
export function relativePathProblem(path: string): string | undefined {
  if (typeof path !== 'string' || path === '') return 'an empty path';
  if (/^[\\/]{2}/.test(path)) return 'a UNC path';
  if (/^[\\/]/.test(path)) return 'an absolute path';
  if (/^[A-Za-z]:/.test(path)) return /^[A-Za-z]:[\\/]/.test(path) ? 'an absolute drive path' : 'a drive-relative path';
  if (path.length > 240) return 'a path longer than 240 characters';
  for (const segment of path.split(/[\\/]/)) {
    const problem = segmentProblem(segment);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

export function isSafeName(name: string): boolean {
  return !/[\\/]/.test(name) && segmentProblem(name) === undefined;
}

/** Throws E_PATH_UNSAFE naming the path and what is wrong with it. */
export function checkRelativePath(path: string, context: string): void {
  const problem = relativePathProblem(path);
  if (problem !== undefined) {
    throw new BtsBackupError('E_PATH_UNSAFE', `${context}: "${path}" is unsafe: ${problem}.`, {
      target: path,
      hint: 'The manifest names a file that could be written outside the restore folder or collide on Windows; do not restore from it.',
      details: { path, problem },
    });
  }
}

/** Groups of names equal but for case (they collide on Windows), each group in input order. */
export function caseCollisions(names: readonly string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const key = name.normalize('NFC').toLowerCase();
    const group = groups.get(key) ?? [];
    if (!group.includes(name)) group.push(name);
    groups.set(key, group);
  }
  return [...groups.values()].filter((group) => group.length > 1);
}
