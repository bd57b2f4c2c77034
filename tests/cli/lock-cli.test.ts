// Issue 15 "Locks", with real processes: a live run on "another host" keeps its lock by its heartbeat; --force never
// breaks it, a dry run of prune does not count what it is writing, --break-lock <token> does, a killed run's lock goes stale.
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { makeTempDir, repoRoot, runCli } from '../support/cli.js';

const holderScript = path.join(repoRoot, 'dist', 'tests', 'adapters', 'store', 'lock-holder-process.js');
// Generous, so that a CLI starting slowly on a loaded machine still sees the killed run's last heartbeat as fresh.
const STALE_MS = 4000;
const env = { BIZTALKBACKUP_LOCK_STALE_MS: String(STALE_MS) };
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

function startHolder(store: string) {
  const child = spawn(process.execPath, [holderScript, store, '20991231T000000Z-aaaaaa'], {
    env: { ...process.env, LOCK_HOLDER_HOST: 'host-b', LOCK_HOLDER_HEARTBEAT_MS: '200' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const line = await lines.next();
    if (line.done === true) throw new Error('lock holder ended early');
    return JSON.parse(line.value) as Record<string, unknown>;
  };
  return { child, next };
}

test('case 32: a live lock of another host survives --force and a dry run does not count its writes; --break-lock <token> breaks it, a killed run goes stale', async (t) => {
  const dir = await makeTempDir('cli-lock');
  const store = path.join(dir, 'store');
  t.is((await runCli(['export', '--simulator', '--store', store, '--json'])).exitCode, 0);
  t.is((await runCli(['export', '--simulator', '--store', store, '--full', '--json'])).exitCode, 0);
  const holder = startHolder(store);
  t.teardown(() => holder.child.kill('SIGKILL'));
  const locked = await holder.next();
  holder.child.stdin.write('put\n');
  const put = await holder.next();
  // Longer than the stale threshold: only the heartbeat keeps the lock live.
  await sleep(STALE_MS + 500);

  const forced = await runCli(['prune', '--store', store, '--keep-last', '1', '--force', '--json'], { env });
  t.is(forced.exitCode, 11, forced.stderr);
  const error = forced.err.find((l) => l['type'] === 'error');
  t.like(error, { code: 'E_LOCK_HELD', details: { owner: { host: 'host-b' }, lockToken: locked['token'] } });
  t.regex(String(error?.['hint']), /alive/);
  t.true(existsSync(path.join(store, 'objects', String(put['sha256']).slice(0, 2), String(put['sha256']))), 'the live run\'s object is still there');

  const dry = await runCli(['prune', '--store', store, '--keep-last', '1', '--dry-run', '--json'], { env });
  t.is(dry.exitCode, 0, dry.stderr);
  const deletes = dry.out.filter((l) => l['action'] === 'DeleteObject').map((l) => l['target']);
  t.false(deletes.includes(put['sha256']), 'the dry run does not count the live run\'s uncommitted object');
  t.true(dry.err.some((l) => l['type'] === 'log' && l['level'] === 'warning' && /alive/.test(String(l['message']))));

  const wrong = await runCli(['prune', '--store', store, '--keep-last', '1', '--break-lock', 'nottoken', '--json'], { env });
  t.is(wrong.exitCode, 2, wrong.stderr);
  t.like(wrong.err.find((l) => l['type'] === 'error'), { code: 'E_LOCK_TOKEN_MISMATCH' });

  const broken = await runCli(['prune', '--store', store, '--keep-last', '1', '--break-lock', String(locked['token']), '--json'], { env });
  t.is(broken.exitCode, 0, broken.stderr);
  t.true(broken.err.some((l) => l['type'] === 'log' && /Broke the live store lock .*host-b.*commits no backup set/.test(String(l['message']))));
  holder.child.stdin.write('commit\n');
  t.like(await holder.next(), { event: 'failed', code: 'E_LOCK_LOST' }, 'the broken run commits nothing');
});

test('case 8: a lock whose run was killed (kill -9) goes stale when its heartbeat stops, and is taken over with a warning naming the owner', async (t) => {
  const dir = await makeTempDir('cli-lock-killed');
  const store = path.join(dir, 'store');
  t.is((await runCli(['export', '--simulator', '--store', store, '--json'])).exitCode, 0);
  const holder = startHolder(store);
  t.teardown(() => holder.child.kill('SIGKILL'));
  await holder.next();
  holder.child.kill('SIGKILL');
  await new Promise((done) => holder.child.once('exit', done));
  await sleep(STALE_MS + 300);
  const later = await runCli(['export', '--simulator', '--store', store, '--json'], { env });
  t.is(later.exitCode, 0, later.stderr);
  t.true(later.err.some((l) => l['type'] === 'log' && /Took over the store lock of .*host-b.*heartbeat stopped/.test(String(l['message']))));
});
