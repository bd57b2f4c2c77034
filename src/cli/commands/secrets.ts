import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Argv } from 'yargs';
import { readSecretsFile, resolvePassphrase, secretsFileExists, writeSecretsFile } from '../../adapters/secrets/secrets-file.js';
import { filterNames } from '../../core/filter-names.js';
import { maskedLocations } from '../../core/plan-restore.js';
import { secretLocationKey, secretsForApplication, upsertSecret, type SecretEntry } from '../../core/secrets.js';
import { BtsBackupError, hints } from '../../errors/index.js';
import { readBackupSet } from '../../usecases/restore-backup.js';
import { arrayOf, type CliCommand } from '../command.js';
import { openStore } from '../context.js';
import { formatTable, type Output } from '../output.js';

export interface SecretsArgs {
  action: 'set' | 'list';
  secretsFile: string;
  passphraseFile?: string;
  store?: string;
  set: string;
  name: string[];
  application?: string;
  port?: string;
  location?: string;
  field?: string;
  valueFile?: string;
  /** list: only the locations that have no value yet. */
  missing?: boolean;
}

/** Values never come from argv: a file, or standard input. */
async function readValueInput(args: SecretsArgs, stdin: NodeJS.ReadableStream): Promise<string> {
  if (args.valueFile !== undefined) return readFile(path.resolve(args.valueFile), 'utf8');
  if ((stdin as { isTTY?: boolean }).isTTY === true) throw new BtsBackupError('E_USAGE', 'No value given.', { hint: 'Pipe the value on standard input, or pass --value-file <file>; values are never taken from the command line.' });
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

const oneLine = (text: string): string => text.replace(/\r?\n$/, '');

type SecretLocationRow = { application: string | null; port: string; location: string | null; field: string; hasValue: boolean };

/** Writes one SecretLocation result (with its `port|location|field` key, never a value) and keeps it for the summary. */
function emitLocation(out: Output, rows: SecretLocationRow[], row: SecretLocationRow): void {
  rows.push(row);
  out.result('SecretLocation', { ...row, key: secretLocationKey({ port: row.port, field: row.field, ...(row.location === null ? {} : { location: row.location }) }) });
}

/**
 * `secrets set`: one location (--port, --field, [--location], [--application]) whose value comes from stdin or
 * --value-file; or, with --store, the masked passwords a backup set reported, whose values come as a JSON object
 * `{ "port|location|field": "value" }` on stdin or in --value-file. `secrets list`: which locations have a value
 * (never the values).
 */
export async function runSecrets(args: SecretsArgs, out: Output, stdin: NodeJS.ReadableStream = process.stdin): Promise<number> {
  const file = path.resolve(args.secretsFile);
  const passphrase = await resolvePassphrase({ passphraseFile: args.passphraseFile });
  const exists = await secretsFileExists(file);
  let entries: SecretEntry[] = exists ? await readSecretsFile(file, passphrase) : [];
  const wanted = args.store === undefined ? [] : await maskedOfSet(args);
  // Counted here, not from out.collected(), which only collects in human mode.
  const emitted: SecretLocationRow[] = [];

  if (args.action === 'list') {
    if (args.store !== undefined) {
      for (const w of wanted) {
        const hasValue = secretsForApplication(entries, w.application).has(secretLocationKey(w));
        if (args.missing === true && hasValue) continue;
        emitLocation(out, emitted, { application: w.application, port: w.port, location: w.location ?? null, field: w.field, hasValue });
      }
    } else if (args.missing !== true) {
      for (const e of entries) emitLocation(out, emitted, { application: e.application ?? null, port: e.port, location: e.location ?? null, field: e.field, hasValue: true });
    }
    const rows = out.collected('SecretLocation');
    out.text(formatTable(rows, [{ key: 'application', title: 'Application' }, { key: 'port', title: 'Port' }, { key: 'location', title: 'Location' }, { key: 'field', title: 'Field' }, { key: 'hasValue', title: 'Has value' }]));
    const missing = emitted.filter((r) => !r.hasValue).length;
    out.summary('secrets', 0, { locations: emitted.length, missing });
    return 0;
  }

  let changed = 0;
  if (args.port !== undefined) {
    if (args.field === undefined) throw new BtsBackupError('E_USAGE', 'secrets set --port needs --field (password, AdapterConfig/password ...).');
    const value = oneLine(await readValueInput(args, stdin));
    if (value === '') throw new BtsBackupError('E_USAGE', 'The value is empty.');
    entries = upsertSecret(entries, { ...(args.application === undefined ? {} : { application: args.application }), port: args.port, ...(args.location === undefined ? {} : { location: args.location }), field: args.field, value });
    changed = 1;
    emitLocation(out, emitted, { application: args.application ?? null, port: args.port, location: args.location ?? null, field: args.field, hasValue: true });
  } else {
    if (args.store === undefined) throw new BtsBackupError('E_USAGE', 'secrets set needs --port and --field, or --store to take the locations from a backup set.');
    let values: unknown;
    try {
      values = JSON.parse(await readValueInput(args, stdin));
    } catch (cause) {
      if (cause instanceof BtsBackupError) throw cause;
      throw new BtsBackupError('E_USAGE', 'The values are not a JSON object.', { hint: hints.secretsValuesJson });
    }
    if (typeof values !== 'object' || values === null || Array.isArray(values)) throw new BtsBackupError('E_USAGE', 'The values must be a JSON object keyed "<port>|<location>|<field>".');
    const given = new Map(Object.entries(values as Record<string, unknown>));
    const known = new Set(wanted.map((w) => secretLocationKey(w)));
    const unknown = [...given.keys()].filter((k) => !known.has(k));
    if (unknown.length > 0) throw new BtsBackupError('E_USAGE', `${unknown.length} key(s) name no masked password of the backup set: ${unknown.join(', ')}.`, { hint: hints.secretsList });
    for (const w of wanted) {
      const value = given.get(secretLocationKey(w));
      if (typeof value === 'string' && value !== '') {
        entries = upsertSecret(entries, { application: w.application, port: w.port, ...(w.location === undefined ? {} : { location: w.location }), field: w.field, value });
        changed++;
      }
      emitLocation(out, emitted, { application: w.application, port: w.port, location: w.location ?? null, field: w.field, hasValue: secretsForApplication(entries, w.application).has(secretLocationKey(w)) });
    }
  }
  await writeSecretsFile(file, entries, passphrase);
  const rows = out.collected('SecretLocation');
  out.text(formatTable(rows, [{ key: 'application', title: 'Application' }, { key: 'port', title: 'Port' }, { key: 'location', title: 'Location' }, { key: 'field', title: 'Field' }, { key: 'hasValue', title: 'Has value' }]));
  out.text(`${changed} secret(s) written to ${file} (encrypted).`);
  out.summary('secrets', 0, { set: changed, entries: entries.length, missing: emitted.filter((r) => !r.hasValue).length });
  return 0;
}

async function maskedOfSet(args: SecretsArgs): Promise<{ application: string; port: string; location?: string; field: string }[]> {
  const store = await openStore(args.store, true);
  const manifest = await readBackupSet(store, args.set);
  const apps = filterNames(manifest.applications, (a) => a.name, args.name);
  return apps.flatMap((app) => maskedLocations(manifest, app.name).map((l) => ({ application: app.name, ...l })));
}

export const secretsCommand: CliCommand = {
  command: 'secrets <action>',
  describe: 'Create or update the encrypted secrets file for masked binding passwords (values from stdin or a file, never argv)',
  builder: (y: Argv) =>
    y
      .positional('action', { choices: ['set', 'list'] as const, describe: 'set: add values; list: show which locations have one' })
      .option('secrets-file', { type: 'string', demandOption: true, describe: 'The encrypted secrets file (created when missing)' })
      .option('passphrase-file', { type: 'string', describe: 'File holding the passphrase (else BIZTALKBACKUP_SECRETS_PASSPHRASE)' })
      .option('store', { type: 'string', describe: 'Take the masked locations from a backup set of this store' })
      .option('set', { type: 'string', default: 'latest', describe: 'Backup set id, or latest' })
      .option('name', { type: 'string', array: true, describe: 'Only these applications (wildcards)' })
      .option('application', { type: 'string', describe: 'With --port: the application the entry belongs to' })
      .option('port', { type: 'string', describe: 'Send or receive port name' })
      .option('location', { type: 'string', describe: 'Receive location name' })
      .option('field', { type: 'string', describe: 'Adapter property: password, AdapterConfig/password ...' })
      .option('missing', { type: 'boolean', describe: 'list --store: only the locations that have no value yet' })
      .option('value-file', { type: 'string', describe: 'Read the value (or the JSON object of values) from this file instead of stdin' }),
  run: (a, o) =>
    runSecrets(
      {
        action: a['action'] === 'list' ? 'list' : 'set',
        secretsFile: String(a['secretsFile']),
        ...(typeof a['passphraseFile'] === 'string' ? { passphraseFile: a['passphraseFile'] } : {}),
        ...(typeof a['store'] === 'string' ? { store: a['store'] } : {}),
        set: typeof a['set'] === 'string' ? a['set'] : 'latest',
        name: arrayOf(a['name']),
        ...(typeof a['application'] === 'string' ? { application: a['application'] } : {}),
        ...(typeof a['port'] === 'string' ? { port: a['port'] } : {}),
        ...(typeof a['location'] === 'string' ? { location: a['location'] } : {}),
        ...(typeof a['field'] === 'string' ? { field: a['field'] } : {}),
        ...(typeof a['valueFile'] === 'string' ? { valueFile: a['valueFile'] } : {}),
        ...(a['missing'] === true ? { missing: true } : {}),
      },
      o,
      o.input,
    ),
};
