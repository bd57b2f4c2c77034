// Test helpers for the MSI work: run the independent tools (msitools' msiinfo/msiextract, cabextract) in
// temp dirs and read back what they produce. Never used by product code.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';

export interface TempDir {
  path: string;
  remove: () => void;
}

export function makeTempDir(prefix = 'msi-test-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Writes `bytes` to a temp file, runs `use(path)`, removes the file. */
export function withTempFile<T>(bytes: Uint8Array, name: string, use: (path: string) => T): T {
  const dir = makeTempDir();
  try {
    const path = join(dir.path, name);
    writeFileSync(path, bytes);
    return use(path);
  } finally {
    dir.remove();
  }
}

interface ToolRun {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
}

function run(tool: string, args: string[], cwd?: string): ToolRun {
  const result = spawnSync(tool, args, { timeout: 30_000, maxBuffer: 256 * 1024 * 1024, ...(cwd === undefined ? {} : { cwd }) });
  if (result.error) throw result.error;
  return { exitCode: result.status ?? -1, stdout: result.stdout, stderr: result.stderr.toString('utf8') };
}

function checked(tool: string, args: string[], cwd?: string): Buffer {
  const result = run(tool, args, cwd);
  if (result.exitCode !== 0) throw new Error(`${tool} ${args.join(' ')} exited ${result.exitCode}: ${result.stderr}`);
  return result.stdout;
}

/**
 * `msiinfo suminfo`: "Key: value" lines. msiinfo prints summary strings as the raw bytes of the
 * package's codepage, so `codepage` says how to decode them (1252 or 65001).
 */
export function msiinfoSuminfo(msiPath: string, codepage = 1252): Map<string, string> {
  const raw = checked('msiinfo', ['suminfo', msiPath]);
  const text = new TextDecoder(codepage === 65001 ? 'utf-8' : 'windows-1252').decode(raw);
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(': ');
    if (colon > 0) out.set(line.slice(0, colon), line.slice(colon + 2));
  }
  return out;
}

export function msiinfoTables(msiPath: string): string[] {
  return checked('msiinfo', ['tables', msiPath]).toString('utf8').split(/\r?\n/).filter((l) => l !== '');
}

export function msiinfoStreams(msiPath: string): string[] {
  return checked('msiinfo', ['streams', msiPath]).toString('utf8').split(/\r?\n/).filter((l) => l !== '');
}

export function msiinfoExtractStream(msiPath: string, stream: string): Buffer {
  return checked('msiinfo', ['extract', msiPath, stream]);
}

export interface ExportedTable {
  columns: string[];
  types: string[];
  keys: string[];
  rows: string[][];
}

/**
 * `msiinfo export <msi> <table>`: the table's raw .idt bytes. Run in a temp folder: for a table with a stream column
 * msiinfo writes the streams' files (Binary/Binary.<name>) under its working directory.
 */
export function msiinfoExportRaw(msiPath: string, table: string): Buffer {
  const cwd = makeTempDir('msiinfo-export-');
  try {
    return checked('msiinfo', ['export', resolve(msiPath), table], cwd.path);
  } finally {
    cwd.remove();
  }
}

/** `msiinfo export <msi> <table>`: the .idt text (names, types, table+keys, then rows). */
export function msiinfoExport(msiPath: string, table: string): ExportedTable {
  return parseIdt(msiinfoExportRaw(msiPath, table).toString('utf8'));
}

/** `msidump -t`: every table's .idt text in one run (faster than one `msiinfo export` per table). */
export function msidumpTables(msiPath: string): Map<string, ExportedTable> {
  const out = makeTempDir('msidump-');
  try {
    // msidump writes a stream column's files (Binary/Binary.<name>) under the working directory, not under -d.
    checked('msidump', ['-t', '-d', out.path, msiPath], out.path);
    const tables = new Map<string, ExportedTable>();
    for (const file of readdirSync(out.path)) {
      if (!file.endsWith('.idt')) continue;
      tables.set(file.slice(0, -4), parseIdt(readFileSync(join(out.path, file)).toString('utf8')));
    }
    return tables;
  } finally {
    out.remove();
  }
}

function parseIdt(text: string): ExportedTable {
  const lines = text.split('\r\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const [names, types, header, ...rows] = lines;
  return {
    columns: (names ?? '').split('\t'),
    types: (types ?? '').split('\t'),
    keys: (header ?? '').split('\t').slice(1),
    rows: rows.map((row) => row.split('\t')),
  };
}

/** Runs `msiextract -C <temp> <msi>`; returns every extracted file by its path relative to the output dir. */
export function msiextract(msiPath: string): { exitCode: number; stderr: string; files: Map<string, Uint8Array> } {
  const out = makeTempDir('msiextract-');
  try {
    const result = run('msiextract', ['-C', out.path, msiPath]);
    return { exitCode: result.exitCode, stderr: result.stderr, files: readTree(out.path) };
  } finally {
    out.remove();
  }
}

/** Runs `cabextract -d <temp>` on the bytes; returns the files by path (`/` separators). */
export function cabextract(bytes: Uint8Array): { exitCode: number; stderr: string; files: Map<string, Uint8Array> } {
  const dir = makeTempDir('cabextract-');
  try {
    const cab = join(dir.path, 'in.cab');
    writeFileSync(cab, bytes);
    const outDir = join(dir.path, 'out');
    const result = run('cabextract', ['-q', '-d', outDir, cab]);
    return { exitCode: result.exitCode, stderr: result.stderr, files: readTree(outDir) };
  } finally {
    dir.remove();
  }
}

export function readTree(root: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(root, path).split(sep).join('/'), new Uint8Array(readFileSync(path)));
    }
  };
  walk(root);
  return files;
}

/** Deterministic pseudo-random bytes (mulberry32), so tests can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Compressible but not trivial sample bytes: text-like for `text`, random-ish for `random`. */
export function sampleBytes(kind: 'text' | 'random', length: number, seed: number): Uint8Array {
  const random = seededRandom(seed);
  const out = new Uint8Array(length);
  if (kind === 'random') {
    for (let i = 0; i < length; i++) out[i] = Math.floor(random() * 256);
    return out;
  }
  const words = ['<Port ', 'Name="', 'Orders', '" />', '\r\n', 'Receive', 'Send', 'Location', 'Address', ' '];
  let at = 0;
  while (at < length) {
    const word = words[Math.floor(random() * words.length)]!;
    for (let i = 0; i < word.length && at < length; i++) out[at++] = word.charCodeAt(i);
  }
  return out;
}
