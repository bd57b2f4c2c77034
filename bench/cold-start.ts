// Cold start as a PowerShell user feels it (issue 12): the time from `Get-BtsAppInventory -Simulator` to its first
// object, with the bundled core (core/main.js, what build.ps1 assembles and the package ships) against the compiled
// dist/ tree of a checkout (hundreds of ES modules, node_modules resolved at load). Each variant runs in its own
// fresh pwsh: the first call (includes finding node and checking its version), then BENCH_COLD_RUNS more calls (each
// a fresh node process: what bundling changes), median reported.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

const run = promisify(execFile);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function findPwsh(): string {
  const candidates = [process.env['PWSH'], path.join(repoRoot, '.tools', 'pwsh', process.platform === 'win32' ? 'pwsh.exe' : 'pwsh')];
  return candidates.find((c): c is string => c !== undefined && c !== '' && existsSync(c)) ?? 'pwsh';
}

const quote = (value: string): string => `'${value.replace(/'/g, "''")}'`;

async function measure(pwsh: string, manifest: string, runs: number): Promise<{ first: number; median: number; core: string }> {
  const script = [
    "$ErrorActionPreference = 'Stop'; $ProgressPreference = 'SilentlyContinue'",
    `Import-Module ${quote(manifest)}`,
    '$times = @()',
    `for ($i = 0; $i -le ${runs}; $i++) {`,
    '  $first = $null',
    '  $watch = [System.Diagnostics.Stopwatch]::StartNew()',
    '  Get-BtsAppInventory -Simulator | ForEach-Object { if ($null -eq $first) { $first = $watch.Elapsed.TotalMilliseconds } }',
    '  $times += $first',
    '}',
    "'{0}|{1}' -f (& (Get-Module BizTalkBackup) { $script:CoreScript }), ($times -join ',')",
  ].join('\n');
  const { stdout } = await run(pwsh, ['-NoProfile', '-NonInteractive', '-Command', script], { timeout: 300_000, env: { ...process.env, POWERSHELL_TELEMETRY_OPTOUT: '1' } });
  const [core, list] = stdout.trim().split('\n').pop()!.split('|');
  const times = list!.split(',').map(Number);
  const rest = times.slice(1).sort((a, b) => a - b);
  return { first: times[0]!, median: rest[Math.floor(rest.length / 2)]!, core: core! };
}

/** node alone: from spawning `node <core> inventory --simulator --json` to its first result line (ms). */
function nodeToFirstResult(core: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [core, 'inventory', '--simulator', '--json'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let seen: number | undefined;
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (seen === undefined && text.includes('"type":"result"')) seen = performance.now() - started;
    });
    child.on('error', reject);
    child.on('close', () => (seen === undefined ? reject(new Error(`${core} wrote no result`)) : resolve(seen)));
  });
}

async function medianOf(runs: number, fn: () => Promise<number>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await fn());
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

export async function benchColdStart(): Promise<BenchResult[]> {
  const pwsh = findPwsh();
  const runs = Number(process.env['BENCH_COLD_RUNS'] ?? 7);
  const out = await mkdtemp(path.join(tmpdir(), 'btsbackup-bench-cold-'));
  try {
    await run(pwsh, ['-NoProfile', '-NonInteractive', '-File', path.join(repoRoot, 'build.ps1'), '-SkipCompile', '-SkipSmokeTest', '-OutputPath', out], { cwd: repoRoot, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
    const results: BenchResult[] = [];
    for (const [label, manifest] of [
      ['bundled core (core/main.js)', path.join(out, 'BizTalkBackup', 'BizTalkBackup.psd1')],
      ['dist/ tree (dist/src/cli/main.js)', path.join(repoRoot, 'BizTalkBackup.psd1')],
    ] as const) {
      const m = await measure(pwsh, manifest, runs);
      const expected = label.startsWith('bundled') ? path.join('core', 'main.js') : path.join('dist', 'src', 'cli', 'main.js');
      if (!m.core.endsWith(expected)) throw new Error(`${label}: the module ran ${m.core}`);
      results.push({ name: `cold start, ${label}: first object, first call`, value: Math.round(m.first), unit: 'ms', note: 'fresh pwsh: includes finding node (node --version)' });
      results.push({ name: `cold start, ${label}: first object, later calls`, value: Math.round(m.median), unit: 'ms', note: `median of ${runs}, each a fresh node process` });
      const node = await medianOf(runs, () => nodeToFirstResult(m.core));
      results.push({ name: `cold start, ${label}: node alone, first result line`, value: Math.round(node), unit: 'ms', note: `median of ${runs}, without PowerShell` });
    }
    return results;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
