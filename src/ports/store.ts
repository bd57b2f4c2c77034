/**
 * The backup store: write-once, content-addressed objects (SHA-256) and backup sets (one manifest each).
 * A set exists only once its manifest is committed (RELIABILITY.md promise 1).
 */
export interface ObjectInfo {
  sha256: string;
  size: number;
}

export interface PutResult extends ObjectInfo {
  /** The object was already in the store, intact (size and hash checked): nothing was written. */
  reused: boolean;
  /**
   * The object was already in the store but damaged (wrong size or bytes that no longer hash to its name): it was
   * replaced, atomically, with the good bytes of this put. The caller records it (log, manifest warning, run counts).
   */
  repaired?: { size: number; sha256: string };
}

export interface LockOwner {
  host: string;
  pid: number;
  user: string;
  startedAt: string;
  operation: string;
  /** Random per acquisition, so a lock taken over by someone else is told apart from ours; --break-lock names it. */
  token: string;
  /** When the owner process started (ISO): with the pid, tells the owner from a later process that got its pid. */
  processStartedAt?: string;
}

export interface StoreLock {
  readonly owner: LockOwner;
  /** Throws E_LOCK_LOST when the lock is no longer ours (removed or taken over). */
  assertHeld(): Promise<void>;
  /** Refreshes the lock's heartbeat now (the lock also does it by itself every heartbeat interval while held). */
  heartbeat(): Promise<void>;
  release(): Promise<void>;
}

export interface AcquireLockOptions {
  /**
   * The token of a lock to break even though its run is alive (fresh heartbeat). Nothing else breaks a live lock:
   * not -Force, which in PowerShell means "do not ask". A stale lock needs no token.
   */
  breakLock?: string;
}

/** What a lock looks like to a reader that does not take it (a dry run). */
export type LockStatus =
  | { state: 'free' }
  | { state: 'live'; owner: Omit<LockOwner, 'token'> | undefined; reason: string }
  | { state: 'stale'; owner: Omit<LockOwner, 'token'> | undefined; reason: string };

/** What a lock acquisition had to say: a stale lock taken over, for instance. */
export type StoreWarningSink = (message: string) => void;

export interface BackupStore {
  /** The store's root as the user named it (folder or UNC path), or `memory:` for the in-memory store. */
  readonly location: string;
  exists(): Promise<boolean>;
  /** Creates the store's layout if missing. Idempotent. */
  init(): Promise<void>;
  /** Stores a file's bytes, hashed while streamed; returns the object's name. */
  putFile(path: string): Promise<PutResult>;
  putBytes(bytes: Uint8Array): Promise<PutResult>;
  statObject(sha256: string): Promise<ObjectInfo | undefined>;
  readObject(sha256: string): Promise<Uint8Array>;
  /** Re-reads an object and hashes it, streamed (verify --read-data). */
  hashObject(sha256: string): Promise<ObjectInfo>;
  /** Copies an object to a file outside the store (temp + fsync + rename), checking its hash on the way. */
  copyObjectTo(sha256: string, destinationPath: string): Promise<void>;
  listObjects(): Promise<ObjectInfo[]>;
  /** Idempotent (a missing object is not an error). With `lock`, re-checks it first (E_LOCK_LOST): prune passes it. */
  deleteObject(sha256: string, lock?: StoreLock): Promise<void>;
  /** Committed set ids, oldest first (ids sort by time). */
  listSets(): Promise<string[]>;
  readSet(setId: string): Promise<Uint8Array>;
  /** The commit point: writes the manifest once, after re-checking the lock. */
  commitSet(setId: string, manifest: Uint8Array, lock: StoreLock): Promise<void>;
  deleteSet(setId: string, lock: StoreLock): Promise<void>;
  acquireLock(operation: string, options?: AcquireLockOptions, warn?: StoreWarningSink): Promise<StoreLock>;
  /** Judges the lock by the rules acquireLock applies, changing nothing (prune --dry-run reads under them). */
  inspectLock(): Promise<LockStatus>;
  /** Removes temp files left by interrupted runs; returns what it removed. */
  sweepTemp(): Promise<string[]>;
}
