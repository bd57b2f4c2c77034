import test from 'ava';
import { createHash } from 'node:crypto';
import { createMemoryStore, type MemoryStore } from '../../src/adapters/store/memory-store.js';
import type { Manifest } from '../../src/core/manifest.js';
import { parseStoredSet, rootRecords, serializeRoot, splitManifest } from '../../src/core/manifest-tree.js';
import { readManifest } from '../../src/usecases/set-manifests.js';
import { isReadDataSelected, parseReadDataSubset } from '../../src/core/verify-plan.js';
import { exportBackup } from '../../src/usecases/export-backup.js';
import { retentionCandidates, verifyBackup } from '../../src/usecases/verify-backup.js';
import { countingStore, exportOptions, recordingReporter, sampleGroup } from '../support/export-fixture.js';

const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

async function exported(): Promise<{ store: MemoryStore; manifest: Manifest }> {
  const store = createMemoryStore();
  const outcome = await exportBackup(await sampleGroup(), store, exportOptions(), recordingReporter());
  return { store, manifest: outcome.manifest! };
}

/** Rewrites the committed set in place (a tampered or buggy store): a new root, and new records for what changed. */
function rewrite(store: MemoryStore, manifest: Manifest, change: (m: Manifest) => void): Manifest {
  const copy = structuredClone(manifest);
  change(copy);
  const before = parseStoredSet(store.state.sets.get(manifest.setId)!, 'm');
  const parent = before.schemaVersion === 2 && before.root.parent !== null ? { setId: before.root.parent, sha256: before.root.parentRoot! } : null;
  const { root, records } = splitManifest(copy, parent, () => undefined);
  for (const record of records) store.state.objects.set(record.sha256, record.bytes);
  store.state.sets.set(manifest.setId, serializeRoot(root));
  return copy;
}

/** Stores `bytes` and points the artifact of `kind` of `app` at it. */
async function pointAt(store: MemoryStore, manifest: Manifest, app: string, kind: string, bytes: Uint8Array): Promise<void> {
  await store.putBytes(bytes);
  rewrite(store, manifest, (m) => {
    const artifact = m.applications.find((a) => a.name === app)!.artifacts.find((a) => a.kind === kind)!;
    artifact.sha256 = sha(bytes);
    artifact.size = bytes.length;
  });
}

const structure = { set: 'all', include: [], readData: { mode: 'none' } } as const;

test('a fresh export verifies: one Verified result per application, no orphans, exit 0, nothing written', async (t) => {
  const { store, manifest } = await exported();
  const { store: counting, mutations } = countingStore(store);
  const outcome = await verifyBackup(counting, structure, recordingReporter());
  t.is(outcome.exitCode, 0);
  t.deepEqual(outcome.results.map((r) => [r.application, r.status]), manifest.applications.map((a) => [a.name, 'Verified']));
  t.deepEqual(outcome.orphans, []);
  t.is(outcome.objectsRead, 0);
  t.deepEqual(mutations, []);
});

test('--read-data re-hashes every object once, however many sets share it', async (t) => {
  const { store } = await exported();
  // a second set (a full export of the same group) shares most objects with the first
  await exportBackup(await sampleGroup(), store, exportOptions({ full: true }), recordingReporter());
  const outcome = await verifyBackup(store, { ...structure, readData: { mode: 'all' } }, recordingReporter());
  t.is(outcome.exitCode, 0);
  t.is(outcome.sets.length, 2);
  t.is(outcome.objectsRead, (await store.listObjects()).length);
});

test('--read-data-subset n/m: the m parts are disjoint and together re-hash every object', async (t) => {
  const { store } = await exported();
  const all = (await store.listObjects()).map((o) => o.sha256);
  let total = 0;
  const seen = new Set<string>();
  for (let part = 1; part <= 3; part++) {
    const selection = parseReadDataSubset(`${part}/3`);
    const outcome = await verifyBackup(store, { ...structure, readData: selection }, recordingReporter());
    t.is(outcome.exitCode, 0);
    total += outcome.objectsRead;
    for (const s of all.filter((x) => isReadDataSelected(x, selection))) {
      t.false(seen.has(s));
      seen.add(s);
    }
  }
  t.is(total, all.length);
  t.is(seen.size, all.length);
  for (const bad of ['0/3', '4/3', '1/0', 'x', '1/']) t.throws(() => parseReadDataSubset(bad), { code: 'E_USAGE' }, bad);
});

test('a flipped byte in a harvested DLL passes the structure check but --read-data names app and object: E_CHECKSUM_MISMATCH', async (t) => {
  const { store, manifest } = await exported();
  const orders = manifest.applications.find((a) => a.name === 'Contoso.Orders')!;
  const dll = orders.artifacts.find((a) => a.kind === 'dependency')!;
  const bytes = store.state.objects.get(dll.sha256)!;
  bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
  t.is((await verifyBackup(store, structure, recordingReporter())).exitCode, 0, 'same size: structure cannot see it');
  const outcome = await verifyBackup(store, { ...structure, readData: { mode: 'all' } }, recordingReporter());
  t.is(outcome.exitCode, 12);
  const failed = outcome.results.filter((r) => r.status === 'Failed');
  t.deepEqual(failed.map((r) => r.application), ['Contoso.Orders']);
  t.like(failed[0]!.problems[0], { code: 'E_CHECKSUM_MISMATCH', artifact: dll.name, sha256: dll.sha256 });
});

test('a missing object fails only the applications that use it (E_OBJECT_MISSING); the others verify', async (t) => {
  const { store, manifest } = await exported();
  const billingMsi = manifest.applications.find((a) => a.name === 'Contoso.Billing')!.artifacts.find((a) => a.kind === 'msi')!;
  store.state.objects.delete(billingMsi.sha256);
  const outcome = await verifyBackup(store, structure, recordingReporter());
  t.is(outcome.exitCode, 12);
  for (const result of outcome.results) {
    if (result.application === 'Contoso.Billing') t.like(result, { status: 'Failed', problems: [{ code: 'E_OBJECT_MISSING', artifact: billingMsi.name }] });
    else t.is(result.status, 'Verified', String(result.application));
  }
});

test('an MSI whose ADF lacks a resource the manifest claims fails with the resource named', async (t) => {
  const { store, manifest } = await exported();
  rewrite(store, manifest, (m) => {
    m.applications.find((a) => a.name === 'Contoso.Portal')!.resources.push({ type: 'System.BizTalk:File', luid: 'Ghost.config', properties: {} });
  });
  const outcome = await verifyBackup(store, structure, recordingReporter());
  t.is(outcome.exitCode, 12);
  const portal = outcome.results.find((r) => r.application === 'Contoso.Portal')!;
  t.is(portal.status, 'Failed');
  t.is(portal.problems[0]!.code, 'E_VERIFY_FAILED');
  t.deepEqual(portal.problems[0]!.details?.['missing'], [{ type: 'System.BizTalk:File', luid: 'Ghost.config' }]);
});

for (const [title, kind, bytes, code] of [
  ['an "MSI" without the compound file signature', 'msi', enc('MZ this is not an msi at all'), 'E_VERIFY_FAILED'],
  ['an MSI with the signature and garbage after it', 'msi', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array<number>(600).fill(7)]), 'E_INVALID_DATA'],
  ['malformed binding XML', 'bindings', enc('<BindingInfo><SendPortCollection></BindingInfo>'), 'E_INVALID_DATA'],
  ['binding XML with an external entity', 'bindings', enc('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><BindingInfo>&e;</BindingInfo>'), 'E_INVALID_DATA'],
] as const) {
  test(`${title} (hash and size consistent) fails structure verification with ${code}`, async (t) => {
    const { store, manifest } = await exported();
    await pointAt(store, manifest, 'Contoso.Shared', kind, bytes);
    const outcome = await verifyBackup(store, structure, recordingReporter());
    t.is(outcome.exitCode, 12);
    const shared = outcome.results.find((r) => r.application === 'Contoso.Shared')!;
    t.is(shared.status, 'Failed');
    t.is(shared.problems[0]!.code, code);
    t.true(outcome.results.filter((r) => r.application !== 'Contoso.Shared').every((r) => r.status === 'Verified'));
    // the object the manifest used to point at is now an orphan, reported but not an error, and so is the record that
    // named it (the rewritten set has a new record for Contoso.Shared)
    t.is(outcome.orphans?.length, 2);
  });
}

test('unsafe artifact names in a manifest are E_PATH_UNSAFE at validation', async (t) => {
  for (const name of ['..\\..\\Windows\\evil.dll', '/etc/passwd', '\\\\server\\share\\x.msi', 'C:x.msi', 'C:\\x.msi', 'x.msi:stream', 'CON', 'nul.txt', 'COM1.msi', 'trailing.', 'trailing ', 'a/../b']) {
    const { store, manifest } = await exported();
    rewrite(store, manifest, (m) => {
      m.applications.find((a) => a.name === 'Contoso.Orders')!.artifacts.find((a) => a.kind === 'dependency')!.name = name;
    });
    const outcome = await verifyBackup(store, structure, recordingReporter());
    t.is(outcome.exitCode, 12, name);
    const orders = outcome.results.find((r) => r.application === 'Contoso.Orders')!;
    t.deepEqual(orders.problems.map((p) => p.code), ['E_PATH_UNSAFE'], name);
  }
  const { store, manifest } = await exported();
  rewrite(store, manifest, (m) => {
    const orders = m.applications.find((a) => a.name === 'Contoso.Orders')!;
    orders.artifacts.find((a) => a.kind === 'dependency')!.name = orders.artifacts[0]!.name.toUpperCase();
  });
  const outcome = await verifyBackup(store, structure, recordingReporter());
  t.deepEqual(outcome.results.find((r) => r.application === 'Contoso.Orders')!.problems.map((p) => p.code), ['E_PATH_UNSAFE'], 'names differing only by case');
});

for (const [title, bytes, code] of [
  ['empty', '', 'E_MANIFEST_CORRUPT'],
  ['not JSON', '{"schemaVersion": 1, "setId": ', 'E_MANIFEST_CORRUPT'],
  ['an unknown schemaVersion', '{"schemaVersion": 99}', 'E_MANIFEST_UNSUPPORTED'],
] as const) {
  test(`a manifest that is ${title}: verify reports ${code} for that set, exit 12; prune's candidates refuse it`, async (t) => {
    const { store, manifest } = await exported();
    await exportBackup(await sampleGroup(), store, exportOptions({ full: true }), recordingReporter());
    store.state.sets.set(manifest.setId, enc(bytes));
    const outcome = await verifyBackup(store, structure, recordingReporter());
    t.is(outcome.exitCode, 12);
    const setResult = outcome.results.find((r) => r.setId === manifest.setId)!;
    t.like(setResult, { application: null, status: 'Failed' });
    t.is(setResult.problems[0]!.code, code);
    t.true(outcome.results.filter((r) => r.setId !== manifest.setId).every((r) => r.status === 'Verified'), 'the other set still verifies');
    t.is(outcome.orphans, undefined, 'no orphan report while a manifest is unreadable');
    await t.throwsAsync(retentionCandidates(store), { code });
  });
}

test('retention candidates: a set is verified when its structure verifies', async (t) => {
  const { store, manifest } = await exported();
  const second = (await exportBackup(await sampleGroup(), store, exportOptions({ full: true }), recordingReporter())).manifest!;
  const portalMsi = second.applications.find((a) => a.name === 'Contoso.Portal')!.artifacts.find((a) => a.kind === 'msi')!;
  store.state.objects.delete(portalMsi.sha256);
  const candidates = await retentionCandidates(store);
  t.deepEqual(candidates.map((c) => [c.setId, c.verified]), [[manifest.setId, !manifest.applications.some((a) => a.artifacts.some((x) => x.sha256 === portalMsi.sha256))], [second.setId, false]]);
  t.deepEqual(candidates[0]!.applications, manifest.applications.map((a) => a.name));
  // a set keeps alive its artifacts and the records its root names
  const records = rootRecords(parseStoredSet(store.state.sets.get(manifest.setId)!, 'm'));
  t.is(records.length, manifest.applications.length);
  t.deepEqual([...new Set(candidates[0]!.objects)].sort(), [...new Set([...manifest.applications.flatMap((a) => a.artifacts.map((x) => x.sha256)), ...records])].sort());
  t.deepEqual((await readManifest(store, manifest.setId)).setId, manifest.setId);
});

test('--set latest and --name narrow what is verified; an unknown set is E_SET_NOT_FOUND', async (t) => {
  const { store } = await exported();
  const second = (await exportBackup(await sampleGroup(), store, exportOptions({ full: true }), recordingReporter())).manifest!;
  const outcome = await verifyBackup(store, { set: 'latest', include: ['Contoso.O*'], readData: { mode: 'none' } }, recordingReporter());
  t.deepEqual(outcome.results.map((r) => [r.setId, r.application]), [[second.setId, 'Contoso.Orders']]);
  await t.throwsAsync(verifyBackup(store, { ...structure, set: '20200101T000000Z-000000' }, recordingReporter()), { code: 'E_SET_NOT_FOUND' });
});
