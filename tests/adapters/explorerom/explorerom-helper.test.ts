import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import test, { type TestFn } from 'ava';
import { chooseCatalog } from '../../../src/adapters/explorerom/catalog-probe.js';
import { ExplorerOmCatalog } from '../../../src/adapters/explorerom/explorerom-catalog.js';
import { createHelperInvoker, type HelperOptions } from '../../../src/adapters/explorerom/helper-invoker.js';
import { createSampleGroupState } from '../../../src/adapters/simulator/sample-group.js';
import { BtsBackupError } from '../../../src/errors/index.js';
import { registerCatalogContract } from '../../contracts/biztalk-catalog.contract.js';
import { abandonedInProcessCalls } from '../../../src/adapters/explorerom/call-control.js';
import { waitForExit } from '../../support/btstask-emulator.js';
import { bridgeSource, helperScript, pwshPath, requireBuiltBridge, stallingDatabase, standInDll, standInX86Dll, writeState } from './support.js';

/**
 * The 32-bit helper path: explorerom-x86.ps1 hosting the same bridge source (Add-Type), JSON over stdio. On Windows it
 * runs under SysWOW64's Windows PowerShell 5.1; here PowerShell 7 (tests/setup/40-pwsh.sh) stands in for it, against
 * the ExplorerOM stand-in. What this covers: the script, the protocol, the bridge compiled by Add-Type, the error
 * mapping. What it cannot: a real 32-bit process (no Windows here).
 */
requireBuiltBridge();
if (!existsSync(pwshPath)) throw new Error(`${pwshPath} is missing: run \`bash tests/setup/40-pwsh.sh\` first.`);
const helper = (explorerOmPath: string, extra: Partial<HelperOptions> = {}): HelperOptions => ({
  powershellPath: pwshPath,
  scriptPath: helperScript,
  bridgeSource,
  explorerOmPath,
  // A pwsh start plus an Add-Type compile per request: over a minute on a loaded 2-core machine.
  timeoutMs: 110_000,
  ...extra,
});

// Serial: every request starts a pwsh and compiles the bridge with Add-Type; a dozen at once on two cores outlast any timeout.
registerCatalogContract(test.serial as unknown as TestFn, 'explorerom-x86 (helper process, pwsh standing in for Windows PowerShell x86)', async (state) => {
  const file = await writeState(state);
  const catalog = new ExplorerOmCatalog({
    server: state.group.server,
    database: state.group.database,
    connectionString: file.connectionString,
    invoker: createHelperInvoker(helper(standInDll)),
    source: 'explorerom-x86',
  });
  return { catalog, cleanup: file.cleanup };
});

test.serial('the helper answers the detailed inventory and adds references like the in-process bridge', async (t) => {
  const state = createSampleGroupState();
  const file = await writeState(state);
  try {
    const catalog = new ExplorerOmCatalog({ server: state.group.server, database: state.group.database, connectionString: file.connectionString, invoker: createHelperInvoker(helper(standInDll)), source: 'explorerom-x86' });
    const apps = await catalog.describeApplicationsDetailed();
    t.deepEqual(apps.find((a) => a.name === 'Zahlungsverkehr Süd')?.sendPorts.map((p) => [p.name, p.transportType, p.sendHandlerHost]), [['Zahlungsverkehr.Send.Bank.Ftp', 'FTP', 'SendHost']]);
    t.deepEqual(apps.find((a) => a.name === 'Contoso.Billing')?.policies, [{ name: 'Contoso.Billing.Discounts', version: '1.2' }]);
    t.true(await catalog.addReference('Zahlungsverkehr Süd', 'Contoso.Orders'));
    const saved = JSON.parse(await readFile(file.file, 'utf8')) as { applications: { name: string; references: string[] }[] };
    t.deepEqual(saved.applications.find((a) => a.name === 'Zahlungsverkehr Süd')?.references, ['Contoso.Shared', 'Contoso.Orders']);
    const cycle = await t.throwsAsync(catalog.addReference('Contoso.Shared', 'Zahlungsverkehr Süd'), { instanceOf: BtsBackupError });
    t.is(cycle?.code, 'E_REFERENCE_CYCLE');
  } finally {
    await file.cleanup();
  }
});

test.serial('a 32-bit-only ExplorerOM in a 64-bit helper: bad-image-format', async (t) => {
  const catalog = new ExplorerOmCatalog({ server: 'S', database: 'D', invoker: createHelperInvoker(helper(standInX86Dll)), source: 'explorerom-x86' });
  const error = await t.throwsAsync(catalog.probe(), { instanceOf: BtsBackupError });
  t.is(error?.code, 'E_EXPLOREROM_UNAVAILABLE');
  t.is(error?.details?.['reason'], 'bad-image-format');
  t.truthy(error?.hint);
});

test.serial('no ExplorerOM for the helper: assembly-not-found; no PowerShell: helper-unavailable', async (t) => {
  const missing = new ExplorerOmCatalog({ server: 'S', database: 'D', invoker: createHelperInvoker(helper(path.join(path.dirname(standInDll), 'nope', 'Microsoft.BizTalk.ExplorerOM.dll'))) });
  const notFound = await t.throwsAsync(missing.probe(), { instanceOf: BtsBackupError });
  t.is(notFound?.details?.['reason'], 'assembly-not-found');
  const noShell = new ExplorerOmCatalog({ server: 'S', database: 'D', invoker: createHelperInvoker(helper(standInDll, { powershellPath: '/nonexistent/SysWOW64/powershell.exe' })) });
  const unavailable = await t.throwsAsync(noShell.probe(), { instanceOf: BtsBackupError });
  t.is(unavailable?.code, 'E_EXPLOREROM_UNAVAILABLE');
  t.is(unavailable?.details?.['reason'], 'helper-unavailable');
});

test.serial('the probe uses the helper when in-process is not wanted or fails, and says explorerom-x86', async (t) => {
  const state = createSampleGroupState();
  const file = await writeState(state);
  try {
    const choice = await chooseCatalog({
      server: state.group.server,
      database: state.group.database,
      connectionString: file.connectionString,
      // In-process fails: this edge module does not exist.
      edge: { edgeModule: 'edge-js-not-installed-here' },
      helper: helper(standInDll),
      fallback: () => {
        throw new Error('the fallback must not be needed');
      },
    });
    t.is(choice.source, 'explorerom-x86');
    t.is(choice.attempts[0]?.error?.reason, 'edge-not-installed');
    t.deepEqual(choice.attempts[1], { source: 'explorerom-x86', ok: true });
    t.is((await choice.catalog.describeGroup()).source, 'explorerom-x86');
  } finally {
    await file.cleanup();
  }
});

test.serial('a helper the database never answers is killed at the timeout: E_EXPLOREROM_TIMEOUT, the process gone, nothing abandoned', async (t) => {
  const db = await stallingDatabase(0);
  t.teardown(() => db.cleanup());
  let pid: number | undefined;
  const invoker = createHelperInvoker(helper(standInDll, { timeoutMs: 15_000, onSpawn: (p) => (pid = p) }));
  const catalog = new ExplorerOmCatalog({ server: 'SQLBTS01', database: 'BizTalkMgmtDb', connectionString: db.connectionString, invoker, source: 'explorerom-x86' });
  const started = Date.now();
  const error = await t.throwsAsync(catalog.listApplications(), { instanceOf: BtsBackupError });
  t.is(error!.code, 'E_EXPLOREROM_TIMEOUT');
  t.regex(error!.hint ?? '', /--explorerom-timeout/);
  t.true(Date.now() - started < 25_000);
  t.true(pid !== undefined && (await waitForExit(pid, 5000)), 'the helper process is gone');
  t.is(abandonedInProcessCalls(), 0);
});

test.serial('a stop (Ctrl-C) kills the helper at once with E_INTERRUPTED', async (t) => {
  const db = await stallingDatabase(0);
  t.teardown(() => db.cleanup());
  let pid: number | undefined;
  const stop = new AbortController();
  const invoker = createHelperInvoker(helper(standInDll, { onSpawn: (p) => (pid = p) }), { signal: stop.signal });
  const catalog = new ExplorerOmCatalog({ server: 'SQLBTS01', database: 'BizTalkMgmtDb', connectionString: db.connectionString, invoker, source: 'explorerom-x86' });
  setTimeout(() => stop.abort('SIGINT'), 3000);
  const error = await t.throwsAsync(catalog.listApplications(), { instanceOf: BtsBackupError });
  t.is(error!.code, 'E_INTERRUPTED');
  t.true(pid !== undefined && (await waitForExit(pid, 5000)), 'the helper process is gone');
});
