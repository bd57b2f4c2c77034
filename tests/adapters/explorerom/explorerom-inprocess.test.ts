import { readFile } from 'node:fs/promises';
import test from 'ava';
import { chooseCatalog } from '../../../src/adapters/explorerom/catalog-probe.js';
import { createEdgeInvoker, type EdgeBridgeOptions } from '../../../src/adapters/explorerom/edge-invoker.js';
import { ExplorerOmCatalog } from '../../../src/adapters/explorerom/explorerom-catalog.js';
import { createSampleGroupState, SAMPLE_ASSEMBLIES } from '../../../src/adapters/simulator/sample-group.js';
import { SimulatedGroup } from '../../../src/adapters/simulator/simulated-group.js';
import { ResourceType, SYSTEM_APPLICATION } from '../../../src/core/model.js';
import { BtsBackupError } from '../../../src/errors/index.js';
import { hasCatalogDetails } from '../../../src/ports/biztalk-catalog-details.js';
import { registerCatalogContract } from '../../contracts/biztalk-catalog.contract.js';
import { bridgeDir, bridgeDll, bridgeSource, requireBuiltBridge, standInDll, writeState } from './support.js';

/**
 * The ExplorerOM adapter running the real bridge code (ExplorerOmBridge.cs, compiled by tests/setup/50-explorerom.sh)
 * in THIS process through edge-js on CoreCLR, against the ExplorerOM stand-in serving the simulator's group state.
 */
requireBuiltBridge();
const edgeOptions: EdgeBridgeOptions = { appRoot: bridgeDir, assemblyFile: bridgeDll, explorerOmPath: standInDll, useCoreClr: true };
const invoker = createEdgeInvoker(edgeOptions);

async function explorerOmOn(state = createSampleGroupState()) {
  const file = await writeState(state);
  const catalog = new ExplorerOmCatalog({ server: state.group.server, database: state.group.database, connectionString: file.connectionString, invoker });
  return { catalog, file, state };
}

registerCatalogContract(test, 'simulator (direct)', async (state) => ({ catalog: new SimulatedGroup(state, { gacRoot: '/nonexistent-gac' }) }));
registerCatalogContract(test, 'explorerom (in-process, edge-js on CoreCLR)', async (state) => {
  const { catalog, file } = await explorerOmOn(state);
  return { catalog, cleanup: file.cleanup };
});

test('the bridge runs inside this node process, on CoreCLR, against the stand-in', async (t) => {
  const { catalog, file } = await explorerOmOn();
  try {
    const probe = await catalog.probe();
    t.is(probe.location, standInDll);
    t.regex(probe.assembly, /^Microsoft\.BizTalk\.ExplorerOM, Version=3\.0\.1\.0/);
    t.true(probe.process64);
    // The CLR is mapped into this very process: in-process, not a helper.
    const maps = await readFile('/proc/self/maps', 'utf8');
    t.regex(maps, /libcoreclr\.so/);
    t.regex(maps, /edge_coreclr\.node/);
    t.is(catalog.source, 'explorerom');
  } finally {
    await file.cleanup();
  }
});

test('detailed inventory of the sample group: assemblies, orchestrations with hosts, ports with handlers, policies', async (t) => {
  const { catalog, file, state } = await explorerOmOn();
  try {
    t.true(hasCatalogDetails(catalog));
    const apps = await catalog.describeApplicationsDetailed();
    const app = (name: string) => {
      const found = apps.find((a) => a.name === name);
      if (found === undefined) throw new Error(`${name} missing`);
      return found;
    };
    // Assemblies are the BizTalk assemblies of each application, by full name; plain .NET assemblies are not.
    for (const expected of state.applications) {
      t.deepEqual(app(expected.name).assemblies, expected.resources.filter((r) => r.type === ResourceType.BizTalkAssembly).map((r) => r.luid), expected.name);
    }
    t.false(app('Contoso.Billing').assemblies.includes(SAMPLE_ASSEMBLIES.billingFacts));

    const orders = app('Contoso.Orders');
    t.deepEqual(orders.orchestrations, [{ name: 'Contoso.Orders.Orchestrations.ProcessOrder', assembly: SAMPLE_ASSEMBLIES.ordersOrchestrations, host: 'BizTalkServerApplication', status: 'Started' }]);
    t.deepEqual(
      orders.sendPorts.map((p) => [p.name, p.transportType, p.sendHandlerHost, p.address, p.isDynamic]),
      [
        ['Orders.Send.Warehouse', 'FILE', 'SendHost', '\\\\fileserver\\drop\\warehouse\\%MessageID%.xml', false],
        ['Orders.Send.Archive', 'FILE', 'SendHost', '\\\\fileserver\\archive\\orders\\%MessageID%.xml', false],
      ],
    );
    t.deepEqual(orders.receivePorts, [
      { name: 'Orders.Receive', isTwoWay: false, locations: [{ name: 'Orders.Receive.File', transportType: 'FILE', address: '\\\\fileserver\\drop\\orders\\in\\*.xml', receiveHandlerHost: 'ReceiveHost', enabled: true }] },
    ]);
    t.deepEqual(app('Contoso.Portal').receivePorts[0]?.locations[0]?.receiveHandlerHost, 'BizTalkServerIsolatedHost');
    t.deepEqual(app('Contoso.Billing').policies, [{ name: 'Contoso.Billing.Discounts', version: '1.2' }]);
    t.deepEqual(app('Contoso.Billing').sendPorts.map((p) => [p.transportType, p.sendHandlerHost]), [['SFTP', 'SendHost']]);
    t.deepEqual(app('Zahlungsverkehr Süd').sendPorts.map((p) => p.transportType), ['FTP']);

    // References both ways, BizTalk.System left out.
    t.deepEqual(app('Contoso.Billing').references, ['Contoso.Orders', 'Contoso.Shared']);
    t.deepEqual([...app('Contoso.Shared').backReferences].sort(), ['Contoso.Billing', 'Contoso.Orders', 'Zahlungsverkehr Süd']);
    // Every application references BizTalk.System: its back references are all the others.
    t.deepEqual([...app(SYSTEM_APPLICATION).backReferences].sort(), state.applications.filter((a) => !a.isSystem).map((a) => a.name).sort());
    t.true(app(SYSTEM_APPLICATION).isSystem);
    t.true(app('BizTalk Application 1').isDefault);

    // Every host a binding names exists with a handler for its adapter: what the restore preflight checks.
    const hosts = new Set((await catalog.listHosts()).map((h) => h.name));
    const handlers = new Set((await catalog.listAdapterHandlers()).map((h) => `${h.direction}|${h.adapter}|${h.host}`));
    for (const a of apps) {
      for (const o of a.orchestrations) t.true(o.host === null || hosts.has(o.host), `${o.name} host`);
      for (const p of a.sendPorts) t.true(handlers.has(`Send|${p.transportType}|${p.sendHandlerHost}`), `${p.name} send handler`);
      for (const l of a.receivePorts.flatMap((p) => p.locations)) t.true(handlers.has(`Receive|${l.transportType}|${l.receiveHandlerHost}`), `${l.name} receive handler`);
    }
  } finally {
    await file.cleanup();
  }
});

test('addReference writes the reference through ExplorerOM, is idempotent, and refuses cycles and unknown applications', async (t) => {
  const { catalog, file } = await explorerOmOn();
  try {
    t.true(await catalog.addReference('Contoso.Portal', 'Contoso.Shared'));
    const saved = JSON.parse(await readFile(file.file, 'utf8')) as { applications: { name: string; references: string[] }[] };
    t.deepEqual(saved.applications.find((a) => a.name === 'Contoso.Portal')?.references, ['Contoso.Billing', 'Contoso.Shared']);
    t.deepEqual((await catalog.listApplications()).find((a) => a.name === 'Contoso.Portal')?.references, ['Contoso.Billing', 'Contoso.Shared']);
    t.false(await catalog.addReference('contoso.portal', 'CONTOSO.SHARED'), 'names match without regard to case; already there');

    const before = await readFile(file.file, 'utf8');
    const cycle = await t.throwsAsync(catalog.addReference('Contoso.Shared', 'Contoso.Portal'), { instanceOf: BtsBackupError });
    t.is(cycle?.code, 'E_REFERENCE_CYCLE');
    t.is(await readFile(file.file, 'utf8'), before, 'a refused reference changes nothing');
    const missing = await t.throwsAsync(catalog.addReference('Contoso.Portal', 'Contoso.Nowhere'), { instanceOf: BtsBackupError });
    t.is(missing?.code, 'E_APP_NOT_FOUND');
  } finally {
    await file.cleanup();
  }
});

test('a catalog that cannot be opened is E_EXPLOREROM_UNAVAILABLE with reason catalog-error and a hint', async (t) => {
  const catalog = new ExplorerOmCatalog({ server: 'SQLBTS01', database: 'BizTalkMgmtDb', invoker });
  const error = await t.throwsAsync(catalog.listApplications(), { instanceOf: BtsBackupError });
  t.is(error?.code, 'E_EXPLOREROM_UNAVAILABLE');
  t.is(error?.details?.['reason'], 'catalog-error');
  t.truthy(error?.hint);
});

test('the probe chooses ExplorerOM in-process when it loads, and says so', async (t) => {
  const { file, state } = await explorerOmOn();
  try {
    const choice = await chooseCatalog({
      server: state.group.server,
      database: state.group.database,
      connectionString: file.connectionString,
      edge: edgeOptions,
      helper: false,
      fallback: () => {
        throw new Error('the fallback must not be needed');
      },
    });
    t.is(choice.source, 'explorerom');
    t.deepEqual(choice.attempts, [{ source: 'explorerom', ok: true }]);
    t.is((await choice.catalog.listApplications()).length, state.applications.length);
  } finally {
    await file.cleanup();
  }
});

test('the bridge source compiled by edge-js at run time (no precompiled DLL) gives the same inventory', async (t) => {
  const { catalog, file, state } = await explorerOmOn();
  try {
    const { assemblyFile: _precompiled, ...withoutDll } = edgeOptions;
    void _precompiled;
    const fromSource = new ExplorerOmCatalog({
      server: state.group.server,
      database: state.group.database,
      connectionString: file.connectionString,
      invoker: createEdgeInvoker({ ...withoutDll, bridgeSource }),
    });
    t.deepEqual(await fromSource.describeApplicationsDetailed(), await catalog.describeApplicationsDetailed());
    t.deepEqual(await fromSource.listHosts(), await catalog.listHosts());
  } finally {
    await file.cleanup();
  }
});
