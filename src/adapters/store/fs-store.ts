import { createHash, randomBytes } from 'node:crypto';
import { hostname as osHostname, userInfo } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { BtsBackupError, hints } from '../../errors/index.js';
import { isSetId } from '../../core/set-id.js';
import { systemClock, type Clock } from '../../ports/clock.js';
import type { AcquireLockOptions, BackupStore, LockStatus, ObjectInfo, PutResult, StoreLock, StoreWarningSink } from '../../ports/store.js';
import {
  commitTemp,
  hashFile,
  mapWriteError,
  removeQuietly,
  renameWithRetry,
  streamFile,
  syncDirectory,
  unlinkReadOnly,
  writeTemp,
  type WriteContext,
} from './atomic-write.js';
import { errnoCode, nodeFsSeams, type FsSeams } from './fs-seams.js';
import { isProcessAlive, ownStartTime, processStartTime } from '../process/process-identity.js';
import { DEFAULT_HEARTBEAT_MS, DEFAULT_ORPHAN_GRACE_MS, DEFAULT_STALE_AFTER_MS, FsStoreLock, acquireFsLock, assertLockToken, inspectFsLock, lockLost, type LockEnvironment } from './store-lock.js';
import { STORE_FORMAT, STORE_FORMAT_VERSION, StoreLayout, TEMP_PREFIX, isSha256 } from './store-layout.js';

export interface FsStoreOptions {
  fs?: FsSeams;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  hostname?: string;
  pid?: number;
  user?: string;
  isProcessAlive?: (pid: number) => boolean;
  /** When process `pid` started (ms); default: /proc on Linux, unknown elsewhere (and unknown when isProcessAlive is injected alone). */
  processStartTime?: (pid: number) => number | undefined;
  /** When this process started (ms). */
  ownStartTime?: number;
  /** How often a held lock refreshes its heartbeat (default 30 s). */
  lockHeartbeatMs?: number;
  /** Hex digits for temp names and lock tokens. */
  random?: () => string;
  platform?: NodeJS.Platform;
  renameAttempts?: number;
  renameBackoffMs?: number;
  staleLockAfterMs?: number;
  orphanLockGraceMs?: number;
}

export const defaultIsProcessAlive = isProcessAlive;

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USERNAME'] ?? process.env['USER'] ?? 'unknown';
  }
}

/** Opens (does not create) the store at `root`, a local folder or UNC share. Call init() to create one. */
export function createFsStore(root: string, options: FsStoreOptions = {}): FsStore {
  return new FsStore(root, options);
}

/** What to do when store.json is damaged or is not ours: nothing is changed until it is right. */
const STORE_MARKER_HINT = `Check that --store names the store's root folder (the one holding sets/ and objects/). If it does and store.json was damaged, write it again as {"format":"${STORE_FORMAT}","version":${STORE_FORMAT_VERSION}} and run verify.`;

export class FsStore implements BackupStore {
  readonly location: string;
  private readonly layout: StoreLayout;
  private readonly ctx: WriteContext;
  private readonly lockEnv: LockEnvironment;
  private verified = false;

  constructor(root: string, options: FsStoreOptions = {}) {
    this.location = root;
    this.layout = new StoreLayout(resolve(root));
    this.ctx = {
      fs: options.fs ?? nodeFsSeams,
      sleep: options.sleep ?? ((ms) => new Promise((done) => setTimeout(done, ms))),
      random: options.random ?? (() => randomBytes(8).toString('hex')),
      platform: options.platform ?? process.platform,
      renameAttempts: options.renameAttempts ?? 5,
      renameBackoffMs: options.renameBackoffMs ?? 100,
      root,
    };
    this.lockEnv = {
      write: this.ctx,
      clock: options.clock ?? systemClock,
      hostname: options.hostname ?? osHostname(),
      pid: options.pid ?? process.pid,
      user: options.user ?? currentUser(),
      isProcessAlive: options.isProcessAlive ?? defaultIsProcessAlive,
      // Start times come from the same process table as liveness: a caller that injects one view of it (tests playing
      // pids) without the other gets no start-time check rather than a mix of real and played processes.
      processStartTime: options.processStartTime ?? (options.isProcessAlive === undefined ? (pid) => processStartTime(pid) : () => undefined),
      ownStartTime: options.ownStartTime ?? ownStartTime(),
      staleAfterMs: options.staleLockAfterMs ?? DEFAULT_STALE_AFTER_MS,
      heartbeatMs: options.lockHeartbeatMs ?? DEFAULT_HEARTBEAT_MS,
      orphanGraceMs: options.orphanLockGraceMs ?? DEFAULT_ORPHAN_GRACE_MS,
    };
  }

  private get fs(): FsSeams {
    return this.ctx.fs;
  }

  async exists(): Promise<boolean> {
    if ((await this.readMarker()) === 'ok') return true;
    await this.assertRootIsFolder();
    return false;
  }

  async init(): Promise<void> {
    const fs = this.fs;
    await this.assertRootIsFolder();
    const marker = await this.readMarker();
    if (marker === 'ok') {
      for (const dir of [this.layout.objectsDir, this.layout.setsDir, this.layout.locksDir, this.layout.logsDir]) await fs.mkdir(dir, { recursive: true });
      this.verified = true;
      return;
    }
    await this.assertEmptyOrOwnLayout();
    try {
      await fs.mkdir(this.layout.root, { recursive: true });
      for (const dir of [this.layout.objectsDir, this.layout.setsDir, this.layout.locksDir, this.layout.logsDir]) await fs.mkdir(dir, { recursive: true });
      const bytes = new TextEncoder().encode(`${JSON.stringify({ format: STORE_FORMAT, version: STORE_FORMAT_VERSION }, null, 2)}\n`);
      const temp = await writeTemp(this.ctx, this.layout.root, this.layout.marker, (sink) => sink(bytes));
      await commitTemp(this.ctx, temp, this.layout.marker, { readOnly: false });
    } catch (error) {
      // A read-only mount answers EROFS, EACCES or EPERM, and a recursive mkdir there can even say ENOENT.
      const code = errnoCode(error);
      if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM' || code === 'ENOENT') {
        throw new BtsBackupError('E_STORE_READ_ONLY', `Cannot create a store at ${this.location}: the volume is read-only or this account may not write there (${code}).`, {
          target: this.location,
          hint: hints.storeReadOnly,
          cause: error,
          details: { path: this.layout.root, errno: code },
        });
      }
      throw error;
    }
    this.verified = true;
  }

  /**
   * A new store is made only in a missing or empty folder (or one holding just a store's own folders, left by a run
   * that stopped before writing store.json): exporting into D:\Data must not silently turn it into a store.
   */
  private async assertEmptyOrOwnLayout(): Promise<void> {
    const own = new Set([this.layout.objectsDir, this.layout.setsDir, this.layout.locksDir, this.layout.logsDir].map((dir) => basename(dir)));
    const harmless = new Set(['desktop.ini', 'thumbs.db', '.ds_store']);
    const foreign = (await this.readdirOrEmpty(this.layout.root)).filter((name) => !own.has(name) && !harmless.has(name.toLowerCase()));
    if (foreign.length === 0) return;
    throw new BtsBackupError('E_STORE_FOLDER_NOT_EMPTY', `${this.location} is not empty and is not a BizTalkBackup store (no store.json): refusing to make it one.`, {
      target: this.location,
      hint: hints.storeFolderNotEmpty,
      details: { path: this.layout.root, entries: foreign.slice(0, 10), count: foreign.length },
    });
  }

  /** --store naming a regular file: its own error, not EEXIST or ENOTDIR from deep inside. */
  private async assertRootIsFolder(): Promise<void> {
    let isFolder: boolean;
    let throughFile = false;
    try {
      isFolder = (await this.fs.stat(this.layout.root)).isDirectory();
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return;
      if (errnoCode(error) !== 'ENOTDIR') throw error;
      isFolder = false;
      throughFile = true;
    }
    if (!isFolder) {
      throw new BtsBackupError('E_STORE_NOT_A_FOLDER', throughFile ? `The store path ${this.location} runs through a file: a part of it is not a folder.` : `The store path ${this.location} is a file, not a folder.`, {
        target: this.location,
        hint: hints.storeNotAFolder,
        details: { path: this.layout.root },
      });
    }
  }

  async putFile(path: string): Promise<PutResult> {
    await this.ensureStore();
    const incoming = join(this.layout.objectsDir, '.incoming');
    await this.fs.mkdir(incoming, { recursive: true });
    const expectedSize = (await this.fs.stat(path)).size;
    // The target named in errors is the store, never the caller's staging file.
    const temp = await writeTemp(this.ctx, incoming, this.layout.objectsDir, async (sink) => {
      await streamFile(this.fs, path, sink);
    }, expectedSize);
    return this.placeObject(temp);
  }

  async putBytes(bytes: Uint8Array): Promise<PutResult> {
    await this.ensureStore();
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const existing = await this.checkExisting(this.layout.objectPath(sha256));
    if (existing !== undefined && existing.size === bytes.length && existing.sha256 === sha256) return { sha256, size: bytes.length, reused: true };
    const dir = this.layout.objectDir(sha256);
    await this.fs.mkdir(dir, { recursive: true });
    const temp = await writeTemp(this.ctx, dir, this.layout.objectPath(sha256), async (sink) => {
      for (let offset = 0; offset < bytes.length; offset += 1 << 20) await sink(bytes.subarray(offset, offset + (1 << 20)));
    }, bytes.length);
    return this.placeObject(temp);
  }

  /**
   * Moves a hashed temp file to its content address, unless an intact copy is already there. "Intact" is checked, not
   * assumed: same size, and the existing bytes re-hashed (issue 15: dedup must never point a new set at a damaged
   * object). A damaged copy is replaced by renaming the good temp file over it, so the address never goes missing.
   */
  private async placeObject(temp: { path: string; sha256: string; size: number }): Promise<PutResult> {
    const target = this.layout.objectPath(temp.sha256);
    let repaired: { size: number; sha256: string } | undefined;
    try {
      const existing = await this.checkExisting(target);
      if (existing !== undefined) {
        if (existing.size === temp.size && existing.sha256 === temp.sha256) {
          await removeQuietly(this.fs, temp.path);
          return { sha256: temp.sha256, size: temp.size, reused: true };
        }
        repaired = existing;
        // Read-only objects: Windows refuses to rename over a read-only file; clear the attribute first.
        await this.fs.chmod(target, 0o644).catch(() => undefined);
      }
      await this.fs.mkdir(dirname(target), { recursive: true });
      if (dirname(temp.path) !== dirname(target)) {
        // Temp files of putFile live in objects/.incoming until their name is known; move them beside the target first
        // so the final rename stays within one directory.
        const beside = join(dirname(target), basename(temp.path));
        await renameWithRetry(this.ctx, temp.path, beside);
        temp = { ...temp, path: beside };
      }
    } catch (error) {
      await removeQuietly(this.fs, temp.path);
      throw mapWriteError(error, target);
    }
    await commitTemp(this.ctx, temp, target, { readOnly: true });
    return repaired === undefined ? { sha256: temp.sha256, size: temp.size, reused: false } : { sha256: temp.sha256, size: temp.size, reused: false, repaired };
  }

  /** Size and hash of an existing object file, or undefined when there is none. */
  private async checkExisting(target: string): Promise<{ size: number; sha256: string } | undefined> {
    try {
      const stats = await this.fs.stat(target);
      if (!stats.isFile()) return undefined;
      return await hashFile(this.fs, target);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return undefined;
      throw error;
    }
  }

  async statObject(sha256: string): Promise<ObjectInfo | undefined> {
    await this.ensureStore();
    const path = this.layout.objectPath(sha256);
    try {
      const stats = await this.fs.stat(path);
      return stats.isFile() ? { sha256, size: stats.size } : undefined;
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return undefined;
      throw error;
    }
  }

  async readObject(sha256: string): Promise<Uint8Array> {
    await this.ensureStore();
    const path = this.layout.objectPath(sha256);
    let bytes: Uint8Array;
    try {
      bytes = await this.fs.readFile(path);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') throw objectMissing(sha256, path, error);
      throw error;
    }
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== sha256) throw checksumMismatch(sha256, path, actual, bytes.length);
    return bytes;
  }

  async hashObject(sha256: string): Promise<ObjectInfo> {
    await this.ensureStore();
    const path = this.layout.objectPath(sha256);
    let result: { sha256: string; size: number };
    try {
      result = await hashFile(this.fs, path);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') throw objectMissing(sha256, path, error);
      throw error;
    }
    if (result.sha256 !== sha256) throw checksumMismatch(sha256, path, result.sha256, result.size);
    return result;
  }

  async copyObjectTo(sha256: string, destinationPath: string): Promise<void> {
    await this.ensureStore();
    const source = this.layout.objectPath(sha256);
    const destination = resolve(destinationPath);
    await this.fs.mkdir(dirname(destination), { recursive: true });
    let temp;
    try {
      // Outside the store: a full disk there is the destination's, not the store's.
      const outside: WriteContext = { fs: this.ctx.fs, sleep: this.ctx.sleep, random: this.ctx.random, platform: this.ctx.platform, renameAttempts: this.ctx.renameAttempts, renameBackoffMs: this.ctx.renameBackoffMs };
      temp = await writeTemp(outside, dirname(destination), destination, (sink) => streamFile(this.fs, source, sink));
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') throw objectMissing(sha256, source, error);
      throw error;
    }
    if (temp.sha256 !== sha256) {
      await removeQuietly(this.fs, temp.path);
      throw checksumMismatch(sha256, source, temp.sha256, temp.size);
    }
    await commitTemp(this.ctx, temp, destination, { readOnly: false });
  }

  async listObjects(): Promise<ObjectInfo[]> {
    await this.ensureStore();
    const objects: ObjectInfo[] = [];
    for (const prefix of (await this.readdirOrEmpty(this.layout.objectsDir)).filter((name) => /^[0-9a-f]{2}$/.test(name)).sort()) {
      const dir = join(this.layout.objectsDir, prefix);
      for (const name of (await this.readdirOrEmpty(dir)).sort()) {
        if (!isSha256(name) || !name.startsWith(prefix)) continue;
        const info = await this.statObject(name);
        if (info !== undefined) objects.push(info);
      }
    }
    return objects;
  }

  /** Idempotent: deleting a missing object is not an error (an interrupted prune re-runs). */
  async deleteObject(sha256: string, lock?: StoreLock): Promise<void> {
    await this.ensureStore();
    const path = this.layout.objectPath(sha256);
    if (lock !== undefined) await this.assertLock(lock);
    await unlinkReadOnly(this.fs, path);
  }

  /** Committed sets are files: a folder (or anything else) in sets/ named like one is not a set and is left out. */
  async listSets(): Promise<string[]> {
    await this.ensureStore();
    const ids: string[] = [];
    for (const name of await this.readdirOrEmpty(this.layout.setsDir)) {
      const id = name.slice(0, -'.json'.length);
      if (!name.endsWith('.json') || !isSetId(id)) continue;
      try {
        if (!(await this.fs.stat(join(this.layout.setsDir, name))).isFile()) continue;
      } catch (error) {
        if (errnoCode(error) === 'ENOENT') continue;
        throw error;
      }
      ids.push(id);
    }
    return ids.sort();
  }

  async readSet(setId: string): Promise<Uint8Array> {
    await this.ensureStore();
    const path = this.layout.setPath(setId);
    try {
      return await this.fs.readFile(path);
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ENOENT') throw setNotFound(setId, this.location, error);
      if (code === 'EISDIR') {
        throw new BtsBackupError('E_SET_NOT_A_FILE', `${path} is a folder, not the manifest of backup set ${setId}.`, {
          target: path,
          hint: 'BizTalkBackup writes sets as files only: something else created this folder. Move it out of the sets folder.',
          cause: error,
          details: { path, setId },
        });
      }
      throw error;
    }
  }

  async commitSet(setId: string, manifest: Uint8Array, lock: StoreLock): Promise<void> {
    await this.ensureStore();
    const target = this.layout.setPath(setId);
    await this.assertLock(lock);
    if (await this.pathExists(target)) throw setExists(setId, this.location);
    await this.fs.mkdir(this.layout.setsDir, { recursive: true });
    const temp = await writeTemp(this.ctx, this.layout.setsDir, target, async (sink) => {
      for (let offset = 0; offset < manifest.length; offset += 1 << 20) await sink(manifest.subarray(offset, offset + (1 << 20)));
    }, manifest.length);
    await commitTemp(this.ctx, temp, target, {
      readOnly: true,
      beforeRename: async () => {
        await this.assertLock(lock);
        if (await this.pathExists(target)) throw setExists(setId, this.location);
      },
    });
  }

  async deleteSet(setId: string, lock: StoreLock): Promise<void> {
    await this.ensureStore();
    const target = this.layout.setPath(setId);
    await this.assertLock(lock);
    if (!(await this.pathExists(target))) throw setNotFound(setId, this.location);
    await unlinkReadOnly(this.fs, target);
    await syncDirectory(this.ctx, this.layout.setsDir);
  }

  async acquireLock(operation: string, options?: AcquireLockOptions, warn?: StoreWarningSink): Promise<StoreLock> {
    await this.ensureStore();
    return acquireFsLock(this.lockEnv, this.layout, operation, options, warn);
  }

  async inspectLock(): Promise<LockStatus> {
    await this.ensureStore();
    return inspectFsLock(this.lockEnv, this.layout);
  }

  /** Removes temp files left by interrupted runs. Call it while holding the lock: a running writer's temp files look the same. */
  async sweepTemp(): Promise<string[]> {
    await this.ensureStore();
    const removed: string[] = [];
    const sweep = async (dir: string): Promise<void> => {
      for (const name of await this.readdirOrEmpty(dir)) {
        if (!name.startsWith(TEMP_PREFIX)) continue;
        const path = join(dir, name);
        if (await removeQuietly(this.fs, path)) {
          removed.push(path);
          continue;
        }
        // A stale lock folder moved aside by a takeover that crashed.
        try {
          for (const inner of await this.fs.readdir(path)) await removeQuietly(this.fs, join(path, inner));
          await this.fs.rmdir(path);
          removed.push(path);
        } catch {
          // leave it for the next sweep
        }
      }
    };
    await sweep(this.layout.root);
    await sweep(this.layout.setsDir);
    await sweep(this.layout.locksDir);
    await sweep(join(this.layout.objectsDir, '.incoming'));
    for (const prefix of await this.readdirOrEmpty(this.layout.objectsDir)) {
      if (/^[0-9a-f]{2}$/.test(prefix)) await sweep(join(this.layout.objectsDir, prefix));
    }
    return removed.sort();
  }

  /** The lock must be live and be this store's lock (a wrapped lock is fine: its token is checked against owner.json). */
  private async assertLock(lock: StoreLock): Promise<void> {
    if (lock instanceof FsStoreLock && lock.layout.root !== this.layout.root) {
      throw lockLost(this.layout, 'the lock given belongs to another store');
    }
    await lock.assertHeld();
    await assertLockToken(this.lockEnv, this.layout, lock.owner.token);
  }

  private async ensureStore(): Promise<void> {
    if (this.verified) return;
    const marker = await this.readMarker();
    if (marker === 'missing') {
      await this.assertRootIsFolder();
      throw new BtsBackupError('E_STORE_MISSING', `${this.location} is not a BizTalkBackup store (no store.json).`, {
        target: this.location,
        hint: 'Check the path, or create a store there with the init command.',
      });
    }
    this.verified = true;
  }

  private async readMarker(): Promise<'missing' | 'ok'> {
    let bytes: Uint8Array;
    try {
      bytes = await this.fs.readFile(this.layout.marker);
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
      throw error;
    }
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder().decode(bytes));
    } catch (cause) {
      throw new BtsBackupError('E_STORE_UNSUPPORTED', `${this.layout.marker} is not valid JSON: the store's marker file is damaged.`, {
        target: this.layout.marker,
        hint: STORE_MARKER_HINT,
        cause,
      });
    }
    const record = (typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {}) as Record<string, unknown>;
    const format = record['format'];
    const version = record['version'];
    if (format !== STORE_FORMAT) {
      // Not ours (another tool's store.json, or one that lost its fields): say what is there and what we expect.
      const found = format === undefined ? 'has no "format" field' : `says format ${JSON.stringify(format).slice(0, 80)}`;
      throw new BtsBackupError('E_STORE_UNSUPPORTED', `${this.layout.marker} ${found}: it does not mark a BizTalkBackup store (format "${STORE_FORMAT}").`, {
        target: this.layout.marker,
        hint: STORE_MARKER_HINT,
        details: { format: typeof format === 'string' ? format.slice(0, 80) : null, expectedFormat: STORE_FORMAT },
      });
    }
    if (version !== STORE_FORMAT_VERSION) {
      const newer = typeof version === 'number' && version > STORE_FORMAT_VERSION;
      throw new BtsBackupError('E_STORE_UNSUPPORTED', newer
        ? `${this.location} is a BizTalkBackup store of version ${version}, written by a newer BizTalkBackup; this one reads version ${STORE_FORMAT_VERSION}.`
        : `${this.layout.marker} has version ${JSON.stringify(version ?? null).slice(0, 40)}; this BizTalkBackup reads version ${STORE_FORMAT_VERSION}.`, {
        target: newer ? this.location : this.layout.marker,
        hint: newer ? 'Use the BizTalkBackup version that wrote this store, or a newer one.' : STORE_MARKER_HINT,
        details: { version: typeof version === 'number' ? version : null, readsVersion: STORE_FORMAT_VERSION },
      });
    }
    return 'ok';
  }

  private async pathExists(path: string): Promise<boolean> {
    try {
      await this.fs.stat(path);
      return true;
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return false;
      throw error;
    }
  }

  private async readdirOrEmpty(dir: string): Promise<string[]> {
    try {
      return await this.fs.readdir(dir);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return [];
      throw error;
    }
  }
}

export function objectMissing(sha256: string, where: string, cause?: unknown): BtsBackupError {
  return new BtsBackupError('E_OBJECT_MISSING', `The object ${sha256} is missing from the store.`, {
    target: sha256,
    hint: 'Run verify; back up again to store the object anew, or restore from another set.',
    cause,
    details: { sha256, path: where },
  });
}

export function checksumMismatch(sha256: string, where: string, actual: string, size: number): BtsBackupError {
  return new BtsBackupError('E_CHECKSUM_MISMATCH', `The object ${sha256} is damaged: its content hashes to ${actual}.`, {
    target: sha256,
    hint: hints.verifyReadData,
    details: { expected: sha256, actual, size, path: where },
  });
}

export function setNotFound(setId: string, location: string, cause?: unknown): BtsBackupError {
  return new BtsBackupError('E_SET_NOT_FOUND', `There is no backup set ${setId} in ${location}.`, {
    target: setId,
    hint: 'List the sets of the store to see which exist.',
    cause,
  });
}

export function setExists(setId: string, location: string): BtsBackupError {
  return new BtsBackupError('E_SET_EXISTS', `The backup set ${setId} already exists in ${location}; sets are written once.`, {
    target: setId,
    hint: 'Use a new set id.',
  });
}

