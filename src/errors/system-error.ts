import { BtsBackupError } from './bts-backup-error.js';
import type { ErrorCode } from './error-codes.js';

interface SystemError extends Error {
  code: string;
  path?: string;
  dest?: string;
  syscall?: string;
}

function isSystemError(value: unknown): value is SystemError {
  const code = value instanceof Error ? (value as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

const KNOWN: Record<string, { code: ErrorCode; what: string; hint: string }> = {
  EACCES: { code: 'E_ACCESS_DENIED', what: 'access was denied', hint: 'Check that the account running BizTalkBackup may read and write there (share and NTFS permissions).' },
  EPERM: { code: 'E_ACCESS_DENIED', what: 'the operation was not permitted', hint: 'Check the permissions, and that no antivirus or backup agent holds the file.' },
  EROFS: { code: 'E_ACCESS_DENIED', what: 'the file system is read-only', hint: 'Use a writable folder or share.' },
  ENOSPC: { code: 'E_DISK_FULL', what: 'the disk is full', hint: 'Free space on the backup store (prune old sets) or use a larger share.' },
  EDQUOT: { code: 'E_DISK_FULL', what: 'the disk quota is exhausted', hint: 'Free space on the backup store (prune old sets) or raise the quota.' },
  ENOENT: { code: 'E_IO', what: 'a file or folder does not exist', hint: 'Check the path; on a share, check that it is still reachable.' },
  ENOTDIR: { code: 'E_IO', what: 'a part of the path is a file, not a folder', hint: 'Check the path.' },
  EISDIR: { code: 'E_IO', what: 'a folder was found where a file was expected', hint: 'Check the path.' },
  EBUSY: { code: 'E_STORE_BUSY', what: 'the file is in use', hint: 'Another process (antivirus, a backup agent) holds it: try again later.' },
  EIO: { code: 'E_IO', what: 'the device reported an I/O error', hint: 'Check the disk or the network path to the share.' },
  ENETUNREACH: { code: 'E_IO', what: 'the network is unreachable', hint: 'Check the network path to the share.' },
  EHOSTUNREACH: { code: 'E_IO', what: 'the host is unreachable', hint: 'Check the network path to the share.' },
};

/**
 * Turns an operating-system error that reached the top (a share gone, permission denied, disk full) into a typed
 * error naming the path, instead of an "unexpected error". Anything else is returned undefined.
 */
export function fromSystemError(error: unknown): BtsBackupError | undefined {
  if (!isSystemError(error)) return undefined;
  const known = KNOWN[error.code];
  if (known === undefined) return undefined;
  const target = error.path ?? error.dest;
  return new BtsBackupError(known.code, `${error.syscall === undefined ? 'A file operation' : `${error.syscall}`} failed${target === undefined ? '' : ` on ${target}`}: ${known.what} (${error.code}).`, {
    target,
    hint: known.hint,
    cause: error,
  });
}
