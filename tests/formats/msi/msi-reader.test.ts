import test from 'ava';
import { buildApplicationPackage, readApplicationPackage, type ApplicationPackageInput } from '../../../src/formats/msi/application-package.js';
import { readCompoundFile, writeCompoundFile } from '../../../src/formats/msi/compound-file.js';
import { openMsiDatabase, readEmbeddedCabinet } from '../../../src/formats/msi/msi-reader.js';
import { decodeStreamName, encodeStreamName } from '../../../src/formats/msi/msi-stream-names.js';
import { buildMsiDatabase } from '../../../src/formats/msi/msi-writer.js';
import { BtsBackupError } from '../../../src/errors/index.js';
import { inspectFile } from '../../../src/usecases/inspect-file.js';
import { msiinfoExport, msiinfoStreams, msiinfoTables, sampleBytes, seededRandom, withTempFile } from '../../support/msi-oracle.js';

function smallInput(): ApplicationPackageInput {
  return {
    application: 'Fuzz App',
    description: 'small',
    author: 'me',
    revision: '{3F2504E0-4F89-11D3-9A0C-0305E82C3301}',
    productCode: '{9C1E55A2-0B7A-4E0B-8C44-6B2F1D2A7E11}',
    createdAt: new Date(Date.UTC(2024, 0, 2, 3, 4, 6)),
    references: ['Other'],
    resources: [
      {
        type: 'System.BizTalk:BizTalkAssembly',
        luid: 'Fuzz, Version=1.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35',
        properties: {},
        files: [{ name: 'Fuzz.dll', bytes: sampleBytes('random', 2_000, 7) }],
      },
      { type: 'System.BizTalk:BizTalkBinding', luid: 'Application/Fuzz App', properties: {}, files: [{ name: 'BindingInfo.xml', bytes: sampleBytes('text', 1_500, 8) }] },
    ],
  };
}

/** Rewrites the raw streams of a compound file; `change` returns new bytes, undefined to keep, null to drop. */
function rewrite(bytes: Uint8Array, change: (decodedName: string, isTable: boolean, data: Uint8Array) => Uint8Array | null | undefined): Uint8Array {
  const file = readCompoundFile(bytes, 'rewrite');
  const streams = [];
  for (const entry of file.entries) {
    const data = file.read(entry.name)!;
    const decoded = decodeStreamName(entry.name);
    const replaced = change(decoded.name, decoded.isTable, data);
    if (replaced === null) continue;
    streams.push({ name: entry.name, bytes: replaced ?? data });
  }
  return writeCompoundFile(streams);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof BtsBackupError ? error.code : `not a BtsBackupError: ${String(error)}`;
  }
}

test('stream names encode like Windows Installer (known values)', (t) => {
  t.is(encodeStreamName('_Columns', true), '\u4840\u3b3f\u43f2\u4438\u45b1');
  t.is(encodeStreamName('_Tables', true), '\u4840\u3f7f\u4164\u422f\u4836');
  t.is(encodeStreamName('App.exe', false), '\u44ca\u47b3\u46e8\u4828');
  t.deepEqual(decodeStreamName('\u4840\u3b3f\u43f2\u4438\u45b1'), { name: '_Columns', isTable: true });
  for (const name of ['_B98EE4BD3AE90E7D388ECC1D801B7828', 'Binary.Icon', 'a b-c', 'Ä_x', 'x']) {
    t.deepEqual(decodeStreamName(encodeStreamName(name, false)), { name, isTable: false });
  }
  t.is(encodeStreamName('_B98EE4BD3AE90E7D388ECC1D801B7828', false).length, 17);
});

test('the reader lists the same tables, streams and rows as msiinfo', (t) => {
  const bytes = buildApplicationPackage(smallInput());
  const database = openMsiDatabase(bytes, 'small.msi');
  withTempFile(bytes, 'small.msi', (path) => {
    t.deepEqual(msiinfoTables(path).filter((n) => n !== '_SummaryInformation' && n !== '_ForceCodepage').sort(), [...database.tableNames].sort());
    t.deepEqual(msiinfoStreams(path).sort(), database.streams.filter((s) => !s.isTable).map((s) => s.name).sort());
    for (const table of ['_Columns', '_Tables']) {
      const theirs = msiinfoExport(path, table).rows.map((row) => row.join('\t')).sort();
      const ours = database.readTable(table).rows.map((row) => row.map((cell) => String(cell ?? '')).join('\t')).sort();
      t.deepEqual(ours, theirs, table);
    }
  });
  t.true(database.streams.some((s) => s.isTable && s.name === '_StringPool'));
  t.is(database.stringPool.strings[0], '');
  t.false(database.stringPool.longRefs);
});

test('long string references (3-byte) and a string over 64 KiB read back', (t) => {
  const strings = Array.from({ length: 70_000 }, (_, i) => `P${i}`);
  const long = 'x'.repeat(70_000);
  const bytes = buildMsiDatabase({
    tables: [
      {
        name: 'Property',
        columns: [
          { name: 'Property', kind: 'string', size: 72, key: true },
          { name: 'Value', kind: 'string', size: 0, localizable: true },
        ],
        rows: [...strings.map((s) => [s, 'v']), ['Long', long]],
      },
    ],
    streams: [],
    summary: { title: 't' },
  });
  const database = openMsiDatabase(bytes, 'long.msi');
  t.true(database.stringPool.longRefs);
  const records = database.readRecords('Property');
  t.is(records.length, 70_001);
  t.is(records.find((r) => r['Property'] === 'Long')?.['Value'], long);
  t.is(records.find((r) => r['Property'] === 'P69999')?.['Value'], 'v');
  withTempFile(bytes, 'long.msi', (path) => {
    const exported = msiinfoExport(path, 'Property');
    t.is(exported.rows.length, 70_001);
    t.is(exported.rows.find((r) => r[0] === 'P69999')?.[1], 'v');
  });
});

test('not a compound file, or a truncated one, is E_INVALID_DATA', (t) => {
  const bytes = buildApplicationPackage(smallInput());
  t.is(codeOf(() => readApplicationPackage(new TextEncoder().encode('MZ this is not an msi'), 'x.msi')), 'E_INVALID_DATA');
  t.is(codeOf(() => readApplicationPackage(new Uint8Array(0), 'x.msi')), 'E_INVALID_DATA');
  for (const length of [8, 511, 512, 1024, Math.floor(bytes.length / 2), bytes.length - 512]) {
    t.is(codeOf(() => readApplicationPackage(bytes.subarray(0, length), 'x.msi')), 'E_INVALID_DATA', `truncated to ${length}`);
  }
});

test('a corrupt string pool is E_INVALID_DATA', (t) => {
  const bytes = buildApplicationPackage(smallInput());
  const longer = rewrite(bytes, (name, isTable, data) => {
    if (!isTable || name !== '_StringPool') return undefined;
    const copy = new Uint8Array(data);
    copy[4] = 0xff; // first string claims more bytes than _StringData holds
    copy[5] = 0x7f;
    return copy;
  });
  t.is(codeOf(() => openMsiDatabase(longer, 'x.msi')), 'E_INVALID_DATA');
  const cut = rewrite(bytes, (name, isTable, data) => (isTable && name === '_StringPool' ? data.subarray(0, 6) : undefined));
  t.is(codeOf(() => openMsiDatabase(cut, 'x.msi')), 'E_INVALID_DATA');
  const missing = rewrite(bytes, (name, isTable) => (isTable && name === '_StringData' ? null : undefined));
  t.is(codeOf(() => openMsiDatabase(missing, 'x.msi')), 'E_INVALID_DATA');
  const shrunk = rewrite(bytes, (name, isTable) => (isTable && name === '_StringPool' ? new Uint8Array([0xe4, 0x04, 0, 0]) : undefined));
  t.is(codeOf(() => readApplicationPackage(shrunk, 'x.msi')), 'E_INVALID_DATA');
});

test('a missing Media row, Media table or cabinet stream is E_INVALID_DATA', (t) => {
  const bytes = buildApplicationPackage(smallInput());
  const noRow = rewrite(bytes, (name, isTable) => (isTable && name === 'Media' ? new Uint8Array(0) : undefined));
  t.is(codeOf(() => readEmbeddedCabinet(openMsiDatabase(noRow, 'x.msi'))), 'E_INVALID_DATA');
  t.is(codeOf(() => readApplicationPackage(noRow, 'x.msi')), 'E_INVALID_DATA');
  const noStream = rewrite(bytes, (name, isTable) => (!isTable && name.startsWith('_B98EE') ? null : undefined));
  t.is(codeOf(() => readApplicationPackage(noStream, 'x.msi')), 'E_INVALID_DATA');
  const badTableSize = rewrite(bytes, (name, isTable, data) => (isTable && name === 'File' ? data.subarray(0, data.length - 1) : undefined));
  t.is(codeOf(() => readApplicationPackage(badTableSize, 'x.msi')), 'E_INVALID_DATA');
});

test('a package whose cabinet lacks the ADF or an ITEM cabinet is E_INVALID_DATA', (t) => {
  const bytes = buildApplicationPackage(smallInput());
  const noCab = rewrite(bytes, (name, isTable, data) => (!isTable && name.startsWith('_B98EE') ? data.subarray(0, 40) : undefined));
  t.is(codeOf(() => readApplicationPackage(noCab, 'x.msi')), 'E_INVALID_DATA');
});

test('seeded fuzz: 300 damaged packages read or fail with BtsBackupError, each within a second', (t) => {
  const valid = buildApplicationPackage(smallInput());
  const random = seededRandom(20240506);
  let read = 0;
  let refused = 0;
  for (let round = 0; round < 300; round++) {
    const bytes = new Uint8Array(valid);
    let mutated: Uint8Array = bytes;
    const mode = round % 4;
    if (mode === 3) {
      mutated = bytes.subarray(0, Math.floor(random() * bytes.length));
    } else {
      const flips = 1 + Math.floor(random() * (mode === 0 ? 2 : 16));
      for (let f = 0; f < flips; f++) {
        // Half the flips land in the first 4 KiB (header, FAT, directory), where structure lives.
        const at = random() < 0.5 ? Math.floor(random() * Math.min(4096, bytes.length)) : Math.floor(random() * bytes.length);
        bytes[at] = mode === 2 ? 0xff : bytes[at]! ^ (1 << Math.floor(random() * 8));
      }
    }
    const started = performance.now();
    try {
      readApplicationPackage(mutated, `fuzz-${round}.msi`);
      read++;
    } catch (error) {
      if (!(error instanceof BtsBackupError)) {
        t.fail(`round ${round}: ${error instanceof Error ? error.stack : String(error)}`);
        return;
      }
      refused++;
    }
    const elapsed = performance.now() - started;
    if (elapsed > 1000) {
      t.fail(`round ${round} took ${Math.round(elapsed)} ms`);
      return;
    }
  }
  t.is(read + refused, 300);
  t.true(refused > 0);
  t.log(`${read} read, ${refused} refused`);
});

test('seeded fuzz through inspectFile: 150 damaged packages with bindings read or fail with BtsBackupError', (t) => {
  const input = smallInput();
  input.resources[1]!.files[0]!.bytes = new TextEncoder().encode(
    '<BindingInfo><SendPortCollection><SendPort Name="SP"><PrimaryTransport><TransportTypeData>&lt;CustomProps&gt;&lt;Password vt="8"&gt;******&lt;/Password&gt;&lt;/CustomProps&gt;</TransportTypeData></PrimaryTransport></SendPort></SendPortCollection></BindingInfo>',
  );
  const valid = buildApplicationPackage(input);
  const random = seededRandom(77);
  for (let round = 0; round < 150; round++) {
    const bytes = new Uint8Array(valid);
    const flips = 1 + Math.floor(random() * 8);
    for (let f = 0; f < flips; f++) {
      const at = Math.floor(random() * bytes.length);
      bytes[at] = Math.floor(random() * 256);
    }
    const started = performance.now();
    try {
      inspectFile(bytes, `fuzz-${round}.msi`);
    } catch (error) {
      if (!(error instanceof BtsBackupError)) {
        t.fail(`round ${round}: ${error instanceof Error ? error.stack : String(error)}`);
        return;
      }
    }
    t.true(performance.now() - started < 1000, `round ${round} took too long`);
  }
});
