import { BtsBackupError, fromSystemError, hints, isBtsBackupError } from '../errors/index.js';
import type { RunRecord } from '../core/run-record.js';
import { runEventOf } from '../core/event-ids.js';
import type { WarningCode } from '../core/warning-codes.js';
import type { Reporter } from '../usecases/reporter.js';

/** Escapes every non-ASCII character so Windows PowerShell 5.1 reads each line whatever its console encoding. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export interface OutputStreams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  isTTY: boolean;
}

/**
 * The CLI's voice. JSON mode: one object per line, results and the final summary on stdout; progress, logs and
 * errors on stderr (STYLE.md, the node ⇄ PowerShell boundary). Human mode: tables on stdout, a progress line and
 * warnings on stderr.
 */
export class Output implements Reporter {
  readonly json: boolean;
  readonly verbose: boolean;
  private readonly streams: OutputStreams;
  private readonly results: { kind: string; value: Record<string, unknown> }[] = [];
  private progressShown = false;
  /** What the run log records of this run: warnings counted, error codes, the summary's counts and set id. */
  readonly facts: { warnings: number; warningCodes: WarningCode[]; errorCodes: string[]; counts?: Record<string, number>; setId?: unknown } = { warnings: 0, warningCodes: [], errorCodes: [] };

  /** Called at every progress report: throws to stop the command between applications (Ctrl-C). */
  checkpoint: () => void = () => undefined;

  /** The command's input when standard input is the stop channel (`--stdin-channel input-then-stop`). */
  input: NodeJS.ReadableStream | undefined;

  constructor(options: { json: boolean; verbose: boolean }, streams: OutputStreams) {
    this.json = options.json;
    this.verbose = options.verbose;
    this.streams = streams;
  }

  progress(activity: string, status: string, current: number, total: number): void {
    this.checkpoint();
    const percent = total === 0 ? 0 : Math.floor((current * 100) / total);
    if (this.json) {
      this.streams.stderr.write(`${asciiJson({ type: 'progress', activity, status, percent, current, total })}\n`);
    } else if (this.streams.isTTY) {
      this.streams.stderr.write(`\r\u001b[K${activity}: ${status} (${current + 1}/${total})`);
      this.progressShown = true;
    } else if (this.verbose) {
      this.streams.stderr.write(`${activity}: ${status} (${current + 1}/${total})\n`);
    }
  }

  completed(activity: string): void {
    if (this.json) this.streams.stderr.write(`${asciiJson({ type: 'progress', activity, status: 'Completed', percent: 100, completed: true })}\n`);
    else this.clearProgress();
  }

  private clearProgress(): void {
    if (this.progressShown) {
      this.streams.stderr.write('\r\u001b[K');
      this.progressShown = false;
    }
  }

  log(level: 'verbose' | 'info' | 'warning', message: string, psMessage?: string, code?: WarningCode): void {
    const warningCode = level === 'warning' ? (code ?? 'Other') : undefined;
    if (warningCode !== undefined) {
      this.facts.warnings++;
      this.facts.warningCodes.push(warningCode);
    }
    if (this.json) {
      this.streams.stderr.write(`${asciiJson({ type: 'log', level, message, ...(psMessage === undefined ? {} : { psMessage }), ...(warningCode === undefined ? {} : { code: warningCode }) })}\n`);
      return;
    }
    if (level === 'verbose' && !this.verbose) return;
    this.clearProgress();
    this.streams.stderr.write(`${level === 'warning' ? 'WARNING: ' : level === 'verbose' ? 'VERBOSE: ' : ''}${message}\n`);
  }

  result(kind: string, value: Record<string, unknown>): void {
    if (this.json) this.streams.stdout.write(`${asciiJson({ type: 'result', kind, ...value })}\n`);
    else this.results.push({ kind, value });
  }

  /** Results collected in human mode, for the command to print as a table. */
  collected(kind: string): Record<string, unknown>[] {
    return this.results.filter((r) => r.kind === kind).map((r) => r.value);
  }

  /** Human text on stdout (ignored in JSON mode, where results carry everything). */
  text(line: string): void {
    if (!this.json) {
      this.clearProgress();
      this.streams.stdout.write(`${line}\n`);
    }
  }

  error(error: unknown): void {
    const typed = toTyped(error);
    this.facts.errorCodes.push(typed.code);
    if (this.json) {
      this.streams.stderr.write(`${asciiJson({ type: 'error', ...typed.toJSON() })}\n`);
      return;
    }
    this.clearProgress();
    const lines = [`ERROR ${typed.code}: ${typed.message}`];
    if (typed.target !== undefined) lines.push(`  target: ${typed.target}`);
    if (typed.hint !== undefined) lines.push(`  hint:   ${typed.hint}`);
    if (this.verbose && typed.code === 'E_INTERNAL' && typed.cause instanceof Error && typed.cause.stack !== undefined) lines.push(typed.cause.stack);
    this.streams.stderr.write(`${lines.join('\n')}\n`);
  }

  /**
   * The run's record (as appended to the store's run log) with its Windows event id and entry type: one `run` line on
   * stderr in JSON mode, for the PowerShell module's -EventLog. Nothing in human mode.
   */
  run(record: RunRecord): void {
    if (!this.json) return;
    const event = runEventOf(record);
    this.streams.stderr.write(`${asciiJson({ type: 'run', eventId: event.eventId, entryType: event.entryType, outcome: event.outcome, text: event.message })}\n`);
  }

  summary(command: string, exitCode: number, counts: Record<string, number>, extra: Record<string, unknown> = {}): void {
    this.facts.counts = counts;
    if (extra['setId'] !== undefined) this.facts.setId = extra['setId'];
    if (this.json) this.streams.stdout.write(`${asciiJson({ type: 'summary', command, exitCode, counts, ...extra })}\n`);
  }
}

/** Anything thrown becomes a typed error; what is not ours is a bug and says so, without a stack trace unless --verbose. */
export function toTyped(error: unknown): BtsBackupError {
  if (isBtsBackupError(error)) return error;
  const system = fromSystemError(error);
  if (system !== undefined) return system;
  const message = error instanceof Error ? error.message : String(error);
  return new BtsBackupError('E_INTERNAL', `Unexpected error: ${message}`, { cause: error, hint: hints.bug });
}

/** A plain-text table: columns sized to content, no colours (it goes to logs too). */
export function formatTable(rows: Record<string, unknown>[], columns: { key: string; title: string; max?: number }[]): string {
  const cell = (row: Record<string, unknown>, key: string, max?: number): string => {
    const value = row[key];
    const text = value === undefined || value === null ? '' : Array.isArray(value) ? value.join(', ') : String(value);
    return max !== undefined && text.length > max ? `${text.slice(0, max - 1)}…` : text;
  };
  const widths = columns.map((c) => Math.max(c.title.length, ...rows.map((r) => cell(r, c.key, c.max).length)));
  const line = (values: string[]): string => values.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(columns.map((c) => c.title)), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(columns.map((c) => cell(r, c.key, c.max))))].join('\n');
}
