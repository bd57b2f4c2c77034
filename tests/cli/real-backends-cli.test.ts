import test from 'ava';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir, repoRoot, runCli } from '../support/cli.js';

// The real back ends wired by the CLI: BTSTask (the emulator stands in for BTSTask.exe) for exports, and ExplorerOM
// in-process through edge-js (the .NET stand-in built by tests/setup/50-explorerom.sh) for the catalog.
const bridge = path.join(repoRoot, '.cache', 'explorerom', 'bridge');
const emulator = path.join('dist', 'src', 'adapters', 'simulator', 'btstask-emulator.js');

async function realGroup(): Promise<{ dir: string; env: Record<string, string>; explorerom: string }> {
  if (!existsSync(path.join(bridge, 'Microsoft.BizTalk.ExplorerOM.dll'))) throw new Error('The ExplorerOM stand-in is missing: run `bash tests/setup.sh`.');
  const dir = await makeTempDir('cli-real');
  const state = path.join(dir, 'group', 'state.json');
  const init = await runCli(['simulator-init', '--state', state]);
  if (init.exitCode !== 0) throw new Error(init.stderr);
  return {
    dir,
    explorerom: path.join(bridge, 'Microsoft.BizTalk.ExplorerOM.dll'),
    env: {
      BIZTALKBACKUP_SIM_STATE: state,
      BIZTALKBACKUP_GAC_ROOT: `${state}.gac`,
      BIZTALKBACKUP_EDGE_ASSEMBLY: path.join(bridge, 'BizTalkBackup.ExplorerOmBridge.dll'),
      BIZTALKBACKUP_EDGE_APP_ROOT: bridge,
      BIZTALKBACKUP_MGMT_CONNECTION_STRING: `Server=SQLBTS01;Database=BizTalkMgmtDb;Integrated Security=SSPI;StandInState=${state}`,
    },
  };
}

test('inventory reads applications and references through ExplorerOM and resources through BTSTask', async (t) => {
  const { env, explorerom } = await realGroup();
  const run = await runCli(['inventory', '--btstask', emulator, '--explorerom', explorerom, '--json'], { env, timeoutMs: 120_000 });
  t.is(run.exitCode, 0, run.stderr);
  t.like(run.out[run.out.length - 1], { type: 'summary', source: 'explorerom+btstask' });
  const billing = run.out.find((l) => l['name'] === 'Contoso.Billing')!;
  t.deepEqual(billing['references'], ['Contoso.Orders', 'Contoso.Shared']);
  t.is(billing['resourceCount'], 5);
  t.like(run.out.find((l) => l['name'] === 'BizTalk Application 1'), { isDefault: true });
});

test('export through ExplorerOM + BTSTask backs up the sample group in dependency order', async (t) => {
  const { dir, env, explorerom } = await realGroup();
  const run = await runCli(['export', '--btstask', emulator, '--explorerom', explorerom, '--store', path.join(dir, 'store'), '--json'], { env, timeoutMs: 120_000 });
  t.is(run.exitCode, 0, run.stderr);
  t.deepEqual(run.out.filter((l) => l['kind'] === 'BackupApplication').map((l) => l['name']), ['Contoso.Shared', 'Contoso.Orders', 'Contoso.Billing', 'Contoso.Portal', 'Zahlungsverkehr Süd']);
});

test('--catalog explorerom with no usable ExplorerOM is the typed E_EXPLOREROM_UNAVAILABLE with a hint', async (t) => {
  const { env } = await realGroup();
  const run = await runCli(['inventory', '--btstask', emulator, '--catalog', 'explorerom', '--explorerom', '/nonexistent/Microsoft.BizTalk.ExplorerOM.dll', '--json'], { env, timeoutMs: 120_000 });
  t.is(run.exitCode, 1);
  const error = run.err.find((l) => l['type'] === 'error')!;
  t.is(error['code'], 'E_EXPLOREROM_UNAVAILABLE');
  t.truthy(error['hint']);
});

test('--catalog auto falls back to BTSTask alone when ExplorerOM cannot load, and says so with --verbose', async (t) => {
  const { env } = await realGroup();
  const run = await runCli(['inventory', '--btstask', emulator, '--explorerom', '/nonexistent/Microsoft.BizTalk.ExplorerOM.dll', '--json', '--verbose'], { env, timeoutMs: 120_000 });
  t.is(run.exitCode, 0, run.stderr);
  t.like(run.out[run.out.length - 1], { type: 'summary', source: 'btstask' });
  t.true(run.err.some((l) => l['type'] === 'log' && /Catalog explorerom unavailable: E_EXPLOREROM_UNAVAILABLE/.test(String(l['message']))));
});

test('restore through BTSTask (ImportApp, ImportBindings) with references added through ExplorerOM brings every application back', async (t) => {
  const { dir, env, explorerom } = await realGroup();
  const store = path.join(dir, 'store');
  const exported = await runCli(['export', '--simulator-state', env['BIZTALKBACKUP_SIM_STATE']!, '--store', store, '--json']);
  t.is(exported.exitCode, 0, exported.stderr);
  // the target: a fresh group with only BizTalk.System and the default application
  const target = path.join(dir, 'target', 'state.json');
  t.is((await runCli(['simulator-init', '--state', target])).exitCode, 0);
  const { readFile, writeFile } = await import('node:fs/promises');
  const state = JSON.parse(await readFile(target, 'utf8')) as { applications: { isSystem: boolean; isDefault: boolean }[] };
  state.applications = state.applications.filter((a) => a.isSystem || a.isDefault);
  await writeFile(target, JSON.stringify(state));
  const targetEnv = { ...env, BIZTALKBACKUP_SIM_STATE: target, BIZTALKBACKUP_GAC_ROOT: `${target}.gac`, BIZTALKBACKUP_MGMT_CONNECTION_STRING: `Server=SQLBTS01;Database=BizTalkMgmtDb;Integrated Security=SSPI;StandInState=${target}` };
  const restore = await runCli(['restore', '--store', store, '--btstask', emulator, '--explorerom', explorerom, '--allow-missing-secrets', '--json'], { env: targetEnv, timeoutMs: 180_000 });
  t.is(restore.exitCode, 0, restore.stderr);
  const inventory = await runCli(['inventory', '--simulator-state', target, '--json']);
  const byName = new Map(inventory.out.filter((l) => l['kind'] === 'Application').map((l) => [String(l['name']), l]));
  t.deepEqual(byName.get('Contoso.Billing')?.['references'], ['Contoso.Orders', 'Contoso.Shared']);
  t.deepEqual(byName.get('Contoso.Portal')?.['references'], ['Contoso.Billing']);
  t.is(byName.size, 7);
});

test('nightly through BTSTask: ExportBindings /GroupLevel spares every unchanged application its own read; content read today is not read again', async (t) => {
  const { dir, env, explorerom } = await realGroup();
  const store = path.join(dir, 'store');
  const args = ['export', '--btstask', emulator, '--explorerom', explorerom, '--store', store, '--json', '--verbose'];
  const first = await runCli([...args, '--recheck-days', '0'], { env, timeoutMs: 180_000 });
  t.is(first.exitCode, 0, first.stderr);
  const second = await runCli([...args, '--recheck-days', '0'], { env, timeoutMs: 180_000 });
  t.is(second.exitCode, 0, second.stderr);
  t.true(second.err.some((l) => l['type'] === 'log' && /^Group-level bindings: 5 of 5 application\(s\) unchanged since set /.test(String(l['message']))), JSON.stringify(second.err.filter((l) => l['type'] === 'log')));
  t.true(second.out.filter((l) => l['kind'] === 'BackupApplication').every((l) => l['backupStatus'] === 'Unchanged'));
  // Every application was exported today: even --recheck-days 1 reads none again today (a frequent job, DSC every
  // 15 minutes, rechecks once a day). Over several days: tests/usecases/btstask-nightly.test.ts.
  const sameDay = await runCli([...args, '--recheck-days', '1', '--dry-run'], { env, timeoutMs: 180_000 });
  t.is(sameDay.exitCode, 0, sameDay.stderr);
  t.true(sameDay.out.filter((l) => l['kind'] === 'PlanStep' && l['action'] !== 'Skip').every((l) => l['action'] === 'Reuse'));
});

test('--recheck-days takes a whole number of days from 0 to 366: E_USAGE otherwise, nothing written', async (t) => {
  const dir = await makeTempDir('cli-recheck');
  for (const value of ['-1', '2.5', '400', 'soon']) {
    const run = await runCli(['export', '--simulator', '--store', path.join(dir, 'store'), '--recheck-days', value, '--json']);
    t.is(run.exitCode, 2, value);
    t.like(run.err.find((l) => l['type'] === 'error'), { code: 'E_USAGE', target: '--recheck-days' }, value);
  }
  t.false(existsSync(path.join(dir, 'store', 'sets')));
});
