// Test helpers for the cabinet reader: temp dirs, and the independent tools we compare against
// (cabextract from libmspack, gcab from GNOME). Never used by product code.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const libmspackCabFiles = join(repoRoot, '.cache', 'libmspack', 'test', 'test_files', 'cabd');

export function makeTempDir(prefix = 'cab-test-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface CabextractResult {
  exitCode: number;
  stderr: string;
  /** Extracted files by their path relative to the output directory, with `/` separators. */
  files: Map<string, Uint8Array>;
}

/** Runs `cabextract -d <temp> <cab>` and reads back every file it wrote. */
export function runCabextract(cabPath: string, timeoutMs = 20_000): CabextractResult {
  const out = makeTempDir('cabextract-');
  try {
    const run = spawnSync('cabextract', ['-q', '-d', out.path, cabPath], { encoding: 'utf8', timeout: timeoutMs });
    if (run.error) throw run.error;
    return { exitCode: run.status ?? -1, stderr: run.stderr, files: readTree(out.path) };
  } finally {
    out.remove();
  }
}

/** Reads every file under `root`. Names that are not valid UTF-8 (cabextract writes ANSI names as raw bytes) are read as Latin-1. */
export function readTree(root: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const decodeName = (raw: Buffer): string => {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      return raw.toString('latin1');
    }
  };
  const walk = (dir: Buffer, prefix: string): void => {
    for (const raw of readdirSync(dir, { encoding: 'buffer' })) {
      const full = Buffer.concat([dir, Buffer.from('/'), raw]);
      const name = prefix + decodeName(raw);
      if (statSync(full).isDirectory()) walk(full, `${name}/`);
      else files.set(name, new Uint8Array(readFileSync(full)));
    }
  };
  walk(Buffer.from(root), '');
  return files;
}

/** Builds a cabinet with `gcab -c` (stored) or `gcab -cz` (MSZIP) from the given files. */
export function gcabCreate(files: { name: string; bytes: Uint8Array }[], compress: boolean): Uint8Array {
  const work = makeTempDir('gcab-');
  try {
    const src = join(work.path, 'src');
    for (const file of files) {
      const path = join(src, file.name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.bytes);
    }
    const cab = join(work.path, 'out.cab');
    const args = [compress ? '-cz' : '-c', cab, ...files.map((file) => file.name)];
    const run = spawnSync('gcab', args, { cwd: src, encoding: 'utf8', timeout: 60_000 });
    if (run.error) throw run.error;
    if (run.status !== 0) throw new Error(`gcab failed (${run.status}): ${run.stderr}`);
    return new Uint8Array(readFileSync(cab));
  } finally {
    work.remove();
  }
}

/** cabextract's name for a cabinet entry: `\` becomes `/`. */
export function cabextractName(name: string): string {
  return name.split('\\').join('/');
}

/** A deterministic pseudo-random generator (mulberry32) so every test run sees the same data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Test data of a given flavour: text-like (compressible), random (not), or x86-like (many E8 bytes). */
export function sampleData(kind: 'text' | 'random' | 'x86' | 'zeros', length: number, seed: number): Uint8Array {
  const random = seededRandom(seed);
  const out = new Uint8Array(length);
  if (kind === 'zeros') return out;
  if (kind === 'random') {
    for (let i = 0; i < length; i++) out[i] = Math.floor(random() * 256);
    return out;
  }
  if (kind === 'text') {
    const words = ['BizTalk', 'Orchestration', 'SendPort', 'ReceiveLocation', 'Binding', 'the', 'and', 'Schema', 'Map', 'Pipeline', '<Property Name="', '"/>', '\r\n', '  '];
    let pos = 0;
    while (pos < length) {
      const word = words[Math.floor(random() * words.length)]! + (random() < 0.1 ? String(Math.floor(random() * 100000)) : '') + ' ';
      for (let i = 0; i < word.length && pos < length; i++) out[pos++] = word.charCodeAt(i) & 0xff;
    }
    return out;
  }
  // x86-like: instruction-ish bytes with frequent CALL rel32 (E8) whose targets cluster, as in real DLLs.
  let pos = 0;
  while (pos < length) {
    const r = random();
    if (r < 0.15 && pos + 5 <= length) {
      out[pos] = 0xe8;
      const target = Math.floor(random() * 4096) * 16 - pos;
      const rel = random() < 0.8 ? target : Math.floor(random() * 0xffffffff) | 0;
      out[pos + 1] = rel & 0xff;
      out[pos + 2] = (rel >>> 8) & 0xff;
      out[pos + 3] = (rel >>> 16) & 0xff;
      out[pos + 4] = (rel >>> 24) & 0xff;
      pos += 5;
    } else if (r < 0.5 && pos > 64) {
      const back = 1 + Math.floor(random() * Math.min(pos, 4000));
      const count = Math.min(3 + Math.floor(random() * 30), length - pos);
      for (let i = 0; i < count; i++, pos++) out[pos] = out[pos - back]!;
    } else {
      out[pos++] = [0x8b, 0x89, 0x55, 0xc3, 0x00, 0xff, 0x48, 0x0f][Math.floor(random() * 8)]!;
    }
  }
  return out;
}
