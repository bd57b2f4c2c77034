import test from 'ava';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GroupState } from '../../src/adapters/simulator/group-state.js';
import { makeTempDir, repoRoot, runCli } from '../support/cli.js';

// The back-end choice on a "real server": the deployment API in process (edge-js on CoreCLR with the deployment
// stand-ins built by tests/setup/50-explorerom.sh), else BTSTask (the emulator stands in for BTSTask.exe).
const bridge = path.join(repoRoot, '.cache', 'explorerom', 'bridge');
const emulator = path.join('dist', 'src', 'adapters', 'simulator', 'btstask-emulator.js');

async function realServer(engine: 'present' | 'missing'): Promise<{ dir: string; state: string; database: string; env: Record<string, string> }> {
  if (!existsSync(path.join(bridge, 'Microsoft.BizTalk.ApplicationDeployment.Engine.dll'))) throw new Error('The deployment stand-in is missing: run `bash tests/setup.sh`.');
  const dir = await makeTempDir('cli-depapi');
  const state = path.join(dir, 'group', 'state.json');
  const init = await runCli(['simulator-init', '--state', state]);
  if (init.exitCode !== 0) throw new Error(init.stderr);
  const empty = path.join(dir, 'no-biztalk');
  await mkdir(empty);
  return {
    dir,
    state,
    // The stand-in reads its group from the database name (the engine's Group.DBName).
    database: `BizTalkMgmtDb;StandInState=${state}`,
    env: {
      BTSBACKUP_BIZTALK_INSTALL_PATH: engine === 'present' ? bridge : empty,
      BIZTALKBACKUP_EDGE_ASSEMBLY: path.join(bridge, 'BizTalkBackup.ExplorerOmBridge.dll'),
      BIZTALKBACKUP_EDGE_APP_ROOT: bridge,
      BIZTALKBACKUP_STANDIN_SIMULATOR: path.join(repoRoot, 'dist', 'src', 'adapters', 'simulator', 'simulated-export.js'),
      BIZTALKBACKUP_STANDIN_NODE: process.execPath,
      BIZTALKBACKUP_SIM_STATE: state,
      BIZTALKBACKUP_GAC_ROOT: `${state}.gac`,
    },
  };
}

test('auto picks the deployment API in process (the best back end: nothing better was tried); inventory and --verbose say so', async (t) => {
  const { database, env } = await realServer('present');
  const run = await runCli(['inventory', '--database', database, '--btstask', emulator, '--json', '--verbose'], { env, timeoutMs: 180_000 });
  t.is(run.exitCode, 0, run.stderr);
  t.like(run.out[run.out.length - 1], { type: 'summary', source: 'deployment-api' });
  const billing = run.out.find((l) => l['name'] === 'Contoso.Billing')!;
  t.deepEqual(billing['references'], ['Contoso.Orders', 'Contoso.Shared']);
  t.is(billing['source'], 'deployment-api');
  const logs = run.err.filter((l) => l['type'] === 'log').map((l) => String(l['message']));
  t.false(logs.some((m) => /^Back end .* unavailable/.test(m)), logs.join('\n'));
  t.true(logs.includes('Back end: deployment-api.'));
});

test('a nightly export through the deployment API exports only the application that changed', async (t) => {
  const { dir, state, database, env } = await realServer('present');
  const store = path.join(dir, 'store');
  const first = await runCli(['export', '--backend', 'deployment-api', '--database', database, '--store', store, '--json'], { env, timeoutMs: 240_000 });
  t.is(first.exitCode, 0, first.stderr);
  t.is(first.out.filter((l) => l['kind'] === 'BackupApplication' && l['backupStatus'] === 'Exported').length, 5);
  const group = JSON.parse(await readFile(state, 'utf8')) as GroupState;
  const portal = group.applications.find((a) => a.name === 'Contoso.Portal')!;
  portal.resources[0]!.properties['DestinationLocation'] = '%BTAD_InstallDir%\\moved\\Contoso.Portal.dll';
  await writeFile(state, JSON.stringify(group, null, 2));
  const second = await runCli(['export', '--backend', 'deployment-api', '--database', database, '--store', store, '--json'], { env, timeoutMs: 240_000 });
  t.is(second.exitCode, 0, second.stderr);
  const rows = second.out.filter((l) => l['kind'] === 'BackupApplication');
  t.deepEqual(rows.filter((l) => l['backupStatus'] === 'Exported').map((l) => l['name']), ['Contoso.Portal']);
  t.is(rows.filter((l) => l['backupStatus'] === 'Unchanged').length, 4);
  t.like(second.out[second.out.length - 1], { type: 'summary' });
});

test('without the deployment engine, auto falls back to BTSTask and --verbose names the reason; --backend deployment-api is the typed E_DEPLOYMENT_API_UNAVAILABLE', async (t) => {
  const { env } = await realServer('missing');
  const auto = await runCli(['inventory', '--btstask', emulator, '--json', '--verbose'], { env, timeoutMs: 120_000 });
  t.is(auto.exitCode, 0, auto.stderr);
  t.like(auto.out[auto.out.length - 1], { type: 'summary', source: 'btstask' });
  t.true(auto.err.some((l) => l['type'] === 'log' && /^Back end deployment-api unavailable: E_DEPLOYMENT_API_UNAVAILABLE \(assembly-not-found\)/.test(String(l['message']))));
  const pinned = await runCli(['inventory', '--backend', 'deployment-api', '--btstask', emulator, '--json'], { env, timeoutMs: 120_000 });
  t.is(pinned.exitCode, 1);
  const error = pinned.err.find((l) => l['type'] === 'error')!;
  t.is(error['code'], 'E_DEPLOYMENT_API_UNAVAILABLE');
  t.truthy(error['hint']);
  const btstask = await runCli(['inventory', '--backend', 'btstask', '--btstask', emulator, '--json', '--verbose'], { env: { ...env, BTSBACKUP_BIZTALK_INSTALL_PATH: bridge }, timeoutMs: 120_000 });
  t.is(btstask.exitCode, 0, btstask.stderr);
  t.like(btstask.out[btstask.out.length - 1], { type: 'summary', source: 'btstask' });
});
