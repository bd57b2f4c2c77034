import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import test from 'ava';
import { BtsTaskGroup } from '../../../src/adapters/btstask/btstask-group.js';
import { ProcessRunner } from '../../../src/adapters/btstask/btstask-runner.js';
import { readResourceSpec } from '../../../src/adapters/btstask/resource-spec.js';
import { readApplicationPackage } from '../../../src/formats/msi/application-package.js';
import { SAMPLE_ASSEMBLIES, SAMPLE_FTP_PASSWORD, SAMPLE_SFTP_PASSWORD } from '../../../src/adapters/simulator/sample-group.js';
import { gacPath } from '../../../src/adapters/dotnet/gac-path.js';
import { parseBtsTaskOutput } from '../../../src/adapters/btstask/btstask-output.js';
import { createEmulatorSetup, EMULATOR_SCRIPT, RecordingRunner, waitForExit, type EmulatorSetup } from '../../support/btstask-emulator.js';
import { makeTempDir, runCli } from '../../support/cli.js';

const ZAHLUNG = 'Zahlungsverkehr Süd';

async function withGroup<T>(body: (group: BtsTaskGroup, setup: EmulatorSetup, recorder: RecordingRunner) => Promise<T>, mutate?: Parameters<typeof createEmulatorSetup>[0], options: { server?: string; database?: string } = {}): Promise<T> {
  const setup = await createEmulatorSetup(mutate);
  const recorder = new RecordingRunner(setup.runner());
  try {
    return await body(new BtsTaskGroup({ runner: recorder, gacRoot: setup.gacRoot, tempDir: setup.dir, ...options }), setup, recorder);
  } finally {
    await setup.cleanup();
  }
}

const code = (error: unknown): string | undefined => (error as { code?: string } | undefined)?.code;
const details = (error: unknown): Record<string, unknown> => (error as { details?: Record<string, unknown> }).details ?? {};

test.serial('ListApps: every application of the group, references unknown, BizTalk.System flagged', async (t) => {
  await withGroup(async (group, setup) => {
    const apps = await group.listApplications();
    t.deepEqual(apps.map((a) => a.name), setup.state.applications.map((a) => a.name));
    t.true(apps.every((a) => a.references === null && a.status === 'NotApplicable'));
    t.deepEqual(apps.filter((a) => a.isSystem).map((a) => a.name), ['BizTalk.System']);
    t.is(apps.find((a) => a.name === ZAHLUNG)?.description, 'Zahlungsverkehr mit den Banken in Süddeutschland');
  });
});

test.serial('ListApp /ResourceSpec: the UTF-16 file is decoded into every resource plus the generated binding', async (t) => {
  await withGroup(async (group, setup) => {
    const resources = await group.listResources('Contoso.Billing');
    const app = setup.state.applications.find((a) => a.name === 'Contoso.Billing')!;
    t.deepEqual(
      resources.map((r) => ({ type: r.type, luid: r.luid })),
      [...app.resources.map((r) => ({ type: r.type, luid: r.luid })), { type: 'System.BizTalk:BizTalkBinding', luid: 'Application/Contoso.Billing' }],
    );
  });
});

test.serial('the emulator writes ResourceSpec files as UTF-16 LE with a BOM in the ResourceSpec namespace', async (t) => {
  const setup = await createEmulatorSetup();
  try {
    const file = join(setup.dir, 'spec.xml');
    const run = await setup.run(['ListApp', `/ApplicationName:${ZAHLUNG}`, `/ResourceSpec:${file}`]);
    t.is(run.exitCode, 0, run.stdout);
    const bytes = await readFile(file);
    t.deepEqual([bytes[0], bytes[1]], [0xff, 0xfe]);
    t.is(bytes.subarray(2, 4).toString('hex'), '3c00'); // '<' in UTF-16 LE
    const spec = readResourceSpec(bytes, file);
    t.is(spec.document.documentElement?.getAttribute('Name'), ZAHLUNG);
    t.deepEqual(spec.resources.map((r) => r.luid), [SAMPLE_ASSEMBLIES.zahlungSchemas, `Application/${ZAHLUNG}`]);
  } finally {
    await setup.cleanup();
  }
});

test.serial('ExportApp: the MSI is written and overwritten; msiinfo and our reader see the application and every resource', async (t) => {
  await withGroup(async (group, setup) => {
    const msi = join(setup.dir, 'Contoso.Orders.msi');
    await writeFile(msi, 'stale bytes that ExportApp must overwrite');
    const outcome = await group.exportApplication('Contoso.Orders', msi);
    t.true(outcome.information.length > 0);
    const bytes = await readFile(msi);
    t.is(bytes.subarray(0, 8).toString('hex'), 'd0cf11e0a1b11ae1');
    const suminfo = execFileSync('msiinfo', ['suminfo', msi], { encoding: 'utf8' });
    t.regex(suminfo, /^Title: Contoso\.Orders$/m);
    t.regex(suminfo, /^Subject: Generated BizTalk application package for "Contoso\.Orders"$/m);
    const pkg = readApplicationPackage(new Uint8Array(bytes), msi);
    const app = setup.state.applications.find((a) => a.name === 'Contoso.Orders')!;
    t.deepEqual(
      pkg.resources.map((r) => `${r.type}|${r.luid}`).sort(),
      [...app.resources.map((r) => `${r.type}|${r.luid}`), 'System.BizTalk:BizTalkBinding|Application/Contoso.Orders'].sort(),
    );
  });
});

test.serial('ExportApp restricted by a ResourceSpec exports only the named resources (via a ListApp temp spec)', async (t) => {
  await withGroup(async (group, setup, recorder) => {
    const msi = join(setup.dir, 'billing-partial.msi');
    const wanted = [
      { type: 'System.BizTalk:BizTalkAssembly', luid: SAMPLE_ASSEMBLIES.billingOrchestrations },
      { type: 'System.BizTalk:BizTalkBinding', luid: 'Application/Contoso.Billing' },
    ];
    await group.exportApplication('Contoso.Billing', msi, wanted);
    const pkg = readApplicationPackage(new Uint8Array(await readFile(msi)), msi);
    t.deepEqual(pkg.resources.map((r) => `${r.type}|${r.luid}`).sort(), wanted.map((r) => `${r.type}|${r.luid}`).sort());
    t.deepEqual(recorder.calls.map((c) => c[0]), ['ListApp', 'ExportApp']);
    t.true(recorder.calls[1]!.some((arg) => arg.startsWith('/ResourceSpec:')));
  });
});

test.serial('ExportApp restricted to a resource the application lacks fails in BTSTask (E_BTSTASK_FAILED), nothing dropped silently', async (t) => {
  await withGroup(async (group, setup) => {
    const error = await t.throwsAsync(group.exportApplication('Contoso.Billing', join(setup.dir, 'x.msi'), [{ type: 'System.BizTalk:File', luid: 'nope.config' }]));
    t.is(code(error), 'E_BTSTASK_FAILED');
    t.is(details(error)['exitCode'], 1);
  });
});

test.serial('ExportBindings: passwords masked as ******, ports present, for a name with a space and an umlaut', async (t) => {
  await withGroup(async (group, setup) => {
    const file = join(setup.dir, 'Zahlung.BindingInfo.xml');
    await group.exportBindings(ZAHLUNG, file);
    const xml = await readFile(file, 'utf8');
    t.true(xml.includes('Zahlungsverkehr.Send.Bank.Ftp'));
    t.true(xml.includes('******'));
    t.false(xml.includes(SAMPLE_FTP_PASSWORD));
    const billing = join(setup.dir, 'Billing.BindingInfo.xml');
    await group.exportBindings('Contoso.Billing', billing);
    const billingXml = await readFile(billing, 'utf8');
    t.true(billingXml.includes('Billing.Send.Bank.Sftp'));
    t.false(billingXml.includes(SAMPLE_SFTP_PASSWORD));
  });
});

test.serial('non-ASCII application names survive the argument array end to end (ListApp, ExportApp, MSI title)', async (t) => {
  await withGroup(async (group, setup, recorder) => {
    const resources = await group.listResources(ZAHLUNG);
    t.true(resources.some((r) => r.luid === `Application/${ZAHLUNG}`));
    const msi = join(setup.dir, 'Süd.msi');
    await group.exportApplication(ZAHLUNG, msi);
    t.is(readApplicationPackage(new Uint8Array(await readFile(msi)), msi).summary.title, ZAHLUNG);
    t.true(recorder.calls.every((c) => c.includes(`/ApplicationName:${ZAHLUNG}`)));
  });
});

test.serial('the adapter passes /ApplicationName explicitly on every application call (never the default-application trap)', async (t) => {
  await withGroup(async (_group, setup) => {
    const argvs: string[][] = [];
    const spy = new RecordingRunner(setup.runner({ onSpawn: (_pid, argv) => argvs.push([...argv]) }));
    const spied = new BtsTaskGroup({ runner: spy, gacRoot: setup.gacRoot, tempDir: setup.dir });
    await spied.listResources('Contoso.Orders');
    await spied.exportApplication('Contoso.Orders', join(setup.dir, 'a.msi'));
    await spied.exportApplication('Contoso.Orders', join(setup.dir, 'b.msi'), [{ type: 'System.BizTalk:BizTalkBinding', luid: 'Application/Contoso.Orders' }]);
    await spied.exportBindings('Contoso.Orders', join(setup.dir, 'b.xml'));
    t.is(argvs.length, 5);
    for (const argv of argvs) t.true(argv.includes('/ApplicationName:Contoso.Orders'), argv.join(' '));
    t.deepEqual(spy.calls.map((c) => c[0]), ['ListApp', 'ExportApp', 'ListApp', 'ExportApp', 'ExportBindings']);
  });
});

test.serial('emulator: omitting /ApplicationName silently exports the DEFAULT application (the trap the adapter avoids)', async (t) => {
  const setup = await createEmulatorSetup();
  try {
    const msi = join(setup.dir, 'which.msi');
    const run = await setup.run(['ExportApp', `/Package:${msi}`]);
    t.is(run.exitCode, 0, run.stdout);
    t.deepEqual(parseBtsTaskOutput(run.stdout).errors, []);
    t.is(readApplicationPackage(new Uint8Array(await readFile(msi)), msi).summary.title, 'BizTalk Application 1');
  } finally {
    await setup.cleanup();
  }
});

test.serial('emulator: abbreviated, -prefixed and mixed-case parameters work like the full names; quotes left in a value are part of it', async (t) => {
  const setup = await createEmulatorSetup();
  try {
    const spec = join(setup.dir, 'abbr.xml');
    const listed = await setup.run(['listapp', '-a:Contoso.Orders', `/RESOURCES:${spec}`]);
    t.is(listed.exitCode, 0, listed.stdout);
    t.is(readResourceSpec(await readFile(spec), spec).resources.length, 3);
    // Real BTSTask gets its argv from .NET's splitter, which already removed the quotes a user typed: quotes that
    // are still there (an adapter quoting by hand) name another application.
    const quoted = await setup.run(['ListApp', '/ApplicationName:"Contoso.Orders"']);
    t.is(quoted.exitCode, 1);
    t.regex(parseBtsTaskOutput(quoted.stdout).errors[0] ?? '', /"Contoso\.Orders"/);
    const bindings = join(setup.dir, 'abbr.xml.bindings');
    const exported = await setup.run(['ExportB', `/De:${bindings}`, '/Ap:Contoso.Orders']);
    t.is(exported.exitCode, 0, exported.stdout);
    t.true((await readFile(bindings, 'utf8')).includes('Orders.Send.Warehouse'));
    const ambiguous = await setup.run(['ExportBindings', `/De:${bindings}`, '/A:Contoso.Orders']);
    t.is(ambiguous.exitCode, 1);
    t.is(parseBtsTaskOutput(ambiguous.stdout).errors.length, 1);
    const unknown = await setup.run(['Frobnicate']);
    t.is(unknown.exitCode, 1);
    t.deepEqual(parseBtsTaskOutput(unknown.stdout).summary, { succeeded: false, errors: 1, warnings: 0 });
  } finally {
    await setup.cleanup();
  }
});

test.serial('emulator: ListPackage lists the resources of an exported MSI, read from the MSI itself', async (t) => {
  const setup = await createEmulatorSetup();
  try {
    const msi = join(setup.dir, 'portal.msi');
    t.is((await setup.run(['ExportApp', '/ApplicationName:Contoso.Portal', `/Package:${msi}`])).exitCode, 0);
    const listed = await setup.run(['ListPackage', `/P:${msi}`]);
    t.is(listed.exitCode, 0, listed.stdout);
    const luids = parseBtsTaskOutput(listed.stdout).text.flatMap((line) => /Luid="([^"]+)"/.exec(line)?.[1] ?? []);
    const app = setup.state.applications.find((a) => a.name === 'Contoso.Portal')!;
    t.deepEqual(luids.sort(), [...app.resources.map((r) => r.luid), 'Application/Contoso.Portal'].sort());
    const notMsi = join(setup.dir, 'not.msi');
    await writeFile(notMsi, 'plain text');
    const bad = await setup.run(['ListPackage', `/Package:${notMsi}`]);
    t.is(bad.exitCode, 1);
    t.is(parseBtsTaskOutput(bad.stdout).errors.length, 1);
  } finally {
    await setup.cleanup();
  }
});

test.serial('a failing command (fault: three Error: lines, exit 3) -> E_BTSTASK_FAILED with exit code 3 and the lines', async (t) => {
  const errors = ['Failed to export application "Contoso.Billing".', 'The application definition could not be read.', 'The operation was rolled back.'];
  await withGroup(
    async (group, setup) => {
      const error = await t.throwsAsync(group.exportApplication('Contoso.Billing', join(setup.dir, 'x.msi')));
      t.is(code(error), 'E_BTSTASK_FAILED');
      t.is(details(error)['exitCode'], 3);
      t.deepEqual(details(error)['errors'], errors);
      t.is((error as { target?: string }).target, 'Contoso.Billing');
      // The other applications still export.
      await t.notThrowsAsync(group.exportApplication('Contoso.Orders', join(setup.dir, 'o.msi')));
    },
    (state) => {
      state.faults = [{ command: 'ExportApp', application: 'Contoso.Billing', errors }];
    },
  );
});

test.serial('a hang (fault) -> E_BTSTASK_TIMEOUT within the timeout, and the process tree is gone afterwards', async (t) => {
  const setup = await createEmulatorSetup((state) => {
    state.faults = [{ command: 'ExportApp', application: 'Contoso.Orders', hang: true }];
  });
  try {
    const pidFile = join(setup.dir, 'hang.pids');
    let spawned = -1;
    // Long enough for the emulator to start and write its pid file on a loaded machine.
    const runner = new ProcessRunner(setup.runnerOptions({ timeoutMs: 5000, env: { ...setup.env, BIZTALKBACKUP_SIM_PIDFILE: pidFile }, onSpawn: (pid) => (spawned = pid) }));
    const group = new BtsTaskGroup({ runner, gacRoot: setup.gacRoot, tempDir: setup.dir });
    const started = Date.now();
    const error = await t.throwsAsync(group.exportApplication('Contoso.Orders', join(setup.dir, 'x.msi')));
    const elapsed = Date.now() - started;
    t.is(code(error), 'E_BTSTASK_TIMEOUT');
    t.true(elapsed >= 4900 && elapsed < 5000 + 5000, `took ${elapsed} ms`);
    const [emulatorPid, grandchildPid] = (await readFile(pidFile, 'utf8')).trim().split('\n').map(Number);
    t.is(emulatorPid, spawned);
    t.true(Number.isInteger(grandchildPid) && grandchildPid! > 0);
    t.true(await waitForExit(emulatorPid!), 'the BTSTask process is gone');
    t.true(await waitForExit(grandchildPid!), 'its child process is gone too');
  } finally {
    await setup.cleanup();
  }
});

test.serial('latency (fault) slows a command down without failing it', async (t) => {
  await withGroup(
    async (group) => {
      const started = Date.now();
      await group.listResources('Contoso.Shared');
      t.true(Date.now() - started >= 700);
    },
    (state) => {
      state.faults = [{ command: 'ListApp', latencyMs: 700 }];
    },
  );
});

test.serial('a missing executable -> E_BTSTASK_NOT_FOUND with a hint about the BizTalk install folder', async (t) => {
  const group = new BtsTaskGroup({ runner: new ProcessRunner({ command: '/nonexistent/BizTalk/BTSTask.exe', timeoutMs: 5000 }), gacRoot: '/tmp' });
  const error = await t.throwsAsync(group.listResources('Contoso.Orders'));
  t.is(code(error), 'E_BTSTASK_NOT_FOUND');
  t.regex((error as { hint?: string }).hint ?? '', /install folder/i);
});

test.serial('/Server and /Database are passed when configured; a wrong server fails like an unreachable SQL instance', async (t) => {
  await withGroup(
    async (group, _setup, recorder) => {
      const resources = await group.listResources('Contoso.Shared');
      t.true(resources.length > 0);
      t.true(recorder.calls[0]!.includes('/Server:SQLBTS01\\BIZTALK'));
      t.true(recorder.calls[0]!.includes('/Database:BizTalkMgmtDb'));
    },
    undefined,
    { server: 'SQLBTS01\\BIZTALK', database: 'BizTalkMgmtDb' },
  );
  await withGroup(
    async (group) => {
      const error = await t.throwsAsync(group.exportBindings('Contoso.Shared', '/tmp/never-written.xml'));
      t.is(code(error), 'E_BTSTASK_DATABASE');
      t.regex((error as { hint?: string }).hint ?? '', /BizTalk Server Administrators/);
      t.is(details(error)['exitCode'], 1);
      t.is((details(error)['errors'] as string[]).length, 1);
    },
    undefined,
    { server: 'OTHERSQL' },
  );
});

test.serial('an unknown application fails in BTSTask (E_BTSTASK_FAILED), not by falling back to another application', async (t) => {
  await withGroup(async (group, setup) => {
    const error = await t.throwsAsync(group.exportBindings('No.Such.App', join(setup.dir, 'x.xml')));
    t.is(code(error), 'E_BTSTASK_FAILED');
    t.is((error as { target?: string }).target, 'No.Such.App');
  });
});

test.serial('arguments reach BTSTask verbatim as an array: shell metacharacters in a name are not interpreted', async (t) => {
  await withGroup(async (group, setup, recorder) => {
    const name = 'A & B; "quoted" $(touch pwned) `x` %PATH%';
    const error = await t.throwsAsync(group.listResources(name));
    t.is(code(error), 'E_BTSTASK_FAILED');
    t.true((details(error)['errors'] as string[])[0]?.includes(name));
    t.deepEqual(recorder.calls[0]?.[1], `/ApplicationName:${name}`);
    const { access } = await import('node:fs/promises');
    await t.throwsAsync(access(join(setup.dir, 'pwned')));
  });
});

test.serial('locateAssembly: the .NET 4 GAC layout under gacRoot (GAC_MSIL, GAC_32, GAC_64), undefined when absent', async (t) => {
  await withGroup(async (group, setup) => {
    const msil = gacPath(setup.gacRoot, SAMPLE_ASSEMBLIES.helpers);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(msil, '..'), { recursive: true });
    await writeFile(msil, 'x');
    t.is(await group.locateAssembly(SAMPLE_ASSEMBLIES.helpers), msil);
    const x86Name = 'Native.Interop, Version=1.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef';
    const x86 = gacPath(setup.gacRoot, x86Name).replace(`${'GAC_MSIL'}`, 'GAC_32');
    await mkdir(join(x86, '..'), { recursive: true });
    await writeFile(x86, 'x');
    t.is(await group.locateAssembly(x86Name), x86);
    t.is(await group.locateAssembly('Not.There, Version=1.0.0.0, Culture=neutral, PublicKeyToken=0123456789abcdef'), undefined);
  });
});

test.serial('hosts and adapter handlers are not BTSTask business: E_UNSUPPORTED pointing at ExplorerOM', async (t) => {
  const group = new BtsTaskGroup({ runner: new ProcessRunner({ command: 'unused', timeoutMs: 1 }) });
  for (const call of [() => group.listHosts(), () => group.listAdapterHandlers()]) {
    const error = await t.throwsAsync(call());
    t.is(code(error), 'E_UNSUPPORTED');
    t.regex((error as { hint?: string }).hint ?? '', /ExplorerOM/);
  }
});

// ---- German servers, OEM consoles ---------------------------------------------------------------------------------
const GERMAN_850 = [EMULATOR_SCRIPT, '--culture', 'de-DE', '--codepage', '850'];

test.serial('emulator --codepage 850: output bytes are OEM 850 (ü is 0x81), the summary German', async (t) => {
  const setup = await createEmulatorSetup();
  try {
    const raw = execFileSync(process.execPath, [...GERMAN_850, 'ListApps'], { env: setup.env, cwd: setup.dir });
    t.true(raw.includes(Buffer.from('Anwendungsname: "Zahlungsverkehr S\x81d"', 'latin1')));
    t.false(raw.includes(Buffer.from('Süd', 'utf8')));
    t.true(raw.includes(Buffer.from('Der Befehl wurde mit 0 Fehlern und 0 Warnungen erfolgreich ausgef\x81hrt.', 'latin1')));
  } finally {
    await setup.cleanup();
  }
});

test.serial('German server, OEM 850 console: ListApps names with umlauts, German success summaries pass, exports work', async (t) => {
  const setup = await createEmulatorSetup();
  try {
    const group = new BtsTaskGroup({ runner: setup.runner({ prefixArgs: GERMAN_850, consoleCodePage: 850 }), gacRoot: setup.gacRoot, tempDir: setup.dir });
    const apps = await group.listApplications();
    t.deepEqual(apps.map((a) => a.name), setup.state.applications.map((a) => a.name));
    t.is(apps.find((a) => a.name === ZAHLUNG)?.description, 'Zahlungsverkehr mit den Banken in Süddeutschland');
    const msi = join(setup.dir, 'Süd.msi');
    await group.exportApplication(ZAHLUNG, msi);
    t.is(readApplicationPackage(new Uint8Array(await readFile(msi)), msi).summary.title, ZAHLUNG);
    // Without the code page the same bytes give the name the run used to stop on.
    const utf8 = new BtsTaskGroup({ runner: setup.runner({ prefixArgs: GERMAN_850 }), gacRoot: setup.gacRoot, tempDir: setup.dir });
    t.true((await utf8.listApplications()).some((a) => a.name === 'Zahlungsverkehr S\ufffdd'));
  } finally {
    await setup.cleanup();
  }
});

test.serial('German server: a localised failure keeps its text (umlauts intact), is classified, and transient ones are retried', async (t) => {
  const errors = ['Fehler beim Hinzufügen der Ressource(n).\r\n  Der Zugriff auf den Pfad "C:\\Programme\\Süd\\Süd.Schemas.dll" wurde verweigert.'];
  const setup = await createEmulatorSetup((state) => {
    state.faults = [{ command: 'ExportApp', application: ZAHLUNG, errors }];
  });
  try {
    const recorder = new RecordingRunner(setup.runner({ prefixArgs: GERMAN_850, consoleCodePage: 850 }));
    const logs: string[] = [];
    const group = new BtsTaskGroup({ runner: recorder, gacRoot: setup.gacRoot, tempDir: setup.dir, retry: { sleep: async () => undefined }, log: (_l, m) => void logs.push(m) });
    const error = await t.throwsAsync(group.exportApplication(ZAHLUNG, join(setup.dir, 'x.msi')));
    t.is(code(error), 'E_BTSTASK_ACCESS_DENIED');
    t.is(recorder.calls.length, 3);
    t.is(logs.length, 2);
    t.deepEqual(details(error)['errors'], ['Fehler beim Hinzufügen der Ressource(n).\nDer Zugriff auf den Pfad "C:\\Programme\\Süd\\Süd.Schemas.dll" wurde verweigert.']);
    t.regex(details(error)['stdout'] as string, /Der Befehl ist mit 1 Fehlern und 0 Warnungen fehlgeschlagen\./);
    t.is(details(error)['exitCode'], 1);
  } finally {
    await setup.cleanup();
  }
});

test('CLI on a German server with an OEM 850 console (emulator): export backs up every application, Süd included', async (t) => {
  const dir = await makeTempDir('cli-german');
  const state = path.join(dir, 'group', 'state.json');
  t.is((await runCli(['simulator-init', '--state', state])).exitCode, 0);
  const env = {
    BIZTALKBACKUP_SIM_STATE: state,
    BIZTALKBACKUP_GAC_ROOT: `${state}.gac`,
    BIZTALKBACKUP_SIM_CULTURE: 'de-DE',
    BIZTALKBACKUP_SIM_CODEPAGE: '850',
    BIZTALKBACKUP_BTSTASK_CODEPAGE: '850',
  };
  const emulator = path.join('dist', 'src', 'adapters', 'simulator', 'btstask-emulator.js');
  const run = await runCli(['export', '--btstask', emulator, '--store', path.join(dir, 'store'), '--json'], { env, timeoutMs: 120_000 });
  t.is(run.exitCode, 0, run.stderr);
  t.like(run.out.find((l) => l['kind'] === 'BackupApplication' && l['name'] === ZAHLUNG), { backupStatus: 'Exported' });
});
