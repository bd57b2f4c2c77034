import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildRunRecord, type RunOperation } from '../core/run-record.js';
import { appendRunRecord } from '../adapters/store/run-log.js';
import { StoreLayout } from '../adapters/store/store-layout.js';
import { currentUser, toolVersion } from './context.js';
import type { Output } from './output.js';

const LOGGED: ReadonlySet<string> = new Set(['export', 'verify', 'prune', 'restore', 'import']);

/** The run-log operation of a command, or undefined when it writes no record (reads, dry runs: they change nothing). */
export function loggedOperation(commandName: string, args: Record<string, unknown>): RunOperation | undefined {
  if (!LOGGED.has(commandName) || args['dryRun'] === true || typeof args['store'] !== 'string' || args['store'] === '') return undefined;
  if (args['drill'] === true) return 'drill';
  return commandName as RunOperation;
}

/**
 * Writes the run's record into the store it ran against, when that store exists (a run that failed before creating
 * one has nowhere to write), and hands it to the caller as a `run` line. A failure to write is a warning, never the
 * run's result.
 */
export async function writeRunRecord(operation: RunOperation, args: Record<string, unknown>, start: Date, exitCode: number, out: Output, extraErrorCodes: string[] = []): Promise<void> {
  const root = path.resolve(String(args['store']));
  const tool = toolVersion();
  const record = buildRunRecord({
    operation,
    start,
    end: new Date(),
    exitCode,
    ...(out.facts.counts === undefined ? {} : { counts: out.facts.counts }),
    setId: out.facts.setId,
    warnings: out.facts.warnings,
    warningCodes: out.facts.warningCodes,
    errorCodes: [...out.facts.errorCodes, ...extraErrorCodes],
    host: os.hostname(),
    user: currentUser(),
    tool: tool.name,
    toolVersion: tool.version,
  });
  // The same record goes to the caller (the module's -EventLog) also when there is no store to hold it: a run that
  // cannot reach its store is what an operator most needs to hear about.
  out.run(record);
  if (!existsSync(new StoreLayout(root).marker)) return;
  try {
    await appendRunRecord(root, record);
  } catch (error) {
    const code = typeof error === 'object' && error !== null ? String((error as { code?: unknown }).code ?? 'unknown') : 'unknown';
    out.log('warning', `The run log in ${root}${path.sep}logs could not be written (${code}); the run itself is unaffected.`, undefined, 'RunLogUnwritable');
  }
}
