// `npm run fuzz -- [--seed 1] [--count 100000] [--chunk 5000] [--kinds msi,cabinet,dll,bindings,secrets]`
// The long fuzz run: chunks of cases, each in a worker whose heap is capped and whose memory is watched, killed when
// it grows past the ceiling or stalls. Chunk i uses seed + i; a failure prints the command that replays its case.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FUZZ_KINDS, type FuzzReport } from '../support/fuzz.js';
import { runScriptCapped } from '../support/memory-capped.js';

export const FUZZ_CEILING_BYTES = 768 * 1024 * 1024;
export const FUZZ_WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fuzz-worker.js');

export interface FuzzChunkResult {
  report?: FuzzReport;
  /** What went wrong with the worker itself: over the ceiling, a hang (naming the last case started), a crash. */
  problem?: string;
  peakRssBytes: number;
}

/** One chunk in a capped, watched worker. */
export async function runFuzzChunk(seed: number, count: number, kinds: string | undefined, options: { stallMs?: number; timeoutMs?: number } = {}): Promise<FuzzChunkResult> {
  const run = await runScriptCapped(FUZZ_WORKER, ['--seed', String(seed), '--count', String(count), ...(kinds === undefined ? [] : ['--kinds', kinds])], {
    ceilingBytes: FUZZ_CEILING_BYTES,
    heapMegabytes: 512,
    stallMs: options.stallMs ?? 20_000,
    timeoutMs: options.timeoutMs ?? 30 * 60_000,
    keepLines: 4,
  });
  const report = run.out.find((l) => l['type'] === 'report') as FuzzReport | undefined;
  const lastCase = [...run.out].reverse().find((l) => l['type'] === 'case')?.['label'];
  let problem: string | undefined;
  if (run.overCeiling) problem = `grew past ${FUZZ_CEILING_BYTES} bytes during ${String(lastCase)}`;
  else if (run.stalled) problem = `stalled (hang) during ${String(lastCase)}`;
  else if (report === undefined) problem = `the worker ended (exit ${run.exitCode}, signal ${run.signal}) without a report during ${String(lastCase)}: ${run.stderr.slice(0, 1000)}`;
  return { ...(report === undefined ? {} : { report }), ...(problem === undefined ? {} : { problem }), peakRssBytes: run.peakRssBytes };
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? undefined : process.argv[index + 1];
}

async function main(): Promise<number> {
  const seed = Number(argument('seed') ?? 1);
  const total = Number(argument('count') ?? 100_000);
  const chunk = Number(argument('chunk') ?? 5_000);
  const kinds = argument('kinds');
  if (![seed, total, chunk].every(Number.isInteger) || chunk <= 0) {
    process.stderr.write(`usage: npm run fuzz -- [--seed 1] [--count 100000] [--chunk 5000] [--kinds ${FUZZ_KINDS.join(',')}]\n`);
    return 2;
  }
  const started = Date.now();
  let cases = 0;
  let failed = 0;
  let peak = 0;
  const codes: Record<string, number> = {};
  for (let index = 0; cases < total; index++) {
    const size = Math.min(chunk, total - cases);
    const chunkSeed = seed + index;
    const result = await runFuzzChunk(chunkSeed, size, kinds);
    peak = Math.max(peak, result.peakRssBytes);
    cases += size;
    const replay = `node dist/tests/fuzz/fuzz-worker.js --seed ${chunkSeed} --count ${size}${kinds === undefined ? '' : ` --kinds ${kinds}`}`;
    if (result.problem !== undefined) {
      failed++;
      process.stdout.write(`chunk seed ${chunkSeed}: ${result.problem}\n  replay: ${replay}\n`);
    }
    for (const failure of result.report?.failures ?? []) {
      failed++;
      process.stdout.write(`FAIL ${failure.label}: ${failure.problem}\n  replay: ${replay}\n`);
    }
    for (const [code, n] of Object.entries(result.report?.codes ?? {})) codes[code] = (codes[code] ?? 0) + n;
    const slowest = Math.max(0, ...Object.values(result.report?.byKind ?? {}).map((k) => k.slowestMs));
    process.stdout.write(`${cases}/${total} cases, seed ${chunkSeed}: slowest case ${slowest.toFixed(0)} ms, peak memory ${Math.round(result.peakRssBytes / 2 ** 20)} MiB\n`);
  }
  process.stdout.write(`${cases} cases in ${Math.round((Date.now() - started) / 1000)} s, ${failed} failure(s), peak memory ${Math.round(peak / 2 ** 20)} MiB; refusals by code: ${JSON.stringify(codes)}\n`);
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await main();
