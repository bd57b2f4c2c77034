import test from 'ava';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir, runCli } from '../support/cli.js';

test('compare --simulator-state: one binding address changed gives exactly that application Changed, with the reason; then set against set', async (t) => {
  const dir = await makeTempDir('cli-compare');
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const state = path.join(dir, 'group.json');
  const store = path.join(dir, 'store');
  t.is((await runCli(['simulator-init', '--state', state])).exitCode, 0);
  const first = await runCli(['export', '--simulator-state', state, '--store', store, '--json']);
  t.is(first.exitCode, 0, first.stderr);
  const firstSet = String(first.out[first.out.length - 1]!['setId']);

  const unchanged = await runCli(['compare', '--simulator-state', state, '--store', store, '--json']);
  t.is(unchanged.exitCode, 0, unchanged.stderr);
  t.true(unchanged.out.filter((l) => l['kind'] === 'CompareResult').every((l) => l['status'] === 'Unchanged'));

  const json = JSON.parse(await readFile(state, 'utf8')) as { applications: { name: string; bindings?: string }[] };
  const orders = json.applications.find((a) => a.name === 'Contoso.Orders')!;
  orders.bindings = orders.bindings!.replace('\\\\fileserver\\drop\\warehouse\\', '\\\\fileserver2\\drop\\warehouse\\');
  await writeFile(state, JSON.stringify(json));

  const live = await runCli(['compare', '--simulator-state', state, '--store', store, '--json']);
  t.is(live.exitCode, 0, live.stderr);
  const changed = live.out.filter((l) => l['kind'] === 'CompareResult' && l['status'] !== 'Unchanged');
  t.deepEqual(changed.map((l) => [l['application'], l['status']]), [['Contoso.Orders', 'Changed']]);
  t.true((changed[0]!['reasons'] as string[]).some((r) => /^send port Orders\.Send\.Warehouse: address: .*fileserver2/.test(r)));
  t.like(live.out[live.out.length - 1], { type: 'summary', command: 'compare', exitCode: 0, counts: { changed: 1, unchanged: 4, added: 0, removed: 0 }, baseline: firstSet });
  const human = await runCli(['compare', '--simulator-state', state, '--store', store]);
  t.regex(human.stdout, /Contoso\.Orders\s+Changed\s+send port Orders\.Send\.Warehouse: address/);

  t.is((await runCli(['export', '--simulator-state', state, '--store', store, '--json'])).exitCode, 0);
  const sets = await runCli(['compare', '--store', store, '--set', 'latest', '--against', firstSet, '--json']);
  t.is(sets.exitCode, 0, sets.stderr);
  t.deepEqual(sets.out.filter((l) => l['kind'] === 'CompareResult' && l['status'] !== 'Unchanged').map((l) => l['application']), ['Contoso.Orders']);
  const unknown = await runCli(['compare', '--store', store, '--set', '20200101T000000Z-000000', '--json']);
  t.is(unknown.exitCode, 1);
  t.like(unknown.err.find((l) => l['type'] === 'error'), { code: 'E_SET_NOT_FOUND' });
});
