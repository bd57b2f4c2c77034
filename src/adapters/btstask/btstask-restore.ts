import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { AdapterHandlerInfo, ApplicationInfo, GroupInfo, HostInfo, ResourceInfo } from '../../core/model.js';
import { BtsBackupError } from '../../errors/index.js';
import type { BizTalkGroup, OperationOutcome, ResourceRef } from '../../ports/biztalk-group.js';
import type { ApplicationReferenceEditor, BizTalkRestoreTarget, ImportApplicationOptions } from '../../ports/biztalk-restore.js';
import { installWithMsiexec, type MsiexecInstallOptions } from '../msiexec/msiexec.js';
import { callBtsTask, type BtsTaskLog, type RetryOptions } from './btstask-call.js';
import { defaultTempPath } from './btstask-group.js';
import { ProcessRunner, type BtsTaskRunner } from './btstask-runner.js';
import { createTempArea } from '../temp/temp-area.js';

export interface BtsTaskRestoreOptions {
  /** Reads: catalog (ExplorerOM or BTSTask), ListApp, ExportBindings, the GAC. */
  group: BizTalkGroup;
  /** BTSTask.exe (or the emulator). */
  runner: BtsTaskRunner;
  server?: string;
  database?: string;
  /** ExplorerOM's Application.AddReference; BTSTask has no command for references. */
  references?: ApplicationReferenceEditor;
  /** Runs msiexec.exe (argument array, never a shell string). */
  msiexec?: BtsTaskRunner;
  /** 1618 (another installation in progress) backoff; tests shorten it. */
  msiexecRetry?: Pick<MsiexecInstallOptions, 'busyDelaysMs' | 'sleep' | 'onRetry'>;
  /** Runs powershell.exe for the GAC install of harvested DLLs. */
  powershell?: BtsTaskRunner;
  /** ImportApp's own limit is 3600 s. */
  importTimeoutMs?: number;
  tempDir?: string;
  /** Retries of transient BTSTask failures (locked temp CAB, access denied); tests shorten the pauses. */
  retry?: Partial<RetryOptions>;
  log?: BtsTaskLog;
}

/**
 * A real BizTalk server as a restore target: BTSTask ImportApp / ImportBindings with an explicit /ApplicationName
 * always, ExplorerOM for references, msiexec for installs. BTSTask reads bindings from a file only: the XML with its
 * secrets is written to a private folder (owner-only permissions), handed to BTSTask, then overwritten and deleted
 * whatever happens. Calls are serialized (BTSTask's temp CABs collide).
 */
export class BtsTaskRestoreTarget implements BizTalkRestoreTarget {
  readonly source: string;
  private readonly options: BtsTaskRestoreOptions;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: BtsTaskRestoreOptions) {
    this.options = options;
    this.source = options.group.source;
  }

  describeGroup(): Promise<GroupInfo> {
    return this.options.group.describeGroup();
  }
  listApplications(): Promise<ApplicationInfo[]> {
    return this.options.group.listApplications();
  }
  listHosts(): Promise<HostInfo[]> {
    return this.options.group.listHosts();
  }
  listAdapterHandlers(): Promise<AdapterHandlerInfo[]> {
    return this.options.group.listAdapterHandlers();
  }
  listResources(application: string): Promise<ResourceInfo[]> {
    return this.options.group.listResources(application);
  }
  exportApplication(application: string, packagePath: string, resources?: ResourceRef[]): Promise<OperationOutcome> {
    return this.options.group.exportApplication(application, packagePath, resources);
  }
  exportBindings(application: string, destinationPath: string): Promise<OperationOutcome> {
    return this.options.group.exportBindings(application, destinationPath);
  }
  locateAssembly(fullName: string): Promise<string | undefined> {
    return this.options.group.locateAssembly(fullName);
  }

  importApplication(application: string, msiPath: string, options: ImportApplicationOptions): Promise<OperationOutcome> {
    const args = ['ImportApp', parameter('Package', msiPath), parameter('ApplicationName', application)];
    if (options.environment !== undefined) args.push(parameter('Environment', options.environment));
    if (options.overwrite) args.push('/Overwrite');
    return this.btstask(args, application, this.options.importTimeoutMs ?? 3600_000);
  }

  async importBindings(application: string, bindingsXml: string): Promise<OperationOutcome> {
    // A swept temp area (owner-only, owner recorded): if we are killed while BTSTask reads it, the next run removes it.
    const area = await createTempArea('bind', this.options.tempDir === undefined ? {} : { root: this.options.tempDir });
    const file = path.join(area.path, 'BindingInfo.xml');
    const bytes = Buffer.from(bindingsXml, 'utf8');
    try {
      const handle = await fs.open(file, 'wx', 0o600);
      try {
        await handle.writeFile(bytes);
      } finally {
        await handle.close();
      }
      return await this.btstask(['ImportBindings', parameter('Source', file), parameter('ApplicationName', application)], application);
    } finally {
      bytes.fill(0);
      await area.remove();
    }
  }

  async addReference(application: string, referenced: string): Promise<OperationOutcome> {
    if (this.options.references === undefined) {
      throw new BtsBackupError('E_EXPLOREROM_UNAVAILABLE', `Cannot add the reference from "${application}" to "${referenced}": BTSTask has no command for references and ExplorerOM is not available.`, {
        target: application,
        hint: 'Run the restore where ExplorerOM (the BizTalk administration tools) is installed, or add the reference in the BizTalk Administration console (Properties > References).',
      });
    }
    await this.options.references.addReference(application, referenced);
    return { information: [`Application "${application}" now references "${referenced}".`], warnings: [] };
  }

  async installPackage(msiPath: string, logPath: string): Promise<OperationOutcome> {
    return installWithMsiexec(msiPath, logPath, { runner: this.options.msiexec ?? new ProcessRunner({ command: 'msiexec.exe', timeoutMs: 3600_000 }), ...this.options.msiexecRetry });
  }

  async installAssembly(dllPath: string, fullName: string, destination?: string): Promise<OperationOutcome> {
    if (destination !== undefined) {
      if (!path.isAbsolute(destination)) throw new BtsBackupError('E_PATH_UNSAFE', `The destination ${destination} of ${fullName} is not an absolute folder.`, { target: destination });
      await fs.mkdir(destination, { recursive: true });
      await fs.copyFile(dllPath, path.join(destination, path.basename(dllPath)));
      return { information: [`Copied ${fullName} to ${destination}.`], warnings: [] };
    }
    const runner = this.options.powershell ?? new ProcessRunner({ command: 'powershell.exe', timeoutMs: 600_000 });
    const script = `$ErrorActionPreference='Stop'; Add-Type -AssemblyName System.EnterpriseServices; (New-Object System.EnterpriseServices.Internal.Publish).GacInstall('${dllPath.replace(/'/g, "''")}')`;
    const run = await runner.run(['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', Buffer.from(script, 'utf16le').toString('base64')]);
    // Publish.GacInstall reports failures to the event log only: check the GAC afterwards.
    const installed = run.exitCode === 0 ? await this.options.group.locateAssembly(fullName) : undefined;
    if (installed === undefined) {
      throw new BtsBackupError('E_INSTALL_FAILED', `${fullName} could not be put into the GAC (exit code ${run.exitCode}).`, {
        target: fullName,
        hint: 'Run the restore as an administrator, or install the DLL with gacutil /i.',
        details: { exitCode: run.exitCode, stderr: run.stderr.slice(0, 2000) },
      });
    }
    return { information: [`Installed ${fullName} into the GAC.`], warnings: [] };
  }

  private btstask(args: string[], application: string, timeoutMs?: number): Promise<OperationOutcome> {
    const full = [...args];
    if (this.options.server !== undefined) full.push(parameter('Server', this.options.server));
    if (this.options.database !== undefined) full.push(parameter('Database', this.options.database));
    const run = this.queue.then(async () => {
      const { output } = await callBtsTask(this.options.runner, full, { target: application, timeoutMs, tempPath: defaultTempPath(), retry: this.options.retry, log: this.options.log });
      return { information: output.information, warnings: output.warnings };
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** One argv element with the full documented parameter name: `/ApplicationName:Zahlungsverkehr Süd`. */
function parameter(name: string, value: string): string {
  return `/${name}:${value}`;
}
