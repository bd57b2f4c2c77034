import { SYSTEM_APPLICATION, type AdapterHandlerInfo, type ApplicationInfo, type ApplicationStatus, type HostInfo, type ResourceInfo } from '../../core/model.js';
import { BtsBackupError } from '../../errors/index.js';
import { maskBindingPasswords } from '../../formats/bindings/binding-secrets.js';
import type { ApplicationInventory, ApplicationInventoryFailure } from '../../ports/biztalk-group.js';
import { bridgeValues, type ProbeResult } from '../explorerom/bridge-values.js';
import { deploymentApiUnavailable } from './unavailable.js';

/** What the TypeScript side asks DeploymentApiBridge.cs, in-process or through the 32-bit helper. */
export type DeploymentApiRequest =
  | { op: 'probe'; server?: string; database?: string }
  | { op: 'inventory'; server: string; database: string; connectionString: string }
  | { op: 'exportBindings'; server: string; database: string; connectionString: string; application: string }
  | { op: 'exportApplication'; server: string; database: string; connectionString: string; application: string; packagePath: string; resources?: string };

export type DeploymentApiInvoker = (request: DeploymentApiRequest) => Promise<unknown>;

/** The same answer as ExplorerOM's probe: the engine assembly loaded, where, and in which process. */
export type DeploymentApiProbe = ProbeResult;

export interface DeploymentApiInventory {
  engine: string;
  process64: boolean;
  applications: (ApplicationInventory | ApplicationInventoryFailure)[];
  hosts: HostInfo[];
  handlers: AdapterHandlerInfo[];
}

/** The `result` of an `ok` answer; a failed answer becomes the matching typed error. */
export function unwrapDeploymentResponse(raw: unknown, request: DeploymentApiRequest): Record<string, unknown> {
  const response = record(raw, 'the response');
  if (response['ok'] === true) return record(response['result'], 'result');
  if (response['ok'] !== false) throw protocol('the response has no ok flag');
  const target = 'application' in request ? request.application : undefined;
  throw bridgeError(record(response['error'], 'error'), target, request.op);
}

function bridgeError(error: Record<string, unknown>, target: string | undefined, op: string): BtsBackupError {
  const kind = str(error['kind'], 'error.kind');
  const message = str(error['message'], 'error.message');
  const details = { bridgeError: { kind, type: error['type'], message, fileName: error['fileName'] }, op };
  switch (kind) {
    case 'bad-image-format':
      return deploymentApiUnavailable('bad-image-format', `The deployment engine cannot be loaded into this process: ${message}`, { details });
    case 'assembly-not-found':
      return deploymentApiUnavailable('assembly-not-found', `The deployment engine could not be loaded: ${message}`, { details });
    case 'not-found':
      return new BtsBackupError('E_APP_NOT_FOUND', message, { target, details, hint: 'List the applications with `btsbackup inventory` (names are case-insensitive).' });
    case 'catalog-error':
      // The engine loaded; one application's call failed (or the group could not be read at all, for a whole-group op).
      return target === undefined && op !== 'exportBindings'
        ? deploymentApiUnavailable('catalog-error', `The deployment API could not read the group: ${message}`, { details })
        : new BtsBackupError('E_DEPLOYMENT_API_FAILED', `The deployment API failed (${op}) for ${target ?? 'the group'}: ${message}`, {
            target,
            details,
            hint: 'See details.bridgeError; BTSTask (--backend btstask) runs the same engine one process per call and may say more.',
          });
    default:
      return deploymentApiUnavailable('bridge-protocol', `The deployment-API bridge failed (${kind}): ${message}`, { details, target });
  }
}

export const parseDeploymentProbe = (result: Record<string, unknown>): DeploymentApiProbe => values.probe(result);

const STATUSES: readonly ApplicationStatus[] = ['Started', 'Stopped', 'PartiallyStarted', 'NotApplicable'];

/** The whole-group answer, validated; bindings masked again here (idempotent), whatever the engine did. */
export function parseDeploymentInventory(result: Record<string, unknown>): DeploymentApiInventory {
  return {
    engine: typeof result['engine'] === 'string' ? result['engine'] : '',
    process64: result['process64'] === true,
    applications: array(result['applications'], 'applications').map((raw, i) => parseApplication(record(raw, `applications[${i}]`), `applications[${i}]`)),
    hosts: array(result['hosts'], 'hosts').map((raw, i) => {
      const h = record(raw, `hosts[${i}]`);
      return { name: str(h['name'], `hosts[${i}].name`), trusted: bool(h['trusted'], `hosts[${i}].trusted`), type: h['type'] === 'Isolated' ? 'Isolated' : 'InProcess' };
    }),
    handlers: values.handlers(result['handlers']),
  };
}

function parseApplication(a: Record<string, unknown>, where: string): ApplicationInventory | ApplicationInventoryFailure {
  const status = str(a['status'], `${where}.status`);
  const name = str(a['name'], `${where}.name`);
  const info: ApplicationInfo = {
    name,
    description: typeof a['description'] === 'string' ? a['description'] : '',
    isSystem: bool(a['isSystem'], `${where}.isSystem`),
    isDefault: bool(a['isDefault'], `${where}.isDefault`),
    status: (STATUSES as readonly string[]).includes(status) ? (status as ApplicationStatus) : 'NotApplicable',
    references: array(a['references'], `${where}.references`)
      .map((r, i) => str(r, `${where}.references[${i}]`))
      .filter((r) => r.toLowerCase() !== SYSTEM_APPLICATION.toLowerCase()),
  };
  if (a['error'] !== undefined && a['error'] !== null) return { info, error: bridgeError(record(a['error'], `${where}.error`), name, 'inventory') };
  const resources = array(a['resources'], `${where}.resources`).map((raw, i): ResourceInfo => {
    const r = record(raw, `${where}.resources[${i}]`);
    const properties: Record<string, string> = {};
    for (const [key, value] of Object.entries(record(r['properties'] ?? {}, `${where}.resources[${i}].properties`))) {
      if (typeof value === 'string') properties[key] = value;
    }
    return { type: str(r['type'], `${where}.resources[${i}].type`), luid: str(r['luid'], `${where}.resources[${i}].luid`), properties };
  });
  return { info, resources, bindingsXml: parseBindingsXml(a['bindingsXml'], `bindings of ${name}`) };
}

/** The bindings the engine selected, masked (ExportBindings masks; this keeps that promise whatever the engine did). */
export function parseBindingsXml(value: unknown, source: string): string {
  return maskBindingPasswords(str(value, source).replace(/^\uFEFF/, ''), source);
}

function protocol(problem: string): BtsBackupError {
  return deploymentApiUnavailable('bridge-protocol', `The deployment-API bridge answered something unexpected: ${problem}.`);
}

const values = bridgeValues(protocol);
const { record, array, str, bool } = values;
