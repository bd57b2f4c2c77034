/**
 * Drives the real BizTalkBackup module in a real PowerShell 7 through node-powershell: one long-lived pwsh per test
 * file, the module imported once, and each cmdlet run in a fresh nested PowerShell (Invoke-Captured) whose output
 * objects, ErrorRecords, warnings, verbose and progress records come back as JSON.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PowerShell } from 'node-powershell';

/** The repository root (= the module root in a checkout). This file runs as dist/tests/support/pwsh.js. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const manifestPath = path.join(repoRoot, 'BizTalkBackup.psd1');
export const psFixtures = path.join(repoRoot, 'tests', 'ps', 'fixtures');
export const coreCli = path.join(repoRoot, 'dist', 'src', 'cli', 'main.js');

/** pwsh from $PWSH, the repository's .NET tool install (tests/setup/40-pwsh.sh), or PATH; undefined when none. */
export function findPwsh(): string | undefined {
  const exe = process.platform === 'win32' ? 'pwsh.exe' : 'pwsh';
  const candidates = [process.env['PWSH'], path.join(repoRoot, '.tools', 'pwsh', exe)];
  for (const candidate of candidates) {
    if (candidate !== undefined && candidate !== '' && existsSync(candidate)) return candidate;
  }
  const probe = spawnSync(exe, ['-NoProfile', '-NonInteractive', '-Command', '$PSVersionTable.PSVersion.Major'], { encoding: 'utf8' });
  return probe.status === 0 ? exe : undefined;
}

/** Whether the built core CLI knows a command (its --help lists `btsbackup <command>`). */
export function coreHas(command: string): boolean {
  if (!existsSync(coreCli)) return false;
  const help = spawnSync(process.execPath, [coreCli, '--help'], { encoding: 'utf8' });
  return new RegExp(`btsbackup ${command}\\b`).test(`${help.stdout}${help.stderr}`);
}

/** A string as a PowerShell single-quoted literal. */
export function psQuote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export interface CapturedObject {
  TypeNames: string[];
  Properties: Record<string, unknown>;
}

export interface CapturedError {
  Id: string;
  Category: string;
  Target: unknown;
  Message: string;
  Hint: string | null;
  Command: string | null;
}

export interface CapturedProgress {
  ActivityId: number;
  Activity: string;
  Status: string;
  Percent: number;
  RecordType: 'Processing' | 'Completed';
}

export interface Captured {
  Output: CapturedObject[];
  Errors: CapturedError[];
  /** The terminating error, when the command threw one. */
  Terminating: CapturedError | null;
  Warnings: string[];
  Verbose: string[];
  Progress: CapturedProgress[];
}

const begin = '<<<BTS-JSON';
const end = 'BTS-JSON>>>';

export class PwshSession {
  private constructor(private readonly shell: PowerShell) {}

  static async start(pwsh: string): Promise<PwshSession> {
    const shell = new PowerShell({
      executable: pwsh,
      executableOptions: { '-NoProfile': true },
      invocationTimeout: 110_000,
      throwOnInvocationError: false,
      spawnOptions: { env: { ...process.env, POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off', NO_COLOR: '1' } },
    });
    const session = new PwshSession(shell);
    await session.run(
      [
        "$ErrorActionPreference = 'Stop'",
        "$ProgressPreference = 'SilentlyContinue'",
        'if ($PSStyle) { $PSStyle.OutputRendering = "PlainText" }',
        `. ${psQuote(path.join(psFixtures, 'Invoke-Captured.ps1'))}`,
        `Initialize-Captured -ManifestPath ${psQuote(manifestPath)}`,
        `Import-Module ${psQuote(manifestPath)}`,
      ].join('\n'),
    );
    return session;
  }

  /**
   * Runs a script in the session's global scope and returns what it printed on stdout (host output included: What if
   * lines). The script travels as one base64 line, because pwsh reading commands from stdin treats each line apart.
   */
  async run(script: string): Promise<string> {
    const encoded = Buffer.from(script, 'utf8').toString('base64');
    const result = await this.shell.invoke(
      `. ([scriptblock]::Create([System.Text.Encoding]::UTF8.GetString([System.Convert]::FromBase64String('${encoded}'))))`,
    );
    return `${result.stdout?.toString('utf8') ?? ''}${result.stderr?.toString('utf8') ?? ''}`;
  }

  /** Runs a script and parses the JSON of its output objects. */
  async json<T>(script: string): Promise<T> {
    const raw = await this.run(
      `$__out = @(& { ${script} }); '${begin}'; ConvertTo-Json -InputObject $__out -Depth 12 -Compress -EscapeHandling EscapeNonAscii; '${end}'`,
    );
    const from = raw.indexOf(begin);
    const to = raw.lastIndexOf(end);
    if (from < 0 || to < from) throw new Error(`no JSON in pwsh output:\n${raw}`);
    return JSON.parse(raw.slice(from + begin.length, to).trim()) as T;
  }

  /**
   * Runs a script in a fresh nested PowerShell that shares the session's runspace state for the module (imported
   * once) and collects every stream. `setup` runs first in the same nested PowerShell (for test seams).
   */
  async capture(script: string, setup = ''): Promise<Captured> {
    const [captured] = await this.json<Captured[]>(`Invoke-Captured -Script ${psQuote(script)} -Setup ${psQuote(setup)}`);
    if (captured === undefined) throw new Error('Invoke-Captured returned nothing');
    return captured;
  }

  async dispose(): Promise<void> {
    await this.shell.dispose();
  }
}

/**
 * What most PowerShell test files start with: the real pwsh (or a clear error saying how to install it), the built core
 * when the tests run it, a session with the module imported, and an empty temp folder. stopPwshFixture ends both.
 */
export async function startPwshFixture(prefix: string, options: { needsCore?: boolean } = {}): Promise<{ session: PwshSession; tmp: string }> {
  const pwsh = findPwsh();
  if (pwsh === undefined) throw new Error('pwsh not found: run tests/setup/40-pwsh.sh (installs PowerShell 7 into .tools/pwsh)');
  if (options.needsCore === true && !existsSync(coreCli)) throw new Error(`the core is not built: ${coreCli} (npm run build)`);
  const tmp = await mkdtemp(path.join(os.tmpdir(), `btsbackup-ps-${prefix}-`));
  return { session: await PwshSession.start(pwsh), tmp };
}

export async function stopPwshFixture(session: PwshSession | undefined, tmp: string | undefined): Promise<void> {
  if (session !== undefined) await session.dispose();
  if (tmp !== undefined) await rm(tmp, { recursive: true, force: true });
}
