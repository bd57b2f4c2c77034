import test from 'ava';
import { buildCabinet, checksum } from '../../../src/formats/cab/cab-writer.js';
import { readCabinet } from '../../../src/formats/cab/cab-reader.js';
import { cabextract, sampleBytes } from '../../support/msi-oracle.js';

const files = [
  { name: 'ApplicationDefinition.adf', bytes: sampleBytes('text', 70_000, 1) },
  { name: 'BizTalkAssembly\\0123456789abcdef0123456789abcdef\\Orders.dll', bytes: sampleBytes('random', 100_000, 2) },
  { name: 'empty.txt', bytes: new Uint8Array(0) },
  { name: 'exact-block.bin', bytes: sampleBytes('text', 32_768, 3) },
  { name: 'Zahlungsverkehr-Ä\\Überweisung.xml', bytes: sampleBytes('text', 5_000, 4) },
];

for (const compression of ['none', 'mszip'] as const) {
  test(`a ${compression} cabinet extracts byte for byte with cabextract and our reader`, (t) => {
    const when = new Date(Date.UTC(2023, 10, 5, 14, 33, 20));
    const cab = buildCabinet(files.map((f) => ({ ...f, modified: when })), { compression });
    const oracle = cabextract(cab);
    t.is(oracle.exitCode, 0, oracle.stderr);
    t.deepEqual([...oracle.files.keys()].sort(), files.map((f) => f.name.replace(/\\/g, '/')).sort());
    for (const file of files) {
      t.true(Buffer.from(oracle.files.get(file.name.replace(/\\/g, '/'))!).equals(Buffer.from(file.bytes)), file.name);
    }
    const ours = readCabinet(cab, { source: 'test.cab', verifyChecksums: true });
    t.deepEqual(ours.map((e) => e.name), files.map((f) => f.name));
    ours.forEach((entry, i) => {
      t.true(Buffer.from(entry.bytes).equals(Buffer.from(files[i]!.bytes)));
      t.is(entry.modified.getTime(), when.getTime());
    });
    // Header facts: MSCF, version 1.3, one folder with the right compression type.
    const view = new DataView(cab.buffer, cab.byteOffset, cab.byteLength);
    t.is(new TextDecoder().decode(cab.subarray(0, 4)), 'MSCF');
    t.is(view.getUint32(8, true), cab.length);
    t.is(view.getUint16(26, true), 1);
    t.is(view.getUint16(28, true), files.length);
    t.is(view.getUint16(42, true), compression === 'mszip' ? 1 : 0);
    t.is(view.getUint16(40, true), Math.ceil(files.reduce((s, f) => s + f.bytes.length, 0) / 32_768));
  });
}

test('MSZIP blocks start with CK and are smaller than stored for text', (t) => {
  const text = [{ name: 'a.txt', bytes: sampleBytes('text', 100_000, 9) }];
  const zipped = buildCabinet(text, { compression: 'mszip' });
  const stored = buildCabinet(text, { compression: 'none' });
  t.true(zipped.length < stored.length / 2);
  const view = new DataView(zipped.buffer);
  const firstData = view.getUint32(36, true);
  t.is(String.fromCharCode(zipped[firstData + 8]!, zipped[firstData + 9]!), 'CK');
});

test('the UTF-8 name attribute is set only for non-ASCII names', (t) => {
  const cab = buildCabinet([
    { name: 'plain.txt', bytes: new Uint8Array([1]) },
    { name: 'Ä.txt', bytes: new Uint8Array([2]) },
  ]);
  const entries = readCabinet(cab);
  t.is(entries[0]!.attributes & 0x80, 0);
  t.is(entries[1]!.attributes & 0x80, 0x80);
  t.is(entries[1]!.name, 'Ä.txt');
});

test('the checksum packs a 1-3 byte tail high byte first, as cabinet.dll does', (t) => {
  t.is(checksum(new Uint8Array([1, 2, 3, 4]), 0), 0x04030201);
  t.is(checksum(new Uint8Array([1, 2, 3, 4, 5]), 0), 0x04030201 ^ 0x05);
  t.is(checksum(new Uint8Array([1, 2, 3, 4, 5, 6]), 0), 0x04030201 ^ 0x0506);
  t.is(checksum(new Uint8Array([1, 2, 3, 4, 5, 6, 7]), 0), 0x04030201 ^ 0x050607);
  t.is(checksum(new Uint8Array([]), 0x12345678), 0x12345678);
});

test('identical input gives identical cabinets', (t) => {
  t.true(Buffer.from(buildCabinet(files)).equals(Buffer.from(buildCabinet(files))));
});

test('a cabinet with no files is refused (no tool reads one)', (t) => {
  t.throws(() => buildCabinet([]), { instanceOf: RangeError });
});

test('a file name over 255 bytes is refused when building, not written for readers to choke on', (t) => {
  const error = t.throws(() => buildCabinet([{ name: `${'a'.repeat(250)}\\ÄÖÜ.xml`, bytes: new Uint8Array([1]) }])) as { code?: string };
  t.is(error.code, 'E_INVALID_DATA');
  t.notThrows(() => buildCabinet([{ name: `${'a'.repeat(251)}.xml`, bytes: new Uint8Array([1]) }]));
});

for (const windowBits of [15, 18, 21]) {
  test(`an LZX cabinet (window 2^${windowBits}) extracts byte for byte with cabextract and our reader, metadata as given`, (t) => {
    const given = files.map((f, i) => ({ ...f, dosDateTime: { date: 0x5a21 + i, time: 0x7b3c + i }, attributes: (f.name.includes('Ä') ? 0x80 : 0) | [0x21, 0x20, 0x01, 0x60, 0x22][i]! }));
    const cab = buildCabinet(given, { compression: 'lzx', lzxWindowBits: windowBits, lzxE8TranslationSize: 12_000_000, setId: 0x1234, cabinetIndex: 0 });
    const oracle = cabextract(cab);
    t.is(oracle.exitCode, 0, oracle.stderr);
    for (const file of files) t.true(Buffer.from(oracle.files.get(file.name.replace(/\\/g, '/'))!).equals(Buffer.from(file.bytes)), file.name);
    const ours = readCabinet(cab, { source: 'lzx.cab' });
    t.deepEqual(ours.map((e) => e.attributes), given.map((f) => f.attributes));
    const view = new DataView(cab.buffer, cab.byteOffset, cab.byteLength);
    t.is(view.getUint16(42, true), 3 | (windowBits << 8));
    t.is(view.getUint16(32, true), 0x1234);
    // CFFILE date and time words exactly as given.
    let p = view.getUint32(16, true);
    for (const file of given) {
      t.is(view.getUint16(p + 10, true), file.dosDateTime.date);
      t.is(view.getUint16(p + 12, true), file.dosDateTime.time);
      p += 16 + new TextEncoder().encode(file.name).length + 1;
    }
    t.true(cab.length < buildCabinet(files, { compression: 'none' }).length * 0.8, 'LZX compresses');
  });
}

test('an LZX window outside 2^15..2^21 is refused', (t) => {
  t.throws(() => buildCabinet(files, { compression: 'lzx', lzxWindowBits: 22 }), { instanceOf: RangeError });
  t.throws(() => buildCabinet(files, { compression: 'lzx', lzxWindowBits: 14 }), { instanceOf: RangeError });
});
