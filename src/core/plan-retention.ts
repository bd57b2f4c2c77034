import { BtsBackupError, hints } from '../errors/index.js';
import { assertSetId } from './set-id.js';

/**
 * Retention as a pure plan (RELIABILITY.md promise 8), restic/borg semantics: a set kept by any rule is kept.
 * Buckets (day, ISO week, month) are UTC. Refuses empty and zero policies, malformed durations, and any plan
 * that would remove every set or every backup of an application; never removes the newest verified set of an application.
 */
export interface RetentionCandidate {
  setId: string;
  /** ISO 8601 time the set was created. */
  createdAt: string | Date;
  verified: boolean;
  /** Applications whose artifacts this set holds or points to. */
  applications: string[];
  /** SHA-256 of every object the set references. */
  objects: string[];
}

export interface RetentionPolicy {
  keepLast?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  /** Keep every set newer than now minus this: `12h`, `30d`, `2w`, `6m`, `1y`, or combined `1y6m`. */
  keepWithin?: string;
}

export type RetentionRule = 'keep-last' | 'keep-daily' | 'keep-weekly' | 'keep-monthly' | 'keep-within' | `newest-verified:${string}`;

export interface KeptSet {
  setId: string;
  reasons: RetentionRule[];
}

export interface RetentionPlan {
  policy: RetentionPolicy;
  now: string;
  /** Oldest first. */
  keep: KeptSet[];
  /** Set ids to delete, oldest first. Manifests go first, then `deleteObjects`. */
  remove: string[];
  /** Objects referenced only by removed sets, plus orphans; sorted. */
  deleteObjects: string[];
  /** Stored objects no set references at all (left by an interrupted run); included in deleteObjects. */
  orphanObjects: string[];
}

const POLICY_KEYS = new Set(['keepLast', 'keepDaily', 'keepWeekly', 'keepMonthly', 'keepWithin']);
const SHA256 = /^[0-9a-f]{64}$/;

export function planRetention(sets: readonly RetentionCandidate[], policy: RetentionPolicy, now: Date, storedObjects: readonly string[] = []): RetentionPlan {
  validatePolicy(policy);
  const candidates = normalise(sets);
  const newestFirst = [...candidates].sort((a, b) => b.time - a.time || (a.setId < b.setId ? 1 : -1));
  const reasons = new Map<string, RetentionRule[]>();
  const keep = (setId: string, rule: RetentionRule): void => {
    const list = reasons.get(setId) ?? [];
    if (!list.includes(rule)) list.push(rule);
    reasons.set(setId, list);
  };

  const buckets: [RetentionRule, number | undefined, (time: Date, index: number) => string][] = [
    ['keep-last', policy.keepLast, (_time, index) => String(index)],
    ['keep-daily', policy.keepDaily, (time) => time.toISOString().slice(0, 10)],
    ['keep-weekly', policy.keepWeekly, isoWeek],
    ['keep-monthly', policy.keepMonthly, (time) => time.toISOString().slice(0, 7)],
  ];
  for (const [rule, count, bucketOf] of buckets) {
    let left = count ?? 0;
    let last: string | undefined;
    for (const [index, set] of newestFirst.entries()) {
      if (left === 0) break;
      const bucket = bucketOf(new Date(set.time), index);
      if (bucket === last) continue;
      keep(set.setId, rule);
      last = bucket;
      left -= 1;
    }
  }
  if (policy.keepWithin !== undefined) {
    const cutoff = subtractDuration(now, parseDuration(policy.keepWithin)).getTime();
    for (const set of newestFirst) if (set.time > cutoff) keep(set.setId, 'keep-within');
  }

  const applications = [...new Set(candidates.flatMap((set) => set.applications))].sort();
  for (const app of applications) {
    const newestVerified = newestFirst.find((set) => set.verified && set.applications.includes(app));
    if (newestVerified !== undefined) keep(newestVerified.setId, `newest-verified:${app}`);
  }

  const oldestFirst = [...newestFirst].reverse();
  const kept = oldestFirst.filter((set) => reasons.has(set.setId));
  const removed = oldestFirst.filter((set) => !reasons.has(set.setId));
  if (candidates.length > 0 && kept.length === 0) {
    throw unsafe('This retention policy would remove every backup set.', { sets: candidates.length });
  }
  const lostApps = applications.filter((app) => !kept.some((set) => set.applications.includes(app)));
  if (lostApps.length > 0) {
    throw unsafe(`This retention policy would remove every backup of ${lostApps.join(', ')}.`, { applications: lostApps });
  }

  const keptObjects = new Set(kept.flatMap((set) => set.objects));
  const referenced = new Set(candidates.flatMap((set) => set.objects));
  const orphanObjects = [...new Set(storedObjects)].filter((sha) => !referenced.has(sha)).sort();
  for (const sha of orphanObjects) {
    if (!SHA256.test(sha)) throw invalid(`The stored object name ${JSON.stringify(sha)} is not a SHA-256.`);
  }
  const deleteObjects = [...new Set([...removed.flatMap((set) => set.objects).filter((sha) => !keptObjects.has(sha)), ...orphanObjects])].sort();

  return {
    policy: { ...policy },
    now: now.toISOString(),
    keep: kept.map((set) => ({ setId: set.setId, reasons: reasons.get(set.setId) ?? [] })),
    remove: removed.map((set) => set.setId),
    deleteObjects,
    orphanObjects,
  };
}

interface NormalisedCandidate extends RetentionCandidate {
  time: number;
}

function normalise(sets: readonly RetentionCandidate[]): NormalisedCandidate[] {
  const seen = new Set<string>();
  return sets.map((set) => {
    assertSetId(set.setId);
    if (seen.has(set.setId)) throw invalid(`The backup set ${set.setId} is listed twice.`);
    seen.add(set.setId);
    const time = set.createdAt instanceof Date ? set.createdAt.getTime() : Date.parse(set.createdAt);
    if (Number.isNaN(time)) throw invalid(`The backup set ${set.setId} has no valid creation time.`);
    for (const sha of set.objects) {
      if (!SHA256.test(sha)) throw invalid(`The backup set ${set.setId} references ${JSON.stringify(sha)}, which is not a SHA-256.`);
    }
    return { ...set, time };
  });
}

function validatePolicy(policy: RetentionPolicy): void {
  const unknown = Object.keys(policy).filter((key) => !POLICY_KEYS.has(key));
  if (unknown.length > 0) throw unsafe(`Unknown retention rule(s): ${unknown.join(', ')}.`, { unknown });
  const counts = (['keepLast', 'keepDaily', 'keepWeekly', 'keepMonthly'] as const).filter((key) => policy[key] !== undefined);
  for (const key of counts) {
    const value = policy[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
      throw unsafe(`${key} must be a whole number of sets, 0 or more (got ${String(value)}).`, { [key]: value });
    }
  }
  if (policy.keepWithin !== undefined) parseDuration(policy.keepWithin);
  if (counts.length === 0 && policy.keepWithin === undefined) {
    throw unsafe('The retention policy is empty: it names no rule, so it would keep nothing.');
  }
  if (policy.keepWithin === undefined && counts.every((key) => policy[key] === 0)) {
    throw unsafe('The retention policy keeps 0 sets by every rule.', { ...policy });
  }
}

export interface RetentionDuration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
}

/** `30d`, `12h`, `2w`, `6m` (months), `1y`, or combinations in that order (`1y6m`). Zero or malformed is E_POLICY_UNSAFE. */
export function parseDuration(text: string): RetentionDuration {
  const match = typeof text === 'string' ? /^(?:(\d+)y)?(?:(\d+)m)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?$/.exec(text.trim()) : null;
  if (match === null || text.trim() === '') {
    throw unsafe(`keepWithin "${String(text)}" is not a duration such as 12h, 30d, 2w, 6m or 1y.`, { keepWithin: text });
  }
  const [years, months, weeks, days, hours] = match.slice(1, 6).map((part) => (part === undefined ? 0 : Number(part))) as [number, number, number, number, number];
  if (years + months + weeks + days + hours === 0) throw unsafe(`keepWithin "${text}" is zero: it keeps nothing.`, { keepWithin: text });
  return { years, months, weeks, days, hours };
}

function subtractDuration(now: Date, duration: RetentionDuration): Date {
  const time = new Date(now.getTime());
  time.setUTCFullYear(time.getUTCFullYear() - duration.years, time.getUTCMonth() - duration.months);
  return new Date(time.getTime() - ((duration.weeks * 7 + duration.days) * 24 + duration.hours) * 3_600_000);
}

/** ISO 8601 week, e.g. `2026-W48` (weeks start on Monday; week 1 holds the year's first Thursday). */
function isoWeek(time: Date): string {
  const day = new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate()));
  const weekday = day.getUTCDay() === 0 ? 7 : day.getUTCDay();
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

function unsafe(message: string, details?: Record<string, unknown>): BtsBackupError {
  return new BtsBackupError('E_POLICY_UNSAFE', message, {
    hint: hints.retentionPolicy,
    details,
  });
}

function invalid(message: string): BtsBackupError {
  return new BtsBackupError('E_INVALID_DATA', message);
}
