import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { BtsBackupError } from '../../errors/index.js';
import { errnoCode, type FsSeams } from './fs-seams.js';
import { TEMP_PREFIX } from './store-layout.js';

/**
 * The write protocol of every file the store creates (RELIABILITY.md promise 2):
 * temp file beside the target, full write with a length check, fsync, close, rename (retried on EPERM/EBUSY),
 * directory fsync where the OS allows, then re-read and re-hash the final file.
 */
export interface WriteContext {
  fs: FsSeams;
  sleep: (ms: number) => Promise<void>;
  /** Hex digits for temp file names. */
  random: () => string;
  platform: NodeJS.Platform;
  /** Rename attempts before E_STORE_BUSY (default 5). */
  renameAttempts: number;
  /** First back-off between rename attempts, doubled each time. */
  renameBackoffMs: number;
  /** The store's root as the user named it: what a disk-full error names (not a temp or staging file). */
  root?: string;
}

export interface TempFile {
  path: string;
  sha256: string;
  size: number;
}

export type ChunkSink = (chunk: Uint8Array) => Promise<void>;

export const CHUNK_SIZE = 1 << 20;

const RETRYABLE_RENAME = new Set(['EPERM', 'EBUSY']);
const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);

export function isDiskFull(error: unknown): boolean {
  const code = errnoCode(error);
  return code !== undefined && DISK_FULL.has(code);
}

export interface SpaceFacts {
  /** Bytes the write needed in all. */
  needed?: number;
  /** Bytes the volume still had free when the write failed, when the file system says. */
  available?: number;
}

const megabytes = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

export function diskFull(target: string, cause: unknown, facts: SpaceFacts = {}): BtsBackupError {
  const needed = facts.needed === undefined ? '' : `: writing ${target} needed ${megabytes(facts.needed)}`;
  const available = facts.available === undefined ? '' : `, ${megabytes(facts.available)} were free`;
  return new BtsBackupError('E_DISK_FULL', `The store ran out of space${needed}${available}.`, {
    target,
    hint: 'Free space on the store (or prune old backup sets) and run again; nothing half-written was kept.',
    cause,
    details: { path: target, ...(facts.needed === undefined ? {} : { neededBytes: facts.needed }), ...(facts.available === undefined ? {} : { availableBytes: facts.available }) },
  });
}

/** Maps ENOSPC/EDQUOT to E_DISK_FULL; anything else passes through. */
export function mapWriteError(error: unknown, target: string, facts: SpaceFacts = {}): unknown {
  if (error instanceof BtsBackupError) return error;
  return isDiskFull(error) ? diskFull(target, error, facts) : error;
}

/** Free bytes on the volume of `dir`, or undefined when the file system does not say. */
async function freeBytes(ctx: WriteContext, dir: string): Promise<number | undefined> {
  try {
    const stats = await ctx.fs.statfs(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
}

export async function removeQuietly(fs: FsSeams, path: string): Promise<boolean> {
  try {
    await fs.unlink(path);
    return true;
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EPERM' || code === 'EACCES') {
      try {
        await fs.chmod(path, 0o666);
        await fs.unlink(path);
        return true;
      } catch {
        return false;
      }
    }
    return false;
  }
}

async function closeQuietly(fs: FsSeams, fd: number): Promise<void> {
  try {
    await fs.close(fd);
  } catch {
    // already failing; the original error matters
  }
}

/** Unlinks a file that may be read-only (Windows refuses to delete those). Missing is fine. */
export async function unlinkReadOnly(fs: FsSeams, path: string): Promise<void> {
  try {
    await fs.unlink(path);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') return;
    if (code !== 'EPERM' && code !== 'EACCES') throw error;
    await fs.chmod(path, 0o666);
    await fs.unlink(path);
  }
}

/**
 * Writes what `produce` feeds into a new temp file in `dir`, hashing as it goes; fsyncs and closes it.
 * On any failure the temp file is removed (as far as the file system still answers) and the error is mapped.
 */
export async function writeTemp(ctx: WriteContext, dir: string, target: string, produce: (sink: ChunkSink) => Promise<void>, expectedSize?: number): Promise<TempFile> {
  const path = join(dir, `${TEMP_PREFIX}${ctx.random()}`);
  // A full disk often shows first as a short write (the kernel writes what fits, ENOSPC comes on the next call):
  // name the store and the space needed rather than a temp file.
  const spaceFacts = async (wanted: number): Promise<SpaceFacts> => {
    const available = await freeBytes(ctx, dir);
    return { needed: Math.max(expectedSize ?? 0, wanted), ...(available === undefined ? {} : { available }) };
  };
  const hash = createHash('sha256');
  let size = 0;
  let fd: number | undefined;
  try {
    fd = await ctx.fs.open(path, 'wx', 0o644);
    const handle = fd;
    await produce(async (chunk) => {
      if (chunk.length === 0) return;
      const written = await ctx.fs.write(handle, chunk, 0, chunk.length);
      if (written !== chunk.length) {
        const facts = await spaceFacts(size + chunk.length);
        if (facts.available !== undefined && facts.available < chunk.length - written) throw diskFull(ctx.root ?? target, undefined, facts);
        throw shortWrite(target, size + chunk.length, size + written);
      }
      hash.update(chunk);
      size += written;
    });
    await ctx.fs.fsync(handle);
    fd = undefined;
    await ctx.fs.close(handle);
    const stats = await ctx.fs.stat(path);
    if (stats.size !== size) throw shortWrite(target, size, stats.size);
    return { path, sha256: hash.digest('hex'), size };
  } catch (error) {
    if (fd !== undefined) await closeQuietly(ctx.fs, fd);
    await removeQuietly(ctx.fs, path);
    throw isDiskFull(error) ? diskFull(ctx.root ?? target, error, await spaceFacts(size)) : mapWriteError(error, target);
  }
}

function shortWrite(target: string, expected: number, actual: number): BtsBackupError {
  return new BtsBackupError('E_SHORT_WRITE', `Writing ${target} stopped short: ${actual} of ${expected} bytes reached the disk.`, {
    target,
    hint: 'Check the store volume (space, network share); the incomplete file was removed.',
    details: { expected, actual },
  });
}

/** Renames, retrying EPERM/EBUSY (antivirus, indexers on Windows) a bounded number of times, then E_STORE_BUSY. */
export async function renameWithRetry(ctx: WriteContext, from: string, to: string): Promise<void> {
  let delay = ctx.renameBackoffMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await ctx.fs.rename(from, to);
      return;
    } catch (error) {
      const code = errnoCode(error);
      if (code === undefined || !RETRYABLE_RENAME.has(code)) throw mapWriteError(error, to);
      if (attempt >= ctx.renameAttempts) {
        throw new BtsBackupError('E_STORE_BUSY', `Could not rename into ${to}: ${code} after ${attempt} attempts.`, {
          target: to,
          hint: 'Another program (antivirus, backup agent, indexer) keeps the store busy; exclude the store folder from it and run again.',
          cause: error,
          details: { attempts: attempt, errno: code },
        });
      }
      await ctx.sleep(delay);
      delay *= 2;
    }
  }
}

/** fsync of a directory so a rename survives power loss. Not possible on Windows; some file systems refuse it too. */
export async function syncDirectory(ctx: WriteContext, dir: string): Promise<void> {
  if (ctx.platform === 'win32') return;
  let fd: number;
  try {
    fd = await ctx.fs.open(dir, 'r');
  } catch {
    return;
  }
  try {
    await ctx.fs.fsync(fd);
  } catch (error) {
    const code = errnoCode(error);
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'EBADF' && code !== 'ENOTSUP') {
      await closeQuietly(ctx.fs, fd);
      throw error;
    }
  }
  await ctx.fs.close(fd);
}

/** Streams a file through `onChunk` (each chunk valid only during the call). */
export async function streamFile(fs: FsSeams, path: string, onChunk: (chunk: Uint8Array) => Promise<void> | void): Promise<void> {
  const fd = await fs.open(path, 'r');
  try {
    const buffer = new Uint8Array(CHUNK_SIZE);
    for (;;) {
      const read = await fs.read(fd, buffer, 0, buffer.length);
      if (read === 0) break;
      await onChunk(buffer.subarray(0, read));
    }
  } catch (error) {
    await closeQuietly(fs, fd);
    throw error;
  }
  await fs.close(fd);
}

export async function hashFile(fs: FsSeams, path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  await streamFile(fs, path, (chunk) => {
    hash.update(chunk);
    size += chunk.length;
  });
  return { sha256: hash.digest('hex'), size };
}

export interface CommitOptions {
  /** Mark the file read-only before the rename (objects, manifests). */
  readOnly: boolean;
  /** Runs right before the rename (the lock check of commitSet). The temp file is removed if it throws. */
  beforeRename?: () => Promise<void>;
}

/** Renames a finished temp file into place, fsyncs the directory, then re-reads and re-hashes the final file. */
export async function commitTemp(ctx: WriteContext, temp: TempFile, target: string, options: CommitOptions): Promise<void> {
  try {
    if (options.readOnly) {
      // Where the file system supports it (not every share does). On Windows this sets the read-only attribute,
      // which is why deletions go through unlinkReadOnly.
      try {
        await ctx.fs.chmod(temp.path, 0o444);
      } catch (error) {
        if (isDiskFull(error)) throw error;
      }
    }
    if (options.beforeRename !== undefined) await options.beforeRename();
    await renameWithRetry(ctx, temp.path, target);
  } catch (error) {
    await removeQuietly(ctx.fs, temp.path);
    throw mapWriteError(error, target);
  }
  await syncDirectory(ctx, dirname(target));
  const check = await hashFile(ctx.fs, target);
  if (check.sha256 !== temp.sha256 || check.size !== temp.size) {
    await removeQuietly(ctx.fs, target);
    throw new BtsBackupError('E_CHECKSUM_MISMATCH', `${target} does not read back as written.`, {
      target,
      hint: 'The store volume returned different bytes than were written: check the disk or share. The file was removed.',
      details: { expected: temp.sha256, actual: check.sha256, expectedSize: temp.size, actualSize: check.size },
    });
  }
}
