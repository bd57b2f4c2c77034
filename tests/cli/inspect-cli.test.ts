import { createFsStore } from '../../src/adapters/store/fs-store.js';
import { readManifest } from '../../src/usecases/set-manifests.js';
import test from 'ava';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir, runCli } from '../support/cli.js';

test('inspect shows an exported MSI and a harvested DLL, offline', async (t) => {
  const dir = await makeTempDir('cli-inspect');
  const store = path.join(dir, 'store');
  const exported = await runCli(['export', '--simulator', '--store', store, '--json']);
  t.is(exported.exitCode, 0, exported.stderr);
  const setId = String(exported.out[exported.out.length - 1]!['setId']);
  const manifest = (await readManifest(createFsStore(store), setId)) as { applications: { name: string; artifacts: { kind: string; sha256: string }[] }[] };
  const objectOf = (app: string, kind: string): string => {
    const sha = manifest.applications.find((a) => a.name === app)!.artifacts.find((a) => a.kind === kind)!.sha256;
    return path.join(store, 'objects', sha.slice(0, 2), sha);
  };
  const msi = await runCli(['inspect', objectOf('Zahlungsverkehr Süd', 'msi'), '--json']);
  t.is(msi.exitCode, 0, msi.stderr);
  const result = msi.out.find((l) => l['kind'] === 'InspectResult')!;
  t.is(result['application'], 'Zahlungsverkehr Süd');
  t.deepEqual(result['references'], ['BizTalk.System', 'Contoso.Shared']);
  t.true((result['maskedPasswords'] as { port: string }[]).some((m) => m.port === 'Zahlungsverkehr.Send.Bank.Ftp'));
  t.false(msi.stdout.includes('Ftp-Pa55word'));
  const dll = await runCli(['inspect', objectOf('Contoso.Orders', 'dependency')]);
  t.is(dll.exitCode, 0, dll.stderr);
  t.regex(dll.stdout, /Contoso\.Common\.Helpers, Version=2\.1\.0\.0, Culture=neutral, PublicKeyToken=f1e2d3c4b5a69788/);
});

test('inspect of a file that is neither an MSI nor a DLL is E_INVALID_DATA naming it', async (t) => {
  const dir = await makeTempDir('cli-inspect-bad');
  const file = path.join(dir, 'notes.txt');
  await writeFile(file, 'not a package');
  const run = await runCli(['inspect', file, '--json']);
  t.is(run.exitCode, 1);
  t.like(run.err.find((l) => l['type'] === 'error'), { code: 'E_INVALID_DATA', target: 'notes.txt' });
});
