import test from 'ava';
import { planRetention, parseDuration, type RetentionCandidate, type RetentionPolicy } from '../../src/core/plan-retention.js';
import { newSetId } from '../../src/core/set-id.js';

const sha = (label: string): string => label.repeat(64).slice(0, 64);
const NOW = new Date('2026-11-10T20:00:00Z');

function candidate(createdAt: string, options: Partial<Omit<RetentionCandidate, 'setId' | 'createdAt'>> = {}): RetentionCandidate {
  return {
    setId: newSetId(new Date(createdAt), () => 'abcdef'),
    createdAt,
    verified: options.verified ?? false,
    applications: options.applications ?? ['Orders'],
    objects: options.objects ?? [],
  };
}

/** Ten daily sets 1-10 Nov 2026 at 09:00 UTC, two more on the 10th; labelled by their time. */
const TIMES = [...Array.from({ length: 10 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}T09:00:00Z`), '2026-11-10T13:00:00Z', '2026-11-10T18:00:00Z'];
const SERIES = TIMES.map((time) => candidate(time));
const id = (time: string): string => newSetId(new Date(time), () => 'abcdef');

const keepCases: { title: string; policy: RetentionPolicy; sets?: RetentionCandidate[]; keep: [string, string[]][] }[] = [
  {
    title: 'keepLast 3 keeps the three newest',
    policy: { keepLast: 3 },
    keep: [
      ['2026-11-10T09:00:00Z', ['keep-last']],
      ['2026-11-10T13:00:00Z', ['keep-last']],
      ['2026-11-10T18:00:00Z', ['keep-last']],
    ],
  },
  {
    title: 'keepDaily 3 keeps the newest set of each of the three newest days',
    policy: { keepDaily: 3 },
    keep: [
      ['2026-11-08T09:00:00Z', ['keep-daily']],
      ['2026-11-09T09:00:00Z', ['keep-daily']],
      ['2026-11-10T18:00:00Z', ['keep-daily']],
    ],
  },
  {
    title: 'keepWeekly 2 uses ISO weeks (Monday to Sunday)',
    policy: { keepWeekly: 2 },
    keep: [
      ['2026-11-08T09:00:00Z', ['keep-weekly']],
      ['2026-11-10T18:00:00Z', ['keep-weekly']],
    ],
  },
  {
    title: 'keepWeekly 5 with sets in three ISO weeks keeps three',
    policy: { keepWeekly: 5 },
    keep: [
      ['2026-11-01T09:00:00Z', ['keep-weekly']],
      ['2026-11-08T09:00:00Z', ['keep-weekly']],
      ['2026-11-10T18:00:00Z', ['keep-weekly']],
    ],
  },
  {
    title: 'keepMonthly 2 with one month of sets keeps one',
    policy: { keepMonthly: 2 },
    keep: [['2026-11-10T18:00:00Z', ['keep-monthly']]],
  },
  {
    title: 'keepWithin 2d keeps sets newer than now minus 2 days',
    policy: { keepWithin: '2d' },
    keep: [
      ['2026-11-09T09:00:00Z', ['keep-within']],
      ['2026-11-10T09:00:00Z', ['keep-within']],
      ['2026-11-10T13:00:00Z', ['keep-within']],
      ['2026-11-10T18:00:00Z', ['keep-within']],
    ],
  },
  {
    title: 'keepWithin 7h is exclusive at the boundary (13:00 is exactly 7 h old)',
    policy: { keepWithin: '7h' },
    keep: [['2026-11-10T18:00:00Z', ['keep-within']]],
  },
  {
    title: 'rules combine: a set kept by any rule is kept, with every rule that kept it',
    policy: { keepLast: 1, keepDaily: 2 },
    keep: [
      ['2026-11-09T09:00:00Z', ['keep-daily']],
      ['2026-11-10T18:00:00Z', ['keep-last', 'keep-daily']],
    ],
  },
  {
    title: 'keepLast 0 next to another rule is allowed',
    policy: { keepLast: 0, keepDaily: 1 },
    keep: [['2026-11-10T18:00:00Z', ['keep-daily']]],
  },
  {
    title: 'the newest verified set of each application is kept even when no rule keeps it',
    policy: { keepLast: 1 },
    sets: [
      candidate('2026-11-01T09:00:00Z', { verified: true, applications: ['Orders', 'Billing'] }),
      candidate('2026-11-03T09:00:00Z', { verified: true, applications: ['Orders'] }),
      candidate('2026-11-04T09:00:00Z', { verified: true, applications: ['Orders', 'Billing'] }),
      candidate('2026-11-05T09:00:00Z', { verified: false, applications: ['Orders', 'Billing'] }),
    ],
    keep: [
      ['2026-11-04T09:00:00Z', ['newest-verified:Billing', 'newest-verified:Orders']],
      ['2026-11-05T09:00:00Z', ['keep-last']],
    ],
  },
  {
    title: 'an application only in an old verified set keeps that set',
    policy: { keepLast: 1 },
    sets: [candidate('2026-10-01T09:00:00Z', { verified: true, applications: ['Legacy'] }), candidate('2026-11-05T09:00:00Z', { applications: ['Orders'] })],
    keep: [
      ['2026-10-01T09:00:00Z', ['newest-verified:Legacy']],
      ['2026-11-05T09:00:00Z', ['keep-last']],
    ],
  },
];

for (const c of keepCases) {
  test(`planRetention: ${c.title}`, (t) => {
    const sets = c.sets ?? SERIES;
    const plan = planRetention(sets, c.policy, NOW);
    t.deepEqual(
      plan.keep,
      c.keep.map(([time, reasons]) => ({ setId: id(time), reasons })),
    );
    const keptIds = new Set(plan.keep.map((k) => k.setId));
    t.deepEqual(
      plan.remove,
      sets
        .map((s) => s.setId)
        .filter((setId) => !keptIds.has(setId))
        .sort(),
    );
  });
}

const refusals: { title: string; policy: RetentionPolicy; sets?: RetentionCandidate[] }[] = [
  { title: 'an empty policy', policy: {} },
  { title: 'an empty policy on an empty store', policy: {}, sets: [] },
  { title: 'keepLast 0 alone', policy: { keepLast: 0 } },
  { title: 'every count 0', policy: { keepLast: 0, keepDaily: 0, keepWeekly: 0, keepMonthly: 0 } },
  { title: 'a negative count', policy: { keepLast: -1, keepDaily: 3 } },
  { title: 'a fractional count', policy: { keepLast: 1.5 } },
  { title: 'a count that is not a number', policy: { keepLast: '3' as unknown as number } },
  { title: 'an unknown rule (typo)', policy: { keepDayly: 3 } as unknown as RetentionPolicy },
  { title: 'keepWithin without a unit', policy: { keepWithin: '30' } },
  { title: 'keepWithin without a number', policy: { keepWithin: 'd' } },
  { title: 'keepWithin zero', policy: { keepWithin: '0d' } },
  { title: 'keepWithin negative', policy: { keepWithin: '-1d' } },
  { title: 'keepWithin in words', policy: { keepWithin: '30 days' } },
  { title: 'keepWithin empty', policy: { keepWithin: '' } },
  { title: 'keepWithin units out of order', policy: { keepWithin: '1d1w' } },
  { title: 'a policy that would remove every set', policy: { keepWithin: '1h' } },
  {
    title: 'a policy that would remove every backup of an application (none verified)',
    policy: { keepLast: 2 },
    sets: [candidate('2026-11-01T09:00:00Z', { applications: ['Legacy', 'Orders'] }), ...SERIES.slice(1)],
  },
];

for (const c of refusals) {
  test(`planRetention refuses ${c.title}: E_POLICY_UNSAFE`, (t) => {
    t.throws(() => planRetention(c.sets ?? SERIES, c.policy, NOW), { code: 'E_POLICY_UNSAFE' });
  });
}

test('planRetention: objects referenced only by removed sets are deleted; shared ones and orphans handled', (t) => {
  const sets = [
    candidate('2026-11-01T09:00:00Z', { objects: [sha('a'), sha('b')] }),
    candidate('2026-11-02T09:00:00Z', { objects: [sha('b'), sha('c')] }),
    candidate('2026-11-03T09:00:00Z', { objects: [sha('c'), sha('d')] }),
  ];
  const stored = [sha('a'), sha('b'), sha('c'), sha('d'), sha('e'), sha('f')];
  const plan = planRetention(sets, { keepLast: 1 }, NOW, stored);
  t.deepEqual(plan.remove, [id('2026-11-01T09:00:00Z'), id('2026-11-02T09:00:00Z')]);
  t.deepEqual(plan.orphanObjects, [sha('e'), sha('f')]);
  t.deepEqual(plan.deleteObjects, [sha('a'), sha('b'), sha('e'), sha('f')]);
  const keepAll = planRetention(sets, { keepLast: 5 }, NOW, stored);
  t.deepEqual(keepAll.remove, []);
  t.deepEqual(keepAll.deleteObjects, [sha('e'), sha('f')]);
});

test('planRetention: an empty store gives an empty plan; a policy with no sets is fine', (t) => {
  t.deepEqual(planRetention([], { keepLast: 3 }, NOW), { policy: { keepLast: 3 }, now: NOW.toISOString(), keep: [], remove: [], deleteObjects: [], orphanObjects: [] });
});

test('planRetention is pure: the input is not changed and the same input gives the same plan', (t) => {
  const sets = structuredClone(SERIES).reverse();
  const before = structuredClone(sets);
  const a = planRetention(sets, { keepDaily: 2, keepWithin: '1w' }, NOW);
  const b = planRetention(sets, { keepDaily: 2, keepWithin: '1w' }, NOW);
  t.deepEqual(a, b);
  t.deepEqual(sets, before);
});

test('planRetention rejects malformed candidates', (t) => {
  const good = candidate('2026-11-01T09:00:00Z');
  t.throws(() => planRetention([good, good], { keepLast: 1 }, NOW), { code: 'E_INVALID_DATA' });
  t.throws(() => planRetention([{ ...good, setId: '../x' }], { keepLast: 1 }, NOW), { code: 'E_INVALID_NAME' });
  t.throws(() => planRetention([{ ...good, createdAt: 'yesterday' }], { keepLast: 1 }, NOW), { code: 'E_INVALID_DATA' });
  t.throws(() => planRetention([{ ...good, objects: ['../../etc/passwd'] }], { keepLast: 1 }, NOW), { code: 'E_INVALID_DATA' });
  t.throws(() => planRetention([good], { keepLast: 1 }, NOW, ['not-a-sha']), { code: 'E_INVALID_DATA' });
});

const durations: [string, ReturnType<typeof parseDuration>][] = [
  ['12h', { years: 0, months: 0, weeks: 0, days: 0, hours: 12 }],
  ['30d', { years: 0, months: 0, weeks: 0, days: 30, hours: 0 }],
  ['2w', { years: 0, months: 0, weeks: 2, days: 0, hours: 0 }],
  ['6m', { years: 0, months: 6, weeks: 0, days: 0, hours: 0 }],
  ['1y6m2d', { years: 1, months: 6, weeks: 0, days: 2, hours: 0 }],
];
for (const [text, expected] of durations) {
  test(`parseDuration ${text}`, (t) => {
    t.deepEqual(parseDuration(text), expected);
  });
}

test('keepWithin 1m counts calendar months back from now', (t) => {
  const sets = [candidate('2026-10-10T19:00:00Z'), candidate('2026-10-10T21:00:00Z'), candidate('2026-11-10T19:00:00Z')];
  const plan = planRetention(sets, { keepWithin: '1m' }, NOW);
  t.deepEqual(
    plan.keep.map((k) => k.setId),
    [id('2026-10-10T21:00:00Z'), id('2026-11-10T19:00:00Z')],
  );
});
