import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { BtsBackupError } from '../../errors/index.js';
import { assertSetId } from '../../core/set-id.js';
import { systemClock, type Clock } from '../../ports/clock.js';
import type { AcquireLockOptions, BackupStore, LockOwner, LockStatus, ObjectInfo, PutResult, StoreLock, StoreWarningSink } from '../../ports/store.js';
import { checksumMismatch, objectMissing, setExists, setNotFound } from './fs-store.js';
import { DEFAULT_HEARTBEAT_MS, DEFAULT_STALE_AFTER_MS, describeOwner, judgeLockOwner, lockHeld, lockLost, publicOwner, type LockJudge } from './store-lock.js';
import { TEMP_PREFIX, assertSha256 } from './store-layout.js';

/** The whole content of an in-memory store; share one between several stores to play several hosts or processes. */
export interface MemoryStoreState {
  initialised: boolean;
  objects: Map<string, Uint8Array>;
  sets: Map<string, Uint8Array>;
  lock: LockOwner | undefined;
  /** The lock's last heartbeat (ms), as the fs store keeps it in the lock folder's modification time. */
  lockHeartbeatAt: number;
}

export function createMemoryStoreState(initialised = true): MemoryStoreState {
  return { initialised, objects: new Map(), sets: new Map(), lock: undefined, lockHeartbeatAt: 0 };
}

export interface MemoryStoreOptions {
  state?: MemoryStoreState;
  clock?: Clock;
  hostname?: string;
  pid?: number;
  user?: string;
  isProcessAlive?: (pid: number) => boolean;
  processStartTime?: (pid: number) => number | undefined;
  ownStartTime?: number;
  staleLockAfterMs?: number;
  random?: () => string;
}

/** The store port in memory, same semantics as the fs store (write-once sets, locks, E_ codes) for core and use-case tests. */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  return new MemoryStore(options);
}

export class MemoryStore implements BackupStore {
  readonly location = 'memory:';
  readonly state: MemoryStoreState;
  private readonly me: LockJudge & { user: string };
  private readonly clock: Clock;
  private readonly random: () => string;

  constructor(options: MemoryStoreOptions = {}) {
    this.state = options.state ?? createMemoryStoreState();
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? (() => randomBytes(8).toString('hex'));
    this.me = {
      hostname: options.hostname ?? 'memory-host',
      pid: options.pid ?? process.pid,
      user: options.user ?? 'memory-user',
      isProcessAlive: options.isProcessAlive ?? (() => true),
      processStartTime: options.processStartTime ?? (() => undefined),
      ownStartTime: options.ownStartTime ?? 0,
      staleAfterMs: options.staleLockAfterMs ?? DEFAULT_STALE_AFTER_MS,
      heartbeatMs: DEFAULT_HEARTBEAT_MS,
    };
  }

  async exists(): Promise<boolean> {
    return this.state.initialised;
  }

  async init(): Promise<void> {
    this.state.initialised = true;
  }

  async putFile(path: string): Promise<PutResult> {
    this.ensureStore();
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      chunks.push(chunk);
      size += chunk.length;
    }
    return this.place(hash.digest('hex'), () => new Uint8Array(Buffer.concat(chunks, size)));
  }

  async putBytes(bytes: Uint8Array): Promise<PutResult> {
    this.ensureStore();
    return this.place(createHash('sha256').update(bytes).digest('hex'), () => new Uint8Array(bytes));
  }

  private place(sha256: string, copy: () => Uint8Array): PutResult {
    const existing = this.state.objects.get(sha256);
    const bytes = copy();
    if (existing !== undefined) {
      const actual = createHash('sha256').update(existing).digest('hex');
      if (existing.length === bytes.length && actual === sha256) return { sha256, size: bytes.length, reused: true };
      this.state.objects.set(sha256, bytes);
      return { sha256, size: bytes.length, reused: false, repaired: { size: existing.length, sha256: actual } };
    }
    this.state.objects.set(sha256, bytes);
    return { sha256, size: bytes.length, reused: false };
  }

  async statObject(sha256: string): Promise<ObjectInfo | undefined> {
    this.ensureStore();
    assertSha256(sha256);
    const bytes = this.state.objects.get(sha256);
    return bytes === undefined ? undefined : { sha256, size: bytes.length };
  }

  async readObject(sha256: string): Promise<Uint8Array> {
    return new Uint8Array(this.checkedObject(sha256));
  }

  async hashObject(sha256: string): Promise<ObjectInfo> {
    const bytes = this.checkedObject(sha256);
    return { sha256, size: bytes.length };
  }

  private checkedObject(sha256: string): Uint8Array {
    this.ensureStore();
    assertSha256(sha256);
    const bytes = this.state.objects.get(sha256);
    if (bytes === undefined) throw objectMissing(sha256, `memory:objects/${sha256}`);
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== sha256) throw checksumMismatch(sha256, `memory:objects/${sha256}`, actual, bytes.length);
    return bytes;
  }

  async copyObjectTo(sha256: string, destinationPath: string): Promise<void> {
    const bytes = this.checkedObject(sha256);
    const destination = resolve(destinationPath);
    await mkdir(dirname(destination), { recursive: true });
    const temp = join(dirname(destination), `${TEMP_PREFIX}${this.random()}`);
    try {
      await writeFile(temp, bytes, { flag: 'wx' });
      await rename(temp, destination);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async listObjects(): Promise<ObjectInfo[]> {
    this.ensureStore();
    return [...this.state.objects.entries()].map(([sha256, bytes]) => ({ sha256, size: bytes.length })).sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1));
  }

  async deleteObject(sha256: string, lock?: StoreLock): Promise<void> {
    this.ensureStore();
    assertSha256(sha256);
    if (lock !== undefined) await this.assertLock(lock);
    this.state.objects.delete(sha256);
  }

  async listSets(): Promise<string[]> {
    this.ensureStore();
    return [...this.state.sets.keys()].sort();
  }

  async readSet(setId: string): Promise<Uint8Array> {
    this.ensureStore();
    assertSetId(setId);
    const bytes = this.state.sets.get(setId);
    if (bytes === undefined) throw setNotFound(setId, this.location);
    return new Uint8Array(bytes);
  }

  async commitSet(setId: string, manifest: Uint8Array, lock: StoreLock): Promise<void> {
    this.ensureStore();
    assertSetId(setId);
    if (this.state.sets.has(setId)) throw setExists(setId, this.location);
    await this.assertLock(lock);
    if (this.state.sets.has(setId)) throw setExists(setId, this.location);
    this.state.sets.set(setId, new Uint8Array(manifest));
  }

  async deleteSet(setId: string, lock: StoreLock): Promise<void> {
    this.ensureStore();
    assertSetId(setId);
    await this.assertLock(lock);
    if (!this.state.sets.delete(setId)) throw setNotFound(setId, this.location);
  }

  async acquireLock(operation: string, options: AcquireLockOptions = {}, warn: StoreWarningSink = () => {}): Promise<StoreLock> {
    this.ensureStore();
    const existing = this.state.lock;
    if (existing !== undefined) {
      const verdict = judgeLockOwner(existing, this.me, this.clock.now().getTime(), this.state.lockHeartbeatAt, options.breakLock);
      if (verdict.verdict === 'held') {
        if (options.breakLock !== undefined) {
          throw new BtsBackupError('E_LOCK_TOKEN_MISMATCH', `The store ${this.location} is locked by ${describeOwner(existing)}, whose token is not ${options.breakLock}.`, {
            target: this.location,
            details: { owner: publicOwner(existing), lockToken: existing.token },
          });
        }
        throw lockHeld({ root: this.location }, existing, verdict.hint);
      }
      warn(verdict.broken === true ? `Broke the live store lock of ${describeOwner(existing)}: ${verdict.reason}.` : `Took over the store lock of ${describeOwner(existing)}: ${verdict.reason}.`);
    }
    const owner: LockOwner = {
      host: this.me.hostname,
      pid: this.me.pid,
      user: this.me.user,
      startedAt: this.clock.now().toISOString(),
      operation,
      token: `${this.random()}${this.random()}`,
      processStartedAt: new Date(this.me.ownStartTime).toISOString(),
    };
    this.state.lock = owner;
    this.state.lockHeartbeatAt = this.clock.now().getTime();
    const state = this.state;
    const location = this.location;
    const clock = this.clock;
    let released = false;
    return {
      owner,
      async heartbeat() {
        if (!released && state.lock?.token === owner.token) state.lockHeartbeatAt = clock.now().getTime();
      },
      async assertHeld() {
        if (released) throw lockLost({ root: location }, 'it was released');
        const current = state.lock;
        if (current === undefined) throw lockLost({ root: location }, 'the lock was removed');
        if (current.token !== owner.token) throw lockLost({ root: location }, `it was taken over by ${describeOwner(current)}`);
      },
      async release() {
        released = true;
        if (state.lock?.token === owner.token) state.lock = undefined;
      },
    };
  }

  async sweepTemp(): Promise<string[]> {
    this.ensureStore();
    return [];
  }

  async inspectLock(): Promise<LockStatus> {
    this.ensureStore();
    const existing = this.state.lock;
    if (existing === undefined) return { state: 'free' };
    const verdict = judgeLockOwner(existing, this.me, this.clock.now().getTime(), this.state.lockHeartbeatAt);
    return verdict.verdict === 'held' ? { state: 'live', owner: publicOwner(existing), reason: typeof verdict.hint === 'string' ? verdict.hint : verdict.hint.cli } : { state: 'stale', owner: publicOwner(existing), reason: verdict.reason };
  }

  /** The lock must be live and be this store's (a wrapped lock is fine). */
  private async assertLock(lock: StoreLock): Promise<void> {
    await lock.assertHeld();
    if (this.state.lock?.token !== lock.owner.token) throw lockLost({ root: this.location }, 'the lock given is not the lock of this store');
  }

  private ensureStore(): void {
    if (!this.state.initialised) {
      throw new BtsBackupError('E_STORE_MISSING', 'The in-memory store was not initialised.', { target: this.location, hint: 'Call init() first.' });
    }
  }
}
