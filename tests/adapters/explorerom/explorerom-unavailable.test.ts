import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { createEdgeInvoker, defaultBridgeSource, type EdgeBridgeOptions } from '../../../src/adapters/explorerom/edge-invoker.js';
import { ExplorerOmCatalog } from '../../../src/adapters/explorerom/explorerom-catalog.js';
import { defaultHelperScript, defaultX86PowerShell, type HelperOptions } from '../../../src/adapters/explorerom/helper-invoker.js';
import { loadableIn, readPeBitnessOfFile } from '../../../src/adapters/explorerom/pe-bitness.js';
import { BtsBackupError } from '../../../src/errors/index.js';
import { brokenBridgeCopy, bridgeDir, bridgeDll, bridgeSource, distDir, helperScript, requireBuiltBridge, standInDll, standInX86Dll, writeState } from './support.js';

/**
 * When ExplorerOM cannot run in-process: each scenario runs in its own node process (probe-driver.js), because edge-js
 * loads one CLR per process and reads its configuration when it loads. The probe must fall back, and the error must
 * be E_EXPLOREROM_UNAVAILABLE with the reason and a hint.
 */
requireBuiltBridge();
const execFileAsync = promisify(execFile);
const driver = path.join(distDir, 'tests', 'adapters', 'explorerom', 'probe-driver.js');

interface Attempt {
  source: string;
  ok: boolean;
  error?: { code: string; reason?: string; message: string; hint?: string };
}
interface DriverAnswer {
  ok: boolean;
  source?: string;
  attempts?: Attempt[];
  applications?: string[];
  error?: { code: string; message: string; hint?: string; details?: { reason?: string } };
}

async function runDriver(input: { mode: 'choose' | 'invoke'; edge?: EdgeBridgeOptions | false; helper?: HelperOptions | false }, env: NodeJS.ProcessEnv = process.env): Promise<DriverAnswer> {
  const state = await writeState();
  try {
    const { stdout } = await execFileAsync(process.execPath, [driver, JSON.stringify({ ...input, stateFile: state.file, connectionString: state.connectionString })], {
      env,
      timeout: 90_000,
      maxBuffer: 10 * 1024 * 1024,
    });
    const line = stdout.split('\n').filter((l) => l.startsWith('{')).pop();
    if (line === undefined) throw new Error(`the driver printed no answer: ${stdout}`);
    return JSON.parse(line) as DriverAnswer;
  } finally {
    await state.cleanup();
  }
}

const inProcess = (appRoot: string, extra: Partial<EdgeBridgeOptions> = {}): EdgeBridgeOptions => ({ appRoot, assemblyFile: path.join(appRoot, path.basename(bridgeDll)), useCoreClr: true, ...extra });

function assertFellBack(t: import('ava').ExecutionContext, answer: DriverAnswer, reason: string): void {
  t.true(answer.ok, JSON.stringify(answer.error));
  t.is(answer.source, 'simulator', 'the fallback catalog answered');
  t.true((answer.applications ?? []).includes('Contoso.Orders'));
  const first = answer.attempts?.[0];
  t.is(first?.source, 'explorerom');
  t.false(first?.ok);
  t.is(first?.error?.code, 'E_EXPLOREROM_UNAVAILABLE');
  t.is(first?.error?.reason, reason, first?.error?.message);
  t.truthy(first?.error?.hint);
  t.deepEqual(answer.attempts?.at(-1), { source: 'simulator', ok: true });
}

test('no .NET (dotnet hidden from PATH): the probe falls back and reports no-dotnet with a hint', async (t) => {
  const bin = await mkdtemp(path.join(tmpdir(), 'btsbackup-nodotnet-'));
  try {
    await symlink(process.execPath, path.join(bin, 'node'));
    const env: NodeJS.ProcessEnv = { PATH: bin, HOME: process.env['HOME'] ?? '/tmp' };
    const answer = await runDriver({ mode: 'choose', edge: inProcess(bridgeDir, { explorerOmPath: standInDll }) }, env);
    assertFellBack(t, answer, 'no-dotnet');
    // Sanity: the same probe with .NET visible does load ExplorerOM (so it is the missing dotnet that made the difference).
    const control = await runDriver({ mode: 'choose', edge: inProcess(bridgeDir, { explorerOmPath: standInDll }) });
    t.is(control.source, 'explorerom');
  } finally {
    await rm(bin, { recursive: true, force: true });
  }
});

test('wrong bitness, ExplorerOM path known: BadImageFormat is detected before loading, the probe falls back', async (t) => {
  const broken = await brokenBridgeCopy('x86');
  try {
    const answer = await runDriver({ mode: 'choose', edge: inProcess(broken.dir, { explorerOmPath: path.join(broken.dir, 'Microsoft.BizTalk.ExplorerOM.dll') }) });
    assertFellBack(t, answer, 'bad-image-format');
    t.regex(answer.attempts?.[0]?.error?.message ?? '', /BadImageFormatException/);
  } finally {
    await broken.cleanup();
  }
});

test('wrong bitness, path unknown: loading crashes only the throw-away probe process, and the probe falls back', async (t) => {
  const broken = await brokenBridgeCopy('x86');
  try {
    const answer = await runDriver({ mode: 'choose', edge: inProcess(broken.dir) });
    assertFellBack(t, answer, 'probe-crashed');
  } finally {
    await broken.cleanup();
  }
});

test('ExplorerOM not installed: assembly-not-found from the bridge, and the probe falls back', async (t) => {
  const broken = await brokenBridgeCopy('missing');
  try {
    const answer = await runDriver({ mode: 'choose', edge: inProcess(broken.dir) });
    assertFellBack(t, answer, 'assembly-not-found');
    const direct = await runDriver({ mode: 'invoke', edge: inProcess(broken.dir) });
    t.false(direct.ok);
    t.is(direct.error?.code, 'E_EXPLOREROM_UNAVAILABLE');
    t.is(direct.error?.details?.reason, 'assembly-not-found');
    t.regex(direct.error?.message ?? '', /Microsoft\.BizTalk\.ExplorerOM/);
  } finally {
    await broken.cleanup();
  }
});

test('edge-js not installed, or its native addon not built: typed errors, and the probe falls back', async (t) => {
  const missing = await runDriver({ mode: 'choose', edge: { ...inProcess(bridgeDir), edgeModule: 'edge-js-not-installed-here' } });
  assertFellBack(t, missing, 'edge-not-installed');
  const notBuilt = await runDriver({ mode: 'choose', edge: inProcess(bridgeDir) }, { ...process.env, EDGE_NATIVE: path.join(tmpdir(), 'no-such-dir', 'edge_coreclr.node') });
  assertFellBack(t, notBuilt, 'edge-not-built');
});

test('the bitness check reads PE headers: the stand-in is AnyCPU, its x86 build loads only in 32-bit processes', async (t) => {
  const anyCpu = await readPeBitnessOfFile(standInDll);
  const x86 = await readPeBitnessOfFile(standInX86Dll);
  t.truthy(anyCpu);
  t.truthy(x86);
  t.true(loadableIn(anyCpu!, 'x64'));
  t.true(loadableIn(anyCpu!, 'ia32'));
  t.true(x86!.requires32Bit);
  t.false(loadableIn(x86!, 'x64'));
  t.true(loadableIn(x86!, 'ia32'));
  t.is(await readPeBitnessOfFile(path.join(bridgeDir, 'BizTalkBackup.ExplorerOmBridge.runtimeconfig.json')), undefined, 'not a PE file');
});

test('in this process, a known 32-bit-only ExplorerOM is refused before edge-js is even loaded', async (t) => {
  const catalog = new ExplorerOmCatalog({
    server: 'SQLBTS01',
    database: 'BizTalkMgmtDb',
    invoker: createEdgeInvoker({ ...inProcess(bridgeDir), explorerOmPath: standInX86Dll, edgeModule: 'edge-js-must-not-be-loaded' }),
  });
  const error = await t.throwsAsync(catalog.listApplications(), { instanceOf: BtsBackupError });
  t.is(error?.code, 'E_EXPLOREROM_UNAVAILABLE');
  t.is(error?.details?.['reason'], 'bad-image-format');
  t.truthy(error?.hint);
});

test('the compiled adapter finds the bridge source and the helper script beside it (npm run build copies them from src)', (t) => {
  const compiled = path.join(distDir, 'src', 'adapters', 'explorerom');
  t.is(defaultBridgeSource(), path.join(compiled, 'ExplorerOmBridge.cs'));
  t.is(defaultHelperScript(), path.join(compiled, 'explorerom-x86.ps1'));
  t.is(readFileSync(defaultBridgeSource(), 'utf8'), readFileSync(bridgeSource, 'utf8'));
  t.is(readFileSync(defaultHelperScript(), 'utf8'), readFileSync(helperScript, 'utf8'));
  t.is(defaultX86PowerShell({ SystemRoot: 'C:\\Windows' }), process.platform === 'win32' ? 'C:\\Windows\\SysWOW64\\WindowsPowerShell\\v1.0\\powershell.exe' : undefined);
});
