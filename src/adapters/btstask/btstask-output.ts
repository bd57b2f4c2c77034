import { BtsBackupError } from '../../errors/index.js';

/**
 * What BTSTask printed: an optional banner (lines up to the first blank line, starting `Microsoft`), log entries
 * prefixed `Information:`, `Warning:` or `Error:` (German servers: `Information:`, `Warnung:`, `Fehler:`), the detail
 * lines that follow an entry (an inner exception, `Resource (...) already in store.`), other text (ListApps/ListApp
 * listings, whose layout is undocumented), and the summary `Command succeeded with 0 errors, 0 warnings.` /
 * `Command failed with N errors, M warnings.` (`Der Befehl ist mit N Fehlern ... fehlgeschlagen.`).
 *
 * Messages come from BTSTask's resources and are localised: nothing here decides success by English words. The exit
 * code does (BTSTask's exit code is its error count); the parse only recovers what can be recovered for the report.
 */
export interface BtsTaskOutput {
  banner: string[];
  information: string[];
  warnings: string[];
  /** Each entry with its detail lines, joined by `\n`. */
  errors: string[];
  /** Lines that are neither banner, log entry, detail line nor summary, trimmed, in order. */
  text: string[];
  summary: BtsTaskSummary | undefined;
}

export interface BtsTaskSummary {
  succeeded: boolean;
  errors: number;
  warnings: number;
}

const SUMMARIES: readonly RegExp[] = [
  /^Command (succeeded|failed) with (\d+) errors?, (\d+) warnings?\.?$/i,
  // German resources, as reported from German servers: `Der Befehl ist mit 1 Fehlern und 0 Warnungen fehlgeschlagen.`
  /^Der Befehl\b.*?\b(\d+) Fehler\w*\D+?(\d+) Warnung\w*.*?\b(erfolgreich|fehlgeschlagen)\b.*$/i,
];
/** Log-entry prefixes by language (English, German). Unknown languages still fail by exit code with their text kept. */
const ENTRY = /^(Information|Warning|Warnung|Error|Fehler):\s?(.*)$/i;
const ENTRY_KIND: Record<string, 'information' | 'warning' | 'error'> = { information: 'information', warning: 'warning', warnung: 'warning', error: 'error', fehler: 'error' };

function matchSummary(line: string): BtsTaskSummary | undefined {
  // A summary is one short line; never run the lazy German pattern over a megabyte of text.
  if (line.length > 400) return undefined;
  const english = SUMMARIES[0]?.exec(line);
  if (english) return { succeeded: (english[1] ?? '').toLowerCase() === 'succeeded', errors: Number(english[2]), warnings: Number(english[3]) };
  const german = SUMMARIES[1]?.exec(line);
  if (german) return { succeeded: (german[3] ?? '').toLowerCase() === 'erfolgreich', errors: Number(german[1]), warnings: Number(german[2]) };
  return undefined;
}

/**
 * Pure parse; never throws. A detail line is an unprefixed line right after an entry, or an indented one after it
 * even across blank lines (BTSTask separates an entry's details with blank lines on some failures); an unindented
 * line after a blank line is text again. `checkBtsTaskRun` decides what the parse means.
 */
export function parseBtsTaskOutput(stdout: string): BtsTaskOutput {
  const lines = stdout.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: BtsTaskOutput = { banner: [], information: [], warnings: [], errors: [], text: [], summary: undefined };
  let i = 0;
  while (i < lines.length && (lines[i] ?? '').trim() === '') i++;
  if (/^Microsoft\b/.test((lines[i] ?? '').trim())) {
    while (i < lines.length && (lines[i] ?? '').trim() !== '') out.banner.push((lines[i++] ?? '').trim());
  }
  let open: { list: string[]; index: number; blankSince: boolean } | undefined;
  for (; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const line = raw.trim();
    if (line === '') {
      if (open !== undefined) open.blankSince = true;
      continue;
    }
    const summary = matchSummary(line);
    if (summary !== undefined) {
      out.summary = summary;
      open = undefined;
      continue;
    }
    const entry = ENTRY.exec(line);
    if (entry !== null) {
      const kind = ENTRY_KIND[(entry[1] ?? '').toLowerCase()] ?? 'information';
      const list = kind === 'error' ? out.errors : kind === 'warning' ? out.warnings : out.information;
      list.push((entry[2] ?? '').trim());
      open = { list, index: list.length - 1, blankSince: false };
      continue;
    }
    if (open !== undefined && (!open.blankSince || /^\s/.test(raw))) {
      open.list[open.index] = `${open.list[open.index] ?? ''}\n${line}`;
      continue;
    }
    open = undefined;
    out.text.push(line);
  }
  return out;
}

export interface BtsTaskProcessResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  stdoutOmittedBytes?: number;
  stderrOmittedBytes?: number;
  signal?: NodeJS.Signals;
}

export interface CheckContext {
  /** The application the command acted on (the error's target). */
  target?: string | undefined;
  /** The TEMP folder BTSTask runs with, for the hint of the "space in TEMP" export failure. */
  tempPath?: string | undefined;
}

/** A failure cause recognised in BTSTask's text, with its own code and hint. */
export interface KnownCause {
  code: 'E_BTSTASK_FILE_LOCKED' | 'E_BTSTASK_ACCESS_DENIED' | 'E_BTSTASK_DATABASE' | 'E_BTSTASK_TEMP_PATH';
  /** Worth running again after a pause: another process held a file for a moment. */
  transient: boolean;
  hint: string;
}

/** Characters of stdout and of stderr a failure keeps in its details (head and tail when longer). */
export const FAILURE_TEXT_LIMIT = 16_000;

/**
 * Interprets one BTSTask run. Exit code 0 is success in every language, with or without a summary line, unless the
 * output contradicts it in words we know (an English or German failed summary, `Error:` lines): `E_BTSTASK_OUTPUT`.
 * A non-zero exit is a failure: a recognised cause gets its own code and hint (locked temp CAB, access denied,
 * management database, TEMP path with a space), anything else `E_BTSTASK_FAILED`; either way the exit code, the
 * error entries with their detail lines, and the whole stdout and stderr (bounded, secrets masked) are in details.
 */
export function checkBtsTaskRun(command: string, run: BtsTaskProcessResult, context: CheckContext | string = {}): BtsTaskOutput {
  const { target, tempPath } = typeof context === 'string' ? { target: context, tempPath: undefined } : context;
  const output = parseBtsTaskOutput(run.stdout);
  if (run.signal !== undefined) {
    throw new BtsBackupError('E_BTSTASK_STOPPED', `BTSTask ${command} was stopped by ${run.signal} before it finished.`, {
      target,
      hint: 'Something outside BTSTask ended it (Ctrl-C, a service stop, an administrator): run the command again.',
      details: failureDetails(command, run, output, []),
    });
  }
  if (run.exitCode !== 0) {
    const errors = errorLines(output, run);
    const cause = classifyFailure([...errors, ...output.text, run.stderr].join('\n'), tempPath);
    const first = errors[0] === undefined ? '.' : `: ${maskSecretsInText(firstLine(errors[0]))}`;
    throw new BtsBackupError(cause?.code ?? 'E_BTSTASK_FAILED', `BTSTask ${command} failed with exit code ${run.exitCode}${first}`, {
      target,
      hint: cause?.hint ?? 'Read the errors and the output in details; run the same BTSTask command by hand to see its whole output.',
      details: { ...failureDetails(command, run, output, errors), ...(cause === undefined ? {} : { transient: cause.transient }) },
    });
  }
  if (output.summary !== undefined && (!output.summary.succeeded || output.summary.errors !== 0)) {
    throw outputError(command, target, `the exit code is 0 but the summary reports ${output.summary.errors} error(s)`, run, output);
  }
  if (output.errors.length > 0) {
    throw outputError(command, target, `the exit code is 0 but it printed ${output.errors.length} error line(s)`, run, output);
  }
  return output;
}

/**
 * The known failure causes (BizTalk Deployment Framework users' logs; the .NET messages also in German):
 * a temp CAB under %TEMP%\BT\PID<n> held by another process (parallel deployments, antivirus), access denied while
 * BTSTask swaps files, the management database it cannot use, and the export failure a space in TEMP causes.
 */
export function classifyFailure(text: string, tempPath?: string): KnownCause | undefined {
  if (/being used by another process|von einem anderen Prozess verwendet wird/i.test(text)) {
    return {
      code: 'E_BTSTASK_FILE_LOCKED',
      transient: true,
      hint: 'Another process held one of BTSTask\'s files (a temp CAB under %TEMP%\\BT\\PID<n>: another deployment, or an antivirus scan). BizTalkBackup retries a few times; if it persists, run one BTSTask at a time per group and exclude %TEMP%\\BT from scanning.',
    };
  }
  if (/Access to the path\b[^\r\n]{0,600}?\bis denied|Zugriff auf den Pfad\b[^\r\n]{0,600}?\bverweigert/i.test(text)) {
    return {
      code: 'E_BTSTASK_ACCESS_DENIED',
      transient: true,
      hint: 'BTSTask was denied a file for a moment (it is often held while BTSTask replaces it); BizTalkBackup retries a few times. If it persists, check the account\'s rights on the named path and on %TEMP%.',
    };
  }
  if (/Unable to validate the given database/i.test(text)) {
    return {
      code: 'E_BTSTASK_DATABASE',
      transient: false,
      hint: 'BTSTask could not use the management database: run as a member of the BizTalk Server Administrators group (or an account with rights on BizTalkMgmtDb), and check --server/--database.',
    };
  }
  if (/Function failed during execution/i.test(text)) {
    const where = tempPath === undefined ? '' : /\s/.test(tempPath) ? ` TEMP is "${tempPath}", which holds a space:` : ` (TEMP here is "${tempPath}", without a space: check the TEMP of the account BTSTask runs as.)`;
    return {
      code: 'E_BTSTASK_TEMP_PATH',
      transient: false,
      hint: `BTSTask's MSI export fails with "Function failed during execution" when the TEMP folder of the account that runs it holds a space.${where} Set TEMP and TMP to a folder without spaces (e.g. C:\\Temp), then run again.`,
    };
  }
  return undefined;
}

/** The error entries; when BTSTask's language is not one we read, stderr, else the unrecognised stdout text. */
function errorLines(output: BtsTaskOutput, run: BtsTaskProcessResult): string[] {
  if (output.errors.length > 0) return output.errors;
  const stderr = nonBlankLines(run.stderr);
  if (stderr.length > 0) return stderr.slice(0, 20);
  return output.text.slice(-20);
}

function failureDetails(command: string, run: BtsTaskProcessResult, output: BtsTaskOutput, errors: string[]): Record<string, unknown> {
  return {
    command,
    exitCode: run.exitCode,
    errors: errors.map(maskSecretsInText),
    warnings: output.warnings.map(maskSecretsInText),
    ...(output.summary === undefined ? {} : { summary: output.summary }),
    stdout: maskSecretsInText(boundText(run.stdout, FAILURE_TEXT_LIMIT)),
    stderr: maskSecretsInText(boundText(run.stderr, FAILURE_TEXT_LIMIT)),
    ...((run.stdoutOmittedBytes ?? 0) > 0 ? { stdoutOmittedBytes: run.stdoutOmittedBytes } : {}),
    ...((run.stderrOmittedBytes ?? 0) > 0 ? { stderrOmittedBytes: run.stderrOmittedBytes } : {}),
    ...(run.signal === undefined ? {} : { signal: run.signal }),
  };
}

function outputError(command: string, target: string | undefined, problem: string, run: BtsTaskProcessResult, output: BtsTaskOutput): BtsBackupError {
  return new BtsBackupError('E_BTSTASK_OUTPUT', `BTSTask ${command} printed output BizTalkBackup cannot trust: ${problem}.`, {
    target,
    hint: 'Check that the configured executable is BTSTask.exe and that nothing wraps or truncates its output.',
    details: failureDetails(command, run, output, output.errors),
  });
}

/** At most `limit` characters: the head and the tail with a marker between. */
export function boundText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const half = Math.floor(limit / 2);
  return `${text.slice(0, half)}\r\n[... ${text.length - 2 * half} characters omitted ...]\r\n${text.slice(-half)}`;
}

/**
 * BTSTask echoes paths and, on some binding failures, addresses: user-info in a URL (`ftp://user:pw@host`) and
 * `Password=...` pairs are masked before any of its text reaches an error.
 */
export function maskSecretsInText(text: string): string {
  return text
    // The scheme is anchored at a word start and bounded, so a long run of letters is scanned once, not once per letter.
    .replace(/\b([a-z][a-z0-9+.-]{0,31}:\/\/[^\s:/@'"]+):[^\s@/'"]*@/gi, '$1:******@')
    .replace(/\b(password|pwd|passwd|secret|sharedaccesskey|accountkey|clientsecret)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^;\s'"<>]+)/gi, '$1$2******');
}

function nonBlankLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}
