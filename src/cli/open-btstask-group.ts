import path from 'node:path';
import { CompositeGroup } from '../adapters/composite-group.js';
import { BtsTaskGroup } from '../adapters/btstask/btstask-group.js';
import { ProcessRunner } from '../adapters/btstask/btstask-runner.js';
import { findBtsTask } from '../adapters/btstask/find-btstask.js';
import { btsTaskConsoleCodePage } from '../adapters/btstask/windows-registry.js';
import { chooseCatalog, defaultEdgeOptions } from '../adapters/explorerom/catalog-probe.js';
import type { EdgeBridgeOptions } from '../adapters/explorerom/edge-invoker.js';
import { BtsBackupError, hints } from '../errors/index.js';
import type { BizTalkGroup } from '../ports/biztalk-group.js';
import type { GroupOptions } from './context.js';
import { runStop } from './run-stop.js';

/**
 * The real group: BTSTask.exe for resources and exports (found in the BizTalk install folder or named with --btstask;
 * a `.js` path runs under node, which is how the BTSTask emulator stands in off Windows), and the best catalog the
 * machine offers for applications, references and hosts: ExplorerOM in-process, ExplorerOM in a 32-bit helper, or
 * BTSTask's ListApps as the last resort. `--catalog` pins one.
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
  const { runner } = await openBtsTaskRunner(options);
  const env = process.env;
  const deployment = new BtsTaskGroup({
    runner,
    log,
    ...(options.server === undefined ? {} : { server: options.server }),
    ...(options.database === undefined ? {} : { database: options.database }),
    ...(env['BIZTALKBACKUP_GAC_ROOT'] === undefined ? {} : { gacRoot: env['BIZTALKBACKUP_GAC_ROOT'] }),
  });
  const wanted = options.catalog ?? 'auto';
  if (wanted === 'btstask') return deployment;
  const edge: EdgeBridgeOptions = {
    ...defaultEdgeOptions(),
    ...(options.explorerom === undefined ? {} : { explorerOmPath: options.explorerom }),
    ...(env['BIZTALKBACKUP_EDGE_ASSEMBLY'] === undefined ? {} : { assemblyFile: env['BIZTALKBACKUP_EDGE_ASSEMBLY'] }),
    ...(env['BIZTALKBACKUP_EDGE_APP_ROOT'] === undefined ? {} : { appRoot: env['BIZTALKBACKUP_EDGE_APP_ROOT'] }),
  };
  // Off Windows, ExplorerOM can only be a stand-in named explicitly: do not spend a probe on it otherwise.
  const tryExplorerOm = wanted === 'explorerom' || process.platform === 'win32' || edge.explorerOmPath !== undefined;
  const choice = await chooseCatalog({
    server: options.server ?? '.',
    database: options.database ?? 'BizTalkMgmtDb',
    ...(env['BIZTALKBACKUP_MGMT_CONNECTION_STRING'] === undefined ? {} : { connectionString: env['BIZTALKBACKUP_MGMT_CONNECTION_STRING'] }),
    edge: tryExplorerOm ? edge : false,
    ...(tryExplorerOm ? {} : { helper: false as const }),
    fallback: () => deployment,
    call: { signal: runStop.signal, ...(options.exploreromTimeout === undefined ? {} : { timeoutMs: options.exploreromTimeout * 1000 }) },
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
