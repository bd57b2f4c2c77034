import { promises as fs } from 'node:fs';
import path from 'node:path';
import { SYSTEM_APPLICATION, type AdapterHandlerInfo, type ApplicationInfo, type ApplicationStatus, type GroupInfo, type HostInfo, type ResourceInfo } from '../../core/model.js';
import { BtsBackupError } from '../../errors/index.js';
import type { BizTalkGroup, BizTalkGroupBindings, OperationOutcome, ResourceRef } from '../../ports/biztalk-group.js';
import { defaultGacRoot, locateInGac } from '../dotnet/gac-path.js';
import { callBtsTask, type BtsTaskLog, type RetryOptions } from './btstask-call.js';
import type { BtsTaskOutput } from './btstask-output.js';
import type { BtsTaskRunner, ProcessRun } from './btstask-runner.js';
import { readResourceSpec, restrictResourceSpec, writeResourceSpec } from './resource-spec.js';
import { createTempArea } from '../temp/temp-area.js';

export interface BtsTaskGroupOptions {
  runner: BtsTaskRunner;
  /** SQL instance of BizTalkMgmtDb; passed as /Server when given. */
  server?: string;
  /** Passed as /Database when given. */
  database?: string;
  /** The .NET 4 GAC folder (GAC_MSIL, GAC_32, GAC_64 below it). Default on Windows: %WINDIR%\Microsoft.NET\assembly. */
  gacRoot?: string;
  /** Where ResourceSpec temp files go; default the OS temp folder. */
  tempDir?: string;
  /** Retries of transient BTSTask failures (locked temp CAB, access denied); tests shorten the pauses. */
  retry?: Partial<RetryOptions>;
  /** Where retry notices go (the CLI's log lines). */
  log?: BtsTaskLog;
  /** The TEMP folder BTSTask runs with (default TEMP/TMP of this process), named in the "space in TEMP" hint. */
  tempPath?: string;
}

/**
 * A BizTalk group driven through BTSTask.exe. Every application-scoped call passes /ApplicationName explicitly:
 * BTSTask silently targets the default application when it is omitted. Calls are serialized per group (BTSTask's
 * temp CABs under %TEMP%\BT\PID<n> collide when exports run side by side).
 */
export class BtsTaskGroup implements BizTalkGroup, BizTalkGroupBindings {
  readonly source = 'btstask';
  private readonly options: BtsTaskGroupOptions;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: BtsTaskGroupOptions) {
    this.options = options;
  }

  async describeGroup(): Promise<GroupInfo> {
    return { server: this.options.server ?? '(local)', database: this.options.database ?? 'BizTalkMgmtDb', source: this.source };
  }

  /**
   * Fallback inventory from ListApps' console text. Its layout is undocumented: names are read from lines carrying
   * `Name: "<app>"`; references are unknown (null: read them from the exported ADF); status is NotApplicable unless
   * the line states one. Prefer ExplorerOM when it is available.
   */
  async listApplications(): Promise<ApplicationInfo[]> {
    const { output, run } = await this.executeRun('ListApps', []);
    if ((run.stdoutOmittedBytes ?? 0) > 0) {
      throw new BtsBackupError('E_BTSTASK_OUTPUT', `BTSTask ListApps printed more than BizTalkBackup keeps (${run.stdoutOmittedBytes} bytes left out): the application list would be incomplete.`, {
        hint: 'Use the ExplorerOM back end for the inventory (--catalog explorerom); ListApps text is the last resort.',
        details: { stdoutOmittedBytes: run.stdoutOmittedBytes },
      });
    }
    const apps: ApplicationInfo[] = [];
    const lines = [...output.text, ...output.information].flatMap((entry) => entry.split('\n'));
    for (const line of lines) {
      // `Name: "<app>"` in English; any label ending in "name" (`Anwendungsname:`) on localised servers.
      const name = /(?:^|[\s,;])\p{L}{0,40}name\s*[:=]\s*"([^"]+)"/iu.exec(line)?.[1];
      if (name === undefined || apps.some((app) => app.name === name)) continue;
      apps.push({
        name,
        description: /\b\p{L}{0,40}(?:Description|Beschreibung)\s*[:=]\s*"([^"]*)"/iu.exec(line)?.[1] ?? '',
        isSystem: name === SYSTEM_APPLICATION,
        isDefault: /\bDefault\s*[:=]\s*"?true"?/i.test(line),
        status: parseStatus(line),
        references: null,
      });
    }
    if (apps.length === 0) {
      throw new BtsBackupError('E_BTSTASK_OUTPUT', 'BTSTask ListApps succeeded but listed no application BizTalkBackup could read (BizTalk.System is always there).', {
        hint: 'ListApps text is undocumented and may differ between BizTalk versions and languages: use the ExplorerOM back end for the inventory.',
        details: { text: output.text.slice(0, 20), information: output.information.slice(0, 20) },
      });
    }
    return apps;
  }

  async listHosts(): Promise<HostInfo[]> {
    throw unsupported('hosts');
  }

  async listAdapterHandlers(): Promise<AdapterHandlerInfo[]> {
    throw unsupported('adapter handlers');
  }

  /** ListApp /ResourceSpec into a temp file: Type and Luid of every resource, the generated binding included. */
  async listResources(application: string): Promise<ResourceInfo[]> {
    return this.withTempDir(async (dir) => {
      const specFile = path.join(dir, 'ResourceSpec.xml');
      const spec = await this.readSpec(application, specFile);
      return spec.resources.map((ref) => ({ type: ref.type, luid: ref.luid, properties: {} }));
    });
  }

  async exportApplication(application: string, packagePath: string, resources?: ResourceRef[]): Promise<OperationOutcome> {
    if (resources === undefined) {
      return outcome(await this.execute('ExportApp', [formatParameter('ApplicationName', application), formatParameter('Package', packagePath)], application));
    }
    return this.withTempDir(async (dir) => {
      const full = await this.readSpec(application, path.join(dir, 'ResourceSpec.xml'));
      const restrictedFile = path.join(dir, 'ResourceSpec.restricted.xml');
      await fs.writeFile(restrictedFile, writeResourceSpec(restrictResourceSpec(full, resources)));
      return outcome(
        await this.execute(
          'ExportApp',
          [formatParameter('ApplicationName', application), formatParameter('Package', packagePath), formatParameter('ResourceSpec', restrictedFile)],
          application,
        ),
      );
    });
  }

  async exportBindings(application: string, destinationPath: string): Promise<OperationOutcome> {
    return outcome(await this.execute('ExportBindings', [formatParameter('Destination', destinationPath), formatParameter('ApplicationName', application)], application));
  }

  /**
   * ExportBindings /GroupLevel: every application's bindings in one BindingInfo file, in one BTSTask process (each
   * port names its application in `<ApplicationName>`). No /ApplicationName: BTSTask refuses it beside /GroupLevel.
   */
  async exportGroupBindings(destinationPath: string): Promise<OperationOutcome> {
    return outcome(await this.execute('ExportBindings', [formatParameter('Destination', destinationPath), '/GroupLevel']));
  }

  /** The assembly's file in the .NET 4 GAC (GAC_MSIL, then GAC_32, GAC_64), or undefined. */
  async locateAssembly(fullName: string): Promise<string | undefined> {
    return locateInGac(this.gacRoot(), fullName);
  }

  private gacRoot(): string {
    if (this.options.gacRoot !== undefined) return this.options.gacRoot;
    const machine = defaultGacRoot();
    if (machine !== undefined) return machine;
    throw new BtsBackupError('E_USAGE', 'No GAC folder is configured for the BTSTask back end.', { hint: 'Pass gacRoot (the folder holding GAC_MSIL) when not running on Windows.' });
  }

  private async readSpec(application: string, specFile: string) {
    await this.execute('ListApp', [formatParameter('ApplicationName', application), formatParameter('ResourceSpec', specFile)], application);
    let bytes: Uint8Array;
    try {
      bytes = await fs.readFile(specFile);
    } catch (cause) {
      throw new BtsBackupError('E_BTSTASK_OUTPUT', `BTSTask ListApp reported success but wrote no ResourceSpec file for "${application}".`, { target: application, cause });
    }
    return readResourceSpec(bytes, `ResourceSpec of ${application}`);
  }

  /** Runs one command (serialized per group) with /Server and /Database appended when configured. */
  private async execute(command: string, args: string[], target?: string): Promise<BtsTaskOutput> {
    return (await this.executeRun(command, args, target)).output;
  }

  private executeRun(command: string, args: string[], target?: string): Promise<{ output: BtsTaskOutput; run: ProcessRun }> {
    const full = [command, ...args];
    if (this.options.server !== undefined) full.push(formatParameter('Server', this.options.server));
    if (this.options.database !== undefined) full.push(formatParameter('Database', this.options.database));
    const run = this.queue.then(() =>
      callBtsTask(this.options.runner, full, { target, tempPath: this.options.tempPath ?? defaultTempPath(), retry: this.options.retry, log: this.options.log }),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
    const area = await createTempArea('btstask', this.options.tempDir === undefined ? {} : { root: this.options.tempDir });
    try {
      return await body(area.path);
    } finally {
      await area.remove();
    }
  }
}

/** One argv element, always the full documented parameter name: `/ApplicationName:Zahlungsverkehr Süd`. */
function formatParameter(name: string, value: string): string {
  return `/${name}:${value}`;
}

/** The TEMP folder a child started by us sees (Windows: TEMP, then TMP). */
export function defaultTempPath(): string | undefined {
  return process.env['TEMP'] ?? process.env['TMP'];
}

function outcome(output: BtsTaskOutput): OperationOutcome {
  return { information: output.information, warnings: output.warnings };
}

function parseStatus(line: string): ApplicationStatus {
  const status = /\bStatus\s*[:=]\s*"?(Started|Stopped|PartiallyStarted|NotApplicable)"?/i.exec(line)?.[1]?.toLowerCase();
  if (status === 'started') return 'Started';
  if (status === 'stopped') return 'Stopped';
  if (status === 'partiallystarted') return 'PartiallyStarted';
  return 'NotApplicable';
}

function unsupported(what: string): BtsBackupError {
  return new BtsBackupError('E_UNSUPPORTED', `BTSTask cannot list ${what}.`, {
    hint: `Use the ExplorerOM back end (BtsCatalogExplorer.Hosts and the adapter handlers) to list ${what}; BTSTask only deploys applications.`,
  });
}
