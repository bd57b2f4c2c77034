import type { AdapterHandlerInfo, ApplicationInfo, GroupInfo, HostInfo, ResourceInfo } from '../core/model.js';

/** What a back end said while doing something: BTSTask's Information:/Warning: lines, or the simulator's. */
export interface OperationOutcome {
  information: string[];
  warnings: string[];
}

/** A resource named the way ResourceSpec files name it. */
export interface ResourceRef {
  type: string;
  luid: string;
}

/** Read-only facts about a group: applications, hosts, handlers. ExplorerOM, BTSTask and the simulator all serve it. */
export interface BizTalkCatalog {
  /** simulator, btstask, explorerom, explorerom-x86 ... */
  readonly source: string;
  describeGroup(): Promise<GroupInfo>;
  listApplications(): Promise<ApplicationInfo[]>;
  listHosts(): Promise<HostInfo[]>;
  listAdapterHandlers(): Promise<AdapterHandlerInfo[]>;
}

/** What the export needs from a group beyond the catalog. Every call names its application explicitly. */
export interface BizTalkDeployment {
  /** ListApp /ResourceSpec: the application's resources. */
  listResources(application: string): Promise<ResourceInfo[]>;
  /** ExportApp: writes the application's MSI to `packagePath` (restricted to `resources` when given). */
  exportApplication(application: string, packagePath: string, resources?: ResourceRef[]): Promise<OperationOutcome>;
  /** ExportBindings: writes the application's BindingInfo XML to `destinationPath`. */
  exportBindings(application: string, destinationPath: string): Promise<OperationOutcome>;
  /** The file of an assembly in the group's GAC, by full name, or undefined when it is not there. */
  locateAssembly(fullName: string): Promise<string | undefined>;
}

export interface BizTalkGroup extends BizTalkCatalog, BizTalkDeployment {}
