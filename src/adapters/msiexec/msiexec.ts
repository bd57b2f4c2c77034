import path from 'node:path';
import { BtsBackupError, isBtsBackupError } from '../../errors/index.js';
import type { OperationOutcome } from '../../ports/biztalk-group.js';
import type { BtsTaskRunner } from '../btstask/btstask-runner.js';

/** Windows Installer exit codes this tool treats on their own (msiexec's exit code is a Win32 error code). */
export const MSI_SUCCESS = 0;
/** ERROR_INSTALL_USEREXIT: the installation was cancelled. */
export const MSI_CANCELLED = 1602;
/** ERROR_INSTALL_FAILURE: a fatal error during installation (a custom action failed; Windows Installer rolled back). */
export const MSI_FATAL_ERROR = 1603;
/** ERROR_INSTALL_ALREADY_RUNNING: another installation is in progress (Windows Update, another msiexec). */
export const MSI_ALREADY_RUNNING = 1618;
/** ERROR_SUCCESS_REBOOT_INITIATED / ERROR_SUCCESS_REBOOT_REQUIRED. */
export const MSI_REBOOT_INITIATED = 1641;
export const MSI_REBOOT_REQUIRED = 3010;

/** Waits before each new attempt while another installation runs: about 8 minutes in all. */
export const DEFAULT_BUSY_DELAYS_MS: readonly number[] = [10_000, 30_000, 60_000, 120_000, 240_000];

export interface MsiexecInstallOptions {
  /** Runs msiexec.exe (an argument array, never a shell string). */
  runner: BtsTaskRunner;
  /** Waits before the 2nd, 3rd ... attempt when msiexec answers 1618; its length is the number of retries. */
  busyDelaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
  /** Told about each retry (the restore logs it). */
  onRetry?: (attempt: number, delayMs: number) => void;
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `msiexec /i <msi> /qn /norestart /l*v <log>`: installs an exported BizTalk MSI on this server (its deferred custom
 * action runs BizTalk's installer: GAC, files, web directories). 1618 is retried with backoff; 1602, 1603 and a timeout
 * each get their own error. Stopping msiexec.exe (the client) does not stop the Windows Installer service, which goes on
 * installing or rolling back: after a timeout the server's state is unknown, and the error says so.
 */
export async function installWithMsiexec(msiPath: string, logPath: string, options: MsiexecInstallOptions): Promise<OperationOutcome> {
  const delays = options.busyDelaysMs ?? DEFAULT_BUSY_DELAYS_MS;
  const sleep = options.sleep ?? wait;
  const name = path.basename(msiPath);
  const warnings: string[] = [];
  for (let attempt = 1; ; attempt++) {
    let exitCode: number;
    try {
      exitCode = (await options.runner.run(['/i', msiPath, '/qn', '/norestart', '/l*v', logPath])).exitCode;
    } catch (error) {
      if (isBtsBackupError(error) && error.code === 'E_BTSTASK_TIMEOUT') throw installTimeout(name, msiPath, logPath, error);
      throw error;
    }
    if (exitCode === MSI_SUCCESS) return { information: [`Installed ${name}; log ${logPath}.`], warnings };
    if (exitCode === MSI_REBOOT_REQUIRED || exitCode === MSI_REBOOT_INITIATED) {
      return { information: [`Installed ${name}; log ${logPath}.`], warnings: [...warnings, 'msiexec reports that a restart is required to finish the installation.'] };
    }
    const delay = delays[attempt - 1];
    if (exitCode === MSI_ALREADY_RUNNING && delay !== undefined) {
      warnings.push(`Another installation was in progress (msiexec 1618); ${name} was installed on attempt ${attempt + 1}.`);
      options.onRetry?.(attempt, delay);
      await sleep(delay);
      continue;
    }
    throw installFailed(name, msiPath, logPath, exitCode, attempt);
  }
}

function installFailed(name: string, msiPath: string, logPath: string, exitCode: number, attempts: number): BtsBackupError {
  const details = { exitCode, log: logPath, attempts };
  switch (exitCode) {
    case MSI_ALREADY_RUNNING:
      return new BtsBackupError('E_INSTALL_FAILED', `msiexec could not install ${name}: another installation was still in progress after ${attempts} attempts (exit code 1618).`, {
        target: msiPath,
        hint: 'Another Windows Installer installation (often Windows Update, or an msiexec started by someone else) holds the installer. Wait until it ends (Task Manager: msiexec.exe; Event Viewer: MsiInstaller), then run the restore again: installed applications are Unchanged.',
        details: { ...details, reason: 'installer-busy' },
      });
    case MSI_FATAL_ERROR:
      return new BtsBackupError('E_INSTALL_FAILED', `msiexec failed to install ${name}: a fatal error during installation (exit code 1603); Windows Installer rolled it back.`, {
        target: msiPath,
        hint: `Search the verbose log ${logPath} for "Return value 3": the lines above it name the failing action. BizTalk's installer action needs BizTalk Server installed on this server and an administrator (elevated); a web directory needs IIS; an assembly already in the GAC with other bits can also fail it.`,
        details: { ...details, reason: 'fatal-error' },
      });
    case MSI_CANCELLED:
      return new BtsBackupError('E_INSTALL_FAILED', `The installation of ${name} was cancelled (exit code 1602); Windows Installer rolled it back.`, {
        target: msiPath,
        hint: 'Someone or something cancelled the installation (a user in the Windows Installer dialog, a stop of the restore, a policy, a shutdown). Run the restore again when the server is quiet.',
        details: { ...details, reason: 'cancelled' },
      });
    default:
      return new BtsBackupError('E_INSTALL_FAILED', `msiexec failed to install ${name} (exit code ${exitCode}).`, {
        target: msiPath,
        hint: `Read the verbose log ${logPath}; BizTalk's installer needs BizTalk Server installed on this machine and an administrator.`,
        details: { ...details, reason: 'failed' },
      });
  }
}

function installTimeout(name: string, msiPath: string, logPath: string, cause: BtsBackupError): BtsBackupError {
  const timeoutMs = cause.details?.['timeoutMs'];
  return new BtsBackupError(
    'E_INSTALL_TIMEOUT',
    `msiexec did not finish installing ${name}${typeof timeoutMs === 'number' ? ` within ${Math.round(timeoutMs / 1000)} s` : ''}. Its client was stopped, but that does not stop the Windows Installer service: the installation may still be running or rolling back, so this server's state is unknown (not unchanged).`,
    {
      target: msiPath,
      cause,
      hint: `Wait for the Windows Installer service to finish (Event Viewer, Application log, source MsiInstaller: 1033 or 11707 = installed, 11708 = failed; the end of ${logPath}), check Programs and Features for the application, then run the restore again.`,
      details: { log: logPath, reason: 'timeout', stateUnknown: true, ...(typeof timeoutMs === 'number' ? { timeoutMs } : {}) },
    },
  );
}
