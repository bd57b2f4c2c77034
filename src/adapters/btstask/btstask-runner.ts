import { spawn } from 'node:child_process';
import { BtsBackupError } from '../../errors/index.js';

/** Runs one BTSTask command; the seam BtsTaskGroup talks to (tests wrap it to record argv). */
export interface BtsTaskRunner {
  run(args: readonly string[], options?: { timeoutMs?: number }): Promise<ProcessRun>;
}

export interface ProcessRun {
  /** Everything after the executable: prefix arguments, then the BTSTask arguments. */
  argv: string[];
  pid: number;
  exitCode: number;
  stdout: string;
  stderr: string;
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
}

const DEFAULT_HINT = 'BTSTask.exe lives in the BizTalk Server install folder (registry HKLM\\SOFTWARE\\Microsoft\\BizTalk Server\\3.0, value InstallPath), e.g. "C:\\Program Files (x86)\\Microsoft BizTalk Server\\BTSTask.exe"; pass its path explicitly.';

/**
 * Spawns the executable with an argument array (never a shell string), captures stdout/stderr, and kills the whole
 * process tree at the timeout: POSIX puts the child in its own process group (`detached`) and kills the group;
 * Windows runs `taskkill /PID <pid> /T /F`.
 */
export class ProcessRunner implements BtsTaskRunner {
  private readonly options: ProcessRunnerOptions;

  constructor(options: ProcessRunnerOptions) {
    this.options = options;
  }

  run(args: readonly string[], callOptions: { timeoutMs?: number } = {}): Promise<ProcessRun> {
    const argv = [...(this.options.prefixArgs ?? []), ...args];
    const timeoutMs = callOptions.timeoutMs ?? this.options.timeoutMs;
    const platform = this.options.platform ?? process.platform;
    const started = Date.now();
    const commandName = args[0] ?? '';
    return new Promise<ProcessRun>((resolve, reject) => {
      let child;
      try {
        child = spawn(this.options.command, argv, {
          shell: false,
          windowsHide: true,
          detached: platform !== 'win32',
          stdio: ['ignore', 'pipe', 'pipe'],
          ...(this.options.env === undefined ? {} : { env: this.options.env }),
          ...(this.options.cwd === undefined ? {} : { cwd: this.options.cwd }),
        });
      } catch (cause) {
        reject(notFound(this.options.command, cause));
        return;
      }
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let timedOut = false;
      let settled = false;
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      const pid = child.pid;
      if (pid !== undefined) this.options.onSpawn?.(pid, argv);
      const timer = setTimeout(() => {
        timedOut = true;
        if (pid !== undefined) killTree(pid, platform);
        // A grandchild that escaped the tree could keep the pipes open: do not wait for it forever.
        setTimeout(() => finishTimedOut(), 2000).unref();
      }, timeoutMs);
      const finishTimedOut = (): void => {
        if (settled) return;
        settled = true;
        reject(
          new BtsBackupError('E_BTSTASK_TIMEOUT', `BTSTask ${commandName} did not finish within ${timeoutMs} ms and was killed with its child processes.`, {
            hint: 'BTSTask hangs on some malformed binding files and on locked temp CABs (%TEMP%\\BT\\PID<n>); check the application, then raise the timeout if it is merely large.',
            details: { command: commandName, timeoutMs, pid, stdoutTail: Buffer.concat(stdout).toString('utf8').slice(-2000) },
          }),
        );
      };
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error.code === 'ENOENT' || error.code === 'EACCES' || error.code === 'ENOTDIR') reject(notFound(this.options.command, error));
        else reject(new BtsBackupError('E_BTSTASK_FAILED', `BTSTask could not be started: ${error.message}`, { target: this.options.command, cause: error, details: { command: commandName, exitCode: -1, errors: [error.message], warnings: [] } }));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (timedOut) {
          finishTimedOut();
          return;
        }
        if (settled) return;
        settled = true;
        const out = Buffer.concat(stdout).toString('utf8');
        const err = Buffer.concat(stderr).toString('utf8');
        resolve({ argv, pid: pid ?? -1, exitCode: code ?? (signal === null ? -1 : 128), stdout: out, stderr: err, durationMs: Date.now() - started });
      });
    });
  }
}

function killTree(pid: number, platform: NodeJS.Platform): void {
  if (platform === 'win32') {
    const killer = spawn('taskkill', ['/PID', String(pid), '/T', '/F'], { shell: false, windowsHide: true, stdio: 'ignore' });
    killer.on('error', () => undefined);
    return;
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

function notFound(command: string, cause: unknown): BtsBackupError {
  return new BtsBackupError('E_BTSTASK_NOT_FOUND', `BTSTask was not found at "${command}".`, { target: command, hint: DEFAULT_HINT, cause });
}
