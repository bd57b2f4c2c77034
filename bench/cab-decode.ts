// Cabinet decode throughput (MB/s of uncompressed output): our pure-TypeScript reader against cabextract
// (libmspack, C) on the same files in the same run. Run: `node dist/bench/cab-decode.js`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readCabinet } from '../src/formats/cab/cab-reader.js';
import { buildCabinet, filesInFolder } from '../tests/support/cab-builder.js';
import { gcabCreate, sampleData } from '../tests/support/cab-oracle.js';
import { lzxCompress } from '../src/formats/lzx/lzx-encoder.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const REPETITIONS = 5;

function bestOf(repetitions: number, run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < repetitions; i++) {
    const started = process.hrtime.bigint();
    run();
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
  }
  return best;
}

export async function benchCabDecode(): Promise<BenchResult[]> {
  const scratchRoot = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const scratch = mkdtempSync(join(scratchRoot, 'cab-bench-'));
  try {
    const files = [
      { name: 'BizTalkAssembly\\Orders.dll', bytes: sampleData('x86', 4_000_000, 1) },
      { name: 'BizTalkBinding\\BindingInfo.xml', bytes: sampleData('text', 3_000_000, 2) },
      { name: 'Resources\\blob.bin', bytes: sampleData('random', 1_000_000, 3) },
    ];
    const { layout, data } = filesInFolder(files, 0);
    const megabytes = data.length / 1e6;
    const lzx = lzxCompress(data, {
      windowBits: 21,
      e8TranslationSize: 12_000_000,
      blockPlan: [{ type: 'verbatim', size: 1 << 20 }, { type: 'aligned', size: 1 << 20 }],
      chainDepth: 8,
    });
    const cabinets = [
      { name: 'lzx', bytes: buildCabinet({ folders: [{ compressionType: lzx.compressionType, blocks: lzx.blocks }], files: layout }) },
      { name: 'mszip', bytes: gcabCreate(files, true) },
      { name: 'stored', bytes: gcabCreate(files, false) },
    ];
    const results: BenchResult[] = [];
    for (const cabinet of cabinets) {
      const path = join(scratch, `${cabinet.name}.cab`);
      writeFileSync(path, cabinet.bytes);
      const entries = readCabinet(cabinet.bytes);
      if (entries.length !== files.length) throw new Error(`${cabinet.name}: read ${entries.length} files`);
      const ours = bestOf(REPETITIONS, () => readCabinet(cabinet.bytes));
      const out = join(scratch, `${cabinet.name}-out`);
      const theirs = bestOf(REPETITIONS, () => {
        rmSync(out, { recursive: true, force: true });
        const run = spawnSync('cabextract', ['-q', '-d', out, path]);
        if (run.status !== 0) throw new Error(`cabextract failed on ${cabinet.name}: ${run.stderr.toString()}`);
      });
      const note = `${megabytes.toFixed(1)} MB in ${(cabinet.bytes.length / 1e6).toFixed(1)} MB cabinet, best of ${REPETITIONS}`;
      results.push({ name: `cab ${cabinet.name} decode (ours)`, value: megabytes / ours, unit: 'MB/s', note });
      results.push({ name: `cab ${cabinet.name} decode (cabextract, to ${scratchRoot})`, value: megabytes / theirs, unit: 'MB/s', note: 'includes process start and file writes' });
      results.push({ name: `cab ${cabinet.name} ours/cabextract`, value: theirs / ours, unit: 'x' });
    }
    return results;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await benchCabDecode();
  const width = Math.max(...results.map((result) => result.name.length));
  for (const result of results) {
    console.log(`${result.name.padEnd(width)}  ${result.value.toFixed(2).padStart(9)} ${result.unit.padEnd(4)} ${result.note ?? ''}`);
  }
}
