import { filterNames, unmatchedLiterals } from '../../core/filter-names.js';
import { BtsBackupError, hints } from '../../errors/index.js';
import { hasGroupInventory, isInventoryFailure } from '../../ports/biztalk-group.js';
import type { ResourceInfo } from '../../core/model.js';
import { openGroup, type GroupOptions } from '../context.js';
import { formatTable, type Output } from '../output.js';

export interface InventoryArgs extends GroupOptions {
  name: string[];
  excludeName: string[];
}

/** Lists the group's applications with their resources and references. */
export async function runInventory(args: InventoryArgs, out: Output): Promise<number> {
  const group = await openGroup(args, (m) => out.log('info', m), (m) => out.log('verbose', m));
  const info = await group.describeGroup();
  // One call for the whole group when the back end offers it; else ListApps, then ListApp per application.
  const pass = hasGroupInventory(group) ? await group.readGroupInventory() : undefined;
  const applications = pass === undefined ? await group.listApplications() : pass.applications.map((entry) => entry.info);
  const listResources = async (name: string): Promise<ResourceInfo[]> => {
    const entry = pass?.applications.find((e) => e.info.name === name);
    if (entry === undefined) return group.listResources(name);
    if (isInventoryFailure(entry)) throw entry.error;
    return entry.resources;
  };
  const missing = unmatchedLiterals(applications.map((a) => a.name), args.name);
  if (missing.length > 0) {
    throw new BtsBackupError('E_APP_NOT_FOUND', `No application named ${missing.map((m) => `"${m}"`).join(', ')} in the group.`, { target: missing[0], hint: hints.inventoryWithoutName });
  }
  const selected = filterNames(applications, (a) => a.name, args.name, args.excludeName);
  for (const [index, app] of selected.entries()) {
    out.progress('Inventory', app.name, index, selected.length);
    const resources = await listResources(app.name);
    out.result('Application', {
      name: app.name,
      description: app.description,
      isSystem: app.isSystem,
      isDefault: app.isDefault,
      status: app.status,
      references: app.references,
      resourceCount: resources.length,
      resources: resources.map((r) => ({ type: r.type, luid: r.luid })),
      server: info.server,
      database: info.database,
      source: group.source,
    });
  }
  out.completed('Inventory');
  out.text(`Group ${info.server}/${info.database} (BizTalk ${info.biztalkVersion ?? 'unknown'}), read through ${group.source}:`);
  out.text(
    formatTable(
      out.collected('Application').map((a) => ({ ...a, flags: [a['isSystem'] === true ? 'system' : '', a['isDefault'] === true ? 'default' : ''].filter(Boolean).join(',') })),
      [
        { key: 'name', title: 'Application' },
        { key: 'status', title: 'Status' },
        { key: 'resourceCount', title: 'Resources' },
        { key: 'references', title: 'References', max: 50 },
        { key: 'flags', title: 'Flags' },
      ],
    ),
  );
  out.summary('inventory', 0, { applications: selected.length }, { source: group.source });
  return 0;
}
