import { promises as fs } from 'node:fs';
import type { AdapterHandlerInfo, ApplicationInfo, GroupInfo, HostInfo, ResourceInfo } from '../../core/model.js';
import { BtsBackupError, hints } from '../../errors/index.js';
import { isInventoryFailure, type BizTalkGroup, type BizTalkGroupInventory, type OperationOutcome, type ResourceRef, type WholeGroupInventory } from '../../ports/biztalk-group.js';
import { defaultGacRoot, locateInGac } from '../dotnet/gac-path.js';
import { managementConnectionString } from '../explorerom/explorerom-catalog.js';
import {
  parseBindingsXml,
  parseDeploymentInventory,
  parseDeploymentProbe,
  unwrapDeploymentResponse,
  type DeploymentApiInventory,
  type DeploymentApiInvoker,
  type DeploymentApiProbe,
  type DeploymentApiRequest,
} from './bridge-protocol.js';
import { asDeploymentApiError } from './unavailable.js';

export type DeploymentApiSource = 'deployment-api' | 'deployment-api-x86';

export interface DeploymentApiGroupOptions {
  /** SQL Server instance of BizTalkMgmtDb (Group.DBServer). */
  server: string;
  /** Group.DBName. */
  database: string;
  biztalkVersion?: string;
  /** What BindingInfo's SqlConnection opens. Default: `managementConnectionString(server, database)`. */
  connectionString?: string;
  /** In-process (edge-js) or the 32-bit helper. */
  invoker: DeploymentApiInvoker;
  /** Which of the two the invoker is: what `inventory` reports. Default `deployment-api`. */
  source?: DeploymentApiSource;
  /** The .NET 4 GAC folder for locateAssembly. Default on Windows: %WINDIR%\Microsoft.NET\assembly. */
  gacRoot?: string;
}

/**
 * A BizTalk group through BizTalk's deployment API (Microsoft.BizTalk.ApplicationDeployment and
 * Microsoft.BizTalk.Deployment.Binding), in one process: one call reads every application with its resources,
 * references and bindings (`readGroupInventory`), and the changed applications' MSIs are exported by the same engine
 * without a process per call. The catalog questions are served from the last whole-group read until `refresh()`.
 */
export class DeploymentApiGroup implements BizTalkGroup, BizTalkGroupInventory {
  readonly source: DeploymentApiSource;
  private readonly options: DeploymentApiGroupOptions;
  private readonly connectionString: string;
  private snapshot: Promise<DeploymentApiInventory> | undefined;

  constructor(options: DeploymentApiGroupOptions) {
    this.options = options;
    this.source = options.source ?? 'deployment-api';
    this.connectionString = options.connectionString ?? managementConnectionString(options.server, options.database);
  }

  /** Loads the engine and opens the group: E_DEPLOYMENT_API_UNAVAILABLE with the reason when it cannot. */
  async probe(): Promise<DeploymentApiProbe> {
    return parseDeploymentProbe(await this.call({ op: 'probe', server: this.options.server, database: this.options.database }));
  }

  refresh(): void {
    this.snapshot = undefined;
  }

  private inventory(): Promise<DeploymentApiInventory> {
    if (this.snapshot === undefined) {
      const pending = this.call({ op: 'inventory', ...this.group() }).then(parseDeploymentInventory);
      this.snapshot = pending;
      pending.catch(() => {
        if (this.snapshot === pending) this.snapshot = undefined;
      });
    }
    return this.snapshot;
  }

  /** The whole group, read anew: one bridge call. */
  async readGroupInventory(): Promise<WholeGroupInventory> {
    this.refresh();
    return { applications: (await this.inventory()).applications };
  }

  async describeGroup(): Promise<GroupInfo> {
    return {
      server: this.options.server,
      // A database name cannot hold ';' (the connection string built from it would split there); what follows one is
      // an option for the engine's connection (the tests' stand-in takes its state file that way), not the name.
      database: this.options.database.split(';')[0] ?? this.options.database,
      ...(this.options.biztalkVersion === undefined ? {} : { biztalkVersion: this.options.biztalkVersion }),
      source: this.source,
    };
  }

  async listApplications(): Promise<ApplicationInfo[]> {
    return (await this.inventory()).applications.map((entry) => ({ ...entry.info, references: [...(entry.info.references ?? [])] }));
  }

  async listHosts(): Promise<HostInfo[]> {
    return (await this.inventory()).hosts.map((host) => ({ ...host }));
  }

  async listAdapterHandlers(): Promise<AdapterHandlerInfo[]> {
    return (await this.inventory()).handlers.map((handler) => ({ ...handler }));
  }

  async listResources(application: string): Promise<ResourceInfo[]> {
    const entry = (await this.inventory()).applications.find((e) => e.info.name.toLowerCase() === application.toLowerCase());
    if (entry === undefined) {
      throw new BtsBackupError('E_APP_NOT_FOUND', `Application "${application}" does not exist in the group.`, { target: application, hint: hints.listApplicationsAnyCase });
    }
    if (isInventoryFailure(entry)) throw entry.error;
    return structuredClone(entry.resources);
  }

  async exportApplication(application: string, packagePath: string, resources?: ResourceRef[]): Promise<OperationOutcome> {
    const spec = resources === undefined ? {} : { resources: resources.map((r) => `${r.type}\t${r.luid}\n`).join('') };
    const result = await this.call({ op: 'exportApplication', ...this.group(), application, packagePath, ...spec });
    const name = typeof result['application'] === 'string' ? result['application'] : application;
    return { information: [`Exported application "${name}" to package "${packagePath}" through the deployment API.`], warnings: [] };
  }

  async exportBindings(application: string, destinationPath: string): Promise<OperationOutcome> {
    const result = await this.call({ op: 'exportBindings', ...this.group(), application });
    await fs.writeFile(destinationPath, parseBindingsXml(result['bindingsXml'], `bindings of ${application}`), 'utf8');
    return { information: [`Exported the bindings of application "${application}" through the deployment API.`], warnings: [] };
  }

  async locateAssembly(fullName: string): Promise<string | undefined> {
    const root = this.options.gacRoot ?? defaultGacRoot();
    if (root === undefined) {
      throw new BtsBackupError('E_USAGE', 'No GAC folder is configured for the deployment-API back end.', { hint: 'Pass gacRoot (the folder holding GAC_MSIL) when not running on Windows.' });
    }
    return locateInGac(root, fullName);
  }

  private group(): { server: string; database: string; connectionString: string } {
    return { server: this.options.server, database: this.options.database, connectionString: this.connectionString };
  }

  private async call(request: DeploymentApiRequest): Promise<Record<string, unknown>> {
    try {
      return unwrapDeploymentResponse(await this.options.invoker(request), request);
    } catch (error) {
      throw asDeploymentApiError(error);
    }
  }
}
