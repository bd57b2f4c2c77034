// Issue 13: the pure mapping from a run record to its Windows event log entry (stable id and entry type per
// outcome), and the README tables (event ids, warning codes) kept in step with the code.
import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EVENT_LOG, EVENT_SOURCE, RUN_EVENTS, runEventOf, runOutcomeOf, type RunOutcome } from '../../src/core/event-ids.js';
import { buildRunRecord, parseRunRecord, type RunFacts } from '../../src/core/run-record.js';
import { WARNING_CODES } from '../../src/core/warning-codes.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

const base: RunFacts = {
  operation: 'export',
  start: new Date('2026-11-30T02:00:00.000Z'),
  end: new Date('2026-11-30T02:01:00.000Z'),
  exitCode: 0,
  counts: { exported: 2 },
  setId: '20261130T020000Z-abc123',
  warnings: 0,
  warningCodes: [],
  errorCodes: [],
  host: 'BTS01',
  user: 'CONTOSO\\svc-backup',
  tool: 'BizTalkBackup',
  toolVersion: '0.1.0',
};

const cases: { title: string; facts: Partial<RunFacts>; outcome: RunOutcome; eventId: number; entryType: string }[] = [
  { title: 'success', facts: {}, outcome: 'Success', eventId: 1000, entryType: 'Information' },
  { title: 'success with a warning', facts: { warnings: 1, warningCodes: ['SameMachineStore'] }, outcome: 'SuccessWithWarnings', eventId: 1001, entryType: 'Warning' },
  { title: 'partial export', facts: { exitCode: 3, errorCodes: ['E_BTSTASK_FAILED'] }, outcome: 'Partial', eventId: 1002, entryType: 'Warning' },
  { title: 'interrupted', facts: { exitCode: 130, errorCodes: ['E_INTERRUPTED'] }, outcome: 'Interrupted', eventId: 1003, entryType: 'Warning' },
  { title: 'lock held', facts: { exitCode: 11, setId: null, errorCodes: ['E_LOCK_HELD'] }, outcome: 'LockHeld', eventId: 1004, entryType: 'Warning' },
  { title: 'failed (exit 1)', facts: { exitCode: 1, errorCodes: ['E_BTSTASK_DATABASE'] }, outcome: 'Failed', eventId: 1100, entryType: 'Error' },
  { title: 'usage error (exit 2)', facts: { exitCode: 2, errorCodes: ['E_USAGE'] }, outcome: 'Failed', eventId: 1100, entryType: 'Error' },
  { title: 'an exit code nobody knows yet', facts: { exitCode: 77 }, outcome: 'Failed', eventId: 1100, entryType: 'Error' },
  { title: 'store missing', facts: { exitCode: 10, errorCodes: ['E_STORE_MISSING'] }, outcome: 'StoreMissing', eventId: 1101, entryType: 'Error' },
  { title: 'verification failed', facts: { operation: 'verify', exitCode: 12, errorCodes: ['E_CHECKSUM_MISMATCH'] }, outcome: 'VerificationFailed', eventId: 1102, entryType: 'Error' },
  { title: 'a failed verification with warnings is still a failed verification', facts: { operation: 'verify', exitCode: 12, warnings: 3 }, outcome: 'VerificationFailed', eventId: 1102, entryType: 'Error' },
];

for (const c of cases) {
  test(`runEventOf: ${c.title}`, (t) => {
    const record = buildRunRecord({ ...base, ...c.facts } as RunFacts);
    const event = runEventOf(record);
    t.like(event, { outcome: c.outcome, eventId: c.eventId, entryType: c.entryType });
    t.is(runOutcomeOf(record), c.outcome);
    t.deepEqual(parseRunRecord(event.message), record, 'the message is the record, exactly as the run log holds it');
    t.deepEqual(runEventOf(record), event, 'pure');
  });
}

test('every outcome has one id of its own; ids stay in the ranges documented (1000s Information/Warning, 1100s Error)', (t) => {
  const ids = RUN_EVENTS.map((e) => e.eventId);
  t.is(new Set(ids).size, ids.length);
  t.is(new Set(RUN_EVENTS.map((e) => e.outcome)).size, RUN_EVENTS.length);
  for (const event of RUN_EVENTS) {
    t.true(event.eventId > 0 && event.eventId < 65536, 'a Windows event id is a 16-bit number');
    t.is(event.entryType === 'Error', event.eventId >= 1100, `${event.outcome}: Error ids are 1100 and above`);
  }
  t.is(EVENT_SOURCE, 'BizTalkBackup');
  t.is(EVENT_LOG, 'Application');
});

test('a record with a secret in a message never puts it into the event message', (t) => {
  const canary = 'CANARY-ev3nt-Pa55w0rd';
  const event = runEventOf(buildRunRecord({ ...base, exitCode: 3, errorCodes: [`password=${canary}`, 'E_BTSTASK_FAILED'], warningCodes: [canary], counts: { [canary]: 1 } }));
  t.false(event.message.includes(canary));
});

test('README: the event id table is the code table', (t) => {
  const rows = [...readme.matchAll(/^\| (\d{3,5}) \| (Information|Warning|Error) \| `(\w+)` \| (.+) \|$/gm)].map((m) => ({ eventId: Number(m[1]), entryType: m[2], outcome: m[3], when: m[4] }));
  t.deepEqual(rows, RUN_EVENTS.map((e) => ({ eventId: e.eventId, entryType: e.entryType, outcome: e.outcome, when: e.when })));
});

test('README: the warning codes table is the code table', (t) => {
  const rows = [...readme.matchAll(/^\| `([A-Z]\w+)` \| ([^|]+) \|$/gm)].map((m) => [m[1], m[2]]).filter(([code]) => code !== undefined && code in WARNING_CODES);
  t.deepEqual(rows, Object.entries(WARNING_CODES));
});
