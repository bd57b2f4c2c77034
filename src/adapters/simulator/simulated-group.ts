import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseAssemblyName } from '../../core/assembly-name.js';
import { ResourceType, SYSTEM_APPLICATION, type AdapterHandlerInfo, type ApplicationInfo, type GroupInfo, type HostInfo, type ResourceInfo } from '../../core/model.js';
import { BtsBackupError, hints, isBtsBackupError } from '../../errors/index.js';
import type { ApplicationInventory, ApplicationInventoryFailure, BizTalkGroup, BizTalkGroupBindings, BizTalkGroupInventory, OperationOutcome, ResourceRef, WholeGroupInventory } from '../../ports/biztalk-group.js';
import type { Clock } from '../../ports/clock.js';
import { writeAssembly } from '../../formats/dotnet/assembly-writer.js';
import { gacPath } from '../dotnet/gac-path.js';
import { bizTalkResourceProperties, buildApplicationPackage, parseAdfTime, type PackageResource } from '../../formats/msi/application-package.js';
import { maskBindingPasswords } from '../../formats/bindings/binding-secrets.js';
import { parseXml } from '../../formats/bindings/parse-xml.js';
import { mergeGroupBindings } from './group-bindings.js';
import { parseGroupState, type ApplicationState, type AssemblyContentSpec, type FileContentSpec, type GroupState, type SimulatedFault } from './group-state.js';

export interface SimulatedGroupOptions {
  /** Where the simulated server's GAC is laid out on disk (created on first use). */
  gacRoot: string;
  clock?: Clock;
  /** GUID source for package revisions; injectable for deterministic tests. */
  newGuid?: () => string;
  /** Where the state came from: named in errors. */
  source?: string;
}

export { gacPath };

/** What a faulted call is, beyond its command and application. */
export interface FaultedCall {
  /** `ExportBindings /GroupLevel`: the whole group's bindings, no application named. */
  groupLevel?: boolean;
}

export function assemblyBytes(spec: AssemblyContentSpec): Uint8Array {
  return writeAssembly({
    identity: parseAssemblyName(spec.fullName),
    references: spec.references.map(parseAssemblyName),
    ...(spec.build === undefined ? {} : { build: spec.build }),
  });
}

export function fileBytes(file: FileContentSpec): Uint8Array {
  if (file.text !== undefined) return new TextEncoder().encode(file.text);
  if (file.base64 !== undefined) return new Uint8Array(Buffer.from(file.base64, 'base64'));
  if (file.assembly !== undefined) return assemblyBytes(file.assembly);
  return new Uint8Array();
}


/**
 * When the simulated group's resources were added: their file times in the package and the ADF's CreationTime,
 * LastAccessTime and LastWriteTime. A resource imported from an MSI keeps the times its ADF carried.
 */
export const SIMULATED_RESOURCE_TIME = new Date(Date.UTC(2026, 0, 5, 9, 30, 0));

function resourceTime(resource: { properties: Record<string, string> }): Date {
  return parseAdfTime(resource.properties['LastWriteTime']) ?? SIMULATED_RESOURCE_TIME;
}

/** The generated bindings ExportApp adds as a resource: their properties as ListApp and the ADF show them. */
function generatedBindingProperties(application: string): Record<string, string> {
  return bizTalkResourceProperties({ type: ResourceType.BizTalkBinding, luid: `Application/${application}`, properties: { TargetEnvironment: '' }, files: [{ name: 'BindingInfo.xml' }] }, SIMULATED_RESOURCE_TIME);
}

/**
 * A BizTalk group in memory, behaving as BTSTask and ExplorerOM describe it. It serves the in-process adapter and
 * the BTSTask emulator; `faults` in the state make chosen commands fail, hang or slow down.
 */
export class SimulatedGroup implements BizTalkGroup, BizTalkGroupInventory, BizTalkGroupBindings {
  readonly source = 'simulator';
  readonly state: GroupState;
  private readonly options: SimulatedGroupOptions;
  private gacWritten = false;

  constructor(state: GroupState, options: SimulatedGroupOptions) {
    this.state = state;
    this.options = options;
  }

  /** The simulated server's GAC folder (restore installs into it). */
  get gacRoot(): string {
    return this.options.gacRoot;
  }

  static async fromFile(stateFile: string, options: Omit<SimulatedGroupOptions, 'source'>): Promise<SimulatedGroup> {
    let text: string;
    try {
      text = await fs.readFile(stateFile, 'utf8');
    } catch (cause) {
      throw new BtsBackupError('E_STATE_CORRUPT', `Cannot read the simulated group state ${stateFile}.`, { target: stateFile, cause, hint: hints.simulatorState });
    }
    return new SimulatedGroup(parseGroupState(text, stateFile), { ...options, source: stateFile });
  }

  async saveTo(stateFile: string): Promise<void> {
    const temp = `${stateFile}.tmp-${process.pid}`;
    await fs.writeFile(temp, `${JSON.stringify(this.state, null, 2)}\n`, 'utf8');
    await fs.rename(temp, stateFile);
  }

  // ---- faults ------------------------------------------------------------------------------------------------
  /**
   * Applies injected faults for a command: latency, hang, or failure with BTSTask-style Error: lines. `groupLevel`
   * marks `ExportBindings /GroupLevel` (no application): faults with `groupLevel: true` hit only such calls.
   */
  async applyFaults(command: string, application: string | undefined, call: FaultedCall = {}): Promise<void> {
    for (const fault of this.faultsFor(command, application, call)) {
      if (fault.latencyMs !== undefined) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
      if (fault.hang === true) await new Promise(() => undefined);
      if (fault.errors !== undefined || fault.exitCode !== undefined) {
        const errors = fault.errors ?? ['The operation failed.'];
        throw new BtsBackupError('E_BTSTASK_FAILED', `${command} failed for ${application ?? 'the group'}: ${errors[0] ?? ''}`, {
          target: application,
          hint: 'See the Error: lines in details; the simulator was told to fail this command.',
          details: { command, exitCode: fault.exitCode ?? errors.length, errors },
        });
      }
    }
  }

  faultsFor(command: string, application: string | undefined, call: FaultedCall = {}): SimulatedFault[] {
    const groupLevel = call.groupLevel === true;
    return [...(this.state.faults ?? []), ...environmentFaults()].filter(
      (fault) =>
        (fault.command === '*' || fault.command.toLowerCase() === command.toLowerCase()) &&
        (fault.application === undefined || fault.application === application) &&
        (fault.groupLevel === undefined || fault.groupLevel === groupLevel),
    );
  }

  // ---- catalog -----------------------------------------------------------------------------------------------
  async describeGroup(): Promise<GroupInfo> {
    const g = this.state.group;
    return { server: g.server, database: g.database, biztalkVersion: g.biztalkVersion, source: this.source };
  }

  async listApplications(): Promise<ApplicationInfo[]> {
    await this.applyFaults('ListApps', undefined);
    return this.state.applications.map((app) => ({
      name: app.name,
      description: app.description,
      isSystem: app.isSystem,
      isDefault: app.isDefault,
      status: app.status,
      references: app.references.filter((ref) => ref !== SYSTEM_APPLICATION),
    }));
  }

  async listHosts(): Promise<HostInfo[]> {
    return this.state.hosts.map((host) => ({ ...host }));
  }

  async listAdapterHandlers(): Promise<AdapterHandlerInfo[]> {
    return this.state.handlers.map((handler) => ({ ...handler }));
  }

  /** The application BTSTask targets when /ApplicationName is omitted. */
  defaultApplication(): ApplicationState {
    const found = this.state.applications.find((app) => app.isDefault);
    if (found === undefined) throw new BtsBackupError('E_APP_NOT_FOUND', 'The group has no default application.', { hint: 'Pass /ApplicationName explicitly.' });
    return found;
  }

  application(name: string): ApplicationState {
    const found = this.state.applications.find((app) => app.name.toLowerCase() === name.toLowerCase());
    if (found === undefined) {
      throw new BtsBackupError('E_APP_NOT_FOUND', `Application "${name}" does not exist in the group.`, {
        target: name,
        hint: hints.listApplicationsAnyCase,
      });
    }
    return found;
  }

  // ---- deployment --------------------------------------------------------------------------------------------
  async listResources(application: string): Promise<ResourceInfo[]> {
    await this.applyFaults('ListApp', application);
    const app = this.application(application);
    const listed: ResourceInfo[] = app.resources.map((resource) => ({
      type: resource.type,
      luid: resource.luid,
      // As the package records them: an ImportApp of the MSI gives the resource exactly these, so a restored
      // application lists the same as the original.
      properties: bizTalkResourceProperties(resource, resourceTime(resource)),
      sha256: resource.files.reduce((hash, file) => hash.update(fileBytes(file)), createHash('sha256')).digest('hex'),
    }));
    // ListApp lists the bindings ExportApp generates as a resource of their own, as real BizTalk does.
    if (app.bindings !== undefined) listed.push({ type: ResourceType.BizTalkBinding, luid: `Application/${app.name}`, properties: generatedBindingProperties(app.name) });
    return listed;
  }

  /**
   * The whole group in one pass, as the deployment API reads it in process: every application with its resources,
   * references and bindings. Faults injected for ListApps fail the pass; faults for ListApp or ExportBindings of one
   * application fail that application's entry only (the others go on), as they would fail its inventory through BTSTask.
   */
  async readGroupInventory(): Promise<WholeGroupInventory> {
    const applications = await this.listApplications();
    const entries: (ApplicationInventory | ApplicationInventoryFailure)[] = [];
    for (const info of applications) {
      try {
        const resources = await this.listResources(info.name);
        await this.applyFaults('ExportBindings', info.name);
        entries.push({ info, resources, bindingsXml: this.exportedBindings(info.name) });
      } catch (error) {
        if (!isBtsBackupError(error)) throw error;
        entries.push({ info, error });
      }
    }
    return { applications: entries };
  }

  /** The package ExportApp writes: every resource (or those named), plus the generated bindings, masked. */
  buildPackage(application: string, resources?: ResourceRef[]): Uint8Array {
    const app = this.application(application);
    const wanted = resources === undefined ? undefined : new Set(resources.map((r) => `${r.type}|${r.luid}`.toLowerCase()));
    const selected = app.resources.filter((r) => wanted === undefined || wanted.has(`${r.type}|${r.luid}`.toLowerCase()));
    if (wanted !== undefined) {
      for (const ref of resources ?? []) {
        const exists = app.resources.some((r) => `${r.type}|${r.luid}`.toLowerCase() === `${ref.type}|${ref.luid}`.toLowerCase());
        const isGeneratedBinding = ref.type === ResourceType.BizTalkBinding && ref.luid === `Application/${app.name}`;
        if (!exists && !isGeneratedBinding) {
          throw new BtsBackupError('E_BTSTASK_FAILED', `Resource "${ref.luid}" of type "${ref.type}" is not in application "${app.name}".`, {
            target: app.name,
            details: { exitCode: 1, errors: [`Resource not found: ${ref.type} ${ref.luid}`] },
          });
        }
      }
    }
    const packageResources: PackageResource[] = selected.map((resource) => ({
      type: resource.type,
      luid: resource.luid,
      properties: { ...resource.properties },
      // The package builder names each folder as BizTalk does (assembly hash, `-<vdir>`, `Application-<app>`).
      files: resource.files.map((file) => ({ name: file.name, bytes: fileBytes(file), modified: resourceTime(resource) })),
    }));
    const includeBindings = wanted === undefined || wanted.has(`${ResourceType.BizTalkBinding}|Application/${app.name}`.toLowerCase());
    if (includeBindings && app.bindings !== undefined) {
      const binding = { type: ResourceType.BizTalkBinding, luid: `Application/${app.name}` };
      packageResources.push({
        ...binding,
        properties: generatedBindingProperties(app.name),
        files: [{ name: 'BindingInfo.xml', bytes: new TextEncoder().encode(this.exportedBindings(app.name)), modified: SIMULATED_RESOURCE_TIME }],
      });
    }
    const clock = this.options.clock ?? { now: () => new Date() };
    const newGuid = this.options.newGuid ?? (() => randomUUID());
    return buildApplicationPackage({
      application: app.name,
      description: app.description,
      author: this.state.group.exportUser,
      revision: newGuid(),
      productCode: newGuid(),
      createdAt: clock.now(),
      references: app.references.filter((ref) => ref !== SYSTEM_APPLICATION),
      resources: packageResources,
    });
  }

  async exportApplication(application: string, packagePath: string, resources?: ResourceRef[]): Promise<OperationOutcome> {
    await this.applyFaults('ExportApp', application);
    const bytes = this.buildPackage(application, resources);
    await fs.writeFile(packagePath, bytes);
    return { information: [`Exporting application "${this.application(application).name}" to package "${packagePath}"...`], warnings: [] };
  }

  /** The application's bindings as ExportBindings writes them: passwords masked, a fresh Timestamp. */
  exportedBindings(application: string): string {
    const app = this.application(application);
    const xml = app.bindings ?? emptyBindings(app.name);
    parseXml(xml, `bindings of ${app.name}`);
    const stamped = xml.replace(/<Timestamp>[^<]*<\/Timestamp>/, `<Timestamp>${this.now().toISOString()}</Timestamp>`);
    return maskBindingPasswords(stamped, `bindings of ${app.name}`);
  }

  async exportBindings(application: string, destinationPath: string): Promise<OperationOutcome> {
    await this.applyFaults('ExportBindings', application);
    await fs.writeFile(destinationPath, this.exportedBindings(application), 'utf8');
    return { information: [`Exporting bindings of application "${this.application(application).name}"...`], warnings: [] };
  }

  /**
   * The file `ExportBindings /GroupLevel` writes: every non-system application's bindings, each exactly as
   * exportedBindings gives them (passwords masked, ports naming their application), merged under one BindingInfo
   * root with summed endpoint counts and one fresh Timestamp.
   */
  exportedGroupBindings(): string {
    const files = this.state.applications.filter((app) => !app.isSystem).map((app) => ({ application: app.name, xml: this.exportedBindings(app.name) }));
    return mergeGroupBindings(files, this.now().toISOString());
  }

  /** ExportBindings /GroupLevel. Faults for ExportBindings with no application, or with `groupLevel: true`, fail it. */
  async exportGroupBindings(destinationPath: string): Promise<OperationOutcome> {
    await this.applyFaults('ExportBindings', undefined, { groupLevel: true });
    await fs.writeFile(destinationPath, this.exportedGroupBindings(), 'utf8');
    return { information: ['Exporting the bindings of every application of the group...'], warnings: [] };
  }

  private now(): Date {
    return (this.options.clock ?? { now: () => new Date() }).now();
  }

  /** Lays out the simulated server's GAC on disk once, then answers by path like a real GAC lookup. */
  async locateAssembly(fullName: string): Promise<string | undefined> {
    await this.writeGac();
    const file = gacPath(this.options.gacRoot, fullName);
    try {
      await fs.access(file);
      return file;
    } catch {
      return undefined;
    }
  }

  async writeGac(): Promise<void> {
    if (this.gacWritten) return;
    for (const entry of this.state.gac) {
      const file = gacPath(this.options.gacRoot, entry.assembly.fullName);
      await fs.mkdir(path.dirname(file), { recursive: true });
      // Temp + rename: several processes may lay out the same simulated GAC at once.
      const temp = `${file}.${process.pid}.tmp`;
      await fs.writeFile(temp, assemblyBytes(entry.assembly));
      await fs.rename(temp, file);
    }
    this.gacWritten = true;
  }
}

/**
 * Faults can also come from the environment (`BIZTALKBACKUP_SIM_FAULTS`, a JSON array of SimulatedFault), so a
 * demo or a test can make the embedded sample group misbehave without a state file.
 */
function environmentFaults(): SimulatedFault[] {
  const text = process.env['BIZTALKBACKUP_SIM_FAULTS'];
  if (text === undefined || text.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new BtsBackupError('E_USAGE', 'BIZTALKBACKUP_SIM_FAULTS is not JSON.', { target: 'BIZTALKBACKUP_SIM_FAULTS', cause, hint: 'Set it to a JSON array such as [{"command":"ExportApp","application":"Contoso.Billing","errors":["Access denied."]}].' });
  }
  if (!Array.isArray(value) || !value.every((f) => typeof f === 'object' && f !== null && typeof (f as { command?: unknown }).command === 'string')) {
    throw new BtsBackupError('E_USAGE', 'BIZTALKBACKUP_SIM_FAULTS must be a JSON array of faults, each with a "command".', { target: 'BIZTALKBACKUP_SIM_FAULTS', hint: 'See SimulatedFault in src/adapters/simulator/group-state.ts.' });
  }
  return value as SimulatedFault[];
}

function emptyBindings(application: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>\r\n<BindingInfo xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" Assembly="Microsoft.BizTalk.Deployment, Version=3.0.1.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35" Version="3.5.1.0" BindingStatus="NoBindings" BoundEndpoints="0" TotalEndpoints="0">\r\n  <Timestamp>2026-01-01T00:00:00</Timestamp>\r\n  <ModuleRefCollection>\r\n    <ModuleRef Name="[Application:${application.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}]" Version="" Culture="" PublicKeyToken="" FullName="">\r\n      <Services />\r\n    </ModuleRef>\r\n  </ModuleRefCollection>\r\n  <SendPortCollection />\r\n  <DistributionListCollection />\r\n  <ReceivePortCollection />\r\n  <PartyCollection xsi:nil="true" />\r\n</BindingInfo>\r\n`;
}
