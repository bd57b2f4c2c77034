// The PE header reader on real Windows binaries (edge-js's prebuilt addons, one per architecture) and on damaged bytes.
import test from 'ava';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PE_MACHINE, readPeBitness, readPeHeader } from '../../../src/formats/pe/pe-header.js';
import { repoRoot } from '../../support/pwsh.js';

const edge = (arch: string, file: string): Uint8Array => new Uint8Array(readFileSync(path.join(repoRoot, 'node_modules', 'edge-js', 'lib', 'native', 'win32', arch, file)));

const cases: { arch: string; file: string; machine: number; pe32Plus: boolean }[] = [
  { arch: 'x64', file: '22/edge_nativeclr.node', machine: PE_MACHINE.amd64, pe32Plus: true },
  { arch: 'x64', file: 'msvcp140.dll', machine: PE_MACHINE.amd64, pe32Plus: true },
  { arch: 'ia32', file: '22/edge_coreclr.node', machine: PE_MACHINE.i386, pe32Plus: false },
  { arch: 'ia32', file: 'vcruntime140.dll', machine: PE_MACHINE.i386, pe32Plus: false },
];

for (const c of cases) {
  test(`readPeHeader: ${c.arch}/${c.file} is machine 0x${c.machine.toString(16)}`, (t) => {
    const header = readPeHeader(edge(c.arch, c.file));
    t.is(header?.machine, c.machine);
    t.is(header?.pe32Plus, c.pe32Plus);
  });
}

test('readPeBitness: a native DLL has no CLI header (undefined); edge_nativeclr.node is mixed-mode C++/CLI (has one)', (t) => {
  t.is(readPeHeader(edge('x64', 'msvcp140.dll'))?.cliRva, 0);
  t.is(readPeBitness(edge('x64', 'msvcp140.dll')), undefined);
  t.deepEqual(readPeBitness(edge('ia32', '22/edge_nativeclr.node')), { machine: PE_MACHINE.i386, pe32Plus: false, ilOnly: false, requires32Bit: false });
});

test('readPeHeader: not a PE image, or cut short anywhere in the headers, is undefined, never a RangeError', (t) => {
  const good = edge('x64', '22/edge_nativeclr.node');
  t.is(readPeHeader(new TextEncoder().encode('#!/bin/sh\necho v22.0.0\n')), undefined);
  t.is(readPeHeader(new Uint8Array(0)), undefined);
  const peAt = new DataView(good.buffer, good.byteOffset).getUint32(0x3c, true);
  for (const length of [1, 0x3c, 0x3e, peAt, peAt + 3, peAt + 6, peAt + 24]) t.is(readPeHeader(good.subarray(0, length)), undefined, `cut at ${length}`);
  const wrongSignature = good.slice(0, 4096);
  wrongSignature[peAt] = 0x4e;
  t.is(readPeHeader(wrongSignature), undefined);
});
