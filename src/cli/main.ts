#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { BtsBackupError } from '../errors/index.js';
import { commands } from './commands/index.js';
import { Interruption } from './interrupt.js';
import { Output, toTyped, type OutputStreams } from './output.js';

/**
 * btsbackup: the command line of BizTalkBackup. The PowerShell module calls it with `--request <file.json> --json`;
 * people call it directly. This file is the only place that parses arguments and sets the exit code.
 */
export async function main(argv: string[], streams: OutputStreams): Promise<number> {
  let exitCode = 0;
  let commandName = 'usage';
  let out = new Output({ json: argv.includes('--json'), verbose: argv.includes('--verbose') }, streams);
  const parser = yargs(argv)
    .scriptName('btsbackup')
    .usage('$0 <command> [options]\n\nBack up and restore BizTalk Server applications: MSIs, bindings and the DLLs they need.')
    .option('json', { type: 'boolean', describe: 'Write NDJSON: results and summary on stdout; progress, logs, errors on stderr' })
    .option('verbose', { type: 'boolean', describe: 'Say more' })
    .config('request', 'A JSON file of options (camelCase keys), as the PowerShell module passes them')
    .demandCommand(1, 'Name a command: inventory, export, list, show, ...')
    .strict()
    .recommendCommands()
    .help()
    .version(false)
    .fail((message, error) => {
      // Throwing stops yargs before any handler runs.
      throw error ?? new BtsBackupError('E_USAGE', message ?? 'Invalid command line.', { hint: 'Run `btsbackup --help` for the commands and their options.' });
    })
    .wrap(Math.min(110, process.stdout.columns ?? 110));
  const interruption = new Interruption((signal) => out.log('warning', `${signal} received: stopping after the current step (press Ctrl-C again to stop at once).`));
  for (const command of commands) {
    parser.command(command.command, command.describe, command.builder, async (args: Record<string, unknown>) => {
      commandName = command.command.split(' ')[0] ?? command.command;
      out = new Output({ json: args['json'] === true, verbose: args['verbose'] === true }, streams);
      out.checkpoint = () => interruption.check();
      exitCode = await command.run(args, out);
    });
  }
  interruption.install();
  try {
    await parser.parseAsync();
  } catch (error) {
    const typed = toTyped(error);
    out.error(typed);
    exitCode = typed.exitCode;
    out.summary(commandName, exitCode, {}, { error: typed.code });
  } finally {
    interruption.uninstall();
  }
  return exitCode;
}

process.exitCode = await main(hideBin(process.argv), { stdout: process.stdout, stderr: process.stderr, isTTY: process.stderr.isTTY === true });
