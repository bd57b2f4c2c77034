import type { AdapterHandlerInfo, ApplicationInfo, GroupInfo, HostInfo, ResourceInfo } from '../core/model.js';
import type { BtsBackupError } from '../errors/index.js';

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

/** One application as a whole-group inventory read it: what change detection needs. */
export interface ApplicationInventory {
  /** References are never null here: the back end knows them. */
  info: ApplicationInfo;
  /** As listResources gives them (the generated bindings `Application/<App>` included when the application has bindings). */
  resources: ResourceInfo[];
  /** The BindingInfo XML exportBindings would write (passwords masked); normalised by the caller like an exported file. */
  bindingsXml: string;
}

/** An application the pass could not read (its resources or bindings failed): the others go on. */
export interface ApplicationInventoryFailure {
  info: ApplicationInfo;
  error: BtsBackupError;
}

export interface WholeGroupInventory {
  /** Every application of the group, BizTalk.System included, in the group's order. */
  applications: (ApplicationInventory | ApplicationInventoryFailure)[];
}

/**
 * Optional: the whole group in one call (the deployment API in process, the simulator). Change detection then costs
 * one call instead of ListApp + ExportBindings per application; only changed applications are exported afterwards.
 */
export interface BizTalkGroupInventory {
  readGroupInventory(): Promise<WholeGroupInventory>;
}

export function hasGroupInventory(group: BizTalkGroup): group is BizTalkGroup & BizTalkGroupInventory {
  return typeof (group as Partial<BizTalkGroupInventory>).readGroupInventory === 'function';
}

export function isInventoryFailure(entry: ApplicationInventory | ApplicationInventoryFailure): entry is ApplicationInventoryFailure {
  return 'error' in entry;
}

/**
 * Optional: `ExportBindings /GroupLevel`, every application's bindings in one BindingInfo file (BTSTask and the
 * simulator). A back end without a whole-group inventory uses it once a night to tell which applications' bindings
 * can have changed, so ExportBindings runs only for those (each port names its application in `<ApplicationName>`).
 */
export interface BizTalkGroupBindings {
  exportGroupBindings(destinationPath: string): Promise<OperationOutcome>;
}

export function hasGroupBindings(group: BizTalkGroup): group is BizTalkGroup & BizTalkGroupBindings {
  return typeof (group as Partial<BizTalkGroupBindings>).exportGroupBindings === 'function';
}
