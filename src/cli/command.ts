import type { Argv } from 'yargs';
import { BtsBackupError } from '../errors/index.js';
import type { GroupOptions } from './context.js';
import type { Output } from './output.js';

/**
 * One CLI command. `run` gets the parsed arguments (camelCase keys) and returns the exit code; it throws
 * BtsBackupError for anything the user must hear about. Register it in commands/index.ts.
 */
export interface CliCommand {
  /** yargs command string, e.g. 'show [set]'. */
  command: string;
  describe: string;
  builder: (y: Argv) => Argv;
  run: (args: Record<string, unknown>, out: Output) => Promise<number>;
}

export const arrayOf = (value: unknown): string[] => (value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(String));

export function groupOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('backend', {
      choices: ['auto', 'deployment-api', 'btstask', 'simulator'] as const,
      default: 'auto',
      describe: 'BizTalk back end: auto = deployment API in process > deployment API in the 32-bit helper > BTSTask per call (simulator off a BizTalk server)',
    })
    .option('simulator', { type: 'boolean', describe: 'Use the embedded simulated sample group (no BizTalk needed)' })
    .option('simulator-state', { type: 'string', describe: 'Use a simulated group kept in this state file' })
    .option('server', { type: 'string', describe: 'SQL Server instance of BizTalkMgmtDb' })
    .option('database', { type: 'string', describe: 'Management database name (default BizTalkMgmtDb)' })
    .option('btstask', { type: 'string', describe: 'Path of BTSTask.exe' })
    .option('btstask-timeout', { type: 'number', describe: 'Seconds before a BTSTask call is killed', default: 3600 })
    .option('catalog', { choices: ['auto', 'explorerom', 'btstask'] as const, describe: 'Where application facts come from on a real group', default: 'auto' })
    .option('explorerom', { type: 'string', describe: 'Path of Microsoft.BizTalk.ExplorerOM.dll' })
    .option('explorerom-timeout', { type: 'number', describe: 'Seconds an ExplorerOM call may take before it is given up (default 300)' });
}

export function nameOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('name', { type: 'string', array: true, describe: 'Applications to include (wildcards * ? [])' })
    .option('exclude-name', { type: 'string', array: true, describe: 'Applications to leave out (wildcards)' });
}

export function groupArgs(a: Record<string, unknown>): GroupOptions {
  return {
    ...(a['catalog'] === 'explorerom' || a['catalog'] === 'btstask' || a['catalog'] === 'auto' ? { catalog: a['catalog'] } : {}),
    ...(typeof a['explorerom'] === 'string' ? { explorerom: a['explorerom'] } : {}),
    ...(a['backend'] === 'auto' || a['backend'] === 'deployment-api' || a['backend'] === 'btstask' || a['backend'] === 'simulator' ? { backend: a['backend'] } : {}),
    ...(a['simulator'] === true ? { simulator: true } : {}),
    ...(typeof a['simulatorState'] === 'string' ? { simulatorState: a['simulatorState'] } : {}),
    ...(typeof a['server'] === 'string' ? { server: a['server'] } : {}),
    ...(typeof a['database'] === 'string' ? { database: a['database'] } : {}),
    ...(typeof a['btstask'] === 'string' ? { btstask: a['btstask'] } : {}),
    ...(typeof a['btstaskTimeout'] === 'number' ? { btstaskTimeout: a['btstaskTimeout'] } : {}),
    ...(a['exploreromTimeout'] === undefined ? {} : { exploreromTimeout: positiveSeconds(a['exploreromTimeout'], '--explorerom-timeout') }),
  };
}

function positiveSeconds(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new BtsBackupError('E_USAGE', `${option} must be a number of seconds greater than 0.`, { hint: `For example ${option} 600.` });
  }
  return value;
}
