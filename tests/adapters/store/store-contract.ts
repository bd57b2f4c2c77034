import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import type { ExecutionContext, TestFn } from 'ava';
import type { Clock } from '../../../src/ports/clock.js';
import type { BackupStore } from '../../../src/ports/store.js';

/**
 * The one contract every BackupStore adapter passes (restic's backend tests). `registerStoreContract(test, 'fs', factory)`
 * registers the tests with a title prefix; each test gets a fresh harness.
 */
export interface ManualClock extends Clock {
  advance(ms: number): void;
}

export function manualClock(start = new Date()): ManualClock {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    advance: (ms) => {
      now += ms;
    },
  };
}

export interface StoreIdentity {
  hostname?: string;
  pid?: number;
  isProcessAlive?: (pid: number) => boolean;
  /** When a pid's process started (ms), as this peer's host reads it. */
  processStartTime?: (pid: number) => number | undefined;
  /** When this peer's process started (ms). */
  ownStartTime?: number;
}

export interface StoreHarness {
  /** An initialised store; host `host-a`, pid 1000, every process alive, the harness clock. */
  store: BackupStore;
  clock: ManualClock;
  /** Another client of the same store (another process or host), on the same clock. */
  peer(identity: StoreIdentity): BackupStore;
  /** A store on a fresh location that was never initialised. */
  uninitialised(): BackupStore;
  /** Someone deletes the lock out from under its holder. */
  removeLock(): Promise<void>;
  /** A private scratch folder for source files and copy destinations. */
  scratchDir: string;
  cleanup(): Promise<void>;
}

export type StoreHarnessFactory = () => Promise<StoreHarness>;

const MINUTE = 60 * 1000;
const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const SET_1 = '20261125T091500Z-a1b2c3';
const SET_2 = '20261126T091500Z-0f0f0f';
const SET_3 = '20261127T000000Z-ffffff';

export function registerStoreContract(test: TestFn, prefix: string, factory: StoreHarnessFactory): void {
  const withHarness = (title: string, run: (t: ExecutionContext, h: StoreHarness) => Promise<void>): void => {
    test(`${prefix}: ${title}`, async (t) => {
      const harness = await factory();
      try {
        await run(t, harness);
      } finally {
        await harness.cleanup();
      }
    });
  };

  withHarness('a location that was never initialised is not a store; init creates it, twice is fine', async (t, h) => {
    const store = h.uninitialised();
    t.false(await store.exists());
    await t.throwsAsync(store.listSets(), { code: 'E_STORE_MISSING' });
    await t.throwsAsync(store.putBytes(enc('x')), { code: 'E_STORE_MISSING' });
    await t.throwsAsync(store.acquireLock('export'), { code: 'E_STORE_MISSING' });
    await store.init();
    await store.init();
    t.true(await store.exists());
    t.deepEqual(await store.listSets(), []);
    t.deepEqual(await store.listObjects(), []);
  });

  withHarness('putBytes stores content-addressed, reuses an existing object, reads back', async (t, h) => {
    const bytes = enc('<BindingInfo>orders</BindingInfo>');
    const first = await h.store.putBytes(bytes);
    t.deepEqual(first, { sha256: sha(bytes), size: bytes.length, reused: false });
    const second = await h.store.putBytes(bytes);
    t.deepEqual(second, { sha256: sha(bytes), size: bytes.length, reused: true });
    t.deepEqual(await h.store.statObject(first.sha256), { sha256: first.sha256, size: bytes.length });
    t.deepEqual(Buffer.from(await h.store.readObject(first.sha256)), Buffer.from(bytes));
    t.deepEqual(await h.store.hashObject(first.sha256), { sha256: first.sha256, size: bytes.length });
    const empty = await h.store.putBytes(new Uint8Array(0));
    t.is(empty.size, 0);
    t.deepEqual(Buffer.from(await h.store.readObject(empty.sha256)), Buffer.alloc(0));
  });

  withHarness('putFile streams a 50 MB file; a second put reuses it; copyObjectTo restores the same bytes', async (t, h) => {
    const source = join(h.scratchDir, 'big.msi');
    const expected = await writePseudoRandomFile(source, 50 * 1024 * 1024);
    const put = await h.store.putFile(source);
    t.deepEqual(put, { sha256: expected.sha256, size: expected.size, reused: false });
    t.true((await h.store.putFile(source)).reused);
    t.deepEqual(await h.store.sweepTemp(), [], 'a reused put leaves no temp file behind');
    t.deepEqual(await h.store.hashObject(expected.sha256), { sha256: expected.sha256, size: expected.size });
    const destination = join(h.scratchDir, 'restore', 'nested', 'big.msi');
    await h.store.copyObjectTo(expected.sha256, destination);
    t.is(sha(await readFile(destination)), expected.sha256);
    t.deepEqual(await h.store.listObjects(), [{ sha256: expected.sha256, size: expected.size }]);
  });

  withHarness('putFile of a missing source fails and stores nothing', async (t, h) => {
    await t.throwsAsync(h.store.putFile(join(h.scratchDir, 'does-not-exist.msi')));
    t.deepEqual(await h.store.listObjects(), []);
    t.deepEqual(await h.store.sweepTemp(), []);
  });

  withHarness('missing objects and bad object names', async (t, h) => {
    const absent = sha(enc('never stored'));
    t.is(await h.store.statObject(absent), undefined);
    await t.throwsAsync(h.store.readObject(absent), { code: 'E_OBJECT_MISSING' });
    await t.throwsAsync(h.store.hashObject(absent), { code: 'E_OBJECT_MISSING' });
    await t.throwsAsync(h.store.copyObjectTo(absent, join(h.scratchDir, 'out.bin')), { code: 'E_OBJECT_MISSING' });
    for (const bad of ['../../etc/passwd', absent.toUpperCase(), absent.slice(1), `${absent.slice(0, 63)}/`]) {
      await t.throwsAsync(h.store.readObject(bad), { code: 'E_INVALID_NAME' }, bad);
      await t.throwsAsync(h.store.deleteObject(bad), { code: 'E_INVALID_NAME' }, bad);
    }
  });

  withHarness('listObjects and deleteObject (idempotent)', async (t, h) => {
    const a = await h.store.putBytes(enc('a'));
    const b = await h.store.putBytes(enc('bb'));
    const listed = await h.store.listObjects();
    t.deepEqual(listed, [a, b].map(({ sha256, size }) => ({ sha256, size })).sort((x, y) => (x.sha256 < y.sha256 ? -1 : 1)));
    await h.store.deleteObject(a.sha256);
    await h.store.deleteObject(a.sha256);
    t.deepEqual(await h.store.listObjects(), [{ sha256: b.sha256, size: b.size }]);
    await t.throwsAsync(h.store.readObject(a.sha256), { code: 'E_OBJECT_MISSING' });
  });

  withHarness('sets are write-once, listed oldest first, readable, deletable', async (t, h) => {
    const lock = await h.store.acquireLock('export');
    await h.store.commitSet(SET_3, enc('{"three":3}'), lock);
    await h.store.commitSet(SET_1, enc('{"one":1}'), lock);
    await h.store.commitSet(SET_2, enc('{"two":2}'), lock);
    t.deepEqual(await h.store.listSets(), [SET_1, SET_2, SET_3]);
    t.is(new TextDecoder().decode(await h.store.readSet(SET_1)), '{"one":1}');
    await t.throwsAsync(h.store.commitSet(SET_1, enc('{"evil":1}'), lock), { code: 'E_SET_EXISTS' });
    t.is(new TextDecoder().decode(await h.store.readSet(SET_1)), '{"one":1}');
    await h.store.deleteSet(SET_2, lock);
    t.deepEqual(await h.store.listSets(), [SET_1, SET_3]);
    await t.throwsAsync(h.store.readSet(SET_2), { code: 'E_SET_NOT_FOUND' });
    await t.throwsAsync(h.store.deleteSet(SET_2, lock), { code: 'E_SET_NOT_FOUND' });
    await lock.release();
  });

  withHarness('set ids are validated', async (t, h) => {
    const lock = await h.store.acquireLock('export');
    for (const bad of ['../x', '20261125T091500Z-A1B2C3', '20261332T091500Z-a1b2c3', '20261125T091500Z-a1b2c3.json', '', 'latest']) {
      await t.throwsAsync(h.store.commitSet(bad, enc('{}'), lock), { code: 'E_INVALID_NAME' }, bad);
      await t.throwsAsync(h.store.readSet(bad), { code: 'E_INVALID_NAME' }, bad);
    }
    t.deepEqual(await h.store.listSets(), []);
    await lock.release();
  });

  withHarness('readSet of a missing set gives E_SET_NOT_FOUND', async (t, h) => {
    await t.throwsAsync(h.store.readSet(SET_1), { code: 'E_SET_NOT_FOUND' });
  });

  withHarness('lock held by a live process: E_LOCK_HELD (exit 11) naming the owner', async (t, h) => {
    const lock = await h.store.acquireLock('export');
    t.is(lock.owner.host, 'host-a');
    t.is(lock.owner.pid, 1000);
    t.is(lock.owner.operation, 'export');
    await lock.assertHeld();
    const other = h.peer({ hostname: 'host-a', pid: 2000 });
    const error = await t.throwsAsync(other.acquireLock('prune'), { code: 'E_LOCK_HELD' });
    t.is((error as unknown as { exitCode: number }).exitCode, 11);
    const details = (error as unknown as { details: { owner: Record<string, unknown> } }).details;
    t.like(details.owner, { host: 'host-a', pid: 1000, operation: 'export' });
    t.false('token' in details.owner);
    await t.throwsAsync(h.store.acquireLock('export'), { code: 'E_LOCK_HELD' });
    await lock.release();
    const next = await other.acquireLock('prune');
    await next.assertHeld();
    await next.release();
  });

  withHarness('stale lock of a dead process on this host is taken over with a warning', async (t, h) => {
    const dead = h.peer({ hostname: 'host-a', pid: 4242 });
    const deadLock = await dead.acquireLock('export');
    const warnings: string[] = [];
    const survivor = h.peer({ hostname: 'host-a', pid: 5555, isProcessAlive: (pid) => pid !== 4242 });
    const lock = await survivor.acquireLock('export', {}, (message) => warnings.push(message));
    t.is(warnings.length, 1);
    await lock.assertHeld();
    await t.throwsAsync(deadLock.assertHeld(), { code: 'E_LOCK_LOST' });
    await t.throwsAsync(dead.commitSet(SET_1, enc('{}'), deadLock), { code: 'E_LOCK_LOST' });
    t.deepEqual(await survivor.listSets(), []);
    await deadLock.release();
    await lock.assertHeld();
    await lock.release();
  });

  withHarness('a lock whose heartbeat is older than 5 min is stale whoever holds it; a heartbeat keeps a long run live', async (t, h) => {
    const remote = h.peer({ hostname: 'host-b', pid: 77 });
    const remoteLock = await remote.acquireLock('export');
    for (let i = 0; i < 20; i += 1) {
      h.clock.advance(MINUTE);
      await remoteLock.heartbeat();
    }
    await t.throwsAsync(h.store.acquireLock('export'), { code: 'E_LOCK_HELD' }, 'a run of 20 min with a heartbeat is live');
    t.is((await h.store.inspectLock()).state, 'live');
    h.clock.advance(4 * MINUTE);
    await t.throwsAsync(h.store.acquireLock('export'), { code: 'E_LOCK_HELD' });
    h.clock.advance(2 * MINUTE);
    t.is((await h.store.inspectLock()).state, 'stale');
    const warnings: string[] = [];
    const lock = await h.store.acquireLock('export', {}, (message) => warnings.push(message));
    t.is(warnings.length, 1);
    t.regex(warnings[0] ?? '', /host-b/, 'the warning names the owner');
    await lock.assertHeld();
    await t.throwsAsync(remoteLock.assertHeld(), { code: 'E_LOCK_LOST' });
    await remoteLock.heartbeat();
    await lock.assertHeld();
    t.is((await h.store.inspectLock()).state, 'live', 'the old holder does not refresh a lock that is no longer its own');
    await lock.release();
    t.deepEqual(await h.store.inspectLock(), { state: 'free' });
  });

  // Issue 15: -Force took over the lock of a live export on another host, and the prune deleted what it had just written.
  withHarness('a live lock of another host is never taken by asking nicely: only --break-lock with its token, and the warning says what that run loses', async (t, h) => {
    const remote = h.peer({ hostname: 'host-b', pid: 1000, isProcessAlive: () => false });
    const remoteLock = await remote.acquireLock('export');
    const warnings: string[] = [];
    // The pid is meaningless across hosts: host-a must not judge host-b's pid 1000 by its own process table.
    const local = h.peer({ hostname: 'host-a', pid: 1, isProcessAlive: () => false });
    const refused = await t.throwsAsync(local.acquireLock('prune', {}, (m) => warnings.push(m)), { code: 'E_LOCK_HELD' });
    const details = (refused as unknown as { details: { owner: Record<string, unknown>; lockToken: string } }).details;
    t.like(details.owner, { host: 'host-b' });
    t.is(details.lockToken, remoteLock.owner.token, 'the error names the token that would break it');
    t.regex((refused as unknown as { hint: string }).hint, /alive.*--break-lock/s);
    await t.throwsAsync(local.acquireLock('prune', { breakLock: 'not-the-token' }, (m) => warnings.push(m)), { code: 'E_LOCK_TOKEN_MISMATCH' });
    t.is(warnings.length, 0);
    await remoteLock.assertHeld();
    const lock = await local.acquireLock('prune', { breakLock: remoteLock.owner.token }, (m) => warnings.push(m));
    t.is(warnings.length, 1);
    t.regex(warnings[0] ?? '', /Broke the live store lock .*host-b.*commits no backup set/);
    await lock.assertHeld();
    await t.throwsAsync(remoteLock.assertHeld(), { code: 'E_LOCK_LOST' });
    await t.throwsAsync(remote.commitSet(SET_1, enc('{}'), remoteLock), { code: 'E_LOCK_LOST' });
    await lock.release();
  });

  withHarness('a lock of this host whose pid now belongs to another process (start time differs) is stale at once', async (t, h) => {
    const started = Date.parse('2026-11-25T02:00:00Z');
    const first = h.peer({ hostname: 'host-a', pid: 4242, ownStartTime: started });
    const firstLock = await first.acquireLock('export');
    t.is(firstLock.owner.processStartedAt, new Date(started).toISOString());
    // The same pid, alive, started at the time it was recorded: that is the owner, live.
    const same = h.peer({ hostname: 'host-a', pid: 5555, isProcessAlive: () => true, processStartTime: (pid) => (pid === 4242 ? started + 10 : undefined) });
    await t.throwsAsync(same.acquireLock('export'), { code: 'E_LOCK_HELD' });
    // pid 4242 now runs something started an hour later: the owner is gone.
    const reused = h.peer({ hostname: 'host-a', pid: 5555, isProcessAlive: () => true, processStartTime: (pid) => (pid === 4242 ? started + 60 * MINUTE : undefined) });
    t.is((await reused.inspectLock()).state, 'stale');
    const warnings: string[] = [];
    const lock = await reused.acquireLock('export', {}, (m) => warnings.push(m));
    t.regex(warnings[0] ?? '', /pid 4242 now belongs to another process/);
    await lock.release();
    // And a later process that got our own pid sees the previous owner's lock as stale too.
    const before = await h.peer({ hostname: 'host-a', pid: 9, ownStartTime: started }).acquireLock('export');
    const after = await h.peer({ hostname: 'host-a', pid: 9, ownStartTime: started + MINUTE }).acquireLock('export', {}, () => undefined);
    await t.throwsAsync(before.assertHeld(), { code: 'E_LOCK_LOST' });
    await after.release();
  });

  withHarness('a lock removed under its holder: assertHeld and commitSet give E_LOCK_LOST, nothing committed', async (t, h) => {
    const lock = await h.store.acquireLock('export');
    await h.store.commitSet(SET_1, enc('{"one":1}'), lock);
    await h.removeLock();
    await t.throwsAsync(lock.assertHeld(), { code: 'E_LOCK_LOST' });
    await t.throwsAsync(h.store.commitSet(SET_2, enc('{"two":2}'), lock), { code: 'E_LOCK_LOST' });
    await t.throwsAsync(h.store.deleteSet(SET_1, lock), { code: 'E_LOCK_LOST' });
    t.deepEqual(await h.store.listSets(), [SET_1]);
    await t.throwsAsync(h.store.readSet(SET_2), { code: 'E_SET_NOT_FOUND' });
  });

  withHarness('a released lock cannot commit', async (t, h) => {
    const lock = await h.store.acquireLock('export');
    await lock.release();
    await lock.release();
    await t.throwsAsync(h.store.commitSet(SET_1, enc('{}'), lock), { code: 'E_LOCK_LOST' });
    t.deepEqual(await h.store.listSets(), []);
  });
}

/** Writes `size` bytes of reproducible pseudo-random data, streamed; returns its hash. */
export async function writePseudoRandomFile(path: string, size: number, seed = randomBytes(16)): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  const block = createHash('sha512').update(seed).digest();
  const chunk = Buffer.alloc(1 << 20);
  let written = 0;
  let counter = 0;
  while (written < size) {
    for (let offset = 0; offset < chunk.length; offset += block.length) {
      block.writeUInt32LE(counter++, 0);
      block.copy(chunk, offset);
    }
    const piece = chunk.subarray(0, Math.min(chunk.length, size - written));
    hash.update(piece);
    if (!out.write(piece)) await once(out, 'drain');
    written += piece.length;
  }
  out.end();
  await once(out, 'finish');
  return { sha256: hash.digest('hex'), size };
}
