import { compareBackup } from '../../usecases/compare-backup.js';
import type { CliCommand } from '../command.js';
import { arrayOf, groupArgs, groupOptions, nameOptions } from '../command.js';
import { openGroup, openStore, type GroupOptions } from '../context.js';
import { formatTable, type Output } from '../output.js';
import { createTempAreas } from '../../adapters/temp/temp-area.js';

export interface CompareArgs extends GroupOptions {
  store: string;
  name: string[];
  excludeName: string[];
  set?: string;
  against?: string;
}

/** Compare-BtsAppBackup: Added / Removed / Changed (with reasons) / Unchanged per application. */
export async function runCompare(args: CompareArgs, out: Output): Promise<number> {
  const store = await openStore(args.store, true);
  const group = args.set === undefined ? await openGroup(args, (m) => out.log('info', m), (m) => out.log('verbose', m)) : undefined;
  const outcome = await compareBackup(group, store, { include: args.name, exclude: args.excludeName, tempAreas: createTempAreas(), ...(args.set === undefined ? {} : { set: args.set }), ...(args.against === undefined ? {} : { against: args.against }) }, out);
  out.text(`Comparing ${outcome.current === 'group' ? 'the group' : `set ${outcome.current}`} with ${outcome.baseline === null ? '(no backup yet)' : `set ${outcome.baseline}`}:`);
  out.text(formatTable(out.collected('CompareResult'), [{ key: 'application', title: 'Application' }, { key: 'status', title: 'Status' }, { key: 'reasons', title: 'Why', max: 90 }]));
  const count = (status: string): number => outcome.results.filter((r) => r.status === status).length;
  out.summary('compare', outcome.exitCode, { added: count('Added'), removed: count('Removed'), changed: count('Changed'), unchanged: count('Unchanged'), failed: outcome.failures.length }, { current: outcome.current, baseline: outcome.baseline });
  return outcome.exitCode;
}

export const compareCommand: CliCommand = {
  command: 'compare',
  describe: 'Compare the group with its latest backup, or two backup sets (Compare-BtsAppBackup)',
  builder: (y) =>
    nameOptions(groupOptions(y))
      .option('store', { type: 'string', demandOption: true, describe: 'Backup store' })
      .option('set', { type: 'string', describe: 'Compare this set (id or latest) instead of the live group' })
      .option('against', { type: 'string', describe: 'The baseline set (id or latest; default latest)' }),
  run: (a, o) =>
    runCompare(
      {
        ...groupArgs(a),
        store: String(a['store']),
        name: arrayOf(a['name']),
        excludeName: arrayOf(a['excludeName']),
        ...(typeof a['set'] === 'string' ? { set: a['set'] } : {}),
        ...(typeof a['against'] === 'string' ? { against: a['against'] } : {}),
      },
      o,
    ),
};
