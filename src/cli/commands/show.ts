import { readManifest } from '../../usecases/set-manifests.js';
import { BtsBackupError, hints } from '../../errors/index.js';
import type { BackupStore } from '../../ports/store.js';
import { openStore } from '../context.js';
import { formatTable, type Output } from '../output.js';
import { setSummary } from './list.js';

export interface ShowArgs {
  store: string;
  set: string;
}

/** Resolves `latest` (or nothing) to the newest set id. */
export async function resolveSetId(store: BackupStore, set: string | undefined): Promise<string> {
  const sets = await store.listSets();
  if (set === undefined || set === '' || set.toLowerCase() === 'latest') {
    const latest = sets[sets.length - 1];
    if (latest === undefined) throw new BtsBackupError('E_SET_NOT_FOUND', `The store ${store.location} holds no backup set yet.`, { target: store.location, hint: hints.noSetYet });
    return latest;
  }
  if (!sets.includes(set)) throw new BtsBackupError('E_SET_NOT_FOUND', `No backup set ${set} in ${store.location}.`, { target: set, hint: hints.listSets });
  return set;
}

/** One set's manifest, for a person: applications in import order, their files, warnings and failures. */
export async function runShow(args: ShowArgs, out: Output): Promise<number> {
  const store = await openStore(args.store, true);
  const setId = await resolveSetId(store, args.set);
  const manifest = await readManifest(store, setId);
  out.result('BackupSet', { ...setSummary(manifest, store.location), group: manifest.group, tool: manifest.tool, warningsDetail: manifest.warnings, failures: manifest.failures });
  for (const [order, app] of manifest.applications.entries()) {
    out.result('BackupSetApplication', {
      setId,
      importOrder: manifest.importOrder.indexOf(app.name) + 1 || order + 1,
      name: app.name,
      backupStatus: app.backupStatus,
      exportedIn: app.exportedIn,
      references: app.references,
      resources: app.resources.map((r) => ({ type: r.type, luid: r.luid })),
      artifacts: app.artifacts,
    });
  }
  out.text(`Backup set ${setId}`);
  out.text(`  created   ${manifest.createdAt} by ${manifest.createdBy.user} on ${manifest.createdBy.host} (${manifest.tool.name} ${manifest.tool.version})`);
  out.text(`  group     ${manifest.group.server}/${manifest.group.database}, BizTalk ${manifest.group.biztalkVersion ?? 'unknown'}, read through ${manifest.group.source}`);
  out.text(`  parent    ${manifest.parent ?? '(none: first backup)'}${manifest.full ? ', full export' : ''}`);
  out.text('');
  out.text(
    formatTable(
      manifest.applications.map((a) => ({ order: manifest.importOrder.indexOf(a.name) + 1, name: a.name, status: a.backupStatus, exportedIn: a.exportedIn, resources: a.resources.length, references: a.references })),
      [{ key: 'order', title: '#' }, { key: 'name', title: 'Application (import order)' }, { key: 'status', title: 'Status' }, { key: 'exportedIn', title: 'Exported in' }, { key: 'resources', title: 'Resources' }, { key: 'references', title: 'References', max: 40 }],
    ),
  );
  out.text('');
  const files = manifest.applications.flatMap((a) => a.artifacts.map((f) => ({ application: a.name, kind: f.kind, name: f.name, size: f.size, sha256: f.sha256.slice(0, 16) })));
  files.push(...manifest.extras.map((f) => ({ application: '(extra)', kind: f.kind, name: f.name, size: f.size, sha256: f.sha256.slice(0, 16) })));
  out.text(formatTable(files, [{ key: 'application', title: 'Application' }, { key: 'kind', title: 'Kind' }, { key: 'name', title: 'File' }, { key: 'size', title: 'Bytes' }, { key: 'sha256', title: 'SHA-256' }]));
  if (manifest.warnings.length > 0) {
    out.text('');
    out.text('Warnings:');
    for (const w of manifest.warnings) out.text(`  [${w.kind}] ${w.application === undefined ? '' : `${w.application}: `}${w.message}`);
  }
  if (manifest.failures.length > 0) {
    out.text('');
    out.text('Failures:');
    for (const f of manifest.failures) out.text(`  ${f.application}: ${f.code} ${f.message}`);
  }
  out.summary('show', 0, { applications: manifest.applications.length, warnings: manifest.warnings.length, failures: manifest.failures.length }, { setId });
  return 0;
}
