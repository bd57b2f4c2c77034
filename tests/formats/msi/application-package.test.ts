import test, { type ExecutionContext } from 'ava';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { parseAdf } from '../../../src/formats/adf/adf.js';
import {
  buildApplicationPackage,
  readApplicationPackage,
  type ApplicationPackageInput,
  type PackageResource,
} from '../../../src/formats/msi/application-package.js';
import { readCabinet } from '../../../src/formats/cab/cab-reader.js';
import { assemblyFolderHash } from '../../../src/formats/msi/biztalk-hash.js';
import { realMsiDeviations } from '../../support/real-msi-shape.js';
import { openMsiDatabase, readEmbeddedCabinet, type MsiColumn } from '../../../src/formats/msi/msi-reader.js';
import { decodeText } from '../../../src/formats/bindings/parse-xml.js';
import {
  cabextract,
  makeTempDir,
  msidumpTables,
  msiextract,
  msiinfoExport,
  msiinfoExtractStream,
  msiinfoStreams,
  msiinfoSuminfo,
  msiinfoTables,
  sampleBytes,
  withTempFile,
} from '../../support/msi-oracle.js';

const ASSEMBLY_LUID = 'Orders, Version=1.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35';

function resourceSet(seed: number): PackageResource[] {
  return [
    {
      type: 'System.BizTalk:BizTalkAssembly',
      luid: ASSEMBLY_LUID,
      properties: { SourceLocation: 'C:\\Build\\Orders.dll' },
      files: [{ name: 'Orders.dll', bytes: sampleBytes('random', 90_000, seed) }],
    },
    {
      type: 'System.BizTalk:BizTalkBinding',
      luid: 'Application/Orders',
      properties: { IsDynamic: 'True', IncludeGlobalPartyBinding: 'True' },
      files: [{ name: 'BindingInfo.xml', bytes: sampleBytes('text', 50_000, seed + 1) }],
    },
    {
      type: 'System.BizTalk:WebDirectory',
      luid: '/OrdersService',
      properties: { DestinationLocation: 'IIS://localhost/W3SVC/1/Root/OrdersService' },
      files: [
        { name: 'OrdersService.svc', bytes: sampleBytes('text', 600, seed + 2) },
        { name: 'bin\\OrdersService.dll', bytes: sampleBytes('random', 5_000, seed + 3) },
        { name: 'Web.config', bytes: new Uint8Array(0) },
      ],
    },
    {
      type: 'System.BizTalk:Rules',
      luid: 'RULE/OrderPolicy/1.0',
      properties: {},
      files: [{ name: 'policy.xml', bytes: sampleBytes('text', 3_000, seed + 4) }],
    },
    {
      type: 'System.BizTalk:File',
      luid: 'readme.txt',
      properties: {},
      files: [{ name: 'readme.txt', bytes: sampleBytes('text', 100, seed + 5) }],
    },
  ];
}

function makeInput(overrides: Partial<ApplicationPackageInput> = {}): ApplicationPackageInput {
  return {
    application: 'Orders',
    description: 'Order handling',
    author: 'CONTOSO\\btsadmin',
    revision: '3f2504e0-4f89-11d3-9a0c-0305e82c3301',
    productCode: '{9C1E55A2-0B7A-4E0B-8C44-6B2F1D2A7E11}',
    createdAt: new Date(Date.UTC(2024, 4, 6, 12, 30, 0)),
    references: ['Common.Schemas'],
    resources: resourceSet(1),
    ...overrides,
  };
}

function typeCode(column: MsiColumn): string {
  if (column.kind === 'i2' || column.kind === 'i4') return (column.nullable ? 'I' : 'i') + column.size;
  if (column.kind === 'binary') return column.nullable ? 'V0' : 'v0';
  const letter = column.localizable ? 'l' : 's';
  return (column.nullable ? letter.toUpperCase() : letter) + column.size;
}

/** The whole oracle comparison for one package: summary, tables, streams, msiextract, cabextract. */
function checkAgainstOracles(t: ExecutionContext, input: ApplicationPackageInput): void {
  const bytes = buildApplicationPackage(input);
  t.deepEqual(realMsiDeviations(bytes), [], 'shaped like a real BizTalk export (shared/REAL-MSI.md)');
  const pkg = readApplicationPackage(bytes, 'oracle.msi');
  const database = openMsiDatabase(bytes, 'oracle.msi');
  const dir = makeTempDir();
  try {
    const msiPath = join(dir.path, 'package.msi');
    writeFileSync(msiPath, bytes);

    // Summary information, as msiinfo decodes it.
    const summary = msiinfoSuminfo(msiPath, database.summary.codepage);
    t.is(summary.get('Title'), input.application);
    t.is(summary.get('Subject'), `Generated BizTalk application package for "${input.application}"`);
    t.is(summary.get('Author'), input.author);
    t.is(summary.get('Revision number (UUID)'), `{${input.revision.replace(/[{}]/g, '').toUpperCase()}}`);
    t.is(summary.get('Template'), 'Intel;1033');
    t.is(summary.get('Version'), '200 (c8)');
    t.is(summary.get('Source'), '2 (2)');
    t.is(pkg.summary.title, input.application);
    t.is(pkg.summary.author, input.author);
    t.is(pkg.summary.created?.getTime(), input.createdAt.getTime());

    // Tables: same set, same columns and types, same rows.
    const theirTables = msiinfoTables(msiPath).filter((name) => name !== '_SummaryInformation' && name !== '_ForceCodepage');
    t.deepEqual([...theirTables].sort(), [...database.tableNames].sort());
    const dumped = msidumpTables(msiPath);
    for (const name of database.tableNames) {
      const ours = database.readTable(name);
      const theirs = dumped.get(name);
      if (theirs === undefined) {
        t.fail(`msidump wrote no ${name}`);
        continue;
      }
      t.deepEqual(theirs.columns, ours.columns.map((c) => c.name), `${name} columns`);
      t.deepEqual(theirs.types, ours.columns.map(typeCode), `${name} types`);
      t.deepEqual(theirs.keys, ours.columns.filter((c) => c.key).map((c) => c.name), `${name} keys`);
      // msiinfo names a stream cell by the stream it exports: `<Table>.<key>`.
      const ourRows = ours.rows
        .map((row) => row.map((cell, c) => (cell === null ? '' : ours.columns[c]!.kind === 'binary' ? `${name}.${String(row[0])}` : String(cell))).join('\t'))
        .sort();
      t.deepEqual(theirs.rows.map((row) => row.join('\t')).sort(), ourRows, `${name} rows`);
    }
    const property = Object.fromEntries(msiinfoExport(msiPath, 'Property').rows.map((row) => [row[0], row[1]]));
    t.is(property['ProductName'], input.application);
    t.is(property['ProductVersion'], '1.0.0.0');
    t.is(property['ProductCode'], input.productCode.toUpperCase());
    t.deepEqual(pkg.properties, property);

    // Streams: every non-table stream msiinfo lists, byte-identical through our reader.
    const theirStreams = msiinfoStreams(msiPath).sort();
    const ourStreams = database.streams.filter((s) => !s.isTable).map((s) => s.name).sort();
    t.deepEqual(theirStreams, ourStreams);
    const cabinetStream = pkg.cabinetName.slice(1);
    t.true(Buffer.from(msiinfoExtractStream(msiPath, cabinetStream)).equals(Buffer.from(database.readStream(cabinetStream)!)));

    // msiextract: ApplicationDefinition.adf and every ITEM~n.CAB, byte-identical with our outer cabinet.
    const extracted = msiextract(msiPath);
    t.is(extracted.exitCode, 0, extracted.stderr);
    const byLeaf = new Map([...extracted.files].map(([path, content]) => [path.slice(path.lastIndexOf('/') + 1), content]));
    const expectedLeaves = ['ApplicationDefinition.adf', ...input.resources.map((_, i) => `ITEM~${i}.CAB`)];
    t.deepEqual([...byLeaf.keys()].sort(), [...expectedLeaves].sort());
    // The outer cabinet names its entries by File key, in File.Sequence order.
    const outer = readCabinet(readEmbeddedCabinet(database).bytes, { source: 'outer' });
    const fileRows = database.readRecords('File').sort((a, b) => Number(a['Sequence']) - Number(b['Sequence']));
    t.deepEqual(outer.map((e) => e.name), fileRows.map((row) => row['File']));
    const longName = new Map(fileRows.map((row) => [row['File'] as string, (row['FileName'] as string).split('|')[1]!]));
    t.deepEqual(outer.map((e) => longName.get(e.name)).sort(), [...expectedLeaves].sort());
    for (const entry of outer) t.true(Buffer.from(entry.bytes).equals(Buffer.from(byLeaf.get(longName.get(entry.name)!)!)), `${entry.name} differs from msiextract's`);
    t.deepEqual(parseAdf(decodeText(byLeaf.get('ApplicationDefinition.adf')!), 'adf'), pkg.adf);

    // cabextract of each inner cabinet: exactly the resource's files.
    input.resources.forEach((resource, i) => {
      const inner = cabextract(byLeaf.get(`ITEM~${i}.CAB`)!);
      t.is(inner.exitCode, 0, inner.stderr);
      const read = pkg.resources[i]!;
      t.is(read.cabinet, `ITEM~${i}.CAB`);
      t.is(read.type, resource.type);
      t.is(read.luid, resource.luid);
      t.is(inner.files.size, resource.files.length);
      resource.files.forEach((file, f) => {
        const path = read.files[f]!.path;
        t.true(path.endsWith(`\\${file.name}`), path);
        t.true(Buffer.from(read.files[f]!.bytes).equals(Buffer.from(file.bytes)), `${path}: our reader`);
        const theirs = inner.files.get(path.replace(/\\/g, '/'));
        t.true(theirs !== undefined && Buffer.from(theirs).equals(Buffer.from(file.bytes)), `${path}: cabextract`);
      });
    });
  } finally {
    dir.remove();
  }
}

test('a package agrees with msiinfo, msiextract and cabextract', (t) => {
  checkAgainstOracles(t, makeInput());
});

test('names with spaces and non-ASCII letters survive (codepage 65001, as BizTalk writes)', (t) => {
  const input = makeInput({ application: 'Zahlungsverkehr-Ä Überweisungen', author: 'CONTOSO\\jürgen', references: ['Gemeinsame Schemas é'] });
  checkAgainstOracles(t, input);
  const pkg = readApplicationPackage(buildApplicationPackage(input));
  t.is(pkg.summary.codepage, 65001);
  t.deepEqual(pkg.adf.references, ['BizTalk.System', 'Gemeinsame Schemas é']);
});

test('names outside codepage 1252 are kept in UTF-8 (65001)', (t) => {
  const input = makeInput({ application: 'Платежи 支付', description: 'Ελληνικά' });
  checkAgainstOracles(t, input);
  const pkg = readApplicationPackage(buildApplicationPackage(input));
  t.is(pkg.summary.codepage, 65001);
  t.is(pkg.adf.properties['DisplayName'], 'Платежи 支付');
});

test('an empty application is an MSI with only the ADF', (t) => {
  const input = makeInput({ application: 'Empty App', resources: [], references: [] });
  checkAgainstOracles(t, input);
  const pkg = readApplicationPackage(buildApplicationPackage(input));
  t.deepEqual(pkg.resources, []);
  t.deepEqual(pkg.adf.references, ['BizTalk.System']);
});

test('45 resources: ITEM~0.CAB to ITEM~44.CAB all extract', (t) => {
  const resources: PackageResource[] = Array.from({ length: 45 }, (_, i) => ({
    type: i % 3 === 0 ? 'System.BizTalk:BizTalkAssembly' : i % 3 === 1 ? 'System.BizTalk:File' : 'System.BizTalk:BizTalkBinding',
    luid: i % 3 === 0 ? `Orders.Part${i}, Version=1.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35` : `Application/Orders/${i}`,
    properties: {},
    files: [{ name: i % 3 === 0 ? `Orders.Part${i}.dll` : `file${i}.xml`, bytes: sampleBytes(i % 2 === 0 ? 'random' : 'text', 500 + i * 211, i) }],
  }));
  checkAgainstOracles(t, makeInput({ resources }));
});

test('the ADF carries BizTalk\'s resource properties, files and references', (t) => {
  const pkg = readApplicationPackage(buildApplicationPackage(makeInput()));
  t.deepEqual(pkg.adf.references, ['BizTalk.System', 'Common.Schemas']);
  t.is(pkg.adf.properties['DisplayName'], 'Orders');
  t.is(pkg.adf.properties['Version'], '1.0.0.0');
  t.is(pkg.adf.properties['ApplicationDescription'], 'Order handling');
  t.regex(pkg.adf.properties['Guid'] ?? '', /^\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}$/);
  const [assembly, binding, web] = pkg.adf.resources;
  t.is(assembly?.properties['FullName'], ASSEMBLY_LUID);
  t.is(assembly?.properties['SourceLocation'], 'C:\\Build\\Orders.dll');
  t.is(assembly?.properties['DestinationLocation'], '%BTAD_InstallDir%\\Orders.dll');
  t.is(assembly?.properties['UpdateGac'], 'True');
  t.is(assembly?.properties['UpdateGacOnImport'], 'True');
  t.true(assembly !== undefined && 'Gacutil' in assembly.properties);
  t.is(assembly?.properties['ShortCabinetName'], 'ITEM~0.CAB');
  t.deepEqual(assembly?.files, [{ relativePath: 'Orders.dll', key: 'Assembly' }]);
  t.is(assembly?.properties['Attributes'], 'Archive');
  t.is(assembly?.properties['UpdateOrchestrationStatus'], 'True');
  t.is(assembly?.properties['RestartHostInstances'], 'False');
  t.is(assembly?.properties['LastWriteTime'], '2024-05-06 12:30:00Z');
  t.is(binding?.properties['IsDynamic'], 'True');
  t.is(binding?.properties['IncludeGlobalPartyBinding'], 'True');
  t.is(binding?.properties['FullName'], 'BindingInfo.xml');
  t.deepEqual(binding?.files, [{ relativePath: 'BindingInfo.xml', key: 'Binding' }]);
  t.deepEqual(web?.files.map((f) => f.key), ['OrdersService.svc', 'bin\\OrdersService.dll', 'Web.config']);
  t.is(web?.properties['PhysicalPath'], 'C:\\inetpub\\wwwroot\\OrdersService');
  t.truthy(web?.properties['AspNetVersion']);
  t.truthy(web?.properties['IISProcessMode']);
  t.is(binding?.properties['ShortCabinetName'], 'ITEM~1.CAB');
  t.is(web?.properties['DestinationLocation'], 'IIS://localhost/W3SVC/1/Root/OrdersService');
  t.deepEqual(web?.files.map((f) => f.relativePath), ['OrdersService.svc', 'bin\\OrdersService.dll', 'Web.config']);
  t.is(pkg.resources[0]!.files[0]!.path, `BizTalkAssembly\\${assemblyFolderHash(ASSEMBLY_LUID)}\\Orders.dll`);
  t.is(pkg.resources[1]!.files[0]!.path, 'BizTalkBinding\\Application-Orders\\BindingInfo.xml');
  t.is(pkg.resources[2]!.files[1]!.path, 'WebDirectory\\-OrdersService\\bin\\OrdersService.dll');
  t.is(pkg.cabinetName, '#_B98EE4BD3AE90E7D388ECC1D801B7828');
  t.is(pkg.summary.revision, '{3F2504E0-4F89-11D3-9A0C-0305E82C3301}');
  t.is(pkg.summary.wordCount, 2);
  t.is(pkg.summary.pageCount, 200);
});

test('identical input gives identical bytes; a new revision changes them', (t) => {
  const a = buildApplicationPackage(makeInput());
  const b = buildApplicationPackage(makeInput());
  t.true(Buffer.from(a).equals(Buffer.from(b)));
  const c = buildApplicationPackage(makeInput({ revision: '{00000000-1111-2222-3333-444444444444}' }));
  t.false(Buffer.from(a).equals(Buffer.from(c)));
});

test('a revision that is not a GUID is refused with E_INVALID_DATA', (t) => {
  const error = t.throws(() => buildApplicationPackage(makeInput({ revision: 'not-a-guid' })));
  t.is((error as { code?: string }).code, 'E_INVALID_DATA');
});

test('a large resource (several MB, DIFAT-sized compound file) round-trips and msiextract agrees', (t) => {
  const big = sampleBytes('random', 8 * 1024 * 1024, 99);
  const input = makeInput({
    resources: [{ type: 'System.BizTalk:BizTalkAssembly', luid: ASSEMBLY_LUID, properties: {}, files: [{ name: 'Orders.dll', bytes: big }] }],
  });
  const bytes = buildApplicationPackage(input);
  t.true(bytes.length > 8 * 1024 * 1024);
  const pkg = readApplicationPackage(bytes);
  t.true(Buffer.from(pkg.resources[0]!.files[0]!.bytes).equals(Buffer.from(big)));
  withTempFile(bytes, 'big.msi', (path) => {
    const extracted = msiextract(path);
    t.is(extracted.exitCode, 0, extracted.stderr);
    const cab = [...extracted.files].find(([name]) => name.endsWith('ITEM~0.CAB'));
    t.truthy(cab);
    const inner = cabextract(cab![1]);
    t.is(inner.exitCode, 0);
    t.true(Buffer.from([...inner.files.values()][0]!).equals(Buffer.from(big)));
  });
});

test('a resource without files is refused with E_INVALID_DATA', (t) => {
  const error = t.throws(() => buildApplicationPackage(makeInput({ resources: [{ type: 'System.BizTalk:File', luid: 'x', properties: {}, files: [] }] })));
  t.is((error as { code?: string }).code, 'E_INVALID_DATA');
});

test('a file name that already carries <ResourceKind>\\<folder>\\ is not nested twice', (t) => {
  const pkg = readApplicationPackage(
    buildApplicationPackage(
      makeInput({
        resources: [
          {
            type: 'System.BizTalk:BizTalkAssembly',
            luid: ASSEMBLY_LUID,
            properties: {},
            files: [{ name: 'BizTalkAssembly\\0123456789ABCDEF0123456789ABCDEF\\Orders.dll', bytes: new Uint8Array([1, 2, 3]) }],
          },
        ],
      }),
    ),
  );
  t.is(pkg.resources[0]!.files[0]!.path, 'BizTalkAssembly\\0123456789ABCDEF0123456789ABCDEF\\Orders.dll');
  t.deepEqual(pkg.adf.resources[0]!.files, [{ relativePath: 'Orders.dll', key: 'Assembly' }]);
  t.is(pkg.adf.resources[0]!.properties['DestinationLocation'], '%BTAD_InstallDir%\\Orders.dll');
});
