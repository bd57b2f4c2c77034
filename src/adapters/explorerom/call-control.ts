import { BtsBackupError } from '../../errors/index.js';

/** How long one ExplorerOM call may take, and how the run stops one early (Ctrl-C). */
export interface BridgeCallControl {
  /** Per call; default DEFAULT_EXPLOREROM_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Aborted when the run is asked to stop: the pending call is given up at once (E_INTERRUPTED). */
  signal?: AbortSignal;
}

/** ExplorerOM reads the whole catalog in one call: minutes on a large group, never hours. */
export const DEFAULT_EXPLOREROM_TIMEOUT_MS = 300_000;

/** The option that raises the limit, in both of the tool's front ends. */
export const EXPLOREROM_TIMEOUT_OPTION = '--explorerom-timeout <seconds> (PowerShell: -ExplorerOmTimeout <seconds>)';

export function explorerOmTimeout(op: string, timeoutMs: number, how: 'abandoned' | 'killed', details: Record<string, unknown> = {}): BtsBackupError {
  return new BtsBackupError(
    'E_EXPLOREROM_TIMEOUT',
    how === 'abandoned'
      ? `ExplorerOM did not answer "${op}" within ${Math.round(timeoutMs / 1000)} s. The call cannot be cancelled inside ExplorerOM: it was abandoned, and this process ends once the run is wound up (nothing committed, lock released).`
      : `The 32-bit ExplorerOM helper did not answer "${op}" within ${Math.round(timeoutMs / 1000)} s and was stopped.`,
    {
      hint: `Check that the management database server answers (SQL Server running, network, blocking sessions on BizTalkMgmtDb). If the group is merely large or slow, raise the timeout with ${EXPLOREROM_TIMEOUT_OPTION}; or use --catalog btstask.`,
      details: { op, timeoutMs, ...details },
    },
  );
}

export function interruptedCall(op: string, reason: unknown): BtsBackupError {
  return new BtsBackupError('E_INTERRUPTED', `Interrupted while ExplorerOM was answering "${op}": the call was given up; nothing half-written was kept.`, {
    hint: 'Run the command again: an export reuses what is already stored, a restore skips what is already Unchanged.',
    details: { op, ...(typeof reason === 'string' ? { signal: reason } : {}) },
  });
}

/**
 * In-process .NET calls given up (timed out or interrupted) that are still running on a CLR thread. edge-js keeps node
 * alive while one is pending, so the CLI ends the process itself once its output is written (`endIfCallsAbandoned`).
 */
let abandonedStillRunning = 0;

export function abandonedInProcessCalls(): number {
  return abandonedStillRunning;
}

/** @internal for the edge invoker */
export function noteAbandoned(delta: 1 | -1): void {
  abandonedStillRunning = Math.max(0, abandonedStillRunning + delta);
}
