// Issue 13, "A log an operator can watch": every export, verify, prune and restore leaves one record in the store's
// run log; `btsbackup log` reads it back.
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { damageFirstArtifact, makeTempDir, repoRoot, runCli } from '../support/cli.js';
import { fakeFaultsEnv, writeFakeBtsTask } from '../support/fake-btstask.js';

test('export twice, a failing verify, a dry run and a prune: log --json shows one record per real run, in order', async (t) => {
  const dir = await makeTempDir('cli-log');
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const store = path.join(dir, 'store');
  const first = await runCli(['export', '--simulator', '--store', store, '--json']);
  t.is(first.exitCode, 0, first.stderr);
  const setId = String(first.out[first.out.length - 1]!['setId']);
  t.is((await runCli(['export', '--simulator', '--store', store, '--full', '--json'])).exitCode, 0);
  await damageFirstArtifact(store, setId);
  const verifyRun = await runCli(['verify', '--store', store, '--read-data', '--json']);
  t.is(verifyRun.exitCode, 12);
  const dryExport = await runCli(['export', '--simulator', '--store', store, '--dry-run', '--json']);
  t.is(dryExport.exitCode, 0);
  t.deepEqual(dryExport.err.filter((l) => l['type'] === 'run'), [], 'a dry run has no record to give either');
  t.is((await runCli(['prune', '--store', store, '--keep-last', '5', '--dry-run', '--json'])).exitCode, 0);

  const log = await runCli(['log', '--store', store, '--json']);
  t.is(log.exitCode, 0, log.stderr);
  const records = log.out.filter((l) => l['kind'] === 'RunRecord');
  t.deepEqual(records.map((r) => [r['operation'], r['result'], r['exitCode']]), [['export', 'ok', 0], ['export', 'ok', 0], ['verify', 'failed', 12]], 'dry runs write nothing');
  t.is(records[0]!['setId'], setId);
  // Warning codes, not just counts: the sample group's masked passwords and web directory, and the local store.
  t.is(records[0]!['warnings'], 4);
  t.deepEqual(records[0]!['warningCodes'], ['MaskedPassword', 'LocalWebDirectory', 'SameMachineStore']);
  t.true(first.err.filter((l) => l['type'] === 'log' && l['level'] === 'warning').every((l) => typeof l['code'] === 'string'), 'every warning line carries its code');
  // Each run hands its record to the caller (the module's -EventLog) with the event id of its outcome; the text is the
  // line in the run log, byte for byte.
  const logLines = (await readFile(path.join(store, 'logs', `runs-${String(records[0]!['end']).slice(0, 4)}.jsonl`), 'utf8')).trim().split('\n');
  const firstRun = first.err.filter((l) => l['type'] === 'run');
  t.is(firstRun.length, 1);
  t.like(firstRun[0], { eventId: 1001, entryType: 'Warning', outcome: 'SuccessWithWarnings', text: logLines[0] });
  t.like(verifyRun.err.find((l) => l['type'] === 'run'), { eventId: 1102, entryType: 'Error', outcome: 'VerificationFailed', text: logLines[2] });
  t.deepEqual(records[2]!['errorCodes'], ['E_CHECKSUM_MISMATCH']);
  t.like(records[2]!['counts'], { failed: 1 });
  for (const r of records) {
    t.true(typeof r['host'] === 'string' && typeof r['user'] === 'string' && typeof r['toolVersion'] === 'string' && typeof r['warnings'] === 'number');
    t.true(Date.parse(String(r['end'])) >= Date.parse(String(r['start'])));
  }
  t.like(log.out[log.out.length - 1], { type: 'summary', command: 'log', exitCode: 0, counts: { records: 3 } });

  const failed = await runCli(['log', '--store', store, '--result', 'failed', '--last', '1', '--json']);
  t.deepEqual(failed.out.filter((l) => l['kind'] === 'RunRecord').map((r) => r['operation']), ['verify']);
  const since = await runCli(['log', '--store', store, '--since', String(records[2]!['start']), '--json']);
  t.is(since.out.filter((l) => l['kind'] === 'RunRecord').length, 1);
  t.is((await runCli(['log', '--store', store, '--since', 'yesterday-ish', '--json'])).exitCode, 2);
  const human = await runCli(['log', '--store', store]);
  t.regex(human.stdout, /verify\s+failed\s+12/);

  // The run log is neither an object nor garbage: verify finds no orphan, a real prune keeps it, and it records itself.
  const verify = await runCli(['verify', '--store', store, '--json']);
  t.like(verify.out[verify.out.length - 1], { type: 'summary', counts: { orphans: 0 } });
  t.is((await runCli(['prune', '--store', store, '--keep-last', '5', '--json'])).exitCode, 0);
  t.deepEqual(await readdir(path.join(store, 'logs')), ['runs-' + String(records[0]!['end']).slice(0, 4) + '.jsonl']);
  const after = (await runCli(['log', '--store', store, '--json'])).out.filter((l) => l['kind'] === 'RunRecord');
  t.deepEqual(after.map((r) => r['operation']), ['export', 'export', 'verify', 'verify', 'prune']);
});

test('a failed run still writes its record (lock held, exit 11); a missing store gets none and is exit 10', async (t) => {
  const dir = await makeTempDir('cli-log-fail');
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const store = path.join(dir, 'store');
  t.is((await runCli(['export', '--simulator', '--store', store, '--json'])).exitCode, 0);
  // A live run on another host holds the lock: the next export fails with E_LOCK_HELD (exit 11).
  const holder = spawn(process.execPath, [path.join(repoRoot, 'dist', 'tests', 'adapters', 'store', 'lock-holder-process.js'), store, '20991231T000000Z-aaaaaa'], {
    env: { ...process.env, LOCK_HOLDER_HOST: 'host-b', LOCK_HOLDER_HEARTBEAT_MS: '200' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  t.teardown(() => holder.kill('SIGKILL'));
  await createInterface({ input: holder.stdout })[Symbol.asyncIterator]().next();
  const held = await runCli(['export', '--simulator', '--store', store, '--json']);
  t.is(held.exitCode, 11, held.stderr);
  const records = (await runCli(['log', '--store', store, '--json'])).out.filter((l) => l['kind'] === 'RunRecord');
  t.deepEqual(records.map((r) => [r['operation'], r['result'], r['exitCode'], r['errorCodes']]), [['export', 'ok', 0, []], ['export', 'failed', 11, ['E_LOCK_HELD']]]);
  t.like(held.err.find((l) => l['type'] === 'run'), { eventId: 1004, entryType: 'Warning', outcome: 'LockHeld' });
  t.is((await runCli(['log', '--store', path.join(dir, 'nowhere'), '--json'])).exitCode, 10);
  // A store that is not there has no run log, but the caller still gets the record: it is what an operator must hear.
  const missing = await runCli(['verify', '--store', path.join(dir, 'nowhere'), '--json']);
  t.is(missing.exitCode, 10);
  const run = missing.err.find((l) => l['type'] === 'run');
  t.like(run, { eventId: 1101, entryType: 'Error', outcome: 'StoreMissing' });
  t.like(JSON.parse(String(run?.['text'])), { type: 'run', operation: 'verify', result: 'failed', exitCode: 10, errorCodes: ['E_STORE_MISSING'] });
  t.false(existsSync(path.join(dir, 'nowhere')), 'nothing is created for it');
});

test("a failing application's error message never reaches the run log: codes and counts only", async (t) => {
  const dir = await makeTempDir('cli-log-secret');
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const state = path.join(dir, 'group', 'state.json');
  t.is((await runCli(['simulator-init', '--state', state])).exitCode, 0);
  const fake = await writeFakeBtsTask(dir);
  const store = path.join(dir, 'store');
  const env = { BIZTALKBACKUP_SIM_STATE: state, BIZTALKBACKUP_GAC_ROOT: `${state}.gac`, ...fakeFaultsEnv([{ command: 'ExportApp', application: 'Contoso.Orders', behavior: 'fail' }]) };
  const run = await runCli(['export', '--btstask', fake, '--catalog', 'btstask', '--store', store, '--json'], { env, timeoutMs: 180_000 });
  t.is(run.exitCode, 3, run.stderr);
  // The canary: the text of the application's error (BTSTask's "Error: Timeout expired ..." line) is in the run's
  // error output, and must not be in the log.
  t.true(run.stderr.includes('Timeout expired'));
  const logText = (await Promise.all((await readdir(path.join(store, 'logs'))).map((f) => readFile(path.join(store, 'logs', f), 'utf8')))).join('');
  t.false(logText.includes('Timeout expired'));
  t.false(logText.includes('Contoso.Orders'));
  const record = JSON.parse(logText.trim()) as Record<string, unknown>;
  t.like(record, { operation: 'export', result: 'partial', exitCode: 3 });
  t.true((record['errorCodes'] as string[]).length > 0 && (record['errorCodes'] as string[]).every((c) => /^E_[A-Z0-9_]+$/.test(c)));
});
