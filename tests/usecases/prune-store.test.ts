import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { createFsStore } from '../../src/adapters/store/fs-store.js';
import { createMemoryStore, createMemoryStoreState } from '../../src/adapters/store/memory-store.js';
import type { RetentionCandidate } from '../../src/core/plan-retention.js';
import { newSetId } from '../../src/core/set-id.js';
import type { BackupStore, StoreLock } from '../../src/ports/store.js';
import { pruneStore } from '../../src/usecases/prune-store.js';
import { recordCalls } from '../support/record-calls.js';

const NOW = new Date('2026-11-10T20:00:00Z');
const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
const MUTATING = new Set(['init', 'putFile', 'putBytes', 'copyObjectTo', 'deleteObject', 'commitSet', 'deleteSet', 'acquireLock', 'sweepTemp']);

interface Opened {
  /** A client of the shared store with the given pid; pid 1 is alive, others dead unless listed. */
  open(pid: number, alive?: number[]): Promise<BackupStore>;
}

const factories: [string, (t: ExecutionContext) => Promise<Opened>][] = [
  [
    'memory',
    async () => {
      const state = createMemoryStoreState(true);
      return { open: async (pid, alive = []) => createMemoryStore({ state, hostname: 'h', pid, isProcessAlive: (p) => alive.includes(p) }) };
    },
  ],
  [
    'fs',
    async (t) => {
      const base = await mkdtemp(join(tmpdir(), 'bts-prune-'));
      t.teardown(() => rm(base, { recursive: true, force: true }));
      const root = join(base, 'store');
      await createFsStore(root).init();
      return { open: async (pid, alive = []) => createFsStore(root, { hostname: 'h', pid, isProcessAlive: (p) => alive.includes(p) }) };
    },
  ],
];

/** A store with five daily sets; set n holds objects `shared`, `day-n` and `app-n`; set 2 is verified and holds `Legacy`. */
async function seed(store: BackupStore): Promise<{ ids: string[]; objects: Record<string, string> }> {
  const lock = await store.acquireLock('export');
  const ids: string[] = [];
  const objects: Record<string, string> = {};
  for (const day of [1, 2, 3, 4, 5]) {
    const createdAt = `2026-11-0${day}T09:00:00Z`;
    const setId = newSetId(new Date(createdAt), () => `00000${day}`);
    const refs: string[] = [];
    for (const name of ['shared', `day-${day}`]) {
      const put = await store.putBytes(enc(name));
      objects[name] = put.sha256;
      refs.push(put.sha256);
    }
    const manifest = { createdAt, verified: day === 2, applications: day === 2 ? ['Orders', 'Legacy'] : ['Orders'], objects: refs };
    await store.commitSet(setId, enc(JSON.stringify(manifest)), lock);
    ids.push(setId);
  }
  const orphan = await store.putBytes(enc('orphan from a crashed export'));
  objects['orphan'] = orphan.sha256;
  await lock.release();
  return { ids, objects };
}

/** The caller's job: describe every set by reading its manifest (here a small JSON). */
async function loadCandidates(store: BackupStore): Promise<RetentionCandidate[]> {
  const candidates: RetentionCandidate[] = [];
  for (const setId of await store.listSets()) {
    const manifest = JSON.parse(new TextDecoder().decode(await store.readSet(setId))) as Omit<RetentionCandidate, 'setId'>;
    candidates.push({ setId, ...manifest });
  }
  return candidates;
}

function counting(store: BackupStore): { store: BackupStore; mutations: string[] } {
  const { proxy, calls } = recordCalls(store, (method) => MUTATING.has(method));
  return { store: proxy, mutations: calls };
}

async function snapshot(store: BackupStore): Promise<{ sets: string[]; objects: string[] }> {
  return { sets: await store.listSets(), objects: (await store.listObjects()).map((o) => o.sha256) };
}

for (const [kind, factory] of factories) {
  test(`${kind}: a dry run makes zero mutating calls and prints the plan the real run executes`, async (t) => {
    const opened = await factory(t);
    const store = await opened.open(1);
    const { ids, objects } = await seed(store);
    const before = await snapshot(store);

    const dry = counting(store);
    const preview = await pruneStore(dry.store, { policy: { keepLast: 2 }, now: NOW, candidates: loadCandidates, dryRun: true });
    t.deepEqual(dry.mutations, []);
    t.deepEqual(await snapshot(store), before);

    const real = counting(store);
    const result = await pruneStore(real.store, { policy: { keepLast: 2 }, now: NOW, candidates: loadCandidates });
    t.deepEqual(result.plan, preview.plan);
    t.deepEqual(result.removedSets, preview.plan.remove);
    t.deepEqual(result.deletedObjects, preview.plan.deleteObjects);

    t.deepEqual(
      result.plan.keep.map((k) => k.setId),
      [ids[1], ids[3], ids[4]],
    );
    t.deepEqual(result.plan.remove, [ids[0], ids[2]]);
    t.deepEqual(result.plan.orphanObjects, [objects['orphan']]);
    t.deepEqual(await store.listSets(), [ids[1], ids[3], ids[4]]);
    const left = new Set((await store.listObjects()).map((o) => o.sha256));
    for (const name of ['shared', 'day-2', 'day-4', 'day-5']) t.true(left.has(objects[name] ?? ''), name);
    for (const name of ['day-1', 'day-3', 'orphan']) t.false(left.has(objects[name] ?? ''), name);
    // manifests before objects
    const firstObjectDeletion = real.mutations.indexOf('deleteObject');
    t.true(real.mutations.lastIndexOf('deleteSet') < firstObjectDeletion);
    // the lock was released
    await (await (await opened.open(1)).acquireLock('export')).release();
  });

  test(`${kind}: a prune interrupted between manifests and objects leaves orphans only; a re-run finishes`, async (t) => {
    const opened = await factory(t);
    const store = await opened.open(1);
    const { ids, objects } = await seed(store);
    let dead = false;
    const crashing = new Proxy(await opened.open(2), {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (dead || property === 'deleteObject') {
            dead = true;
            return Promise.reject(new Error('simulated crash'));
          }
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (property !== 'acquireLock') return result;
          // a killed process never releases its lock
          return (result as Promise<StoreLock>).then((lock) => ({
            owner: lock.owner,
            assertHeld: () => lock.assertHeld(),
            release: () => (dead ? Promise.reject(new Error('simulated crash')) : lock.release()),
          }));
        };
      },
    });
    await t.throwsAsync(pruneStore(crashing, { policy: { keepLast: 2 }, now: NOW, candidates: loadCandidates }), { message: 'simulated crash' });

    const after = await opened.open(3);
    t.deepEqual(await after.listSets(), [ids[1], ids[3], ids[4]]);
    for (const setId of await after.listSets()) {
      const manifest = JSON.parse(new TextDecoder().decode(await after.readSet(setId))) as { objects: string[] };
      for (const object of manifest.objects) await after.hashObject(object);
    }
    const warnings: string[] = [];
    const rerun = await pruneStore(after, { policy: { keepLast: 2 }, now: NOW, candidates: loadCandidates, warn: (m) => warnings.push(m) });
    t.deepEqual(rerun.removedSets, []);
    t.deepEqual(rerun.plan.orphanObjects, [objects['day-1'], objects['day-3'], objects['orphan']].map(String).sort());
    t.deepEqual(rerun.deletedObjects, rerun.plan.orphanObjects);
    t.deepEqual(
      (await after.listObjects()).map((o) => o.sha256).sort(),
      [objects['shared'], objects['day-2'], objects['day-4'], objects['day-5']].map(String).sort(),
    );
    t.is(warnings.length, 1, 'the crashed prune lock was taken over');
  });

  test(`${kind}: an unsafe policy deletes nothing`, async (t) => {
    const opened = await factory(t);
    const store = await opened.open(1);
    await seed(store);
    const before = await snapshot(store);
    for (const policy of [{}, { keepLast: 0 }, { keepLast: -1 }, { keepWithin: 'soon' }]) {
      const counted = counting(store);
      await t.throwsAsync(pruneStore(counted.store, { policy, now: NOW, candidates: loadCandidates }), { code: 'E_POLICY_UNSAFE' });
      t.deepEqual(counted.mutations, ['acquireLock']);
      t.deepEqual(await snapshot(store), before);
    }
    await (await store.acquireLock('export')).release();
  });

  test(`${kind}: a set the caller could not describe stops the prune (its objects would look unused)`, async (t) => {
    const opened = await factory(t);
    const store = await opened.open(1);
    const { ids } = await seed(store);
    const before = await snapshot(store);
    const partial = async (s: BackupStore) => (await loadCandidates(s)).filter((c) => c.setId !== ids[0]);
    await t.throwsAsync(pruneStore(store, { policy: { keepLast: 1 }, now: NOW, candidates: partial }), { code: 'E_POLICY_UNSAFE' });
    await t.throwsAsync(pruneStore(store, { policy: { keepLast: 1 }, now: NOW, candidates: partial, dryRun: true }), { code: 'E_POLICY_UNSAFE' });
    t.deepEqual(await snapshot(store), before);
  });

  test(`${kind}: a prune while another run holds the lock gets E_LOCK_HELD and deletes nothing`, async (t) => {
    const opened = await factory(t);
    const store = await opened.open(1);
    await seed(store);
    const before = await snapshot(store);
    const holder = await (await opened.open(7, [7])).acquireLock('export');
    const pruner = await opened.open(8, [7]);
    await t.throwsAsync(pruneStore(pruner, { policy: { keepLast: 1 }, now: NOW, candidates: loadCandidates }), { code: 'E_LOCK_HELD' });
    t.deepEqual(await snapshot(store), before);
    await holder.release();
  });
}
