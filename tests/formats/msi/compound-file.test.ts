import test from 'ava';
import { compareCfbNames, hasCfbSignature, readCompoundFile, writeCompoundFile } from '../../../src/formats/msi/compound-file.js';
import { openMsiDatabase } from '../../../src/formats/msi/msi-reader.js';
import { buildMsiDatabase } from '../../../src/formats/msi/msi-writer.js';
import { BtsBackupError } from '../../../src/errors/index.js';
import { msiinfoExtractStream, msiinfoStreams, sampleBytes, withTempFile } from '../../support/msi-oracle.js';

test('streams of every size class round-trip (empty, mini, exactly the cutoff, big)', (t) => {
  const streams = [0, 1, 63, 64, 65, 4095, 4096, 4097, 70_000].map((size, i) => ({ name: `s${size}`, bytes: sampleBytes('random', size, i) }));
  const bytes = writeCompoundFile(streams);
  t.true(hasCfbSignature(bytes));
  const file = readCompoundFile(bytes, 'x.cfb');
  t.deepEqual(file.entries.map((e) => e.name).sort(), streams.map((s) => s.name).sort());
  for (const stream of streams) t.true(Buffer.from(file.read(stream.name)!).equals(Buffer.from(stream.bytes)), stream.name);
  t.is(file.read('missing'), undefined);
});

test('a file needing DIFAT sectors (over 109 FAT sectors) reads back, and libgsf (msiinfo) agrees', (t) => {
  const big = sampleBytes('random', 9 * 1024 * 1024, 5);
  const bytes = buildMsiDatabase({
    tables: [{ name: 'Property', columns: [{ name: 'Property', kind: 'string', size: 72, key: true }, { name: 'Value', kind: 'string', size: 0 }], rows: [['A', 'b']] }],
    streams: [{ name: 'big', bytes: big }, { name: 'small', bytes: new Uint8Array([1, 2, 3]) }],
    summary: { title: 'big' },
  });
  const view = new DataView(bytes.buffer);
  t.true(view.getUint32(0x2c, true) > 109, 'FAT sectors');
  t.true(view.getUint32(0x48, true) > 0, 'DIFAT sectors');
  const database = openMsiDatabase(bytes, 'big.msi');
  t.true(Buffer.from(database.readStream('big')!).equals(Buffer.from(big)));
  withTempFile(bytes, 'big.msi', (path) => {
    t.true(msiinfoStreams(path).includes('big'));
    t.true(msiinfoExtractStream(path, 'big').equals(Buffer.from(big)));
    t.true(msiinfoExtractStream(path, 'small').equals(Buffer.from([1, 2, 3])));
  });
});

test('directory order is by length then upper-cased code units', (t) => {
  const names = ['bb', 'a', 'B', 'AA', 'c', 'Ab'];
  t.deepEqual([...names].sort(compareCfbNames), ['a', 'B', 'c', 'AA', 'Ab', 'bb']);
});

test('many streams: the balanced sibling tree is walked completely', (t) => {
  const streams = Array.from({ length: 200 }, (_, i) => ({ name: `stream${i}`, bytes: new Uint8Array([i & 0xff]) }));
  const file = readCompoundFile(writeCompoundFile(streams), 'many.cfb');
  t.is(file.entries.length, 200);
  t.deepEqual(file.read('stream123'), new Uint8Array([123]));
});

test('damage to the header or chains is E_INVALID_DATA', (t) => {
  const bytes = writeCompoundFile([{ name: 'a', bytes: sampleBytes('random', 10_000, 1) }]);
  const cases: [string, (copy: Uint8Array) => Uint8Array][] = [
    ['no signature', (c) => { c[0] = 0; return c; }],
    ['bad sector shift', (c) => { c[0x1e] = 7; return c; }],
    ['directory start beyond the file', (c) => { new DataView(c.buffer).setUint32(0x30, 99999, true); return c; }],
    ['FAT count beyond the file', (c) => { new DataView(c.buffer).setUint32(0x2c, 99999, true); return c; }],
    ['truncated', (c) => c.subarray(0, 1000)],
  ];
  for (const [what, damage] of cases) {
    const error = t.throws(() => {
      const file = readCompoundFile(damage(new Uint8Array(bytes)), 'bad.cfb');
      file.read('a');
    }, undefined, what);
    t.true(error instanceof BtsBackupError && error.code === 'E_INVALID_DATA', what);
  }
});
