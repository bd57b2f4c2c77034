import type { AppSnapshot } from './app-snapshot.js';
import { diffBindings, diffInventory, diffReferences, diffResources } from './diff-inventory.js';
import { filterNames } from './filter-names.js';
import type { Manifest, ManifestApplication } from './manifest.js';

export type CompareStatus = 'Added' | 'Removed' | 'Changed' | 'Unchanged';

/** Compare-BtsAppBackup's output: one per application, with the reasons down to resources and binding elements. */
export interface CompareResult {
  application: string;
  status: CompareStatus;
  reasons: string[];
}

/** The live group (its inventory snapshots) against a backup set; `null` = no backup yet, everything Added. Pure. */
export function compareWithBackup(
  current: readonly AppSnapshot[],
  baseline: Manifest | null,
  scope: { include: readonly string[]; exclude: readonly string[]; notInventoried?: readonly string[] } = { include: [], exclude: [] },
): CompareResult[] {
  const diff = diffInventory(current, baseline);
  const results: CompareResult[] = diff.applications.map((d) => ({
    application: d.name,
    status: d.change === 'New' ? 'Added' : d.change,
    reasons: d.change === 'New' ? ['not in the backup'] : d.reasons,
  }));
  // An application whose inventory failed is still in the group: not Removed.
  const unknown = new Set((scope.notInventoried ?? []).map((name) => name.toLowerCase()));
  const removed = filterNames(diff.removed, (name) => name, scope.include, scope.exclude).filter((name) => !unknown.has(name.toLowerCase()));
  for (const name of removed) results.push({ application: name, status: 'Removed', reasons: ['in the backup, not in the group'] });
  return results;
}

/** Two backup sets: what changed from `baseline` to `current`, per application. Pure. */
export function compareSets(current: Manifest, baseline: Manifest, include: readonly string[] = []): CompareResult[] {
  const before = new Map(baseline.applications.map((a) => [a.name.toLowerCase(), a] as const));
  const after = new Set(current.applications.map((a) => a.name.toLowerCase()));
  const results: CompareResult[] = [];
  for (const app of filterNames(current.applications, (a) => a.name, include)) {
    const old = before.get(app.name.toLowerCase());
    if (old === undefined) results.push({ application: app.name, status: 'Added', reasons: [`not in set ${baseline.setId}`] });
    else results.push(compareApplication(app, old));
  }
  for (const old of filterNames(baseline.applications, (a) => a.name, include)) {
    if (!after.has(old.name.toLowerCase())) results.push({ application: old.name, status: 'Removed', reasons: [`not in set ${current.setId}`] });
  }
  return results;
}

function compareApplication(app: ManifestApplication, old: ManifestApplication): CompareResult {
  if (app.fingerprint === old.fingerprint) return { application: app.name, status: 'Unchanged', reasons: [] };
  const reasons = [
    ...diffReferences(old.references, app.references),
    ...diffResources(old.resources, app.resources),
    ...(old.bindingsFingerprint === app.bindingsFingerprint ? [] : diffBindings(old.bindings, app.bindings)),
  ];
  return { application: app.name, status: 'Changed', reasons: reasons.length > 0 ? reasons : ['fingerprint changed'] };
}
