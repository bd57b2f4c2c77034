import { errorCodes, type ErrorCode } from './error-codes.js';

export interface BtsBackupErrorOptions {
  /** What the error is about: an application name, a path, a store. */
  target?: string | undefined;
  /** What the user can do about it. */
  hint?: string | undefined;
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
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: BtsBackupErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BtsBackupError';
    this.code = code;
    this.category = errorCodes[code].category;
    this.exitCode = errorCodes[code].exitCode;
    this.target = options.target;
    this.hint = options.hint;
    this.details = options.details;
  }

  /** The shape written on an NDJSON `error` line. */
  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      message: this.message,
      category: this.category,
      target: this.target,
      hint: this.hint,
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

export function isBtsBackupError(value: unknown): value is BtsBackupError {
  return value instanceof BtsBackupError;
}
