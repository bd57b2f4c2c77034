// ExportBindings /GroupLevel: the BTSTask emulator's command (/GroupLevel, /Gr, never the default application,
// refused beside /ApplicationName) and the real adapter's exportGroupBindings driven against it.
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { BtsTaskGroup } from '../../../src/adapters/btstask/btstask-group.js';
import { parseBtsTaskOutput } from '../../../src/adapters/btstask/btstask-output.js';
import { CompositeGroup } from '../../../src/adapters/composite-group.js';
import { SimulatedGroup } from '../../../src/adapters/simulator/simulated-group.js';
import { SAMPLE_FTP_PASSWORD, SAMPLE_SFTP_PASSWORD } from '../../../src/adapters/simulator/sample-group.js';
import { hasGroupBindings, type BizTalkDeployment } from '../../../src/ports/biztalk-group.js';
import { createEmulatorSetup, RecordingRunner, type EmulatorSetup } from '../../support/btstask-emulator.js';

const ZAHLUNG = 'Zahlungsverkehr Süd';
const code = (error: unknown): string | undefined => (error as { code?: string } | undefined)?.code;
const details = (error: unknown): Record<string, unknown> => (error as { details?: Record<string, unknown> }).details ?? {};
const exists = (file: string): Promise<boolean> => access(file).then(() => true, () => false);
const TIMESTAMP = /<Timestamp>([^<]*)<\/Timestamp>/;
const withoutTimestamp = (xml: string): string => xml.replace(TIMESTAMP, '<Timestamp />');

/** What the simulated group itself says the group-level file holds (the emulator's run stamps its own time). */
const expectedGroupFile = (setup: EmulatorSetup): string => withoutTimestamp(new SimulatedGroup(setup.state, { gacRoot: setup.gacRoot }).exportedGroupBindings());

async function withSetup(body: (setup: EmulatorSetup) => Promise<void>, mutate?: Parameters<typeof createEmulatorSetup>[0]): Promise<void> {
  const setup = await createEmulatorSetup(mutate);
  try {
    await body(setup);
  } finally {
    await setup.cleanup();
  }
}

test.serial('emulator: /GroupLevel and its abbreviation /Gr write the whole group\'s bindings, with Information lines', async (t) => {
  await withSetup(async (setup) => {
    for (const [flag, destination] of [['/GroupLevel', '/Destination'], ['/Gr', '/De'], ['-grouplevel', '-destination']] as const) {
      const file = join(setup.dir, `group${flag.replace(/\W/g, '')}.xml`);
      const started = Date.now();
      const run = await setup.run(['ExportBindings', `${destination}:${file}`, flag]);
      t.is(run.exitCode, 0, run.stdout);
      const output = parseBtsTaskOutput(run.stdout);
      t.deepEqual(output.errors, []);
      t.true(output.information.length >= 2 && output.information.every((line) => line.includes(file)), flag);
      const xml = await readFile(file, 'utf8');
      t.is(withoutTimestamp(xml), expectedGroupFile(setup), flag);
      const stamped = Date.parse(TIMESTAMP.exec(xml)?.[1] ?? '');
      t.true(stamped >= started - 1000 && stamped <= Date.now() + 1000, 'a fresh Timestamp');
      for (const port of ['Orders.Send.Warehouse', 'Billing.Send.Bank.Sftp', 'Zahlungsverkehr.Send.Bank.Ftp', 'Portal.Receive.Service']) t.true(xml.includes(`Name="${port}"`), port);
      t.false(xml.includes(SAMPLE_FTP_PASSWORD));
      t.false(xml.includes(SAMPLE_SFTP_PASSWORD));
    }
  });
});

test.serial('emulator: /GroupLevel with /ApplicationName (or /AssemblyName) is a usage error, non-zero exit, nothing written', async (t) => {
  await withSetup(async (setup) => {
    const file = join(setup.dir, 'both.xml');
    for (const args of [
      ['ExportBindings', `/Destination:${file}`, '/GroupLevel', '/ApplicationName:Contoso.Orders'],
      ['ExportBindings', `/De:${file}`, '/Ap:Contoso.Orders', '/Gr'],
      ['ExportBindings', `/De:${file}`, '/Gr', `/As:Contoso.Orders.Maps`],
    ]) {
      const run = await setup.run(args);
      t.not(run.exitCode, 0, args.join(' '));
      const output = parseBtsTaskOutput(run.stdout);
      t.is(output.errors.length, 1, run.stdout);
      t.deepEqual(output.summary, { succeeded: false, errors: 1, warnings: 0 });
      t.false(await exists(file));
    }
  });
});

test.serial('emulator: /GroupLevel never falls back to the default application (none needed, its faults not applied)', async (t) => {
  // A group without a default application: the application-level command without /ApplicationName fails, /GroupLevel does not.
  await withSetup(
    async (setup) => {
      const noApp = await setup.run(['ExportBindings', `/Destination:${join(setup.dir, 'default.xml')}`]);
      t.not(noApp.exitCode, 0, noApp.stdout);
      const file = join(setup.dir, 'group.xml');
      const run = await setup.run(['ExportBindings', `/Destination:${file}`, '/GroupLevel']);
      t.is(run.exitCode, 0, run.stdout);
      t.is(withoutTimestamp(await readFile(file, 'utf8')), expectedGroupFile(setup));
    },
    (state) => {
      for (const app of state.applications) app.isDefault = false;
    },
  );
  // A fault aimed at the default application's ExportBindings does not touch the group-level export.
  await withSetup(
    async (setup) => {
      t.not((await setup.run(['ExportBindings', `/Destination:${join(setup.dir, 'default.xml')}`])).exitCode, 0);
      t.is((await setup.run(['ExportBindings', `/Destination:${join(setup.dir, 'group.xml')}`, '/GroupLevel'])).exitCode, 0);
    },
    (state) => {
      state.faults = [{ command: 'ExportBindings', application: 'BizTalk Application 1', errors: ['The default application is unreadable.'] }];
    },
  );
});

test.serial('BtsTaskGroup.exportGroupBindings: argv ExportBindings /Destination /GroupLevel, no /ApplicationName; the file is the simulated group\'s', async (t) => {
  await withSetup(async (setup) => {
    const recorder = new RecordingRunner(setup.runner());
    const group = new BtsTaskGroup({ runner: recorder, gacRoot: setup.gacRoot, tempDir: setup.dir });
    t.true(hasGroupBindings(group));
    const file = join(setup.dir, `${ZAHLUNG} group.xml`);
    const outcome = await group.exportGroupBindings(file);
    t.deepEqual(recorder.calls, [['ExportBindings', `/Destination:${file}`, '/GroupLevel']]);
    t.true(outcome.information.length > 0);
    t.deepEqual(outcome.warnings, []);
    t.is(withoutTimestamp(await readFile(file, 'utf8')), expectedGroupFile(setup));
  });
});

test.serial('BtsTaskGroup.exportGroupBindings passes /Server and /Database when configured', async (t) => {
  await withSetup(async (setup) => {
    const recorder = new RecordingRunner(setup.runner());
    const group = new BtsTaskGroup({ runner: recorder, gacRoot: setup.gacRoot, tempDir: setup.dir, server: setup.state.group.server, database: setup.state.group.database });
    const file = join(setup.dir, 'group.xml');
    await group.exportGroupBindings(file);
    t.deepEqual(recorder.calls, [['ExportBindings', `/Destination:${file}`, '/GroupLevel', `/Server:${setup.state.group.server}`, `/Database:${setup.state.group.database}`]]);
    t.true(await exists(file));
  });
});

test.serial('BtsTaskGroup.exportGroupBindings: a BTSTask failure is E_BTSTASK_FAILED with its exit code and Error: lines; per-application exports still work', async (t) => {
  const errors = ['Failed to export the bindings of the group.', 'The operation was rolled back.'];
  await withSetup(
    async (setup) => {
      const group = new BtsTaskGroup({ runner: setup.runner(), gacRoot: setup.gacRoot, tempDir: setup.dir });
      const error = await t.throwsAsync(group.exportGroupBindings(join(setup.dir, 'group.xml')));
      t.is(code(error), 'E_BTSTASK_FAILED');
      t.is(details(error)['exitCode'], 2);
      t.deepEqual(details(error)['errors'], errors);
      const billing = join(setup.dir, 'billing.xml');
      await group.exportBindings('Contoso.Billing', billing);
      t.true((await readFile(billing, 'utf8')).includes('Billing.Send.Bank.Sftp'));
    },
    (state) => {
      state.faults = [{ command: 'ExportBindings', groupLevel: true, errors }];
    },
  );
  await withSetup(
    async (setup) => {
      const group = new BtsTaskGroup({ runner: setup.runner(), gacRoot: setup.gacRoot, tempDir: setup.dir, server: 'OTHERSQL' });
      t.is(code(await t.throwsAsync(group.exportGroupBindings(join(setup.dir, 'group.xml')))), 'E_BTSTASK_DATABASE');
    },
  );
});

test.serial('CompositeGroup passes exportGroupBindings through when its deployment back end has it, and only then', async (t) => {
  await withSetup(async (setup) => {
    const btstask = new BtsTaskGroup({ runner: setup.runner(), gacRoot: setup.gacRoot, tempDir: setup.dir });
    const catalog = new SimulatedGroup(setup.state, { gacRoot: setup.gacRoot });
    const composite = new CompositeGroup(catalog, btstask);
    t.is(composite.source, 'simulator+btstask');
    t.true(hasGroupBindings(composite));
    const file = join(setup.dir, 'composite.xml');
    await composite.exportGroupBindings?.(file);
    t.is(withoutTimestamp(await readFile(file, 'utf8')), expectedGroupFile(setup));
    // A deployment back end without it (the deployment API reads the whole group instead).
    const perApplication: BizTalkDeployment & { source: string } = {
      source: 'deployment-api',
      listResources: (application) => btstask.listResources(application),
      exportApplication: (application, packagePath, resources) => btstask.exportApplication(application, packagePath, resources),
      exportBindings: (application, destinationPath) => btstask.exportBindings(application, destinationPath),
      locateAssembly: (fullName) => btstask.locateAssembly(fullName),
    };
    t.false(hasGroupBindings(new CompositeGroup(catalog, perApplication)));
  });
});
