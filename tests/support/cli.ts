import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFsStore } from '../../src/adapters/store/fs-store.js';
import { readManifest } from '../../src/usecases/set-manifests.js';

/** The repository root, from dist/tests/support/. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const cliPath = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Parsed NDJSON lines of stdout then stderr (only when --json was passed). */
  out: Record<string, unknown>[];
  err: Record<string, unknown>[];
}

/** Spawns the built CLI like a user (or the PowerShell module) does. */
export async function runCli(args: string[], options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: options.cwd ?? repoRoot, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const parse = (text: string): Record<string, unknown>[] =>
        args.includes('--json') ? text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>) : [];
      resolve({ exitCode: code ?? -1, stdout, stderr, out: parse(stdout), err: parse(stderr) });
    });
  });
}

export async function withTempDir<T>(prefix: string, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `btsbackup-test-${prefix}-`));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const madeDirs: string[] = [];
process.once('exit', () => {
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});

/** A temp folder removed when the test worker exits. */
export async function makeTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `btsbackup-test-${prefix}-`));
  madeDirs.push(dir);
  return dir;
}

/** Every file below `dir` (absolute paths), for tests that scan what a run left on disk. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** Flips one bit of the object holding a set's first artifact (the store keeps it read-only): a damage verify must find. */
export async function damageFirstArtifact(store: string, setId: string): Promise<string> {
  const manifest = await readManifest(createFsStore(store), setId);
  const sha = manifest.applications[0]!.artifacts[0]!.sha256;
  const object = path.join(store, 'objects', sha.slice(0, 2), sha);
  const bytes = await readFile(object);
  bytes[10]! ^= 0x01;
  await chmod(object, 0o644);
  await writeFile(object, bytes);
  return object;
}
