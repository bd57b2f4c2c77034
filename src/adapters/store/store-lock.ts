import { join } from 'node:path';
import { BtsBackupError } from '../../errors/index.js';
import type { Clock } from '../../ports/clock.js';
import type { AcquireLockOptions, LockOwner, StoreLock, StoreWarningSink } from '../../ports/store.js';
import { commitTemp, removeQuietly, writeTemp, type WriteContext } from './atomic-write.js';
import { errnoCode } from './fs-seams.js';
import { TEMP_PREFIX, type StoreLayout } from './store-layout.js';

/**
 * One writer per store (RELIABILITY.md promise 4): `mkdir <root>/locks/store.lock` is the atomic step,
 * `owner.json` inside it says who holds it. A lock whose process is dead on this host, or older than the threshold,
 * is taken over with a warning; a fresh lock of another host only with `force`.
 */
export interface LockEnvironment {
  write: WriteContext;
  clock: Clock;
  hostname: string;
  pid: number;
  user: string;
  isProcessAlive: (pid: number) => boolean;
  /** A lock older than this is stale whoever holds it (default 12 h). */
  staleAfterMs: number;
  /** A lock folder without owner.json (its creator crashed between the two steps) is stale after this long. */
  orphanGraceMs: number;
}

export const DEFAULT_STALE_AFTER_MS = 12 * 60 * 60 * 1000;
export const DEFAULT_ORPHAN_GRACE_MS = 60 * 1000;
const MAX_ACQUIRE_ATTEMPTS = 5;

export class FsStoreLock implements StoreLock {
  private released = false;

  constructor(
    private readonly env: LockEnvironment,
    readonly layout: StoreLayout,
    readonly owner: LockOwner,
  ) {}

  async assertHeld(): Promise<void> {
    if (this.released) throw lockLost(this.layout, 'it was released');
    await assertLockToken(this.env, this.layout, this.owner.token);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
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
    };
    try {
      const bytes = new TextEncoder().encode(`${JSON.stringify(owner, null, 2)}\n`);
      const temp = await writeTemp(env.write, layout.lockDir, layout.lockOwnerFile, (sink) => sink(bytes));
      await commitTemp(env.write, temp, layout.lockOwnerFile, { readOnly: false });
    } catch (error) {
      await removeLockFolder(env, layout.lockDir).catch(() => undefined);
      throw error;
    }
    return new FsStoreLock(env, layout, owner);
  }
  throw new BtsBackupError('E_LOCK_HELD', `Could not take the lock of ${layout.root}: it kept changing hands.`, {
    target: layout.root,
    hint: 'Another run is starting at the same time; wait and run again.',
  });
}

/** Returns when the existing lock was removed as stale (the caller retries mkdir); throws E_LOCK_HELD otherwise. */
async function judgeExistingLock(env: LockEnvironment, layout: StoreLayout, options: AcquireLockOptions, warn: StoreWarningSink): Promise<void> {
  const owner = await readOwner(env, layout);
  const now = env.clock.now().getTime();
  if (owner === 'missing' || owner === 'corrupt') {
    let ageMs: number;
    try {
      ageMs = now - (await env.write.fs.stat(layout.lockDir)).mtimeMs;
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return; // released meanwhile
      throw error;
    }
    if (ageMs <= env.orphanGraceMs) {
      throw new BtsBackupError('E_LOCK_HELD', `The store ${layout.root} is being locked by another run right now.`, {
        target: layout.root,
        hint: 'Wait for the other run to finish and try again.',
        details: { owner: null },
      });
    }
    await takeOver(env, layout, owner, warn, `the lock folder has ${owner === 'missing' ? 'no' : 'an unreadable'} owner.json and is ${Math.round(ageMs / 1000)} s old`);
    return;
  }
  const verdict = judgeLockOwner(owner, env, now, options.force === true);
  if (verdict.verdict === 'held') throw lockHeld(layout, owner, verdict.hint);
  await takeOver(env, layout, owner, warn, verdict.reason);
}

export type LockVerdict = { verdict: 'held'; hint: string } | { verdict: 'stale'; reason: string };

/** Whether an existing lock must be respected or may be taken over (shared by the fs and memory stores). */
export function judgeLockOwner(
  owner: LockOwner,
  me: { hostname: string; pid: number; isProcessAlive: (pid: number) => boolean; staleAfterMs: number },
  nowMs: number,
  force: boolean,
): LockVerdict {
  const startedAt = Date.parse(owner.startedAt);
  const ageMs = Number.isNaN(startedAt) ? Number.POSITIVE_INFINITY : nowMs - startedAt;
  if (ageMs > me.staleAfterMs) return { verdict: 'stale', reason: `it is older than ${Math.round(me.staleAfterMs / 3_600_000)} h` };
  if (owner.host === me.hostname) {
    if (owner.pid !== me.pid && !me.isProcessAlive(owner.pid)) {
      return { verdict: 'stale', reason: `process ${owner.pid} no longer runs on ${owner.host}` };
    }
    return { verdict: 'held', hint: 'Wait for it to finish, or stop it, then run again.' };
  }
  if (force) return { verdict: 'stale', reason: 'forced' };
  return { verdict: 'held', hint: `It was taken on another host (${owner.host}); if that run is gone, run again with -Force.` };
}

async function takeOver(env: LockEnvironment, layout: StoreLayout, seen: LockOwner | 'missing' | 'corrupt', warn: StoreWarningSink, reason: string): Promise<void> {
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
  warn(`Took over the store lock of ${who}: ${reason}.`);
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
    const { host, pid, user, startedAt, operation, token } = record;
    if (typeof host !== 'string' || typeof pid !== 'number' || typeof user !== 'string' || typeof startedAt !== 'string' || typeof operation !== 'string' || typeof token !== 'string') {
      return 'corrupt';
    }
    return { host, pid, user, startedAt, operation, token };
  } catch {
    return 'corrupt';
  }
}

export function publicOwner(owner: LockOwner): Omit<LockOwner, 'token'> {
  return { host: owner.host, pid: owner.pid, user: owner.user, startedAt: owner.startedAt, operation: owner.operation };
}

export function describeOwner(owner: Omit<LockOwner, 'token'>): string {
  return `${owner.user} on ${owner.host} (pid ${owner.pid}, ${owner.operation}, since ${owner.startedAt})`;
}

export function lockHeld(layout: { root: string }, owner: LockOwner, hint: string): BtsBackupError {
  return new BtsBackupError('E_LOCK_HELD', `The store ${layout.root} is locked by ${describeOwner(owner)}.`, {
    target: layout.root,
    hint,
    details: { owner: publicOwner(owner) },
  });
}

export function lockLost(layout: { root: string }, why: string, newOwner?: Omit<LockOwner, 'token'>): BtsBackupError {
  return new BtsBackupError('E_LOCK_LOST', `The lock on ${layout.root} is no longer ours: ${why}.`, {
    target: layout.root,
    hint: 'Nothing was committed after the loss. Check who else uses the store, then run again.',
    details: newOwner === undefined ? undefined : { owner: newOwner },
  });
}
