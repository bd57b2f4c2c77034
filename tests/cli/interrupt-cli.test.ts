import test, { type ExecutionContext } from 'ava';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cliPath, makeTempDir, repoRoot, runCli } from '../support/cli.js';

test('Ctrl-C during an export stops it between applications: E_INTERRUPTED, exit 130, no set, lock released, staging removed', async (t) => {
  const dir = await makeTempDir('cli-interrupt');
  const store = path.join(dir, 'store');
  const tmp = path.join(dir, 'tmp');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(tmp);
  // every ExportApp takes 400 ms, so the run is still going when the signal comes
  const env = { ...process.env, TMPDIR: tmp, BIZTALKBACKUP_SIM_FAULTS: JSON.stringify([{ command: 'ExportApp', latencyMs: 400 }]) };
  const child = spawn(process.execPath, [cliPath, 'export', '--simulator', '--store', store, '--json'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let signalled = false;
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    if (!signalled && stderr.includes('"activity":"Export"')) {
      signalled = true;
      child.kill('SIGINT');
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  t.true(signalled, 'the export reached its export phase');
  t.is(code, 130, stderr);
  const lines = stderr.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  t.like(lines.find((l) => l['type'] === 'error'), { code: 'E_INTERRUPTED', category: 'OperationStopped' });
  t.like(JSON.parse(stdout.trim().split('\n').pop()!), { type: 'summary', exitCode: 130 });
  t.deepEqual(existsSync(path.join(store, 'sets')) ? await readdir(path.join(store, 'sets')) : [], [], 'no set was committed');
  t.deepEqual(await readdir(tmp).then((names) => names.filter((n) => n.startsWith('btsbackup-export-'))), [], 'staging removed');
  // the lock was released: the next export runs and reuses what the interrupted one stored
  const again = await runCli(['export', '--simulator', '--store', store, '--json']);
  t.is(again.exitCode, 0, again.stderr);
});

interface Run {
  code: number | null;
  stdout: string;
  err: Record<string, unknown>[];
}

/** Spawns an export that is slow enough to be stopped, and calls `stop` once the line `when` matches arrives on stderr. */
async function stoppedExport(t: ExecutionContext, args: string[], when: (line: Record<string, unknown>) => boolean, stop: (child: ChildProcessWithoutNullStreams) => void, latencyMs = 400): Promise<{ run: Run; store: string; tmp: string; stopped: boolean }> {
  const dir = await makeTempDir('cli-stop');
  const store = path.join(dir, 'store');
  const tmp = path.join(dir, 'tmp');
  await mkdir(tmp);
  const env = { ...process.env, TMPDIR: tmp, BIZTALKBACKUP_SIM_FAULTS: JSON.stringify([{ command: 'ExportApp', latencyMs }]) };
  const child = spawn(process.execPath, [cliPath, 'export', '--simulator', '--store', store, '--json', ...args], { cwd: repoRoot, env, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => undefined);
  let stdout = '';
  let pending = '';
  const err: Record<string, unknown>[] = [];
  let stopped = false;
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    pending += d;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines.filter((l) => l.trim() !== '')) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      err.push(parsed);
      if (!stopped && when(parsed)) {
        stopped = true;
        stop(child);
      }
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  t.log(`exit ${code}`);
  return { run: { code, stdout, err }, store, tmp, stopped };
}

async function assertNothingLeft(t: ExecutionContext, store: string, tmp: string): Promise<void> {
  t.deepEqual(existsSync(path.join(store, 'sets')) ? await readdir(path.join(store, 'sets')) : [], [], 'no set was committed');
  t.deepEqual((await readdir(tmp)).filter((n) => n.startsWith('btsbackup-export-')), [], 'staging removed');
  t.false(existsSync(path.join(store, 'locks', 'store.lock')), 'the lock was released');
  const again = await runCli(['export', '--simulator', '--store', store, '--json']);
  t.is(again.exitCode, 0, again.stderr);
}

test('SIGINT during the --include-path phase commits nothing (the last checkpoint is just before the commit)', async (t) => {
  const extra = await makeTempDir('cli-stop-extra');
  for (let i = 0; i < 300; i++) await writeFile(path.join(extra, `file-${String(i).padStart(3, '0')}.txt`), `extra file ${i}\n`.repeat(50));
  const { run, store, tmp, stopped } = await stoppedExport(
    t,
    ['--include-path', extra],
    (line) => line['type'] === 'log' && String(line['message']).startsWith('Stored extra file'),
    (child) => child.kill('SIGINT'),
    0,
  );
  t.true(stopped, 'the export reached its --include-path phase');
  t.is(run.code, 130);
  t.like(run.err.find((l) => l['type'] === 'error'), { code: 'E_INTERRUPTED' });
  await assertNothingLeft(t, store, tmp);
});

test('--stdin-channel stop: a `stop` line stops the run like a first Ctrl-C (exit 130, nothing committed, lock released, staging removed)', async (t) => {
  const { run, store, tmp, stopped } = await stoppedExport(t, ['--stdin-channel', 'stop'], (line) => line['activity'] === 'Export', (child) => child.stdin.write('stop\n'));
  t.true(stopped);
  t.is(run.code, 130);
  t.like(run.err.find((l) => l['type'] === 'error'), { code: 'E_INTERRUPTED', category: 'OperationStopped' });
  t.true(run.err.some((l) => l['type'] === 'log' && String(l['message']).startsWith('Stop requested')));
  t.like(JSON.parse(run.stdout.trim().split('\n').pop()!), { type: 'summary', exitCode: 130 });
  await assertNothingLeft(t, store, tmp);
});

test('--stdin-channel stop: standard input closing (the caller gone) stops the run too', async (t) => {
  const { run, store, tmp, stopped } = await stoppedExport(t, ['--stdin-channel', 'stop'], (line) => line['activity'] === 'Export', (child) => child.stdin.end());
  t.true(stopped);
  t.is(run.code, 130);
  t.like(run.err.find((l) => l['type'] === 'error'), { code: 'E_INTERRUPTED' });
  await assertNothingLeft(t, store, tmp);
});

test('--stdin-channel stop: with the channel left open the run finishes and node exits on its own', async (t) => {
  const { run, stopped } = await stoppedExport(t, ['--stdin-channel', 'stop'], () => false, () => undefined, 0);
  t.false(stopped);
  t.is(run.code, 0);
});

test('--stdin-channel input-then-stop: the first line is the input (base64), and the open channel does not keep node waiting', async (t) => {
  const dir = await makeTempDir('cli-stop-secrets');
  const file = path.join(dir, 'secrets.bin');
  const child = spawn(process.execPath, [cliPath, 'secrets', 'set', '--secrets-file', file, '--port', 'SendPort', '--field', 'password', '--json', '--stdin-channel', 'input-then-stop'], {
    cwd: repoRoot,
    env: { ...process.env, BIZTALKBACKUP_SECRETS_PASSPHRASE: 'a passphrase of some length' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.write(`${Buffer.from('P\u00e4ss word\n', 'utf8').toString('base64')}\n`);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  t.is(code, 0, stderr);
  t.like(JSON.parse(stdout.trim().split('\n').pop()!), { type: 'summary', exitCode: 0, counts: { set: 1 } });
  const list = await runCli(['secrets', 'list', '--secrets-file', file, '--json'], { env: { BIZTALKBACKUP_SECRETS_PASSPHRASE: 'a passphrase of some length' } });
  t.is(list.exitCode, 0, list.stderr);
  t.like(list.out.find((l) => l['type'] === 'result'), { port: 'SendPort', field: 'password', hasValue: true });
});
