// Issue 17: export makes a new store only in a missing or empty folder (or an existing store); a folder holding
// other files is refused with a typed error, and nothing is written into it.
import test from 'ava';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir, runCli } from '../support/cli.js';

test('export into a non-empty folder that is not a store: E_STORE_FOLDER_NOT_EMPTY, exit 2, the folder untouched', async (t) => {
  const dir = await makeTempDir('cli-store-not-empty');
  const data = path.join(dir, 'data');
  await mkdir(data);
  await writeFile(path.join(data, 'notes.txt'), 'mine');
  const run = await runCli(['export', '--simulator', '--store', data, '--name', 'Contoso.Shared', '--json']);
  const error = run.err.find((l) => l['type'] === 'error');
  t.like(error, { code: 'E_STORE_FOLDER_NOT_EMPTY', target: data }, run.stderr);
  t.truthy(error?.['hint']);
  t.is(run.exitCode, 2);
  t.deepEqual(await readdir(data), ['notes.txt']);
});

test('export into an empty folder, a folder holding only a store\'s own folders, and an existing store all work', async (t) => {
  const dir = await makeTempDir('cli-store-empty');
  const empty = path.join(dir, 'empty');
  await mkdir(empty);
  t.is((await runCli(['export', '--simulator', '--store', empty, '--name', 'Contoso.Shared', '--json'])).exitCode, 0);
  const again = await runCli(['export', '--simulator', '--store', empty, '--name', 'Contoso.Shared', '--full', '--json']);
  t.is(again.exitCode, 0, again.stderr);
  const halfMade = path.join(dir, 'half-made');
  await mkdir(path.join(halfMade, 'objects'), { recursive: true });
  await mkdir(path.join(halfMade, 'sets'));
  const resumed = await runCli(['export', '--simulator', '--store', halfMade, '--name', 'Contoso.Shared', '--json']);
  t.is(resumed.exitCode, 0, resumed.stderr);
});
