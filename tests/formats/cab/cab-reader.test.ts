import test from 'ava';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCabinet, readCabinetInfo, type CabinetEntry } from '../../../src/formats/cab/cab-reader.js';
import { BtsBackupError } from '../../../src/errors/index.js';
import { buildCabinet, filesInFolder, mszipBlocks, storedBlocks } from '../../support/cab-builder.js';
import { cabextractName, gcabCreate, libmspackCabFiles, makeTempDir, runCabextract, sampleData } from '../../support/cab-oracle.js';

function expectSameAsCabextract(t: import('ava').ExecutionContext, cabPath: string, entries: CabinetEntry[]): void {
  const oracle = runCabextract(cabPath);
  t.is(oracle.exitCode, 0, `cabextract failed on ${cabPath}: ${oracle.stderr}`);
  const ours = new Map(entries.map((entry) => [cabextractName(entry.name), entry.bytes]));
  t.deepEqual([...ours.keys()].sort(), [...oracle.files.keys()].sort(), `file names of ${cabPath}`);
  for (const [name, bytes] of oracle.files) {
    const mine = ours.get(name);
    t.true(mine !== undefined && Buffer.compare(Buffer.from(mine), Buffer.from(bytes)) === 0, `${cabPath}: ${name} differs from cabextract's`);
  }
}

const gcabFiles = [
  { name: 'ApplicationDefinition.adf', bytes: sampleData('text', 70_000, 1) },
  { name: 'Orders.dll', bytes: sampleData('x86', 150_000, 2) },
  { name: 'random.bin', bytes: sampleData('random', 90_000, 3) },
  { name: 'empty.txt', bytes: new Uint8Array(0) },
  { name: 'zeros.bin', bytes: sampleData('zeros', 200_000, 4) },
];

for (const compress of [false, true]) {
  test(`a gcab ${compress ? 'MSZIP' : 'stored'} cabinet reads back byte for byte, like cabextract`, (t) => {
    const cab = gcabCreate(gcabFiles, compress);
    const info = readCabinetInfo(cab, 'gcab.cab');
    t.is(info.files, gcabFiles.length);
    t.is(info.folders[0]?.compression, compress ? 'mszip' : 'none');
    const entries = readCabinet(cab, { source: 'gcab.cab' });
    t.deepEqual(entries.map((entry) => entry.name), gcabFiles.map((file) => file.name));
    for (const file of gcabFiles) {
      const entry = entries.find((e) => e.name === file.name);
      t.true(entry !== undefined && Buffer.compare(Buffer.from(entry.bytes), Buffer.from(file.bytes)) === 0, file.name);
    }
    const dir = makeTempDir();
    try {
      const path = join(dir.path, 'gcab.cab');
      writeFileSync(path, cab);
      expectSameAsCabextract(t, path, entries);
    } finally {
      dir.remove();
    }
  });
}

test('MSZIP blocks that refer back into the previous block are decoded with the carried-over history', (t) => {
  // A 20 KB random pattern repeated: every block after the first is mostly matches into earlier blocks.
  const unit = sampleData('random', 20_000, 9);
  const bytes = new Uint8Array(unit.length * 8);
  for (let i = 0; i < 8; i++) bytes.set(unit, i * unit.length);
  const blocks = mszipBlocks(bytes);
  t.true(blocks.reduce((sum, block) => sum + block.payload.length, 0) < bytes.length / 2, 'the blocks do reach back');
  const { layout } = filesInFolder([{ name: 'repeat.bin', bytes }], 0);
  const cab = buildCabinet({ folders: [{ compressionType: 1, blocks }], files: layout });
  const [entry] = readCabinet(cab, { source: 'repeat.cab' });
  t.true(entry !== undefined && Buffer.compare(Buffer.from(entry.bytes), Buffer.from(bytes)) === 0);
  const dir = makeTempDir();
  try {
    writeFileSync(join(dir.path, 'repeat.cab'), cab);
    expectSameAsCabextract(t, join(dir.path, 'repeat.cab'), readCabinet(cab));
  } finally {
    dir.remove();
  }
});

test('names: UTF-8 when flagged, Latin-1 otherwise; DOS dates; reserved areas; several folders', (t) => {
  const a = sampleData('text', 3000, 11);
  const b = sampleData('random', 70_000, 12);
  const first = filesInFolder([{ name: 'Bindings\\Prod\\BindingInfo.xml', bytes: a }, { name: 'caf\u00e9.txt', bytes: a.subarray(0, 10) }], 0);
  const second = filesInFolder([{ name: '\u65e5\u672c.bin', bytes: b, attributes: 0xa0 }], 1);
  const cab = buildCabinet({
    folders: [
      { compressionType: 0, blocks: storedBlocks(first.data, 1000) },
      { compressionType: 1, blocks: mszipBlocks(second.data) },
    ],
    files: [...first.layout, ...second.layout.map((file) => ({ ...file, date: ((2019 - 1980) << 9) | (12 << 5) | 31, time: (23 << 11) | (59 << 5) | 29 }))],
    reserve: { header: 20, folder: 3, data: 5 },
    setId: 777,
    cabinetIndex: 0,
  });
  const info = readCabinetInfo(cab, 'built.cab');
  t.deepEqual(info.reserved, { header: 20, folder: 3, data: 5 });
  t.is(info.setId, 777);
  t.deepEqual(info.folders.map((f) => f.compression), ['none', 'mszip']);
  const entries = readCabinet(cab, { source: 'built.cab' });
  t.deepEqual(entries.map((e) => e.name), ['Bindings\\Prod\\BindingInfo.xml', 'caf\u00e9.txt', '\u65e5\u672c.bin']);
  t.deepEqual(entries.map((e) => e.folderIndex), [0, 0, 1]);
  t.is(entries[2]?.modified.toISOString(), '2019-12-31T23:59:58.000Z');
  t.is(entries[2]?.attributes, 0xa0);
  t.true(Buffer.from(entries[2]!.bytes).equals(Buffer.from(b)));
  const dir = makeTempDir();
  try {
    writeFileSync(join(dir.path, 'built.cab'), cab);
    expectSameAsCabextract(t, join(dir.path, 'built.cab'), entries);
  } finally {
    dir.remove();
  }
});

test('a bad CFDATA checksum gives E_INVALID_DATA naming the source, unless checking is turned off', (t) => {
  const cab = gcabCreate([{ name: 'a.txt', bytes: sampleData('text', 5000, 5) }], false);
  const info = readCabinetInfo(cab);
  t.is(info.folders.length, 1);
  const view = new DataView(cab.buffer, cab.byteOffset, cab.byteLength);
  const dataOffset = view.getUint32(36, true);
  if (view.getUint32(dataOffset, true) === 0) {
    t.fail('gcab wrote no checksum; this test needs one');
    return;
  }
  const damaged = cab.slice();
  damaged[dataOffset + 8 + 100]! ^= 0x01;
  const error = t.throws(() => readCabinet(damaged, { source: 'orders.msi#cab' }), { instanceOf: BtsBackupError });
  t.is(error?.code, 'E_INVALID_DATA');
  t.is(error?.target, 'orders.msi#cab');
  const [entry] = readCabinet(damaged, { source: 'x', verifyChecksums: false });
  t.is(entry?.bytes[100], sampleData('text', 5000, 5)[100]! ^ 0x01);
});

test('header facts: set id, index, reserve sizes, LZX window bits', (t) => {
  requireLibmspack(t);
  const info = readCabinetInfo(readFileSync(join(libmspackCabFiles, 'reserve_HFD.cab')), 'reserve_HFD.cab');
  t.true(info.reserved.header > 0 && info.reserved.folder > 0 && info.reserved.data > 0);
  const mixed = readCabinetInfo(readFileSync(join(libmspackCabFiles, 'normal_2files_2folders.cab')));
  t.deepEqual(mixed.folders.map((f) => f.compression), ['mszip', 'lzx']);
  t.is(mixed.folders[1]?.lzxWindowBits, 18);
});

// libmspack's own test cabinets, classified by what they are (the names libmspack gives them, checked
// against cabextract's exit code below). Every file in the directory must be listed here.
const libmspackGood = [
  'normal_255c_filename.cab',
  'normal_2files_1folder.cab',
  'normal_2files_2folders.cab', // an MSZIP folder and an LZX folder
  'reserve_---.cab',
  'reserve_--D.cab',
  'reserve_-F-.cab',
  'reserve_-FD.cab',
  'reserve_H--.cab',
  'reserve_H-D.cab',
  'reserve_HF-.cab',
  'reserve_HFD.cab',
];
/** Holds MSZIP, LZX and Quantum folders: the first two must match cabextract; Quantum is E_UNSUPPORTED. */
const libmspackMixedWithQuantum = ['mszip_lzx_qtm.cab'];
/** Parts of a spanned set: cabextract can only join them; we refuse spanned cabinets. */
const libmspackSpanned = ['multi_basic_pt1.cab', 'multi_basic_pt2.cab', 'multi_basic_pt3.cab', 'multi_basic_pt4.cab', 'multi_basic_pt5.cab'];
/** A cabinet embedded after junk: cabextract finds it by searching; we only read a cabinet that starts at byte 0. */
const libmspackEmbedded = ['search_basic.cab', 'search_tricky1.cab'];
/** Quantum-compressed and broken: we do not decode Quantum, so E_UNSUPPORTED or E_INVALID_DATA. */
const libmspackQuantumBroken = ['cve-2014-9556-qtm-infinite-loop.cab', 'cve-2018-18584-qtm-max-size-block.cab'];
const libmspackBroken = [
  'bad_folderindex.cab',
  'bad_nofiles.cab',
  'bad_nofolders.cab',
  'bad_signature.cab',
  'cve-2010-2800-mszip-infinite-loop.cab',
  'cve-2014-9732-folders-segfault.cab',
  'cve-2015-4470-mszip-over-read.cab',
  'cve-2015-4471-lzx-under-read.cab',
  'cve-2017-11423-fname-overread.cab',
  'filename-read-violation-1.cab',
  'filename-read-violation-2.cab',
  'filename-read-violation-3.cab',
  'filename-read-violation-4.cab',
  'lzx-main-tree-no-lengths.cab',
  'lzx-premature-matches.cab',
  'partial_nodata.cab',
  'partial_nofiles.cab',
  'partial_nofolder.cab',
  'partial_shortextheader.cab',
  'partial_shortfile1.cab',
  'partial_shortfile2.cab',
  'partial_shortfolder.cab',
  'partial_shortheader.cab',
  'partial_str_nofname.cab',
  'partial_str_noninfo.cab',
  'partial_str_nonname.cab',
  'partial_str_nopinfo.cab',
  'partial_str_nopname.cab',
  'partial_str_shortfname.cab',
  'partial_str_shortninfo.cab',
  'partial_str_shortnname.cab',
  'partial_str_shortpinfo.cab',
  'partial_str_shortpname.cab',
];

function requireLibmspack(t: import('ava').ExecutionContext): void {
  if (!existsSync(libmspackCabFiles)) {
    t.fail(`libmspack's test cabinets are missing from ${libmspackCabFiles}: run \`bash tests/setup.sh\` first`);
    throw new Error('libmspack test files missing: run `bash tests/setup.sh`');
  }
}

function expectRejected(t: import('ava').ExecutionContext, name: string, codes: string[]): void {
  const bytes = readFileSync(join(libmspackCabFiles, name));
  const started = performance.now();
  let error: unknown;
  try {
    readCabinet(bytes, { source: name });
  } catch (caught) {
    error = caught;
  }
  const elapsed = performance.now() - started;
  t.true(error instanceof BtsBackupError, `${name}: expected a BtsBackupError, got ${String(error)}`);
  if (error instanceof BtsBackupError) {
    t.true(codes.includes(error.code), `${name}: code ${error.code}, expected one of ${codes.join(', ')}`);
    t.is(error.target, name);
  }
  t.true(elapsed < 1000, `${name}: took ${elapsed.toFixed(0)} ms`);
}

test('every libmspack test cabinet is classified, and cabextract agrees with the classification', (t) => {
  requireLibmspack(t);
  const listed = [...libmspackGood, ...libmspackMixedWithQuantum, ...libmspackSpanned, ...libmspackEmbedded, ...libmspackQuantumBroken, ...libmspackBroken];
  const present = readdirSync(libmspackCabFiles).filter((name) => name.endsWith('.cab'));
  t.deepEqual([...present].sort(), [...listed].sort());
  for (const name of [...libmspackGood, ...libmspackMixedWithQuantum, ...libmspackEmbedded]) {
    t.is(runCabextract(join(libmspackCabFiles, name)).exitCode, 0, `cabextract should accept ${name}`);
  }
  for (const name of [...libmspackBroken, ...libmspackQuantumBroken, ...libmspackSpanned]) {
    t.not(runCabextract(join(libmspackCabFiles, name)).exitCode, 0, `cabextract should reject ${name}`);
  }
});

for (const name of libmspackGood) {
  test(`libmspack good cabinet ${name} extracts byte-identical to cabextract`, (t) => {
    requireLibmspack(t);
    const path = join(libmspackCabFiles, name);
    expectSameAsCabextract(t, path, readCabinet(readFileSync(path), { source: name }));
  });
}

test('libmspack mszip_lzx_qtm.cab: E_UNSUPPORTED for the Quantum folder; MSZIP and LZX files match cabextract', (t) => {
  requireLibmspack(t);
  expectRejected(t, 'mszip_lzx_qtm.cab', ['E_UNSUPPORTED']);
  const path = join(libmspackCabFiles, 'mszip_lzx_qtm.cab');
  const bytes = readFileSync(path);
  const info = readCabinetInfo(bytes);
  t.deepEqual(info.folders.map((f) => f.compression), ['mszip', 'lzx', 'quantum']);
  const entries = readCabinet(bytes, { source: 'mszip_lzx_qtm.cab', unsupportedFolders: 'skip' });
  t.is(entries.length, 2);
  const oracle = runCabextract(path);
  for (const entry of entries) {
    const theirs = oracle.files.get(cabextractName(entry.name));
    t.true(theirs !== undefined && Buffer.compare(Buffer.from(theirs), Buffer.from(entry.bytes)) === 0, entry.name);
  }
});

for (const name of libmspackBroken) {
  test(`libmspack broken cabinet ${name} gives E_INVALID_DATA quickly`, (t) => {
    requireLibmspack(t);
    expectRejected(t, name, ['E_INVALID_DATA']);
  });
}
for (const name of libmspackQuantumBroken) {
  test(`libmspack broken Quantum cabinet ${name} gives E_UNSUPPORTED or E_INVALID_DATA quickly`, (t) => {
    requireLibmspack(t);
    expectRejected(t, name, ['E_UNSUPPORTED', 'E_INVALID_DATA']);
  });
}
for (const name of libmspackSpanned) {
  test(`libmspack spanned cabinet ${name} gives E_UNSUPPORTED`, (t) => {
    requireLibmspack(t);
    expectRejected(t, name, ['E_UNSUPPORTED']);
    t.true(readCabinetInfo(readFileSync(join(libmspackCabFiles, name))).files > 0, 'its tables still read');
  });
}
for (const name of libmspackEmbedded) {
  test(`libmspack embedded cabinet ${name} is not a cabinet at byte 0: E_INVALID_DATA`, (t) => {
    requireLibmspack(t);
    expectRejected(t, name, ['E_INVALID_DATA']);
  });
}
