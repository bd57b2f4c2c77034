#!/usr/bin/env node
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { BtsBackupError, hints } from '../errors/index.js';
import { sweepTempAreas } from '../adapters/temp/temp-area.js';
import { commands } from './commands/index.js';
import { Interruption } from './interrupt.js';
import { Output, toTyped, type OutputStreams } from './output.js';
import { endIfCallsAbandoned, runStop } from './run-stop.js';
import { loggedOperation, writeRunRecord } from './run-log.js';
import { readFileSync } from 'node:fs';
import { checkOptionTypes, type DeclaredOptions } from './option-types.js';

/**
 * btsbackup: the command line of BizTalkBackup. The PowerShell module calls it with `--request <file.json> --json`;
 * people call it directly. This file is the only place that parses arguments and sets the exit code.
 */
export async function main(argv: string[], given: OutputStreams): Promise<number> {
  let exitCode = 0;
  let commandName = 'usage';
  const closing = new ClosedOutput(given);
  const streams = closing.streams;
  let out = new Output({ json: argv.includes('--json'), verbose: argv.includes('--verbose') }, streams);
  let requested: Record<string, unknown> | undefined;
  const parser = yargs(argv)
    .scriptName('btsbackup')
    .usage('$0 <command> [options]\n\nBack up and restore BizTalk Server applications: MSIs, bindings and the DLLs they need.')
    .option('json', { type: 'boolean', describe: 'Write NDJSON: results and summary on stdout; progress, logs, errors on stderr' })
    .option('verbose', { type: 'boolean', describe: 'Say more' })
    .option('stdin-channel', { choices: ['stop', 'input-then-stop'] as const, hidden: true, describe: 'Standard input is the stop channel (the PowerShell module): a `stop` line or its end stops the run like Ctrl-C' })
    // The file is read once, here: yargs takes its options, and the type check sees the switches as the file wrote them.
    .config('request', 'A JSON file of options (camelCase keys), as the PowerShell module passes them', (file: string) => (requested = readRequestFile(file)))
    .demandCommand(1, 'Name a command: inventory, export, list, show, ...')
    .strict()
    .recommendCommands()
    .help()
    .version(false)
    .fail((message, error) => {
      // Throwing stops yargs before any handler runs.
      // yargs' own errors (a --request file that is not JSON) are usage errors, not bugs.
      if (error?.name === 'YError') throw new BtsBackupError('E_USAGE', error.message, { hint: hints.usage, cause: error });
      throw error ?? new BtsBackupError('E_USAGE', message ?? 'Invalid command line.', { hint: hints.usage });
    })
    .wrap(Math.min(110, process.stdout.columns ?? 110));
  const interruption = new Interruption((reason) => {
    // Calls that can block without reaching an application boundary (ExplorerOM) give up at once.
    runStop.abort(reason);
    out.log('warning', reason.startsWith('SIG') ? `${reason} received: stopping after the current step (press Ctrl-C again to stop at once).` : `Stop requested (${reason}): stopping after the current step; the store lock is released and nothing is committed.`, undefined, 'StopRequested');
  });
  for (const command of commands) {
    parser.command(command.command, command.describe, command.builder, async (args: Record<string, unknown>) => {
      commandName = command.command.split(' ')[0] ?? command.command;
      checkOptionTypes(args, (parser as unknown as { getOptions(): DeclaredOptions }).getOptions(), requested);
      out = new Output({ json: args['json'] === true, verbose: args['verbose'] === true }, streams);
      // Every command first removes the temp areas of runs that died (kill -9, power loss): no clear-text secret
      // staged by one of them outlives the start of the next run.
      const swept = await sweepTempAreas();
      if (swept.length > 0) out.log('verbose', `Removed ${swept.length} temp folder(s) left by runs that ended abruptly.`);
      out.checkpoint = () => {
        closing.check();
        interruption.check();
      };
      const channel = args['stdinChannel'];
      if (channel === 'stop' || channel === 'input-then-stop') {
        const input = interruption.watch(process.stdin, channel);
        if (input !== undefined) out.input = input;
      }
      // Export, verify, prune and restore leave one record in the store's run log, also when they fail or are stopped.
      const operation = loggedOperation(commandName, args);
      const start = new Date();
      let failure: unknown;
      try {
        exitCode = await command.run(args, out);
      } catch (error) {
        failure = error;
        throw error;
      } finally {
        if (operation !== undefined) {
          const typed = failure === undefined ? undefined : toTyped(failure);
          await writeRunRecord(operation, args, start, typed?.exitCode ?? exitCode, out, typed === undefined ? [] : [typed.code]);
        }
      }
    });
  }
  interruption.install();
  try {
    await parser.parseAsync();
  } catch (error) {
    const typed = toTyped(error);
    exitCode = typed.exitCode;
    // A reader that closed stdout (`| head -1`) wanted no more: end quietly, no error text for nobody to read.
    if (!closing.closed) {
      out.error(typed);
      out.summary(commandName, exitCode, {}, { error: typed.code });
    }
  } finally {
    interruption.uninstall();
  }
  return exitCode;
}

/**
 * stdout closed by its reader (`btsbackup inspect x.dll | head -1`, a stopped PowerShell pipeline): the write fails
 * with EPIPE, which unhandled is a stack trace. Instead further output is dropped and the command stops at its next
 * checkpoint (between applications), so its `finally` blocks still release the lock and remove staging.
 */
class ClosedOutput {
  /** stdout was closed by its reader. */
  closed = false;
  private stderrClosed = false;
  readonly streams: OutputStreams;

  constructor(given: OutputStreams) {
    const isClosedPipe = (error: unknown): boolean => {
      const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
      return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ECONNRESET';
    };
    given.stdout.on('error', (error) => {
      if (isClosedPipe(error)) this.closed = true;
    });
    given.stderr.on('error', (error) => {
      if (isClosedPipe(error)) this.stderrClosed = true;
    });
    const guard = (stream: NodeJS.WritableStream, isClosed: () => boolean): NodeJS.WritableStream =>
      new Proxy(stream, {
        get: (target, property) => {
          if (property === 'write') return (chunk: string) => (isClosed() ? true : target.write(chunk));
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
    this.streams = { stdout: guard(given.stdout, () => this.closed), stderr: guard(given.stderr, () => this.stderrClosed), isTTY: given.isTTY };
  }

  check(): void {
    if (this.closed) {
      throw new BtsBackupError('E_INTERRUPTED', 'The output was closed by its reader; stopping.', { hint: 'Nothing half-written was kept.' });
    }
  }
}

process.exitCode = await main(hideBin(process.argv), { stdout: process.stdout, stderr: process.stderr, isTTY: process.stderr.isTTY === true });
endIfCallsAbandoned(process.exitCode);

/** A --request file: a JSON object of options; anything else is a usage error naming the file. */
function readRequestFile(file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new BtsBackupError('E_USAGE', `The request file ${file} cannot be read as JSON.`, { target: file, hint: hints.usage, cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BtsBackupError('E_USAGE', `The request file ${file} is not a JSON object of options.`, { target: file, hint: hints.usage });
  return value as Record<string, unknown>;
}
