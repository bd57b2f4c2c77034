import { readFile } from 'node:fs/promises';
import test from 'ava';
import { callBtsTask } from '../../../src/adapters/btstask/btstask-call.js';
import type { BtsTaskRunner, ProcessRun } from '../../../src/adapters/btstask/btstask-runner.js';

const fixture = (name: string): Promise<string> => readFile(new URL(`../../../../tests/fixtures/btstask-output/${name}`, import.meta.url), 'utf8');
const code = (error: unknown): string | undefined => (error as { code?: string } | undefined)?.code;
const SUCCESS = 'Information: Done.\r\nCommand succeeded with 0 errors, 0 warnings.\r\n';

/** Answers each call with the next scripted (exit code, stdout); the last one repeats. */
class ScriptedRunner implements BtsTaskRunner {
  calls = 0;
  constructor(private readonly answers: { exitCode: number; stdout: string }[]) {}
  async run(args: readonly string[]): Promise<ProcessRun> {
    const answer = this.answers[Math.min(this.calls, this.answers.length - 1)]!;
    this.calls++;
    return { argv: [...args], pid: 1, exitCode: answer.exitCode, stdout: answer.stdout, stderr: '', durationMs: 1 };
  }
}

function recorder() {
  const sleeps: number[] = [];
  const logs: string[] = [];
  return { sleeps, logs, retry: { sleep: async (ms: number) => void sleeps.push(ms) }, log: (_level: string, message: string) => void logs.push(message) };
}

test('a locked temp CAB, then success: run again after a pause, saying so', async (t) => {
  const runner = new ScriptedRunner([{ exitCode: 1, stdout: await fixture('failed-temp-cab-in-use.txt') }, { exitCode: 0, stdout: SUCCESS }]);
  const r = recorder();
  const { output } = await callBtsTask(runner, ['ExportApp', '/ApplicationName:Contoso.Orders'], { target: 'Contoso.Orders', retry: r.retry, log: r.log });
  t.deepEqual(output.information, ['Done.']);
  t.is(runner.calls, 2);
  t.deepEqual(r.sleeps, [2000]);
  t.is(r.logs.length, 1);
  t.regex(r.logs[0] ?? '', /E_BTSTASK_FILE_LOCKED.*attempt 2 of 3/);
});

test('access denied three times: bounded (3 runs, growing pauses), then E_BTSTASK_ACCESS_DENIED naming the attempts', async (t) => {
  const runner = new ScriptedRunner([{ exitCode: 1, stdout: await fixture('constructed-access-denied.txt') }]);
  const r = recorder();
  const error = await t.throwsAsync(callBtsTask(runner, ['ImportApp', '/Package:x.msi', '/ApplicationName:A'], { target: 'A', retry: r.retry, log: r.log }));
  t.is(code(error), 'E_BTSTASK_ACCESS_DENIED');
  t.is(runner.calls, 3);
  t.deepEqual(r.sleeps, [2000, 5000]);
  t.is((error as { details?: Record<string, unknown> }).details?.['attempts'], 3);
  t.is(r.logs.length, 2);
});

test('a failure that is not transient is not run again', async (t) => {
  for (const name of ['constructed-validate-database.txt', 'constructed-export-temp-space.txt', 'failed-resource-already-in-store.txt']) {
    const runner = new ScriptedRunner([{ exitCode: 1, stdout: await fixture(name) }, { exitCode: 0, stdout: SUCCESS }]);
    const r = recorder();
    await t.throwsAsync(callBtsTask(runner, ['ExportApp'], { retry: r.retry, log: r.log }));
    t.is(runner.calls, 1, name);
    t.deepEqual(r.logs, [], name);
  }
});
