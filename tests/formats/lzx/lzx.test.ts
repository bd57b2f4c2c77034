import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCabinet, readCabinetInfo } from '../../../src/formats/cab/cab-reader.js';
import { buildCabinet as writeCabinet } from '../../../src/formats/cab/cab-writer.js';
import { buildCabinet, filesInFolder, mszipBlocks, storedBlocks, type BuilderFile, type BuilderFolder } from '../../support/cab-builder.js';
import { cabextractName, makeTempDir, runCabextract, sampleData, seededRandom } from '../../support/cab-oracle.js';
import { lzxCompress, type LzxBlockType, type LzxEncodeOptions, type LzxEncodeStats } from '../../../src/formats/lzx/lzx-encoder.js';

// Our encoder (src/formats/lzx/lzx-encoder.ts) makes the cabinets; cabextract (libmspack) is the independent
// judge: it must extract them to the original bytes, and our decoder must give the same bytes as cabextract.

const E8_SIZE = 12_000_000;
const mixedPlan: { type: LzxBlockType; size: number }[] = [
  { type: 'verbatim', size: 40_000 }, // starts in frame 0, ends mid frame 1
  { type: 'aligned', size: 70_001 }, // spans frames, odd size
  { type: 'uncompressed', size: 33_333 }, // odd: a pad byte follows
  { type: 'verbatim', size: 5_000 }, // shorter than a frame
  { type: 'uncompressed', size: 1_000 },
  { type: 'aligned', size: 131_072 },
];

interface Case {
  name: string;
  files: { name: string; bytes: Uint8Array }[];
  options: LzxEncodeOptions;
  expect?: (t: import('ava').ExecutionContext, stats: LzxEncodeStats) => void;
}

function farRepeats(length: number, seed: number): Uint8Array {
  // Random data, then copies of early parts: matches reach back more than a megabyte.
  const out = sampleData('random', length, seed);
  const random = seededRandom(seed + 1);
  const half = Math.floor(length * 0.6);
  for (let pos = half; pos < length; ) {
    const from = Math.floor(random() * (half - 5000));
    const count = Math.min(200 + Math.floor(random() * 3000), length - pos);
    out.copyWithin(pos, from, from + count);
    pos += count + 50;
  }
  return out;
}

function checkAgainstCabextract(t: import('ava').ExecutionContext, cab: Uint8Array, files: { name: string; bytes: Uint8Array }[], label: string): void {
  const entries = readCabinet(cab, { source: label });
  const dir = makeTempDir('lzx-test-');
  try {
    const path = join(dir.path, `${label}.cab`);
    writeFileSync(path, cab);
    const oracle = runCabextract(path);
    t.is(oracle.exitCode, 0, `cabextract rejected ${label}: ${oracle.stderr}`);
    t.is(entries.length, files.length);
    for (const file of files) {
      const theirs = oracle.files.get(cabextractName(file.name));
      const ours = entries.find((entry) => entry.name === file.name);
      t.true(theirs !== undefined && Buffer.from(theirs).equals(Buffer.from(file.bytes)), `${label}/${file.name}: cabextract gives the original bytes`);
      t.true(ours !== undefined && Buffer.from(ours.bytes).equals(Buffer.from(file.bytes)), `${label}/${file.name}: we give the original bytes`);
    }
  } finally {
    dir.remove();
  }
}

const cases: Case[] = [
  ...[15, 16, 17, 18, 19, 20, 21].map((windowBits): Case => ({
    name: `window 2^${windowBits}, E8 on, mixed verbatim/aligned/uncompressed blocks`,
    files: [
      { name: 'BizTalkAssembly\\0123456789abcdef0123456789abcdef\\Orders.dll', bytes: sampleData('x86', 260_000 + windowBits * 1000, windowBits) },
      { name: 'BizTalkBinding\\Application-Orders\\BindingInfo.xml', bytes: sampleData('text', 150_000, windowBits + 100) },
    ],
    options: { windowBits, e8TranslationSize: E8_SIZE, blockPlan: mixedPlan },
    expect: (t, stats) => {
      t.true(stats.blocks.verbatim > 0 && stats.blocks.aligned > 0 && stats.blocks.uncompressed > 0, 'all block types');
      t.true(stats.repeatMatches.every((count) => count > 0), `R0, R1 and R2 all used: ${stats.repeatMatches.join(',')}`);
      t.true(stats.alignedSymbols > 0, 'aligned offsets used');
      t.true(stats.e8Translated > 0, 'E8 calls translated');
      // The data is ~410 KB: long offsets means half the window, or half the data when the window is bigger.
      t.true(stats.longestOffset > Math.min(2 ** windowBits, 400_000) / 2, `long offsets used: ${stats.longestOffset}`);
      t.true(stats.pretreeRuns.zeros17 > 0 && stats.pretreeRuns.zeros18 > 0 && stats.pretreeRuns.same19 > 0, 'all pretree run codes used');
    },
  })),
  {
    name: 'window 2^21, matches more than 1 MiB back, 2 MB, many CFDATA blocks',
    files: [{ name: 'far.bin', bytes: farRepeats(2_000_000, 7) }],
    options: { windowBits: 21, e8TranslationSize: E8_SIZE, blockPlan: [{ type: 'aligned', size: 300_000 }, { type: 'verbatim', size: 250_000 }] },
    expect: (t, stats) => {
      t.true(stats.longestOffset > 1 << 20, `offsets beyond 1 MiB: ${stats.longestOffset}`);
      t.true(stats.frames >= 61, 'one CFDATA per 32 KiB frame');
    },
  },
  {
    name: 'E8 translation near frame ends and a last frame of 10 bytes or less',
    files: [{ name: 'tail.dll', bytes: sampleData('x86', 2 * 32768 + 7, 77) }],
    options: { windowBits: 16, e8TranslationSize: 70_000, blockPlan: [{ type: 'verbatim', size: 1 << 20 }] },
    expect: (t, stats) => t.true(stats.e8Translated > 0),
  },
  {
    name: 'E8 header absent (translation off) on x86 data',
    files: [{ name: 'plain.dll', bytes: sampleData('x86', 100_000, 78) }],
    options: { windowBits: 17, blockPlan: [{ type: 'aligned', size: 1 << 20 }] },
  },
  {
    name: 'an empty length tree (no long matches) and uncompressed-only data',
    files: [
      { name: 'random.bin', bytes: sampleData('random', 70_000, 79) },
      { name: 'stored-in-lzx.bin', bytes: sampleData('random', 40_001, 80) },
    ],
    options: { windowBits: 15, blockPlan: [{ type: 'verbatim', size: 70_000 }, { type: 'uncompressed', size: 40_001 }] },
    expect: (t, stats) => t.true(stats.emptyLengthTrees > 0, 'a block with an all-zero length tree'),
  },
  {
    name: 'zeros: longest matches, one block per frame exactly',
    files: [{ name: 'zeros.bin', bytes: sampleData('zeros', 300_000, 0) }],
    options: { windowBits: 18, e8TranslationSize: E8_SIZE, blockPlan: [{ type: 'verbatim', size: 32768 }, { type: 'aligned', size: 32768 }, { type: 'uncompressed', size: 32768 }] },
  },
];

for (const c of cases) {
  test(`LZX: ${c.name}`, (t) => {
    const { layout, data } = filesInFolder(c.files, 0);
    const encoded = lzxCompress(data, c.options);
    c.expect?.(t, encoded.stats);
    const cab = buildCabinet({ folders: [{ compressionType: encoded.compressionType, blocks: encoded.blocks }], files: layout });
    const info = readCabinetInfo(cab);
    t.is(info.folders[0]?.compression, 'lzx');
    t.is(info.folders[0]?.lzxWindowBits, c.options.windowBits);
    checkAgainstCabextract(t, cab, c.files, `lzx-${c.options.windowBits}-${cases.indexOf(c)}`);
  });
}

test('LZX: state resets between folders; LZX, MSZIP and stored folders in one cabinet, with reserved areas', (t) => {
  const folders: BuilderFolder[] = [];
  const files: BuilderFile[] = [];
  const all: { name: string; bytes: Uint8Array }[] = [];
  const add = (folderFiles: { name: string; bytes: Uint8Array }[], make: (data: Uint8Array) => BuilderFolder): void => {
    const index = folders.length;
    const { layout, data } = filesInFolder(folderFiles, index);
    folders.push(make(data));
    files.push(...layout);
    all.push(...folderFiles);
  };
  // The same x86 bytes in two LZX folders: the second would only decode right if nothing carries over.
  const x86 = sampleData('x86', 120_000, 90);
  for (const windowBits of [21, 16]) {
    add([{ name: `lzx${windowBits}\\a.dll`, bytes: x86 }, { name: `lzx${windowBits}\\b.txt`, bytes: sampleData('text', 50_000, windowBits) }], (data) => {
      const encoded = lzxCompress(data, { windowBits, e8TranslationSize: E8_SIZE, blockPlan: mixedPlan });
      return { compressionType: encoded.compressionType, blocks: encoded.blocks };
    });
  }
  add([{ name: 'mszip.txt', bytes: sampleData('text', 90_000, 91) }], (data) => ({ compressionType: 1, blocks: mszipBlocks(data) }));
  add([{ name: 'stored.bin', bytes: sampleData('random', 10_000, 92) }], (data) => ({ compressionType: 0, blocks: storedBlocks(data) }));
  const cab = buildCabinet({ folders, files, reserve: { header: 6, folder: 2, data: 4 } });
  t.deepEqual(readCabinetInfo(cab).folders.map((f) => f.compression), ['lzx', 'lzx', 'mszip', 'none']);
  checkAgainstCabextract(t, cab, all, 'multi-folder');
});

test('LZX: a few MB in one folder, 32 KiB frames in ~130 CFDATA blocks', (t) => {
  const files = [
    { name: 'big.dll', bytes: sampleData('x86', 2_500_000, 93) },
    { name: 'big.xml', bytes: sampleData('text', 1_500_000, 94) },
  ];
  const { layout, data } = filesInFolder(files, 0);
  const encoded = lzxCompress(data, { windowBits: 20, e8TranslationSize: E8_SIZE, blockPlan: mixedPlan, chainDepth: 8 });
  t.true(encoded.blocks.length > 120);
  const cab = buildCabinet({ folders: [{ compressionType: encoded.compressionType, blocks: encoded.blocks }], files: layout });
  checkAgainstCabextract(t, cab, files, 'lzx-big');
});

// The product path: no block plan, so every block takes the cheapest type; cab-writer lays out the cabinet.
for (const windowBits of [15, 16, 17, 18, 19, 20, 21]) {
  test(`LZX default encoding, window 2^${windowBits}: real matches, smaller than half, cabextract and our decoder agree`, (t) => {
    const files = [
      { name: 'BizTalkAssembly\\0123456789abcdef0123456789abcdef\\Orders.dll', bytes: sampleData('x86', 120_000, windowBits + 200) },
      { name: 'BizTalkBinding\\Application-Orders\\BindingInfo.xml', bytes: sampleData('text', 120_000, windowBits + 300) },
      { name: 'random.bin', bytes: sampleData('random', 40_000, windowBits + 400) },
    ];
    const { data } = filesInFolder(files, 0);
    const encoded = lzxCompress(data, { windowBits, ...(windowBits % 2 === 0 ? { e8TranslationSize: E8_SIZE } : {}) });
    const compressed = encoded.blocks.reduce((sum, block) => sum + block.payload.length, 0);
    t.true(encoded.stats.matches > 10_000, `matches: ${encoded.stats.matches}`);
    t.true(encoded.stats.matches - encoded.stats.repeatMatches.reduce((a, b) => a + b, 0) > 5_000, 'matches at new offsets, not only repeats');
    // Literals only would need ~5 bits per text byte and ~7 per x86 byte; the random part alone is 40 KB.
    t.true(compressed < 0.45 * data.length, `${compressed} of ${data.length} bytes`);
    t.true(encoded.stats.blocks.uncompressed > 0 || compressed < data.length, 'random data does not grow the output');
    const cab = buildCabinetWithWriter(files, windowBits);
    t.deepEqual(readCabinetInfo(cab).folders, [{ compression: 'lzx', lzxWindowBits: windowBits, dataBlocks: Math.ceil(data.length / 32768) }]);
    checkAgainstCabextract(t, cab, files, `lzx-default-${windowBits}`);
  });
}

test('LZX default encoding: random data goes out as uncompressed blocks, repetitive data as verbatim or aligned ones', (t) => {
  const random = lzxCompress(sampleData('random', 200_000, 501), { windowBits: 16 });
  t.true(random.stats.blocks.uncompressed > 0 && random.stats.blocks.verbatim + random.stats.blocks.aligned === 0);
  t.true(random.blocks.reduce((sum, block) => sum + block.payload.length, 0) < 200_000 * 1.01);
  const text = lzxCompress(sampleData('text', 200_000, 502), { windowBits: 16 });
  t.is(text.stats.blocks.uncompressed, 0);
});

test('LZX: a window outside 2^15..2^21 is refused', (t) => {
  t.throws(() => lzxCompress(new Uint8Array(10), { windowBits: 14 }), { instanceOf: RangeError });
  t.throws(() => lzxCompress(new Uint8Array(10), { windowBits: 22 }), { instanceOf: RangeError });
});

function buildCabinetWithWriter(files: { name: string; bytes: Uint8Array }[], windowBits: number): Uint8Array {
  return writeCabinet(files, { compression: 'lzx', lzxWindowBits: windowBits, ...(windowBits % 2 === 0 ? { lzxE8TranslationSize: E8_SIZE } : {}) });
}
