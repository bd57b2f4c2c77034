import { createHash } from 'node:crypto';
import { ResourceType, type ResourceInfo } from './model.js';

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
 * Whether tonight is the application's night to have its content read again (ExportApp, compared with the stored
 * MSI): once every `days` days, the applications spread over the cycle by a hash of the name, so each night reads
 * about 1/`days` of them. The day is the UTC calendar day of `now`; `days` <= 0 never rechecks.
 */
export function recheckDue(application: string, now: Date, days: number): boolean {
  if (!Number.isInteger(days) || days <= 0) return false;
  const day = Math.floor(now.getTime() / DAY_MS);
  const offset = createHash('sha256').update(application.normalize('NFC').toLowerCase(), 'utf8').digest().readUInt32BE(0);
  return (day + (offset % days)) % days === 0;
}
