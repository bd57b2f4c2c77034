#!/usr/bin/env node
/**
 * The simulator's ExportApp and ExportBindings as a process, for the .NET deployment stand-in
 * (tests/fixtures/explorerom-standin: Application.Export and BindingInfo.SaveXml call it), so the stand-in writes the
 * same real MSIs and masked bindings as the simulator without a second MSI writer:
 *   node simulated-export.js export <state file> <application> <package path> <resources: "type\tluid" lines>
 *   node simulated-export.js bindings <state file> <application> <destination>
 * The GAC is `<state file>.gac`; faults in the state apply as they do to the simulator. Failure: the message on stderr,
 * exit code 1.
 */
import { pathToFileURL } from 'node:url';
import { isBtsBackupError } from '../../errors/index.js';
import type { ResourceRef } from '../../ports/biztalk-group.js';
import { SimulatedGroup } from './simulated-group.js';

export async function runSimulatedExport(argv: readonly string[]): Promise<void> {
  const [command, stateFile, application, target, spec] = argv;
  if (stateFile === undefined || application === undefined || target === undefined) throw new Error('usage: export|bindings <state file> <application> <path> [resources]');
  const group = await SimulatedGroup.fromFile(stateFile, { gacRoot: `${stateFile}.gac` });
  if (command === 'bindings') {
    await group.exportBindings(application, target);
    return;
  }
  if (command !== 'export') throw new Error(`unknown command ${command ?? ''}`);
  const resources: ResourceRef[] = (spec ?? '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const tab = line.indexOf('\t');
      return { type: line.slice(0, tab), luid: line.slice(tab + 1) };
    });
  await group.exportApplication(application, target, resources);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runSimulatedExport(process.argv.slice(2)).then(
    () => undefined,
    (error: unknown) => {
      process.stderr.write(`${isBtsBackupError(error) ? error.message : error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
