import test from 'ava';
import { createHash } from 'node:crypto';
import { createMemoryStore, type MemoryStore } from '../../src/adapters/store/memory-store.js';
import { serializeManifest } from '../../src/core/manifest.js';
import { parseStoredSet, rootRecords, TREE_SCHEMA_VERSION } from '../../src/core/manifest-tree.js';
import type { BtsBackupError } from '../../src/errors/index.js';
import { headerSummary, setSummary } from '../../src/cli/commands/list.js';
import { compareBackup } from '../../src/usecases/compare-backup.js';
import { exportBackup } from '../../src/usecases/export-backup.js';
import { pruneStore } from '../../src/usecases/prune-store.js';
import { readBackupSet } from '../../src/usecases/restore-backup.js';
import { readManifest, readSetHeader, storedInfo } from '../../src/usecases/set-manifests.js';
import { retentionCandidates, verifyBackup } from '../../src/usecases/verify-backup.js';
import { exportOptions, recordingReporter, sampleGroup } from '../support/export-fixture.js';

const structure = { set: 'all', include: [], readData: { mode: 'none' } } as const;
const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Two sets: the first backup, then a night where only Zahlungsverkehr Süd changed (a new reference). */
async function twoSets(): Promise<{ store: MemoryStore; first: string; second: string }> {
  const store = createMemoryStore();
  const group = await sampleGroup();
  const first = (await exportBackup(group, store, exportOptions(), recordingReporter())).manifest!.setId;
  group.application('Zahlungsverkehr Süd').references.push('Contoso.Billing');
  const second = await exportBackup(group, store, exportOptions(), recordingReporter());
  if (!second.committed) throw new Error('second export did not commit');
  return { store, first, second: second.manifest!.setId };
}

const root = (store: MemoryStore, setId: string) => {
  const stored = parseStoredSet(store.state.sets.get(setId)!, setId);
  if (stored.schemaVersion !== 2) throw new Error('not a tree');
  return stored.root;
};

test('a set is a root of one line per application pointing at records; an unchanged application keeps its record, the changed one gets a new one', async (t) => {
  const { store, first, second } = await twoSets();
  const a = root(store, first);
  const b = root(store, second);
  t.is(a.schemaVersion, TREE_SCHEMA_VERSION);
  t.is(b.parent, first);
  t.is(b.parentRoot, sha(store.state.sets.get(first)!), 'the hash chain names the parent file');
  const text = new TextDecoder().decode(store.state.sets.get(second)!);
  for (const entry of b.applications) t.true(text.split('\n').some((line) => line.startsWith(`{"name":${JSON.stringify(entry.name)},`)), `${entry.name} is one line`);
  const before = new Map(a.applications.map((e) => [e.name, e.record]));
  for (const entry of b.applications) {
    if (entry.name === 'Zahlungsverkehr Süd') {
      t.not(entry.record, before.get(entry.name));
      t.is(entry.backupStatus, 'Exported');
    } else {
      t.is(entry.record, before.get(entry.name)!, `${entry.name} points at the same record`);
      t.is(entry.backupStatus, undefined, 'Unchanged is the short form');
    }
  }
  // Records are objects; the two sets hold one record more than the applications of one set.
  const records = new Set([...rootRecords({ schemaVersion: 2, root: a, sha256: '' }), ...rootRecords({ schemaVersion: 2, root: b, sha256: '' })]);
  t.is(records.size, a.applications.length + 1);
  for (const record of records) t.truthy(await store.statObject(record));
});

test('readManifest assembles the same model readers had: applications, statuses, reasons, import order; list reads the same summary from the root alone', async (t) => {
  const { store, first, second } = await twoSets();
  const manifest = await readManifest(store, second);
  t.is(manifest.schemaVersion, 2);
  t.deepEqual(manifest.applications.map((a) => [a.name, a.backupStatus]), manifest.importOrder.map((name) => [name, name === 'Zahlungsverkehr Süd' ? 'Exported' : 'Unchanged']));
  t.is(manifest.applications.find((a) => a.name === 'Zahlungsverkehr Süd')!.exportedIn, second);
  t.is(manifest.applications.find((a) => a.name === 'Contoso.Shared')!.exportedIn, first);
  t.true(manifest.applications.find((a) => a.name === 'Zahlungsverkehr Süd')!.reasons.length > 0);
  for (const setId of [first, second]) {
    const reads: string[] = [];
    const watched = new Proxy(store, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          reads.push(String(property));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    const header = await readSetHeader(watched, setId);
    t.false(reads.includes('readObject'), 'list reads no record');
    t.deepEqual(headerSummary(header, 'x'), setSummary(await readManifest(store, setId), 'x'));
  }
});

test('an unchanged night writes nothing: no root, no record, no object', async (t) => {
  const { store } = await twoSets();
  const group = await sampleGroup();
  group.application('Zahlungsverkehr Süd').references.push('Contoso.Billing');
  const sets = [...store.state.sets.keys()];
  const objects = [...store.state.objects.keys()];
  const outcome = await exportBackup(group, store, exportOptions(), recordingReporter());
  t.false(outcome.committed);
  t.deepEqual([...store.state.sets.keys()], sets);
  t.deepEqual([...store.state.objects.keys()], objects);
});

test('a missing record: list still lists the set, loading it is E_OBJECT_MISSING naming the application, verify fails that set, prune refuses', async (t) => {
  const { store, second } = await twoSets();
  const entry = root(store, second).applications.find((e) => e.name === 'Zahlungsverkehr Süd')!;
  store.state.objects.delete(entry.record);
  t.is((await readSetHeader(store, second)).setId, second);
  const error = await t.throwsAsync<BtsBackupError>(readManifest(store, second), { code: 'E_OBJECT_MISSING' });
  t.is(error?.target, 'Zahlungsverkehr Süd');
  t.like(error?.details, { setId: second, sha256: entry.record, record: true });
  const verified = await verifyBackup(store, structure, recordingReporter());
  t.is(verified.exitCode, 12);
  t.like(verified.results.find((r) => r.setId === second), { application: null, status: 'Failed', problems: [{ code: 'E_OBJECT_MISSING' }] });
  t.true(verified.results.filter((r) => r.setId !== second).every((r) => r.status === 'Verified'), 'the first set still verifies');
  const objects = store.state.objects.size;
  await t.throwsAsync(pruneStore(store, { policy: { keepLast: 1 }, now: new Date(), candidates: retentionCandidates }), { code: 'E_OBJECT_MISSING' });
  t.is(store.state.objects.size, objects, 'prune deleted nothing');
  t.is(store.state.sets.size, 2);
});

test('a damaged record is E_CHECKSUM_MISMATCH; one that hashes right but is not a record is E_MANIFEST_CORRUPT', async (t) => {
  const { store, second } = await twoSets();
  const entry = root(store, second).applications.find((e) => e.name === 'Contoso.Portal')!;
  const bytes = store.state.objects.get(entry.record)!;
  const flipped = Uint8Array.from(bytes);
  flipped[20]! ^= 0x01;
  store.state.objects.set(entry.record, flipped);
  await t.throwsAsync(readManifest(store, second), { code: 'E_CHECKSUM_MISMATCH' });
  const verified = await verifyBackup(store, structure, recordingReporter());
  t.like(verified.results.find((r) => r.setId === second), { status: 'Failed', problems: [{ code: 'E_CHECKSUM_MISMATCH' }] });
  // A root pointing at an object that is intact but is an MSI, not a record.
  store.state.objects.set(entry.record, bytes);
  const msi = (await readManifest(store, second)).applications[0]!.artifacts.find((a) => a.kind === 'msi')!.sha256;
  const text = new TextDecoder().decode(store.state.sets.get(second)!).replace(entry.record, msi);
  store.state.sets.set(second, new TextEncoder().encode(text));
  await t.throwsAsync(readManifest(store, second), { code: 'E_MANIFEST_CORRUPT' });
});

test('a broken chain: a parent set changed after its child was written is E_CHAIN_BROKEN on the child; the parent alone still verifies', async (t) => {
  const { store, first, second } = await twoSets();
  const text = new TextDecoder().decode(store.state.sets.get(first)!).replace('"createdAt":"', '"createdAt":"1');
  store.state.sets.set(first, new TextEncoder().encode(text));
  const verified = await verifyBackup(store, structure, recordingReporter());
  t.is(verified.exitCode, 12);
  const broken = verified.results.filter((r) => r.status === 'Failed');
  t.deepEqual(broken.map((r) => [r.setId, r.application, r.problems[0]!.code]), [[second, null, 'E_CHAIN_BROKEN']]);
  t.like(broken[0]!.problems[0]!.details, { parent: first, expected: root(store, second).parentRoot, actual: sha(store.state.sets.get(first)!) });
  // Only the first set selected: nothing of it is broken.
  t.is((await verifyBackup(store, { ...structure, set: first }, recordingReporter())).exitCode, 0);
});

test('a root naming a parent no longer in the store (pruned): verify passes and says where the chain starts; the next export chains from it', async (t) => {
  const { store, first, second } = await twoSets();
  const pruned = await pruneStore(store, { policy: { keepLast: 1 }, now: new Date(), candidates: retentionCandidates });
  t.deepEqual(pruned.removedSets, [first]);
  // Objects only the first set used went with it; every record and artifact of the kept set stayed.
  const kept = await readManifest(store, second);
  for (const record of storedInfo(kept)!.records) t.truthy(await store.statObject(record));
  const reporter = recordingReporter();
  const verified = await verifyBackup(store, { ...structure, readData: { mode: 'all' } }, reporter);
  t.is(verified.exitCode, 0);
  t.deepEqual(verified.orphans, []);
  t.true(reporter.lines.some((l) => l.type === 'log' && l['level'] === 'info' && String(l['message']).includes(first)));
  const group = await sampleGroup();
  group.application('Zahlungsverkehr Süd').references.push('Contoso.Billing');
  group.application('Contoso.Portal').references.push('Contoso.Billing');
  const next = (await exportBackup(group, store, exportOptions(), recordingReporter())).manifest!;
  t.is(root(store, next.setId).parent, second);
  t.is((await verifyBackup(store, structure, recordingReporter())).exitCode, 0);
});

test('a parent named that is not older than its child is E_MANIFEST_CORRUPT', async (t) => {
  const { store, first, second } = await twoSets();
  const text = new TextDecoder().decode(store.state.sets.get(second)!).replace(`"parent":"${first}"`, `"parent":"${second}"`);
  store.state.sets.set(second, new TextEncoder().encode(text));
  const verified = await verifyBackup(store, structure, recordingReporter());
  t.like(verified.results.find((r) => r.status === 'Failed'), { setId: second, problems: [{ code: 'E_MANIFEST_CORRUPT' }] });
});

test('schemaVersion 1 and 2 in one store: every reader reads both, the first tree chains to the flat manifest, and prune keeps what either names', async (t) => {
  const store = createMemoryStore();
  const group = await sampleGroup();
  // A flat schemaVersion 1 set, as the previous release wrote it.
  const old = (await exportBackup(group, store, exportOptions(), recordingReporter())).manifest!;
  const flat = new TextEncoder().encode(serializeManifest(old));
  for (const record of storedInfo(old)!.records) store.state.objects.delete(record);
  store.state.sets.set(old.setId, flat);
  t.is(parseStoredSet(flat, 'v1').schemaVersion, 1);
  group.application('Zahlungsverkehr Süd').references.push('Contoso.Billing');
  const next = (await exportBackup(group, store, exportOptions(), recordingReporter())).manifest!;
  const tree = root(store, next.setId);
  t.is(tree.parent, old.setId);
  t.is(tree.parentRoot, sha(flat));
  t.deepEqual(next.applications.filter((a) => a.backupStatus === 'Exported').map((a) => a.name), ['Zahlungsverkehr Süd']);
  for (const setId of [old.setId, next.setId]) {
    const manifest = await readManifest(store, setId);
    t.is(manifest.setId, setId);
    t.is((await readBackupSet(store, setId)).setId, setId);
    t.deepEqual(headerSummary(await readSetHeader(store, setId), 'x'), setSummary(manifest, 'x'));
  }
  t.is((await readManifest(store, old.setId)).schemaVersion, 1);
  const compared = await compareBackup(undefined, store, { set: next.setId, against: old.setId, include: [], exclude: [] }, recordingReporter());
  t.is(compared.baseline, old.setId);
  t.deepEqual(compared.results.filter((r) => r.status !== 'Unchanged').map((r) => r.application), ['Zahlungsverkehr Süd']);
  const verified = await verifyBackup(store, { ...structure, readData: { mode: 'all' } }, recordingReporter());
  t.is(verified.exitCode, 0);
  t.deepEqual(verified.orphans, []);
  const candidates = await retentionCandidates(store);
  t.true(candidates.every((c) => c.verified));
  const plan = await pruneStore(store, { policy: { keepLast: 2 }, now: new Date(), candidates: retentionCandidates, dryRun: true });
  t.deepEqual(plan.plan.deleteObjects, []);
});

test('an unchanged application keeps the warnings its export recorded (MissingInstallAction), in its unchanged record; set-wide warnings stay in the root', async (t) => {
  const store = createMemoryStore();
  // A warning only an export finds (the ADF of the MSI): the record carries it to the sets that reuse the export.
  const group = await sampleGroup((s) => {
    s.applications.find((a) => a.name === 'Contoso.Billing')!.resources.find((r) => r.luid === 'Contoso.Billing.config')!.properties['DestinationLocation'] = '';
  });
  const first = (await exportBackup(group, store, exportOptions({ storeIsLocal: true }), recordingReporter())).manifest!;
  t.true(first.warnings.some((w) => w.kind === 'MissingInstallAction' && w.application === 'Contoso.Billing'));
  const warningsOf = (m: typeof first, app: string): string[] => m.warnings.filter((w) => w.application === app).map((w) => `${w.kind}|${w.message}`).sort();
  t.true(warningsOf(first, 'Contoso.Billing').some((w) => w.startsWith('MaskedPassword|')));
  t.true(warningsOf(first, 'Contoso.Portal').some((w) => w.startsWith('LocalWebDirectory|')));
  group.application('Zahlungsverkehr Süd').references.push('Contoso.Billing');
  const second = await readManifest(store, (await exportBackup(group, store, exportOptions({ storeIsLocal: true }), recordingReporter())).manifest!.setId);
  for (const app of ['Contoso.Billing', 'Contoso.Portal']) {
    t.deepEqual(warningsOf(second, app), warningsOf(first, app), `${app}: the same warnings`);
    t.is(root(store, second.setId).applications.find((e) => e.name === app)!.record, root(store, first.setId).applications.find((e) => e.name === app)!.record, `${app}: the same record`);
  }
  // The store-on-this-machine warning is about the run, not an application: one per set, in the root.
  t.is(second.warnings.filter((w) => w.kind === 'SameMachineStore').length, 1);
  t.is(root(store, second.setId).warnings.filter((w) => w.kind === 'SameMachineStore').length, 1);
  t.is(root(store, second.setId).summary.warnings, second.warnings.length);
});
