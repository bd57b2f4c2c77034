import { join } from 'node:path';
import { BtsBackupError, type Hint } from '../../errors/index.js';
import type { Clock } from '../../ports/clock.js';
import type { AcquireLockOptions, LockOwner, LockStatus, StoreLock, StoreWarningSink } from '../../ports/store.js';
import { START_TIME_TOLERANCE_MS } from '../process/process-identity.js';
import { commitTemp, removeQuietly, writeTemp, type WriteContext } from './atomic-write.js';
import { errnoCode } from './fs-seams.js';
import { TEMP_PREFIX, type StoreLayout } from './store-layout.js';

/**
 * One writer per store (RELIABILITY.md promise 4), liveness made explicit (the proper-lockfile model, which works on
 * network file systems too): `mkdir <root>/locks/store.lock` is the atomic step, `owner.json` inside it says who holds
 * it (host, pid, process start time, user, operation, token), and the holder refreshes the folder's modification time
 * (its heartbeat) every `heartbeatMs` while it runs.
 *
 * A lock is stale, and taken over with a warning naming its owner, when its heartbeat is older than `staleAfterMs`
 * (whoever and wherever the owner), or when its owner is on this host and its pid is dead or now belongs to another
 * process (the start time differs). A live lock is never taken over: breaking one needs its token
 * (`--break-lock <token>`), and the warning says what the other run loses.
 */
export interface LockEnvironment {
  write: WriteContext;
  clock: Clock;
  hostname: string;
  pid: number;
  user: string;
  isProcessAlive: (pid: number) => boolean;
  /** When process `pid` started (ms), where the platform says; undefined when unknown. */
  processStartTime: (pid: number) => number | undefined;
  /** When this process started (ms). */
  ownStartTime: number;
  /** A lock whose heartbeat is older than this is stale, whoever holds it (default 5 min). */
  staleAfterMs: number;
  /** How often the holder refreshes its heartbeat (default 30 s). */
  heartbeatMs: number;
  /** A lock folder without owner.json (its creator crashed between the two steps) is stale after this long. */
  orphanGraceMs: number;
}

export const DEFAULT_STALE_AFTER_MS = 5 * 60 * 1000;
export const DEFAULT_HEARTBEAT_MS = 30 * 1000;
export const DEFAULT_ORPHAN_GRACE_MS = 60 * 1000;
const MAX_ACQUIRE_ATTEMPTS = 5;

export class FsStoreLock implements StoreLock {
  private released = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly env: LockEnvironment,
    readonly layout: StoreLayout,
    readonly owner: LockOwner,
  ) {
    this.timer = setInterval(() => {
      this.heartbeat().catch(() => undefined);
    }, env.heartbeatMs);
    this.timer.unref();
  }

  async assertHeld(): Promise<void> {
    if (this.released) throw lockLost(this.layout, 'it was released');
    await assertLockToken(this.env, this.layout, this.owner.token);
  }

  /** Touches the lock folder, only while it is still ours (never refreshes a lock someone else took over). */
  async heartbeat(): Promise<void> {
    if (this.released) return;
    const current = await readOwner(this.env, this.layout);
    if (current === 'missing' || current === 'corrupt' || current.token !== this.owner.token) return;
    await this.env.write.fs.utimes(this.layout.lockDir, this.env.clock.now());
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    clearInterval(this.timer);
    const current = await readOwner(this.env, this.layout);
    if (current === 'missing' || current === 'corrupt' || current.token !== this.owner.token) return;
    await removeLockFolder(this.env, this.layout.lockDir);
  }
}

/** The lock of `layout` on disk carries `token`, else E_LOCK_LOST. */
export async function assertLockToken(env: LockEnvironment, layout: StoreLayout, token: string): Promise<void> {
  const current = await readOwner(env, layout);
  if (current === 'missing') throw lockLost(layout, 'the lock was removed');
  if (current === 'corrupt') throw lockLost(layout, 'the lock now has an unreadable owner');
  if (current.token !== token) {
    throw lockLost(layout, `it was taken over by ${describeOwner(current)}`, publicOwner(current));
  }
}

export async function acquireFsLock(
  env: LockEnvironment,
  layout: StoreLayout,
  operation: string,
  options: AcquireLockOptions = {},
  warn: StoreWarningSink = () => {},
): Promise<FsStoreLock> {
  const fs = env.write.fs;
  await fs.mkdir(layout.locksDir, { recursive: true });
  for (let attempt = 1; attempt <= MAX_ACQUIRE_ATTEMPTS; attempt += 1) {
    try {
      await fs.mkdir(layout.lockDir);
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
      await judgeExistingLock(env, layout, options, warn);
      continue;
    }
    const owner: LockOwner = {
      host: env.hostname,
      pid: env.pid,
      user: env.user,
      startedAt: env.clock.now().toISOString(),
      operation,
      token: `${env.write.random()}${env.write.random()}`,
      processStartedAt: new Date(env.ownStartTime).toISOString(),
    };
    try {
      const bytes = new TextEncoder().encode(`${JSON.stringify(owner, null, 2)}\n`);
      const temp = await writeTemp(env.write, layout.lockDir, layout.lockOwnerFile, (sink) => sink(bytes));
      await commitTemp(env.write, temp, layout.lockOwnerFile, { readOnly: false });
      // Writing owner.json set the folder's time by the file system's clock; the heartbeat is ours.
      await fs.utimes(layout.lockDir, env.clock.now());
    } catch (error) {
      await removeLockFolder(env, layout.lockDir).catch(() => undefined);
      throw error;
    }
    return new FsStoreLock(env, layout, owner);
  }
  throw new BtsBackupError('E_LOCK_HELD', `Could not take the lock of ${layout.root}: it kept changing hands.`, {
    target: layout.root,
    hint: 'Several runs are starting at the same time; run again in a minute.',
  });
}

/** The lock as it stands, judged by the rules of acquireFsLock, without changing anything. */
export async function inspectFsLock(env: LockEnvironment, layout: StoreLayout): Promise<LockStatus> {
  const owner = await readOwner(env, layout);
  const heartbeatAt = await lockTime(env, layout);
  if (heartbeatAt === undefined) return { state: 'free' };
  const now = env.clock.now().getTime();
  if (owner === 'missing' || owner === 'corrupt') {
    const age = now - heartbeatAt;
    return age <= env.orphanGraceMs
      ? { state: 'live', owner: undefined, reason: 'another run is taking the lock right now' }
      : { state: 'stale', owner: undefined, reason: `the lock folder has no readable owner and is ${seconds(age)} old` };
  }
  const verdict = judgeLockOwner(owner, env, now, heartbeatAt);
  return verdict.verdict === 'held' ? { state: 'live', owner: publicOwner(owner), reason: typeof verdict.hint === 'string' ? verdict.hint : verdict.hint.cli } : { state: 'stale', owner: publicOwner(owner), reason: verdict.reason };
}

async function lockTime(env: LockEnvironment, layout: StoreLayout): Promise<number | undefined> {
  try {
    return (await env.write.fs.stat(layout.lockDir)).mtimeMs;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** Returns when the existing lock was removed as stale (the caller retries mkdir); throws E_LOCK_HELD otherwise. */
async function judgeExistingLock(env: LockEnvironment, layout: StoreLayout, options: AcquireLockOptions, warn: StoreWarningSink): Promise<void> {
  const owner = await readOwner(env, layout);
  const heartbeatAt = await lockTime(env, layout);
  if (heartbeatAt === undefined) return; // released meanwhile
  const now = env.clock.now().getTime();
  if (owner === 'missing' || owner === 'corrupt') {
    const ageMs = now - heartbeatAt;
    if (ageMs <= env.orphanGraceMs) {
      // Either a run is between its mkdir and its owner.json (a few milliseconds), or one crashed right there.
      throw new BtsBackupError('E_LOCK_HELD', `The store ${layout.root} is being locked by another run right now (its lock has no owner yet).`, {
        target: layout.root,
        hint: `Run again in a few seconds. If no other run is starting, the lock was left by a crashed run: it is taken over once it is ${seconds(env.orphanGraceMs)} old.`,
        details: { owner: null },
      });
    }
    await takeOver(env, layout, owner, warn, `the lock folder has ${owner === 'missing' ? 'no' : 'an unreadable'} owner.json and is ${seconds(ageMs)} old`);
    return;
  }
  const verdict = judgeLockOwner(owner, env, now, heartbeatAt, options.breakLock);
  if (verdict.verdict === 'held') {
    if (options.breakLock !== undefined) {
      throw new BtsBackupError('E_LOCK_TOKEN_MISMATCH', `The store ${layout.root} is locked by ${describeOwner(owner)}, whose token is not ${options.breakLock}.`, {
        target: layout.root,
        hint: `Nothing was broken. The token of the current lock is ${owner.token}; check that this is the run you mean to break.`,
        details: { owner: publicOwner(owner), lockToken: owner.token },
      });
    }
    throw lockHeld(layout, owner, verdict.hint);
  }
  await takeOver(env, layout, owner, warn, verdict.reason, verdict.broken === true);
}

export type LockVerdict = { verdict: 'held'; hint: string | Hint } | { verdict: 'stale'; reason: string; broken?: boolean };

export interface LockJudge {
  hostname: string;
  pid: number;
  isProcessAlive: (pid: number) => boolean;
  processStartTime: (pid: number) => number | undefined;
  ownStartTime: number;
  staleAfterMs: number;
  heartbeatMs: number;
}

/**
 * Whether an existing lock must be respected or may be taken over (shared by the fs and memory stores).
 * `heartbeatAtMs` is the last sign of life of its owner; `breakLock` the token the user named, if any.
 */
export function judgeLockOwner(owner: LockOwner, me: LockJudge, nowMs: number, heartbeatAtMs: number, breakLock?: string): LockVerdict {
  const silentMs = nowMs - heartbeatAtMs;
  if (silentMs > me.staleAfterMs) {
    return { verdict: 'stale', reason: `its heartbeat stopped ${seconds(silentMs)} ago (a live run refreshes it every ${seconds(me.heartbeatMs)})` };
  }
  if (owner.host === me.hostname) {
    const mine = owner.pid === me.pid;
    if (!mine && !me.isProcessAlive(owner.pid)) return { verdict: 'stale', reason: `process ${owner.pid} no longer runs on ${owner.host}` };
    const recorded = owner.processStartedAt === undefined ? Number.NaN : Date.parse(owner.processStartedAt);
    const actual = mine ? me.ownStartTime : me.processStartTime(owner.pid);
    if (!Number.isNaN(recorded) && actual !== undefined && Math.abs(actual - recorded) > START_TIME_TOLERANCE_MS) {
      return { verdict: 'stale', reason: `pid ${owner.pid} now belongs to another process (started ${new Date(actual).toISOString()}; the lock's owner started ${owner.processStartedAt})` };
    }
  }
  if (breakLock !== undefined && breakLock === owner.token) {
    return { verdict: 'stale', reason: `broken on request (--break-lock) although its run is alive; ${ownerLoses(owner.operation)}`, broken: true };
  }
  return {
    verdict: 'held',
    hint: {
      cli: `That run is alive (heartbeat ${seconds(Math.max(0, silentMs))} ago): wait for it to finish, then run again. Only if it must not finish, break its lock with --break-lock ${owner.token}; ${ownerLoses(owner.operation)}.`,
      ps: `That run is alive (heartbeat ${seconds(Math.max(0, silentMs))} ago): wait for it to finish, then run again. Only if it must not finish, break its lock with -BreakLock ${owner.token}; ${ownerLoses(owner.operation)}.`,
    },
  };
}

/** What a run whose lock is broken loses, said before and after it happens. */
export function ownerLoses(operation: string): string {
  if (operation === 'export') return 'that export then commits no backup set (it stops with E_LOCK_LOST), and the objects it already stored stay as orphans until a prune removes them';
  if (operation === 'prune') return 'that prune then stops before its next deletion (E_LOCK_LOST); the sets it already removed stay removed, the store stays consistent';
  return `that ${operation} then stops with E_LOCK_LOST at its next write to the store`;
}

const seconds = (ms: number): string => (ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`);

async function takeOver(env: LockEnvironment, layout: StoreLayout, seen: LockOwner | 'missing' | 'corrupt', warn: StoreWarningSink, reason: string, broken = false): Promise<void> {
  // Re-read just before moving the folder away, so a lock that changed hands meanwhile is not broken by mistake.
  const current = await readOwner(env, layout);
  const same = typeof seen === 'string' ? current === seen : typeof current !== 'string' && current.token === seen.token;
  if (!same) return;
  const graveyard = join(layout.locksDir, `${TEMP_PREFIX}stale-${env.write.random()}`);
  try {
    await env.write.fs.rename(layout.lockDir, graveyard);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    throw error;
  }
  await removeLockFolder(env, graveyard).catch(() => undefined);
  const who = typeof seen === 'string' ? 'an unknown owner' : describeOwner(seen);
  warn(broken ? `Broke the live store lock of ${who}: ${reason}.` : `Took over the store lock of ${who}: ${reason}.`);
}

async function removeLockFolder(env: LockEnvironment, dir: string): Promise<void> {
  const fs = env.write.fs;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    throw error;
  }
  for (const name of names) await removeQuietly(fs, join(dir, name));
  try {
    await fs.rmdir(dir);
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') throw error;
  }
}

async function readOwner(env: LockEnvironment, layout: StoreLayout): Promise<LockOwner | 'missing' | 'corrupt'> {
  let bytes: Uint8Array;
  try {
    bytes = await env.write.fs.readFile(layout.lockOwnerFile);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw error;
  }
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof value !== 'object' || value === null) return 'corrupt';
    const record = value as Record<string, unknown>;
    const { host, pid, user, startedAt, operation, token, processStartedAt } = record;
    if (typeof host !== 'string' || typeof pid !== 'number' || typeof user !== 'string' || typeof startedAt !== 'string' || typeof operation !== 'string' || typeof token !== 'string') {
      return 'corrupt';
    }
    return typeof processStartedAt === 'string' ? { host, pid, user, startedAt, operation, token, processStartedAt } : { host, pid, user, startedAt, operation, token };
  } catch {
    return 'corrupt';
  }
}

export function publicOwner(owner: LockOwner): Omit<LockOwner, 'token'> {
  const base = { host: owner.host, pid: owner.pid, user: owner.user, startedAt: owner.startedAt, operation: owner.operation };
  return owner.processStartedAt === undefined ? base : { ...base, processStartedAt: owner.processStartedAt };
}

export function describeOwner(owner: Omit<LockOwner, 'token'>): string {
  return `${owner.user} on ${owner.host} (pid ${owner.pid}, ${owner.operation}, since ${owner.startedAt})`;
}

export function lockHeld(layout: { root: string }, owner: LockOwner, hint: string | Hint): BtsBackupError {
  return new BtsBackupError('E_LOCK_HELD', `The store ${layout.root} is locked by ${describeOwner(owner)}.`, {
    target: layout.root,
    hint,
    details: { owner: publicOwner(owner), lockToken: owner.token },
  });
}

export function lockLost(layout: { root: string }, why: string, newOwner?: Omit<LockOwner, 'token'>): BtsBackupError {
  return new BtsBackupError('E_LOCK_LOST', `The lock on ${layout.root} is no longer ours: ${why}.`, {
    target: layout.root,
    hint: 'Nothing was committed after the loss. Check who else uses the store, then run again.',
    details: newOwner === undefined ? undefined : { owner: newOwner },
  });
}
