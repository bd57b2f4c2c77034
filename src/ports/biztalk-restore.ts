import type { BizTalkGroup, OperationOutcome } from './biztalk-group.js';

export interface ImportApplicationOptions {
  /** ImportApp /Overwrite: only when the user asked for it. */
  overwrite: boolean;
  /** ImportApp /Environment: picks the binding files added for that environment. */
  environment?: string;
}

/**
 * What a restore needs from a group, beyond reading it (BizTalkGroup: catalog, resources, bindings, GAC).
 * Every call names its application explicitly: BTSTask silently targets the default application otherwise.
 * Implemented by the simulator (in process), BTSTask + ExplorerOM + msiexec on a real server.
 */
export interface BizTalkRestoreTarget extends BizTalkGroup {
  /** ImportApp /Package /ApplicationName [/Environment] [/Overwrite]. Does NOT add application references. */
  importApplication(application: string, msiPath: string, options: ImportApplicationOptions): Promise<OperationOutcome>;
  /**
   * ImportBindings /Source /ApplicationName. Takes the XML itself, with secrets already put back in memory, so an
   * adapter that can import from memory never writes them to disk (see each adapter for what it must do).
   */
  importBindings(application: string, bindingsXml: string): Promise<OperationOutcome>;
  /** Application.AddReference (ExplorerOM): BTSTask has no command for it. */
  addReference(application: string, referenced: string): Promise<OperationOutcome>;
  /** msiexec /i <msi> /qn /l*v <log>: installs the application on this server (GAC, files, web directories). */
  installPackage(msiPath: string, logPath: string): Promise<OperationOutcome>;
  /** Puts a harvested DLL into this server's GAC (destination omitted) or copies it to a recorded folder. */
  installAssembly(dllPath: string, fullName: string, destination?: string): Promise<OperationOutcome>;
}

/** The ExplorerOM seam for references (src/adapters/explorerom/ builds the real one). */
export interface ApplicationReferenceEditor {
  addReference(application: string, referenced: string): Promise<void>;
}
