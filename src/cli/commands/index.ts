import type { CliCommand } from '../command.js';
import { arrayOf, groupArgs, groupOptions, nameOptions } from '../command.js';
import { DEFAULT_RECHECK_DAYS } from '../../core/recheck.js';
import { BtsBackupError, hints } from '../../errors/index.js';
import { runExport } from './export.js';
import { inspectCommand } from './inspect.js';
import { runInventory } from './inventory.js';
import { runList } from './list.js';
import { runShow } from './show.js';
import { runSimulatorInit } from './simulator.js';
import { verifyCommand } from './verify.js';
import { compareCommand } from './compare.js';
import { pruneCommand } from './prune.js';
import { importCommand, restoreCommand } from './restore.js';
import { secretsCommand } from './secrets.js';
import { logCommand } from './log.js';
import { reportCommand } from './report.js';

const inventory: CliCommand = {
  command: 'inventory',
  describe: 'List the applications of a BizTalk group',
  builder: (y) => nameOptions(groupOptions(y)),
  run: (a, o) => runInventory({ ...groupArgs(a), name: arrayOf(a['name']), excludeName: arrayOf(a['excludeName']) }, o),
};

const exportCommand: CliCommand = {
  command: 'export',
  describe: 'Back up every changed application into a store',
  builder: (y) =>
    nameOptions(groupOptions(y))
      .option('store', { type: 'string', describe: 'Backup store: a folder or a UNC share', demandOption: true })
      .option('include-path', { type: 'string', array: true, describe: 'Extra files or folders to keep with the backup' })
      .option('full', { type: 'boolean', default: false, describe: 'Export every application, changed or not' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'Print the plan and change nothing (-WhatIf)' })
      .option('force', { type: 'boolean', default: false, describe: 'Do not ask (PowerShell -Force); never breaks a lock' })
      .option('break-lock', { type: 'string', describe: 'Break the live lock with this token (printed by E_LOCK_HELD); that run loses its work' })
      .option('recheck-days', {
        type: 'number',
        default: DEFAULT_RECHECK_DAYS,
        describe: 'Through BTSTask (which lists resources without their content), export each application again once in this many days and store it if its content changed; 0: never',
      }),
  run: (a, o) =>
    runExport(
      {
        ...groupArgs(a),
        store: String(a['store']),
        name: arrayOf(a['name']),
        excludeName: arrayOf(a['excludeName']),
        includePath: arrayOf(a['includePath']),
        full: a['full'] === true,
        dryRun: a['dryRun'] === true,
        ...(typeof a['breakLock'] === 'string' ? { breakLock: a['breakLock'] } : {}),
        recheckDays: recheckDays(a['recheckDays']),
      },
      o,
    ),
};

/** --recheck-days: a whole number of days, 0 (never) to 366. */
function recheckDays(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 366) return value;
  throw new BtsBackupError('E_USAGE', `--recheck-days takes a whole number of days from 0 (never) to 366, not ${JSON.stringify(value)}.`, { target: '--recheck-days', hint: hints.usage });
}

const list: CliCommand = {
  command: 'list',
  describe: 'List the backup sets in a store',
  builder: (y) => y.option('store', { type: 'string', demandOption: true, describe: 'Backup store' }).option('name', { type: 'string', array: true, describe: 'Only sets holding these applications' }),
  run: (a, o) => runList({ store: String(a['store']), name: arrayOf(a['name']) }, o),
};

const show: CliCommand = {
  command: 'show [set]',
  describe: "Show one backup set's manifest",
  builder: (y) => y.positional('set', { type: 'string', describe: 'Set id, or latest' }).option('store', { type: 'string', demandOption: true, describe: 'Backup store' }),
  run: (a, o) => runShow({ store: String(a['store']), set: a['set'] === undefined ? 'latest' : String(a['set']) }, o),
};

const simulatorInit: CliCommand = {
  command: 'simulator-init',
  describe: 'Write the simulated sample group to a state file (to keep and change it between runs)',
  builder: (y) => y.option('state', { type: 'string', demandOption: true, describe: 'State file to write' }).option('force', { type: 'boolean', default: false, describe: 'Overwrite' }),
  run: (a, o) => runSimulatorInit({ state: String(a['state']), force: a['force'] === true }, o),
};

/** Every command of the CLI, in the order --help lists them. Add new commands here. */
export const commands: CliCommand[] = [inventory, exportCommand, list, show, inspectCommand, simulatorInit, verifyCommand, compareCommand, pruneCommand, restoreCommand, importCommand, secretsCommand, logCommand, reportCommand];
