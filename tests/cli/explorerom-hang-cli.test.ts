// Issue 16, "Never hang": a management database that stops answering after the probe. The CLI runs ExplorerOM
// in-process (edge-js, the bridge compiled from this checkout's source) against the stand-in, whose state is a FIFO
// served twice (the isolated probe, then the in-process probe) and never again: the inventory blocks inside ExplorerOM.
// Before: 685 s of a frozen process that ignored SIGINT and SIGTERM. Now: the call times out (or Ctrl-C gives it up),
// the lock is released, nothing is committed, and the process ends.
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { cliPath, makeTempDir, repoRoot, runCli } from '../support/cli.js';
import { bridgeDir, requireBuiltBridge, stallingDatabase, standInDll } from '../adapters/explorerom/support.js';

requireBuiltBridge();
const emulator = path.join('dist', 'src', 'adapters', 'simulator', 'btstask-emulator.js');

async function stalledExport(t: import('ava').ExecutionContext, extraArgs: string[], onStalled?: (child: ReturnType<typeof spawn>) => void) {
  const dir = await makeTempDir('cli-eom-hang');
  const state = path.join(dir, 'group', 'state.json');
  const init = await runCli(['simulator-init', '--state', state]);
  if (init.exitCode !== 0) throw new Error(init.stderr);
  const db = await stallingDatabase(2);
  t.teardown(() => db.cleanup());
  const store = path.join(dir, 'store');
  const env = {
    ...process.env,
    BIZTALKBACKUP_SIM_STATE: state,
    BIZTALKBACKUP_GAC_ROOT: `${state}.gac`,
    BIZTALKBACKUP_EDGE_APP_ROOT: bridgeDir,
    BIZTALKBACKUP_MGMT_CONNECTION_STRING: db.connectionString,
  };
  const args = [cliPath, 'export', '--btstask', emulator, '--catalog', 'explorerom', '--explorerom', standInDll, '--store', store, '--json', ...extraArgs];
  const started = Date.now();
  const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  // A safety net for the test itself: a CLI that hangs fails the test instead of holding it.
  const guard = setTimeout(() => child.kill('SIGKILL'), 240_000);
  let stalledAt: number | undefined;
  void db.served.then(() => {
    stalledAt = Date.now();
    onStalled?.(child);
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  clearTimeout(guard);
  const errors = stderr.split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['type'] === 'error');
  const summary = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
  const sets = existsSync(path.join(store, 'sets')) ? await readdir(path.join(store, 'sets')) : [];
  const locks = existsSync(path.join(store, 'locks')) ? await readdir(path.join(store, 'locks')) : [];
  return { code, signal, errors, summary, sets, locks, stderr, stalledAt, endedAt: Date.now(), started };
}

test('the database stops answering after the probe: E_EXPLOREROM_TIMEOUT at --explorerom-timeout, lock released, nothing committed, the process ends', async (t) => {
  t.timeout(300_000);
  const run = await stalledExport(t, ['--explorerom-timeout', '20']);
  t.is(run.signal, null, 'ended by itself, not killed');
  t.is(run.code, 1, run.stderr);
  t.truthy(run.stalledAt, `the database answered the probes, then stalled: ${run.stderr}`);
  t.is(run.errors[0]?.['code'], 'E_EXPLOREROM_TIMEOUT');
  t.regex(String(run.errors[0]?.['hint']), /--explorerom-timeout/);
  t.like(run.summary, { type: 'summary', exitCode: 1 });
  t.deepEqual(run.sets, [], 'nothing committed');
  t.deepEqual(run.locks, [], 'lock released');
  // Ended within a few seconds of the timeout (the stall began after both probes).
  t.true(run.endedAt - run.stalledAt! < 30_000, `${run.endedAt - run.stalledAt!} ms after the stall`);
});

test('Ctrl-C while ExplorerOM is blocked stops the run at once: E_INTERRUPTED, exit 130, lock released, nothing committed', async (t) => {
  t.timeout(300_000);
  let signalledAt: number | undefined;
  const run = await stalledExport(t, [], (child) => {
    setTimeout(() => {
      signalledAt = Date.now();
      child.kill('SIGINT');
    }, 1500);
  });
  t.truthy(signalledAt, 'the signal was sent while ExplorerOM was blocked');
  t.is(run.signal, null, 'ended by itself, not killed');
  t.is(run.code, 130, run.stderr);
  t.is(run.errors[0]?.['code'], 'E_INTERRUPTED');
  t.like(run.summary, { type: 'summary', exitCode: 130 });
  t.deepEqual(run.sets, []);
  t.deepEqual(run.locks, []);
  t.true(run.endedAt - signalledAt! < 15_000, `${run.endedAt - signalledAt!} ms after SIGINT`);
});

test('--explorerom-timeout must be a positive number of seconds', async (t) => {
  const run = await runCli(['inventory', '--btstask', emulator, '--explorerom-timeout', '0', '--json']);
  t.is(run.exitCode, 2);
  t.is(run.err.find((l) => l['type'] === 'error')?.['code'], 'E_USAGE');
});
