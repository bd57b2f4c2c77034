import { promises as fs } from 'node:fs';
import path from 'node:path';
import { BtsBackupError } from '../../errors/index.js';
import { refuseScript, type BtsTaskRunner } from './btstask-runner.js';
import { parseRegQuery, registryString, regRunner } from './windows-registry.js';

export const BIZTALK_REGISTRY_KEY = 'HKLM\\SOFTWARE\\Microsoft\\BizTalk Server\\3.0';

export interface FindBtsTaskOptions {
  /** An explicit path wins; it must exist. */
  explicitPath?: string;
  platform?: NodeJS.Platform;
  /** Runs `reg` (injectable for tests); defaults to reg.exe with its output decoded in the OEM code page. */
  reg?: BtsTaskRunner;
  fileExists?: (file: string) => Promise<boolean>;
  /** For REG_EXPAND_SZ values (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Where BTSTask.exe is: the explicit path, else `<InstallPath>\BTSTask.exe` from the BizTalk registry key
 * (queried in the 64-bit and then the 32-bit view: BizTalk's setup is 32-bit). `E_BTSTASK_NOT_FOUND` otherwise.
 */
export async function findBtsTask(options: FindBtsTaskOptions = {}): Promise<string> {
  const exists = options.fileExists ?? defaultExists;
  if (options.explicitPath !== undefined) {
    refuseScript(options.explicitPath);
    if (await exists(options.explicitPath)) return options.explicitPath;
    throw notFound(`BTSTask was not found at "${options.explicitPath}".`, options.explicitPath);
  }
  const platform = options.platform ?? process.platform;
  if (platform !== 'win32') throw notFound('BTSTask.exe only exists on Windows with BizTalk Server installed; give its path explicitly or use the simulator.', undefined);
  for (const installPath of await findBizTalkInstallFolders(options)) {
    const candidate = path.win32.join(installPath, 'BTSTask.exe');
    if (await exists(candidate)) return candidate;
  }
  throw notFound(`BizTalk Server's install folder was not found in the registry (${BIZTALK_REGISTRY_KEY}, value InstallPath).`, undefined);
}

/**
 * BizTalk Server's install folders named by the registry (`InstallPath`, read in the 64-bit and then the 32-bit view:
 * BizTalk's setup is 32-bit), in that order; none off Windows. BTSTask.exe and the deployment engine live there.
 */
export async function findBizTalkInstallFolders(options: Omit<FindBtsTaskOptions, 'explicitPath' | 'fileExists'> = {}): Promise<string[]> {
  const platform = options.platform ?? process.platform;
  if (platform !== 'win32') return [];
  const reg = options.reg ?? regRunner(platform);
  const folders: string[] = [];
  for (const view of ['/reg:64', '/reg:32']) {
    let stdout: string;
    try {
      const run = await reg.run(['query', BIZTALK_REGISTRY_KEY, '/v', 'InstallPath', view]);
      if (run.exitCode !== 0) continue;
      stdout = run.stdout;
    } catch {
      continue;
    }
    const installPath = registryString(parseRegQuery(stdout, 'InstallPath'), options.env ?? process.env);
    if (installPath !== undefined && !folders.includes(installPath)) folders.push(installPath);
  }
  return folders;
}

/** The data of `value` in `reg query` output (REG_SZ or REG_EXPAND_SZ, unexpanded); see windows-registry.ts. */
export function parseRegQueryValue(stdout: string, value: string): string | undefined {
  const found = parseRegQuery(stdout, value);
  return found === undefined || found.data === '' || (found.type !== 'REG_SZ' && found.type !== 'REG_EXPAND_SZ') ? undefined : found.data;
}

async function defaultExists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

function notFound(message: string, target: string | undefined): BtsBackupError {
  return new BtsBackupError('E_BTSTASK_NOT_FOUND', message, {
    target,
    hint: 'BTSTask.exe is in the BizTalk Server install folder, e.g. "C:\\Program Files (x86)\\Microsoft BizTalk Server\\BTSTask.exe"; pass that path explicitly.',
  });
}
