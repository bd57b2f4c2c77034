import type { ApplicationInfo } from '../core/model.js';
import type { BizTalkCatalog } from './biztalk-group.js';

/**
 * What ExplorerOM tells about an application beyond `ApplicationInfo`: what the diff and the restore preflight need
 * (which hosts and adapter handlers the bindings name, which assemblies and policies it holds). BTSTask cannot tell
 * these; back ends that can implement `BizTalkCatalogDetails`.
 */
export interface OrchestrationDetails {
  /** Full type name. */
  name: string;
  /** Full name of its assembly, or null when the back end cannot tell. */
  assembly: string | null;
  /** The host it is bound to, or null when unbound. */
  host: string | null;
  /** Unenlisted, Enlisted, Started. */
  status: string;
}

export interface SendPortDetails {
  name: string;
  isDynamic: boolean;
  isTwoWay: boolean;
  /** Adapter name (FILE, SFTP, WCF-BasicHttp ...) of the primary transport; null for a dynamic port. */
  transportType: string | null;
  address: string | null;
  /** Host of the primary transport's send handler. */
  sendHandlerHost: string | null;
}

export interface ReceiveLocationDetails {
  name: string;
  transportType: string | null;
  address: string | null;
  receiveHandlerHost: string | null;
  enabled: boolean;
}

export interface ReceivePortDetails {
  name: string;
  isTwoWay: boolean;
  locations: ReceiveLocationDetails[];
}

export interface SendPortGroupDetails {
  name: string;
  sendPorts: string[];
}

export interface PolicyDetails {
  name: string;
  /** `major.minor`. */
  version: string;
}

export interface ApplicationDetails extends ApplicationInfo {
  /** Never null here: the back end knows them. BizTalk.System left out. */
  references: string[];
  /** Applications that reference this one, BizTalk.System left out. */
  backReferences: string[];
  /** Full names of the application's BizTalk assemblies. */
  assemblies: string[];
  orchestrations: OrchestrationDetails[];
  sendPorts: SendPortDetails[];
  receivePorts: ReceivePortDetails[];
  sendPortGroups: SendPortGroupDetails[];
  policies: PolicyDetails[];
}

export interface BizTalkCatalogDetails {
  /** Every application with its artifacts, in the group's order. */
  describeApplicationsDetailed(): Promise<ApplicationDetails[]>;
  /**
   * Makes `application` reference `referenced` (ImportApp does not restore references). Idempotent: true when the
   * reference was added, false when it was already there. E_APP_NOT_FOUND, E_REFERENCE_CYCLE.
   */
  addReference(application: string, referenced: string): Promise<boolean>;
}

export function hasCatalogDetails(catalog: BizTalkCatalog): catalog is BizTalkCatalog & BizTalkCatalogDetails {
  const candidate = catalog as Partial<BizTalkCatalogDetails>;
  return typeof candidate.describeApplicationsDetailed === 'function' && typeof candidate.addReference === 'function';
}
