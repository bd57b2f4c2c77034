import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { hostname as osHostname, tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { ownerOnlyAclCommand, windowsAccount } from '../../core/owner-only-acl.js';
import { BtsBackupError } from '../../errors/index.js';
import type { TempArea, TempAreaPurpose, TempAreas } from '../../ports/temp-area.js';
import { isProcessAlive, ownStartTime, processStartTime, START_TIME_TOLERANCE_MS } from '../process/process-identity.js';

/**
 * The one temp-area module (issue 15, issue 16): export staging, restore staging, the bindings file of ImportBindings
 * and BTSTask's output all live in `<tmp>/btsbackup-<purpose>-xxxxxx`, created 0700 (owner-only ACL by icacls on
 * Windows), holding `.btsbackup-owner.json` (pid, process start time, host). `sweepTempAreas` — run at the start of
 * every command — removes the areas whose owner is dead (pid gone, or reused by a process started at another time).
 */
export const OWNER_FILE = '.btsbackup-owner.json';
const PURPOSES: readonly TempAreaPurpose[] = ['export', 'compare', 'restore', 'drill', 'drill-gac', 'bind', 'btstask'];
/** The names this tool gives its temp areas (mkdtemp adds six characters), and nothing else: other tools' and tests' folders are never touched. */
const AREA_NAME = new RegExp(`^btsbackup-(${PURPOSES.map((p) => p.replace('-', '\\-')).join('|')})-[A-Za-z0-9]{6}$`);
/** An area without a readable owner record (a crash between mkdtemp and the record, or an older version) is swept once this old. */
export const UNOWNED_GRACE_MS = 60 * 60 * 1000;

export interface TempAreaOptions {
  /** Parent folder (default: the OS temp folder). */
  root?: string;
  platform?: NodeJS.Platform;
  pid?: number;
  ownStartTime?: number;
  hostname?: string;
  isProcessAlive?: (pid: number) => boolean;
  processStartTime?: (pid: number) => number | undefined;
  now?: () => number;
  /** Runs the ACL command on win32 (injectable for tests). */
  runAcl?: (file: string, args: string[]) => Promise<void>;
}

interface OwnerRecord {
  pid: number;
  processStartedAt: string;
  host: string;
  purpose: string;
  createdAt: string;
}

export function isTempAreaName(name: string): boolean {
  return AREA_NAME.test(name);
}

function runAclCommand(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { windowsHide: true, timeout: 30_000 }, (error) => (error === null ? resolve() : reject(error)));
  });
}

function account(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env['USERNAME'] ?? 'unknown';
  }
  return windowsAccount(user, process.env['USERDOMAIN']);
}

export function createTempAreas(options: TempAreaOptions = {}): TempAreas {
  return { create: (purpose) => createTempArea(purpose, options) };
}

export async function createTempArea(purpose: TempAreaPurpose, options: TempAreaOptions = {}): Promise<TempArea> {
  const root = options.root ?? tmpdir();
  const dir = await fs.mkdtemp(path.join(root, `btsbackup-${purpose}-`));
  try {
    await fs.chmod(dir, 0o700);
    if ((options.platform ?? process.platform) === 'win32') {
      const command = ownerOnlyAclCommand(dir, account());
      try {
        await (options.runAcl ?? runAclCommand)(command.file, command.args);
      } catch (cause) {
        throw new BtsBackupError('E_TEMP_AREA_ACL', `Could not make the temp folder ${dir} private to this account (icacls failed).`, {
          target: dir,
          hint: 'Check that icacls.exe is available and that this account owns its temp folder (TEMP/TMP); nothing was written there.',
          cause,
        });
      }
    }
    const record: OwnerRecord = {
      pid: options.pid ?? process.pid,
      processStartedAt: new Date(options.ownStartTime ?? ownStartTime()).toISOString(),
      host: options.hostname ?? osHostname(),
      purpose,
      createdAt: new Date(options.now?.() ?? Date.now()).toISOString(),
    };
    await fs.writeFile(path.join(dir, OWNER_FILE), `${JSON.stringify(record)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    await fs.rm(dir, { recursive: true, force: true });
    throw error;
  }
  let removed = false;
  return {
    path: dir,
    remove: async () => {
      if (removed) return;
      removed = true;
      await removeArea(dir);
    },
  };
}

/** Overwrites every file with zeros (clear-text secrets should not survive in free blocks longer than needed), then removes the folder. */
async function removeArea(dir: string): Promise<void> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    await overwriteWithZeros(file).catch(() => undefined);
  }
  await fs.rm(dir, { recursive: true, force: true });
}

/** Overwrites a file in place with zeros, in 1 MB chunks, and flushes it. */
export async function overwriteWithZeros(file: string): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    const { size } = await handle.stat();
    const zeros = Buffer.alloc(Math.min(size, 1 << 20));
    for (let offset = 0; offset < size; offset += zeros.length) await handle.write(zeros, 0, Math.min(zeros.length, size - offset), offset);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Why an area's owner is gone, or undefined while it may still be working. */
export function deadOwnerReason(
  record: unknown,
  me: { pid: number; hostname: string; isProcessAlive: (pid: number) => boolean; processStartTime: (pid: number) => number | undefined; ownStartTime: number },
): string | undefined {
  if (typeof record !== 'object' || record === null) return 'its owner record is unreadable';
  const { pid, processStartedAt, host } = record as Partial<OwnerRecord>;
  if (typeof pid !== 'number' || typeof processStartedAt !== 'string' || typeof host !== 'string') return 'its owner record is unreadable';
  // The OS temp folder is this machine's own; a record naming another host (a roaming profile, a copied disk) has no live owner here.
  if (host !== me.hostname) return `its owner ran on ${host}`;
  const mine = pid === me.pid;
  if (!mine && !me.isProcessAlive(pid)) return `process ${pid} no longer runs`;
  const started = Date.parse(processStartedAt);
  const actual = mine ? me.ownStartTime : me.processStartTime(pid);
  if (!Number.isNaN(started) && actual !== undefined && Math.abs(actual - started) > START_TIME_TOLERANCE_MS) return `pid ${pid} now belongs to another process`;
  return undefined;
}

/**
 * Removes the temp areas whose owner is dead; returns their paths. Areas of live runs (this one included) are kept.
 * Never throws: a folder that cannot be removed now is left for the next run.
 */
export async function sweepTempAreas(options: TempAreaOptions = {}): Promise<string[]> {
  const root = options.root ?? tmpdir();
  const me = {
    pid: options.pid ?? process.pid,
    hostname: options.hostname ?? osHostname(),
    isProcessAlive: options.isProcessAlive ?? isProcessAlive,
    processStartTime: options.processStartTime ?? (options.isProcessAlive === undefined ? (pid: number) => processStartTime(pid) : () => undefined),
    ownStartTime: options.ownStartTime ?? ownStartTime(),
  };
  const now = options.now?.() ?? Date.now();
  const removed: string[] = [];
  let names: string[];
  try {
    names = await fs.readdir(root);
  } catch {
    return removed;
  }
  for (const name of names.filter(isTempAreaName).sort()) {
    const dir = path.join(root, name);
    try {
      const stats = await fs.lstat(dir);
      if (!stats.isDirectory()) continue;
      let record: unknown;
      try {
        record = JSON.parse(await fs.readFile(path.join(dir, OWNER_FILE), 'utf8'));
      } catch {
        if (now - stats.mtimeMs < UNOWNED_GRACE_MS) continue;
        record = undefined;
      }
      if (deadOwnerReason(record, me) === undefined) continue;
      await removeArea(dir);
      removed.push(dir);
    } catch {
      // left for the next sweep
    }
  }
  return removed;
}
