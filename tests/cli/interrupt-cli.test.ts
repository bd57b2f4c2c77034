import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
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
