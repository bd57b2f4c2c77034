import type { WarningKind } from './manifest.js';

/**
 * The stable codes of the warnings a run gives, as the run log records them (`warningCodes`) and the `log` lines of
 * `--json` carry them (`code`). The manifest's warning kinds are codes too, under the same names. Messages may change;
 * codes do not. README.md ("Run log") lists them; a test keeps the two in step.
 */
export const WARNING_CODES = {
  MaskedPassword: 'a password in the bindings is masked (port, location and field named, never the value)',
  LocalWebDirectory: 'a web directory on localhost: created only on the server where the MSI is installed',
  StaleArtifact: 'a DLL in the GAC differs from the copy inside the MSI',
  SameMachineStore: 'the store is on this machine (keep backups on another server)',
  MissingDependency: 'a referenced assembly is neither a resource nor in the GAC',
  RepairedObject: 'a damaged store object was written again from the group',
  MissingInstallAction: 'a resource lacks its install-time action (GacOnInstall, Destination)',
  RedactedPackage: 'clear-text secrets inside an MSI were masked; the package got a new PackageCode',
  MissingStoreObject: "an object of the previous set is missing from the store; the application is exported again",
  LockTakenOver: 'a stale store lock was taken over, or a live one broken with its token',
  LockHeldDryRun: 'a dry run found the store locked by a live run',
  BtsTaskRetry: 'a transient BTSTask failure; the call is run again',
  ApplicationFailed: 'one application failed (when the caller takes no error records)',
  UnreadableSet: 'a set not verified in this run cannot be read',
  CaseCollision: 'two applications of a set differ only by case',
  VerifyProblem: 'a problem found in a set that this run did not verify',
  OrphansNotReported: 'orphan objects are not reported while a manifest cannot be read',
  RestoreWarning: 'a restore step needs attention (default application, no assemblies to compare, hosts not listed, a missing secret imported as ******, a restart required)',
  DrillOnLiveGroup: 'a drill imports under prefixed names into a live group',
  NextStep: 'what to run next after a partial run',
  ApplicationsStopped: 'restored applications are left Stopped, as BizTalk imports them',
  StopRequested: 'the run was asked to stop (Ctrl-C, SIGTERM, the PowerShell pipeline)',
  GroupBindingsUnread: "ExportBindings /GroupLevel failed or could not be read: each application's bindings were read by its own ExportBindings (slower, nothing missed)",
  RunLogUnwritable: "the store's run log could not be written (the run itself is unaffected)",
  Other: 'any other warning',
} as const satisfies Record<WarningKind, string> & Record<string, string>;

export type WarningCode = keyof typeof WARNING_CODES;

export function isWarningCode(value: unknown): value is WarningCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(WARNING_CODES, value);
}
