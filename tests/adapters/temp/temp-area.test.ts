import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTempArea, isTempAreaName, OWNER_FILE, overwriteWithZeros, sweepTempAreas, UNOWNED_GRACE_MS } from '../../../src/adapters/temp/temp-area.js';

async function root(t: ExecutionContext): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bts-temp-area-test-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('a temp area is btsbackup-<purpose>-xxxxxx, owner-only, and records its owner (pid, process start time, host)', async (t) => {
  const dir = await root(t);
  const area = await createTempArea('bind', { root: dir });
  t.true(isTempAreaName(path.basename(area.path)), area.path);
  t.regex(path.basename(area.path), /^btsbackup-bind-/);
  if (process.platform !== 'win32') t.is((await stat(area.path)).mode & 0o777, 0o700);
  const record = JSON.parse(await readFile(path.join(area.path, OWNER_FILE), 'utf8')) as Record<string, unknown>;
  t.like(record, { pid: process.pid, host: hostname(), purpose: 'bind' });
  t.false(Number.isNaN(Date.parse(String(record['processStartedAt']))));
  await writeFile(path.join(area.path, 'BindingInfo.xml'), 'Password=clear');
  await area.remove();
  await area.remove();
  t.deepEqual(await readdir(dir), []);
});

test('overwriteWithZeros leaves the size and no byte of the secret', async (t) => {
  const dir = await root(t);
  const file = path.join(dir, 'x');
  await writeFile(file, Buffer.from('secret'.repeat(300_000)));
  await overwriteWithZeros(file);
  const bytes = await readFile(file);
  t.is(bytes.length, 1_800_000);
  t.true(bytes.every((b) => b === 0));
});

test('on Windows the owner-only ACL command runs on the new folder; when icacls fails nothing is left and the error is typed', async (t) => {
  const dir = await root(t);
  const calls: { file: string; args: string[] }[] = [];
  const area = await createTempArea('restore', { root: dir, platform: 'win32', runAcl: async (file, args) => void calls.push({ file, args }) });
  t.is(calls.length, 1);
  t.is(calls[0]?.file, 'icacls.exe');
  t.deepEqual(calls[0]?.args.slice(0, 3), [area.path, '/inheritance:r', '/grant:r']);
  t.regex(calls[0]?.args[3] ?? '', /:\(OI\)\(CI\)F$/);
  await area.remove();
  await t.throwsAsync(createTempArea('bind', { root: dir, platform: 'win32', runAcl: async () => Promise.reject(new Error('icacls: access denied')) }), { code: 'E_TEMP_AREA_ACL' });
  t.deepEqual(await readdir(dir), [], 'the folder that could not be made private was removed before anything was written in it');
  const unixCalls: unknown[] = [];
  await (await createTempArea('bind', { root: dir, platform: 'linux', runAcl: async () => void unixCalls.push(1) })).remove();
  t.is(unixCalls.length, 0, 'icacls runs on win32 only');
});

test('sweep: areas of dead owners and of reused pids go; live owners, young unowned folders and other folders stay', async (t) => {
  const dir = await root(t);
  const started = Date.parse('2026-11-30T08:00:00Z');
  const alive = new Set([4001, 4002]);
  const options = { root: dir, hostname: 'host-a', isProcessAlive: (pid: number) => alive.has(pid), processStartTime: (pid: number) => (pid === 4002 ? started + 3_600_000 : started), ownStartTime: started, pid: 1 };
  const live = await createTempArea('export', { ...options, pid: 4001 });
  const dead = await createTempArea('bind', { ...options, pid: 4999 });
  const reused = await createTempArea('restore', { ...options, pid: 4002 });
  const otherHost = await createTempArea('btstask', { ...options, pid: 4001, hostname: 'host-b' });
  const mine = await createTempArea('compare', { ...options, pid: 1 });
  for (const area of [live, dead, reused, otherHost, mine]) await writeFile(path.join(area.path, 'staged.msi'), 'clear');
  const youngUnowned = path.join(dir, 'btsbackup-export-Young1');
  const oldUnowned = path.join(dir, 'btsbackup-drill-gac-Old123');
  for (const folder of [youngUnowned, oldUnowned]) await mkdir(folder);
  const old = new Date(Date.now() - UNOWNED_GRACE_MS - 60_000);
  await utimes(oldUnowned, old, old);
  const notOurs = ['btsbackup-test-export-abc123', 'btsbackup-simulator-gac-0123456789ab', 'btsbackup-export-toolong1', 'other-export-abc123'];
  for (const name of notOurs) await mkdir(path.join(dir, name));
  await utimes(path.join(dir, notOurs[0]!), old, old);
  await writeFile(path.join(dir, 'btsbackup-bind-File12'), 'a file, not a folder');

  const removed = await sweepTempAreas(options);
  t.deepEqual(removed.sort(), [dead.path, reused.path, otherHost.path, oldUnowned].sort());
  t.deepEqual((await readdir(dir)).sort(), [path.basename(live.path), path.basename(mine.path), path.basename(youngUnowned), 'btsbackup-bind-File12', ...notOurs].sort());
  t.deepEqual(await sweepTempAreas(options), [], 'a second sweep finds nothing');
});

test('a real process killed with -9 while holding a bindings area: the next sweep (real process table) removes it, clear text included', async (t) => {
  const dir = await root(t);
  const module = fileURLToPath(new URL('../../../src/adapters/temp/temp-area.js', import.meta.url));
  const script = `
    const { createTempArea } = await import(${JSON.stringify(module)});
    const fs = await import('node:fs/promises');
    const area = await createTempArea('bind', { root: ${JSON.stringify(dir)} });
    await fs.writeFile(area.path + '/BindingInfo.xml', '<Password>canary-6f1e</Password>');
    process.stdout.write(area.path + '\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const areaPath = await new Promise<string>((resolve) => child.stdout.setEncoding('utf8').once('data', (d: string) => resolve(d.trim())));
  t.deepEqual(await sweepTempAreas({ root: dir }), [], 'kept while its owner lives');
  child.kill('SIGKILL');
  await new Promise((done) => child.once('exit', done));
  t.regex(await readFile(path.join(areaPath, 'BindingInfo.xml'), 'utf8'), /canary/, 'the kill left the clear file behind');
  t.deepEqual(await sweepTempAreas({ root: dir }), [areaPath]);
  t.deepEqual(await readdir(dir), []);
});
