// Issue 15 "Errors a person can act on": what the CLI says when the store path, the store or stdout are not what it expects.
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cliPath, makeTempDir, repoRoot, runCli } from '../support/cli.js';

test('--store naming a regular file: E_STORE_NOT_A_FOLDER with the path and a hint, not E_INTERNAL EEXIST', async (t) => {
  const dir = await makeTempDir('cli-store-file');
  const file = path.join(dir, 'backup.zip');
  await writeFile(file, 'x');
  for (const args of [['export', '--simulator'], ['list'], ['verify']]) {
    const run = await runCli([...args, '--store', file, '--json']);
    const error = run.err.find((l) => l['type'] === 'error');
    t.like(error, { code: 'E_STORE_NOT_A_FOLDER', target: file }, `${args[0]}: ${run.stderr}`);
    t.truthy(error?.['hint']);
    t.not(run.exitCode, 0);
  }
});

test('a folder inside sets/ named like a set does not stop exports, list or verify (it was E_IO EISDIR with no target)', async (t) => {
  const dir = await makeTempDir('cli-set-folder');
  const store = path.join(dir, 'store');
  t.is((await runCli(['export', '--simulator', '--store', store, '--json'])).exitCode, 0);
  await mkdir(path.join(store, 'sets', '20991231T000000Z-abcdef.json'));
  const again = await runCli(['export', '--simulator', '--store', store, '--full', '--json']);
  t.is(again.exitCode, 0, again.stderr);
  const list = await runCli(['list', '--store', store, '--json']);
  t.is(list.exitCode, 0, list.stderr);
  t.is(list.out.filter((l) => l['kind'] === 'BackupSet').length, 2);
  t.is((await runCli(['verify', '--store', store, '--json'])).exitCode, 0);
});

/** Runs the CLI with stdout read until its first line, then closed, like `| head -1`. */
async function firstLineThenClose(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; first: string; stderr: string }> {
  const child = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const first = await new Promise<string>((resolve) => {
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buffered += d;
      const end = buffered.indexOf('\n');
      if (end >= 0) {
        child.stdout.destroy();
        resolve(buffered.slice(0, end));
      }
    });
    child.stdout.on('end', () => resolve(buffered));
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, first, stderr };
}

test('stdout closed early (| head -1) during an export: a quiet end, no stack trace, lock released, nothing committed', async (t) => {
  const dir = await makeTempDir('cli-epipe');
  const store = path.join(dir, 'store');
  // Each ExportApp takes 300 ms, so the run is still going when its reader goes away.
  const env = { BIZTALKBACKUP_SIM_FAULTS: JSON.stringify([{ command: 'ExportApp', latencyMs: 300 }]) };
  const run = await firstLineThenClose(['export', '--simulator', '--store', store, '--json'], env);
  t.regex(run.first, /"type":"result"/);
  t.notRegex(run.stderr, /EPIPE|at .*\.js:\d+|node:events/, run.stderr);
  t.false(run.stderr.split('\n').some((l) => l.includes('"type":"error"')), 'no error line for nobody to read');
  t.false(existsSync(path.join(store, 'locks', 'store.lock')), 'lock released');
  const again = await runCli(['export', '--simulator', '--store', store, '--json']);
  t.is(again.exitCode, 0, again.stderr);
});

test('stdout closed early on verify --json and on a human table: no stack trace', async (t) => {
  const dir = await makeTempDir('cli-epipe-verify');
  const store = path.join(dir, 'store');
  t.is((await runCli(['export', '--simulator', '--store', store, '--json'])).exitCode, 0);
  for (const args of [['verify', '--store', store, '--json', '--read-data'], ['list', '--store', store]]) {
    const run = await firstLineThenClose(args);
    t.not(run.first, '');
    t.notRegex(run.stderr, /EPIPE|node:events|Unhandled/, `${args[0]}: ${run.stderr}`);
  }
});
