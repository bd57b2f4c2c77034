// The suite's fuzz run (issue 15): 5,000 seeded mutations of MSIs, cabinets, DLLs, binding files and secrets files,
// in a worker whose heap is capped and whose memory is watched. Every case reads or is refused with a typed error
// (never E_INTERNAL, never a RangeError or TypeError), none takes over 2 s, the worker never hangs or grows past the
// ceiling. The long run is `npm run fuzz` (README, Reliability). FUZZ_SEED / FUZZ_COUNT override the defaults.
import test from 'ava';
import { FUZZ_KINDS } from '../support/fuzz.js';
import { FUZZ_CEILING_BYTES, runFuzzChunk } from './run-fuzz.js';

const SEED = Number(process.env['FUZZ_SEED'] ?? 15);
const COUNT = Number(process.env['FUZZ_COUNT'] ?? 5_000);

test(`fuzz: ${COUNT} mutated MSIs, cabinets, DLLs, binding files and secrets files (seed ${SEED}) read or are refused with a typed error, under the memory ceiling, no hang`, async (t) => {
  t.timeout(170_000);
  // A hang never makes progress again: 30 s without a case done is one, even on a loaded two-core machine (15 s was
  // reached there by ordinary cases while eight other test workers ran).
  const result = await runFuzzChunk(SEED, COUNT, undefined, { stallMs: 30_000, timeoutMs: 160_000 });
  t.is(result.problem, undefined);
  const report = result.report!;
  t.is(report.cases, COUNT);
  t.deepEqual(report.failures, []);
  t.true(result.peakRssBytes < FUZZ_CEILING_BYTES);
  for (const kind of FUZZ_KINDS) {
    const stats = report.byKind[kind];
    // Both outcomes occur for every kind, or the mutations do not reach what the readers look at.
    t.true(stats.refused > stats.cases / 20, `${kind}: only ${stats.refused} of ${stats.cases} refused`);
    t.true(stats.read > 0 || kind === 'secrets', `${kind}: nothing read`);
  }
  t.log(`${report.cases} cases: ${FUZZ_KINDS.map((k) => `${k} ${report.byKind[k].read} read / ${report.byKind[k].refused} refused, slowest ${report.byKind[k].slowestMs.toFixed(0)} ms`).join('; ')}; peak ${Math.round(result.peakRssBytes / 2 ** 20)} MiB`);
  t.log(`refusals by code: ${JSON.stringify(report.codes)}`);
});
