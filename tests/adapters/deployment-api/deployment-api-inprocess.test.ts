import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { DeploymentApiGroup } from '../../../src/adapters/deployment-api/deployment-api-group.js';
import type { DeploymentApiRequest } from '../../../src/adapters/deployment-api/bridge-protocol.js';
import { DEPLOYMENT_API_TYPE } from '../../../src/adapters/deployment-api/choose-deployment.js';
import { createEdgeInvoker, type EdgeBridgeOptions } from '../../../src/adapters/explorerom/edge-invoker.js';
import type { GroupState } from '../../../src/adapters/simulator/group-state.js';
import { createSampleGroupState } from '../../../src/adapters/simulator/sample-group.js';
import { readApplicationPackage } from '../../../src/formats/msi/application-package.js';
import { isInventoryFailure } from '../../../src/ports/biztalk-group.js';
import { registerCatalogContract } from '../../contracts/biztalk-catalog.contract.js';
import { registerDeploymentContract } from '../../contracts/biztalk-deployment.contract.js';
import { bridgeDir, bridgeDll, distDir, requireBuiltBridge } from '../explorerom/support.js';

/**
 * The deployment-API adapter running the real bridge (DeploymentApiBridge.cs, compiled by tests/setup/50-explorerom.sh)
 * in THIS process through edge-js on CoreCLR, against the deployment stand-ins (Group, Application, Resource,
 * BindingInfo) serving the simulator's group state. The stand-in's Export and SaveXml run the simulator's own ExportApp
 * and ExportBindings (dist/src/adapters/simulator/simulated-export.js), so the MSIs are real.
 */
requireBuiltBridge();
const engineDll = path.join(bridgeDir, 'Microsoft.BizTalk.ApplicationDeployment.Engine.dll');
// Read by the stand-in when the CLR starts (CoreCLR takes the environment once): set before the first call.
process.env['BIZTALKBACKUP_STANDIN_SIMULATOR'] = path.join(distDir, 'src', 'adapters', 'simulator', 'simulated-export.js');
process.env['BIZTALKBACKUP_STANDIN_NODE'] = process.execPath;
const edgeOptions: EdgeBridgeOptions = { appRoot: bridgeDir, assemblyFile: bridgeDll, explorerOmPath: engineDll, useCoreClr: true, typeName: DEPLOYMENT_API_TYPE, label: 'deployment API' };
const invoker = createEdgeInvoker<DeploymentApiRequest>(edgeOptions);

async function deploymentApiOn(state: GroupState = createSampleGroupState()): Promise<{ group: DeploymentApiGroup; dir: string; stateFile: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'btsbackup-depapi-'));
  const stateFile = path.join(dir, 'group-state.json');
  await writeFile(stateFile, `${JSON.stringify(state, null, 2)}\n`, 'utf8');
  // The stand-in takes its state from the database name, as the real engine builds its connection from DBName.
  const database = `${state.group.database};StandInState=${stateFile}`;
  const group = new DeploymentApiGroup({ server: state.group.server, database, invoker, gacRoot: `${stateFile}.gac` });
  return { group, dir, stateFile, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

registerDeploymentContract(
  test,
  'DeploymentApiGroup (in-process, edge-js on CoreCLR)',
  async () => {
    const state = createSampleGroupState();
    const { group, dir, cleanup } = await deploymentApiOn(state);
    return { group, state, dir, cleanup };
  },
  { groupInventory: true, groupBindings: false },
);

registerCatalogContract(test, 'deployment-api (in-process, edge-js on CoreCLR)', async (state) => {
  const { group, cleanup } = await deploymentApiOn(state);
  return { catalog: group, cleanup };
});

test.serial('the engine runs inside this node process; one bridge call reads the whole group, references and flags included', async (t) => {
  const { group, cleanup } = await deploymentApiOn();
  try {
    const probe = await group.probe();
    t.is(probe.location, engineDll);
    t.regex(probe.assembly, /^Microsoft\.BizTalk\.ApplicationDeployment\.Engine, Version=3\.0\.1\.0/);
    t.regex(await readFile('/proc/self/maps', 'utf8'), /libcoreclr\.so/);
    const pass = await group.readGroupInventory();
    const billing = pass.applications.find((e) => e.info.name === 'Contoso.Billing')!;
    t.deepEqual(billing.info.references, ['Contoso.Orders', 'Contoso.Shared']);
    t.like(pass.applications.find((e) => e.info.name === 'BizTalk Application 1')?.info, { isDefault: true, isSystem: false });
    t.like(pass.applications.find((e) => e.info.name === 'BizTalk.System')?.info, { isSystem: true });
    if (isInventoryFailure(billing)) return void t.fail(billing.error.message);
    // Resource properties as the engine holds them (the ADF's), strings; IsSystem as the engine flags it.
    const assembly = billing.resources.find((r) => r.type === 'System.BizTalk:BizTalkAssembly')!;
    t.is(assembly.properties['IsSystem'], 'False');
    t.regex(billing.bindingsXml, /<BindingInfo/);
  } finally {
    await cleanup();
  }
});

test.serial('one application whose bindings the engine cannot select fails alone (E_DEPLOYMENT_API_FAILED); an export failure is typed too', async (t) => {
  const state = createSampleGroupState();
  state.faults = [
    { command: 'ExportBindings', application: 'Contoso.Billing', errors: ['Access denied.'] },
    { command: 'ExportApp', application: 'Contoso.Orders', errors: ['Function failed during execution.'] },
  ];
  const { group, dir, cleanup } = await deploymentApiOn(state);
  try {
    const pass = await group.readGroupInventory();
    const failedEntries = pass.applications.filter(isInventoryFailure);
    t.deepEqual(failedEntries.map((e) => [e.info.name, e.error.code, e.error.target]), [['Contoso.Billing', 'E_DEPLOYMENT_API_FAILED', 'Contoso.Billing']]);
    t.true(pass.applications.filter((e) => e.info.name !== 'Contoso.Billing').every((e) => !isInventoryFailure(e)));
    const error = await t.throwsAsync(group.exportApplication('Contoso.Orders', path.join(dir, 'orders.msi')));
    t.like(error, { code: 'E_DEPLOYMENT_API_FAILED', target: 'Contoso.Orders' });
    // The shared package reads back: the export of the others is not disturbed.
    const shared = path.join(dir, 'shared.msi');
    await group.exportApplication('Contoso.Shared', shared);
    t.is(readApplicationPackage(new Uint8Array(await readFile(shared)), shared).summary.title, 'Contoso.Shared');
  } finally {
    await cleanup();
  }
});
