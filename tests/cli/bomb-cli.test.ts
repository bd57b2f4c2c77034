// RELIABILITY case 26 through the built CLI, in a child whose heap is capped and whose resident memory is watched:
// `inspect` of a bomb and `verify` of a store holding one as an object stay under a fixed ceiling.
import { createFsStore } from '../../src/adapters/store/fs-store.js';
import { readManifest } from '../../src/usecases/set-manifests.js';
import type { Manifest } from '../../src/core/manifest.js';
import { serializeManifest } from '../../src/core/manifest.js';
import test from 'ava';
import { createHash } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir, runCli } from '../support/cli.js';
import { rawPackage, sharedCabinetBomb, zeroCabinet } from '../support/hostile-packages.js';
import { runCliCapped } from '../support/memory-capped.js';

const MiB = 1024 * 1024;
/** The ceiling: 512 MiB, plus the declared size of what is asked for (32 MiB of zeros, decoded once). */
const CEILING = 512 * MiB + 32 * MiB;

const objectPath = (store: string, sha: string): string => path.join(store, 'objects', sha.slice(0, 2), sha);

test('inspect of the issue\'s bomb (256 resources naming one 32 MiB cabinet of zeros) succeeds under the memory ceiling', async (t) => {
  const dir = await makeTempDir('bomb-inspect');
  const file = path.join(dir, 'bomb.msi');
  await writeFile(file, sharedCabinetBomb(256, 32 * MiB));
  const run = await runCliCapped(['inspect', file, '--json'], { ceilingBytes: CEILING });
  t.false(run.overCeiling, `grew past the ceiling: ${run.peakRssBytes} bytes`);
  t.is(run.exitCode, 0, run.stderr);
  t.true(run.peakRssBytes < CEILING, `peak ${Math.round(run.peakRssBytes / MiB)} MiB`);
  const result = run.out.find((l) => l['kind'] === 'InspectResult') as { resources: unknown[] } | undefined;
  t.is(result?.resources.length, 256);
  t.log(`peak resident memory ${Math.round(run.peakRssBytes / MiB)} MiB`);
});

test('inspect of a package declaring 1.75 GiB in a ~25 KB file is E_INVALID_DATA naming the cabinet, quickly and under the ceiling', async (t) => {
  const dir = await makeTempDir('bomb-inspect-big');
  const file = path.join(dir, 'big.msi');
  await writeFile(file, rawPackage({ resources: [{ luid: 'Bomb', cabinet: 'ITEM~0.CAB' }], innerCabinets: [{ name: 'ITEM~0.CAB', bytes: zeroCabinet(256 * MiB, 7) }] }));
  const run = await runCliCapped(['inspect', file, '--json'], { ceilingBytes: 512 * MiB });
  t.false(run.overCeiling);
  t.not(run.exitCode, 0);
  const error = run.err.find((l) => l['type'] === 'error');
  t.like(error, { code: 'E_INVALID_DATA', target: 'big.msi#ITEM~0.CAB' });
  t.true(run.peakRssBytes < 512 * MiB);
});

test('verify of a store whose MSI object is the bomb stays under the ceiling and reports the application, exit 12', async (t) => {
  const dir = await makeTempDir('bomb-verify');
  const store = path.join(dir, 'store');
  const exported = await runCli(['export', '--simulator', '--store', store, '--json']);
  t.is(exported.exitCode, 0, exported.stderr);
  const setId = String(exported.out[exported.out.length - 1]!['setId']);
  const manifestFile = path.join(store, 'sets', `${setId}.json`);
  const manifest = (await readManifest(createFsStore(store), setId)) as { applications: { name: string; artifacts: { kind: string; sha256: string; size: number }[] }[] };
  // Two applications' MSIs become bombs: one that fits its budget (decoded once), one that asks for too much.
  const bombs = [sharedCabinetBomb(256, 32 * MiB), rawPackage({ resources: [{ luid: 'Bomb', cabinet: 'ITEM~0.CAB' }], innerCabinets: [{ name: 'ITEM~0.CAB', bytes: zeroCabinet(256 * MiB, 7) }] })];
  const victims = manifest.applications.slice(0, 2);
  for (const [index, app] of victims.entries()) {
    const bytes = bombs[index]!;
    const sha = createHash('sha256').update(bytes).digest('hex');
    await mkdir(path.dirname(objectPath(store, sha)), { recursive: true });
    await writeFile(objectPath(store, sha), bytes);
    const msi = app.artifacts.find((a) => a.kind === 'msi')!;
    msi.sha256 = sha;
    msi.size = bytes.length;
  }
  await chmod(manifestFile, 0o644);
  await writeFile(manifestFile, serializeManifest(manifest as Manifest)); // a flat schemaVersion 1 set, still read
  const run = await runCliCapped(['verify', '--store', store, '--json'], { ceilingBytes: CEILING });
  t.false(run.overCeiling, `grew past the ceiling: ${run.peakRssBytes} bytes`);
  t.is(run.exitCode, 12, run.stderr);
  const results = run.out.filter((l) => l['kind'] === 'VerifyResult') as { application: string; status: string; problems: { code: string }[] }[];
  const failed = results.filter((r) => r.status === 'Failed').map((r) => r.application).sort();
  t.deepEqual(failed, victims.map((v) => v.name).sort());
  // The bomb that asks too much is E_INVALID_DATA; the other reads (its ADF simply lacks the manifest's resources).
  t.true(results.find((r) => r.application === victims[1]!.name)!.problems.some((p) => p.code === 'E_INVALID_DATA'));
  t.true(results.filter((r) => r.status === 'Verified').length >= 3);
  t.log(`peak resident memory ${Math.round(run.peakRssBytes / MiB)} MiB`);
});
