import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ManifestRedaction } from '../../src/core/manifest.js';
import { readCabinet } from '../../src/formats/cab/cab-reader.js';
import { readApplicationPackage } from '../../src/formats/msi/application-package.js';
import { openMsiDatabase, readEmbeddedCabinet } from '../../src/formats/msi/msi-reader.js';
import { redactPackage } from '../../src/usecases/export-artifacts.js';
import { injectPackageSecrets } from '../../src/usecases/restore-backup.js';
import { secretKey } from '../../src/formats/bindings/binding-secrets.js';
import { silentReporter, type Reporter } from '../../src/usecases/reporter.js';
import { buildBindingInfo } from '../../src/adapters/simulator/binding-builder.js';
import { makeTempDir, msiinfoTables } from '../support/msi-oracle.js';
import { buildRealShapedMsi } from '../support/real-shaped-msi.js';
import { sampleData } from '../support/cab-oracle.js';
import { spawnSync } from 'node:child_process';

const CANARY = 'canary-pw-5150';
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const utf16 = (s: string): Uint8Array => {
  const out = new Uint8Array(2 + 2 * s.length);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < s.length; i++) {
    out[2 + 2 * i] = s.charCodeAt(i) & 0xff;
    out[3 + 2 * i] = s.charCodeAt(i) >> 8;
  }
  return out;
};

test('export redaction patches a real-shaped MSI: tables other than File as they were, a new PackageCode, redactions recorded without values', async (t) => {
  const dir = makeTempDir('export-redaction-');
  try {
    const binding = buildBindingInfo({ application: 'Contoso.Orders', modules: [], receivePorts: [], sendPorts: [{ name: 'ToFtp', transport: { adapter: 'FTP', address: 'ftp://x', props: { userName: 'u', password: CANARY }, host: 'H', hostTrusted: false } }] });
    const built = buildRealShapedMsi(dir.path, 'Contoso.Orders', [
      { type: 'System.BizTalk:BizTalkAssembly', luid: 'Orders, Version=1.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35', folder: '0123456789abcdef0123456789abcdef', files: [{ name: 'Orders.dll', bytes: sampleData('x86', 60_000, 1) }] },
      // An added binding file as Windows tools write it: UTF-16 with a byte order mark.
      { type: 'System.BizTalk:BizTalkBinding', luid: 'Production', folder: 'Production', files: [{ name: 'BindingInfo.xml', bytes: utf16(binding) }] },
      { type: 'System.BizTalk:File', luid: 'app.config', folder: 'app.config', files: [{ name: 'app.config', bytes: enc(`\ufeff<add connectionString="Server=s;Password=${CANARY};" />\r\n`) }] },
    ]);
    const msiPath = join(dir.path, 'export.msi');
    writeFileSync(msiPath, built.bytes);
    const logs: string[] = [];
    const reporter: Reporter = { ...silentReporter, log: (_level, message) => void logs.push(message) };
    const redactions: ManifestRedaction[] = [];
    const pkg = await redactPackage('Contoso.Orders', 'Contoso.Orders.msi', readApplicationPackage(built.bytes, 'Contoso.Orders.msi'), msiPath, redactions, reporter);

    const after = new Uint8Array(readFileSync(msiPath));
    t.deepEqual(redactions.map((r) => `${r.file}|${r.kind}`).sort(), [
      'BizTalkBinding\\Production\\BindingInfo.xml|BindingPassword',
      'File\\app.config\\app.config|ConnectionStringPassword',
    ]);
    t.false(JSON.stringify(redactions).includes(CANARY));
    t.false(logs.join('\n').includes(CANARY));
    // No secret anywhere in the decoded package; the encodings (UTF-16 + BOM, UTF-8 + BOM) kept.
    for (const resource of pkg.resources) {
      for (const file of resource.files) {
        t.false(Buffer.from(file.bytes).includes(CANARY) || Buffer.from(file.bytes).includes(Buffer.from(CANARY, 'utf16le')), file.path);
        if (file.path.endsWith('BindingInfo.xml')) t.deepEqual([...file.bytes.subarray(0, 2)], [0xff, 0xfe]);
        if (file.path.endsWith('app.config')) t.deepEqual([...file.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      }
    }
    const before = openMsiDatabase(built.bytes, 'before');
    const now = openMsiDatabase(after, 'after');
    t.not(now.summary.revision, before.summary.revision);
    t.regex(now.summary.revision ?? '', /^\{[0-9A-F-]{36}\}$/);
    t.deepEqual({ ...now.summary, revision: '' }, { ...before.summary, revision: '' });
    t.deepEqual(msiinfoTables(msiPath), msiinfoTables(join(dir.path, 'package.msi')));
    for (const table of before.tableNames) {
      if (table === 'File') continue;
      t.deepEqual(now.readTable(table), before.readTable(table), table);
    }
    // msiinfo reads every table of the patched package (in the temp dir: it writes a stream column's files to Binary/ under its cwd).
    for (const table of msiinfoTables(msiPath)) t.is(spawnSync('msiinfo', ['export', msiPath, table], { cwd: dir.path }).status, 0, table);
    // The assembly's inner cabinet is byte for byte the one BizTalk wrote.
    const outerBefore = readCabinet(readEmbeddedCabinet(before).bytes);
    const outerAfter = readCabinet(readEmbeddedCabinet(now).bytes);
    t.true(Buffer.from(outerAfter.find((e) => e.name === built.fileKeys[0])!.bytes).equals(Buffer.from(outerBefore.find((e) => e.name === built.fileKeys[0])!.bytes)));
  } finally {
    dir.remove();
  }
});

test('export redaction leaves an MSI without clear-text secrets untouched', async (t) => {
  const dir = makeTempDir('export-redaction-');
  try {
    const built = buildRealShapedMsi(dir.path, 'Clean', [{ type: 'System.BizTalk:File', luid: 'a.config', folder: 'a', files: [{ name: 'a.config', bytes: enc('<add connectionString="Server=s;Password=******;" />') }] }]);
    const msiPath = join(dir.path, 'export.msi');
    writeFileSync(msiPath, built.bytes);
    const redactions: ManifestRedaction[] = [];
    await redactPackage('Clean', 'Clean.msi', readApplicationPackage(built.bytes, 'Clean.msi'), msiPath, redactions, silentReporter);
    t.deepEqual(redactions, []);
    t.true(Buffer.from(readFileSync(msiPath)).equals(Buffer.from(built.bytes)));
  } finally {
    dir.remove();
  }
});

test('install mode puts the secrets back the same way: the staged MSI keeps every table, and the file is byte for byte the original', async (t) => {
  const dir = makeTempDir('install-inject-');
  try {
    const config = `<configuration>\r\n  <add name="db" connectionString="Server=s;Password=${CANARY};" />\r\n</configuration>\r\n`;
    const built = buildRealShapedMsi(dir.path, 'Contoso.Orders', [
      { type: 'System.BizTalk:BizTalkAssembly', luid: 'Orders, Version=1.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35', folder: '0123456789abcdef0123456789abcdef', files: [{ name: 'Orders.dll', bytes: sampleData('x86', 30_000, 2) }] },
      { type: 'System.BizTalk:File', luid: 'app.config', folder: 'app.config', files: [{ name: 'app.config', bytes: enc(config) }] },
    ]);
    const msiPath = join(dir.path, 'export.msi');
    writeFileSync(msiPath, built.bytes);
    const redactions: ManifestRedaction[] = [];
    await redactPackage('Contoso.Orders', 'Contoso.Orders.msi', readApplicationPackage(built.bytes, 'Contoso.Orders.msi'), msiPath, redactions, silentReporter);
    const masked = new Uint8Array(readFileSync(msiPath));
    const secrets = new Map(redactions.map((r) => [secretKey(r.location!), CANARY]));
    const staged = injectPackageSecrets(masked, 'Contoso.Orders.msi', secrets);
    const stagedPath = join(dir.path, 'staged.msi');
    writeFileSync(stagedPath, staged);
    t.deepEqual(msiinfoTables(stagedPath), msiinfoTables(join(dir.path, 'package.msi')));
    const before = openMsiDatabase(built.bytes, 'before');
    const now = openMsiDatabase(staged, 'staged');
    for (const table of before.tableNames) if (table !== 'File') t.deepEqual(now.readTable(table), before.readTable(table), table);
    const file = readApplicationPackage(staged, 'staged').resources[1]!.files[0]!;
    t.is(new TextDecoder().decode(file.bytes), config);
    t.not(now.summary.revision, openMsiDatabase(masked, 'masked').summary.revision);
  } finally {
    dir.remove();
  }
});
