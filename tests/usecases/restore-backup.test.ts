import test from 'ava';
import { SAMPLE_FTP_PASSWORD, SAMPLE_SFTP_PASSWORD } from '../../src/adapters/simulator/sample-group.js';
import { SimulatedGroup } from '../../src/adapters/simulator/simulated-group.js';
import { SimulatedRestoreTarget, scratchGroupLike } from '../../src/adapters/simulator/simulated-restore.js';
import { createMemoryStore, type MemoryStore } from '../../src/adapters/store/memory-store.js';
import { normalizeBindings } from '../../src/formats/bindings/normalize-bindings.js';
import { canonicalResources } from '../../src/core/app-snapshot.js';
import { parseManifest, serializeManifest, type Manifest } from '../../src/core/manifest.js';
import type { SecretEntry } from '../../src/core/secrets.js';
import type { BizTalkRestoreTarget } from '../../src/ports/biztalk-restore.js';
import { exportBackup } from '../../src/usecases/export-backup.js';
import { drillRestore, restoreBackup, type RestoreOptions } from '../../src/usecases/restore-backup.js';
import { exportOptions, recordingReporter, sampleGroup } from '../support/export-fixture.js';
import { makeTempDir } from '../support/cli.js';

const SECRETS: SecretEntry[] = [
  { application: 'Contoso.Billing', port: 'Billing.Send.Bank.Sftp', field: 'AdapterConfig/password', value: SAMPLE_SFTP_PASSWORD },
  { port: 'Zahlungsverkehr.Send.Bank.Ftp', field: 'password', value: SAMPLE_FTP_PASSWORD },
];

const MUTATING = new Set(['importApplication', 'importBindings', 'addReference', 'installPackage', 'installAssembly']);

/** Wraps a target and records every call that changes it, with its application. */
function counting(inner: BizTalkRestoreTarget): { target: BizTalkRestoreTarget; calls: { method: string; application: string }[] } {
  const calls: { method: string; application: string }[] = [];
  const target = new Proxy(inner, {
    get(t, property, receiver) {
      const value = Reflect.get(t, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (MUTATING.has(String(property))) calls.push({ method: String(property), application: String(args[0]) });
        return (value as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
  return { target, calls };
}

async function exported(): Promise<{ source: SimulatedGroup; store: MemoryStore; manifest: Manifest }> {
  const source = await sampleGroup();
  const store = createMemoryStore();
  const outcome = await exportBackup(source, store, exportOptions(), recordingReporter());
  return { source, store, manifest: outcome.manifest! };
}

async function emptyTarget(source: SimulatedGroup, mutate?: (g: SimulatedGroup) => void): Promise<SimulatedGroup> {
  const group = scratchGroupLike(source, await makeTempDir('restore-gac'));
  mutate?.(group);
  return group;
}

function restoreOptions(overrides: Partial<RestoreOptions> = {}): RestoreOptions {
  return { set: 'latest', mode: 'import', include: [], exclude: [], includeReferenced: false, overwrite: false, installOnThisServer: false, dryRun: false, secrets: SECRETS, allowMissingSecrets: false, ...overrides };
}

const statuses = (results: { application: string; status: string }[]): Record<string, string> => Object.fromEntries(results.map((r) => [r.application, r.status]));
const codes = (results: { application: string; errors: Record<string, unknown>[] }[], name: string): string[] => results.find((r) => r.application === name)?.errors.map((e) => String(e['code'])) ?? [];

test('round trip: the restored group equals the original (applications, resources, references, bindings with secrets); a second restore changes nothing', async (t) => {
  const { source, store, manifest } = await exported();
  const group = await emptyTarget(source);
  const { target, calls } = counting(new SimulatedRestoreTarget(group));
  const first = await restoreBackup(target, store, restoreOptions(), recordingReporter());
  t.is(first.exitCode, 0, JSON.stringify(first.results.map((r) => r.errors)));
  t.deepEqual(new Set(first.results.map((r) => r.status)), new Set(['Imported']));
  t.deepEqual(first.results.map((r) => r.application), manifest.importOrder);

  const names = (g: SimulatedGroup): string[] => g.state.applications.filter((a) => !a.isSystem && !(a.isDefault && a.resources.length === 0)).map((a) => a.name).sort();
  t.deepEqual(names(group), names(source));
  for (const name of manifest.importOrder) {
    const original = source.application(name);
    const restored = group.application(name);
    t.deepEqual([...restored.references].sort(), [...original.references].sort(), `${name} references`);
    t.deepEqual(canonicalResources(await group.listResources(name)), canonicalResources(await source.listResources(name)), `${name} resources`);
    // the database's own bindings, real passwords in place: what ImportBindings with the secrets put back
    t.is(normalizeBindings(restored.bindings!, 'restored').fingerprint, normalizeBindings(original.bindings!, 'original').fingerprint, `${name} bindings`);
    t.is(restored.description, original.description);
  }
  t.true(group.application('Contoso.Billing').bindings!.includes(SAMPLE_SFTP_PASSWORD.replace('#', '#')));
  t.true(calls.length > 0);

  calls.length = 0;
  const second = await restoreBackup(target, store, restoreOptions(), recordingReporter());
  t.is(second.exitCode, 0);
  t.deepEqual(new Set(second.results.map((r) => r.status)), new Set(['Unchanged']));
  t.deepEqual(calls, [], 'no mutating call on the second restore');
});

test('--dry-run makes zero mutating calls, and the real run executes the very plan it printed', async (t) => {
  const { source, store } = await exported();
  const { target, calls } = counting(new SimulatedRestoreTarget(await emptyTarget(source)));
  const dry = await restoreBackup(target, store, restoreOptions({ dryRun: true }), recordingReporter());
  t.deepEqual(calls, []);
  t.true(dry.results.every((r) => r.status === 'Planned'));
  const real = await restoreBackup(target, store, restoreOptions(), recordingReporter());
  t.deepEqual(real.plan, dry.plan);
  t.deepEqual(
    calls.map((c) => `${c.method} ${c.application}`),
    dry.plan.applications.flatMap((a) => a.steps.map((s) => `${{ ImportApp: 'importApplication', AddReference: 'addReference', ImportBindings: 'importBindings', InstallMsi: 'installPackage', InstallAssembly: 'installAssembly' }[s.action]} ${s.application}`)),
  );
});

test('a missing host: the applications whose bindings use it fail before any call, the others are imported, exit 3', async (t) => {
  const { source, store } = await exported();
  const group = await emptyTarget(source, (g) => {
    g.state.hosts = g.state.hosts.filter((h) => h.name !== 'ReceiveHost');
    g.state.handlers = g.state.handlers.filter((h) => h.host !== 'ReceiveHost');
  });
  const { target, calls } = counting(new SimulatedRestoreTarget(group));
  const outcome = await restoreBackup(target, store, restoreOptions(), recordingReporter());
  t.is(outcome.exitCode, 3);
  t.is(statuses(outcome.results)['Contoso.Orders'], 'Failed');
  t.true(codes(outcome.results, 'Contoso.Orders').includes('E_HOST_MISSING'));
  // Billing references Orders: it cannot be restored either; Shared and Zahlungsverkehr are independent
  t.deepEqual(codes(outcome.results, 'Contoso.Billing'), ['E_REFERENCE_MISSING']);
  t.is(statuses(outcome.results)['Contoso.Shared'], 'Imported');
  t.is(statuses(outcome.results)['Zahlungsverkehr Süd'], 'Imported');
  t.false(calls.some((c) => c.application === 'Contoso.Orders' || c.application === 'Contoso.Billing'));
});

test('a wrong trust level is refused before any call', async (t) => {
  const { source, store } = await exported();
  const group = await emptyTarget(source, (g) => {
    for (const h of g.state.hosts) if (h.name === 'SendHost') h.trusted = true;
  });
  const { target, calls } = counting(new SimulatedRestoreTarget(group));
  const outcome = await restoreBackup(target, store, restoreOptions(), recordingReporter());
  t.is(outcome.exitCode, 3);
  for (const name of ['Contoso.Orders', 'Contoso.Billing', 'Zahlungsverkehr Süd']) t.is(statuses(outcome.results)[name], 'Failed', name);
  t.true(codes(outcome.results, 'Zahlungsverkehr Süd').includes('E_TRUST_MISMATCH'));
  t.false(calls.some((c) => c.application === 'Zahlungsverkehr Süd'));
});

test('a referenced application left out is an error naming it; --include-referenced brings it along', async (t) => {
  const { source, store } = await exported();
  const { target, calls } = counting(new SimulatedRestoreTarget(await emptyTarget(source)));
  const left = await restoreBackup(target, store, restoreOptions({ include: ['Contoso.Orders'] }), recordingReporter());
  t.is(left.exitCode, 1);
  const error = left.results.find((r) => r.application === 'Contoso.Orders')!.errors[0]!;
  t.is(error['code'], 'E_REFERENCE_MISSING');
  t.like(error['details'], { application: 'Contoso.Orders', referenced: 'Contoso.Shared' });
  t.deepEqual(calls, []);
  const pulled = await restoreBackup(target, store, restoreOptions({ include: ['Contoso.Orders'], includeReferenced: true }), recordingReporter());
  t.is(pulled.exitCode, 0);
  t.deepEqual(pulled.results.filter((r) => r.status === 'Imported').map((r) => r.application), ['Contoso.Shared', 'Contoso.Orders']);
});

test('a cycle in the references (tampered set) blocks its members, names them, and the rest is restored', async (t) => {
  const { source, store, manifest } = await exported();
  const tampered = structuredClone(manifest) as Manifest;
  tampered.setId = '29991231T000000Z-c1c1e1';
  tampered.applications.find((a) => a.name === 'Contoso.Orders')!.references = ['Contoso.Shared', 'Contoso.Billing'];
  await commitTampered(store, tampered);
  const { target, calls } = counting(new SimulatedRestoreTarget(await emptyTarget(source)));
  const outcome = await restoreBackup(target, store, restoreOptions({ set: tampered.setId }), recordingReporter());
  t.is(outcome.exitCode, 3);
  const cycle = outcome.results.find((r) => r.application === 'Contoso.Orders')!.errors.find((e) => e['code'] === 'E_REFERENCE_CYCLE')!;
  t.truthy(cycle);
  t.deepEqual([...new Set((cycle['details'] as { cycle: string[] }).cycle)].sort(), ['Contoso.Billing', 'Contoso.Orders']);
  t.deepEqual(codes(outcome.results, 'Contoso.Billing'), ['E_REFERENCE_CYCLE']);
  t.deepEqual(codes(outcome.results, 'Contoso.Portal'), ['E_REFERENCE_MISSING']); // references Billing, which is in the cycle
  t.is(statuses(outcome.results)['Contoso.Shared'], 'Imported');
  t.is(statuses(outcome.results)['Zahlungsverkehr Süd'], 'Imported');
  t.false(calls.some((c) => ['Contoso.Orders', 'Contoso.Billing', 'Contoso.Portal'].includes(c.application)));
});

test('a corrupt object is refused before any call for its application; independent applications are restored', async (t) => {
  const { source, store, manifest } = await exported();
  const msi = manifest.applications.find((a) => a.name === 'Zahlungsverkehr Süd')!.artifacts.find((a) => a.kind === 'msi')!;
  const bytes = store.state.objects.get(msi.sha256)!;
  bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
  const { target, calls } = counting(new SimulatedRestoreTarget(await emptyTarget(source)));
  const outcome = await restoreBackup(target, store, restoreOptions(), recordingReporter());
  t.is(outcome.exitCode, 3);
  t.deepEqual(codes(outcome.results, 'Zahlungsverkehr Süd'), ['E_CHECKSUM_MISMATCH']);
  t.false(calls.some((c) => c.application === 'Zahlungsverkehr Süd'));
  t.is(statuses(outcome.results)['Contoso.Portal'], 'Imported');
});

test('a missing object: E_OBJECT_MISSING for that application only', async (t) => {
  const { source, store, manifest } = await exported();
  const bindings = manifest.applications.find((a) => a.name === 'Contoso.Portal')!.artifacts.find((a) => a.kind === 'bindings')!;
  store.state.objects.delete(bindings.sha256);
  const outcome = await restoreBackup(new SimulatedRestoreTarget(await emptyTarget(source)), store, restoreOptions(), recordingReporter());
  t.is(outcome.exitCode, 3);
  t.deepEqual(codes(outcome.results, 'Contoso.Portal'), ['E_OBJECT_MISSING']);
  t.is(statuses(outcome.results)['Contoso.Billing'], 'Imported');
});

test('ImportApp failing for one application: it is Failed with E_BTSTASK_FAILED and its Error: lines, the others succeed, exit 3', async (t) => {
  const { source, store } = await exported();
  const group = await emptyTarget(source, (g) => {
    g.state.faults = [{ command: 'ImportApp', application: 'Contoso.Portal', errors: ['Could not import the package: the web directory cannot be created.'], exitCode: 1 }];
  });
  const outcome = await restoreBackup(new SimulatedRestoreTarget(group), store, restoreOptions(), recordingReporter());
  t.is(outcome.exitCode, 3);
  const failed = outcome.results.find((r) => r.application === 'Contoso.Portal')!;
  t.is(failed.status, 'Failed');
  t.is(failed.errors[0]!['code'], 'E_BTSTASK_FAILED');
  t.like(failed.errors[0]!['details'], { exitCode: 1, errors: ['Could not import the package: the web directory cannot be created.'] });
  t.deepEqual(failed.steps.map((s) => s.status), ['Failed', 'NotRun', 'NotRun']);
  for (const name of ['Contoso.Shared', 'Contoso.Orders', 'Contoso.Billing', 'Zahlungsverkehr Süd']) t.is(statuses(outcome.results)[name], 'Imported', name);
});

test('path-traversal names in a manifest: E_PATH_UNSAFE before any call, nothing written outside the staging folder', async (t) => {
  const { source, store, manifest } = await exported();
  const tampered = structuredClone(manifest) as Manifest;
  tampered.setId = '29991231T000000Z-e0e0e1';
  const orders = tampered.applications.find((a) => a.name === 'Contoso.Shared')!;
  orders.artifacts.find((a) => a.kind === 'msi')!.name = '..\\..\\..\\Windows\\System32\\evil.msi';
  const portal = tampered.applications.find((a) => a.name === 'Contoso.Portal')!;
  portal.artifacts.find((a) => a.kind === 'bindings')!.name = '../../etc/cron.d/evil';
  await commitTampered(store, tampered);
  const { target, calls } = counting(new SimulatedRestoreTarget(await emptyTarget(source)));
  const outcome = await restoreBackup(target, store, restoreOptions({ set: tampered.setId }), recordingReporter());
  t.deepEqual(codes(outcome.results, 'Contoso.Shared'), ['E_PATH_UNSAFE']);
  t.true(codes(outcome.results, 'Contoso.Portal').includes('E_PATH_UNSAFE'));
  t.false(calls.some((c) => ['Contoso.Shared', 'Contoso.Portal', 'Contoso.Orders', 'Contoso.Billing'].includes(c.application)));
  t.is(statuses(outcome.results)['Zahlungsverkehr Süd'], 'Failed'); // references Shared
});

test('an existing, different application without --overwrite: E_TARGET_EXISTS and no call; with it, /Overwrite is passed', async (t) => {
  const { source, store } = await exported();
  const group = await emptyTarget(source);
  await restoreBackup(new SimulatedRestoreTarget(group), store, restoreOptions({ include: ['Contoso.Shared'] }), recordingReporter());
  group.application('Contoso.Shared').description = 'changed';
  group.application('Contoso.Shared').resources.pop();
  const { target, calls } = counting(new SimulatedRestoreTarget(group));
  const refused = await restoreBackup(target, store, restoreOptions({ include: ['Contoso.Shared'] }), recordingReporter());
  t.deepEqual(codes(refused.results, 'Contoso.Shared'), ['E_TARGET_EXISTS']);
  t.deepEqual(calls, []);
  const spy: { overwrite?: boolean }[] = [];
  const inner = new SimulatedRestoreTarget(group);
  const original = inner.importApplication.bind(inner);
  inner.importApplication = async (app, msi, options) => {
    spy.push({ overwrite: options.overwrite });
    return original(app, msi, options);
  };
  const forced = await restoreBackup(inner, store, restoreOptions({ include: ['Contoso.Shared'], overwrite: true }), recordingReporter());
  t.is(forced.exitCode, 0);
  t.deepEqual(spy, [{ overwrite: true }]);
  t.is(group.application('Contoso.Shared').resources.length, 2);
});

test('masked passwords without a secret block the application; --allow-missing-secrets imports ****** with a warning', async (t) => {
  const { source, store } = await exported();
  const { target, calls } = counting(new SimulatedRestoreTarget(await emptyTarget(source)));
  const refused = await restoreBackup(target, store, restoreOptions({ secrets: [] }), recordingReporter());
  t.deepEqual(codes(refused.results, 'Contoso.Billing'), ['E_SECRET_MISSING']);
  t.false(calls.some((c) => c.application === 'Contoso.Billing'));
  const group = await emptyTarget(source);
  const allowed = await restoreBackup(new SimulatedRestoreTarget(group), store, restoreOptions({ secrets: [], allowMissingSecrets: true }), recordingReporter());
  t.is(allowed.exitCode, 0);
  t.true(group.application('Contoso.Billing').bindings!.includes('******'));
});

test('install mode: each MSI and the harvested DLL go into the GAC; a second run is Unchanged', async (t) => {
  const { source, store } = await exported();
  // databases restored (the group knows the applications), server rebuilt (empty GAC)
  const rebuilt = new SimulatedGroup(structuredClone(source.state), { gacRoot: await makeTempDir('rebuilt-gac') });
  rebuilt.state.gac = [];
  const { target, calls } = counting(new SimulatedRestoreTarget(rebuilt));
  const outcome = await restoreBackup(target, store, restoreOptions({ mode: 'install' }), recordingReporter());
  t.is(outcome.exitCode, 0, JSON.stringify(outcome.results.map((r) => r.errors)));
  t.true(outcome.results.every((r) => r.status === 'Installed'));
  t.truthy(await rebuilt.locateAssembly('Contoso.Common.Helpers, Version=2.1.0.0, Culture=neutral, PublicKeyToken=f1e2d3c4b5a69788'));
  t.truthy(await rebuilt.locateAssembly('Contoso.Orders.Maps, Version=1.2.0.0, Culture=neutral, PublicKeyToken=f1e2d3c4b5a69788'));
  t.is(calls.filter((c) => c.method === 'installAssembly').length, 1, 'the shared helper DLL is installed once');
  calls.length = 0;
  const again = await restoreBackup(target, store, restoreOptions({ mode: 'install' }), recordingReporter());
  t.true(again.results.every((r) => r.status === 'Unchanged'));
  t.deepEqual(calls, []);
});

test('restore drill: a scratch group gets the set and every application compares equal to the backup', async (t) => {
  const { source, store } = await exported();
  const outcome = await drillRestore(new SimulatedRestoreTarget(await emptyTarget(source)), store, restoreOptions({ secrets: [] }), recordingReporter());
  t.is(outcome.exitCode, 0, JSON.stringify(outcome.drill));
  t.deepEqual(outcome.drill.map((d) => d.status), ['Verified', 'Verified', 'Verified', 'Verified', 'Verified']);
});

test('restore drill catches an incomplete MSI', async (t) => {
  const { source, store, manifest } = await exported();
  // a set whose recorded resources list one the MSI does not carry
  const tampered = structuredClone(manifest) as Manifest;
  tampered.setId = '29991231T000000Z-d1d1d1';
  const shared = tampered.applications.find((a) => a.name === 'Contoso.Shared')!;
  shared.resources.push({ type: 'System.BizTalk:File', luid: 'Forgotten.config', properties: {} });
  shared.fingerprint = 'f'.repeat(64);
  await commitTampered(store, tampered);
  const outcome = await drillRestore(new SimulatedRestoreTarget(await emptyTarget(source)), store, restoreOptions({ set: tampered.setId, secrets: [] }), recordingReporter());
  t.is(outcome.exitCode, 12);
  const failed = outcome.drill.find((d) => d.application === 'Contoso.Shared')!;
  t.is(failed.status, 'Failed');
  t.true(failed.reasons.some((r) => r.includes('Forgotten.config')));
});

async function commitTampered(store: MemoryStore, manifest: Manifest): Promise<void> {
  parseManifest(serializeManifest(manifest), 'tampered');
  const lock = await store.acquireLock('test');
  await store.commitSet(manifest.setId, new TextEncoder().encode(serializeManifest(manifest)), lock);
  await lock.release();
}

test('an application without bindings: a second restore is Unchanged with no call, and a drill passes', async (t) => {
  const source = await sampleGroup((s) => {
    s.applications.push({
      name: 'Contoso.NoBindings',
      description: 'files only',
      isSystem: false,
      isDefault: false,
      status: 'NotApplicable',
      references: [],
      resources: [{ type: 'System.BizTalk:File', luid: 'readme.txt', properties: { SourceLocation: 'C:\\x\\readme.txt', DestinationLocation: '%BTAD_InstallDir%\\readme.txt' }, files: [{ name: 'readme.txt', text: 'hello' }] }],
    });
  });
  const store = createMemoryStore();
  await exportBackup(source, store, exportOptions(), recordingReporter());
  const { target, calls } = counting(new SimulatedRestoreTarget(await emptyTarget(source)));
  const first = await restoreBackup(target, store, restoreOptions(), recordingReporter());
  t.is(first.exitCode, 0, JSON.stringify(first.results.map((r) => r.errors)));
  t.false(calls.some((c) => c.method === 'importBindings' && c.application === 'Contoso.NoBindings'), 'no bindings imported into an application that had none');
  calls.length = 0;
  const second = await restoreBackup(target, store, restoreOptions(), recordingReporter());
  t.is(second.exitCode, 0, JSON.stringify(second.results.map((r) => r.errors)));
  t.deepEqual(new Set(second.results.map((r) => r.status)), new Set(['Unchanged']));
  t.deepEqual(calls, []);
  const drill = await drillRestore(new SimulatedRestoreTarget(await emptyTarget(source)), store, restoreOptions({ secrets: [] }), recordingReporter());
  t.is(drill.exitCode, 0, JSON.stringify(drill.drill));
});

test('a binding file added for an environment: a drill passes, and a second restore --environment is Unchanged', async (t) => {
  const source = await sampleGroup((s) => {
    const orders = s.applications.find((a) => a.name === 'Contoso.Orders')!;
    orders.resources.push({ type: 'System.BizTalk:BizTalkBinding', luid: 'TEST/Contoso.Orders.BindingInfo.xml', properties: { TargetEnvironment: 'TEST' }, files: [{ name: 'Contoso.Orders.TEST.BindingInfo.xml', text: orders.bindings!.replace('\\\\fileserver\\drop\\warehouse', '\\\\testserver\\drop\\warehouse') }] });
  });
  const store = createMemoryStore();
  await exportBackup(source, store, exportOptions(), recordingReporter());
  const drill = await drillRestore(new SimulatedRestoreTarget(await emptyTarget(source)), store, restoreOptions({ secrets: [] }), recordingReporter());
  t.is(drill.exitCode, 0, JSON.stringify(drill.drill));
  const group = await emptyTarget(source);
  const { target, calls } = counting(new SimulatedRestoreTarget(group));
  const first = await restoreBackup(target, store, restoreOptions({ environment: 'TEST' }), recordingReporter());
  t.is(first.exitCode, 0, JSON.stringify(first.results.map((r) => r.errors)));
  t.true(group.application('Contoso.Orders').bindings!.includes('testserver'));
  calls.length = 0;
  const second = await restoreBackup(target, store, restoreOptions({ environment: 'TEST' }), recordingReporter());
  t.is(second.exitCode, 0, JSON.stringify(second.results.map((r) => r.errors)));
  t.deepEqual(new Set(second.results.map((r) => r.status)), new Set(['Unchanged']));
  t.deepEqual(calls, []);
});
