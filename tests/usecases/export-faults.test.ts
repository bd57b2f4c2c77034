// RELIABILITY.md fault cases at the level of a whole export, against the real file-system store in temp folders.
import test, { type ExecutionContext } from 'ava';
import { chmod, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSampleGroupState } from '../../src/adapters/simulator/sample-group.js';
import { SimulatedGroup } from '../../src/adapters/simulator/simulated-group.js';
import type { GroupState } from '../../src/adapters/simulator/group-state.js';
import { createFsStore } from '../../src/adapters/store/fs-store.js';
import { Output } from '../../src/cli/output.js';
import { runPrune } from '../../src/cli/commands/prune.js';
import { serializeManifest, type Manifest } from '../../src/core/manifest.js';
import { readManifest, storedInfo } from '../../src/usecases/set-manifests.js';
import { isSafeName, relativePathProblem } from '../../src/core/path-safety.js';
import type { BizTalkGroup } from '../../src/ports/biztalk-group.js';
import { exportBackup } from '../../src/usecases/export-backup.js';
import { pruneStore } from '../../src/usecases/prune-store.js';
import { retentionCandidates, verifyBackup } from '../../src/usecases/verify-backup.js';
import { CrashError, FaultFs } from '../adapters/store/fault-fs.js';
import { exportOptions, recordingReporter, sampleGroup } from '../support/export-fixture.js';
import { recordCalls } from '../support/record-calls.js';
import { filesUnder, makeTempDir } from '../support/cli.js';

const STRUCTURE = { set: 'all', include: [], readData: { mode: 'none' } } as const;
const READ_DATA = { set: 'all', include: [], readData: { mode: 'all' } } as const;

async function tempStore(t: ExecutionContext): Promise<string> {
  const base = await mkdtemp(path.join(os.tmpdir(), 'bts-export-faults-'));
  t.teardown(() => rm(base, { recursive: true, force: true }));
  return path.join(base, 'store');
}

const objectFile = (root: string, sha: string): string => path.join(root, 'objects', sha.slice(0, 2), sha);
const setFile = (root: string, setId: string): string => path.join(root, 'sets', `${setId}.json`);

/** Every file under `dir`, relative, sorted. */
async function relativeFilesUnder(dir: string): Promise<string[]> {
  return (await filesUnder(dir)).map((file) => path.relative(dir, file)).sort();
}

async function overwrite(file: string, bytes: Uint8Array | string): Promise<void> {
  await chmod(file, 0o644);
  await writeFile(file, bytes);
}

/** A simulated group whose exports are byte-for-byte repeatable (fixed clock and GUIDs), so re-exports dedupe. */
async function repeatableGroup(state: GroupState = createSampleGroupState()): Promise<SimulatedGroup> {
  const gacRoot = await makeTempDir('export-faults-gac');
  return new SimulatedGroup(state, { gacRoot, clock: { now: () => new Date(Date.UTC(2026, 10, 1)) }, newGuid: () => '00000000-0000-4000-8000-000000000001' });
}

/** Counts the calls made on the group port, by method (the BTSTask-like calls). */
function countingGroup(inner: BizTalkGroup): { group: BizTalkGroup; calls: string[] } {
  const { proxy, calls } = recordCalls(inner);
  return { group: proxy, calls };
}

/** A FaultFs that records every call that can change the file system (open for writing included). */
function watchedFs(): { faults: FaultFs; mutations: () => string[] } {
  const faults = new FaultFs();
  const opened: string[] = [];
  faults.inject({
    op: 'open',
    run: async (real, args, file) => {
      if (!/^r$/.test(String(args[1]))) opened.push(`open(${String(args[1])}) ${file}`);
      return real();
    },
  });
  const mutating = new Set(['write', 'rename', 'unlink', 'mkdir', 'rmdir', 'chmod']);
  return { faults, mutations: () => [...opened, ...faults.calls.filter((c) => mutating.has(c.op)).map((c) => `${c.op} ${c.path}`)] };
}

// ---- case 1 ------------------------------------------------------------------------------------------------------
test('case 1: a crash after the objects are written, before the manifest commit: no new set, the old one intact, orphans reported, a re-run reuses the objects', async (t) => {
  const root = await tempStore(t);
  const group = await repeatableGroup();
  const first = (await exportBackup(group, createFsStore(root), exportOptions(), recordingReporter())).manifest!;
  const setBytes = await readFile(setFile(root, first.setId));
  group.application('Contoso.Orders').description = 'changed';
  group.application('Zahlungsverkehr Süd').references.push('Contoso.Billing');

  const crashing = new FaultFs().crashAt('rename', (p) => p.includes(`${path.sep}sets${path.sep}`));
  const crashed = createFsStore(root, { fs: crashing.seams, pid: 4001, isProcessAlive: () => false });
  await t.throwsAsync(exportBackup(group, crashed, exportOptions(), recordingReporter()), { instanceOf: CrashError });
  t.true(crashing.count('rename', (p) => p.includes(`${path.sep}objects${path.sep}`)) > 0, 'objects were written before the crash');

  const store = createFsStore(root, { pid: 4002, isProcessAlive: (pid) => pid === 4002 });
  t.deepEqual(await store.listSets(), [first.setId], 'no new set is listed');
  t.deepEqual(await readFile(setFile(root, first.setId)), setBytes, 'the previous manifest is untouched');
  const objectsAfterCrash = (await store.listObjects()).map((o) => o.sha256).sort();
  const verified = await verifyBackup(store, READ_DATA, recordingReporter());
  t.is(verified.exitCode, 0, 'the previous set still verifies, data included');
  t.true((verified.orphans?.length ?? 0) > 0, 'the crashed run left orphans, reported as info');

  // The re-run takes over the dead run's lock, sweeps its temp manifest, and stores nothing new.
  const watch = new FaultFs();
  const rerun = createFsStore(root, { fs: watch.seams, pid: 4002, isProcessAlive: (pid) => pid === 4002 });
  const reporter = recordingReporter();
  const second = await exportBackup(group, rerun, exportOptions(), reporter);
  t.true(second.committed);
  t.true(reporter.lines.some((l) => l.type === 'log' && l['level'] === 'warning' && /lock/i.test(String(l['message']))), 'the stale lock is taken over with a warning');
  // Artifacts are reused; what is written again is the records of the applications exported, which name the new set.
  const records = new Set(storedInfo(second.manifest!)?.records);
  const written = (await store.listObjects()).map((o) => o.sha256).filter((sha) => !objectsAfterCrash.includes(sha));
  t.is(watch.count('rename', (p) => p.includes(`${path.sep}objects${path.sep}`)), written.length, 'only new records written');
  t.is(written.length, second.statuses.filter((s) => s.backupStatus === 'Exported').length);
  t.true(written.every((sha) => records.has(sha)), 'no artifact written again');
  const after = await verifyBackup(store, STRUCTURE, recordingReporter());
  t.is(after.exitCode, 0);
  // The artifacts orphaned by the crash belong to the new set; what stays orphan is the crashed run's records.
  t.true(after.orphans!.length > 0);
  for (const orphan of after.orphans!) {
    const text = new TextDecoder().decode(await store.readObject(orphan.sha256));
    t.true(text.includes('"format":"biztalkbackup-application-record"'), 'only records of the crashed run are left over');
  }
  t.false((await relativeFilesUnder(root)).some((f) => path.basename(f).startsWith('.tmp-')), 'temp files swept');
});

// ---- case 4 ------------------------------------------------------------------------------------------------------
for (const damage of ['one byte flipped', 'MSI truncated'] as const) {
  test(`case 4: ${damage} in the store: verify names the application and the object; --read-data gives E_CHECKSUM_MISMATCH`, async (t) => {
    const root = await tempStore(t);
    const manifest = (await exportBackup(await sampleGroup(), createFsStore(root), exportOptions(), recordingReporter())).manifest!;
    const msi = manifest.applications.find((a) => a.name === 'Contoso.Billing')!.artifacts.find((a) => a.kind === 'msi')!;
    const file = objectFile(root, msi.sha256);
    if (damage === 'one byte flipped') {
      const bytes = await readFile(file);
      bytes[Math.floor(bytes.length / 3)]! ^= 0x01;
      await overwrite(file, bytes);
    } else {
      await chmod(file, 0o644);
      await truncate(file, Math.floor(msi.size / 2));
    }
    const store = createFsStore(root);
    const structure = await verifyBackup(store, STRUCTURE, recordingReporter());
    t.is(structure.exitCode, 12);
    const failed = structure.results.filter((r) => r.status === 'Failed');
    t.deepEqual(failed.map((r) => r.application), ['Contoso.Billing']);
    t.like(failed[0]!.problems[0], { artifact: msi.name, sha256: msi.sha256 });
    t.is(failed[0]!.problems[0]!.code, damage === 'one byte flipped' ? 'E_CHECKSUM_MISMATCH' : 'E_VERIFY_FAILED');

    const data = await verifyBackup(store, READ_DATA, recordingReporter());
    t.is(data.exitCode, 12);
    const billing = data.results.find((r) => r.application === 'Contoso.Billing')!;
    t.true(billing.problems.some((p) => p.code === 'E_CHECKSUM_MISMATCH' && p.artifact === msi.name), JSON.stringify(billing.problems));
    t.true(data.results.filter((r) => r.application !== 'Contoso.Billing').every((r) => r.status === 'Verified'));
  });
}

// ---- case 5 ------------------------------------------------------------------------------------------------------
for (const [title, content, code] of [
  ['empty', '', 'E_MANIFEST_CORRUPT'],
  ['not JSON', '{"schemaVersion": 1, "setId": "2026', 'E_MANIFEST_CORRUPT'],
  ['of an unknown schemaVersion', '{"schemaVersion": 3, "setId": "x", "applications": []}', 'E_MANIFEST_UNSUPPORTED'],
] as const) {
  test(`case 5: the latest manifest ${title}: ${code} from export, verify and prune; no re-export, no retention run`, async (t) => {
    const root = await tempStore(t);
    const group = await sampleGroup();
    await exportBackup(group, createFsStore(root), exportOptions(), recordingReporter());
    group.application('Contoso.Orders').description = 'changed';
    group.application('Zahlungsverkehr Süd').references.push('Contoso.Billing');
    const latest = (await exportBackup(group, createFsStore(root), exportOptions(), recordingReporter())).manifest!;
    await overwrite(setFile(root, latest.setId), content);
    const before = await relativeFilesUnder(root);

    const { group: watched, calls } = countingGroup(group);
    await t.throwsAsync(exportBackup(watched, createFsStore(root), exportOptions(), recordingReporter()), { code });
    t.false(calls.includes('exportApplication'), 'no full re-export');
    t.deepEqual(await relativeFilesUnder(root), before, 'nothing written');

    const verified = await verifyBackup(createFsStore(root), STRUCTURE, recordingReporter());
    t.is(verified.exitCode, 12);
    t.like(verified.results.find((r) => r.setId === latest.setId), { application: null, status: 'Failed', problems: [{ code }] });

    await t.throwsAsync(pruneStore(createFsStore(root), { policy: { keepLast: 1 }, now: new Date(), candidates: retentionCandidates }), { code });
    t.deepEqual(await relativeFilesUnder(root), before, 'prune deleted nothing');
  });
}

// ---- case 6 ------------------------------------------------------------------------------------------------------
test('case 6: a manifest pointing at a missing object: E_OBJECT_MISSING for that application, the others verify; the next export heals it', async (t) => {
  const root = await tempStore(t);
  const group = await sampleGroup();
  const manifest = (await exportBackup(group, createFsStore(root), exportOptions(), recordingReporter())).manifest!;
  const bindings = manifest.applications.find((a) => a.name === 'Contoso.Portal')!.artifacts.find((a) => a.kind === 'bindings')!;
  await rm(objectFile(root, bindings.sha256), { force: true });
  const outcome = await verifyBackup(createFsStore(root), STRUCTURE, recordingReporter());
  t.is(outcome.exitCode, 12);
  for (const result of outcome.results) {
    if (result.application === 'Contoso.Portal') t.like(result, { status: 'Failed', problems: [{ code: 'E_OBJECT_MISSING', artifact: bindings.name, sha256: bindings.sha256 }] });
    else t.is(result.status, 'Verified');
  }
  const healed = await exportBackup(group, createFsStore(root), exportOptions(), recordingReporter());
  t.deepEqual(healed.statuses.filter((s) => s.backupStatus === 'Exported').map((s) => s.application), ['Contoso.Portal']);
  t.is((await verifyBackup(createFsStore(root), { ...STRUCTURE, set: 'latest' }, recordingReporter())).exitCode, 0);
});

// ---- case 31 -----------------------------------------------------------------------------------------------------
test('case 31: a stored harvested DLL with one byte flipped, then export --full: the object is replaced, recorded, and the new set passes verify --read-data', async (t) => {
  const root = await tempStore(t);
  const state = createSampleGroupState();
  const first = (await exportBackup(await repeatableGroup(state), createFsStore(root), exportOptions(), recordingReporter())).manifest!;
  const dll = first.applications.flatMap((a) => a.artifacts).find((a) => a.kind === 'dependency')!;
  t.truthy(dll, 'the sample group has a harvested DLL');
  const file = objectFile(root, dll.sha256);
  const bytes = Buffer.from(await readFile(file));
  bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff;
  await overwrite(file, bytes);
  t.is((await verifyBackup(createFsStore(root), READ_DATA, recordingReporter())).exitCode, 12, 'the damage is real');

  const reporter = recordingReporter();
  const full = await exportBackup(await repeatableGroup(state), createFsStore(root), exportOptions({ full: true }), reporter);
  t.true(full.committed);
  t.is(full.repairedObjects, 1);
  t.true(full.manifest!.applications.flatMap((a) => a.artifacts).some((a) => a.sha256 === dll.sha256), 'the new set names the same object');
  t.true(full.manifest!.warnings.some((w) => w.kind === 'RepairedObject' && w.message.includes(dll.sha256)), 'the repair is in the manifest');
  t.true(reporter.lines.some((l) => l.type === 'log' && l['level'] === 'warning' && String(l['message']).includes(dll.sha256)), 'and in the log');
  const verified = await verifyBackup(createFsStore(root), { ...READ_DATA, set: 'latest' }, recordingReporter());
  t.is(verified.exitCode, 0, JSON.stringify(verified.results.filter((r) => r.status === 'Failed')));
});

// ---- case 9 ------------------------------------------------------------------------------------------------------
test('case 9: the lock removed under a running export: E_LOCK_LOST before the commit, no manifest written', async (t) => {
  const root = await tempStore(t);
  const group = await sampleGroup();
  const first = (await exportBackup(group, createFsStore(root), exportOptions(), recordingReporter())).manifest!;
  group.application('Contoso.Billing').description = 'changed';
  group.application('Zahlungsverkehr Süd').references.push('Contoso.Billing');
  const sabotaged = new Proxy(group, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property !== 'exportApplication' || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await rm(path.join(root, 'locks', 'store.lock'), { recursive: true, force: true });
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  await t.throwsAsync(exportBackup(sabotaged, createFsStore(root), exportOptions(), recordingReporter()), { code: 'E_LOCK_LOST' });
  t.deepEqual(await createFsStore(root).listSets(), [first.setId]);
  t.deepEqual((await readdir(path.join(root, 'sets'))).filter((f) => !f.startsWith('.tmp-')), [`${first.setId}.json`]);
  t.is((await verifyBackup(createFsStore(root), STRUCTURE, recordingReporter())).exitCode, 0);
});

// ---- case 12 -----------------------------------------------------------------------------------------------------
test('case 12: unsafe artifact names in a committed manifest are E_PATH_UNSAFE at validation; verify creates nothing', async (t) => {
  const root = await tempStore(t);
  const manifest = (await exportBackup(await sampleGroup(), createFsStore(root), exportOptions(), recordingReporter())).manifest!;
  const tampered: Manifest = structuredClone(manifest);
  const names = ['..\\..\\Windows\\System32\\evil.dll', '\\\\attacker\\share\\x.msi', 'C:payload.msi', 'Orders.msi:hidden', 'AUX.xml'];
  tampered.applications.forEach((app, i) => {
    app.artifacts[0]!.name = names[i % names.length]!;
  });
  await overwrite(setFile(root, manifest.setId), serializeManifest(tampered));
  const before = await relativeFilesUnder(path.dirname(root));
  const outcome = await verifyBackup(createFsStore(root), STRUCTURE, recordingReporter());
  t.is(outcome.exitCode, 12);
  for (const result of outcome.results) t.deepEqual(result.problems.map((p) => p.code), ['E_PATH_UNSAFE'], String(result.application));
  t.deepEqual(await relativeFilesUnder(path.dirname(root)), before);
  const candidates = await retentionCandidates(createFsStore(root));
  t.false(candidates[0]!.verified, 'an unsafe set does not count as verified for retention');
});

// ---- case 13 -----------------------------------------------------------------------------------------------------
/** Exports `awkward` copies of Contoso.Shared; `collisions` are the names expected to be reported as case collisions. */
async function awkwardNames(t: ExecutionContext, awkward: readonly string[], collisions: readonly string[]): Promise<void> {
  const state = createSampleGroupState();
  const template = state.applications.find((a) => a.name === 'Contoso.Shared')!;
  for (const name of awkward) state.applications.push({ ...structuredClone(template), name, description: `copy of Contoso.Shared as ${name}` });
  const root = await tempStore(t);
  const chunks: string[] = [];
  const sink = { write: (chunk: string) => chunks.push(chunk) > 0 } as unknown as NodeJS.WritableStream;
  const out = new Output({ json: true, verbose: false }, { stdout: sink, stderr: sink, isTTY: false });
  const outcome = await exportBackup(await repeatableGroup(state), createFsStore(root), exportOptions(), out);
  t.is(outcome.exitCode, collisions.length > 0 ? 3 : 0, JSON.stringify(outcome.manifest?.failures));
  t.deepEqual(outcome.manifest!.failures.map((f) => [f.application, f.code]), collisions.map((c) => [c, 'E_INVALID_NAME']), 'case collisions are reported, not dropped');
  const lines = chunks.join('').split('\n').filter((l) => l !== '');
  t.true(lines.every((l) => /^[\x20-\x7e]*$/.test(l)), 'NDJSON lines are ASCII');
  const exportedNames = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['kind'] === 'BackupApplication').map((l) => l['name']);
  for (const name of awkward) t.true(exportedNames.includes(name), `${name.slice(0, 40)} round-trips through NDJSON`);

  const manifest = await readManifest(createFsStore(root), outcome.manifest!.setId);
  for (const name of awkward) t.true(manifest.applications.some((a) => a.name === name) || manifest.failures.some((f) => f.application === name), `${name.slice(0, 40)} round-trips through the manifest`);
  for (const artifact of manifest.applications.flatMap((a) => a.artifacts)) t.is(relativePathProblem(artifact.name), undefined, artifact.name);
  for (const file of await relativeFilesUnder(root)) for (const segment of file.split(path.sep)) t.true(isSafeName(segment) && segment.length <= 80, file);
  const reporter = recordingReporter();
  const verified = await verifyBackup(createFsStore(root), STRUCTURE, reporter);
  t.is(verified.exitCode, 0, JSON.stringify(verified.results.filter((r) => r.status === 'Failed')));

  // A second run over the unchanged group keeps every name as it is.
  const again = await exportBackup(await repeatableGroup(state), createFsStore(root), exportOptions(), recordingReporter());
  // The same failures as the last set are no change: reported again (exit 3), no new set.
  t.false(again.committed, 'an unchanged group writes no set, with or without the same failures as the last set');
  t.is(again.exitCode, collisions.length > 0 ? 3 : 0);
  t.deepEqual(again.statuses.map((s) => s.application).sort(), [...manifest.applications.map((a) => a.name), ...collisions].sort());
  t.true(again.statuses.filter((s) => !collisions.includes(s.application)).every((s) => s.backupStatus === 'Unchanged'));
}

test('case 13: awkward application names export, keep safe store keys, and round-trip unchanged through NDJSON', async (t) => {
  await awkwardNames(t, ['Bad<>:"/\\|?*Name', 'Trailing.', 'Trailing ', 'Zahlungsverkehr-Ä', 'CON'], []);
});

// Issue 15: export's safe-name rule and verify's path rule were two tables; CONIN$, COM¹ and LPT² got through one only.
test('case 13: applications named like Windows devices (CONIN$, CONOUT$, CLOCK$, COM¹, LPT², lpt³.x) export and their own verify accepts the set', async (t) => {
  await awkwardNames(t, ['CONIN$', 'CONOUT$', 'CLOCK$', 'COM¹', 'LPT²', 'lpt³.x', 'Con .x'], []);
});

test('case 13: App and app in one group: App is backed up, app is reported as a case collision (E_INVALID_NAME, exit 3), nothing dropped silently', async (t) => {
  await awkwardNames(t, ['App', 'app'], ['app']);
});

// The generated bindings' folder inside ITEM~n.CAB is named after the application: a 300-character name is shortened
// (with a hash) to keep the cabinet entry within its 255-byte limit.
test('case 13: a 300-character application name exports', async (t) => {
  await awkwardNames(t, ['Long'.padEnd(300, 'x')], []);
});

// ---- case 17 -----------------------------------------------------------------------------------------------------
test('case 17: export --dry-run makes zero mutating file-system calls and plans exactly what the real run executes', async (t) => {
  const root = await tempStore(t);
  const group = await sampleGroup();
  await exportBackup(group, createFsStore(root), exportOptions(), recordingReporter());
  group.application('Contoso.Portal').description = 'changed';
  group.application('Zahlungsverkehr Süd').references.push('Contoso.Billing');
  const { faults, mutations } = watchedFs();
  const dryReporter = recordingReporter();
  const dry = await exportBackup(group, createFsStore(root, { fs: faults.seams }), exportOptions({ dryRun: true }), dryReporter);
  t.deepEqual(mutations(), []);
  t.true(faults.calls.length > 0, 'the dry run did read the store');
  const real = await exportBackup(group, createFsStore(root), exportOptions(), recordingReporter());
  t.deepEqual(dry.plan, real.plan);
  t.deepEqual(
    real.statuses.map((s) => [s.application, s.backupStatus]),
    dry.plan.steps.map((s) => [s.application, s.action === 'Export' ? 'Exported' : 'Unchanged']),
    'each planned step is what was executed',
  );
});

test('case 17: prune --dry-run makes zero mutating calls; the printed plan is the executed plan', async (t) => {
  const root = await tempStore(t);
  const group = await sampleGroup();
  for (let night = 0; night < 3; night++) {
    group.application('Contoso.Orders').description = `night ${night}`;
    group.application('Contoso.Orders').resources[1]!.files[0]!.assembly!.build = night + 1;
    await exportBackup(group, createFsStore(root), exportOptions(), recordingReporter());
  }
  const now = new Date(Date.UTC(2026, 11, 1));
  const { faults, mutations } = watchedFs();
  const dry = await pruneStore(createFsStore(root, { fs: faults.seams }), { policy: { keepLast: 1 }, now, candidates: retentionCandidates, dryRun: true });
  t.deepEqual(mutations(), []);
  t.is(dry.plan.remove.length, 2);
  t.true(dry.plan.deleteObjects.length > 0);

  const capture = (): { out: Output; lines: () => Record<string, unknown>[] } => {
    const chunks: string[] = [];
    const sink = { write: (chunk: string) => chunks.push(chunk) > 0 } as unknown as NodeJS.WritableStream;
    const out = new Output({ json: true, verbose: false }, { stdout: sink, stderr: { write: () => true } as unknown as NodeJS.WritableStream, isTTY: false });
    return { out, lines: () => chunks.join('').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>) };
  };
  const printed = capture();
  t.is(await runPrune({ store: root, policy: { keepLast: 1 }, dryRun: true }, printed.out), 0);
  const executed = capture();
  const before = await createFsStore(root).listSets();
  t.is(await runPrune({ store: root, policy: { keepLast: 1 }, dryRun: false }, executed.out), 0);
  const steps = (lines: Record<string, unknown>[]) => lines.filter((l) => l['kind'] === 'PlanStep');
  t.deepEqual(steps(executed.lines()), steps(printed.lines()));
  const removed = steps(printed.lines()).filter((s) => s['action'] === 'RemoveSet').map((s) => s['target']);
  t.deepEqual(executed.lines().find((l) => l['kind'] === 'PruneResult')?.['removedSets'], removed);
  t.deepEqual(await createFsStore(root).listSets(), before.filter((s) => !removed.includes(s)));
  const deleted = steps(printed.lines()).filter((s) => s['action'] === 'DeleteObject').map((s) => String(s['target']));
  for (const sha of deleted) await t.throwsAsync(stat(objectFile(root, sha)), { code: 'ENOENT' });
  t.is((await verifyBackup(createFsStore(root), READ_DATA, recordingReporter())).exitCode, 0, 'what is left verifies');
});

// ---- case 22 -----------------------------------------------------------------------------------------------------
test('case 22: nothing changed: no new objects, no new set, every application Unchanged, identical output', async (t) => {
  const root = await tempStore(t);
  const group = await sampleGroup();
  const first = (await exportBackup(group, createFsStore(root), exportOptions(), recordingReporter())).manifest!;
  const files = await relativeFilesUnder(path.join(root, 'objects'));
  const runs: ReturnType<typeof recordingReporter>[] = [];
  for (let i = 0; i < 2; i++) {
    const watch = new FaultFs();
    const reporter = recordingReporter();
    const outcome = await exportBackup(group, createFsStore(root, { fs: watch.seams }), exportOptions(), reporter);
    t.false(outcome.committed);
    t.is(outcome.manifest?.setId, first.setId);
    t.true(outcome.statuses.every((s) => s.backupStatus === 'Unchanged'));
    t.is(watch.count('rename', (p) => p.includes(`${path.sep}objects${path.sep}`) || p.includes(`${path.sep}sets${path.sep}`)), 0);
    runs.push(reporter);
  }
  t.deepEqual(await relativeFilesUnder(path.join(root, 'objects')), files);
  t.deepEqual(await createFsStore(root).listSets(), [first.setId]);
  const results = (r: ReturnType<typeof recordingReporter>) => r.lines.filter((l) => l.type === 'result');
  t.deepEqual(results(runs[1]!), results(runs[0]!));
  t.true(results(runs[0]!).every((l) => l['backupStatus'] === 'Unchanged'));
});

