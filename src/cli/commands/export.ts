import os from 'node:os';
import { newSetId } from '../../core/set-id.js';
import { systemClock } from '../../ports/clock.js';
import { exportBackup } from '../../usecases/export-backup.js';
import { currentUser, isLocalPath, openGroup, openStore, randomHex, toolVersion, type GroupOptions } from '../context.js';
import { formatTable, type Output } from '../output.js';
import { createTempAreas } from '../../adapters/temp/temp-area.js';

export interface ExportArgs extends GroupOptions {
  store: string;
  name: string[];
  excludeName: string[];
  includePath: string[];
  full: boolean;
  dryRun: boolean;
  /** The token of a live lock to break. */
  breakLock?: string;
  /** See ExportOptions.recheckDays. */
  recheckDays: number;
}

export async function runExport(args: ExportArgs, out: Output): Promise<number> {
  const store = await openStore(args.store, false);
  const group = await openGroup(args, (m) => out.log('info', m), (m) => out.log('verbose', m));
  const outcome = await exportBackup(
    group,
    store,
    {
      include: args.name,
      exclude: args.excludeName,
      includePaths: args.includePath,
      full: args.full,
      dryRun: args.dryRun,
      ...(args.breakLock === undefined ? {} : { breakLock: args.breakLock }),
      recheckDays: args.recheckDays,
      storeIsLocal: isLocalPath(args.store),
      tempAreas: createTempAreas(),
      clock: systemClock,
      newSetId: (now) => newSetId(now, randomHex),
      tool: toolVersion(),
      user: currentUser(),
      host: os.hostname(),
    },
    out,
  );
  const steps = outcome.plan.steps;
  if (args.dryRun) {
    for (const step of steps) out.result('PlanStep', { action: step.action === 'Export' ? 'ExportApp' : 'Reuse', application: step.application, change: step.change, detail: step.reasons.join('; ') });
    for (const skipped of outcome.plan.skipped) out.result('PlanStep', { action: 'Skip', application: skipped.application, change: '', detail: skipped.reason });
    out.text('What if: the export would do this (nothing was changed):');
    out.text(formatTable(out.collected('PlanStep'), [{ key: 'action', title: 'Action' }, { key: 'application', title: 'Application' }, { key: 'change', title: 'Change' }, { key: 'detail', title: 'Why', max: 70 }]));
    out.summary('export', outcome.exitCode, { planned: steps.length, export: steps.filter((s) => s.action === 'Export').length, reuse: steps.filter((s) => s.action === 'Reuse').length, skipped: outcome.plan.skipped.length }, { dryRun: true });
    return outcome.exitCode;
  }
  const manifest = outcome.manifest;
  const apps = out.collected('BackupApplication');
  const counts = {
    exported: outcome.statuses.filter((a) => a.backupStatus === 'Exported').length,
    unchanged: outcome.statuses.filter((a) => a.backupStatus === 'Unchanged').length,
    failed: outcome.statuses.filter((a) => a.backupStatus === 'Failed').length,
    skipped: outcome.plan.skipped.length,
    warnings: manifest?.warnings.length ?? 0,
    repaired: outcome.repairedObjects ?? 0,
  };
  if (manifest !== undefined) {
    out.result('BackupSet', {
      setId: manifest.setId,
      store: store.location,
      createdAt: manifest.createdAt,
      committed: outcome.committed,
      // Created: this run wrote the set. Unchanged: nothing changed, the set named is the store's current one (not a failed commit).
      status: outcome.committed ? 'Created' : 'Unchanged',
      applications: manifest.applications.length,
      ...counts,
      removed: outcome.plan.removed,
    });
  }
  const rows = apps.map((a) => ({ ...a, files: Array.isArray(a['artifacts']) ? a['artifacts'].length : 0 }));
  out.text(formatTable(rows, [{ key: 'name', title: 'Application' }, { key: 'backupStatus', title: 'Status' }, { key: 'change', title: 'Change' }, { key: 'files', title: 'Files' }, { key: 'reasons', title: 'Why', max: 60 }]));
  if (manifest !== undefined) {
    out.text('');
    out.text(
      outcome.committed
        ? `Backup set ${manifest.setId} written to ${store.location}: ${counts.exported} exported, ${counts.unchanged} unchanged, ${counts.failed} failed, ${counts.warnings} warning(s).`
        : `Nothing changed since backup set ${manifest.setId}; it is still the current backup in ${store.location}.`,
    );
    for (const removed of outcome.plan.removed) out.text(`Note: ${removed} was in the previous backup and is no longer in the group.`);
  }
  const failed = outcome.statuses.filter((a) => a.backupStatus === 'Failed').map((a) => a.application);
  if (failed.length > 0) {
    const kept = `${failed.length} application(s) failed (${failed.join(', ')}); each keeps its previous backup, if it has one. Fix the causes above, then run`;
    out.log('warning', `Next: ${kept} \`btsbackup export --store ${args.store}\` again: only what changed or failed is exported.`, `Next: ${kept} \`Export-BtsAppBackup -Path ${args.store}\` again: only what changed or failed is exported.`, 'NextStep');
  }
  out.summary('export', outcome.exitCode, counts, { setId: manifest?.setId ?? null, committed: outcome.committed });
  return outcome.exitCode;
}
