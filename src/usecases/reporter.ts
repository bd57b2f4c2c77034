import type { WarningCode } from '../core/warning-codes.js';
import type { BtsBackupError } from '../errors/index.js';

/** How a use case talks while it works. The CLI turns it into NDJSON or a human display. */
export interface Reporter {
  progress(activity: string, status: string, current: number, total: number): void;
  completed(activity: string): void;
  /**
   * `psMessage`: the same message in the PowerShell module's words, when it names commands or options. `code`: a
   * warning's stable code (src/core/warning-codes.ts), recorded in the run log; a warning without one is `Other`.
   */
  log(level: 'verbose' | 'info' | 'warning', message: string, psMessage?: string, code?: WarningCode): void;
  result(kind: string, value: Record<string, unknown>): void;
  /** Throws (E_INTERRUPTED) when the run was asked to stop; called between steps and just before a commit. */
  checkpoint?(): void;
  /** One application's failure, as its own error (an `error` line; an ErrorRecord in PowerShell); the run goes on. */
  error?(error: BtsBackupError): void;
}

export const silentReporter: Reporter = {
  progress: () => undefined,
  completed: () => undefined,
  log: () => undefined,
  result: () => undefined,
};
