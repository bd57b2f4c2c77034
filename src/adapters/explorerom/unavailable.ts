import { BtsBackupError } from '../../errors/index.js';
import { EXPLOREROM_TIMEOUT_OPTION } from './call-control.js';

/** Why ExplorerOM cannot be used from here. */
export type ExplorerOmUnavailableReason =
  /** No .NET runtime for edge-js (CoreCLR: no dotnet/hostfxr found; Windows: no .NET Framework 4). */
  | 'no-dotnet'
  /** ExplorerOM (or the bridge) is built for another bitness than this process: BadImageFormatException. */
  | 'bad-image-format'
  /** Microsoft.BizTalk.ExplorerOM could not be found or loaded (BizTalk's administration tools not installed). */
  | 'assembly-not-found'
  /** The optional dependency edge-js is not in node_modules. */
  | 'edge-not-installed'
  /** edge-js is there but its native addon was not built for this node. */
  | 'edge-not-built'
  /** edge-js loaded, but compiling or binding the bridge failed. */
  | 'edge-failed'
  /** The probe process died (edge-js on CoreCLR overflows the stack on some load failures). */
  | 'probe-crashed'
  /** The 32-bit helper cannot run here (not Windows, no SysWOW64 PowerShell). */
  | 'helper-unavailable'
  /** The 32-bit helper ran but failed or answered garbage. */
  | 'helper-failed'
  /** The helper or probe did not answer in time. */
  | 'timeout'
  /** ExplorerOM loaded but the catalog failed (management database unreachable, permissions). */
  | 'catalog-error'
  /** The bridge answered something this version does not understand. */
  | 'bridge-protocol';

const HINTS: Record<ExplorerOmUnavailableReason, string> = {
  'no-dotnet':
    'Install the .NET runtime edge-js needs (on Windows the .NET Framework 4.x that BizTalk uses; elsewhere .NET with `dotnet` on PATH or DOTNET_ROOT set). Meanwhile the inventory falls back to BTSTask and the exported ADFs.',
  'bad-image-format':
    'ExplorerOM and this node process differ in bitness (BadImageFormatException). Run a node of the same bitness, or let the probe use the 32-bit helper (Windows PowerShell x86 in SysWOW64); otherwise BTSTask is used.',
  'assembly-not-found':
    'Microsoft.BizTalk.ExplorerOM.dll was not found: run on a BizTalk server or an administration workstation with the BizTalk administration tools, or pass its path (explorerOmPath). BTSTask is used meanwhile.',
  'edge-not-installed': 'edge-js is an optional dependency and is not installed: run `npm ci` where it can be built, with `npm install-scripts approve edge-js` recorded in package.json.',
  'edge-not-built':
    "edge-js's native addon is missing for this node: allow its install script (`npm install-scripts approve edge-js`) and reinstall, or build it with node-gyp in node_modules/edge-js (tests/setup/50-explorerom.sh shows how).",
  'edge-failed': 'edge-js could not compile or bind the ExplorerOM bridge; see details.message. BTSTask is used meanwhile.',
  'probe-crashed': 'Loading ExplorerOM in-process crashed the probe process (typically a bitness mismatch on CoreCLR); see details.stderr. The next adapter is tried.',
  'helper-unavailable': 'The 32-bit helper needs Windows PowerShell x86 (%SystemRoot%\\SysWOW64\\WindowsPowerShell\\v1.0\\powershell.exe).',
  'helper-failed': 'The 32-bit ExplorerOM helper failed; see details. BTSTask is used meanwhile.',
  timeout: `ExplorerOM did not answer in time; check the management database server, or raise the timeout with ${EXPLOREROM_TIMEOUT_OPTION}.`,
  'catalog-error': 'ExplorerOM loaded but could not read the group: check the management database connection (server, database, Windows permissions).',
  'bridge-protocol': 'The ExplorerOM bridge answered something unexpected; the bridge and this version of BizTalkBackup may not match.',
};

export function explorerOmUnavailable(
  reason: ExplorerOmUnavailableReason,
  message: string,
  extra: { cause?: unknown; target?: string | undefined; details?: Record<string, unknown> } = {},
): BtsBackupError {
  return new BtsBackupError('E_EXPLOREROM_UNAVAILABLE', message, {
    hint: HINTS[reason],
    cause: extra.cause,
    target: extra.target,
    details: { reason, ...(extra.details ?? {}) },
  });
}

export function unavailableReason(error: unknown): ExplorerOmUnavailableReason | undefined {
  if (!(error instanceof BtsBackupError) || error.code !== 'E_EXPLOREROM_UNAVAILABLE') return undefined;
  const reason = error.details?.['reason'];
  return typeof reason === 'string' ? (reason as ExplorerOmUnavailableReason) : undefined;
}
