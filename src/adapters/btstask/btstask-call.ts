import { BtsBackupError, isBtsBackupError } from '../../errors/index.js';
import { checkBtsTaskRun, type BtsTaskOutput } from './btstask-output.js';
import type { BtsTaskRunner, ProcessRun } from './btstask-runner.js';

export type BtsTaskLog = (level: 'verbose' | 'info' | 'warning', message: string) => void;

export interface RetryOptions {
  /** Runs in all, the first included (default 3). */
  attempts: number;
  /** Pause before the 2nd, 3rd ... run (default 2 s, then 5 s); the last value repeats. */
  delaysMs: readonly number[];
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: RetryOptions = {
  attempts: 3,
  delaysMs: [2000, 5000],
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface CallOptions {
  target?: string | undefined;
  timeoutMs?: number | undefined;
  tempPath?: string | undefined;
  retry?: Partial<RetryOptions> | undefined;
  log?: BtsTaskLog | undefined;
}

/**
 * One BTSTask command, checked (btstask-output.ts), and run again a bounded number of times with a growing pause
 * when it failed for a transient cause (a temp CAB or file held by another process, access denied while BTSTask swaps
 * a file), saying so in a log line. Every other failure is returned at once.
 */
export async function callBtsTask(runner: BtsTaskRunner, args: readonly string[], options: CallOptions = {}): Promise<{ output: BtsTaskOutput; run: ProcessRun }> {
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const command = args[0] ?? '';
  for (let attempt = 1; ; attempt++) {
    const run = await runner.run(args, options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs });
    try {
      return { output: checkBtsTaskRun(command, run, { target: options.target, tempPath: options.tempPath }), run };
    } catch (error) {
      if (!isTransient(error) || attempt >= retry.attempts) {
        if (isTransient(error) && attempt > 1 && isBtsBackupError(error)) throw withAttempts(error, attempt);
        throw error;
      }
      const delay = retry.delaysMs[Math.min(attempt - 1, retry.delaysMs.length - 1)] ?? 0;
      const code = isBtsBackupError(error) ? error.code : 'error';
      options.log?.(
        'warning',
        `BTSTask ${command}${options.target === undefined ? '' : ` for "${options.target}"`} failed with ${code} (transient: another process held a file); running it again in ${Math.round(delay / 100) / 10} s (attempt ${attempt + 1} of ${retry.attempts}).`,
      );
      await retry.sleep(delay);
    }
  }
}

function isTransient(error: unknown): boolean {
  return isBtsBackupError(error) && error.details?.['transient'] === true;
}

function withAttempts(error: BtsBackupError, attempts: number): BtsBackupError {
  return new BtsBackupError(error.code, `${error.message} (after ${attempts} attempts)`, {
    ...(error.target === undefined ? {} : { target: error.target }),
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    details: { ...error.details, attempts },
  });
}
