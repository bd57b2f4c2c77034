export { BtsBackupError, isBtsBackupError, type BtsBackupErrorOptions } from './bts-backup-error.js';
export { InternalError } from './internal-error.js';
export { errorCodes, type ErrorCode } from './error-codes.js';
export { fromSystemError } from './system-error.js';
export { hints, withPrefix, type Hint, type HintKey } from './hints.js';
