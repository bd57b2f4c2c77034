/**
 * The stable error vocabulary. A code never changes meaning once released: scripts and tests match on it.
 * `category` is a PowerShell ErrorCategory name; `exitCode` follows STYLE.md
 * (1 failed, 2 usage, 3 partial, 10 store missing, 11 lock held, 12 verification failed, 130 interrupted).
 */
export const errorCodes = {
  E_USAGE: { category: 'InvalidArgument', exitCode: 2 },
  E_INVALID_NAME: { category: 'InvalidArgument', exitCode: 2 },
  E_APP_NOT_FOUND: { category: 'ObjectNotFound', exitCode: 1 },
  E_STATE_CORRUPT: { category: 'InvalidData', exitCode: 1 },
  E_INVALID_DATA: { category: 'InvalidData', exitCode: 1 },
  E_UNSUPPORTED: { category: 'NotImplemented', exitCode: 1 },
  E_STORE_MISSING: { category: 'ObjectNotFound', exitCode: 10 },
  E_ACCESS_DENIED: { category: 'PermissionDenied', exitCode: 1 },
  E_IO: { category: 'WriteError', exitCode: 1 },
  E_STORE_BUSY: { category: 'ResourceBusy', exitCode: 1 },
  E_SHORT_WRITE: { category: 'WriteError', exitCode: 1 },
  E_DISK_FULL: { category: 'WriteError', exitCode: 1 },
  E_LOCK_HELD: { category: 'ResourceBusy', exitCode: 11 },
  E_LOCK_LOST: { category: 'ResourceUnavailable', exitCode: 11 },
  E_MANIFEST_CORRUPT: { category: 'InvalidData', exitCode: 12 },
  E_MANIFEST_UNSUPPORTED: { category: 'InvalidData', exitCode: 12 },
  E_SET_NOT_FOUND: { category: 'ObjectNotFound', exitCode: 1 },
  E_SET_EXISTS: { category: 'ResourceExists', exitCode: 1 },
  E_STORE_UNSUPPORTED: { category: 'InvalidData', exitCode: 1 },
  E_OBJECT_MISSING: { category: 'ObjectNotFound', exitCode: 12 },
  E_CHECKSUM_MISMATCH: { category: 'InvalidData', exitCode: 12 },
  E_VERIFY_FAILED: { category: 'InvalidData', exitCode: 12 },
  E_PATH_UNSAFE: { category: 'SecurityError', exitCode: 1 },
  E_POLICY_UNSAFE: { category: 'InvalidArgument', exitCode: 2 },
  E_BTSTASK_FAILED: { category: 'InvalidOperation', exitCode: 1 },
  E_BTSTASK_TIMEOUT: { category: 'OperationTimeout', exitCode: 1 },
  E_BTSTASK_NOT_FOUND: { category: 'ObjectNotFound', exitCode: 1 },
  E_BTSTASK_OUTPUT: { category: 'InvalidResult', exitCode: 1 },
  E_EXPLOREROM_UNAVAILABLE: { category: 'ResourceUnavailable', exitCode: 1 },
  E_TARGET_EXISTS: { category: 'ResourceExists', exitCode: 1 },
  E_HOST_MISSING: { category: 'ObjectNotFound', exitCode: 1 },
  E_TRUST_MISMATCH: { category: 'InvalidOperation', exitCode: 1 },
  E_REFERENCE_MISSING: { category: 'ObjectNotFound', exitCode: 1 },
  E_REFERENCE_CYCLE: { category: 'InvalidOperation', exitCode: 1 },
  E_SECRET_MISSING: { category: 'ObjectNotFound', exitCode: 1 },
  E_SECRETS_LOCKED: { category: 'AuthenticationError', exitCode: 1 },
  E_PARTIAL: { category: 'NotSpecified', exitCode: 3 },
  E_INSTALL_FAILED: { category: 'InvalidOperation', exitCode: 1 },
  E_OUTPUT_TRUNCATED: { category: 'InvalidResult', exitCode: 1 },
  E_NODE_VERSION: { category: 'ResourceUnavailable', exitCode: 1 },
  /** Raised by the PowerShell bridge when the compiled core is not where the module expects it. */
  E_CORE_MISSING: { category: 'ResourceUnavailable', exitCode: 1 },
  E_INTERRUPTED: { category: 'OperationStopped', exitCode: 130 },
  // New codes go after the marker of the area they belong to (one marker per area keeps parallel work mergeable).
  // codes: formats and hostile input

  // codes: secrets and restore

  // codes: store, locks and temp areas
  /** --store names something that is not a folder (a regular file). */
  E_STORE_NOT_A_FOLDER: { category: 'InvalidArgument', exitCode: 10 },
  /** A new store cannot be created: the volume is read-only or the account may not write there. */
  E_STORE_READ_ONLY: { category: 'PermissionDenied', exitCode: 1 },
  /** Something that is not a manifest file sits in sets/ under a set's name. */
  E_SET_NOT_A_FILE: { category: 'InvalidData', exitCode: 1 },
  /** A lock whose heartbeat is fresh (its run is alive) was asked to be broken without --break-lock <token>. */
  E_LOCK_TOKEN_MISMATCH: { category: 'InvalidArgument', exitCode: 2 },
  /** A temp folder could not be made private to this account (icacls failed on Windows). */
  E_TEMP_AREA_ACL: { category: 'PermissionDenied', exitCode: 1 },

  // codes: store tree (application records, hash chain)
  /** A set's root records its parent's hash, and the parent set's file no longer hashes to it (changed after the child was written). */
  E_CHAIN_BROKEN: { category: 'InvalidData', exitCode: 12 },

  // codes: BTSTask runner and output
  /** A .cmd/.bat given as BTSTask: node cannot start it without a shell. */
  E_BTSTASK_SCRIPT: { category: 'InvalidArgument', exitCode: 2 },
  /** BTSTask ended by a signal (Ctrl-C, a service stop), not by its own error. */
  E_BTSTASK_STOPPED: { category: 'OperationStopped', exitCode: 1 },
  /** A file BTSTask needed (a temp CAB under %TEMP%\\BT\\PID<n>) was held by another process; retried first. */
  E_BTSTASK_FILE_LOCKED: { category: 'ResourceBusy', exitCode: 1 },
  /** "Access to the path ... is denied" from BTSTask; retried first. */
  E_BTSTASK_ACCESS_DENIED: { category: 'PermissionDenied', exitCode: 1 },
  /** "Unable to validate the given database": the account lacks BizTalk rights, or the server/database is wrong. */
  E_BTSTASK_DATABASE: { category: 'ConnectionError', exitCode: 1 },
  /** ExportApp's "Function failed during execution": a TEMP path with a space. */
  E_BTSTASK_TEMP_PATH: { category: 'InvalidOperation', exitCode: 1 },

  // codes: real server (ExplorerOM, msiexec, registry, per-application faults)
  /** The MSI exported for an application is another application's (its ADF DisplayName names someone else). */
  E_PACKAGE_MISMATCH: { category: 'InvalidData', exitCode: 1 },
  /** An in-process ExplorerOM call did not answer in time and was abandoned (the process ends once the run is wound up). */
  E_EXPLOREROM_TIMEOUT: { category: 'OperationTimeout', exitCode: 1 },
  /** msiexec ran out of time: its client was stopped, the Windows Installer service may still be working (state unknown). */
  E_INSTALL_TIMEOUT: { category: 'OperationTimeout', exitCode: 1 },

  // codes: deployment API (in-process BizTalk back end)
  /** BizTalk's deployment API cannot be used from here; details.reason as E_EXPLOREROM_UNAVAILABLE's (no-dotnet, bad-image-format ...). */
  E_DEPLOYMENT_API_UNAVAILABLE: { category: 'ResourceUnavailable', exitCode: 1 },
  /** The deployment API loaded but failed for one application (its export, resources or bindings): that application fails, the others go on. */
  E_DEPLOYMENT_API_FAILED: { category: 'InvalidOperation', exitCode: 1 },

  // codes: report
  /** The secrets file given to the report (--secrets-file / -SecretsFile) does not exist. */
  E_SECRETS_FILE_MISSING: { category: 'ObjectNotFound', exitCode: 1 },

  // codes: keeping backups current (event log, DSC, scheduled task)
  /** Register-/Unregister-BtsAppBackupTask where there is no Windows Task Scheduler (off Windows). */
  E_SCHEDULED_TASK_UNAVAILABLE: { category: 'NotImplemented', exitCode: 2 },
  /** Unregister-BtsAppBackupTask names a task that does not exist. */
  E_TASK_NOT_FOUND: { category: 'ObjectNotFound', exitCode: 1 },

  // codes: PowerShell bridge and module
  /** A changing cmdlet needs confirming and the session cannot ask (-NonInteractive): -Force or -Confirm:$false. */
  E_CONFIRMATION_REQUIRED: { category: 'InvalidOperation', exitCode: 2 },
  /** A new store was asked for in a folder that holds other files and is not a store (no store.json). */
  E_STORE_FOLDER_NOT_EMPTY: { category: 'InvalidArgument', exitCode: 2 },
  /** A -Path with wildcards matches more than one item (the module; -LiteralPath takes a path as typed). */
  E_PATH_AMBIGUOUS: { category: 'InvalidArgument', exitCode: 2 },

  // codes: package and bundled node
  /** A pinned download (node-win-* tarball, node.exe) does not match its integrity or SHA-256 in package-pins.json. */
  E_PACKAGE_PIN_MISMATCH: { category: 'InvalidData', exitCode: 1 },
  /** edge-js has no prebuilt binary folder for the bundled node's major version (or its node.version disagrees). */
  E_PACKAGE_ABI_MISMATCH: { category: 'InvalidData', exitCode: 1 },
  /** A node.exe or .node/.dll file to be packaged is built for another machine type than its folder says. */
  E_PACKAGE_MACHINE_MISMATCH: { category: 'InvalidData', exitCode: 1 },
  /** The .nupkg is over its size budget. */
  E_PACKAGE_TOO_LARGE: { category: 'LimitsExceeded', exitCode: 1 },
  /** The node the module chose exists but cannot start (blocked by policy, wrong architecture, damaged). */
  E_NODE_START: { category: 'ResourceUnavailable', exitCode: 1 },

  E_INTERNAL: { category: 'NotSpecified', exitCode: 1 },
} as const satisfies Record<string, { category: string; exitCode: number }>;

export type ErrorCode = keyof typeof errorCodes;
