// Issue 15 (staging) and issue 16 (never leave a secret behind): a real kill -9 of the CLI in the middle of an export
// leaves its staging folder with clear-text bindings; the next run of any command removes it.
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cliPath, filesUnder, makeTempDir, repoRoot, runCli } from '../support/cli.js';

const stagingFolders = async (tmp: string): Promise<string[]> => (await readdir(tmp)).filter((n) => /^btsbackup-export-/.test(n));

test('case 29: kill -9 mid-export leaves staging (owner-marked, clear bindings inside); the next command of any kind sweeps it, and the next export takes the dead run\'s lock', async (t) => {
  const dir = await makeTempDir('cli-kill-staging');
  const store = path.join(dir, 'store');
  const tmp = path.join(dir, 'tmp');
  await mkdir(tmp);
  // A group whose Contoso.Orders bindings carry a clear connection-string password (masked only when Orders' turn comes).
  const state = path.join(dir, 'group.json');
  t.is((await runCli(['simulator-init', '--state', state])).exitCode, 0);
  const canary = 'canary-staging-7c2a';
  const group = JSON.parse(await readFile(state, 'utf8')) as { applications: { name: string; bindings?: string }[] };
  const orders = group.applications.find((a) => a.name === 'Contoso.Orders')!;
  orders.bindings = orders.bindings!.replace('&lt;FileMask vt=&quot;8&quot;&gt;', `&lt;ConnectionString vt=&quot;8&quot;&gt;Data Source=sql01;Pwd=${canary}&lt;/ConnectionString&gt;&lt;FileMask vt=&quot;8&quot;&gt;`);
  t.true(orders.bindings.includes(canary));
  await writeFile(state, JSON.stringify(group));
  const env = { ...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp, BIZTALKBACKUP_SIM_FAULTS: JSON.stringify([{ command: 'ExportApp', latencyMs: 500 }]) };
  const child = spawn(process.execPath, [cliPath, 'export', '--simulator-state', state, '--store', store, '--json'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('"kind":"BackupApplication"')) resolve();
    });
  });
  // Orders' bindings go to staging when its export starts (ExportApp then takes 500 ms): kill while they are there.
  const clearOnDisk = async (): Promise<boolean> => {
    for (const folder of await stagingFolders(tmp)) {
      for (const file of await filesUnder(path.join(tmp, folder)).catch(() => [] as string[])) {
        if ((await readFile(file, 'latin1').catch(() => '')).includes(canary)) return true;
      }
    }
    return false;
  };
  for (let waited = 0; waited < 10_000 && !(await clearOnDisk()); waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  child.kill('SIGKILL');
  await new Promise((done) => child.once('exit', done));

  const left = await stagingFolders(tmp);
  t.is(left.length, 1, 'the killed run left its staging folder');
  const files = await filesUnder(path.join(tmp, left[0]!));
  t.true(files.some((f) => f.endsWith('.btsbackup-owner.json')), 'marked with its owner');
  const clear = await Promise.all(files.map((f) => readFile(f, 'latin1')));
  t.true(clear.some((text) => text.includes(canary)), `a clear-text password was in it: the case is real (${files.map((f) => path.basename(f)).join(', ')})`);

  // Any command: here one that only reads.
  const next = await runCli(['list', '--store', store], { env: { TMPDIR: tmp, TMP: tmp, TEMP: tmp } });
  t.is(next.exitCode, 0, next.stderr);
  t.deepEqual(await stagingFolders(tmp), [], 'swept by the next run');

  const again = await runCli(['export', '--simulator-state', state, '--store', store, '--json'], { env: { TMPDIR: tmp, TMP: tmp, TEMP: tmp } });
  t.is(again.exitCode, 0, again.stderr);
  t.true(again.err.some((l) => l['type'] === 'log' && /Took over the store lock .*no longer runs/.test(String(l['message']))));
  t.deepEqual((await readdir(tmp)).filter((n) => n.startsWith('btsbackup-')), [], 'a finished run leaves no temp area');
  for (const file of await filesUnder(store)) t.false((await readFile(file, 'latin1')).includes(canary), file);
});
