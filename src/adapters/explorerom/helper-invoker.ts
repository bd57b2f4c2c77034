import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BridgeRequest } from './bridge-protocol.js';
import { defaultBridgeSource } from './edge-invoker.js';
import type { BtsBackupError } from '../../errors/index.js';
import { DEFAULT_EXPLOREROM_TIMEOUT_MS, explorerOmTimeout, interruptedCall, type BridgeCallControl } from './call-control.js';
import { explorerOmUnavailable } from './unavailable.js';

/** The 32-bit helper: Windows PowerShell x86 hosting the same bridge, JSON over stdio. */
export interface HelperOptions {
  /** Default: %SystemRoot%\SysWOW64\WindowsPowerShell\v1.0\powershell.exe (Windows only). */
  powershellPath?: string;
  /** Default: explorerom-x86.ps1 beside this module or in src/ of a checkout. */
  scriptPath?: string;
  bridgeSource?: string;
  explorerOmPath?: string;
  /** Per request; default: the call control's, else DEFAULT_EXPLOREROM_TIMEOUT_MS. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Called with the helper's pid once it runs (tests watch that it is stopped). */
  onSpawn?: (pid: number) => void;
  /** The bridge class answering ExecuteToJson (default BizTalkBackup.ExplorerOm.Bridge; the deployment-API bridge's own). */
  bridgeClass?: string;
  /** More assemblies the helper loads and compiles the bridge against (the deployment engine, Microsoft.BizTalk.Deployment). */
  referencePaths?: string[];
}

export function defaultX86PowerShell(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (process.platform !== 'win32') return undefined;
  const systemRoot = env['SystemRoot'] ?? env['windir'] ?? 'C:\\Windows';
  return path.win32.join(systemRoot, 'SysWOW64', 'WindowsPowerShell', 'v1.0', 'powershell.exe');
}

export function defaultHelperScript(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'explorerom-x86.ps1'), path.resolve(here, '../../../../src/adapters/explorerom/explorerom-x86.ps1')];
  return candidates.find((candidate) => existsSync(candidate)) ?? candidates[0]!;
}

/**
 * One helper process per request. At the timeout, or when `control.signal` aborts, the process is killed (unlike an
 * in-process call, a process can be stopped) and its pipes destroyed, so nothing it left behind holds the run.
 */
export function createHelperInvoker<R extends { op: string } = BridgeRequest>(options: HelperOptions = {}, control: BridgeCallControl = {}): (request: R) => Promise<unknown> {
  return (request) => runHelper(options, request, control);
}

async function runHelper(options: HelperOptions, request: { op: string }, control: BridgeCallControl): Promise<unknown> {
  if (control.signal?.aborted === true) throw interruptedCall(request.op, control.signal.reason);
  const powershell = options.powershellPath ?? defaultX86PowerShell(options.env);
  if (powershell === undefined) {
    throw explorerOmUnavailable('helper-unavailable', 'The 32-bit ExplorerOM helper needs Windows PowerShell x86, which exists only on Windows.', { details: { platform: process.platform } });
  }
  if (path.isAbsolute(powershell) && !existsSync(powershell)) {
    throw explorerOmUnavailable('helper-unavailable', `Windows PowerShell x86 was not found at ${powershell}.`, { target: powershell, details: { powershell } });
  }
  const script = options.scriptPath ?? defaultHelperScript();
  const args = ['-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', script, '-BridgeSource', options.bridgeSource ?? defaultBridgeSource()];
  if (options.explorerOmPath !== undefined) args.push('-ExplorerOmPath', options.explorerOmPath);
  if (options.bridgeClass !== undefined) args.push('-BridgeClass', options.bridgeClass);
  // One comma-separated value: `-File` hands PowerShell each argument as a string, never an array.
  if (options.referencePaths !== undefined && options.referencePaths.length > 0) args.push('-ReferencePath', options.referencePaths.join(','));
  const timeoutMs = options.timeoutMs ?? control.timeoutMs ?? DEFAULT_EXPLOREROM_TIMEOUT_MS;

  return new Promise<unknown>((resolve, reject) => {
    const child = spawn(powershell, args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true, env: options.env ?? process.env });
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (action: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      control.signal?.removeEventListener('abort', onAbort);
      action();
    };
    const stop = (error: BtsBackupError): void =>
      finish(() => {
        try {
          child.kill(process.platform === 'win32' ? undefined : 'SIGKILL');
        } catch {
          // Already gone.
        }
        child.stdout.destroy();
        child.stderr.destroy();
        child.stdin.destroy();
        reject(error);
      });
    const timer = setTimeout(() => stop(explorerOmTimeout(request.op, timeoutMs, 'killed', { powershell })), timeoutMs);
    const onAbort = (): void => stop(interruptedCall(request.op, control.signal?.reason));
    control.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) =>
      finish(() => reject(explorerOmUnavailable('helper-unavailable', `The 32-bit ExplorerOM helper could not start: ${error.message}`, { cause: error, details: { powershell } }))),
    );
    child.on('close', (code) =>
      finish(() => {
        const line = stdout
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter((l) => l.startsWith('{'))
          .pop();
        if (line === undefined) {
          reject(
            explorerOmUnavailable('helper-failed', `The 32-bit ExplorerOM helper exited with code ${code ?? 'none'} without an answer.`, {
              details: { powershell, exitCode: code, stderr: stderr.slice(-2000) },
            }),
          );
          return;
        }
        try {
          const answer = JSON.parse(line) as unknown;
          const error = (answer as { ok?: unknown; error?: { kind?: unknown } }).error;
          if ((answer as { ok?: unknown }).ok === false && error?.kind === 'helper-failed') {
            reject(explorerOmUnavailable('helper-failed', `The 32-bit ExplorerOM helper failed: ${String((error as { message?: unknown }).message)}`, { details: { powershell, bridgeError: error } }));
            return;
          }
          resolve(answer);
        } catch (cause) {
          reject(explorerOmUnavailable('helper-failed', 'The 32-bit ExplorerOM helper answered something that is not JSON.', { cause, details: { powershell, stdout: stdout.slice(-2000) } }));
        }
      }),
    );
    child.stdin.on('error', () => undefined);
    child.stdin.end(`${JSON.stringify(request)}\n`);
  });
}
