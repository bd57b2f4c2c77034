// The fuzz run itself, in a child of its own (spawned capped and watched by tests/fuzz/run-fuzz.ts and the suite's
// fuzz test): one NDJSON line per case before it runs (so a hang names its case), then the report.
//   node dist/tests/fuzz/fuzz-worker.js --seed 1 --count 5000 [--kinds msi,dll]
import { FUZZ_KINDS, fuzzCounts, runFuzz, type FuzzKind } from '../support/fuzz.js';

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? undefined : process.argv[index + 1];
}

const seed = Number(argument('seed') ?? 1);
const count = Number(argument('count') ?? 5000);
const kinds = argument('kinds')?.split(',').map((k) => k.trim()) as FuzzKind[] | undefined;
if (!Number.isInteger(seed) || !Number.isInteger(count) || count < 0 || (kinds !== undefined && kinds.some((k) => !FUZZ_KINDS.includes(k)))) {
  process.stderr.write(`usage: fuzz-worker --seed <integer> --count <cases> [--kinds ${FUZZ_KINDS.join(',')}]\n`);
  process.exitCode = 2;
} else {
  const report = await runFuzz({
    seed,
    counts: fuzzCounts(count, kinds),
    onCase: (kind, label) => process.stdout.write(`${JSON.stringify({ type: 'case', kind, label })}\n`),
  });
  process.stdout.write(`${JSON.stringify({ type: 'report', ...report })}\n`);
  process.exitCode = report.failures.length === 0 ? 0 : 1;
}
