/**
 * The build tool behind build.ps1: bundles the core (esbuild, one .js per entry point node is started on, no source
 * maps), copies its non-JS assets and edge-js's Windows binaries for the bundled node's ABI, and fetches, verifies
 * and unpacks the pinned node.exe for Windows x64 and x86. Every check is a pure function in src/core/package-plan.ts;
 * this file does the I/O. Not part of the package itself.
 *
 *   node dist/src/build/package-core.js fetch  [--cache <dir>]                   fetch and verify the pinned node-win-* tarballs
 *   node dist/src/build/package-core.js core   --module <dir>                    bundle the core into <dir>/core, with edge-js
 *   node dist/src/build/package-core.js node   --module <dir> [--cache <dir>]    + node.exe for Windows x64 and x86
 *   node dist/src/build/package-core.js size   --file <nupkg>                    the .nupkg's size budget
 *
 * Errors: one `ERROR <code>: <message>` line (and a hint line) on stderr, exit code 1.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { BtsBackupError, isBtsBackupError } from '../errors/index.js';
import {
  checkPackageSize,
  checkPeMachine,
  checkPinnedDigest,
  chooseEdgeAbiFolder,
  edgeBinariesToCheck,
  nodePackageSpec,
  packageLayout,
  parsePackagePins,
  selectEdgeJsFiles,
  type NodePin,
  type PackagePins,
} from '../core/package-plan.js';
import { readPeHeader } from '../formats/pe/pe-header.js';
import { readTarEntries } from '../formats/tar/tar-reader.js';

const run = promisify(execFile);

/** The repository root: this file runs as dist/src/build/package-core.js. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const defaultCache = (): string => process.env['BTSBACKUP_NODE_WIN_CACHE'] ?? path.join(repoRoot, '.cache', 'node-win');

/** The entry points node is started on: the CLI, and the ExplorerOM probe child (catalog-probe.ts spawns it by name). */
export const coreEntryPoints = [
  { source: 'src/cli/main.ts', out: 'main' },
  { source: 'src/adapters/explorerom/edge-probe-child.ts', out: 'edge-probe-child' },
] as const;
/** Files read at run time from beside the code (edge-invoker.ts, helper-invoker.ts). */
export const coreAssets = ['src/adapters/explorerom/ExplorerOmBridge.cs', 'src/adapters/explorerom/explorerom-x86.ps1', 'src/adapters/deployment-api/DeploymentApiBridge.cs'] as const;

export async function readPins(root = repoRoot): Promise<PackagePins> {
  const file = path.join(root, 'package-pins.json');
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new BtsBackupError('E_INVALID_DATA', `${file} is missing or not JSON.`, { target: file, cause: error });
  }
  return parsePackagePins(value, file);
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const sha512Integrity = (bytes: Uint8Array): string => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;

/** Fetches (npm pack) any pinned node-win-* tarball missing from the cache; returns their paths. */
export async function fetchNodePackages(pins: PackagePins, cache: string): Promise<Map<NodePin, string>> {
  await mkdir(cache, { recursive: true });
  const found = new Map<NodePin, string>();
  for (const pin of pins.node.packages) {
    const { spec, tarball } = nodePackageSpec(pins, pin);
    const file = path.join(cache, tarball);
    if (!existsSync(file)) {
      // npm pack downloads the tarball whatever the package's os/cpu fields say (npm install would refuse them here).
      const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
      await run(npm, ['pack', spec, '--pack-destination', cache, '--silent'], { shell: process.platform === 'win32', maxBuffer: 16 * 1024 * 1024 });
    }
    await verifyTarball(pin, file);
    found.set(pin, file);
  }
  return found;
}

async function verifyTarball(pin: NodePin, file: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(await readFile(file));
  checkPinnedDigest(`${path.basename(file)} (integrity)`, file, pin.integrity, sha512Integrity(bytes));
  return bytes;
}

/** node.exe out of a verified node-win-* tarball, checked against its SHA-256 and machine type. */
export async function extractNodeExe(pin: NodePin, tarballFile: string): Promise<Uint8Array> {
  const tarball = await verifyTarball(pin, tarballFile);
  const entries = readTarEntries(new Uint8Array(gunzipSync(tarball)), tarballFile);
  const exe = entries.find((e) => e.name === 'package/bin/node.exe');
  if (exe === undefined) throw new BtsBackupError('E_INVALID_DATA', `${tarballFile} holds no package/bin/node.exe.`, { target: tarballFile });
  checkPinnedDigest(`node.exe in ${path.basename(tarballFile)} (SHA-256)`, tarballFile, pin.nodeExeSha256, sha256(exe.data));
  checkPeMachine(`node.exe in ${path.basename(tarballFile)}`, pin.arch, readPeHeader(exe.data));
  return exe.data;
}

async function listFiles(root: string, under = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(root, under), { withFileTypes: true })) {
    const relative = under === '' ? entry.name : `${under}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listFiles(root, relative)));
    else if (entry.isFile()) out.push(relative);
  }
  return out;
}

async function copyInto(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  await copyFile(from, to);
}

export interface PartSize {
  part: string;
  files: number;
  bytes: number;
}

/** Bundles the core into <moduleDir>/core: one ESM file per entry point, assets beside them, no source maps. */
export async function bundleCore(moduleDir: string, root = repoRoot): Promise<PartSize> {
  const { build } = await import('esbuild');
  const out = path.join(moduleDir, packageLayout.core);
  const version = (JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  await build({
    entryPoints: coreEntryPoints.map((e) => ({ in: path.join(root, e.source), out: e.out })),
    outdir: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    // edge-js is a native addon with a managed host: it is loaded from core/node_modules at run time.
    external: ['edge-js'],
    // CommonJS dependencies (iconv-lite, fs-extra) call require() for node's built-ins inside the ESM bundle.
    banner: { js: "import { createRequire as __btsCreateRequire } from 'node:module'; const require = __btsCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  await writeFile(path.join(out, 'package.json'), `${JSON.stringify({ name: 'biztalkbackup-core', version, type: 'module', private: true }, null, 2)}\n`);
  for (const asset of coreAssets) await copyInto(path.join(root, asset), path.join(out, path.basename(asset)));
  return sizeOf(moduleDir, packageLayout.core);
}

/** node.exe for each pinned architecture into <moduleDir>/node/win-<arch>. */
export async function addNodeExe(moduleDir: string, cache: string, root = repoRoot): Promise<PartSize[]> {
  const pins = await readPins(root);
  const tarballs = await fetchNodePackages(pins, cache);
  const parts: PartSize[] = [];
  for (const [pin, tarball] of tarballs) {
    const exe = await extractNodeExe(pin, tarball);
    const folder = path.join(moduleDir, packageLayout.nodeFolder(pin.arch));
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'node.exe'), exe);
    await writeFile(path.join(folder, 'VERSION'), `${pins.node.version}\n`);
    parts.push(await sizeOf(moduleDir, packageLayout.nodeFolder(pin.arch)));
  }
  return parts;
}

/**
 * edge-js's loader and its Windows binaries for the pinned node's ABI (x64 and ia32), and edge-cs, into
 * <moduleDir>/core/node_modules, each binary's machine type checked.
 */
export async function addEdgeJs(moduleDir: string, root = repoRoot): Promise<PartSize[]> {
  const pins = await readPins(root);
  const parts: PartSize[] = [];
  const edgeRoot = path.join(root, 'node_modules', 'edge-js');
  const edgeVersion = (JSON.parse(await readFile(path.join(edgeRoot, 'package.json'), 'utf8')) as { version: string }).version;
  if (edgeVersion !== pins.edgeJs.version) {
    throw new BtsBackupError('E_PACKAGE_PIN_MISMATCH', `edge-js ${edgeVersion} is installed, package-pins.json pins ${pins.edgeJs.version}.`, {
      target: edgeRoot,
      hint: 'Run npm ci, or update the pin after checking the new edge-js ships binaries for the bundled node.',
      details: { expected: pins.edgeJs.version, actual: edgeVersion },
    });
  }
  const files = await listFiles(edgeRoot);
  const abiVersion = (folder: string): string | undefined => {
    const file = path.join(edgeRoot, folder, 'node.version');
    return files.includes(`${folder}/node.version`) ? readFileSyncText(file) : undefined;
  };
  const abiFolders = pins.node.packages.map((pin) => chooseEdgeAbiFolder(pins.node.version, pin.arch, files, abiVersion));
  const selected = selectEdgeJsFiles(files, abiFolders);
  for (const { file, arch } of edgeBinariesToCheck(selected)) {
    checkPeMachine(`edge-js/${file}`, arch, readPeHeader(new Uint8Array(await readFile(path.join(edgeRoot, file)))));
  }
  for (const file of selected) await copyInto(path.join(edgeRoot, file), path.join(moduleDir, packageLayout.edgeJs, file));
  parts.push(await sizeOf(moduleDir, packageLayout.edgeJs));

  // edge-cs compiles the C# bridge at run time (edge-js's dependency).
  const edgeCsRoot = path.join(root, 'node_modules', 'edge-cs');
  for (const file of await listFiles(edgeCsRoot)) await copyInto(path.join(edgeCsRoot, file), path.join(moduleDir, packageLayout.edgeCs, file));
  parts.push(await sizeOf(moduleDir, packageLayout.edgeCs));
  return parts;
}

function readFileSyncText(file: string): string {
  return readFileSync(file, 'utf8');
}

async function sizeOf(moduleDir: string, part: string): Promise<PartSize> {
  const files = await listFiles(path.join(moduleDir, part));
  let bytes = 0;
  for (const file of files) bytes += (await stat(path.join(moduleDir, part, file))).size;
  return { part, files: files.length, bytes };
}

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
}

function required(args: string[], name: string): string {
  const value = option(args, name);
  if (value === undefined) throw new BtsBackupError('E_USAGE', `--${name} is required.`);
  return path.resolve(value);
}

const report = (part: PartSize): string => `  ${part.part}: ${part.files} file(s), ${(part.bytes / 1e6).toFixed(1)} MB`;

export async function main(args: string[]): Promise<void> {
  const [command, ...rest] = args;
  const cache = path.resolve(option(rest, 'cache') ?? defaultCache());
  switch (command) {
    case 'fetch': {
      const pins = await readPins();
      const fetched = await fetchNodePackages(pins, cache);
      for (const [pin, file] of fetched) await extractNodeExe(pin, file);
      process.stdout.write(`node ${pins.node.version} for Windows ${pins.node.packages.map((p) => p.arch).join(', ')} in ${cache}: integrity, SHA-256 and machine type match the pins\n`);
      return;
    }
    case 'core': {
      const moduleDir = required(rest, 'module');
      for (const part of [await bundleCore(moduleDir), ...(await addEdgeJs(moduleDir))]) process.stdout.write(`${report(part)}\n`);
      return;
    }
    case 'node':
      for (const part of await addNodeExe(required(rest, 'module'), cache)) process.stdout.write(`${report(part)}\n`);
      return;
    case 'size': {
      const file = required(rest, 'file');
      const pins = await readPins();
      const { size } = await stat(file);
      checkPackageSize(file, size, pins.maxPackageBytes);
      process.stdout.write(`  package: ${(size / 1e6).toFixed(1)} MB (budget ${(pins.maxPackageBytes / 1e6).toFixed(0)} MB)\n`);
      return;
    }
    default:
      throw new BtsBackupError('E_USAGE', `Unknown command '${command ?? ''}': fetch, core, node or size.`);
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    const e = isBtsBackupError(error) ? error : new BtsBackupError('E_INTERNAL', error instanceof Error ? error.message : String(error));
    process.stderr.write(`ERROR ${e.code}: ${e.message}\n${e.hint === undefined ? '' : `  hint: ${e.hint}\n`}`);
    process.exitCode = 1;
  });
}
