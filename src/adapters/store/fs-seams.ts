import * as fs from 'node:fs';
import { dirname as dirnamePath, resolve as resolvePath } from 'node:path';

/** The file-system calls the store makes, behind one interface so tests can inject EPERM, EBUSY, ENOSPC, short writes and crashes. */
export interface FsStats {
  size: number;
  mtimeMs: number;
  isFile(): boolean;
  isDirectory(): boolean;
}

export interface FsSeams {
  open(path: string, flags: string, mode?: number): Promise<number>;
  /** Returns the number of bytes written; fewer than `length` is a short write. */
  write(fd: number, buffer: Uint8Array, offset: number, length: number): Promise<number>;
  /** Returns the number of bytes read; 0 at end of file. */
  read(fd: number, buffer: Uint8Array, offset: number, length: number): Promise<number>;
  fsync(fd: number): Promise<void>;
  close(fd: number): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string, options?: { recursive?: boolean }): Promise<void>;
  rmdir(path: string): Promise<void>;
  readFile(path: string): Promise<Uint8Array>;
  stat(path: string): Promise<FsStats>;
  readdir(path: string): Promise<string[]>;
  chmod(path: string, mode: number): Promise<void>;
  /** Sets a file's or folder's modification time (the lock's heartbeat, as proper-lockfile does it). */
  utimes(path: string, time: Date): Promise<void>;
  /** Free space of the volume holding `path`, to tell a full disk from another short write. */
  statfs(path: string): Promise<{ bavail: number; bsize: number }>;
}

function call<T>(run: (done: (error: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    run((error, value) => (error === null ? resolve(value) : reject(error)));
  });
}

/** The real file system. Reads and writes go through file descriptors so memory stays flat for multi-GB files. */
export const nodeFsSeams: FsSeams = {
  open: (path, flags, mode) => call<number>((done) => fs.open(path, flags, mode ?? 0o666, done)),
  write: (fd, buffer, offset, length) => call<number>((done) => fs.write(fd, buffer, offset, length, null, (error, written) => done(error, written))),
  read: (fd, buffer, offset, length) => call<number>((done) => fs.read(fd, buffer, offset, length, null, (error, read) => done(error, read))),
  fsync: (fd) => call<void>((done) => fs.fsync(fd, (error) => done(error, undefined))),
  close: (fd) => call<void>((done) => fs.close(fd, (error) => done(error ?? null, undefined))),
  rename: (from, to) => fs.promises.rename(from, to),
  unlink: (path) => fs.promises.unlink(path),
  mkdir: async (path, options) => {
    if (options?.recursive === true) await mkdirParents(path);
    else await fs.promises.mkdir(path);
  },
  rmdir: (path) => fs.promises.rmdir(path),
  readFile: async (path) => new Uint8Array(await fs.promises.readFile(path)),
  stat: (path) => fs.promises.stat(path),
  readdir: (path) => fs.promises.readdir(path),
  chmod: (path, mode) => fs.promises.chmod(path, mode),
  utimes: (path, time) => fs.promises.utimes(path, time, time),
  statfs: async (path) => {
    const stats = await fs.promises.statfs(path);
    return { bavail: Number(stats.bavail), bsize: Number(stats.bsize) };
  },
};

export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/**
 * `mkdir -p` one level at a time. Node 20's own recursive mkdir (libuv) spins forever at full CPU when a parent exists
 * but cannot hold children (a dangling symlink to an unmounted share, a path under /proc): it steps back on ENOENT
 * and forward on EEXIST. Here the walk goes up by stat once, then down by plain mkdir, so that case is an ENOENT.
 */
async function mkdirParents(path: string): Promise<void> {
  const missing: string[] = [];
  for (let dir = resolvePath(path); ; ) {
    try {
      await fs.promises.stat(dir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      missing.push(dir);
      const parent = dirnamePath(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  for (const dir of missing.reverse()) {
    try {
      await fs.promises.mkdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
