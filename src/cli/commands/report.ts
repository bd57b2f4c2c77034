import path from 'node:path';
import { renderDotToSvg } from '../../adapters/report/graphviz.js';
import { writeReportFile } from '../../adapters/report/write-report-file.js';
import { readSecretsFile, resolvePassphrase, secretsFileExists } from '../../adapters/secrets/secrets-file.js';
import { readRunLog } from '../../adapters/store/run-log.js';
import { createTempAreas } from '../../adapters/temp/temp-area.js';
import type { SecretKeyRef } from '../../core/report-model.js';
import { BtsBackupError, hints } from '../../errors/index.js';
import { systemClock } from '../../ports/clock.js';
import { reportBackup, type ReportFormat } from '../../usecases/report-backup.js';
import type { CliCommand } from '../command.js';
import { groupArgs, groupOptions } from '../command.js';
import { openGroup, openStore, type GroupOptions } from '../context.js';
import type { Output } from '../output.js';
import { VERDICT_TEXT } from '../../formats/report/render-text.js';

export interface ReportArgs extends GroupOptions {
  store: string;
  set: string;
  live: boolean;
  format?: ReportFormat;
  out?: string;
  secretsFile?: string;
  passphraseFile?: string;
}

/** The format asked for, else the one --out's extension names, else html. */
export function reportFormatOf(format: string | undefined, out: string | undefined): ReportFormat {
  if (format === 'html' || format === 'markdown' || format === 'json') return format;
  const ext = out === undefined ? '' : path.extname(out).toLowerCase();
  return ext === '.md' || ext === '.markdown' ? 'markdown' : ext === '.json' ? 'json' : 'html';
}

/** Only where the secrets file holds values, never the values: they are dropped as soon as it is read. */
async function secretKeys(args: ReportArgs): Promise<{ file: string; keys: SecretKeyRef[] } | undefined> {
  if (args.secretsFile === undefined) return undefined;
  const file = path.resolve(args.secretsFile);
  if (!(await secretsFileExists(file))) {
    throw new BtsBackupError('E_SECRETS_FILE_MISSING', `The secrets file ${args.secretsFile} does not exist.`, { target: args.secretsFile, hint: hints.reportSecretsFileMissing });
  }
  const passphrase = await resolvePassphrase({ passphraseFile: args.passphraseFile });
  const entries = await readSecretsFile(file, passphrase);
  const keys = entries
    .filter((e) => e.value !== '')
    .map((e) => ({ port: e.port, field: e.field, ...(e.location === undefined ? {} : { location: e.location }), ...(e.application === undefined ? {} : { application: e.application }) }));
  return { file: args.secretsFile, keys };
}

/** Get-BtsAppBackupReport: the disaster-recovery report of a set, as HTML, Markdown or JSON. Reads only. */
export async function runReport(args: ReportArgs, out: Output): Promise<number> {
  const store = await openStore(args.store, true);
  const format = reportFormatOf(args.format, args.out);
  const secrets = await secretKeys(args);
  const group = args.live ? await openGroup(args, (m) => out.log('info', m), (m) => out.log('verbose', m)) : undefined;
  const outcome = await reportBackup(
    { store, clock: systemClock, readRunLog: () => readRunLog(path.resolve(args.store)), renderGraph: renderDotToSvg },
    {
      set: args.set,
      format,
      ...(secrets === undefined ? {} : { secrets }),
      ...(group === undefined ? {} : { live: { group, tempAreas: createTempAreas() } }),
    },
    out,
  );
  const { model } = outcome;
  const written = args.out === undefined ? undefined : path.resolve(args.out);
  if (written !== undefined) await writeReportFile(written, outcome.text);
  out.result('Report', {
    setId: model.setId,
    store: store.location,
    verdict: model.verdict,
    blockers: model.blockers,
    gaps: model.gaps,
    format,
    applications: model.applications.length,
    ...(written === undefined ? { content: outcome.text } : { path: written }),
  });
  if (written === undefined && !out.json) out.text(outcome.text.replace(/\n$/, ''));
  else if (written !== undefined) {
    out.log('info', `Report of set ${model.setId}: ${VERDICT_TEXT[model.verdict]}${model.blockers.length + model.gaps.length === 0 ? '' : ` (${model.blockers.length} blocker(s), ${model.gaps.length} gap(s))`}; written to ${written}.`);
  }
  out.summary('report', 0, { applications: model.applications.length, blockers: model.blockers.length, gaps: model.gaps.length }, { setId: model.setId, verdict: model.verdict, ...(written === undefined ? {} : { path: written }) });
  return 0;
}

export const reportCommand: CliCommand = {
  command: 'report',
  describe: 'Write the disaster-recovery report of a backup set: readiness, runbook, what is not held (Get-BtsAppBackupReport)',
  builder: (y) =>
    groupOptions(y)
      .option('store', { type: 'string', demandOption: true, describe: 'Backup store' })
      .option('set', { type: 'string', default: 'latest', describe: 'Set id, or latest' })
      .option('live', { type: 'boolean', default: false, describe: 'Also compare the live group (--simulator, --server ...) with the set' })
      .option('format', { choices: ['html', 'markdown', 'json'] as const, describe: 'Output format (default: from --out, else html)' })
      .option('out', { type: 'string', describe: 'Write the report to this file (temp + rename); else to stdout' })
      .option('secrets-file', { type: 'string', alias: 'secrets', describe: 'Secrets file to check the masked passwords against' })
      .option('passphrase-file', { type: 'string', describe: 'File holding the secrets passphrase (else BIZTALKBACKUP_SECRETS_PASSPHRASE)' }),
  run: (a, o) =>
    runReport(
      {
        ...groupArgs(a),
        store: String(a['store']),
        set: typeof a['set'] === 'string' ? a['set'] : 'latest',
        live: a['live'] === true,
        ...(a['format'] === 'html' || a['format'] === 'markdown' || a['format'] === 'json' ? { format: a['format'] } : {}),
        ...(typeof a['out'] === 'string' ? { out: a['out'] } : {}),
        ...(typeof a['secretsFile'] === 'string' ? { secretsFile: a['secretsFile'] } : {}),
        ...(typeof a['passphraseFile'] === 'string' ? { passphraseFile: a['passphraseFile'] } : {}),
      },
      o,
    ),
};
