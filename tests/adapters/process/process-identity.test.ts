import { spawn } from 'node:child_process';
import test from 'ava';
import { isProcessAlive, ownStartTime, parseProcStatStartTicks, processStartTime, START_TIME_TOLERANCE_MS } from '../../../src/adapters/process/process-identity.js';

test('the start time is field 22 of /proc/<pid>/stat, read after the (comm) field, whatever the command name holds', (t) => {
  const fields = (comm: string): string => `1234 (${comm}) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 12345678 100`;
  t.is(parseProcStatStartTicks(fields('node')), 987654);
  t.is(parseProcStatStartTicks(fields('a) b (c')), 987654, 'a ")" in the command name does not shift the fields');
  t.is(parseProcStatStartTicks('garbage'), undefined);
});

test('a live child has a start time after ours; a dead pid has none', async (t) => {
  if (process.platform !== 'linux') {
    t.is(processStartTime(process.pid), undefined, 'unknown off Linux: liveness and the heartbeat decide');
    return;
  }
  const own = ownStartTime();
  t.true(Math.abs((processStartTime(process.pid) ?? 0) - own) <= START_TIME_TOLERANCE_MS);
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
  const pid = child.pid!;
  await new Promise((done) => setTimeout(done, 100));
  const started = processStartTime(pid);
  t.true(started !== undefined && started >= own - START_TIME_TOLERANCE_MS && started <= Date.now() + START_TIME_TOLERANCE_MS, String(started));
  t.true(isProcessAlive(pid));
  child.kill('SIGKILL');
  await new Promise((done) => child.once('exit', done));
  t.is(processStartTime(pid), undefined);
  t.false(isProcessAlive(pid));
});
