import path from 'node:path';
import type { Argv } from 'yargs';
import { BtsTaskRestoreTarget } from '../../adapters/btstask/btstask-restore.js';
import { CompositeGroup } from '../../adapters/composite-group.js';
import { readSecretsFile, resolvePassphrase } from '../../adapters/secrets/secrets-file.js';
import { SimulatedGroup } from '../../adapters/simulator/simulated-group.js';
import { scratchGroupLike, SimulatedRestoreTarget, simulatedReferenceEditor } from '../../adapters/simulator/simulated-restore.js';
import { countSteps, type RestoreMode } from '../../core/plan-restore.js';
import { secretLocationKey, type SecretEntry } from '../../core/secrets.js';
import { BtsBackupError, hints } from '../../errors/index.js';
import type { ApplicationReferenceEditor, BizTalkRestoreTarget } from '../../ports/biztalk-restore.js';
import { describeStep, drillRestore, restoreBackup, type RestoreOptions, type RestoreOutcome } from '../../usecases/restore-backup.js';
import { arrayOf, groupArgs, groupOptions, nameOptions, type CliCommand } from '../command.js';
import { openGroup, openStore, type GroupOptions } from '../context.js';
import { openBtsTaskRunner } from '../open-btstask-group.js';
import { formatTable, type Output } from '../output.js';
import { createTempArea, createTempAreas } from '../../adapters/temp/temp-area.js';
import type { TempArea } from '../../ports/temp-area.js';

export interface RestoreArgs extends GroupOptions {
  store: string;
  set: string;
  mode: RestoreMode;
  name: string[];
  excludeName: string[];
  includeReferenced: boolean;
  overwrite: boolean;
  environment?: string;
  install: boolean;
  secretsFile?: string;
  passphraseFile?: string;
  allowMissingSecrets: boolean;
  dryRun: boolean;
  drill: boolean;
  drillPrefix?: string;
  logDir?: string;
}

function isReferenceEditor(catalog: object): catalog is { addReference(application: string, referenced: string): Promise<unknown> } {
  return typeof (catalog as { addReference?: unknown }).addReference === 'function';
}

/** The group to restore into: a simulated group (embedded or a state file, saved after each change) or BTSTask. */
async function openRestoreTarget(args: RestoreArgs, out: Output): Promise<{ target: BizTalkRestoreTarget; simulated?: SimulatedGroup }> {
  const group = await openGroup(args, (m) => out.log('info', m), (m) => out.log('verbose', m));
  if (group instanceof SimulatedGroup) {
    const stateFile = args.simulatorState === undefined ? undefined : path.resolve(args.simulatorState);
    return { target: new SimulatedRestoreTarget(group, stateFile === undefined ? undefined : () => group.saveTo(stateFile)), simulated: group };
  }
  const { executable, runner } = await openBtsTaskRunner(args);
  // BTSTask has no AddReference: ExplorerOM adds references when the catalog is ExplorerOM. Without it, and only when
  // the BTSTask emulator stands in for BTSTask.exe, the emulator's group state file stands in for ExplorerOM.
  const catalog = group instanceof CompositeGroup ? group.catalog : undefined;
  const simState = process.env['BIZTALKBACKUP_SIM_STATE'];
  const references: ApplicationReferenceEditor | undefined =
    catalog !== undefined && isReferenceEditor(catalog)
      ? { addReference: async (application, referenced) => void (await catalog.addReference(application, referenced)) }
      : /\.m?js$/i.test(executable) && simState !== undefined && simState !== ''
        ? simulatedReferenceEditor(path.resolve(simState), process.env['BIZTALKBACKUP_SIM_GAC'])
        : undefined;
  return {
    target: new BtsTaskRestoreTarget({
      group,
      runner,
      // The only warnings BTSTask's runner gives are its retries of a transient failure.
      log: (level, message) => out.log(level, message, undefined, level === 'warning' ? 'BtsTaskRetry' : undefined),
      ...(args.server === undefined ? {} : { server: args.server }),
      ...(args.database === undefined ? {} : { database: args.database }),
      ...(references === undefined ? {} : { references }),
    }),
  };
}

async function loadSecrets(args: RestoreArgs): Promise<SecretEntry[]> {
  if (args.secretsFile === undefined) return [];
  const passphrase = await resolvePassphrase({ passphraseFile: args.passphraseFile });
  return readSecretsFile(path.resolve(args.secretsFile), passphrase);
}

export async function runRestore(args: RestoreArgs, out: Output, command = 'restore'): Promise<number> {
  if (args.drill && args.dryRun) throw new BtsBackupError('E_USAGE', '--drill and --dry-run cannot be combined.', { hint: hints.drillDryRun });
  if (args.mode === 'install' && (args.install || args.environment !== undefined)) {
    throw new BtsBackupError('E_USAGE', '--install and --environment belong to --mode import.', { hint: 'Install mode installs every MSI on this server already.' });
  }
  const store = await openStore(args.store, true);
  const secrets = await loadSecrets(args);
  const { target, simulated } = await openRestoreTarget(args, out);
  const options: RestoreOptions = {
    set: args.set,
    mode: args.mode,
    include: args.name,
    exclude: args.excludeName,
    includeReferenced: args.includeReferenced,
    overwrite: args.overwrite,
    ...(args.environment === undefined ? {} : { environment: args.environment }),
    installOnThisServer: args.install,
    dryRun: args.dryRun,
    secrets,
    allowMissingSecrets: args.allowMissingSecrets,
    ...(args.logDir === undefined ? {} : { logDir: path.resolve(args.logDir) }),
    tempAreas: createTempAreas(),
  };

  if (args.drill) {
    let scratchGac: TempArea | undefined;
    try {
      let scratch: BizTalkRestoreTarget = target;
      if (simulated !== undefined) {
        scratchGac = await createTempArea('drill-gac');
        scratch = new SimulatedRestoreTarget(scratchGroupLike(simulated, scratchGac.path));
      } else {
        options.namePrefix = args.drillPrefix ?? 'Drill.';
        out.log('warning', `Drill on a live group: applications are imported as "${options.namePrefix}<name>"; remove them afterwards.`, undefined, 'DrillOnLiveGroup');
      }
      const outcome = await drillRestore(scratch, store, options, out);
      const rows = outcome.drill.map((d) => ({ ...d }));
      out.text(formatTable(rows, [{ key: 'application', title: 'Application' }, { key: 'status', title: 'Drill' }, { key: 'reasons', title: 'Differences', max: 80 }]));
      const verified = outcome.drill.filter((d) => d.status === 'Verified').length;
      out.text(`\nRestore drill of set ${outcome.restore.manifest.setId}: ${verified} of ${outcome.drill.length} application(s) came back identical.`);
      out.summary(command, outcome.exitCode, { verified, failed: outcome.drill.length - verified }, { setId: outcome.restore.manifest.setId, drill: true });
      return outcome.exitCode;
    } finally {
      if (scratchGac !== undefined) await scratchGac.remove();
    }
  }

  const outcome = await restoreBackup(target, store, options, out);
  const rows = out.collected('RestoreApplication').map((r) => ({
    ...r,
    steps: Array.isArray(r['steps']) ? (r['steps'] as { detail: string }[]).map((s) => s.detail).join('; ') : '',
    problems: Array.isArray(r['errors']) ? (r['errors'] as { code: string }[]).map((e) => e.code).join(', ') : '',
  }));
  if (args.dryRun) {
    // The plan as steps, the shape every dry run shares (-WhatIf in PowerShell).
    for (const app of outcome.plan.applications) {
      for (const step of app.steps) out.result('PlanStep', { action: step.action, application: app.targetName, change: app.status, detail: describeStep(step) });
      if (app.steps.length === 0) out.result('PlanStep', { action: app.status === 'Unchanged' ? 'None' : 'Skip', application: app.targetName, change: app.status, detail: [...app.reasons, ...app.problems.map((p) => `${p.code}: ${p.message}`)].join('; ') });
    }
    out.text(`What if: the ${args.mode} restore of set ${outcome.manifest.setId} would do this (nothing was changed):`);
  }
  out.text(formatTable(rows, [{ key: 'targetName', title: 'Application' }, { key: 'status', title: 'Status' }, { key: 'problems', title: 'Problems' }, { key: 'steps', title: args.dryRun ? 'Steps' : 'Steps run', max: 90 }]));
  const counts: Record<string, number> = {
    imported: outcome.results.filter((r) => r.status === 'Imported').length,
    installed: outcome.results.filter((r) => r.status === 'Installed').length,
    planned: outcome.results.filter((r) => r.status === 'Planned').length,
    unchanged: outcome.results.filter((r) => r.status === 'Unchanged').length,
    failed: outcome.results.filter((r) => r.status === 'Failed').length,
    skipped: outcome.results.filter((r) => r.status === 'Skipped').length,
  };
  await reportNextSteps(outcome, args, target, out);
  out.summary(command, outcome.exitCode, counts, { setId: outcome.manifest.setId, mode: args.mode, dryRun: args.dryRun, steps: countSteps(outcome.plan) });
  return outcome.exitCode;
}

/** The `port|location|field` keys of the passwords a failed restore missed (plan problems and import-time ones). */
function missingSecretKeys(outcome: RestoreOutcome): string[] {
  const keys = new Set<string>();
  const visit = (error: Record<string, unknown>): void => {
    const details = error['details'] as Record<string, unknown> | undefined;
    if (error['code'] !== 'E_SECRET_MISSING' || details === undefined) return;
    const locations = Array.isArray(details['locations']) ? (details['locations'] as Record<string, unknown>[]) : [details];
    for (const l of locations) {
      if (typeof l['port'] === 'string' && typeof l['field'] === 'string') keys.add(secretLocationKey({ port: l['port'], field: l['field'], ...(typeof l['location'] === 'string' ? { location: l['location'] } : {}) }));
    }
  };
  for (const result of outcome.results) for (const error of result.errors) visit(error);
  return [...keys].sort();
}

/**
 * The end of a run that did not restore everything says what to do next, in the caller's words (the CLI's commands,
 * or the module's cmdlets): which passwords to give and the command to run again. An import also says which restored
 * applications BizTalk left Stopped.
 */
async function reportNextSteps(outcome: RestoreOutcome, args: RestoreArgs, target: BizTalkRestoreTarget, out: Output): Promise<void> {
  const setId = outcome.manifest.setId;
  const failed = outcome.results.filter((r) => r.status === 'Failed').map((r) => r.targetName);
  if (failed.length > 0) {
    const file = args.secretsFile ?? '<secrets file>';
    const keys = missingSecretKeys(outcome);
    const again = {
      cli: `btsbackup restore --store ${args.store} --set ${setId}${args.mode === 'install' ? ' --mode install' : ''} --secrets-file ${file}`,
      ps: `Import-BtsAppBackup -Path ${args.store} -SetId ${setId}${args.mode === 'install' ? ' -Mode Install' : ''} -SecretsFile ${file} -SecretsPassphrase $passphrase`,
    };
    const plain = {
      cli: `btsbackup restore --store ${args.store} --set ${setId}${args.mode === 'install' ? ' --mode install' : ''}${args.secretsFile === undefined ? '' : ` --secrets-file ${file}`}`,
      ps: `Import-BtsAppBackup -Path ${args.store} -SetId ${setId}${args.mode === 'install' ? ' -Mode Install' : ''}${args.secretsFile === undefined ? '' : ` -SecretsFile ${file} -SecretsPassphrase $passphrase`}`,
    };
    const which = `${failed.length} application(s) not restored (${failed.join(', ')})`;
    if (keys.length > 0) {
      const json = `{${keys.map((k) => `"${k}": "..."`).join(', ')}}`;
      out.log(
        'warning',
        `Next: ${which}. Give the ${keys.length} missing password(s) ${keys.join(', ')}: pipe ${json} into \`btsbackup secrets set --secrets-file ${file} --store ${args.store} --set ${setId}\`, then run \`${again.cli}\` again (what is restored already stays Unchanged).`,
        `Next: ${which}. Give the ${keys.length} missing password(s) ${keys.join(', ')}: \`Set-BtsAppSecret -Path ${args.store} -SetId ${setId} -SecretsFile ${file} -SecretsPassphrase $passphrase -Values @{ '${keys[0] ?? ''}' = (Read-Host -AsSecureString) }\` (\`Get-BtsAppSecret -Path ${args.store} -SetId ${setId} -SecretsFile ${file} -SecretsPassphrase $passphrase -Missing\` lists them), then run \`${again.ps}\` again (what is restored already stays Unchanged).`,
        'NextStep',
      );
    } else {
      out.log('warning', `Next: ${which}. Fix the problems above, then run \`${plain.cli}\` again (what is restored already stays Unchanged).`, `Next: ${which}. Fix the problems above, then run \`${plain.ps}\` again (what is restored already stays Unchanged).`, 'NextStep');
    }
  }
  if (args.dryRun || args.mode !== 'import') return;
  const restored = new Set(outcome.results.filter((r) => r.status === 'Imported').map((r) => r.targetName.toLowerCase()));
  if (restored.size === 0) return;
  const apps = await target.listApplications().catch(() => []);
  const stopped = apps.filter((a) => restored.has(a.name.toLowerCase()) && a.status === 'Stopped').map((a) => a.name);
  if (stopped.length > 0) {
    out.log('warning', `${stopped.length} restored application(s) are left Stopped, as BizTalk imports them: ${stopped.join(', ')}. Start them once hosts, handlers and passwords are in place (BizTalk Server Administration console).`, undefined, 'ApplicationsStopped');
  }
}

function builder(y: Argv): Argv {
  return nameOptions(groupOptions(y))
    .option('store', { type: 'string', demandOption: true, describe: 'Backup store: a folder or a UNC share' })
    .option('set', { type: 'string', default: 'latest', describe: 'Backup set id, or latest' })
    .option('mode', { choices: ['import', 'install'] as const, default: 'import' as const, describe: 'import: fresh group (ImportApp, references, bindings); install: databases restored, install the MSIs on this server' })
    .option('include-referenced', { type: 'boolean', default: false, describe: 'Also restore every application the selected ones reference' })
    .option('overwrite', { type: 'boolean', default: false, describe: 'Pass /Overwrite to ImportApp for applications that exist and differ' })
    .option('environment', { type: 'string', describe: 'ImportApp /Environment, and the bindings saved for it' })
    .option('install', { type: 'boolean', default: false, describe: 'Import mode: also install each MSI on this server' })
    .option('secrets-file', { type: 'string', describe: 'Encrypted secrets file with the masked binding passwords' })
    .option('passphrase-file', { type: 'string', describe: 'File holding the secrets passphrase (else BIZTALKBACKUP_SECRETS_PASSPHRASE)' })
    .option('allow-missing-secrets', { type: 'boolean', default: false, describe: 'Import bindings whose passwords stay ****** instead of refusing the application' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'Print the plan and change nothing (-WhatIf)' })
    .option('drill', { type: 'boolean', default: false, describe: 'Import into a scratch group (simulator) or under prefixed names, then compare with the backup' })
    .option('drill-prefix', { type: 'string', describe: 'Name prefix for a drill on a live group (default "Drill.")' })
    .option('log-dir', { type: 'string', describe: 'Keep msiexec logs here' });
}

function parse(a: Record<string, unknown>): RestoreArgs {
  return {
    ...groupArgs(a),
    store: String(a['store']),
    set: typeof a['set'] === 'string' ? a['set'] : 'latest',
    mode: a['mode'] === 'install' ? 'install' : 'import',
    name: arrayOf(a['name']),
    excludeName: arrayOf(a['excludeName']),
    includeReferenced: a['includeReferenced'] === true,
    overwrite: a['overwrite'] === true,
    ...(typeof a['environment'] === 'string' ? { environment: a['environment'] } : {}),
    install: a['install'] === true,
    ...(typeof a['secretsFile'] === 'string' ? { secretsFile: a['secretsFile'] } : {}),
    ...(typeof a['passphraseFile'] === 'string' ? { passphraseFile: a['passphraseFile'] } : {}),
    allowMissingSecrets: a['allowMissingSecrets'] === true,
    dryRun: a['dryRun'] === true,
    drill: a['drill'] === true,
    ...(typeof a['drillPrefix'] === 'string' ? { drillPrefix: a['drillPrefix'] } : {}),
    ...(typeof a['logDir'] === 'string' ? { logDir: a['logDir'] } : {}),
  };
}

export const restoreCommand: CliCommand = {
  command: 'restore',
  describe: 'Restore applications from a backup set into a group (import) or onto this server (install)',
  builder,
  run: (a, o) => runRestore(parse(a), o, 'restore'),
};

/** Import-BtsAppBackup calls `import`: the same command under the name the PowerShell wrapper uses. */
export const importCommand: CliCommand = {
  command: 'import',
  describe: 'Same as restore (the name Import-BtsAppBackup uses)',
  builder,
  run: (a, o) => runRestore(parse(a), o, 'import'),
};
