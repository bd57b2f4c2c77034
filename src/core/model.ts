/** The vocabulary of a BizTalk group as BizTalkBackup sees it. Plain data only. */

export const SYSTEM_APPLICATION = 'BizTalk.System';

export const ResourceType = {
  BizTalkAssembly: 'System.BizTalk:BizTalkAssembly',
  Assembly: 'System.BizTalk:Assembly',
  BizTalkBinding: 'System.BizTalk:BizTalkBinding',
  Bam: 'System.BizTalk:Bam',
  Certificate: 'System.BizTalk:Certificate',
  Com: 'System.BizTalk:Com',
  File: 'System.BizTalk:File',
  PreProcessingScript: 'System.BizTalk:PreProcessingScript',
  PostProcessingScript: 'System.BizTalk:PostProcessingScript',
  Rules: 'System.BizTalk:Rules',
  WebDirectory: 'System.BizTalk:WebDirectory',
} as const;

export type ApplicationStatus = 'Started' | 'Stopped' | 'PartiallyStarted' | 'NotApplicable';

export interface GroupInfo {
  /** SQL Server instance of BizTalkMgmtDb. */
  server: string;
  database: string;
  biztalkVersion?: string;
  /** Which back end answered: simulator, btstask, explorerom. */
  source: string;
}

export interface ApplicationInfo {
  name: string;
  description: string;
  isSystem: boolean;
  isDefault: boolean;
  status: ApplicationStatus;
  /**
   * Names of the applications this one references, BizTalk.System left out (every application references it).
   * `null` when the back end cannot tell (BTSTask alone): the export then reads them from the exported ADF.
   */
  references: string[] | null;
}

/** A resource as ListApp /ResourceSpec (Type, Luid) and the ADF (properties) describe it. */
export interface ResourceInfo {
  type: string;
  luid: string;
  properties: Record<string, string>;
  /** SHA-256 of the resource's bytes when the back end can give it cheaply. */
  sha256?: string;
}

export interface HostInfo {
  name: string;
  trusted: boolean;
  type: 'InProcess' | 'Isolated';
}

export interface AdapterHandlerInfo {
  adapter: string;
  host: string;
  direction: 'Receive' | 'Send';
}

export interface AssemblyIdentity {
  name: string;
  version: string;
  culture: string;
  /** 16 lower-case hex digits, or null for an unsigned assembly. */
  publicKeyToken: string | null;
}
