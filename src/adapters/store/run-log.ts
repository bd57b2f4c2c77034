import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { parseRunRecord, type RunRecord } from '../../core/run-record.js';
import { StoreLayout } from './store-layout.js';

/** A year's file is rotated at this size (runs-2026.jsonl -> runs-2026.1.jsonl ...); a record is ~400 bytes. */
export const RUN_LOG_MAX_BYTES = 4 * 1024 * 1024;
/** Rotated parts kept per year beside the live file; older parts are deleted, so a year's log stays bounded. */
export const RUN_LOG_MAX_PARTS = 4;

const FILE = /^runs-(\d{4})(?:\.(\d{1,3}))?\.jsonl$/;

export interface RunLogOptions {
  maxBytes?: number;
  maxParts?: number;
}

/**
 * Appends one record to `<store>/logs/runs-<yyyy>.jsonl` (the year of the run's end) in a single append of one whole
 * line (O_APPEND), so concurrent readers and a crash see whole lines or a torn last line that the reader skips.
 */
export async function appendRunRecord(storeRoot: string, record: RunRecord, options: RunLogOptions = {}): Promise<string> {
  const dir = new StoreLayout(storeRoot).logsDir;
  await fs.mkdir(dir, { recursive: true });
  const year = record.end.slice(0, 4);
  const file = join(dir, `runs-${year}.jsonl`);
  let line = `${JSON.stringify(record)}\n`;
  const size = await fs.stat(file).then((s) => s.size, () => 0);
  if (size > 0 && size + line.length > (options.maxBytes ?? RUN_LOG_MAX_BYTES)) {
    await rotate(dir, year, options.maxParts ?? RUN_LOG_MAX_PARTS);
  } else if (size > 0 && !(await endsWithNewline(file, size))) {
    // A run that died mid-append left a torn line: start this record on a line of its own so it is not lost with it.
    line = `\n${line}`;
  }
  await fs.appendFile(file, line, { encoding: 'utf8', flag: 'a' });
  return file;
}

async function endsWithNewline(file: string, size: number): Promise<boolean> {
  const handle = await fs.open(file, 'r');
  try {
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    await handle.close();
  }
}

/** runs-Y.jsonl becomes runs-Y.1.jsonl, .1 becomes .2 ...; the part beyond maxParts is deleted. */
async function rotate(dir: string, year: string, maxParts: number): Promise<void> {
  const part = (n: number): string => join(dir, n === 0 ? `runs-${year}.jsonl` : `runs-${year}.${n}.jsonl`);
  await fs.rm(part(maxParts), { force: true });
  for (let n = maxParts - 1; n >= 0; n--) {
    await fs.rename(part(n), part(n + 1)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
  if (maxParts === 0) await fs.rm(part(1), { force: true });
}

/** Every record of every run-log file of the store (rotated parts included), in file order; bad lines skipped. */
export async function readRunLog(storeRoot: string): Promise<RunRecord[]> {
  const dir = new StoreLayout(storeRoot).logsDir;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files = names
    .map((name) => ({ name, match: FILE.exec(name) }))
    .filter((f): f is { name: string; match: RegExpExecArray } => f.match !== null)
    // Oldest first: by year, then the highest rotated part first, the live file last.
    .sort((a, b) => Number(a.match[1]) - Number(b.match[1]) || Number(b.match[2] ?? 0) - Number(a.match[2] ?? 0));
  const records: RunRecord[] = [];
  for (const file of files) {
    const text = await fs.readFile(join(dir, file.name), 'utf8');
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const record = parseRunRecord(line);
      if (record !== undefined) records.push(record);
    }
  }
  return records;
}
