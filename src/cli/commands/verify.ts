import { parseReadDataSubset, type ReadDataSelection } from '../../core/verify-plan.js';
import { verifyBackup } from '../../usecases/verify-backup.js';
import { BtsBackupError, hints } from '../../errors/index.js';
import type { CliCommand } from '../command.js';
import { arrayOf } from '../command.js';
import { openStore } from '../context.js';
import { formatTable, type Output } from '../output.js';

export interface VerifyArgs {
  store: string;
  set: string;
  name: string[];
  readData: boolean;
  readDataSubset?: string;
}

/** Test-BtsAppBackup: exit 12 when any application of any verified set failed, 0 otherwise. */
export async function runVerify(args: VerifyArgs, out: Output): Promise<number> {
  const store = await openStore(args.store, true);
  const readData: ReadDataSelection = args.readDataSubset !== undefined ? parseReadDataSubset(args.readDataSubset) : args.readData ? { mode: 'all' } : { mode: 'none' };
  const outcome = await verifyBackup(store, { set: args.set, include: args.name, readData }, out);
  const rows = out.collected('VerifyResult').map((r) => {
    const problems = Array.isArray(r['problems']) ? (r['problems'] as { code: string; artifact?: string }[]) : [];
    return { ...r, application: r['application'] ?? '(set)', problems: problems.map((p) => `${p.code}${p.artifact === undefined ? '' : ` ${p.artifact}`}`) };
  });
  out.text(rows.length === 0 ? `Nothing to verify in ${store.location}.` : formatTable(rows, [{ key: 'setId', title: 'Set' }, { key: 'application', title: 'Application' }, { key: 'status', title: 'Status' }, { key: 'objects', title: 'Objects' }, { key: 'objectsRead', title: 'Re-hashed' }, { key: 'problems', title: 'Problems', max: 70 }]));
  const failed = outcome.results.filter((r) => r.status === 'Failed').length;
  // One error line per problem, so PowerShell gets a precise ErrorRecord (BizTalkBackup.E_CHECKSUM_MISMATCH, target app).
  for (const result of outcome.results) {
    for (const problem of result.problems) {
      const target = `${result.application ?? `set ${result.setId}`}${problem.artifact === undefined ? '' : `: ${problem.artifact}`}`;
      out.error(new BtsBackupError(problem.code, problem.message, { target, hint: hints.verifyFailed, ...(problem.details === undefined ? {} : { details: problem.details }) }));
    }
  }
  out.text('');
  out.text(
    `${outcome.results.length - failed} verified, ${failed} failed in ${outcome.sets.length} set(s) (${readData.mode === 'none' ? 'structure' : readData.mode === 'all' ? 'structure and every object re-hashed' : `structure and objects of part ${readData.part}/${readData.parts} re-hashed`})` +
      (outcome.orphans === undefined ? '.' : `; ${outcome.orphans.length} orphan object(s).`),
  );
  // One whole set verified (no --name): its id goes into the run log, which the DSC resource reads to know that the
  // latest set was verified.
  const whole = outcome.sets.length === 1 && args.name.length === 0 ? { setId: outcome.sets[0] } : {};
  out.summary('verify', outcome.exitCode, { sets: outcome.sets.length, verified: outcome.results.length - failed, failed, objectsRead: outcome.objectsRead, orphans: outcome.orphans?.length ?? 0 }, whole);
  return outcome.exitCode;
}

export const verifyCommand: CliCommand = {
  command: 'verify',
  describe: 'Check backup sets: structure, and with --read-data every checksum (Test-BtsAppBackup)',
  builder: (y) =>
    y
      .option('store', { type: 'string', demandOption: true, describe: 'Backup store' })
      .option('set', { type: 'string', default: 'all', describe: 'Set id, latest, or all' })
      .option('name', { type: 'string', array: true, describe: 'Only these applications (wildcards)' })
      .option('read-data', { type: 'boolean', default: false, describe: 'Re-read and re-hash every object' })
      .option('read-data-subset', { type: 'string', describe: 'Re-hash part n of m of the objects (e.g. 1/7), so m runs cover them all' }),
  run: (a, o) =>
    runVerify(
      {
        store: String(a['store']),
        set: typeof a['set'] === 'string' ? a['set'] : 'all',
        name: arrayOf(a['name']),
        readData: a['readData'] === true,
        ...(typeof a['readDataSubset'] === 'string' ? { readDataSubset: a['readDataSubset'] } : {}),
      },
      o,
    ),
};
