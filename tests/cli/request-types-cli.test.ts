// A --request JSON file (what the PowerShell module passes) is taken by yargs as it is: every value is checked against
// its option's declared type before a command runs, so a wrong type is E_USAGE naming the option, never a run that
// goes on with an object as an application name or NaN as a timeout.
import test from 'ava';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { checkOptionTypes } from '../../src/cli/option-types.js';
import { BtsBackupError } from '../../src/errors/index.js';
import { makeTempDir, runCli } from '../support/cli.js';

const declared = { string: ['store'], number: ['btstask-timeout'], boolean: ['full'], array: ['name'] };

const cases: [string, Record<string, unknown>, string | undefined][] = [
  ['strings, numbers, booleans and lists as declared', { store: 's', btstaskTimeout: 60, full: false, name: ['A*', 'B'] }, undefined],
  ['a single text for a list', { name: 'A*' }, undefined],
  ['a number where a text is declared (yargs makes --name 123 one)', { name: [123], store: 5 }, undefined],
  ['an object in a list', { name: [{ a: 1 }] }, '--name'],
  ['null in a list', { name: ['A', null] }, '--name'],
  ['a list for a text', { store: ['a', 'b'] }, '--store'],
  ['a text for a number (NaN from the command line too)', { btstaskTimeout: Number.NaN }, '--btstask-timeout'],
  ['infinity for a number', { btstaskTimeout: Number.POSITIVE_INFINITY }, '--btstask-timeout'],
  ['a text for a boolean', { full: 'yes' }, '--full'],
  ['an object for a text', { store: { path: 's' } }, '--store'],
];

for (const [title, args, target] of cases) {
  test(`option types: ${title}`, (t) => {
    if (target === undefined) {
      t.notThrows(() => checkOptionTypes(args, declared));
      return;
    }
    const error = t.throws(() => checkOptionTypes(args, declared), { instanceOf: BtsBackupError });
    t.is(error?.code, 'E_USAGE');
    t.is(error?.target, target);
  });
}

test('a --request file with a wrong type is E_USAGE naming the option, and nothing is written', async (t) => {
  const dir = await makeTempDir('cli-request-types');
  const store = path.join(dir, 'store');
  for (const [request, option] of [
    [{ store, simulator: true, name: [{ a: 1 }] }, '--name'],
    [{ store, simulator: true, btstaskTimeout: 'soon' }, '--btstask-timeout'],
    [{ store: [store, store], simulator: true }, '--store'],
  ] as const) {
    const file = path.join(dir, 'request.json');
    await writeFile(file, JSON.stringify(request));
    const run = await runCli(['export', '--request', file, '--json']);
    t.is(run.exitCode, 2, run.stderr);
    t.like(run.err.find((l) => l['type'] === 'error'), { code: 'E_USAGE', target: option });
    t.false(existsSync(store), 'no store was made');
  }
  const typed = await runCli(['export', '--simulator', '--store', store, '--btstask-timeout', 'soon', '--json']);
  t.like(typed.err.find((l) => l['type'] === 'error'), { code: 'E_USAGE', target: '--btstask-timeout' });
});

test('a --request switch written as a text other than true/false is E_USAGE: "dryRun": "yes" pruned for real', async (t) => {
  const dir = await makeTempDir('cli-request-switch');
  const store = path.join(dir, 'store');
  t.is((await runCli(['export', '--simulator', '--store', store])).exitCode, 0);
  t.is((await runCli(['export', '--simulator', '--store', store, '--full'])).exitCode, 0);
  const file = path.join(dir, 'request.json');
  await writeFile(file, JSON.stringify({ store, keepLast: 1, dryRun: 'yes' }));
  const run = await runCli(['prune', '--request', file, '--json']);
  t.is(run.exitCode, 2, run.stderr);
  t.like(run.err.find((l) => l['type'] === 'error'), { code: 'E_USAGE', target: '--dry-run' });
  const listed = await runCli(['list', '--store', store, '--json']);
  t.is(listed.out.filter((l) => l['type'] === 'result').length, 2, 'both sets are still there');
  // "true" and "false" as texts keep meaning what yargs reads them as.
  await writeFile(file, JSON.stringify({ store, keepLast: 1, dryRun: 'true' }));
  t.is((await runCli(['prune', '--request', file, '--json'])).exitCode, 0);
  t.is((await runCli(['list', '--store', store, '--json'])).out.filter((l) => l['type'] === 'result').length, 2);
});
