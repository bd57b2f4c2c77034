import { SYSTEM_APPLICATION, type AdapterHandlerInfo, type ApplicationStatus, type HostInfo } from '../../core/model.js';
import { BtsBackupError } from '../../errors/index.js';
import type {
  ApplicationDetails,
  OrchestrationDetails,
  PolicyDetails,
  ReceiveLocationDetails,
  ReceivePortDetails,
  SendPortDetails,
  SendPortGroupDetails,
} from '../../ports/biztalk-catalog-details.js';
import { explorerOmUnavailable } from './unavailable.js';
import { bridgeValues, type ProbeResult } from './bridge-values.js';

/** What the TypeScript side asks the C# bridge (ExplorerOmBridge.cs), in-process or through the 32-bit helper. */
export type BridgeRequest =
  | { op: 'probe'; connectionString?: string }
  | { op: 'inventory'; connectionString: string }
  | { op: 'addReference'; connectionString: string; application: string; referenced: string };

/** Sends one request to the bridge and returns its raw answer (`{ ok, result | error }`). */
export type BridgeInvoker = (request: BridgeRequest) => Promise<unknown>;

export type { ProbeResult } from './bridge-values.js';

export interface Inventory {
  explorerOm: string;
  process64: boolean;
  applications: ApplicationDetails[];
  hosts: HostInfo[];
  handlers: AdapterHandlerInfo[];
}

/** The `result` of an `ok` answer; a failed answer becomes the matching typed error. */
export function unwrapResponse(raw: unknown, request: BridgeRequest): Record<string, unknown> {
  const response = record(raw, 'the response');
  if (response['ok'] === true) return record(response['result'], 'result');
  if (response['ok'] !== false) throw protocol('the response has no ok flag');
  const error = record(response['error'], 'error');
  const kind = str(error['kind'], 'error.kind');
  const message = str(error['message'], 'error.message');
  const details = { bridgeError: { kind, type: error['type'], message, fileName: error['fileName'] } };
  const target = request.op === 'addReference' ? request.application : undefined;
  switch (kind) {
    case 'bad-image-format':
      return fail(explorerOmUnavailable('bad-image-format', `ExplorerOM cannot be loaded into this process: ${message}`, { details }));
    case 'assembly-not-found':
      return fail(explorerOmUnavailable('assembly-not-found', `Microsoft.BizTalk.ExplorerOM could not be loaded: ${message}`, { details }));
    case 'cycle':
      return fail(
        new BtsBackupError('E_REFERENCE_CYCLE', message, { target, details, hint: 'Application references must form a graph without cycles; check the references recorded in the backup.' }),
      );
    case 'not-found':
      return fail(new BtsBackupError('E_APP_NOT_FOUND', message, { target, details, hint: 'Import the referenced application first: references need both ends to exist.' }));
    case 'catalog-error':
      return fail(explorerOmUnavailable('catalog-error', `ExplorerOM could not read the group: ${message}`, { details, target }));
    default:
      return fail(explorerOmUnavailable('bridge-protocol', `The ExplorerOM bridge failed (${kind}): ${message}`, { details, target }));
  }
}

export const parseProbe = (result: Record<string, unknown>): ProbeResult => values.probe(result);

const STATUSES: readonly ApplicationStatus[] = ['Started', 'Stopped', 'PartiallyStarted', 'NotApplicable'];

export function parseInventory(result: Record<string, unknown>): Inventory {
  return {
    explorerOm: typeof result['explorerOm'] === 'string' ? result['explorerOm'] : '',
    process64: result['process64'] === true,
    applications: array(result['applications'], 'applications').map((raw, i) => parseApplication(record(raw, `applications[${i}]`), `applications[${i}]`)),
    hosts: array(result['hosts'], 'hosts').map((raw, i) => {
      const h = record(raw, `hosts[${i}]`);
      const type = str(h['type'], `hosts[${i}].type`);
      return { name: str(h['name'], `hosts[${i}].name`), trusted: bool(h['trusted'], `hosts[${i}].trusted`), type: type === 'Isolated' ? 'Isolated' : 'InProcess' };
    }),
    handlers: values.handlers(result['handlers']),
  };
}

function parseApplication(a: Record<string, unknown>, where: string): ApplicationDetails {
  const status = str(a['status'], `${where}.status`);
  const names = (key: string): string[] => array(a[key], `${where}.${key}`).map((n, i) => str(n, `${where}.${key}[${i}]`));
  const withoutSystem = (list: string[]): string[] => list.filter((n) => n.toLowerCase() !== SYSTEM_APPLICATION.toLowerCase());
  return {
    name: str(a['name'], `${where}.name`),
    description: typeof a['description'] === 'string' ? a['description'] : '',
    isSystem: bool(a['isSystem'], `${where}.isSystem`),
    isDefault: bool(a['isDefault'], `${where}.isDefault`),
    status: (STATUSES as readonly string[]).includes(status) ? (status as ApplicationStatus) : 'NotApplicable',
    references: withoutSystem(names('references')),
    backReferences: withoutSystem(names('backReferences')),
    assemblies: names('assemblies'),
    orchestrations: array(a['orchestrations'], `${where}.orchestrations`).map((raw, i): OrchestrationDetails => {
      const o = record(raw, `${where}.orchestrations[${i}]`);
      return { name: str(o['name'], `${where}.orchestrations[${i}].name`), assembly: optStr(o['assembly']), host: optStr(o['host']), status: optStr(o['status']) ?? '' };
    }),
    sendPorts: array(a['sendPorts'], `${where}.sendPorts`).map((raw, i): SendPortDetails => {
      const p = record(raw, `${where}.sendPorts[${i}]`);
      return {
        name: str(p['name'], `${where}.sendPorts[${i}].name`),
        isDynamic: p['isDynamic'] === true,
        isTwoWay: p['isTwoWay'] === true,
        transportType: optStr(p['transportType']),
        address: optStr(p['address']),
        sendHandlerHost: optStr(p['sendHandlerHost']),
      };
    }),
    receivePorts: array(a['receivePorts'], `${where}.receivePorts`).map((raw, i): ReceivePortDetails => {
      const p = record(raw, `${where}.receivePorts[${i}]`);
      return {
        name: str(p['name'], `${where}.receivePorts[${i}].name`),
        isTwoWay: p['isTwoWay'] === true,
        locations: array(p['locations'], `${where}.receivePorts[${i}].locations`).map((rawLocation, j): ReceiveLocationDetails => {
          const l = record(rawLocation, `${where}.receivePorts[${i}].locations[${j}]`);
          return {
            name: str(l['name'], `${where}.receivePorts[${i}].locations[${j}].name`),
            transportType: optStr(l['transportType']),
            address: optStr(l['address']),
            receiveHandlerHost: optStr(l['receiveHandlerHost']),
            enabled: l['enabled'] === true,
          };
        }),
      };
    }),
    sendPortGroups: array(a['sendPortGroups'], `${where}.sendPortGroups`).map((raw, i): SendPortGroupDetails => {
      const g = record(raw, `${where}.sendPortGroups[${i}]`);
      return { name: str(g['name'], `${where}.sendPortGroups[${i}].name`), sendPorts: array(g['sendPorts'], 'sendPorts').map((n, j) => str(n, `sendPorts[${j}]`)) };
    }),
    policies: array(a['policies'], `${where}.policies`).map((raw, i): PolicyDetails => {
      const p = record(raw, `${where}.policies[${i}]`);
      return { name: str(p['name'], `${where}.policies[${i}].name`), version: str(p['version'], `${where}.policies[${i}].version`) };
    }),
  };
}

function fail(error: BtsBackupError): never {
  throw error;
}

function protocol(problem: string): BtsBackupError {
  return explorerOmUnavailable('bridge-protocol', `The ExplorerOM bridge answered something unexpected: ${problem}.`);
}

function optStr(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

const values = bridgeValues(protocol);
const { record, array, str, bool } = values;
