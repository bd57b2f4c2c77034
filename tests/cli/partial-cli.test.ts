// A partial run names each failure (issue 17): one `error` line per failed application with its own code, the
// application as target and a hint in both languages; the result rows give the real reason; the end of the run says
// what to do next, in the CLI's words and (psMessage) the module's; a restore says which applications are left Stopped.
import test from 'ava';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createSampleGroupState } from '../../src/adapters/simulator/sample-group.js';
import { makeTempDir, runCli } from '../support/cli.js';

function emptyGroup(): string {
  const state = createSampleGroupState();
  state.applications = state.applications.filter((a) => a.isSystem || a.isDefault);
  state.gac = [];
  return JSON.stringify(state);
}

test('a partial restore: one error line per failed application, real reasons in the rows, next steps and Stopped applications', async (t) => {
  const dir = await makeTempDir('cli-partial-restore');
  const store = path.join(dir, 'store');
  const target = path.join(dir, 'target.json');
  await writeFile(target, emptyGroup(), 'utf8');
  t.is((await runCli(['export', '--simulator', '--store', store, '--json'])).exitCode, 0);

  const r = await runCli(['restore', '--simulator-state', target, '--store', store, '--json']);
  t.is(r.exitCode, 3, r.stderr);
  const errors = r.err.filter((l) => l['type'] === 'error');
  const rows = r.out.filter((l) => l['kind'] === 'RestoreApplication');
  const failed = rows.filter((l) => l['status'] === 'Failed');
  t.true(failed.length >= 2);
  t.deepEqual(errors.map((e) => e['target']).sort(), failed.map((f) => f['targetName']).sort(), 'one error per failed application, the application as target');
  t.false(errors.some((e) => e['code'] === 'E_PARTIAL'));
  const secret = errors.find((e) => e['target'] === 'Contoso.Billing');
  t.like(secret, { code: 'E_SECRET_MISSING', category: 'ObjectNotFound' });
  t.regex(String(secret?.['hint']), /btsbackup secrets set .*--secrets-file/);
  t.regex(String(secret?.['psHint']), /Set-BtsAppSecret .*-SecretsFile/);
  t.like(errors.find((e) => e['target'] === 'Contoso.Portal'), { code: 'E_REFERENCE_MISSING' });
  for (const row of failed) {
    t.false((row['reasons'] as string[]).includes('not in the target group'), `${String(row['targetName'])}: the real reason`);
    t.regex((row['reasons'] as string[])[0] ?? '', /^E_[A-Z_]+: /);
  }

  const logs = r.err.filter((l) => l['type'] === 'log' && l['level'] === 'warning');
  const next = logs.find((l) => String(l['message']).startsWith('Next:'));
  t.regex(String(next?.['message']), /Billing\.Send\.Bank\.Sftp\|\|AdapterConfig\/password/);
  t.regex(String(next?.['message']), /`btsbackup secrets set --secrets-file .* --store .* --set \S+`/);
  t.regex(String(next?.['message']), /`btsbackup restore --store .* --set \S+ --secrets-file .*` again/);
  t.regex(String(next?.['psMessage']), /`Set-BtsAppSecret -Path .* -SetId \S+ -SecretsFile/);
  t.regex(String(next?.['psMessage']), /`Import-BtsAppBackup -Path .* -SetId \S+ -SecretsFile .*` again/);
  // Warning codes for the run log: the next step and the applications left Stopped are named, none is Other.
  t.is(next?.['code'], 'NextStep');
  t.deepEqual(logs.filter((l) => l['code'] === 'Other'), []);
  const imported = rows.filter((l) => l['status'] === 'Imported').map((l) => String(l['targetName']));
  t.true(imported.length > 0);
  const stopped = logs.find((l) => String(l['message']).includes('left Stopped'));
  for (const name of imported) t.true(String(stopped?.['message']).includes(name), `${name} is named as left Stopped`);
});

test('a partial restore in human mode prints each failure with its hint, and the next steps in CLI words', async (t) => {
  const dir = await makeTempDir('cli-partial-human');
  const store = path.join(dir, 'store');
  const target = path.join(dir, 'target.json');
  await writeFile(target, emptyGroup(), 'utf8');
  t.is((await runCli(['export', '--simulator', '--store', store, '--json'])).exitCode, 0);
  const r = await runCli(['restore', '--simulator-state', target, '--store', store]);
  t.is(r.exitCode, 3);
  t.regex(r.stderr, /ERROR E_SECRET_MISSING: .*\n  target: Contoso\.Billing\n  hint: {3}Add it to a secrets file with `btsbackup secrets set/);
  t.regex(r.stderr, /WARNING: Next: .*`btsbackup restore --store/);
  t.false(r.stderr.includes('Set-BtsAppSecret'), 'no cmdlet names in the CLI');
});

test('a partial export: one error line per failed application with the application as target, and the next step', async (t) => {
  const dir = await makeTempDir('cli-partial-export');
  const store = path.join(dir, 'store');
  const r = await runCli(['export', '--simulator', '--store', store, '--json'], {
    env: { BIZTALKBACKUP_SIM_FAULTS: JSON.stringify([{ command: 'ExportApp', application: 'Contoso.Billing', errors: ['Access denied.'] }]) },
  });
  t.is(r.exitCode, 3, r.stderr);
  const errors = r.err.filter((l) => l['type'] === 'error');
  t.is(errors.length, 1);
  t.is(errors[0]?.['target'], 'Contoso.Billing');
  t.regex(String(errors[0]?.['code']), /^E_BTSTASK_/);
  const next = r.err.find((l) => l['type'] === 'log' && String(l['message']).startsWith('Next:'));
  t.regex(String(next?.['message']), /`btsbackup export --store .*` again/);
  t.regex(String(next?.['psMessage']), /`Export-BtsAppBackup -Path .*` again/);
  t.is(next?.['code'], 'NextStep');
});
