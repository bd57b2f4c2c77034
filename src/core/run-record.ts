import { isSetId } from './set-id.js';
import { isWarningCode, type WarningCode } from './warning-codes.js';

/**
 * One line of the store's run log (logs/runs-<yyyy>.jsonl): what an operator or a log shipper needs to alert on a run,
 * and nothing that could hold a secret: codes, counts, ids and times only, never a message.
 */
export type RunOperation = 'export' | 'verify' | 'prune' | 'restore' | 'import' | 'drill';
export type RunResult = 'ok' | 'partial' | 'failed' | 'interrupted';

export interface RunRecord {
  type: 'run';
  operation: RunOperation;
  start: string;
  end: string;
  durationMs: number;
  result: RunResult;
  exitCode: number;
  setId: string | null;
  counts: Record<string, number>;
  warnings: number;
  /** Distinct codes of the warnings (src/core/warning-codes.ts), at most MAX_CODES. */
  warningCodes: WarningCode[];
  errorCodes: string[];
  host: string;
  user: string;
  tool: string;
  toolVersion: string;
}

export interface RunFacts {
  operation: RunOperation;
  start: Date;
  end: Date;
  exitCode: number;
  /** The summary's counts; anything not a finite number is dropped. */
  counts?: Record<string, unknown>;
  setId?: unknown;
  warnings: number;
  /** Codes of the warnings the run gave; anything not in the warning-code table is dropped. */
  warningCodes?: readonly unknown[];
  /** Codes of the errors the run reported; anything not shaped like E_SOMETHING is dropped. */
  errorCodes: readonly unknown[];
  host: string;
  user: string;
  tool: string;
  toolVersion: string;
}

const CODE = /^E_[A-Z0-9_]{1,60}$/;
const COUNT_KEY = /^[A-Za-z][A-Za-z0-9]{0,40}$/;
/** At most this many distinct error codes in one record, so a run over 5,000 failing apps still writes one short line. */
export const MAX_ERROR_CODES = 20;
/** Likewise for warning codes. */
export const MAX_WARNING_CODES = 20;

/** The exit codes of STYLE.md mapped to the log's fixed vocabulary. */
export function runResultOf(exitCode: number): RunResult {
  if (exitCode === 0) return 'ok';
  if (exitCode === 3) return 'partial';
  if (exitCode === 130) return 'interrupted';
  return 'failed';
}

/** Builds the record from plain facts; pure, so the same facts always give the same line. */
export function buildRunRecord(facts: RunFacts): RunRecord {
  const counts: Record<string, number> = {};
  for (const [key, value] of Object.entries(facts.counts ?? {})) {
    if (COUNT_KEY.test(key) && typeof value === 'number' && Number.isFinite(value)) counts[key] = value;
  }
  const errorCodes = [...new Set(facts.errorCodes.filter((code): code is string => typeof code === 'string' && CODE.test(code)))].slice(0, MAX_ERROR_CODES);
  return {
    type: 'run',
    operation: facts.operation,
    start: facts.start.toISOString(),
    end: facts.end.toISOString(),
    durationMs: Math.max(0, facts.end.getTime() - facts.start.getTime()),
    result: runResultOf(facts.exitCode),
    exitCode: facts.exitCode,
    setId: typeof facts.setId === 'string' && isSetId(facts.setId) ? facts.setId : null,
    counts,
    warnings: Math.max(0, Math.floor(facts.warnings)),
    warningCodes: [...new Set((facts.warningCodes ?? []).filter(isWarningCode))].slice(0, MAX_WARNING_CODES),
    errorCodes,
    host: facts.host.slice(0, 256),
    user: facts.user.slice(0, 256),
    tool: facts.tool,
    toolVersion: facts.toolVersion,
  };
}

export interface RunLogFilter {
  last?: number;
  since?: Date;
  result?: RunResult;
}

/**
 * Parses one line of the run log; a torn or foreign line (a crash mid-append on a share) is undefined, never an error,
 * so one bad line never hides the rest of the log.
 */
export function parseRunRecord(line: string): RunRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const results: RunResult[] = ['ok', 'partial', 'failed', 'interrupted'];
  const operations: RunOperation[] = ['export', 'verify', 'prune', 'restore', 'import', 'drill'];
  if (r['type'] !== 'run' || typeof r['start'] !== 'string' || Number.isNaN(Date.parse(r['start'])) || typeof r['end'] !== 'string') return undefined;
  if (!operations.includes(r['operation'] as RunOperation) || !results.includes(r['result'] as RunResult) || typeof r['exitCode'] !== 'number') return undefined;
  return buildRunRecord({
    operation: r['operation'] as RunOperation,
    start: new Date(r['start']),
    end: Number.isNaN(Date.parse(r['end'])) ? new Date(r['start']) : new Date(r['end']),
    exitCode: r['exitCode'],
    counts: typeof r['counts'] === 'object' && r['counts'] !== null ? (r['counts'] as Record<string, unknown>) : {},
    setId: r['setId'],
    warnings: typeof r['warnings'] === 'number' ? r['warnings'] : 0,
    // Records written before warning codes existed have none.
    warningCodes: Array.isArray(r['warningCodes']) ? r['warningCodes'] : [],
    errorCodes: Array.isArray(r['errorCodes']) ? r['errorCodes'] : [],
    host: typeof r['host'] === 'string' ? r['host'] : '',
    user: typeof r['user'] === 'string' ? r['user'] : '',
    tool: typeof r['tool'] === 'string' ? r['tool'] : '',
    toolVersion: typeof r['toolVersion'] === 'string' ? r['toolVersion'] : '',
  });
}

/** Oldest first (by start, stable), then --since, --result, and the last N. */
export function selectRunRecords(records: readonly RunRecord[], filter: RunLogFilter): RunRecord[] {
  let selected = records
    .map((record, index) => ({ record, index }))
    .sort((a, b) => a.record.start.localeCompare(b.record.start) || a.index - b.index)
    .map((x) => x.record);
  if (filter.since !== undefined) {
    const since = filter.since.getTime();
    selected = selected.filter((r) => Date.parse(r.start) >= since);
  }
  if (filter.result !== undefined) selected = selected.filter((r) => r.result === filter.result);
  if (filter.last !== undefined) selected = filter.last <= 0 ? [] : selected.slice(-filter.last);
  return selected;
}
