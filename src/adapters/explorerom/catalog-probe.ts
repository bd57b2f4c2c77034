import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BtsBackupError, isBtsBackupError } from '../../errors/index.js';
import type { BizTalkCatalog } from '../../ports/biztalk-group.js';
import { DEFAULT_EXPLOREROM_TIMEOUT_MS, interruptedCall, type BridgeCallControl } from './call-control.js';
import { createEdgeInvoker, type EdgeBridgeOptions } from './edge-invoker.js';
import { ExplorerOmCatalog, managementConnectionString } from './explorerom-catalog.js';
import { createHelperInvoker, type HelperOptions } from './helper-invoker.js';
import { explorerOmUnavailable } from './unavailable.js';

/**
 * Chooses the catalog adapter at run time, best first:
 *   1. ExplorerOM in-process through edge-js (probed first in a throw-away node process: a bad load can crash it);
 *   2. ExplorerOM in the 32-bit helper (Windows PowerShell x86 from SysWOW64 hosting the same bridge);
 *   3. the fallback the caller gives: BTSTask plus the ADFs of exported MSIs.
 * Every attempt is recorded with its typed error, so `inventory` can say which source it used and why not the others.
 */
export interface CatalogProbeOptions {
  server: string;
  database: string;
  biztalkVersion?: string;
  /** Default: `managementConnectionString(server, database)`. */
  connectionString?: string;
  /** In-process ExplorerOM; `false` skips it. Default: the platform's defaults (`defaultEdgeOptions()`). */
  edge?: EdgeBridgeOptions | false;
  /** The 32-bit helper; `false` skips it. Default on Windows: SysWOW64 PowerShell; elsewhere skipped. */
  helper?: HelperOptions | false;
  /** The last resort, e.g. BTSTask plus ADFs. */
  fallback: () => BizTalkCatalog | Promise<BizTalkCatalog>;
  /** Probe the in-process path in a child node process first (default true). */
  isolateInProcessProbe?: boolean;
  /** The child probe's limit: it loads the CLR and compiles the bridge (60 s), then opens the catalog once (one call's timeout). */
  probeTimeoutMs?: number;
  /** Every ExplorerOM call's timeout and the run's stop signal (in-process and helper alike). */
  call?: BridgeCallControl;
}

export interface CatalogProbeAttempt {
  source: string;
  ok: boolean;
  error?: { code: string; reason?: string; message: string; hint?: string };
}

export interface CatalogChoice {
  catalog: BizTalkCatalog;
  /** explorerom, explorerom-x86, or the fallback's source (btstask ...). */
  source: string;
  attempts: CatalogProbeAttempt[];
}

/** Where ExplorerOM usually is on a BizTalk server or administration workstation. */
export function defaultExplorerOmPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explicit = env['BTSBACKUP_EXPLOREROM_PATH'];
  if (explicit !== undefined && explicit !== '') return explicit;
  if (process.platform !== 'win32') return undefined;
  const roots = [env['ProgramFiles(x86)'], env['ProgramFiles']].filter((r): r is string => r !== undefined);
  const folders = ['Microsoft BizTalk Server', 'Microsoft BizTalk Server 2020', 'Microsoft BizTalk Server 2016', 'Microsoft BizTalk Server 2013 R2', 'Microsoft BizTalk Server 2013'];
  for (const root of roots) {
    for (const folder of folders) {
      const candidate = path.win32.join(root, folder, 'Developer Tools', 'Microsoft.BizTalk.ExplorerOM.dll');
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

export function defaultEdgeOptions(): EdgeBridgeOptions {
  const explorerOmPath = defaultExplorerOmPath();
  return { useCoreClr: process.platform !== 'win32', ...(explorerOmPath === undefined ? {} : { explorerOmPath }) };
}

export async function chooseCatalog(options: CatalogProbeOptions): Promise<CatalogChoice> {
  const connectionString = options.connectionString ?? managementConnectionString(options.server, options.database);
  const base = { server: options.server, database: options.database, connectionString, ...(options.biztalkVersion === undefined ? {} : { biztalkVersion: options.biztalkVersion }) };
  const attempts: CatalogProbeAttempt[] = [];

  if (options.edge !== false) {
    const edge = options.edge ?? defaultEdgeOptions();
    try {
      if (options.isolateInProcessProbe ?? true) await probeInChild(edge, connectionString, options.probeTimeoutMs ?? 60_000 + (options.call?.timeoutMs ?? DEFAULT_EXPLOREROM_TIMEOUT_MS), options.call?.signal);
      const catalog = new ExplorerOmCatalog({ ...base, invoker: createEdgeInvoker(edge, options.call), source: 'explorerom' });
      await catalog.probe();
      attempts.push({ source: 'explorerom', ok: true });
      return { catalog, source: catalog.source, attempts };
    } catch (error) {
      if (isBtsBackupError(error) && error.code === 'E_INTERRUPTED') throw error;
      attempts.push(failed('explorerom', error));
    }
  }

  const helper = options.helper ?? (process.platform === 'win32' ? {} : false);
  if (helper !== false) {
    try {
      const catalog = new ExplorerOmCatalog({ ...base, invoker: createHelperInvoker(helper, options.call), source: 'explorerom-x86' });
      await catalog.probe();
      attempts.push({ source: 'explorerom-x86', ok: true });
      return { catalog, source: catalog.source, attempts };
    } catch (error) {
      if (isBtsBackupError(error) && error.code === 'E_INTERRUPTED') throw error;
      attempts.push(failed('explorerom-x86', error));
    }
  } else {
    const why = options.helper === false ? 'The 32-bit helper was not asked for.' : 'The 32-bit helper (Windows PowerShell x86) exists only on Windows.';
    attempts.push(failed('explorerom-x86', explorerOmUnavailable('helper-unavailable', why)));
  }

  const catalog = await options.fallback();
  attempts.push({ source: catalog.source, ok: true });
  return { catalog, source: catalog.source, attempts };
}

function failed(source: string, error: unknown): CatalogProbeAttempt {
  if (isBtsBackupError(error)) {
    const reason = error.details?.['reason'];
    return {
      source,
      ok: false,
      error: { code: error.code, message: error.message, ...(typeof reason === 'string' ? { reason } : {}), ...(error.hint === undefined ? {} : { hint: error.hint }) },
    };
  }
  return { source, ok: false, error: { code: 'E_INTERNAL', message: error instanceof Error ? error.message : String(error) } };
}

/** Runs edge-probe-child.js: resolves when ExplorerOM loads in a process like this one, else throws its typed error. */
export async function probeInChild(edge: EdgeBridgeOptions, connectionString: string | undefined, timeoutMs: number, stop?: AbortSignal, request?: Record<string, unknown>): Promise<void> {
  if (stop?.aborted === true) throw interruptedCall('probe', stop.reason);
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'edge-probe-child.js');
  const input = JSON.stringify({ edge, ...(connectionString === undefined ? {} : { connectionString }), ...(request === undefined ? {} : { request }) });
  const { code, signal, stdout, stderr, timedOut } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; timedOut: boolean }>(
    (resolve) => {
      const child = spawn(process.execPath, [script, input], { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
      let out = '';
      let err = '';
      let expired = false;
      const timer = setTimeout(() => {
        expired = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      const onAbort = (): void => void child.kill('SIGKILL');
      stop?.addEventListener('abort', onAbort, { once: true });
      child.on('close', () => stop?.removeEventListener('abort', onAbort));
      child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c.length > 100_000 ? c.slice(-100_000) : c));
      child.on('error', (e) => {
        clearTimeout(timer);
        resolve({ code: null, signal: null, stdout: '', stderr: e.message, timedOut: false });
      });
      child.on('close', (c, s) => {
        clearTimeout(timer);
        resolve({ code: c, signal: s, stdout: out, stderr: err, timedOut: expired });
      });
    },
  );
  if (wasAborted(stop)) throw interruptedCall('probe', stop?.reason);
  if (timedOut) throw explorerOmUnavailable('timeout', `Loading ExplorerOM in-process did not finish within ${timeoutMs} ms.`, { details: { timeoutMs } });
  const line = stdout
    .split(/\r?\n/)
    .filter((l) => l.startsWith('{'))
    .pop();
  if (line !== undefined) {
    const answer = JSON.parse(line) as { ok: boolean; error?: { code?: string; message?: string; hint?: string; details?: Record<string, unknown>; target?: string } };
    if (answer.ok) return;
    const e = answer.error ?? {};
    if (e.code === 'E_EXPLOREROM_UNAVAILABLE' || e.code === undefined) {
      throw new BtsBackupError('E_EXPLOREROM_UNAVAILABLE', e.message ?? 'ExplorerOM is unavailable in-process.', { hint: e.hint, target: e.target, details: e.details ?? { reason: 'edge-failed' } });
    }
    throw new BtsBackupError('E_EXPLOREROM_UNAVAILABLE', e.message ?? 'ExplorerOM is unavailable in-process.', { hint: e.hint, details: { reason: 'catalog-error', ...(e.details ?? {}), childCode: e.code } });
  }
  const tail = stderr.split(/\r?\n/).filter((l) => !/^\s+at /.test(l)).slice(-20).join('\n');
  const loadCrash = /Stack overflow/i.test(stderr) && /LoadFrom|Assembly_Resolving|InternalLoad/.test(stderr);
  throw explorerOmUnavailable(
    'probe-crashed',
    `Loading ExplorerOM in-process crashed the probe process (exit ${code ?? signal ?? 'unknown'})${loadCrash ? ': the assembly resolver overflowed the stack, as edge-js does on CoreCLR when an assembly cannot be loaded (typically the wrong bitness)' : ''}.`,
    { details: { exitCode: code, signal, stderr: tail, assemblyLoadCrash: loadCrash } },
  );
}

/** Read after an await: the signal may have been aborted meanwhile. */
function wasAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
