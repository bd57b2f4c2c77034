import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BtsBackupError } from '../../errors/index.js';
import type { BridgeRequest } from './bridge-protocol.js';
import { DEFAULT_EXPLOREROM_TIMEOUT_MS, explorerOmTimeout, interruptedCall, noteAbandoned, type BridgeCallControl } from './call-control.js';
import { loadableIn, readPeBitnessOfFile } from './pe-bitness.js';
import { explorerOmUnavailable } from './unavailable.js';

/** How to reach the bridge in-process through edge-js. */
export interface EdgeBridgeOptions {
  /**
   * The bridge compiled ahead of time (a DLL holding `Startup`). On CoreCLR this is how it runs (tests/setup builds it
   * into .cache/explorerom/bridge). Without it, edge-js compiles `bridgeSource` at run time (Windows, .NET Framework).
   */
  assemblyFile?: string;
  /** The bridge's C# source for run-time compilation; default: ExplorerOmBridge.cs found by `defaultBridgeSource()`. */
  bridgeSource?: string;
  /** Microsoft.BizTalk.ExplorerOM.dll: referenced by the run-time compilation, and checked for bitness before loading. */
  explorerOmPath?: string;
  /** CoreCLR only: the folder with the app's *.deps.json and *.runtimeconfig.json (EDGE_APP_ROOT). */
  appRoot?: string;
  /** Run edge-js on CoreCLR (EDGE_USE_CORECLR); forced on anything but Windows. */
  useCoreClr?: boolean;
  /** The edge-js module to load (a package name or a path); default `edge-js`. */
  edgeModule?: string;
  /** The bridge's entry type (default `Startup`, ExplorerOmBridge.cs's); the deployment-API bridge has its own. */
  typeName?: string;
  /** More assemblies the run-time compilation references (the deployment-API bridge: the engine, Microsoft.BizTalk.Deployment). */
  references?: string[];
  /** What the bridge loads, in messages (default `ExplorerOM`). */
  label?: string;
}

type EdgeFunc = (input: unknown, callback: (error: unknown, result: unknown) => void) => void;
interface EdgeModule {
  func(options: Record<string, unknown>): EdgeFunc;
}

/** edge-js loads one CLR per process, configured by environment variables read at load: remember the first outcome. */
let loaded: { module?: EdgeModule; error?: unknown; key: string } | undefined;

/** The bridge source shipped with the module: beside the compiled adapter, or in src/ of a checkout. */
export function defaultBridgeSource(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'ExplorerOmBridge.cs'), path.resolve(here, '../../../../src/adapters/explorerom/ExplorerOmBridge.cs')];
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0]!;
}

/** Loads edge-js (once per process) and classifies why it cannot be loaded. */
export function loadEdge(options: EdgeBridgeOptions): EdgeModule {
  const useCoreClr = options.useCoreClr ?? process.platform !== 'win32';
  const key = JSON.stringify([options.edgeModule ?? 'edge-js', useCoreClr, options.appRoot ?? '']);
  if (loaded === undefined) {
    if (useCoreClr) process.env['EDGE_USE_CORECLR'] = '1';
    if (options.appRoot !== undefined) process.env['EDGE_APP_ROOT'] = options.appRoot;
    try {
      const require = createRequire(import.meta.url);
      loaded = { module: require(options.edgeModule ?? 'edge-js') as EdgeModule, key };
    } catch (error) {
      loaded = { error, key };
    }
  }
  if (loaded.error !== undefined) throw classifyEdgeLoadError(loaded.error);
  if (loaded.key !== key) {
    throw explorerOmUnavailable('edge-failed', 'edge-js was already loaded in this process with another configuration (one CLR per process).', {
      details: { loadedWith: loaded.key, requested: key },
    });
  }
  return loaded.module!;
}

export function classifyEdgeLoadError(error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const details = { message };
  if (code === 'MODULE_NOT_FOUND' && /edge-js/.test(message) && !/\.node\b/.test(message)) {
    return explorerOmUnavailable('edge-not-installed', 'edge-js is not installed.', { cause: error, details });
  }
  if (/native module is not available|has not been pre-compiled|Failed to build edge-js|edge_(core|native)clr\.node/i.test(message) && !/NETCore|\.NET|hostfxr/i.test(message)) {
    return explorerOmUnavailable('edge-not-built', "edge-js's native addon is not built for this node.", { cause: error, details });
  }
  if (/unable to locate the \.NET|hostfxr|libcoreclr|Microsoft\.NETCore\.App|could not find.*dotnet|\.NET Framework|mscoree/i.test(message)) {
    return explorerOmUnavailable('no-dotnet', `edge-js found no .NET runtime: ${message}`, { cause: error, details });
  }
  return explorerOmUnavailable('edge-failed', `edge-js could not be loaded: ${message}`, { cause: error, details });
}

/**
 * A bridge invoker running the C# bridge in this process. Checks ExplorerOM's bitness first (without loading it) when
 * its path is known, loads edge-js lazily on the first request, and binds the bridge once. The bridge answers on a
 * thread-pool thread (node's event loop keeps running); each call has a timeout and gives way to `control.signal`.
 * ExplorerOM cannot be cancelled: a call given up is abandoned (E_EXPLOREROM_TIMEOUT or E_INTERRUPTED), its late answer
 * dropped, and `abandonedInProcessCalls()` tells the CLI to end the process once the run is wound up.
 */
export function createEdgeInvoker<R extends { op: string } = BridgeRequest>(options: EdgeBridgeOptions, control: BridgeCallControl = {}): (request: R) => Promise<unknown> {
  let func: EdgeFunc | undefined;
  let checked = false;
  const timeoutMs = control.timeoutMs ?? DEFAULT_EXPLOREROM_TIMEOUT_MS;
  return async (request: R) => {
    if (control.signal?.aborted === true) throw interruptedCall(request.op, control.signal.reason);
    if (!checked) {
      await checkBitness(options.explorerOmPath, options.label ?? 'ExplorerOM');
      checked = true;
    }
    if (func === undefined) func = bind(options);
    const bound = func;
    return new Promise<unknown>((resolve, reject) => {
      let settled = false;
      let abandoned = false;
      const giveUp = (error: BtsBackupError): void => {
        if (settled) return;
        settled = true;
        abandoned = true;
        noteAbandoned(1);
        cleanup();
        reject(error);
      };
      const timer = setTimeout(() => giveUp(explorerOmTimeout(request.op, timeoutMs, 'abandoned')), timeoutMs);
      const onAbort = (): void => giveUp(interruptedCall(request.op, control.signal?.reason));
      const cleanup = (): void => {
        clearTimeout(timer);
        control.signal?.removeEventListener('abort', onAbort);
      };
      control.signal?.addEventListener('abort', onAbort, { once: true });
      bound(request, (error, result) => {
        if (abandoned) {
          // The late answer of a call given up: nobody waits for it any more.
          noteAbandoned(-1);
          return;
        }
        if (settled) return;
        settled = true;
        cleanup();
        if (error !== null && error !== undefined) {
          const message = error instanceof Error ? error.message : String(error);
          const reason = /BadImageFormat/i.test(message) ? 'bad-image-format' : /Could not load file or assembly/i.test(message) ? 'assembly-not-found' : 'edge-failed';
          reject(explorerOmUnavailable(reason, `The ${options.label ?? 'ExplorerOM'} bridge failed in-process: ${message}`, { cause: error, details: { message } }));
        } else resolve(result);
      });
    });
  };
}

async function checkBitness(explorerOmPath: string | undefined, label: string): Promise<void> {
  if (explorerOmPath === undefined) return;
  if (!existsSync(explorerOmPath)) {
    throw explorerOmUnavailable('assembly-not-found', `${label === 'ExplorerOM' ? 'Microsoft.BizTalk.ExplorerOM' : label} was not found at ${explorerOmPath}.`, { target: explorerOmPath, details: { path: explorerOmPath } });
  }
  const bitness = await readPeBitnessOfFile(explorerOmPath);
  if (bitness === undefined) {
    throw explorerOmUnavailable('bad-image-format', `${explorerOmPath} is not a .NET assembly (BadImageFormatException).`, { target: explorerOmPath, details: { path: explorerOmPath } });
  }
  if (!loadableIn(bitness, process.arch)) {
    throw explorerOmUnavailable(
      'bad-image-format',
      `${explorerOmPath} cannot be loaded into this ${process.arch} process (BadImageFormatException: it requires ${bitness.requires32Bit ? '32-bit' : '64-bit'}).`,
      { target: explorerOmPath, details: { path: explorerOmPath, processArch: process.arch, ...bitness } },
    );
  }
}

function bind(options: EdgeBridgeOptions): EdgeFunc {
  const edge = loadEdge(options);
  try {
    if (options.assemblyFile !== undefined) {
      if (!existsSync(options.assemblyFile)) {
        throw explorerOmUnavailable('edge-failed', `The precompiled ExplorerOM bridge ${options.assemblyFile} does not exist.`, { details: { assemblyFile: options.assemblyFile } });
      }
      return edge.func({ assemblyFile: options.assemblyFile, typeName: options.typeName ?? 'Startup', methodName: 'Invoke' });
    }
    // On CoreCLR, edge-cs resolves framework references from the app's deps.json (PreserveCompilationContext); on the
    // .NET Framework it needs them named.
    const useCoreClr = options.useCoreClr ?? process.platform !== 'win32';
    const explorerOm = options.explorerOmPath ?? 'Microsoft.BizTalk.ExplorerOM.dll';
    const references = [...(useCoreClr ? [explorerOm] : ['System.dll', 'System.Core.dll', explorerOm]), ...(options.references ?? [])];
    return edge.func({ source: options.bridgeSource ?? defaultBridgeSource(), typeName: options.typeName ?? 'Startup', methodName: 'Invoke', references });
  } catch (error) {
    if (error instanceof Error && error.name === 'BtsBackupError') throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (/BadImageFormat/i.test(message)) throw explorerOmUnavailable('bad-image-format', `The ExplorerOM bridge cannot be loaded: ${message}`, { cause: error, details: { message } });
    if (/Could not load file or assembly|metadata file .* could not be found|CS0006/i.test(message)) {
      throw explorerOmUnavailable('assembly-not-found', `The ExplorerOM bridge cannot find ExplorerOM: ${message}`, { cause: error, details: { message } });
    }
    throw explorerOmUnavailable('edge-failed', `edge-js could not bind the ExplorerOM bridge: ${message}`, { cause: error, details: { message } });
  }
}
