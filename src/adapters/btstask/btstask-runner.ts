import { spawn, type ChildProcess } from 'node:child_process';
import { BtsBackupError } from '../../errors/index.js';
import { BoundedCapture, joinCapturedText } from './bounded-capture.js';
import { killTree, trackChild } from './child-processes.js';
import { decodeConsoleText } from './console-text.js';

/** Runs one BTSTask command; the seam BtsTaskGroup talks to (tests wrap it to record argv). */
export interface BtsTaskRunner {
  run(args: readonly string[], options?: { timeoutMs?: number }): Promise<ProcessRun>;
}

export interface ProcessRun {
  /** Everything after the executable: prefix arguments, then the BTSTask arguments. */
  argv: string[];
  pid: number;
  exitCode: number;
  /** Decoded output; when it was longer than the capture limits, its head and tail around one omission marker line. */
  stdout: string;
  stderr: string;
  /** Bytes of stdout / stderr left out between head and tail (0 or absent: everything is there). */
  stdoutOmittedBytes?: number;
  stderrOmittedBytes?: number;
  /** The signal that ended the process, when one did (someone killed BTSTask: not a BTSTask error). */
  signal?: NodeJS.Signals;
  durationMs: number;
}

export interface ProcessRunnerOptions {
  /** The executable: BTSTask.exe, or `node` when `prefixArgs` names the emulator script. */
  command: string;
  prefixArgs?: readonly string[];
  /** Per call; the whole process tree is killed when it runs out. BTSTask can hang (malformed bindings). */
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Called once the child exists: tests use it to watch the pid. */
  onSpawn?: (pid: number, argv: readonly string[]) => void;
  platform?: NodeJS.Platform;
  /**
   * The code page the program writes redirected output in (the server's OEM code page for BTSTask and reg.exe),
   * or a function that finds it once (the first run awaits it). Undefined: UTF-8.
   */
  consoleCodePage?: number | (() => Promise<number | undefined>);
  /** Bytes kept from the start and from the end of each stream (defaults 1 MiB and 256 KiB); the rest is counted. */
  captureHeadBytes?: number;
  captureTailBytes?: number;
  /**
   * How long to wait for the pipes to close once the process has exited (default 1000 ms). A grandchild that
   * escaped the tree can hold them open for ever: after this, they are destroyed and the run returns.
   */
  pipeLingerMs?: number;
}

const DEFAULT_HINT = 'BTSTask.exe lives in the BizTalk Server install folder (registry HKLM\\SOFTWARE\\Microsoft\\BizTalk Server\\3.0, value InstallPath), e.g. "C:\\Program Files (x86)\\Microsoft BizTalk Server\\BTSTask.exe"; pass its path explicitly.';
const DEFAULT_HEAD = 1024 * 1024;
const DEFAULT_TAIL = 256 * 1024;
/** After a timeout kill: how long the process may take to be reported gone before the run gives up on it. */
const KILL_GRACE_MS = 2000;

/**
 * Spawns the executable with an argument array (never a shell string), captures stdout/stderr (bounded), and kills
 * the whole process tree at the timeout (child-processes.ts). A timeout, or an exit whose pipes stay open because a
 * grandchild escaped the tree and holds them, never keeps the run waiting: the pipes are destroyed and the child is
 * released (unref), so neither the run nor the node process hangs.
 */
export class ProcessRunner implements BtsTaskRunner {
  private readonly options: ProcessRunnerOptions;
  private codePage: Promise<number | undefined> | undefined;

  constructor(options: ProcessRunnerOptions) {
    refuseScript(options.command);
    this.options = options;
  }

  async run(args: readonly string[], callOptions: { timeoutMs?: number } = {}): Promise<ProcessRun> {
    const codePage = await this.consoleCodePage();
    return this.spawnOnce(args, callOptions.timeoutMs ?? this.options.timeoutMs, codePage);
  }

  private consoleCodePage(): Promise<number | undefined> {
    const configured = this.options.consoleCodePage;
    if (typeof configured !== 'function') return Promise.resolve(configured);
    this.codePage ??= configured().catch(() => undefined);
    return this.codePage;
  }

  private spawnOnce(args: readonly string[], timeoutMs: number, codePage: number | undefined): Promise<ProcessRun> {
    const argv = [...(this.options.prefixArgs ?? []), ...args];
    const platform = this.options.platform ?? process.platform;
    const started = Date.now();
    const commandName = args[0] ?? '';
    const lingerMs = this.options.pipeLingerMs ?? 1000;
    return new Promise<ProcessRun>((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = spawn(this.options.command, argv, {
          shell: false,
          windowsHide: true,
          // Not detached: the child stays in our process group (POSIX) and console (Windows), so stopping us stops it.
          stdio: ['ignore', 'pipe', 'pipe'],
          ...(this.options.env === undefined ? {} : { env: this.options.env }),
          ...(this.options.cwd === undefined ? {} : { cwd: this.options.cwd }),
        });
      } catch (cause) {
        reject(notFound(this.options.command, cause));
        return;
      }
      const stdout = new BoundedCapture(this.options.captureHeadBytes ?? DEFAULT_HEAD, this.options.captureTailBytes ?? DEFAULT_TAIL);
      const stderr = new BoundedCapture(this.options.captureHeadBytes ?? DEFAULT_HEAD, this.options.captureTailBytes ?? DEFAULT_TAIL);
      child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
      const pid = child.pid;
      const untrack = pid === undefined ? () => undefined : trackChild(pid, platform);
      if (pid !== undefined) this.options.onSpawn?.(pid, argv);
      let timedOut = false;
      let settled = false;
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      let lingerTimer: NodeJS.Timeout | undefined;
      let graceTimer: NodeJS.Timeout | undefined;

      const decode = (capture: BoundedCapture): { text: string; omitted: number } => joinCapturedText(capture.bytes(), (bytes) => decodeConsoleText(bytes, codePage));
      /** Stops listening to the child: destroys pipes a grandchild may still hold, and lets node end without it. */
      const release = (): void => {
        clearTimeout(timer);
        if (lingerTimer !== undefined) clearTimeout(lingerTimer);
        if (graceTimer !== undefined) clearTimeout(graceTimer);
        child.stdout?.destroy();
        child.stderr?.destroy();
        child.unref();
        if (exit !== undefined || timedOut) untrack();
      };
      const finish = (): void => {
        if (settled) return;
        settled = true;
        release();
        const out = decode(stdout);
        const err = decode(stderr);
        if (timedOut) {
          reject(
            new BtsBackupError('E_BTSTASK_TIMEOUT', `BTSTask ${commandName} did not finish within ${timeoutMs} ms and was killed with its child processes.`, {
              hint: 'BTSTask hangs on some malformed binding files and on locked temp CABs (%TEMP%\\BT\\PID<n>); check the application, then raise --btstask-timeout (seconds; -BtsTaskTimeout in PowerShell) if it is merely large.',
              details: { command: commandName, timeoutMs, pid, stdoutTail: out.text.slice(-2000), stderrTail: err.text.slice(-2000) },
            }),
          );
          return;
        }
        const code = exit?.code ?? null;
        const signal = exit?.signal ?? null;
        resolve({
          argv,
          pid: pid ?? -1,
          exitCode: code ?? (signal === null ? -1 : 128),
          stdout: out.text,
          stderr: err.text,
          stdoutOmittedBytes: out.omitted,
          stderrOmittedBytes: err.omitted,
          ...(signal === null ? {} : { signal }),
          durationMs: Date.now() - started,
        });
      };

      const timer = setTimeout(() => {
        timedOut = true;
        if (pid !== undefined) killTree(pid, platform);
        // The process may be unkillable or a grandchild may hold the pipes: the run moves on either way.
        graceTimer = setTimeout(finish, exit === undefined ? KILL_GRACE_MS : Math.min(lingerMs, KILL_GRACE_MS));
      }, timeoutMs);

      child.on('error', (error: NodeJS.ErrnoException) => {
        if (settled) return;
        settled = true;
        release();
        untrack();
        if (error.code === 'ENOENT' || error.code === 'EACCES' || error.code === 'ENOTDIR') reject(notFound(this.options.command, error));
        else reject(new BtsBackupError('E_BTSTASK_FAILED', `BTSTask could not be started: ${error.message}`, { target: this.options.command, cause: error, details: { command: commandName, exitCode: -1, errors: [error.message], warnings: [] } }));
      });
      child.on('exit', (code, signal) => {
        exit = { code, signal };
        untrack();
        if (settled) return;
        if (timedOut) {
          if (graceTimer !== undefined) clearTimeout(graceTimer);
          graceTimer = setTimeout(finish, Math.min(lingerMs, KILL_GRACE_MS));
          return;
        }
        clearTimeout(timer);
        // `close` follows once the pipes are drained; if a grandchild holds them, stop waiting after the linger time.
        lingerTimer = setTimeout(finish, lingerMs);
      });
      child.on('close', (code, signal) => {
        exit ??= { code, signal };
        finish();
      });
    });
  }
}

/**
 * Node cannot start a `.cmd`/`.bat` file without a shell (CVE-2024-27980: spawn refuses them with EINVAL), and a shell
 * would re-parse every argument: such a wrapper is refused up front, not reported as "BTSTask was not found".
 */
export function refuseScript(command: string): void {
  if (!/\.(cmd|bat)$/i.test(command.trim())) return;
  throw new BtsBackupError('E_BTSTASK_SCRIPT', `"${command}" is a batch file: BizTalkBackup starts BTSTask directly, never through a shell, so it cannot run a .cmd or .bat wrapper.`, {
    target: command,
    hint: 'Pass BTSTask.exe itself (e.g. "C:\\Program Files (x86)\\Microsoft BizTalk Server\\BTSTask.exe"); whatever the wrapper set up (environment, working folder) must be set before starting BizTalkBackup.',
  });
}

function notFound(command: string, cause: unknown): BtsBackupError {
  return new BtsBackupError('E_BTSTASK_NOT_FOUND', `BTSTask was not found at "${command}".`, { target: command, hint: DEFAULT_HINT, cause });
}
