// Test helper: a misbehaving BTSTask.exe, written as a small node script and passed as `--btstask`. It runs the BTSTask
// emulator (the simulated group named by BIZTALKBACKUP_SIM_STATE) and then misbehaves the way real servers do, for one
// command and one application, as told by FAKE_BTSTASK_FAULTS (JSON, a list of FakeFault). Never used by product code.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface FakeFault {
  /** ExportApp, ExportBindings, ListApp ... (case-insensitive). */
  command: string;
  /** The /ApplicationName the fault applies to. */
  application: string;
  /**
   * - `no-output`: the command succeeds (exit 0, success summary) but the file it names (/Package, /Destination) is not there;
   * - `fail`: an `Error:` line, a failure summary, exit 1 (BTSTask's exit code is its error count);
   * - `foreign-msi`: ExportApp writes another application's package (`as`) holding this application's resources.
   */
  behavior: 'no-output' | 'fail' | 'foreign-msi';
  as?: string;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const emulatorScript = path.resolve(here, '../../src/adapters/simulator/btstask-emulator.js');
const packageModule = pathToFileURL(path.resolve(here, '../../src/formats/msi/application-package.js')).href;

/** Writes the fake into `dir` and returns its path (a `.mjs`: the CLI runs it under node, as it runs the emulator). */
export async function writeFakeBtsTask(dir: string): Promise<string> {
  const file = path.join(dir, 'fake-btstask.mjs');
  await writeFile(file, FAKE_SOURCE.replace('__EMULATOR__', JSON.stringify(emulatorScript)).replace('__PACKAGE_MODULE__', JSON.stringify(packageModule)), 'utf8');
  return file;
}

export const fakeFaultsEnv = (faults: readonly FakeFault[]): Record<string, string> => ({ FAKE_BTSTASK_FAULTS: JSON.stringify(faults) });

const FAKE_SOURCE = String.raw`import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
const args = process.argv.slice(2);
const value = (name) => {
  for (const arg of args) {
    const match = /^[/-]([A-Za-z]+):([\s\S]*)$/.exec(arg);
    if (match !== null && match[1].toLowerCase() === name.toLowerCase()) return match[2];
  }
  return undefined;
};
const command = (args[0] ?? '').toLowerCase();
const application = value('ApplicationName');
const faults = JSON.parse(process.env.FAKE_BTSTASK_FAULTS ?? '[]');
const fault = faults.find((f) => f.command.toLowerCase() === command && f.application === application);
const banner = 'Microsoft (R) BizTalk Application Deployment Utility Version 3.13.717.0\r\nCopyright (c) Microsoft Corporation. All rights reserved.\r\n\r\n';
if (fault?.behavior === 'fail') {
  process.stdout.write(banner + 'Error: Timeout expired.  The timeout period elapsed prior to completion of the operation or the server is not responding.\r\nCommand failed with 1 errors, 0 warnings.\r\n');
  process.exit(1);
}
const run = spawnSync(process.execPath, [__EMULATOR__, ...args], { stdio: 'inherit' });
if (run.status === 0 && fault !== undefined) {
  const file = value('Package') ?? value('Destination');
  if (fault.behavior === 'no-output') rmSync(file, { force: true });
  if (fault.behavior === 'foreign-msi') {
    const { readApplicationPackage, buildApplicationPackage } = await import(__PACKAGE_MODULE__);
    const pkg = readApplicationPackage(new Uint8Array(readFileSync(file)), 'exported.msi');
    writeFileSync(file, buildApplicationPackage({
      application: fault.as,
      description: '',
      author: pkg.summary.author,
      revision: pkg.summary.revision,
      productCode: pkg.properties.ProductCode ?? pkg.summary.revision,
      createdAt: pkg.summary.created ?? new Date(0),
      references: pkg.adf.references.filter((r) => r !== 'BizTalk.System'),
      resources: pkg.resources.map((r) => ({ type: r.type, luid: r.luid, properties: r.properties, files: r.files.map((f) => ({ name: f.path, bytes: f.bytes })) })),
    }));
  }
}
process.exit(run.status ?? 1);
`;
