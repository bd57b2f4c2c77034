import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BtsBackupError, hints } from '../errors/index.js';
import { createSampleGroupState } from '../adapters/simulator/sample-group.js';
import { SimulatedGroup } from '../adapters/simulator/simulated-group.js';
import { createFsStore } from '../adapters/store/fs-store.js';
import type { BizTalkGroup } from '../ports/biztalk-group.js';
import type { BackupStore } from '../ports/store.js';

export interface GroupOptions {
  simulator?: boolean;
  simulatorState?: string;
  server?: string;
  database?: string;
  btstask?: string;
  btstaskTimeout?: number;
  /** Where application facts come from on a real group: auto (best available), explorerom, btstask. */
  catalog?: 'auto' | 'explorerom' | 'btstask';
  /** Path of Microsoft.BizTalk.ExplorerOM.dll when it is not where BizTalk installs it. */
  explorerom?: string;
  /** Seconds one ExplorerOM call may take (default 300). */
  exploreromTimeout?: number;
  /**
   * The BizTalk back end: auto (on a real server the deployment API in process, then in the 32-bit helper, then
   * BTSTask per call; elsewhere the simulator), or one pinned.
   */
  backend?: 'auto' | 'deployment-api' | 'btstask' | 'simulator';
}


export function toolVersion(): { name: string; version: string } {
  // dist/src/cli/ in a checkout finds the repository's package.json; the bundled core (core/main.js in the module
  // package) finds the core/package.json the build writes beside it.
  for (let dir = path.dirname(fileURLToPath(import.meta.url)), i = 0; i < 4; i++, dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: string };
      if (typeof pkg.version === 'string') return { name: 'BizTalkBackup', version: pkg.version };
    } catch {
      // No package.json here: look one folder up.
    }
  }
  return { name: 'BizTalkBackup', version: '0.0.0' };
}

export function currentUser(): string {
  try {
    const info = os.userInfo();
    return process.env['USERDOMAIN'] === undefined ? info.username : `${process.env['USERDOMAIN']}\\${info.username}`;
  } catch {
    return process.env['USERNAME'] ?? process.env['USER'] ?? 'unknown';
  }
}

export const randomHex = (): string => randomBytes(3).toString('hex');

/**
 * Chooses the BizTalk back end: the simulated sample group (--simulator, --backend simulator), a simulated group kept in
 * a state file (--simulator-state), or the real group (on a BizTalk server, or --btstask / --server / --backend
 * deployment-api|btstask): the deployment API in process, in the 32-bit helper, or BTSTask per call.
 */
export async function openGroup(options: GroupOptions, log: (message: string) => void, verbose: (message: string) => void = () => undefined): Promise<BizTalkGroup> {
  if (options.simulatorState !== undefined) {
    const state = path.resolve(options.simulatorState);
    return SimulatedGroup.fromFile(state, { gacRoot: `${state}.gac` });
  }
  const backend = options.backend ?? 'auto';
  const wantsReal = backend === 'deployment-api' || backend === 'btstask' || options.btstask !== undefined || options.server !== undefined || options.database !== undefined || options.explorerom !== undefined;
  if (options.simulator === true || backend === 'simulator' || (!wantsReal && process.platform !== 'win32')) {
    if (options.simulator !== true && backend !== 'simulator') log('No BizTalk Server on this machine: using the embedded simulated sample group (--simulator).');
    const state = createSampleGroupState();
    // The simulated GAC is derived from the state alone, so one folder per state content serves every run.
    const tag = createHash('sha256').update(JSON.stringify(state.gac)).digest('hex').slice(0, 12);
    return new SimulatedGroup(state, { gacRoot: path.join(os.tmpdir(), `btsbackup-simulator-gac-${tag}`) });
  }
  const { openBtsTaskGroup } = await import('./open-btstask-group.js');
  return openBtsTaskGroup(options, (level, message) => (level === 'verbose' ? verbose(message) : log(message)));
}

/** Opens a store; `mustExist` makes a missing store E_STORE_MISSING (every command but export). */
export async function openStore(location: string | undefined, mustExist: boolean): Promise<BackupStore> {
  if (location === undefined || location === '') {
    throw new BtsBackupError('E_USAGE', 'No backup store given.', { hint: hints.noStore });
  }
  const root = path.resolve(location);
  const parent = path.dirname(root);
  if (!existsSync(parent)) {
    throw new BtsBackupError('E_STORE_MISSING', `The folder that should hold the store, ${parent}, does not exist.`, {
      target: location,
      hint: 'Create the folder (or check the share name and your access to it) and run again.',
    });
  }
  const store = createFsStore(root, lockTimingFromEnvironment());
  if (mustExist && !(await store.exists())) {
    throw new BtsBackupError('E_STORE_MISSING', `There is no BizTalkBackup store at ${root}.`, {
      target: location,
      hint: hints.storeMissing,
    });
  }
  return store;
}

/**
 * Lock timing, for tests and for shares with slow clocks: BIZTALKBACKUP_LOCK_HEARTBEAT_MS (default 30 s) and
 * BIZTALKBACKUP_LOCK_STALE_MS (default 5 min, the silence after which a lock is stale whoever holds it).
 */
function lockTimingFromEnvironment(): { lockHeartbeatMs?: number; staleLockAfterMs?: number } {
  const read = (name: string): number | undefined => {
    const value = Number(process.env[name]);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  };
  const heartbeat = read('BIZTALKBACKUP_LOCK_HEARTBEAT_MS');
  const stale = read('BIZTALKBACKUP_LOCK_STALE_MS');
  return { ...(heartbeat === undefined ? {} : { lockHeartbeatMs: heartbeat }), ...(stale === undefined ? {} : { staleLockAfterMs: stale }) };
}

/** UNC paths are remote; anything else is on this machine. */
export function isLocalPath(location: string): boolean {
  return !/^(\\\\|\/\/)[^\\/]+[\\/]/.test(location);
}
