import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSampleGroupState } from '../../../src/adapters/simulator/sample-group.js';
import type { GroupState } from '../../../src/adapters/simulator/group-state.js';

/** Paths the ExplorerOM tests use; tests/setup/50-explorerom.sh builds what lives under .cache/explorerom. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
export const cacheDir = path.join(repoRoot, '.cache', 'explorerom');
export const bridgeDir = path.join(cacheDir, 'bridge');
export const bridgeDll = path.join(bridgeDir, 'BizTalkBackup.ExplorerOmBridge.dll');
export const standInDll = path.join(bridgeDir, 'Microsoft.BizTalk.ExplorerOM.dll');
export const standInX86Dll = path.join(cacheDir, 'standin-x86', 'Microsoft.BizTalk.ExplorerOM.dll');
export const pwshPath = path.join(repoRoot, '.tools', 'pwsh', 'pwsh');
export const helperScript = path.join(repoRoot, 'src', 'adapters', 'explorerom', 'explorerom-x86.ps1');
export const bridgeSource = path.join(repoRoot, 'src', 'adapters', 'explorerom', 'ExplorerOmBridge.cs');
export const distDir = path.join(repoRoot, 'dist');

/** Fails loudly (never skips) when the setup step has not run: the tests would otherwise prove nothing. */
export function requireBuiltBridge(): void {
  for (const file of [bridgeDll, standInDll, standInX86Dll, path.join(repoRoot, 'node_modules', 'edge-js', 'build', 'Release', 'edge_coreclr.node')]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`bash tests/setup/50-explorerom.sh\` (or tests/setup.sh) first.`);
  }
}

export interface StateFile {
  dir: string;
  file: string;
  connectionString: string;
  cleanup(): Promise<void>;
}

/** Writes a group state (the sample group unless given) to a temp file the stand-in serves. */
export async function writeState(state: GroupState = createSampleGroupState()): Promise<StateFile> {
  const dir = await mkdtemp(path.join(tmpdir(), 'btsbackup-eom-'));
  const file = path.join(dir, 'group-state.json');
  await writeFile(file, `${JSON.stringify(state, null, 2)}\n`, 'utf8');
  return {
    dir,
    file,
    connectionString: standInConnectionString(state, file),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export function standInConnectionString(state: GroupState, file: string): string {
  return `Server=${state.group.server};Database=${state.group.database};Integrated Security=SSPI;StandInState=${file}`;
}

/** A copy of the bridge folder with ExplorerOM replaced (`x86`) or removed (`missing`): a failing edge app root. */
export async function brokenBridgeCopy(kind: 'x86' | 'missing'): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `btsbackup-eom-${kind}-`));
  await cp(bridgeDir, dir, { recursive: true });
  if (kind === 'x86') await cp(standInX86Dll, path.join(dir, 'Microsoft.BizTalk.ExplorerOM.dll'));
  else await rm(path.join(dir, 'Microsoft.BizTalk.ExplorerOM.dll'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
