// RELIABILITY case 26 at the format level: a small package that expands hugely. Each cabinet is decoded once, output is
// bounded per package and per run, and a package that asks for more than it may hold is E_INVALID_DATA naming the cabinet.
import test from 'ava';
import { deflateRawSync } from 'node:zlib';
import { BtsBackupError } from '../../../src/errors/index.js';
import { readCabinet } from '../../../src/formats/cab/cab-reader.js';
import { DecodeBudget, PACKAGE_DECODE_FLOOR, packageDecodeLimit } from '../../../src/formats/cab/decode-budget.js';
import { readApplicationPackage } from '../../../src/formats/msi/application-package.js';
import { MAX_TABLE_ROWS, openMsiDatabase } from '../../../src/formats/msi/msi-reader.js';
import { buildMsiDatabase } from '../../../src/formats/msi/msi-writer.js';
import { buildCabinet as buildRawCabinet } from '../../support/cab-builder.js';
import { rawPackage, sharedCabinetBomb, zeroCabinet } from '../../support/hostile-packages.js';

const MiB = 1024 * 1024;

function refusal(t: import('ava').ExecutionContext, run: () => unknown): BtsBackupError {
  const error = t.throws(run);
  t.true(error instanceof BtsBackupError, `not a BtsBackupError: ${String(error)}`);
  t.is((error as BtsBackupError).code, 'E_INVALID_DATA');
  return error as BtsBackupError;
}

test('the issue\'s bomb (a few KB, one 32 MiB cabinet of zeros named by 256 resources) decodes that cabinet once', (t) => {
  const bomb = sharedCabinetBomb(256, 32 * MiB);
  t.true(bomb.length < 16 * 1024, `${bomb.length} bytes`);
  const run = new DecodeBudget(Number.MAX_SAFE_INTEGER, 'this run');
  const pkg = readApplicationPackage(bomb, 'bomb.msi', { budget: run });
  t.is(pkg.resources.length, 256);
  // One decoded buffer shared by every resource naming the cabinet, not 256 copies (8 GiB).
  const buffers = new Set(pkg.resources.map((r) => r.files[0]!.bytes.buffer));
  t.is(buffers.size, 1);
  t.is(pkg.resources[255]!.files[0]!.bytes.length, 32 * MiB);
  t.true(run.used < 33 * MiB, `decoded ${run.used} bytes`);
});

test('a package whose cabinets declare more than its budget is E_INVALID_DATA naming the cabinet, before anything is decoded', (t) => {
  // 7 files of 256 MiB zeros in one inner cabinet: 1.75 GiB declared by a ~25 KB MSI.
  const bomb = rawPackage({ resources: [{ luid: 'Bomb', cabinet: 'ITEM~0.CAB' }], innerCabinets: [{ name: 'ITEM~0.CAB', bytes: zeroCabinet(256 * MiB, 7) }] });
  t.true(bomb.length < 64 * 1024);
  t.true(packageDecodeLimit(bomb.length) === PACKAGE_DECODE_FLOOR);
  const started = performance.now();
  const error = refusal(t, () => readApplicationPackage(bomb, 'big.msi'));
  t.is(error.target, 'big.msi#ITEM~0.CAB');
  t.like(error.details, { check: 'decode-budget', limit: PACKAGE_DECODE_FLOOR });
  t.true(performance.now() - started < 5_000);
});

test('the budget is per package, not per cabinet: many inner cabinets that each fit but together do not are refused', (t) => {
  // 12 cabinets of 24 MiB each: every one is small, together 288 MiB > the 256 MiB a small package may expand to.
  const cabinets = Array.from({ length: 12 }, (_, i) => ({ name: `ITEM~${i}.CAB`, bytes: zeroCabinet(24 * MiB) }));
  const bomb = rawPackage({ resources: cabinets.map((c, i) => ({ luid: `R${i}`, cabinet: c.name })), innerCabinets: cabinets });
  const error = refusal(t, () => readApplicationPackage(bomb, 'many.msi'));
  t.regex(error.target ?? '', /^many\.msi#ITEM~\d+\.CAB$/);
});

test('the run budget spans packages: each package fits, the run does not', (t) => {
  const package16 = sharedCabinetBomb(2, 16 * MiB);
  const run = new DecodeBudget(40 * MiB, 'this run');
  readApplicationPackage(package16, 'a.msi', { budget: run });
  readApplicationPackage(package16, 'b.msi', { budget: run });
  const error = refusal(t, () => readApplicationPackage(package16, 'c.msi', { budget: run }));
  t.is(error.target, 'c.msi#ITEM~0.CAB');
});

test('lying sizes: CFDATA headers claiming more than the blocks inflate to, and files claiming more than the folder holds, are refused', (t) => {
  const zeros = Uint8Array.from([0x43, 0x4b, ...deflateRawSync(new Uint8Array(100))]);
  // The header says 32 KiB, the block inflates to 100 bytes.
  const lying = buildRawCabinet({ folders: [{ compressionType: 1, blocks: [{ payload: zeros, uncompressedSize: 32768 }] }], files: [{ name: 'a', folder: 0, offset: 0, size: 32768 }], checksums: false });
  t.is(refusal(t, () => readCabinet(lying, { source: 'lying.cab' })).target, 'lying.cab');
  // A file claiming 1 GiB from a folder of one block.
  const greedy = buildRawCabinet({ folders: [{ compressionType: 1, blocks: [{ payload: zeros, uncompressedSize: 100 }] }], files: [{ name: 'a', folder: 0, offset: 0, size: 1 << 30 }], checksums: false });
  refusal(t, () => readCabinet(greedy, { source: 'greedy.cab' }));
  // Overlapping files: ten names for the same 16 MiB, which would multiply it.
  const cab = zeroCabinet(16 * MiB);
  const overlapping = buildRawCabinet({
    folders: [{ compressionType: 1, blocks: Array.from({ length: 512 }, () => ({ payload: Uint8Array.from([0x43, 0x4b, ...deflateRawSync(new Uint8Array(32768))]), uncompressedSize: 32768 })) }],
    files: Array.from({ length: 10 }, (_, i) => ({ name: `f${i}`, folder: 0, offset: 0, size: 16 * MiB })),
    checksums: false,
  });
  t.true(cab.length > 0);
  refusal(t, () => readCabinet(overlapping, { source: 'overlap.cab' }));
});

test('nested cabinets: an inner cabinet whose file is itself a cabinet bomb is kept as bytes, never expanded', (t) => {
  const nestedBomb = zeroCabinet(200 * MiB);
  const inner = buildRawCabinet({ folders: [{ compressionType: 0, blocks: chunk(nestedBomb) }], files: [{ name: 'File\\Nested\\ITEM~9.CAB', folder: 0, offset: 0, size: nestedBomb.length }], checksums: false });
  const pkg = readApplicationPackage(rawPackage({ resources: [{ luid: 'Nested', cabinet: 'ITEM~0.CAB', file: 'ITEM~9.CAB' }], innerCabinets: [{ name: 'ITEM~0.CAB', bytes: inner }] }), 'nested.msi');
  t.is(pkg.resources[0]!.files[0]!.bytes.length, nestedBomb.length);
});

function chunk(bytes: Uint8Array): { payload: Uint8Array; uncompressedSize: number }[] {
  const blocks: { payload: Uint8Array; uncompressedSize: number }[] = [];
  for (let at = 0; at < bytes.length; at += 32768) {
    const payload = bytes.subarray(at, Math.min(bytes.length, at + 32768));
    blocks.push({ payload, uncompressedSize: payload.length });
  }
  return blocks;
}

test('a table of more rows than MAX_TABLE_ROWS is E_INVALID_DATA, not an exhausted heap', (t) => {
  const msi = buildMsiDatabase({
    tables: [{ name: 'Property', columns: [{ name: 'Property', kind: 'string', size: 72, key: true }, { name: 'Value', kind: 'string' }], rows: Array.from({ length: MAX_TABLE_ROWS + 1 }, () => ['P', 'V']) }],
    streams: [],
    summary: { title: 'rows' },
  });
  const database = openMsiDatabase(msi, 'rows.msi');
  const error = refusal(t, () => database.readRecords('Property'));
  t.is(error.target, 'rows.msi');
});
