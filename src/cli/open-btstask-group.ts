import path from 'node:path';
import { CompositeGroup } from '../adapters/composite-group.js';
import { BtsTaskGroup } from '../adapters/btstask/btstask-group.js';
import { ProcessRunner } from '../adapters/btstask/btstask-runner.js';
import { findBtsTask } from '../adapters/btstask/find-btstask.js';
import { btsTaskConsoleCodePage } from '../adapters/btstask/windows-registry.js';
import { chooseCatalog, defaultEdgeOptions } from '../adapters/explorerom/catalog-probe.js';
import { chooseDeploymentBackend, deploymentEdgeOptions, findDeploymentApiAssemblies } from '../adapters/deployment-api/choose-deployment.js';
import type { EdgeBridgeOptions } from '../adapters/explorerom/edge-invoker.js';
import { BtsBackupError, hints } from '../errors/index.js';
import type { BizTalkGroup } from '../ports/biztalk-group.js';
import type { GroupOptions } from './context.js';
import { runStop } from './run-stop.js';

/**
 * The real group. Resources, bindings and exports: BizTalk's deployment API in process (one call reads the whole
 * group), else the same in the 32-bit helper, else BTSTask.exe per call (found in the BizTalk install folder or named
 * with --btstask; a `.js` path runs under node, which is how the BTSTask emulator stands in off Windows); `--backend`
 * pins one. Applications, references and hosts: the best catalog the machine offers, ExplorerOM in-process, ExplorerOM
 * in a 32-bit helper, or the deployment back end itself; `--catalog` pins one.
 */
/** BTSTask.exe as found (registry or --btstask), with the per-call timeout; a `.js` path runs under node (the emulator). */
export async function openBtsTaskRunner(options: GroupOptions): Promise<{ executable: string; runner: ProcessRunner }> {
  const executable = await findBtsTask(options.btstask === undefined ? {} : { explicitPath: options.btstask });
  const timeoutMs = (options.btstaskTimeout ?? 3600) * 1000;
  // BTSTask writes redirected output in the console's (OEM) code page: 850 on a German server.
  const consoleCodePage = btsTaskConsoleCodePage();
  const decoding = consoleCodePage === undefined ? {} : { consoleCodePage };
  const runner = /\.m?js$/i.test(executable)
    ? new ProcessRunner({ command: process.execPath, prefixArgs: [path.resolve(executable)], timeoutMs, ...decoding })
    : new ProcessRunner({ command: executable, timeoutMs, ...decoding });
  return { executable, runner };
}

export async function openBtsTaskGroup(options: GroupOptions, log: (level: 'verbose' | 'info' | 'warning', message: string) => void): Promise<BizTalkGroup> {
  const env = process.env;
  const gacRoot = env['BIZTALKBACKUP_GAC_ROOT'];
  const btsTask = async (): Promise<BtsTaskGroup> =>
    new BtsTaskGroup({
      runner: (await openBtsTaskRunner(options)).runner,
      log,
      ...(options.server === undefined ? {} : { server: options.server }),
      ...(options.database === undefined ? {} : { database: options.database }),
      ...(gacRoot === undefined ? {} : { gacRoot }),
    });
  const bridgeBase: EdgeBridgeOptions = {
    useCoreClr: process.platform !== 'win32',
    ...(env['BIZTALKBACKUP_EDGE_ASSEMBLY'] === undefined ? {} : { assemblyFile: env['BIZTALKBACKUP_EDGE_ASSEMBLY'] }),
    ...(env['BIZTALKBACKUP_EDGE_APP_ROOT'] === undefined ? {} : { appRoot: env['BIZTALKBACKUP_EDGE_APP_ROOT'] }),
  };
  const connectionString = env['BIZTALKBACKUP_MGMT_CONNECTION_STRING'];
  const call = { signal: runStop.signal, ...(options.exploreromTimeout === undefined ? {} : { timeoutMs: options.exploreromTimeout * 1000 }) };

  // The deployment back end: the deployment API (in process, then the 32-bit helper), else BTSTask per call.
  const backend = options.backend ?? 'auto';
  let deployment: BizTalkGroup;
  if (backend === 'btstask') {
    deployment = await btsTask();
    log('verbose', 'Back end btstask pinned (--backend btstask).');
  } else {
    const assemblies = await findDeploymentApiAssemblies(env);
    // Off Windows the engine can only be a stand-in named explicitly (BTSBACKUP_BIZTALK_INSTALL_PATH): no probe otherwise.
    const choice = await chooseDeploymentBackend({
      server: options.server ?? '.',
      database: options.database ?? 'BizTalkMgmtDb',
      ...(connectionString === undefined ? {} : { connectionString }),
      edge: assemblies === undefined ? false : deploymentEdgeOptions(bridgeBase, assemblies),
      helper: process.platform === 'win32' ? {} : false,
      ...(assemblies === undefined ? {} : { assemblies }),
      ...(gacRoot === undefined ? {} : { gacRoot }),
      fallback: btsTask,
      call,
    });
    for (const attempt of choice.attempts.filter((a) => !a.ok)) {
      log('verbose', `Back end ${attempt.source} unavailable: ${attempt.error?.code ?? ''}${attempt.error?.reason === undefined ? '' : ` (${attempt.error.reason})`} ${attempt.error?.message ?? ''}${attempt.error?.hint === undefined ? '' : ` (${attempt.error.hint})`}`);
    }
    log('verbose', `Back end: ${choice.source}.`);
    if (backend === 'deployment-api' && !choice.source.startsWith('deployment-api')) {
      const first = choice.attempts.find((a) => !a.ok)?.error;
      throw new BtsBackupError('E_DEPLOYMENT_API_UNAVAILABLE', `The deployment API could not be used: ${first?.message ?? 'no attempt succeeded'}`, {
        hint: first?.hint ?? 'Run on a BizTalk server, or pick --backend btstask.',
        details: { attempts: choice.attempts },
      });
    }
    deployment = choice.group;
  }

  const wanted = options.catalog ?? 'auto';
  if (wanted === 'btstask') return deployment;
  const edge: EdgeBridgeOptions = {
    ...defaultEdgeOptions(),
    ...(options.explorerom === undefined ? {} : { explorerOmPath: options.explorerom }),
    ...bridgeBase,
  };
  // Off Windows, ExplorerOM can only be a stand-in named explicitly: do not spend a probe on it otherwise.
  const tryExplorerOm = wanted === 'explorerom' || process.platform === 'win32' || edge.explorerOmPath !== undefined;
  const choice = await chooseCatalog({
    server: options.server ?? '.',
    database: options.database ?? 'BizTalkMgmtDb',
    ...(connectionString === undefined ? {} : { connectionString }),
    edge: tryExplorerOm ? edge : false,
    ...(tryExplorerOm ? {} : { helper: false as const }),
    fallback: () => deployment,
    call,
  });
  for (const attempt of choice.attempts.filter((a) => !a.ok)) {
    log('verbose', `Catalog ${attempt.source} unavailable: ${attempt.error?.code ?? ''} ${attempt.error?.message ?? ''}${attempt.error?.hint === undefined ? '' : ` (${attempt.error.hint})`}`);
  }
  if (wanted === 'explorerom' && !choice.source.startsWith('explorerom')) {
    const first = choice.attempts.find((a) => !a.ok)?.error;
    throw new BtsBackupError('E_EXPLOREROM_UNAVAILABLE', `ExplorerOM could not be used: ${first?.message ?? 'no attempt succeeded'}`, {
      hint: first?.hint ?? hints.catalogBtsTask,
      details: { attempts: choice.attempts },
    });
  }
  return choice.catalog === deployment ? deployment : new CompositeGroup(choice.catalog, deployment);
}
