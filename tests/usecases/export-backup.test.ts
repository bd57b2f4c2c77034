import test from 'ava';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { SAMPLE_ASSEMBLIES } from '../../src/adapters/simulator/sample-group.js';
import { gacPath } from '../../src/adapters/dotnet/gac-path.js';
import { createMemoryStore } from '../../src/adapters/store/memory-store.js';
import { readApplicationPackage } from '../../src/formats/msi/application-package.js';
import { readManifest } from '../../src/usecases/set-manifests.js';
import { exportBackup } from '../../src/usecases/export-backup.js';
import { newSetId } from '../../src/core/set-id.js';
import { countingStore, exportOptions, recordingReporter, sampleGroup } from '../support/export-fixture.js';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

test('a first export backs up every application but BizTalk.System and the empty default, in import order', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  const outcome = await exportBackup(group, store, exportOptions(), recordingReporter());
  t.is(outcome.exitCode, 0);
  t.true(outcome.committed);
  const manifest = outcome.manifest!;
  t.deepEqual(manifest.importOrder, ['Contoso.Shared', 'Contoso.Orders', 'Contoso.Billing', 'Contoso.Portal', 'Zahlungsverkehr Süd']);
  t.deepEqual(outcome.plan.skipped.map((s) => s.application).sort(), ['BizTalk Application 1', 'BizTalk.System']);
  t.true(manifest.applications.every((a) => a.backupStatus === 'Exported'));
  // every artifact is in the store with the recorded hash and size
  for (const artifact of manifest.applications.flatMap((a) => a.artifacts)) {
    const bytes = await store.readObject(artifact.sha256);
    t.is(sha256(bytes), artifact.sha256);
    t.is(bytes.length, artifact.size);
  }
  // the committed manifest is the one returned
  t.deepEqual(await readManifest(store, manifest.setId), manifest);
});

test('the MSI of each application lists every resource in its ADF', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  const manifest = (await exportBackup(group, store, exportOptions(), recordingReporter())).manifest!;
  for (const app of manifest.applications) {
    const msi = app.artifacts.find((a) => a.kind === 'msi')!;
    const pkg = readApplicationPackage(await store.readObject(msi.sha256), msi.name);
    t.is(pkg.summary.title, app.name);
    const inAdf = new Set(pkg.adf.resources.map((r) => `${r.type}|${r.luid}`));
    for (const resource of app.resources) t.true(inAdf.has(`${resource.type}|${resource.luid}`), `${app.name}: ${resource.luid}`);
  }
});

test('the helper DLL that no MSI carries is harvested from the GAC with the application that needs it', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  const manifest = (await exportBackup(group, store, exportOptions(), recordingReporter())).manifest!;
  const orders = manifest.applications.find((a) => a.name === 'Contoso.Orders')!;
  const dependency = orders.artifacts.find((a) => a.kind === 'dependency');
  t.is(dependency?.assembly, SAMPLE_ASSEMBLIES.helpers);
  t.is(dependency?.name, 'Contoso.Common.Helpers.dll');
  // assemblies that ARE resources (of this or another application) are not harvested
  t.is(manifest.applications.flatMap((a) => a.artifacts).filter((a) => a.kind === 'dependency').length, 1);
});

test('warnings name masked passwords (port and field, never a value) and localhost web directories', async (t) => {
  const group = await sampleGroup();
  const manifest = (await exportBackup(group, createMemoryStore(), exportOptions({ storeIsLocal: true }), recordingReporter())).manifest!;
  const masked = manifest.warnings.filter((w) => w.kind === 'MaskedPassword');
  t.deepEqual(masked.map((w) => `${w.application}|${w.location?.port}|${w.location?.field}`).sort(), [
    'Contoso.Billing|Billing.Send.Bank.Sftp|AdapterConfig/password',
    'Zahlungsverkehr Süd|Zahlungsverkehr.Send.Bank.Ftp|password',
  ]);
  t.true(manifest.warnings.some((w) => w.kind === 'LocalWebDirectory' && w.application === 'Contoso.Portal'));
  t.true(manifest.warnings.some((w) => w.kind === 'SameMachineStore'));
  const text = JSON.stringify(manifest);
  t.false(text.includes('Sftp-S3cret'));
  t.false(text.includes('Ftp-Pa55word'));
});

test('a second export of an unchanged group exports nothing, stores nothing, and says Unchanged for all', async (t) => {
  const group = await sampleGroup();
  const { store, mutations } = countingStore();
  const first = await exportBackup(group, store, exportOptions(), recordingReporter());
  const objectsBefore = (await store.listObjects()).length;
  mutations.length = 0;
  const reporter = recordingReporter();
  const second = await exportBackup(group, store, exportOptions(), reporter);
  t.is(second.exitCode, 0);
  t.false(second.committed);
  t.is(second.manifest?.setId, first.manifest?.setId);
  t.true(second.plan.steps.every((s) => s.action === 'Reuse' && s.change === 'Unchanged'));
  t.is((await store.listObjects()).length, objectsBefore);
  t.deepEqual(mutations.filter((m) => m === 'putFile' || m === 'putBytes' || m === 'commitSet'), []);
  const third = recordingReporter();
  await exportBackup(group, store, exportOptions(), third);
  const results = (r: typeof reporter) => r.lines.filter((l) => l.type === 'result');
  t.deepEqual(results(third), results(reporter), 'identical output on a second unchanged run');
});

const changes: { title: string; mutate: (group: Awaited<ReturnType<typeof sampleGroup>>) => void; app: string; reason: RegExp }[] = [
  {
    title: 'a resource (same version, new bytes)',
    mutate: (g) => {
      const res = g.application('Contoso.Orders').resources.find((r) => r.luid === SAMPLE_ASSEMBLIES.ordersMaps)!;
      res.files[0]!.assembly!.build = 2;
    },
    app: 'Contoso.Orders',
    reason: /resource changed: BizTalkAssembly Contoso\.Orders\.Maps.*\(content\)/,
  },
  {
    title: 'a binding address',
    mutate: (g) => {
      const app = g.application('Contoso.Orders');
      app.bindings = app.bindings!.replace('\\\\fileserver\\drop\\warehouse\\', '\\\\fileserver2\\drop\\warehouse\\');
    },
    app: 'Contoso.Orders',
    reason: /send port Orders\.Send\.Warehouse: address: .*fileserver\\drop.* -> .*fileserver2/,
  },
  {
    title: 'a reference',
    mutate: (g) => {
      g.application('Zahlungsverkehr Süd').references.push('Contoso.Billing');
    },
    app: 'Zahlungsverkehr Süd',
    reason: /reference added: Contoso\.Billing/,
  },
  {
    title: 'a send port filter',
    mutate: (g) => {
      const app = g.application('Contoso.Orders');
      app.bindings = app.bindings!.replace('Value=&quot;Orders.Receive&quot;', 'Value=&quot;Orders.Receive.Other&quot;');
    },
    app: 'Contoso.Orders',
    reason: /send port Orders\.Send\.Archive: filter/,
  },
];

for (const c of changes) {
  test(`changing ${c.title} makes exactly that application Changed, with the reason`, async (t) => {
    const group = await sampleGroup();
    const store = createMemoryStore();
    const first = await exportBackup(group, store, exportOptions(), recordingReporter());
    c.mutate(group);
    const second = await exportBackup(group, store, exportOptions(), recordingReporter());
    t.true(second.committed);
    const changed = second.plan.steps.filter((s) => s.change !== 'Unchanged');
    t.deepEqual(changed.map((s) => s.application), [c.app]);
    t.true(changed[0]!.reasons.some((r) => c.reason.test(r)), changed[0]!.reasons.join('\n'));
    const manifest = second.manifest!;
    t.is(manifest.parent, first.manifest!.setId);
    for (const app of manifest.applications) {
      t.is(app.backupStatus, app.name === c.app ? 'Exported' : 'Unchanged');
      if (app.name !== c.app) t.deepEqual(app.artifacts, first.manifest!.applications.find((a) => a.name === app.name)!.artifacts, 'unchanged apps point at the previous objects');
    }
  });
}

test('--full exports everything again even when nothing changed', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  await exportBackup(group, store, exportOptions(), recordingReporter());
  const full = await exportBackup(group, store, exportOptions({ full: true }), recordingReporter());
  t.true(full.committed);
  t.true(full.manifest!.applications.every((a) => a.backupStatus === 'Exported'));
  t.true(full.manifest!.full);
});

test('one application failing does not stop the others: it is recorded and the run exits 3', async (t) => {
  const group = await sampleGroup((s) => {
    s.faults = [{ command: 'ExportApp', application: 'Contoso.Billing', errors: ['Failed to export application "Contoso.Billing".', 'Access denied.'], exitCode: 2 }];
  });
  const store = createMemoryStore();
  const outcome = await exportBackup(group, store, exportOptions(), recordingReporter());
  t.is(outcome.exitCode, 3);
  const manifest = outcome.manifest!;
  t.deepEqual(manifest.failures.map((f) => [f.application, f.code]), [['Contoso.Billing', 'E_BTSTASK_FAILED']]);
  t.deepEqual((manifest.failures[0]!.details as { errors: string[] }).errors, ['Failed to export application "Contoso.Billing".', 'Access denied.']);
  t.deepEqual(manifest.applications.filter((a) => a.backupStatus === 'Exported').map((a) => a.name).sort(), ['Contoso.Orders', 'Contoso.Portal', 'Contoso.Shared', 'Zahlungsverkehr Süd']);
});

test('a failed application keeps its previous backup in the new set', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  const first = (await exportBackup(group, store, exportOptions(), recordingReporter())).manifest!;
  group.application('Contoso.Billing').description = 'changed';
  group.application('Contoso.Billing').references.push('Contoso.Portal'.replace('Portal', 'Shared2'));
  group.state.faults = [{ command: 'ExportApp', application: 'Contoso.Billing', errors: ['boom'] }];
  group.state.applications.push({ ...group.application('Contoso.Shared'), name: 'Contoso.Shared2' });
  const second = await exportBackup(group, store, exportOptions(), recordingReporter());
  t.is(second.exitCode, 3);
  const billing = second.manifest!.applications.find((a) => a.name === 'Contoso.Billing')!;
  t.is(billing.backupStatus, 'Failed');
  t.deepEqual(billing.artifacts, first.applications.find((a) => a.name === 'Contoso.Billing')!.artifacts);
});

test('--dry-run makes no change to the store and plans exactly what the real run does', async (t) => {
  const group = await sampleGroup();
  const { store, mutations } = countingStore();
  const dry = await exportBackup(group, store, exportOptions({ dryRun: true }), recordingReporter());
  t.deepEqual(mutations, []);
  t.is(dry.manifest, undefined);
  const real = await exportBackup(group, store, exportOptions(), recordingReporter());
  t.deepEqual(dry.plan, real.plan);
});

test('a literal -Name that matches no application is E_APP_NOT_FOUND; wildcards select', async (t) => {
  const group = await sampleGroup();
  const error = await t.throwsAsync(exportBackup(group, createMemoryStore(), exportOptions({ include: ['Contoso.Ordres'] }), recordingReporter()));
  t.is((error as { code?: string }).code, 'E_APP_NOT_FOUND');
  t.is((error as { target?: string }).target, 'Contoso.Ordres');
  const some = await exportBackup(group, createMemoryStore(), exportOptions({ include: ['Contoso.*'], exclude: ['*Portal'] }), recordingReporter());
  t.deepEqual(some.manifest!.importOrder, ['Contoso.Shared', 'Contoso.Orders', 'Contoso.Billing']);
});

for (const [title, xml] of [
  ['malformed binding XML', '<BindingInfo><SendPortCollection></BindingInfo>'],
  ['binding XML with a DTD', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><BindingInfo>&e;</BindingInfo>'],
] as const) {
  test(`${title} from the back end fails that application with E_INVALID_DATA, not the run`, async (t) => {
    const group = await sampleGroup((s) => {
      s.applications.find((a) => a.name === 'Contoso.Portal')!.bindings = xml;
    });
    const outcome = await exportBackup(group, createMemoryStore(), exportOptions(), recordingReporter());
    t.is(outcome.exitCode, 3);
    t.deepEqual(outcome.manifest!.failures.map((f) => [f.application, f.code]), [['Contoso.Portal', 'E_INVALID_DATA']]);
  });
}

test('a corrupt last manifest stops the export (never taken as "no previous backup")', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  await exportBackup(group, store, exportOptions(), recordingReporter());
  const [setId] = await store.listSets();
  store.state.sets.set(setId!, new TextEncoder().encode('{"schemaVersion": 1, "setId": '));
  const error = await t.throwsAsync(exportBackup(group, store, exportOptions(), recordingReporter()));
  t.is((error as { code?: string }).code, 'E_MANIFEST_CORRUPT');
  t.is((await store.listSets()).length, 1);
});

test('a DLL hot-fixed in the GAC but not in the application resource is reported as a stale artifact', async (t) => {
  const group = await sampleGroup();
  group.state.gac.find((g) => g.assembly.fullName === SAMPLE_ASSEMBLIES.ordersMaps)!.assembly.build = 7;
  const manifest = (await exportBackup(group, createMemoryStore(), exportOptions(), recordingReporter())).manifest!;
  const stale = manifest.warnings.filter((w) => w.kind === 'StaleArtifact');
  t.deepEqual(stale.map((w) => w.application), ['Contoso.Orders']);
  t.true(stale[0]!.message.includes('Contoso.Orders.Maps'));
});

test('a referenced DLL that is nowhere to be found is a MissingDependency warning', async (t) => {
  const group = await sampleGroup((s) => {
    s.gac = s.gac.filter((g) => g.assembly.fullName !== SAMPLE_ASSEMBLIES.helpers);
  });
  const outcome = await exportBackup(group, createMemoryStore(), exportOptions(), recordingReporter());
  t.is(outcome.exitCode, 0);
  t.true(outcome.manifest!.warnings.some((w) => w.kind === 'MissingDependency' && w.application === 'Contoso.Orders' && w.message.includes('Contoso.Common.Helpers')));
});

test('a store locked by a live export elsewhere is E_LOCK_HELD and nothing is written', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  const held = await store.acquireLock('export');
  const { store: counting, mutations } = countingStore(store);
  const error = await t.throwsAsync(exportBackup(group, counting, exportOptions(), recordingReporter()));
  t.is((error as { code?: string }).code, 'E_LOCK_HELD');
  t.deepEqual(mutations.filter((m) => m !== 'init' && m !== 'acquireLock'), []);
  t.deepEqual(await store.listSets(), []);
  await held.release();
});

test('extra paths are stored with the set (--include-path)', async (t) => {
  const group = await sampleGroup();
  const file = `${group['options' as keyof typeof group] === undefined ? '' : ''}${process.env['TMPDIR'] ?? '/tmp'}/btsbackup-extra-${process.pid}.config`;
  await writeFile(file, '<configuration />');
  const manifest = (await exportBackup(group, createMemoryStore(), exportOptions({ includePaths: [file] }), recordingReporter())).manifest!;
  t.deepEqual(manifest.extras.map((e) => e.name), [file.split('/').pop()]);
  t.is(gacPath('/g', SAMPLE_ASSEMBLIES.helpers), '/g/GAC_MSIL/Contoso.Common.Helpers/v4.0_2.1.0.0__f1e2d3c4b5a69788/Contoso.Common.Helpers.dll');
});

test('canary secrets in an added binding file, a config file and a binding connection string reach no stored object and no output', async (t) => {
  const canary = 'canary-secret-4f1d8e';
  const group = await sampleGroup((s) => {
    const billing = s.applications.find((a) => a.name === 'Contoso.Billing')!;
    billing.resources.push({
      type: 'System.BizTalk:BizTalkBinding',
      luid: 'PROD/Contoso.Billing.BindingInfo.xml',
      properties: { TargetEnvironment: 'PROD' },
      files: [{ name: 'Contoso.Billing.PROD.BindingInfo.xml', text: billing.bindings!.replace(/Sftp-S3cret#2026/g, canary) }],
    });
    billing.resources.push({ type: 'System.BizTalk:File', luid: 'Contoso.Billing.Db.config', properties: {}, files: [{ name: 'Contoso.Billing.Db.config', text: `<connectionStrings><add name="db" connectionString="Server=sql01;Database=Billing;User Id=billing;Password=${canary};" /></connectionStrings>` }] });
    const orders = s.applications.find((a) => a.name === 'Contoso.Orders')!;
    orders.bindings = orders.bindings!.replace('&lt;FileMask vt=&quot;8&quot;&gt;', `&lt;ConnectionString vt=&quot;8&quot;&gt;Data Source=sql01;Pwd=${canary}&lt;/ConnectionString&gt;&lt;FileMask vt=&quot;8&quot;&gt;`);
  });
  const store = createMemoryStore();
  const reporter = recordingReporter();
  const manifest = (await exportBackup(group, store, exportOptions(), reporter)).manifest!;
  const texts: string[] = [];
  for (const object of await store.listObjects()) {
    const bytes = await store.readObject(object.sha256);
    texts.push(Buffer.from(bytes).toString('latin1'), Buffer.from(bytes).toString('utf8'));
    if (bytes[0] === 0xd0 && bytes[1] === 0xcf) {
      for (const resource of readApplicationPackage(bytes, 'x.msi').resources) for (const file of resource.files) texts.push(new TextDecoder().decode(file.bytes));
    }
  }
  for (const text of texts) t.false(text.includes(canary));
  t.false(JSON.stringify(reporter.lines).includes(canary));
  t.false(JSON.stringify(manifest).includes(canary));
  const kinds = manifest.redactions.map((r) => `${r.application}|${r.kind}`).sort();
  t.true(kinds.includes('Contoso.Billing|BindingPassword'));
  t.true(kinds.includes('Contoso.Billing|ConnectionStringPassword'));
  t.true(kinds.includes('Contoso.Orders|ConnectionStringPassword'));
  // the re-packed MSI still holds every resource
  const billing = manifest.applications.find((a) => a.name === 'Contoso.Billing')!;
  const pkg = readApplicationPackage(await store.readObject(billing.artifacts.find((a) => a.kind === 'msi')!.sha256), 'b.msi');
  t.true(pkg.resources.some((r) => r.luid === 'PROD/Contoso.Billing.BindingInfo.xml'));
  // the PROD binding file is also kept beside the MSI, masked, for restore --environment PROD
  const prod = billing.artifacts.find((a) => a.name === 'Contoso.Billing.PROD.bindings.xml');
  t.is(prod?.kind, 'bindings');
  const prodXml = new TextDecoder().decode(await store.readObject(prod!.sha256));
  t.true(prodXml.includes('******'));
  t.false(prodXml.includes(canary));
});

test('two sets made within the same second still list in the order they were made', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  const frozen = { now: () => new Date(Date.UTC(2026, 10, 25, 3, 0, 0, 500)) };
  let suffix = 0xfffff0;
  const options = exportOptions({ clock: frozen, newSetId: (now) => newSetId(now, () => (suffix--).toString(16)) });
  const first = (await exportBackup(group, store, options, recordingReporter())).manifest!;
  group.application('Contoso.Orders').description = 'changed';
  group.application('Contoso.Orders').references.push('Contoso.Portal2');
  const second = (await exportBackup(group, store, { ...options, full: true }, recordingReporter())).manifest!;
  t.deepEqual(await store.listSets(), [first.setId, second.setId]);
  t.is(second.parent, first.setId);
});

test('an application whose inventory fails is not reported as removed, and keeps its previous backup', async (t) => {
  const group = await sampleGroup();
  const store = createMemoryStore();
  await exportBackup(group, store, exportOptions(), recordingReporter());
  group.state.faults = [{ command: 'ExportBindings', application: 'Contoso.Portal', errors: ['Timeout expired.'] }];
  const second = await exportBackup(group, store, exportOptions(), recordingReporter());
  t.is(second.exitCode, 3);
  t.deepEqual(second.plan.removed, []);
  t.like(second.manifest!.applications.find((a) => a.name === 'Contoso.Portal'), { backupStatus: 'Failed' });
});

test('a resource exported without its install action is a MissingInstallAction warning with the exact fix', async (t) => {
  const group = await sampleGroup((s) => {
    const billing = s.applications.find((a) => a.name === 'Contoso.Billing')!;
    billing.resources.find((r) => r.luid === SAMPLE_ASSEMBLIES.billingFacts)!.properties['Gacutil'] = 'False';
    billing.resources.find((r) => r.luid === 'Contoso.Billing.config')!.properties['DestinationLocation'] = '';
  });
  const reporter = recordingReporter();
  const outcome = await exportBackup(group, createMemoryStore(), exportOptions(), reporter);
  t.is(outcome.exitCode, 0);
  const missing = outcome.manifest!.warnings.filter((w) => w.kind === 'MissingInstallAction');
  t.deepEqual(missing.map((w) => w.application), ['Contoso.Billing', 'Contoso.Billing']);
  const gac = missing.find((w) => w.message.includes(SAMPLE_ASSEMBLIES.billingFacts))!;
  t.true(gac.message.includes('GacOnInstall'));
  t.true(gac.message.includes(`BTSTask AddResource /ApplicationName:"Contoso.Billing" /Type:System.BizTalk:Assembly /Overwrite /Source:"C:\\Build\\Contoso\\bin\\Contoso.Billing.Facts.dll" /Destination:"%BTAD_InstallDir%\\Contoso.Billing.Facts.dll" /Options:GacOnAdd,GacOnImport,GacOnInstall`));
  const file = missing.find((w) => w.message.includes('Contoso.Billing.config'))!;
  t.true(file.message.includes('/Type:System.BizTalk:File /Overwrite /Source:"C:\\Build\\Contoso\\config\\Contoso.Billing.config" /Destination:"%BTAD_InstallDir%\\Contoso.Billing.config"'));
  // logged as warnings too, like every other manifest warning
  t.true(reporter.lines.some((l) => l.type === 'log' && l['level'] === 'warning' && String(l['message']).startsWith('Contoso.Billing: Resource System.BizTalk:Assembly')));
});

test('the sample group exports with no MissingInstallAction warning', async (t) => {
  const outcome = await exportBackup(await sampleGroup(), createMemoryStore(), exportOptions(), recordingReporter());
  t.deepEqual(outcome.manifest!.warnings.filter((w) => w.kind === 'MissingInstallAction'), []);
});
