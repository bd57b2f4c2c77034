import test from 'ava';
import { buildRunRecord, MAX_ERROR_CODES, MAX_WARNING_CODES, parseRunRecord, runResultOf, selectRunRecords, type RunFacts, type RunRecord } from '../../src/core/run-record.js';

const CANARY = 'CANARY-s3cr3t-Pa55w0rd';
const base: RunFacts = {
  operation: 'export',
  start: new Date('2026-11-30T02:00:00.000Z'),
  end: new Date('2026-11-30T02:03:20.500Z'),
  exitCode: 0,
  counts: { exported: 3, unchanged: 2 },
  setId: '20261130T020000Z-abc123',
  warnings: 0,
  errorCodes: [],
  host: 'BTS01',
  user: 'CONTOSO\\svc-backup',
  tool: 'BizTalkBackup',
  toolVersion: '0.1.0',
};

const cases: { title: string; facts: Partial<RunFacts>; expect: Partial<RunRecord> }[] = [
  { title: 'success', facts: {}, expect: { result: 'ok', exitCode: 0, setId: '20261130T020000Z-abc123', errorCodes: [], counts: { exported: 3, unchanged: 2 }, durationMs: 200_500 } },
  {
    title: 'partial: one application failed, a set was committed',
    facts: { exitCode: 3, warnings: 2, counts: { exported: 4, failed: 1 }, errorCodes: ['E_BTSTASK_FAILED'] },
    expect: { result: 'partial', exitCode: 3, warnings: 2, errorCodes: ['E_BTSTASK_FAILED'], counts: { exported: 4, failed: 1 } },
  },
  { title: 'failed: the lock is held, no set', facts: { exitCode: 11, setId: undefined, counts: {}, errorCodes: ['E_LOCK_HELD'] }, expect: { result: 'failed', exitCode: 11, setId: null, errorCodes: ['E_LOCK_HELD'] } },
  { title: 'failed verification', facts: { operation: 'verify', exitCode: 12, setId: null, errorCodes: ['E_CHECKSUM_MISMATCH', 'E_CHECKSUM_MISMATCH'] }, expect: { operation: 'verify', result: 'failed', errorCodes: ['E_CHECKSUM_MISMATCH'] } },
  { title: 'interrupted (Ctrl-C, Stop-Job)', facts: { exitCode: 130, counts: {}, errorCodes: ['E_INTERRUPTED'] }, expect: { result: 'interrupted', exitCode: 130, counts: {}, errorCodes: ['E_INTERRUPTED'] } },
];

for (const c of cases) {
  test(`buildRunRecord: ${c.title}`, (t) => {
    const facts = { ...base, ...c.facts } as RunFacts;
    const record = buildRunRecord(facts);
    t.like(record, { type: 'run', operation: 'export', start: '2026-11-30T02:00:00.000Z', end: '2026-11-30T02:03:20.500Z', host: 'BTS01', user: 'CONTOSO\\svc-backup', tool: 'BizTalkBackup', toolVersion: '0.1.0', ...c.expect });
    t.deepEqual(buildRunRecord(facts), record, 'pure: the same facts give the same record');
    t.deepEqual(parseRunRecord(JSON.stringify(record)), record, 'a written line reads back as the same record');
  });
}

test('buildRunRecord: a secret in a failing application error message, a set id or a count name never reaches the record', (t) => {
  const record = buildRunRecord({
    ...base,
    exitCode: 3,
    errorCodes: ['E_BTSTASK_FAILED', `Error: login failed for password=${CANARY}`, `E_${CANARY}`],
    counts: { exported: 1, [`pwd ${CANARY}`]: 1, failed: Number.NaN, note: CANARY as unknown as number },
    setId: `../${CANARY}`,
    warningCodes: [`MaskedPassword: ${CANARY}`, `${CANARY}`],
  });
  t.false(JSON.stringify(record).includes(CANARY));
  t.false(JSON.stringify(record).toLowerCase().includes('password'));
  t.deepEqual(record.errorCodes, ['E_BTSTASK_FAILED']);
  t.deepEqual(record.warningCodes, []);
  t.deepEqual(record.counts, { exported: 1 });
  t.is(record.setId, null);
});

test('buildRunRecord: warning codes are kept distinct, in the order given; only codes of the table, never free text', (t) => {
  const record = buildRunRecord({
    ...base,
    warnings: 5,
    warningCodes: ['MaskedPassword', 'SameMachineStore', 'MaskedPassword', `password=${CANARY}`, CANARY, 'Masked Password', 42, null, 'E_LOCK_HELD'],
  });
  t.deepEqual(record.warningCodes, ['MaskedPassword', 'SameMachineStore']);
  t.is(record.warnings, 5, 'the count stays the number of warnings given');
  t.false(JSON.stringify(record).includes(CANARY));
  t.deepEqual(parseRunRecord(JSON.stringify(record)), record);
  t.deepEqual(buildRunRecord({ ...base, warningCodes: Array.from({ length: 100 }, () => 'Other').concat(['MaskedPassword']) }).warningCodes, ['Other', 'MaskedPassword']);
  t.true(MAX_WARNING_CODES >= 20);
});

test('parseRunRecord: a record written before warning codes existed reads with none', (t) => {
  const { warningCodes: _codes, ...old } = buildRunRecord({ ...base, warnings: 2 });
  t.like(parseRunRecord(JSON.stringify(old)), { warnings: 2, warningCodes: [] });
});

test('buildRunRecord: a run over thousands of failing applications still writes one short line', (t) => {
  const record = buildRunRecord({ ...base, exitCode: 3, errorCodes: Array.from({ length: 5000 }, (_, i) => `E_CODE_${i}`) });
  t.is(record.errorCodes.length, MAX_ERROR_CODES);
  t.true(JSON.stringify(record).length < 2000);
});

test('runResultOf: exit codes to the fixed vocabulary', (t) => {
  t.deepEqual([0, 1, 2, 3, 10, 11, 12, 130].map(runResultOf), ['ok', 'failed', 'failed', 'partial', 'failed', 'failed', 'failed', 'interrupted']);
});

test('parseRunRecord: a torn or foreign line is skipped, never an error', (t) => {
  const line = JSON.stringify(buildRunRecord(base));
  t.is(parseRunRecord(line.slice(0, 40)), undefined);
  t.is(parseRunRecord('{"type":"summary"}'), undefined);
  t.is(parseRunRecord('null'), undefined);
  t.is(parseRunRecord(JSON.stringify({ ...JSON.parse(line), result: 'great' })), undefined);
});

test('selectRunRecords: oldest first, then --since, --result and --last', (t) => {
  const at = (iso: string, exitCode: number): RunRecord => buildRunRecord({ ...base, start: new Date(iso), end: new Date(iso), exitCode });
  const records = [at('2026-11-03T00:00:00Z', 3), at('2026-11-01T00:00:00Z', 0), at('2026-11-02T00:00:00Z', 12), at('2026-11-04T00:00:00Z', 0)];
  t.deepEqual(selectRunRecords(records, {}).map((r) => r.start.slice(0, 10)), ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04']);
  t.deepEqual(selectRunRecords(records, { last: 2 }).map((r) => r.start.slice(0, 10)), ['2026-11-03', '2026-11-04']);
  t.deepEqual(selectRunRecords(records, { since: new Date('2026-11-02T00:00:00Z') }).map((r) => r.start.slice(0, 10)), ['2026-11-02', '2026-11-03', '2026-11-04']);
  t.deepEqual(selectRunRecords(records, { result: 'failed' }).map((r) => r.exitCode), [12]);
  t.deepEqual(selectRunRecords(records, { result: 'ok', last: 1 }).map((r) => r.start.slice(0, 10)), ['2026-11-04']);
  t.deepEqual(selectRunRecords(records, { last: 0 }), []);
});
