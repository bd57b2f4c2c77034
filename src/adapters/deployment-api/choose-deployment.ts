import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isBtsBackupError } from '../../errors/index.js';
import type { BizTalkGroup } from '../../ports/biztalk-group.js';
import { findBizTalkInstallFolders } from '../btstask/find-btstask.js';
import { DEFAULT_EXPLOREROM_TIMEOUT_MS, type BridgeCallControl } from '../explorerom/call-control.js';
import { probeInChild, type CatalogProbeAttempt } from '../explorerom/catalog-probe.js';
import { createEdgeInvoker, type EdgeBridgeOptions } from '../explorerom/edge-invoker.js';
import { managementConnectionString } from '../explorerom/explorerom-catalog.js';
import { createHelperInvoker, type HelperOptions } from '../explorerom/helper-invoker.js';
import type { DeploymentApiRequest } from './bridge-protocol.js';
import { DeploymentApiGroup } from './deployment-api-group.js';
import { asDeploymentApiError, deploymentApiUnavailable } from './unavailable.js';

/** The bridge's entry type for edge-js, and the class the 32-bit helper calls. */
export const DEPLOYMENT_API_TYPE = 'BizTalkBackup.DeploymentApi.Startup';
export const DEPLOYMENT_API_BRIDGE_CLASS = 'BizTalkBackup.DeploymentApi.Bridge';

/** Where BizTalk keeps the assemblies the bridge needs (install folder or its Developer Tools). */
export interface DeploymentApiAssemblies {
  /** Microsoft.BizTalk.ApplicationDeployment.Engine.dll (Group, Application, Resource). */
  engine: string;
  /** Microsoft.BizTalk.Deployment.dll (BindingInfo, BindingParameters). */
  binding: string;
  /** Microsoft.BizTalk.ExplorerOM.dll (Group.CatalogExplorer's type). */
  explorerOm: string;
}

const FILES = {
  engine: 'Microsoft.BizTalk.ApplicationDeployment.Engine.dll',
  binding: 'Microsoft.BizTalk.Deployment.dll',
  explorerOm: 'Microsoft.BizTalk.ExplorerOM.dll',
} as const;

/**
 * The assemblies in one folder (BTSBACKUP_BIZTALK_INSTALL_PATH, else each registry InstallPath), each looked up in the
 * folder itself and in its Developer Tools; undefined when any is missing (the probe then says assembly-not-found).
 */
export async function findDeploymentApiAssemblies(env: NodeJS.ProcessEnv = process.env): Promise<DeploymentApiAssemblies | undefined> {
  const explicit = env['BTSBACKUP_BIZTALK_INSTALL_PATH'];
  const folders = explicit !== undefined && explicit !== '' ? [explicit] : await findBizTalkInstallFolders({ env });
  const join = process.platform === 'win32' ? path.win32.join : path.join;
  for (const folder of folders) {
    const find = (file: string): string | undefined => [join(folder, file), join(folder, 'Developer Tools', file)].find((candidate) => existsSync(candidate));
    const engine = find(FILES.engine);
    const binding = find(FILES.binding);
    const explorerOm = find(FILES.explorerOm);
    if (engine !== undefined && binding !== undefined && explorerOm !== undefined) return { engine, binding, explorerOm };
  }
  return undefined;
}

/** DeploymentApiBridge.cs beside the compiled adapter, or in src/ of a checkout. */
export function defaultDeploymentBridgeSource(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'DeploymentApiBridge.cs'), path.resolve(here, '../../../../src/adapters/deployment-api/DeploymentApiBridge.cs')];
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0]!;
}

/** edge-js options for the deployment bridge: its type, its source, the BizTalk assemblies it compiles against. */
export function deploymentEdgeOptions(base: EdgeBridgeOptions, assemblies: DeploymentApiAssemblies | undefined): EdgeBridgeOptions {
  return {
    ...base,
    typeName: DEPLOYMENT_API_TYPE,
    label: 'deployment API',
    ...(base.assemblyFile === undefined ? { bridgeSource: defaultDeploymentBridgeSource() } : {}),
    ...(assemblies === undefined
      ? {}
      : {
          // The bitness check reads the engine; the run-time compilation references all three (System.Data for SqlConnection,
          // System.EnterpriseServices for Group, a COM+ component, on the .NET Framework).
          explorerOmPath: assemblies.engine,
          references: [assemblies.binding, assemblies.explorerOm, ...(base.useCoreClr === false || process.platform === 'win32' ? ['System.Data.dll', 'System.Xml.dll', 'System.EnterpriseServices.dll'] : [])],
        }),
  };
}

export interface DeploymentChoiceOptions {
  server: string;
  database: string;
  biztalkVersion?: string;
  connectionString?: string;
  /** In-process; `false` skips it. */
  edge: EdgeBridgeOptions | false;
  /** The 32-bit helper; `false` skips it. */
  helper: HelperOptions | false;
  /** Where the assemblies are (for the helper's references and the bitness check); found when undefined. */
  assemblies?: DeploymentApiAssemblies;
  gacRoot?: string;
  /** BTSTask, one process per call. */
  fallback: () => BizTalkGroup | Promise<BizTalkGroup>;
  isolateInProcessProbe?: boolean;
  call?: BridgeCallControl;
}

export interface DeploymentChoice {
  group: BizTalkGroup;
  /** deployment-api, deployment-api-x86, or the fallback's source (btstask). */
  source: string;
  /** Every back end tried, best first, with the typed reason it was not used. */
  attempts: CatalogProbeAttempt[];
}

/**
 * The BizTalk back end on a real server, best first: the deployment API in process (probed first in a throw-away node
 * process: a bad load can crash it), the deployment API in the 32-bit helper, then the caller's fallback (BTSTask).
 */
export async function chooseDeploymentBackend(options: DeploymentChoiceOptions): Promise<DeploymentChoice> {
  const connectionString = options.connectionString ?? managementConnectionString(options.server, options.database);
  const base = {
    server: options.server,
    database: options.database,
    connectionString,
    ...(options.biztalkVersion === undefined ? {} : { biztalkVersion: options.biztalkVersion }),
    ...(options.gacRoot === undefined ? {} : { gacRoot: options.gacRoot }),
  };
  const attempts: CatalogProbeAttempt[] = [];
  const probeRequest: DeploymentApiRequest = { op: 'probe', server: options.server, database: options.database };

  if (options.edge !== false) {
    const edge = options.edge;
    try {
      if (options.isolateInProcessProbe ?? true) {
        await probeInChild(edge, undefined, 60_000 + (options.call?.timeoutMs ?? DEFAULT_EXPLOREROM_TIMEOUT_MS), options.call?.signal, probeRequest).catch((error: unknown) => {
          throw asDeploymentApiError(error);
        });
      }
      const group = new DeploymentApiGroup({ ...base, invoker: createEdgeInvoker<DeploymentApiRequest>(edge, options.call), source: 'deployment-api' });
      await group.probe();
      attempts.push({ source: 'deployment-api', ok: true });
      return { group, source: group.source, attempts };
    } catch (error) {
      if (isBtsBackupError(error) && error.code === 'E_INTERRUPTED') throw error;
      attempts.push(failed('deployment-api', error));
    }
  } else {
    attempts.push(failed('deployment-api', deploymentApiUnavailable('assembly-not-found', 'The deployment API was not tried in process: no BizTalk install folder with the deployment engine was found on this machine.')));
  }

  if (options.helper !== false) {
    try {
      const assemblies = options.assemblies;
      const helper: HelperOptions = {
        ...options.helper,
        bridgeClass: DEPLOYMENT_API_BRIDGE_CLASS,
        bridgeSource: options.helper.bridgeSource ?? defaultDeploymentBridgeSource(),
        ...(assemblies === undefined ? {} : { explorerOmPath: assemblies.explorerOm, referencePaths: [assemblies.engine, assemblies.binding, ...(options.helper.referencePaths ?? [])] }),
      };
      const group = new DeploymentApiGroup({ ...base, invoker: createHelperInvoker<DeploymentApiRequest>(helper, options.call), source: 'deployment-api-x86' });
      await group.probe();
      attempts.push({ source: 'deployment-api-x86', ok: true });
      return { group, source: group.source, attempts };
    } catch (error) {
      if (isBtsBackupError(error) && error.code === 'E_INTERRUPTED') throw error;
      attempts.push(failed('deployment-api-x86', error));
    }
  } else {
    attempts.push(failed('deployment-api-x86', deploymentApiUnavailable('helper-unavailable', 'The 32-bit helper (Windows PowerShell x86) exists only on Windows.')));
  }

  const group = await options.fallback();
  attempts.push({ source: group.source, ok: true });
  return { group, source: group.source, attempts };
}

function failed(source: string, error: unknown): CatalogProbeAttempt {
  const typed = asDeploymentApiError(error);
  if (isBtsBackupError(typed)) {
    const reason = typed.details?.['reason'];
    return { source, ok: false, error: { code: typed.code, message: typed.message, ...(typeof reason === 'string' ? { reason } : {}), ...(typed.hint === undefined ? {} : { hint: typed.hint }) } };
  }
  return { source, ok: false, error: { code: 'E_INTERNAL', message: typed instanceof Error ? typed.message : String(typed) } };
}
