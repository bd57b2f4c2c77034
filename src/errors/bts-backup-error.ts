import { errorCodes, type ErrorCode } from './error-codes.js';
import type { Hint } from './hints.js';

export interface BtsBackupErrorOptions {
  /** What the error is about: an application name, a path, a store. */
  target?: string | undefined;
  /**
   * What the user can do about it. A Hint from src/errors/hints.ts when it names a command or an option: it then reads
   * in the caller's language (the CLI's commands and flags, or the module's cmdlets and parameters).
   */
  hint?: string | Hint | undefined;
  cause?: unknown;
  /** Extra structured facts (BTSTask exit code and error lines, ...). Never secrets. */
  details?: Record<string, unknown> | undefined;
}

/**
 * The one base class of every error the product raises on purpose. Tests assert on `code`, never on message text.
 */
export class BtsBackupError extends Error {
  readonly code: ErrorCode;
  readonly category: string;
  readonly exitCode: number;
  readonly target: string | undefined;
  /** The hint as the command line says it. */
  readonly hint: string | undefined;
  /** The hint as the PowerShell module says it, when that differs. */
  readonly psHint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: BtsBackupErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BtsBackupError';
    this.code = code;
    this.category = errorCodes[code].category;
    this.exitCode = errorCodes[code].exitCode;
    this.target = options.target;
    const hint = options.hint;
    this.hint = typeof hint === 'object' ? hint.cli : hint;
    this.psHint = typeof hint === 'object' && hint.ps !== hint.cli ? hint.ps : undefined;
    this.details = options.details;
  }

  /** The hint in both forms, to carry it over to another error. */
  get hintForms(): string | Hint | undefined {
    return this.hint === undefined || this.psHint === undefined ? this.hint : { cli: this.hint, ps: this.psHint };
  }

  /** The shape written on an NDJSON `error` line. */
  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      category: this.category,
      target: this.target,
      hint: this.hint,
      ...(this.psHint === undefined ? {} : { psHint: this.psHint }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

export function isBtsBackupError(value: unknown): value is BtsBackupError {
  return value instanceof BtsBackupError;
}
