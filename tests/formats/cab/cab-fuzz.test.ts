import test from 'ava';
import { readCabinet } from '../../../src/formats/cab/cab-reader.js';
import { BtsBackupError } from '../../../src/errors/index.js';
import { buildCabinet, filesInFolder } from '../../support/cab-builder.js';
import { gcabCreate, sampleData, seededRandom } from '../../support/cab-oracle.js';
import { lzxCompress } from '../../../src/formats/lzx/lzx-encoder.js';

// Seeded, bounded mutation testing: every damaged cabinet either reads or throws a BtsBackupError, quickly.
// Never a RangeError, a TypeError, a hang or a huge allocation.

const MUTATIONS_PER_CABINET = Number(process.env.FUZZ_N ?? 120);
const TIME_LIMIT_MS = 1000;

function baseCabinets(): { name: string; bytes: Uint8Array }[] {
  const files = [
    { name: 'ApplicationDefinition.adf', bytes: sampleData('text', 20_000, 1) },
    { name: 'ITEM~0.CAB', bytes: sampleData('x86', 50_000, 2) },
  ];
  const { layout, data } = filesInFolder(files, 0);
  const lzx = lzxCompress(data, {
    windowBits: 16,
    e8TranslationSize: 12_000_000,
    blockPlan: [{ type: 'verbatim', size: 20_000 }, { type: 'uncompressed', size: 3_001 }, { type: 'aligned', size: 40_000 }],
  });
  return [
    { name: 'stored (gcab)', bytes: gcabCreate(files, false) },
    { name: 'MSZIP (gcab -z)', bytes: gcabCreate(files, true) },
    { name: 'LZX (our encoder)', bytes: buildCabinet({ folders: [{ compressionType: lzx.compressionType, blocks: lzx.blocks }], files: layout, reserve: { header: 4, folder: 0, data: 2 } }) },
  ];
}

/** Where the length and offset fields of a well-formed cabinet are: [offset, byte width]. */
function lengthFields(cab: Uint8Array): [number, number][] {
  const view = new DataView(cab.buffer, cab.byteOffset, cab.byteLength);
  const fields: [number, number][] = [[8, 4], [16, 4], [26, 2], [28, 2]];
  const flags = view.getUint16(30, true);
  let pos = 36;
  let folderReserve = 0;
  let dataReserve = 0;
  if (flags & 4) {
    fields.push([36, 2], [38, 1], [39, 1]);
    folderReserve = view.getUint8(38);
    dataReserve = view.getUint8(39);
    pos += 4 + view.getUint16(36, true);
  }
  const folders = view.getUint16(26, true);
  const dataStarts: { offset: number; blocks: number }[] = [];
  for (let i = 0; i < folders; i++, pos += 8 + folderReserve) {
    fields.push([pos, 4], [pos + 4, 2], [pos + 6, 2]);
    dataStarts.push({ offset: view.getUint32(pos, true), blocks: view.getUint16(pos + 4, true) });
  }
  pos = view.getUint32(16, true);
  for (let i = 0; i < view.getUint16(28, true); i++) {
    fields.push([pos, 4], [pos + 4, 4], [pos + 8, 2]);
    pos = cab.indexOf(0, pos + 16) + 1;
  }
  for (const folder of dataStarts) {
    let at = folder.offset;
    for (let i = 0; i < folder.blocks && at + 8 <= cab.length; i++) {
      fields.push([at + 4, 2], [at + 6, 2]);
      at += 8 + dataReserve + view.getUint16(at + 4, true);
    }
  }
  return fields;
}

function mutate(cab: Uint8Array, random: () => number, fields: [number, number][]): { bytes: Uint8Array; what: string } {
  const pick = (n: number): number => Math.floor(random() * n);
  const kind = pick(4);
  if (kind === 0) {
    const bytes = cab.slice();
    const flips = 1 + pick(8);
    const inHeader = random() < 0.5;
    for (let i = 0; i < flips; i++) bytes[inHeader ? pick(Math.min(200, bytes.length)) : pick(bytes.length)]! ^= 1 << pick(8);
    return { bytes, what: `${flips} bit flips${inHeader ? ' near the header' : ''}` };
  }
  if (kind === 1) {
    const length = pick(cab.length);
    return { bytes: cab.slice(0, length), what: `truncated to ${length}` };
  }
  if (kind === 2) {
    const bytes = cab.slice();
    const start = pick(bytes.length);
    const count = 1 + pick(64);
    for (let i = start; i < Math.min(bytes.length, start + count); i++) bytes[i] = pick(256);
    return { bytes, what: `${count} random bytes at ${start}` };
  }
  const bytes = cab.slice();
  const view = new DataView(bytes.buffer);
  const [offset, width] = fields[pick(fields.length)]!;
  const max = 2 ** (8 * width) - 1;
  const old = width === 4 ? view.getUint32(offset, true) : width === 2 ? view.getUint16(offset, true) : view.getUint8(offset);
  const choices = [0, 1, max, max - 1, Math.floor(max / 2), pick(max + 1), Math.max(0, old - 1 - pick(16)), Math.min(max, old + 1 + pick(16)), Math.min(max, old * 2)];
  const value = choices[pick(choices.length)]!;
  if (width === 4) view.setUint32(offset, value, true);
  else if (width === 2) view.setUint16(offset, value, true);
  else view.setUint8(offset, value);
  return { bytes, what: `field at ${offset} (${width} bytes) ${old} -> ${value}` };
}

test('fuzz: seeded mutations of stored, MSZIP and LZX cabinets read or throw BtsBackupError, each within a second', (t) => {
  let read = 0;
  let rejected = 0;
  let slowest = 0;
  for (const [cabIndex, base] of baseCabinets().entries()) {
    t.true(readCabinet(base.bytes).length === 2, `${base.name} reads before mutation`);
    const fields = lengthFields(base.bytes);
    const random = seededRandom(Number(process.env.FUZZ_SEED ?? 0xcab0) + cabIndex);
    for (let i = 0; i < MUTATIONS_PER_CABINET; i++) {
      const mutation = mutate(base.bytes, random, fields);
      // With checksums off, damaged compressed data reaches the decoders instead of stopping at the checksum.
      for (const verifyChecksums of [true, false]) {
        const started = performance.now();
        try {
          readCabinet(mutation.bytes, { source: 'fuzz.cab', verifyChecksums });
          read++;
        } catch (error) {
          if (!(error instanceof BtsBackupError)) {
            t.fail(`${base.name}, mutation ${i} (${mutation.what}), checksums ${verifyChecksums ? 'on' : 'off'}: threw ${String(error)}`);
            continue;
          }
          t.true(error.code === 'E_INVALID_DATA' || error.code === 'E_UNSUPPORTED', `${base.name} #${i}: code ${error.code}`);
          rejected++;
        }
        const elapsed = performance.now() - started;
        slowest = Math.max(slowest, elapsed);
        t.true(elapsed < TIME_LIMIT_MS, `${base.name}, mutation ${i} (${mutation.what}) took ${elapsed.toFixed(0)} ms`);
      }
    }
  }
  t.log(`${read} read, ${rejected} rejected, slowest ${slowest.toFixed(1)} ms`);
  t.true(rejected > MUTATIONS_PER_CABINET, 'most mutations are caught');
});
