import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { createFsStore, type FsStoreOptions } from '../../../src/adapters/store/fs-store.js';
import { manualClock, registerStoreContract, type StoreIdentity } from './store-contract.js';

registerStoreContract(test, 'fs store', async () => {
  const base = await mkdtemp(join(tmpdir(), 'bts-store-'));
  const root = join(base, 'store');
  const scratchDir = join(base, 'scratch');
  const clock = manualClock();
  const open = (identity: StoreIdentity, at = root) => {
    const options: FsStoreOptions = {
      clock,
      sleep: async () => {},
      hostname: identity.hostname ?? 'host-a',
      pid: identity.pid ?? 1000,
      user: 'tester',
      isProcessAlive: identity.isProcessAlive ?? (() => true),
      processStartTime: identity.processStartTime ?? (() => undefined),
      ownStartTime: identity.ownStartTime ?? 0,
    };
    return createFsStore(at, options);
  };
  const { mkdir } = await import('node:fs/promises');
  await mkdir(scratchDir, { recursive: true });
  const store = open({});
  await store.init();
  let fresh = 0;
  return {
    store,
    clock,
    peer: (identity) => open(identity),
    uninitialised: () => open({}, join(base, `fresh-${(fresh += 1)}`)),
    removeLock: () => rm(join(root, 'locks', 'store.lock'), { recursive: true, force: true }),
    scratchDir,
    cleanup: () => rm(base, { recursive: true, force: true }),
  };
});

test('a store under a dangling symlink (an unmounted share) fails at once, typed, instead of spinning in mkdir', async (t) => {
  t.timeout(10_000);
  const { symlink } = await import('node:fs/promises');
  const base = await mkdtemp(join(tmpdir(), 'bts-store-'));
  try {
    await symlink(join(base, 'unmounted'), join(base, 'share'));
    const error = await t.throwsAsync(createFsStore(join(base, 'share', 'store')).init());
    t.is((error as { code?: string } | undefined)?.code, 'E_STORE_READ_ONLY');
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});
