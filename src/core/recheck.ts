import { createHash } from 'node:crypto';
import type { ManifestApplication } from './manifest.js';
import { ResourceType, type ResourceInfo } from './model.js';
import { setIdTime } from './set-id.js';

/** How often, by default, an application whose resources the back end lists without their content is read again whole. */
export const DEFAULT_RECHECK_DAYS = 7;

const DAY_MS = 86_400_000;

/**
 * Resources the back end listed with neither their properties nor their bytes' hash (BTSTask's ListApp gives type and
 * LUID only): a file, script or assembly replaced under the same name changes nothing the inventory sees. The
 * generated bindings are left out (the bindings are compared on their own).
 */
export function unseenContent(resources: readonly ResourceInfo[]): ResourceInfo[] {
  return resources.filter((r) => r.type !== ResourceType.BizTalkBinding && r.sha256 === undefined && Object.keys(r.properties).length === 0);
}

/**
 * Whether tonight the application's content is read again (ExportApp, compared with the stored MSI). The applications
 * spread over a `days`-day cycle by a hash of the name, so each night reads about 1/`days` of them; and whatever the
 * cycle says, content last read `days` or more calendar days ago is read tonight (a night without a run, a weekday-only
 * schedule), content read today is not read again; a read dated after today counts as unknown. Days are UTC calendar
 * days; `days` <= 0 never rechecks.
 * `lastRead`: when the content was last read whole (lastContentRead), if known.
 */
export function recheckDue(application: string, now: Date, days: number, lastRead?: Date): boolean {
  if (!Number.isInteger(days) || days <= 0) return false;
  const day = Math.floor(now.getTime() / DAY_MS);
  const age = lastRead === undefined ? undefined : day - Math.floor(lastRead.getTime() / DAY_MS);
  // A read stamped ahead of this clock (a clock that ran ahead, a hand-written root) says nothing: the cycle decides.
  if (age !== undefined && age >= 0) {
    if (age < 1) return false;
    if (age >= days) return true;
  }
  const offset = createHash('sha256').update(application.normalize('NFC').toLowerCase(), 'utf8').digest().readUInt32BE(0);
  return (day + (offset % days)) % days === 0;
}

/** When the application's content was last read whole: the export that made its record, or a later recheck that found it the same. */
export function lastContentRead(app: Pick<ManifestApplication, 'exportedIn' | 'contentReadAt'>): Date | undefined {
  const times = [setIdTime(app.exportedIn), app.contentReadAt === undefined ? undefined : new Date(app.contentReadAt)].filter((t): t is Date => t !== undefined && !Number.isNaN(t.getTime()));
  return times.length === 0 ? undefined : new Date(Math.max(...times.map((t) => t.getTime())));
}
