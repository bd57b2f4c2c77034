import { hasGroupBindings, hasGroupInventory, type BizTalkCatalog, type BizTalkDeployment, type BizTalkGroup, type OperationOutcome, type ResourceRef, type WholeGroupInventory } from '../ports/biztalk-group.js';
import type { AdapterHandlerInfo, ApplicationInfo, GroupInfo, HostInfo, ResourceInfo } from '../core/model.js';

/**
 * A group whose facts come from one back end (ExplorerOM, or BTSTask's ListApps as a fallback) and whose
 * deployment work goes to another (BTSTask). `source` names both, e.g. `explorerom+btstask`.
 */
export class CompositeGroup implements BizTalkGroup {
  readonly source: string;
  /** The catalog back end, for what only it can do (ExplorerOM's AddReference). */
  readonly catalog: BizTalkCatalog;
  private readonly deployment: BizTalkDeployment;
  /** Present when the deployment back end reads the whole group in one call (the deployment API): passed through. */
  readonly readGroupInventory?: () => Promise<WholeGroupInventory>;
  /** Present when the deployment back end exports the whole group's bindings in one call (BTSTask /GroupLevel): passed through. */
  readonly exportGroupBindings?: (destinationPath: string) => Promise<OperationOutcome>;

  constructor(catalog: BizTalkCatalog, deployment: BizTalkDeployment & { source: string }) {
    this.catalog = catalog;
    this.deployment = deployment;
    this.source = catalog.source === deployment.source ? catalog.source : `${catalog.source}+${deployment.source}`;
    const whole = deployment as BizTalkDeployment & BizTalkCatalog;
    if (hasGroupInventory(whole)) this.readGroupInventory = () => whole.readGroupInventory();
    if (hasGroupBindings(whole)) this.exportGroupBindings = (destinationPath) => whole.exportGroupBindings(destinationPath);
  }

  async describeGroup(): Promise<GroupInfo> {
    return { ...(await this.catalog.describeGroup()), source: this.source };
  }
  listApplications(): Promise<ApplicationInfo[]> {
    return this.catalog.listApplications();
  }
  listHosts(): Promise<HostInfo[]> {
    return this.catalog.listHosts();
  }
  listAdapterHandlers(): Promise<AdapterHandlerInfo[]> {
    return this.catalog.listAdapterHandlers();
  }
  listResources(application: string): Promise<ResourceInfo[]> {
    return this.deployment.listResources(application);
  }
  exportApplication(application: string, packagePath: string, resources?: ResourceRef[]): Promise<OperationOutcome> {
    return this.deployment.exportApplication(application, packagePath, resources);
  }
  exportBindings(application: string, destinationPath: string): Promise<OperationOutcome> {
    return this.deployment.exportBindings(application, destinationPath);
  }
  locateAssembly(fullName: string): Promise<string | undefined> {
    return this.deployment.locateAssembly(fullName);
  }
}
