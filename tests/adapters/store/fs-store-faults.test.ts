import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import test, { type ExecutionContext } from 'ava';
import { createFsStore, type FsStore } from '../../../src/adapters/store/fs-store.js';
import { nodeFsSeams } from '../../../src/adapters/store/fs-seams.js';
import type { BtsBackupError } from '../../../src/errors/index.js';
import { CrashError, FaultFs } from './fault-fs.js';
import { manualClock, writePseudoRandomFile, type ManualClock } from './store-contract.js';
import { filesUnder } from '../../support/cli.js';

/** RELIABILITY.md fault cases 1-3, 7-11, 16 and damaged objects, against the real file system with injected faults. */
const SET_A = '20261125T091500Z-aaaaaa';
const SET_B = '20261126T091500Z-bbbbbb';
const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const X = enc('object x: Orders.msi');
const Y = enc('object y: Orders.bindings.xml');
const Z = enc('object z: Contoso.Helpers.dll');
const inSets = (path: string): boolean => path.includes(`${sep}sets${sep}`);
const isTemp = (path: string): boolean => path.includes(`${sep}.tmp-`);
const inObjects = (path: string): boolean => path.includes(`${sep}objects${sep}`);

interface Fixture {
  base: string;
  root: string;
  clock: ManualClock;
  sleeps: number[];
  open(options?: { fault?: FaultFs; pid?: number; hostname?: string; isProcessAlive?: (pid: number) => boolean }): FsStore;
}

/** A store holding set A (objects x and y), committed by pid 1000, lock released. */
async function fixture(t: ExecutionContext): Promise<Fixture> {
  const base = await mkdtemp(join(tmpdir(), 'bts-faults-'));
  t.teardown(() => rm(base, { recursive: true, force: true }));
  const root = join(base, 'store');
  const clock = manualClock();
  const sleeps: number[] = [];
  const open: Fixture['open'] = (options = {}) =>
    createFsStore(root, {
      ...(options.fault === undefined ? {} : { fs: options.fault.seams }),
      clock,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      hostname: options.hostname ?? 'host-a',
      pid: options.pid ?? 1000,
      user: 'tester',
      isProcessAlive: options.isProcessAlive ?? (() => true),
    });
  const store = open();
  await store.init();
  const lock = await store.acquireLock('export');
  await store.putBytes(X);
  await store.putBytes(Y);
  await store.commitSet(SET_A, enc(JSON.stringify({ objects: [sha(X), sha(Y)] })), lock);
  await lock.release();
  return { base, root, clock, sleeps, open };
}

async function tempsUnder(root: string): Promise<string[]> {
  return (await readdir(root, { recursive: true })).filter((name) => name.split(/[\\/]/).some((part) => part.startsWith('.tmp-')));
}

async function assertSetAIntact(t: ExecutionContext, store: FsStore): Promise<void> {
  t.is(new TextDecoder().decode(await store.readSet(SET_A)), JSON.stringify({ objects: [sha(X), sha(Y)] }));
  t.deepEqual(await store.hashObject(sha(X)), { sha256: sha(X), size: X.length });
  t.deepEqual(await store.hashObject(sha(Y)), { sha256: sha(Y), size: Y.length });
}

test('case 1: crash after the objects, before the manifest commit: no new set, A intact, a re-run reuses the objects', async (t) => {
  const f = await fixture(t);
  const fault = new FaultFs().crashAt('open', (path) => inSets(path) && isTemp(path));
  const crashing = f.open({ fault, pid: 2000 });
  const lock = await crashing.acquireLock('export');
  t.true((await crashing.putBytes(Y)).reused);
  t.false((await crashing.putBytes(Z)).reused);
  await t.throwsAsync(crashing.commitSet(SET_B, enc('{"b":1}'), lock), { instanceOf: CrashError });

  const warnings: string[] = [];
  const rerun = f.open({ pid: 3000, isProcessAlive: (pid) => pid !== 2000 });
  t.deepEqual(await rerun.listSets(), [SET_A]);
  await assertSetAIntact(t, rerun);
  const lock2 = await rerun.acquireLock('export', {}, (message) => warnings.push(message));
  t.is(warnings.length, 1, 'the dead run lock is taken over with a warning');
  t.true((await rerun.putBytes(Y)).reused);
  t.true((await rerun.putBytes(Z)).reused);
  await rerun.commitSet(SET_B, enc('{"b":1}'), lock2);
  t.deepEqual(await rerun.listSets(), [SET_A, SET_B]);
  await lock2.release();
});

test('case 2: crash during the manifest write: old sets unchanged, the temp file is ignored, then swept', async (t) => {
  const f = await fixture(t);
  const fault = new FaultFs().inject({
    op: 'write',
    when: (path) => inSets(path) && isTemp(path),
    times: 1,
    run: async (_real, args) => {
      const [fd, buffer] = args as [number, Uint8Array];
      await nodeFsSeams.write(fd, buffer, 0, Math.floor(buffer.length / 2));
      fault.crashed = true;
      throw new CrashError('write');
    },
  });
  const crashing = f.open({ fault, pid: 2000 });
  const lock = await crashing.acquireLock('export');
  await crashing.putBytes(Z);
  await t.throwsAsync(crashing.commitSet(SET_B, enc(JSON.stringify({ objects: [sha(Z)], padding: 'p'.repeat(1000) })), lock), { instanceOf: CrashError });

  const leftovers = (await readdir(join(f.root, 'sets'))).filter((name) => name.startsWith('.tmp-'));
  t.is(leftovers.length, 1, 'the crash left a half-written temp manifest');
  const after = f.open({ pid: 3000, isProcessAlive: (pid) => pid !== 2000 });
  t.deepEqual(await after.listSets(), [SET_A]);
  await assertSetAIntact(t, after);
  const lock2 = await after.acquireLock('export');
  const swept = await after.sweepTemp();
  t.deepEqual(swept, [join(f.root, 'sets', leftovers[0] ?? '')]);
  t.deepEqual(await readdir(join(f.root, 'sets')), [`${SET_A}.json`]);
  t.deepEqual(await after.sweepTemp(), []);
  await lock2.release();
});

test('case 3: short writes give E_SHORT_WRITE, nothing at the final path, temp removed', async (t) => {
  const f = await fixture(t);
  const halfWrite = async (_real: () => Promise<unknown>, args: unknown[]): Promise<number> => {
    const [fd, buffer, offset, length] = args as [number, Uint8Array, number, number];
    return nodeFsSeams.write(fd, buffer, offset, Math.floor(length / 2));
  };
  const fault = new FaultFs()
    .inject({ op: 'write', when: (path) => inObjects(path) && isTemp(path), times: 2, run: halfWrite })
    .inject({ op: 'write', when: (path) => inSets(path) && isTemp(path), times: 1, run: halfWrite });
  const store = f.open({ fault });
  await t.throwsAsync(store.putBytes(Z), { code: 'E_SHORT_WRITE' });
  t.is(await store.statObject(sha(Z)), undefined);

  const source = join(f.base, 'source.msi');
  const big = await writePseudoRandomFile(source, 3 * 1024 * 1024 + 17);
  await t.throwsAsync(store.putFile(source), { code: 'E_SHORT_WRITE' });
  t.is(await store.statObject(big.sha256), undefined);

  const lock = await store.acquireLock('export');
  await t.throwsAsync(store.commitSet(SET_B, enc('{"b":1}'), lock), { code: 'E_SHORT_WRITE' });
  t.deepEqual(await store.listSets(), [SET_A]);
  t.deepEqual(await tempsUnder(f.root), []);
  await lock.release();
});

test('case 3: a write that claims success but leaves the file short is caught by the length check', async (t) => {
  const f = await fixture(t);
  const fault = new FaultFs().inject({
    op: 'write',
    when: (path) => inObjects(path) && isTemp(path),
    times: 1,
    run: async (_real, args) => {
      const [fd, buffer, offset, length] = args as [number, Uint8Array, number, number];
      await nodeFsSeams.write(fd, buffer, offset, length - 1);
      return length;
    },
  });
  const store = f.open({ fault });
  await t.throwsAsync(store.putBytes(Z), { code: 'E_SHORT_WRITE' });
  t.is(await store.statObject(sha(Z)), undefined);
  t.deepEqual(await tempsUnder(f.root), []);
});

function startLockHolder(root: string, setId: string) {
  const script = fileURLToPath(new URL('./lock-holder-process.js', import.meta.url));
  const child = spawn(process.execPath, [script, root, setId], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const next = async (): Promise<Record<string, unknown>> => {
    const line = await lines.next();
    if (line.done === true) throw new Error('lock holder ended early');
    return JSON.parse(line.value) as Record<string, unknown>;
  };
  return { child, next, exited };
}

test('case 7: a second writer (a real process holds the lock) gets E_LOCK_HELD naming it; the first finishes', async (t) => {
  const f = await fixture(t);
  const holder = startLockHolder(f.root, SET_B);
  t.teardown(() => holder.child.kill('SIGKILL'));
  t.like(await holder.next(), { event: 'locked', pid: holder.child.pid });

  const second = createFsStore(f.root);
  const error = await t.throwsAsync<BtsBackupError>(second.acquireLock('export'), { code: 'E_LOCK_HELD' });
  t.is(error?.exitCode, 11);
  t.like((error?.details as { owner: Record<string, unknown> }).owner, { pid: holder.child.pid, operation: 'export' });
  t.deepEqual(await second.listSets(), [SET_A]);

  holder.child.stdin.write('commit\n');
  t.like(await holder.next(), { event: 'done' });
  t.is(await holder.exited, 0);
  t.deepEqual(await second.listSets(), [SET_A, SET_B]);
  const lock = await second.acquireLock('export');
  await lock.release();
});

test('case 8: the lock of a killed process on this host is taken over with a warning (real pid check)', async (t) => {
  const f = await fixture(t);
  const holder = startLockHolder(f.root, SET_B);
  t.like(await holder.next(), { event: 'locked' });
  holder.child.kill('SIGKILL');
  await holder.exited;
  const warnings: string[] = [];
  const store = createFsStore(f.root);
  const lock = await store.acquireLock('export', {}, (message) => warnings.push(message));
  t.is(warnings.length, 1);
  await lock.assertHeld();
  await lock.release();
  t.deepEqual(await readdir(join(f.root, 'locks')), []);
});

// Issue 15: a lock whose pid now belonged to another live process blocked every run for 12 hours.
test('case 32: a lock of this host whose pid now belongs to another live process (real process table, start time differs) is taken over at once', async (t) => {
  const f = await fixture(t);
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
  t.teardown(() => other.kill('SIGKILL'));
  await new Promise((done) => setTimeout(done, 100));
  // The lock's owner had that pid, but started long before the process that has it now.
  const ghost = createFsStore(f.root, { hostname: hostname(), pid: other.pid!, ownStartTime: Date.parse('2026-01-01T00:00:00Z') });
  await ghost.acquireLock('export');
  const warnings: string[] = [];
  const lock = await createFsStore(f.root, { hostname: hostname() }).acquireLock('export', {}, (m) => warnings.push(m));
  if (process.platform === 'linux') t.regex(warnings[0] ?? '', new RegExp(`pid ${other.pid} now belongs to another process`));
  else t.is(warnings.length, 1);
  await lock.release();
});

test('case 8: a lock folder without owner.json (crash while locking) is respected for a minute, then taken over', async (t) => {
  const f = await fixture(t);
  await mkdir(join(f.root, 'locks', 'store.lock'));
  const store = f.open({ pid: 2000 });
  const held = await t.throwsAsync<BtsBackupError>(store.acquireLock('export'), { code: 'E_LOCK_HELD' });
  // Issue 15: the hint told people to wait for "the other run", which after a crash no longer exists.
  t.notRegex(held?.hint ?? '', /wait for the other run to finish/i);
  t.regex(held?.hint ?? '', /crashed run.*taken over once it is 60 s old/);
  f.clock.advance(2 * 60 * 1000);
  const warnings: string[] = [];
  const lock = await store.acquireLock('export', {}, (message) => warnings.push(message));
  t.is(warnings.length, 1);
  await lock.assertHeld();
  await lock.release();
});

test('case 9: the lock removed while the manifest is written: E_LOCK_LOST before the rename, no manifest, temp removed', async (t) => {
  const f = await fixture(t);
  const lockDir = join(f.root, 'locks', 'store.lock');
  const fault = new FaultFs().inject({
    op: 'fsync',
    when: (path) => inSets(path) && isTemp(path),
    times: 1,
    run: async (real) => {
      await rm(lockDir, { recursive: true, force: true });
      return real();
    },
  });
  const store = f.open({ fault });
  const lock = await store.acquireLock('export');
  await store.putBytes(Z);
  await t.throwsAsync(store.commitSet(SET_B, enc('{"b":1}'), lock), { code: 'E_LOCK_LOST' });
  t.deepEqual(await store.listSets(), [SET_A]);
  t.deepEqual(await readdir(join(f.root, 'sets')), [`${SET_A}.json`]);
  t.is(fault.count('rename', inSets), 0, 'the manifest was never renamed into place');
});

test('case 10: disk full gives E_DISK_FULL at once (no retry), temp removed, earlier sets untouched', async (t) => {
  const f = await fixture(t);
  const fault = new FaultFs()
    .fail('write', 'ENOSPC', { when: (path) => inObjects(path) && isTemp(path), times: 1 })
    .fail('fsync', 'ENOSPC', { when: (path) => inSets(path) && isTemp(path), times: 1 });
  const store = f.open({ fault });
  await t.throwsAsync(store.putBytes(Z), { code: 'E_DISK_FULL' });
  t.is(fault.count('write', (path) => inObjects(path) && isTemp(path)), 1);
  t.is(await store.statObject(sha(Z)), undefined);

  const lock = await store.acquireLock('export');
  await t.throwsAsync(store.commitSet(SET_B, enc('{"b":1}'), lock), { code: 'E_DISK_FULL' });
  t.deepEqual(await store.listSets(), [SET_A]);
  t.deepEqual(await tempsUnder(f.root), []);
  t.deepEqual(f.sleeps, []);
  await assertSetAIntact(t, store);
  await lock.release();
});

test('case 10: disk full in the middle of a streamed putFile', async (t) => {
  const f = await fixture(t);
  const source = join(f.base, 'big.msi');
  const big = await writePseudoRandomFile(source, 5 * 1024 * 1024);
  let writes = 0;
  const fault = new FaultFs().inject({
    op: 'write',
    when: isTemp,
    run: async (real) => {
      writes += 1;
      if (writes === 3) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      return real();
    },
  });
  const store = f.open({ fault });
  await t.throwsAsync(store.putFile(source), { code: 'E_DISK_FULL' });
  t.is(writes, 3);
  t.is(await store.statObject(big.sha256), undefined);
  t.deepEqual(await tempsUnder(f.root), []);
});

// Issue 15: a full disk first shows as a short write; the error named the caller's staging file instead of the store.
test('case 10: a short write on a full disk is E_DISK_FULL naming the store and the space needed, not E_SHORT_WRITE naming a staging file', async (t) => {
  const f = await fixture(t);
  const source = join(f.base, 'staging', 'Orders.msi');
  await mkdir(join(f.base, 'staging'));
  const big = await writePseudoRandomFile(source, 3 * 1024 * 1024 + 5);
  const fault = new FaultFs()
    .inject({
      op: 'write',
      when: isTemp,
      run: async (_real, args) => {
        const [fd, buffer, offset, length] = args as [number, Uint8Array, number, number];
        return nodeFsSeams.write(fd, buffer, offset, Math.floor(length / 3));
      },
    })
    .inject({ op: 'statfs', run: async () => ({ bavail: 0, bsize: 4096 }) });
  const store = f.open({ fault });
  for (const put of [() => store.putFile(source), () => store.putBytes(new Uint8Array(big.size))]) {
    const error = await t.throwsAsync<BtsBackupError>(put(), { code: 'E_DISK_FULL' });
    t.is(error?.target, f.root, 'names the store');
    t.false(String(error?.message).includes('staging'), error?.message);
    t.like(error?.details, { neededBytes: big.size, availableBytes: 0 });
  }
  t.is(await store.statObject(big.sha256), undefined);
  t.deepEqual(await tempsUnder(f.root), []);
  const enospc = new FaultFs().fail('write', 'ENOSPC', { when: isTemp });
  const error = await t.throwsAsync<BtsBackupError>(f.open({ fault: enospc }).putFile(source), { code: 'E_DISK_FULL' });
  t.is(error?.target, f.root, 'ENOSPC names the store too');
  t.like(error?.details, { neededBytes: big.size });
});

test('--store naming a regular file is E_STORE_NOT_A_FOLDER with the path, for a new store and an existing one', async (t) => {
  const base = await mkdtemp(join(tmpdir(), 'bts-faults-'));
  t.teardown(() => rm(base, { recursive: true, force: true }));
  const file = join(base, 'store.txt');
  await writeFile(file, 'not a store');
  const store = createFsStore(file);
  const init = await t.throwsAsync<BtsBackupError>(store.init(), { code: 'E_STORE_NOT_A_FOLDER' });
  t.is(init?.target, file);
  t.truthy(init?.hint);
  await t.throwsAsync(store.listSets(), { code: 'E_STORE_NOT_A_FOLDER' });
  t.is(await readFile(file, 'utf8'), 'not a store', 'the file is untouched');
});

for (const code of ['EROFS', 'EACCES', 'ENOENT']) {
  test(`a new store on a read-only mount (mkdir fails ${code}) is E_STORE_READ_ONLY naming the store`, async (t) => {
    const base = await mkdtemp(join(tmpdir(), 'bts-faults-'));
    t.teardown(() => rm(base, { recursive: true, force: true }));
    const root = join(base, 'share', 'store');
    const fault = new FaultFs().fail('mkdir', code);
    const error = await t.throwsAsync<BtsBackupError>(createFsStore(root, { fs: fault.seams }).init(), { code: 'E_STORE_READ_ONLY' });
    t.is(error?.target, root);
    t.like(error?.details, { errno: code });
  });
}

test('a folder in sets/ named like a set is not a set: listing, exports and commits go on; reading it is E_SET_NOT_A_FILE', async (t) => {
  const f = await fixture(t);
  const intruder = '20991231T000000Z-abcdef';
  await mkdir(join(f.root, 'sets', `${intruder}.json`));
  const store = f.open();
  t.deepEqual(await store.listSets(), [SET_A]);
  const error = await t.throwsAsync<BtsBackupError>(store.readSet(intruder), { code: 'E_SET_NOT_A_FILE' });
  t.is(error?.target, join(f.root, 'sets', `${intruder}.json`));
  const lock = await store.acquireLock('export');
  await store.commitSet(SET_B, enc('{"b":1}'), lock);
  await lock.release();
  t.deepEqual(await store.listSets(), [SET_A, SET_B]);
});

test('case 11: rename fails twice with EPERM then succeeds; the back-off goes through the injected sleep', async (t) => {
  const f = await fixture(t);
  const fault = new FaultFs().fail('rename', 'EPERM', { when: (path) => path.endsWith(sha(Z)), times: 2 });
  const store = f.open({ fault });
  t.deepEqual(await store.putBytes(Z), { sha256: sha(Z), size: Z.length, reused: false });
  t.deepEqual(f.sleeps, [100, 200]);
  t.deepEqual(await store.hashObject(sha(Z)), { sha256: sha(Z), size: Z.length });
  t.deepEqual(await tempsUnder(f.root), []);
});

test('case 11: a rename that keeps failing (EBUSY, EPERM) gives E_STORE_BUSY after 5 attempts, nothing left behind', async (t) => {
  const f = await fixture(t);
  const fault = new FaultFs().fail('rename', 'EBUSY', { when: (path) => path.endsWith(sha(Z)) }).fail('rename', 'EPERM', { when: (path) => path.includes(SET_B) });
  const store = f.open({ fault });
  await t.throwsAsync(store.putBytes(Z), { code: 'E_STORE_BUSY' });
  t.is(fault.count('rename', (path) => path.endsWith(sha(Z))), 5);
  t.deepEqual(f.sleeps, [100, 200, 400, 800]);
  t.is(await store.statObject(sha(Z)), undefined);

  const lock = await store.acquireLock('export');
  await t.throwsAsync(store.commitSet(SET_B, enc('{"b":1}'), lock), { code: 'E_STORE_BUSY' });
  t.deepEqual(await store.listSets(), [SET_A]);
  t.deepEqual(await tempsUnder(f.root), []);
  await lock.release();
});

test('case 16 (store level): a set deleted, then a crash before its objects go: only orphans remain, the other set is whole', async (t) => {
  const f = await fixture(t);
  const store = f.open({ pid: 2000 });
  const lock = await store.acquireLock('prune');
  await store.putBytes(Z);
  await store.commitSet(SET_B, enc(JSON.stringify({ objects: [sha(Y), sha(Z)] })), lock);
  await store.deleteSet(SET_A, lock);
  // the process dies here: X (only A used it) is never deleted, the lock never released

  const after = f.open({ pid: 3000, isProcessAlive: (pid) => pid !== 2000 });
  t.deepEqual(await after.listSets(), [SET_B]);
  for (const bytes of [Y, Z]) t.deepEqual(await after.hashObject(sha(bytes)), { sha256: sha(bytes), size: bytes.length });
  t.deepEqual((await after.listObjects()).map((o) => o.sha256).sort(), [sha(X), sha(Y), sha(Z)].sort(), 'X is an orphan, nothing is missing');
});

test('a damaged object is detected by hashObject, readObject and copyObjectTo (E_CHECKSUM_MISMATCH)', async (t) => {
  const f = await fixture(t);
  const store = f.open();
  const path = join(f.root, 'objects', sha(X).slice(0, 2), sha(X));
  const bytes = Buffer.from(await readFile(path));
  bytes[3] = (bytes[3] ?? 0) ^ 0x01;
  await chmod(path, 0o644);
  await writeFile(path, bytes);
  const error = await t.throwsAsync<BtsBackupError>(store.hashObject(sha(X)), { code: 'E_CHECKSUM_MISMATCH' });
  t.is(error?.exitCode, 12);
  t.like(error?.details, { expected: sha(X), actual: sha(bytes) });
  await t.throwsAsync(store.readObject(sha(X)), { code: 'E_CHECKSUM_MISMATCH' });
  const destination = join(f.base, 'restore', 'Orders.msi');
  await t.throwsAsync(store.copyObjectTo(sha(X), destination), { code: 'E_CHECKSUM_MISMATCH' });
  await t.throwsAsync(stat(destination), { code: 'ENOENT' });
  t.deepEqual(await readdir(join(f.base, 'restore')), []);
});

test('a truncated object is replaced by the next put of the same content', async (t) => {
  const f = await fixture(t);
  const store = f.open();
  const path = join(f.root, 'objects', sha(X).slice(0, 2), sha(X));
  await chmod(path, 0o644);
  await writeFile(path, X.subarray(0, 5));
  await t.throwsAsync(store.hashObject(sha(X)), { code: 'E_CHECKSUM_MISMATCH' });
  t.deepEqual(await store.putBytes(X), { sha256: sha(X), size: X.length, reused: false, repaired: { size: 5, sha256: sha(X.subarray(0, 5)) } });
  t.deepEqual(await store.hashObject(sha(X)), { sha256: sha(X), size: X.length });
});

// Issue 15: dedup trusted any object of the right size, so a new set could point at bytes that no longer hash to their name.
for (const via of ['putBytes', 'putFile'] as const) {
  test(`case 31: an object with one byte flipped (same size) is re-hashed and replaced by the next ${via} of the same content, atomically`, async (t) => {
    const f = await fixture(t);
    const fault = new FaultFs();
    const store = f.open({ fault });
    const path = join(f.root, 'objects', sha(X).slice(0, 2), sha(X));
    const damaged = Buffer.from(X);
    damaged[3] = (damaged[3] ?? 0) ^ 0x01;
    await chmod(path, 0o644);
    await writeFile(path, damaged);
    await chmod(path, 0o444);
    let put;
    if (via === 'putBytes') put = await store.putBytes(X);
    else {
      const source = join(f.base, 'x.bin');
      await writeFile(source, X);
      put = await store.putFile(source);
    }
    t.deepEqual(put, { sha256: sha(X), size: X.length, reused: false, repaired: { size: X.length, sha256: sha(damaged) } });
    t.deepEqual(await store.hashObject(sha(X)), { sha256: sha(X), size: X.length });
    t.false(fault.calls.some((c) => c.op === 'unlink' && c.path === path), 'the damaged object is renamed over, never deleted first');
    t.deepEqual(await tempsUnder(f.root), []);
    t.deepEqual(await store.putBytes(X), { sha256: sha(X), size: X.length, reused: true }, 'an intact object is reused');
  });
}

test('a missing object gives E_OBJECT_MISSING', async (t) => {
  const f = await fixture(t);
  const store = f.open();
  await rm(join(f.root, 'objects', sha(Y).slice(0, 2), sha(Y)), { force: true });
  await t.throwsAsync(store.hashObject(sha(Y)), { code: 'E_OBJECT_MISSING' });
  await t.throwsAsync(store.readObject(sha(Y)), { code: 'E_OBJECT_MISSING' });
  await t.throwsAsync(store.copyObjectTo(sha(Y), join(f.base, 'out', 'y.xml')), { code: 'E_OBJECT_MISSING' });
  t.deepEqual(await readdir(join(f.base, 'out')), []);
});

test('a file that does not read back as written is removed: E_CHECKSUM_MISMATCH', async (t) => {
  const f = await fixture(t);
  const fault = new FaultFs().inject({
    op: 'read',
    when: (path) => path.endsWith(sha(Z)),
    times: 1,
    run: async (real, args) => {
      const read = (await real()) as number;
      const buffer = args[1] as Uint8Array;
      buffer[0] = (buffer[0] ?? 0) ^ 0xff;
      return read;
    },
  });
  const store = f.open({ fault });
  await t.throwsAsync(store.putBytes(Z), { code: 'E_CHECKSUM_MISMATCH' });
  t.is(await store.statObject(sha(Z)), undefined);
  t.deepEqual(await tempsUnder(f.root), []);
});

test('objects and manifests are read-only on disk (POSIX), and still deletable through the store', async (t) => {
  if (process.platform === 'win32') {
    t.pass('read-only attribute checked by the Windows run');
    return;
  }
  const f = await fixture(t);
  const store = f.open();
  const objectMode = (await stat(join(f.root, 'objects', sha(X).slice(0, 2), sha(X)))).mode;
  const setMode = (await stat(join(f.root, 'sets', `${SET_A}.json`))).mode;
  t.is(objectMode & 0o222, 0);
  t.is(setMode & 0o222, 0);
  await store.deleteObject(sha(X));
  t.is(await store.statObject(sha(X)), undefined);
});

test('a folder without store.json is not a store; an unknown store version is refused', async (t) => {
  const f = await fixture(t);
  const plain = join(f.base, 'plain');
  await mkdir(join(plain, 'objects'), { recursive: true });
  await t.throwsAsync(createFsStore(plain).listSets(), { code: 'E_STORE_MISSING' });
  await t.throwsAsync(createFsStore(plain).readSet(SET_A), { code: 'E_STORE_MISSING' });
  t.false(await createFsStore(plain).exists());
  await writeFile(join(f.root, 'store.json'), JSON.stringify({ format: 'biztalkbackup-store', version: 2 }));
  await t.throwsAsync(createFsStore(f.root).listSets(), { code: 'E_STORE_UNSUPPORTED' });
});

test('a store.json that is damaged or not ours names the marker file, says what is wrong and how to fix it', async (t) => {
  const f = await fixture(t);
  const marker = join(f.root, 'store.json');
  const cases: [string, string, RegExp][] = [
    ['{}', marker, /no "format" field/],
    ['[1,2]', marker, /no "format" field/],
    [JSON.stringify({ format: 'restic' }), marker, /says format "restic"/],
    [JSON.stringify({ format: 'biztalkbackup-store' }), marker, /has version null/],
    [JSON.stringify({ format: 'biztalkbackup-store', version: '1' }), marker, /has version "1"/],
    [JSON.stringify({ format: 'biztalkbackup-store', version: 2 }), f.root, /newer BizTalkBackup/],
    ['garbage', marker, /not valid JSON/],
  ];
  for (const [text, target, message] of cases) {
    await writeFile(marker, text);
    const error = await t.throwsAsync<BtsBackupError>(createFsStore(f.root).listSets(), { code: 'E_STORE_UNSUPPORTED' }, text);
    t.is(error?.target, target, text);
    t.regex(error?.message ?? '', message, text);
    t.truthy(error?.hint, text);
    t.false((error?.message ?? '').includes('undefined'), text);
  }
});

test('sweepTemp removes leftovers everywhere in the store and nothing else', async (t) => {
  const f = await fixture(t);
  const before = (await filesUnder(f.root)).sort();
  const planted = [
    join(f.root, '.tmp-root'),
    join(f.root, 'sets', '.tmp-set'),
    join(f.root, 'objects', sha(X).slice(0, 2), '.tmp-object'),
  ];
  for (const path of planted) await writeFile(path, 'partial');
  await mkdir(join(f.root, 'locks', '.tmp-stale-1'));
  await writeFile(join(f.root, 'locks', '.tmp-stale-1', 'owner.json'), '{}');
  const store = f.open();
  const removed = await store.sweepTemp();
  t.deepEqual(removed, [...planted, join(f.root, 'locks', '.tmp-stale-1')].sort());
  t.deepEqual((await filesUnder(f.root)).sort(), before);
});
