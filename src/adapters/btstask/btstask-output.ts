import { BtsBackupError } from '../../errors/index.js';

/**
 * What BTSTask printed: an optional banner (lines up to the first blank line, starting `Microsoft`), log entries
 * prefixed `Information:`, `Warning:` or `Error:` (an entry may continue on following unprefixed lines, e.g. an
 * inner exception message), other text (ListApps/ListApp listings, whose layout is undocumented), and the summary
 * `Command succeeded with 0 errors, 0 warnings.` / `Command failed with N errors, M warnings.`
 */
export interface BtsTaskOutput {
  banner: string[];
  information: string[];
  warnings: string[];
  errors: string[];
  /** Lines that are neither banner, log entry, continuation nor summary, trimmed, in order. */
  text: string[];
  summary: BtsTaskSummary | undefined;
}

export interface BtsTaskSummary {
  succeeded: boolean;
  errors: number;
  warnings: number;
}

const SUMMARY = /^Command (succeeded|failed) with (\d+) errors?, (\d+) warnings?\.?$/i;
const ENTRY = /^(Information|Warning|Error):\s?(.*)$/i;

/** Pure parse; never throws. `checkBtsTaskRun` decides what the parse means. */
export function parseBtsTaskOutput(stdout: string): BtsTaskOutput {
  const lines = stdout.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: BtsTaskOutput = { banner: [], information: [], warnings: [], errors: [], text: [], summary: undefined };
  let i = 0;
  while (i < lines.length && (lines[i] ?? '').trim() === '') i++;
  if (/^Microsoft\b/.test((lines[i] ?? '').trim())) {
    while (i < lines.length && (lines[i] ?? '').trim() !== '') out.banner.push((lines[i++] ?? '').trim());
  }
  // The entry that unprefixed lines continue, until a blank line or another entry.
  let open: { list: string[]; index: number } | undefined;
  for (; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') {
      open = undefined;
      continue;
    }
    const summary = SUMMARY.exec(line);
    if (summary !== null) {
      out.summary = { succeeded: (summary[1] ?? '').toLowerCase() === 'succeeded', errors: Number(summary[2]), warnings: Number(summary[3]) };
      open = undefined;
      continue;
    }
    const entry = ENTRY.exec(line);
    if (entry !== null) {
      const kind = (entry[1] ?? '').toLowerCase();
      const list = kind === 'error' ? out.errors : kind === 'warning' ? out.warnings : out.information;
      list.push((entry[2] ?? '').trim());
      open = { list, index: list.length - 1 };
      continue;
    }
    if (open !== undefined) {
      open.list[open.index] = `${open.list[open.index] ?? ''}\n${line}`;
      continue;
    }
    out.text.push(line);
  }
  return out;
}

export interface BtsTaskProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Interprets one BTSTask run. Non-zero exit: `E_BTSTASK_FAILED` keeping the exit code and the Error: lines
 * (BTSTask's exit code is its error count). Exit 0: the output must end in a success summary with no Error: lines,
 * otherwise `E_BTSTASK_OUTPUT` (truncated output, or a summary that contradicts the exit code).
 */
export function checkBtsTaskRun(command: string, run: BtsTaskProcessResult, target?: string): BtsTaskOutput {
  const output = parseBtsTaskOutput(run.stdout);
  if (run.exitCode !== 0) {
    const errors = output.errors.length > 0 ? output.errors : stderrLines(run.stderr);
    throw new BtsBackupError('E_BTSTASK_FAILED', `BTSTask ${command} failed with exit code ${run.exitCode}${errors[0] === undefined ? '.' : `: ${firstLine(errors[0])}`}`, {
      target,
      hint: 'Read the Error: lines in details; run the same BTSTask command by hand to see its whole output.',
      details: {
        command,
        exitCode: run.exitCode,
        errors,
        warnings: output.warnings,
        ...(output.summary === undefined ? {} : { summary: output.summary }),
      },
    });
  }
  if (output.summary === undefined) {
    throw outputError(command, target, 'it has no "Command succeeded/failed with ..." summary line (truncated or not BTSTask output)', run);
  }
  if (!output.summary.succeeded || output.summary.errors !== 0 || output.errors.length > 0) {
    throw outputError(command, target, `the exit code is 0 but the output reports ${output.summary.errors} error(s) and ${output.errors.length} Error: line(s)`, run);
  }
  return output;
}

function outputError(command: string, target: string | undefined, problem: string, run: BtsTaskProcessResult): BtsBackupError {
  return new BtsBackupError('E_BTSTASK_OUTPUT', `BTSTask ${command} printed output BizTalkBackup cannot trust: ${problem}.`, {
    target,
    hint: 'Check that the configured executable is BTSTask.exe and that nothing wraps or truncates its output.',
    details: { command, exitCode: run.exitCode, stdoutTail: run.stdout.slice(-2000), stderrTail: run.stderr.slice(-2000) },
  });
}

function stderrLines(stderr: string): string[] {
  return stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(0, 20);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}
