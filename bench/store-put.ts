import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFsStore } from '../src/adapters/store/fs-store.js';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const MB = 1024 * 1024;

/** Streams `size` bytes of distinct pseudo-random data into `path` (never holds the file in memory). */
async function generateFile(path: string, size: number, seed: string): Promise<void> {
  const out = createWriteStream(path);
  const chunk = Buffer.alloc(MB);
  let block = createHash('sha512').update(seed).digest();
  for (let written = 0; written < size; written += chunk.length) {
    for (let offset = 0; offset < chunk.length; offset += block.length) {
      block.copy(chunk, offset);
      block = createHash('sha512').update(block).digest();
    }
    if (!out.write(Buffer.from(chunk.subarray(0, Math.min(chunk.length, size - written))))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/**
 * putFile throughput (MB/s) and peak RSS while storing ~2 GB in 8 files (BENCH_STORE_MB overrides the total).
 * "new" includes the full write protocol: write, fsync, rename, directory fsync, re-read and re-hash.
 */
export async function benchStorePut(): Promise<BenchResult[]> {
  const totalMb = Number(process.env['BENCH_STORE_MB'] ?? 2048);
  const files = 8;
  const fileSize = Math.max(1, Math.floor((totalMb * MB) / files));
  const base = await mkdtemp(join(tmpdir(), 'bts-bench-store-'));
  try {
    const sources: string[] = [];
    for (let i = 0; i < files; i += 1) {
      const path = join(base, `source-${i}.msi`);
      await generateFile(path, fileSize, `bench-${i}-${Date.now()}`);
      sources.push(path);
    }
    const store = createFsStore(join(base, 'store'));
    await store.init();
    const baselineRss = process.memoryUsage.rss();
    let peakRss = baselineRss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 10);
    const timed = async (): Promise<number> => {
      const started = process.hrtime.bigint();
      for (const source of sources) await store.putFile(source);
      return Number(process.hrtime.bigint() - started) / 1e9;
    };
    const newSeconds = await timed();
    const reusedSeconds = await timed();
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    const totalBytesMb = (fileSize * files) / MB;
    const round = (value: number): number => Math.round(value * 10) / 10;
    return [
      { name: 'store.putFile.new', value: round(totalBytesMb / newSeconds), unit: 'MB/s', note: `${files} files, ${round(totalBytesMb)} MB, write+fsync+rename+re-hash` },
      { name: 'store.putFile.reused', value: round(totalBytesMb / reusedSeconds), unit: 'MB/s', note: 'same files again: hashed, nothing kept' },
      { name: 'store.putFile.peakRss', value: round(peakRss / MB), unit: 'MB', note: `baseline ${round(baselineRss / MB)} MB before the puts; files of ${round(fileSize / MB)} MB` },
    ];
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const result of await benchStorePut()) process.stdout.write(`${JSON.stringify(result)}\n`);
}
