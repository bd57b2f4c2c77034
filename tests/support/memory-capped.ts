// Runs the built CLI in a child whose JavaScript heap is capped and whose resident memory is watched: the child is
// killed the moment it grows past the ceiling (Linux: /proc), and its peak is reported on exit (everywhere).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cliPath, repoRoot } from './cli.js';

export interface CappedRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** NDJSON lines of stdout and stderr (the probe's line left out). */
  out: Record<string, unknown>[];
  err: Record<string, unknown>[];
  /** Peak resident set size in bytes (the probe's figure, or the watcher's when the child was killed). */
  peakRssBytes: number;
  /** True when the watcher killed the child for growing past the ceiling. */
  overCeiling: boolean;
}

const probe = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), 'rss-probe.js')).href;

function residentBytes(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

export async function runCliCapped(args: string[], options: { ceilingBytes: number; heapMegabytes?: number; timeoutMs?: number }): Promise<CappedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${options.heapMegabytes ?? 256}`, '--import', probe, cliPath, ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let watchedPeak = 0;
    let overCeiling = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const watch = setInterval(() => {
      const rss = child.pid === undefined ? undefined : residentBytes(child.pid);
      if (rss === undefined) return;
      watchedPeak = Math.max(watchedPeak, rss);
      if (rss > options.ceilingBytes) {
        overCeiling = true;
        child.kill('SIGKILL');
      }
    }, 20);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(watch);
      clearTimeout(timer);
      const parse = (text: string): Record<string, unknown>[] =>
        text.split('\n').filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      const errLines = parse(stderr);
      const probeLine = errLines.find((l) => l['type'] === 'rss-probe');
      resolve({
        exitCode: code,
        signal,
        stdout,
        stderr,
        out: parse(stdout),
        err: errLines.filter((l) => l !== probeLine),
        peakRssBytes: Math.max(watchedPeak, Number(probeLine?.['maxRssBytes'] ?? 0)),
        overCeiling,
      });
    });
  });
}
