import type { AppSnapshot } from './app-snapshot.js';
import { canonicalResources, fingerprintApplication } from './app-snapshot.js';
import type { BindingsSummary } from './bindings-summary.js';
import type { Manifest, ManifestApplication } from './manifest.js';
import type { ResourceInfo } from './model.js';

export type ChangeKind = 'New' | 'Changed' | 'Unchanged';

export interface AppDiff {
  name: string;
  change: ChangeKind;
  fingerprint: string;
  /** Human-readable reasons, one per difference: `resource added: ...`, `send port X: address ...`. */
  reasons: string[];
  /** The previous backup of this application, when there is one. */
  previous?: ManifestApplication;
}

export interface InventoryDiff {
  applications: AppDiff[];
  /** In the last backup, no longer in the group. */
  removed: string[];
}

/** Decides per application New / Changed (with reasons) / Unchanged against the last manifest. Pure. */
export function diffInventory(current: readonly AppSnapshot[], last: Manifest | null): InventoryDiff {
  const previousByName = new Map((last?.applications ?? []).filter((a) => a.backupStatus !== 'Failed' || a.artifacts.length > 0).map((a) => [a.name.toLowerCase(), a] as const));
  const applications = current.map((snapshot): AppDiff => {
    // References the back end cannot tell (BTSTask alone) are left out of the fingerprint rather than guessed.
    const references = snapshot.info.references ?? [];
    const fingerprint = fingerprintApplication({ references, resources: snapshot.resources, bindingsFingerprint: snapshot.bindingsFingerprint });
    const previous = previousByName.get(snapshot.info.name.toLowerCase());
    if (previous === undefined) return { name: snapshot.info.name, change: 'New', fingerprint, reasons: ['new application'] };
    if (previous.fingerprint === fingerprint && previous.artifacts.some((a) => a.kind === 'msi')) {
      return { name: snapshot.info.name, change: 'Unchanged', fingerprint, reasons: [], previous };
    }
    const reasons = [
      ...(snapshot.info.references === null ? [] : diffReferences(previous.references, references)),
      ...diffResources(previous.resources, snapshot.resources),
      ...(previous.bindingsFingerprint === snapshot.bindingsFingerprint ? [] : diffBindings(previous.bindings, snapshot.bindings)),
    ];
    if (!previous.artifacts.some((a) => a.kind === 'msi')) reasons.push('the previous backup has no MSI');
    if (reasons.length === 0) reasons.push('fingerprint changed');
    return { name: snapshot.info.name, change: 'Changed', fingerprint, reasons, previous };
  });
  const currentNames = new Set(current.map((s) => s.info.name.toLowerCase()));
  const removed = (last?.applications ?? []).filter((a) => !currentNames.has(a.name.toLowerCase())).map((a) => a.name);
  return { applications, removed };
}

export function diffReferences(before: readonly string[], after: readonly string[]): string[] {
  const b = new Set(before.map((r) => r.toLowerCase()));
  const a = new Set(after.map((r) => r.toLowerCase()));
  return [
    ...after.filter((r) => !b.has(r.toLowerCase())).map((r) => `reference added: ${r}`),
    ...before.filter((r) => !a.has(r.toLowerCase())).map((r) => `reference removed: ${r}`),
  ];
}

export function diffResources(before: readonly ResourceInfo[], after: readonly ResourceInfo[]): string[] {
  const key = (r: ResourceInfo): string => `${r.type}|${r.luid}`.toLowerCase();
  const b = new Map(canonicalResources(before).map((r) => [key(r), r] as const));
  const a = new Map(canonicalResources(after).map((r) => [key(r), r] as const));
  const reasons: string[] = [];
  for (const [k, resource] of a) {
    const old = b.get(k);
    const kind = resource.type.replace(/^System\.BizTalk:/, '');
    if (old === undefined) {
      reasons.push(`resource added: ${kind} ${resource.luid}`);
      continue;
    }
    if (old.sha256 !== undefined && resource.sha256 !== undefined && old.sha256 !== resource.sha256) reasons.push(`resource changed: ${kind} ${resource.luid} (content)`);
    const keys = new Set([...Object.keys(old.properties), ...Object.keys(resource.properties)]);
    for (const property of [...keys].sort()) {
      if (old.properties[property] !== resource.properties[property]) {
        reasons.push(`resource changed: ${kind} ${resource.luid} (${property}: ${old.properties[property] ?? '(none)'} -> ${resource.properties[property] ?? '(none)'})`);
      }
    }
  }
  for (const [k, resource] of b) if (!a.has(k)) reasons.push(`resource removed: ${resource.type.replace(/^System\.BizTalk:/, '')} ${resource.luid}`);
  return reasons;
}

/** Differences in bindings down to ports, locations, addresses, handlers and filters. */
export function diffBindings(before: BindingsSummary | undefined, after: BindingsSummary): string[] {
  if (before === undefined) return ['bindings changed'];
  const reasons: string[] = [];
  const compare = <T extends { name: string }>(label: string, old: readonly T[], now: readonly T[], keyOf: (x: T) => string, fields: (keyof T)[]): void => {
    const o = new Map(old.map((x) => [keyOf(x), x] as const));
    const n = new Map(now.map((x) => [keyOf(x), x] as const));
    for (const [k, x] of n) {
      const y = o.get(k);
      if (y === undefined) {
        reasons.push(`${label} added: ${k}`);
        continue;
      }
      for (const field of fields) {
        if (JSON.stringify(x[field]) !== JSON.stringify(y[field])) {
          const what = field === 'configHash' ? 'adapter configuration changed' : `${String(field)}: ${String(y[field]) || '(none)'} -> ${String(x[field]) || '(none)'}`;
          reasons.push(`${label} ${k}: ${what}`);
        }
      }
    }
    for (const k of o.keys()) if (!n.has(k)) reasons.push(`${label} removed: ${k}`);
  };
  compare('send port', before.sendPorts, after.sendPorts, (p) => p.name, ['transport', 'address', 'host', 'hostTrusted', 'filter', 'configHash']);
  compare('receive location', before.receiveLocations, after.receiveLocations, (l) => `${l.port}/${l.name}`, ['transport', 'address', 'host', 'hostTrusted', 'enabled', 'configHash']);
  compare('orchestration', before.services, after.services, (s) => s.name, ['host', 'hostTrusted']);
  const groupsBefore = new Set(before.sendPortGroups);
  const groupsAfter = new Set(after.sendPortGroups);
  for (const g of groupsAfter) if (!groupsBefore.has(g)) reasons.push(`send port group added: ${g}`);
  for (const g of groupsBefore) if (!groupsAfter.has(g)) reasons.push(`send port group removed: ${g}`);
  if (reasons.length === 0) reasons.push('bindings changed');
  return reasons;
}
