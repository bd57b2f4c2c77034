import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import type { DeploymentApiRequest } from '../../../src/adapters/deployment-api/bridge-protocol.js';
import { DEPLOYMENT_API_BRIDGE_CLASS } from '../../../src/adapters/deployment-api/choose-deployment.js';
import { DeploymentApiGroup } from '../../../src/adapters/deployment-api/deployment-api-group.js';
import { createHelperInvoker } from '../../../src/adapters/explorerom/helper-invoker.js';
import { createSampleGroupState } from '../../../src/adapters/simulator/sample-group.js';
import { readApplicationPackage } from '../../../src/formats/msi/application-package.js';
import { isInventoryFailure } from '../../../src/ports/biztalk-group.js';
import { bridgeDir, distDir, helperScript, pwshPath, repoRoot, requireBuiltBridge, standInDll } from '../explorerom/support.js';

/**
 * The deployment API in the 32-bit helper: explorerom-x86.ps1 hosting DeploymentApiBridge.cs (-BridgeClass,
 * -ReferencePath), PowerShell 7 standing in for SysWOW64's Windows PowerShell 5.1, against the deployment stand-ins.
 * One test, few requests: each starts a pwsh and compiles the bridge with Add-Type (a minute on a loaded machine).
 */
requireBuiltBridge();
if (!existsSync(pwshPath)) throw new Error(`${pwshPath} is missing: run \`bash tests/setup/40-pwsh.sh\` first.`);
process.env['BIZTALKBACKUP_STANDIN_SIMULATOR'] = path.join(distDir, 'src', 'adapters', 'simulator', 'simulated-export.js');
process.env['BIZTALKBACKUP_STANDIN_NODE'] = process.execPath;

test.serial('the helper answers the whole-group inventory and exports a real MSI, like the in-process bridge', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'btsbackup-depapi-x86-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const state = createSampleGroupState();
  const stateFile = path.join(dir, 'group-state.json');
  await writeFile(stateFile, JSON.stringify(state), 'utf8');
  const invoker = createHelperInvoker<DeploymentApiRequest>({
    powershellPath: pwshPath,
    scriptPath: helperScript,
    bridgeSource: path.join(repoRoot, 'src', 'adapters', 'deployment-api', 'DeploymentApiBridge.cs'),
    bridgeClass: DEPLOYMENT_API_BRIDGE_CLASS,
    explorerOmPath: standInDll,
    referencePaths: ['Microsoft.BizTalk.ApplicationDeployment.Engine.dll', 'Microsoft.BizTalk.Deployment.dll', 'System.Data.SqlClient.dll'].map((f) => path.join(bridgeDir, f)),
    timeoutMs: 150_000,
  });
  const group = new DeploymentApiGroup({
    server: state.group.server,
    database: `${state.group.database};StandInState=${stateFile}`,
    // pwsh's System.Data.SqlClient is the real one: it accepts only real keywords, so the state rides in one.
    connectionString: `Server=${state.group.server};Database=${state.group.database};Integrated Security=SSPI;Application Name="StandInState=${stateFile}"`,
    invoker,
    source: 'deployment-api-x86',
  });
  const pass = await group.readGroupInventory();
  t.deepEqual(
    pass.applications.map((e) => e.info.name).sort(),
    state.applications.map((a) => a.name).sort(),
  );
  const orders = pass.applications.find((e) => e.info.name === 'Contoso.Orders')!;
  if (isInventoryFailure(orders)) return void t.fail(orders.error.message);
  t.deepEqual(orders.info.references, ['Contoso.Shared']);
  const msi = path.join(dir, 'orders.msi');
  await group.exportApplication('Contoso.Orders', msi);
  const pkg = readApplicationPackage(new Uint8Array(await readFile(msi)), msi);
  t.is(pkg.summary.title, 'Contoso.Orders');
  t.deepEqual(pkg.resources.map((r) => r.luid).sort(), orders.resources.map((r) => r.luid).sort());
  t.is(group.source, 'deployment-api-x86');
});
