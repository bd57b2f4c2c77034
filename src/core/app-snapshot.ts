import { createHash } from 'node:crypto';
import type { BindingsSummary } from './bindings-summary.js';
import type { ApplicationInfo, ResourceInfo } from './model.js';

/** One application as the inventory saw it: what the diff compares. */
export interface AppSnapshot {
  info: ApplicationInfo;
  resources: ResourceInfo[];
  bindingsFingerprint: string;
  bindings: BindingsSummary;
}

/** Resource properties that change without the application changing (paths on the build machine). */
const VOLATILE_PROPERTIES = new Set(['sourcelocation']);

export function canonicalResources(resources: readonly ResourceInfo[]): ResourceInfo[] {
  return [...resources]
    .map((resource) => ({
      type: resource.type,
      luid: resource.luid,
      properties: Object.fromEntries(
        Object.entries(resource.properties)
          .filter(([key]) => !VOLATILE_PROPERTIES.has(key.toLowerCase()))
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      ),
      ...(resource.sha256 === undefined ? {} : { sha256: resource.sha256 }),
    }))
    .sort((a, b) => (`${a.type}|${a.luid}` < `${b.type}|${b.luid}` ? -1 : 1));
}

/**
 * SHA-256 over what defines an application: its resources (type, LUID, install options, bytes where known),
 * its references, and its normalised bindings. Description and status do not count.
 */
export function fingerprintApplication(snapshot: { references: readonly string[]; resources: readonly ResourceInfo[]; bindingsFingerprint: string }): string {
  const canonical = {
    references: [...snapshot.references].map((r) => r.toLowerCase()).sort(),
    resources: canonicalResources(snapshot.resources),
    bindings: snapshot.bindingsFingerprint,
  };
  return createHash('sha256').update(JSON.stringify(canonical), 'utf8').digest('hex');
}
