import { BtsBackupError, hints } from '../errors/index.js';
import type { AppSnapshot } from './app-snapshot.js';
import { diffInventory, type ChangeKind } from './diff-inventory.js';
import { filterNames, unmatchedLiterals } from './filter-names.js';
import type { Manifest } from './manifest.js';
import type { ApplicationInfo } from './model.js';
import { orderByReferences } from './order-applications.js';
import { lastContentRead, recheckDue, unseenContent } from './recheck.js';

export interface SelectionOptions {
  include: readonly string[];
  exclude: readonly string[];
}

export interface SkippedApplication {
  application: string;
  reason: string;
}

/**
 * Which applications a backup covers: never BizTalk.System, not the default application while it is empty,
 * then -Name / -ExcludeName. A literal -Name that matches nothing is an error (a typo must not back up nothing).
 * When the back end cannot tell which application is the default (BTSTask alone marks none), every empty
 * application is skipped: the default is then one of them.
 */
export function selectApplications(
  applications: readonly ApplicationInfo[],
  options: SelectionOptions,
  isEmpty: (name: string) => boolean,
): { selected: ApplicationInfo[]; skipped: SkippedApplication[] } {
  const missing = unmatchedLiterals(applications.map((a) => a.name), options.include);
  if (missing.length > 0) {
    throw new BtsBackupError('E_APP_NOT_FOUND', `No application named ${missing.map((m) => `"${m}"`).join(', ')} in the group.`, {
      target: missing[0],
      hint: hints.listApplications,
    });
  }
  const skipped: SkippedApplication[] = [];
  const wanted = new Set(filterNames(applications, (a) => a.name, options.include, options.exclude).map((a) => a.name));
  const selected: ApplicationInfo[] = [];
  const defaultKnown = applications.some((a) => a.isDefault);
  for (const app of applications) {
    if (app.isSystem) skipped.push({ application: app.name, reason: 'BizTalk.System is part of BizTalk itself and is never exported' });
    else if (!wanted.has(app.name)) skipped.push({ application: app.name, reason: 'excluded by -Name/-ExcludeName' });
    else if (app.isDefault && isEmpty(app.name)) skipped.push({ application: app.name, reason: 'the default application is empty' });
    else if (!defaultKnown && isEmpty(app.name)) skipped.push({ application: app.name, reason: 'the application is empty (the back end cannot tell which application is the default)' });
    else selected.push(app);
  }
  return { selected, skipped };
}

export interface BackupStep {
  application: string;
  /** Export: run ExportApp and store new objects. Reuse: point at the previous set's objects. */
  action: 'Export' | 'Reuse';
  change: ChangeKind;
  reasons: string[];
  fingerprint: string;
  /**
   * An Unchanged application exported to read its content again (see recheckDue): the MSI is compared with the stored
   * one, and only a difference is stored (the application is then Exported, the resources that differ named).
   */
  recheck?: boolean;
}

export interface BackupPlan {
  parent: string | null;
  full: boolean;
  /** Steps in import order (referenced applications first). */
  steps: BackupStep[];
  skipped: SkippedApplication[];
  /** Backed up last time, gone from the group now. */
  removed: string[];
}

/** The backup plan: what changed since `last`, in dependency order. `full` exports everything. Pure. */
export function planBackup(
  snapshots: readonly AppSnapshot[],
  last: Manifest | null,
  options: {
    full: boolean;
    skipped: SkippedApplication[];
    appliesToAll: boolean;
    present?: readonly string[];
    /** Reads again the content of Unchanged applications the inventory cannot see into, on their night of a `days`-day cycle. */
    recheck?: { now: Date; days: number };
  },
): BackupPlan {
  const recheck = options.recheck;
  const bySnapshot = new Map(snapshots.map((s) => [s.info.name, s] as const));
  const diff = diffInventory(snapshots, last);
  const byName = new Map(diff.applications.map((d) => [d.name, d] as const));
  // Unknown references (BTSTask alone) are taken from the last backup's ADF for ordering only.
  const lastReferences = (name: string): string[] => last?.applications.find((a) => a.name.toLowerCase() === name.toLowerCase())?.references ?? [];
  const ordered = orderByReferences(snapshots.map((s) => ({ name: s.info.name, references: s.info.references ?? lastReferences(s.info.name) })));
  const steps = ordered.map((node): BackupStep => {
    const d = byName.get(node.name);
    if (d === undefined) throw new Error(`diff lost ${node.name}`);
    const action = options.full || d.change !== 'Unchanged' ? 'Export' : 'Reuse';
    const reasons = options.full && d.change === 'Unchanged' ? ['full export requested'] : d.reasons;
    const unseen = unseenContent(bySnapshot.get(d.name)?.resources ?? []);
    const lastRead = d.previous === undefined ? undefined : lastContentRead(d.previous);
    if (action === 'Reuse' && recheck !== undefined && unseen.length > 0 && recheckDue(d.name, recheck.now, recheck.days, lastRead)) {
      const why = `content recheck: ${unseen.length} resource(s) are listed without their content (${describeTypes(unseen)}); read again every ${recheck.days} days`;
      return { application: d.name, action: 'Export', change: d.change, reasons: [why], fingerprint: d.fingerprint, recheck: true };
    }
    return { application: d.name, action, change: d.change, reasons, fingerprint: d.fingerprint };
  });
  return {
    parent: last?.setId ?? null,
    full: options.full,
    steps,
    skipped: options.skipped,
    // Only a run over every application can say an application was removed.
    // An application still in the group whose inventory failed is not removed either.
    removed: options.appliesToAll ? diff.removed.filter((name) => !(options.present ?? []).some((p) => p.toLowerCase() === name.toLowerCase())) : [],
  };
}

/** `30 File, 10 BizTalkAssembly`: the resource types, short, most first. */
function describeTypes(resources: readonly { type: string }[]): string {
  const counts = new Map<string, number>();
  for (const r of resources) {
    const short = r.type.replace(/^System\.BizTalk:/, '');
    counts.set(short, (counts.get(short) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([type, n]) => `${n} ${type}`)
    .join(', ');
}
