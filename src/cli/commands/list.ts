import { filterNames } from '../../core/filter-names.js';
import { parseManifest, type Manifest } from '../../core/manifest.js';
import { openStore } from '../context.js';
import { formatTable, type Output } from '../output.js';

export interface ListArgs {
  store: string;
  name: string[];
}

export function setSummary(manifest: Manifest, store: string): Record<string, unknown> {
  return {
    setId: manifest.setId,
    store,
    createdAt: manifest.createdAt,
    createdBy: manifest.createdBy.user,
    server: manifest.group.server,
    database: manifest.group.database,
    parent: manifest.parent,
    full: manifest.full,
    applications: manifest.applications.length,
    exported: manifest.applications.filter((a) => a.backupStatus === 'Exported').length,
    unchanged: manifest.applications.filter((a) => a.backupStatus === 'Unchanged').length,
    failed: manifest.failures.length,
    warnings: manifest.warnings.length,
    applicationNames: manifest.importOrder,
  };
}

/** The backup sets in a store, oldest first. A corrupt manifest is reported and the others still listed. */
export async function runList(args: ListArgs, out: Output): Promise<number> {
  const store = await openStore(args.store, true);
  let exitCode = 0;
  let listed = 0;
  for (const setId of await store.listSets()) {
    let manifest: Manifest;
    try {
      manifest = parseManifest(await store.readSet(setId), `${store.location} set ${setId}`);
    } catch (error) {
      out.error(error);
      exitCode = 12;
      continue;
    }
    if (args.name.length > 0 && filterNames(manifest.applications, (a) => a.name, args.name).length === 0) continue;
    out.result('BackupSet', setSummary(manifest, store.location));
    listed++;
  }
  out.text(
    listed === 0
      ? `No backup sets in ${store.location}.`
      : formatTable(out.collected('BackupSet'), [
          { key: 'setId', title: 'Set' },
          { key: 'createdAt', title: 'Created (UTC)' },
          { key: 'applications', title: 'Apps' },
          { key: 'exported', title: 'Exported' },
          { key: 'unchanged', title: 'Unchanged' },
          { key: 'failed', title: 'Failed' },
          { key: 'warnings', title: 'Warnings' },
        ]),
  );
  out.summary('list', exitCode, { sets: listed });
  return exitCode;
}
