// msiexec exit codes (issue 16, "Smaller Windows facts"), with a fake msiexec: a node script run as a real child
// process that answers, call after call, the exit codes it is given (or hangs), and records its arguments.
import test from 'ava';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ProcessRunner, type BtsTaskRunner } from '../../../src/adapters/btstask/btstask-runner.js';
import { installWithMsiexec } from '../../../src/adapters/msiexec/msiexec.js';
import { BtsBackupError } from '../../../src/errors/index.js';

const FAKE = String.raw`import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
const [counterFile, codes] = [process.env.FAKE_MSIEXEC_COUNTER, process.env.FAKE_MSIEXEC_CODES.split(',')];
let n = 0;
try { n = Number(readFileSync(counterFile, 'utf8')); } catch {}
writeFileSync(counterFile, String(n + 1));
appendFileSync(counterFile + '.argv', JSON.stringify(process.argv.slice(2)) + '\n');
const code = codes[Math.min(n, codes.length - 1)];
if (code === 'hang') setInterval(() => undefined, 1000);
else {
  process.stdout.write('windows-exit-code=' + code + '\n');
  process.exit(Number(code) % 256);
}
`;

/**
 * POSIX keeps 8 bits of an exit code (1618 arrives as 82); Windows keeps 32. The fake states the code msiexec.exe
 * would exit with, and this wrapper of the real process runner restores it, as Windows would report it.
 */
function windowsExitCodes(inner: ProcessRunner): BtsTaskRunner {
  return {
    run: async (args, options) => {
      const run = await inner.run(args, options);
      const stated = /windows-exit-code=(\d+)/.exec(run.stdout)?.[1];
      return stated === undefined || Number(stated) % 256 !== run.exitCode ? run : { ...run, exitCode: Number(stated) };
    },
  };
}

async function fakeMsiexec(t: import('ava').ExecutionContext, codes: string[], timeoutMs = 30_000) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'btsbackup-msiexec-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const script = path.join(dir, 'msiexec.mjs');
  await writeFile(script, FAKE);
  const counter = path.join(dir, 'count');
  const runner = windowsExitCodes(new ProcessRunner({ command: process.execPath, prefixArgs: [script], timeoutMs, env: { ...process.env, FAKE_MSIEXEC_COUNTER: counter, FAKE_MSIEXEC_CODES: codes.join(',') } }));
  const calls = async (): Promise<string[][]> =>
    (await readFile(`${counter}.argv`, 'utf8').catch(() => ''))
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as string[]);
  return { runner, calls };
}

const msi = path.join(os.tmpdir(), 'Contoso Shared.msi');
const log = path.join(os.tmpdir(), 'Contoso Shared.install.log');

test('1618 (another installation in progress) is retried with growing waits, then succeeds with a warning', async (t) => {
  const { runner, calls } = await fakeMsiexec(t, ['1618', '1618', '0']);
  const waits: number[] = [];
  const outcome = await installWithMsiexec(msi, log, { runner, busyDelaysMs: [100, 200, 400], sleep: async (ms) => void waits.push(ms) });
  t.deepEqual(waits, [100, 200]);
  t.is((await calls()).length, 3);
  t.deepEqual((await calls())[0], ['/i', msi, '/qn', '/norestart', '/l*v', log]);
  t.true(outcome.warnings.some((w) => /1618/.test(w)));
});

test('1618 that never clears ends, after the last retry, as E_INSTALL_FAILED reason installer-busy', async (t) => {
  const { runner, calls } = await fakeMsiexec(t, ['1618']);
  const error = await t.throwsAsync(installWithMsiexec(msi, log, { runner, busyDelaysMs: [1, 1], sleep: async () => undefined }), { instanceOf: BtsBackupError });
  t.is(error!.code, 'E_INSTALL_FAILED');
  t.like(error!.details, { exitCode: 1618, reason: 'installer-busy', attempts: 3 });
  t.is((await calls()).length, 3);
});

test('1603 and 1602 are not retried and get their own reasons and hints', async (t) => {
  const hints = new Set<string>();
  for (const [code, reason] of [['1603', 'fatal-error'], ['1602', 'cancelled'], ['1625', 'failed']] as const) {
    const { runner, calls } = await fakeMsiexec(t, [code, '0']);
    const error = await t.throwsAsync(installWithMsiexec(msi, log, { runner, busyDelaysMs: [1], sleep: async () => undefined }), { instanceOf: BtsBackupError });
    t.is(error!.code, 'E_INSTALL_FAILED');
    t.like(error!.details, { exitCode: Number(code), reason, log });
    t.is((await calls()).length, 1, `${code} is not retried`);
    hints.add(error!.hint ?? '');
  }
  t.is(hints.size, 3, 'each code has its own hint');
});

test('3010 installs with a restart warning', async (t) => {
  const { runner } = await fakeMsiexec(t, ['3010']);
  t.is((await installWithMsiexec(msi, log, { runner })).warnings.length, 1);
});

test('a hanging msiexec is killed at the timeout: E_INSTALL_TIMEOUT saying the state is unknown (the Windows Installer service goes on), never "nothing changed"', async (t) => {
  const { runner } = await fakeMsiexec(t, ['hang'], 1500);
  const error = await t.throwsAsync(installWithMsiexec(msi, log, { runner }), { instanceOf: BtsBackupError });
  t.is(error!.code, 'E_INSTALL_TIMEOUT');
  t.like(error!.details, { reason: 'timeout', stateUnknown: true, timeoutMs: 1500 });
  t.is(error!.category, 'OperationTimeout');
});
