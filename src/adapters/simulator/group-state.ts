import { BtsBackupError } from '../../errors/index.js';
import type { AdapterHandlerInfo, ApplicationStatus, HostInfo } from '../../core/model.js';

/**
 * The simulated BizTalk group, as a JSON state file. One model serves the in-process adapter, the BTSTask
 * emulator and the ExplorerOM stand-in. Mutations (imports) are written back to the same file.
 */
export const GROUP_STATE_SCHEMA_VERSION = 1;

/** An assembly to synthesize: real PE/CLI bytes are generated from its identity and references. */
export interface AssemblyContentSpec {
  /** Full name: `Name, Version=..., Culture=..., PublicKeyToken=...`. */
  fullName: string;
  /** Full names of the assemblies it references (AssemblyRef rows). */
  references: string[];
  /** Bumps the bytes without changing the identity (a hot fix of the same version). */
  build?: number;
}

/** A file of a resource, or of the GAC: one of text, base64 bytes, or a synthesized assembly. */
export interface FileContentSpec {
  name: string;
  text?: string;
  base64?: string;
  assembly?: AssemblyContentSpec;
}

export interface ResourceState {
  type: string;
  luid: string;
  properties: Record<string, string>;
  files: FileContentSpec[];
}

export interface OrchestrationState {
  name: string;
  assembly: string;
  host: string;
}

export interface ApplicationState {
  name: string;
  description: string;
  isSystem: boolean;
  isDefault: boolean;
  status: ApplicationStatus;
  /** Referenced application names (BizTalk.System implied). */
  references: string[];
  resources: ResourceState[];
  /** The application's current bindings, as BindingInfo XML with real (unmasked) passwords, as the database holds them. */
  bindings?: string;
  orchestrations?: OrchestrationState[];
  /** Business rule policies deployed with the application (name and version). */
  policies?: { name: string; version: string }[];
}

export interface GacEntry {
  assembly: AssemblyContentSpec;
}

export interface SimulatedFault {
  /** BTSTask command (ListApps, ListApp, ExportApp, ExportBindings, ListPackage, ImportApp, ...) or `*`. */
  command: string;
  /** Only for this application; any when omitted. */
  application?: string;
  /**
   * `true`: only `ExportBindings /GroupLevel` (the whole group's bindings; per-application calls are untouched), so a
   * test can fail the group-level export alone. `false`: never that call. Omitted: as `application` says (a fault
   * naming no application also hits the group-level export, which names none).
   */
  groupLevel?: boolean;
  /** Error: lines to print; the exit code is their count unless `exitCode` says otherwise. */
  errors?: string[];
  exitCode?: number;
  /** Never answer (the adapter's timeout must kill it). */
  hang?: boolean;
  /** Extra latency per call, in milliseconds. */
  latencyMs?: number;
}

export interface GroupState {
  schemaVersion: typeof GROUP_STATE_SCHEMA_VERSION;
  group: { server: string; database: string; biztalkVersion: string; exportUser: string };
  hosts: HostInfo[];
  handlers: AdapterHandlerInfo[];
  gac: GacEntry[];
  applications: ApplicationState[];
  faults?: SimulatedFault[];
}

/** Validates a parsed state file; `E_STATE_CORRUPT` naming the file and the first problem. */
export function parseGroupState(text: string, source: string): GroupState {
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (cause) {
    throw corrupt(source, 'it is not JSON', cause);
  }
  const state = expectRecord(value, source, 'the file');
  if (state['schemaVersion'] !== GROUP_STATE_SCHEMA_VERSION) throw corrupt(source, `schemaVersion must be ${GROUP_STATE_SCHEMA_VERSION}`);
  const group = expectRecord(state['group'], source, 'group');
  for (const key of ['server', 'database', 'biztalkVersion', 'exportUser']) expectString(group[key], source, `group.${key}`);
  for (const [i, host] of expectArray(state['hosts'], source, 'hosts').entries()) {
    const h = expectRecord(host, source, `hosts[${i}]`);
    expectString(h['name'], source, `hosts[${i}].name`);
    if (typeof h['trusted'] !== 'boolean') throw corrupt(source, `hosts[${i}].trusted must be true or false`);
  }
  expectArray(state['handlers'], source, 'handlers');
  for (const [i, entry] of expectArray(state['gac'], source, 'gac').entries()) {
    validateAssemblySpec(expectRecord(expectRecord(entry, source, `gac[${i}]`)['assembly'], source, `gac[${i}].assembly`), source, `gac[${i}].assembly`);
  }
  const names = new Set<string>();
  for (const [i, raw] of expectArray(state['applications'], source, 'applications').entries()) {
    const where = `applications[${i}]`;
    const app = expectRecord(raw, source, where);
    const name = expectString(app['name'], source, `${where}.name`);
    if (names.has(name.toLowerCase())) throw corrupt(source, `application "${name}" appears twice`);
    names.add(name.toLowerCase());
    if (typeof app['description'] !== 'string') throw corrupt(source, `${where}.description must be a string`);
    for (const flag of ['isSystem', 'isDefault']) if (typeof app[flag] !== 'boolean') throw corrupt(source, `${where}.${flag} must be true or false`);
    expectString(app['status'], source, `${where}.status`);
    for (const ref of expectArray(app['references'], source, `${where}.references`)) expectString(ref, source, `${where}.references`);
    if (app['bindings'] !== undefined) expectString(app['bindings'], source, `${where}.bindings`);
    for (const [j, res] of expectArray(app['resources'], source, `${where}.resources`).entries()) {
      const rw = `${where}.resources[${j}]`;
      const resource = expectRecord(res, source, rw);
      expectString(resource['type'], source, `${rw}.type`);
      expectString(resource['luid'], source, `${rw}.luid`);
      expectRecord(resource['properties'], source, `${rw}.properties`);
      for (const [k, file] of expectArray(resource['files'], source, `${rw}.files`).entries()) {
        const fw = `${rw}.files[${k}]`;
        const f = expectRecord(file, source, fw);
        expectString(f['name'], source, `${fw}.name`);
        const kinds = ['text', 'base64', 'assembly'].filter((key) => f[key] !== undefined);
        if (kinds.length !== 1) throw corrupt(source, `${fw} must have exactly one of text, base64, assembly`);
        if (f['assembly'] !== undefined) validateAssemblySpec(expectRecord(f['assembly'], source, `${fw}.assembly`), source, `${fw}.assembly`);
      }
    }
  }
  if (state['faults'] !== undefined) expectArray(state['faults'], source, 'faults');
  return value as GroupState;
}

function validateAssemblySpec(spec: Record<string, unknown>, source: string, where: string): void {
  expectString(spec['fullName'], source, `${where}.fullName`);
  for (const ref of expectArray(spec['references'], source, `${where}.references`)) expectString(ref, source, `${where}.references`);
}

function expectRecord(value: unknown, source: string, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw corrupt(source, `${where} must be an object`);
  return value as Record<string, unknown>;
}

function expectArray(value: unknown, source: string, where: string): unknown[] {
  if (!Array.isArray(value)) throw corrupt(source, `${where} must be an array`);
  return value;
}

function expectString(value: unknown, source: string, where: string): string {
  if (typeof value !== 'string' || value === '') throw corrupt(source, `${where} must be a non-empty string`);
  return value;
}

function corrupt(source: string, problem: string, cause?: unknown): BtsBackupError {
  return new BtsBackupError('E_STATE_CORRUPT', `The simulated group state ${source} is invalid: ${problem}.`, {
    target: source,
    hint: 'Fix the state file, or start again from the sample group (samples/sample-group.json).',
    cause,
  });
}
