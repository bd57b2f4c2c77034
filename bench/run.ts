// `npm run bench`: every benchmark in one run, one table on stdout, and bench/results.json.
// Sizes shrink with BENCH_APPS / BENCH_NIGHTS / BENCH_CHANGE_PERCENT (nightly), BENCH_CORE_APPS (core), BENCH_STORE_MB (store),
// BENCH_LIST_SETS / BENCH_LIST_APPS (listshow), and BENCH_ONLY=nightly,core,cab,lzx,store,coldstart,listshow picks some (BENCH_LZX_MB sizes lzx).
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchCabDecode } from './cab-decode.js';
import { benchColdStart } from './cold-start.js';
import { benchCoreCost } from './core-cost.js';
import { benchLzxEncode } from './lzx-encode.js';
import { benchListShow } from './list-show.js';
import { benchNightly } from './nightly.js';
import { benchStorePut } from './store-put.js';

interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const benches: [string, () => Promise<BenchResult[]>][] = [
  ['core', benchCoreCost],
  ['nightly', benchNightly],
  ['cab', benchCabDecode],
  ['lzx', benchLzxEncode],
  ['store', benchStorePut],
  ['coldstart', benchColdStart],
  ['listshow', benchListShow],
];

const only = (process.env['BENCH_ONLY'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
const results: (BenchResult & { bench: string })[] = [];
const timings: Record<string, number> = {};
for (const [name, run] of benches) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stderr.write(`bench ${name} ...\n`);
  const started = performance.now();
  try {
    for (const result of await run()) results.push({ bench: name, ...result });
  } catch (error) {
    // A bench that cannot run here (cabextract missing, say) is reported, and the others still run.
    results.push({ bench: name, name: `${name} FAILED`, value: Number.NaN, unit: '', note: error instanceof Error ? error.message : String(error) });
    process.exitCode = 1;
  }
  timings[name] = Math.round((performance.now() - started) / 100) / 10;
}

const format = (value: number): string => (Number.isNaN(value) ? 'n/a' : Number.isInteger(value) ? String(value) : value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2));
const rows = results.map((r) => [r.name, format(r.value), r.unit, r.note ?? '']);
const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length), ['Benchmark', 'Value', 'Unit'][i]!.length));
const line = (cells: string[]): string => cells.map((cell, i) => (i === 1 ? cell.padStart(widths[i]!) : i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  ').trimEnd();
process.stdout.write(`${[line(['Benchmark', 'Value', 'Unit', 'Note']), line(widths.map((w) => '-'.repeat(w)).concat('----')), ...rows.map(line)].join('\n')}\n`);

const machine = { node: process.version, platform: `${process.platform} ${os.arch()}`, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(os.totalmem() / 1024 ** 3) };
const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results.json');
await writeFile(file, `${JSON.stringify({ ranAt: new Date().toISOString(), machine, secondsPerBench: timings, results }, null, 2)}\n`);
process.stderr.write(`wrote ${file}\n`);
