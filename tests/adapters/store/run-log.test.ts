import test from 'ava';
import { mkdtemp, readdir, readFile, rm, writeFile, appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildRunRecord, type RunFacts } from '../../../src/core/run-record.js';
import { appendRunRecord, readRunLog } from '../../../src/adapters/store/run-log.js';

const facts = (i: number, year = 2026): RunFacts => ({
  operation: 'verify',
  start: new Date(Date.UTC(year, 0, 1, 0, 0, i)),
  end: new Date(Date.UTC(year, 0, 1, 0, 0, i)),
  exitCode: 0,
  counts: { n: i },
  warnings: 0,
  errorCodes: [],
  host: 'h',
  user: 'u',
  tool: 'BizTalkBackup',
  toolVersion: '0.1.0',
});

async function tempStore(t: import('ava').ExecutionContext): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'run-log-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('appendRunRecord: one whole line per record in logs/runs-<year>.jsonl, read back in order', async (t) => {
  const root = await tempStore(t);
  for (let i = 0; i < 3; i++) await appendRunRecord(root, buildRunRecord(facts(i)));
  await appendRunRecord(root, buildRunRecord(facts(1, 2027)));
  t.deepEqual((await readdir(path.join(root, 'logs'))).sort(), ['runs-2026.jsonl', 'runs-2027.jsonl']);
  const text = await readFile(path.join(root, 'logs', 'runs-2026.jsonl'), 'utf8');
  t.is(text.split('\n').length, 4, 'three lines and the final newline');
  t.deepEqual((await readRunLog(root)).map((r) => `${r.start.slice(0, 4)}:${r.counts['n']}`), ['2026:0', '2026:1', '2026:2', '2027:1']);
});

test('appendRunRecord: rotation by size keeps the log bounded and the reader sees the newest runs in order', async (t) => {
  const root = await tempStore(t);
  const lineBytes = JSON.stringify(buildRunRecord(facts(0))).length + 1;
  for (let i = 0; i < 20; i++) await appendRunRecord(root, buildRunRecord(facts(i)), { maxBytes: lineBytes * 3, maxParts: 2 });
  const names = (await readdir(path.join(root, 'logs'))).sort();
  t.deepEqual(names, ['runs-2026.1.jsonl', 'runs-2026.2.jsonl', 'runs-2026.jsonl']);
  const kept = (await readRunLog(root)).map((r) => r.counts['n']);
  t.true(kept.length <= 9 && kept.length >= 4, `kept ${kept.length}`);
  t.deepEqual(kept, Array.from({ length: kept.length }, (_, i) => 20 - kept.length + i), 'the newest runs, oldest first');
});

test('readRunLog: a torn last line (a crash mid-append) and foreign files are skipped; no logs folder is an empty log', async (t) => {
  const root = await tempStore(t);
  t.deepEqual(await readRunLog(root), []);
  await appendRunRecord(root, buildRunRecord(facts(1)));
  await appendFile(path.join(root, 'logs', 'runs-2026.jsonl'), '{"type":"run","operation":"ex');
  await writeFile(path.join(root, 'logs', 'notes.txt'), 'not a log');
  t.deepEqual((await readRunLog(root)).map((r) => r.counts['n']), [1]);
  await appendRunRecord(root, buildRunRecord(facts(2)));
  t.deepEqual((await readRunLog(root)).map((r) => r.counts['n']), [1, 2], 'the next record starts on a line of its own');
});
