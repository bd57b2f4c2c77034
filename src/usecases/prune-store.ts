import { BtsBackupError } from '../errors/index.js';
import { planRetention, type RetentionCandidate, type RetentionPlan, type RetentionPolicy } from '../core/plan-retention.js';
import type { WarningCode } from '../core/warning-codes.js';
import type { BackupStore, StoreLock } from '../ports/store.js';

/**
 * Executes a retention plan under the store lock (RELIABILITY.md promise 8, cases 15-17): manifests are deleted first,
 * then the objects only they used, so an interruption leaves orphans only, which the next run collects.
 * A dry run computes the same plan from the same reads and makes no mutating call (not even the lock).
 */
export interface PruneStoreOptions {
  policy: RetentionPolicy;
  now: Date;
  /** Every committed set of the store, described (parsing manifests is the caller's job). */
  candidates: readonly RetentionCandidate[] | ((store: BackupStore) => Promise<RetentionCandidate[]>);
  dryRun?: boolean;
  /** The token of a live lock to break (--break-lock); nothing else breaks a live lock. */
  breakLock?: string;
  /** A warning with its stable code (the run log records the code). */
  warn?: (message: string, code: WarningCode) => void;
  /** Called after each deletion, for progress lines. */
  onDeleted?: (event: { kind: 'set' | 'object'; name: string }) => void;
}

export interface PruneStoreResult {
  plan: RetentionPlan;
  dryRun: boolean;
  removedSets: string[];
  deletedObjects: string[];
}

export async function pruneStore(store: BackupStore, options: PruneStoreOptions): Promise<PruneStoreResult> {
  const dryRun = options.dryRun === true;
  let lock: StoreLock | undefined;
  if (!dryRun) lock = await store.acquireLock('prune', options.breakLock === undefined ? {} : { breakLock: options.breakLock }, (message) => options.warn?.(message, 'LockTakenOver'));
  try {
    // A dry run takes no lock but reads under the same rules: while a live run holds the lock, the objects no set
    // names yet may be that run's uncommitted writes, so they are not counted as orphans to delete.
    let liveWriter = false;
    if (dryRun) {
      const status = await store.inspectLock();
      if (status.state === 'live') {
        liveWriter = true;
        const who = status.owner === undefined ? 'another run' : `${status.owner.user} on ${status.owner.host} (pid ${status.owner.pid}, ${status.owner.operation})`;
        options.warn?.(`The store is locked by ${who}, which is alive: the real prune would be refused (E_LOCK_HELD) until it ends, and objects no set names yet are not counted as orphans (that run may be writing them).`, 'LockHeldDryRun');
      }
    }
    const plan = await planFromStore(store, options, liveWriter);
    if (lock === undefined) return { plan, dryRun, removedSets: [], deletedObjects: [] };
    const removedSets: string[] = [];
    for (const setId of plan.remove) {
      await store.deleteSet(setId, lock);
      removedSets.push(setId);
      options.onDeleted?.({ kind: 'set', name: setId });
    }
    const deletedObjects: string[] = [];
    for (const sha256 of plan.deleteObjects) {
      await store.deleteObject(sha256, lock);
      deletedObjects.push(sha256);
      options.onDeleted?.({ kind: 'object', name: sha256 });
    }
    return { plan, dryRun, removedSets, deletedObjects };
  } finally {
    if (lock !== undefined) await lock.release();
  }
}

async function planFromStore(store: BackupStore, options: PruneStoreOptions, liveWriter = false): Promise<RetentionPlan> {
  const listed = await store.listSets();
  const candidates = typeof options.candidates === 'function' ? await options.candidates(store) : [...options.candidates];
  // A set the caller could not describe (a corrupt manifest, say) would make its objects look unused: refuse.
  const described = new Set(candidates.map((candidate) => candidate.setId));
  const undescribed = listed.filter((setId) => !described.has(setId));
  const unknown = [...described].filter((setId) => !listed.includes(setId));
  if (undescribed.length > 0 || unknown.length > 0) {
    throw new BtsBackupError('E_POLICY_UNSAFE', 'Cannot prune: the sets described do not match the sets in the store.', {
      target: store.location,
      hint: 'Nothing was deleted. Run verify; every committed set must be readable before pruning.',
      details: { undescribed, unknown },
    });
  }
  let stored = (await store.listObjects()).map((object) => object.sha256);
  if (liveWriter) {
    const named = new Set(candidates.flatMap((candidate) => candidate.objects));
    stored = stored.filter((sha256) => named.has(sha256));
  }
  return planRetention(candidates, options.policy, options.now, stored);
}
