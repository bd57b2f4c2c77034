import { promises as fs } from 'node:fs';
import path from 'node:path';
import { formatAssemblyName, parseAssemblyName } from '../../core/assembly-name.js';
import { ResourceType, SYSTEM_APPLICATION, type AdapterHandlerInfo, type ApplicationInfo, type GroupInfo, type HostInfo, type ResourceInfo } from '../../core/model.js';
import { relativePathProblem } from '../../core/path-safety.js';
import { BtsBackupError, type ErrorCode } from '../../errors/index.js';
import type { OperationOutcome, ResourceRef } from '../../ports/biztalk-group.js';
import type { ApplicationReferenceEditor, BizTalkRestoreTarget, ImportApplicationOptions } from '../../ports/biztalk-restore.js';
import { readAssembly } from '../../formats/dotnet/assembly-reader.js';
import { gacPath } from '../dotnet/gac-path.js';
import { readApplicationPackage, resourceKind, type ApplicationPackage } from '../../formats/msi/application-package.js';
import { normalizeBindings } from '../../formats/bindings/normalize-bindings.js';
import { childElements, decodeText, descendants, firstChild, parseXml } from '../../formats/bindings/parse-xml.js';
import type { ApplicationState, ResourceState } from './group-state.js';
import { SimulatedGroup } from './simulated-group.js';

/**
 * The mutating half of the simulated group: what ImportApp, ImportBindings, AddApp, RemoveApp and
 * Application.AddReference do to it, with BizTalk's failure modes (missing host or handler, wrong trust level,
 * existing LUIDs without /Overwrite, referenced application missing). One model: the BTSTask emulator's commands and
 * the in-process restore target both call these functions. ImportApp really reads the MSI and recreates the
 * application from it, so a round trip proves the package is complete.
 */

const lower = (s: string): string => s.toLowerCase();

/** A BTSTask-style failure: the code says what went wrong; `errors` become the emulator's Error: lines. */
function failure(code: ErrorCode, command: string, application: string | undefined, errors: string[], hint?: string): BtsBackupError {
  return new BtsBackupError(code, `${command} failed${application === undefined ? '' : ` for "${application}"`}: ${errors[0] ?? ''}`, {
    target: application,
    ...(hint === undefined ? {} : { hint }),
    details: { command, exitCode: errors.length, errors },
  });
}

function findApp(group: SimulatedGroup, name: string): ApplicationState | undefined {
  return group.state.applications.find((a) => lower(a.name) === lower(name));
}

/** Package properties that describe the package, not the resource (recomputed on every export). */
const PACKAGING_PROPERTIES = new Set(['shortcabinetname']);

function resourceFromPackage(resource: ApplicationPackage['resources'][number], source: string): ResourceState {
  const kind = resourceKind(resource.type);
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(resource.properties)) {
    if (PACKAGING_PROPERTIES.has(lower(key))) continue;
    Object.defineProperty(properties, key, { value, enumerable: true, writable: true, configurable: true });
  }
  const files = resource.files.map((file) => {
    const parts = file.path.split('\\');
    const name = parts.length >= 3 && lower(parts[0] ?? '') === lower(kind) ? parts.slice(2).join('\\') : file.path;
    const problem = relativePathProblem(name);
    if (problem !== undefined) {
      throw failure('E_PATH_UNSAFE', 'ImportApp', undefined, [`The package ${source} holds the file "${file.path}" of resource ${resource.luid}, whose path is unsafe (${problem}).`]);
    }
    return { name, base64: Buffer.from(file.bytes).toString('base64') };
  });
  return { type: resource.type, luid: resource.luid, properties, files };
}

/** Hosts and adapter handlers named in binding XML must exist with the same trust level, as ImportBindings checks. */
export function checkBindingHosts(group: SimulatedGroup, xml: string, application: string, command: string): void {
  const summary = normalizeBindings(xml, `bindings of ${application}`).summary;
  const hosts = group.state.hosts;
  const handlers: AdapterHandlerInfo[] = group.state.handlers;
  const check = (host: string, trusted: boolean, what: string, adapter?: string, direction?: 'Send' | 'Receive'): void => {
    if (host === '') return;
    const found: HostInfo | undefined = hosts.find((h) => lower(h.name) === lower(host));
    if (found === undefined) throw failure('E_HOST_MISSING', command, application, [`Host "${host}" referenced by ${what} does not exist in the group.`], 'Create the host first.');
    if (found.trusted !== trusted) {
      throw failure('E_TRUST_MISMATCH', command, application, [`Host "${host}" referenced by ${what} is ${found.trusted ? 'trusted' : 'not trusted'}; the bindings require a ${trusted ? 'trusted' : 'non-trusted'} host.`]);
    }
    if (adapter !== undefined && adapter !== '' && direction !== undefined && !handlers.some((h) => lower(h.adapter) === lower(adapter) && lower(h.host) === lower(host) && h.direction === direction)) {
      throw failure('E_HOST_MISSING', command, application, [`The ${adapter} adapter has no ${direction.toLowerCase()} handler on host "${host}" (${what}).`]);
    }
  };
  for (const p of summary.sendPorts) check(p.host, p.hostTrusted, `send port "${p.name}"`, p.transport, 'Send');
  for (const l of summary.receiveLocations) check(l.host, l.hostTrusted, `receive location "${l.name}"`, l.transport, 'Receive');
  for (const s of summary.services) check(s.host, s.hostTrusted, `orchestration "${s.name}"`);
}

/** Orchestrations as ExplorerOM would list them after the bindings are applied. */
function orchestrationsFrom(xml: string, application: string): NonNullable<ApplicationState['orchestrations']> {
  const document = parseXml(xml, `bindings of ${application}`);
  const out: NonNullable<ApplicationState['orchestrations']> = [];
  for (const module of descendants(document, 'ModuleRef')) {
    const assembly = module.getAttribute('FullName') ?? '';
    const services = firstChild(module, 'Services');
    if (services === undefined || assembly === '') continue;
    for (const service of childElements(services, 'Service')) {
      out.push({ name: service.getAttribute('Name') ?? '', assembly, host: firstChild(service, 'Host')?.getAttribute('Name') ?? '' });
    }
  }
  return out;
}

export interface ImportPackageRequest {
  application: string;
  overwrite: boolean;
  environment?: string;
}

/** ImportApp: all checks first, then the change (BizTalk rolls an import back as a whole). */
export function importPackage(group: SimulatedGroup, bytes: Uint8Array, source: string, request: ImportPackageRequest): OperationOutcome {
  const name = request.application;
  if (name === '') throw failure('E_USAGE', 'ImportApp', undefined, ['No application name was given.']);
  if (lower(name) === lower(SYSTEM_APPLICATION)) throw failure('E_TARGET_EXISTS', 'ImportApp', name, ['BizTalk.System is read-only: nothing can be imported into it.']);
  const pkg = readApplicationPackage(bytes, source);
  const information: string[] = [`Importing package "${source}" into application "${name}"...`];
  const warnings: string[] = [];
  for (const ref of pkg.adf.references.filter((r) => lower(r) !== lower(SYSTEM_APPLICATION))) {
    if (findApp(group, ref) === undefined) {
      throw failure('E_REFERENCE_MISSING', 'ImportApp', name, [`Application "${name}" references application "${ref}", which does not exist in the group. Import "${ref}" first.`]);
    }
  }
  const generatedLuid = `Application/${pkg.adf.properties['DisplayName'] ?? name}`;
  const isGenerated = (r: { type: string; luid: string }): boolean => r.type === ResourceType.BizTalkBinding && lower(r.luid) === lower(generatedLuid);
  const bindingResources = pkg.resources.filter((r) => r.type === ResourceType.BizTalkBinding);
  const forEnvironment = request.environment === undefined ? undefined : bindingResources.find((r) => lower(r.properties['TargetEnvironment'] ?? '') === lower(request.environment as string));
  if (request.environment !== undefined && forEnvironment === undefined) warnings.push(`The package has no binding file for environment "${request.environment}"; the default bindings are imported.`);
  const chosen = forEnvironment ?? bindingResources.find(isGenerated) ?? bindingResources.find((r) => (r.properties['TargetEnvironment'] ?? '') === '');
  const bindingFile = chosen?.files.find((f) => lower(f.path).endsWith('.xml'));
  const bindingsXml = bindingFile === undefined ? undefined : decodeText(bindingFile.bytes);
  if (bindingsXml !== undefined) checkBindingHosts(group, bindingsXml, name, 'ImportApp');

  const incoming = pkg.resources.filter((r) => !isGenerated(r)).map((r) => resourceFromPackage(r, source));
  const existing = findApp(group, name);
  for (const resource of incoming) {
    const key = lower(`${resource.type}|${resource.luid}`);
    for (const app of group.state.applications) {
      if (!app.resources.some((r) => lower(`${r.type}|${r.luid}`) === key)) continue;
      if (app === existing) {
        if (!request.overwrite) {
          throw failure('E_TARGET_EXISTS', 'ImportApp', name, [`Resource "${resource.luid}" (${resource.type}) already exists in application "${app.name}". Use /Overwrite to replace it.`]);
        }
      } else {
        throw failure('E_TARGET_EXISTS', 'ImportApp', name, [`Resource "${resource.luid}" (${resource.type}) is already deployed in application "${app.name}".`]);
      }
    }
  }

  const app: ApplicationState = existing ?? { name, description: '', isSystem: false, isDefault: false, status: 'Stopped', references: [], resources: [] };
  if (existing === undefined) group.state.applications.push(app);
  if (app.description === '') app.description = pkg.adf.properties['ApplicationDescription'] ?? '';
  for (const resource of incoming) {
    const key = lower(`${resource.type}|${resource.luid}`);
    const at = app.resources.findIndex((r) => lower(`${r.type}|${r.luid}`) === key);
    if (at >= 0) app.resources[at] = resource;
    else app.resources.push(resource);
    information.push(`Imported resource (Type="${resource.type}", Luid="${resource.luid}").`);
  }
  if (bindingsXml !== undefined) {
    app.bindings = bindingsXml;
    app.orchestrations = orchestrationsFrom(bindingsXml, name);
    information.push(`Imported bindings${forEnvironment === undefined ? '' : ` for environment "${request.environment ?? ''}"`}.`);
  }
  const policies = app.resources.filter((r) => r.type === ResourceType.Rules && r.properties['PolicyName'] !== undefined);
  if (policies.length > 0) app.policies = policies.map((r) => ({ name: r.properties['PolicyName'] as string, version: `${r.properties['MajorVersion'] ?? '1'}.${r.properties['MinorVersion'] ?? '0'}` }));
  information.push(`Application "${name}" was imported; references are not restored by ImportApp.`);
  return { information, warnings };
}

/** ImportBindings: replaces the application's bindings once every host and handler they name exists. */
export function importBindingsXml(group: SimulatedGroup, application: string, xml: string): OperationOutcome {
  const app = findApp(group, application);
  if (app === undefined) throw failure('E_APP_NOT_FOUND', 'ImportBindings', application, [`Application "${application}" does not exist in the group.`]);
  if (app.isSystem) throw failure('E_TARGET_EXISTS', 'ImportBindings', application, ['BizTalk.System is read-only.']);
  checkBindingHosts(group, xml, app.name, 'ImportBindings');
  app.bindings = xml;
  app.orchestrations = orchestrationsFrom(xml, app.name);
  return { information: [`Bindings were imported into application "${app.name}".`], warnings: [] };
}

export function addApplication(group: SimulatedGroup, application: string, description = ''): OperationOutcome {
  if (application === '') throw failure('E_USAGE', 'AddApp', undefined, ['No application name was given.']);
  if (findApp(group, application) !== undefined) throw failure('E_TARGET_EXISTS', 'AddApp', application, [`Application "${application}" already exists.`]);
  group.state.applications.push({ name: application, description, isSystem: false, isDefault: false, status: 'NotApplicable', references: [], resources: [] });
  return { information: [`Application "${application}" was added.`], warnings: [] };
}

export function removeApplication(group: SimulatedGroup, application: string): OperationOutcome {
  const app = findApp(group, application);
  if (app === undefined) throw failure('E_APP_NOT_FOUND', 'RemoveApp', application, [`Application "${application}" does not exist in the group.`]);
  if (app.isSystem || app.isDefault) throw failure('E_USAGE', 'RemoveApp', application, [`Application "${app.name}" is ${app.isSystem ? 'BizTalk.System' : 'the default application'} and cannot be removed.`]);
  const dependents = group.state.applications.filter((a) => a !== app && a.references.some((r) => lower(r) === lower(app.name)));
  if (dependents.length > 0) throw failure('E_USAGE', 'RemoveApp', application, [`Application "${app.name}" is referenced by ${dependents.map((d) => `"${d.name}"`).join(', ')}.`]);
  group.state.applications = group.state.applications.filter((a) => a !== app);
  return { information: [`Application "${app.name}" was removed.`], warnings: [] };
}

/** Application.AddReference as ExplorerOM does it: both must exist, no self or circular reference. */
export function addApplicationReference(group: SimulatedGroup, application: string, referenced: string): OperationOutcome {
  const app = findApp(group, application);
  const target = findApp(group, referenced);
  if (app === undefined) throw failure('E_APP_NOT_FOUND', 'AddReference', application, [`Application "${application}" does not exist in the group.`]);
  if (target === undefined) throw failure('E_REFERENCE_MISSING', 'AddReference', application, [`Application "${referenced}" referenced by "${app.name}" does not exist in the group.`]);
  if (app === target || app.isSystem) throw failure('E_USAGE', 'AddReference', application, [`"${app.name}" cannot reference "${target.name}".`]);
  const reaches = (from: ApplicationState, seen: Set<string>): boolean => {
    if (from === app) return true;
    if (seen.has(lower(from.name))) return false;
    seen.add(lower(from.name));
    return from.references.some((r) => {
      const next = findApp(group, r);
      return next !== undefined && reaches(next, seen);
    });
  };
  if (reaches(target, new Set())) throw failure('E_REFERENCE_CYCLE', 'AddReference', application, [`Adding a reference from "${app.name}" to "${target.name}" would create a circular reference.`]);
  if (!app.references.some((r) => lower(r) === lower(target.name))) app.references.push(target.name);
  return { information: [`Application "${app.name}" now references "${target.name}".`], warnings: [] };
}

async function writeIntoGac(gacRoot: string, fullName: string, bytes: Uint8Array): Promise<string> {
  const relative = path.relative(gacRoot, gacPath(gacRoot, fullName));
  const problem = relativePathProblem(relative);
  if (problem !== undefined) throw failure('E_PATH_UNSAFE', 'GacInstall', undefined, [`The assembly name "${fullName}" leads outside the GAC (${problem}).`]);
  const file = path.join(gacRoot, relative);
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temp, bytes);
  await fs.rename(temp, file);
  return file;
}

/** msiexec on the simulated server: the package's assemblies go into the simulated GAC; a log says what happened. */
export async function installPackageFile(group: SimulatedGroup, msiPath: string, logPath: string): Promise<OperationOutcome> {
  await group.applyFaults('msiexec', undefined);
  const pkg = readApplicationPackage(new Uint8Array(await fs.readFile(msiPath)), path.basename(msiPath));
  const lines: string[] = [`Installing ${path.basename(msiPath)} (${pkg.summary.title}).`];
  for (const resource of pkg.resources.filter((r) => r.type === ResourceType.BizTalkAssembly || r.type === ResourceType.Assembly)) {
    if (lower(resource.properties['UpdateGac'] ?? 'True') !== 'true') continue;
    const dll = resource.files.find((f) => lower(f.path).endsWith('.dll'));
    if (dll === undefined) continue;
    await writeIntoGac(group.gacRoot, resource.luid, dll.bytes);
    lines.push(`GAC: ${resource.luid}`);
  }
  lines.push('Installation completed successfully.');
  await fs.writeFile(logPath, `${lines.join('\r\n')}\r\n`, 'utf8');
  return { information: [`Installed ${path.basename(msiPath)}; log ${logPath}.`], warnings: [] };
}

/** Puts a DLL into the simulated GAC after checking it is the assembly the manifest says. */
export async function installAssemblyFile(group: SimulatedGroup, dllPath: string, fullName: string, destination?: string): Promise<OperationOutcome> {
  await group.applyFaults('GacInstall', undefined);
  const bytes = new Uint8Array(await fs.readFile(dllPath));
  const identity = formatAssemblyName(readAssembly(bytes, dllPath).identity);
  if (lower(identity) !== lower(formatAssemblyName(parseAssemblyName(fullName)))) {
    throw failure('E_INVALID_DATA', 'GacInstall', undefined, [`${path.basename(dllPath)} is ${identity}, not ${fullName}.`]);
  }
  if (destination !== undefined) throw failure('E_UNSUPPORTED', 'GacInstall', undefined, ['The simulator installs harvested DLLs into its GAC only.']);
  const file = await writeIntoGac(group.gacRoot, fullName, bytes);
  return { information: [`Installed ${fullName} into the GAC (${file}).`], warnings: [] };
}

/**
 * The simulated group as a restore target, in process. `afterChange` runs after every successful change (the CLI
 * saves a --simulator-state file there).
 */
export class SimulatedRestoreTarget implements BizTalkRestoreTarget {
  readonly source = 'simulator';
  readonly group: SimulatedGroup;
  private readonly afterChange: () => Promise<void>;

  constructor(group: SimulatedGroup, afterChange: () => Promise<void> = async () => undefined) {
    this.group = group;
    this.afterChange = afterChange;
  }

  describeGroup(): Promise<GroupInfo> {
    return this.group.describeGroup();
  }
  listApplications(): Promise<ApplicationInfo[]> {
    return this.group.listApplications();
  }
  listHosts(): Promise<HostInfo[]> {
    return this.group.listHosts();
  }
  listAdapterHandlers(): Promise<AdapterHandlerInfo[]> {
    return this.group.listAdapterHandlers();
  }
  listResources(application: string): Promise<ResourceInfo[]> {
    return this.group.listResources(application);
  }
  exportApplication(application: string, packagePath: string, resources?: ResourceRef[]): Promise<OperationOutcome> {
    return this.group.exportApplication(application, packagePath, resources);
  }
  exportBindings(application: string, destinationPath: string): Promise<OperationOutcome> {
    return this.group.exportBindings(application, destinationPath);
  }
  locateAssembly(fullName: string): Promise<string | undefined> {
    return this.group.locateAssembly(fullName);
  }

  async importApplication(application: string, msiPath: string, options: ImportApplicationOptions): Promise<OperationOutcome> {
    await this.group.applyFaults('ImportApp', application);
    const bytes = new Uint8Array(await fs.readFile(msiPath));
    const outcome = importPackage(this.group, bytes, path.basename(msiPath), { application, overwrite: options.overwrite, ...(options.environment === undefined ? {} : { environment: options.environment }) });
    await this.afterChange();
    return outcome;
  }

  async importBindings(application: string, bindingsXml: string): Promise<OperationOutcome> {
    await this.group.applyFaults('ImportBindings', application);
    const outcome = importBindingsXml(this.group, application, bindingsXml);
    await this.afterChange();
    return outcome;
  }

  async addReference(application: string, referenced: string): Promise<OperationOutcome> {
    await this.group.applyFaults('AddReference', application);
    const outcome = addApplicationReference(this.group, application, referenced);
    await this.afterChange();
    return outcome;
  }

  installPackage(msiPath: string, logPath: string): Promise<OperationOutcome> {
    return installPackageFile(this.group, msiPath, logPath);
  }

  installAssembly(dllPath: string, fullName: string, destination?: string): Promise<OperationOutcome> {
    return installAssemblyFile(this.group, dllPath, fullName, destination);
  }
}

/** The ExplorerOM stand-in for a simulated group kept in a state file (BTSTask has no AddReference command). */
export function simulatedReferenceEditor(stateFile: string, gacRoot = `${stateFile}.gac`): ApplicationReferenceEditor {
  return {
    async addReference(application, referenced) {
      const group = await SimulatedGroup.fromFile(stateFile, { gacRoot });
      await group.applyFaults('AddReference', application);
      addApplicationReference(group, application, referenced);
      await group.saveTo(stateFile);
    },
  };
}

/** An empty group with the same hosts and handlers: where a simulated restore drill imports. */
export function scratchGroupLike(group: SimulatedGroup, gacRoot: string): SimulatedGroup {
  const state = group.state;
  return new SimulatedGroup(
    {
      schemaVersion: state.schemaVersion,
      group: { ...state.group, database: `${state.group.database}_Drill` },
      hosts: state.hosts.map((h) => ({ ...h })),
      handlers: state.handlers.map((h) => ({ ...h })),
      gac: [],
      applications: state.applications
        .filter((a) => a.isSystem)
        .map((a) => JSON.parse(JSON.stringify(a)) as ApplicationState)
        .concat([{ name: state.applications.find((a) => a.isDefault)?.name ?? 'BizTalk Application 1', description: '', isSystem: false, isDefault: true, status: 'NotApplicable', references: [], resources: [] }]),
    },
    { gacRoot },
  );
}
