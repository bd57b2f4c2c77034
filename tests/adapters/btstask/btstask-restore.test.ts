import test from 'ava';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BtsTaskGroup } from '../../../src/adapters/btstask/btstask-group.js';
import { BtsTaskRestoreTarget } from '../../../src/adapters/btstask/btstask-restore.js';
import type { BtsTaskRunner, ProcessRun } from '../../../src/adapters/btstask/btstask-runner.js';
import { SAMPLE_FTP_PASSWORD } from '../../../src/adapters/simulator/sample-group.js';
import { SimulatedGroup } from '../../../src/adapters/simulator/simulated-group.js';
import { simulatedReferenceEditor } from '../../../src/adapters/simulator/simulated-restore.js';
import { isBtsBackupError } from '../../../src/errors/index.js';
import { parseBtsTaskArguments } from '../../../src/adapters/simulator/btstask-grammar.js';
import { createEmulatorSetup, RecordingRunner } from '../../support/btstask-emulator.js';

/** The sample group's packages, then an emulator state emptied of applications (a fresh group). */
async function freshGroupWithPackages() {
  const setup = await createEmulatorSetup();
  const sample = new SimulatedGroup(structuredClone(setup.state), { gacRoot: setup.gacRoot });
  const packages: Record<string, string> = {};
  for (const name of ['Contoso.Shared', 'Zahlungsverkehr Süd']) {
    packages[name] = path.join(setup.dir, `${name}.msi`);
    await writeFile(packages[name], sample.buildPackage(name));
  }
  const empty = structuredClone(setup.state);
  empty.applications = empty.applications.filter((a) => a.isSystem || a.isDefault);
  await writeFile(setup.stateFile, JSON.stringify(empty), 'utf8');
  return { setup, packages, sample };
}

function target(setup: Awaited<ReturnType<typeof createEmulatorSetup>>, runner: BtsTaskRunner, msiexec?: BtsTaskRunner) {
  const group = new BtsTaskGroup({ runner, gacRoot: setup.gacRoot });
  return new BtsTaskRestoreTarget({ group, runner, references: simulatedReferenceEditor(setup.stateFile, setup.gacRoot), ...(msiexec === undefined ? {} : { msiexec }) });
}

const load = async (file: string, gacRoot: string) => SimulatedGroup.fromFile(file, { gacRoot });

test('ImportApp, AddReference and ImportBindings through the emulator, always with /ApplicationName', async (t) => {
  const { setup, packages, sample } = await freshGroupWithPackages();
  try {
    const runner = new RecordingRunner(setup.runner());
    const restore = target(setup, runner);
    await restore.importApplication('Contoso.Shared', packages['Contoso.Shared']!, { overwrite: false });
    await restore.importApplication('Zahlungsverkehr Süd', packages['Zahlungsverkehr Süd']!, { overwrite: false });
    await restore.addReference('Zahlungsverkehr Süd', 'Contoso.Shared');
    await restore.importBindings('Zahlungsverkehr Süd', sample.application('Zahlungsverkehr Süd').bindings!);
    const state = await load(setup.stateFile, setup.gacRoot);
    t.deepEqual(state.application('Zahlungsverkehr Süd').references, ['Contoso.Shared']);
    t.true(state.application('Zahlungsverkehr Süd').bindings!.includes(SAMPLE_FTP_PASSWORD));
    t.is(state.application('Contoso.Shared').resources.length, 2);
    for (const argv of runner.calls) {
      const parsed = parseBtsTaskArguments(argv);
      t.true(parsed.ok && typeof parsed.invocation.values.get('ApplicationName') === 'string', argv.join(' '));
    }
    t.deepEqual(runner.calls.map((c) => c[0]), ['ImportApp', 'ImportApp', 'ImportBindings']);
    t.false(runner.calls.some((c) => c.includes('/Overwrite')));
  } finally {
    await setup.cleanup();
  }
});

test('ImportApp of an application whose referenced application is missing fails with E_BTSTASK_FAILED and the Error: lines', async (t) => {
  const { setup, packages } = await freshGroupWithPackages();
  try {
    const restore = target(setup, setup.runner());
    const error = await t.throwsAsync(restore.importApplication('Zahlungsverkehr Süd', packages['Zahlungsverkehr Süd']!, { overwrite: false }));
    t.true(isBtsBackupError(error) && error.code === 'E_BTSTASK_FAILED');
    t.regex(String((error as { details?: { errors?: string[] } }).details?.errors?.[0]), /Contoso\.Shared/);
  } finally {
    await setup.cleanup();
  }
});

test('existing LUIDs without /Overwrite fail; with /Overwrite the import passes', async (t) => {
  const { setup, packages } = await freshGroupWithPackages();
  try {
    const runner = new RecordingRunner(setup.runner());
    const restore = target(setup, runner);
    await restore.importApplication('Contoso.Shared', packages['Contoso.Shared']!, { overwrite: false });
    const error = await t.throwsAsync(restore.importApplication('Contoso.Shared', packages['Contoso.Shared']!, { overwrite: false }));
    t.true(isBtsBackupError(error) && error.code === 'E_BTSTASK_FAILED');
    await restore.importApplication('Contoso.Shared', packages['Contoso.Shared']!, { overwrite: true, environment: 'PROD' });
    t.deepEqual(runner.calls[2]!.slice(3), ['/Environment:PROD', '/Overwrite']);
  } finally {
    await setup.cleanup();
  }
});

test('ImportBindings naming a missing host or a host of the wrong trust level fails', async (t) => {
  const { setup, packages, sample } = await freshGroupWithPackages();
  try {
    const restore = target(setup, setup.runner());
    await restore.importApplication('Contoso.Shared', packages['Contoso.Shared']!, { overwrite: false });
    await restore.importApplication('Zahlungsverkehr Süd', packages['Zahlungsverkehr Süd']!, { overwrite: false });
    const xml = sample.application('Zahlungsverkehr Süd').bindings!;
    const missing = await t.throwsAsync(restore.importBindings('Zahlungsverkehr Süd', xml.replaceAll('SendHost', 'NoSuchHost')));
    t.true(isBtsBackupError(missing) && missing.code === 'E_BTSTASK_FAILED' && /NoSuchHost/.test(JSON.stringify(missing.details)));
    const trust = await t.throwsAsync(restore.importBindings('Zahlungsverkehr Süd', xml.replaceAll('HostTrusted="false"', 'HostTrusted="true"')));
    t.true(isBtsBackupError(trust) && /trusted/.test(JSON.stringify(trust.details)));
  } finally {
    await setup.cleanup();
  }
});

test('the binding file handed to BTSTask is gone afterwards, even when BTSTask fails', async (t) => {
  const { setup } = await freshGroupWithPackages();
  try {
    let seen = '';
    const inner = setup.runner();
    const spy: BtsTaskRunner = {
      run: async (args, options) => {
        const source = args.find((a) => a.startsWith('/Source:'));
        if (source !== undefined) seen = source.slice('/Source:'.length);
        return inner.run(args, options);
      },
    };
    const restore = target(setup, spy);
    await t.throwsAsync(restore.importBindings('No Such App', '<BindingInfo />'));
    t.not(seen, '');
    const { access } = await import('node:fs/promises');
    await t.throwsAsync(access(seen));
    await t.throwsAsync(access(path.dirname(seen)));
  } finally {
    await setup.cleanup();
  }
});

test('msiexec gets an argument array: /i, /qn, a verbose log; 3010 is a warning, other codes E_INSTALL_FAILED', async (t) => {
  const { setup } = await freshGroupWithPackages();
  try {
    const calls: string[][] = [];
    let exitCode = 0;
    const msiexec: BtsTaskRunner = { run: async (args): Promise<ProcessRun> => (calls.push([...args]), { argv: [...args], pid: 1, exitCode, stdout: '', stderr: '', durationMs: 1 }) };
    const restore = target(setup, setup.runner(), msiexec);
    await restore.installPackage('C:\\restore\\Contoso Shared.msi', 'C:\\logs\\shared.log');
    t.deepEqual(calls[0], ['/i', 'C:\\restore\\Contoso Shared.msi', '/qn', '/norestart', '/l*v', 'C:\\logs\\shared.log']);
    exitCode = 3010;
    t.is((await restore.installPackage('x.msi', 'x.log')).warnings.length, 1);
    exitCode = 1603;
    const error = await t.throwsAsync(restore.installPackage('x.msi', 'x.log'));
    t.true(isBtsBackupError(error) && error.code === 'E_INSTALL_FAILED');
  } finally {
    await setup.cleanup();
  }
});

test('without an ExplorerOM seam, AddReference says so instead of pretending', async (t) => {
  const { setup } = await freshGroupWithPackages();
  try {
    const runner = setup.runner();
    const restore = new BtsTaskRestoreTarget({ group: new BtsTaskGroup({ runner, gacRoot: setup.gacRoot }), runner });
    const error = await t.throwsAsync(restore.addReference('A', 'B'));
    t.true(isBtsBackupError(error) && error.code === 'E_EXPLOREROM_UNAVAILABLE');
  } finally {
    await setup.cleanup();
  }
});
