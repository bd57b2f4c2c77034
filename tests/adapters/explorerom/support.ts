import { execFileSync } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { cp, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
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

export interface StallingDatabase {
  /** The connection string naming the stalling state (a FIFO) for the stand-in. */
  connectionString: string;
  /** Resolves once the stand-in has read the state `serves` times: from then on, every read blocks. */
  served: Promise<void>;
  /** Lets one blocked read finish (with a state the stand-in rejects), so a call given up ends; false if none waits. */
  release(): Promise<boolean>;
  cleanup(): Promise<void>;
}

/**
 * A management database that answers `serves` times and then stops answering: the stand-in reads its state file on
 * every catalog opened, and here that file is a named pipe (FIFO) this process writes the state into `serves` times,
 * then never again, so the next read blocks inside ExplorerOM, as a SQL Server that stops answering does.
 */
export async function stallingDatabase(serves: number, state: GroupState = createSampleGroupState()): Promise<StallingDatabase> {
  const dir = await mkdtemp(path.join(tmpdir(), 'btsbackup-eom-stall-'));
  const fifo = path.join(dir, 'group-state.fifo');
  execFileSync('mkfifo', [fifo]);
  const content = `${JSON.stringify(state)}\n`;
  let stopped = false;
  const served = (async () => {
    for (let i = 0; i < serves && !stopped; i++) {
      // Opening for writing waits (on libuv's thread pool, not this thread) until the stand-in opens it for reading.
      await writeFile(fifo, content);
      // Give the reader time to reach end-of-file and close before the next writer opens the pipe.
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  })();
  const release = async (): Promise<boolean> => {
    let handle;
    try {
      handle = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch {
      return false;
    }
    await handle.write('{}').catch(() => undefined);
    await handle.close();
    return true;
  };
  return {
    connectionString: standInConnectionString(state, fifo),
    served,
    release,
    cleanup: async () => {
      stopped = true;
      await release();
      // A serve still waiting for a reader would hold a thread-pool thread (and this process) for good: read it out.
      let finished = false;
      void served.finally(() => (finished = true));
      const drain = await open(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
      for (let i = 0; i < 40 && !finished; i++) {
        await drain.read(Buffer.alloc(65536), 0, 65536, null).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await drain.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
