import { filterNames } from '../../core/filter-names.js';
import type { Manifest } from '../../core/manifest.js';
import { setHeader, type SetHeader, type StoredSet } from '../../core/manifest-tree.js';
import { readSetHeader } from '../../usecases/set-manifests.js';
import { openStore } from '../context.js';
import { formatTable, type Output } from '../output.js';

export interface ListArgs {
  store: string;
  name: string[];
}

/** A loaded set's summary line (show): the same fields `list` prints. */
export function setSummary(manifest: Manifest, store: string): Record<string, unknown> {
  return headerSummary(setHeader({ schemaVersion: 1, manifest, sha256: '' } satisfies StoredSet), store);
}

/** A set's line in `list`: from its file alone (a schemaVersion 2 root carries the counts), so no record is read. */
export function headerSummary(header: SetHeader, store: string): Record<string, unknown> {
  return {
    setId: header.setId,
    store,
    createdAt: header.createdAt,
    createdBy: header.createdBy.user,
    server: header.group.server,
    database: header.group.database,
    parent: header.parent,
    full: header.full,
    applications: header.summary.applications,
    exported: header.summary.exported,
    unchanged: header.summary.unchanged,
    failed: header.summary.failed,
    warnings: header.summary.warnings,
    applicationNames: header.importOrder,
  };
}

/** The backup sets in a store, oldest first. A corrupt manifest is reported and the others still listed. */
export async function runList(args: ListArgs, out: Output): Promise<number> {
  const store = await openStore(args.store, true);
  let exitCode = 0;
  let listed = 0;
  for (const setId of await store.listSets()) {
    let header: SetHeader;
    try {
      header = await readSetHeader(store, setId);
    } catch (error) {
      out.error(error);
      exitCode = 12;
      continue;
    }
    if (args.name.length > 0 && filterNames(header.importOrder, (name) => name, args.name).length === 0) continue;
    out.result('BackupSet', headerSummary(header, store.location));
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
