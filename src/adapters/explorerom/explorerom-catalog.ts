import type { AdapterHandlerInfo, ApplicationInfo, GroupInfo, HostInfo } from '../../core/model.js';
import type { ApplicationDetails, BizTalkCatalogDetails } from '../../ports/biztalk-catalog-details.js';
import type { BizTalkCatalog } from '../../ports/biztalk-group.js';
import { parseInventory, parseProbe, unwrapResponse, type BridgeInvoker, type Inventory, type ProbeResult } from './bridge-protocol.js';

export type ExplorerOmSource = 'explorerom' | 'explorerom-x86';

export interface ExplorerOmCatalogOptions {
  /** SQL Server instance of BizTalkMgmtDb. */
  server: string;
  database: string;
  biztalkVersion?: string;
  /** Default: `managementConnectionString(server, database)`. */
  connectionString?: string;
  /** In-process (edge-js) or the 32-bit helper. */
  invoker: BridgeInvoker;
  /** Which of the two the invoker is: what `inventory` reports as its source. Default `explorerom`. */
  source?: ExplorerOmSource;
}

/** The connection string ExplorerOM opens: Windows authentication, as BizTalk's own tools use. */
export function managementConnectionString(server: string, database: string): string {
  return `Server=${server};Database=${database};Integrated Security=SSPI`;
}

/**
 * The BizTalk catalog read through Microsoft.BizTalk.ExplorerOM: applications with status and references, hosts
 * with trust levels, adapter handlers, and per application its assemblies, orchestrations, ports and policies.
 * Reads the whole catalog once and serves every question from that snapshot until `refresh()` or `addReference()`.
 */
export class ExplorerOmCatalog implements BizTalkCatalog, BizTalkCatalogDetails {
  readonly source: ExplorerOmSource;
  private readonly options: ExplorerOmCatalogOptions;
  private readonly connectionString: string;
  private snapshot: Promise<Inventory> | undefined;

  constructor(options: ExplorerOmCatalogOptions) {
    this.options = options;
    this.source = options.source ?? 'explorerom';
    this.connectionString = options.connectionString ?? managementConnectionString(options.server, options.database);
  }

  /** Loads ExplorerOM (and opens the catalog): E_EXPLOREROM_UNAVAILABLE with the reason when it cannot. */
  async probe(): Promise<ProbeResult> {
    const request = { op: 'probe' as const, connectionString: this.connectionString };
    return parseProbe(unwrapResponse(await this.options.invoker(request), request));
  }

  /** Drops the snapshot: the next question reads the catalog again. */
  refresh(): void {
    this.snapshot = undefined;
  }

  async inventory(): Promise<Inventory> {
    if (this.snapshot === undefined) {
      const request = { op: 'inventory' as const, connectionString: this.connectionString };
      const pending = this.options
        .invoker(request)
        .then((raw) => parseInventory(unwrapResponse(raw, request)));
      this.snapshot = pending;
      pending.catch(() => {
        if (this.snapshot === pending) this.snapshot = undefined;
      });
    }
    return this.snapshot;
  }

  async describeGroup(): Promise<GroupInfo> {
    return {
      server: this.options.server,
      database: this.options.database,
      ...(this.options.biztalkVersion === undefined ? {} : { biztalkVersion: this.options.biztalkVersion }),
      source: this.source,
    };
  }

  async listApplications(): Promise<ApplicationInfo[]> {
    return (await this.inventory()).applications.map((app) => ({
      name: app.name,
      description: app.description,
      isSystem: app.isSystem,
      isDefault: app.isDefault,
      status: app.status,
      references: [...app.references],
    }));
  }

  async listHosts(): Promise<HostInfo[]> {
    return (await this.inventory()).hosts.map((host) => ({ ...host }));
  }

  async listAdapterHandlers(): Promise<AdapterHandlerInfo[]> {
    return (await this.inventory()).handlers.map((handler) => ({ ...handler }));
  }

  async describeApplicationsDetailed(): Promise<ApplicationDetails[]> {
    return structuredClone((await this.inventory()).applications);
  }

  async addReference(application: string, referenced: string): Promise<boolean> {
    const request = { op: 'addReference' as const, connectionString: this.connectionString, application, referenced };
    try {
      const result = unwrapResponse(await this.options.invoker(request), request);
      return result['added'] === true;
    } finally {
      this.refresh();
    }
  }
}
