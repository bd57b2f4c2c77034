// Issue 16, "Never hang": an ExplorerOM call runs off node's event loop, has a timeout and a stop path. The management
// database "stops answering after the probe": the stand-in's state is a FIFO that is written once, then never again.
import test from 'ava';
import { abandonedInProcessCalls } from '../../../src/adapters/explorerom/call-control.js';
import { createEdgeInvoker } from '../../../src/adapters/explorerom/edge-invoker.js';
import { ExplorerOmCatalog } from '../../../src/adapters/explorerom/explorerom-catalog.js';
import { BtsBackupError } from '../../../src/errors/index.js';
import { bridgeDir, bridgeSource, requireBuiltBridge, stallingDatabase, standInDll } from './support.js';

requireBuiltBridge();
// The bridge compiled from its source at run time (as on Windows), so the code under test is this checkout's.
const invoker = createEdgeInvoker({ appRoot: bridgeDir, bridgeSource, explorerOmPath: standInDll, useCoreClr: true }, { timeoutMs: 3000 });
const stoppable = new AbortController();
const interruptible = createEdgeInvoker({ appRoot: bridgeDir, bridgeSource, explorerOmPath: standInDll, useCoreClr: true }, { timeoutMs: 120_000, signal: stoppable.signal });

const catalogOn = (connectionString: string, inv = invoker) => new ExplorerOmCatalog({ server: 'SQLBTS01', database: 'BizTalkMgmtDb', connectionString, invoker: inv });

test.serial('a call the database never answers times out with E_EXPLOREROM_TIMEOUT while the event loop keeps running, and is abandoned', async (t) => {
  const db = await stallingDatabase(1);
  t.teardown(() => db.cleanup());
  const catalog = catalogOn(db.connectionString);
  await catalog.probe();
  await db.served;
  let ticks = 0;
  const ticker = setInterval(() => (ticks += 1), 100);
  const started = Date.now();
  const error = await t.throwsAsync(catalog.listApplications(), { instanceOf: BtsBackupError });
  clearInterval(ticker);
  t.is(error!.code, 'E_EXPLOREROM_TIMEOUT');
  t.is(error!.category, 'OperationTimeout');
  t.like(error!.details, { op: 'inventory', timeoutMs: 3000 });
  t.regex(error!.hint ?? '', /--explorerom-timeout/);
  const elapsed = Date.now() - started;
  t.true(elapsed >= 2900 && elapsed < 15_000, `${elapsed} ms`);
  // Node's thread was free the whole time (a blocked event loop would have ticked at most once).
  t.true(ticks >= 20, `${ticks} ticks`);
  t.is(abandonedInProcessCalls(), 1);
  // The late answer of an abandoned call is dropped, and the call no longer counts as running.
  t.true(await db.release());
  for (let i = 0; i < 100 && abandonedInProcessCalls() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  t.is(abandonedInProcessCalls(), 0);
});

test.serial('a stop (Ctrl-C) gives up the pending call at once with E_INTERRUPTED', async (t) => {
  const db = await stallingDatabase(1);
  t.teardown(() => db.cleanup());
  const catalog = catalogOn(db.connectionString, interruptible);
  await catalog.probe();
  await db.served;
  const started = Date.now();
  setTimeout(() => stoppable.abort('SIGINT'), 500);
  const error = await t.throwsAsync(catalog.listApplications(), { instanceOf: BtsBackupError });
  t.is(error!.code, 'E_INTERRUPTED');
  t.true(Date.now() - started < 5000);
  t.is(abandonedInProcessCalls(), 1);
  // Once stopped, no new call starts.
  const again = await t.throwsAsync(catalog.probe(), { instanceOf: BtsBackupError });
  t.is(again!.code, 'E_INTERRUPTED');
  t.true(await db.release());
  for (let i = 0; i < 100 && abandonedInProcessCalls() > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  t.is(abandonedInProcessCalls(), 0);
});
