import test from 'ava';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import type { ManifestRedaction } from '../../../src/core/manifest.js';
import { buildBindingInfo } from '../../../src/adapters/simulator/binding-builder.js';
import { redactPackage } from '../../../src/usecases/export-artifacts.js';
import { silentReporter } from '../../../src/usecases/reporter.js';
import { SimulatedGroup } from '../../../src/adapters/simulator/simulated-group.js';
import { createSampleGroupState } from '../../../src/adapters/simulator/sample-group.js';
import { buildCabinet } from '../../../src/formats/cab/cab-writer.js';
import { readCabinet } from '../../../src/formats/cab/cab-reader.js';
import { buildMsiDatabase, type ColumnDefinition, type TableDefinition } from '../../../src/formats/msi/msi-writer.js';
import { openMsiDatabase, type MsiValue } from '../../../src/formats/msi/msi-reader.js';
import { readApplicationPackage } from '../../../src/formats/msi/application-package.js';
import { inspectFile } from '../../../src/usecases/inspect-file.js';
import { assertRealMsiShape, simulatorMsiChecks } from '../../support/check-simulator-msis.js';
import { realMsiDeviations } from '../../support/real-msi-shape.js';
import { cabextract, makeTempDir, msiextract, msiinfoSuminfo, msiinfoTables } from '../../support/msi-oracle.js';

const CREATED = new Date(Date.UTC(2026, 2, 4, 5, 6, 7));

function sampleGroup(): SimulatedGroup {
  let n = 0;
  const dir = makeTempDir('sim-shape-gac-');
  const group = new SimulatedGroup(createSampleGroupState(), {
    gacRoot: dir.path,
    clock: { now: () => CREATED },
    newGuid: () => `5e1f0000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`,
  });
  dir.remove();
  return group;
}

/** Every application of the sample group a user would export (BizTalk.System never is). */
function sampleApplications(group: SimulatedGroup): string[] {
  return group.state.applications.filter((a) => !a.isSystem).map((a) => a.name);
}

test('every MSI the sample group exports matches REAL-MSI.md point by point', (t) => {
  const group = sampleGroup();
  const apps = sampleApplications(group);
  t.true(apps.length >= 6);
  for (const app of apps) t.deepEqual(realMsiDeviations(group.buildPackage(app), { source: app }), [], app);
});

test('msiinfo, msiextract and cabextract read every sample MSI', (t) => {
  const group = sampleGroup();
  const dir = makeTempDir();
  try {
    for (const app of sampleApplications(group)) {
      const bytes = group.buildPackage(app);
      const pkg = readApplicationPackage(bytes, app);
      const msi = join(dir.path, 'app.msi');
      writeFileSync(msi, bytes);
      t.is(msiinfoTables(msi).filter((name) => name !== '_SummaryInformation' && name !== '_ForceCodepage').length, 90, app);
      // `msiinfo export <msi> _ForceCodepage` prints two empty lines, then "<codepage>\t_ForceCodepage".
      t.regex(execFileSync('msiinfo', ['export', msi, '_ForceCodepage'], { encoding: 'utf8' }), /^\r?\n\r?\n65001\t_ForceCodepage\r?\n/, app);
      const summary = msiinfoSuminfo(msi, 65001);
      t.is(summary.get('Title'), app);
      t.is(summary.get('Application'), 'Microsoft.BizTalk.ApplicationDeployment.Engine, Version=3.0.1.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35');
      const extracted = msiextract(msi);
      t.is(extracted.exitCode, 0, extracted.stderr);
      const leaves = [...extracted.files.keys()].map((p) => p.slice(p.lastIndexOf('/') + 1)).sort();
      t.deepEqual(leaves, ['ApplicationDefinition.adf', ...pkg.resources.map((r) => r.cabinet)].sort(), app);
      for (const resource of pkg.resources) {
        const cab = [...extracted.files].find(([p]) => p.endsWith(`/${resource.cabinet}`))![1];
        const inner = cabextract(cab);
        t.is(inner.exitCode, 0, inner.stderr);
        t.deepEqual([...inner.files.keys()].sort(), resource.files.map((f) => f.path.replace(/\\/g, '/')).sort(), `${app} ${resource.cabinet}`);
        for (const file of resource.files) t.true(Buffer.from(inner.files.get(file.path.replace(/\\/g, '/'))!).equals(Buffer.from(file.bytes)));
      }
    }
  } finally {
    dir.remove();
  }
});

test('the same seed gives the same MSI bytes', (t) => {
  const a = sampleGroup().buildPackage('Contoso.Billing');
  const b = sampleGroup().buildPackage('Contoso.Billing');
  t.true(Buffer.from(a).equals(Buffer.from(b)));
});

// ---- the checker finds what differs ----------------------------------------------------------------------------

interface Rewrite {
  tables?: (tables: Map<string, TableDefinition>) => void;
  streams?: (streams: Map<string, Uint8Array>) => void;
  codepage?: number;
  summary?: (summary: Record<string, unknown>) => void;
}

/** Reads an MSI completely and writes it again with one change: what a slightly wrong exporter would produce. */
function rewrite(bytes: Uint8Array, change: Rewrite): Uint8Array {
  const db = openMsiDatabase(bytes, 'in.msi');
  const tables = new Map<string, TableDefinition>();
  for (const name of db.tableNames) {
    const table = db.readTable(name);
    const columns: ColumnDefinition[] = table.columns.map((c) => ({
      name: c.name,
      kind: c.kind,
      ...(c.kind === 'string' ? { size: c.size } : {}),
      ...(c.key ? { key: true } : {}),
      ...(c.nullable ? { nullable: true } : {}),
      ...(c.localizable ? { localizable: true } : {}),
    }));
    tables.set(name, { name, columns, rows: table.rows.map((row) => [...row] as MsiValue[]) });
  }
  const streams = new Map<string, Uint8Array>();
  for (const stream of db.streams.filter((s) => !s.isTable && s.name !== '\u0005SummaryInformation')) streams.set(stream.name, db.readStream(stream.name)!);
  const { codepage: _codepage, ...summary } = db.summary;
  change.tables?.(tables);
  change.streams?.(streams);
  change.summary?.(summary as Record<string, unknown>);
  return buildMsiDatabase({
    tables: [...tables.values()],
    streams: [...streams].map(([name, data]) => ({ name, bytes: data })),
    summary,
    codepage: change.codepage ?? 65001,
  });
}

const rowsOf = (tables: Map<string, TableDefinition>, name: string): MsiValue[][] => tables.get(name)!.rows as MsiValue[][];
const CABINET = '_B98EE4BD3AE90E7D388ECC1D801B7828';

test('the checker passes a faithful rewrite and names each deviation of a damaged one', (t) => {
  const original = sampleGroup().buildPackage('Contoso.Portal');
  t.deepEqual(realMsiDeviations(rewrite(original, {})), [], 'a rewrite that changes nothing still matches');
  const cases: [string, Rewrite, RegExp][] = [
    ['codepage 1252', { codepage: 1252 }, /codepage is 1252/],
    ['a table missing', { tables: (ts) => ts.delete('Upgrade') }, /no Upgrade table/],
    ['CA_Install gone', { tables: (ts) => rowsOf(ts, 'CustomAction').splice(rowsOf(ts, 'CustomAction').findIndex((r) => r[0] === 'CA_Install'), 1) }, /no CA_Install/],
    ['File.Sequence i4', { tables: (ts) => { ts.get('File')!.columns.find((c) => c.name === 'Sequence')!.kind = 'i4'; } }, /File\.Sequence's type/],
    ['a Binary stream missing', { streams: (ss) => ss.delete('Binary.VSDNETCFG') }, /Binary\.VSDNETCFG/],
    ['the PID 18 of another tool', { summary: (s) => { s['appName'] = 'Windows Installer XML'; } }, /PID 18/],
    ['the page count of an older schema', { summary: (s) => { s['pageCount'] = 110; } }, /page count/],
    ['a File key that is not _<32 hex>', { tables: (ts) => { const row = rowsOf(ts, 'File').find((r) => String(r[2]).startsWith('ITEM~0'))!; row[0] = 'ITEM~0.CAB'; } }, /not _<32 upper-case hex>/],
    [
      'an MSZIP outer cabinet',
      {
        streams: (ss) => {
          const entries = readCabinet(ss.get(CABINET)!);
          ss.set(CABINET, buildCabinet(entries.map((e) => ({ name: e.name, bytes: e.bytes, modified: e.modified })), { compression: 'mszip' }));
        },
      },
      /outer cabinet is mszip/,
    ],
    [
      'an inner cabinet with the outer window',
      {
        streams: (ss) => {
          const entries = readCabinet(ss.get(CABINET)!);
          const isCabinet = (bytes: Uint8Array): boolean => bytes[0] === 0x4d && bytes[1] === 0x53 && bytes[2] === 0x43 && bytes[3] === 0x46;
          const changed = entries.map((e) => (isCabinet(e.bytes) ? { ...e, bytes: buildCabinet(readCabinet(e.bytes), { compression: 'lzx', lzxWindowBits: 21 }) } : e));
          ss.set(CABINET, buildCabinet(changed, { compression: 'lzx', lzxWindowBits: 21 }));
        },
      },
      /ITEM~\d+\.CAB is lzx 2\^21, not LZX 2\^18/,
    ],
  ];
  for (const [what, change, expected] of cases) {
    const deviations = realMsiDeviations(rewrite(original, change));
    t.true(deviations.some((d) => expected.test(d)), `${what}: ${deviations.join(' | ')}`);
  }
});

test('an MSI shaped like our old simulator output (9 tables, 1252, MSZIP) fails on many points', (t) => {
  const original = sampleGroup().buildPackage('Contoso.Shared');
  const keep = new Set(['Property', 'Directory', 'Component', 'Feature', 'FeatureComponents', 'File', 'Media']);
  const old = rewrite(original, {
    codepage: 1252,
    tables: (ts) => {
      for (const name of [...ts.keys()]) if (!keep.has(name)) ts.delete(name);
    },
  });
  const deviations = realMsiDeviations(old);
  for (const expected of [/codepage/, /number of tables/, /no CustomAction table/, /no Registry table/, /no Upgrade table/]) t.true(deviations.some((d) => expected.test(d)), String(expected));
});

test('the suite-wide hook checks every simulator MSI and refuses a deviating one', (t) => {
  const before = simulatorMsiChecks.count;
  sampleGroup().buildPackage('Contoso.Orders');
  t.is(simulatorMsiChecks.count, before + 1);
  const original = sampleGroup().buildPackage('Contoso.Orders');
  t.notThrows(() => assertRealMsiShape(original, 'ok.msi'));
  t.throws(() => assertRealMsiShape(rewrite(original, { codepage: 1252 }), 'bad.msi'), { message: /codepage/ });
});

test('inspect of every sample MSI agrees with the structural reading: application, revision, product code, resources, references', (t) => {
  const group = sampleGroup();
  for (const app of sampleApplications(group)) {
    const bytes = group.buildPackage(app);
    const db = openMsiDatabase(bytes, app);
    const property = new Map(db.readRecords('Property').map((r) => [r['Property'], r['Value']]));
    const inspected = inspectFile(bytes, `${app}.msi`);
    if (inspected.kind !== 'msi') {
      t.fail(`${app}: inspect did not read an MSI`);
      continue;
    }
    const pkg = readApplicationPackage(bytes, app);
    t.is(inspected.application, app);
    t.is(inspected.author, db.summary.author ?? '');
    t.is(inspected.revision, db.summary.revision ?? '');
    t.is(inspected.productCode, String(property.get('ProductCode')));
    t.is(inspected.productVersion, '1.0.0.0');
    t.deepEqual(inspected.references, pkg.adf.references);
    t.deepEqual(
      inspected.resources.map((r) => [r.type, r.luid, r.cabinet, r.files.map((f) => f.path)]),
      pkg.resources.map((r) => [r.type, r.luid, r.cabinet, r.files.map((f) => f.path)]),
    );
  }
});

test('a simulator MSI that carries a clear-text password keeps every REAL-MSI.md point through the export\'s redaction', async (t) => {
  const CANARY = 'sim-canary-pw-7331';
  const group = sampleGroup();
  const orders = group.application('Contoso.Orders');
  const binding = buildBindingInfo({ application: 'Contoso.Orders', modules: [], receivePorts: [], sendPorts: [{ name: 'ToFtp', transport: { adapter: 'FTP', address: 'ftp://x', props: { userName: 'u', password: CANARY }, host: 'SendHost', hostTrusted: false } }] });
  orders.resources.push({ type: 'System.BizTalk:BizTalkBinding', luid: 'Production', properties: { TargetEnvironment: 'Production' }, files: [{ name: 'BindingInfo.xml', text: binding }] });
  const bytes = group.buildPackage('Contoso.Orders');
  t.true(Buffer.from(readApplicationPackage(bytes, 'o.msi').resources.flatMap((r) => r.files.map((f) => Buffer.from(f.bytes).toString('utf8'))).join('')).includes(CANARY));
  const dir = makeTempDir('sim-shape-redact-');
  try {
    const msiPath = join(dir.path, 'Contoso.Orders.msi');
    writeFileSync(msiPath, bytes);
    const redactions: ManifestRedaction[] = [];
    await redactPackage('Contoso.Orders', 'Contoso.Orders.msi', readApplicationPackage(bytes, 'Contoso.Orders.msi'), msiPath, redactions, silentReporter);
    t.true(redactions.length > 0);
    const after = new Uint8Array(readFileSync(msiPath));
    t.false(Buffer.from(after).equals(Buffer.from(bytes)));
    t.deepEqual(realMsiDeviations(after, { source: 'redacted' }), []);
  } finally {
    dir.remove();
  }
});
