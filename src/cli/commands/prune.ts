import type { RetentionPlan, RetentionPolicy } from '../../core/plan-retention.js';
import { systemClock } from '../../ports/clock.js';
import { pruneStore } from '../../usecases/prune-store.js';
import { retentionCandidates } from '../../usecases/verify-backup.js';
import type { CliCommand } from '../command.js';
import { openStore } from '../context.js';
import { formatTable, type Output } from '../output.js';

export interface PruneArgs {
  store: string;
  policy: RetentionPolicy;
  dryRun: boolean;
  /** The token of a live lock to break. */
  breakLock?: string;
}

/** The plan as lines: what is kept and why, which sets go, then which objects (manifests first, as executed). */
export function planSteps(plan: RetentionPlan, sizes: ReadonlyMap<string, number> = new Map()): Record<string, unknown>[] {
  return [
    ...plan.keep.map((k) => ({ action: 'Keep', target: k.setId, detail: k.reasons.join(', ') })),
    ...plan.remove.map((setId) => ({ action: 'RemoveSet', target: setId, detail: '' })),
    ...plan.deleteObjects.map((sha) => ({
      action: 'DeleteObject',
      target: sha,
      detail: plan.orphanObjects.includes(sha) ? 'orphan' : 'used only by removed sets',
      ...(sizes.has(sha) ? { size: sizes.get(sha) } : {}),
    })),
  ];
}

/** Remove-BtsAppBackup: retention over the store; --dry-run prints the same plan and changes nothing. */
export async function runPrune(args: PruneArgs, out: Output): Promise<number> {
  const store = await openStore(args.store, true);
  // Object sizes, so the deletions can be summarised as a count and a size (Remove-BtsAppBackup shows one line).
  const sizes = new Map((await store.listObjects()).map((object) => [object.sha256, object.size] as const));
  const result = await pruneStore(store, {
    policy: args.policy,
    now: systemClock.now(),
    candidates: retentionCandidates,
    dryRun: args.dryRun,
    ...(args.breakLock === undefined ? {} : { breakLock: args.breakLock }),
    warn: (m, code) => out.log('warning', m, undefined, code),
    onDeleted: (e) => out.log('verbose', `Deleted ${e.kind} ${e.name}`),
  });
  for (const step of planSteps(result.plan, sizes)) out.result('PlanStep', step);
  const counts = { kept: result.plan.keep.length, removedSets: result.plan.remove.length, deletedObjects: result.plan.deleteObjects.length, orphans: result.plan.orphanObjects.length };
  const deletedBytes = result.deletedObjects.reduce((sum, sha) => sum + (sizes.get(sha) ?? 0), 0);
  if (!args.dryRun) out.result('PruneResult', { store: store.location, removedSets: result.removedSets, deletedObjects: result.deletedObjects.length, deletedBytes });
  out.text(args.dryRun ? 'What if: the prune would do this (nothing was changed):' : `Pruned ${store.location}:`);
  out.text(formatTable(out.collected('PlanStep').filter((s) => s['action'] !== 'DeleteObject'), [{ key: 'action', title: 'Action' }, { key: 'target', title: 'Set' }, { key: 'detail', title: 'Why', max: 70 }]));
  out.text(`${counts.kept} set(s) kept, ${counts.removedSets} removed, ${counts.deletedObjects} object(s) ${args.dryRun ? 'to delete' : 'deleted'} (${counts.orphans} orphan).`);
  out.summary('prune', 0, counts, { dryRun: args.dryRun });
  return 0;
}

const count = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

export function policyArgs(a: Record<string, unknown>): RetentionPolicy {
  const policy: RetentionPolicy = {};
  const last = count(a['keepLast']);
  const daily = count(a['keepDaily']);
  const weekly = count(a['keepWeekly']);
  const monthly = count(a['keepMonthly']);
  if (last !== undefined) policy.keepLast = last;
  if (daily !== undefined) policy.keepDaily = daily;
  if (weekly !== undefined) policy.keepWeekly = weekly;
  if (monthly !== undefined) policy.keepMonthly = monthly;
  if (typeof a['keepWithin'] === 'string') policy.keepWithin = a['keepWithin'];
  return policy;
}

export const pruneCommand: CliCommand = {
  command: 'prune',
  describe: 'Remove old backup sets by a retention policy, and the objects only they used (Remove-BtsAppBackup)',
  builder: (y) =>
    y
      .option('store', { type: 'string', demandOption: true, describe: 'Backup store' })
      .option('keep-last', { type: 'number', describe: 'Keep the newest N sets' })
      .option('keep-daily', { type: 'number', describe: 'Keep the newest set of each of the last N days' })
      .option('keep-weekly', { type: 'number', describe: 'Keep the newest set of each of the last N ISO weeks' })
      .option('keep-monthly', { type: 'number', describe: 'Keep the newest set of each of the last N months' })
      .option('keep-within', { type: 'string', describe: 'Keep every set newer than this (12h, 30d, 2w, 6m, 1y)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Print the plan and change nothing (-WhatIf)' })
      .option('force', { type: 'boolean', default: false, describe: 'Do not ask (PowerShell -Force); never breaks a lock' })
      .option('break-lock', { type: 'string', describe: 'Break the live lock with this token (printed by E_LOCK_HELD); that run loses its work' }),
  run: (a, o) =>
    runPrune({ store: String(a['store']), policy: policyArgs(a), dryRun: a['dryRun'] === true, ...(typeof a['breakLock'] === 'string' ? { breakLock: a['breakLock'] } : {}) }, o),
};
