/**
 * Hints that name a command or an option, in both languages of the product: the command line's commands and flags,
 * and the PowerShell module's cmdlets and parameters. An error site passes `hints.<key>` (or a `Hint` made by one of
 * the functions below) as its hint; the NDJSON error line carries both (`hint`, `psHint`), the human CLI prints the
 * first, the module shows the second. tests/errors/hints.test.ts checks that every command, flag, cmdlet and
 * parameter named here exists.
 */
export interface Hint {
  /** As the command line says it: `btsbackup <command> --flag`. */
  cli: string;
  /** As the PowerShell module says it: `Verb-BtsNoun -Parameter`. */
  ps: string;
}

export const hints = {
  usage: { cli: 'Run `btsbackup --help` for the commands and their options.', ps: 'Run `Get-Help <cmdlet> -Full` for its parameters.' },
  bug: { cli: 'This is a bug in BizTalkBackup; run again with --verbose and report the output.', ps: 'This is a bug in BizTalkBackup; run again with -Verbose and report the output.' },
  noStore: { cli: 'Pass --store <folder or \\\\server\\share\\folder>.', ps: 'Pass -Path <folder or \\\\server\\share\\folder>.' },
  storeMissing: { cli: 'Check the path; a store is created by the first `btsbackup export`.', ps: 'Check the path; a store is created by the first `Export-BtsAppBackup`.' },
  noSetYet: { cli: 'Run `btsbackup export` first.', ps: 'Run `Export-BtsAppBackup` first.' },
  listSets: { cli: 'List the sets with `btsbackup list --store <store>`.', ps: 'List the sets with `Get-BtsAppBackup -Path <store>`.' },
  listApplications: { cli: 'List the applications with `btsbackup inventory`; use wildcards (Contoso*) to match several.', ps: 'List the applications with `Get-BtsAppInventory`; use wildcards (Contoso*) to match several.' },
  listApplicationsAnyCase: { cli: 'List the applications with `btsbackup inventory`; names are matched without regard to case.', ps: 'List the applications with `Get-BtsAppInventory`; names are matched without regard to case.' },
  inventoryWithoutName: { cli: 'Run `btsbackup inventory` without --name to see every application.', ps: 'Run `Get-BtsAppInventory` without -Name to see every application.' },
  showSet: { cli: 'List what the set holds with `btsbackup show <set> --store <store>`; use wildcards (Contoso*) to match several.', ps: 'List what the set holds with `Get-BtsAppBackup -Path <store> -SetId <set>`; use wildcards (Contoso*) to match several.' },
  verifyReadData: { cli: 'Run `btsbackup verify --read-data`; restore that application from another backup set.', ps: 'Run `Test-BtsAppBackup -ReadData`; restore that application from another backup set.' },
  verifyFailed: { cli: 'Restore this application from another set; run `btsbackup verify --read-data` to check every object.', ps: 'Restore this application from another set; run `Test-BtsAppBackup -ReadData` to check every object.' },
  verifyBeforePrune: { cli: 'Nothing was deleted. Run `btsbackup verify`; every committed set must be readable before pruning.', ps: 'Nothing was deleted. Run `Test-BtsAppBackup`; every committed set must be readable before pruning.' },
  manifestNamesItself: { cli: 'Nothing was deleted. Run `btsbackup verify`.', ps: 'Nothing was deleted. Run `Test-BtsAppBackup`.' },
  retentionPolicy: { cli: 'Nothing was deleted. Give a policy that keeps at least the recent sets, e.g. --keep-last 7 --keep-daily 30.', ps: 'Nothing was deleted. Give a policy that keeps at least the recent sets, e.g. -KeepLast 7 -KeepDaily 30.' },
  overwrite: { cli: 'Pass --overwrite to replace its resources, or remove it first.', ps: 'Pass -Overwrite to replace its resources, or remove it first.' },
  installNeedsDatabases: { cli: 'Restore the BizTalk databases first, or use --mode import on a fresh group.', ps: 'Restore the BizTalk databases first, or use -Mode Import on a fresh group.' },
  secretMissing: {
    cli: 'Add it to a secrets file with `btsbackup secrets set --secrets-file <file> --store <store>` (see `btsbackup secrets list --missing`), then pass --secrets-file to `btsbackup restore`; or pass --allow-missing-secrets to import it as ******.',
    ps: 'Add it to a secrets file with `Set-BtsAppSecret -SecretsFile <file> -Path <store>` (see `Get-BtsAppSecret -Missing`), then pass -SecretsFile to `Import-BtsAppBackup`; or pass -AllowMissingSecrets to import it as ******.',
  },
  secretsFileUnreadable: { cli: 'Create it with `btsbackup secrets set --secrets-file <file>`.', ps: 'Create it with `Set-BtsAppSecret -SecretsFile <file>`.' },
  secretsPassphrase: {
    cli: 'Set BIZTALKBACKUP_SECRETS_PASSPHRASE, or pass --passphrase-file <file>; a passphrase is never taken from the command line.',
    ps: 'Pass -SecretsPassphrase (a SecureString), or set $env:BIZTALKBACKUP_SECRETS_PASSPHRASE.',
  },
  secretsWrongPassphrase: {
    cli: 'Set BIZTALKBACKUP_SECRETS_PASSPHRASE or pass --passphrase-file with the passphrase the file was created with.',
    ps: 'Pass -SecretsPassphrase with the passphrase the file was created with.',
  },
  secretsList: { cli: 'List the locations with `btsbackup secrets list --secrets-file <file> --store <store>`.', ps: 'List the locations with `Get-BtsAppSecret -SecretsFile <file> -Path <store>`.' },
  simulatorState: { cli: 'Create one with `btsbackup simulator-init --state <file>`.', ps: 'Create one with `btsbackup simulator-init --state <file>` (the module reads it with -SimulatorState).' },
  catalogBtsTask: { cli: 'Install the BizTalk administration tools, or use --catalog btstask.', ps: 'Install the BizTalk administration tools, or use -Catalog BTSTask.' },
  interrupted: {
    cli: 'Run the command again: an export reuses what is already stored, a restore skips what is already Unchanged.',
    ps: 'Run the cmdlet again: an export reuses what is already stored, a restore skips what is already Unchanged.',
  },
  compareSets: { cli: 'Compare the live group with the latest backup, or two sets with --set A --against B.', ps: 'Compare the live group with the latest backup, or two sets with -SetId A -DifferenceSetId B.' },
  secretsValuesJson: {
    cli: 'Give {"<port>|<location>|<field>": "<value>", ...}: keys as `btsbackup secrets list --store <store>` shows them.',
    ps: 'Give `Set-BtsAppSecret -Values @{ "<port>|<location>|<field>" = <SecureString> }`: keys as `Get-BtsAppSecret -Path <store>` shows them.',
  },
  drillDryRun: { cli: 'A drill imports into a scratch group; --dry-run prints the plan for the real target.', ps: '-Drill imports into a scratch group; -WhatIf shows the plan for the real target.' },
  inspectUsage: { cli: 'btsbackup inspect <file.msi|file.dll>', ps: 'Get-BtsAppArtifact -Path <file.msi|file.dll>' },
  caseCollision: {
    cli: 'Restore one of them with --name, then rename it in the BizTalk Administration console before restoring the other.',
    ps: 'Restore one of them with -Name, then rename it in the BizTalk Administration console before restoring the other.',
  },
  storeReadOnly: {
    cli: 'Choose a writable folder or share for --store, or grant this account write access (share and NTFS permissions).',
    ps: 'Choose a writable folder or share for -Path, or grant this account write access (share and NTFS permissions).',
  },
  storeFolderNotEmpty: { cli: 'Give --store a new or empty folder, or the folder of an existing store (one with store.json).', ps: 'Give -Path a new or empty folder, or the folder of an existing store (one with store.json).' },
  storeNotAFolder: { cli: 'Give --store a folder (existing or new), not a file: for example the folder that holds that file.', ps: 'Give -Path a folder (existing or new), not a file: for example the folder that holds that file.' },
  reportSecretsFileMissing: {
    cli: 'Check the path given to --secrets-file, or leave it out (the report then counts the masked passwords without checking them); a secrets file is made by `btsbackup secrets set --secrets-file <file>`.',
    ps: 'Check the path given to -SecretsFile, or leave it out (the report then counts the masked passwords without checking them); a secrets file is made by `Set-BtsAppSecret -SecretsFile <file>`.',
  },
  confirmationRequired: { cli: 'Pass --force.', ps: 'Confirm in the command itself: add -Force, or -Confirm:$false (see what it would do first with -WhatIf).' },
} as const satisfies Record<string, Hint>;

export type HintKey = keyof typeof hints;

/** A hint with a sentence in front of both forms (e.g. who holds a lock). */
export function withPrefix(prefix: string, hint: Hint): Hint {
  return { cli: `${prefix}${hint.cli}`, ps: `${prefix}${hint.ps}` };
}
