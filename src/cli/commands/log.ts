import path from 'node:path';
import { selectRunRecords, type RunLogFilter, type RunResult } from '../../core/run-record.js';
import { readRunLog } from '../../adapters/store/run-log.js';
import { BtsBackupError } from '../../errors/index.js';
import type { CliCommand } from '../command.js';
import { openStore } from '../context.js';
import { formatTable, type Output } from '../output.js';

export interface LogArgs {
  store: string;
  last?: number;
  since?: string;
  result?: RunResult;
}

/** Get-BtsAppBackupLog: the store's run log, oldest first, filtered. Reads only. */
export async function runLog(args: LogArgs, out: Output): Promise<number> {
  const store = await openStore(args.store, true);
  const filter: RunLogFilter = {};
  if (args.last !== undefined) {
    if (!Number.isInteger(args.last) || args.last < 0) throw new BtsBackupError('E_USAGE', '--last must be a whole number of 0 or more.', { hint: 'For example --last 10.' });
    filter.last = args.last;
  }
  if (args.since !== undefined) {
    const since = Date.parse(args.since);
    if (Number.isNaN(since)) throw new BtsBackupError('E_USAGE', '--since must be a date and time (ISO 8601).', { hint: 'For example --since 2026-11-01 or --since 2026-11-01T02:00:00Z.' });
    filter.since = new Date(since);
  }
  if (args.result !== undefined) filter.result = args.result;
  const records = selectRunRecords(await readRunLog(path.resolve(args.store)), filter);
  for (const record of records) {
    const { type: _type, ...fields } = record;
    out.result('RunRecord', { ...fields, store: store.location });
  }
  out.text(
    records.length === 0
      ? `No run recorded in ${store.location} matches.`
      : formatTable(
          records.map((r) => ({ ...r })),
          [{ key: 'start', title: 'Start' }, { key: 'operation', title: 'Operation' }, { key: 'result', title: 'Result' }, { key: 'exitCode', title: 'Exit' }, { key: 'setId', title: 'Set' }, { key: 'warnings', title: 'Warnings' }, { key: 'errorCodes', title: 'Errors', max: 60 }],
        ),
  );
  out.summary('log', 0, { records: records.length });
  return 0;
}

export const logCommand: CliCommand = {
  command: 'log',
  describe: "Show the store's run log: one record per export, verify, prune and restore (Get-BtsAppBackupLog)",
  builder: (y) =>
    y
      .option('store', { type: 'string', demandOption: true, describe: 'Backup store' })
      .option('last', { type: 'number', describe: 'Only the last N records' })
      .option('since', { type: 'string', describe: 'Only runs started at or after this time (ISO 8601)' })
      .option('result', { choices: ['ok', 'partial', 'failed', 'interrupted'] as const, describe: 'Only runs with this result' }),
  run: (a, o) =>
    runLog(
      {
        store: String(a['store']),
        ...(a['last'] === undefined ? {} : { last: Number(a['last']) }),
        ...(typeof a['since'] === 'string' ? { since: a['since'] } : {}),
        ...(typeof a['result'] === 'string' ? { result: a['result'] as RunResult } : {}),
      },
      o,
    ),
};
