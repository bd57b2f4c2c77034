#!/usr/bin/env node
import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { BtsBackupError } from '../errors/index.js';
import { runExport } from './commands/export.js';
import { runInventory } from './commands/inventory.js';
import { runList } from './commands/list.js';
import { runShow } from './commands/show.js';
import { runSimulatorInit } from './commands/simulator.js';
import { Output, toTyped } from './output.js';

/**
 * btsbackup: the command line of BizTalkBackup. The PowerShell module calls it with `--request <file.json> --json`;
 * people call it directly. This file is the only place that parses arguments and sets the exit code.
 */
type Handler = (args: Record<string, unknown>, out: Output) => Promise<number>;

const arrayOf = (value: unknown): string[] => (value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(String));

function groupOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('simulator', { type: 'boolean', describe: 'Use the embedded simulated sample group (no BizTalk needed)' })
    .option('simulator-state', { type: 'string', describe: 'Use a simulated group kept in this state file' })
    .option('server', { type: 'string', describe: 'SQL Server instance of BizTalkMgmtDb' })
    .option('database', { type: 'string', describe: 'Management database name (default BizTalkMgmtDb)' })
    .option('btstask', { type: 'string', describe: 'Path of BTSTask.exe' })
    .option('btstask-timeout', { type: 'number', describe: 'Seconds before a BTSTask call is killed', default: 3600 });
}

function nameOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('name', { type: 'string', array: true, describe: 'Applications to include (wildcards * ? [])' })
    .option('exclude-name', { type: 'string', array: true, describe: 'Applications to leave out (wildcards)' });
}

export async function main(argv: string[], streams = { stdout: process.stdout, stderr: process.stderr, isTTY: process.stderr.isTTY === true }): Promise<number> {
  let exitCode = 0;
  let out = new Output({ json: argv.includes('--json'), verbose: argv.includes('--verbose') }, streams);
  const run = (command: string, handler: Handler) => async (args: Record<string, unknown>): Promise<void> => {
    out = new Output({ json: args['json'] === true, verbose: args['verbose'] === true }, streams);
    try {
      exitCode = await handler(args, out);
    } catch (error) {
      const typed = toTyped(error);
      out.error(typed);
      exitCode = typed.exitCode;
      out.summary(command, exitCode, {}, { error: typed.code });
    }
  };

  const parser = yargs(argv)
    .scriptName('btsbackup')
    .usage('$0 <command> [options]\n\nBack up and restore BizTalk Server applications: MSIs, bindings and the DLLs they need.')
    .option('json', { type: 'boolean', describe: 'Write NDJSON: results and summary on stdout; progress, logs, errors on stderr' })
    .option('verbose', { type: 'boolean', describe: 'Say more' })
    .config('request', 'A JSON file of options (camelCase keys), as the PowerShell module passes them')
    .command(
      'inventory',
      'List the applications of a BizTalk group',
      (y) => nameOptions(groupOptions(y)),
      run('inventory', (a, o) => runInventory({ ...groupArgs(a), name: arrayOf(a['name']), excludeName: arrayOf(a['excludeName']) }, o)),
    )
    .command(
      'export',
      'Back up every changed application into a store',
      (y) =>
        nameOptions(groupOptions(y))
          .option('store', { type: 'string', describe: 'Backup store: a folder or a UNC share', demandOption: true })
          .option('include-path', { type: 'string', array: true, describe: 'Extra files or folders to keep with the backup' })
          .option('full', { type: 'boolean', default: false, describe: 'Export every application, changed or not' })
          .option('dry-run', { type: 'boolean', default: false, describe: 'Print the plan and change nothing (-WhatIf)' })
          .option('force', { type: 'boolean', default: false, describe: "Break another host's lock on the store" }),
      run('export', (a, o) =>
        runExport(
          {
            ...groupArgs(a),
            store: String(a['store']),
            name: arrayOf(a['name']),
            excludeName: arrayOf(a['excludeName']),
            includePath: arrayOf(a['includePath']),
            full: a['full'] === true,
            dryRun: a['dryRun'] === true,
            force: a['force'] === true,
          },
          o,
        ),
      ),
    )
    .command(
      'list',
      'List the backup sets in a store',
      (y) => y.option('store', { type: 'string', demandOption: true, describe: 'Backup store' }).option('name', { type: 'string', array: true, describe: 'Only sets holding these applications' }),
      run('list', (a, o) => runList({ store: String(a['store']), name: arrayOf(a['name']) }, o)),
    )
    .command(
      'show [set]',
      "Show one backup set's manifest",
      (y) => y.positional('set', { type: 'string', describe: 'Set id, or latest' }).option('store', { type: 'string', demandOption: true, describe: 'Backup store' }),
      run('show', (a, o) => runShow({ store: String(a['store']), set: a['set'] === undefined ? 'latest' : String(a['set']) }, o)),
    )
    .command('simulator <action>', 'Manage a simulated BizTalk group', (y) =>
      y.command(
        'init',
        'Write the sample group to a state file',
        (z) => z.option('state', { type: 'string', demandOption: true, describe: 'State file to write' }).option('force', { type: 'boolean', default: false }),
        run('simulator init', (a, o) => runSimulatorInit({ state: String(a['state']), force: a['force'] === true }, o)),
      ),
    )
    .demandCommand(1, 'Name a command: inventory, export, list, show.')
    .strict()
    .recommendCommands()
    .help()
    .version(false)
    .fail((message, error) => {
      if (error !== undefined && error !== null) throw error;
      const usage = new BtsBackupError('E_USAGE', message ?? 'Invalid command line.', { hint: 'Run `btsbackup --help` for the commands and their options.' });
      out.error(usage);
      out.summary('usage', 2, {}, { error: 'E_USAGE' });
      exitCode = 2;
    })
    .wrap(Math.min(110, process.stdout.columns ?? 110));

  try {
    await parser.parseAsync();
  } catch (error) {
    const typed = toTyped(error);
    out.error(typed);
    exitCode = typed.exitCode;
  }
  return exitCode;
}

function groupArgs(a: Record<string, unknown>): { simulator?: boolean; simulatorState?: string; server?: string; database?: string; btstask?: string; btstaskTimeout?: number } {
  return {
    ...(a['simulator'] === true ? { simulator: true } : {}),
    ...(typeof a['simulatorState'] === 'string' ? { simulatorState: a['simulatorState'] } : {}),
    ...(typeof a['server'] === 'string' ? { server: a['server'] } : {}),
    ...(typeof a['database'] === 'string' ? { database: a['database'] } : {}),
    ...(typeof a['btstask'] === 'string' ? { btstask: a['btstask'] } : {}),
    ...(typeof a['btstaskTimeout'] === 'number' ? { btstaskTimeout: a['btstaskTimeout'] } : {}),
  };
}

process.exitCode = await main(hideBin(process.argv));
