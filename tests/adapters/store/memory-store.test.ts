import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { createMemoryStore, createMemoryStoreState } from '../../../src/adapters/store/memory-store.js';
import { manualClock, registerStoreContract, type StoreIdentity } from './store-contract.js';

registerStoreContract(test, 'memory store', async () => {
  const scratchDir = await mkdtemp(join(tmpdir(), 'bts-memstore-'));
  const clock = manualClock();
  const state = createMemoryStoreState(true);
  const open = (identity: StoreIdentity, at = state) =>
    createMemoryStore({
      state: at,
      clock,
      hostname: identity.hostname ?? 'host-a',
      pid: identity.pid ?? 1000,
      user: 'tester',
      isProcessAlive: identity.isProcessAlive ?? (() => true),
      processStartTime: identity.processStartTime ?? (() => undefined),
      ownStartTime: identity.ownStartTime ?? 0,
    });
  return {
    store: open({}),
    clock,
    peer: (identity) => open(identity),
    uninitialised: () => open({}, createMemoryStoreState(false)),
    removeLock: async () => {
      state.lock = undefined;
    },
    scratchDir,
    cleanup: () => rm(scratchDir, { recursive: true, force: true }),
  };
});
