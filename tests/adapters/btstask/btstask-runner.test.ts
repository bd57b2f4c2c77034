import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { BtsTaskGroup } from '../../../src/adapters/btstask/btstask-group.js';
import { ProcessRunner } from '../../../src/adapters/btstask/btstask-runner.js';
import { killTree, trackedChildren } from '../../../src/adapters/btstask/child-processes.js';
import { parseBtsTaskOutput } from '../../../src/adapters/btstask/btstask-output.js';
import { cliPath, repoRoot, runCli } from '../../support/cli.js';
import { isProcessAlive, waitForExit } from '../../support/btstask-emulator.js';

const FAKE = fileURLToPath(new URL('../../../../tests/fixtures/btstask-fakes/misbehaving-btstask.mjs', import.meta.url));
const code = (error: unknown): string | undefined => (error as { code?: string } | undefined)?.code;

async function withDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'btstask-runner-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Every pid the fake wrote (itself, then an escaped grandchild), once `count` of them are there. */
async function readPids(file: string, count: number, ms = 20_000): Promise<number[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const pids = existsSync(file) ? (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim() !== '').map(Number) : [];
    if (pids.length >= count || Date.now() > deadline) return pids;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function killQuietly(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone.
    }
  }
}

const fakeRunner = (env: Record<string, string>, extra: Partial<ConstructorParameters<typeof ProcessRunner>[0]> = {}): ProcessRunner =>
  new ProcessRunner({ command: process.execPath, prefixArgs: [FAKE], timeoutMs: 60_000, env: { ...process.env, ...env }, ...extra });

test.serial('timeout: a grandchild that escaped the tree and holds stdout does not keep the CLI alive (pipes destroyed)', async (t) => {
  await withDir(async (dir) => {
    const pidFile = join(dir, 'pids');
    const started = Date.now();
    try {
      // The timeout leaves the fake time to start its grandchild even on a loaded machine.
      const run = await runCli(['inventory', '--btstask', FAKE, '--catalog', 'btstask', '--btstask-timeout', '8', '--json'], {
        env: { FAKE_BTSTASK_MODE: 'escape-hang', FAKE_BTSTASK_PIDFILE: pidFile },
        timeoutMs: 100_000,
      });
      const elapsed = Date.now() - started;
      const [fake, grandchild] = await readPids(pidFile, 2, 0);
      t.truthy(grandchild, 'the grandchild was started before the timeout');
      // Before the fix the CLI waited for the grandchild (120 s here) and runCli killed it at 100 s (exit -1).
      t.is(run.exitCode, 1, run.stderr);
      t.true(run.err.some((line) => line['type'] === 'error' && line['code'] === 'E_BTSTASK_TIMEOUT'), run.stderr);
      t.true(elapsed < 60_000, `the CLI took ${elapsed} ms`);
      t.true(await waitForExit(fake!), 'the fake BTSTask itself was killed');
      t.true(grandchild !== undefined && (await isProcessAlive(grandchild)), 'the escaped grandchild is still running: the CLI did not wait for it');
    } finally {
      killQuietly(await readPids(pidFile, 0, 0));
    }
  });
});

test.serial('timeout in-process: E_BTSTASK_TIMEOUT soon after the timeout although an escaped grandchild holds the pipes', async (t) => {
  await withDir(async (dir) => {
    const pidFile = join(dir, 'pids');
    try {
      const started = Date.now();
      const error = await t.throwsAsync(fakeRunner({ FAKE_BTSTASK_MODE: 'escape-hang', FAKE_BTSTASK_PIDFILE: pidFile }, { timeoutMs: 6000 }).run(['ListApps']));
      const elapsed = Date.now() - started;
      t.is(code(error), 'E_BTSTASK_TIMEOUT');
      t.is((await readPids(pidFile, 2, 0)).length, 2, 'the grandchild was started before the timeout');
      t.true(elapsed < 6000 + 10_000, `took ${elapsed} ms`);
      t.true(((error as { details?: Record<string, unknown> }).details?.['stdoutTail'] as string).includes('BizTalk Application Deployment Utility'));
      t.deepEqual(trackedChildren(), []);
    } finally {
      killQuietly(await readPids(pidFile, 0, 0));
    }
  });
});

test.serial('exit 0 while an escaped grandchild holds the pipes: the run returns after the linger time, output kept', async (t) => {
  await withDir(async (dir) => {
    const pidFile = join(dir, 'pids');
    try {
      const started = Date.now();
      const run = await fakeRunner({ FAKE_BTSTASK_MODE: 'escape-exit', FAKE_BTSTASK_PIDFILE: pidFile }, { pipeLingerMs: 500 }).run(['ListApps']);
      t.is(run.exitCode, 0);
      t.true(Date.now() - started < 20_000);
      t.deepEqual(parseBtsTaskOutput(run.stdout).summary, { succeeded: true, errors: 0, warnings: 0 });
    } finally {
      killQuietly(await readPids(pidFile, 0, 0));
    }
  });
});

test.serial('50 MB of output: head and tail kept, the rest counted; the summary still read; memory stays bounded', async (t) => {
  // In a process of its own, so its peak resident memory (VmHWM) is the capture's, not the test runner's.
  const script = `
    import { ProcessRunner } from ${JSON.stringify(new URL('../../../src/adapters/btstask/btstask-runner.js', import.meta.url).href)};
    import { readFileSync } from 'node:fs';
    const runner = new ProcessRunner({ command: process.execPath, prefixArgs: [${JSON.stringify(FAKE)}], timeoutMs: 120000, env: { ...process.env, FAKE_BTSTASK_MODE: 'flood', FAKE_BTSTASK_MB: '50' } });
    const run = await runner.run(['ListApps']);
    const hwm = Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;
    process.stdout.write(JSON.stringify({ exitCode: run.exitCode, length: run.stdout.length, omitted: run.stdoutOmittedBytes, tail: run.stdout.slice(-200), head: run.stdout.slice(0, 80), hwm }));
  `;
  const result = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
  const run = JSON.parse(result) as { exitCode: number; length: number; omitted: number; tail: string; head: string; hwm: number };
  t.is(run.exitCode, 0);
  t.true(run.length < 1.5 * 1024 * 1024, `kept ${run.length} characters`);
  t.true(run.omitted > 48 * 1024 * 1024, `omitted ${run.omitted} bytes`);
  t.true(run.head.startsWith('Microsoft (R) BizTalk Application Deployment Utility'));
  t.true(run.tail.includes('Command succeeded with 0 errors, 0 warnings.'));
  // The unbounded capture peaked at 229 MB for the same output.
  t.true(run.hwm > 0 && run.hwm < 150 * 1024 * 1024, `peak RSS ${Math.round(run.hwm / 1048576)} MB`);
});

test.serial('ListApps text that is one megabyte-long line of letters is read in linear time (no regex backtracking)', async (t) => {
  const runner = { run: async (args: readonly string[]) => ({ argv: [...args], pid: 1, exitCode: 0, stdout: `${'Anwendungs'.repeat(100_000)}\r\n`, stderr: '', durationMs: 1 }) };
  const started = Date.now();
  const error = await t.throwsAsync(new BtsTaskGroup({ runner, gacRoot: '/tmp' }).listApplications());
  t.is(code(error), 'E_BTSTASK_OUTPUT');
  t.true(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
});

test.serial('a group refuses a ListApps listing it could only read in part (bytes left out of the middle)', async (t) => {
  const group = new BtsTaskGroup({
    runner: fakeRunner({ FAKE_BTSTASK_MODE: 'flood', FAKE_BTSTASK_MB: '3' }, { captureHeadBytes: 64 * 1024, captureTailBytes: 16 * 1024 }),
    gacRoot: '/tmp',
  });
  const error = await t.throwsAsync(group.listApplications());
  t.is(code(error), 'E_BTSTASK_OUTPUT');
  t.true(((error as { details?: Record<string, unknown> }).details?.['stdoutOmittedBytes'] as number) > 2 * 1024 * 1024);
});

/** Starts the CLI on the slow fake and waits until the fake runs; `detached` gives the CLI a process group of its own. */
async function startCliOnSlowFake(dir: string, detached: boolean): Promise<{ cli: ChildProcess; fake: number; closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }> {
  const pidFile = join(dir, 'pids');
  const cli = spawn(process.execPath, [cliPath, 'inventory', '--btstask', FAKE, '--catalog', 'btstask', '--json'], {
    cwd: repoRoot,
    env: { ...process.env, FAKE_BTSTASK_MODE: 'slow', FAKE_BTSTASK_SECONDS: '120', FAKE_BTSTASK_PIDFILE: pidFile },
    stdio: ['ignore', 'ignore', 'ignore'],
    detached,
  });
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => cli.on('close', (code, signal) => resolve({ code, signal })));
  const [fake] = await readPids(pidFile, 1, 30_000);
  if (fake === undefined) throw new Error('the fake BTSTask never started');
  return { cli, fake, closed };
}

test.serial('SIGTERM twice (the second stops at once) while BTSTask runs: the CLI ends and no BTSTask is left behind', async (t) => {
  await withDir(async (dir) => {
    const { cli, fake, closed } = await startCliOnSlowFake(dir, false);
    try {
      cli.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 500));
      t.true(await isProcessAlive(fake), 'the first SIGTERM lets the current step run');
      cli.kill('SIGTERM');
      const end = await Promise.race([closed, new Promise<undefined>((resolve) => setTimeout(resolve, 20_000))]);
      t.not(end, undefined, 'the CLI ended');
      t.true(await waitForExit(fake, 5000), 'the fake BTSTask was stopped with the CLI');
    } finally {
      killQuietly([fake, cli.pid ?? -1]);
    }
  });
});

test.serial('SIGINT twice (Ctrl-C, then Ctrl-C again) while BTSTask runs: no orphan', async (t) => {
  await withDir(async (dir) => {
    const { cli, fake, closed } = await startCliOnSlowFake(dir, false);
    try {
      cli.kill('SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 500));
      cli.kill('SIGINT');
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      t.true(await waitForExit(fake, 5000), 'the fake BTSTask was stopped with the CLI');
    } finally {
      killQuietly([fake, cli.pid ?? -1]);
    }
  });
});

test.serial('kill -9 of our process group while BTSTask runs: BTSTask is in the group and dies with it', async (t) => {
  await withDir(async (dir) => {
    const { cli, fake, closed } = await startCliOnSlowFake(dir, true);
    try {
      process.kill(-(cli.pid as number), 'SIGKILL');
      await closed;
      // Before the fix BTSTask ran in a process group of its own and survived.
      t.true(await waitForExit(fake, 5000), 'the fake BTSTask died with the group');
    } finally {
      killQuietly([fake, cli.pid ?? -1]);
    }
  });
});

test.serial('killTree kills a process and its children (POSIX walk of parent pids)', async (t) => {
  await withDir(async (dir) => {
    const pidFile = join(dir, 'pids');
    const parent = spawn(process.execPath, ['-e', `const c = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => 0, 1e9)'], { stdio: 'ignore' }); require('node:fs').writeFileSync(${JSON.stringify(pidFile)}, process.pid + '\\n' + c.pid + '\\n'); setInterval(() => 0, 1e9);`], { stdio: 'ignore' });
    const [self, child] = await readPids(pidFile, 2);
    try {
      t.is(self, parent.pid);
      killTree(parent.pid as number, process.platform);
      t.true(await waitForExit(self!));
      t.true(await waitForExit(child!));
    } finally {
      killQuietly([self ?? -1, child ?? -1]);
    }
  });
});

test('a .cmd or .bat as BTSTask is refused with E_BTSTASK_SCRIPT, by the runner and by the CLI', async (t) => {
  for (const command of ['C:\\Tools\\BTSTask.cmd', 'deploy.BAT']) {
    const error = t.throws(() => new ProcessRunner({ command, timeoutMs: 1000 }));
    t.is(code(error), 'E_BTSTASK_SCRIPT');
  }
  await withDir(async (dir) => {
    const script = join(dir, 'BTSTask.cmd');
    await writeFile(script, '@echo off\r\n"C:\\Program Files (x86)\\Microsoft BizTalk Server\\BTSTask.exe" %*\r\n');
    const run = await runCli(['inventory', '--btstask', script, '--catalog', 'btstask', '--json']);
    t.is(run.exitCode, 2, run.stderr);
    t.true(run.err.some((line) => line['code'] === 'E_BTSTASK_SCRIPT'), run.stderr);
  });
});
