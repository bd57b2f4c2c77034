import { BtsBackupError, isBtsBackupError } from '../../errors/index.js';
import type { ExplorerOmUnavailableReason } from '../explorerom/unavailable.js';

/**
 * Why the deployment API cannot be used from here: the same reasons as ExplorerOM's (both run through the same edge-js
 * bridge, probe and 32-bit helper), under the back end's own code E_DEPLOYMENT_API_UNAVAILABLE.
 */
export type DeploymentApiUnavailableReason = ExplorerOmUnavailableReason;

const FALLBACK = 'BTSTask is used meanwhile (one process per call).';

const HINTS: Record<DeploymentApiUnavailableReason, string> = {
  'no-dotnet': `Install the .NET runtime edge-js needs (on Windows the .NET Framework 4.x BizTalk uses). ${FALLBACK}`,
  'bad-image-format': `The deployment engine and this node process differ in bitness (BadImageFormatException): the 32-bit helper (Windows PowerShell x86) is tried next. ${FALLBACK}`,
  'assembly-not-found': `Microsoft.BizTalk.ApplicationDeployment.Engine.dll or Microsoft.BizTalk.Deployment.dll was not found in the BizTalk install folder (registry InstallPath): run on a BizTalk server, or name the folder with BTSBACKUP_BIZTALK_INSTALL_PATH. ${FALLBACK}`,
  'edge-not-installed': 'edge-js is an optional dependency and is not installed: run `npm ci` where it can be built. ' + FALLBACK,
  'edge-not-built': "edge-js's native addon is missing for this node (tests/setup/50-explorerom.sh shows how to build it). " + FALLBACK,
  'edge-failed': `edge-js could not compile or bind the deployment-API bridge; see details.message. ${FALLBACK}`,
  'probe-crashed': `Loading the deployment engine in-process crashed the probe process (typically a bitness mismatch on CoreCLR); see details.stderr. ${FALLBACK}`,
  'helper-unavailable': 'The 32-bit helper needs Windows PowerShell x86 (%SystemRoot%\\SysWOW64\\WindowsPowerShell\\v1.0\\powershell.exe).',
  'helper-failed': `The 32-bit deployment-API helper failed; see details. ${FALLBACK}`,
  timeout: 'The deployment API did not answer in time; check the management database server, or raise the timeout with --explorerom-timeout <seconds> (it bounds every in-process BizTalk call).',
  'catalog-error': 'The deployment engine loaded but could not read the group: check the management database connection (server, database, Windows permissions).',
  'bridge-protocol': 'The deployment-API bridge answered something unexpected; the bridge and this version of BizTalkBackup may not match.',
};

export function deploymentApiUnavailable(
  reason: DeploymentApiUnavailableReason,
  message: string,
  extra: { cause?: unknown; target?: string | undefined; details?: Record<string, unknown> } = {},
): BtsBackupError {
  return new BtsBackupError('E_DEPLOYMENT_API_UNAVAILABLE', message, { hint: HINTS[reason], cause: extra.cause, target: extra.target, details: { reason, ...(extra.details ?? {}) } });
}

/** The shared bridge machinery reports E_EXPLOREROM_UNAVAILABLE: the same failure, as this back end's. Anything else unchanged. */
export function asDeploymentApiError(error: unknown): unknown {
  if (!isBtsBackupError(error) || error.code !== 'E_EXPLOREROM_UNAVAILABLE') return error;
  const reason = error.details?.['reason'];
  const known = typeof reason === 'string' && reason in HINTS ? (reason as DeploymentApiUnavailableReason) : 'edge-failed';
  return deploymentApiUnavailable(known, error.message, { cause: error, target: error.target, details: { ...error.details, reason: known } });
}
