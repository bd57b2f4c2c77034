#!/usr/bin/env node
/**
 * A stand-in for BTSTask.exe over the simulated group, for the real BTSTask adapter's tests:
 *   node dist/src/adapters/simulator/btstask-emulator.js [--culture de-DE] [--codepage 850] <BTSTask arguments>
 * State: the JSON file named by BIZTALKBACKUP_SIM_STATE. GAC: BIZTALKBACKUP_SIM_GAC (default `<state>.gac` beside it).
 * Prints what BTSTask prints (banner, Information:/Warning:/Error: lines, summary) and exits with the error count.
 * `--culture de-DE` (or BIZTALKBACKUP_SIM_CULTURE) prints the German resources a German server prints (`Fehler:`,
 * `Der Befehl ist mit 1 Fehlern ... fehlgeschlagen.`); `--codepage 850` (or BIZTALKBACKUP_SIM_CODEPAGE) writes the
 * output in that OEM code page, as a .NET Framework console program does when its output is redirected (`Süd` is
 * `S\x81d` in 850; characters the page lacks become `?`). Arguments are taken as .NET hands them to BTSTask: quotes
 * still in an argv element are part of the value.
 * Faults in the state make a command fail, hang or slow down. With BIZTALKBACKUP_SIM_PIDFILE set, a hang also
 * starts a child process and writes both pids there, so tests can check that the whole tree is killed.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BtsBackupError, isBtsBackupError } from '../../errors/index.js';
import { encodeConsoleText, isKnownCodePage } from '../btstask/console-text.js';
import { commandUsage, parseBtsTaskArguments } from './btstask-grammar.js';
import { CULTURES, type EmulatorCulture } from './btstask-emulator-culture.js';
import { EmulatorLog, emulatorCommands, type EmulatorLine } from './btstask-emulator-commands.js';

export type { EmulatorCulture } from './btstask-emulator-culture.js';
import { SimulatedGroup } from './simulated-group.js';

export interface EmulatorRun {
  exitCode: number;
  stdout: string;
}

const DEFAULT_VERSION = '3.13.717.0';

export function banner(version: string, culture: EmulatorCulture = 'en-US'): string[] {
  return [`Microsoft (R) BizTalk Application Deployment Utility Version ${version}`, CULTURES[culture].copyright, ''];
}

/** Formats the log the way BTSTask prints it, CRLF line ends, ending with the summary line. */
export function formatOutput(version: string, lines: readonly EmulatorLine[], culture: EmulatorCulture = 'en-US'): string {
  const text = CULTURES[culture];
  const errors = lines.filter((l) => l.kind === 'Error').length;
  const warnings = lines.filter((l) => l.kind === 'Warning').length;
  const body = lines.map((line) => (line.kind === 'text' || line.kind === 'blank' ? line.text : `${text.prefix[line.kind]}: ${line.text}`));
  const summary = errors === 0 ? text.succeeded(warnings) : text.failed(errors, warnings);
  return `${[...banner(version, culture), ...body, summary].join('\r\n')}\r\n`;
}

export interface EmulatorSettings {
  culture: EmulatorCulture;
  /** The code page stdout is written in; undefined: UTF-8. */
  codePage: number | undefined;
  /** The BTSTask arguments that follow the emulator's own options. */
  argv: string[];
}

/**
 * The emulator's own options, before the BTSTask command (`--culture de-DE`, `--codepage 850`), with
 * BIZTALKBACKUP_SIM_CULTURE / BIZTALKBACKUP_SIM_CODEPAGE as fallbacks (the CLI's --btstask cannot pass arguments).
 */
export function readEmulatorSettings(argv: readonly string[], env: NodeJS.ProcessEnv): EmulatorSettings {
  let culture = env['BIZTALKBACKUP_SIM_CULTURE'];
  let codePage = env['BIZTALKBACKUP_SIM_CODEPAGE'];
  let i = 0;
  for (; i < argv.length; i += 2) {
    if (argv[i] === '--culture') culture = argv[i + 1];
    else if (argv[i] === '--codepage') codePage = argv[i + 1];
    else break;
  }
  const chosen: EmulatorCulture = culture !== undefined && culture.toLowerCase().startsWith('de') ? 'de-DE' : 'en-US';
  const page = codePage !== undefined && /^\d+$/.test(codePage) && isKnownCodePage(Number(codePage)) ? Number(codePage) : undefined;
  return { culture: chosen, codePage: page, argv: argv.slice(i) };
}

/** Runs one emulated BTSTask invocation. Never throws: every failure becomes Error: lines and the exit code. */
export async function runEmulator(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string, culture: EmulatorCulture = 'en-US'): Promise<EmulatorRun> {
  const log = new EmulatorLog();
  let version = DEFAULT_VERSION;
  let exitCode: number | undefined;
  const parsed = parseBtsTaskArguments(argv);
  if (!parsed.ok) {
    for (const error of parsed.problem.errors) log.error(error);
    if (parsed.problem.usage !== undefined) {
      log.blank();
      log.text(`Usage: ${parsed.problem.usage}`);
      log.blank();
    }
    return { exitCode: log.count('Error'), stdout: formatOutput(version, log.lines, culture) };
  }
  const { invocation } = parsed;
  const command = emulatorCommands[invocation.command.name];
  const usageErrors = command?.usageErrors?.(invocation) ?? [];
  if (usageErrors.length > 0) {
    for (const error of usageErrors) log.error(error);
    log.blank();
    log.text(`Usage: ${commandUsage(invocation.command)}`);
    log.blank();
    return { exitCode: log.count('Error'), stdout: formatOutput(version, log.lines, culture) };
  }
  const stateFile = env['BIZTALKBACKUP_SIM_STATE'];
  if (stateFile === undefined || stateFile === '') {
    log.error('The simulated group state is not configured: set BIZTALKBACKUP_SIM_STATE to the state file.');
    return { exitCode: 1, stdout: formatOutput(version, log.lines, culture) };
  }
  const statePath = path.resolve(cwd, stateFile);
  try {
    const group = await SimulatedGroup.fromFile(statePath, { gacRoot: env['BIZTALKBACKUP_SIM_GAC'] ?? `${statePath}.gac` });
    version = group.state.group.biztalkVersion;
    checkConnection(group, invocation.values.get('Server'), invocation.values.get('Database'));
    if (command === undefined) {
      log.error(`The ${invocation.command.name} command is not emulated. Usage: ${commandUsage(invocation.command)}`);
    } else {
      const named = invocation.values.get('ApplicationName');
      const groupLevel = command.groupLevel?.(invocation) === true;
      // The trap, as BTSTask has it: no /ApplicationName means the default application, silently (not with /GroupLevel).
      const application = command.applicationScoped && !groupLevel ? (typeof named === 'string' ? named : group.defaultApplication().name) : undefined;
      const faults = group.faultsFor(invocation.command.name, application, { groupLevel });
      if (faults.some((fault) => fault.hang === true)) await startHang(env);
      await group.applyFaults(invocation.command.name, application, { groupLevel });
      await command.run({ group, invocation, application, log, cwd, culture, saveState: () => group.saveTo(statePath) });
    }
  } catch (error) {
    const details = isBtsBackupError(error) ? error.details : undefined;
    const lines = Array.isArray(details?.['errors']) ? (details['errors'] as unknown[]).map(String) : [error instanceof Error ? error.message : String(error)];
    for (const line of lines) log.error(line);
    if (typeof details?.['exitCode'] === 'number') exitCode = details['exitCode'];
  }
  return { exitCode: exitCode ?? log.count('Error'), stdout: formatOutput(version, log.lines, culture) };
}

/** A wrong /Server or /Database fails the way BTSTask does when it cannot reach the management database. */
function checkConnection(group: SimulatedGroup, server: string | true | undefined, database: string | true | undefined): void {
  const g = group.state.group;
  const badServer = typeof server === 'string' && server.toLowerCase() !== g.server.toLowerCase();
  const badDatabase = typeof database === 'string' && database.toLowerCase() !== g.database.toLowerCase();
  if (!badServer && !badDatabase) return;
  const s = typeof server === 'string' ? server : g.server;
  const d = typeof database === 'string' ? database : g.database;
  const errors = [
    `Unable to validate the given database "${d}" and server "${s}".\r\n` +
      (badServer
        ? 'A network-related or instance-specific error occurred while establishing a connection to SQL Server. The server was not found or was not accessible.'
        : `Cannot open database "${d}" requested by the login. The login failed.`),
  ];
  throw new BtsBackupError('E_BTSTASK_FAILED', errors[0] ?? 'Cannot connect.', { details: { command: 'connect', exitCode: errors.length, errors } });
}

/** Keeps the process alive for a hang fault; with a pid file, also starts a child so the tree has two levels. */
async function startHang(env: NodeJS.ProcessEnv): Promise<void> {
  setInterval(() => undefined, 1 << 30);
  const pidFile = env['BIZTALKBACKUP_SIM_PIDFILE'];
  if (pidFile === undefined || pidFile === '') return;
  const child = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1 << 30)'], { stdio: 'ignore' });
  await fs.writeFile(pidFile, `${process.pid}\n${child.pid ?? ''}\n`, 'utf8');
}

async function main(): Promise<void> {
  const settings = readEmulatorSettings(process.argv.slice(2), process.env);
  const run = await runEmulator(settings.argv, process.env, process.cwd(), settings.culture);
  process.stdout.write(encodeConsoleText(run.stdout, settings.codePage));
  process.exitCode = run.exitCode;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  void main();
}
