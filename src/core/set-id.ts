import { BtsBackupError } from '../errors/index.js';

/** `20261125T091500Z-a1b2c3`: the UTC second the set was started, then 6 random hex digits. Ids sort by time. */
const SET_ID_PATTERN = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-[0-9a-f]{6}$/;

export function isSetId(value: string): boolean {
  return setIdTime(value) !== undefined;
}

/** The UTC time encoded in a set id, or undefined when the id is malformed (including impossible dates). */
export function setIdTime(value: string): Date | undefined {
  const match = SET_ID_PATTERN.exec(value);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const time = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (
    time.getUTCFullYear() !== year ||
    time.getUTCMonth() !== month - 1 ||
    time.getUTCDate() !== day ||
    time.getUTCHours() !== hour ||
    time.getUTCMinutes() !== minute ||
    time.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  return time;
}

export function assertSetId(value: string): void {
  if (!isSetId(value)) {
    throw new BtsBackupError('E_INVALID_NAME', `"${value}" is not a backup set id (expected the form 20261125T091500Z-a1b2c3).`, {
      target: value,
      hint: 'Use an id printed by the list command.',
    });
  }
}

/**
 * A new set id for a set started at `now`. `random` returns hex digits (at least 6; the first 6 are used),
 * e.g. `() => randomBytes(3).toString('hex')`.
 */
export function newSetId(now: Date, random: () => string): string {
  if (Number.isNaN(now.getTime())) {
    throw new BtsBackupError('E_INVALID_NAME', 'Cannot name a backup set after an invalid date.');
  }
  const suffix = random().toLowerCase().slice(0, 6);
  if (!/^[0-9a-f]{6}$/.test(suffix)) {
    throw new BtsBackupError('E_INVALID_NAME', 'The random part of a set id must be 6 hex digits.', { details: { suffix } });
  }
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  const id = `${stamp}-${suffix}`;
  assertSetId(id);
  return id;
}
