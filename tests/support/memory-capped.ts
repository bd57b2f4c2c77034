// Runs a node script (the built CLI, the fuzz worker) in a child whose JavaScript heap is capped and whose resident
// memory is watched: the child is killed the moment it grows past the ceiling (Linux: /proc) or stops making progress
// (no output line for `stallMs`), and its peak is reported on exit (everywhere).
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
  /** True when the child was killed for printing nothing for `stallMs` (or running past `timeoutMs`). */
  stalled: boolean;
}

export interface CappedOptions {
  ceilingBytes: number;
  heapMegabytes?: number;
  timeoutMs?: number;
  /** Kill the child when no line reaches stdout for this long. */
  stallMs?: number;
  /** Keep only the last this many stdout lines (a long fuzz run prints one per case). */
  keepLines?: number;
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

export async function runScriptCapped(script: string, args: string[], options: CappedOptions): Promise<CappedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`--max-old-space-size=${options.heapMegabytes ?? 256}`, '--import', probe, script, ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = options.keepLines ?? Number.POSITIVE_INFINITY;
    const outLines: string[] = [];
    let partial = '';
    let stderr = '';
    let watchedPeak = 0;
    let overCeiling = false;
    let stalled = false;
    let lastOutput = Date.now();
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      lastOutput = Date.now();
      const lines = (partial + d).split('\n');
      partial = lines.pop() ?? '';
      outLines.push(...lines);
      if (outLines.length > keep) outLines.splice(0, outLines.length - keep);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const watch = setInterval(() => {
      if (options.stallMs !== undefined && Date.now() - lastOutput > options.stallMs) {
        stalled = true;
        child.kill('SIGKILL');
      }
      const rss = child.pid === undefined ? undefined : residentBytes(child.pid);
      if (rss === undefined) return;
      watchedPeak = Math.max(watchedPeak, rss);
      if (rss > options.ceilingBytes) {
        overCeiling = true;
        child.kill('SIGKILL');
      }
    }, 20);
    const timer = setTimeout(() => {
      stalled = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(watch);
      clearTimeout(timer);
      if (partial !== '') outLines.push(partial);
      const parse = (lines: string[]): Record<string, unknown>[] => lines.filter((l) => l.trim().startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      const errLines = parse(stderr.split('\n'));
      const probeLine = errLines.find((l) => l['type'] === 'rss-probe');
      resolve({
        exitCode: code,
        signal,
        stdout: outLines.join('\n'),
        stderr,
        out: parse(outLines),
        err: errLines.filter((l) => l !== probeLine),
        peakRssBytes: Math.max(watchedPeak, Number(probeLine?.['maxRssBytes'] ?? 0)),
        overCeiling,
        stalled,
      });
    });
  });
}

/** The built CLI, capped and watched. */
export function runCliCapped(args: string[], options: CappedOptions): Promise<CappedRun> {
  return runScriptCapped(cliPath, args, options);
}
