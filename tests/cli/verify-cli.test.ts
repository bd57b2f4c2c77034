import { createFsStore } from '../../src/adapters/store/fs-store.js';
import { readManifest } from '../../src/usecases/set-manifests.js';
import test from 'ava';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir, runCli } from '../support/cli.js';

const objectPath = (store: string, sha: string): string => path.join(store, 'objects', sha.slice(0, 2), sha);

interface ManifestLike {
  applications: { name: string; artifacts: { kind: string; name: string; sha256: string }[] }[];
}

async function exportedStore(prefix: string): Promise<{ dir: string; store: string; manifest: ManifestLike }> {
  const dir = await makeTempDir(prefix);
  const store = path.join(dir, 'store');
  const run = await runCli(['export', '--simulator', '--store', store, '--json']);
  if (run.exitCode !== 0) throw new Error(run.stderr);
  const setId = String(run.out[run.out.length - 1]!['setId']);
  const manifest = (await readManifest(createFsStore(store), setId)) as ManifestLike;
  return { dir, store, manifest };
}

test('verify --json on a fresh store: one Verified result per application, a summary, exit 0', async (t) => {
  const { dir, store, manifest } = await exportedStore('cli-verify');
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const run = await runCli(['verify', '--store', store, '--read-data', '--json']);
  t.is(run.exitCode, 0, run.stderr);
  const results = run.out.filter((l) => l['kind'] === 'VerifyResult');
  t.deepEqual(results.map((r) => [r['application'], r['status']]), manifest.applications.map((a) => [a.name, 'Verified']));
  t.like(run.out[run.out.length - 1], { type: 'summary', command: 'verify', exitCode: 0, counts: { verified: manifest.applications.length, failed: 0, orphans: 0 } });
  const human = await runCli(['verify', '--store', store]);
  t.is(human.exitCode, 0);
  t.regex(human.stdout, /Verified/);
});

test('a flipped byte in a harvested DLL: verify passes the structure, --read-data exits 12 with E_CHECKSUM_MISMATCH naming app and object', async (t) => {
  const { dir, store, manifest } = await exportedStore('cli-verify-flip');
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const dll = manifest.applications.find((a) => a.name === 'Contoso.Orders')!.artifacts.find((a) => a.kind === 'dependency')!;
  const file = objectPath(store, dll.sha256);
  const bytes = await readFile(file);
  bytes[100]! ^= 0x40;
  await chmod(file, 0o644);
  await writeFile(file, bytes);
  t.is((await runCli(['verify', '--store', store, '--json'])).exitCode, 0);
  const run = await runCli(['verify', '--store', store, '--read-data', '--json']);
  t.is(run.exitCode, 12);
  const failed = run.out.filter((l) => l['kind'] === 'VerifyResult' && l['status'] === 'Failed');
  t.deepEqual(failed.map((r) => r['application']), ['Contoso.Orders']);
  t.like((failed[0]!['problems'] as Record<string, unknown>[])[0], { code: 'E_CHECKSUM_MISMATCH', artifact: dll.name, sha256: dll.sha256 });
  t.like(run.out[run.out.length - 1], { type: 'summary', exitCode: 12, counts: { failed: 1 } });
  const human = await runCli(['verify', '--store', store, '--read-data']);
  t.is(human.exitCode, 12);
  t.regex(human.stdout, /Contoso\.Orders\s+Failed.*E_CHECKSUM_MISMATCH Contoso\.Common\.Helpers\.dll/);
});

test('verify: a bad --read-data-subset is a usage error (exit 2); a missing store is exit 10', async (t) => {
  const dir = await makeTempDir('cli-verify-usage');
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const usage = await runCli(['verify', '--store', dir, '--read-data-subset', '6/5', '--json']);
  t.is(usage.exitCode, 10, 'the store is checked first');
  const { dir: d2, store } = await exportedStore('cli-verify-usage2');
  t.teardown(() => rm(d2, { recursive: true, force: true }));
  const bad = await runCli(['verify', '--store', store, '--read-data-subset', '6/5', '--json']);
  t.is(bad.exitCode, 2);
  t.like(bad.err.find((l) => l['type'] === 'error'), { code: 'E_USAGE' });
  const subset = await runCli(['verify', '--store', store, '--read-data-subset', '1/2', '--json']);
  t.is(subset.exitCode, 0);
});
