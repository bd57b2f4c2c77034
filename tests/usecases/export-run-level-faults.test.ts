// What is the run's failure rather than one application's: an ExplorerOM call given up (E_EXPLOREROM_TIMEOUT) means the
// catalog is stuck, so the export stops at once (lock released, nothing committed) instead of waiting as long again for
// every other application; the CLI then ends the process (tests/cli/explorerom-hang-cli.test.ts).
import test from 'ava';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createFsStore } from '../../src/adapters/store/fs-store.js';
import { BtsBackupError } from '../../src/errors/index.js';
import type { BizTalkGroup } from '../../src/ports/biztalk-group.js';
import { exportBackup } from '../../src/usecases/export-backup.js';
import { exportOptions, recordingReporter, sampleGroup } from '../support/export-fixture.js';

test('an ExplorerOM timeout inside one application step ends the export: E_EXPLOREROM_TIMEOUT, no set, lock released, no further calls', async (t) => {
  const base = await mkdtemp(path.join(os.tmpdir(), 'bts-run-level-'));
  t.teardown(() => rm(base, { recursive: true, force: true }));
  const inner = await sampleGroup();
  const listed: string[] = [];
  const group = new Proxy(inner, {
    get(target, property, receiver) {
      // The per-application path (BTSTask's): without the one-call inventory, each application is listed in turn.
      if (property === 'readGroupInventory') return undefined;
      if (property === 'listResources') {
        return async (name: string) => {
          listed.push(name);
          if (name === 'Contoso.Orders') throw new BtsBackupError('E_EXPLOREROM_TIMEOUT', 'ExplorerOM did not answer.', { details: { op: 'inventory', timeoutMs: 1000 } });
          return target.listResources(name);
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as BizTalkGroup;
  const root = path.join(base, 'store');
  const error = await t.throwsAsync(exportBackup(group, createFsStore(root), exportOptions(), recordingReporter()), { instanceOf: BtsBackupError });
  t.is(error!.code, 'E_EXPLOREROM_TIMEOUT');
  t.deepEqual(await readdir(path.join(root, 'sets')), []);
  t.deepEqual(await readdir(path.join(root, 'locks')), []);
  // Stopped at the first stuck call: the applications after it were not asked.
  t.is(listed[listed.length - 1], 'Contoso.Orders');
});
