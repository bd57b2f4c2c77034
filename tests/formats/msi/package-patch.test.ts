import test, { type ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBindingInfo } from '../../../src/adapters/simulator/binding-builder.js';
import { readCabinet, readCabinetInfo } from '../../../src/formats/cab/cab-reader.js';
import { readCabinetCompression } from '../../../src/formats/cab/cab-rewrite.js';
import { redactSecretsInPlace } from '../../../src/formats/bindings/redact-in-place.js';
import { EMBEDDED_CABINET_STREAM, readApplicationPackage } from '../../../src/formats/msi/application-package.js';
import { decodeStreamName } from '../../../src/formats/msi/msi-stream-names.js';
import { readCompoundFile } from '../../../src/formats/msi/compound-file.js';
import { replaceCompoundStreams } from '../../../src/formats/msi/compound-file-patch.js';
import { openMsiDatabase, readEmbeddedCabinet } from '../../../src/formats/msi/msi-reader.js';
import { patchPackageFiles, type PackageFileChange } from '../../../src/formats/msi/package-patch.js';
import { cabextract, makeTempDir, msiextract, msiinfoExportRaw, msiinfoStreams, msiinfoSuminfo, msiinfoTables } from '../../support/msi-oracle.js';
import { buildRealShapedMsi, type RealShapedResource } from '../../support/real-shaped-msi.js';
import { sampleData } from '../../support/cab-oracle.js';

const SECRET = 'S3cr3t-canary-41';
const BINDING_SECRET = 'ftp-canary-77';
const NEW_CODE = '{5B7C2D9E-1A3F-4E6B-8C0D-2F4A6B8C0E1D}';
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function resources(): RealShapedResource[] {
  const config = `<?xml version="1.0" encoding="utf-8"?>\r\n<configuration>\r\n  <connectionStrings>\r\n    <add name="Orders" connectionString="Server=sql01;Database=Orders;User ID=svc;Password=${SECRET};" />\r\n  </connectionStrings>\r\n${'  <appSettings><add key="k" value="v" /></appSettings>\r\n'.repeat(200)}</configuration>\r\n`;
  return [
    {
      type: 'System.BizTalk:BizTalkAssembly',
      luid: 'Orders, Version=1.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35',
      folder: '0123456789abcdef0123456789abcdef',
      files: [{ name: 'Orders.dll', bytes: sampleData('x86', 90_000, 3) }],
    },
    {
      type: 'System.BizTalk:WebDirectory',
      luid: 'http://localhost/Orders',
      folder: '-Orders',
      files: [
        { name: 'bin\\Service.dll', bytes: sampleData('x86', 40_000, 4) },
        { name: 'web.config', bytes: enc(config) },
        { name: 'Service.svc', bytes: enc('<%@ ServiceHost Service="Orders.Service" %>\r\n') },
      ],
    },
    {
      type: 'System.BizTalk:BizTalkBinding',
      luid: 'Application/Contoso.Orders/Production',
      folder: 'Application-Contoso.Orders-Production',
      files: [{
        name: 'BindingInfo.xml',
        bytes: enc(buildBindingInfo({ application: 'Contoso.Orders', modules: [], receivePorts: [], sendPorts: [{ name: 'ToFtp', transport: { adapter: 'FTP', address: 'ftp://x', props: { userName: 'u', password: BINDING_SECRET }, host: 'H', hostTrusted: false } }] })),
      }],
    },
    {
      type: 'System.BizTalk:File',
      luid: 'readme.txt',
      folder: 'readme',
      files: [{ name: 'readme.txt', bytes: sampleData('text', 5_000, 5) }],
    },
  ];
}

interface Fixture {
  dir: string;
  original: Uint8Array;
  patched: Uint8Array;
  changes: PackageFileChange[];
  cabinets: string[];
  fileKeys: string[];
}

function makeFixture(): Fixture {
  const dir = makeTempDir('msi-patch-');
  const built = buildRealShapedMsi(dir.path, 'Contoso.Orders', resources());
  const pkg = readApplicationPackage(built.bytes, 'Contoso.Orders.msi');
  const changes: PackageFileChange[] = [];
  for (const resource of pkg.resources) {
    for (const file of resource.files) {
      const redacted = redactSecretsInPlace(file.bytes, file.path);
      if (redacted !== undefined) changes.push({ cabinet: resource.cabinet, path: file.path, bytes: redacted.bytes });
    }
  }
  const patched = patchPackageFiles(built.bytes, changes, NEW_CODE, 'Contoso.Orders.msi').bytes;
  writeFileSync(join(dir.path, 'original.msi'), built.bytes);
  writeFileSync(join(dir.path, 'patched.msi'), patched);
  return { dir: dir.path, original: built.bytes, patched, changes, cabinets: built.cabinets, fileKeys: built.fileKeys };
}

function withFixture(run: (t: ExecutionContext, fixture: Fixture) => void): (t: ExecutionContext) => void {
  return (t) => {
    const fixture = makeFixture();
    try {
      run(t, fixture);
    } finally {
      spawnSync('rm', ['-rf', fixture.dir]);
    }
  };
}


/** The bytes where a and b differ: [start, endA) of a and [start, endB) of b, after their common prefix and suffix. */
function difference(a: Uint8Array, b: Uint8Array): { start: number; endA: number; endB: number } {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let tail = 0;
  while (tail < a.length - start && tail < b.length - start && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  return { start, endA: a.length - tail, endB: b.length - tail };
}

test('the fixture is shaped like a real export: extra tables, Binary streams, LZX 2^21 outer and 2^18 inner cabinets', withFixture((t, f) => {
  const tables = msiinfoTables(join(f.dir, 'original.msi'));
  for (const table of ['CustomAction', 'InstallExecuteSequence', 'LaunchCondition', 'AppSearch', 'RegLocator', 'Registry', 'Upgrade', 'Binary', 'File', 'Media']) t.true(tables.includes(table), table);
  t.true(msiinfoStreams(join(f.dir, 'original.msi')).includes('Binary.MSVBDPCADLL'));
  const outer = readEmbeddedCabinet(openMsiDatabase(f.original, 'original.msi')).bytes;
  t.deepEqual(readCabinetCompression(outer, 'outer'), { compression: 'lzx', lzxWindowBits: 21, lzxE8TranslationSize: 0 });
  const entries = readCabinet(outer);
  t.deepEqual(readCabinetCompression(entries.find((e) => e.name === f.fileKeys[0])!.bytes, 'inner'), { compression: 'lzx', lzxWindowBits: 18, lzxE8TranslationSize: 12_000_000 });
}));

test('redaction changes the two files that hold secrets and records nothing else', withFixture((t, f) => {
  t.deepEqual(f.changes.map((c) => c.cabinet).sort(), ['ITEM~1.CAB', 'ITEM~2.CAB']);
}));

test('after patching, msiinfo exports every table but File identically, and every stream but the cabinet, File and summary', withFixture((t, f) => {
  const before = join(f.dir, 'original.msi');
  const after = join(f.dir, 'patched.msi');
  const tables = msiinfoTables(before);
  t.deepEqual(msiinfoTables(after), tables);
  for (const table of tables) {
    if (table === 'File' || table === '_SummaryInformation') continue;
    t.true(msiinfoExportRaw(after, table).equals(msiinfoExportRaw(before, table)), `table ${table} unchanged`);
  }
  // Raw streams: only the outer cabinet, the File table and the summary information differ.
  const a = readCompoundFile(f.original, 'before');
  const b = readCompoundFile(f.patched, 'after');
  t.deepEqual(b.entries.map((e) => e.name), a.entries.map((e) => e.name));
  const changed = a.entries.filter((e) => !Buffer.from(a.read(e.name)!).equals(Buffer.from(b.read(e.name)!))).map((e) => e.name);
  t.deepEqual(
    changed.map((name) => decodeStreamName(name).name).sort(),
    ['File', EMBEDDED_CABINET_STREAM, '\u0005SummaryInformation'].sort(),
  );
}));

test('after patching, File differs only in the FileSize of the rewritten inner cabinets, which match their new sizes', withFixture((t, f) => {
  const before = openMsiDatabase(f.original, 'before').readRecords('File');
  const after = openMsiDatabase(f.patched, 'after');
  const rows = after.readRecords('File');
  const outer = readCabinet(readEmbeddedCabinet(after).bytes);
  t.is(rows.length, before.length);
  rows.forEach((row, i) => {
    const old = before[i]!;
    t.deepEqual({ ...row, FileSize: 0 }, { ...old, FileSize: 0 });
    const entry = outer.find((e) => e.name === row['File'])!;
    t.is(row['FileSize'], entry.bytes.length, `${String(row['FileName'])} size`);
    const rewritten = ['ITEM~1.CAB', 'ITEM~2.CAB'].some((c) => String(row['FileName']).endsWith(c));
    t.is(row['FileSize'] !== old['FileSize'], rewritten, String(row['FileName']));
  });
}));

test('after patching, msiextract and cabextract give the same files except the redacted ones, which differ only at the secret', withFixture((t, f) => {
  const before = msiextract(join(f.dir, 'original.msi'));
  const after = msiextract(join(f.dir, 'patched.msi'));
  t.is(after.exitCode, 0, after.stderr);
  t.deepEqual([...after.files.keys()].sort(), [...before.files.keys()].sort());
  let redactedSeen = 0;
  for (const [name, bytes] of before.files) {
    const other = after.files.get(name)!;
    if (!/ITEM~[12]\.CAB$/.test(name)) {
      t.true(Buffer.from(other).equals(Buffer.from(bytes)), `${name} unchanged`);
      continue;
    }
    const inBefore = cabextract(bytes);
    const inAfter = cabextract(other);
    t.is(inAfter.exitCode, 0, inAfter.stderr);
    t.deepEqual([...inAfter.files.keys()], [...inBefore.files.keys()]);
    for (const [inner, content] of inBefore.files) {
      const now = inAfter.files.get(inner)!;
      const secret = inner.endsWith('web.config') ? SECRET : inner.endsWith('BindingInfo.xml') ? BINDING_SECRET : undefined;
      if (secret === undefined) {
        t.true(Buffer.from(now).equals(Buffer.from(content)), `${inner} unchanged`);
        continue;
      }
      redactedSeen++;
      t.false(Buffer.from(now).includes(secret), `${inner}: the secret is gone`);
      const at = Buffer.from(content).indexOf(secret);
      const diff = difference(content, now);
      t.true(diff.start >= at && diff.endA <= at + secret.length, `${inner}: the change lies within the secret (${diff.start}..${diff.endA}, secret ${at}..${at + secret.length})`);
      t.regex(Buffer.from(now.subarray(diff.start, diff.endB)).toString('latin1'), /^\**$/, `${inner}: the secret became a mask`);
    }
  }
  t.is(redactedSeen, 2);
}));

test('after patching, cabinets keep their compression, entry names, order, dates and attributes', withFixture((t, f) => {
  const outerBefore = readEmbeddedCabinet(openMsiDatabase(f.original, 'before')).bytes;
  const outerAfter = readEmbeddedCabinet(openMsiDatabase(f.patched, 'after')).bytes;
  const meta = (cab: Uint8Array): { info: unknown; compression: unknown; entries: unknown[] } => ({
    info: { ...readCabinetInfo(cab), folders: readCabinetInfo(cab).folders.map((folder) => ({ ...folder, dataBlocks: 0 })) },
    compression: readCabinetCompression(cab, 'cab'),
    entries: readCabinet(cab).map((e) => ({ name: e.name, modified: e.modified.toISOString(), attributes: e.attributes })),
  });
  t.deepEqual(meta(outerAfter), meta(outerBefore));
  const innerBefore = readCabinet(outerBefore);
  const innerAfter = readCabinet(outerAfter);
  for (const entry of innerBefore) {
    const now = innerAfter.find((e) => e.name === entry.name)!;
    if (f.fileKeys.indexOf(entry.name) < 0) continue;
    t.deepEqual(meta(now.bytes), meta(entry.bytes), entry.name);
  }
  // Raw CFFILE date/time words too, not only as dates.
  const cffile = (cab: Uint8Array): number[] => {
    const view = new DataView(cab.buffer, cab.byteOffset, cab.byteLength);
    const out: number[] = [];
    let p = view.getUint32(16, true);
    for (let i = 0; i < view.getUint16(28, true); i++) {
      out.push(view.getUint16(p + 10, true), view.getUint16(p + 12, true), view.getUint16(p + 14, true));
      p = cab.indexOf(0, p + 16) + 1;
    }
    return out;
  };
  t.deepEqual(cffile(outerAfter), cffile(outerBefore));
}));

test('after patching, the summary Revision (PackageCode) is new and nothing else in the summary changed', withFixture((t, f) => {
  const before = msiinfoSuminfo(join(f.dir, 'original.msi'));
  const after = msiinfoSuminfo(join(f.dir, 'patched.msi'));
  t.is(after.get('Revision number (UUID)'), NEW_CODE);
  before.delete('Revision number (UUID)');
  after.delete('Revision number (UUID)');
  t.deepEqual([...after], [...before]);
  const a = readCompoundFile(f.original, 'before').read('\u0005SummaryInformation')!;
  const b = readCompoundFile(f.patched, 'after').read('\u0005SummaryInformation')!;
  const diff = difference(a, b);
  const at = Buffer.from(a).indexOf('{0D8E4C47');
  t.true(diff.start >= at && diff.endA <= at + 38, 'only the GUID bytes changed');
}));

test('patching rewrites only the changed streams: every other sector of the file is as it was', withFixture((t, f) => {
  // Bytes outside the sectors of the three replaced streams (and the FAT/directory entries) stay put.
  let same = 0;
  for (let i = 0; i < f.original.length; i++) if (f.original[i] === f.patched[i]) same++;
  const outerSize = readEmbeddedCabinet(openMsiDatabase(f.original, 'before')).bytes.length;
  t.true(f.original.length - same < outerSize + 4096, `${f.original.length - same} bytes differ; the outer cabinet is ${outerSize}`);
}));

test('a longer stream gets sectors appended and a FAT that grows; a shorter one frees sectors; the file stays readable', (t) => {
  const dir = makeTempDir('cfb-patch-');
  try {
    const built = buildRealShapedMsi(dir.path, 'Contoso.Orders', resources());
    const file = readCompoundFile(built.bytes, 'in');
    const cabinet = file.entries.find((e) => e.size > 4096 && !e.name.startsWith('\u0005'))!;
    const binary = file.entries.find((e) => e.size > 4096 && e.name !== cabinet.name)!;
    const huge = sampleData('random', 300_000, 9);
    const grown = replaceCompoundStreams(built.bytes, new Map([[cabinet.name, huge], [binary.name, new Uint8Array(5000).fill(7)]]), 'in');
    const reread = readCompoundFile(grown, 'grown');
    t.true(Buffer.from(reread.read(cabinet.name)!).equals(Buffer.from(huge)));
    t.deepEqual([...reread.read(binary.name)!], [...new Uint8Array(5000).fill(7)]);
    for (const entry of file.entries) {
      if (entry.name !== cabinet.name && entry.name !== binary.name) t.true(Buffer.from(reread.read(entry.name)!).equals(Buffer.from(file.read(entry.name)!)), entry.name);
    }
    writeFileSync(join(dir.path, 'grown.msi'), grown);
    t.deepEqual(msiinfoTables(join(dir.path, 'grown.msi')), msiinfoTables(join(dir.path, 'package.msi')));
    // A stream that moves from the mini stream to sectors: the file is rebuilt, every stream copied.
    const small = file.entries.find((e) => e.size > 0 && e.size < 1000)!;
    const moved = replaceCompoundStreams(built.bytes, new Map([[small.name, new Uint8Array(10_000).fill(3)]]), 'in');
    const rereadMoved = readCompoundFile(moved, 'moved');
    t.is(rereadMoved.read(small.name)!.length, 10_000);
    t.deepEqual(rereadMoved.entries.map((e) => e.name), file.entries.map((e) => e.name));
  } finally {
    dir.remove();
  }
});

test('a change to a file the package does not hold is refused with E_INVALID_DATA', (t) => {
  const dir = makeTempDir('msi-patch-');
  try {
    const built = buildRealShapedMsi(dir.path, 'Contoso.Orders', resources());
    t.throws(() => patchPackageFiles(built.bytes, [{ cabinet: 'ITEM~1.CAB', path: 'WebDirectory\\-Orders\\nope.config', bytes: new Uint8Array(1) }], NEW_CODE, 'x.msi'), { code: 'E_INVALID_DATA' } as never);
    t.throws(() => patchPackageFiles(built.bytes, [{ cabinet: 'ITEM~9.CAB', path: 'x', bytes: new Uint8Array(1) }], NEW_CODE, 'x.msi'), { code: 'E_INVALID_DATA' } as never);
  } finally {
    dir.remove();
  }
});

test('an MsiFileHash row of a rewritten inner cabinet gets the new MD5; the other rows stay', (t) => {
  const dir = makeTempDir('msi-patch-hash-');
  try {
    const built = buildRealShapedMsi(dir.path, 'Contoso.Orders', resources(), { fileHashes: true });
    const pkg = readApplicationPackage(built.bytes, 'x.msi');
    const web = pkg.resources[1]!;
    const config = web.files.find((f) => f.path.endsWith('web.config'))!;
    const patched = patchPackageFiles(built.bytes, [{ cabinet: web.cabinet, path: config.path, bytes: redactSecretsInPlace(config.bytes, config.path)!.bytes }], NEW_CODE, 'x.msi').bytes;
    const before = openMsiDatabase(built.bytes, 'before').readRecords('MsiFileHash');
    const after = openMsiDatabase(patched, 'after');
    const outer = readCabinet(readEmbeddedCabinet(after).bytes);
    const parts = (bytes: Uint8Array): number[] => {
      const digest = createHash('md5').update(bytes).digest();
      return [0, 4, 8, 12].map((at) => digest.readInt32LE(at));
    };
    after.readRecords('MsiFileHash').forEach((row, i) => {
      const entry = outer.find((e) => e.name === row['File_'])!;
      t.deepEqual([row['HashPart1'], row['HashPart2'], row['HashPart3'], row['HashPart4']], parts(entry.bytes), String(row['File_']));
      t.is(row['File_'] === built.fileKeys[1], row['HashPart1'] !== before[i]!['HashPart1']);
    });
  } finally {
    dir.remove();
  }
});
